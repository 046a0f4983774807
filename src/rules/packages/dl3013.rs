//! DL3013 pip-version-unpinned: `pip install` (any `pip`, `pip3.12`, `python -m pip`, `pipx`) of
//! a package without a version.
//!
//! Pinned: a version operator (`==`, `~=`, `>=`, `<`, `!=` …), a VCS URL with `@ref`, a wheel
//! or sdist file, a path or URL. Not judged at all: installs from requirements (`-r`), with
//! constraints (`-c`) or of the project in the current directory (`.`), as hadolint does. Values
//! of options (`--index-url URL`, `--target DIR`, `--root-user-action ignore` …) are not packages.

use super::{Pins, subcommand};
use crate::rules::runs::{Cmd, Spec};
use crate::rules::{Context, Rule};
use crate::syntax::shell::Word;

pub struct PipVersionUnpinned;

const PIP: Spec = Spec {
    short_values: "bcefirt",
    long_values: &[
        "--abi",
        "--build",
        "--cache-dir",
        "--cert",
        "--client-cert",
        "--config-settings",
        "--constraint",
        "--editable",
        "--exists-action",
        "--extra-index-url",
        "--find-links",
        "--global-option",
        "--implementation",
        "--index-url",
        "--log",
        "--no-binary",
        "--only-binary",
        "--platform",
        "--prefix",
        "--progress-bar",
        "--proxy",
        "--python",
        "--python-version",
        "--report",
        "--requirement",
        "--retries",
        "--root",
        "--root-user-action",
        "--src",
        "--target",
        "--timeout",
        "--trusted-host",
        "--upgrade-strategy",
        "--pip-args",
        "--suffix",
        "--index",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

/// The packages of a pip (or pipx) install, `None` for anything else or a requirements install.
fn packages(cmd: &Cmd<'_>) -> Option<Vec<Word>> {
    let pip = cmd.name.starts_with("pip")
        && cmd.name[3..]
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.')
        || cmd.is("pipx");
    let args = if pip {
        cmd.clone()
    } else if cmd.name.starts_with("python") {
        // `python -m pip install …`
        let at = cmd
            .args
            .iter()
            .position(|w| cmd.literal(w).as_deref() == Some("-m"))?;
        if cmd.literal(cmd.args.get(at + 1)?).as_deref() != Some("pip") {
            return None;
        }
        Cmd {
            args: &cmd.args[at + 2..],
            ..cmd.clone()
        }
    } else {
        return None;
    };
    let parsed = args.parse(&PIP);
    let (_, rest) = subcommand(&args, &parsed, &["install"])?;
    if parsed.has(&["-r", "--requirement", "-c", "--constraint"]) {
        return None;
    }
    if rest.iter().any(|w| args.literal(w).as_deref() == Some(".")) {
        return None;
    }
    Some(rest.to_vec())
}

const VCS: &[&str] = &["git+", "hg+", "svn+", "bzr+", "git://", "svn://"];

fn pinned(package: &str) -> bool {
    if ["==", ">=", "<=", ">", "<", "!=", "~=", "==="]
        .iter()
        .any(|op| package.contains(op))
    {
        return true;
    }
    if VCS.iter().any(|scheme| package.starts_with(scheme)) {
        // `git+https://host/repo.git@v1.0#egg=x`: a ref after the path, not a user before the host.
        let after_scheme = package.split_once("://").map_or(package, |(_, rest)| rest);
        let path = after_scheme.split_once('/').map_or("", |(_, path)| path);
        return path.split('#').next().unwrap_or("").contains('@');
    }
    package.ends_with(".whl")
        || package.ends_with(".tar.gz")
        || package.ends_with(".zip")
        || package.contains('/')
}

impl Rule for PipVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &packages,
            pinned: &pinned,
            command: &|_| "pip install".into(),
            form: "<package>==<version>` or `pip install -r <requirements file>",
            onbuild: true,
        }
        .check(cx);
    }
}
