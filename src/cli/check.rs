//! `layerlint check`: find the files, lint (or fix) them in parallel, report in a fixed order.

use super::Exit;
use super::args::CheckArgs;
use super::fix::{self, FileFix, FixMode};
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use super::settings::{self, Settings};
use super::shellcheck::{Said, Stage, Wanted};
use super::window;
use codespan_reporting::term::termcolor::WriteColor;
use layerlint::files::{self, FileError, Input, STDIN_PATH};
use layerlint::project::BuildContext;
use layerlint::project::builds::{Build, Builds};
use layerlint::report::{self, FileReport, IncrementalReport, Report, Stream};
use layerlint::{LintOptions, Severity, Span};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// One input, linted or fixed.
struct Checked {
    /// The findings that remain (all of them, when not fixing).
    report: FileReport,
    /// The lowest severity that fails the run for this file.
    fail_at: Option<Severity>,
    fix: Option<FileFix>,
    /// What it asks of ShellCheck, which runs once all files are here.
    shellcheck: Wanted,
    /// Files next to it that could not be read (an ignore file of its build context): it was
    /// linted without them.
    side_errors: Vec<FileError>,
    /// What the user should know about the build it was linted as (a target it does not have).
    warnings: Vec<String>,
}

impl Checked {
    /// The report, and what else the check left, with whether the file fails the run.
    fn split(self) -> (FileReport, Aside) {
        let fails = self
            .fail_at
            .is_some_and(|level| self.report.diagnostics.iter().any(|d| d.severity >= level));
        let aside = Aside {
            fails,
            fix: self.fix,
            side_errors: self.side_errors,
            warnings: self.warnings,
        };
        (self.report, aside)
    }
}

/// What a check leaves besides the file's report: small, so it is kept for every file until the
/// end, when it is told in input order.
struct Aside {
    /// A finding at or above the file's fail level.
    fails: bool,
    fix: Option<FileFix>,
    side_errors: Vec<FileError>,
    warnings: Vec<String>,
}

/// What the checks came to besides their reports, gathered in input order.
struct Tally {
    failing: bool,
    /// Paths that could not be found or loaded.
    errors: Vec<FileError>,
    /// Ignore files that could not be read, each once.
    side_errors: Vec<FileError>,
    fixes: Vec<FileFix>,
}

impl Tally {
    fn new(errors: Vec<FileError>) -> Tally {
        Tally {
            failing: false,
            errors,
            side_errors: Vec::new(),
            fixes: Vec::new(),
        }
    }

    /// Adds one check's outcome, printing the warnings about its build.
    fn add(&mut self, outcome: Result<Aside, FileError>) {
        let aside = match outcome {
            Ok(aside) => aside,
            Err(err) => return self.errors.push(err),
        };
        self.failing |= aside.fails;
        aside
            .warnings
            .iter()
            .for_each(|w| eprintln!("warning: {w}"));
        self.fixes.extend(aside.fix);
        for err in aside.side_errors {
            if !self
                .side_errors
                .iter()
                .any(|e| e.to_string() == err.to_string())
            {
                self.side_errors.push(err);
            }
        }
    }

    /// Prints the errors, then writes the fixes (or prints their diffs): everything that comes
    /// before the report. `left_out`: files not linted for their configuration, which count as
    /// not checked, so the summary does not read as if all was well.
    fn close(mut self, left_out: usize, bad_config: bool) -> Tallied {
        let unchecked = self.errors.len() + left_out;
        let side_trouble = !self.side_errors.is_empty();
        self.errors
            .into_iter()
            .chain(self.side_errors)
            .for_each(print_error);
        let finished = fix::finish(&mut self.fixes);
        Tallied {
            failing: self.failing,
            unchecked,
            trouble: bad_config || side_trouble || finished.trouble,
            diffed: finished.diffed,
            fixes: self.fixes,
        }
    }
}

/// The checks' outcome once their errors are told and their fixes done.
struct Tallied {
    failing: bool,
    /// Paths that could not be linted at all.
    unchecked: usize,
    /// A config that could not be used, an unreadable ignore file, a fix not written.
    trouble: bool,
    /// `--diff` printed a diff.
    diffed: bool,
    fixes: Vec<FileFix>,
}

impl Tallied {
    fn exit(&self, mode: FixMode) -> Exit {
        if self.unchecked > 0 || self.trouble {
            // A path that could not be read or written, or a config that could not be used,
            // outranks any finding.
            Exit::Trouble
        } else if matches!(mode, FixMode::Diff(_)) {
            if self.diffed {
                Exit::Findings
            } else {
                Exit::Clean
            }
        } else if self.failing {
            Exit::Findings
        } else {
            Exit::Clean
        }
    }
}

pub fn run(args: &CheckArgs, color: ColorPolicy) -> Exit {
    if let Some(dir) = &args.context {
        if let Err(reason) = check_context_dir(dir) {
            eprintln!("error: --context {}: {reason}", dir.display());
            return Exit::Trouble;
        }
    }
    let mut notes = match settings::check_flags(args) {
        Ok(notes) => notes,
        Err(message) => {
            eprintln!("error: {message}");
            return Exit::Trouble;
        }
    };
    let mode = FixMode::of(args);
    // One run: the directories above each file are looked up once (files/repository.rs).
    files::remember_ancestors();
    let discovery = files::discover(&paths(args));
    if discovery.inputs.len() == 1 {
        super::pages::allow_huge();
    }
    let resolved = match settings::resolve(args, &discovery.inputs) {
        Ok(resolved) => resolved,
        Err(err) => {
            // No finding computed with settings other than the ones asked for.
            print_error(*err);
            return Exit::Trouble;
        }
    };
    // The configuration's `format` (of the first file's configuration: the output is one) comes
    // after `--format` and HADOLINT_FORMAT.
    let configured = resolved
        .settings
        .iter()
        .flatten()
        .find_map(|s| s.config.format.clone());
    let format = settings::format(
        args,
        |name| std::env::var(name).ok(),
        configured.as_deref(),
        &mut notes,
    );
    if !args.quiet {
        notes
            .iter()
            .chain(&resolved.notes)
            .for_each(|note| eprintln!("{note}"));
    }
    let bad_config = !resolved.errors.is_empty();
    resolved.errors.into_iter().for_each(print_error);
    // `--fix` on standard input prints the fixed text, and a filter's output must be that text
    // alone (an editor replaces its buffer with it): the report moves to standard error.
    let stream = match mode {
        FixMode::Write(_) if discovery.inputs.contains(&Input::Stdin) => Stream::Stderr,
        _ => Stream::Stdout,
    };
    let stdin_name = args.stdin_filename.as_deref();
    let context = args.context.as_deref();
    let readonly_ok = args.fix_readonly;
    let shellcheck = Stage::new(args);
    // A file under a configuration that could not be used is not linted: its error is printed.
    let (inputs, settings): (Vec<&Input>, Vec<Settings>) = discovery
        .inputs
        .iter()
        .zip(resolved.settings)
        .filter_map(|(input, settings)| Some((input, settings?)))
        .unzip();
    let linted_inputs = inputs.len();
    let builds = project_builds(&inputs, context);
    for warning in &builds.warnings {
        eprintln!("warning: {warning}");
    }
    let (inputs, settings) = with_builds(inputs, settings, &builds, mode);
    let jobs: Vec<Job<'_>> = inputs.into_iter().zip(settings).collect();
    let check = |(job, settings): Job<'_>| {
        check_input(
            job,
            stdin_name,
            context,
            settings,
            mode,
            readonly_ok,
            &shellcheck,
        )
    };
    let color = match stream {
        Stream::Stdout => color.stdout(),
        Stream::Stderr => color.stderr(),
    };
    let options = report::Options {
        color,
        quiet: args.quiet,
        stream,
    };
    let mut tally = Tally::new(discovery.errors);
    // Written as the files are linted when nothing needs every file first: fixes are printed
    // and summed up before the report, ShellCheck runs once over every file's scripts, and a
    // SARIF or Markdown report starts with what comes of all the files.
    if mode == FixMode::Off && !shellcheck.runs() && report::writes_piecewise(format) {
        let output = match &args.output {
            Some(path) => report::file_output(path).map(|out| Box::new(out) as Box<dyn WriteColor>),
            None => Ok(Box::new(report::stream_output(format, options)) as Box<dyn WriteColor>),
        };
        let mut writer = output.map(|out| IncrementalReport::new(format, out, args.quiet));
        let stdin_name = stdin_name.map(str::to_string);
        let asides = lint_and_write(jobs, check, stdin_name.as_deref(), &mut writer);
        match shellcheck.note(asides.iter().map(|(_, wanted)| wanted)) {
            Some(Said::Note(note)) if !args.quiet => eprintln!("{note}"),
            Some(Said::Failed(warning)) => eprintln!("{warning}"),
            _ => {}
        }
        asides.into_iter().for_each(|(aside, _)| tally.add(aside));
        let tallied = tally.close(discovery.inputs.len() - linted_inputs, bad_config);
        let totals = match writer {
            Ok(Some(writer)) => writer.finish(tallied.unchecked),
            Ok(None) => Err(io::Error::other("not a piecewise format")),
            Err(err) => Err(err),
        };
        match totals {
            Ok(totals) if args.output.is_some() && !args.quiet => {
                print_summary(&totals.summary(), stream);
            }
            Ok(_) => {}
            Err(err) if args.output.is_none() && is_closed_pipe(&err) => {}
            Err(err) => return report_not_written(&err, args.output.as_deref()),
        }
        return tallied.exit(mode);
    }
    let mut results: Vec<Result<Checked, FileError>> = Vec::with_capacity(jobs.len());
    window::in_order(jobs, usize::MAX, check, |result| results.push(result));
    // ShellCheck's findings join the reports before the exit code is decided.
    let asked = results
        .iter_mut()
        .filter_map(|result| result.as_mut().ok())
        .map(|checked| {
            let wanted = std::mem::replace(&mut checked.shellcheck, Wanted::No);
            (&mut checked.report, wanted)
        })
        .collect();
    match shellcheck.finish(asked) {
        Some(Said::Note(note)) if !args.quiet => eprintln!("{note}"),
        Some(Said::Failed(warning)) => eprintln!("{warning}"),
        _ => {}
    }
    let mut linted = Vec::new();
    for result in results {
        tally.add(result.map(|checked| {
            let (report, aside) = checked.split();
            linted.push(report);
            aside
        }));
    }
    let tallied = tally.close(discovery.inputs.len() - linted_inputs, bad_config);
    let mut earlier = EarlierBuilds::default();
    linted
        .iter_mut()
        .for_each(|report| earlier.show_once(report));
    let report = Report::new(linted).with_unchecked(tallied.unchecked);
    // `--diff` prints diffs instead of findings: its output is meant for `git apply`.
    if !matches!(mode, FixMode::Diff(_)) {
        match &args.output {
            Some(path) => {
                if let Err(err) = report::write_file(format, &report, path, args.quiet) {
                    return report_not_written(&err, Some(path));
                }
                if !args.quiet {
                    print_summary(&report::human::summary(&report), stream);
                }
            }
            None => {
                if let Err(err) = report::print(format, &report, options) {
                    if !is_closed_pipe(&err) {
                        return report_not_written(&err, None);
                    }
                }
            }
        }
    }
    if mode != FixMode::Off && !args.quiet {
        let remaining = report.diagnostics().count();
        eprintln!("{}", fix::summary(&tallied.fixes, remaining, mode));
    }
    tallied.exit(mode)
}

/// One check to run: an input, the build it is linted as, and its settings.
type Job<'a> = ((&'a Input, Option<&'a Build>), Settings);

/// What a check leaves besides the report (or why the file could not be checked), and what it
/// asked of ShellCheck.
type Left = (Result<Aside, FileError>, Wanted);

/// Lints `jobs` a window at a time in the report's order (by name, as [`Report::new`] sorts) and
/// writes each file's findings as soon as its window is done, then drops them. What else each
/// file leaves is returned in input order, for the caller to tell as the buffered report does.
/// After a failed write nothing more is written, but every file is still linted: the exit code
/// depends on all of them.
fn lint_and_write<W: WriteColor>(
    jobs: Vec<Job<'_>>,
    check: impl Fn(Job<'_>) -> Result<Checked, FileError> + Sync + Send,
    stdin_name: Option<&str>,
    writer: &mut io::Result<Option<IncrementalReport<W>>>,
) -> Vec<Left> {
    let mut jobs: Vec<(usize, Job<'_>)> = jobs.into_iter().enumerate().collect();
    jobs.sort_by_cached_key(|(_, ((input, _), _))| input.display_name(stdin_name));
    let mut asides: Vec<(usize, Left)> = Vec::new();
    let mut earlier = EarlierBuilds::default();
    let check = |(index, job): (usize, Job<'_>)| (index, check(job));
    window::in_order(jobs, window::WINDOW, check, |(index, result)| {
        let left = match result {
            Ok(mut checked) => {
                let wanted = std::mem::replace(&mut checked.shellcheck, Wanted::No);
                let (mut report, aside) = checked.split();
                earlier.show_once(&mut report);
                if let Ok(Some(out)) = writer {
                    if let Err(err) = out.file(&report) {
                        *writer = Err(err);
                    }
                }
                (Ok(aside), wanted)
            }
            Err(err) => (Err(err), Wanted::No),
        };
        asides.push((index, left));
    });
    asides.sort_by_key(|(index, _)| *index);
    asides.into_iter().map(|(_, left)| left).collect()
}

/// The report could not be written: why, and the exit code (a reader that closed the pipe is
/// not a failure, and the run's outcome stands).
fn report_not_written(err: &io::Error, path: Option<&Path>) -> Exit {
    match path {
        Some(path) => eprintln!(
            "error: cannot write the report to {}: {err}",
            path.display()
        ),
        None => eprintln!("error: cannot write the report: {err}"),
    }
    Exit::Trouble
}

/// The summary line on the terminal when the report went to a file.
fn print_summary(summary: &str, stream: Stream) {
    // A closed pipe costs the summary line, nothing more.
    let _ = match stream {
        Stream::Stdout => writeln!(std::io::stdout(), "{summary}"),
        Stream::Stderr => writeln!(std::io::stderr(), "{summary}"),
    };
}

/// `--stdin-filename` with no paths means the file is on standard input.
fn paths(args: &CheckArgs) -> Vec<PathBuf> {
    if args.paths.is_empty() && args.stdin_filename.is_some() {
        vec![PathBuf::from(STDIN_PATH)]
    } else {
        args.paths.clone()
    }
}

/// A context that is not a directory would make every context-aware finding wrong: refuse it
/// up front, as bad usage.
pub(super) fn check_context_dir(dir: &Path) -> Result<(), &'static str> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err("not a directory"),
        Err(_) => Err("no such directory"),
    }
}

/// Lints one input, as one build of it when a compose or bake file names it.
fn check_input(
    (input, build): (&Input, Option<&Build>),
    stdin_name: Option<&str>,
    context: Option<&Path>,
    settings: Settings,
    mode: FixMode,
    readonly_ok: bool,
    shellcheck: &Stage,
) -> Result<Checked, FileError> {
    let file = files::load(input, stdin_name)?;
    let build_context = match (build, input) {
        (Some(build), Input::Path(path)) => BuildContext::for_dockerfile(&build.context, path),
        _ => build_context(input, context),
    };
    let warnings = build
        .and_then(|build| missing_target(build, &file.text, &file.name))
        .into_iter()
        .collect();
    let no_args = Default::default();
    let build_args = build.map_or(&no_args, |b| &b.args);
    let side_errors = build_context
        .unreadable_ignore_file()
        .map(|(path, reason)| FileError::Unreadable {
            path,
            reason: format!("{reason}; the build context was checked without it"),
        })
        .into_iter()
        .collect();
    let options = LintOptions {
        build_context,
        config: settings.config,
        build_args: build_args.clone(),
        target: build.and_then(|b| b.target.clone()),
    };
    let (report, fix) = fix::check_file(file, &options, mode, readonly_ok);
    let report = report.with_via(build.map(Build::via));
    let shellcheck = shellcheck.collect(&report, &options.config);
    Ok(Checked {
        report,
        fail_at: settings.fail_at,
        fix,
        shellcheck,
        side_errors,
        warnings,
    })
}

/// The builds compose and bake files declare for the inputs; none with `--context`, which wins.
fn project_builds(inputs: &[&Input], context: Option<&Path>) -> Builds {
    if context.is_some() {
        return Builds::default();
    }
    let paths: Vec<&Path> = inputs
        .iter()
        .filter_map(|input| match input {
            Input::Path(path) => Some(path.as_path()),
            Input::Stdin => None,
        })
        .collect();
    Builds::around(&paths)
}

/// Each input once per build of it (once, as before, when nothing names it). Fixing writes the
/// file, so a file is then fixed as its first build only: two builds fixing one file in parallel
/// would race.
fn with_builds<'i, 'b>(
    inputs: Vec<&'i Input>,
    settings: Vec<Settings>,
    builds: &'b Builds,
    mode: FixMode,
) -> (Vec<(&'i Input, Option<&'b Build>)>, Vec<Settings>) {
    let mut jobs = Vec::new();
    let mut job_settings = Vec::new();
    for (input, settings) in inputs.into_iter().zip(settings) {
        let found = match input {
            Input::Path(path) => builds.of(path),
            Input::Stdin => &[],
        };
        let found = if mode == FixMode::Off {
            found
        } else {
            &found[..found.len().min(1)]
        };
        if found.is_empty() {
            jobs.push((input, None));
            job_settings.push(settings);
            continue;
        }
        for build in found {
            jobs.push((input, Some(build)));
            job_settings.push(settings.clone());
        }
    }
    (jobs, job_settings)
}

/// A build whose target stage the Dockerfile does not have fails; the file is still linted, as
/// for any build.
fn missing_target(build: &Build, text: &str, name: &str) -> Option<String> {
    let target = build.target.as_deref()?;
    let dockerfile = layerlint::syntax::parse(text);
    let model = layerlint::model::Model::build(&dockerfile);
    model.stage_named(target).is_none().then(|| {
        format!(
            "{}: target `{target}`: {name} has no stage of that name, so that build fails",
            build.via()
        )
    })
}

/// The findings already reported for the earlier builds of one file. A file linted as several
/// builds does not repeat under a later build what an earlier one reported, so what is listed
/// under a later build is what that build changes. Reports come grouped by file (in input order
/// and in the report's, a file's builds are next to each other), so only the current file's
/// findings are kept.
#[derive(Default)]
struct EarlierBuilds {
    name: String,
    findings: Vec<(&'static str, Span, String)>,
}

impl EarlierBuilds {
    /// Drops from `report` what an earlier build of its file reported; reports must come grouped
    /// by file.
    fn show_once(&mut self, report: &mut FileReport) {
        if report.name != self.name {
            self.name.clone_from(&report.name);
            self.findings.clear();
        }
        if report.via.is_none() {
            return;
        }
        report.diagnostics.retain(|d| {
            !self.findings.iter().any(|(code, span, message)| {
                *code == d.code && *span == d.span && *message == d.message
            })
        });
        self.findings.extend(
            report
                .diagnostics
                .iter()
                .map(|d| (d.code, d.span, d.message.clone())),
        );
    }
}

/// `--context DIR`, else the Dockerfile's own directory, as `docker build -f` users usually
/// have it. Standard input has no directory, so without `--context` its context is unknown.
pub(super) fn build_context(input: &Input, context: Option<&Path>) -> BuildContext {
    match (input, context) {
        (Input::Path(file), Some(dir)) => BuildContext::for_dockerfile(dir, file),
        (Input::Path(file), None) => BuildContext::for_dockerfile(directory_of(file), file),
        (Input::Stdin, Some(dir)) => BuildContext::directory(dir),
        (Input::Stdin, None) => BuildContext::Unknown,
    }
}

/// `Dockerfile` has the parent `""`, which means the current directory.
pub(super) fn directory_of(file: &Path) -> &Path {
    file.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use layerlint::Diagnostic;

    fn report(name: &str, via: Option<&str>, messages: &[&str]) -> FileReport {
        let found = messages
            .iter()
            .map(|m| Diagnostic::syntax_error(Span::new(0, 4), *m))
            .collect();
        FileReport::new(name.to_string(), "FROM a\n".to_string(), found)
            .with_via(via.map(str::to_string))
    }

    fn messages(report: &FileReport) -> Vec<&str> {
        report
            .diagnostics
            .iter()
            .map(|d| d.message.as_str())
            .collect()
    }

    #[test]
    fn a_later_build_lists_only_what_the_earlier_builds_of_its_file_did_not() {
        let mut earlier = EarlierBuilds::default();
        let mut reports = [
            report("Dockerfile", Some("service a"), &["one", "two"]),
            report("Dockerfile", Some("service b"), &["two", "three"]),
            report("Dockerfile", Some("service c"), &["one", "three", "four"]),
            // Another file starts afresh; a file without builds is left as it is.
            report("other/Dockerfile", Some("service d"), &["one"]),
            report("plain/Dockerfile", None, &["one"]),
            report("plain/Dockerfile", None, &["one"]),
        ];
        reports.iter_mut().for_each(|r| earlier.show_once(r));
        let kept: Vec<Vec<&str>> = reports.iter().map(messages).collect();
        assert_eq!(
            kept,
            [
                vec!["one", "two"],
                vec!["three"],
                vec!["four"],
                vec!["one"],
                vec!["one"],
                vec!["one"],
            ]
        );
    }
}
