//! Text from a Dockerfile made safe to print on a terminal.
//!
//! A Dockerfile is written by someone else, and a terminal obeys what it prints: `ESC ] 52`
//! writes to the clipboard, `ESC [ 2J` clears the screen, a carriage return overwrites the line,
//! and bidirectional overrides reorder what the reader sees. Every text format prints source
//! lines, messages and names through here, as visible escapes.

use std::borrow::Cow;

/// Whether `c` must not reach a terminal as it is: C0 controls other than tab and line feed,
/// DEL, C1 controls, and the bidirectional embeddings, overrides and isolates.
pub fn is_unprintable(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How `c` is shown instead: `\x1b` for a byte-sized control, `\u{202e}` otherwise.
pub fn escaped(c: char) -> String {
    if (c as u32) < 0x80 {
        format!("\\x{:02x}", c as u32)
    } else {
        format!("\\u{{{:x}}}", c as u32)
    }
}

/// `text` with every unprintable character escaped, and line feeds kept. A carriage return just
/// before a line feed is a line ending and is kept too.
pub fn printable(text: &str) -> Cow<'_, str> {
    let line_endings_only = text
        .match_indices('\r')
        .all(|(at, _)| text[at + 1..].starts_with('\n'));
    if line_endings_only && !text.chars().any(|c| c != '\r' && is_unprintable(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            out.push(c);
        } else if is_unprintable(c) {
            out.push_str(&escaped(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terminal_controls_become_visible_escapes() {
        assert_eq!(
            printable("a\x1b]52;c;aGk=\x07b\x1b[2J"),
            "a\\x1b]52;c;aGk=\\x07b\\x1b[2J"
        );
        assert_eq!(printable("x\ry\u{9b}z\u{7f}"), "x\\x0dy\\u{9b}z\\x7f");
        assert_eq!(printable("abc\u{202e}cba"), "abc\\u{202e}cba");
    }

    #[test]
    fn text_tabs_line_endings_and_other_characters_are_kept() {
        let text = "RUN\techo é 🐳\r\nRUN b\n";
        assert!(matches!(printable(text), Cow::Borrowed(t) if t == text));
        assert_eq!(printable("a\r\n\rb"), "a\r\n\\x0db");
    }
}
