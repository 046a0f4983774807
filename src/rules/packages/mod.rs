//! hadolint's package-manager rules for `RUN` scripts: version pins (DL3008, DL3013, DL3016,
//! DL3018, DL3028, DL3033, DL3037, DL3041, DL3062), non-interactive installs (DL3014, DL3030,
//! DL3034, DL3038), `--no-install-recommends` (DL3015), `apt` (DL3027) and `zypper
//! dist-upgrade` (DL3035).
//!
//! They read every `RUN` of the file through [`runs`](super::runs): fragments without `FROM` and
//! `ONBUILD RUN` triggers too, `sudo`/`env` looked through. A package given through a variable
//! is judged by its value where the file sets one (`ARG V=1.2` … `foo=$V`), and as "some
//! version" where the value comes from outside (`ARG V` without default, the base image).

pub mod dl3008;
pub mod dl3013;
pub mod dl3014;
pub mod dl3015;
pub mod dl3016;
pub mod dl3018;
pub mod dl3027;
pub mod dl3028;
pub mod dl3030;
pub mod dl3033;
pub mod dl3034;
pub mod dl3035;
pub mod dl3037;
pub mod dl3038;
pub mod dl3041;
pub mod dl3062;

use super::Context;
use super::runs::{Cmd, Parsed, Run, Spec, UNKNOWN};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::span::Span;
use crate::syntax::shell::Word;

/// apt-get's and apt's options that take a value.
pub const APT: Spec = Spec {
    short_values: "acot",
    long_values: &[
        "--config-file",
        "--default-release",
        "--host-architecture",
        "--option",
        "--target-release",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

/// yum's, dnf's and microdnf's options that take a value when written apart from it.
pub const RPM: Spec = Spec {
    short_values: "cdeRx",
    long_values: &[
        "--config",
        "--enablerepo",
        "--disablerepo",
        "--repo",
        "--repoid",
        "--installroot",
        "--releasever",
        "--exclude",
        "--excludepkgs",
        "--setopt",
        "--forcearch",
        "--downloaddir",
        "--destdir",
        "--color",
        "--debuglevel",
        "--errorlevel",
        "--rpmverbosity",
        "--disableplugin",
        "--enableplugin",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

/// zypper's options that take a value.
pub const ZYPPER: Spec = Spec {
    short_values: "rtcDR",
    long_values: &[
        "--repo",
        "--from",
        "--type",
        "--config",
        "--root",
        "--reposd-dir",
        "--cache-dir",
        "--raw-cache-dir",
        "--solv-cache-dir",
        "--pkg-cache-dir",
        "--installroot",
    ],
    whole: &[],
    stop_at_double_dash: false,
};

/// The first operand (the subcommand) and the operands after it, when it is one of `names`.
pub fn subcommand<'p>(
    cmd: &Cmd<'_>,
    parsed: &'p Parsed,
    names: &[&str],
) -> Option<(Word, &'p [Word])> {
    let (first, rest) = parsed.operands.split_first()?;
    let text = cmd.literal(first)?;
    names.contains(&text.as_ref()).then_some((*first, rest))
}

/// One version-pin rule: which words of a command are packages, and when one is pinned.
pub struct Pins<'f> {
    /// The package words of a command, or `None` when it installs nothing this rule judges.
    pub packages: &'f dyn Fn(&Cmd<'_>) -> Option<Vec<Word>>,
    /// Whether a package spec (variables put in; an unknown value reads as `0`) has a version.
    pub pinned: &'f dyn Fn(&str) -> bool,
    /// The command, for the message (`apt-get install`).
    pub command: &'f dyn Fn(&Cmd<'_>) -> String,
    /// How to pin one, for the message (`<package>=<version>`).
    pub form: &'f str,
    /// Whether `ONBUILD RUN` triggers are checked (hadolint checks them for most rules).
    pub onbuild: bool,
}

impl Pins<'_> {
    pub fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs
            .runs
            .iter()
            .filter(|r| r.is_posix() && (self.onbuild || !r.onbuild))
        {
            for cmd in cx.commands(run).iter() {
                let Some(words) = (self.packages)(cmd) else {
                    continue;
                };
                let mut unpinned: Vec<(Word, String)> = Vec::new();
                for word in words {
                    for value in run.values(cmd.source, &word) {
                        if !(self.pinned)(&value.replace(UNKNOWN, "0")) {
                            unpinned.push((word, value.replace(UNKNOWN, "…")));
                        }
                    }
                }
                let Some((first, _)) = unpinned.first() else {
                    continue;
                };
                let names: Vec<String> = unpinned
                    .iter()
                    .map(|(_, name)| format!("`{name}`"))
                    .collect();
                let list = match names.len() {
                    1 => names[0].clone(),
                    n if n <= 4 => format!("{} and {}", names[..n - 1].join(", "), names[n - 1]),
                    n => format!("{} and {} more", names[..3].join(", "), n - 3),
                };
                let message = format!(
                    "Pin versions in `{}`: {list} {} not pinned (use `{}`)",
                    (self.command)(cmd),
                    if names.len() == 1 { "is" } else { "are" },
                    self.form
                );
                cx.report(run.file_span(first.span), message);
            }
        }
    }
}

/// The edit that writes ` text` right after a word of a script.
pub fn insert_after(run: &Run<'_, '_>, word: &Word, text: &str) -> Edit {
    let end = run.file_span(word.span).end as usize;
    Edit {
        span: Span::empty(end),
        content: format!(" {text}"),
    }
}

/// A fix of one edit.
pub fn fix(title: impl Into<String>, applicability: Applicability, edit: Edit) -> Fix {
    Fix {
        title: title.into(),
        applicability,
        edits: vec![edit],
    }
}

/// The `-y` family (DL3014, DL3030, DL3038, DL3034): a command that installs without the switch
/// that answers its prompt. `needs` gives the word after which to insert `option` when the
/// command needs it.
pub fn check_switch(
    cx: &mut Context<'_, '_>,
    needs: &dyn Fn(&Cmd<'_>) -> Option<Word>,
    message: &dyn Fn(&Cmd<'_>) -> String,
    option: &str,
) {
    let runs = cx.runs();
    for run in runs.runs.iter().filter(|r| r.is_posix()) {
        for cmd in cx.commands(run).iter() {
            let Some(after) = needs(cmd) else { continue };
            let span = run.file_span(cmd.name_word.span.cover(after.span));
            let edit = insert_after(run, &after, option);
            cx.report(span, message(cmd)).fix =
                Some(fix(format!("Add `{option}`"), Applicability::Safe, edit));
        }
    }
}

/// rpm package specs (DL3033, DL3041): `name-version[-release]`, a `.rpm` file, a path or URL. A
/// name with dashes is pinned only when what follows the first dash reads as a version
/// (`rpm-sign` is a name, `gcc-c++-1.1.1` and `openssl-1:1.1.1k` are pinned).
pub fn rpm_pinned(package: &str) -> bool {
    if package.ends_with(".rpm") || package.contains('/') {
        return true;
    }
    let mut parts = package.split('-');
    parts.next();
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() {
        return false;
    }
    let version_char = |c: char| c.is_ascii_alphanumeric() || ".~^_:+".contains(c);
    rest.iter().all(|part| part.chars().all(version_char))
        && rest
            .iter()
            .any(|part| part.chars().next().is_some_and(|c| c.is_ascii_digit()))
}

/// The rpm pin rules (DL3033 for `yum`, DL3041 for `dnf`/`microdnf`): packages of `install`
/// without `-<version>`, and modules of `module install` without `:<stream>`.
pub fn check_rpm_pins(cx: &mut Context<'_, '_>, names: &[&str]) {
    for modules in [false, true] {
        Pins {
            packages: &|cmd| {
                rpm_packages(cmd, names)
                    .filter(|(_, module)| *module == modules)
                    .map(|(words, _)| words)
            },
            pinned: if modules {
                &|p| p.contains(':')
            } else {
                &rpm_pinned
            },
            command: &move |cmd| {
                format!(
                    "{} {}install",
                    cmd.name,
                    if modules { "module " } else { "" }
                )
            },
            form: if modules {
                "<module>:<stream>"
            } else {
                "<package>-<version>"
            },
            onbuild: true,
        }
        .check(cx);
    }
}

/// The packages of `yum`/`dnf` `install` (and of `module install`, which take `name:stream`).
/// Group installs name no versions and are left out.
pub fn rpm_packages(cmd: &Cmd<'_>, names: &[&str]) -> Option<(Vec<Word>, bool)> {
    if !names.iter().any(|n| cmd.is(n)) {
        return None;
    }
    let parsed = cmd.parse(&RPM);
    let (sub, rest) = parsed.operands.split_first()?;
    match cmd.literal(sub)?.as_ref() {
        "install" => Some((rest.to_vec(), false)),
        "module" => {
            let (next, packages) = rest.split_first()?;
            (cmd.literal(next)?.as_ref() == "install").then(|| (packages.to_vec(), true))
        }
        _ => None,
    }
}

/// The lines of a rule's findings on `source` (default options), for the family tests here and
/// in [`shell`](super::shell).
#[cfg(test)]
pub fn finding_lines(source: &str, code: &str) -> Vec<usize> {
    crate::lint_with(source, &crate::LintOptions::default())
        .into_iter()
        .filter(|d| d.code == code)
        .map(|d| source[..d.span.start as usize].matches('\n').count() + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::finding_lines as codes;
    use super::rpm_pinned;

    #[test]
    fn rpm_versions_follow_the_first_dash() {
        for pinned in [
            "httpd-2.4.57",
            "gcc-c++-8.5.0",
            "openssl-1:1.1.1k",
            "x.rpm",
            "/tmp/x",
        ] {
            assert!(rpm_pinned(pinned), "{pinned}");
        }
        for unpinned in ["httpd", "rpm-sign", "python3-devel", "git-core-"] {
            assert!(!rpm_pinned(unpinned), "{unpinned}");
        }
    }

    #[test]
    fn script_assignments_are_read_by_value() {
        let source = "FROM fedora:40\nRUN PKGS=\"gcc make-4.4\" && dnf install -y $PKGS\n";
        assert_eq!(codes(source, "DL3041"), [2]);
        let pinned = "FROM fedora:40\nRUN PKGS=\"gcc-14.2.1 make-4.4\" && dnf install -y $PKGS\n";
        assert!(codes(pinned, "DL3041").is_empty());
    }

    #[test]
    fn unknown_values_count_as_versions_and_bare_unknown_lists_are_not_judged() {
        let source =
            "FROM debian:12\nARG V\nARG PKGS\nRUN apt-get install -y curl=$V $PKGS $(cat list)\n";
        assert!(codes(source, "DL3008").is_empty());
    }

    #[test]
    fn one_finding_per_command_at_its_first_unpinned_package() {
        let source =
            "FROM alpine:3.19\nRUN apk add --no-cache \\\n  bash=5.2.21-r0 \\\n  git \\\n  curl\n";
        assert_eq!(codes(source, "DL3018"), [4]);
    }

    #[test]
    fn fragments_and_triggers_are_checked() {
        assert_eq!(codes("RUN pip install flask\n", "DL3013"), [1]);
        assert_eq!(
            codes("FROM python:3\nONBUILD RUN pip install flask\n", "DL3013"),
            [2]
        );
    }
}
