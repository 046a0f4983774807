//! Package managers: what each command installs, removes or refreshes (a [`PackageOp`]), the
//! cache it leaves in the layer, the manifests it reads, and what its clean-up commands delete.
//!
//! [`PackageOp`]: crate::model::PackageOp

mod apk;
mod apt;
mod languages;
mod node;
mod python;
mod rpm;

use super::command::Command;
use super::record::Recorder;
use super::state::EnvValue;
use super::words::Arg;
use crate::model::layer::{Cache, Manager, PackageAction};
use crate::model::paths;

/// Records the effects of a package-manager command (nothing for any other command).
pub(super) fn apply(command: &Command, rec: &mut Recorder) {
    match command.name {
        // aptitude reads and refreshes the same lists, and takes the same subcommands.
        "apt-get" | "apt" | "aptitude" => apt::apply(command, rec),
        "install_packages" | "install-packages" => apt::install_packages(command, rec),
        "add-apt-repository" => apt::add_repository(command, rec),
        "apk" => apk::apply(command, rec),
        "yum" | "dnf" | "microdnf" => rpm::yum(command, rec),
        "zypper" => rpm::zypper(command, rec),
        "npm" => node::npm(command, rec),
        "yarn" => node::yarn(command, rec),
        "pnpm" => node::pnpm(command, rec),
        "uv" => python::uv(command, rec),
        "poetry" => python::poetry(command, rec),
        "pipenv" => python::pipenv(command, rec),
        "gem" => languages::gem(command, rec),
        "bundle" | "bundler" => languages::bundle(command, rec),
        "go" => languages::go(command, rec),
        "cargo" => languages::cargo(command, rec),
        "composer" => languages::composer(command, rec),
        "dotnet" => languages::dotnet(command, rec),
        "mvn" | "mvnw" => languages::maven(command, rec),
        "gradle" | "gradlew" => languages::gradle(command, rec),
        "mix" => languages::mix(command, rec),
        name if python::is_pip(name) => python::pip(command, Manager::Pip, rec),
        name if python::is_python(name) => python::python_module(command, rec),
        _ => {}
    }
}

/// Package specs as written.
fn package_names(args: &[&Arg]) -> Vec<String> {
    args.iter()
        .map(|arg| arg.as_written().to_string())
        .collect()
}

/// Manifests a command reads from `dir` (usually its current directory), as absolute paths;
/// empty, and the command marked unread, when the directory is not known.
fn reads_in(
    command: &Command,
    dir: Option<&str>,
    names: &[&str],
    rec: &mut Recorder,
) -> Vec<String> {
    match dir {
        Some(dir) => names.iter().map(|name| paths::resolve(dir, name)).collect(),
        None => {
            rec.unread(command.span);
            Vec::new()
        }
    }
}

/// Records the install of a project's declared dependencies from the manifests in the
/// current directory.
fn install_dependencies(
    command: &Command,
    manager: Manager,
    manifests: &[&str],
    rec: &mut Recorder,
) {
    let reads = reads_in(command, command.cwd, manifests, rec);
    let action = PackageAction::InstallDependencies;
    rec.package(command, manager, action, Vec::new(), reads);
}

/// A cleaning command: the op, and the deletion of what it removes (recursive patterns).
fn clean(command: &Command, manager: Manager, removed: &[String], rec: &mut Recorder) {
    rec.package(
        command,
        manager,
        PackageAction::Clean,
        Vec::new(),
        Vec::new(),
    );
    for path in removed {
        rec.delete(command, path.clone(), true, command.span);
    }
}

/// The directories of a cache, for the home the command runs with.
fn cache_dirs(command: &Command, cache: Cache, rec: &Recorder) -> Vec<String> {
    let home = match command.env_var("HOME") {
        EnvValue::Known(home) => home,
        _ => rec.home().to_string(),
    };
    cache.dirs(&home)
}

/// The contents of each of a cache's directories, as deletion patterns.
fn cache_contents(command: &Command, cache: Cache, rec: &Recorder) -> Vec<String> {
    let dirs = cache_dirs(command, cache, rec);
    dirs.iter().map(|dir| format!("{dir}/*")).collect()
}

/// Records a cache fill, unless the tool was pointed at another cache directory: one under a
/// mount leaves nothing behind, and one the model can't place is not guessed at. `dir` is the
/// directory given by option, if any; `variables` the environment variables that move it.
fn cache_unless_moved(
    command: &Command,
    cache: Cache,
    dir: Option<&Arg>,
    variables: &[&str],
    rec: &mut Recorder,
) {
    let mut moved_to = variables
        .iter()
        .map(|name| command.env_var(name))
        .filter(|value| *value != EnvValue::Unset)
        .map(|value| match value {
            EnvValue::Known(dir) if dir.starts_with('/') => Some(paths::normalize(&dir)),
            _ => None,
        })
        .collect::<Vec<_>>();
    if let Some(dir) = dir {
        moved_to.push(rec.path(command, dir));
    }
    match moved_to.last() {
        None => rec.cache(command, cache),
        Some(Some(dir)) if !rec.is_mounted(dir) => rec.cache(command, cache),
        Some(_) => {}
    }
}

/// Whether an environment variable is set to something pip would take as "on" for a flag
/// option: any non-empty value (pip reads even `0`/`false` for `PIP_NO_CACHE_DIR` as "no
/// cache"), or a value the model does not know (not guessed to be empty).
fn flag_variable_set(command: &Command, name: &str) -> bool {
    match command.env_var(name) {
        EnvValue::Unset => false,
        EnvValue::Unknown => true,
        EnvValue::Known(value) => !value.is_empty(),
    }
}

/// Records a fill of `cache` in its default place, unless an option (`moved_by_option`) or one
/// of `variables` may put it elsewhere: the tool's own settings are not followed, so a cache
/// that may have moved is not recorded at all rather than placed by guess.
fn cache_in_default_place(
    command: &Command,
    cache: Cache,
    moved_by_option: bool,
    variables: &[&str],
    rec: &mut Recorder,
) {
    let moved = moved_by_option
        || variables
            .iter()
            .any(|name| command.env_var(name) != EnvValue::Unset);
    if !moved {
        rec.cache(command, cache);
    }
}
