//! The proof of `layerlint layers`' cache simulation: each case is built twice with buildah
//! `--layers` (tests/tools/build-twice.sh), once, then again after one context file or one build
//! argument changed, and the steps buildah took from its cache ("--> Using cache") must be
//! exactly the steps `layers --builder buildah --changed/--build-arg` predicted as cached.
//!
//! A prediction of "may rebuild" (a `COPY --from` a stage that rebuilt: the copied files may or
//! may not have changed) accepts either outcome; the suite counts them and keeps them few.
//!
//! Heredocs are not among the cases: buildah 1.28, the one this machine has, cannot build them.

mod skip;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::thread;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/build-twice.sh");

/// Builds side by side: a build is mostly the kernel copying layer trees, one core each.
const JOBS: usize = 2;

enum Edit {
    /// Append a line to this context file between the builds.
    File(&'static str),
    /// Pass `--build-arg NAME=VALUE` to the second build.
    Arg(&'static str, &'static str),
}

/// What one case came to: the predictions buildah contradicted, how many were "may", and how
/// many steps were compared.
#[derive(Default)]
struct Tally {
    mismatches: Vec<String>,
    mays: usize,
    compared: usize,
}

type CaseOutcome = Result<Tally, String>;

struct Case {
    name: &'static str,
    dockerfile: &'static str,
    /// Context files (path, content); `.dockerignore` among them.
    files: &'static [(&'static str, &'static str)],
    edit: Edit,
    target: Option<&'static str>,
}

const APP: &[(&str, &str)] = &[
    ("package.json", "{}\n"),
    ("src/app.ts", "console.log(1)\n"),
    ("src/deep/util.ts", "export {}\n"),
    ("docs/readme.md", "docs\n"),
];

fn cases() -> Vec<Case> {
    let case = |name, dockerfile, files, edit| Case {
        name,
        dockerfile,
        files,
        edit,
        target: None,
    };
    vec![
        case(
            "manifest-first, source edit",
            "FROM busybox\nWORKDIR /app\nCOPY package.json ./\nRUN echo install\nCOPY . .\nRUN echo build\n",
            APP,
            Edit::File("src/app.ts"),
        ),
        case(
            "manifest-first, manifest edit",
            "FROM busybox\nWORKDIR /app\nCOPY package.json ./\nRUN echo install\nCOPY . .\nRUN echo build\n",
            APP,
            Edit::File("package.json"),
        ),
        case(
            "copy everything first (LL304's shape)",
            "FROM busybox\nWORKDIR /app\nRUN echo deps\nCOPY . .\nRUN echo install\nENV MODE=prod\nRUN echo build\n",
            APP,
            Edit::File("src/deep/util.ts"),
        ),
        case(
            "a directory source, a file outside it changes",
            "FROM busybox\nCOPY src /app/src\nRUN echo build\n",
            APP,
            Edit::File("docs/readme.md"),
        ),
        case(
            "a directory source, a nested file changes",
            "FROM busybox\nCOPY src /app/src\nRUN echo build\n",
            APP,
            Edit::File("src/deep/util.ts"),
        ),
        case(
            ".dockerignore leaves the changed file out",
            "FROM busybox\nCOPY . /app\nRUN echo build\n",
            &[
                (".dockerignore", "logs\n*.md\n"),
                ("main.c", "int main;\n"),
                ("logs/a.log", "x\n"),
            ],
            Edit::File("logs/a.log"),
        ),
        case(
            ".dockerignore exception brings the changed file back",
            "FROM busybox\nCOPY . /app\nRUN echo build\n",
            &[
                (".dockerignore", "*.md\n!README.md\n"),
                ("README.md", "x\n"),
                ("NOTES.md", "x\n"),
            ],
            Edit::File("README.md"),
        ),
        case(
            ".dockerignore pattern, ignored file changes",
            "FROM busybox\nCOPY . /app\nRUN echo build\n",
            &[
                (".dockerignore", "*.md\n!README.md\n"),
                ("README.md", "x\n"),
                ("NOTES.md", "x\n"),
            ],
            Edit::File("NOTES.md"),
        ),
        case(
            "a glob source matches the changed file",
            "FROM busybox\nRUN echo first\nCOPY *.json /cfg/\nRUN echo after\n",
            &[("a.json", "{}\n"), ("b.txt", "b\n")],
            Edit::File("a.json"),
        ),
        case(
            "a glob source does not match the changed file",
            "FROM busybox\nRUN echo first\nCOPY *.json /cfg/\nRUN echo after\n",
            &[("a.json", "{}\n"), ("b.txt", "b\n")],
            Edit::File("b.txt"),
        ),
        case(
            "steps that read no context",
            "FROM busybox\nRUN echo a > /a\nENV X=1\nRUN echo $X > /b\nCMD [\"sh\"]\n",
            &[("data.txt", "d\n")],
            Edit::File("data.txt"),
        ),
        case(
            "ADD of a local file",
            "FROM busybox\nRUN echo a\nADD conf.ini /etc/conf.ini\nRUN echo b\n",
            &[("conf.ini", "[a]\n")],
            Edit::File("conf.ini"),
        ),
        case(
            "ARG after FROM, unused, changes",
            "FROM busybox\nRUN echo before\nARG V=1\nRUN echo unrelated\nRUN echo $V\n",
            &[],
            Edit::Arg("V", "2"),
        ),
        case(
            "ARG given its own default",
            "FROM busybox\nARG V=1\nRUN echo $V\n",
            &[],
            Edit::Arg("V", "1"),
        ),
        case(
            "ARG without a default gets a value",
            "FROM busybox\nRUN echo a\nARG V\nLABEL stage=x\nRUN echo b\n",
            &[],
            Edit::Arg("V", "x"),
        ),
        case(
            "ARG before FROM, not declared again",
            "ARG G=1\nFROM busybox\nRUN echo a\nRUN echo b\n",
            &[],
            Edit::Arg("G", "2"),
        ),
        case(
            "ARG before FROM, declared again in the stage",
            "ARG G=1\nFROM busybox\nRUN echo a\nARG G\nRUN echo b\n",
            &[],
            Edit::Arg("G", "2"),
        ),
        case(
            "ENV set from a changed ARG",
            "FROM busybox\nARG V=1\nENV X=$V\nRUN echo $X\n",
            &[],
            Edit::Arg("V", "2"),
        ),
        case(
            "LABEL set from a changed ARG",
            "FROM busybox\nARG V=1\nLABEL version=$V\nRUN echo done\n",
            &[],
            Edit::Arg("V", "2"),
        ),
        case(
            "ARG of an undeclared name",
            "FROM busybox\nARG V=1\nRUN echo $V\n",
            &[],
            Edit::Arg("OTHER", "2"),
        ),
        case(
            "multi-stage: COPY --from a stage that stays cached",
            "FROM busybox AS a\nCOPY a.txt /a.txt\nFROM busybox AS b\nCOPY b.txt /b.txt\nFROM busybox\nCOPY --from=a /a.txt /a\nRUN echo mid\nCOPY --from=b /b.txt /b\n",
            &[("a.txt", "a\n"), ("b.txt", "b\n")],
            Edit::File("b.txt"),
        ),
        case(
            "COPY --from a file the changed context file lands in",
            "FROM busybox AS b\nCOPY b.txt /b.txt\nCOPY src /src\nFROM busybox\nCOPY --from=b /src/x /x\nRUN echo mid\nCOPY --from=b /b.txt /b\n",
            &[("b.txt", "b\n"), ("src/x", "x\n"), ("src/y", "y\n")],
            Edit::File("b.txt"),
        ),
        case(
            "COPY --from files a rebuilt copy made again the same",
            "FROM busybox AS b\nCOPY b.txt /b.txt\nCOPY src /src\nFROM busybox\nCOPY --from=b /src/x /x\nRUN echo mid\nCOPY --from=b /b.txt /b\n",
            &[("b.txt", "b\n"), ("src/x", "x\n"), ("src/y", "y\n")],
            Edit::File("src/y"),
        ),
        case(
            "multi-stage: a build argument in a builder stage",
            "FROM busybox AS build\nARG V=1\nRUN echo $V > /out\nFROM busybox\nRUN echo final\nCOPY --from=build /out /out\n",
            &[],
            Edit::Arg("V", "2"),
        ),
        case(
            "a stage built FROM a stage that rebuilds",
            "FROM busybox AS base\nCOPY conf /conf\nFROM base\nRUN echo child\n",
            &[("conf", "c\n")],
            Edit::File("conf"),
        ),
        case(
            "a stage the target does not need",
            "FROM busybox AS unused\nCOPY . /all\nFROM busybox\nRUN echo final\n",
            &[("x.txt", "x\n")],
            Edit::File("x.txt"),
        ),
        case(
            "RUN --mount=type=bind of a changed file (buildah keeps the cache)",
            "FROM busybox\nRUN echo a\nRUN --mount=type=bind,source=m.txt,target=/m.txt cat /m.txt\nRUN echo b\n",
            &[("m.txt", "m\n")],
            Edit::File("m.txt"),
        ),
        case(
            "a COPY source named by a changed ARG",
            "FROM busybox\nARG W=1\nCOPY f${W} /f\nRUN echo done\n",
            &[("f1", "1\n"), ("f2", "2\n")],
            Edit::Arg("W", "2"),
        ),
        case(
            "WORKDIR from a changed ARG",
            "FROM busybox\nARG D=/a\nWORKDIR $D\nRUN pwd\n",
            &[],
            Edit::Arg("D", "/b"),
        ),
        Case {
            name: "--target a middle stage",
            dockerfile: "FROM busybox AS deps\nCOPY deps.txt /deps\nFROM deps AS test\nRUN echo test\nFROM busybox\nCOPY app.txt /app\n",
            files: &[("deps.txt", "d\n"), ("app.txt", "a\n")],
            edit: Edit::File("deps.txt"),
            target: Some("test"),
        },
    ]
}

/// Whether this machine can build: buildah, as root.
fn cannot_build() -> Option<String> {
    let works = Command::new("buildah")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        return Some("buildah is not installed (apt-get install -y buildah busybox-static)".into());
    }
    let uid = Command::new("id").arg("-u").output().ok();
    let root = uid.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    (!root).then(|| "buildah's chroot isolation and vfs storage need root here".into())
}

/// What buildah did with each step of the second build: per stage of the file (buildah numbers
/// them all, and skips the ones the target does not need), `None` when it did not build it, else
/// per step after FROM whether the step came from the cache.
fn buildah_steps(log: &str) -> Vec<Option<Vec<bool>>> {
    let mut stages: Vec<Option<Vec<bool>>> = Vec::new();
    let mut current: Option<usize> = None;
    for line in log.lines() {
        if let Some((stage, index)) = parse_step(line) {
            while stages.len() < stage {
                stages.push(None);
            }
            let steps = stages[stage - 1].get_or_insert_with(Vec::new);
            if index > 1 {
                steps.push(false);
                current = Some(stage);
            } else {
                current = None;
            }
        } else if line.starts_with("--> Using cache") {
            if let Some(last) = current.and_then(|s| stages[s - 1].as_mut()?.last_mut()) {
                *last = true;
            }
        }
    }
    stages
}

/// `[2/3] STEP 4/5: …` or `STEP 4/5: …` → (stage 2, step 4), 1-based.
fn parse_step(line: &str) -> Option<(usize, usize)> {
    let (stage, rest) = match line.strip_prefix('[') {
        Some(rest) => {
            let (numbers, rest) = rest.split_once("] ")?;
            (numbers.split('/').next()?.parse().ok()?, rest)
        }
        None => (1, line),
    };
    let rest = rest.strip_prefix("STEP ")?;
    let (numbers, _) = rest.split_once(": ")?;
    Some((stage, numbers.split('/').next()?.parse().ok()?))
}

/// Runs one case; returns its mismatches (empty when every prediction held) and how many
/// predictions were "may".
fn run_case(case: &Case) -> CaseOutcome {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let context = dir.path().join("ctx");
    fs::create_dir_all(&context).map_err(|e| e.to_string())?;
    for (path, text) in case.files {
        let file = context.join(path);
        fs::create_dir_all(file.parent().unwrap_or(Path::new("."))).map_err(|e| e.to_string())?;
        fs::write(file, text).map_err(|e| e.to_string())?;
    }
    let dockerfile = dir.path().join("Dockerfile");
    fs::write(&dockerfile, case.dockerfile).map_err(|e| e.to_string())?;

    let mut layers = Command::new(env!("CARGO_BIN_EXE_layerlint"));
    layers
        .arg("layers")
        .arg(&dockerfile)
        .arg("--context")
        .arg(&context)
        .args(["--format", "json", "--builder", "buildah"]);
    let mut twice = Command::new(SCRIPT);
    twice.arg(&dockerfile).arg(&context);
    if let Some(target) = case.target {
        layers.args(["--target", target]);
        twice.args(["--target", target]);
    }
    match case.edit {
        Edit::File(path) => {
            layers.args(["--changed", path]);
            twice.args(["--change", path]);
        }
        Edit::Arg(name, value) => {
            layers.args(["--build-arg", &format!("{name}={value}")]);
            twice.args(["--build-arg", &format!("{name}={value}")]);
        }
    }
    // Predict before the build changes the file.
    let predicted = layers.output().map_err(|e| e.to_string())?;
    if !predicted.status.success() {
        return Err(format!(
            "layers failed: {}",
            String::from_utf8_lossy(&predicted.stderr)
        ));
    }
    let plan: Value = serde_json::from_slice(&predicted.stdout).map_err(|e| e.to_string())?;
    let built = twice.output().map_err(|e| e.to_string())?;
    if !built.status.success() {
        return Err(format!(
            "the builds failed: {}",
            String::from_utf8_lossy(&built.stderr)
        ));
    }
    let actual = buildah_steps(&String::from_utf8_lossy(&built.stdout));
    compare(&plan, &actual)
}

/// The plan's predicted states against what buildah did, stage by stage.
fn compare(plan: &Value, actual: &[Option<Vec<bool>>]) -> CaseOutcome {
    let stages = plan["stages"].as_array().ok_or("no stages")?;
    let mut tally = Tally::default();
    for (index, stage) in stages.iter().enumerate() {
        let steps = stage["steps"].as_array().ok_or("no steps")?;
        let predicted_built = stage["built"] == true;
        let Some(cached) = actual.get(index).and_then(Option::as_ref) else {
            if predicted_built {
                tally.mismatches.push(format!(
                    "stage {index}: predicted built, buildah skipped it"
                ));
            }
            continue;
        };
        if !predicted_built {
            tally.mismatches.push(format!(
                "stage {index}: predicted not built, buildah built it"
            ));
            continue;
        }
        if steps.len() != cached.len() {
            return Err(format!(
                "stage {index}: {} steps predicted, {} built",
                steps.len(),
                cached.len()
            ));
        }
        for (step, &was_cached) in steps.iter().zip(cached) {
            tally.compared += 1;
            let state = step["cache"]["state"].as_str().unwrap_or("?");
            let agrees = match state {
                "cached" => was_cached,
                "rebuilds" => !was_cached,
                "may" => {
                    tally.mays += 1;
                    true
                }
                _ => false,
            };
            if !agrees {
                tally.mismatches.push(format!(
                    "line {} `{} {}`: predicted {state}, buildah {}",
                    step["line"],
                    step["instruction"].as_str().unwrap_or(""),
                    step["text"].as_str().unwrap_or(""),
                    if was_cached {
                        "used its cache"
                    } else {
                        "rebuilt it"
                    }
                ));
            }
        }
    }
    Ok(tally)
}

#[test]
fn predictions_match_buildah_s_cache() {
    if let Some(reason) = cannot_build() {
        skip::skip("the layers cache suite (tests/layers_cache.rs)", &reason);
        return;
    }
    let cases = cases();
    assert!(cases.len() >= 20, "the proof needs at least 20 shapes");
    let next = Mutex::new(0usize);
    let results: Mutex<Vec<(usize, CaseOutcome)>> = Mutex::new(Vec::new());
    thread::scope(|scope| {
        for _ in 0..JOBS {
            scope.spawn(|| {
                loop {
                    let index = {
                        let mut next = next.lock().unwrap();
                        let index = *next;
                        *next += 1;
                        index
                    };
                    let Some(case) = cases.get(index) else {
                        break;
                    };
                    let result = run_case(case);
                    results.lock().unwrap().push((index, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by_key(|(index, _)| *index);
    let mut failures = Vec::new();
    let mut mays = 0;
    let mut compared = 0;
    for (index, result) in results {
        let name = cases[index].name;
        match result {
            Ok(tally) => {
                mays += tally.mays;
                compared += tally.compared;
                failures.extend(tally.mismatches.into_iter().map(|m| format!("{name}: {m}")));
            }
            Err(err) => failures.push(format!("{name}: {err}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // A "may" accepts either outcome: a suite of them would prove nothing.
    assert!(mays <= 3, "{mays} predictions were only 'may'");
    assert!(compared >= 80, "only {compared} steps compared");
    eprintln!(
        "layers_cache: {} cases, {compared} steps compared with buildah, {mays} 'may'",
        cases.len()
    );
}

#[test]
fn buildah_log_parsing() {
    let log = "[1/2] STEP 1/3: FROM x AS a\n[1/2] STEP 2/3: ARG V=1\n--> Using cache 1\n--> 1\n\
               [1/2] STEP 3/3: RUN echo\n2\n--> 3\n[2/2] STEP 1/2: FROM x\n[2/2] STEP 2/2: COPY a b\n\
               --> Using cache 4\n[2/2] COMMIT t\n";
    assert_eq!(
        buildah_steps(log),
        [Some(vec![true, false]), Some(vec![true])]
    );
    assert_eq!(
        buildah_steps("STEP 1/2: FROM x\nSTEP 2/2: RUN a\n--> 9\n"),
        [Some(vec![false])]
    );
    // A skipped first stage: buildah numbers the stages of the file.
    assert_eq!(
        buildah_steps("[2/2] STEP 1/2: FROM x\n[2/2] STEP 2/2: RUN a\n--> Using cache 1\n"),
        [None, Some(vec![true])]
    );
}
