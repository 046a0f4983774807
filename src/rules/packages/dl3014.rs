//! DL3014 apt-get-without-yes: `apt-get install` (or `apt install`) without `-y`: the build
//! stops at the confirmation prompt (or fails without a terminal). `--yes`, `--assume-yes`,
//! `-o APT::Get::Assume-Yes=true` and a quiet level of two (`-qq`, `-q -q`, `-q=2`, which imply
//! `-y`) answer it. The fix adds `-y` after `install`.

use super::{APT, check_switch, subcommand};
use crate::rules::{Context, Rule};

pub struct AptGetWithoutYes;

impl Rule for AptGetWithoutYes {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_switch(
            cx,
            &|cmd| {
                if !(cmd.is("apt-get") || cmd.is("apt")) {
                    return None;
                }
                let parsed = cmd.parse(&APT);
                let (install, _) = subcommand(cmd, &parsed, &["install"])?;
                let yes = parsed.has(&["-y", "--yes", "--assume-yes"])
                    || parsed.values(&["-o", "--option"]).any(|o| {
                        o.to_ascii_lowercase()
                            .starts_with("apt::get::assume-yes=true")
                    });
                let quiet: u32 = parsed
                    .options
                    .iter()
                    .filter(|o| o.name == "-q" || o.name == "--quiet")
                    .map(|o| o.value.as_deref().map_or(1, |v| v.parse().unwrap_or(0)))
                    .sum();
                (!yes && quiet < 2).then_some(install)
            },
            &|cmd| {
                format!(
                    "`{} install` without `-y` waits for an answer the build cannot give",
                    cmd.name
                )
            },
            "-y",
        );
    }
}
