//! JavaScript: `npm`, `yarn`, `pnpm`.
//!
//! npm's cache is `~/.npm` and yarn's `~/.cache/yarn` (or `/usr/local/share/.cache/yarn` for
//! root in the official images); pnpm's store is `~/.local/share/pnpm/store` unless `PNPM_HOME`,
//! `XDG_DATA_HOME` or a store option moves it (then it is not recorded).

use super::super::command::Command;
use super::super::options::{self, Spec};
use super::super::record::Recorder;
use super::super::words::Arg;
use super::{
    cache_contents, cache_dirs, cache_in_default_place, cache_unless_moved, clean, package_names,
    reads_in,
};
use crate::model::layer::{Cache, Manager, PackageAction};

const NPM_MANIFESTS: [&str; 3] = ["package.json", "package-lock.json", "npm-shrinkwrap.json"];

/// `npm ci` and `npm install` without packages install what package.json and the lock file
/// declare; `npm install PKG` installs; `npm cache clean --force` empties the cache (without
/// `--force` npm refuses).
pub(super) fn npm(command: &Command, rec: &mut Recorder) {
    const NPM: Spec = Spec {
        short: "Cw",
        long: &[
            "also",
            "cache",
            "globalconfig",
            "include",
            "install-strategy",
            "location",
            "loglevel",
            "omit",
            "only",
            "prefix",
            "registry",
            "save-prefix",
            "tag",
            "userconfig",
            "workspace",
        ],
    };
    let parsed = options::parse(command.args, &NPM);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    let dir = match parsed.value(&["C", "prefix"]) {
        Some(dir) => rec.path(command, dir),
        None => command.cwd.map(str::to_string),
    };
    let fills_cache = match subcommand.text().unwrap_or("") {
        "ci" | "clean-install" | "ic" | "install-clean" => {
            declared(command, Manager::Npm, dir.as_deref(), &NPM_MANIFESTS, rec);
            true
        }
        "install" | "i" | "in" | "add" if rest.is_empty() => {
            declared(command, Manager::Npm, dir.as_deref(), &NPM_MANIFESTS, rec);
            true
        }
        "install" | "i" | "in" | "add" => installs(command, Manager::Npm, rest, rec),
        "update" | "up" | "upgrade" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Npm,
                PackageAction::Upgrade,
                packages,
                Vec::new(),
            );
            true
        }
        "uninstall" | "remove" | "rm" | "un" | "unlink" | "r" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Npm,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
            false
        }
        "cache" => {
            let cleans = rest.first().and_then(|arg| arg.text()) == Some("clean");
            if cleans && parsed.has(&["force", "f"]) {
                // npm keeps its content-addressed cache in `_cacache`; that is what goes.
                let dirs = cache_dirs(command, Cache::Npm, rec);
                let cacache: Vec<String> =
                    dirs.iter().map(|dir| format!("{dir}/_cacache")).collect();
                clean(command, Manager::Npm, &cacache, rec);
            }
            false
        }
        _ => false,
    };
    if fills_cache {
        let dir = parsed.value(&["cache"]);
        let variables = ["npm_config_cache", "NPM_CONFIG_CACHE"];
        cache_unless_moved(command, Cache::Npm, dir, &variables, rec);
    }
}

/// Bare `yarn` and `yarn install` install what package.json and yarn.lock declare; `yarn add`
/// installs; `yarn cache clean` empties the cache.
pub(super) fn yarn(command: &Command, rec: &mut Recorder) {
    const YARN: Spec = Spec {
        short: "",
        long: &[
            "cache-folder",
            "cwd",
            "global-folder",
            "link-folder",
            "modules-folder",
            "mutex",
            "network-concurrency",
            "network-timeout",
            "registry",
        ],
    };
    let parsed = options::parse(command.args, &YARN);
    let operands = parsed.operands();
    let dir = match parsed.value(&["cwd"]) {
        Some(dir) => rec.path(command, dir),
        None => command.cwd.map(str::to_string),
    };
    // `yarn --version` or `yarn --help` only print; a bare `yarn` installs.
    if parsed.has(&["version", "v", "help", "h"]) && operands.is_empty() {
        return;
    }
    let subcommand = operands.first().and_then(|arg| arg.text());
    let rest = operands.get(1..).unwrap_or_default();
    let fills_cache = match subcommand {
        // `yarn install PKG` is an error (yarn says to use `yarn add`): nothing is installed.
        Some("install") if !rest.is_empty() => return,
        None | Some("install") => {
            let manifests = ["package.json", "yarn.lock"];
            declared(command, Manager::Yarn, dir.as_deref(), &manifests, rec);
            true
        }
        Some("add") => installs(command, Manager::Yarn, rest, rec),
        // `yarn global add` installs into the global folder and fills the same cache.
        Some("global") if rest.first().and_then(|arg| arg.text()) == Some("add") => installs(
            command,
            Manager::Yarn,
            rest.get(1..).unwrap_or_default(),
            rec,
        ),
        Some("upgrade" | "up") => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Yarn,
                PackageAction::Upgrade,
                packages,
                Vec::new(),
            );
            true
        }
        Some("remove") => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Yarn,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
            false
        }
        Some("cache") => {
            if rest.first().and_then(|arg| arg.text()) == Some("clean") {
                let contents = cache_contents(command, Cache::Yarn, rec);
                clean(command, Manager::Yarn, &contents, rec);
            }
            false
        }
        Some(_) => false,
    };
    if fills_cache {
        let dir = parsed.value(&["cache-folder"]);
        cache_unless_moved(command, Cache::Yarn, dir, &["YARN_CACHE_FOLDER"], rec);
    }
}

/// `pnpm install` installs what package.json and pnpm-lock.yaml declare (`pnpm fetch` needs only
/// the lock file); `pnpm add` installs.
pub(super) fn pnpm(command: &Command, rec: &mut Recorder) {
    const PNPM: Spec = Spec {
        short: "CF",
        long: &["dir", "filter", "reporter", "store-dir", "workspace-root"],
    };
    let parsed = options::parse(command.args, &PNPM);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    let dir = match parsed.value(&["C", "dir"]) {
        Some(dir) => rec.path(command, dir),
        None => command.cwd.map(str::to_string),
    };
    let downloads = matches!(subcommand.text(), Some("install" | "i" | "add" | "fetch"));
    if downloads && !parsed.has(&["offline"]) {
        let variables = [
            "PNPM_HOME",
            "XDG_DATA_HOME",
            "npm_config_store_dir",
            "NPM_CONFIG_STORE_DIR",
        ];
        let moved = parsed.has(&["store-dir"]);
        cache_in_default_place(command, Cache::Pnpm, moved, &variables, rec);
    }
    match subcommand.text().unwrap_or("") {
        "install" | "i" if rest.is_empty() => {
            let manifests = ["package.json", "pnpm-lock.yaml"];
            declared(command, Manager::Pnpm, dir.as_deref(), &manifests, rec);
        }
        "fetch" => declared(
            command,
            Manager::Pnpm,
            dir.as_deref(),
            &["pnpm-lock.yaml"],
            rec,
        ),
        "install" | "i" | "add" => {
            installs(command, Manager::Pnpm, rest, rec);
        }
        "remove" | "rm" | "uninstall" | "un" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Pnpm,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
        }
        _ => {}
    }
}

/// Records an install of declared dependencies read from `dir`.
fn declared(
    command: &Command,
    manager: Manager,
    dir: Option<&str>,
    manifests: &[&str],
    rec: &mut Recorder,
) {
    let reads = reads_in(command, dir, manifests, rec);
    rec.package(
        command,
        manager,
        PackageAction::InstallDependencies,
        Vec::new(),
        reads,
    );
}

/// Records an install of named packages; returns `true` (it fills the cache).
fn installs(command: &Command, manager: Manager, packages: &[&Arg], rec: &mut Recorder) -> bool {
    let packages = package_names(packages);
    rec.package(
        command,
        manager,
        PackageAction::Install,
        packages,
        Vec::new(),
    );
    true
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, caches, paths};
    use crate::model::layer::{Cache, Manager, PackageAction};

    #[test]
    fn yarn_version_and_help_only_print() {
        for script in ["yarn --version", "yarn -v", "yarn --help"] {
            let effects = TestEnv::new().run(script);
            assert!(
                effects.packages.is_empty() && effects.caches.is_empty(),
                "{script}"
            );
        }
        assert_eq!(TestEnv::new().run("yarn --no-progress").packages.len(), 1);
        // `yarn install react` fails: yarn wants `yarn add`.
        assert!(TestEnv::new().run("yarn install react").caches.is_empty());
    }

    #[test]
    fn pnpm_fills_its_store_unless_it_may_live_elsewhere() {
        for script in [
            "pnpm install --frozen-lockfile",
            "pnpm fetch",
            "pnpm add left-pad",
        ] {
            let effects = TestEnv::new().workdir("/app").run(script);
            assert_eq!(caches(&effects), [Cache::Pnpm], "{script}");
        }
        for script in [
            "pnpm install --offline",
            "pnpm install --store-dir /store",
            "pnpm run build",
        ] {
            let effects = TestEnv::new().workdir("/app").run(script);
            assert!(caches(&effects).is_empty(), "{script}");
        }
        let moved = TestEnv::new()
            .var("PNPM_HOME", Some("/pnpm"))
            .workdir("/app")
            .run("pnpm install");
        assert!(caches(&moved).is_empty());
    }

    #[test]
    fn npm_ci_reads_the_manifests() {
        let effects = TestEnv::new().workdir("/app").run("npm ci --omit dev");
        let op = &effects.packages[0];
        assert_eq!(
            (op.manager, op.action),
            (Manager::Npm, PackageAction::InstallDependencies)
        );
        assert_eq!(
            op.reads,
            [
                "/app/package.json",
                "/app/package-lock.json",
                "/app/npm-shrinkwrap.json"
            ]
        );
        assert_eq!(caches(&effects), [Cache::Npm]);
    }

    #[test]
    fn npm_ci_with_a_cache_mount() {
        let effects = TestEnv::new().mount("/root/.npm").run("npm ci");
        assert_eq!(effects.packages.len(), 1);
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn npm_install_packages() {
        let effects =
            TestEnv::new().run("npm i -g --prefix /usr/local typescript@5 && npm install");
        assert_eq!(effects.packages[0].action, PackageAction::Install);
        assert_eq!(effects.packages[0].packages, ["typescript@5"]);
        assert_eq!(
            effects.packages[1].action,
            PackageAction::InstallDependencies
        );
        assert_eq!(caches(&effects), [Cache::Npm, Cache::Npm]);
    }

    #[test]
    fn npm_cache_clean_needs_force() {
        let effects = TestEnv::new().run("npm cache clean --force");
        assert_eq!(effects.packages[0].action, PackageAction::Clean);
        assert_eq!(paths(&effects.deletes), [("/root/.npm/_cacache", true)]);
        let effects = TestEnv::new().run("npm cache clean");
        assert!(effects.packages.is_empty());
    }

    #[test]
    fn yarn_commands() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("yarn --frozen-lockfile && yarn add left-pad && yarn cache clean");
        let actions: Vec<_> = effects.packages.iter().map(|op| op.action).collect();
        assert_eq!(
            actions,
            [
                PackageAction::InstallDependencies,
                PackageAction::Install,
                PackageAction::Clean
            ]
        );
        assert_eq!(
            effects.packages[0].reads,
            ["/app/package.json", "/app/yarn.lock"]
        );
        assert_eq!(caches(&effects), [Cache::Yarn, Cache::Yarn]);
        assert_eq!(
            paths(&effects.deletes),
            [
                ("/root/.cache/yarn/*", true),
                ("/usr/local/share/.cache/yarn/*", true)
            ]
        );
    }

    #[test]
    fn yarn_cwd_and_cache_folder() {
        let effects = TestEnv::new()
            .workdir("/app")
            .mount("/yc")
            .run("yarn install --cwd web --cache-folder /yc");
        assert_eq!(
            effects.packages[0].reads,
            ["/app/web/package.json", "/app/web/yarn.lock"]
        );
        assert!(effects.caches.is_empty());
    }

    #[test]
    fn pnpm_commands() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("pnpm install --frozen-lockfile && pnpm fetch --prod && pnpm add -D vite");
        let summary: Vec<_> = effects
            .packages
            .iter()
            .map(|op| (op.action, op.reads.len(), op.packages.clone()))
            .collect();
        assert_eq!(
            summary,
            [
                (PackageAction::InstallDependencies, 2, vec![]),
                (PackageAction::InstallDependencies, 1, vec![]),
                (PackageAction::Install, 0, vec!["vite".to_string()]),
            ]
        );
    }
}
