//! hadolint's own rule specs, as cases (../shared/conformance/hadolint-spec and
//! hadolint-spec-config): each case is a Dockerfile and lines `fire CODE *` (at least one finding
//! of CODE) or `absent CODE`. They are scored through the binary, as a hadolint user would run it:
//! `check --format json --no-config`, or `--config <case>/.hadolint.yaml` for the config cases.
//!
//! A case whose rule layerlint implements must meet its expectation, or be listed with its reason
//! in tests/hadolint-spec-deviations.txt (`case<TAB>why`); a listed case that now passes is an
//! error too, so the list stays true. Cases of rules not implemented yet are counted and printed,
//! not asserted: the score shows how far the drop-in is.
//!
//! Measured when written (2026-11-26): 135 of 217 cases of the rules implemented then met; the 82
//! others were fragments without `FROM` and `ONBUILD RUN` triggers. With the instruction rules
//! (src/rules/instructions/, 39 codes): 453 of 536 met.
//!
//! Measured 2026-11-27, all 1,008 cases scored: 977 met (96.9%), 31 listed; later the same day
//! 978 met (97.0%), 30 listed, and the test asserts the 97% target. Fragments are a stage
//! of the model and `ONBUILD RUN` triggers steps of their own, so the model-based rules (DL3009,
//! DL3019, DL3032, DL3036, DL3040, DL3042, DL3059, DL3060) check them. Of the 31 listed, 30 are
//! deliberate (pip's reading of `PIP_NO_CACHE_DIR=false` 12, `yarn install <pkg>` failing 8,
//! DL3059 on RUNs that already chain commands 5, a plain `zypper clean` 4, the
//! `ignore=crazy,DL3002` pragma 1) and 1 is a gap of the model (microdnf's cache directory).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn conformance() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance")
}

/// One expectation of a case.
#[derive(Debug)]
struct Expectation {
    fire: bool,
    code: String,
}

struct Case {
    name: String,
    dir: PathBuf,
    expectations: Vec<Expectation>,
    config: Option<PathBuf>,
}

fn cases(folder: &str, with_config: bool) -> Vec<Case> {
    let root = conformance().join(folder);
    let Ok(entries) = fs::read_dir(&root) else {
        return Vec::new();
    };
    let mut found: Vec<Case> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|dir| dir.join("expect").is_file())
        .map(|dir| {
            let expect = fs::read_to_string(dir.join("expect")).expect("readable expect");
            let expectations = expect
                .lines()
                .filter_map(|line| {
                    let mut words = line.split_whitespace();
                    let fire = match words.next()? {
                        "fire" => true,
                        "absent" => false,
                        other => panic!("{}: unknown expectation {other}", dir.display()),
                    };
                    Some(Expectation {
                        fire,
                        code: words.next()?.to_string(),
                    })
                })
                .collect();
            Case {
                name: dir.file_name().unwrap().to_string_lossy().into_owned(),
                config: with_config.then(|| dir.join(".hadolint.yaml")),
                dir,
                expectations,
            }
        })
        .collect();
    found.sort_by(|a, b| a.name.cmp(&b.name));
    found
}

/// The codes each file is reported with, by file path as the binary prints it.
fn lint(files: &[PathBuf], config: Option<&Path>) -> BTreeMap<String, BTreeSet<String>> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    command.args(["check", "--format", "json", "--fail-level", "none"]);
    match config {
        Some(config) => command.arg("--config").arg(config),
        None => command.arg("--no-config"),
    };
    let out = command.args(files).output().expect("the binary runs");
    let mut codes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    // A refused configuration or file prints no JSON: every expectation of it is then judged on
    // no findings, and the refusal shows in the failures.
    if let Ok(Value::Array(findings)) = serde_json::from_slice::<Value>(&out.stdout) {
        for finding in findings {
            let file = finding["file"].as_str().unwrap_or_default().to_string();
            let code = finding["code"].as_str().unwrap_or_default().to_string();
            codes.entry(file).or_default().insert(code);
        }
    }
    codes
}

fn deviations() -> BTreeMap<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hadolint-spec-deviations.txt");
    fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (case, why) = line.split_once('\t').unwrap_or((line, ""));
            assert!(!why.trim().is_empty(), "deviation {case} gives no reason");
            (case.trim().to_string(), why.trim().to_string())
        })
        .collect()
}

#[test]
fn hadolint_spec_cases_are_met_or_listed_as_deviations() {
    let plain = cases("hadolint-spec", false);
    let configured = cases("hadolint-spec-config", true);
    if plain.is_empty() {
        eprintln!("hadolint-spec: ../shared/conformance is not here; nothing to score");
        return;
    }
    assert!(
        plain.len() >= 900,
        "expected ~931 cases, found {}",
        plain.len()
    );
    let implemented: BTreeSet<String> = layerlint::rules::all()
        .map(|(doc, _)| doc.code.to_string())
        .collect();

    let mut reported: BTreeMap<PathBuf, BTreeSet<String>> = BTreeMap::new();
    let files: Vec<PathBuf> = plain.iter().map(|c| c.dir.join("Dockerfile")).collect();
    let by_file = lint(&files, None);
    for case in &plain {
        let file = case.dir.join("Dockerfile");
        let codes = by_file
            .get(file.to_string_lossy().as_ref())
            .cloned()
            .unwrap_or_default();
        reported.insert(case.dir.clone(), codes);
    }
    for case in &configured {
        let file = case.dir.join("Dockerfile");
        let codes = lint(std::slice::from_ref(&file), case.config.as_deref());
        reported.insert(case.dir.clone(), codes.into_values().flatten().collect());
    }

    let listed = deviations();
    let (mut met, mut scored, mut pending) = (0, 0, 0);
    let mut failures = Vec::new();
    let mut stale = Vec::new();
    let mut missing_rules: BTreeMap<String, usize> = BTreeMap::new();
    for case in plain.iter().chain(&configured) {
        let codes = &reported[&case.dir];
        // A case counts once all its rules are implemented; a pragma case names several.
        let unimplemented: Vec<&str> = case
            .expectations
            .iter()
            .map(|e| e.code.as_str())
            .filter(|code| !implemented.contains(*code))
            .collect();
        if !unimplemented.is_empty() {
            pending += 1;
            for code in unimplemented {
                *missing_rules.entry(code.to_string()).or_default() += 1;
            }
            continue;
        }
        scored += 1;
        let wrong: Vec<String> = case
            .expectations
            .iter()
            .filter(|e| codes.contains(&e.code) != e.fire)
            .map(|e| format!("{} {}", if e.fire { "fire" } else { "absent" }, e.code))
            .collect();
        match (wrong.is_empty(), listed.contains_key(&case.name)) {
            (true, false) => met += 1,
            (true, true) => stale.push(case.name.clone()),
            (false, true) => {}
            (false, false) => failures.push(format!(
                "{}: expected {}; reported {:?}",
                case.name,
                wrong.join(", "),
                codes
            )),
        }
    }
    eprintln!(
        "hadolint spec: {met} of {scored} cases of implemented rules met ({} listed as deviations); {pending} cases wait for rules not implemented yet: {:?}",
        scored - met - failures.len() - stale.len(),
        missing_rules.keys().collect::<Vec<_>>()
    );
    assert!(
        failures.is_empty(),
        "{} cases fail and are not listed in tests/hadolint-spec-deviations.txt:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        stale.is_empty(),
        "listed as deviations but now met (remove them from the list): {stale:?}"
    );
    // Issue 10's target: every case scored (every rule is implemented) and at least 97% of them
    // met without a listed deviation.
    assert_eq!(pending, 0, "cases wait for rules: {missing_rules:?}");
    assert!(
        met * 100 >= scored * 97,
        "{met} of {scored} cases met: under 97%"
    );
}
