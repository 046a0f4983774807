//! The fix engine over ../shared/corpus (2,900+ real Dockerfiles), with unsafe fixes on: no round
//! may break a file's syntax, every fixed file must be a fixed point, and the totals are printed so
//! that a change in what the rules fix shows up in the test's output.

mod common;

use common::{files_under, shared};
use layerlint::fix::{FixOutcome, FixRefusal, fix_source};
use layerlint::{Applicability, LintOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// What fixing one corpus file showed.
struct Checked {
    path: PathBuf,
    outcome: FixOutcome,
    /// Whatever is wrong: a broken syntax, a file that did not settle or is not a fixed point.
    problems: Vec<String>,
}

fn check(path: &Path) -> Option<Checked> {
    // The parser's corpus test covers files that are not UTF-8; here there is nothing to fix.
    let source = String::from_utf8(fs::read(path).ok()?).ok()?;
    let options = LintOptions::default();
    let outcome = fix_source(&source, &options, Applicability::Unsafe);
    let mut problems = Vec::new();
    match &outcome.refusal {
        None | Some(FixRefusal::Unparsable) => {}
        Some(refusal) => problems.push(format!("refused: {refusal}")),
    }
    let had_syntax_error = layerlint::lint_with(&source, &options)
        .iter()
        .any(|d| d.code == "LL001");
    if !had_syntax_error && outcome.remaining.iter().any(|d| d.code == "LL001") {
        problems.push("the fixed text has a syntax error".to_string());
    }
    if outcome.text != source {
        let again = fix_source(&outcome.text, &options, Applicability::Unsafe);
        if again.text != outcome.text || !again.fixed.is_empty() {
            problems.push(format!(
                "not a fixed point: fixing again applies {:?}",
                again.fixed
            ));
        }
    }
    Some(Checked {
        path: path.to_path_buf(),
        outcome,
        problems,
    })
}

#[test]
fn fixing_the_corpus_never_breaks_syntax_and_reaches_a_fixed_point() {
    let files = files_under(&shared("corpus"));
    assert!(files.len() > 2900, "corpus has {} files", files.len());
    let checked: Vec<Checked> = files.par_iter().filter_map(|path| check(path)).collect();

    let problems: Vec<String> = checked
        .iter()
        .flat_map(|c| {
            c.problems
                .iter()
                .map(|p| format!("{}: {p}", c.path.display()))
        })
        .collect();
    let fixed_files = checked
        .iter()
        .filter(|c| c.outcome.fixed_total() > 0)
        .count();
    let unparsable = checked
        .iter()
        .filter(|c| c.outcome.refusal == Some(FixRefusal::Unparsable))
        .count();
    let mut per_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for (code, n) in checked.iter().flat_map(|c| &c.outcome.fixed) {
        *per_rule.entry(code).or_default() += n;
    }
    let total: usize = per_rule.values().sum();
    eprintln!(
        "fix corpus: {} files read, {fixed_files} fixed, {unparsable} left alone for syntax errors; {total} fixes applied",
        checked.len()
    );
    for (code, n) in &per_rule {
        eprintln!("  {code}: {n}");
    }

    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems[..problems.len().min(40)].join("\n")
    );
    // The layer rules fire on a large share of real Dockerfiles (see the hand review of the
    // corpus); a collapse here means the fixes stopped applying, not that the world got better.
    assert!(fixed_files > 100, "only {fixed_files} files fixed");
    assert!(total >= fixed_files);
}
