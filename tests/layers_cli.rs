//! `layerlint layers` from the command line: the three formats, the simulation flags, and the
//! errors it refuses with exit status 2.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn layerlint(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("runs")
}

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = [
        (
            "Dockerfile",
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n\
             FROM alpine:3.20 AS debug\nRUN apk add gdb\n\
             FROM alpine:3.20\nARG VERSION=1\nRUN apk add --no-cache ca-certificates\n\
             COPY --from=build /out/app /usr/local/bin/app\nENV V=$VERSION\nCMD [\"app\"]\n",
        ),
        ("go.mod", "module x\n"),
        ("main.go", "package main\n"),
        ("notes/todo.txt", "x\n"),
        (".dockerignore", "notes\n"),
    ];
    for (path, text) in files {
        let file = dir.path().join(path);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(file, text).unwrap();
    }
    dir
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn json_lists_every_stage_and_what_each_step_reads() {
    let dir = project();
    let out = layerlint(dir.path(), &["layers", "Dockerfile", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["target"], 2);
    assert!(doc.get("simulation").is_none());
    let stages = doc["stages"].as_array().unwrap();
    let built: Vec<bool> = stages.iter().map(|s| s["built"] == true).collect();
    assert_eq!(built, [true, false, true]);
    let copy = &stages[0]["steps"][1];
    assert_eq!(copy["kind"], "layer");
    assert_eq!(copy["adds"][0], "/src");
    // .dockerignore leaves notes/ out of what `COPY . .` reads.
    let files: Vec<&str> = copy["inputs"]["context"][0]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f.as_str())
        .collect();
    assert!(
        files.contains(&"main.go") && !files.contains(&"notes/todo.txt"),
        "{files:?}"
    );
    let final_steps = stages[2]["steps"].as_array().unwrap();
    // Every RUN reads every ARG in scope.
    assert_eq!(final_steps[1]["inputs"]["args"][0], "VERSION");
    assert_eq!(final_steps[2]["inputs"]["stages"][0], "build:/out/app");
    assert_eq!(final_steps[3]["kind"], "config");
    assert_eq!(final_steps[3]["sets"][0], "ENV V=1");
}

/// The field names of a JSON object, sorted.
fn keys(value: &serde_json::Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[test]
fn json_fields_are_the_documented_ones() {
    let dir = project();
    let out = layerlint(
        dir.path(),
        &["layers", "Dockerfile", "-f", "json", "--changed", "main.go"],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        keys(&doc),
        [
            "context",
            "file",
            "simulation",
            "stages",
            "target",
            "version"
        ]
    );
    assert_eq!(
        keys(&doc["simulation"]),
        ["build_args", "builder", "changed"]
    );
    let stage = &doc["stages"][0];
    assert_eq!(
        keys(stage),
        ["base", "built", "index", "line", "name", "rebuild", "steps"]
    );
    assert_eq!(
        keys(&stage["rebuild"]),
        ["line", "reason", "rebuilt_layers"]
    );
    let step = &stage["steps"][1];
    assert_eq!(
        keys(step),
        [
            "adds",
            "cache",
            "caches",
            "changes",
            "deletes",
            "findings",
            "inputs",
            "instruction",
            "kind",
            "line",
            "sets",
            "text",
            "unknown"
        ]
    );
    assert_eq!(
        keys(&step["inputs"]),
        [
            "args", "context", "env", "heredocs", "mounts", "remote", "stages"
        ]
    );
    assert_eq!(
        keys(&step["inputs"]["context"][0]),
        ["files", "mount", "source", "truncated"]
    );
    assert_eq!(keys(&step["cache"]), ["after_line", "cause", "state"]);
    // Every field is named in the schema document.
    let schema =
        fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/layers-json.md")).unwrap();
    for key in keys(step).into_iter().chain(keys(&step["inputs"])) {
        assert!(
            schema.contains(&format!("\"{key}\"")),
            "{key} is not documented"
        );
    }
}

#[test]
fn a_changed_source_rebuilds_the_builder_and_maybe_the_copy() {
    let dir = project();
    let out = layerlint(
        dir.path(),
        &[
            "layers",
            "Dockerfile",
            "--changed",
            "main.go",
            "--format",
            "markdown",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(text.contains("| Cache |"), "{text}");
    assert!(
        text.contains("COPY . . on line 3: reads main.go, which changed"),
        "{text}"
    );
    assert!(text.contains("may rebuild"), "{text}");
    // An ignored file changes nothing.
    let out = layerlint(
        dir.path(),
        &[
            "layers",
            "Dockerfile",
            "--changed",
            "notes/todo.txt",
            "-f",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    for stage in doc["stages"].as_array().unwrap() {
        assert!(stage.get("rebuild").is_none(), "{stage}");
    }
}

#[test]
fn a_build_argument_misses_at_the_first_run_after_its_arg() {
    let dir = project();
    let out = layerlint(
        dir.path(),
        &["layers", "Dockerfile", "--build-arg", "VERSION=2"],
    );
    assert!(out.status.success(), "{out:?}");
    let text = stdout(&out);
    assert!(
        text.contains("RUN apk add --no-cache ca-certificates on line 9: has ARG VERSION"),
        "{text}"
    );
    assert!(text.contains("\"1\" → 2"), "{text}");
}

#[test]
fn since_reads_git_s_changes_relative_to_the_context() {
    let dir = project();
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(dir.path())
            .args(["-c", "user.email=t@t", "-c", "user.name=t"])
            .args(args)
            .output()
            .expect("git");
        assert!(out.status.success(), "{out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "."]);
    git(&["commit", "-qm", "start"]);
    fs::write(dir.path().join("go.mod"), "module y\n").unwrap();
    let out = layerlint(
        dir.path(),
        &["layers", "Dockerfile", "--since", "HEAD", "-f", "json"],
    );
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(doc["simulation"]["changed"][0], "go.mod");
    assert_eq!(doc["stages"][0]["rebuild"]["line"], 3);
}

#[test]
fn bad_usage_is_exit_status_2() {
    let dir = project();
    for args in [
        &["layers", "Dockerfile", "--target", "nope"][..],
        &["layers", "Dockerfile", "--build-arg", "NOVALUE"],
        &["layers", "missing"],
        &["layers", "Dockerfile", "--context", "main.go"],
    ] {
        let out = layerlint(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
    }
    let out = layerlint(dir.path(), &["layers", "Dockerfile", "--target", "debug"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("stage 1 debug: FROM alpine:3.20 (line 5), the target"));
}

/// The table is the report's map: LL307 and LL308 show on the steps they are about.
#[test]
fn the_cache_mount_and_build_tool_findings_sit_on_their_steps() {
    let dir = tempfile::tempdir().expect("temp dir");
    let dockerfile = "# syntax=docker/dockerfile:1\nFROM python:3.12-slim\n\
                      RUN apt-get update && apt-get install -y gcc libpq-dev && rm -rf /var/lib/apt/lists/*\n\
                      COPY requirements.txt .\nRUN pip install -r requirements.txt\nCMD [\"python\", \"app.py\"]\n";
    fs::write(dir.path().join("Dockerfile"), dockerfile).unwrap();
    fs::write(dir.path().join("requirements.txt"), "flask\n").unwrap();
    let out = layerlint(dir.path(), &["layers", "Dockerfile", "--format", "json"]);
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    let steps = doc["stages"][0]["steps"].as_array().unwrap();
    let codes = |step: &serde_json::Value| -> Vec<String> {
        step["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|code| code.as_str().map(str::to_string))
            .collect()
    };
    // The apt step downloads lists it deletes (LL307) and installs gcc that ships (LL308).
    let apt = codes(&steps[0]);
    assert!(apt.contains(&"LL307".to_string()), "{apt:?}");
    assert!(apt.contains(&"LL308".to_string()), "{apt:?}");
    // pip leaves its download cache in the layer (LL307 too); it builds nothing itself.
    let pip = codes(&steps[2]);
    assert!(pip.contains(&"LL307".to_string()), "{pip:?}");
    assert!(!pip.contains(&"LL308".to_string()), "{pip:?}");
}
