//! DL3030 yum-without-yes: `yum install` (`groupinstall`, `localinstall`, `module install` …)
//! without `-y`/`--assumeyes` waits for a confirmation the build cannot give. The fix adds `-y`.

use super::{RPM, check_switch};
use crate::rules::runs::Cmd;
use crate::rules::{Context, Rule};
use crate::syntax::shell::Word;

pub struct YumWithoutYes;

/// The subcommands of yum and dnf that ask before they change anything.
pub const ASKS: &[&str] = &[
    "install",
    "groupinstall",
    "localinstall",
    "reinstall",
    "remove",
    "erase",
    "update",
    "upgrade",
    "downgrade",
    "distro-sync",
    "autoremove",
    "module",
    "group",
];

/// The word after which `-y` goes, when a yum-like command asks and has no `-y`.
pub fn needs_yes(cmd: &Cmd<'_>, names: &[&str]) -> Option<Word> {
    if !names.iter().any(|n| cmd.is(n)) {
        return None;
    }
    let parsed = cmd.parse(&RPM);
    if parsed.has(&["-y", "--assumeyes"]) {
        return None;
    }
    let (sub, rest) = parsed.operands.split_first()?;
    let sub_text = cmd.literal(sub)?;
    if !ASKS.contains(&sub_text.as_ref()) {
        return None;
    }
    // `module`/`group` ask only for their installing and removing subcommands.
    if matches!(sub_text.as_ref(), "module" | "group") {
        let word = rest.first()?;
        let next = cmd.literal(word)?;
        let asks = matches!(
            next.as_ref(),
            "install" | "remove" | "enable" | "reset" | "upgrade" | "update" | "switch-to"
        );
        return asks.then_some(*word);
    }
    Some(*sub)
}

impl Rule for YumWithoutYes {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_switch(
            cx,
            &|cmd| needs_yes(cmd, &["yum"]),
            &|_| "`yum` without `-y` waits for a confirmation the build cannot give".into(),
            "-y",
        );
    }
}
