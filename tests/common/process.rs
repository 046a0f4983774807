//! Running the tools the distribution tests drive (git, pre-commit, maturin, buildah): whether a
//! tool is here, a run that must succeed, and a committed git repository to run hooks in.

use std::process::{Command, Output};

/// True when `tool --version` runs and succeeds.
pub fn available(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Standard output then standard error, for assertion messages.
pub fn output_text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs `command`, failing the test with its output when it fails.
pub fn run_ok(command: &mut Command) -> Output {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        output.status.success(),
        "{command:?}:\n{}",
        output_text(&output)
    );
    output
}

/// A git repository holding `files` (relative path, content) in one commit, as pre-commit wants.
pub fn committed_repository(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = super::project(files);
    let git = |args: &[&str]| {
        run_ok(
            Command::new("git")
                .args([
                    "-c",
                    "user.name=layerlint",
                    "-c",
                    "user.email=layerlint@example.com",
                ])
                .args(args)
                .current_dir(dir.path()),
        )
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-q", "-m", "init"]);
    dir
}

/// Asserts what a hook run on `committed_repository`'s project shows: it failed on the Dockerfile
/// whose `RUNN` line is a syntax error (LL001), and never named `not_a_dockerfile`. Returns the
/// run's text for further assertions.
pub fn assert_hook_failed_on_runn(output: &Output, not_a_dockerfile: &str) -> String {
    let text = output_text(output);
    assert!(
        !output.status.success(),
        "the hook must fail on a syntax error:\n{text}"
    );
    assert!(
        text.contains("LL001") && text.contains("RUNN"),
        "the finding is shown:\n{text}"
    );
    assert!(
        !text.contains(not_a_dockerfile),
        "only Dockerfiles are linted:\n{text}"
    );
    text
}
