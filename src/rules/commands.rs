//! Groups of shell commands whose effect is fixed by their arguments: they read no file of the
//! build context and no build variable unless an argument names it. The rules that must prove a
//! RUN leaves something alone (LL304: the sources; LL305: the build variables) build their lists
//! from these groups, plus what each needs on its own.

/// The system package managers.
pub const SYSTEM_PACKAGES: &[&str] = &["apt-get", "apt", "apk", "yum", "dnf", "microdnf", "zypper"];

/// File commands that act only on the paths they are given.
pub const FILES: &[&str] = &["mkdir", "rm", "ln", "chmod", "chown", "chgrp", "touch"];

/// Shell builtins and trivial commands.
pub const SHELL: &[&str] = &["echo", "printf", "true", "set"];

/// Accounts and system set-up.
pub const SYSTEM_SETUP: &[&str] = &[
    "useradd",
    "groupadd",
    "usermod",
    "adduser",
    "addgroup",
    "update-ca-certificates",
    "locale-gen",
    "ldconfig",
];

/// Downloads, which read only their URLs and options.
pub const DOWNLOADS: &[&str] = &["curl", "wget"];

/// Whether `name` is in any of `groups`.
pub fn any_of(name: &str, groups: &[&[&str]]) -> bool {
    groups.iter().any(|group| group.contains(&name))
}
