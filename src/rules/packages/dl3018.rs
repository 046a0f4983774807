//! DL3018 apk-version-unpinned: `apk add` of a package without a version constraint
//! (`name=1.2-r0`, `name~1.2`, `name>=1.2`) or a `.apk` file. The values of `--virtual`,
//! `--repository` and the other options that take one are not packages.

use super::{Pins, subcommand};
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct ApkVersionUnpinned;

const APK: Spec = Spec {
    short_values: "tXpU",
    long_values: &[
        "--virtual",
        "--repository",
        "--root",
        "--keys-dir",
        "--arch",
        "--cache-dir",
        "--repositories-file",
        "--cache-max-age",
        "--timeout",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

impl Rule for ApkVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !cmd.is("apk") {
                    return None;
                }
                let parsed = cmd.parse(&APK);
                subcommand(cmd, &parsed, &["add"]).map(|(_, rest)| rest.to_vec())
            },
            pinned: &|p| p.contains(['=', '~', '<', '>']) || p.ends_with(".apk") || p.contains('/'),
            command: &|_| "apk add".into(),
            form: "<package>=<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
