//! One logical line → keyword, flags and arguments, split exactly as Docker splits them.
//!
//! Works on the logical line (continuations already removed) and maps every range back to the
//! file through the line's [`LineMap`].

use super::ast::{
    Args, ErrorKind, Extras, Flag, Instruction, KeyValue, Keyword, LineMap, SyntaxError, Word,
};
use super::json::{JsonArgs, parse_json_args};
use super::line_text::LineText;
use super::words::{builder_flags, is_list_space, list_words, shell_words, trim_range};
use crate::span::Span;
use std::ops::Range;

/// How many `ONBUILD`s deep the tree goes. Docker builds no `ONBUILD ONBUILD` at all; a longer
/// chain is kept as text below this depth, so the tree (and every recursive walk, clone or drop
/// of it) stays shallow whatever the input.
pub const MAX_ONBUILD_DEPTH: usize = 4;

/// Everything parsed from a logical line except what depends on the lines around it.
pub struct Head {
    pub keyword: Keyword,
    /// Where the keyword is in the logical line (it may span a continuation in the file).
    pub keyword_range: Range<usize>,
    pub keyword_span: Span,
    pub flags: Vec<Flag>,
    pub args: Args,
    /// Where the instruction's text ends in the logical line (trailing whitespace excluded).
    pub end: usize,
    pub malformed: bool,
}

pub struct LineParser<'a> {
    pub line: &'a str,
    pub map: &'a LineMap,
    pub escape: char,
    pub errors: Vec<SyntaxError>,
    /// How many `ONBUILD`s enclose the instruction being parsed.
    depth: usize,
}

/// An instruction split as Docker splits it before reading its arguments: the keyword, the
/// `--flag` tokens, and the arguments (all as ranges of the line, trimmed).
pub struct Split {
    pub keyword: Range<usize>,
    pub flags: Vec<super::words::FlagToken>,
    pub args: Range<usize>,
    /// The instruction's text, trimmed.
    pub whole: Range<usize>,
}

/// Splits the instruction in `range` of `line` into keyword, flags and arguments. Flag ranges
/// are relative to `line`.
pub fn split_command(line: &str, range: Range<usize>) -> Split {
    let range = trim_range(line, range);
    let text = &line[range.clone()];
    let keyword_len = text.find(is_list_space).unwrap_or(text.len());
    let keyword = range.start..range.start + keyword_len;
    let after_keyword = &text[keyword_len..];
    let rest_start =
        keyword.end + (after_keyword.len() - after_keyword.trim_start_matches(is_list_space).len());
    if rest_start >= range.end {
        return Split {
            keyword,
            flags: Vec::new(),
            args: range.end..range.end,
            whole: range,
        };
    }
    let (mut flags, args_at) = builder_flags(&line[rest_start..range.end]);
    for flag in &mut flags {
        flag.range = rest_start + flag.range.start..rest_start + flag.range.end;
    }
    Split {
        keyword,
        flags,
        args: trim_range(line, rest_start + args_at..range.end),
        whole: range,
    }
}

/// Where the instruction at the end of an `ONBUILD ONBUILD …` chain starts: every `ONBUILD` with
/// arguments is stepped over, in a loop. Returns the range and how many were stepped over.
pub fn onbuild_chain_end(line: &str, mut range: Range<usize>) -> (Range<usize>, usize) {
    let mut count = 0;
    loop {
        let split = split_command(line, range.clone());
        if split.args.is_empty() || Keyword::parse(&line[split.keyword.clone()]) != Keyword::Onbuild
        {
            return (split.whole, count);
        }
        count += 1;
        range = split.args;
    }
}

impl<'a> LineParser<'a> {
    pub fn new(line: &'a str, map: &'a LineMap, escape: char) -> Self {
        LineParser {
            line,
            map,
            escape,
            errors: Vec::new(),
            depth: 0,
        }
    }

    fn span(&self, range: Range<usize>) -> Span {
        self.map.span(range.start, range.end)
    }

    fn word(&self, range: Range<usize>) -> Word {
        Word {
            text: self.line[range.clone()].into(),
            span: self.span(range.clone()),
        }
    }

    fn error(&mut self, range: Range<usize>, message: impl Into<String>) {
        let span = self.span(range);
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
            kind: ErrorKind::Parse,
        });
    }

    /// Parses the instruction in `range` of the logical line.
    pub fn instruction(&mut self, range: Range<usize>) -> Head {
        let split = split_command(self.line, range);
        let flags = split
            .flags
            .into_iter()
            .map(|t| self.flag(t.range, t.text))
            .collect();
        let keyword = Keyword::parse(&self.line[split.keyword.clone()]);
        let errors_before = self.errors.len();
        let args = self.args(keyword, split.args);
        Head {
            keyword,
            keyword_span: self.span(split.keyword.clone()),
            keyword_range: split.keyword,
            flags,
            args,
            end: split.whole.end,
            malformed: self.errors.len() > errors_before,
        }
    }

    fn flag(&self, range: Range<usize>, text: String) -> Flag {
        let raw = &self.line[range.clone()];
        let name_end = raw.find('=').map_or(range.end, |eq| range.start + eq);
        let value_start = (name_end + 1).min(range.end);
        let (name, value) = match text[2..].split_once('=') {
            Some((name, value)) => (name.to_string(), Some(value.to_string())),
            None => (text[2..].to_string(), None),
        };
        Flag {
            name,
            value,
            span: self.span(range.clone()),
            name_span: self.span(range.start + 2..name_end),
            value_span: self.span(value_start..range.end),
            text,
        }
    }

    /// Docker's dispatch table: each instruction reads its arguments its own way.
    fn args(&mut self, keyword: Keyword, range: Range<usize>) -> Args {
        match keyword {
            Keyword::Add | Keyword::Copy | Keyword::Volume => self.json_or_list(range),
            Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell => {
                self.json_or_text(range)
            }
            Keyword::Arg => self.shell_words(range),
            Keyword::Env | Keyword::Label => self.key_values(keyword, range),
            Keyword::Expose | Keyword::From => self.list(range),
            Keyword::Maintainer | Keyword::Stopsignal | Keyword::User | Keyword::Workdir => {
                self.text(range)
            }
            Keyword::Healthcheck => self.healthcheck(range),
            Keyword::Onbuild => self.onbuild(range),
            Keyword::Unknown => Args::None,
        }
    }

    fn text(&self, range: Range<usize>) -> Args {
        if range.is_empty() {
            Args::None
        } else {
            Args::Text(Box::new(self.word(range)))
        }
    }

    fn list(&self, range: Range<usize>) -> Args {
        if range.is_empty() {
            return Args::None;
        }
        let words = list_words(&self.line[range.clone()]);
        Args::Words(
            words
                .into_iter()
                .map(|w| self.word(range.start + w.start..range.start + w.end))
                .collect(),
        )
    }

    fn shell_words(&self, range: Range<usize>) -> Args {
        let words = shell_words(&self.line[range.clone()], self.escape);
        if words.is_empty() {
            return Args::None;
        }
        Args::Words(
            words
                .into_iter()
                .map(|w| self.word(range.start + w.start..range.start + w.end))
                .collect(),
        )
    }

    /// `None` when the text is JSON (exec form) holding something other than strings.
    fn json(&mut self, range: Range<usize>) -> Option<Args> {
        match parse_json_args(&self.line[range.clone()]) {
            JsonArgs::Strings(items) => Some(Args::Json(
                items
                    .into_iter()
                    .map(|(text, r)| Word {
                        text: text.into(),
                        span: self.span(range.start + r.start..range.start + r.end),
                    })
                    .collect(),
            )),
            JsonArgs::NotStrings => {
                self.error(
                    range,
                    "when using JSON array syntax, arrays must be comprised of strings only",
                );
                Some(Args::None)
            }
            JsonArgs::NotJson => None,
        }
    }

    fn json_or_text(&mut self, range: Range<usize>) -> Args {
        if range.is_empty() {
            return Args::None;
        }
        match self.json(range.clone()) {
            Some(args) => args,
            None => Args::Text(Box::new(self.word(range))),
        }
    }

    fn json_or_list(&mut self, range: Range<usize>) -> Args {
        match self.json(range.clone()) {
            Some(args) => args,
            None => self.list(range),
        }
    }

    /// `ENV`/`LABEL`: the legacy `key value` form when the first word has no `=`, else `k=v` pairs.
    fn key_values(&mut self, keyword: Keyword, range: Range<usize>) -> Args {
        let text = &self.line[range.clone()];
        let words = shell_words(text, self.escape);
        let Some(first) = words.first() else {
            return Args::None;
        };
        if !text[first.clone()].contains('=') {
            let Some(gap) = text.find(is_list_space) else {
                self.error(
                    range,
                    format!("{} must have two arguments", keyword.as_str()),
                );
                return Args::None;
            };
            let value_at =
                gap + (text[gap..].len() - text[gap..].trim_start_matches(is_list_space).len());
            let pair = KeyValue {
                key: self.word(range.start..range.start + gap),
                value: self.word(range.start + value_at..range.end),
            };
            return Args::KeyValues(Box::new([pair]), true);
        }
        let mut pairs = Vec::with_capacity(words.len());
        for w in words {
            let word = &text[w.clone()];
            let Some(eq) = word.find('=') else {
                self.error(
                    range.start + w.start..range.start + w.end,
                    format!(
                        "Syntax error - can't find = in {word:?}. Must be of the form: name=value"
                    ),
                );
                return Args::None;
            };
            let at = range.start + w.start;
            pairs.push(KeyValue {
                key: self.word(at..at + eq),
                value: self.word(at + eq + 1..range.start + w.end),
            });
        }
        Args::KeyValues(pairs.into(), false)
    }

    /// `HEALTHCHECK TYPE command`: the type is the first word, the rest is read like `CMD`.
    fn healthcheck(&mut self, range: Range<usize>) -> Args {
        let text = &self.line[range.clone()];
        let sep = text
            .find(|c: char| c.is_ascii_whitespace() || c == '\u{0b}')
            .unwrap_or(text.len());
        if sep == 0 {
            return Args::None;
        }
        let after = &text[sep..];
        let next = sep
            + (after.len()
                - after
                    .trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\u{0b}')
                    .len());
        let kind = self.word(range.start..range.start + sep);
        let command = self.json_or_text(range.start + next..range.end);
        Args::Healthcheck {
            kind: Box::new(kind),
            command: Box::new(command),
        }
    }

    fn onbuild(&mut self, range: Range<usize>) -> Args {
        if range.is_empty() {
            return Args::None;
        }
        if self.depth >= MAX_ONBUILD_DEPTH {
            return self.onbuild_chain(range);
        }
        self.depth += 1;
        let head = self.instruction(range.clone());
        self.depth -= 1;
        let span = head.keyword_span.cover(self.span(range.start..head.end));
        Args::Onbuild(Box::new(Instruction {
            keyword: head.keyword,
            keyword_span: head.keyword_span,
            span,
            lines: span,
            line: LineText::joined(self.line.to_string(), self.map.segments()),
            args: head.args,
            extras: Extras {
                flags: head.flags,
                ..Extras::default()
            }
            .boxed(),
            malformed: head.malformed,
        }))
    }

    /// The rest of a chain too deep for the tree, kept as text. The instruction at its end is
    /// still parsed, for the errors Docker's parser would stop on.
    fn onbuild_chain(&mut self, range: Range<usize>) -> Args {
        let (innermost, _) = onbuild_chain_end(self.line, range.clone());
        // Not an `ONBUILD` with arguments, so this does not come back here.
        let _ = self.instruction(innermost);
        Args::Text(Box::new(self.word(range)))
    }
}
