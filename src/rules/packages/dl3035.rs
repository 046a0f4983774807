//! DL3035 zypper-dist-upgrade: `zypper dist-upgrade` (`dup`) moves the whole base image to
//! another distribution snapshot inside one layer; pick a newer base image instead.

use super::ZYPPER;
use crate::rules::{Context, Rule};

pub struct ZypperDistUpgrade;

impl Rule for ZypperDistUpgrade {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if !cmd.is("zypper") {
                    continue;
                }
                let parsed = cmd.parse(&ZYPPER);
                let Some(sub) = parsed.operands.first() else {
                    continue;
                };
                if matches!(cmd.literal(sub).as_deref(), Some("dist-upgrade" | "dup")) {
                    let span = run.file_span(cmd.name_word.span.cover(sub.span));
                    cx.report(
                        span,
                        "Do not use `zypper dist-upgrade`: use a newer base image",
                    );
                }
            }
        }
    }
}
