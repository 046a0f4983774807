//! Which configuration applies to each linted file: `--no-config`, `--config FILE`, or the
//! nearest `.layerlint.yaml` / `.hadolint.yaml` (else hadolint's personal configuration), then
//! hadolint's `HADOLINT_*` variables, with `--select`/`--ignore` on top. Each directory's
//! configuration is found and read once.
//!
//! A configuration that cannot be used is never replaced by the defaults: findings computed
//! with settings the user did not ask for would be wrong in both directions.

use super::args::CheckArgs;
use clap::ValueEnum;
use layerlint::Severity;
use layerlint::config::{self, Config, ConfigError};
use layerlint::files::Input;
use layerlint::report::Format;
use layerlint::rules;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The configuration and the fail level for one file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub config: Config,
    /// The lowest severity that fails the run (`None`: never).
    pub fail_at: Option<Severity>,
}

/// What the command line and the configuration files came to.
pub struct Resolved {
    /// For every input, in order: its settings, or `None` when its configuration file could not
    /// be used (the file is then not linted).
    pub settings: Vec<Option<Settings>>,
    /// The configuration files that could not be used.
    pub errors: Vec<ConfigError>,
    /// Notes for standard error: codes of hadolint rules layerlint does not have.
    pub notes: Vec<String>,
}

/// Checks the codes of `--select` and `--ignore`: a code that names no rule anywhere is an error
/// (returned as its message); a hadolint rule layerlint lacks is accepted with a note.
pub fn check_flags(args: &CheckArgs) -> Result<Vec<String>, String> {
    let mut notes = Vec::new();
    let flags = [
        ("--select", args.select.as_deref().unwrap_or_default()),
        ("--ignore", &args.ignore),
    ];
    for (flag, codes) in flags {
        for code in codes {
            if rules::find(code).is_some() || config::is_shellcheck_entry(code) {
                continue;
            }
            if config::is_hadolint_code(code) {
                notes.push(format!(
                    "note: {flag} {code}: a hadolint rule layerlint does not have; it changes nothing"
                ));
                continue;
            }
            return Err(format!(
                "{flag} {code:?} names no rule: it is not a layerlint rule's code, name or alias, nor a hadolint rule; `layerlint rules` lists them"
            ));
        }
    }
    Ok(notes)
}

/// The output format: `--format`, else hadolint's `HADOLINT_FORMAT`, else the configuration's
/// `format`, else `human`. A name layerlint lacks (such as `sonarqube`) is left out with a note.
pub fn format(
    args: &CheckArgs,
    var: impl Fn(&str) -> Option<String>,
    configured: Option<&str>,
    notes: &mut Vec<String>,
) -> Format {
    if let Some(format) = args.format {
        return format;
    }
    let named = [
        var("HADOLINT_FORMAT").map(|name| ("HADOLINT_FORMAT", name)),
        configured.map(|name| ("the configuration's format", name.to_string())),
    ];
    for (source, name) in named.into_iter().flatten() {
        match Format::from_str(name.trim(), true) {
            Ok(format) => return format,
            Err(_) => notes.push(format!(
                "note: {source} {name:?} is not a format layerlint writes; left out"
            )),
        }
    }
    Format::Human
}

/// Settings for every input. With `--config FILE` that cannot be used, the error is returned
/// alone: nothing should be linted.
pub fn resolve(args: &CheckArgs, inputs: &[Input]) -> Result<Resolved, Box<ConfigError>> {
    let mut errors = Vec::new();
    let mut notes = Vec::new();
    let mut by_dir: BTreeMap<PathBuf, Option<Config>> = BTreeMap::new();
    // hadolint's personal configuration, for directories with none of their own: looked up once.
    let mut user_config: Option<Option<PathBuf>> = None;
    let fixed = match (&args.config, args.no_config) {
        (_, true) => Some(Config::default()),
        (Some(path), false) => {
            let config = config::load(path)?;
            notes.extend(hadolint_note(&config));
            Some(config)
        }
        (None, false) => None,
    };
    let settings = inputs
        .iter()
        .map(|input| {
            let base = match &fixed {
                Some(config) => Some(config.clone()),
                None => {
                    let dir = directory_of(input);
                    by_dir
                        .entry(dir.clone())
                        .or_insert_with(|| {
                            let user = user_config.get_or_insert_with(|| {
                                config::user_files::UserDirs::from_process().find()
                            });
                            discovered(&dir, user.as_deref(), &mut errors, &mut notes)
                        })
                        .clone()
                }
            };
            base.map(|mut config| {
                // The environment sits between the file and the command line, as in hadolint.
                let env_notes =
                    config::environment::apply(&mut config, |name| std::env::var(name).ok());
                for note in env_notes {
                    if !notes.contains(&note) {
                        notes.push(note);
                    }
                }
                with_flags(config, args)
            })
        })
        .collect();
    Ok(Resolved {
        settings,
        errors,
        notes,
    })
}

/// The configuration for `dir`: its own (found walking up), else the user's hadolint
/// configuration `user`; the defaults when there is no file, `None` when there is one that
/// cannot be used.
fn discovered(
    dir: &Path,
    user: Option<&Path>,
    errors: &mut Vec<ConfigError>,
    notes: &mut Vec<String>,
) -> Option<Config> {
    let Some(path) = config::discover(dir).or_else(|| user.map(Path::to_path_buf)) else {
        return Some(Config::default());
    };
    // Two directories under one configuration find the same file: report it once.
    match config::load(&path) {
        Ok(config) => {
            notes.extend(hadolint_note(&config).filter(|note| !notes.contains(note)));
            Some(config)
        }
        Err(err) => {
            if !errors.iter().any(|e| e.path == err.path) {
                errors.push(*err);
            }
            None
        }
    }
}

fn hadolint_note(config: &Config) -> Option<String> {
    if config.hadolint_only.is_empty() {
        return None;
    }
    let path = config
        .path
        .as_ref()
        .map_or_else(String::new, |p| format!("{}: ", p.display()));
    Some(format!(
        "note: {path}{} {} hadolint {} layerlint does not have; {} nothing",
        config.hadolint_only.join(", "),
        if config.hadolint_only.len() == 1 {
            "is a"
        } else {
            "are"
        },
        if config.hadolint_only.len() == 1 {
            "rule"
        } else {
            "rules"
        },
        if config.hadolint_only.len() == 1 {
            "it changes"
        } else {
            "they change"
        },
    ))
}

/// The command line wins over the file: `--select` replaces, `--ignore` adds, `--fail-level`
/// replaces `failure-threshold`, and `--no-fail` wins over both.
fn with_flags(mut config: Config, args: &CheckArgs) -> Settings {
    if let Some(select) = &args.select {
        config.select = Some(select.clone());
    }
    config.ignored.extend(args.ignore.iter().cloned());
    let fail_at = match (args.no_fail, args.fail_level, config.failure_threshold) {
        (true, _, _) => None,
        (false, Some(level), _) => level.threshold(),
        (false, None, Some(threshold)) => threshold,
        (false, None, None) => Some(Severity::Info),
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
