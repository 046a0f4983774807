//! DL3047 wget-progress-bar: `wget` without `--progress` prints a progress line for every few
//! kilobytes once its output is not a terminal, which swells build logs. Quiet modes (`-q`,
//! `-nv`) and a log file (`-o`, `-a`) avoid that too. The fix adds `--progress=dot:giga` (output
//! only, safe).

use super::super::packages::{fix, insert_after};
use crate::diagnostic::Applicability;
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct WgetProgressBar;

const WGET: Spec = Spec {
    short_values: "OoaePtTwQUiBDIXlARY",
    long_values: &[],
    whole: &["-nv", "-nc", "-nd", "-nH", "-np"],
    stop_at_double_dash: false,
};

impl Rule for WgetProgressBar {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if !cmd.is("wget") {
                    continue;
                }
                let parsed = cmd.parse(&WGET);
                let quiet = parsed.has(&[
                    "--progress",
                    "-q",
                    "--quiet",
                    "-nv",
                    "--no-verbose",
                    "-o",
                    "--output-file",
                    "-a",
                    "--append-output",
                ]);
                if quiet {
                    continue;
                }
                let span = run.file_span(cmd.name_word.span);
                let edit = insert_after(run, &cmd.name_word, "--progress=dot:giga");
                cx.report(
                    span,
                    "`wget` without `--progress` floods the build log with progress output",
                )
                .fix = Some(fix("Add `--progress=dot:giga`", Applicability::Safe, edit));
            }
        }
    }
}
