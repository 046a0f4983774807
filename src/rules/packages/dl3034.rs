//! DL3034 zypper-without-non-interactive: `zypper install` (and the other changing subcommands)
//! without `-n`/`--non-interactive` (global) or `-y`/`--no-confirm` (the subcommand's) waits for
//! an answer. The fix adds the global `-n` right after `zypper`.

use super::{ZYPPER, check_switch};
use crate::rules::{Context, Rule};

pub struct ZypperWithoutNonInteractive;

const ASKS: &[&str] = &[
    "install",
    "in",
    "remove",
    "rm",
    "update",
    "up",
    "patch",
    "dist-upgrade",
    "dup",
    "source-install",
    "si",
    "install-new-recommends",
    "inr",
];

impl Rule for ZypperWithoutNonInteractive {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_switch(
            cx,
            &|cmd| {
                if !cmd.is("zypper") {
                    return None;
                }
                let parsed = cmd.parse(&ZYPPER);
                let sub = cmd.literal(parsed.operands.first()?)?;
                let answered = parsed.has(&["-n", "--non-interactive", "-y", "--no-confirm"]);
                (ASKS.contains(&sub.as_ref()) && !answered).then_some(cmd.name_word)
            },
            &|_| {
                "`zypper` without `-n` (`--non-interactive`) waits for an answer the build cannot give".into()
            },
            "-n",
        );
    }
}
