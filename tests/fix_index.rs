//! Safe fixes never take away the package lists an install needs. Removing `/var/lib/apt/lists`
//! at the end of a RUN (DL3009) breaks every later `apt-get install` that did not update for
//! itself; the rules must see that and hold the cleanup back until the install updates.
//!
//! Over ../shared/corpus: every file is fixed at the safe level, and the apt installs that run on
//! no lists at all (their RUN did not update, and no earlier step of the file left any) must not
//! be more after the fix than before. (Before the fix, such installs rely on the base image's
//! lists: the model cannot see those, so they are counted, not judged.)
//!
//! Only apt is walked: it is the one manager here that refuses to install without an index an
//! earlier command stored. apk fetches its index when /var/cache/apk holds none (apk-tools
//! updates a missing or stale index by itself; `apk add --no-cache` relies on that), and yum,
//! dnf, microdnf and zypper download their metadata whenever it is missing or expired, so a
//! safe fix that removes their caches cannot leave a later install without an index.

mod common;

use common::{files_under, shared};
use layerlint::fix::fix_source;
use layerlint::model::Model;
use layerlint::{Applicability, LintOptions};
use rayon::prelude::*;
use std::fs;

/// The apt installs of a text that find no lists, as `line: command` strings.
fn installs_without_lists(source: &str) -> Vec<String> {
    let dockerfile = layerlint::syntax::parse(source);
    let model = Model::build(&dockerfile);
    let index = model.package_index();
    index
        .without_index
        .iter()
        .map(|missing| {
            let op = missing.install;
            let line = dockerfile.line_of(op.span.start);
            format!("{line}: {}", dockerfile.text(op.span))
        })
        .collect()
}

fn fixed(source: &str) -> String {
    fix_source(source, &LintOptions::default(), Applicability::Safe).text
}

/// Fixed with only some rules on, as a team that selects hadolint's codes would.
fn fixed_with(source: &str, rules: &[&str]) -> String {
    let mut options = LintOptions::default();
    options.config.select = Some(rules.iter().map(|r| r.to_string()).collect());
    fix_source(source, &options, Applicability::Safe).text
}

#[test]
fn a_later_install_keeps_its_lists() {
    let source = "FROM debian:bookworm\n\
                  RUN apt-get update && apt-get install -y curl\n\
                  RUN apt-get install -y make && rm -rf /var/lib/apt/lists/*\n";
    assert!(installs_without_lists(source).is_empty());
    let after = fixed(source);
    assert!(installs_without_lists(&after).is_empty(), "{after}");
    // The fixes reach a shape that is both small and correct (here DL3059 merges the RUNs):
    // no lists ship and nothing is left to report about them.
    let left: Vec<_> = layerlint::lint(&after)
        .into_iter()
        .filter(|d| d.code == "DL3009" || d.code == "LL301")
        .collect();
    assert!(left.is_empty(), "{after}\n{left:?}");
    assert!(
        after.ends_with("apt-get install -y make && rm -rf /var/lib/apt/lists/*\n"),
        "{after}"
    );
}

#[test]
fn across_a_stage_built_from_another() {
    let source = "FROM debian:bookworm AS base\n\
                  RUN apt-get update && apt-get install -y ca-certificates\n\
                  FROM base\n\
                  RUN apt-get install -y curl\n";
    let after = fixed(source);
    assert!(installs_without_lists(&after).is_empty(), "{after}");
    assert!(
        after.contains("RUN apt-get update && apt-get install -y curl"),
        "{after}"
    );
}

#[test]
fn the_analysis_sees_a_missing_index() {
    // The check above could pass by seeing nothing: make sure it sees what it counts.
    let cleaned = "FROM debian:bookworm\n\
                   RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n\
                   RUN apt-get install -y make\n";
    assert_eq!(
        installs_without_lists(cleaned),
        ["3: apt-get install -y make"]
    );
    let conditional = "FROM debian:bookworm\n\
                       RUN if [ -n \"$X\" ]; then apt-get update; fi; apt-get install -y make\n";
    assert_eq!(installs_without_lists(conditional).len(), 1);
}

#[test]
fn safe_fixes_on_the_corpus_never_remove_lists_an_install_needs() {
    let files = files_under(&shared("corpus"));
    assert!(files.len() > 2900, "corpus has {} files", files.len());
    let mut broken: Vec<String> = files
        .par_iter()
        .filter_map(|path| {
            let source = String::from_utf8(fs::read(path).ok()?).ok()?;
            if !source.contains("apt") {
                return None;
            }
            let before = installs_without_lists(&source);
            // Every rule, and the cache rules alone: no other rule's fix may be what saves them.
            let selections: [&[&str]; 2] = [&[], &["DL3009", "DL3059", "LL001"]];
            selections.iter().find_map(|rules| {
                let after_text = if rules.is_empty() {
                    fixed(&source)
                } else {
                    fixed_with(&source, rules)
                };
                let after = installs_without_lists(&after_text);
                (after.len() > before.len()).then(|| {
                    format!(
                        "{} (rules {rules:?}): installs without lists before {before:?}, after {after:?}",
                        path.display()
                    )
                })
            })
        })
        .collect();
    broken.sort();
    assert!(
        broken.is_empty(),
        "{} files lose lists an install needs:\n{}",
        broken.len(),
        broken.join("\n")
    );
}
