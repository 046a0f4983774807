//! The exec (JSON array) form, decided exactly as Docker decides it.
//!
//! Docker hands the whole argument text to Go's `json.Unmarshal`. Three outcomes matter: an array
//! of strings is the exec form; valid JSON holding anything but strings is an error; anything
//! else is not JSON at all and the text is used in shell form. `Unmarshal` wants the input to be
//! one JSON value and nothing more, so `["a"] b` is not JSON (it is a shell-form string), and it
//! refuses values nested more than 10,000 containers deep, so such text falls back too. A number
//! too large for a 64-bit float (`1e400`) is well-formed JSON that `Unmarshal` still fails on,
//! so it too makes the text the shell form, not the "strings only" error.
//!
//! The scanner is a loop over the bytes with an explicit stack: the nesting depth of the input
//! never becomes recursion depth, whatever the thread's stack size.

use std::ops::Range;

/// Go's `encoding/json` refuses input whose arrays and objects nest deeper than this.
const MAX_NESTING: usize = 10_000;

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
    let start = text.len() - text.trim_start_matches(super::words::is_space).len();
    if !text[start..].starts_with('[') {
        return JsonArgs::NotJson;
    }
    let mut scanner = Scanner {
        text,
        bytes: text.as_bytes(),
        pos: start + 1,
        overflow: false,
    };
    match scanner.top_level_array() {
        Some((items, all_strings)) => {
            scanner.skip_ws();
            if scanner.pos != text.len() || scanner.overflow {
                JsonArgs::NotJson
            } else if all_strings {
                JsonArgs::Strings(items)
            } else {
                JsonArgs::NotStrings
            }
        }
        None => JsonArgs::NotJson,
    }
}

struct Scanner<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    /// A number was out of a 64-bit float's range.
    overflow: bool,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.pos += usize::from(found);
        found
    }

    /// JSON's whitespace: space, tab, newline and carriage return, nothing else.
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// The elements of the outer array (its `[` already consumed): the decoded strings with the
    /// ranges of their literals, and whether every element was a string.
    #[allow(clippy::type_complexity)]
    fn top_level_array(&mut self) -> Option<(Vec<(String, Range<usize>)>, bool)> {
        let mut items = Vec::new();
        let mut all_strings = true;
        self.skip_ws();
        if self.eat(b']') {
            return Some((items, all_strings));
        }
        loop {
            self.skip_ws();
            let at = self.pos;
            if self.peek() == Some(b'"') {
                let decoded = self.string(true)?;
                items.push((decoded, at..self.pos));
            } else {
                // The outer array is the first level of nesting.
                self.value(1)?;
                all_strings = false;
            }
            self.skip_ws();
            match self.bump()? {
                b',' => {}
                b']' => return Some((items, all_strings)),
                _ => return None,
            }
        }
    }

    /// Validates one value of any kind, `depth` containers deep. Arrays and objects are tracked
    /// on a heap stack, not by recursion.
    fn value(&mut self, depth: usize) -> Option<()> {
        let mut open: Vec<u8> = Vec::new();
        'value: loop {
            self.skip_ws();
            match self.peek()? {
                b'"' => {
                    self.string(false)?;
                }
                opener @ (b'[' | b'{') => {
                    if depth + open.len() + 1 > MAX_NESTING {
                        return None;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let closer = if opener == b'[' { b']' } else { b'}' };
                    if !self.eat(closer) {
                        open.push(opener);
                        if opener == b'{' {
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value is complete: close every container that ends here, or move on to the
            // next element of the innermost one.
            loop {
                let Some(&innermost) = open.last() else {
                    return Some(());
                };
                self.skip_ws();
                match (innermost, self.bump()?) {
                    (_, b',') => {
                        if innermost == b'{' {
                            self.skip_ws();
                            self.member_key()?;
                        }
                        continue 'value;
                    }
                    (b'[', b']') | (b'{', b'}') => {
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    /// `"key" :` inside an object.
    fn member_key(&mut self) -> Option<()> {
        if self.peek() != Some(b'"') {
            return None;
        }
        self.string(false)?;
        self.skip_ws();
        self.eat(b':').then_some(())
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        if self.bytes[self.pos..].starts_with(word) {
            self.pos += word.len();
            Some(())
        } else {
            None
        }
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        self.eat(b'-');
        match self.bump()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.eat(b'.') {
            self.digit()?;
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            self.digit()?;
            self.digits();
        }
        // Go decodes numbers into float64 and fails on one that rounds to infinity.
        self.overflow |= self.text[start..self.pos]
            .parse::<f64>()
            .is_ok_and(f64::is_infinite);
        Some(())
    }

    fn digit(&mut self) -> Option<()> {
        self.bump().filter(u8::is_ascii_digit).map(|_| ())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
    }

    /// A string literal starting at `"`. Decodes it when asked (as Go decodes it: a surrogate
    /// that is not half of a pair becomes U+FFFD); otherwise only validates it.
    fn string(&mut self, decode: bool) -> Option<String> {
        self.pos += 1;
        let mut out = String::new();
        let mut pending_high: Option<u16> = None;
        loop {
            let run_start = self.pos;
            while self
                .peek()
                .is_some_and(|b| b != b'"' && b != b'\\' && b >= b' ')
            {
                self.pos += 1;
            }
            if decode && self.pos > run_start {
                flush_surrogate(&mut out, &mut pending_high);
                out.push_str(&self.text[run_start..self.pos]);
            }
            match self.bump()? {
                b'"' => break,
                b'\\' => {}
                // A raw control character is not allowed inside a JSON string.
                _ => return None,
            }
            let plain = match self.bump()? {
                b'"' => '"',
                b'\\' => '\\',
                b'/' => '/',
                b'b' => '\u{8}',
                b'f' => '\u{c}',
                b'n' => '\n',
                b'r' => '\r',
                b't' => '\t',
                b'u' => {
                    let hex = self.text.get(self.pos..self.pos + 4)?;
                    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                        return None;
                    }
                    self.pos += 4;
                    if decode {
                        let unit = u16::from_str_radix(hex, 16).ok()?;
                        push_unit(&mut out, &mut pending_high, unit);
                    }
                    continue;
                }
                _ => return None,
            };
            if decode {
                flush_surrogate(&mut out, &mut pending_high);
                out.push(plain);
            }
        }
        flush_surrogate(&mut out, &mut pending_high);
        Some(out)
    }
}

/// A high surrogate not followed by its low half stands for U+FFFD.
fn flush_surrogate(out: &mut String, pending_high: &mut Option<u16>) {
    if pending_high.take().is_some() {
        out.push('\u{FFFD}');
    }
}

fn push_unit(out: &mut String, pending_high: &mut Option<u16>, unit: u16) {
    if let Some(high) = pending_high.take() {
        if (0xDC00..0xE000).contains(&unit) {
            let code = 0x10000 + ((u32::from(high) - 0xD800) << 10) + (u32::from(unit) - 0xDC00);
            out.push(char::from_u32(code).unwrap_or('\u{FFFD}'));
            return;
        }
        out.push('\u{FFFD}');
    }
    if (0xD800..0xDC00).contains(&unit) {
        *pending_high = Some(unit);
    } else {
        // A lone low surrogate is no character either.
        out.push(char::from_u32(u32::from(unit)).unwrap_or('\u{FFFD}'));
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
            strings(r#"["\ud83d\ude00", "\ud800x", "\udc00", "\ud800\u0041"]"#),
            ["😀", "\u{FFFD}x", "\u{FFFD}", "\u{FFFD}A"]
        );
        assert_eq!(strings("[\"é ☃\"]"), ["é ☃"]);
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
    fn text_after_the_array_makes_it_shell_form() {
        for text in [
            r#"["a"] && b"#,
            r#"["a"]x"#,
            r#"["a"] # comment"#,
            r#"["a"]]"#,
            r#"["a"] []"#,
            r#"["a", 1] x"#,
        ] {
            assert_eq!(parse_json_args(text), JsonArgs::NotJson, "{text}");
        }
        // JSON whitespace after the array is allowed.
        assert_eq!(strings("[\"a\"] \t\r\n"), ["a"]);
    }

    #[test]
    fn non_string_elements_are_an_error() {
        assert_eq!(
            parse_json_args(r#"[ "echo", [ "nested json" ] ]"#),
            JsonArgs::NotStrings
        );
        assert_eq!(
            parse_json_args("[1, 2.5e3, -0.5E-2, true, null, {\"a\": [1], \"b\": {}}, []]"),
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
            "[1.]",
            "[1e]",
            "[-]",
            "[tru]",
            r#"["\x"]"#,
            r#"["\u12"]"#,
            r#"[{"a" 1}]"#,
            r#"[{"a": 1,}]"#,
            r#"[{1: 2}]"#,
            "[[1]",
            "[[1}]",
            "[",
        ] {
            assert_eq!(parse_json_args(text), JsonArgs::NotJson, "{text}");
        }
    }

    #[test]
    fn numbers_beyond_a_float_are_not_json() {
        assert_eq!(parse_json_args("[1e400]"), JsonArgs::NotJson);
        assert_eq!(
            parse_json_args("[\"a\", {\"b\": [-2e308]}]"),
            JsonArgs::NotJson
        );
        assert_eq!(parse_json_args("[1e308, 1e-400]"), JsonArgs::NotStrings);
    }

    #[test]
    fn nesting_is_limited_as_in_go() {
        let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        assert_eq!(parse_json_args(&nested(MAX_NESTING)), JsonArgs::NotStrings);
        assert_eq!(parse_json_args(&nested(MAX_NESTING + 1)), JsonArgs::NotJson);
        let objects = format!(
            "[{}1{}]",
            "{\"k\":".repeat(MAX_NESTING - 1),
            "}".repeat(MAX_NESTING - 1)
        );
        assert_eq!(parse_json_args(&objects), JsonArgs::NotStrings);
        // Deep unclosed input is plain text, found without recursion.
        assert_eq!(parse_json_args(&"[".repeat(50_000)), JsonArgs::NotJson);
    }
}
