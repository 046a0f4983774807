//! One small report that every format's tests render, so each format is checked against the
//! same awkward cases: two files with findings and a clean one, labels, a safe and a
//! display-only fix, messages that need escaping, and characters that are wider than one byte
//! or one UTF-16 unit before a finding.

use super::{FileReport, Report};
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
use crate::span::Span;

/// Line 3 puts a whale (4 bytes, 2 UTF-16 units) and "é" (2 bytes, 1 unit) before `rm -r /x`,
/// which therefore starts at character column 16 and UTF-16 column 17.
pub const APP: &str = "FROM alpine\nRUN apt-get update\nRUN echo 🐳é && rm -r /x\n";

/// A name with a space, a comma and a colon, which the URI and property escapes must handle.
pub const WEB_NAME: &str = "web app/a,b:c.Dockerfile";
pub const WEB: &str = "FROM alpine\nRUNN x\n";

/// Quotes, an apostrophe, `<&>`, a colon, a comma, non-ASCII and a line break.
pub const TRICKY_MESSAGE: &str = "it's \"/x\" <made> & removed: twice, é\nsee line 2";

pub fn report() -> Report {
    Report::new(vec![
        FileReport::new(WEB_NAME.to_string(), WEB.to_string(), vec![syntax_error()]),
        FileReport::new(
            "app/Dockerfile".to_string(),
            APP.to_string(),
            vec![deleted_later(), lists_kept()],
        ),
        FileReport::new(
            "clean/Dockerfile".to_string(),
            "FROM alpine\n".to_string(),
            Vec::new(),
        ),
    ])
}

fn span_of(source: &str, text: &str) -> Span {
    let start = source.find(text).unwrap_or_default();
    Span::new(start, start + text.len())
}

/// An error with no label and no fix; its message has a colon and a percent sign.
fn syntax_error() -> Diagnostic {
    Diagnostic::syntax_error(span_of(WEB, "RUNN"), "unknown instruction: RUNN (100%)")
}

/// A warning on line 3 with a label on line 2 and a safe fix of two edits.
fn deleted_later() -> Diagnostic {
    Diagnostic {
        code: "LL302",
        name: "deleted-in-later-layer",
        severity: Severity::Warning,
        span: span_of(APP, "rm -r /x"),
        message: TRICKY_MESSAGE.to_string(),
        labels: vec![Label {
            span: span_of(APP, "apt-get update"),
            message: "created \"here\"".to_string(),
        }],
        fix: Some(Fix {
            title: "Delete in the same RUN".to_string(),
            applicability: Applicability::Safe,
            edits: vec![
                Edit {
                    span: span_of(APP, "apt-get update"),
                    content: "apt-get update && rm -r /x".to_string(),
                },
                Edit {
                    span: span_of(APP, " && rm -r /x"),
                    content: String::new(),
                },
            ],
        }),
    }
}

/// An info finding on line 2 whose fix is display-only.
fn lists_kept() -> Diagnostic {
    let update = span_of(APP, "apt-get update");
    Diagnostic {
        code: "DL3009",
        name: "apt-lists-left",
        severity: Severity::Info,
        span: update,
        message: "lists kept".to_string(),
        labels: Vec::new(),
        fix: Some(Fix {
            title: "Remove the lists".to_string(),
            applicability: Applicability::DisplayOnly,
            edits: vec![Edit {
                span: Span::empty(update.end as usize),
                content: " && rm -rf /var/lib/apt/lists/*".to_string(),
            }],
        }),
    }
}

/// What a format's `write` prints for `report`, as text.
pub fn render(
    write: fn(&Report, &mut dyn std::io::Write) -> std::io::Result<()>,
    report: &Report,
) -> String {
    let mut out = Vec::new();
    write(report, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("UTF-8")
}
