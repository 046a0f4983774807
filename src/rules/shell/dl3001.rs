//! DL3001 pointless-command: commands that do nothing useful while an image builds: there is no
//! terminal to edit in (`vim`, `nano`), no init system or other processes to look at or stop
//! (`service`, `shutdown`, `ps`, `top`, `free`, `kill`), no network set-up or mounts that outlive
//! the step (`ifconfig`, `mount`), and `ssh` logs in somewhere else.

use crate::rules::{Context, Rule};

pub struct PointlessCommand;

const POINTLESS: &[&str] = &[
    "free", "ifconfig", "kill", "mount", "nano", "ps", "service", "shutdown", "ssh", "top", "vim",
];

impl Rule for PointlessCommand {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in run.commands() {
                if POINTLESS.contains(&cmd.name.as_str()) {
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
