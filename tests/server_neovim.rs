//! End to end with a real editor: Neovim, headless, with its built-in LSP client on
//! `layerlint server`. It opens a copy of an example Dockerfile, waits for diagnostics, applies
//! the fix-all code action and writes the file; the file must then equal what
//! `layerlint check --fix` writes on another copy.
//!
//! Without `nvim` on PATH the test says so loudly, and fails under CI=true (tests/skip).

mod skip;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_layerlint");

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn neovim_applies_fix_all_and_writes_what_check_fix_writes() {
    if Command::new("nvim").arg("--version").output().is_err() {
        skip::skip(
            "tests/server_neovim.rs",
            "nvim is not installed (apt-get install neovim); the editor end-to-end test did not run",
        );
        return;
    }
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python-api");
    let work = tempfile::tempdir().unwrap();
    // A repository root, so no configuration above the temporary directory counts.
    std::fs::create_dir(work.path().join(".git")).unwrap();
    let in_editor = work.path().join("editor");
    let by_check = work.path().join("check");
    copy_dir(&example, &in_editor);
    copy_dir(&example, &by_check);
    let original = std::fs::read_to_string(in_editor.join("Dockerfile")).unwrap();

    let check = Command::new(BIN)
        .args(["check", "--fix", "--no-fail", "--quiet"])
        .arg(by_check.join("Dockerfile"))
        .status()
        .unwrap();
    assert!(check.success());
    let expected = std::fs::read_to_string(by_check.join("Dockerfile")).unwrap();
    assert_ne!(expected, original, "the example has safe fixes to apply");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/server_neovim/fix_all.lua");
    let report = work.path().join("report.txt");
    let mut nvim = Command::new("nvim")
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", script.display()))
        .env("LAYERLINT_BIN", BIN)
        .env("DOCKERFILE", in_editor.join("Dockerfile"))
        .env("REPORT", &report)
        .current_dir(work.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // A headless Neovim whose script failed before quitting would wait forever: bound it.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = nvim.try_wait().unwrap() {
            break Some(status);
        }
        if Instant::now() > deadline {
            let _ = nvim.kill();
            let _ = nvim.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let said = std::fs::read_to_string(&report).unwrap_or_default();
    assert!(
        status.is_some_and(|s| s.success()),
        "nvim failed or hung ({status:?}): {said}"
    );
    assert!(said.starts_with("fixed with "), "{said}");
    let written = std::fs::read_to_string(in_editor.join("Dockerfile")).unwrap();
    assert_eq!(written, expected, "Neovim's fix-all ({said})");
    // Visible with --nocapture: which encoding this Neovim negotiated.
    println!("{said}");
}
