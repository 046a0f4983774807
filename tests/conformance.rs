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

/// Inputs found by differential testing on which layerlint's parser once disagreed with
/// BuildKit's (see that directory's README). Each has BuildKit's dump (`result`) or its refusal
/// (`rejected`).
fn divergences_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/conformance/buildkit-parser-divergences")
}

/// How a divergence case compared, for the failure message.
enum Outcome {
    Same,
    Differs(String),
}

fn compare_dump(source: &str, expected: &str, normalize: fn(&str) -> String) -> Outcome {
    let parsed = syntax::parse(source);
    match syntax::dump::dump(&parsed) {
        Ok(actual) if normalize(&actual) == normalize(expected) => Outcome::Same,
        Ok(actual) => Outcome::Differs(format!("--- expected\n{expected}--- actual\n{actual}")),
        Err(errors) => Outcome::Differs(format!("rejected: {errors:?}")),
    }
}

fn compare_rejection(source: &str) -> Outcome {
    let parsed = syntax::parse(source);
    if syntax::dump::dump(&parsed).is_ok() {
        return Outcome::Differs("accepted, BuildKit rejects it".into());
    }
    if !layerlint::lint(source).iter().any(|d| d.code == "LL001") {
        return Outcome::Differs("rejected by the parser, but no LL001".into());
    }
    Outcome::Same
}

/// The dump of a file that is not valid UTF-8 can match BuildKit's only up to the bytes that
/// are not text. BuildKit keeps the raw bytes and its dump (Go's `strconv.Quote`) writes each
/// as `\xHH`; read lossily, each invalid sequence is one U+FFFD, which the dump writes as the
/// character itself. (Go writes U+FFFD too where it lower-cases a keyword, one per byte.) So
/// both sides have every `\xHH` of a non-ASCII byte and every run of U+FFFD folded into one
/// U+FFFD; everything else, instruction count, keywords, flags and the ASCII parts of every
/// argument, must be equal byte for byte.
fn fold_undecodable(dump: &str) -> String {
    let mut out = String::with_capacity(dump.len());
    let mut chars = dump.chars().peekable();
    let push = |out: &mut String, c: char| {
        if !(c == '\u{FFFD}' && out.ends_with('\u{FFFD}')) {
            out.push(c);
        }
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            push(&mut out, c);
            continue;
        }
        // An escape: `\xHH` of a byte of 0x80 or more is an undecodable byte; any other escape
        // (an escaped backslash, `\x00`, `\n`) is kept as it is.
        let Some(kind) = chars.next() else {
            out.push(c);
            break;
        };
        let digits: String = chars.clone().take(2).collect();
        if kind == 'x'
            && digits.len() == 2
            && u8::from_str_radix(&digits, 16).is_ok_and(|b| b >= 0x80)
        {
            chars.nth(1);
            push(&mut out, '\u{FFFD}');
        } else {
            out.push(c);
            out.push(kind);
        }
    }
    out
}

#[test]
fn every_buildkit_divergence_case_agrees() {
    let dirs = case_dirs(&divergences_dir());
    assert_eq!(dirs.len(), 43, "the 43 divergence cases");
    let mut failures = Vec::new();
    let mut not_utf8 = 0;
    for dir in &dirs {
        let bytes = fs::read(dir.join("Dockerfile")).expect("readable");
        let expected = fs::read_to_string(dir.join("result")).ok();
        let outcome = match (String::from_utf8(bytes.clone()), &expected) {
            (Ok(source), Some(expected)) => compare_dump(&source, expected, str::to_string),
            (Ok(source), None) => compare_rejection(&source),
            (Err(_), Some(expected)) => {
                not_utf8 += 1;
                let source = String::from_utf8_lossy(&bytes);
                // Apart from the dump text, the structure must agree exactly.
                let parsed = syntax::parse(&source);
                assert_eq!(
                    parsed.instructions().count(),
                    expected.lines().count(),
                    "{}: instruction count",
                    dir.display()
                );
                compare_dump(&source, expected, fold_undecodable)
            }
            (Err(_), None) => Outcome::Differs("not UTF-8 and rejected: no such case".into()),
        };
        if let Outcome::Differs(why) = outcome {
            failures.push(format!("{}: {why}", dir.display()));
        }
    }
    assert_eq!(not_utf8, 6, "the refused-as-not-text cases");
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        dirs.len(),
        failures.join("\n")
    );
}

#[test]
fn folding_undecodable_bytes_keeps_everything_else() {
    assert_eq!(
        fold_undecodable(r#"(run "a\xef\xbb.b")"#),
        "(run \"a\u{FFFD}.b\")"
    );
    assert_eq!(
        fold_undecodable("(fr\u{FFFD}\u{FFFD} \"\")"),
        "(fr\u{FFFD} \"\")"
    );
    // Control characters and escaped backslashes are not undecodable bytes.
    assert_eq!(
        fold_undecodable(r#"("\x00" "\\x80" "\\\xff")"#),
        "(\"\\x00\" \"\\\\x80\" \"\\\\\u{FFFD}\")"
    );
}
