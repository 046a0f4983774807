//! Findings into text: one file per output format.
//!
//! A [`Report`] is plain data (each file's name, text and findings) so that every format sees the
//! same thing and adding one means adding a file here and a variant to [`Format`].

pub mod checkstyle;
pub mod codeclimate;
mod excerpt;
pub mod github;
pub mod gnu;
pub mod human;
mod incremental;
pub mod json;
mod location;
pub mod markdown;
mod pretty_array;
mod preview;
pub(crate) mod printable;
#[cfg(test)]
mod sample;
pub mod sarif;
mod totals;

pub use incremental::{IncrementalReport, writes_piecewise};
pub use preview::rewritten_lines;
pub use printable::printable;
pub use totals::Totals;

use crate::diagnostic::{Diagnostic, Severity};
use codespan_reporting::term::termcolor::{BufferedStandardStream, ColorChoice, NoColor};
use std::io::{self, Write};

/// The output formats `--format` accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source excerpts with every span involved marked, for people at a terminal (hadolint's `tty`).
    #[value(alias = "tty")]
    Human,
    /// One JSON array of findings, for scripts.
    Json,
    /// A SARIF 2.1.0 log, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// Checkstyle XML, for Jenkins and other CI dashboards.
    Checkstyle,
    /// A Code Climate issue array, for GitLab Code Quality.
    #[value(alias = "gitlab_codeclimate")]
    Codeclimate,
    /// One `file:line:column: severity: message [CODE]` line per finding, for editors.
    Gnu,
    /// GitHub Actions workflow commands, which annotate the lines of a pull request.
    Github,
    /// A Markdown table with a summary line, for a pull request comment or a CI job summary.
    Markdown,
}

/// One linted file.
#[derive(Clone, Debug)]
pub struct FileReport {
    /// The path as the user should see it.
    pub name: String,
    pub source: String,
    /// Sorted by line, column and code.
    pub diagnostics: Vec<Diagnostic>,
    /// Which build of the file this is, when a compose or bake file names it
    /// (`compose.yaml service api`): a file built several ways is reported once per way.
    pub via: Option<String>,
}

impl FileReport {
    pub fn new(name: String, source: String, mut diagnostics: Vec<Diagnostic>) -> FileReport {
        // Byte offsets grow with lines and columns, so sorting by offset sorts by position.
        diagnostics.sort_by_key(|d| (d.span.start, d.code, d.span.end));
        FileReport {
            name,
            source,
            diagnostics,
            via: None,
        }
    }

    /// The same report, said to be of the build `via` names.
    pub fn with_via(mut self, via: Option<String>) -> FileReport {
        self.via = via;
        self
    }

    /// The file's name with its build, for formats meant for people:
    /// `Dockerfile (via compose.yaml service api)`.
    pub fn name_with_build(&self) -> String {
        match &self.via {
            Some(via) => format!("{} (via {via})", self.name),
            None => self.name.clone(),
        }
    }
}

/// Every linted file, sorted by name, and how many paths could not be linted at all.
#[derive(Clone, Debug, Default)]
pub struct Report {
    files: Vec<FileReport>,
    unchecked: usize,
}

impl Report {
    pub fn new(mut files: Vec<FileReport>) -> Report {
        files.sort_by(|a, b| a.name.cmp(&b.name));
        Report {
            files,
            unchecked: 0,
        }
    }

    /// Records that `count` paths failed to load, so a summary does not read as if all was well.
    pub fn with_unchecked(mut self, count: usize) -> Report {
        self.unchecked = count;
        self
    }

    pub fn unchecked(&self) -> usize {
        self.unchecked
    }

    pub fn files(&self) -> &[FileReport] {
        &self.files
    }

    pub fn diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.files.iter().flat_map(|file| &file.diagnostics)
    }

    /// Whether any finding is at least as severe as `level`.
    pub fn has_finding_at_least(&self, level: Severity) -> bool {
        self.diagnostics().any(|d| d.severity >= level)
    }
}

/// Where a report is written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Stream {
    #[default]
    Stdout,
    /// When standard output carries something else: the fixed text of standard input.
    Stderr,
}

/// How and where the report should be written.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Colour the human format (the caller decides, for the stream it chose).
    pub color: bool,
    /// Findings only: no summary line.
    pub quiet: bool,
    pub stream: Stream,
}

/// Writes a whole report in one machine format.
type Writer = fn(&Report, &mut dyn Write) -> io::Result<()>;

/// The writer of a format other than `human`.
fn writer(format: Format) -> Option<Writer> {
    Some(match format {
        Format::Human => return None,
        Format::Json => |report, out| pretty_array::write_report(report, out, json::write_file),
        Format::Sarif => sarif::write,
        Format::Checkstyle => checkstyle::write,
        Format::Codeclimate => {
            |report, out| pretty_array::write_report(report, out, codeclimate::write_file)
        }
        Format::Gnu => gnu::write,
        Format::Github => github::write,
        Format::Markdown => markdown::write,
    })
}

/// Writes `report` in `format` to `path` (created, or emptied first): the human format without
/// colour. What a terminal should still see is the caller's to print.
pub fn write_file(
    format: Format,
    report: &Report,
    path: &std::path::Path,
    quiet: bool,
) -> io::Result<()> {
    let mut out = file_output(path)?;
    match writer(format) {
        Some(write) => write(report, &mut out)?,
        None => human::write(report, &mut out, quiet)?,
    }
    out.flush()
}

/// Writes `report` in `format` to the stream `options` names.
pub fn print(format: Format, report: &Report, options: Options) -> io::Result<()> {
    let Some(write) = writer(format) else {
        return print_human(report, options);
    };
    // Machine formats ignore colour and `--quiet`: their readers want the same bytes every time.
    let mut out: io::BufWriter<Box<dyn Write>> = io::BufWriter::new(match options.stream {
        Stream::Stdout => Box::new(io::stdout().lock()),
        Stream::Stderr => Box::new(io::stderr().lock()),
    });
    write(report, &mut out)?;
    out.flush()
}

fn print_human(report: &Report, options: Options) -> io::Result<()> {
    let mut out = stream_output(Format::Human, options);
    human::write(report, &mut out, options.quiet)?;
    out.flush()
}

/// The stream `options` names, buffered; coloured only for the human format, and only when
/// `options` allows it.
pub fn stream_output(format: Format, options: Options) -> BufferedStandardStream {
    let choice = if options.color && format == Format::Human {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    match options.stream {
        Stream::Stdout => BufferedStandardStream::stdout(choice),
        Stream::Stderr => BufferedStandardStream::stderr(choice),
    }
}

/// The file `--output` names, created (or emptied first) and buffered; never coloured.
pub fn file_output(path: &std::path::Path) -> io::Result<NoColor<io::BufWriter<std::fs::File>>> {
    Ok(NoColor::new(io::BufWriter::new(std::fs::File::create(
        path,
    )?)))
}
