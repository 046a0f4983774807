//! DL3048 invalid-label-key: a `LABEL` key outside Docker's recommended format.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct InvalidLabelKey;

impl Rule for InvalidLabelKey {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Label {
                continue;
            }
            let Args::KeyValues(pairs, _) = &instruction.args else {
                continue;
            };
            for pair in pairs {
                let key = super::unquoted(&pair.key.text);
                if let Some(problem) = problem(key) {
                    cx.report(pair.key.span, format!("label key `{key}`: {problem}"));
                }
            }
        }
    }
}

/// Why a key breaks the format (lower-case letters, digits, `.`, `-`, `_` and `/`; starting with
/// a letter and ending with a letter or digit; no `..` or `--`; not in Docker's own namespaces).
/// `_` and `/` are outside Docker's recommendation but accepted as hadolint 2.15.1 accepts them:
/// keys such as `dlc_minor_version` are common and harm no tool that reads labels.
fn problem(key: &str) -> Option<&'static str> {
    if !key.starts_with(|c: char| c.is_ascii_lowercase()) {
        return Some("it must start with a lower-case letter");
    }
    if !key.ends_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some("it must end with a lower-case letter or a digit");
    }
    if key
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || ".-_/".contains(c)))
    {
        return Some("only lower-case letters, digits, `.`, `-`, `_` and `/` are allowed");
    }
    if key.contains("..") || key.contains("--") {
        return Some("it must not repeat a separator (`..` or `--`)");
    }
    if ["com.docker.", "io.docker.", "org.dockerproject."]
        .iter()
        .any(|ns| key.starts_with(ns))
    {
        return Some("this namespace is reserved for Docker");
    }
    None
}
