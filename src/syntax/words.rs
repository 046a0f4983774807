//! Word scanners for instruction arguments, each reproducing one of Docker's tokenisation rules.
//!
//! Docker splits arguments in four different ways depending on the instruction; a linter that
//! means to agree with Docker has to split them the same way. Every scanner returns byte ranges
//! into the text it was given, so callers can map them back to the file.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while1},
    character::complete::{anychar, char},
    combinator::{opt, recognize},
    multi::many0_count,
    sequence::preceded,
};
use std::ops::Range;

/// Whitespace as Go's `unicode.IsSpace` sees it (Docker trims arguments with it).
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// The whitespace class `[\t\v\f\r ]` that Docker uses to split plain argument lists.
pub fn is_list_space(c: char) -> bool {
    matches!(c, '\t' | '\u{0b}' | '\u{0c}' | '\r' | ' ')
}

/// Lower-cases as Go's `strings.ToLower` does: one character for one, with no context (a final
/// sigma stays `σ`, and `İ` becomes a plain `i`).
pub fn go_lower(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{130}' => 'i',
            c => {
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) => l,
                    _ => c,
                }
            }
        })
        .collect()
}

/// Offset of `rest` inside `whole` (both slices of the same string).
pub fn offset_in(whole: &str, rest: &str) -> usize {
    whole.len() - rest.len()
}

/// Trims Go-style whitespace on both sides and returns the range that is left.
pub fn trim_range(text: &str, range: Range<usize>) -> Range<usize> {
    let piece = &text[range.clone()];
    let start = range.start + (piece.len() - piece.trim_start_matches(is_space).len());
    let end = range.start + piece.trim_end_matches(is_space).len();
    start..end.max(start)
}

/// Splits on runs of `[\t\v\f\r ]` (FROM, EXPOSE, and COPY/ADD/VOLUME outside JSON).
pub fn list_words(text: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let gap: IResult<&str, &str> = take_while(is_list_space).parse(rest);
        let Ok((after_gap, _)) = gap else { break };
        let word: IResult<&str, &str> = take_while1(|c| !is_list_space(c)).parse(after_gap);
        let Ok((after_word, _)) = word else { break };
        words.push(offset_in(text, after_gap)..offset_in(text, after_word));
        rest = after_word;
    }
    words
}

/// Splits `ENV`/`LABEL`/`ARG` arguments into shell-like words: quotes keep spaces inside a word and
/// stay in it, the escape character keeps the next character in the word. An escape character at
/// the very end of the text is dropped, as Docker drops it.
pub fn shell_words(text: &str, escape: char) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut rest = text;
    loop {
        let gap: IResult<&str, &str> = take_while(is_space).parse(rest);
        let Ok((after_gap, _)) = gap else { break };
        if after_gap.is_empty() {
            break;
        }
        let word: IResult<&str, usize> = many0_count(word_piece(escape)).parse(after_gap);
        let Ok((after_word, _)) = word else { break };
        if after_word.len() == after_gap.len() {
            // Only a dangling escape character is left; Docker skips it.
            break;
        }
        let start = offset_in(text, after_gap);
        let mut end = offset_in(text, after_word);
        if after_word.is_empty()
            && text[..end].ends_with(escape)
            && dangling_escape(&text[start..end], escape)
        {
            end -= escape.len_utf8();
        }
        words.push(start..end);
        rest = after_word;
    }
    words
}

/// One piece of a shell-like word: a run of plain characters, a quoted run, or an escaped character.
fn word_piece(escape: char) -> impl FnMut(&str) -> IResult<&str, &str> {
    move |input: &str| {
        alt((
            take_while1(move |c| !is_space(c) && c != '"' && c != '\'' && c != escape),
            quoted('"', Some(escape)),
            quoted('\'', None),
            recognize(preceded(char(escape), anychar)),
            recognize(char(escape)),
        ))
        .parse(input)
    }
}

/// A quoted run; an unterminated quote runs to the end of the text, as in Docker.
fn quoted(quote: char, escape: Option<char>) -> impl FnMut(&str) -> IResult<&str, &str> {
    move |input: &str| {
        recognize((
            char(quote),
            many0_count(alt((
                |i| match escape {
                    Some(e) => recognize(preceded(char(e), anychar)).parse(i),
                    None => Err(nom::Err::Error(nom::error::Error::new(
                        i,
                        nom::error::ErrorKind::Char,
                    ))),
                },
                take_while1(move |c| c != quote && Some(c) != escape),
                |i| match escape {
                    // A lone escape at the very end inside quotes.
                    Some(e) => recognize(char(e)).parse(i),
                    None => Err(nom::Err::Error(nom::error::Error::new(
                        i,
                        nom::error::ErrorKind::Char,
                    ))),
                },
            ))),
            opt(char(quote)),
        ))
        .parse(input)
    }
}

/// Whether the word ends in an escape character that escapes nothing (it is the last character
/// of the text and not itself escaped).
fn dangling_escape(word: &str, escape: char) -> bool {
    let mut escaped = false;
    let mut quote: Option<char> = None;
    let mut last_was_lone_escape = false;
    for c in word.chars() {
        last_was_lone_escape = false;
        if escaped {
            escaped = false;
            continue;
        }
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                }
            }
            Some(q) => {
                if c == escape {
                    escaped = true;
                    last_was_lone_escape = true;
                } else if c == q {
                    quote = None;
                }
            }
            None => {
                if c == escape {
                    escaped = true;
                    last_was_lone_escape = true;
                } else if c == '"' || c == '\'' {
                    quote = Some(c);
                }
            }
        }
    }
    last_was_lone_escape
}

/// The kind of quote left open at the end of a word, if any. Docker expands `ENV`/`LABEL`/`ARG`
/// values with its shell lexer, which stops the build on an unterminated quote.
pub fn unclosed_quote(word: &str, escape: char) -> Option<&'static str> {
    let mut quote: Option<char> = None;
    let mut chars = word.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, c) if c == escape => {
                chars.next();
            }
            (Some(_), '"') => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            _ => {}
        }
    }
    quote.map(|q| if q == '"' { "double" } else { "single" })
}

/// A `--flag` token before an instruction's arguments.
#[derive(Debug, PartialEq, Eq)]
pub struct FlagToken {
    /// The raw bytes of the flag.
    pub range: Range<usize>,
    /// The flag with quotes removed and backslash escapes applied, as Docker keeps it.
    pub text: String,
}

/// Takes the leading `--flag` words off an instruction's arguments. Returns the flags and where
/// the remaining arguments start. A lone `--` ends the flags and is dropped.
///
/// Docker always uses a backslash here, whatever the escape directive says.
pub fn builder_flags(text: &str) -> (Vec<FlagToken>, usize) {
    let mut flags = Vec::new();
    let mut rest = text;
    loop {
        let gap: IResult<&str, &str> = take_while(is_space).parse(rest);
        let Ok((after_gap, _)) = gap else { break };
        if !after_gap.starts_with("--") {
            return (flags, offset_in(text, after_gap));
        }
        let token: IResult<&str, &str> =
            recognize(preceded(tag("--"), many0_count(flag_piece))).parse(after_gap);
        let Ok((after_token, raw)) = token else { break };
        let start = offset_in(text, after_gap);
        if raw == "--" {
            return (flags, offset_in(text, after_token));
        }
        flags.push(FlagToken {
            range: start..offset_in(text, after_token),
            text: unquote_flag(raw),
        });
        rest = after_token;
    }
    (flags, text.len())
}

fn flag_piece(input: &str) -> IResult<&str, &str> {
    alt((
        take_while1(|c| !is_space(c) && c != '"' && c != '\'' && c != '\\'),
        flag_quoted('"'),
        flag_quoted('\''),
        recognize(preceded(char('\\'), anychar)),
        recognize(char('\\')),
    ))
    .parse(input)
}

fn flag_quoted(quote: char) -> impl FnMut(&str) -> IResult<&str, &str> {
    move |input: &str| {
        recognize((
            char(quote),
            many0_count(alt((
                recognize(preceded(char('\\'), anychar)),
                take_while1(move |c| c != quote && c != '\\'),
                recognize(char('\\')),
            ))),
            opt(char(quote)),
        ))
        .parse(input)
    }
}

/// Removes quotes and applies backslash escapes (in both quote styles), as Docker does for flags.
pub fn unquote_flag(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slices<'a>(text: &'a str, ranges: &[Range<usize>]) -> Vec<&'a str> {
        ranges.iter().map(|r| &text[r.clone()]).collect()
    }

    #[test]
    fn list_words_split_on_docker_whitespace_only() {
        let text = "ubuntu:22.04\tAS  build";
        assert_eq!(
            slices(text, &list_words(text)),
            ["ubuntu:22.04", "AS", "build"]
        );
        // A no-break space is not a separator for this rule.
        let text = "a\u{a0}b c";
        assert_eq!(slices(text, &list_words(text)), ["a\u{a0}b", "c"]);
    }

    #[test]
    fn shell_words_keep_quotes_and_escapes() {
        let text = r#"abc="123 456" def x=a\ b 'q r'"#;
        assert_eq!(
            slices(text, &shell_words(text, '\\')),
            [r#"abc="123 456""#, "def", r"x=a\ b", "'q r'"]
        );
    }

    #[test]
    fn shell_words_drop_a_trailing_escape() {
        let text = r"a=b\\\";
        assert_eq!(slices(text, &shell_words(text, '\\')), [r"a=b\\"]);
        let text = "a=`b";
        assert_eq!(slices(text, &shell_words(text, '`')), ["a=`b"]);
    }

    #[test]
    fn shell_words_unterminated_quote_runs_to_the_end() {
        let text = r#"a="b c"#;
        assert_eq!(slices(text, &shell_words(text, '\\')), [r#"a="b c"#]);
    }

    #[test]
    fn builder_flags_stop_at_the_first_plain_word() {
        let text = "--from=build --chown=a:b src dst";
        let (flags, rest) = builder_flags(text);
        let texts: Vec<_> = flags.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(texts, ["--from=build", "--chown=a:b"]);
        assert_eq!(&text[rest..], "src dst");
    }

    #[test]
    fn builder_flags_unquote_and_drop_double_dash() {
        let text = r#"--mount="type=cache,target=/x y" -- --not-a-flag"#;
        let (flags, rest) = builder_flags(text);
        assert_eq!(flags.len(), 1);
        assert_eq!(flags[0].text, "--mount=type=cache,target=/x y");
        assert_eq!(
            &text[flags[0].range.clone()],
            r#"--mount="type=cache,target=/x y""#
        );
        assert_eq!(&text[rest..], " --not-a-flag");
    }

    #[test]
    fn builder_flags_single_dash_is_an_argument() {
        let (flags, rest) = builder_flags("-x y");
        assert!(flags.is_empty());
        assert_eq!(rest, 0);
    }

    #[test]
    fn trim_range_uses_unicode_space() {
        let text = "\u{a0} abc \t";
        assert_eq!(&text[trim_range(text, 0..text.len())], "abc");
    }
}
