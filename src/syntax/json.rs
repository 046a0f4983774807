//! The exec (JSON array) form, decided exactly as Docker decides it.
//!
//! Docker tries to read the arguments as a JSON array with Go's decoder. Three outcomes matter:
//! an array of strings is the exec form; valid JSON holding anything but strings is an error;
//! anything else is not JSON at all and the text is used in shell form. Go's decoder stops after
//! the first complete value, so text after the closing bracket is ignored.

use nom::{
    IResult, Parser,
    branch::alt,
    bytes::complete::{tag, take_while, take_while_m_n},
    character::complete::{char, digit0, digit1, one_of, satisfy},
    combinator::{opt, recognize, value},
    multi::{many0, separated_list0},
    sequence::{delimited, preceded},
};
use std::ops::Range;

/// What Docker makes of arguments that may be a JSON array.
#[derive(Debug, PartialEq, Eq)]
pub enum JsonArgs {
    /// An array of strings: decoded values and the ranges of their literals.
    Strings(Vec<(String, Range<usize>)>),
    /// Valid JSON, but some element is not a string: an error in Docker.
    NotStrings,
    /// Not a JSON array: the caller falls back to the shell form.
    NotJson,
}

pub fn parse_json_args(text: &str) -> JsonArgs {
    let trimmed = text.trim_start_matches(super::words::is_space);
    if !trimmed.starts_with('[') {
        return JsonArgs::NotJson;
    }
    match array(trimmed) {
        Ok((_, elements)) => {
            let base = text.len() - trimmed.len();
            let mut strings = Vec::with_capacity(elements.len());
            for element in elements {
                match element {
                    Element::String(decoded, literal) => {
                        let start = base + (trimmed.len() - literal.len());
                        strings.push((decoded, start..start + literal_len(literal)));
                    }
                    Element::Other => return JsonArgs::NotStrings,
                }
            }
            JsonArgs::Strings(strings)
        }
        Err(_) => JsonArgs::NotJson,
    }
}

/// The length of the string literal at the start of `text` (it is known to be valid).
fn literal_len(text: &str) -> usize {
    match string_literal(text) {
        Ok((rest, _)) => text.len() - rest.len(),
        Err(_) => 0,
    }
}

#[derive(Clone)]
enum Element<'a> {
    /// A decoded string and the text starting at its literal.
    String(String, &'a str),
    Other,
}

fn ws(input: &str) -> IResult<&str, &str> {
    take_while(|c| matches!(c, ' ' | '\t' | '\n' | '\r')).parse(input)
}

fn array(input: &str) -> IResult<&str, Vec<Element<'_>>> {
    delimited(
        (char('['), ws),
        separated_list0((ws, char(','), ws), element),
        (ws, char(']')),
    )
    .parse(input)
}

fn element(input: &str) -> IResult<&str, Element<'_>> {
    alt((
        |i| string_literal(i).map(|(rest, s)| (rest, Element::String(s, i))),
        value(Element::Other, any_other_value),
    ))
    .parse(input)
}

/// Any JSON value except a string at the top: validated, not kept.
fn any_other_value(input: &str) -> IResult<&str, ()> {
    alt((
        value((), number),
        value((), alt((tag("true"), tag("false"), tag("null")))),
        value((), nested_array),
        value((), object),
    ))
    .parse(input)
}

fn any_value(input: &str) -> IResult<&str, ()> {
    alt((value((), string_literal), any_other_value)).parse(input)
}

fn nested_array(input: &str) -> IResult<&str, ()> {
    value(
        (),
        delimited(
            (char('['), ws),
            separated_list0((ws, char(','), ws), any_value),
            (ws, char(']')),
        ),
    )
    .parse(input)
}

fn object(input: &str) -> IResult<&str, ()> {
    let member = (string_literal, ws, char(':'), ws, any_value);
    value(
        (),
        delimited(
            (char('{'), ws),
            separated_list0((ws, char(','), ws), member),
            (ws, char('}')),
        ),
    )
    .parse(input)
}

fn number(input: &str) -> IResult<&str, &str> {
    recognize((
        opt(char('-')),
        alt((tag("0"), recognize((one_of("123456789"), digit0)))),
        opt((char('.'), digit1)),
        opt((one_of("eE"), opt(one_of("+-")), digit1)),
    ))
    .parse(input)
}

/// A JSON string literal, decoded as Go decodes it (lone surrogates become U+FFFD).
fn string_literal(input: &str) -> IResult<&str, String> {
    let (rest, pieces) = delimited(char('"'), many0(string_piece), char('"')).parse(input)?;
    let mut out = String::new();
    let mut pending_high: Option<u16> = None;
    for piece in pieces {
        match piece {
            Piece::Unit(unit) => {
                if let Some(high) = pending_high.take() {
                    if (0xDC00..0xE000).contains(&unit) {
                        let code = 0x10000
                            + ((u32::from(high) - 0xD800) << 10)
                            + (u32::from(unit) - 0xDC00);
                        out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
                        continue;
                    }
                    out.push('\u{FFFD}');
                }
                if (0xD800..0xDC00).contains(&unit) {
                    pending_high = Some(unit);
                } else {
                    out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'));
                }
            }
            Piece::Char(c) => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push(c);
            }
            Piece::Text(text) => {
                if pending_high.take().is_some() {
                    out.push('\u{FFFD}');
                }
                out.push_str(text);
            }
        }
    }
    if pending_high.is_some() {
        out.push('\u{FFFD}');
    }
    Ok((rest, out))
}

#[derive(Clone)]
enum Piece<'a> {
    Text(&'a str),
    Char(char),
    Unit(u16),
}

fn string_piece(input: &str) -> IResult<&str, Piece<'_>> {
    alt((
        |i| {
            take_while_m_n(1, usize::MAX, |c: char| c != '"' && c != '\\' && c >= ' ')
                .parse(i)
                .map(|(rest, text)| (rest, Piece::Text(text)))
        },
        preceded(
            char('\\'),
            alt((
                value(Piece::Char('"'), char('"')),
                value(Piece::Char('\\'), char('\\')),
                value(Piece::Char('/'), char('/')),
                value(Piece::Char('\u{8}'), char('b')),
                value(Piece::Char('\u{c}'), char('f')),
                value(Piece::Char('\n'), char('n')),
                value(Piece::Char('\r'), char('r')),
                value(Piece::Char('\t'), char('t')),
                preceded(char('u'), unicode_escape),
            )),
        ),
    ))
    .parse(input)
}

fn unicode_escape(input: &str) -> IResult<&str, Piece<'_>> {
    let (rest, hex) =
        recognize(many0_count_exact4(satisfy(|c| c.is_ascii_hexdigit()))).parse(input)?;
    let unit = u16::from_str_radix(hex, 16).unwrap_or(0xFFFD);
    Ok((rest, Piece::Unit(unit)))
}

/// Exactly four repetitions of `parser`.
fn many0_count_exact4<'a, P>(mut parser: P) -> impl FnMut(&'a str) -> IResult<&'a str, ()>
where
    P: Parser<&'a str, Error = nom::error::Error<&'a str>>,
{
    move |mut input: &'a str| {
        for _ in 0..4 {
            let (rest, _) = parser.parse(input)?;
            input = rest;
        }
        Ok((input, ()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(text: &str) -> Vec<String> {
        match parse_json_args(text) {
            JsonArgs::Strings(items) => items.into_iter().map(|(s, _)| s).collect(),
            other => panic!("expected strings, got {other:?}"),
        }
    }

    #[test]
    fn arrays_of_strings_decode() {
        assert_eq!(strings("[]"), Vec::<String>::new());
        assert_eq!(strings(r#"[ "a", "b" ]"#), ["a", "b"]);
        assert_eq!(strings("[\t\"a\",\t\"b\"\t]"), ["a", "b"]);
        assert_eq!(
            strings(r#"["\" \\ \/ \b \f \n \r \t \u0000"]"#),
            ["\" \\ / \u{8} \u{c} \n \r \t \u{0}"]
        );
        assert_eq!(
            strings(r#"["\ud83d\ude00", "\ud800x"]"#),
            ["😀", "\u{FFFD}x"]
        );
    }

    #[test]
    fn literal_ranges_cover_the_quotes() {
        let text = r#" ["a b", "c"]"#;
        let JsonArgs::Strings(items) = parse_json_args(text) else {
            panic!()
        };
        assert_eq!(&text[items[0].1.clone()], r#""a b""#);
        assert_eq!(&text[items[1].1.clone()], r#""c""#);
    }

    #[test]
    fn trailing_text_after_the_array_is_ignored() {
        assert_eq!(strings(r#"["a"] && b"#), ["a"]);
    }

    #[test]
    fn non_string_elements_are_an_error() {
        assert_eq!(
            parse_json_args(r#"[ "echo", [ "nested json" ] ]"#),
            JsonArgs::NotStrings
        );
        assert_eq!(
            parse_json_args("[1, 2.5e3, true, null, {\"a\": [1]}]"),
            JsonArgs::NotStrings
        );
    }

    #[test]
    fn invalid_json_falls_back() {
        for text in [
            "['a']",
            r#"["a""#,
            r#"["a]"#,
            r#"["a",]"#,
            "echo [a]",
            "[\"tab\there\"]",
            "[01]",
            r#"["\x"]"#,
        ] {
            assert_eq!(parse_json_args(text), JsonArgs::NotJson, "{text}");
        }
    }
}
