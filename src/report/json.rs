//! `--format json`: one array of findings in the shape CLI.md promises to scripts.

use super::FileReport;
use super::location::{Columns, Locator, Range};
use super::pretty_array::PrettyArray;
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use serde::Serialize;
use std::io;

#[derive(Serialize)]
struct Finding<'a> {
    file: &'a str,
    code: &'a str,
    name: &'a str,
    severity: Severity,
    message: &'a str,
    #[serde(flatten)]
    range: Range,
    fix: Option<JsonFix<'a>>,
    /// The build the file was linted as, when a compose or bake file names it; absent otherwise,
    /// so the shape CLI.md promises is unchanged for everyone else.
    #[serde(skip_serializing_if = "Option::is_none")]
    via: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    title: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    #[serde(flatten)]
    range: Range,
    content: &'a str,
}

/// Writes the findings of one file as elements of the array. The whole report is one
/// pretty-printed JSON array and a final newline, in the report's order: by file, then line,
/// column and code.
pub(super) fn write_file(
    file: &FileReport,
    array: &mut PrettyArray,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let locator = Locator::new(&file.source, Columns::Chars);
    for diagnostic in &file.diagnostics {
        let finding = Finding {
            via: file.via.as_deref(),
            ..finding(&file.name, &locator, diagnostic)
        };
        array.push(out, &finding)?;
    }
    Ok(())
}

fn finding<'a>(file: &'a str, locator: &Locator<'_>, diagnostic: &'a Diagnostic) -> Finding<'a> {
    Finding {
        file,
        code: diagnostic.code,
        name: diagnostic.name,
        severity: diagnostic.severity,
        message: &diagnostic.message,
        range: locator.range(diagnostic.span),
        fix: diagnostic.fix.as_ref().map(|fix| json_fix(locator, fix)),
        via: None,
    }
}

fn json_fix<'a>(locator: &Locator<'_>, fix: &'a Fix) -> JsonFix<'a> {
    JsonFix {
        applicability: fix.applicability,
        title: &fix.title,
        edits: fix
            .edits
            .iter()
            .map(|edit| JsonEdit {
                range: locator.range(edit.span),
                content: &edit.content,
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;
    use crate::report::pretty_array::write_report;

    fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
        write_report(report, out, write_file)
    }
    use crate::diagnostic::Edit;
    use crate::span::Span;
    use serde_json::{Value, json};

    fn render(report: &Report) -> Value {
        let mut out = Vec::new();
        write(report, &mut out).expect("writing to memory");
        serde_json::from_slice(&out).expect("valid JSON")
    }

    fn finding(code: &'static str, span: Span, fix: Option<Fix>) -> Diagnostic {
        Diagnostic {
            code,
            name: "test-rule",
            severity: Severity::Warning,
            span,
            message: "message".to_string(),
            labels: Vec::new(),
            fix,
        }
    }

    #[test]
    fn an_empty_report_is_an_empty_array() {
        let mut out = Vec::new();
        write(&Report::default(), &mut out).expect("writing to memory");
        assert_eq!(out, b"[]\n");
    }

    #[test]
    fn findings_have_the_documented_shape() {
        let source = "FROM a\nRUN é -y\n";
        let flag = source.find("-y").unwrap_or_default();
        let fix = Fix {
            title: "Spell it out".to_string(),
            applicability: Applicability::DisplayOnly,
            edits: vec![Edit {
                span: Span::new(flag, flag + 2),
                content: "--yes".to_string(),
            }],
        };
        let report = Report::new(vec![FileReport::new(
            "Dockerfile".to_string(),
            source.to_string(),
            vec![finding("LL002", Span::new(flag, flag + 2), Some(fix))],
        )]);
        assert_eq!(
            render(&report),
            json!([{
                "file": "Dockerfile",
                "code": "LL002",
                "name": "test-rule",
                "severity": "warning",
                "message": "message",
                "line": 2, "column": 7, "end_line": 2, "end_column": 9,
                "fix": {
                    "applicability": "display-only",
                    "title": "Spell it out",
                    "edits": [
                        { "line": 2, "column": 7, "end_line": 2, "end_column": 9, "content": "--yes" }
                    ]
                }
            }])
        );
    }

    #[test]
    fn findings_are_sorted_by_file_line_column_and_code() {
        let source = "FROM a\nRUN b\n";
        let file = |name: &str, diagnostics| {
            FileReport::new(name.to_string(), source.to_string(), diagnostics)
        };
        let report = Report::new(vec![
            file(
                "b",
                vec![
                    finding("LL009", Span::new(7, 10), None),
                    finding("LL003", Span::new(7, 8), None),
                    finding("LL005", Span::new(0, 4), None),
                ],
            ),
            file("a", vec![finding("LL001", Span::new(11, 12), None)]),
        ]);
        let order: Vec<_> = render(&report)
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| format!("{} {} {} {}", f["file"], f["line"], f["column"], f["code"]))
            .collect();
        assert_eq!(
            order,
            [
                r#""a" 2 5 "LL001""#,
                r#""b" 1 1 "LL005""#,
                r#""b" 2 1 "LL003""#,
                r#""b" 2 1 "LL009""#,
            ]
        );
        assert_eq!(render(&report)[0]["fix"], Value::Null);
    }
}
