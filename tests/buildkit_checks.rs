//! BuildKit's own build-check tests, as cases (../shared/conformance/buildkit-check-cases, from
//! moby/buildkit's dockerfile_check_test.go): each case is a Dockerfile (with its `.dockerignore`
//! where the test had one) and `expect` lines `fire Rule LINE` (one per warning BuildKit
//! reports), `absent Rule` and `absent *` (no warning of BuildKit's rules at all).
//!
//! Every case is linted through the binary, as a user would run it, with BuildKit's checks
//! selected (so the hadolint twins of shared checks stay out of the way) and the case's own
//! directory as the build context. A case is met when the BuildKit findings are exactly the
//! `fire` lines (rule and line, counted), and no `absent` rule is reported. Cases whose file says
//! `# check=…error=true` must report their findings as errors (the build fails on them).

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-check-cases")
}

struct Case {
    name: String,
    file: PathBuf,
    /// (rule, line), sorted, one entry per expected warning.
    fire: Vec<(String, usize)>,
    absent: Vec<String>,
    errors_fail: bool,
}

fn cases() -> Vec<Case> {
    let Ok(entries) = fs::read_dir(root()) else {
        return Vec::new();
    };
    let mut found: Vec<Case> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|dir| dir.join("expect").is_file())
        .map(|dir| {
            let expect = fs::read_to_string(dir.join("expect")).expect("readable expect");
            let mut fire = Vec::new();
            let mut absent = Vec::new();
            for line in expect.lines() {
                let words: Vec<&str> = line.split_whitespace().collect();
                match words.as_slice() {
                    ["fire", rule, at] => {
                        fire.push((rule.to_string(), at.parse().expect("a line")))
                    }
                    ["absent", rule] => absent.push(rule.to_string()),
                    [] => {}
                    other => panic!("{}: unknown expectation {other:?}", dir.display()),
                }
            }
            fire.sort();
            let file = dir.join("Dockerfile");
            let text = fs::read_to_string(&file).expect("readable Dockerfile");
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                errors_fail: text
                    .lines()
                    .next()
                    .is_some_and(|l| l.contains("error=true")),
                file,
                fire,
                absent,
            }
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// BuildKit's checks that run by default (the experimental one is turned on by a case's own
/// `# check=experimental=` line).
fn buildkit_codes() -> Vec<String> {
    layerlint::rules::all()
        .filter(|(doc, _)| doc.category == "buildkit" && !doc.default_off)
        .map(|(doc, _)| doc.code.to_string())
        .collect()
}

/// Each file's BuildKit findings: (rule, line, severity).
fn lint(files: &[PathBuf]) -> BTreeMap<String, Vec<(String, usize, String)>> {
    let out = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args([
            "check",
            "--format",
            "json",
            "--fail-level",
            "none",
            "--no-config",
        ])
        .arg("--select")
        .arg(buildkit_codes().join(","))
        .args(files)
        .output()
        .expect("the binary runs");
    let all: Vec<String> = layerlint::rules::all()
        .filter(|(doc, _)| doc.category == "buildkit")
        .map(|(doc, _)| doc.code.to_string())
        .collect();
    let mut found: BTreeMap<String, Vec<(String, usize, String)>> = BTreeMap::new();
    let Ok(Value::Array(findings)) = serde_json::from_slice::<Value>(&out.stdout) else {
        panic!("no JSON report: {}", String::from_utf8_lossy(&out.stderr));
    };
    for finding in findings {
        let code = finding["code"].as_str().unwrap_or_default().to_string();
        if !all.contains(&code) {
            continue;
        }
        let file = finding["file"].as_str().unwrap_or_default().to_string();
        let line = finding["line"].as_u64().unwrap_or_default() as usize;
        let severity = finding["severity"].as_str().unwrap_or_default().to_string();
        found.entry(file).or_default().push((code, line, severity));
    }
    found
}

#[test]
fn buildkit_check_cases_are_met() {
    let cases = cases();
    if cases.is_empty() {
        eprintln!("buildkit-check-cases: ../shared/conformance is not here; nothing to score");
        return;
    }
    assert!(
        cases.len() >= 85,
        "expected 85 cases, found {}",
        cases.len()
    );
    let files: Vec<PathBuf> = cases.iter().map(|c| c.file.clone()).collect();
    let found = lint(&files);
    let mut failures = Vec::new();
    for case in &cases {
        let reported = found
            .get(case.file.to_string_lossy().as_ref())
            .cloned()
            .unwrap_or_default();
        let mut got: Vec<(String, usize)> =
            reported.iter().map(|(c, l, _)| (c.clone(), *l)).collect();
        got.sort();
        if got != case.fire {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                case.name, case.fire, got
            ));
        }
        for rule in case.absent.iter().filter(|r| *r != "*") {
            if got.iter().any(|(c, _)| c == rule) {
                failures.push(format!("{}: {rule} reported, but skipped", case.name));
            }
        }
        if case.errors_fail && reported.iter().any(|(_, _, s)| s != "error") {
            failures.push(format!(
                "{}: error=true, but not every finding is an error",
                case.name
            ));
        }
    }
    eprintln!(
        "buildkit checks: {} of {} cases met",
        cases.len() - failures.len().min(cases.len()),
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
