//! hadolint's `HADOLINT_*` environment variables, so a CI job that sets them keeps its settings
//! after the switch. They apply on top of the configuration file and under the command line, as
//! in hadolint: lists (`HADOLINT_IGNORE`, the overrides, registries, labels) add to the file's,
//! and a value (`HADOLINT_FAILURE_THRESHOLD`, the switches) replaces it.
//!
//! | variable | like the key |
//! |---|---|
//! | `HADOLINT_NOFAIL` | `no-fail` |
//! | `HADOLINT_FAILURE_THRESHOLD` | `failure-threshold` |
//! | `HADOLINT_IGNORE` | `ignored` (comma-separated) |
//! | `HADOLINT_OVERRIDE_ERROR`, `_WARNING`, `_INFO`, `_STYLE` | `override` |
//! | `HADOLINT_ALLOWED_REGISTRIES` (also `HADOLINT_TRUSTED_REGISTRIES`) | `trustedRegistries` |
//! | `HADOLINT_REQUIRE_LABELS` (`name:type,…`) | `label-schema` |
//! | `HADOLINT_STRICT_LABELS` | `strict-labels` |
//! | `HADOLINT_DISABLE_IGNORE_PRAGMA` | `disable-ignore-pragma` |
//! | `HADOLINT_FORMAT` | `--format` (read by the command line) |
//! | `HADOLINT_VERBOSE` | accepted; changes nothing |
//!
//! A switch is on for `1`, `y`, `yes`, `on` or `true` (any case), off for anything else. A value
//! layerlint cannot use is left out with a note, as hadolint leaves it out.

use super::Config;
use crate::diagnostic::Severity;

/// Reads the variables through `var` (the process environment in production) into `config`;
/// returns notes for values left out.
pub fn apply(config: &mut Config, var: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut notes = Vec::new();
    let list = |name: &str| -> Vec<String> {
        var(name)
            .map(|value| {
                value
                    .split(',')
                    .map(str::trim)
                    .filter(|entry| !entry.is_empty())
                    .map(String::from)
                    .collect()
            })
            .unwrap_or_default()
    };
    let switch = |name: &str| var(name).map(|value| truthy(&value));

    config.ignored.extend(list("HADOLINT_IGNORE"));
    for (name, severity) in [
        ("HADOLINT_OVERRIDE_STYLE", Severity::Style),
        ("HADOLINT_OVERRIDE_INFO", Severity::Info),
        ("HADOLINT_OVERRIDE_WARNING", Severity::Warning),
        ("HADOLINT_OVERRIDE_ERROR", Severity::Error),
    ] {
        // Later entries win in `severity_of`: these come after the file's.
        let entries = list(name).into_iter().map(|code| (code, severity));
        config.overrides.extend(entries);
    }
    for name in ["HADOLINT_ALLOWED_REGISTRIES", "HADOLINT_TRUSTED_REGISTRIES"] {
        for registry in list(name) {
            if !config.trusted_registries.contains(&registry) {
                config.trusted_registries.push(registry);
            }
        }
    }
    for pair in list("HADOLINT_REQUIRE_LABELS") {
        match pair.split_once(':') {
            Some((label, kind)) if !label.is_empty() && !kind.is_empty() => {
                config
                    .label_schema
                    .insert(label.to_string(), kind.to_string());
            }
            _ => notes.push(format!(
                "note: HADOLINT_REQUIRE_LABELS: {pair:?} is not `label:type`; left out"
            )),
        }
    }
    if let Some(strict) = switch("HADOLINT_STRICT_LABELS") {
        config.strict_labels = strict;
    }
    if let Some(disable) = switch("HADOLINT_DISABLE_IGNORE_PRAGMA") {
        config.disable_ignore_pragma = disable;
    }
    if let Some(level) = var("HADOLINT_FAILURE_THRESHOLD") {
        match super::threshold(&level) {
            Some(threshold) => config.failure_threshold = Some(threshold),
            None => notes.push(format!(
                "note: HADOLINT_FAILURE_THRESHOLD={level:?} is not error, warning, info, style or none; left out"
            )),
        }
    }
    if switch("HADOLINT_NOFAIL") == Some(true) {
        config.failure_threshold = Some(None);
    }
    notes
}

/// hadolint's reading of a switch.
pub fn truthy(value: &str) -> bool {
    ["1", "y", "yes", "on", "true"]
        .iter()
        .any(|yes| value.trim().eq_ignore_ascii_case(yes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn variables_add_to_and_replace_the_files_settings() {
        let mut config = super::super::parse(
            "c",
            "ignored: [DL3008]\noverride:\n  error: [DL3009]\nfailure-threshold: error\n",
        )
        .expect("valid");
        let notes = apply(
            &mut config,
            env(&[
                ("HADOLINT_IGNORE", "DL3015, DL3014"),
                ("HADOLINT_OVERRIDE_STYLE", "DL3009"),
                ("HADOLINT_FAILURE_THRESHOLD", "warning"),
                ("HADOLINT_ALLOWED_REGISTRIES", "docker.io,quay.io"),
                ("HADOLINT_REQUIRE_LABELS", "maintainer:text,bad"),
                ("HADOLINT_STRICT_LABELS", "TRUE"),
                ("HADOLINT_DISABLE_IGNORE_PRAGMA", "0"),
            ]),
        );
        assert_eq!(config.ignored, ["DL3008", "DL3015", "DL3014"]);
        let dl3009 = rules::find("DL3009").expect("rule");
        assert_eq!(config.severity_of(dl3009), Some(Severity::Style));
        assert_eq!(config.failure_threshold, Some(Some(Severity::Warning)));
        assert_eq!(config.trusted_registries, ["docker.io", "quay.io"]);
        assert_eq!(
            config.label_schema.get("maintainer").map(String::as_str),
            Some("text")
        );
        assert!(config.strict_labels);
        assert!(!config.disable_ignore_pragma);
        assert_eq!(notes.len(), 1, "{notes:?}");
    }

    #[test]
    fn nofail_wins_and_bad_values_are_left_out() {
        let mut config = Config::default();
        let notes = apply(
            &mut config,
            env(&[
                ("HADOLINT_FAILURE_THRESHOLD", "loud"),
                ("HADOLINT_NOFAIL", "yes"),
            ]),
        );
        assert_eq!(config.failure_threshold, Some(None));
        assert_eq!(notes.len(), 1);
        let mut untouched = Config::default();
        assert!(apply(&mut untouched, env(&[])).is_empty());
        assert_eq!(untouched, Config::default());
    }
}
