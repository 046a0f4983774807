//! DL3038 dnf-without-yes: `dnf` (or `microdnf`) `install` and the other changing subcommands
//! without `-y`/`--assumeyes`. The fix adds `-y`.

use super::check_switch;
use super::dl3030::needs_yes;
use crate::rules::{Context, Rule};

pub struct DnfWithoutYes;

impl Rule for DnfWithoutYes {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_switch(
            cx,
            &|cmd| needs_yes(cmd, &["dnf", "microdnf"]),
            &|cmd| {
                format!(
                    "`{}` without `-y` waits for a confirmation the build cannot give",
                    cmd.name
                )
            },
            "-y",
        );
    }
}
