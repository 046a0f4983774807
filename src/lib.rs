//! layerlint: a Dockerfile linter and layer-optimization advisor.
//!
//! Data flows one way: bytes → [`syntax`] → model → rules → [`Diagnostic`]s → report or rewrite.

pub mod diagnostic;
pub mod files;
pub mod model;
pub mod report;
pub mod span;
pub mod syntax;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
pub use span::{LineIndex, Position, Span};

/// Lints one Dockerfile's text and returns its findings sorted by position.
pub fn lint(source: &str) -> Vec<Diagnostic> {
    let dockerfile = syntax::parse(source);
    let mut diagnostics = dockerfile.diagnostics();
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diagnostics
}
