//! Which configuration applies to each linted file: `--no-config`, `--config FILE`, or the
//! nearest `.layerlint.yaml` / `.hadolint.yaml`, with `--select`/`--ignore` on top. Each
//! directory's configuration is found and read once.

use super::args::CheckArgs;
use layerlint::Severity;
use layerlint::config::{self, Config, ConfigError};
use layerlint::files::Input;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration and the fail level for one file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub config: Config,
    /// The lowest severity that fails the run (`None`: never).
    pub fail_at: Option<Severity>,
}

/// Settings for every input, in order, and the configuration files that could not be used.
pub fn resolve(args: &CheckArgs, inputs: &[Input]) -> (Vec<Settings>, Vec<ConfigError>) {
    let mut errors = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Config> = BTreeMap::new();
    let fixed = match (&args.config, args.no_config) {
        (_, true) => Some(Config::default()),
        (Some(path), false) => Some(config::load(path).unwrap_or_else(|e| {
            errors.push(*e);
            Config::default()
        })),
        (None, false) => None,
    };
    let settings = inputs
        .iter()
        .map(|input| {
            let base = match &fixed {
                Some(config) => config.clone(),
                None => {
                    let dir = directory_of(input);
                    by_dir
                        .entry(dir.clone())
                        .or_insert_with(|| discovered(&dir, &mut errors))
                        .clone()
                }
            };
            with_flags(base, args)
        })
        .collect();
    (settings, errors)
}

fn discovered(dir: &Path, errors: &mut Vec<ConfigError>) -> Config {
    let Some(path) = config::discover(dir) else {
        return Config::default();
    };
    config::load(&path).unwrap_or_else(|e| {
        errors.push(*e);
        Config::default()
    })
}

/// The command line wins over the file: `--select` replaces, `--ignore` adds, `--fail-level`
/// replaces `failure-threshold`.
fn with_flags(mut config: Config, args: &CheckArgs) -> Settings {
    if let Some(select) = &args.select {
        config.select = Some(select.clone());
    }
    config.ignored.extend(args.ignore.iter().cloned());
    let fail_at = match (args.fail_level, config.failure_threshold) {
        (Some(level), _) => level.threshold(),
        (None, Some(threshold)) => threshold,
        (None, None) => Some(Severity::Info),
    };
    Settings { config, fail_at }
}

fn directory_of(input: &Input) -> PathBuf {
    match input {
        Input::Path(file) => file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        Input::Stdin => PathBuf::from("."),
    }
}
