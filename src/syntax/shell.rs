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
