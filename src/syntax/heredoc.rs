//! Finding heredoc markers (`<<EOF`, `<<-EOF`, `3<<"EOF"`) on an instruction line.
//!
//! Docker splits the whole line into shell words, keeping quotes and escapes, and takes every word
//! of the shape `[digits]<<[-]name` (no further `<` in it) as a heredoc. The delimiter is the name
//! with quotes removed; a quote anywhere in it turns off variable expansion in the body.

use super::words::is_space;
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

/// Every heredoc marker of a line, in order.
pub fn markers(line: &str) -> Vec<Marker> {
    if !line.contains("<<") {
        return Vec::new();
    }
    lexer_words(line)
        .into_iter()
        .filter_map(|range| marker(&line[range.clone()]).map(|m| Marker { range, ..m }))
        .collect()
}

fn marker(word: &str) -> Option<Marker> {
    let parsed: IResult<&str, (&str, &str, Option<char>, &str)> =
        all_consuming((digit0, tag("<<"), opt(char('-')), rest)).parse(word);
    let (_, (digits, _, dash, name_raw)) = parsed.ok()?;
    if name_raw.is_empty() || name_raw.contains('<') {
        return None;
    }
    let (name, quotes_removed) = unquote(name_raw);
    if name.is_empty() {
        return None;
    }
    Some(Marker {
        range: 0..0,
        name,
        fd: if digits.is_empty() {
            None
        } else {
            digits.parse().ok()
        },
        chomp: dash.is_some(),
        expand: !quotes_removed,
    })
}

/// Removes quotes and backslash escapes; says whether any quote was removed.
fn unquote(raw: &str) -> (String, bool) {
    let mut out = String::with_capacity(raw.len());
    let mut quote: Option<char> = None;
    let mut removed = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => out.push(c),
            (Some(_), '"') => quote = None,
            (Some(_), '\\') => match chars.next() {
                Some(next @ ('"' | '\\' | '$' | '`')) => out.push(next),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            (None, '\'' | '"') => {
                quote = Some(c);
                removed = true;
            }
            (None, '\\') => {
                if let Some(next) = chars.next() {
                    out.push(next);
                }
            }
            _ => out.push(c),
        }
    }
    (out, removed)
}

/// Splits a line into words the way Docker's shell lexer does before looking for heredocs:
/// whitespace separates words except inside quotes, `${…}` or after a backslash.
fn lexer_words(line: &str) -> Vec<Range<usize>> {
    let mut words = Vec::new();
    let mut start: Option<usize> = None;
    let mut quote: Option<char> = None;
    let mut brace_depth = 0usize;
    let mut chars = line.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if start.is_none() {
            if is_space(c) {
                continue;
            }
            start = Some(at);
        }
        match (quote, c) {
            (Some('\''), '\'') => quote = None,
            (Some('\''), _) => {}
            (_, '\\') => {
                chars.next();
            }
            (Some(_), '"') => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (_, '$') if chars.peek().map(|&(_, n)| n) == Some('{') => {
                chars.next();
                brace_depth += 1;
            }
            (None, '}') if brace_depth > 0 => brace_depth -= 1,
            (None, _) if brace_depth == 0 && is_space(c) => {
                if let Some(s) = start.take() {
                    words.push(s..at);
                }
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push(s..line.len());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(line: &str) -> Vec<(String, bool, bool)> {
        markers(line)
            .into_iter()
            .map(|m| (m.name, m.chomp, m.expand))
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
    }

    #[test]
    fn marker_range_and_fd() {
        let line = "RUN cat 3<<FILE > /x";
        let found = markers(line);
        assert_eq!(found.len(), 1);
        assert_eq!(&line[found[0].range.clone()], "3<<FILE");
        assert_eq!(found[0].fd, Some(3));
    }

    #[test]
    fn quoted_or_embedded_markers_are_not_heredocs() {
        assert!(markers(r#"RUN echo "<<EOF""#).is_empty());
        assert!(markers("RUN echo a<<EOF").is_empty());
        assert!(markers("RUN echo <<").is_empty());
        assert!(markers("RUN cat <<<word").is_empty());
    }

    #[test]
    fn docker_takes_the_rest_of_the_word_as_the_name() {
        // Docker's quirk: without a space the redirect becomes part of the delimiter.
        assert_eq!(
            names("RUN cat <<EOF>out"),
            [("EOF>out".into(), false, true)]
        );
    }
}
