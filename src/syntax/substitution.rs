//! The variable substitutions BuildKit's word lexer refuses (`${templateOption:installZsh}`,
//! `${VERSION:0:3}`, `${#NAME}`, an unclosed `${`), found the way that lexer reads a word.
//!
//! BuildKit expands variables in the arguments of some instructions when it builds (see
//! `build_errors`); a substitution it cannot read there stops the build. Its lexer knows `}`
//! right after the name, the operators `-`, `+`, `?`, `#`, `%` (each also after `:`), and `/`
//! or `//` for replacement; anything else after the name is an "unsupported modifier". `${`
//! followed by `{`, `}` or `:` is a "bad substitution", and a `${` left open is an error too.
//! Single-quoted text is not expanded; in double quotes `$` still is.

/// A substitution BuildKit cannot expand: where in the word, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadSubstitution {
    /// Byte range in the scanned text, from the `$` to where the lexer gave up.
    pub range: std::ops::Range<usize>,
    pub message: String,
}

/// The first substitution in `text` that BuildKit's lexer refuses, if any. A quote left open
/// outside any `${…}` is not reported here (the instruction checks report those where Docker's
/// parser does).
pub fn first_bad(text: &str, escape: char) -> Option<BadSubstitution> {
    let mut lexer = Lexer {
        text,
        chars: text.char_indices().collect(),
        at: 0,
        escape,
        depth: 0,
    };
    match lexer.word(None) {
        Err(Stop::Bad(bad)) => Some(bad),
        Ok(()) | Err(Stop::Unclosed | Stop::TooDeep) => None,
    }
}

/// Why the lexer stopped before the end of a word.
enum Stop {
    Bad(BadSubstitution),
    /// The text ended before a closing character (`}`, `/` or a quote).
    Unclosed,
    /// Substitutions nested deeper than [`MAX_DEPTH`]: not judged (no real file nests so deep,
    /// and the scan must not run out of stack on a hostile one).
    TooDeep,
}

/// How deep `${a:-${b:-…}}` may nest before the lexer gives up without a verdict.
const MAX_DEPTH: usize = 64;

struct Lexer<'a> {
    text: &'a str,
    chars: Vec<(usize, char)>,
    /// Index into `chars`.
    at: usize,
    escape: char,
    /// How many `${` the lexer is inside.
    depth: usize,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).map(|&(_, c)| c)
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.at += usize::from(c.is_some());
        c
    }

    /// The byte offset of the next character (the text's length at its end).
    fn offset(&self) -> usize {
        self.chars.get(self.at).map_or(self.text.len(), |&(i, _)| i)
    }

    /// Reads up to `stop` (consumed), or to the end of the text when `stop` is `None`.
    fn word(&mut self, stop: Option<char>) -> Result<(), Stop> {
        loop {
            let Some(c) = self.peek() else {
                return if stop.is_some() {
                    Err(Stop::Unclosed)
                } else {
                    Ok(())
                };
            };
            if Some(c) == stop {
                self.next();
                return Ok(());
            }
            match c {
                '$' => self.dollar()?,
                '\'' => self.single_quoted()?,
                '"' => self.double_quoted()?,
                _ => {
                    self.next();
                    if c == self.escape {
                        // The escaped character is literal, whatever it is.
                        self.next();
                    }
                }
            }
        }
    }

    fn single_quoted(&mut self) -> Result<(), Stop> {
        self.next();
        loop {
            match self.next() {
                None => return Err(Stop::Unclosed),
                Some('\'') => return Ok(()),
                Some(_) => {}
            }
        }
    }

    fn double_quoted(&mut self) -> Result<(), Stop> {
        self.next();
        loop {
            match self.peek() {
                None => return Err(Stop::Unclosed),
                Some('"') => {
                    self.next();
                    return Ok(());
                }
                Some('$') => self.dollar()?,
                Some(c) => {
                    self.next();
                    // Inside double quotes the escape only protects `"`, `$` and itself.
                    if c == self.escape
                        && matches!(self.peek(), Some(n) if n == '"' || n == '$' || n == self.escape)
                    {
                        self.next();
                    }
                }
            }
        }
    }

    /// A `$`: a bare name (never an error), or a `${…}` substitution.
    fn dollar(&mut self) -> Result<(), Stop> {
        let start = self.offset();
        self.next();
        if self.peek() != Some('{') {
            self.name();
            return Ok(());
        }
        self.next();
        if self.depth == MAX_DEPTH {
            return Err(Stop::TooDeep);
        }
        self.depth += 1;
        let result = self.braced(start);
        self.depth -= 1;
        result
    }

    /// The rest of a `${…}` substitution, after the `${` that starts at byte `start`.
    fn braced(&mut self, start: usize) -> Result<(), Stop> {
        let bad = |lexer: &Self, message: String| {
            Stop::Bad(BadSubstitution {
                range: start..lexer.offset(),
                message,
            })
        };
        match self.peek() {
            None => return Err(bad(self, "a `${` is never closed with `}`".into())),
            Some(c @ ('{' | '}' | ':')) => {
                self.next();
                return Err(bad(
                    self,
                    format!("bad substitution: `${{{c}` (a variable name must come first)"),
                ));
            }
            Some(_) => {}
        }
        self.name();
        let unclosed = |lexer: &Self, stop: Stop, closer: char| match stop {
            Stop::Unclosed => bad(lexer, format!("a `${{` is never closed with `{closer}`")),
            other => other,
        };
        match self.next() {
            Some('}') => Ok(()),
            Some(':') => {
                let operator = self.next();
                self.word(Some('}')).map_err(|s| unclosed(self, s, '}'))?;
                match operator {
                    Some('-' | '+' | '?' | '#' | '%') => Ok(()),
                    other => Err(bad(self, unsupported(&format!(":{}", shown(other))))),
                }
            }
            Some('-' | '+' | '?' | '#' | '%') => {
                self.word(Some('}')).map_err(|s| unclosed(self, s, '}'))
            }
            Some('/') => {
                if self.peek() == Some('/') {
                    self.next();
                }
                self.word(Some('/')).map_err(|s| unclosed(self, s, '/'))?;
                self.word(Some('}')).map_err(|s| unclosed(self, s, '}'))
            }
            other => Err(bad(self, unsupported(&shown(other)))),
        }
    }

    /// A variable name as BuildKit reads one: digits (a positional parameter), one special
    /// parameter character, or letters, digits and `_`. May be empty.
    fn name(&mut self) {
        match self.peek() {
            Some(c) if c.is_numeric() => {
                while self.peek().is_some_and(char::is_numeric) {
                    self.next();
                }
            }
            Some('@' | '*' | '#' | '?' | '-' | '$' | '!') => {
                self.next();
            }
            _ => {
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.next();
                }
            }
        }
    }
}

fn shown(c: Option<char>) -> String {
    c.map_or_else(|| "end of text".to_string(), String::from)
}

fn unsupported(modifier: &str) -> String {
    format!(
        "unsupported modifier `{modifier}` in a substitution: BuildKit knows only `-`, `+`, `?`, \
         `#`, `%` (each also after `:`) and `/`"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bad(text: &str) -> Option<String> {
        first_bad(text, '\\').map(|b| text[b.range].to_string())
    }

    #[test]
    fn every_operator_buildkit_knows_is_accepted() {
        for text in [
            "$A ${A} ${A:-x} ${A-x} ${A:+x} ${A+x} ${A:?x} ${A?x}",
            "${A#p} ${A##p} ${A%p} ${A%%p} ${A/p/r} ${A//p/r} ${A:#p} ${A:%p}",
            "${A:-${B:-c}} ${1} ${@} $ $$ ${A:-'}'} \\${A:x}",
            "'${A:x}' \"${A}\" a\\$b",
        ] {
            assert_eq!(bad(text), None, "{text}");
        }
    }

    #[test]
    fn refusals_are_found_with_their_extent() {
        assert_eq!(
            bad("x=${templateOption:installZsh}/y").as_deref(),
            Some("${templateOption:installZsh}")
        );
        assert_eq!(bad("${VERSION:0:3}").as_deref(), Some("${VERSION:0:3}"));
        assert_eq!(bad("${#NAME}").as_deref(), Some("${#N"));
        assert_eq!(bad("${A=x}").as_deref(), Some("${A="));
        assert_eq!(bad("${}").as_deref(), Some("${}"));
        assert_eq!(bad("${:-x}").as_deref(), Some("${:"));
        assert_eq!(bad("a${A:-b").as_deref(), Some("${A:-b"));
        assert_eq!(bad("${A/b}").as_deref(), Some("${A/b}"));
        assert_eq!(bad("${").as_deref(), Some("${"));
        // Inside double quotes, and nested in another substitution's word.
        assert_eq!(bad("\"${A:x}\"").as_deref(), Some("${A:x}"));
        assert_eq!(bad("${A:-${B:x}}").as_deref(), Some("${B:x}"));
    }

    #[test]
    fn message_names_the_modifier() {
        let found = first_bad("${templateOption:installZsh}", '\\').unwrap();
        assert!(found.message.contains("`:i`"), "{}", found.message);
    }

    #[test]
    fn escape_character_follows_the_directive() {
        assert_eq!(first_bad("`${A:x}", '`'), None);
        assert_eq!(first_bad("\\${A:x}", '`').map(|b| b.range), Some(1..7));
    }

    #[test]
    fn deep_nesting_is_not_judged_and_does_not_overflow() {
        let deep = format!("{}x{}", "${A:-".repeat(100_000), "}".repeat(100_000));
        assert_eq!(first_bad(&deep, '\\'), None);
        let unclosed = "${A:-".repeat(100_000);
        assert_eq!(first_bad(&unclosed, '\\'), None);
        // Within the limit, a bad one deep inside is still found.
        let nested = format!("{}${{B:x}}{}", "${A:-".repeat(10), "}".repeat(10));
        assert_eq!(bad(&nested).as_deref(), Some("${B:x}"));
    }

    #[test]
    fn open_quotes_outside_substitutions_are_left_to_other_checks() {
        assert_eq!(bad("\"abc"), None);
        assert_eq!(bad("'abc"), None);
    }
}
