//! The pre-commit hook as a user meets it: `pre-commit try-repo` against this repository, which
//! builds layerlint with cargo (`language: rust`) and runs the `layerlint` hook on a Dockerfile.
//! Needs `pre-commit` on PATH (`.ci/run` installs it from PyPI); without it the test fails under
//! CI and elsewhere skips visibly (see tests/skip/mod.rs).

mod common;
mod skip;

use common::process::{assert_hook_failed_on_runn, available, committed_repository};
use std::process::Command;

#[test]
fn the_hooks_lint_and_fix_through_pre_commit() {
    if !available("pre-commit") {
        skip::skip(
            "the pre-commit hook test (tests/precommit.rs)",
            "pre-commit is not installed (pip install pre-commit); the hook was not tested",
        );
        return;
    }
    let project = committed_repository(&[
        (
            "Dockerfile",
            b"FROM alpine:3.20\nRUNN apk add --no-cache curl\n",
        ),
        ("README.md", b"not a Dockerfile\n"),
        (
            "web/Containerfile",
            b"FROM alpine:3.20\nRUN echo a\nRUN echo b\n",
        ),
    ]);
    let dir = project.path();

    let repo = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("pre-commit")
        // No hook id: both hooks (layerlint, layerlint-fix) run, from one build.
        .args(["try-repo", repo, "--all-files"])
        // The pip-installed twins of these hooks are tested in tests/python_package.rs.
        .env("SKIP", "layerlint-python,layerlint-fix-python")
        .current_dir(dir)
        .output()
        .expect("pre-commit runs");
    let text = assert_hook_failed_on_runn(&output, "README.md");
    // layerlint-fix merged the Containerfile's two RUNs and left the broken file alone.
    let fixed = std::fs::read_to_string(dir.join("web/Containerfile")).expect("read");
    assert_eq!(
        fixed, "FROM alpine:3.20\nRUN echo a && \\\n    echo b\n",
        "{text}"
    );
    let untouched = std::fs::read_to_string(dir.join("Dockerfile")).expect("read");
    assert_eq!(
        untouched,
        "FROM alpine:3.20\nRUNN apk add --no-cache curl\n"
    );
}
