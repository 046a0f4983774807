//! Dockerfile text → lossless, spanned syntax tree; and the shell splitter for `RUN` scripts.

mod ast;
mod build_errors;
pub(crate) mod directive;
pub mod dump;
mod heredoc;
mod instruction;
mod json;
mod line_text;
mod lines;
pub mod mount;
pub mod platform;
mod rare;
pub mod reference;
pub mod script;
pub mod shell;
pub mod substitution;
mod validate;
pub mod vars;
mod words;

pub use ast::*;
pub use line_text::{LineText, Pieces};
pub use rare::Rare;

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use std::sync::Arc;

/// Parses a Dockerfile. Never fails: problems become [`SyntaxError`]s and the rest still parses.
pub fn parse(source: &str) -> Dockerfile {
    lines::parse(Arc::new(source.to_string()))
}

/// Like [`parse`], taking the text from a caller that has no further use for it (or takes it
/// back with [`Dockerfile::into_source`] once the tree is done): the file is then held once
/// while the tree lives, not twice.
pub fn parse_owned(source: String) -> Dockerfile {
    lines::parse(Arc::new(source))
}

/// The instruction count of each stretch between `FROM`s: before the first, then after each
/// (for allocating each stage's list once, at its size).
pub fn stretch_lengths<'a>(instructions: impl Iterator<Item = &'a Instruction>) -> Vec<usize> {
    let mut lengths = vec![0];
    for instruction in instructions {
        match (instruction.keyword, lengths.last_mut()) {
            (Keyword::From, _) => lengths.push(0),
            (_, Some(length)) => *length += 1,
            (_, None) => {}
        }
    }
    lengths
}

impl Dockerfile {
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.items.iter().filter_map(|item| match item {
            Item::Instruction(instruction) => Some(instruction),
            _ => None,
        })
    }

    /// The text the tree was parsed from, handed back. The tree goes first, so that the text is
    /// no longer shared and comes back without a copy (a clone of the tree kept elsewhere makes
    /// it a copy).
    pub fn into_source(self) -> String {
        let Dockerfile { source, items, .. } = self;
        drop(items);
        Arc::try_unwrap(source).unwrap_or_else(|shared| String::clone(&shared))
    }

    pub fn text(&self, span: Span) -> &str {
        &self.source[span.range()]
    }

    /// The line ending a rewrite writes: `\r\n` when the file uses it anywhere, else `\n`. It
    /// reads the whole text: a caller writing many rewrites asks once.
    pub fn newline(&self) -> &'static str {
        if self.source.contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        }
    }

    /// The instructions rules may read, in file order: the well-formed ones. An instruction
    /// before any `FROM` is one of them (a fragment, which hadolint lints like a stage): Docker
    /// refuses it and LL001 says so, but its arguments are sound.
    pub fn lintable(&self) -> impl Iterator<Item = &Instruction> {
        self.instructions().filter(|i| !i.malformed)
    }

    /// The syntax errors as LL001 findings.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        self.errors
            .iter()
            .map(|e| Diagnostic::syntax_error(e.span, e.message.clone()))
            .collect()
    }
}
