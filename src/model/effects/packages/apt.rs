//! `apt-get`, `apt` and `aptitude`.
//!
//! `update` fills the package lists (`/var/lib/apt/lists`, what DL3009 is about). The `.deb`
//! archives an install downloads are not recorded as a cache: Docker's Debian and Ubuntu images
//! delete them after every install (`/etc/apt/apt.conf.d/docker-clean`), so counting them would
//! claim waste that is usually not there.

use super::super::command::Command;
use super::super::options::{self, Spec};
use super::super::record::Recorder;
use super::{clean, package_names};
use crate::model::layer::{Cache, Manager, PackageAction};

pub(super) fn apply(command: &Command, rec: &mut Recorder) {
    const APT: Spec = Spec {
        short: "acot",
        long: &[
            "config-file",
            "default-release",
            "host-architecture",
            "option",
            "target-release",
        ],
    };
    let parsed = options::parse(command.args, &APT);
    let operands = parsed.operands();
    let Some((subcommand, packages)) = operands.split_first() else {
        return;
    };
    let action = match subcommand.text().unwrap_or("") {
        // `apt-get update NAME` is an error: apt downloads nothing.
        "update" if !packages.is_empty() => return,
        "update" => {
            rec.cache(command, Cache::AptLists);
            PackageAction::Update
        }
        "install" | "reinstall" | "upgrade" | "dist-upgrade" | "full-upgrade"
            if parsed.has(&["update"]) =>
        {
            // apt 3's `--update` refreshes the index first, in the same command.
            refresh_lists(command, rec);
            if subcommand.text() == Some("install") || subcommand.text() == Some("reinstall") {
                PackageAction::Install
            } else {
                PackageAction::Upgrade
            }
        }
        "install" | "reinstall" => PackageAction::Install,
        // `safe-upgrade` is aptitude's.
        "upgrade" | "dist-upgrade" | "full-upgrade" | "safe-upgrade" => PackageAction::Upgrade,
        "remove" | "purge" | "autoremove" | "autopurge" => PackageAction::Remove,
        "clean" => {
            let archives = ["/var/cache/apt/archives/*".to_string()];
            return clean(command, Manager::Apt, &archives, rec);
        }
        // apt 2.7's `dist-clean` (Debian 13's images end their installs with it) also drops the
        // package lists.
        "dist-clean" | "distclean" => {
            let removed = [
                "/var/cache/apt/archives/*".to_string(),
                "/var/lib/apt/lists/*".to_string(),
            ];
            return clean(command, Manager::Apt, &removed, rec);
        }
        // `autoclean` only drops archives that can no longer be downloaded: no deletion the
        // model can name.
        "autoclean" | "auto-clean" => return clean(command, Manager::Apt, &[], rec),
        _ => return,
    };
    let packages = package_names(packages);
    rec.package(command, Manager::Apt, action, packages, Vec::new());
}

/// `add-apt-repository` (software-properties-common) refreshes the package lists after adding
/// the source, unless told not to (`-n`, `--no-update`) or removing one (`-r`, `--remove`): the
/// default since Ubuntu 18.04 and in Debian's package. Ubuntu 16.04's version did not, which only
/// makes the model think lists are there that an install on it would lack anyway.
pub(super) fn add_repository(command: &Command, rec: &mut Recorder) {
    let declines = command.args.iter().any(|arg| {
        let Some(text) = arg.text() else {
            return false;
        };
        match text.strip_prefix("--") {
            Some(long) => matches!(long, "no-update" | "remove"),
            None => text.strip_prefix('-').is_some_and(|short| {
                // `-k SERVER` and friends take a value; a cluster ends at them.
                short
                    .chars()
                    .take_while(|c| !"kPCS".contains(*c))
                    .any(|c| c == 'n' || c == 'r')
            }),
        }
    });
    if declines {
        return;
    }
    refresh_lists(command, rec);
}

/// An update of the package lists inside another command (`install --update`,
/// `add-apt-repository`): the lists fill, and the update counts as run.
fn refresh_lists(command: &Command, rec: &mut Recorder) {
    rec.cache(command, Cache::AptLists);
    rec.package(
        command,
        Manager::Apt,
        PackageAction::Update,
        Vec::new(),
        Vec::new(),
    );
}

/// The install helpers Debian-based images ship (bitnami's minideb `install_packages`, gitpod's
/// `install-packages`): each runs `apt-get update`, installs, and removes the package lists
/// itself, so it neither needs an earlier update nor leaves lists behind.
pub(super) fn install_packages(command: &Command, rec: &mut Recorder) {
    let packages: Vec<&_> = command.args.iter().collect();
    rec.package(
        command,
        Manager::Apt,
        PackageAction::Update,
        Vec::new(),
        Vec::new(),
    );
    rec.package(
        command,
        Manager::Apt,
        PackageAction::Install,
        package_names(&packages),
        Vec::new(),
    );
    rec.delete(
        command,
        "/var/lib/apt/lists/*".to_string(),
        true,
        command.span,
    );
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, paths};
    use crate::model::layer::{Cache, Manager, PackageAction};

    #[test]
    fn add_apt_repository_refreshes_the_lists_unless_told_not_to() {
        let effects = TestEnv::new().run("add-apt-repository -y ppa:deadsnakes/ppa");
        assert_eq!(
            effects.caches.iter().map(|c| c.cache).collect::<Vec<_>>(),
            [Cache::AptLists]
        );
        for quiet in [
            "add-apt-repository -yn ppa:x/y",
            "add-apt-repository --no-update ppa:x/y",
            "add-apt-repository -r ppa:x/y",
        ] {
            assert!(TestEnv::new().run(quiet).caches.is_empty(), "{quiet}");
        }
    }

    #[test]
    fn aptitude_refreshes_the_same_lists() {
        let effects = TestEnv::new().run("aptitude update && aptitude install -y python");
        assert_eq!(
            effects.caches.iter().map(|c| c.cache).collect::<Vec<_>>(),
            [Cache::AptLists]
        );
        assert_eq!(effects.packages[1].action, PackageAction::Install);
    }

    #[test]
    fn install_with_update_refreshes_the_index_first() {
        let effects = TestEnv::new().run("apt-get install --update -y curl");
        let actions: Vec<_> = effects
            .packages
            .iter()
            .map(|p| (p.manager, p.action))
            .collect();
        assert_eq!(
            actions,
            [
                (Manager::Apt, PackageAction::Update),
                (Manager::Apt, PackageAction::Install)
            ]
        );
        assert_eq!(
            effects.caches.iter().map(|c| c.cache).collect::<Vec<_>>(),
            [Cache::AptLists]
        );
    }

    #[test]
    fn update_install_and_list_cleanup() {
        let script = "apt-get update && apt-get install -y --no-install-recommends curl ca-certificates \
                      && rm -rf /var/lib/apt/lists/*";
        let effects = TestEnv::new().run(script);
        let ops: Vec<_> = effects
            .packages
            .iter()
            .map(|op| (op.manager, op.action))
            .collect();
        assert_eq!(
            ops,
            [
                (Manager::Apt, PackageAction::Update),
                (Manager::Apt, PackageAction::Install)
            ]
        );
        assert_eq!(effects.packages[1].packages, ["curl", "ca-certificates"]);
        assert_eq!(&script[effects.packages[0].span.range()], "apt-get update");
        let caches: Vec<_> = effects.caches.iter().map(|c| c.cache).collect();
        assert_eq!(caches, [Cache::AptLists]);
        assert_eq!(paths(&effects.deletes), [("/var/lib/apt/lists/*", true)]);
    }

    #[test]
    fn update_with_an_operand_is_an_error_that_downloads_nothing() {
        let effects = TestEnv::new().run("apt update curl");
        assert!(effects.caches.is_empty() && effects.packages.is_empty());
        assert_eq!(TestEnv::new().run("apt-get update -q").caches.len(), 1);
    }

    #[test]
    fn dist_clean_removes_the_lists() {
        let effects =
            TestEnv::new().run("apt-get update && apt-get install -y curl && apt-get dist-clean");
        assert_eq!(
            paths(&effects.deletes),
            [
                ("/var/cache/apt/archives/*", true),
                ("/var/lib/apt/lists/*", true)
            ]
        );
        assert_eq!(
            effects.packages.last().map(|p| p.action),
            Some(PackageAction::Clean)
        );
    }

    #[test]
    fn install_helpers_update_and_clean_up_themselves() {
        let effects = TestEnv::new().run("apt-get update && install-packages curl jq");
        let actions: Vec<_> = effects.packages.iter().map(|p| p.action).collect();
        assert_eq!(
            actions,
            [
                PackageAction::Update,
                PackageAction::Update,
                PackageAction::Install
            ]
        );
        assert_eq!(effects.packages[2].packages, ["curl", "jq"]);
        assert_eq!(paths(&effects.deletes), [("/var/lib/apt/lists/*", true)]);
    }

    #[test]
    fn option_values_are_not_packages() {
        let effects = TestEnv::new().run(
            "apt-get -o Dpkg::Options::=--force-confold -q -y install -t bookworm-backports vim \
             && apt install -y ./local.deb",
        );
        assert_eq!(effects.packages[0].packages, ["vim"]);
        assert_eq!(effects.packages[1].packages, ["./local.deb"]);
    }

    #[test]
    fn clean_deletes_the_archives() {
        let effects = TestEnv::new().run("apt-get clean");
        assert_eq!(effects.packages[0].action, PackageAction::Clean);
        assert_eq!(
            paths(&effects.deletes),
            [("/var/cache/apt/archives/*", true)]
        );
        let effects = TestEnv::new().run("apt-get autoclean");
        assert_eq!(effects.packages[0].action, PackageAction::Clean);
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn remove_and_upgrade() {
        let effects =
            TestEnv::new().run("apt-get purge -y --auto-remove gcc && apt-get dist-upgrade -y");
        let actions: Vec<_> = effects.packages.iter().map(|op| op.action).collect();
        assert_eq!(actions, [PackageAction::Remove, PackageAction::Upgrade]);
        assert_eq!(effects.packages[0].packages, ["gcc"]);
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn a_cache_mount_keeps_the_lists_out() {
        let effects = TestEnv::new().mount("/var/lib/apt").run("apt-get update");
        assert!(effects.caches.is_empty());
        assert_eq!(effects.packages.len(), 1);
    }
}
