//! `layerlint check`: find the files, lint (or fix) them in parallel, report in a fixed order.

use super::Exit;
use super::args::CheckArgs;
use super::fix::{self, FileFix, FixMode};
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use super::settings::{self, Settings};
use super::shellcheck::{Said, Stage, Wanted};
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
    /// What it asks of ShellCheck, which runs once all files are here.
    shellcheck: Wanted,
    /// Files next to it that could not be read (an ignore file of its build context): it was
    /// linted without them.
    side_errors: Vec<FileError>,
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
    let check = |(input, settings): (&&Input, Settings)| {
        check_input(
            input,
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
    let unchecked = errors.len() + (discovery.inputs.len() - inputs.len());
    let side_trouble = !side_errors.is_empty();
    errors.into_iter().chain(side_errors).for_each(print_error);
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
        if let Err(err) = report::print(format, &report, options) {
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

fn check_input(
    input: &Input,
    stdin_name: Option<&str>,
    context: Option<&Path>,
    settings: Settings,
    mode: FixMode,
    readonly_ok: bool,
    shellcheck: &Stage,
) -> Result<Checked, FileError> {
    let file = files::load(input, stdin_name)?;
    let build_context = build_context(input, context);
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
    };
    let (report, fix) = fix::check_file(file, &options, mode, readonly_ok);
    let shellcheck = shellcheck.collect(&report, &options.config);
    Ok(Checked {
        report,
        fail_at: settings.fail_at,
        fix,
        shellcheck,
        side_errors,
    })
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
