//! Building one Dockerfile with an inspect script (tests/tools/build-and-inspect*.sh) and reading
//! its report; shared by the busybox suite (tests/image_build.rs) and the Debian one
//! (tests/image_build_debian.rs), whose scripts print the same report.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::process::Command;

/// What an inspect script printed about one image.
#[derive(Debug)]
pub struct Image {
    /// The bytes of the layers above the base image.
    pub layer_bytes: u64,
    /// The bytes of the base image's own layers.
    pub base_bytes: u64,
    /// `config FIELD VALUE` lines.
    pub config: Vec<String>,
    /// One line per filesystem entry, sorted by path.
    pub files: Vec<String>,
}

impl Image {
    pub fn parse(report: &str) -> Image {
        let mut layer_bytes = None;
        let mut base_bytes = None;
        let mut config = Vec::new();
        let mut lines = report.lines();
        for line in lines.by_ref() {
            if line == "files:" {
                break;
            }
            if let Some(total) = line.strip_prefix("total-layer-bytes ") {
                layer_bytes = total.parse().ok();
            } else if let Some(total) = line.strip_prefix("base-layer-bytes ") {
                base_bytes = total.parse().ok();
            } else if line.starts_with("config ") {
                config.push(line.to_string());
            }
        }
        Image {
            layer_bytes: layer_bytes
                .unwrap_or_else(|| panic!("no total-layer-bytes line in:\n{report}")),
            base_bytes: base_bytes
                .unwrap_or_else(|| panic!("no base-layer-bytes line in:\n{report}")),
            config,
            files: lines.map(str::to_string).collect(),
        }
    }
}

pub enum Build {
    Image(Image),
    /// The Dockerfile did not build, and why.
    Failed(String),
}

/// Builds `dockerfile` with the files of `context` through `script` and inspects the image.
/// Panics only when the tooling itself breaks: a Dockerfile that does not build is an answer, not
/// an error.
pub fn build(script: &str, dockerfile: &str, context: &BTreeMap<String, String>) -> Build {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("context");
    fs::create_dir(&root).expect("the context directory");
    for (path, text) in context {
        assert!(
            !path.split('/').any(|part| part == ".."),
            "context path {path:?} leaves the context"
        );
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).expect("a context subdirectory");
        }
        fs::write(&file, text).expect("a context file");
    }
    let file = dir.path().join("Dockerfile");
    fs::write(&file, dockerfile).expect("the Dockerfile");
    // Through bash, so that a checkout that lost the executable bit still runs it.
    let run = || {
        Command::new("bash")
            .arg(script)
            .arg(&file)
            .arg(&root)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {script}: {e}"))
    };
    let mut out = run();
    // buildah now and then fails to mount an overlay it just made ("invalid argument") while
    // another build runs beside it: the tooling, not the Dockerfile. One more try settles it.
    if !matches!(out.status.code(), Some(0 | 3)) {
        out = run();
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Build::Image(Image::parse(&String::from_utf8_lossy(&out.stdout))),
        Some(3) => Build::Failed(why_it_failed(&stderr)),
        _ => panic!(
            "{script} failed ({}) on:\n{dockerfile}\n{stderr}",
            out.status
        ),
    }
}

/// The lines of a build log that say why the build stopped: buildah's `Error:` line (else the
/// last line), after apt's own last `E:` line when there is one, which names the package or list
/// that was missing where buildah only gives the exit status.
pub fn why_it_failed(log: &str) -> String {
    let error = log.lines().rev().find(|line| line.starts_with("Error:"));
    let error = error
        .or_else(|| log.lines().last())
        .unwrap_or("(no output)");
    match log.lines().rev().find(|line| line.starts_with("E: ")) {
        Some(apt) => format!("{apt} / {error}"),
        None => error.to_string(),
    }
}

/// The lines only one side has, marked `-` (before) and `+` (after).
pub fn difference(what: &str, before: &[String], after: &[String]) -> String {
    let old: BTreeSet<&String> = before.iter().collect();
    let new: BTreeSet<&String> = after.iter().collect();
    let mut out = format!("  {what} differ:\n");
    for line in old.difference(&new) {
        let _ = writeln!(out, "    - {line}");
    }
    for line in new.difference(&old) {
        let _ = writeln!(out, "    + {line}");
    }
    out
}

/// Prints what a run over the rule examples built and skipped, then fails on any example whose
/// fix broke the build or changed the image, and when nothing was built at all.
pub fn conclude_examples(what: &str, compared: &[String], skipped: &[String], broken: &[String]) {
    eprintln!(
        "{what}: {} built and compared, {} skipped, {} broken",
        compared.len(),
        skipped.len(),
        broken.len()
    );
    for line in compared {
        eprintln!("  compared  {line}");
    }
    for line in skipped {
        eprintln!("  skipped   {line}");
    }
    assert!(
        broken.is_empty(),
        "{what}: safe fixes that broke a build or changed its image:\n\n{}",
        broken.join("\n")
    );
    assert!(!compared.is_empty(), "{what}: no example was built at all");
}
