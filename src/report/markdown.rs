//! `--format markdown`: a summary line and one table of findings (file, line, severity, code,
//! message), in GitHub-flavoured Markdown, for a pull request comment or `$GITHUB_STEP_SUMMARY`.
//!
//! Every cell is escaped: a `|` would end the cell, a backtick open a code span, `*`, `_`, `[`,
//! `<`, `$` or `~` turn into markup, HTML or maths, and a line break end the table. A message is printed as
//! text, with its backticks escaped rather than rendered as code.

use super::Report;
use super::human::summary;
use super::location::{Columns, Locator};
use super::printable::printable;
use std::io;

/// Writes the summary as a heading, then the table; without findings, the heading alone.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    writeln!(out, "### layerlint: {}", escape_cell(&summary(report)))?;
    if report.diagnostics().next().is_none() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "| File | Line | Severity | Code | Message |")?;
    writeln!(out, "|---|---:|---|---|---|")?;
    for file in report.files() {
        let locator = Locator::new(&file.source, Columns::Chars);
        let name = escape_cell(&file.name_with_build());
        for diagnostic in &file.diagnostics {
            let range = locator.range(diagnostic.span);
            writeln!(
                out,
                "| {name} | {} | {} | {} | {} |",
                range.line,
                diagnostic.severity.as_str(),
                escape_cell(&format!("{} {}", diagnostic.code, diagnostic.name)),
                escape_cell(&diagnostic.message),
            )?;
        }
    }
    Ok(())
}

/// Keeps a cell's text from breaking the table or turning into markup: control characters are
/// shown escaped, line breaks become spaces, and Markdown's special characters get a backslash.
pub(crate) fn escape_cell(text: &str) -> String {
    let text = printable(&text.replace("\r\n", " ").replace(['\n', '\r'], " ")).into_owned();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        // `$` starts GitHub's inline maths, `~~` a strikethrough, `&` an entity.
        if matches!(
            c,
            '|' | '*' | '_' | '`' | '<' | '>' | '[' | ']' | '\\' | '$' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn render(report: &Report) -> String {
        let mut out = Vec::new();
        write(report, &mut out).expect("writing to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_summary_heading_and_one_row_per_finding() {
        let text = render(&sample::report());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            format!(
                "### layerlint: {}",
                escape_cell(&summary(&sample::report()))
            )
        );
        assert_eq!(lines[2], "| File | Line | Severity | Code | Message |");
        let rows: Vec<&str> = lines.iter().skip(4).copied().collect();
        assert_eq!(rows.len(), sample::report().diagnostics().count(), "{text}");
        for row in &rows {
            // Five cells: six unescaped pipes.
            let pipes = row
                .match_indices('|')
                .filter(|(at, _)| !row[..*at].ends_with('\\'));
            assert_eq!(pipes.count(), 6, "{row}");
        }
    }

    #[test]
    fn cells_cannot_break_the_table_or_become_markup() {
        assert_eq!(escape_cell("a | b"), "a \\| b");
        assert_eq!(escape_cell("`RUN x`"), "\\`RUN x\\`");
        assert_eq!(escape_cell("one\ntwo\r\nthree"), "one two three");
        assert_eq!(escape_cell("<img src=x>"), "\\<img src=x\\>");
        assert_eq!(escape_cell("a_b*c"), "a\\_b\\*c");
        assert_eq!(
            escape_cell("${A} ~~x~~ &amp;"),
            "\\${A} \\~\\~x\\~\\~ \\&amp;"
        );
        assert!(!escape_cell("bell \u{7}").contains('\u{7}'));
    }

    #[test]
    fn no_findings_is_the_heading_alone() {
        let clean = Report::new(vec![crate::report::FileReport::new(
            "Dockerfile".into(),
            "FROM alpine:3.20\n".into(),
            Vec::new(),
        )]);
        assert_eq!(render(&clean), "### layerlint: no findings in 1 file\n");
    }
}
