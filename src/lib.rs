//! layerlint: a Dockerfile linter and layer-optimization advisor.
//!
//! Data flows one way: bytes → [`syntax`] → model → rules → [`Diagnostic`]s → report or rewrite.

pub mod diagnostic;
pub mod files;
pub mod fix;
pub mod model;
pub mod project;
pub mod report;
pub mod rules;
pub mod span;
pub mod suppress;
pub mod syntax;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
pub use span::{LineIndex, Position, Span};

/// How to lint: the build context for context-aware rules, and which rules run at what severity.
#[derive(Default)]
pub struct LintOptions {
    pub build_context: project::BuildContext,
}

/// Lints one Dockerfile's text with no build context and every rule at its default severity.
pub fn lint(source: &str) -> Vec<Diagnostic> {
    lint_with(source, &LintOptions::default())
}

/// Lints one Dockerfile's text and returns its findings sorted by position.
pub fn lint_with(source: &str, options: &LintOptions) -> Vec<Diagnostic> {
    let dockerfile = syntax::parse(source);
    let model = model::Model::build(&dockerfile);
    let mut diagnostics = dockerfile.diagnostics();
    diagnostics.extend(rules::check_all(&model, &options.build_context, |doc| {
        Some(doc.severity)
    }));
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diagnostics
}
