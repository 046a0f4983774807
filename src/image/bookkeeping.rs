//! Files a package manager rewrites on every install: its database of installed packages, its
//! logs, debconf's answers, the dynamic linker's cache. Each install in a later layer writes a
//! new copy over the one below, and no Dockerfile can avoid that short of installing everything
//! in one RUN, so that waste is listed as unavoidable instead of as a recall gap of the rules.

/// Exact paths (in the layer tar's form: relative, no leading `/`).
const FILES: &[&str] = &[
    "etc/ld.so.cache",
    "var/cache/ldconfig/aux-cache",
    "var/lib/apt/extended_states",
    "var/log/dpkg.log",
    "var/log/alternatives.log",
    "usr/share/info/dir",
    "etc/apk/world",
    "var/log/yum.log",
];

/// Directories whose every file is such bookkeeping.
const DIRS: &[&str] = &[
    "var/log/apt/",
    "var/cache/debconf/",
    "var/lib/dpkg/triggers/",
    "var/lib/ucf/",
    "lib/apk/db/",
    "var/lib/rpm/",
    "usr/lib/sysimage/rpm/",
    "var/lib/dnf/",
    "var/lib/yum/",
];

/// dpkg's own databases in /var/lib/dpkg, each with its `-old` backup.
const DPKG_DATABASES: &[&str] = &["status", "available", "diversions", "statoverride"];

/// Whether a package manager rewrites the file at `path` on every install.
pub fn is_bookkeeping(path: &str) -> bool {
    let path = path.trim_start_matches("./").trim_start_matches('/');
    if FILES.contains(&path) || DIRS.iter().any(|dir| path.starts_with(dir)) {
        return true;
    }
    path.strip_prefix("var/lib/dpkg/").is_some_and(|name| {
        let name = name.strip_suffix("-old").unwrap_or(name);
        DPKG_DATABASES.contains(&name)
    })
}

#[cfg(test)]
mod tests {
    use super::is_bookkeeping;

    #[test]
    fn package_manager_databases_and_logs_are_bookkeeping() {
        for path in [
            "var/lib/dpkg/status",
            "var/lib/dpkg/status-old",
            "./var/lib/dpkg/available",
            "var/cache/debconf/templates.dat",
            "var/cache/debconf/config.dat-old",
            "var/log/dpkg.log",
            "var/log/apt/history.log",
            "var/log/apt/eipp.log.xz",
            "var/lib/apt/extended_states",
            "etc/ld.so.cache",
            "lib/apk/db/installed",
            "var/lib/rpm/rpmdb.sqlite",
        ] {
            assert!(is_bookkeeping(path), "{path}");
        }
    }

    #[test]
    fn caches_and_payloads_are_not() {
        for path in [
            "var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease",
            "var/cache/apt/archives/curl.deb",
            "var/lib/dpkg/info/curl.list",
            "var/lib/dpkg/statusx",
            "var/log/app.log",
            "etc/ld.so.conf",
            "usr/bin/curl",
            "var/cache/apk/APKINDEX.tar.gz",
        ] {
            assert!(!is_bookkeeping(path), "{path}");
        }
    }
}
