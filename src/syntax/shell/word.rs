//! Shell words: where one ends, and what it means when nothing in it is expanded.
//!
//! The scanner only records a span and a few facts about the word; the literal value is computed
//! on demand, because most words are read by no rule at all.

use std::borrow::Cow;

use crate::span::Span;

/// How deep `$( … )`, `${ … }` and quotes inside them may nest before the scanner gives up. Deeper
/// input is not a real script, and the cap keeps the recursion far from the end of the stack.
const MAX_NESTING: usize = 64;

/// One shell word: `'a'"b"c`, `$HOME/x`, `"$(date +%s)"` …
///
/// Quotes, escapes and expansions all stay inside the one word; read it with [`Word::text`] (the
/// bytes as written) or [`Word::literal`] (the value, when it is static).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word {
    /// The bytes of the word, relative to the split script.
    pub span: Span,
    flags: Flags,
}

/// Facts the scanner learns for free while it looks for the end of a word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Flags(u8);

impl Flags {
    /// A parameter, command or arithmetic expansion, a backtick or a leading `~`.
    const EXPANSION: u8 = 1;
    /// A `'` or `"` quote.
    const QUOTED: u8 = 1 << 1;
    /// A backslash outside single quotes (including a line continuation).
    const ESCAPED: u8 = 1 << 2;
    /// An unquoted `*`, `?` or `[…]`.
    const GLOB: u8 = 1 << 3;

    fn set(&mut self, bit: u8) {
        self.0 |= bit;
    }

    fn has(self, bit: u8) -> bool {
        self.0 & bit != 0
    }
}

impl Word {
    /// A word with nothing special in it (an operator taken as an operand inside `[[ … ]]`).
    pub(super) fn plain(span: Span) -> Word {
        Word {
            span,
            flags: Flags::default(),
        }
    }

    /// The bytes as written, quotes and all (empty if `source` is not the split script).
    pub fn text(self, source: &str) -> &str {
        source.get(self.span.range()).unwrap_or("")
    }

    /// The value the shell would give this word when it is static: quotes removed and escapes
    /// processed, `None` when it holds an expansion. `"/tmp/a b"` → `/tmp/a b`, `'a'"b"c` → `abc`,
    /// `$HOME/x` → `None`.
    ///
    /// Pathname expansion is not counted as an expansion here: `/var/lib/apt/lists/*` has the
    /// literal `/var/lib/apt/lists/*` and [`Word::has_glob`] tells that it is a pattern.
    pub fn literal(self, source: &str) -> Option<Cow<'_, str>> {
        if self.has_expansion() {
            return None;
        }
        Some(self.unquoted(source))
    }

    /// Like [`Word::literal`], but as a glob pattern: quoted or escaped `*`, `?`, `[`, `]` and `\`
    /// are escaped with `\`, so `"*".txt` gives `\*.txt` while `*.txt` stays `*.txt`.
    pub fn pattern(self, source: &str) -> Option<Cow<'_, str>> {
        if self.has_expansion() {
            return None;
        }
        let text = self.text(source);
        if self.needs_cooking() {
            Some(Cow::Owned(cook(text, true)))
        } else {
            Some(Cow::Borrowed(text))
        }
    }

    /// The word with quotes removed and escapes processed, expansions left as written. This is how
    /// the shell reads a heredoc delimiter (`<<"EOF"` ends at `EOF`, `<<$X` at `$X`).
    pub fn unquoted(self, source: &str) -> Cow<'_, str> {
        let text = self.text(source);
        if self.needs_cooking() {
            Cow::Owned(cook(text, false))
        } else {
            Cow::Borrowed(text)
        }
    }

    /// Whether the value depends on the environment: `$X`, `${X}`, `$(…)`, `$((…))`, backticks,
    /// `<(…)`, `$'…'`, or a leading `~`.
    pub fn has_expansion(self) -> bool {
        self.flags.has(Flags::EXPANSION)
    }

    /// Whether the word holds an unquoted `*`, `?` or bracket expression, so the shell matches it
    /// against file names.
    pub fn has_glob(self) -> bool {
        self.flags.has(Flags::GLOB)
    }

    /// Whether any part of the word is quoted (a quoted heredoc delimiter turns off expansion in
    /// the body).
    pub fn is_quoted(self) -> bool {
        self.flags.has(Flags::QUOTED)
    }

    /// If the word is an assignment `NAME=value` (or bash's `NAME+=value`): the name, and the
    /// value as a word of its own.
    pub fn assignment(self, source: &str) -> Option<(&str, Word)> {
        let text = self.text(source);
        let (name_len, value_offset) = assignment_split(text.as_bytes())?;
        let name = text.get(..name_len)?;
        let value_start = self.span.start as usize + value_offset;
        // The value ends where the whole word ends: scanning it again from after `=` only serves
        // to learn its own flags (a `~` right after `=` is expanded, for instance).
        let value = match scan_word(source.as_bytes(), value_start) {
            Ok(value) if value.span.end == self.span.end => value,
            _ => Word {
                span: Span::new(value_start, self.span.end as usize),
                flags: self.flags,
            },
        };
        Some((name, value))
    }

    fn needs_cooking(self) -> bool {
        self.flags.has(Flags::QUOTED | Flags::ESCAPED)
    }
}

/// Where an assignment word splits: the length of the name, and where the value starts.
pub(super) fn assignment_split(bytes: &[u8]) -> Option<(usize, usize)> {
    let first = *bytes.first()?;
    if !(first.is_ascii_alphabetic() || first == b'_') {
        return None;
    }
    let name_len = bytes
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
        .count();
    match bytes.get(name_len..)? {
        [b'=', ..] => Some((name_len, name_len + 1)),
        [b'+', b'=', ..] => Some((name_len, name_len + 2)),
        _ => None,
    }
}

/// The bytes that end an unquoted word: blanks, newlines and the first byte of every operator.
/// A carriage return counts as a blank so that CRLF files split the way their authors meant.
pub(super) fn ends_word(byte: u8) -> bool {
    matches!(
        byte,
        b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'<' | b'>' | b'(' | b')'
    )
}

/// The length of a line continuation (`\` then LF or CRLF) at `at`, if there is one.
pub(super) fn continuation_len(bytes: &[u8], at: usize) -> Option<usize> {
    match bytes.get(at..)? {
        [b'\\', b'\n', ..] => Some(2),
        [b'\\', b'\r', b'\n', ..] => Some(3),
        _ => None,
    }
}

/// A word that does not end: an unclosed quote or substitution (the position is the end of the
/// script), or nesting deeper than [`MAX_NESTING`] (the position is where it got too deep).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct ScanError {
    pub at: usize,
}

type Scan = Result<usize, ScanError>;

/// Scans the word starting at `start` (which must not be a blank or an operator) in one pass.
///
/// Every position it stops at is an ASCII byte or the end of the input, so spans always fall on
/// character boundaries.
pub(super) fn scan_word(bytes: &[u8], start: usize) -> Result<Word, ScanError> {
    let mut scanner = Scanner {
        bytes,
        flags: Flags::default(),
    };
    let end = scanner.word(start)?;
    Ok(Word {
        span: Span::new(start, end),
        flags: scanner.flags,
    })
}

struct Scanner<'b> {
    bytes: &'b [u8],
    flags: Flags,
}

impl Scanner<'_> {
    fn byte(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    fn unterminated(&self) -> ScanError {
        ScanError {
            at: self.bytes.len(),
        }
    }

    /// A backslash escapes the next byte; if that byte starts a multi-byte character, the rest of
    /// the character is ordinary bytes the caller walks over.
    fn after_escape(&self, at: usize) -> usize {
        (at + 2).min(self.bytes.len())
    }

    fn word(&mut self, start: usize) -> Scan {
        let mut at = start;
        match (self.byte(at), self.byte(at + 1)) {
            // bash's process substitution `<(cmd)` is a word (`done < <(find …)`).
            (Some(b'<' | b'>'), Some(b'(')) => {
                self.flags.set(Flags::EXPANSION);
                at = self.parens(at + 2, 0)?;
            }
            (Some(b'~'), _) => self.flags.set(Flags::EXPANSION),
            _ => {}
        }
        // `[` only makes a pattern when a `]` closes it: `[ -f x ]` runs the command `[`.
        let mut open_bracket = false;
        while let Some(byte) = self.byte(at) {
            at = match byte {
                _ if ends_word(byte) => break,
                b'\\' => {
                    self.flags.set(Flags::ESCAPED);
                    self.after_escape(at)
                }
                b'\'' => {
                    self.flags.set(Flags::QUOTED);
                    self.single_quoted(at + 1)?
                }
                b'"' => {
                    self.flags.set(Flags::QUOTED);
                    self.double_quoted(at + 1, 0)?
                }
                b'$' => self.dollar(at, 0, false)?,
                b'`' => self.backticks(at + 1)?,
                b'*' | b'?' => {
                    self.flags.set(Flags::GLOB);
                    at + 1
                }
                b'[' => {
                    open_bracket = true;
                    at + 1
                }
                b']' if open_bracket => {
                    self.flags.set(Flags::GLOB);
                    at + 1
                }
                _ => at + 1,
            };
        }
        Ok(at)
    }

    /// From just after an opening `'` to just after the closing one; nothing escapes in between.
    fn single_quoted(&self, from: usize) -> Scan {
        let rest = self.bytes.get(from..).unwrap_or_default();
        match rest.iter().position(|&b| b == b'\'') {
            Some(offset) => Ok(from + offset + 1),
            None => Err(self.unterminated()),
        }
    }

    /// From just after an opening `"` to just after the closing one.
    fn double_quoted(&mut self, from: usize, depth: usize) -> Scan {
        if depth > MAX_NESTING {
            return Err(ScanError { at: from });
        }
        let mut at = from;
        while let Some(byte) = self.byte(at) {
            at = match byte {
                b'"' => return Ok(at + 1),
                b'\\' => {
                    self.flags.set(Flags::ESCAPED);
                    self.after_escape(at)
                }
                b'$' => self.dollar(at, depth + 1, true)?,
                b'`' => self.backticks(at + 1)?,
                _ => at + 1,
            };
        }
        Err(self.unterminated())
    }

    /// A `$` at `at`: an expansion, or a literal dollar when nothing that can follow it does.
    fn dollar(&mut self, at: usize, depth: usize, in_double_quotes: bool) -> Scan {
        let Some(next) = self.byte(at + 1) else {
            return Ok(at + 1);
        };
        let end = match next {
            b'(' => self.parens(at + 2, depth + 1)?,
            b'{' => self.braces(at + 2, depth + 1)?,
            // bash's `$'…'` (C escapes) and `$"…"` (translated); inside double quotes they are a
            // plain dollar followed by a quote character.
            b'\'' if !in_double_quotes => self.ansi_c_quoted(at + 2)?,
            b'"' if !in_double_quotes => self.double_quoted(at + 2, depth + 1)?,
            b'_' | b'a'..=b'z' | b'A'..=b'Z' => {
                let rest = self.bytes.get(at + 1..).unwrap_or_default();
                let name_len = rest
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count();
                at + 1 + name_len
            }
            b'0'..=b'9' | b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-' => at + 2,
            _ => return Ok(at + 1),
        };
        self.flags.set(Flags::EXPANSION);
        Ok(end)
    }

    /// The inside of `$( … )`, `$(( … ))` or `<( … )`, from after the opening parenthesis to after
    /// the one that balances it. Quotes, escapes, nested substitutions and comments are honoured;
    /// a `case` pattern's lone `)` is not (it would end the substitution early).
    fn parens(&mut self, from: usize, depth: usize) -> Scan {
        self.balanced(from, depth, (b'(', b')'), true)
    }

    /// The inside of `${ … }`, from after the `{` to after the `}` that balances it.
    fn braces(&mut self, from: usize, depth: usize) -> Scan {
        self.balanced(from, depth, (b'{', b'}'), false)
    }

    /// From after an opening delimiter to after the closing one that balances it, skipping quotes,
    /// escapes and nested expansions; with `comments`, a `#` starting a word runs to the line end
    /// (command substitutions hold commands, parameter expansions do not).
    fn balanced(
        &mut self,
        from: usize,
        depth: usize,
        (opening, closing): (u8, u8),
        comments: bool,
    ) -> Scan {
        if depth > MAX_NESTING {
            return Err(ScanError { at: from });
        }
        let mut open = 1usize;
        let mut at = from;
        let mut at_word_start = true;
        while let Some(byte) = self.byte(at) {
            let word_start = at_word_start;
            at_word_start = matches!(byte, b' ' | b'\t' | b'\n' | b';' | b'&' | b'|' | b'(');
            at = match byte {
                b if b == opening => {
                    open += 1;
                    at + 1
                }
                b if b == closing => {
                    open -= 1;
                    if open == 0 {
                        return Ok(at + 1);
                    }
                    at + 1
                }
                b'\\' => self.after_escape(at),
                b'\'' => self.single_quoted(at + 1)?,
                b'"' => self.double_quoted(at + 1, depth + 1)?,
                b'`' => self.backticks(at + 1)?,
                b'$' => self.dollar(at, depth + 1, false)?,
                b'#' if comments && word_start => line_end(self.bytes, at),
                _ => at + 1,
            };
        }
        Err(self.unterminated())
    }

    /// From after an opening backtick to after the closing one.
    fn backticks(&mut self, from: usize) -> Scan {
        self.flags.set(Flags::EXPANSION);
        self.until_unescaped(from, b'`')
    }

    /// From after `$'` to after the closing `'`; backslashes escape inside.
    fn ansi_c_quoted(&self, from: usize) -> Scan {
        self.until_unescaped(from, b'\'')
    }

    fn until_unescaped(&self, from: usize, close: u8) -> Scan {
        let mut at = from;
        while let Some(byte) = self.byte(at) {
            if byte == close {
                return Ok(at + 1);
            }
            at = if byte == b'\\' {
                self.after_escape(at)
            } else {
                at + 1
            };
        }
        Err(self.unterminated())
    }
}

/// The position of the next newline at or after `from`, or the end of the input.
pub(super) fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes
        .get(from..)
        .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        .map_or(bytes.len(), |offset| from + offset)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quoting {
    None,
    Single,
    Double,
}

/// Removes quotes and processes escapes. With `as_pattern`, characters that were quoted or
/// escaped and mean something to a glob matcher keep a `\` in front of them.
///
/// Only ASCII characters are removed, so slicing by `char_indices` keeps the text valid.
fn cook(text: &str, as_pattern: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let push_quoted = |out: &mut String, c: char| {
        if as_pattern && matches!(c, '*' | '?' | '[' | ']' | '\\') {
            out.push('\\');
        }
        out.push(c);
    };
    let mut quoting = Quoting::None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoting, c) {
            (Quoting::None, '\'') => quoting = Quoting::Single,
            (Quoting::None, '"') => quoting = Quoting::Double,
            (Quoting::Single, '\'') | (Quoting::Double, '"') => quoting = Quoting::None,
            (Quoting::None, '\\') => match chars.next() {
                Some('\n') => {}
                Some('\r') if chars.peek() == Some(&'\n') => {
                    chars.next();
                }
                Some(escaped) => push_quoted(&mut out, escaped),
                // A backslash at the very end stays (the shell keeps it too).
                None => out.push('\\'),
            },
            // Inside double quotes a backslash only escapes these; elsewhere it is kept.
            (Quoting::Double, '\\') => match chars.peek().copied() {
                Some(escaped @ ('$' | '`' | '"' | '\\')) => {
                    chars.next();
                    push_quoted(&mut out, escaped);
                }
                Some('\n') => {
                    chars.next();
                }
                _ => push_quoted(&mut out, '\\'),
            },
            (Quoting::Single | Quoting::Double, c) => push_quoted(&mut out, c),
            (Quoting::None, c) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Scans the first word of `text`, which must be a single word.
    fn word(text: &str) -> Word {
        let word = scan_word(text.as_bytes(), 0).expect("word scans");
        assert_eq!(word.span, Span::new(0, text.len()), "{text:?} is one word");
        word
    }

    fn literal(text: &str) -> Option<String> {
        word(text).literal(text).map(Cow::into_owned)
    }

    #[test]
    fn static_words_have_their_quotes_removed() {
        assert_eq!(literal("plain").as_deref(), Some("plain"));
        assert_eq!(literal(r#""/tmp/a b""#).as_deref(), Some("/tmp/a b"));
        assert_eq!(literal(r#"'a'"b"c"#).as_deref(), Some("abc"));
        assert_eq!(literal(r"a\ b").as_deref(), Some("a b"));
        assert_eq!(literal(r#""a\"b\\c\d""#).as_deref(), Some(r#"a"b\c\d"#));
        assert_eq!(literal(r"'no\escape'").as_deref(), Some(r"no\escape"));
        assert_eq!(literal("ec\\\nho").as_deref(), Some("echo"));
        assert_eq!(literal("trailing\\").as_deref(), Some("trailing\\"));
        assert_eq!(literal("price$").as_deref(), Some("price$"));
        assert_eq!(literal("\"$\"").as_deref(), Some("$"));
    }

    #[test]
    fn plain_words_borrow_the_source() {
        let text = "/usr/bin/env";
        assert!(matches!(word(text).literal(text), Some(Cow::Borrowed(_))));
    }

    #[test]
    fn expansions_make_a_word_dynamic() {
        for text in [
            "$HOME/x",
            "${A:-b}",
            "\"$(date +%s)\"",
            "$((1 + 2))",
            "`date`",
            "~/bin",
            "$'\\n'",
            "a$1",
            "<(ls)",
        ] {
            let w = word(text);
            assert!(w.has_expansion(), "{text}");
            assert_eq!(w.literal(text), None, "{text}");
        }
    }

    #[test]
    fn substitutions_stay_inside_one_word() {
        for text in [
            "$(echo \"a ) b\" | tr a b)",
            "$(echo $(echo 'x y') z)",
            "\"${A:-\"a b\"}\"",
            "${A:-{b}}",
            "`echo \\` x`",
            "$(( (1 + 2) * 3 ))",
            "$( # a comment with ) in it\n echo hi)",
            "x\"$(cd /tmp; ls)\"y",
        ] {
            assert!(word(text).has_expansion(), "{text}");
        }
    }

    #[test]
    fn words_end_at_unquoted_operators_and_blanks() {
        let text = "a'b c'd;e";
        let w = scan_word(text.as_bytes(), 0).unwrap();
        assert_eq!(w.text(text), "a'b c'd");
        let text = "x>y";
        assert_eq!(scan_word(text.as_bytes(), 0).unwrap().text(text), "x");
    }

    #[test]
    fn globs_are_unquoted_pattern_characters() {
        assert!(word("*.tgz").has_glob());
        assert!(word("/var/lib/apt/lists/*").has_glob());
        assert!(word("file?.txt").has_glob());
        assert!(word("[ab].c").has_glob());
        assert!(!word("[").has_glob());
        assert!(!word("'*.tgz'").has_glob());
        assert!(!word("\\*").has_glob());
        let text = "\"*\".txt*";
        assert!(word(text).has_glob());
        assert_eq!(word(text).pattern(text).as_deref(), Some("\\*.txt*"));
        assert_eq!(word(text).literal(text).as_deref(), Some("*.txt*"));
    }

    #[test]
    fn unterminated_words_report_the_end() {
        for text in ["'abc", "\"abc", "$(abc", "${abc", "`abc", "\"$(x\""] {
            assert_eq!(
                scan_word(text.as_bytes(), 0),
                Err(ScanError { at: text.len() }),
                "{text}"
            );
        }
    }

    #[test]
    fn nesting_is_capped() {
        let text = "$(".repeat(200);
        let err = scan_word(text.as_bytes(), 0).unwrap_err();
        assert!(err.at > 0 && err.at < text.len());
        assert_eq!(text.as_bytes()[err.at - 1], b'(');
    }

    #[test]
    fn assignments_split_into_name_and_value() {
        let text = "BAR=\"a b\"";
        let (name, value) = word(text).assignment(text).unwrap();
        assert_eq!(name, "BAR");
        assert_eq!(value.text(text), "\"a b\"");
        assert_eq!(value.literal(text).as_deref(), Some("a b"));
        let text = "PATH+=:/opt";
        assert_eq!(word(text).assignment(text).unwrap().0, "PATH");
        let text = "A=~/x";
        assert!(word(text).assignment(text).unwrap().1.has_expansion());
        let text = "E=";
        assert_eq!(
            word(text)
                .assignment(text)
                .unwrap()
                .1
                .literal(text)
                .as_deref(),
            Some("")
        );
        for text in ["1A=b", "=b", "a-b=c", "'A'=b", "--prefix=/usr"] {
            assert_eq!(word(text).assignment(text), None, "{text}");
        }
    }

    #[test]
    fn unicode_passes_through() {
        let text = "\"héllo wörld\"→\\é";
        assert_eq!(literal(text).as_deref(), Some("héllo wörld→é"));
    }

    #[test]
    fn unquoted_keeps_expansions_as_written() {
        let text = "'EOF'";
        assert_eq!(word(text).unquoted(text), "EOF");
        let text = "$X\"y\"";
        assert_eq!(word(text).unquoted(text), "$Xy");
    }
}
