//! `layerlint check`: find the files, lint (or fix) them in parallel, report in a fixed order.

use super::Exit;
use super::args::CheckArgs;
use super::fix::{self, FileFix, FixMode};
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use super::settings::{self, Settings};
use super::shellcheck::{Said, Stage, Wanted};
use layerlint::files::{self, FileError, Input, STDIN_PATH};
use layerlint::project::BuildContext;
use layerlint::project::builds::{Build, Builds};
use layerlint::report::{self, FileReport, Report, Stream};
use layerlint::{LintOptions, Severity};
use rayon::prelude::*;
use std::io::Write;
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
    let discovery = files::discover(&paths(args));
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
    let check = |((input, build), settings): (&(&Input, Option<&Build>), Settings)| {
        check_input(
            (input, *build),
            stdin_name,
            context,
            settings,
            mode,
            readonly_ok,
            &shellcheck,
        )
    };
    // `collect` keeps the inputs' order, so the output does not depend on thread timing.
    // One file (a pre-commit hook's usual call) is not worth starting a thread pool for.
    let mut results: Vec<Result<Checked, FileError>> = if inputs.len() == 1 {
        inputs.iter().zip(settings).map(check).collect()
    } else {
        inputs.par_iter().zip(settings).map(check).collect()
    };
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

    let mut errors = discovery.errors;
    let mut side_errors = Vec::new();
    let mut linted = Vec::new();
    let mut fixes = Vec::new();
    let mut failing = false;
    for result in results {
        match result {
            Ok(checked) => {
                failing |= checked.fail_at.is_some_and(|level| {
                    checked
                        .report
                        .diagnostics
                        .iter()
                        .any(|d| d.severity >= level)
                });
                checked
                    .warnings
                    .iter()
                    .for_each(|w| eprintln!("warning: {w}"));
                linted.push(checked.report);
                fixes.extend(checked.fix);
                for err in checked.side_errors {
                    if !side_errors
                        .iter()
                        .any(|e: &FileError| e.to_string() == err.to_string())
                    {
                        side_errors.push(err);
                    }
                }
            }
            Err(err) => errors.push(err),
        }
    }
    // Files left out for their configuration count as not checked, so the summary does not read
    // as if all was well.
    let unchecked = errors.len() + (discovery.inputs.len() - linted_inputs);
    let side_trouble = !side_errors.is_empty();
    errors.into_iter().chain(side_errors).for_each(print_error);
    let finished = fix::finish(&mut fixes);

    show_shared_findings_once(&mut linted);
    let report = Report::new(linted).with_unchecked(unchecked);
    // `--diff` prints diffs instead of findings: its output is meant for `git apply`.
    if !matches!(mode, FixMode::Diff(_)) {
        let color = match stream {
            Stream::Stdout => color.stdout(),
            Stream::Stderr => color.stderr(),
        };
        let options = report::Options {
            color,
            quiet: args.quiet,
            stream,
        };
        match &args.output {
            Some(path) => {
                if let Err(err) = report::write_file(format, &report, path, args.quiet) {
                    eprintln!(
                        "error: cannot write the report to {}: {err}",
                        path.display()
                    );
                    return Exit::Trouble;
                }
                if !args.quiet {
                    let summary = report::human::summary(&report);
                    // A closed pipe costs the summary line, nothing more.
                    let _ = match stream {
                        Stream::Stdout => writeln!(std::io::stdout(), "{summary}"),
                        Stream::Stderr => writeln!(std::io::stderr(), "{summary}"),
                    };
                }
            }
            None => {
                if let Err(err) = report::print(format, &report, options) {
                    if !is_closed_pipe(&err) {
                        eprintln!("error: cannot write the report: {err}");
                        return Exit::Trouble;
                    }
                }
            }
        }
    }
    if mode != FixMode::Off && !args.quiet {
        let remaining = report.diagnostics().count();
        eprintln!("{}", fix::summary(&fixes, remaining, mode));
    }
    if report.unchecked() > 0 || bad_config || side_trouble || finished.trouble {
        // A path that could not be read or written, or a config that could not be used, outranks
        // any finding.
        Exit::Trouble
    } else if matches!(mode, FixMode::Diff(_)) {
        if finished.diffed {
            Exit::Findings
        } else {
            Exit::Clean
        }
    } else if failing {
        Exit::Findings
    } else {
        Exit::Clean
    }
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

/// A file linted as several builds: a finding its earlier build already reported is not
/// repeated, so what is listed under a later build is what that build changes.
fn show_shared_findings_once(reports: &mut [FileReport]) {
    for later in 1..reports.len() {
        let (earlier, rest) = reports.split_at_mut(later);
        let report = &mut rest[0];
        if report.via.is_none() {
            continue;
        }
        let same_file: Vec<&FileReport> = earlier
            .iter()
            .filter(|e| e.name == report.name && e.via.is_some())
            .collect();
        report.diagnostics.retain(|d| {
            !same_file.iter().any(|e| {
                e.diagnostics
                    .iter()
                    .any(|o| o.code == d.code && o.span == d.span && o.message == d.message)
            })
        });
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
