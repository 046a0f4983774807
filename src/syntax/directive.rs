//! Matching a parser directive line: `# name = value`.

use nom::{
    IResult, Parser,
    bytes::complete::take_while,
    character::complete::{char, satisfy},
    combinator::recognize,
};
use std::ops::Range;

/// The name and value ranges of a directive-shaped comment.
pub struct DirectiveMatch {
    pub name: Range<usize>,
    pub value: Range<usize>,
}

/// Docker's directive pattern `^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$`, where `\s` is
/// `[\t\n\f\r ]`. Whether the name is a known directive is the caller's question.
pub fn match_directive(token: &str) -> Option<DirectiveMatch> {
    let parsed: IResult<&str, (char, &str, &str, &str, char, &str)> = (
        char('#'),
        take_while(is_re_space),
        recognize((
            satisfy(|c| c.is_ascii_alphabetic()),
            take_while(|c: char| c.is_ascii_alphanumeric()),
        )),
        take_while(is_re_space),
        char('='),
        take_while(is_re_space),
    )
        .parse(token);
    let (value_text, (_, lead, name, _, _, gap)) = parsed.ok()?;
    let name_at = 1 + lead.len();
    let value_at = token.len() - value_text.len();
    let value = value_text.trim_end_matches(is_re_space);
    let value_range = if value.is_empty() {
        // `.+?` needs one character: with only spaces after `=` the regex takes the last of them.
        let last = gap.chars().last()?;
        value_at - last.len_utf8()..value_at
    } else {
        value_at..value_at + value.len()
    };
    Some(DirectiveMatch {
        name: name_at..name_at + name.len(),
        value: value_range,
    })
}

fn is_re_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{0c}' | '\r' | ' ')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(token: &str) -> Option<(&str, &str)> {
        match_directive(token).map(|m| (&token[m.name], &token[m.value]))
    }

    #[test]
    fn directive_shapes() {
        assert_eq!(
            parts("# syntax=docker/dockerfile:1"),
            Some(("syntax", "docker/dockerfile:1"))
        );
        assert_eq!(parts("#escape = `  "), Some(("escape", "`")));
        assert_eq!(parts("# ESCAPE=\\"), Some(("ESCAPE", "\\")));
        assert_eq!(
            parts("# check=skip=all;error=true"),
            Some(("check", "skip=all;error=true"))
        );
        assert_eq!(parts("# escape= "), Some(("escape", " ")));
        assert_eq!(parts("# escape="), None);
        assert_eq!(parts("# just a comment"), None);
        assert_eq!(parts("#1abc=x"), None);
    }
}
