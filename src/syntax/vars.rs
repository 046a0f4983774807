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

/// The arguments BuildKit defines for every build (the platform of the builder and the target),
/// usable in `FROM` without a declaration and never reported as undefined.
pub const BUILTIN_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

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
    let mut closers = Closers::default();
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
                if let Some(reference) = reference_at(text, at, &mut closers) {
                    // Skip what the reference covered.
                    let end = reference.range.end;
                    found.push(reference);
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

/// For each `${` (by the offset of its `$`) whose modifier word has been scanned, directly or
/// inside an enclosing one: the offset of the `}` that closes it, or `None` when nothing does.
///
/// An unclosed `${a:-${a:-…` is tried again at every inner `$` once the outer one fails; the
/// scan of the outer word has already seen where each inner one ends, so each is looked up
/// instead of scanned again to the end of the text, which keeps the whole search linear.
#[derive(Default)]
struct Closers(std::collections::HashMap<usize, Option<usize>>);

/// The reference starting at the `$` at `at`, with ranges relative to `text`.
fn reference_at(text: &str, at: usize, closers: &mut Closers) -> Option<VarRef> {
    let input = &text[at..];
    if let Ok((after_name, (_, found))) =
        (tag::<&str, &str, nom::error::Error<&str>>("${"), name).parse(input)
    {
        let name_range = at + 2..at + 2 + found.len();
        if after_name.starts_with('}') {
            let end = text.len() - after_name.len() + 1;
            return Some(VarRef {
                range: at..end,
                name: name_range,
                modifier: None,
            });
        }
        let (after_op, operator) = operator(after_name).ok()?;
        let word_start = text.len() - after_op.len();
        let close = match closers.0.get(&at) {
            Some(&known) => known,
            None => modifier_end(text, at, word_start, closers),
        }?;
        return Some(VarRef {
            range: at..close + 1,
            name: name_range,
            modifier: Some(Modifier {
                operator,
                word: word_start..close,
            }),
        });
    }
    let (_, reference) = bare(input).ok()?;
    Some(shift(reference, at))
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

/// Where the modifier word of the `${` at `opening` (starting at `word_start`) ends: at the `}`
/// that closes the reference, skipping nested `${…}` and quoted text. Records what it learns
/// about nested `${` on the way.
fn modifier_end(
    text: &str,
    opening: usize,
    word_start: usize,
    closers: &mut Closers,
) -> Option<usize> {
    let mut open: Vec<usize> = Vec::new();
    let mut quote: Option<char> = None;
    let mut chars = text[word_start..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let at = word_start + offset;
        match (quote, c) {
            (Some(q), _) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '\\') => {
                chars.next();
            }
            (None, '$') if chars.peek().is_some_and(|&(_, n)| n == '{') => {
                chars.next();
                open.push(at);
            }
            (None, '}') => match open.pop() {
                Some(inner) => {
                    closers.0.insert(inner, Some(at));
                }
                None => {
                    closers.0.insert(opening, Some(at));
                    return Some(at);
                }
            },
            _ => {}
        }
    }
    for inner in open {
        closers.0.insert(inner, None);
    }
    closers.0.insert(opening, None);
    None
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
    fn unclosed_nesting_is_searched_once() {
        // Every inner reference closes even though the outer one never does.
        let text = format!("${{A:-{}x{}", "${B:-".repeat(3), "}".repeat(3));
        let found = references(&text, '\\');
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range.clone()], "${B:-${B:-${B:-x}}}");
        // 100,000 unclosed levels: one scan, not one per level.
        let deep = "${A:-".repeat(100_000);
        let started = std::time::Instant::now();
        assert!(references(&deep, '\\').is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn escapes_and_single_quotes_stop_expansion() {
        assert_eq!(names(r#"\$A '$B' "$C" `$D"#), ["C", "D"]);
        assert_eq!(references("`$A $B", '`').len(), 1);
    }
}
