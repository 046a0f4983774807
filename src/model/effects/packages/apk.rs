//! Alpine's `apk`. `--no-cache` keeps both the index and the packages out of the layer.

use super::super::command::Command;
use super::super::options::{self, Spec};
use super::super::record::Recorder;
use super::{cache_contents, clean, package_names};
use crate::model::layer::{Cache, Manager, PackageAction};

pub(super) fn apply(command: &Command, rec: &mut Recorder) {
    const APK: Spec = Spec {
        short: "pRtX",
        long: &[
            "arch",
            "cache-dir",
            "cache-max-age",
            "keys-dir",
            "progress-fd",
            "repositories-file",
            "repository",
            "root",
            "timeout",
            "virtual",
            "wait",
        ],
    };
    let parsed = options::parse(command.args, &APK);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    // `--no-network` installs only what is already on disk: nothing is downloaded or cached.
    let caches = !parsed.has(&["no-cache", "no-network"]);
    let refreshes = parsed.has(&["U", "update-cache", "update"]);
    let record = |rec: &mut Recorder, action: PackageAction, packages: Vec<String>| {
        rec.package(command, Manager::Apk, action, packages, Vec::new());
    };
    match subcommand.text().unwrap_or("") {
        "add" => {
            if refreshes {
                record(rec, PackageAction::Update, Vec::new());
            }
            record(rec, PackageAction::Install, package_names(rest));
        }
        "update" => record(rec, PackageAction::Update, Vec::new()),
        "upgrade" => {
            if refreshes {
                record(rec, PackageAction::Update, Vec::new());
            }
            record(rec, PackageAction::Upgrade, package_names(rest));
        }
        "del" => return record(rec, PackageAction::Remove, package_names(rest)),
        "cache" => {
            if matches!(
                rest.first().and_then(|arg| arg.text()),
                Some("clean" | "purge")
            ) {
                let contents = cache_contents(command, Cache::Apk, rec);
                clean(command, Manager::Apk, &contents, rec);
            }
            return;
        }
        _ => return,
    }
    if caches {
        rec.cache(command, Cache::Apk);
    } else if parsed.has(&["no-cache"]) && !parsed.has(&["no-network"]) {
        rec.kept_out(command, Cache::Apk);
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, paths};
    use crate::model::layer::{Cache, PackageAction};

    fn actions(effects: &crate::model::Effects) -> Vec<PackageAction> {
        effects.packages.iter().map(|op| op.action).collect()
    }

    #[test]
    fn no_network_downloads_nothing() {
        let effects =
            TestEnv::new().run("apk add --no-network --virtual .rundeps so:libc.musl-x86_64.so.1");
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn add_with_no_cache_leaves_no_cache() {
        let effects = TestEnv::new().run("apk add --no-cache curl");
        assert_eq!(actions(&effects), [PackageAction::Install]);
        assert_eq!(effects.packages[0].packages, ["curl"]);
        assert!(effects.caches.is_empty());
        let kept: Vec<_> = effects.kept_out.iter().map(|c| c.cache).collect();
        assert_eq!(kept, [Cache::Apk]);
        // `--no-network` downloads nothing: nothing to keep out either.
        let offline = TestEnv::new().run("apk add --no-network --no-cache curl");
        assert!(offline.kept_out.is_empty());
    }

    #[test]
    fn add_fills_the_cache() {
        let effects = TestEnv::new().run("apk add curl");
        let caches: Vec<_> = effects.caches.iter().map(|c| c.cache).collect();
        assert_eq!(caches, [Cache::Apk]);
    }

    #[test]
    fn add_with_update_also_refreshes() {
        let effects = TestEnv::new().run("apk add -U --virtual .build-deps gcc musl-dev");
        assert_eq!(
            actions(&effects),
            [PackageAction::Update, PackageAction::Install]
        );
        assert_eq!(effects.packages[1].packages, ["gcc", "musl-dev"]);
        let effects = TestEnv::new().run("apk update && apk --update add x");
        assert_eq!(
            actions(&effects),
            [
                PackageAction::Update,
                PackageAction::Update,
                PackageAction::Install
            ]
        );
        assert_eq!(effects.caches.len(), 2);
        // `apk upgrade -U` refreshes the index before it upgrades, as `add -U` does.
        let effects = TestEnv::new().run("apk upgrade -U && apk upgrade");
        assert_eq!(
            actions(&effects),
            [
                PackageAction::Update,
                PackageAction::Upgrade,
                PackageAction::Upgrade
            ]
        );
    }

    #[test]
    fn del_and_cache_clean() {
        let effects = TestEnv::new().run("apk del .build-deps && apk cache clean");
        assert_eq!(
            actions(&effects),
            [PackageAction::Remove, PackageAction::Clean]
        );
        assert_eq!(
            paths(&effects.deletes),
            [("/var/cache/apk/*", true), ("/etc/apk/cache/*", true)]
        );
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn removing_the_cache_by_hand() {
        let effects = TestEnv::new().run("apk update && rm -rf /var/cache/apk/*");
        assert_eq!(paths(&effects.deletes), [("/var/cache/apk/*", true)]);
    }
}
