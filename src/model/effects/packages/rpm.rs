//! The RPM package managers: `yum`, `dnf`, `microdnf` and `zypper`.
//!
//! `yum update` upgrades packages (it is not an index refresh; `makecache` is). Their clean
//! commands are recorded as deletions only where what they remove is clear: `clean all`, and
//! for zypper the package cache (with `--all` the whole cache).

use super::super::command::Command;
use super::super::options::{self, Spec};
use super::super::record::Recorder;
use super::{cache_contents, clean, package_names};
use crate::model::layer::{Cache, Manager, PackageAction};

pub(super) fn yum(command: &Command, rec: &mut Recorder) {
    const YUM: Spec = Spec {
        short: "cdeRx",
        long: &[
            "color",
            "comment",
            "config",
            "debuglevel",
            "destdir",
            "disablerepo",
            "downloaddir",
            "enablerepo",
            "errorlevel",
            "exclude",
            "forcearch",
            "installroot",
            "randomwait",
            "releasever",
            "repo",
            "repofrompath",
            "repoid",
            "rpmverbosity",
            "setopt",
        ],
    };
    let (manager, cache) = match command.name {
        "yum" => (Manager::Yum, Cache::Yum),
        "dnf" => (Manager::Dnf, Cache::Dnf),
        _ => (Manager::Microdnf, Cache::Microdnf),
    };
    let parsed = options::parse(command.args, &YUM);
    let operands = parsed.operands();
    let Some((subcommand, mut rest)) = operands.split_first() else {
        return;
    };
    let mut name = subcommand.text().unwrap_or("");
    // `dnf group install …`, `dnf module install …`
    if matches!(name, "group" | "groups" | "module") {
        let Some((inner, tail)) = rest.split_first() else {
            return;
        };
        name = match inner.text() {
            Some("install") => "groupinstall",
            _ => return,
        };
        rest = tail;
    }
    // dnf's short aliases (`dnf in`, `dnf up`, `dnf rei` …) mean the same as the long names.
    let action = match name {
        "install" | "in" | "groupinstall" | "localinstall" | "reinstall" | "rei" => {
            PackageAction::Install
        }
        "update"
        | "upgrade"
        | "up"
        | "update-minimal"
        | "upgrade-minimal"
        | "up-min"
        | "distro-sync"
        | "distrosync"
        | "distribution-synchronization"
        | "dsync"
        | "dist-upgrade" => PackageAction::Upgrade,
        "makecache" | "mc" => PackageAction::Update,
        "remove" | "rm" | "erase" | "autoremove" => {
            let packages = package_names(rest);
            return rec.package(
                command,
                manager,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
        }
        "clean" => {
            let everything = rest.iter().any(|arg| arg.text() == Some("all"));
            let removed = if everything {
                cache_contents(command, cache, rec)
            } else {
                Vec::new()
            };
            return clean(command, manager, &removed, rec);
        }
        _ => return,
    };
    let packages = package_names(rest);
    rec.package(command, manager, action, packages, Vec::new());
    rec.cache(command, cache);
    // A transaction writes the manager's history and logs, which `clean all` leaves: a later
    // layer that deletes them only hides them.
    if action != PackageAction::Update {
        let written: &[&str] = match manager {
            Manager::Yum => &["/var/log/yum.log", "/var/lib/yum/history"],
            _ => &[
                "/var/log/dnf.log",
                "/var/log/dnf.librepo.log",
                "/var/log/dnf.rpm.log",
                "/var/lib/dnf/history.sqlite",
            ],
        };
        for path in written {
            rec.create(command, path.to_string(), path.ends_with("history"));
        }
    }
}

pub(super) fn zypper(command: &Command, rec: &mut Recorder) {
    const ZYPPER: Spec = Spec {
        short: "cCDrRt",
        long: &[
            "cache-dir",
            "config",
            "from",
            "installroot",
            "pkg-cache-dir",
            "raw-cache-dir",
            "reposd-dir",
            "repo",
            "root",
            "solv-cache-dir",
            "type",
        ],
    };
    let parsed = options::parse(command.args, &ZYPPER);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    let action = match subcommand.text().unwrap_or("") {
        "install" | "in" => PackageAction::Install,
        "update" | "up" | "dist-upgrade" | "dup" | "patch" => PackageAction::Upgrade,
        "refresh" | "ref" => PackageAction::Update,
        "remove" | "rm" => {
            let packages = package_names(rest);
            return rec.package(
                command,
                Manager::Zypper,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
        }
        "clean" | "cc" => {
            let removed = if parsed.has(&["a", "all"]) {
                cache_contents(command, Cache::Zypper, rec)
            } else {
                vec!["/var/cache/zypp/packages/*".to_string()]
            };
            return clean(command, Manager::Zypper, &removed, rec);
        }
        _ => return,
    };
    let packages = package_names(rest);
    rec.package(command, Manager::Zypper, action, packages, Vec::new());
    rec.cache(command, Cache::Zypper);
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, paths};
    use crate::model::layer::{Cache, Manager, PackageAction};

    fn ops(effects: &crate::model::Effects) -> Vec<(Manager, PackageAction)> {
        effects
            .packages
            .iter()
            .map(|op| (op.manager, op.action))
            .collect()
    }

    #[test]
    fn yum_install_and_clean_all() {
        let effects = TestEnv::new().run("yum install -y x && yum clean all");
        assert_eq!(
            ops(&effects),
            [
                (Manager::Yum, PackageAction::Install),
                (Manager::Yum, PackageAction::Clean)
            ]
        );
        assert_eq!(effects.packages[0].packages, ["x"]);
        let caches: Vec<_> = effects.caches.iter().map(|c| c.cache).collect();
        assert_eq!(caches, [Cache::Yum]);
        assert_eq!(paths(&effects.deletes), [("/var/cache/yum/*", true)]);
    }

    #[test]
    fn yum_update_upgrades() {
        let effects = TestEnv::new().run("yum -y update && yum makecache && yum clean metadata");
        assert_eq!(
            ops(&effects),
            [
                (Manager::Yum, PackageAction::Upgrade),
                (Manager::Yum, PackageAction::Update),
                (Manager::Yum, PackageAction::Clean)
            ]
        );
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn dnf_and_microdnf() {
        let effects = TestEnv::new().run(
            "dnf --setopt=tsflags=nodocs -y group install 'Development Tools' && microdnf install -y --nodocs tar \
             && dnf remove -y gcc",
        );
        assert_eq!(
            ops(&effects),
            [
                (Manager::Dnf, PackageAction::Install),
                (Manager::Microdnf, PackageAction::Install),
                (Manager::Dnf, PackageAction::Remove)
            ]
        );
        assert_eq!(effects.packages[0].packages, ["Development Tools"]);
        let caches: Vec<_> = effects.caches.iter().map(|c| c.cache).collect();
        // microdnf fills its own cache (/var/cache/yum), not dnf's.
        assert_eq!(caches, [Cache::Dnf, Cache::Microdnf]);
    }

    #[test]
    fn microdnf_cleans_its_own_cache_not_dnfs() {
        let left = |script: &str, cache: Cache| {
            TestEnv::new().run(script).leaves(cache, "/root").is_some()
        };
        assert!(left("dnf install -y a && microdnf clean all", Cache::Dnf));
        assert!(!left(
            "microdnf install -y a && microdnf clean all",
            Cache::Microdnf
        ));
        assert!(!left("dnf install -y a && dnf clean all", Cache::Dnf));
        // hadolint accepts deleting /var/cache/yum by hand after dnf, and so does the model.
        assert!(!left(
            "dnf install -y a && rm -rf /var/cache/yum/*",
            Cache::Dnf
        ));
        assert!(left(
            "microdnf install -y a && rm -rf /var/cache/dnf",
            Cache::Microdnf
        ));
    }

    #[test]
    fn dnf_short_aliases_are_the_long_commands() {
        let effects = TestEnv::new().run("dnf in -y a && dnf -y up && dnf rei -y b && dnf rm -y c");
        assert_eq!(
            ops(&effects),
            [
                (Manager::Dnf, PackageAction::Install),
                (Manager::Dnf, PackageAction::Upgrade),
                (Manager::Dnf, PackageAction::Install),
                (Manager::Dnf, PackageAction::Remove)
            ]
        );
        let caches: Vec<_> = effects.caches.iter().map(|c| c.cache).collect();
        assert_eq!(caches, [Cache::Dnf, Cache::Dnf, Cache::Dnf]);
    }

    #[test]
    fn zypper_commands() {
        let effects = TestEnv::new().run(
            "zypper --non-interactive refresh && zypper -n in -y curl && zypper clean --all && zypper cc",
        );
        assert_eq!(
            ops(&effects),
            [
                (Manager::Zypper, PackageAction::Update),
                (Manager::Zypper, PackageAction::Install),
                (Manager::Zypper, PackageAction::Clean),
                (Manager::Zypper, PackageAction::Clean)
            ]
        );
        assert_eq!(effects.packages[1].packages, ["curl"]);
        assert_eq!(
            paths(&effects.deletes),
            [
                ("/var/cache/zypp/*", true),
                ("/var/cache/zypp/packages/*", true)
            ]
        );
    }
}
