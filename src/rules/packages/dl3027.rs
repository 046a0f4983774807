//! DL3027 apt-in-script: `apt` is the interactive front end, its output and behaviour made for
//! people and not promised to scripts; `apt-get` and `apt-cache` are. The fix renames `apt` to
//! `apt-get` where apt-get has the subcommand and does the same with it (`install`, `remove`,
//! `purge`, `autoremove`, `update`, `clean`). Not `upgrade`: `apt upgrade` installs new
//! dependencies that `apt-get upgrade` holds back.

use super::{APT, fix, subcommand};
use crate::diagnostic::{Applicability, Edit};
use crate::rules::{Context, Rule};

pub struct AptInScript;

const SAME_IN_APT_GET: &[&str] = &[
    "install",
    "reinstall",
    "remove",
    "purge",
    "autoremove",
    "update",
    "clean",
    "autoclean",
];

impl Rule for AptInScript {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if !cmd.is("apt") {
                    continue;
                }
                let parsed = cmd.parse(&APT);
                let same = subcommand(cmd, &parsed, SAME_IN_APT_GET).is_some();
                let span = run.file_span(cmd.name_word.span);
                let literal = cmd.literal(&cmd.name_word);
                let diagnostic = cx.report(
                    span,
                    "Use `apt-get` (or `apt-cache`) in scripts: `apt` is meant for interactive use",
                );
                if same && literal.as_deref() == Some("apt") {
                    diagnostic.fix = Some(fix(
                        "Use `apt-get`",
                        Applicability::Safe,
                        Edit {
                            span,
                            content: "apt-get".into(),
                        },
                    ));
                }
            }
        }
    }
}
