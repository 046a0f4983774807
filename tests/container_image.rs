//! layerlint's own container image (the `Dockerfile` at the repository root), built with buildah
//! and run on a Dockerfile from standard input.
//!
//! What this proves, and what it does not: there is no registry here, so the `build` stage (on
//! `rust:…-alpine`) cannot run. The test builds the same static musl binary on this machine
//! (`cargo build --release --target x86_64-unknown-linux-musl`) and hands it to buildah in place
//! of that stage (`--build-context build=DIR`); everything after it, the shipped `FROM scratch`
//! stage, is built from the repository's Dockerfile as it is. The test checks that the binary
//! is static, that the image holds that binary alone and runs it as a non-root user, that it
//! lints standard input, that the Dockerfile lints itself clean, and that the image is small.
//!
//! Needs root, buildah, the musl target and musl-tools (`.ci/run` installs them); without them
//! the test fails under CI and elsewhere skips visibly (tests/skip/mod.rs).

mod common;
mod skip;

use common::process::{available, output_text, run_ok};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const MUSL: &str = "x86_64-unknown-linux-musl";
const IMAGE: &str = "localhost/layerlint:test";
/// The image must stay small enough to pull in a CI job without noticing.
const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// Why this machine cannot run the test, if it cannot.
fn missing_tool() -> Option<String> {
    if !available("buildah") {
        return Some("buildah is not installed (apt-get install -y buildah)".into());
    }
    let uid = Command::new("id").arg("-u").output();
    if !uid.is_ok_and(|o| o.stdout == b"0\n") {
        return Some("buildah's chroot isolation needs root here".into());
    }
    // mimalloc's C half is compiled for musl too.
    if !available("x86_64-linux-musl-gcc") {
        return Some("no musl C compiler (apt-get install -y musl-tools)".into());
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output();
    match installed {
        Ok(o)
            if String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l == MUSL) =>
        {
            None
        }
        _ => Some(format!(
            "the {MUSL} target is not installed (rustup target add {MUSL})"
        )),
    }
}

/// `cargo build --release` for musl, in a target directory of its own; returns the binary.
fn build_static_binary() -> PathBuf {
    let target_dir = Path::new(ROOT).join("target/container-image");
    run_ok(
        Command::new(env!("CARGO"))
            .args([
                "build",
                "--release",
                "--locked",
                "--quiet",
                "--bin",
                "layerlint",
            ])
            .args(["--target", MUSL])
            .current_dir(ROOT)
            .env("CARGO_TARGET_DIR", &target_dir),
    );
    target_dir.join(MUSL).join("release/layerlint")
}

/// True when the ELF file asks for no program interpreter (no dynamic loader, no libc needed):
/// a program header of type PT_INTERP is what a dynamically linked executable has.
fn is_static_elf(bytes: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    assert!(
        bytes.len() > 64 && bytes.starts_with(b"\x7fELF") && bytes[4] == 2 && bytes[5] == 1,
        "not a 64-bit little-endian ELF file"
    );
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
    let table = u64::from_le_bytes(bytes[0x20..0x28].try_into().expect("8 bytes")) as usize;
    let (entry_size, entries) = (u16_at(0x36), u16_at(0x38));
    !(0..entries).any(|i| u32_at(table + i * entry_size) == PT_INTERP)
}

/// buildah on a private store under `dir`, so nothing is left in the machine's image store and
/// parallel runs cannot meet.
fn buildah(dir: &Path) -> Command {
    let mut command = Command::new("buildah");
    command
        .arg("--storage-driver")
        .arg("vfs")
        .arg("--root")
        .arg(dir.join("root"))
        .arg("--runroot")
        .arg(dir.join("runroot"));
    command
}

/// Removes the working containers, whose vfs mounts would otherwise outlive the directory.
struct Store(tempfile::TempDir);

impl Drop for Store {
    fn drop(&mut self) {
        let _ = buildah(self.0.path()).args(["rm", "--all"]).output();
    }
}

/// `layerlint` in the image, as `docker run -i IMAGE` runs it: the image's user, the Dockerfile
/// on standard input.
fn lint_in_image(store: &Path, container: &str, dockerfile: &[u8]) -> Output {
    let mut child = buildah(store)
        .args(["run", "--isolation", "chroot", container, "--"])
        .args(["/layerlint", "check", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("buildah run starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(dockerfile)
        .expect("write the Dockerfile");
    child.wait_with_output().expect("buildah run ends")
}

/// Says the measured size where `cargo test` shows it (the harness captures only print!).
fn report(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

#[test]
fn the_image_is_a_static_binary_on_scratch_that_lints_stdin() {
    if let Some(reason) = missing_tool() {
        skip::skip(
            "the container image test (tests/container_image.rs)",
            &reason,
        );
        return;
    }
    let binary = build_static_binary();
    let bytes = std::fs::read(&binary).expect("the musl binary");
    assert!(
        is_static_elf(&bytes),
        "{} is dynamically linked",
        binary.display()
    );

    // The `build` stage's output, as the Dockerfile's last stage copies it: /out/layerlint.
    let prebuilt = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(prebuilt.path().join("out")).expect("mkdir");
    std::fs::copy(&binary, prebuilt.path().join("out/layerlint")).expect("copy the binary");

    let store = Store(tempfile::tempdir().expect("tempdir"));
    let dir = store.0.path();
    let mut context = std::ffi::OsString::from("build=");
    context.push(prebuilt.path());
    run_ok(
        buildah(dir)
            .args(["bud", "--quiet", "--pull=never", "--isolation", "chroot"])
            .args(["--format", "docker", "--layers", "--build-context"])
            .arg(&context)
            .args(["-t", IMAGE, "-f"])
            .arg(Path::new(ROOT).join("Dockerfile"))
            .arg(ROOT),
    );

    // The configuration: the binary as the entrypoint, standard input by default, no root.
    let config = run_ok(buildah(dir).args([
        "inspect",
        "--type",
        "image",
        "--format",
        "{{.Docker.Config.User}}|{{printf \"%q\" .Docker.Config.Entrypoint}}|{{printf \"%q\" .Docker.Config.Cmd}}",
        IMAGE,
    ]));
    let config = String::from_utf8_lossy(&config.stdout);
    let fields: Vec<&str> = config.trim().split('|').collect();
    assert_eq!(fields[1], r#"["/layerlint"]"#, "{config}");
    assert_eq!(fields[2], r#"["check" "-"]"#, "{config}");
    let user = fields[0];
    assert!(
        !user.is_empty() && !user.starts_with("0") && !user.starts_with("root"),
        "the image runs as root: {config}"
    );

    // Nothing but the binary: one file in the whole filesystem.
    let container =
        String::from_utf8_lossy(&run_ok(buildah(dir).args(["from", "--pull=never", IMAGE])).stdout)
            .trim()
            .to_string();
    let mount = String::from_utf8_lossy(&run_ok(buildah(dir).args(["mount", &container])).stdout)
        .trim()
        .to_string();
    let entries: Vec<String> = std::fs::read_dir(&mount)
        .expect("the image's root")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert_eq!(
        entries,
        ["layerlint"],
        "the image ships more than the binary"
    );
    run_ok(buildah(dir).args(["umount", &container]));

    // Standard input in, findings out, the exit status of `layerlint check`.
    let broken = lint_in_image(dir, &container, b"FROM alpine:3.20\nRUNN echo hi\n");
    assert_eq!(broken.status.code(), Some(1), "{}", output_text(&broken));
    assert!(
        output_text(&broken).contains("LL001"),
        "{}",
        output_text(&broken)
    );
    // layerlint's own Dockerfile has no findings.
    let own = std::fs::read(Path::new(ROOT).join("Dockerfile")).expect("the Dockerfile");
    let clean = lint_in_image(dir, &container, &own);
    assert_eq!(clean.status.code(), Some(0), "{}", output_text(&clean));
    assert!(
        output_text(&clean)
            .to_lowercase()
            .contains("no findings in 1 file"),
        "{}",
        output_text(&clean)
    );

    // The size a registry stores (compressed layers) and the size on disk once pulled.
    let blobs = dir.join("blobs");
    run_ok(
        buildah(dir)
            .args(["push", "--quiet", IMAGE])
            .arg(format!("dir:{}", blobs.display())),
    );
    let compressed: u64 = std::fs::read_dir(&blobs)
        .expect("the pushed image")
        .filter_map(|e| e.ok()?.metadata().ok())
        .map(|m| m.len())
        .sum();
    let unpacked = std::fs::metadata(&binary).expect("binary").len();
    report(&format!(
        "container image: {unpacked} bytes unpacked (the binary), {compressed} bytes as pushed (compressed layers, config and manifest)"
    ));
    assert!(
        unpacked < MAX_IMAGE_BYTES && compressed < MAX_IMAGE_BYTES,
        "the image is {unpacked} bytes ({compressed} compressed)"
    );
}
