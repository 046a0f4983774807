//! A hadolint user's setup, unchanged, through the binary: the personal configuration files in
//! hadolint's search order, the `HADOLINT_*` variables and their precedence, and the pragmas
//! (`ignore=`, `shell=`) with `--fix`.

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;
use tempfile::TempDir;

/// A file with a DL3008 (warning), DL3015 (info) and DL3014 (warning) finding.
const APT: &str =
    "FROM debian:12\nRUN apt-get update && apt-get install python && rm -rf /var/lib/apt/lists/*\n";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn codes(&self) -> Vec<String> {
        let findings: Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr));
        let mut codes: Vec<String> = findings
            .as_array()
            .expect("an array")
            .iter()
            .map(|f| f["code"].as_str().unwrap_or_default().to_string())
            .collect();
        codes.sort();
        codes.dedup();
        codes
    }
}

/// Runs the binary in `cwd` with only the environment given (plus PATH), `home` as `$HOME`.
fn layerlint(cwd: &Path, home: &Path, env: &[(&str, &str)], args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    command
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home);
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("runs");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A project directory (with `.git`, so layerlint's walk stops there) holding a Dockerfile, and
/// an empty home directory.
fn setup(dockerfile: &str) -> (TempDir, TempDir) {
    let project = tempfile::tempdir().expect("tempdir");
    fs::create_dir(project.path().join(".git")).expect(".git");
    fs::write(project.path().join("Dockerfile"), dockerfile).expect("Dockerfile");
    let home = tempfile::tempdir().expect("home");
    (project, home)
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("a parent")).expect("dirs");
    fs::write(path, text).expect("write");
}

const JSON: &[&str] = &["check", "--format", "json", "Dockerfile"];

#[test]
fn the_users_hadolint_files_are_found_in_hadolints_order() {
    let (project, home) = setup(APT);
    let run = || layerlint(project.path(), home.path(), &[], JSON).codes();
    assert!(run().contains(&"DL3008".to_string()));

    write(&home.path().join(".hadolint.yaml"), "ignored: [DL3008]\n");
    let codes = run();
    assert!(!codes.contains(&"DL3008".to_string()), "{codes:?}");
    assert!(codes.contains(&"DL3015".to_string()), "{codes:?}");

    // ~/.config/hadolint.yml comes before ~/.hadolint.yaml.
    write(
        &home.path().join(".config/hadolint.yml"),
        "ignored: [DL3015]\n",
    );
    let codes = run();
    assert!(codes.contains(&"DL3008".to_string()), "{codes:?}");
    assert!(!codes.contains(&"DL3015".to_string()), "{codes:?}");

    // $XDG_CONFIG_HOME moves that place.
    let xdg = home.path().join("xdg");
    write(&xdg.join("hadolint.yaml"), "ignored: [DL3014]\n");
    let xdg_text = xdg.to_string_lossy().into_owned();
    let codes = layerlint(
        project.path(),
        home.path(),
        &[("XDG_CONFIG_HOME", xdg_text.as_str())],
        JSON,
    )
    .codes();
    assert!(!codes.contains(&"DL3014".to_string()), "{codes:?}");
    assert!(codes.contains(&"DL3015".to_string()), "{codes:?}");

    // The project's own configuration wins over all of them.
    write(
        &project.path().join(".layerlint.yaml"),
        "ignored: [DL3014]\n",
    );
    let codes = run();
    assert!(codes.contains(&"DL3015".to_string()), "{codes:?}");
    assert!(codes.contains(&"DL3008".to_string()), "{codes:?}");
}

#[test]
fn hadolint_variables_sit_between_the_file_and_the_command_line() {
    let (project, home) = setup(APT);
    write(
        &project.path().join(".hadolint.yaml"),
        "failure-threshold: info\n",
    );
    // The file alone fails the run on the warnings.
    assert_eq!(layerlint(project.path(), home.path(), &[], JSON).code, 1);
    // The variable replaces the file's threshold, and adds to its ignore list.
    let env = [
        ("HADOLINT_FAILURE_THRESHOLD", "error"),
        ("HADOLINT_IGNORE", "DL3008,DL3014"),
    ];
    let run = layerlint(project.path(), home.path(), &env, JSON);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.codes(), ["DL3015"]);
    // The command line wins over the variable.
    let args = [
        "check",
        "--format",
        "json",
        "--fail-level",
        "info",
        "Dockerfile",
    ];
    assert_eq!(layerlint(project.path(), home.path(), &env, &args).code, 1);
    // An override moves a rule's severity, as `override:` does.
    let raised = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_OVERRIDE_ERROR", "DL3015")],
        JSON,
    );
    let findings: Value = serde_json::from_str(&raised.stdout).expect("JSON");
    let dl3015 = findings
        .as_array()
        .expect("array")
        .iter()
        .find(|f| f["code"] == "DL3015")
        .expect("DL3015 reported");
    assert_eq!(dl3015["severity"], "error");
    // HADOLINT_NOFAIL never fails.
    let nofail = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_NOFAIL", "true")],
        JSON,
    );
    assert_eq!(nofail.code, 0);
}

#[test]
fn hadolint_format_is_the_default_format() {
    let (project, home) = setup(APT);
    let plain = ["check", "Dockerfile"];
    let run = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_FORMAT", "json")],
        &plain,
    );
    assert!(run.codes().contains(&"DL3008".to_string()));
    // `--format` wins; a format layerlint lacks is a note, not a failure to run.
    let run = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_FORMAT", "sonarqube")],
        &["check", "--format", "gnu", "Dockerfile"],
    );
    assert!(run.stdout.contains("[DL3008]"), "{}", run.stdout);
    let run = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_FORMAT", "sonarqube")],
        &plain,
    );
    assert!(run.stderr.contains("HADOLINT_FORMAT"), "{}", run.stderr);
    assert!(run.stdout.contains("DL3008"), "{}", run.stdout);
    // The configuration's `format` comes after the variable.
    write(&project.path().join(".hadolint.yaml"), "format: json\n");
    let run = layerlint(project.path(), home.path(), &[], &plain);
    assert!(run.codes().contains(&"DL3008".to_string()));
    let run = layerlint(
        project.path(),
        home.path(),
        &[("HADOLINT_FORMAT", "gnu")],
        &plain,
    );
    assert!(run.stdout.contains("[DL3008]"), "{}", run.stdout);
}

#[test]
fn disable_ignore_pragma_from_the_environment() {
    let source = "FROM debian:12\n# hadolint ignore=DL3008\nRUN apt-get update && apt-get install -y --no-install-recommends python && rm -rf /var/lib/apt/lists/*\n";
    let (project, home) = setup(source);
    let codes = layerlint(project.path(), home.path(), &[], JSON).codes();
    assert!(!codes.contains(&"DL3008".to_string()), "{codes:?}");
    let env = [("HADOLINT_DISABLE_IGNORE_PRAGMA", "1")];
    let codes = layerlint(project.path(), home.path(), &env, JSON).codes();
    assert!(codes.contains(&"DL3008".to_string()), "{codes:?}");
}

#[test]
fn fix_never_merges_a_run_its_pragma_keeps_apart() {
    let source =
        "FROM alpine:3.20\nRUN echo one\nRUN echo two\n# hadolint ignore=DL3059\nRUN echo three\n";
    let (project, home) = setup(source);
    let run = layerlint(project.path(), home.path(), &[], JSON);
    let codes = run.codes();
    assert!(!codes.contains(&"LL002".to_string()), "{codes:?}");
    assert!(!codes.contains(&"DL3059".to_string()), "{codes:?}");
    let fixed = layerlint(
        project.path(),
        home.path(),
        &[],
        &["check", "--fix", "--unsafe-fixes", "Dockerfile"],
    );
    assert_eq!(fixed.code, 0, "{}", fixed.stderr);
    let text = fs::read_to_string(project.path().join("Dockerfile")).expect("read");
    assert_eq!(text, source);
}

#[test]
fn a_shell_pragma_takes_the_scripts_away_from_the_sh_rules() {
    let source = "FROM debian:12\n# hadolint shell=powershell\nRUN apt-get install python\n";
    let (project, home) = setup(source);
    let codes = layerlint(project.path(), home.path(), &[], JSON).codes();
    assert!(codes.is_empty(), "{codes:?}");
    let (project, home) = setup(&source.replace("# hadolint shell=powershell\n", ""));
    let codes = layerlint(project.path(), home.path(), &[], JSON).codes();
    assert!(codes.contains(&"DL3008".to_string()), "{codes:?}");
}
