//! `layerlint dump`: the parse tree in the S-expression form of BuildKit's parser tests.
//!
//! One line per instruction: the lower-cased keyword, the flags as a bracketed list, then every
//! argument quoted as Go's `strconv.Quote` quotes it. Matching this byte for byte against
//! BuildKit's own test files is how we know the parser reads files the way Docker does.

use super::{Args, Dockerfile, ErrorKind, Instruction, SyntaxError};

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
        dump_instruction(dockerfile, instruction, &mut out);
        out.push_str(")\n");
    }
    Ok(out)
}

fn dump_instruction(dockerfile: &Dockerfile, instruction: &Instruction, out: &mut String) {
    out.push_str(&dockerfile.text(instruction.keyword_span).to_lowercase());
    if !instruction.flags.is_empty() {
        out.push_str(" [");
        for (i, flag) in instruction.flags.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&go_quote(&flag.text));
        }
        out.push(']');
    }
    dump_args(dockerfile, instruction, &instruction.args, out);
}

fn dump_args(dockerfile: &Dockerfile, instruction: &Instruction, args: &Args, out: &mut String) {
    let mut quoted = |text: &str| {
        out.push(' ');
        out.push_str(&go_quote(text));
    };
    match args {
        // An unknown instruction keeps one empty argument in BuildKit's tree.
        Args::None if instruction.keyword == super::Keyword::Unknown => quoted(""),
        Args::None => {}
        Args::Text(word) => quoted(&word.text),
        Args::Json(words) | Args::Words(words) => words.iter().for_each(|w| quoted(&w.text)),
        Args::KeyValues(pairs) => {
            for pair in pairs {
                quoted(&pair.key.text);
                quoted(&pair.value.text);
                quoted(if pair.legacy { "" } else { "=" });
            }
        }
        Args::Healthcheck { kind, command } => {
            quoted(&kind.text);
            dump_args(dockerfile, instruction, command, out);
        }
        Args::Onbuild(inner) => {
            out.push_str(" (");
            dump_instruction(dockerfile, inner, out);
            out.push(')');
        }
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
