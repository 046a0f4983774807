//! `--format github`: GitHub Actions workflow commands, which the runner turns into annotations
//! on the pull request's diff: `::warning file=F,line=L,col=C,endLine=L,endColumn=C,title=T::MSG`.

use super::location::{Columns, Locator, slashed};
use super::printable::printable;
use super::{FileReport, Report};
use crate::diagnostic::{Diagnostic, Severity};
use std::io;

/// Writes one command per finding, in the report's order.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    for file in report.files() {
        write_file(file, out)?;
    }
    Ok(())
}

/// The commands of one file's findings.
pub(super) fn write_file(file: &FileReport, out: &mut dyn io::Write) -> io::Result<()> {
    let locator = Locator::new(&file.source, Columns::Chars);
    let path = slashed(&file.name);
    for diagnostic in &file.diagnostics {
        writeln!(out, "{}", command(&path, &locator, diagnostic))?;
    }
    Ok(())
}

fn command(path: &str, locator: &Locator<'_>, diagnostic: &Diagnostic) -> String {
    let range = locator.range(diagnostic.span);
    let title = format!("{} {}", diagnostic.code, diagnostic.name);
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        level(diagnostic.severity),
        escape_property(path),
        range.line,
        range.column,
        range.end_line,
        range.end_column,
        escape_property(&title),
        escape_data(&diagnostic.message),
    )
}

/// GitHub has three annotation levels; info and style findings are both notices.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "notice",
    }
}

/// The runner reads a command up to the end of the line and decodes these three escapes in the
/// message, so a line break stays in the annotation instead of ending the command.
/// Other control characters would reach the log, and through it a terminal, as they are.
fn escape_data(text: &str) -> String {
    escape(&printable(text), &[])
}

/// Properties are separated by `,` and end at `::`, so those two characters are escaped too.
fn escape_property(text: &str) -> String {
    escape(&printable(text), &[(':', "%3A"), (',', "%2C")])
}

fn escape(text: &str, extra: &[(char, &str)]) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // '%' first of all: it starts every escape, so a literal one must be escaped itself.
            '%' => escaped.push_str("%25"),
            '\r' => escaped.push_str("%0D"),
            '\n' => escaped.push_str("%0A"),
            _ => match extra.iter().find(|(special, _)| *special == c) {
                Some((_, code)) => escaped.push_str(code),
                None => escaped.push(c),
            },
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    fn render(report: &Report) -> String {
        sample::render(write, report)
    }

    #[test]
    fn one_escaped_command_per_finding() {
        assert_eq!(
            render(&sample::report()),
            "::notice file=app/Dockerfile,line=2,col=5,endLine=2,endColumn=19,\
             title=DL3009 apt-lists-left::lists kept\n\
             ::warning file=app/Dockerfile,line=3,col=16,endLine=3,endColumn=24,\
             title=LL302 deleted-in-later-layer::it's \"/x\" <made> & removed: twice, é%0Asee line 2\n\
             ::error file=web app/a%2Cb%3Ac.Dockerfile,line=2,col=1,endLine=2,endColumn=5,\
             title=LL001 syntax-error::unknown instruction: RUNN (100%25)\n"
        );
    }

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(escape_data("50% a:b,c\r\n"), "50%25 a:b,c%0D%0A");
        assert_eq!(escape_property("50% a:b,c\r\n"), "50%25 a%3Ab%2Cc%0D%0A");
        assert_eq!(level(Severity::Style), "notice");
    }
}
