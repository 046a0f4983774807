//! Variable references in instruction arguments: `$NAME`, `${NAME}` and `${NAME<op>word}`.
//!
//! Rules use them to expand `ARG`/`ENV` values (a `WORKDIR $HOME/app`, a `COPY` into `${DEST}`).
//! The escape character before `$` and single quotes stop expansion, as in Docker.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while},
    character::complete::{char, satisfy},
    combinator::recognize,
};
use std::ops::Range;

/// One reference, with ranges relative to the text that was scanned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VarRef {
    /// From `$` to the end of the name or the closing `}`.
    pub range: Range<usize>,
    pub name: Range<usize>,
    /// `${NAME:-default}` and friends: the operator and the word after it.
    pub modifier: Option<Modifier>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modifier {
    pub operator: Operator,
    pub word: Range<usize>,
}

/// The operators Docker's shell lexer understands inside `${…}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operator {
    /// `:-` default when unset or empty, `-` when unset.
    Default { if_empty: bool },
    /// `:+` alternative when set and non-empty, `+` when set.
    Alternative { if_empty: bool },
    /// `:?` error when unset or empty, `?` when unset.
    Required { if_empty: bool },
    /// `#`/`##` remove the shortest/longest matching prefix.
    RemovePrefix { longest: bool },
    /// `%`/`%%` remove the shortest/longest matching suffix.
    RemoveSuffix { longest: bool },
    /// `/`/`//` replace the first/every match.
    Replace { all: bool },
}

/// Every variable reference in `text`, in order.
pub fn references(text: &str, escape: char) -> Vec<VarRef> {
    let mut found = Vec::new();
    let mut in_single_quotes = false;
    let mut in_double_quotes = false;
    let mut chars = text.char_indices();
    while let Some((at, c)) = chars.next() {
        if c == escape && !in_single_quotes {
            chars.next();
            continue;
        }
        match c {
            '\'' if !in_double_quotes => in_single_quotes = !in_single_quotes,
            '"' if !in_single_quotes => in_double_quotes = !in_double_quotes,
            '$' if !in_single_quotes => {
                if let Ok((rest, reference)) = reference(&text[at..]) {
                    let consumed = text.len() - at - rest.len();
                    found.push(shift(reference, at));
                    // Skip what the reference covered.
                    let end = at + consumed;
                    while chars.clone().next().is_some_and(|(i, _)| i < end) {
                        chars.next();
                    }
                }
            }
            _ => {}
        }
    }
    found
}

fn shift(reference: VarRef, by: usize) -> VarRef {
    let move_range = |r: Range<usize>| r.start + by..r.end + by;
    VarRef {
        range: move_range(reference.range),
        name: move_range(reference.name),
        modifier: reference.modifier.map(|m| Modifier {
            operator: m.operator,
            word: move_range(m.word),
        }),
    }
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// A reference starting at `$` (ranges relative to `input`).
fn reference(input: &str) -> IResult<&str, VarRef> {
    alt((braced, bare)).parse(input)
}

fn name(input: &str) -> IResult<&str, &str> {
    recognize((satisfy(is_name_start), take_while(is_name_char))).parse(input)
}

fn bare(input: &str) -> IResult<&str, VarRef> {
    let (rest, (_, found)) = (char('$'), name).parse(input)?;
    let start = 1;
    Ok((
        rest,
        VarRef {
            range: 0..start + found.len(),
            name: start..start + found.len(),
            modifier: None,
        },
    ))
}

fn operator(input: &str) -> IResult<&str, Operator> {
    alt((
        tag(":-").map(|_| Operator::Default { if_empty: true }),
        tag(":+").map(|_| Operator::Alternative { if_empty: true }),
        tag(":?").map(|_| Operator::Required { if_empty: true }),
        tag("-").map(|_| Operator::Default { if_empty: false }),
        tag("+").map(|_| Operator::Alternative { if_empty: false }),
        tag("?").map(|_| Operator::Required { if_empty: false }),
        tag("##").map(|_| Operator::RemovePrefix { longest: true }),
        tag("#").map(|_| Operator::RemovePrefix { longest: false }),
        tag("%%").map(|_| Operator::RemoveSuffix { longest: true }),
        tag("%").map(|_| Operator::RemoveSuffix { longest: false }),
        tag("//").map(|_| Operator::Replace { all: true }),
        tag("/").map(|_| Operator::Replace { all: false }),
    ))
    .parse(input)
}

fn braced(input: &str) -> IResult<&str, VarRef> {
    let (after_name, (_, found)) = (tag("${"), name).parse(input)?;
    let name_range = 2..2 + found.len();
    if let Ok((rest, _)) = char::<&str, nom::error::Error<&str>>('}').parse(after_name) {
        let end = input.len() - rest.len();
        return Ok((
            rest,
            VarRef {
                range: 0..end,
                name: name_range,
                modifier: None,
            },
        ));
    }
    let (after_op, op) = operator(after_name)?;
    let word_start = input.len() - after_op.len();
    let word_len = balanced_word_len(after_op);
    let (rest, _) = char('}').parse(&after_op[word_len..])?;
    let end = input.len() - rest.len();
    Ok((
        rest,
        VarRef {
            range: 0..end,
            name: name_range,
            modifier: Some(Modifier {
                operator: op,
                word: word_start..word_start + word_len,
            }),
        },
    ))
}

/// The length of a modifier word: up to the `}` that closes the reference, skipping nested
/// `${…}` and quoted text.
fn balanced_word_len(input: &str) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut chars = input.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '\\') => {
                chars.next();
            }
            (None, '$') if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                depth += 1;
            }
            (None, '}') if depth == 0 => return at,
            (None, '}') => depth -= 1,
            _ => {}
        }
    }
    input.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<&str> {
        references(text, '\\')
            .into_iter()
            .map(|r| &text[r.name])
            .collect()
    }

    #[test]
    fn finds_bare_and_braced_references() {
        assert_eq!(names("$HOME/app ${DEST}/x $1 $"), ["HOME", "DEST"]);
        let text = "a${VERSION:-1.0}b";
        let found = references(text, '\\');
        assert_eq!(&text[found[0].range.clone()], "${VERSION:-1.0}");
        let modifier = found[0].modifier.clone().unwrap();
        assert_eq!(modifier.operator, Operator::Default { if_empty: true });
        assert_eq!(&text[modifier.word], "1.0");
    }

    #[test]
    fn every_operator() {
        for (text, op) in [
            ("${A-x}", Operator::Default { if_empty: false }),
            ("${A:+x}", Operator::Alternative { if_empty: true }),
            ("${A+x}", Operator::Alternative { if_empty: false }),
            ("${A:?x}", Operator::Required { if_empty: true }),
            ("${A?x}", Operator::Required { if_empty: false }),
            ("${A##*/}", Operator::RemovePrefix { longest: true }),
            ("${A#v}", Operator::RemovePrefix { longest: false }),
            ("${A%%.*}", Operator::RemoveSuffix { longest: true }),
            ("${A%.tgz}", Operator::RemoveSuffix { longest: false }),
            ("${A//-/_}", Operator::Replace { all: true }),
            ("${A/-/_}", Operator::Replace { all: false }),
        ] {
            let found = references(text, '\\');
            assert_eq!(found.len(), 1, "{text}");
            assert_eq!(
                found[0].modifier.as_ref().map(|m| m.operator),
                Some(op),
                "{text}"
            );
            assert_eq!(found[0].range, 0..text.len(), "{text}");
        }
    }

    #[test]
    fn nested_defaults_are_one_reference() {
        let text = "${A:-${B:-c}}/d";
        let found = references(text, '\\');
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "${A:-${B:-c}}");
    }

    #[test]
    fn escapes_and_single_quotes_stop_expansion() {
        assert_eq!(names(r#"\$A '$B' "$C" `$D"#), ["C", "D"]);
        assert_eq!(references("`$A $B", '`').len(), 1);
    }
}
