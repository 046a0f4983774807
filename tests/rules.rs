//! The table-driven rule test: every `rules/*.yaml` is at once the rule's documentation and its
//! test vectors. Each bad example must fire on exactly the expected lines, each good example must
//! be clean, each `fixed` output must be what fixing produces, must parse, must be a fixed point
//! and must be clean of the rule. All failures are reported together.

use layerlint::diagnostic::Applicability;
use layerlint::project::BuildContext;
use layerlint::rules::{self, Example, RuleDoc};
use layerlint::{Diagnostic, LintOptions, fix, lint_with};
use std::collections::BTreeSet;
use std::path::Path;

fn options(doc: &RuleDoc, example: &Example) -> LintOptions {
    let mut config = match &example.config {
        Some(text) => layerlint::config::parse("example config", text)
            .unwrap_or_else(|e| panic!("{}: bad example config: {}", doc.code, e.message)),
        None => layerlint::config::Config::default(),
    };
    // A rule that is off by default is tested as a user who turned it on sees it.
    if doc.default_off {
        config.overrides.push((doc.code.to_string(), doc.severity));
    }
    LintOptions {
        build_context: match &example.context {
            Some(files) => BuildContext::Files(files.clone()),
            None => BuildContext::Unknown,
        },
        config,
        ..LintOptions::default()
    }
}

fn findings_of(doc: &RuleDoc, source: &str, example: &Example) -> Vec<Diagnostic> {
    lint_with(source, &options(doc, example))
        .into_iter()
        .filter(|d| d.code == doc.code)
        .collect()
}

fn line_of(source: &str, offset: u32) -> usize {
    source[..offset as usize].matches('\n').count() + 1
}

/// Applies the rule's applicable fixes until nothing changes (at most 10 rounds).
fn fix_fully(doc: &RuleDoc, source: &str, example: &Example) -> Result<String, String> {
    let mut text = source.to_string();
    for _ in 0..10 {
        let found = findings_of(doc, &text, example);
        let (next, applied) = fix::apply(&text, &found, Applicability::Unsafe);
        if applied == 0 {
            return Ok(text);
        }
        text = next;
    }
    Err("fixing did not settle in 10 rounds".into())
}

fn check_bad(doc: &RuleDoc, index: usize, example: &Example, failures: &mut Vec<String>) {
    let name = format!(
        "{} bad #{} ({})",
        doc.code,
        index + 1,
        example.title.as_deref().unwrap_or("")
    );
    let found = findings_of(doc, &example.dockerfile, example);
    let lines: BTreeSet<usize> = found
        .iter()
        .map(|d| line_of(&example.dockerfile, d.span.start))
        .collect();
    let expected: BTreeSet<usize> = example.lines.iter().copied().collect();
    if expected.is_empty() {
        failures.push(format!(
            "{name}: a bad example must list the lines it expects"
        ));
    }
    if lines != expected {
        let messages: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "line {}: {}",
                    line_of(&example.dockerfile, d.span.start),
                    d.message
                )
            })
            .collect();
        failures.push(format!(
            "{name}: expected findings on lines {expected:?}, got {lines:?}\n    {}",
            messages.join("\n    ")
        ));
    }
    let Some(fixed) = &example.fixed else { return };
    match fix_fully(doc, &example.dockerfile, example) {
        Err(e) => failures.push(format!("{name}: {e}")),
        Ok(actual) if &actual != fixed => failures.push(format!(
            "{name}: fixed output differs\n--- expected\n{fixed}--- actual\n{actual}"
        )),
        Ok(actual) => {
            let after = lint_with(&actual, &options(doc, example));
            if let Some(e) = after.iter().find(|d| d.code == "LL001") {
                failures.push(format!(
                    "{name}: the fixed file has a syntax error: {}",
                    e.message
                ));
            }
            if after.iter().any(|d| d.code == doc.code) {
                failures.push(format!("{name}: the fixed file still has {}", doc.code));
            }
            if fix_fully(doc, &actual, example).as_deref() != Ok(actual.as_str()) {
                failures.push(format!("{name}: the fixed file is not a fixed point"));
            }
        }
    }
}

fn check_good(doc: &RuleDoc, index: usize, example: &Example, failures: &mut Vec<String>) {
    let found = findings_of(doc, &example.dockerfile, example);
    if !found.is_empty() {
        let messages: Vec<String> = found
            .iter()
            .map(|d| {
                format!(
                    "line {}: {}",
                    line_of(&example.dockerfile, d.span.start),
                    d.message
                )
            })
            .collect();
        failures.push(format!(
            "{} good #{} ({}): expected no finding, got\n    {}",
            doc.code,
            index + 1,
            example.title.as_deref().unwrap_or(""),
            messages.join("\n    ")
        ));
    }
}

#[test]
fn every_rule_yaml_holds() {
    let mut failures = Vec::new();
    for (doc, _) in rules::all() {
        // LL003 is about bytes that are not UTF-8, which a YAML example cannot hold; its bad
        // cases are in tests/hostile_files.rs. InvalidBaseImagePlatform needs the pulled image
        // and never reports (documented as not checkable).
        let bad_needed = if matches!(doc.code, "LL003" | "InvalidBaseImagePlatform") {
            0
        } else {
            3
        };
        if doc.examples().bad.len() < bad_needed || doc.examples().good.len() < 3 {
            failures.push(format!(
                "{}: needs at least three bad and three good examples",
                doc.code
            ));
        }
        for (i, example) in doc.examples().bad.iter().enumerate() {
            check_bad(doc, i, example, &mut failures);
        }
        for (i, example) in doc.examples().good.iter().enumerate() {
            check_good(doc, i, example, &mut failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn yaml_files_and_registry_match_one_to_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("rules/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".yaml"))
                .map(String::from)
        })
        .collect();
    files.sort();
    let mut registered: Vec<String> = rules::all().map(|(doc, _)| doc.code.to_string()).collect();
    registered.sort();
    assert_eq!(files, registered);
}
