//! A report written file by file, while later files are still being linted, so that a run over
//! thousands of files holds a few of them at a time instead of all of them until the end. The
//! bytes are those of the format's whole-report writer: both are made of the same pieces.

use super::pretty_array::PrettyArray;
use super::totals::Totals;
use super::{FileReport, Format, checkstyle, codeclimate, github, gnu, human, json};
use codespan_reporting::term::termcolor::WriteColor;
use std::io;

/// The formats that can be written a file at a time. SARIF and Markdown cannot: a SARIF log
/// lists the rules that have results before the results, and the Markdown report starts with
/// its summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Piecewise {
    Human,
    Json,
    Codeclimate,
    Checkstyle,
    Gnu,
    Github,
}

impl Piecewise {
    fn of(format: Format) -> Option<Piecewise> {
        Some(match format {
            Format::Human => Piecewise::Human,
            Format::Json => Piecewise::Json,
            Format::Codeclimate => Piecewise::Codeclimate,
            Format::Checkstyle => Piecewise::Checkstyle,
            Format::Gnu => Piecewise::Gnu,
            Format::Github => Piecewise::Github,
            Format::Sarif | Format::Markdown => return None,
        })
    }
}

/// Whether `format` can be written a file at a time.
pub fn writes_piecewise(format: Format) -> bool {
    Piecewise::of(format).is_some()
}

/// A report being written. Files must come in the report's order (sorted by name).
pub struct IncrementalReport<W: WriteColor> {
    format: Piecewise,
    out: W,
    /// No summary line (the human format).
    quiet: bool,
    started: bool,
    array: PrettyArray,
    totals: Totals,
}

impl<W: WriteColor> IncrementalReport<W> {
    /// A report in `format` to `out` (`None` when the format cannot be written piecewise).
    /// Nothing is written yet.
    pub fn new(format: Format, out: W, quiet: bool) -> Option<IncrementalReport<W>> {
        Some(IncrementalReport {
            format: Piecewise::of(format)?,
            out,
            quiet,
            started: false,
            array: PrettyArray::default(),
            totals: Totals::default(),
        })
    }

    /// Writes one file's findings; the caller may then drop the file.
    pub fn file(&mut self, file: &FileReport) -> io::Result<()> {
        self.start()?;
        self.totals.add(file);
        let out = &mut self.out;
        match self.format {
            Piecewise::Human => human::write_file(file, out),
            Piecewise::Json => json::write_file(file, &mut self.array, out),
            Piecewise::Codeclimate => codeclimate::write_file(file, &mut self.array, out),
            Piecewise::Checkstyle => checkstyle::write_file(file, out),
            Piecewise::Gnu => gnu::write_file(file, out),
            Piecewise::Github => github::write_file(file, out),
        }
    }

    /// Ends the report (`unchecked`: how many paths could not be linted, for the summary) and
    /// returns what it counted.
    pub fn finish(mut self, unchecked: usize) -> io::Result<Totals> {
        self.start()?;
        let totals = std::mem::take(&mut self.totals).with_unchecked(unchecked);
        let out = &mut self.out;
        match self.format {
            Piecewise::Human if !self.quiet => writeln!(out, "{}", totals.summary())?,
            Piecewise::Json | Piecewise::Codeclimate => {
                std::mem::take(&mut self.array).finish(out)?
            }
            Piecewise::Checkstyle => checkstyle::write_footer(out)?,
            Piecewise::Human | Piecewise::Gnu | Piecewise::Github => {}
        }
        out.flush()?;
        Ok(totals)
    }

    fn start(&mut self) -> io::Result<()> {
        if std::mem::replace(&mut self.started, true) {
            return Ok(());
        }
        match self.format {
            Piecewise::Checkstyle => checkstyle::write_header(&mut self.out),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Report, sample};
    use codespan_reporting::term::termcolor::NoColor;

    /// What the whole-report writer of `format` prints for `report`.
    fn whole(format: Format, report: &Report, quiet: bool) -> Vec<u8> {
        let mut out = NoColor::new(Vec::new());
        match super::super::writer(format) {
            Some(write) => write(report, &mut out),
            None => human::write(report, &mut out, quiet),
        }
        .expect("writing to memory");
        out.into_inner()
    }

    fn piecewise(format: Format, report: &Report, quiet: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let mut writer = IncrementalReport::new(format, NoColor::new(&mut out), quiet)
            .expect("a piecewise format");
        for file in report.files() {
            writer.file(file).expect("writing to memory");
        }
        let totals = writer
            .finish(report.unchecked())
            .expect("writing to memory");
        assert_eq!(totals, Totals::of(report));
        out
    }

    #[test]
    fn piecewise_output_is_the_whole_report_output() {
        let reports = [
            sample::report(),
            sample::report().with_unchecked(2),
            Report::default(),
        ];
        for format in [
            Format::Human,
            Format::Json,
            Format::Codeclimate,
            Format::Checkstyle,
            Format::Gnu,
            Format::Github,
        ] {
            for report in &reports {
                for quiet in [false, true] {
                    assert_eq!(
                        String::from_utf8_lossy(&piecewise(format, report, quiet)),
                        String::from_utf8_lossy(&whole(format, report, quiet)),
                        "{format:?}, quiet {quiet}"
                    );
                }
            }
        }
    }

    #[test]
    fn sarif_and_markdown_need_the_whole_report() {
        for format in [Format::Sarif, Format::Markdown] {
            assert!(!writes_piecewise(format));
            assert!(IncrementalReport::new(format, NoColor::new(Vec::new()), false).is_none());
        }
    }
}
