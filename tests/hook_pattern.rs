//! The shipped pre-commit hooks pick the files a directory search picks: their `files` pattern,
//! less their `exclude` pattern, must agree with `is_dockerfile_name` on every name here. A
//! hook that took `Dockerfile.dockerignore` would lint an ignore file and fail on it (LL001).

use layerlint::files::is_dockerfile_name;
use regex::Regex;

/// Names on both sides of every line the discovery draws.
const NAMES: &[&str] = &[
    "Dockerfile",
    "dockerfile",
    "Containerfile",
    "Dockerfile.dev",
    "Dockerfile-windows",
    "Dockerfile_test_run",
    "Dockerfile2",
    "Dockerfile1.alpine",
    "Containerfile.ubi",
    "Containerfile-hardlinks",
    "api.Dockerfile",
    "api.dockerfile",
    "Dockerfile.dockerignore",
    "Dockerfile.dev.dockerignore",
    "api.Dockerfile.dockerignore",
    "Containerfile.dockerignore",
    ".dockerignore",
    "Dockerfiles",
    "DockerfileX",
    "Dockerfile.",
    "Dockerfile-",
    ".Dockerfile",
    "Dockerfile.lock.json",
    "my-Dockerfile",
    "README.md",
    "docker-compose.yml",
    "containerfile",
];

struct Hook {
    id: String,
    files: Regex,
    exclude: Option<Regex>,
}

fn hooks() -> Vec<Hook> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml");
    let text = std::fs::read_to_string(path).expect("read .pre-commit-hooks.yaml");
    let hooks: Vec<serde_yaml::Value> = serde_yaml::from_str(&text).expect("a list of hooks");
    hooks
        .iter()
        .map(|hook| {
            let text = |key: &str| hook.get(key).and_then(serde_yaml::Value::as_str);
            let id = text("id").expect("an id").to_string();
            let compile = |pattern: &str| {
                Regex::new(pattern).unwrap_or_else(|err| panic!("{id}: {pattern}: {err}"))
            };
            Hook {
                files: compile(text("files").unwrap_or_else(|| panic!("{id} has no files"))),
                exclude: text("exclude").map(compile),
                id,
            }
        })
        .collect()
}

#[test]
fn every_hook_takes_exactly_what_directory_discovery_takes() {
    let hooks = hooks();
    assert!(hooks.len() >= 2, "the hooks are read");
    let mut wrong = Vec::new();
    for hook in &hooks {
        for name in NAMES {
            // pre-commit matches the path from the repository root, anywhere in it (`re.search`).
            for path in [name.to_string(), format!("services/api/{name}")] {
                let taken = hook.files.is_match(&path)
                    && !hook.exclude.as_ref().is_some_and(|e| e.is_match(&path));
                if taken != is_dockerfile_name(name) {
                    wrong.push(format!(
                        "{}: {path}: hook {taken}, discovery {}",
                        hook.id,
                        is_dockerfile_name(name)
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn a_directory_named_like_a_dockerfile_does_not_make_its_files_dockerfiles() {
    for hook in hooks() {
        for path in ["Dockerfile.d/README.md", "x.Dockerfile/notes.txt"] {
            assert!(!hook.files.is_match(path), "{}: {path}", hook.id);
        }
    }
}
