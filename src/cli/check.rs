//! `layerlint check`: find the files, lint (or fix) them in parallel, report in a fixed order.

use super::Exit;
use super::args::CheckArgs;
use super::fix::{self, FileFix, FixMode};
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use super::settings::{self, Settings};
use layerlint::files::{self, FileError, Input, STDIN_PATH};
use layerlint::project::BuildContext;
use layerlint::report::{self, FileReport, Report, Stream};
use layerlint::{LintOptions, Severity};
use rayon::prelude::*;
use std::path::{Path, PathBuf};

/// One input, linted or fixed.
struct Checked {
    /// The findings that remain (all of them, when not fixing).
    report: FileReport,
    /// The lowest severity that fails the run for this file.
    fail_at: Option<Severity>,
    fix: Option<FileFix>,
}

pub fn run(args: &CheckArgs, color: ColorPolicy) -> Exit {
    if let Some(dir) = &args.context {
        if let Err(reason) = check_context_dir(dir) {
            eprintln!("error: --context {}: {reason}", dir.display());
            return Exit::Trouble;
        }
    }
    let mode = FixMode::of(args);
    let discovery = files::discover(&paths(args));
    let (settings, config_errors) = settings::resolve(args, &discovery.inputs);
    let bad_config = !config_errors.is_empty();
    config_errors.into_iter().for_each(print_error);
    // `--fix` on standard input prints the fixed text, and a filter's output must be that text
    // alone (an editor replaces its buffer with it): the report moves to standard error.
    let stream = match mode {
        FixMode::Write(_) if discovery.inputs.contains(&Input::Stdin) => Stream::Stderr,
        _ => Stream::Stdout,
    };
    let stdin_name = args.stdin_filename.as_deref();
    let context = args.context.as_deref();
    // `collect` keeps the inputs' order, so the output does not depend on thread timing.
    let check = |(input, settings): (&Input, Settings)| {
        check_input(input, stdin_name, context, settings, mode)
    };
    // One file (a pre-commit hook's usual call) is not worth starting a thread pool for.
    let results: Vec<Result<Checked, FileError>> = if discovery.inputs.len() == 1 {
        discovery.inputs.iter().zip(settings).map(check).collect()
    } else {
        discovery
            .inputs
            .par_iter()
            .zip(settings)
            .map(check)
            .collect()
    };

    let mut errors = discovery.errors;
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
                linted.push(checked.report);
                fixes.extend(checked.fix);
            }
            Err(err) => errors.push(err),
        }
    }
    let unchecked = errors.len();
    errors.into_iter().for_each(print_error);
    let finished = fix::finish(&mut fixes);

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
        if let Err(err) = report::print(args.format, &report, options) {
            if !is_closed_pipe(&err) {
                eprintln!("error: cannot write the report: {err}");
                return Exit::Trouble;
            }
        }
    }
    if mode != FixMode::Off && !args.quiet {
        let remaining = report.diagnostics().count();
        eprintln!("{}", fix::summary(&fixes, remaining, mode));
    }
    if report.unchecked() > 0 || bad_config || finished.trouble {
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
fn check_context_dir(dir: &Path) -> Result<(), &'static str> {
    match std::fs::metadata(dir) {
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err("not a directory"),
        Err(_) => Err("no such directory"),
    }
}

fn check_input(
    input: &Input,
    stdin_name: Option<&str>,
    context: Option<&Path>,
    settings: Settings,
    mode: FixMode,
) -> Result<Checked, FileError> {
    let file = files::load(input, stdin_name)?;
    let options = LintOptions {
        build_context: build_context(input, context),
        config: settings.config,
    };
    let (report, fix) = fix::check_file(file, &options, mode);
    Ok(Checked {
        report,
        fail_at: settings.fail_at,
        fix,
    })
}

/// `--context DIR`, else the Dockerfile's own directory, as `docker build -f` users usually
/// have it. Standard input has no directory, so without `--context` its context is unknown.
fn build_context(input: &Input, context: Option<&Path>) -> BuildContext {
    match (input, context) {
        (Input::Path(file), Some(dir)) => BuildContext::for_dockerfile(dir, file),
        (Input::Path(file), None) => BuildContext::for_dockerfile(directory_of(file), file),
        (Input::Stdin, Some(dir)) => BuildContext::directory(dir),
        (Input::Stdin, None) => BuildContext::Unknown,
    }
}

/// `Dockerfile` has the parent `""`, which means the current directory.
fn directory_of(file: &Path) -> &Path {
    file.parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}
