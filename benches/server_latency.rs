//! How long `layerlint server` takes from a change to its diagnostics: the time from writing a
//! `textDocument/didChange` to reading the `publishDiagnostics` for that version, over real
//! pipes to the release binary, with the client's JSON parsing included.
//!
//! Two files: a typical one (examples/python-api: 10 instructions; the corpus's median is 7, its
//! 90th percentile 20) and a generated 2,000-instruction one (benches/support/mixed.rs, as in
//! benches/scale.rs). Each with no debounce (`debounceMs: 0`: the lint alone) and with the default
//! debounce (which the time includes), with ShellCheck's findings kept (the default: a change
//! extracts the scripts again, but starts no ShellCheck) and with `--no-shellcheck`. Then a save
//! after an edit of a `RUN` script, which starts ShellCheck on that script on the server's
//! ShellCheck thread: the time until its finding is published. The peer, measured in
//! the same run: hadolint started once per save on the same file, which is what its editor
//! plugins do (hadolint runs ShellCheck inside), and `layerlint check` started the same way
//! (without ShellCheck).
//!
//! `cargo bench --bench server_latency` (`-- typical` for the typical file alone)

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;
#[path = "support/mixed.rs"]
mod support;

use lsp_client::Client;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_layerlint");

/// Latencies of `changes` edits (after a few unmeasured ones), sorted; `server_args` are the
/// server's flags (`--no-shellcheck`).
fn server_latencies(
    dir: &Path,
    text: &str,
    debounce_ms: Option<u64>,
    changes: usize,
    server_args: &[&str],
) -> Vec<Duration> {
    let path = dir.join("Dockerfile");
    let uri = format!("file://{}", path.display());
    let mut client = Client::start_with(BIN, dir, server_args, &[]);
    let options = debounce_ms.map_or(json!(null), |ms| json!({ "debounceMs": ms }));
    client.initialize(&[], options);
    client.open(&uri, "dockerfile", text);
    client.diagnostics(&uri);
    // The edit: type a space at the start of line 2 (indentation changes no finding), then delete
    // it, and so on: every version is linted in full, as after a keystroke.
    let mut times = Vec::new();
    for version in 2..(2 + 5 + changes as i64) {
        let change = if version % 2 == 0 {
            json!({ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 0 } }, "text": " " })
        } else {
            json!({ "range": { "start": { "line": 1, "character": 0 }, "end": { "line": 1, "character": 1 } }, "text": "" })
        };
        let sent = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [change] }),
        );
        let published = client.diagnostics(&uri);
        let took = sent.elapsed();
        assert_eq!(
            published["version"], version,
            "diagnostics for the change just sent"
        );
        if version >= 7 {
            times.push(took);
        }
    }
    times.sort();
    times
}

/// Latencies of `saves` saves, each after an edit of the first `RUN` script that gives it an
/// SC2086 (`echo $SC_BENCH_N && …`, a script ShellCheck has not read): the time from writing
/// `didSave` to reading the diagnostics with that finding (with `--no-shellcheck`, the first
/// diagnostics), sorted; and the time from `didOpen` to the first diagnostics.
fn save_latencies(
    dir: &Path,
    text: &str,
    saves: usize,
    server_args: &[&str],
) -> (Vec<Duration>, Duration) {
    let path = dir.join("Dockerfile");
    let uri = format!("file://{}", path.display());
    let shellcheck = !server_args.contains(&"--no-shellcheck");
    let run_line = text
        .lines()
        .position(|line| line.starts_with("RUN "))
        .expect("a RUN line");
    let mut client = Client::start_with(BIN, dir, server_args, &[]);
    client.initialize(&[], json!({ "debounceMs": 0 }));
    let opening = Instant::now();
    client.open(&uri, "dockerfile", text);
    client.diagnostics(&uri);
    let opened = opening.elapsed();
    // The diagnostics of `version`, with the new finding when `sc` is set.
    let published = |client: &mut Client, version: i64, sc: bool| {
        client.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["version"] == version
                && (!sc
                    || m["params"]["diagnostics"].as_array().is_some_and(|all| {
                        all.iter().any(|d| {
                            d["code"] == "SC2086" && d["range"]["start"]["line"] == run_line
                        })
                    }))
        });
    };
    let mut times = Vec::new();
    // The first round is not measured: it may wait for the open's ShellCheck run.
    for round in 0..=saves {
        let version = 2 + 2 * round as i64;
        let inserted = format!("echo $SC_BENCH_{round} && ");
        let at = |end: usize| json!({ "start": { "line": run_line, "character": 4 }, "end": { "line": run_line, "character": end } });
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "range": at(4), "text": inserted }] }),
        );
        published(&mut client, version, false);
        let sent = Instant::now();
        client.notify(
            "textDocument/didSave",
            json!({ "textDocument": { "uri": uri } }),
        );
        published(&mut client, version, shellcheck);
        if round > 0 {
            times.push(sent.elapsed());
        }
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version + 1 }, "contentChanges": [{ "range": at(4 + inserted.len()), "text": "" }] }),
        );
        published(&mut client, version + 1, false);
    }
    times.sort();
    (times, opened)
}

/// Times of `runs` runs of `program args… file`, sorted; `None` when it cannot be started.
fn process_times(program: &str, args: &[&str], file: &Path, runs: usize) -> Option<Vec<Duration>> {
    let mut times = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        Command::new(program)
            .args(args)
            .arg(file)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()?;
        times.push(started.elapsed());
    }
    times.sort();
    Some(times)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &[Duration]) -> String {
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    format!(
        "median {:7.2} ms  p90 {:7.2} ms  max {:7.2} ms",
        ms(at(0.5)),
        ms(at(0.9)),
        ms(at(1.0))
    )
}

fn main() {
    // `cargo bench` passes `--bench`; another argument keeps only the files whose name holds it
    // (`-- typical`: hadolint takes minutes on the large file).
    let filter = std::env::args()
        .skip(1)
        .find(|arg| !arg.starts_with("--"))
        .unwrap_or_default();
    let typical = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/python-api/Dockerfile"),
    )
    .unwrap();
    let large = support::mixed(2_000);
    let default_ms = layerlint::server::DEFAULT_DEBOUNCE.as_millis();
    println!("layerlint server: didChange → publishDiagnostics, release binary, over pipes");
    for (name, text, changes, target_ms) in [
        ("typical (10 instructions)", &typical, 60, 10.0),
        ("2,000 instructions", &large, 20, 50.0),
    ] {
        if !name.contains(filter.as_str()) {
            continue;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join(".git")).unwrap();
        std::fs::write(dir.path().join("Dockerfile"), text).unwrap();
        println!("\n{name}:");
        let bare = server_latencies(dir.path(), text, Some(0), changes, &[]);
        println!("  server, no debounce        {}", summary(&bare));
        let without = server_latencies(dir.path(), text, Some(0), changes, &["--no-shellcheck"]);
        println!(
            "  server, no debounce, --no-shellcheck {}  (with ShellCheck: {:.2}x)",
            summary(&without),
            ms(bare[bare.len() / 2]) / ms(without[without.len() / 2])
        );
        let debounced = server_latencies(dir.path(), text, None, changes, &[]);
        println!(
            "  server, debounce {default_ms} ms (default) {}",
            summary(&debounced)
        );
        let median = bare[bare.len() / 2];
        let verdict = if ms(debounced[debounced.len() / 2]) < target_ms {
            "met"
        } else {
            "NOT met"
        };
        println!("  target < {target_ms} ms (median, with the default debounce): {verdict}");
        let saves = 20;
        let (saved, opened) = save_latencies(dir.path(), text, saves, &[]);
        let (saved_without, opened_without) =
            save_latencies(dir.path(), text, saves, &["--no-shellcheck"]);
        println!(
            "  save after a RUN edit → its SC finding {}",
            summary(&saved)
        );
        println!(
            "  save after a RUN edit, --no-shellcheck {}",
            summary(&saved_without)
        );
        println!(
            "  open → first diagnostics {:7.2} ms; with --no-shellcheck {:7.2} ms",
            ms(opened),
            ms(opened_without)
        );
        let file = dir.path().join("Dockerfile");
        // hadolint takes minutes on the large file: one run there.
        let runs = if changes > 20 { 10 } else { 1 };
        // Without ShellCheck, as a change is linted.
        let check_args = [
            "check",
            "--no-fail",
            "--quiet",
            "--no-shellcheck",
            "--format",
            "json",
        ];
        if let Some(check) = process_times(BIN, &check_args, &file, runs) {
            let m = check[check.len() / 2];
            println!(
                "  layerlint check per save (no ShellCheck) median {:7.2} ms  ({:.1}x the server without debounce)",
                ms(m),
                ms(m) / ms(median)
            );
        }
        match process_times("hadolint", &["--no-fail"], &file, runs) {
            Some(hadolint) => {
                let m = hadolint[hadolint.len() / 2];
                println!(
                    "  peer: hadolint per save (runs ShellCheck inside) median {:7.2} ms  ({:.1}x the server without debounce; {:.2}x the server's save with ShellCheck)",
                    ms(m),
                    ms(m) / ms(median),
                    ms(m) / ms(saved[saved.len() / 2])
                );
            }
            None => println!(
                "  peer: hadolint is not on PATH (../shared/tools/install-peers.sh): no ratio"
            ),
        }
    }
}
