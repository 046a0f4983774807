//! Builds named by compose and bake files: the Dockerfile is linted with the context, build
//! arguments and target the project's own files give it, so context-aware rules look at the
//! files the build really sends.

mod binary;

use binary::Run;
use serde_json::Value;
use std::fs;
use std::path::Path;

fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    // The repository root: discovery stops here.
    fs::create_dir(dir.path().join(".git")).expect(".git");
    for (relative, content) in files {
        let path = dir.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("directories");
        }
        fs::write(path, content).expect("write");
    }
    dir
}

/// `layerlint check` without ShellCheck (whose findings would only add noise here).
fn layerlint(dir: &Path, args: &[&str]) -> Run {
    let mut all = vec!["check", "--no-shellcheck"];
    all.extend_from_slice(args);
    binary::layerlint(dir, &all)
}

/// The findings of a JSON run, as (code, via, message).
fn findings(run: &Run) -> Vec<(String, String, String)> {
    let json: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {}\n{}", run.stdout, run.stderr));
    json.as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            let text = |key: &str| f[key].as_str().unwrap_or("").to_string();
            (text("code"), text("via"), text("message"))
        })
        .collect()
}

fn of<'a>(found: &'a [(String, String, String)], code: &str) -> Vec<&'a (String, String, String)> {
    found.iter().filter(|f| f.0 == code).collect()
}

/// A node service whose Dockerfile sits in docker/api while its manifests and ignore file are at
/// the repository root, which is the context.
const API_DOCKERFILE: &str =
    "FROM node:20.11.1\nWORKDIR /app\nCOPY . .\nRUN npm ci\nCMD [\"node\", \"server.js\"]\n";

fn node_project(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let mut files = vec![
        ("docker/api/Dockerfile", API_DOCKERFILE),
        ("package.json", "{}\n"),
        ("package-lock.json", "{}\n"),
        ("server.js", "\n"),
    ];
    files.extend_from_slice(extra);
    project(&files)
}

const COMPOSE: &str =
    "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n";

#[test]
fn a_compose_context_gives_ll304_the_manifests_in_the_context() {
    let dir = node_project(&[("compose.yaml", COMPOSE), (".dockerignore", ".git\n")]);
    let run = layerlint(dir.path(), &["-f", "json", "docker/api/Dockerfile"]);
    let found = findings(&run);
    let ll304 = of(&found, "LL304");
    assert_eq!(ll304.len(), 1, "{found:?}");
    assert_eq!(ll304[0].1, "compose.yaml service api");
    assert!(
        ll304[0]
            .2
            .contains("copy package.json, package-lock.json first"),
        "{}",
        ll304[0].2
    );

    // The Dockerfile's own directory holds no manifest: linted there, LL304 cannot name them.
    let run = layerlint(
        dir.path(),
        &[
            "-f",
            "json",
            "--context",
            "docker/api",
            "docker/api/Dockerfile",
        ],
    );
    let found = findings(&run);
    let ll304 = of(&found, "LL304");
    assert_eq!(ll304.len(), 1, "{found:?}");
    assert_eq!(ll304[0].1, "", "--context wins over compose.yaml");
    assert!(
        ll304[0]
            .2
            .contains("package.json is not in the build context"),
        "{}",
        ll304[0].2
    );
}

#[test]
fn a_compose_context_gives_ll306_the_context_s_ignore_file() {
    // The context (the root) holds .git; its .dockerignore leaves it out.
    let dir = node_project(&[("compose.yaml", COMPOSE), (".dockerignore", ".git\n")]);
    let found = findings(&layerlint(
        dir.path(),
        &["-f", "json", "docker/api/Dockerfile"],
    ));
    assert!(of(&found, "LL306").is_empty(), "{found:?}");

    // Without it, the .git the root context really sends is named.
    fs::remove_file(dir.path().join(".dockerignore")).expect("remove");
    let found = findings(&layerlint(
        dir.path(),
        &["-f", "json", "docker/api/Dockerfile"],
    ));
    let ll306 = of(&found, "LL306");
    assert_eq!(ll306.len(), 1, "{found:?}");
    assert!(ll306[0].2.contains(".git"), "{}", ll306[0].2);
    assert_eq!(ll306[0].1, "compose.yaml service api");
}

#[test]
fn a_bake_target_s_context_and_dockerfile_are_resolved_as_bake_does() {
    // The context is app/; the Dockerfile is named relative to it.
    let dir = project(&[
        (
            "docker-bake.hcl",
            "variable \"APP\" { default = \"app\" }\ntarget \"web\" {\n  context = \"${APP}\"\n  dockerfile = \"../docker/web/Dockerfile\"\n}\n",
        ),
        ("docker/web/Dockerfile", API_DOCKERFILE),
        ("app/package.json", "{}\n"),
        ("app/package-lock.json", "{}\n"),
        ("app/node_modules/x/index.js", "\n"),
        ("app/.dockerignore", "*.log\n"),
    ]);
    let found = findings(&layerlint(
        dir.path(),
        &["-f", "json", "docker/web/Dockerfile"],
    ));
    let ll304 = of(&found, "LL304");
    assert_eq!(ll304.len(), 1, "{found:?}");
    assert_eq!(ll304[0].1, "docker-bake.hcl target web");
    assert!(
        ll304[0]
            .2
            .contains("copy package.json, package-lock.json first"),
        "{}",
        ll304[0].2
    );
    // app/.dockerignore is read, and app/node_modules is what it lets in.
    let ll306 = of(&found, "LL306");
    assert!(
        ll306.iter().any(|f| f.2.contains("node_modules")),
        "{found:?}"
    );

    // Ignored there, it is no longer named.
    fs::write(dir.path().join("app/.dockerignore"), "node_modules\n").expect("write");
    let found = findings(&layerlint(
        dir.path(),
        &["-f", "json", "docker/web/Dockerfile"],
    ));
    assert!(
        !of(&found, "LL306")
            .iter()
            .any(|f| f.2.contains("node_modules")),
        "{found:?}"
    );
}

#[test]
fn build_arguments_reach_the_arg_values() {
    let dockerfile = "ARG BASE=alpine:latest\nFROM ${BASE}\nCMD [\"true\"]\n";
    let compose = "services:\n  pinned:\n    build:\n      context: .\n      args:\n        BASE: alpine:3.20\n";
    let dir = project(&[("Dockerfile", dockerfile), ("compose.yaml", compose)]);
    let found = findings(&layerlint(dir.path(), &["-f", "json", "Dockerfile"]));
    assert!(of(&found, "DL3007").is_empty(), "{found:?}");

    // The list form, and a value from the environment (not known here): the default stands.
    let compose = "services:\n  env:\n    build:\n      context: .\n      args:\n        - BASE\n";
    fs::write(dir.path().join("compose.yaml"), compose).expect("write");
    let found = findings(&layerlint(dir.path(), &["-f", "json", "Dockerfile"]));
    assert_eq!(of(&found, "DL3007").len(), 1, "{found:?}");
}

#[test]
fn one_file_several_builds_each_distinct_build_once() {
    let dockerfile =
        "ARG BASE=alpine:latest\nFROM ${BASE} AS base\nFROM base AS runtime\nCMD [\"true\"]\n";
    let compose = "services:\n  a:\n    build: .\n  b:\n    build:\n      context: .\n      dockerfile: Dockerfile\n  pinned:\n    build:\n      context: .\n      target: runtime\n      args:\n        BASE: alpine:3.20\n";
    let dir = project(&[("Dockerfile", dockerfile), ("compose.yaml", compose)]);
    let run = layerlint(dir.path(), &["Dockerfile"]);
    // Services a and b are the same build: linted once, and both are named.
    assert!(
        run.stdout
            .contains("Dockerfile (via compose.yaml service a, compose.yaml service b)"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 warning in 1 file\n"),
        "{}",
        run.stdout
    );
    let markdown = layerlint(dir.path(), &["-f", "markdown", "Dockerfile"]).stdout;
    assert!(
        markdown.contains(
            "| Dockerfile (via compose.yaml service a, compose.yaml service b) | 2 | warning | DL3007"
        ),
        "{markdown}"
    );
    let found = findings(&layerlint(dir.path(), &["-f", "json", "Dockerfile"]));
    let vias: Vec<&str> = found.iter().map(|f| f.1.as_str()).collect();
    assert_eq!(
        vias,
        ["compose.yaml service a, compose.yaml service b"],
        "the pinned build has no DL3007: {found:?}"
    );
}

#[test]
fn a_target_the_dockerfile_lacks_is_named_and_the_file_still_linted() {
    let dir = project(&[
        ("Dockerfile", "FROM alpine:latest AS base\n"),
        (
            "compose.yaml",
            "services:\n  a:\n    build:\n      context: .\n      target: runtime\n",
        ),
    ]);
    let run = layerlint(dir.path(), &["-f", "json", "Dockerfile"]);
    assert!(
        run.stderr.contains(
            "warning: compose.yaml service a: target `runtime`: Dockerfile has no stage of that name"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(of(&findings(&run), "DL3007").len(), 1);
    assert_eq!(run.code, 1);
}

#[test]
fn a_target_is_the_stage_that_ships() {
    // apt's lists stay in the `build` stage's layer: that matters only when `build` ships.
    let dockerfile = "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y --no-install-recommends gcc=4:12.2.0-3\nFROM debian:12 AS runtime\nCMD [\"true\"]\n";
    let dir = project(&[("Dockerfile", dockerfile)]);
    let last = findings(&layerlint(dir.path(), &["-f", "json", "Dockerfile"]));
    assert!(of(&last, "DL3009").is_empty(), "{last:?}");

    fs::write(
        dir.path().join("compose.yaml"),
        "services:\n  builder:\n    build:\n      context: .\n      target: build\n",
    )
    .expect("write");
    let targeted = findings(&layerlint(dir.path(), &["-f", "json", "Dockerfile"]));
    let dl3009 = of(&targeted, "DL3009");
    assert_eq!(dl3009.len(), 1, "{targeted:?}");
    assert_eq!(dl3009[0].1, "compose.yaml service builder");
}

#[test]
fn malformed_compose_and_bake_files_warn_and_the_default_context_is_used() {
    let dir = node_project(&[
        ("compose.yaml", "services: [\n"),
        ("docker-bake.hcl", "target \"api\" {\n"),
        ("docker-bake.json", "{\"target\": 3}"),
    ]);
    let run = layerlint(dir.path(), &["-f", "json", "docker/api/Dockerfile"]);
    for name in ["compose.yaml", "docker-bake.hcl", "docker-bake.json"] {
        assert!(
            run.stderr.lines().any(
                |l| l.starts_with(&format!("warning: {name}: cannot read it"))
                    && l.ends_with("its builds are not used")
            ),
            "{name}: {}",
            run.stderr
        );
    }
    let found = findings(&run);
    let ll304 = of(&found, "LL304");
    assert_eq!(ll304.len(), 1, "{found:?}");
    assert_eq!(
        ll304[0].1, "",
        "linted with its own directory as the context"
    );
    assert_eq!(run.code, 1, "a warning is not trouble: {}", run.stderr);
}

#[test]
fn files_outside_the_repository_root_are_not_read() {
    let outer = project(&[(
        "compose.yaml",
        "services:\n  a:\n    build:\n      context: repo\n      args:\n        BASE: alpine:3.20\n",
    )]);
    let repo = outer.path().join("repo");
    fs::create_dir_all(repo.join(".git")).expect(".git");
    fs::write(
        repo.join("Dockerfile"),
        "ARG BASE=alpine:latest\nFROM ${BASE}\n",
    )
    .expect("write");
    let found = findings(&layerlint(&repo, &["-f", "json", "Dockerfile"]));
    assert_eq!(of(&found, "DL3007").len(), 1, "{found:?}");
    assert!(found.iter().all(|f| f.1.is_empty()), "{found:?}");
}

#[test]
fn hostile_compose_and_bake_files_cost_a_warning_not_a_hang() {
    let deep_yaml = format!("services: {}\n", "[".repeat(100_000));
    let deep_hcl = format!("target \"a\" {{ args = {} }}\n", "[".repeat(100_000));
    let deep_json = format!("{{\"target\": {}", "[".repeat(100_000));
    let dir = project(&[
        ("Dockerfile", "FROM alpine:3.20\n"),
        ("compose.yaml", &deep_yaml),
        ("docker-bake.hcl", &deep_hcl),
        ("docker-bake.json", &deep_json),
    ]);
    let run = layerlint(dir.path(), &["Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("its builds are not used").count(),
        3,
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nesting deeper than 64 levels"),
        "{}",
        run.stderr
    );
}

/// `layerlint layers ARGS -f json`, parsed.
fn layers_json(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["layers", "-f", "json"];
    all.extend_from_slice(args);
    let run = binary::layerlint(dir, &all);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|err| panic!("not JSON ({err}): {}\n{}", run.stdout, run.stderr))
}

/// The context files the first `COPY` of stage `stage` reads, as the plan lists them.
fn copied_files(plan: &Value, stage: usize) -> Vec<String> {
    let steps = plan["stages"][stage]["steps"].as_array().expect("steps");
    let copy = steps
        .iter()
        .find(|s| s["instruction"] == "COPY")
        .expect("a COPY step");
    copy["inputs"]["context"][0]["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| f.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// A Dockerfile in docker/api whose first stage is the one compose builds, from a base image
/// compose passes as a build argument.
const LAYERS_DOCKERFILE: &str = "ARG BASE=node:latest\nFROM ${BASE} AS app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM alpine:3.20 AS other\nCMD [\"true\"]\n";

const LAYERS_COMPOSE: &str = "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n      target: app\n      args:\n        BASE: node:20.11.1\n";

#[test]
fn layers_takes_the_compose_build_s_context_arguments_and_target() {
    let dir = project(&[
        ("docker/api/Dockerfile", LAYERS_DOCKERFILE),
        ("compose.yaml", LAYERS_COMPOSE),
        ("package.json", "{}\n"),
    ]);
    let plan = layers_json(dir.path(), &["docker/api/Dockerfile"]);
    assert_eq!(plan["context"], ".", "{plan:#}");
    assert_eq!(plan["build"]["via"], "compose.yaml service api");
    assert_eq!(plan["build"]["args"]["BASE"], "node:20.11.1");
    assert_eq!(plan["build"]["target"], "app");
    assert_eq!(plan["target"], 0, "the compose target, not the last stage");
    assert_eq!(plan["stages"][0]["base"], "node:20.11.1");
    assert_eq!(plan["stages"][1]["built"], false);
    let files = copied_files(&plan, 0);
    assert!(files.iter().any(|f| f == "package.json"), "{files:?}");

    let human = binary::layerlint(dir.path(), &["layers", "docker/api/Dockerfile"]);
    assert!(
        human.stdout.contains(
            "built as compose.yaml service api (build args: BASE=node:20.11.1; target: app)"
        ),
        "{}",
        human.stdout
    );
}

#[test]
fn layers_flags_win_over_the_compose_build() {
    let dir = project(&[
        ("docker/api/Dockerfile", LAYERS_DOCKERFILE),
        ("compose.yaml", LAYERS_COMPOSE),
        ("package.json", "{}\n"),
    ]);
    // --target: another stage of the same build (its arguments stay).
    let plan = layers_json(dir.path(), &["--target", "other", "docker/api/Dockerfile"]);
    assert_eq!(plan["target"], 1, "{plan:#}");
    assert_eq!(plan["stages"][0]["built"], false);
    assert_eq!(plan["build"]["via"], "compose.yaml service api");

    // --context: no compose build at all, as in `check`.
    let plan = layers_json(
        dir.path(),
        &["--context", "docker/api", "docker/api/Dockerfile"],
    );
    assert!(plan.get("build").is_none(), "{plan:#}");
    assert_eq!(plan["context"], "docker/api");
    assert_eq!(plan["target"], 1, "the last stage");
    assert_eq!(plan["stages"][0]["base"], "node:latest");
    let files = copied_files(&plan, 0);
    assert!(!files.iter().any(|f| f == "package.json"), "{files:?}");
}

#[test]
fn layers_simulates_a_build_argument_against_the_bake_target_s_value() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine:3.20\nARG VERSION=0\nRUN echo \"$VERSION\" > /version\n",
        ),
        (
            "docker-bake.hcl",
            "target \"app\" {\n  args = { VERSION = \"1\" }\n}\n",
        ),
    ]);
    let run_cache = |arg: &str| {
        let plan = layers_json(dir.path(), &["--build-arg", arg, "Dockerfile"]);
        assert_eq!(
            plan["build"]["via"], "docker-bake.hcl target app",
            "{plan:#}"
        );
        let steps = plan["stages"][0]["steps"]
            .as_array()
            .expect("steps")
            .clone();
        let run = steps
            .into_iter()
            .find(|s| s["instruction"] == "RUN")
            .expect("the RUN step");
        run["cache"].clone()
    };
    // The cached build had VERSION=1 from the bake file: passing it again changes nothing.
    assert_eq!(run_cache("VERSION=1")["state"], "cached");
    let changed = run_cache("VERSION=2");
    assert_eq!(changed["state"], "rebuilds", "{changed:#}");
    let cause = changed["cause"].as_str().unwrap_or("");
    assert!(cause.contains("(\"1\" → 2)"), "{cause}");
}

#[test]
fn layers_shows_the_first_of_several_builds_or_the_one_named() {
    let dir = project(&[
        (
            "Dockerfile",
            "FROM alpine:3.20 AS a\nFROM alpine:3.20 AS b\n",
        ),
        (
            "compose.yaml",
            "services:\n  one:\n    build:\n      context: .\n      target: a\n  two:\n    build:\n      context: .\n      target: b\n",
        ),
    ]);
    let run = binary::layerlint(dir.path(), &["layers", "-f", "json", "Dockerfile"]);
    assert!(
        run.stderr.contains(
            "note: 2 builds of this file; shown as compose.yaml service one (choose another with --build NAME: compose.yaml service one; compose.yaml service two)"
        ),
        "{}",
        run.stderr
    );
    let plan: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(plan["target"], 0);

    let plan = layers_json(dir.path(), &["--build", "two", "Dockerfile"]);
    assert_eq!(plan["target"], 1, "{plan:#}");
    assert_eq!(plan["build"]["via"], "compose.yaml service two");

    let run = binary::layerlint(dir.path(), &["layers", "--build", "three", "Dockerfile"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains(
            "--build three: no compose service or bake target of that name builds this file"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn layers_names_the_build_whose_target_is_missing() {
    let dir = project(&[
        ("Dockerfile", "FROM alpine:3.20 AS base\n"),
        (
            "compose.yaml",
            "services:\n  a:\n    build:\n      context: .\n      target: runtime\n",
        ),
    ]);
    let run = binary::layerlint(dir.path(), &["layers", "Dockerfile"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("compose.yaml service a: target runtime: no such stage in Dockerfile"),
        "{}",
        run.stderr
    );
}
