//! DL3015 apt-recommends-installed: `apt-get install` (or `apt install`) without
//! `--no-install-recommends` also installs every recommended package. `-o
//! APT::Install-Recommends=false` (or `0`) says the same. The fix adds the option; it changes
//! what gets installed, so it is unsafe: a program may need a package that was only recommended.

use super::{APT, fix, insert_after, subcommand};
use crate::diagnostic::Applicability;
use crate::rules::{Context, Rule};

pub struct AptRecommendsInstalled;

impl Rule for AptRecommendsInstalled {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            for cmd in cx.commands(run).iter() {
                if !(cmd.is("apt-get") || cmd.is("apt")) {
                    continue;
                }
                let parsed = cmd.parse(&APT);
                let Some((install, _)) = subcommand(cmd, &parsed, &["install"]) else {
                    continue;
                };
                let off = parsed.has(&["--no-install-recommends"])
                    || parsed.values(&["-o", "--option"]).any(|o| {
                        let o = o.to_ascii_lowercase();
                        o == "apt::install-recommends=false" || o == "apt::install-recommends=0"
                    });
                if off {
                    continue;
                }
                let span = run.file_span(cmd.name_word.span.cover(install.span));
                let edit = insert_after(run, &install, "--no-install-recommends");
                let message = format!(
                    "`{} install` without `--no-install-recommends` installs recommended packages too",
                    cmd.name
                );
                cx.report(span, message).fix = Some(fix(
                    "Add `--no-install-recommends`",
                    Applicability::Unsafe,
                    edit,
                ));
            }
        }
    }
}
