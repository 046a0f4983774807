//! The shell splitter for `RUN` scripts: which commands a script runs, with their words,
//! redirections, connectors and nesting, each with the exact bytes it came from.
//!
//! It reads the POSIX `sh` grammar (simple commands, pipelines, `&&`/`||`, `;`/`&`/newline
//! lists, `( … )`, `{ …; }`, `if`, `for`, `while`, `until`, `case`, function definitions,
//! redirections, heredocs, comments) plus the bash forms common in Dockerfiles (`[[ … ]]`, `&>`,
//! `<<<`, `<(…)`, `function f`, `|&`, `;&`). It never fails: bytes it cannot make sense of become
//! [`Command::Opaque`] and splitting resumes after them.
//!
//! Not looked into: the commands inside `$( … )` and backticks (they stay inside their word),
//! heredoc bodies (skipped, their span recorded), `case` patterns (scanned, not kept). Left
//! opaque: bash arrays (`a=(x y)`), extended globs (`@(…)`), and a `case` inside `$( … )` (its
//! `pattern)` ends the substitution early). The header of bash's `for (( … ))` is skipped (its
//! body is parsed); the arithmetic command `(( … ))` reads as two nested subshells, as POSIX `sh`
//! reads it.
//!
//! Words are spans plus a few flags; their values are computed on demand from the script text
//! ([`Word::literal`], or [`Script::literal`] / [`CommandRef::literal`] which supply the text).

mod parser;
mod query;
mod tree;
mod word;

#[cfg(test)]
mod tests;

pub use query::{CommandRef, Context};
pub use tree::{
    AndOr, Command, CompoundKind, Connector, List, Pipeline, Redirect, RedirectOp, Script,
    SimpleCommand, Terminator,
};
pub use word::Word;

use crate::span::Span;

/// Splits a shell script. Spans are byte offsets into `script`; the caller maps them into the
/// file.
pub fn split(script: &str) -> Script {
    if u32::try_from(script.len()).is_err() {
        return too_large(script);
    }
    parser::Parser::new(script).parse()
}

/// Spans are `u32`, so a script of 4 GiB or more is left whole and opaque.
fn too_large(script: &str) -> Script {
    let span = Span {
        start: 0,
        end: u32::MAX,
    };
    Script {
        source: script.to_owned(),
        body: List {
            items: vec![AndOr {
                pipelines: vec![Pipeline {
                    negated: false,
                    commands: vec![Command::Opaque { span }],
                    span,
                }],
                connectors: Vec::new(),
                terminator: None,
                span,
            }],
        },
        comments: Vec::new(),
    }
}

/// Removes one level of shell quoting from a simple word (`"a b"` → `a b`, `'x'` → `x`); inside
/// double quotes a backslash escapes only `"`, `\\` and `$`, as in a POSIX shell.
pub fn unquote(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('\''), c) => out.push(c),
            (None, '"' | '\'') => quote = Some(c),
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    if quote.is_none() || matches!(next, '"' | '\\' | '$') {
                        out.push(next);
                    } else {
                        out.push('\\');
                        out.push(next);
                    }
                }
            }
            (_, c) => out.push(c),
        }
    }
    out
}
