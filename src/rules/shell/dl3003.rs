//! DL3003 cd-in-run: `cd` in a `RUN` changes the directory for the rest of that script only;
//! `WORKDIR` sets it for every later instruction and documents it.

use crate::rules::{Context, Rule};

pub struct CdInRun;

impl Rule for CdInRun {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if cmd.is("cd") {
                    let span = run.file_span(cmd.span);
                    cx.report(span, "Use WORKDIR to switch to a directory instead of `cd`");
                }
            }
        }
    }
}
