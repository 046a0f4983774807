//! The pre-commit hook as a user meets it: `pre-commit try-repo` against this repository, which
//! builds layerlint with cargo (`language: rust`) and runs the `layerlint` hook on a Dockerfile.
//! Needs `pre-commit` on PATH (`.ci/run` installs it from PyPI); without it the test fails under
//! CI and elsewhere skips visibly (see tests/skip/mod.rs).

mod skip;

use std::path::Path;
use std::process::Command;

fn pre_commit_available() -> bool {
    Command::new("pre-commit")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .args([
            "-c",
            "user.name=layerlint",
            "-c",
            "user.email=layerlint@example.com",
        ])
        .args(args)
        .current_dir(dir)
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?} failed");
}

#[test]
fn the_hooks_lint_and_fix_through_pre_commit() {
    if !pre_commit_available() {
        skip::skip(
            "the pre-commit hook test (tests/precommit.rs)",
            "pre-commit is not installed (pip install pre-commit); the hook was not tested",
        );
        return;
    }
    let project = tempfile::tempdir().expect("tempdir");
    let dir = project.path();
    git(dir, &["init", "-q"]);
    std::fs::write(
        dir.join("Dockerfile"),
        "FROM alpine:3.20\nRUNN apk add --no-cache curl\n",
    )
    .expect("write");
    std::fs::write(dir.join("README.md"), "not a Dockerfile\n").expect("write");
    std::fs::create_dir_all(dir.join("web")).expect("mkdir");
    let two_runs = "FROM alpine:3.20\nRUN echo a\nRUN echo b\n";
    std::fs::write(dir.join("web/Containerfile"), two_runs).expect("write");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "init"]);

    let repo = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("pre-commit")
        // No hook id: both hooks (layerlint, layerlint-fix) run, from one build.
        .args(["try-repo", repo, "--all-files"])
        .current_dir(dir)
        .output()
        .expect("pre-commit runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        !output.status.success(),
        "the hook must fail on a syntax error:\n{text}"
    );
    assert!(
        text.contains("LL001") && text.contains("RUNN"),
        "the finding is shown:\n{text}"
    );
    assert!(
        !text.contains("README.md"),
        "only Dockerfiles are linted:\n{text}"
    );
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
