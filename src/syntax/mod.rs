//! Dockerfile text → lossless, spanned syntax tree; and the shell splitter for `RUN` scripts.

mod ast;
mod build_errors;
pub(crate) mod directive;
pub mod dump;
mod heredoc;
mod instruction;
mod json;
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
pub use rare::Rare;

use crate::diagnostic::Diagnostic;
use crate::span::Span;

/// Parses a Dockerfile. Never fails: problems become [`SyntaxError`]s and the rest still parses.
pub fn parse(source: &str) -> Dockerfile {
    lines::parse(source.to_string())
}

/// Like [`parse`], keeping `source` itself as the tree's text instead of a copy of it: a caller
/// that has the text in a `String` and no further use for it there (or takes it back with
/// [`Dockerfile::into_source`]) holds the file once, not twice.
pub fn parse_owned(source: String) -> Dockerfile {
    lines::parse(source)
}

impl Dockerfile {
    pub fn instructions(&self) -> impl Iterator<Item = &Instruction> {
        self.items.iter().filter_map(|item| match item {
            Item::Instruction(instruction) => Some(instruction),
            _ => None,
        })
    }

    /// The text the tree was parsed from, handed back.
    pub fn into_source(self) -> String {
        self.source
    }

    pub fn text(&self, span: Span) -> &str {
        &self.source[span.range()]
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
