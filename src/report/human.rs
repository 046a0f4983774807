//! The terminal format: each finding with the source lines it is about, via codespan-reporting.
//!
//! What codespan prints is an [`Excerpt`] of the source, never the source itself: control
//! characters escaped and very long lines cut, so a hostile Dockerfile can neither drive the
//! terminal nor flood it.

use super::excerpt::{Excerpt, cut_long_lines};
use super::printable::printable;
use super::totals::Totals;
use super::{FileReport, Report, rewritten_lines};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::span::LineIndex;
use crate::span::Span;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, SimpleFile};
use codespan_reporting::term::termcolor::{Buffer, WriteColor};
use codespan_reporting::term::{self};
use std::io;
use std::ops::Range;

/// Writes every finding of `report`, then (unless `quiet`) a one-line summary.
pub fn write(report: &Report, out: &mut dyn WriteColor, quiet: bool) -> io::Result<()> {
    for file in report.files() {
        write_file(file, out)?;
    }
    if !quiet {
        writeln!(out, "{}", summary(report))?;
    }
    Ok(())
}

/// Writes the findings of one file, each with the source lines it is about; a file without
/// findings prints nothing.
pub(super) fn write_file(file: &FileReport, out: &mut dyn WriteColor) -> io::Result<()> {
    if file.diagnostics.is_empty() {
        return Ok(());
    }
    let config = term::Config::default();
    let points: Vec<usize> = file
        .diagnostics
        .iter()
        .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)))
        .flat_map(|span| [span.start as usize, span.end as usize])
        .collect();
    let excerpt = Excerpt::new(&file.source, &points);
    // A file linted as one build of several says which above its findings; their
    // `file:line:column` stays the plain path, which editors and terminals can open.
    if file.via.is_some() {
        writeln!(out, "{}:", printable(&file.name_with_build()))?;
    }
    let name = printable(&file.name);
    let shown = Shown {
        file: SimpleFile::new(name.as_ref(), excerpt.text.as_str()),
        excerpt: &excerpt,
        source: &file.source,
        lines: LineIndex::new(&file.source),
    };
    for diagnostic in &file.diagnostics {
        let rendered = to_codespan(&file.source, &excerpt, diagnostic);
        emit(out, &config, &shown, &rendered, diagnostic.severity)?;
    }
    Ok(())
}

/// Renders one finding, its header naming the severity as the configuration does (`info[…]`,
/// `style[…]`): codespan only knows `note` and `help`, so its word is replaced in the header line.
fn emit(
    out: &mut dyn WriteColor,
    config: &term::Config,
    shown: &Shown<'_>,
    rendered: &cs::Diagnostic<()>,
    severity: Severity,
) -> io::Result<()> {
    let mut buffer = if out.supports_color() {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    term::emit(&mut buffer, config, shown, rendered).map_err(into_io)?;
    let bytes = buffer.into_inner();
    let header_end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    let drawn = match rendered.severity {
        cs::Severity::Note => "note",
        cs::Severity::Help => "help",
        _ => return out.write_all(&bytes),
    };
    let header = &bytes[..header_end];
    match header
        .windows(drawn.len())
        .position(|w| w == drawn.as_bytes())
    {
        Some(at) => {
            out.write_all(&header[..at])?;
            out.write_all(severity.as_str().as_bytes())?;
            out.write_all(&bytes[at + drawn.len()..])
        }
        None => out.write_all(&bytes),
    }
}

/// The excerpt as codespan sees it, except for the column in a finding's `file:line:column`
/// header, which is the column in the file itself: escapes and cuts must not move it.
struct Shown<'a> {
    file: SimpleFile<&'a str, &'a str>,
    excerpt: &'a Excerpt,
    source: &'a str,
    lines: LineIndex,
}

impl<'a> files::Files<'a> for Shown<'a> {
    type FileId = ();
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: ()) -> Result<&'a str, files::Error> {
        files::Files::name(&self.file, id)
    }

    fn source(&'a self, id: ()) -> Result<&'a str, files::Error> {
        files::Files::source(&self.file, id)
    }

    fn line_index(&'a self, id: (), byte_index: usize) -> Result<usize, files::Error> {
        self.file.line_index(id, byte_index)
    }

    fn line_range(&'a self, id: (), line_index: usize) -> Result<Range<usize>, files::Error> {
        self.file.line_range(id, line_index)
    }

    fn column_number(
        &'a self,
        _id: (),
        _line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let offset = self.excerpt.unmap(byte_index);
        Ok(self.lines.position(self.source, offset).column)
    }
}

fn to_codespan(source: &str, excerpt: &Excerpt, diagnostic: &Diagnostic) -> cs::Diagnostic<()> {
    let shown = |span: Span| {
        let mapped = Span::new(
            excerpt.map(span.start as usize),
            excerpt.map(span.end as usize),
        );
        clamp(&excerpt.text, mapped)
    };
    let primary = cs::Label::primary((), shown(diagnostic.span));
    let secondary = diagnostic.labels.iter().map(|label| {
        cs::Label::secondary((), shown(label.span)).with_message(shown_text(&label.message))
    });
    let notes = diagnostic
        .fix
        .as_ref()
        .map(|fix| fix_notes(source, fix))
        .unwrap_or_default();
    cs::Diagnostic::new(severity(diagnostic.severity))
        .with_code(diagnostic.code)
        .with_message(shown_text(&diagnostic.message))
        .with_labels_iter(std::iter::once(primary).chain(secondary))
        .with_notes(notes)
}

/// codespan has no "info" or "style"; its note and help have the right place and colour, and
/// [`emit`] puts the configuration's word in their place.
fn severity(severity: Severity) -> cs::Severity {
    match severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Info => cs::Severity::Note,
        Severity::Style => cs::Severity::Help,
    }
}

fn fix_notes(source: &str, fix: &Fix) -> Vec<String> {
    let kind = match fix.applicability {
        Applicability::Safe => "fix (safe)",
        Applicability::Unsafe => "fix (unsafe)",
        Applicability::DisplayOnly => "suggestion",
    };
    let mut notes = vec![format!("{kind}: {}", shown_text(&fix.title))];
    match rewritten_lines(source, fix).as_deref() {
        Some("") => notes.push("rewrite: remove these lines".to_string()),
        Some(text) => notes.push(format!("rewrite:\n{}", shown_text(text))),
        None => {}
    }
    notes
}

/// A message or rewrite as printed: long lines cut, controls escaped.
fn shown_text(text: &str) -> String {
    printable(&cut_long_lines(text)).into_owned()
}

/// codespan panics on a range outside the file or inside a character; a rule's off-by-one must
/// cost a slightly wrong underline, not the whole report.
fn clamp(source: &str, span: Span) -> Range<usize> {
    let floor = |mut offset: usize| {
        offset = offset.min(source.len());
        while !source.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    let start = floor(span.start as usize);
    start..floor(span.end as usize).max(start)
}

fn into_io(err: files::Error) -> io::Error {
    match err {
        files::Error::Io(err) => err,
        other => io::Error::other(other.to_string()),
    }
}

/// The one-line summary of `report`: see [`Totals::summary`].
pub fn summary(report: &Report) -> String {
    Totals::of(report).summary()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Edit;
    use codespan_reporting::term::termcolor::NoColor;

    fn render(report: &Report, quiet: bool) -> String {
        let mut out = NoColor::new(Vec::new());
        write(report, &mut out, quiet).expect("writing to memory");
        String::from_utf8(out.into_inner()).expect("codespan writes UTF-8")
    }

    fn finding(severity: Severity, span: Span) -> Diagnostic {
        Diagnostic {
            code: "LL999",
            name: "test-rule",
            severity,
            span,
            message: "something is off".to_string(),
            labels: Vec::new(),
            fix: None,
        }
    }

    fn file(name: &str, source: &str, diagnostics: Vec<Diagnostic>) -> FileReport {
        FileReport::new(name.to_string(), source.to_string(), diagnostics)
    }

    #[test]
    fn a_finding_shows_code_message_location_labels_and_rewrite() {
        let source = "FROM a\nRUN apt-get install -y x\n";
        let flag = source.find("-y").unwrap_or_default();
        let mut diagnostic = finding(Severity::Warning, Span::new(flag, flag + 2))
            .with_label(Span::new(0, 4), "stage starts here");
        diagnostic.fix = Some(Fix {
            title: "Spell the flag out".to_string(),
            applicability: Applicability::Safe,
            edits: vec![Edit {
                span: Span::new(flag, flag + 2),
                content: "--yes".to_string(),
            }],
        });
        let text = render(
            &Report::new(vec![file("Dockerfile", source, vec![diagnostic])]),
            true,
        );
        assert!(text.contains("warning[LL999]: something is off"), "{text}");
        assert!(text.contains("Dockerfile:2:21"), "{text}");
        assert!(text.contains("stage starts here"), "{text}");
        assert!(text.contains("fix (safe): Spell the flag out"), "{text}");
        assert!(text.contains("rewrite:"), "{text}");
        assert!(text.contains("RUN apt-get install --yes x"), "{text}");
        assert!(
            !text.contains("in 1 file"),
            "quiet hides the summary: {text}"
        );
    }

    #[test]
    fn info_and_style_are_named_as_the_configuration_names_them() {
        let source = "FROM a\n";
        let report = Report::new(vec![file(
            "Dockerfile",
            source,
            vec![
                finding(Severity::Info, Span::new(0, 4)),
                finding(Severity::Style, Span::new(5, 6)),
            ],
        )]);
        let text = render(&report, false);
        assert!(text.contains("info[LL999]: something is off"), "{text}");
        assert!(text.contains("style[LL999]: something is off"), "{text}");
        assert!(!text.contains("note[") && !text.contains("help["), "{text}");
        assert!(
            text.ends_with("2 findings (1 info, 1 style) in 1 file\n"),
            "{text}"
        );
    }

    #[test]
    fn the_severity_word_is_replaced_in_colour_too() {
        let report = Report::new(vec![file(
            "Dockerfile",
            "FROM a\n",
            vec![finding(Severity::Style, Span::new(0, 4))],
        )]);
        let mut out = Buffer::ansi();
        write(&report, &mut out, true).expect("writing to memory");
        let text = String::from_utf8(out.into_inner()).expect("UTF-8");
        assert!(text.contains("style[LL999]"), "{text:?}");
        assert!(text.contains('\u{1b}'), "coloured: {text:?}");
        assert!(!text.contains("help["), "{text:?}");
    }

    #[test]
    fn spans_outside_the_source_are_clamped_instead_of_panicking() {
        let source = "FROM é\n";
        let report = Report::new(vec![file(
            "Dockerfile",
            source,
            vec![
                finding(Severity::Error, Span::new(6, 7)),
                finding(Severity::Error, Span::new(50, 60)),
            ],
        )]);
        assert!(render(&report, false).contains("2 errors in 1 file"));
    }

    #[test]
    fn summaries() {
        let at = Span::new(0, 1);
        let clean = file("a", "FROM a\n", vec![]);
        let two = file(
            "b",
            "FROM a\n",
            vec![finding(Severity::Error, at), finding(Severity::Warning, at)],
        );
        let one = file("c", "FROM a\n", vec![finding(Severity::Warning, at)]);
        assert_eq!(summary(&Report::default()), "no Dockerfiles found");
        assert_eq!(
            summary(&Report::default().with_unchecked(2)),
            "2 paths could not be checked"
        );
        assert_eq!(
            summary(&Report::new(vec![clean.clone()]).with_unchecked(1)),
            "no findings in 1 file; 1 path could not be checked"
        );
        assert_eq!(
            summary(&Report::new(vec![clean.clone()])),
            "no findings in 1 file"
        );
        assert_eq!(
            summary(&Report::new(vec![clean.clone(), one.clone()])),
            "1 warning in 1 of 2 files"
        );
        assert_eq!(
            summary(&Report::new(vec![clean, two, one])),
            "3 findings (1 error, 2 warnings) in 2 of 3 files"
        );
    }
}
