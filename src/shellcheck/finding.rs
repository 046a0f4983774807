//! A ShellCheck comment as a layerlint finding: its SC code, hadolint's severity for its level,
//! its place in the Dockerfile, and the configuration's say over it.

use super::batch::Comment;
use super::script::Script;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Severity};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The name every ShellCheck finding carries (a pragma or `ignored` entry may use it for all).
pub const NAME: &str = "shellcheck";

/// Whether `text` is a ShellCheck code (`SC1000` to `SC3999`, any case).
pub fn is_code(text: &str) -> bool {
    text.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("SC"))
        && text.len() == 6
        && text[2..].bytes().all(|b| b.is_ascii_digit())
        && matches!(text.as_bytes()[2], b'1'..=b'3')
}

/// The finding for `comment` on `script`, or `None` when the configuration turns its code off.
pub fn finding(comment: &Comment, script: &Script, config: &Config) -> Option<Diagnostic> {
    let code = code(comment.code);
    let severity = config.severity_of_code(code, NAME, severity(&comment.level))?;
    // A place in the header is ShellCheck's view of what layerlint wrote, not of the file: it
    // goes on the `RUN` instruction itself.
    let span = script
        .text
        .file_span(
            (comment.line, comment.column),
            (comment.end_line, comment.end_column),
        )
        .unwrap_or(script.instruction);
    Some(Diagnostic {
        code,
        name: NAME,
        severity,
        span,
        message: comment.message.clone(),
        labels: Vec::new(),
        fix: None,
    })
}

/// ShellCheck's levels as hadolint maps them: `error` and anything unknown are errors.
fn severity(level: &str) -> Severity {
    match level {
        "warning" => Severity::Warning,
        "info" => Severity::Info,
        "style" => Severity::Style,
        _ => Severity::Error,
    }
}

/// `SC2086` for 2086, as the `'static` text a finding's code is. The texts are made once per
/// code and kept: ShellCheck has a few hundred codes.
fn code(number: u32) -> &'static str {
    static CODES: OnceLock<Mutex<HashMap<u32, &'static str>>> = OnceLock::new();
    let mut codes = CODES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    codes
        .entry(number)
        .or_insert_with(|| Box::leak(format!("SC{number}").into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shellcheck_codes() {
        assert!(is_code("SC2086") && is_code("sc1000") && is_code("SC3999"));
        assert!(
            !is_code("SC0999") && !is_code("SC4000") && !is_code("SC208") && !is_code("DL3008")
        );
        assert!(!is_code("SCé12") && !is_code("S"));
    }

    #[test]
    fn codes_are_made_once() {
        assert_eq!(code(2086), "SC2086");
        assert!(std::ptr::eq(code(2086), code(2086)));
    }

    #[test]
    fn levels_map_as_hadolint_maps_them() {
        assert_eq!(severity("error"), Severity::Error);
        assert_eq!(severity("warning"), Severity::Warning);
        assert_eq!(severity("info"), Severity::Info);
        assert_eq!(severity("style"), Severity::Style);
    }
}
