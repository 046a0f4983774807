//! DL3001 pointless-command: commands that do nothing useful while an image builds: there is no
//! terminal to edit in (`vim`, `nano`), no init system or other processes to look at or stop
//! (`service`, `shutdown`, `ps`, `top`, `free`, `kill`), no network set-up or mounts that outlive
//! the step (`ifconfig`, `mount`), and `ssh` logs in somewhere else. `kill` and `ps` in a script that started a background job
//! (a server for one step, stopped at its end) are not reported.

use crate::rules::{Context, Rule};

pub struct PointlessCommand;

const POINTLESS: &[&str] = &[
    "free", "ifconfig", "kill", "mount", "nano", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for PointlessCommand {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            // `kill`/`ps` of a job the script itself started in the background (a server started
            // for a step, then stopped) is what a build does.
            let has_job = run
                .script
                .script
                .as_ref()
                .is_some_and(|s| s.commands().any(|(_, context)| context.background));
            for cmd in cx.commands(run).iter() {
                if has_job && matches!(&*cmd.name, "kill" | "ps") {
                    continue;
                }
                if POINTLESS.contains(&&*cmd.name) {
                    let span = run.file_span(cmd.name_word.span);
                    cx.report(
                        span,
                        format!("`{}` makes no sense while an image builds", cmd.name),
                    );
                }
            }
        }
    }
}
