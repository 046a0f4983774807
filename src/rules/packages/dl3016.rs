//! DL3016 npm-version-unpinned: `npm install <package>` without a version, tag or commit.
//!
//! Pinned: `name@version` (or `@tag`, `@range`), a git URL with `#ref`, a tarball, a folder.
//! `npm install` with no package (the lockfile's install) and `npm ci` are not judged. Values
//! of options (`--registry URL`, `--loglevel LEVEL` …) are not packages.

use super::{Pins, subcommand};
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct NpmVersionUnpinned;

const NPM: Spec = Spec {
    short_values: "wC",
    long_values: &[
        "--registry",
        "--loglevel",
        "--prefix",
        "--cache",
        "--userconfig",
        "--globalconfig",
        "--tag",
        "--workspace",
        "--omit",
        "--include",
        "--install-strategy",
        "--save-prefix",
        "--script-shell",
        "--location",
        "--before",
        "--fetch-retries",
        "--fetch-timeout",
        "--proxy",
        "--https-proxy",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

fn pinned(package: &str) -> bool {
    if ["git://", "git+ssh://", "git+http://", "git+https://"]
        .iter()
        .any(|p| package.starts_with(p))
    {
        return package.contains('#');
    }
    if [".tar", ".tar.gz", ".tgz"]
        .iter()
        .any(|s| package.ends_with(s))
        || ["/", "./", "../", "~/"]
            .iter()
            .any(|p| package.starts_with(p))
    {
        return true;
    }
    // `@scope/name@1.2`: the version's `@` comes after the scope.
    let name = match package.strip_prefix('@') {
        Some(scoped) => scoped.split_once('/').map_or("", |(_, rest)| rest),
        None => package,
    };
    name.contains('@')
}

impl Rule for NpmVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !cmd.is("npm") {
                    return None;
                }
                let parsed = cmd.parse(&NPM);
                subcommand(cmd, &parsed, &["install", "i", "add"]).map(|(_, rest)| rest.to_vec())
            },
            pinned: &pinned,
            command: &|_| "npm install".into(),
            form: "<package>@<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
