//! Docker BuildKit's own parser test cases: every positive case must dump byte for byte equal to
//! its `result`, every negative case must be rejected.

use layerlint::syntax::{self, ErrorKind};
use std::fs;
use std::path::{Path, PathBuf};

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser")
}

fn case_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.join("Dockerfile").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_positive_case_dumps_exactly() {
    let dirs: Vec<PathBuf> = case_dirs(&cases_dir())
        .into_iter()
        .filter(|d| d.join("result").is_file())
        .collect();
    assert!(
        dirs.len() >= 33,
        "expected the 33 BuildKit cases, found {}",
        dirs.len()
    );
    let mut failures = Vec::new();
    for dir in &dirs {
        let source = fs::read_to_string(dir.join("Dockerfile")).expect("case is UTF-8");
        let expected = fs::read_to_string(dir.join("result")).expect("result is UTF-8");
        let parsed = syntax::parse(&source);
        match syntax::dump::dump(&parsed) {
            Ok(actual) if actual == expected => {}
            Ok(actual) => failures.push(format!(
                "{}:\n--- expected\n{expected}--- actual\n{actual}",
                dir.display()
            )),
            Err(errors) => failures.push(format!("{}: rejected: {errors:?}", dir.display())),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn every_negative_case_is_an_ll001() {
    let dirs = case_dirs(&cases_dir().join("_negative"));
    assert_eq!(dirs.len(), 4);
    for dir in &dirs {
        let source = fs::read_to_string(dir.join("Dockerfile")).expect("case is UTF-8");
        let parsed = syntax::parse(&source);
        assert!(
            parsed.errors.iter().any(|e| e.kind == ErrorKind::Parse),
            "{} should be rejected",
            dir.display()
        );
        assert!(syntax::dump::dump(&parsed).is_err());
        let findings = layerlint::lint(&source);
        assert!(
            findings.iter().any(|d| d.code == "LL001"),
            "{}: no LL001",
            dir.display()
        );
    }
}

/// BuildKit's line-info case: three instructions on lines 5, 11–12 and 17–31.
#[test]
fn line_info_matches_buildkit() {
    let source =
        fs::read_to_string(cases_dir().join("_line-info/Dockerfile")).expect("case is UTF-8");
    let parsed = syntax::parse(&source);
    let index = layerlint::LineIndex::new(&source);
    let ranges: Vec<(usize, usize)> = parsed
        .instructions()
        .map(|i| {
            let last = i.lines.end as usize - 1;
            (
                index.line_of(i.lines.start as usize) + 1,
                index.line_of(last) + 1,
            )
        })
        .collect();
    assert_eq!(ranges, [(5, 5), (11, 12), (17, 31)]);
}
