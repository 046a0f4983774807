//! Inputs a repository (or an attacker) can hold that must neither hang layerlint, nor exhaust
//! its memory, nor drive the terminal, nor stop it from linting the other files: each run has a
//! time bound, and each asserts the exit code, the message and that the clean file beside the
//! hostile one is still linted.

#![cfg(unix)]

mod bounded;
mod common;
mod skip;

use common::project;

use std::fs::{self, File};
use std::os::unix::fs::{MetadataExt, PermissionsExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Far more than any of these runs needs on a loaded machine; a hang shows as a failure.
const BOUND: Duration = Duration::from_secs(60);

struct Run {
    code: i32,
    stdout: Vec<u8>,
    /// Standard error with miette's line wrapping undone: one space wherever it broke a line.
    stderr: String,
}

fn unwrapped(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c == '│')
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

impl Run {
    fn out(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

/// Runs layerlint in `dir`, killing it and failing the test if it outlives [`BOUND`].
fn layerlint(dir: &Path, args: &[&str], stdin: Stdio) -> Run {
    let ended = bounded::run(
        Command::new(env!("CARGO_BIN_EXE_layerlint"))
            .args(args)
            .current_dir(dir)
            .env("NO_COLOR", "1")
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        BOUND,
    );
    Run {
        code: ended.status.code().expect("exit code"),
        stdout: ended.stdout,
        stderr: unwrapped(&String::from_utf8_lossy(&ended.stderr)),
    }
}

fn lint(dir: &Path, args: &[&str]) -> Run {
    layerlint(dir, args, Stdio::null())
}

const CLEAN: &[u8] = b"FROM alpine:3.20\n";
/// Two RUNs that merge: one DL3059 finding, so "still linted" is visible in the output.
const TWO_RUNS: &[u8] = b"FROM alpine:3.20\nRUN echo a\nRUN echo b\n";

fn mkfifo(path: &Path) -> bool {
    Command::new("mkfifo")
        .arg(path)
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_latin1_dockerfile_is_linted_with_one_warning_and_never_rewritten() {
    let latin1: &[u8] = b"FROM alpine:3.20\nMAINTAINER Jos\xe9 \xc9t\xe9\nRUN echo a\nRUN echo b\n";
    let dir = project(&[("Dockerfile", latin1), ("other/Dockerfile", TWO_RUNS)]);
    let run = lint(dir.path(), &["-f", "gnu", "Dockerfile", "other/Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.out();
    assert_eq!(out.matches("[LL003]").count(), 1, "{out}");
    assert!(
        out.contains(
            "Dockerfile:2:15: warning: the file is not valid UTF-8: byte 0xe9 at line 2, column 15"
        ),
        "{out}"
    );
    assert!(out.contains("3 invalid sequences"), "{out}");
    assert!(
        out.contains("Dockerfile:4:1: info:") && out.contains("[DL3059]"),
        "{out}"
    );
    assert!(out.contains("other/Dockerfile:3:1: info:"), "{out}");

    // --fix fixes the other file and leaves this one byte for byte as it was.
    let run = lint(dir.path(), &["--fix", "Dockerfile", "other/Dockerfile"]);
    assert!(
        run.stderr
            .contains("warning: Dockerfile was not fixed: it is not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert_eq!(
        fs::read(dir.path().join("Dockerfile")).ok().as_deref(),
        Some(latin1)
    );
    let other = fs::read_to_string(dir.path().join("other/Dockerfile")).unwrap_or_default();
    assert!(other.contains("echo a && \\"), "{other}");

    // An inline pragma silences it like any finding, and is not itself reported as unused.
    let mut silenced = b"# layerlint global ignore=LL003\n".to_vec();
    silenced.extend_from_slice(latin1);
    fs::write(dir.path().join("silenced.Dockerfile"), &silenced).expect("write");
    let quiet = lint(dir.path(), &["-f", "gnu", "silenced.Dockerfile"]);
    assert!(
        !quiet.out().contains("LL003") && !quiet.out().contains("LL002"),
        "{}",
        quiet.out()
    );

    // As a filter, the bytes come back exactly.
    let stdin = File::open(dir.path().join("Dockerfile")).expect("open");
    let run = layerlint(dir.path(), &["check", "--fix", "-"], Stdio::from(stdin));
    assert_eq!(run.stdout, latin1);
    assert_eq!(run.code, 1, "{}", run.stderr);
}

#[test]
fn buildkit_s_not_text_cases_are_linted() {
    let cases = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/conformance/buildkit-parser-divergences");
    let mut seen = 0;
    for entry in fs::read_dir(&cases).expect("../shared/conformance is next to this checkout") {
        let case = entry.expect("entry").path();
        let name = case
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if !name.starts_with("refused-as-not-text-") {
            continue;
        }
        seen += 1;
        let run = lint(&case, &["-f", "json", "Dockerfile"]);
        assert_ne!(run.code, 2, "{name}: {}", run.stderr);
        let findings: serde_json::Value =
            serde_json::from_slice(&run.stdout).unwrap_or_else(|e| panic!("{name}: {e}"));
        let ll003 = findings
            .as_array()
            .into_iter()
            .flatten()
            .filter(|f| f["code"] == "LL003")
            .count();
        assert_eq!(ll003, 1, "{name}: {findings}");
    }
    assert!(seen >= 6, "only {seen} cases");
}

#[test]
fn a_binary_file_is_still_refused_and_the_others_linted() {
    let dir = project(&[
        ("image.Dockerfile", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
        ("Dockerfile", TWO_RUNS),
    ]);
    let run = lint(dir.path(), &["-f", "gnu", "image.Dockerfile", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("image.Dockerfile is not a text file (NUL byte at offset 8)"),
        "{}",
        run.stderr
    );
    assert!(run.out().contains("Dockerfile:3:1: info:"), "{}", run.out());
}

#[test]
fn ignore_files_that_are_devices_or_fifos_are_named_and_the_search_goes_on() {
    let dir = project(&[("a/Dockerfile", TWO_RUNS), ("b/Dockerfile", CLEAN)]);
    symlink("/dev/zero", dir.path().join(".gitignore")).expect("symlink");
    let fifo = mkfifo(&dir.path().join("a/.ignore"));
    let run = lint(dir.path(), &["-f", "gnu", "."]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("cannot read .gitignore: it is a character device, not a regular file; the search went on without its patterns"),
        "{}",
        run.stderr
    );
    if fifo {
        assert!(
            run.stderr
                .contains("cannot read a/.ignore: it is a FIFO (named pipe), not a regular file"),
            "{}",
            run.stderr
        );
    }
    assert!(
        run.out().contains("a/Dockerfile:3:1: info:"),
        "{}",
        run.out()
    );
}

#[test]
fn a_dockerignore_that_cannot_be_read_is_named_and_the_file_still_linted() {
    for hostile in ["device", "fifo"] {
        let dir = project(&[("Dockerfile", TWO_RUNS)]);
        let ignore = dir.path().join(".dockerignore");
        match hostile {
            "device" => symlink("/dev/zero", &ignore).expect("symlink"),
            _ if !mkfifo(&ignore) => continue,
            _ => {}
        }
        let run = lint(dir.path(), &["-f", "gnu", "Dockerfile"]);
        assert_eq!(run.code, 2, "{hostile}: {}", run.stderr);
        assert!(
            run.stderr.contains("cannot read .dockerignore: it is a")
                && run
                    .stderr
                    .contains("not a regular file; the build context was checked without it"),
            "{hostile}: {}",
            run.stderr
        );
        assert!(run.out().contains("Dockerfile:3:1: info:"), "{}", run.out());
    }
}

#[test]
fn a_fifo_or_a_device_on_the_command_line_is_refused_without_reading_it() {
    let dir = project(&[("Dockerfile", TWO_RUNS)]);
    let fifo = dir.path().join("pipe.Dockerfile");
    let mut args = vec!["-f", "gnu", "/dev/zero", "Dockerfile"];
    if mkfifo(&fifo) {
        args.push("pipe.Dockerfile");
    }
    let run = lint(dir.path(), &args);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read /dev/zero: it is a character device, not a regular file"),
        "{}",
        run.stderr
    );
    if args.len() == 5 {
        assert!(
            run.stderr.contains(
                "cannot read pipe.Dockerfile: it is a FIFO (named pipe), not a regular file"
            ),
            "{}",
            run.stderr
        );
    }
    assert!(run.out().contains("Dockerfile:3:1: info:"), "{}", run.out());
}

#[test]
fn oversized_input_is_refused_at_the_limit() {
    let dir = project(&[("Dockerfile", TWO_RUNS)]);
    let huge = File::create(dir.path().join("huge.Dockerfile")).expect("create");
    // Sparse: it takes no disk space, only its size is checked.
    huge.set_len(65 * 1024 * 1024).expect("set_len");
    let run = lint(dir.path(), &["-f", "gnu", "huge.Dockerfile", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read huge.Dockerfile: it is larger than 64 MiB"),
        "{}",
        run.stderr
    );
    assert!(run.out().contains("Dockerfile:3:1: info:"), "{}", run.out());

    let zero = File::open("/dev/zero").expect("/dev/zero");
    let run = layerlint(dir.path(), &["-"], Stdio::from(zero));
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read -: it is larger than 64 MiB"),
        "{}",
        run.stderr
    );
}

#[test]
fn terminal_escapes_never_reach_the_output_raw() {
    let hostile: &[u8] =
        b"FROM alpine:3.20\nRUN echo \"\x1b]52;c;aGk=\x07\x1b[2J\x9b\" \rhidden\nRUN echo b\n";
    let name = "evil\x1b[2J.Dockerfile";
    let dir = project(&[(name, hostile), ("Dockerfile", TWO_RUNS)]);
    for format in ["human", "gnu", "github"] {
        let run = lint(dir.path(), &["-f", format, "."]);
        assert_eq!(run.code, 1, "{format}: {}", run.stderr);
        let raw = |b: &u8| matches!(b, 0x1b | 0x07 | 0x0d | 0x7f);
        assert!(!run.stdout.iter().any(raw), "{format}: {:?}", run.out());
        let out = run.out();
        assert!(!out.contains('\u{9b}'), "{format}: {out}");
        assert!(out.contains("evil\\x1b[2J.Dockerfile"), "{format}: {out}");
        assert!(out.contains("Dockerfile"), "{format}: {out}");
        if format == "human" {
            assert!(out.contains("\\x1b]52;c;aGk=\\x07\\x1b[2J"), "{out}");
            // The location is the column in the file, not in the escaped line.
            assert!(out.contains("evil\\x1b[2J.Dockerfile:3:1"), "{out}");
        }
    }
}

#[test]
fn a_ten_megabyte_line_is_cut_around_the_finding() {
    let mut text = b"FROM alpine:3.20\nRUN echo ".to_vec();
    text.extend(std::iter::repeat_n(b'a', 10_000_000));
    text.extend(b" && apt-get update\nRUN apt-get install -y curl\n");
    let dir = project(&[("Dockerfile", &text), ("b/Dockerfile", TWO_RUNS)]);
    let run = lint(dir.path(), &["Dockerfile", "b/Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = run.out();
    assert!(out.len() < 100_000, "{} bytes of output", out.len());
    assert!(out.contains("…aaaa"), "{}", &out[..out.len().min(3000)]);
    assert!(
        out.contains("apt-get update"),
        "{}",
        &out[..out.len().min(3000)]
    );
    assert!(
        out.contains("b/Dockerfile:3:1"),
        "{}",
        &out[..out.len().min(3000)]
    );
}

#[test]
fn a_deeply_nested_config_is_refused_quickly() {
    let deep = format!("ignored: {}", "[".repeat(200_000));
    let dir = project(&[("Dockerfile", TWO_RUNS), ("deep.yaml", deep.as_bytes())]);
    let started = Instant::now();
    let run = lint(dir.path(), &["-c", "deep.yaml", "Dockerfile"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("nesting deeper than 64 levels at line 1"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.len() < 2000,
        "the line is not echoed: {} bytes",
        run.stderr.len()
    );
    assert_eq!(run.out(), "", "no findings with the defaults");
}

#[test]
fn a_config_file_that_is_a_device_is_an_error_not_a_hang() {
    let dir = project(&[("Dockerfile", TWO_RUNS)]);
    let run = lint(dir.path(), &["--config", "/dev/zero", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read it: it is a character device, not a regular file"),
        "{}",
        run.stderr
    );
}

#[test]
fn codes_that_exist_nowhere_fail_and_hadolint_codes_get_a_note() {
    let dir = project(&[
        ("Dockerfile", TWO_RUNS),
        ("nope.yaml", b"ignored: [NOPE999]\n"),
        ("hadolint.yaml", b"ignored: [DL3017, DL3005]\n"),
    ]);
    let run = lint(dir.path(), &["--select", "LL999", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("--select \"LL999\" names no rule"),
        "{}",
        run.stderr
    );
    assert_eq!(run.out(), "");
    let run = lint(dir.path(), &["-c", "nope.yaml", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("\"NOPE999\" names no rule"),
        "{}",
        run.stderr
    );
    assert_eq!(run.out(), "");
    let run = lint(
        dir.path(),
        &["--ignore", "DL3017", "-c", "hadolint.yaml", "Dockerfile"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("note: --ignore DL3017: a hadolint rule layerlint does not have"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("DL3017, DL3005 are hadolint rules layerlint does not have"),
        "{}",
        run.stderr
    );
}

#[test]
fn hadolint_s_flags_work_as_aliases() {
    let dir = project(&[("Dockerfile", TWO_RUNS), ("h.yaml", b"ignored: [DL3059]\n")]);
    let run = lint(dir.path(), &["-f", "tty", "-t", "error", "Dockerfile"]);
    assert_eq!(run.code, 0, "info is below the threshold: {}", run.stderr);
    assert!(run.out().contains("info[DL3059]"), "{}", run.out());
    let run = lint(
        dir.path(),
        &["--failure-threshold", "info", "--no-fail", "Dockerfile"],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = lint(dir.path(), &["-c", "h.yaml", "Dockerfile"]);
    assert_eq!(
        (run.code, run.out()),
        (0, "no findings in 1 file\n".to_string())
    );
    let help = lint(dir.path(), &["--help"]);
    let text = help.out();
    assert!(text.contains("layerlint [FILE]..."), "{text}");
    assert!(
        text.contains("Exit status:") && text.contains("2  layerlint could not do its job"),
        "{text}"
    );
}

#[test]
fn fixing_refuses_read_only_files_keeps_hard_links_and_takes_a_file_once() {
    let dir = project(&[("Dockerfile", TWO_RUNS), ("ro/Dockerfile", TWO_RUNS)]);
    let readonly = dir.path().join("ro/Dockerfile");
    fs::set_permissions(&readonly, fs::Permissions::from_mode(0o444)).expect("chmod");
    let linked = dir.path().join("Dockerfile.link");
    fs::hard_link(dir.path().join("Dockerfile"), &linked).expect("hard link");

    let run = lint(
        dir.path(),
        &["--fix", "Dockerfile", "./Dockerfile", "ro/Dockerfile"],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("ro/Dockerfile is read-only; it was not fixed")
            && run.stderr.contains("--fix-readonly"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("changed on disk"), "{}", run.stderr);
    assert_eq!(fs::read(&readonly).ok().as_deref(), Some(TWO_RUNS));
    let fixed = fs::read_to_string(&linked).unwrap_or_default();
    assert!(
        fixed.contains("echo a && \\"),
        "the other link sees the fix: {fixed}"
    );
    let nlink = fs::metadata(&linked).map(|m| m.nlink()).unwrap_or_default();
    assert_eq!(nlink, 2);

    // Asked to, root rewrites it and the mode stays; anyone else gets the system's refusal.
    let run = lint(dir.path(), &["--fix", "--fix-readonly", "ro/Dockerfile"]);
    let now = fs::read(&readonly).unwrap_or_default();
    if run.code != 2 {
        assert_ne!(now, TWO_RUNS, "{}", run.stderr);
        let mode = fs::metadata(&readonly).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o444));
    } else {
        assert!(run.stderr.contains("permission denied"), "{}", run.stderr);
    }
}

#[test]
fn a_directory_search_finds_every_dockerfile_spelling_and_no_ignore_file() {
    let dir = project(&[
        ("Dockerfile-windows", CLEAN),
        ("Dockerfile_test_x", CLEAN),
        ("Dockerfile2", CLEAN),
        ("lower/dockerfile", CLEAN),
        ("Containerfile.ci", CLEAN),
        ("app.Dockerfile", CLEAN),
        ("app.dockerfile", CLEAN),
        ("Dockerfile.dockerignore", b"\0 not a Dockerfile"),
        ("target/real", CLEAN),
    ]);
    symlink(
        dir.path().join("target/real"),
        dir.path().join("linked.Dockerfile"),
    )
    .expect("symlink");
    let run = lint(dir.path(), &["-f", "checkstyle", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let out = run.out();
    for name in [
        "Dockerfile-windows",
        "Dockerfile_test_x",
        "Dockerfile2",
        "lower/dockerfile",
        "Containerfile.ci",
        "app.Dockerfile",
        "app.dockerfile",
        "linked.Dockerfile",
    ] {
        assert!(out.contains(&format!("name=\"{name}\"")), "{name}: {out}");
    }
    assert!(!out.contains("dockerignore"), "{out}");
}

#[test]
fn someone_fixing_a_file_they_do_not_own_leaves_its_owner_alone() {
    // Needs root to set the scene (a root-owned file that anyone may write, in a directory
    // anyone may write) and setpriv to run layerlint as nobody.
    let is_root = fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0);
    let setpriv = Command::new("setpriv").arg("--version").output();
    if !is_root || !setpriv.is_ok_and(|out| out.status.success()) {
        skip::skip(
            "the owner test of tests/hostile_files.rs",
            "it needs root and setpriv (util-linux)",
        );
        return;
    }
    let dir = project(&[("Dockerfile", TWO_RUNS)]);
    let file = dir.path().join("Dockerfile");
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).expect("chmod dir");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o666)).expect("chmod file");
    let binary = env!("CARGO_BIN_EXE_layerlint");
    // The binary must be reachable by nobody: copy it next to the file.
    let copy = dir.path().join("layerlint-copy");
    fs::copy(binary, &copy).expect("copy the binary");
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).expect("chmod binary");
    let status = Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&copy)
        .args(["--fix", "Dockerfile"])
        .current_dir(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run as nobody");
    // A rename would hand the file to nobody; writing in place keeps root's file.
    let meta = fs::metadata(&file).expect("the file is there");
    assert_eq!((meta.uid(), meta.gid()), (0, 0), "{status}");
    let text = fs::read_to_string(&file).unwrap_or_default();
    assert!(text.contains("echo a && \\"), "fixed in place: {text}");
}
