//! `layerlint dump`: the parse tree in the S-expression form of BuildKit's parser tests.
//!
//! One line per instruction: the lower-cased keyword, the flags as a bracketed list, then every
//! argument quoted as Go's `strconv.Quote` quotes it. Matching this byte for byte against
//! BuildKit's own test files is how we know the parser reads files the way Docker does.

use super::instruction::{LineParser, onbuild_chain_end, split_command};
use super::words::go_lower;
use super::{Args, Dockerfile, ErrorKind, Flag, Instruction, Keyword, LineMap, SyntaxError};

/// Renders the tree as BuildKit does, or the errors that make BuildKit's parser reject the file.
pub fn dump(dockerfile: &Dockerfile) -> Result<String, Vec<SyntaxError>> {
    let fatal: Vec<SyntaxError> = dockerfile
        .errors
        .iter()
        .filter(|e| e.kind == ErrorKind::Parse)
        .cloned()
        .collect();
    if !fatal.is_empty() {
        return Err(fatal);
    }
    let mut out = String::new();
    for instruction in dockerfile.instructions() {
        out.push('(');
        dump_instruction(dockerfile.escape, instruction, &mut out);
        out.push_str(")\n");
    }
    Ok(out)
}

fn dump_instruction(escape: char, instruction: &Instruction, out: &mut String) {
    // The keyword as BuildKit sees it, on the logical line: `fro\` + newline + `m` is `from`.
    let keyword = instruction.line_map_text(instruction.keyword_span);
    let parts = Parts {
        keyword_text: &keyword,
        keyword: instruction.keyword,
        flags: instruction.flags(),
        args: &instruction.args,
    };
    dump_parts(escape, &parts, out);
}

/// What one instruction's dump is made of.
struct Parts<'a> {
    keyword_text: &'a str,
    keyword: Keyword,
    flags: &'a [Flag],
    args: &'a Args,
}

fn dump_parts(escape: char, parts: &Parts, out: &mut String) {
    let start = out.len();
    out.push_str(&go_lower(parts.keyword_text));
    if !parts.flags.is_empty() {
        out.push_str(" [");
        for (i, flag) in parts.flags.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&go_quote(&flag.text));
        }
        out.push(']');
    }
    dump_args(escape, parts.keyword, parts.args, out);
    // BuildKit trims each instruction's dump: an empty keyword (a file ending in a lone `\`)
    // leaves no space before its argument.
    if parts.keyword_text.is_empty() {
        let trimmed = out[start..].trim_start().len();
        out.replace_range(start..out.len() - trimmed, "");
    }
}

fn dump_args(escape: char, keyword: Keyword, args: &Args, out: &mut String) {
    let mut quoted = |text: &str| {
        out.push(' ');
        out.push_str(&go_quote(text));
    };
    match args {
        // An unknown instruction keeps one empty argument in BuildKit's tree.
        Args::None if keyword == Keyword::Unknown => quoted(""),
        Args::None => {}
        // An `ONBUILD` chain too deep for the tree: its rest is text, dumped level by level.
        Args::Text(word) if keyword == Keyword::Onbuild => {
            dump_onbuild_chain(escape, &word.text, out)
        }
        Args::Text(word) => quoted(&word.text),
        Args::Json(words) | Args::Words(words) => words.iter().for_each(|w| quoted(&w.text)),
        Args::KeyValues(pairs, legacy) => {
            for pair in pairs {
                quoted(&pair.key.text);
                quoted(&pair.value.text);
                quoted(if *legacy { "" } else { "=" });
            }
        }
        Args::Healthcheck { kind, command } => {
            quoted(&kind.text);
            dump_args(escape, keyword, command, out);
        }
        Args::Onbuild(inner) => {
            out.push_str(" (");
            dump_instruction(escape, inner, out);
            out.push(')');
        }
    }
}

/// `(onbuild (onbuild … (run "x")))` for the text of a chain, without recursion.
fn dump_onbuild_chain(escape: char, text: &str, out: &mut String) {
    let (innermost, levels) = onbuild_chain_end(text, 0..text.len());
    let mut range = 0..text.len();
    for _ in 0..levels {
        let split = split_command(text, range);
        let flags: Vec<Flag> = split.flags.iter().map(|f| flag_of_text(&f.text)).collect();
        out.push_str(" (");
        dump_parts(
            escape,
            &Parts {
                keyword_text: &text[split.keyword.clone()],
                keyword: Keyword::Onbuild,
                flags: &flags,
                args: &Args::None,
            },
            out,
        );
        range = split.args;
    }
    let map = LineMap::default();
    let mut parser = LineParser::new(text, &map, escape);
    let head = parser.instruction(innermost);
    out.push_str(" (");
    dump_parts(
        escape,
        &Parts {
            keyword_text: &text[head.keyword_range.clone()],
            keyword: head.keyword,
            flags: &head.flags,
            args: &head.args,
        },
        out,
    );
    out.push(')');
    out.push_str(&")".repeat(levels));
}

/// A flag that is only dumped: its text is all that is read.
fn flag_of_text(text: &str) -> Flag {
    Flag {
        name: String::new(),
        value: None,
        span: crate::span::Span::empty(0),
        name_span: crate::span::Span::empty(0),
        value_span: crate::span::Span::empty(0),
        text: text.to_string(),
    }
}

/// Quotes a string the way Go's `strconv.Quote` does.
pub fn go_quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `unicode.IsPrint` without Unicode category tables: controls,
/// spaces other than U+0020, format characters and private-use characters are not printable.
fn go_printable(c: char) -> bool {
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(c as u32,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E
        | 0x2060..=0x206F | 0xD800..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB | 0xFFFE | 0xFFFF
        | 0xE0000..=0xE007F | 0xF0000..=0x10FFFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a \"b\" \\c"), r#""a \"b\" \\c""#);
        assert_eq!(go_quote("\u{0}\u{8}\u{c}\n\r\t"), r#""\x00\b\f\n\r\t""#);
        assert_eq!(go_quote("♥ ☃"), "\"♥ ☃\"");
        assert_eq!(go_quote("\u{a0}\u{feff}"), r#""\u00a0\ufeff""#);
    }
}
