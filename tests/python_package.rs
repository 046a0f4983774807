//! The Python package as a user meets it: the wheel maturin builds from pyproject.toml, installed
//! with pip into a fresh virtual environment, linting the examples exactly as the cargo-built
//! binary does; and the `language: python` pre-commit hook, which pre-commit installs from this
//! repository with pip, run through `pre-commit try-repo`.
//!
//! Both are release builds (the wheel ships what `cargo build --release` makes), a few minutes
//! each on a cold target directory; they share `target/python-package`, so the second one compiles
//! only layerlint itself. Needs maturin and pre-commit on PATH (`.ci/run` installs both from
//! PyPI); without them the tests fail under CI and elsewhere skip visibly (tests/skip/mod.rs).

mod common;
mod skip;

use common::process::{
    assert_hook_failed_on_runn, available, committed_repository, output_text, run_ok,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One cargo build at a time in the shared target directory: cargo would serialise them anyway,
/// and this way the first one's dependencies are there for the second.
static BUILD: Mutex<()> = Mutex::new(());

fn target_dir() -> PathBuf {
    Path::new(ROOT).join("target/python-package")
}

/// `maturin build --release` into `out`; returns the wheel.
fn build_wheel(out: &Path) -> PathBuf {
    let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
    run_ok(
        Command::new("maturin")
            .args(["build", "--release", "--quiet", "--out"])
            .arg(out)
            .current_dir(ROOT)
            .env("CARGO_TARGET_DIR", target_dir()),
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .expect("the wheel directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel: {wheels:?}");
    wheels.into_iter().next().expect("a wheel")
}

/// Whether an ELF executable names a program interpreter (`PT_INTERP`, the dynamic loader): a
/// statically linked binary has none.
fn has_interpreter(path: &Path) -> bool {
    let bytes = std::fs::read(path).expect("the binary");
    assert_eq!(&bytes[..4], b"\x7fELF", "{} is not ELF", path.display());
    let u16_at = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
    let phoff = u64::from_le_bytes(bytes[0x20..0x28].try_into().expect("8 bytes"));
    let phoff = usize::try_from(phoff).expect("an offset");
    let (entry_size, entries) = (u16_at(0x36), u16_at(0x38));
    (0..entries).any(|i| {
        let at = phoff + i * entry_size;
        u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) == 3
    })
}

#[test]
fn the_wheel_installs_into_a_fresh_venv_and_lints_like_the_binary() {
    if !available("maturin") {
        skip::skip(
            "the wheel test (tests/python_package.rs)",
            "maturin is not installed (pip install maturin); the wheel was not built",
        );
        return;
    }
    let scratch = tempfile::tempdir().expect("tempdir");
    let wheel = build_wheel(&scratch.path().join("wheels"));
    let name = wheel.file_name().and_then(|n| n.to_str()).expect("name");
    // A binary-only wheel: any Python 3, one platform.
    assert!(
        name.starts_with(&format!(
            "layerlint-{}-py3-none-",
            env!("CARGO_PKG_VERSION")
        )),
        "{name}"
    );

    let venv = scratch.path().join("venv");
    run_ok(Command::new("python3").args(["-m", "venv"]).arg(&venv));
    // --no-index: the wheel alone, nothing from a registry.
    run_ok(
        Command::new(venv.join("bin/python"))
            .args(["-m", "pip", "install", "--quiet", "--no-index"])
            .arg(&wheel),
    );
    let installed = venv.join("bin/layerlint");
    // pyproject.toml links the wheel's binary statically: no dynamic loader at start.
    assert!(
        !has_interpreter(&installed),
        "{} asks for a dynamic loader",
        installed.display()
    );
    let version = run_ok(Command::new(&installed).arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("layerlint {}", env!("CARGO_PKG_VERSION"))
    );

    // The examples: the same findings and the same exit status as the binary cargo built.
    let lint = |binary: &Path| {
        Command::new(binary)
            .args(["check", "--format", "json", "--no-config", "examples"])
            .current_dir(ROOT)
            .output()
            .expect("layerlint runs")
    };
    let from_wheel = lint(&installed);
    let from_cargo = lint(Path::new(env!("CARGO_BIN_EXE_layerlint")));
    assert_eq!(
        from_wheel.status.code(),
        Some(1),
        "{}",
        output_text(&from_wheel)
    );
    assert_eq!(from_wheel.status.code(), from_cargo.status.code());
    let findings: serde_json::Value =
        serde_json::from_slice(&from_wheel.stdout).expect("a JSON report");
    assert!(
        findings.as_array().is_some_and(|a| a.len() > 10),
        "{findings}"
    );
    assert_eq!(
        String::from_utf8_lossy(&from_wheel.stdout),
        String::from_utf8_lossy(&from_cargo.stdout)
    );
}

#[test]
fn the_python_hook_installs_with_pip_and_lints_through_pre_commit() {
    for tool in ["pre-commit", "maturin"] {
        if !available(tool) {
            skip::skip(
                "the python pre-commit hook test (tests/python_package.rs)",
                &format!("{tool} is not installed (pip install {tool}); the hook was not tested"),
            );
            return;
        }
    }
    let project = committed_repository(&[
        (
            "Dockerfile",
            b"FROM alpine:3.20\nRUNN apk add --no-cache curl\n",
        ),
        ("notes.txt", b"RUNN is not a Dockerfile here\n"),
    ]);
    let dir = project.path();
    // No other layerlint on PATH: the one that runs is the one pip put in the hook's environment.
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::env::split_paths(&path).filter(|d| !d.join("layerlint").exists()),
    )
    .expect("PATH");

    let output = {
        let _one = BUILD.lock().unwrap_or_else(|e| e.into_inner());
        // try-repo builds the hook environment in a store of its own, removed afterwards.
        Command::new("pre-commit")
            .args(["try-repo", ROOT, "layerlint-python", "--all-files"])
            .current_dir(dir)
            .env("PATH", path)
            .env("CARGO_TARGET_DIR", target_dir())
            .output()
            .expect("pre-commit runs")
    };
    let text = assert_hook_failed_on_runn(&output, "notes.txt");
    assert!(
        text.contains("- hook id: layerlint-python") && text.contains("Installing environment"),
        "the python hook was installed and ran:\n{text}"
    );
    // The hook is declared as a pip-installed one.
    let hooks: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(Path::new(ROOT).join(".pre-commit-hooks.yaml")).expect("hooks"),
    )
    .expect("hooks YAML");
    let hook = hooks
        .as_sequence()
        .and_then(|h| {
            h.iter()
                .find(|h| h["id"].as_str() == Some("layerlint-python"))
        })
        .expect("the layerlint-python hook");
    assert_eq!(hook["language"].as_str(), Some("python"));
}
