//! Finding heredoc markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) on an instruction line.
//!
//! Docker runs its shell-word lexer over the whole logical line (keyword included) and takes every
//! resulting word of the shape `[digits]<<[-]name` (no further `<` in it) as a heredoc. The lexer
//! is not a shell: quotes and `${…}` decide where words end, `$(` is plain text, a word is split
//! at whitespace that a `${…}` expansion produced, and any lexing error (an unclosed quote, a bad
//! `${`) means the line has no heredocs at all. The delimiter is the name run through the same
//! lexer again with quotes removed; when that removed a quote, the body is not expanded.
//!
//! [`lex`] reproduces that lexer with an explicit stack, so nesting costs heap, not stack, and
//! every character is read once.

use nom::{
    IResult, Parser,
    bytes::complete::tag,
    character::complete::{char, digit0},
    combinator::{all_consuming, opt, rest},
};
use std::ops::Range;

/// A heredoc marker found on the line.
#[derive(Debug, PartialEq, Eq)]
pub struct Marker {
    pub range: Range<usize>,
    pub name: String,
    pub fd: Option<u32>,
    pub chomp: bool,
    pub expand: bool,
}

/// Every heredoc marker of a line, in order. An error is one Docker's parser stops on: a marker
/// whose name the lexer cannot read on its own.
pub fn markers(line: &str) -> Result<Vec<Marker>, String> {
    if !line.contains("<<") {
        return Ok(Vec::new());
    }
    // Docker ignores a lexing error of the whole line: the line then has no heredocs.
    let Ok(words) = lex(line, RAW) else {
        return Ok(Vec::new());
    };
    let mut found = Vec::new();
    for word in words {
        if let Some(marker) = marker(&word.text)? {
            found.push(Marker {
                range: word.range,
                ..marker
            });
        }
    }
    Ok(found)
}

/// Reads one lexer word as a marker, if it has the shape of one.
fn marker(word: &str) -> Result<Option<Marker>, String> {
    let parsed: IResult<&str, (&str, &str, Option<char>, &str)> =
        all_consuming((digit0, tag("<<"), opt(char('-')), rest)).parse(word);
    let Ok((_, (digits, _, dash, name_raw))) = parsed else {
        return Ok(None);
    };
    if name_raw.is_empty() || name_raw.contains('<') {
        return Ok(None);
    }
    let cooked = lex(name_raw, COOKED)?;
    let [name] = cooked.as_slice() else {
        // Not exactly one word (`<<''` gives none): not a heredoc.
        return Ok(None);
    };
    let quoted = lex(name_raw, QUOTES_KEPT)?;
    let [name_with_quotes] = quoted.as_slice() else {
        return Err(format!(
            "internal lexing of heredoc produced inconsistent results: {name_raw}"
        ));
    };
    let expand = quote_count(&name.text) == quote_count(&name_with_quotes.text);
    Ok(Some(Marker {
        range: 0..0,
        name: name.text.clone(),
        fd: if digits.is_empty() {
            None
        } else {
            digits.parse().ok()
        },
        chomp: dash.is_some(),
        expand,
    }))
}

fn quote_count(text: &str) -> usize {
    text.chars().filter(|&c| c == '\'' || c == '"').count()
}

/// How the lexer treats quotes and escapes: kept in the words, or removed.
#[derive(Clone, Copy)]
struct Mode {
    raw_quotes: bool,
    raw_escapes: bool,
}

/// Splitting a line into candidate markers: quotes and escapes stay in the words.
const RAW: Mode = Mode {
    raw_quotes: true,
    raw_escapes: true,
};
/// Reading a delimiter: quotes and escapes removed.
const COOKED: Mode = Mode {
    raw_quotes: false,
    raw_escapes: false,
};
/// Reading a delimiter again with its quotes, to see whether it had any.
const QUOTES_KEPT: Mode = Mode {
    raw_quotes: true,
    raw_escapes: false,
};

/// The lexer's escape character: always a backslash here, whatever the escape directive says.
const ESCAPE: char = '\\';

/// A word from the lexer and the bytes of the input it came from.
#[derive(Debug, PartialEq, Eq)]
pub struct LexWord {
    pub text: String,
    pub range: Range<usize>,
}

/// What the lexer is inside of, innermost last.
#[derive(Clone, Copy, Debug)]
enum Frame {
    /// The body of a `${name<op>…}` up to its `stop` character; `then` says what follows it.
    Expansion {
        stop: char,
        raw_escapes: bool,
        then: AfterStop,
    },
    /// A double-quoted string; escapes inside follow the enclosing context.
    DoubleQuoted { raw_escapes: bool },
}

#[derive(Clone, Copy, Debug)]
enum AfterStop {
    /// The closing `}` ends the expansion.
    Close,
    /// The `/` after a pattern: the replacement follows, up to `}`.
    Replacement,
}

struct Lexer<'a> {
    text: &'a str,
    pos: usize,
    mode: Mode,
    frames: Vec<Frame>,
    words: Vec<LexWord>,
    word: String,
    word_start: usize,
}

/// Splits `text` into words as Docker's shell-word lexer does, with no variables set (a reference
/// stays as written). `Err` is the lexer's error.
fn lex(text: &str, mode: Mode) -> Result<Vec<LexWord>, String> {
    let mut lexer = Lexer {
        text,
        // The lexer skips a byte-order mark at the very start of its input.
        pos: if text.starts_with('\u{feff}') { 3 } else { 0 },
        mode,
        frames: Vec::new(),
        words: Vec::new(),
        word: String::new(),
        word_start: 0,
    };
    lexer.run()?;
    lexer.split_at(text.len());
    Ok(lexer.words)
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Whether output now goes into the word as it is (quoted text, escaped characters) rather
    /// than being split at whitespace. Text that an expansion at the top produced is split, even
    /// what was quoted inside it; text of a top-level quote is not.
    fn splits_here(&self) -> bool {
        match self.frames.first() {
            None => true,
            Some(Frame::Expansion { .. }) => true,
            Some(Frame::DoubleQuoted { .. }) => false,
        }
    }

    /// Appends output that started at input offset `from`.
    fn emit(&mut self, c: char, from: usize, splits: bool) {
        if splits && c.is_whitespace() {
            self.split_at(from);
            return;
        }
        if self.word.is_empty() {
            self.word_start = from;
        }
        self.word.push(c);
    }

    /// Appends output that an expansion or a quote produced; see [`Lexer::splits_here`].
    fn emit_str(&mut self, text: &str, from: usize) {
        let splits = self.splits_here();
        self.emit_str_splitting(text, from, splits);
    }

    fn emit_str_splitting(&mut self, text: &str, from: usize, splits: bool) {
        let mut at = from;
        for c in text.chars() {
            self.emit(c, at, splits);
            at += c.len_utf8();
        }
    }

    fn split_at(&mut self, end: usize) {
        if !self.word.is_empty() {
            self.words.push(LexWord {
                text: std::mem::take(&mut self.word),
                range: self.word_start..end,
            });
        }
    }

    fn run(&mut self) -> Result<(), String> {
        loop {
            match self.frames.last().copied() {
                None => {
                    if self.peek().is_none() {
                        return Ok(());
                    }
                    self.unquoted_step(None)?;
                }
                Some(Frame::Expansion {
                    stop,
                    raw_escapes,
                    then,
                }) => {
                    if self.peek() == Some(stop) {
                        let at = self.pos;
                        self.bump();
                        self.frames.pop();
                        match then {
                            AfterStop::Close => self.emit_str("}", at),
                            AfterStop::Replacement => {
                                self.emit_str("/", at);
                                self.frames.push(Frame::Expansion {
                                    stop: '}',
                                    raw_escapes: true,
                                    then: AfterStop::Close,
                                });
                            }
                        }
                        continue;
                    }
                    if self.peek().is_none() {
                        return Err(format!("unexpected end of text while looking for {stop}"));
                    }
                    self.unquoted_step(Some(raw_escapes))?;
                }
                Some(Frame::DoubleQuoted { raw_escapes }) => {
                    self.double_quoted_step(raw_escapes)?
                }
            }
        }
    }

    /// One step outside quotes: at the top (`raw_escapes` is `None`) or inside an expansion.
    fn unquoted_step(&mut self, raw_escapes: Option<bool>) -> Result<(), String> {
        let at = self.pos;
        let Some(c) = self.bump() else {
            return Ok(());
        };
        let at_top = raw_escapes.is_none();
        match c {
            '$' => self.dollar(at),
            '\'' => self.single_quoted(at),
            '"' => {
                if self.mode.raw_quotes {
                    self.emit_str("\"", at);
                }
                let raw_escapes = raw_escapes.unwrap_or(self.mode.raw_escapes);
                self.frames.push(Frame::DoubleQuoted { raw_escapes });
                Ok(())
            }
            ESCAPE => {
                let raw = raw_escapes.unwrap_or(self.mode.raw_escapes);
                // At the top an escaped character is kept whole (an escaped space joins words);
                // inside an expansion it is output like the rest of it.
                let splits = !at_top && self.splits_here();
                if raw {
                    self.emit(ESCAPE, at, splits);
                }
                let next_at = self.pos;
                // At the very end there is nothing to escape; inside an expansion the missing
                // stop character is then reported by the caller.
                if let Some(next) = self.bump() {
                    self.emit(next, next_at, splits);
                }
                Ok(())
            }
            c => {
                let splits = self.splits_here();
                self.emit(c, at, splits);
                Ok(())
            }
        }
    }

    fn single_quoted(&mut self, open: usize) -> Result<(), String> {
        if self.mode.raw_quotes {
            self.emit_str("'", open);
        }
        let start = self.pos;
        let Some(len) = self.text[start..].find('\'') else {
            return Err(
                "unexpected end of statement while looking for matching single-quote".into(),
            );
        };
        let text = self.text;
        let body = &text[start..start + len];
        self.pos = start + len + 1;
        // A quote at the top is kept whole; inside an expansion it is split like the rest of it.
        let splits = !self.frames.is_empty() && self.splits_here();
        self.emit_str_splitting(body, start, splits);
        if self.mode.raw_quotes {
            self.emit_str("'", start + len);
        }
        Ok(())
    }

    fn double_quoted_step(&mut self, raw_escapes: bool) -> Result<(), String> {
        let at = self.pos;
        let Some(c) = self.bump() else {
            return Err(
                "unexpected end of statement while looking for matching double-quote".into(),
            );
        };
        match c {
            '"' => {
                self.frames.pop();
                if self.mode.raw_quotes {
                    self.emit_str("\"", at);
                }
                Ok(())
            }
            '$' => self.dollar(at),
            ESCAPE => {
                if raw_escapes {
                    self.emit_str("\\", at);
                }
                let next_at = self.pos;
                match self.peek() {
                    // The error for the missing quote comes on the next step.
                    None => {}
                    Some(next @ ('"' | '$' | ESCAPE)) => {
                        self.bump();
                        let mut buf = [0; 4];
                        self.emit_str(next.encode_utf8(&mut buf), next_at);
                    }
                    // Before any other character the escape stays (once more when kept raw).
                    Some(_) => self.emit_str("\\", at),
                }
                Ok(())
            }
            c => {
                let mut buf = [0; 4];
                self.emit_str(c.encode_utf8(&mut buf), at);
                Ok(())
            }
        }
    }

    /// After a `$` (at `at`, already consumed). With no variables set, a reference is output as
    /// written; only `${…}` with an operator opens a frame, because its word is lexed in turn.
    fn dollar(&mut self, at: usize) -> Result<(), String> {
        if self.peek() != Some('{') {
            let name_end = self.name_end();
            self.pos = name_end;
            let text = self.text;
            self.emit_str(&text[at..name_end], at);
            return Ok(());
        }
        self.bump();
        match self.peek() {
            None => return Err("syntax error: missing '}'".into()),
            Some('{' | '}' | ':') => return Err("syntax error: bad substitution".into()),
            Some(_) => {}
        }
        self.pos = self.name_end();
        let op_at = self.pos;
        let op = self.bump();
        let text = self.text;
        match op {
            Some('}') => {
                self.emit_str(&text[at..self.pos], at);
                Ok(())
            }
            Some(':') => {
                // Whatever follows the colon is taken as the operator, even `}`.
                let Some(second) = self.bump() else {
                    return Err("syntax error: missing '}'".into());
                };
                self.emit_str(&text[at..self.pos], at);
                self.open_expansion(matches!(second, '#' | '%'), AfterStop::Close);
                Ok(())
            }
            Some(c @ ('+' | '-' | '?' | '#' | '%')) => {
                self.emit_str(&text[at..self.pos], at);
                self.open_expansion(matches!(c, '#' | '%'), AfterStop::Close);
                Ok(())
            }
            Some('/') => {
                self.emit_str(&text[at..self.pos], at);
                // `//` (replace all) is written back with one slash.
                if self.peek() == Some('/') {
                    self.bump();
                }
                self.open_expansion_until('/', AfterStop::Replacement);
                Ok(())
            }
            _ => Err(format!(
                "unsupported modifier ({}) in substitution",
                &text[op_at..self.pos]
            )),
        }
    }

    fn open_expansion(&mut self, raw_escapes: bool, then: AfterStop) {
        self.frames.push(Frame::Expansion {
            stop: '}',
            raw_escapes,
            then,
        });
    }

    fn open_expansion_until(&mut self, stop: char, then: AfterStop) {
        self.frames.push(Frame::Expansion {
            stop,
            raw_escapes: true,
            then,
        });
    }

    /// Where a variable name starting here ends: a run of digits, one special parameter, or
    /// letters, digits and underscores. (Only where it ends matters: it is output as written.)
    fn name_end(&self) -> usize {
        let rest = &self.text[self.pos..];
        let mut chars = rest.char_indices();
        let Some((_, first)) = chars.next() else {
            return self.pos;
        };
        if first.is_numeric() {
            let len = rest
                .char_indices()
                .find(|&(_, c)| !c.is_numeric())
                .map_or(rest.len(), |(i, _)| i);
            return self.pos + len;
        }
        if matches!(first, '@' | '*' | '#' | '?' | '-' | '$' | '!') {
            return self.pos + 1;
        }
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_'))
            .map_or(rest.len(), |(i, _)| i);
        self.pos + len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool)> {
        markers(line)
            .unwrap()
            .into_iter()
            .map(|m| (m.name, m.chomp, m.expand))
            .collect()
    }

    fn words(text: &str) -> Vec<String> {
        lex(text, RAW)
            .unwrap()
            .into_iter()
            .map(|w| w.text)
            .collect()
    }

    #[test]
    fn finds_plain_quoted_and_chomped_markers() {
        assert_eq!(names("RUN <<EOF"), [("EOF".into(), false, true)]);
        assert_eq!(names("RUN <<-'EOT' bash"), [("EOT".into(), true, false)]);
        assert_eq!(
            names(r#"COPY <<"A" <<B /dst/"#),
            [("A".into(), false, false), ("B".into(), false, true)]
        );
        assert_eq!(names(r"RUN <<E\OF"), [("EOF".into(), false, true)]);
        assert_eq!(names(r#"RUN <<"E"OF"#), [("EOF".into(), false, false)]);
    }

    #[test]
    fn marker_range_and_fd() {
        let line = "RUN cat 3<<FILE > /x";
        let found = markers(line).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(&line[found[0].range.clone()], "3<<FILE");
        assert_eq!(found[0].fd, Some(3));
    }

    #[test]
    fn quoted_or_embedded_markers_are_not_heredocs() {
        assert!(names(r#"RUN echo "<<EOF""#).is_empty());
        assert!(names("RUN echo '<<EOF'").is_empty());
        assert!(names("RUN echo a<<EOF").is_empty());
        assert!(names("RUN echo <<").is_empty());
        assert!(names("RUN cat <<<word").is_empty());
        assert!(names(r"RUN echo \<<EOF").is_empty());
    }

    #[test]
    fn a_quote_ends_no_word() {
        // The closing quote does not end the word: `<<EOF` is inside `"x"<<EOF`.
        assert!(names(r#"RUN echo "x"<<EOF"#).is_empty());
        // …and a word may start with the marker and go on into a quote.
        assert_eq!(
            names(r#"RUN x <<EOF"a b""#),
            [("EOFa b".into(), false, false)]
        );
    }

    #[test]
    fn an_unclosed_quote_means_no_heredocs() {
        assert!(names("RUN yum <<EOF'update -y").is_empty());
        assert!(names(r#"RUN <<EOF echo "a"#).is_empty());
        assert!(names("RUN <<EOF echo ${").is_empty());
        assert!(names("RUN <<EOF echo ${a b}").is_empty());
    }

    #[test]
    fn braces_of_a_reference_inside_quotes_close() {
        // `${…}` inside double quotes does not swallow the rest of the line.
        assert_eq!(
            names(r#"RUN if [ "${V}" <<-EOF!= "none" ]"#),
            [("EOF!=".into(), true, true)]
        );
    }

    #[test]
    fn expansions_split_at_their_whitespace() {
        assert_eq!(words("a${b:-c d}e"), ["a${b:-c", "d}e"]);
        assert_eq!(words("a${b}c d"), ["a${b}c", "d"]);
        assert_eq!(words(r#"${a:-"x y"}"#), [r#"${a:-"x"#, r#"y"}"#]);
        assert_eq!(words(r#""${a:-x y}""#), [r#""${a:-x y}""#]);
        assert_eq!(words("${a//x/y}"), ["${a/x/y}"]);
        assert_eq!(
            words("$$ $1a ${#} $(x y)"),
            ["$$", "$1a", "${#}", "$(x", "y)"]
        );
        assert!(lex("${a!}", RAW).is_err());
        assert!(lex("${}", RAW).is_err());
        assert!(lex("${a/x}", RAW).is_err());
    }

    #[test]
    fn escapes_follow_the_mode() {
        assert_eq!(words(r"a\ b c"), [r"a\ b", "c"]);
        assert_eq!(lex(r"a\ b", COOKED).unwrap()[0].text, "a b".to_string());
        // Inside double quotes only `"`, `$` and the escape are escaped; raw mode doubles the
        // escape before anything else, as Docker's lexer does.
        assert_eq!(words(r#""a\"b\x""#), [r#""a\"b\\x""#]);
        assert_eq!(lex(r#""a\"b\x""#, COOKED).unwrap()[0].text, r#"a"b\x"#);
    }

    #[test]
    fn a_delimiter_the_lexer_cannot_read_alone_is_an_error() {
        // The line splits inside the expansion, leaving `''${a:-` as the delimiter's text.
        assert!(markers("RUN <<''${a:- b}").is_err());
        // `<<''` alone names nothing: not a heredoc, not an error.
        assert_eq!(markers("RUN <<'' x").unwrap(), []);
    }

    #[test]
    fn docker_takes_the_rest_of_the_word_as_the_name() {
        // Docker's quirk: without a space the redirect becomes part of the delimiter.
        assert_eq!(
            names("RUN cat <<EOF>out"),
            [("EOF>out".into(), false, true)]
        );
    }

    #[test]
    fn deep_nesting_needs_no_stack() {
        let deep = "${a:-".repeat(100_000);
        assert!(lex(&deep, RAW).is_err());
        let closed = format!("<<E{}{}", "${a:-\"".repeat(20_000), "\"}".repeat(20_000));
        assert_eq!(lex(&closed, RAW).unwrap().len(), 1);
    }
}
