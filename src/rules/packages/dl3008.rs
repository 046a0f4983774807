//! DL3008 apt-version-unpinned: `apt-get install` (or `apt install`) of a package without a
//! version. A spec with `=` (`curl=7.88.1-10`), a `/` (a release or a path) or a `.deb` file is
//! pinned; the value of `-t`/`--target-release` is a release, not a package.

use super::{APT, Pins, subcommand};
use crate::rules::{Context, Rule};

pub struct AptVersionUnpinned;

impl Rule for AptVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !(cmd.is("apt-get") || cmd.is("apt")) {
                    return None;
                }
                let parsed = cmd.parse(&APT);
                subcommand(cmd, &parsed, &["install"]).map(|(_, rest)| rest.to_vec())
            },
            pinned: &|p| p.contains('=') || p.contains('/') || p.ends_with(".deb"),
            command: &|cmd| format!("{} install", cmd.name),
            form: "<package>=<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
