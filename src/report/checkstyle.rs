//! `--format checkstyle`: Checkstyle's XML report, which Jenkins, reviewdog, Sonar and most CI
//! dashboards import. Every linted file is listed, with or without findings, as Checkstyle itself
//! does, so a consumer can tell "checked and clean" from "not checked".

use super::location::{Columns, Locator, slashed};
use super::{FileReport, Report};
use crate::diagnostic::{Diagnostic, Severity};
use std::io;

/// Writes the XML document and a final newline, files in the report's (sorted) order.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    write_header(out)?;
    for file in report.files() {
        write_file(file, out)?;
    }
    write_footer(out)
}

pub(super) fn write_header(out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)
}

/// One `<file>` element, empty for a clean file.
pub(super) fn write_file(file: &FileReport, out: &mut dyn io::Write) -> io::Result<()> {
    let name = escape(&slashed(&file.name));
    if file.diagnostics.is_empty() {
        return writeln!(out, r#"  <file name="{name}"/>"#);
    }
    writeln!(out, r#"  <file name="{name}">"#)?;
    let locator = Locator::new(&file.source, Columns::Chars);
    for diagnostic in &file.diagnostics {
        writeln!(out, "    {}", error(&locator, diagnostic))?;
    }
    writeln!(out, "  </file>")
}

pub(super) fn write_footer(out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "</checkstyle>")
}

fn error(locator: &Locator<'_>, diagnostic: &Diagnostic) -> String {
    let range = locator.range(diagnostic.span);
    format!(
        r#"<error line="{}" column="{}" severity="{}" message="{}" source="layerlint.{}"/>"#,
        range.line,
        range.column,
        severity(diagnostic.severity),
        escape(&diagnostic.message),
        escape(diagnostic.code),
    )
}

/// Checkstyle's levels are error, warning, info and ignore; style is the mildest, so info.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "info",
    }
}

/// Escapes text for a double- or single-quoted attribute value.
///
/// Tab, line feed and carriage return are written as character references because a parser
/// turns them into plain spaces when they appear literally in an attribute. XML 1.0 forbids the
/// other control characters and U+FFFE/U+FFFF outright, even as references, so they become
/// U+FFFD: a visible mark is better than a document no consumer will load.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push_str(&format!("&#{};", u32::from(c))),
            c if is_forbidden_in_xml(c) => escaped.push(char::REPLACEMENT_CHARACTER),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Characters outside XML 1.0's `Char` production (Rust strings hold no surrogates).
fn is_forbidden_in_xml(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn render(report: &Report) -> String {
        sample::render(write, report)
    }

    #[test]
    fn every_file_is_listed_and_every_message_escaped() {
        assert_eq!(
            render(&sample::report()),
            r#"<?xml version="1.0" encoding="UTF-8"?>
<checkstyle version="4.3">
  <file name="app/Dockerfile">
    <error line="2" column="5" severity="info" message="lists kept" source="layerlint.DL3009"/>
    <error line="3" column="16" severity="warning" message="it&apos;s &quot;/x&quot; &lt;made&gt; &amp; removed: twice, é&#10;see line 2" source="layerlint.LL302"/>
  </file>
  <file name="clean/Dockerfile"/>
  <file name="web app/a,b:c.Dockerfile">
    <error line="2" column="1" severity="error" message="unknown instruction: RUNN (100%)" source="layerlint.LL001"/>
  </file>
</checkstyle>
"#
        );
    }

    #[test]
    fn an_empty_report_is_an_empty_document() {
        assert_eq!(
            render(&Report::default()),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n</checkstyle>\n"
        );
    }

    #[test]
    fn control_characters_are_referenced_or_replaced() {
        assert_eq!(
            escape("a\tb\rc\0d\u{1b}e\u{ffff}"),
            "a&#9;b&#13;c\u{fffd}d\u{fffd}e\u{fffd}"
        );
        assert_eq!(severity(Severity::Style), "info");
    }
}
