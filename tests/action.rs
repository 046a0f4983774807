//! The GitHub Action (action.yml and the scripts under action/): its inputs and defaults, the
//! steps that pass each input to `layerlint check`, and the README's workflow example run through
//! the same script the action runs, with the binary built for this test. The example is read
//! from README.md, so the documented workflow and the tested one cannot drift apart.

use serde_yaml::{Mapping, Value};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn action() -> Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join("action.yml")).expect("action.yml");
    serde_yaml::from_str(&text).expect("action.yml is YAML")
}

fn inputs(action: &Value) -> &Mapping {
    action["inputs"].as_mapping().expect("inputs is a mapping")
}

/// The input's default, as the runner would substitute it.
fn default_of(action: &Value, input: &str) -> String {
    let spec = &action["inputs"][input];
    assert!(!spec.is_null(), "action.yml has no input `{input}`");
    match &spec["default"] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => panic!("input `{input}`: default {other:?} is not a string"),
    }
}

fn steps(action: &Value) -> &[Value] {
    action["runs"]["steps"].as_sequence().expect("runs.steps")
}

fn step_named<'a>(action: &'a Value, name: &str) -> &'a Value {
    steps(action)
        .iter()
        .find(|s| s["name"].as_str() == Some(name))
        .unwrap_or_else(|| panic!("action.yml has no step named `{name}`"))
}

#[test]
fn the_action_is_composite_with_every_input_optional_and_described() {
    let action = action();
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    for name in [
        "paths",
        "format",
        "fail-level",
        "config",
        "sarif",
        "sarif-file",
        "version",
    ] {
        let spec = &action["inputs"][name];
        assert!(spec.is_mapping(), "input `{name}` is missing");
        assert!(
            spec["description"].as_str().is_some_and(|d| !d.is_empty()),
            "input `{name}` has no description"
        );
        // A workflow that names only the action must work: nothing is required.
        assert_eq!(spec["required"].as_bool(), Some(false), "input `{name}`");
    }
    assert_eq!(default_of(&action, "paths"), ".");
    assert_eq!(default_of(&action, "format"), "github");
    assert_eq!(default_of(&action, "sarif"), "false");
    // The default version is the crate's: releasing bumps both or the test fails.
    assert_eq!(default_of(&action, "version"), env!("CARGO_PKG_VERSION"));
    // Every format the action documents is one `check --format` accepts.
    let format_help = inputs(&action)
        .get("format")
        .and_then(|f| f["description"].as_str())
        .expect("format description");
    for format in [
        "github",
        "human",
        "json",
        "gnu",
        "sarif",
        "checkstyle",
        "codeclimate",
    ] {
        assert!(format_help.contains(format), "{format} is not documented");
        let run = Command::new(env!("CARGO_BIN_EXE_layerlint"))
            .args(["check", "--format", format, "-"])
            .stdin(std::process::Stdio::null())
            .output()
            .expect("layerlint runs");
        assert_ne!(run.status.code(), Some(2), "--format {format} is refused");
    }
}

#[test]
fn each_step_passes_its_inputs_through_the_environment() {
    let action = action();
    let check = step_named(&action, "layerlint check");
    assert_eq!(check["shell"].as_str(), Some("bash"));
    assert_eq!(
        check["run"].as_str(),
        Some(r#"bash "$GITHUB_ACTION_PATH/action/check.sh""#)
    );
    let env = &check["env"];
    for (variable, input) in [
        ("INPUT_PATHS", "paths"),
        ("INPUT_FORMAT", "format"),
        ("INPUT_FAIL_LEVEL", "fail-level"),
        ("INPUT_CONFIG", "config"),
    ] {
        assert_eq!(
            env[variable].as_str(),
            Some(format!("${{{{ inputs.{input} }}}}").as_str()),
            "{variable}"
        );
    }

    // The SARIF run writes the file whatever the findings, and only when asked for.
    let sarif = step_named(&action, "Write SARIF");
    assert_eq!(sarif["if"].as_str(), Some("inputs.sarif == 'true'"));
    assert_eq!(sarif["env"]["INPUT_FORMAT"].as_str(), Some("sarif"));
    assert_eq!(sarif["env"]["INPUT_FAIL_LEVEL"].as_str(), Some("none"));
    assert_eq!(
        sarif["env"]["INPUT_OUTPUT"].as_str(),
        Some("${{ inputs.sarif-file }}")
    );
    let upload = step_named(&action, "Upload SARIF");
    assert!(
        upload["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@")),
        "{upload:?}"
    );
    assert_eq!(upload["if"].as_str(), Some("inputs.sarif == 'true'"));
    assert_eq!(
        upload["with"]["sarif_file"].as_str(),
        Some("${{ inputs.sarif-file }}")
    );
    // The upload comes before the check, which is the step that may fail the job.
    let order: Vec<_> = steps(&action)
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(
        order,
        [
            "Install layerlint",
            "Write SARIF",
            "Upload SARIF",
            "layerlint check"
        ]
    );
    let install = step_named(&action, "Install layerlint");
    assert_eq!(
        install["env"]["LAYERLINT_VERSION"].as_str(),
        Some("${{ inputs.version }}")
    );
}

/// The first ```yaml block after the README's "### GitHub Action" heading.
fn readme_workflow() -> Value {
    let readme = std::fs::read_to_string(Path::new(ROOT).join("README.md")).expect("README.md");
    let section = readme
        .split_once("\n### GitHub Action\n")
        .expect("README has a `### GitHub Action` section")
        .1;
    let block = section
        .split_once("```yaml\n")
        .and_then(|(_, rest)| rest.split_once("\n```"))
        .expect("the section has a yaml block")
        .0;
    serde_yaml::from_str(block).expect("the README's workflow is YAML")
}

/// The `with:` of the workflow step that uses this action.
fn readme_inputs(workflow: &Value) -> BTreeMap<String, String> {
    let jobs = workflow["jobs"].as_mapping().expect("jobs");
    let step = jobs
        .values()
        .flat_map(|job| job["steps"].as_sequence().cloned().unwrap_or_default())
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.contains("/layerlint@"))
        })
        .expect("a step uses the layerlint action");
    let with = step["with"].as_mapping().cloned().unwrap_or_default();
    with.iter()
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Bool(b) => b.to_string(),
                Value::Number(n) => n.to_string(),
                other => panic!("input {k:?}: {other:?}"),
            };
            (k.as_str().expect("input name").to_string(), value)
        })
        .collect()
}

/// action/check.sh as a step of the action runs it: the inputs as INPUT_* variables (the given
/// ones over the action's defaults), from the repository root, with this build's binary.
fn run_check_script(action: &Value, step: &str, given: &BTreeMap<String, String>) -> Output {
    let input = |name: &str| {
        given
            .get(name)
            .cloned()
            .unwrap_or_else(|| default_of(action, name))
    };
    let env = &step_named(action, step)["env"];
    let mut command = Command::new("bash");
    command
        .arg(Path::new(ROOT).join("action/check.sh"))
        .current_dir(ROOT)
        .env("LAYERLINT", env!("CARGO_BIN_EXE_layerlint"));
    for (variable, value) in env.as_mapping().expect("step env") {
        let variable = variable.as_str().expect("variable name");
        let value = value.as_str().unwrap_or_default();
        // `${{ inputs.NAME }}` is the runner's substitution; anything else is literal.
        let value = match value
            .strip_prefix("${{ inputs.")
            .and_then(|v| v.strip_suffix(" }}"))
        {
            Some(name) => input(name),
            None => value.to_string(),
        };
        command.env(variable, value);
    }
    command.output().expect("bash runs")
}

#[test]
fn the_readme_workflow_runs_the_check_it_documents() {
    let action = action();
    let given = readme_inputs(&readme_workflow());
    for name in given.keys() {
        assert!(
            inputs(&action).contains_key(name.as_str()),
            "the README passes `{name}`, which action.yml does not declare"
        );
    }
    assert_eq!(
        given.get("sarif").map(String::as_str),
        Some("true"),
        "the example shows the SARIF upload"
    );

    let out = run_check_script(&action, "layerlint check", &given);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The same check typed by hand: the script adds nothing and drops nothing.
    let mut by_hand = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    by_hand.current_dir(ROOT).args([
        "check",
        "--format",
        &given
            .get("format")
            .cloned()
            .unwrap_or_else(|| default_of(&action, "format")),
    ]);
    if let Some(level) = given.get("fail-level") {
        by_hand.args(["--fail-level", level]);
    }
    if let Some(config) = given.get("config") {
        by_hand.args(["--config", config]);
    }
    by_hand.args(
        given
            .get("paths")
            .cloned()
            .unwrap_or_else(|| default_of(&action, "paths"))
            .split_whitespace(),
    );
    let expected = by_hand.output().expect("layerlint runs");
    assert_eq!(
        stdout,
        String::from_utf8_lossy(&expected.stdout),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), expected.status.code());
    // The example lints files with findings: annotations in the log, and a failed step.
    assert!(
        stdout.lines().any(|l| l.starts_with("::warning file=")),
        "no annotation:\n{stdout}"
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}");

    // The SARIF step writes its log to the file the upload step reads, and does not fail.
    let dir = tempfile::tempdir().expect("tempdir");
    let sarif_path = dir.path().join("layerlint.sarif");
    let mut with_file = given.clone();
    with_file.insert("sarif-file".into(), sarif_path.display().to_string());
    let sarif_run = run_check_script(&action, "Write SARIF", &with_file);
    assert_eq!(
        sarif_run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&sarif_run.stderr)
    );
    let log: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif_path).expect("the SARIF file"))
            .expect("SARIF is JSON");
    assert_eq!(log["version"], "2.1.0");
    let results = log["runs"][0]["results"].as_array().expect("results");
    assert!(!results.is_empty(), "the SARIF log has the findings");
}

#[test]
fn shell_words_in_an_input_are_data_not_commands() {
    // Inputs arrive through the environment: `$(…)` in a config name is a file name, not a command.
    let action = action();
    let dir = tempfile::tempdir().expect("tempdir");
    let marker = dir.path().join("ran");
    let given = BTreeMap::from([
        ("paths".to_string(), "examples/seed".to_string()),
        (
            "config".to_string(),
            format!("$(touch {})", marker.display()),
        ),
    ]);
    let out = run_check_script(&action, "layerlint check", &given);
    assert!(!marker.exists(), "the config input ran as a command");
    // The config file does not exist: layerlint says so and exits 2.
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
