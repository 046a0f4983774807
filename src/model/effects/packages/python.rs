//! Python: `pip` (also as `python -m pip`), `uv`, `poetry`, `pipenv`.
//!
//! Only pip's cache has a place in the model (`~/.cache/pip`); uv's, poetry's and pipenv's
//! caches are not recorded.

use super::super::command::Command;
use super::super::options::{self, Parsed, Spec};
use super::super::record::Recorder;
use super::super::words::Arg;
use super::{
    cache_contents, cache_unless_moved, clean, flag_variable_set, install_dependencies,
    package_names, reads_in,
};
use crate::model::layer::{Cache, Manager, PackageAction};

/// Options of pip and `uv pip` that take a value.
const PIP: Spec = Spec {
    short: "cCefiPprt",
    long: &[
        "abi",
        "cache-dir",
        "cert",
        "client-cert",
        "config-settings",
        "constraint",
        "directory",
        "editable",
        "exists-action",
        "extra-index-url",
        "find-links",
        "global-option",
        "implementation",
        "index-url",
        "install-option",
        "keyring-provider",
        "log",
        "no-binary",
        "only-binary",
        "platform",
        "prefix",
        "progress-bar",
        "project",
        "proxy",
        "python",
        "python-version",
        "report",
        "requirement",
        "retries",
        "root",
        "root-user-action",
        "src",
        "target",
        "timeout",
        "trusted-host",
        "upgrade-strategy",
        "use-deprecated",
        "use-feature",
    ],
};

/// `pip`, `pip3`, `pip3.12` …
pub(super) fn is_pip(name: &str) -> bool {
    name.strip_prefix("pip").is_some_and(is_version)
}

/// `python`, `python3`, `python3.12` …
pub(super) fn is_python(name: &str) -> bool {
    name.strip_prefix("python").is_some_and(is_version)
}

fn is_version(text: &str) -> bool {
    text.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `pip install PKG…` installs; with `-r FILE` it installs a project's declared dependencies
/// and reads FILE. The pip cache is filled unless `--no-cache-dir` or `PIP_NO_CACHE_DIR` keep
/// it out (pip takes any value of that variable, even `0`, as "no cache").
pub(super) fn pip(command: &Command, manager: Manager, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &PIP);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    match subcommand.text().unwrap_or("") {
        "install" => install(command, manager, &parsed, rest, rec),
        "uninstall" => {
            let packages = package_names(rest);
            rec.package(
                command,
                manager,
                PackageAction::Remove,
                packages,
                Vec::new(),
            );
        }
        "cache" if rest.first().and_then(|arg| arg.text()) == Some("purge") => {
            let contents = cache_contents(command, Cache::Pip, rec);
            clean(command, manager, &contents, rec);
        }
        _ => {}
    }
}

fn install(
    command: &Command,
    manager: Manager,
    parsed: &Parsed,
    rest: &[&Arg],
    rec: &mut Recorder,
) {
    let mut packages = package_names(rest);
    packages.extend(
        parsed
            .values(&["e", "editable"])
            .into_iter()
            .map(|arg| arg.as_written().to_string()),
    );
    let requirements = parsed.values(&["r", "requirement"]);
    if requirements.is_empty() {
        rec.package(
            command,
            manager,
            PackageAction::Install,
            packages,
            Vec::new(),
        );
    } else {
        let constraints = parsed.values(&["c", "constraint"]);
        let reads = requirements
            .into_iter()
            .chain(constraints)
            .filter_map(|file| rec.path(command, file))
            .collect();
        let action = PackageAction::InstallDependencies;
        rec.package(command, manager, action, packages, reads);
    }
    // pip's option parser takes any unambiguous prefix of a long option: `--no-cache` is
    // `--no-cache-dir` (`--no-c` is not: `--no-color`, `--no-clean` …).
    const NO_CACHE_DIR: &[&str] = &[
        "no-cache-dir",
        "no-cache-di",
        "no-cache-d",
        "no-cache-",
        "no-cache",
        "no-cach",
        "no-cac",
        "no-ca",
    ];
    let no_cache = parsed.has(NO_CACHE_DIR) || flag_variable_set(command, "PIP_NO_CACHE_DIR");
    if manager == Manager::Pip && !no_cache {
        let dir = parsed.value(&["cache-dir"]);
        cache_unless_moved(command, Cache::Pip, dir, &["PIP_CACHE_DIR"], rec);
    } else if manager == Manager::Pip && parsed.has(NO_CACHE_DIR) {
        rec.kept_out(command, Cache::Pip);
    }
}

/// `python -m pip …`; any other use of python has no known effect.
pub(super) fn python_module(command: &Command, rec: &mut Recorder) {
    let mut args = command.args;
    while let Some((first, rest)) = args.split_first() {
        let text = first.option_text();
        let (module, after) = match text.strip_prefix("-m") {
            Some("") => (rest.first().and_then(|arg| arg.text()), rest.get(1..)),
            Some(module) => (Some(module), Some(rest)),
            None if text == "-c" || !text.starts_with('-') => return,
            // `-W arg` and `-X opt` take a value.
            None if matches!(text, "-W" | "-X") => {
                args = rest.get(1..).unwrap_or_default();
                continue;
            }
            None => {
                args = rest;
                continue;
            }
        };
        if module == Some("pip") {
            let pip_command = command.with_args("pip", after.unwrap_or_default());
            pip(&pip_command, Manager::Pip, rec);
        }
        return;
    }
}

/// `uv pip install …` as pip (without the pip cache); `uv pip sync FILE…` and `uv sync`
/// install declared dependencies.
pub(super) fn uv(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &PIP);
    let operands = parsed.operands();
    let Some(subcommand) = operands.first().and_then(|arg| arg.text()) else {
        return;
    };
    let project_dir = match parsed.value(&["directory", "project"]) {
        Some(dir) => rec.path(command, dir),
        None => command.cwd.map(str::to_string),
    };
    match subcommand {
        "pip" => {
            let Some(position) = command
                .args
                .iter()
                .position(|arg| arg.text() == Some("pip"))
            else {
                return;
            };
            let inner = command.with_args(
                command.name,
                command.args.get(position + 1..).unwrap_or_default(),
            );
            let inner_parsed = options::parse(inner.args, &PIP);
            let inner_operands = inner_parsed.operands();
            if inner_operands.first().and_then(|arg| arg.text()) == Some("sync") {
                let reads = inner_operands
                    .get(1..)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|file| rec.path(command, file))
                    .collect();
                let action = PackageAction::InstallDependencies;
                rec.package(command, Manager::Uv, action, Vec::new(), reads);
            } else {
                pip(&inner, Manager::Uv, rec);
            }
        }
        "sync" => {
            let reads = reads_in(
                command,
                project_dir.as_deref(),
                &["pyproject.toml", "uv.lock"],
                rec,
            );
            let action = PackageAction::InstallDependencies;
            rec.package(command, Manager::Uv, action, Vec::new(), reads);
        }
        _ => {}
    }
}

/// `poetry install` installs what pyproject.toml and poetry.lock declare; `poetry add` installs.
pub(super) fn poetry(command: &Command, rec: &mut Recorder) {
    const POETRY: Spec = Spec {
        short: "CE",
        long: &["directory", "extras", "only", "project", "with", "without"],
    };
    let parsed = options::parse(command.args, &POETRY);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    match subcommand.text().unwrap_or("") {
        "install" => {
            let dir = match parsed.value(&["C", "directory", "project"]) {
                Some(dir) => rec.path(command, dir),
                None => command.cwd.map(str::to_string),
            };
            let reads = reads_in(
                command,
                dir.as_deref(),
                &["pyproject.toml", "poetry.lock"],
                rec,
            );
            let action = PackageAction::InstallDependencies;
            rec.package(command, Manager::Poetry, action, Vec::new(), reads);
        }
        "add" => {
            let packages = package_names(rest);
            rec.package(
                command,
                Manager::Poetry,
                PackageAction::Install,
                packages,
                Vec::new(),
            );
        }
        _ => {}
    }
}

/// `pipenv install` (no packages) and `pipenv sync` install what Pipfile and Pipfile.lock
/// declare; `pipenv install PKG` installs.
pub(super) fn pipenv(command: &Command, rec: &mut Recorder) {
    const PIPENV: Spec = Spec {
        short: "",
        long: &["categories", "extra-pip-args", "pypi-mirror", "python"],
    };
    let parsed = options::parse(command.args, &PIPENV);
    let operands = parsed.operands();
    let Some((subcommand, rest)) = operands.split_first() else {
        return;
    };
    match (subcommand.text().unwrap_or(""), rest) {
        ("install", []) | ("sync", _) => {
            install_dependencies(command, Manager::Pipenv, &["Pipfile", "Pipfile.lock"], rec);
        }
        ("install", packages) => {
            let packages = package_names(packages);
            rec.package(
                command,
                Manager::Pipenv,
                PackageAction::Install,
                packages,
                Vec::new(),
            );
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::super::testing::{TestEnv, caches};
    use crate::model::layer::{Cache, Manager, PackageAction};

    #[test]
    fn pip_install_fills_the_cache() {
        let effects = TestEnv::new().run("pip install flask==3.0 'requests>=2'");
        assert_eq!(effects.packages[0].action, PackageAction::Install);
        assert_eq!(effects.packages[0].packages, ["flask==3.0", "requests>=2"]);
        assert_eq!(caches(&effects), [Cache::Pip]);
    }

    #[test]
    fn no_cache_dir_keeps_it_out() {
        let effects = TestEnv::new().run("pip install --no-cache-dir flask");
        assert_eq!(effects.packages.len(), 1);
        assert!(effects.caches.is_empty());
        // What it keeps out is recorded, for the cache-mount advice (LL307).
        let kept: Vec<_> = effects.kept_out.iter().map(|c| c.cache).collect();
        assert_eq!(kept, [Cache::Pip]);
        // The environment variable is a setting of the image, not of the command: not recorded.
        let by_env = TestEnv::new()
            .var("PIP_NO_CACHE_DIR", Some("1"))
            .run("pip install flask");
        assert!(by_env.caches.is_empty() && by_env.kept_out.is_empty());
    }

    #[test]
    fn abbreviated_no_cache_dir_keeps_it_out() {
        for option in ["--no-cache", "--no-cache-d", "--no-ca"] {
            let effects = TestEnv::new().run(&format!("pip install {option} flask"));
            assert!(effects.caches.is_empty(), "{option}");
        }
        // Ambiguous for pip (`--no-color`, `--no-clean`, `--no-compile`): not the cache option.
        let effects = TestEnv::new().run("pip install --no-c flask");
        assert_eq!(caches(&effects), [Cache::Pip]);
    }

    #[test]
    fn pip_no_cache_dir_variable() {
        for value in [Some("1"), Some("off"), Some("0"), None] {
            let effects = TestEnv::new()
                .var("PIP_NO_CACHE_DIR", value)
                .run("pip install flask");
            assert!(effects.caches.is_empty(), "{value:?}");
        }
        let effects = TestEnv::new()
            .var("PIP_NO_CACHE_DIR", Some(""))
            .run("pip install flask");
        assert_eq!(caches(&effects), [Cache::Pip]);
    }

    #[test]
    fn requirements_are_read_from_the_directory() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("pip install -r requirements.txt -c /c.txt --no-cache-dir");
        let op = &effects.packages[0];
        assert_eq!(op.action, PackageAction::InstallDependencies);
        assert_eq!(op.reads, ["/app/requirements.txt", "/c.txt"]);
        assert!(op.packages.is_empty());
    }

    #[test]
    fn a_cache_mount_or_moved_cache() {
        let effects = TestEnv::new()
            .mount("/root/.cache/pip")
            .run("pip3 install flask");
        assert!(effects.caches.is_empty());
        let effects = TestEnv::new()
            .mount("/pipcache")
            .run("pip install --cache-dir /pipcache x && PIP_CACHE_DIR=/pipcache pip install y");
        assert!(effects.caches.is_empty());
        let effects = TestEnv::new().run("pip install --cache-dir /elsewhere x");
        assert_eq!(caches(&effects), [Cache::Pip]);
    }

    #[test]
    fn python_m_pip() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("python3 -m pip install --upgrade pip && python -u -m pip install -r req.txt && python -c 'import x' && python -mpip uninstall -y x");
        let actions: Vec<_> = effects.packages.iter().map(|op| op.action).collect();
        assert_eq!(
            actions,
            [
                PackageAction::Install,
                PackageAction::InstallDependencies,
                PackageAction::Remove
            ]
        );
        assert_eq!(effects.packages[0].packages, ["pip"]);
        assert_eq!(effects.packages[1].reads, ["/app/req.txt"]);
        assert_eq!(effects.packages[0].manager, Manager::Pip);
    }

    #[test]
    fn pip_cache_purge() {
        let effects = TestEnv::new().run("pip cache purge");
        assert_eq!(effects.packages[0].action, PackageAction::Clean);
        assert_eq!(effects.deletes[0].path, "/root/.cache/pip/*");
    }

    #[test]
    fn uv_poetry_pipenv() {
        let effects = TestEnv::new().workdir("/app").run(
            "uv pip install --system -r requirements.txt && uv sync --frozen && uv pip sync r.txt \
             && poetry install --no-root && pipenv install --deploy --system && pipenv install flask",
        );
        let summary: Vec<_> = effects
            .packages
            .iter()
            .map(|op| (op.manager, op.action, op.reads.clone()))
            .collect();
        let dependencies = PackageAction::InstallDependencies;
        assert_eq!(
            summary,
            [
                (
                    Manager::Uv,
                    dependencies,
                    vec!["/app/requirements.txt".to_string()]
                ),
                (
                    Manager::Uv,
                    dependencies,
                    vec![
                        "/app/pyproject.toml".to_string(),
                        "/app/uv.lock".to_string()
                    ]
                ),
                (Manager::Uv, dependencies, vec!["/app/r.txt".to_string()]),
                (
                    Manager::Poetry,
                    dependencies,
                    vec![
                        "/app/pyproject.toml".to_string(),
                        "/app/poetry.lock".to_string()
                    ]
                ),
                (
                    Manager::Pipenv,
                    dependencies,
                    vec!["/app/Pipfile".to_string(), "/app/Pipfile.lock".to_string()]
                ),
                (Manager::Pipenv, PackageAction::Install, Vec::new()),
            ]
        );
        assert!(effects.caches.is_empty());
    }
}
