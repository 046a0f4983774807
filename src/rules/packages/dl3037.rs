//! DL3037 zypper-version-unpinned: `zypper install` of a package without a version (`name=1.2`,
//! `name>=1.2`, `name<1.2`) or a `.rpm` file.

use super::{Pins, ZYPPER, subcommand};
use crate::rules::{Context, Rule};

pub struct ZypperVersionUnpinned;

impl Rule for ZypperVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !cmd.is("zypper") {
                    return None;
                }
                let parsed = cmd.parse(&ZYPPER);
                subcommand(cmd, &parsed, &["install", "in"]).map(|(_, rest)| rest.to_vec())
            },
            pinned: &|p| p.contains(['=', '<', '>']) || p.ends_with(".rpm") || p.contains('/'),
            command: &|_| "zypper install".into(),
            form: "<package>=<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
