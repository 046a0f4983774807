//! Findings as plain data: what is wrong, where, how bad, and the rewrite that cures it.
//!
//! Nothing here knows how findings are printed; `report/` turns them into text.

use crate::span::Span;
use serde::{Deserialize, Serialize};

/// How much a finding matters. Ordered, so `--fail-level` is one comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Style,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Style => "style",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text.to_ascii_lowercase().as_str() {
            "style" => Some(Severity::Style),
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

/// How far a fix can be trusted. Ordered: one comparison decides what `--fix` applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Applicability {
    /// Shown to the user, never applied.
    #[serde(rename = "display-only")]
    DisplayOnly,
    /// Usually right, but can change behaviour; applied with `--unsafe-fixes`.
    #[serde(rename = "unsafe")]
    Unsafe,
    /// Preserves behaviour for every input; applied with `--fix`.
    #[serde(rename = "safe")]
    Safe,
}

/// Replace the bytes of `span` with `content` (an insert has an empty span, a delete empty content).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

/// A rewrite: edits sorted by position and disjoint, applied whole or not at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
}

/// A secondary location that explains a finding ("created here").
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

/// One finding in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub span: Span,
    pub message: String,
    pub labels: Vec<Label>,
    pub fix: Option<Fix>,
}

impl Diagnostic {
    /// A syntax error: code LL001, always an error.
    pub fn syntax_error(span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code: "LL001",
            name: "syntax-error",
            severity: Severity::Error,
            span,
            message: message.into(),
            labels: Vec::new(),
            fix: None,
        }
    }

    /// Adds a secondary label in place (for rules, which get a `&mut Diagnostic` from `report`).
    pub fn label(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn with_label(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}
