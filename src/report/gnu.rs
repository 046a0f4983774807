//! `--format gnu`: one `FILE:LINE:COLUMN: SEVERITY: MESSAGE [CODE]` line per finding, the form
//! GCC prints and Emacs' compilation mode and Vim's quickfix list read without configuration.

use super::location::{Columns, Locator};
use super::printable::printable;
use super::{FileReport, Report};
use crate::diagnostic::{Diagnostic, Severity};
use std::io;

/// Writes one line per finding, in the report's order; a file without findings prints nothing.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for file in report.files() {
        write_file(file, out)?;
    }
    Ok(())
}

/// The lines of one file's findings.
pub(super) fn write_file(file: &FileReport, out: &mut dyn io::Write) -> io::Result<()> {
    let locator = Locator::new(&file.source, Columns::Chars);
    for diagnostic in &file.diagnostics {
        writeln!(out, "{}", line(&file.name, &locator, diagnostic))?;
    }
    Ok(())
}

fn line(file: &str, locator: &Locator<'_>, diagnostic: &Diagnostic) -> String {
    let range = locator.range(diagnostic.span);
    format!(
        "{}:{}:{}: {}: {} [{}]",
        single_line(&printable(file)),
        range.line,
        range.column,
        severity(diagnostic.severity),
        single_line(&printable(&diagnostic.message)),
        diagnostic.code,
    )
}

/// Words the editors' patterns know (Vim keys on the first letter: e, w, i, n). "style" is not
/// one of them, so style findings read as GCC's lowest level, a note.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
        Severity::Style => "note",
    }
}

/// The format's whole contract is one finding per line, so a line break in a message becomes a
/// space rather than the start of what a reader would take for another finding.
fn single_line(message: &str) -> String {
    message.replace("\r\n", " ").replace(['\n', '\r'], " ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn render(report: &Report) -> String {
        sample::render(write, report)
    }

    #[test]
    fn one_line_per_finding_with_character_columns() {
        assert_eq!(
            render(&sample::report()),
            "app/Dockerfile:2:5: info: lists kept [DL3009]\n\
             app/Dockerfile:3:16: warning: it's \"/x\" <made> & removed: twice, é see line 2 [LL302]\n\
             web app/a,b:c.Dockerfile:2:1: error: unknown instruction: RUNN (100%) [LL001]\n"
        );
    }

    #[test]
    fn an_empty_report_prints_nothing() {
        assert_eq!(render(&Report::default()), "");
    }

    #[test]
    fn style_reads_as_a_note_and_line_breaks_as_spaces() {
        assert_eq!(severity(Severity::Style), "note");
        assert_eq!(single_line("a\r\nb\rc\nd"), "a b c d");
    }
}
