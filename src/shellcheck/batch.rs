//! Running ShellCheck on many scripts at once: every script becomes a file in one temporary
//! directory, and a few ShellCheck processes (one per core) each read a share of them and print
//! what they found as `json1`. Starting ShellCheck costs far more than reading one small script,
//! so one process per `RUN` would cost most of the time.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};

/// ShellCheck codes left out, as hadolint leaves them out: SC1090 and SC1091 are about files a
/// script sources, which are in the image, not here; SC2187 says ShellCheck reads `ash` as `dash`.
const EXCLUDED: &str = "SC1090,SC1091,SC2187";

/// At most this many scripts per process: the file names must fit on one command line.
const MAX_PER_PROCESS: usize = 4000;

/// One comment of ShellCheck's, as `json1` prints it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Comment {
    pub file: String,
    pub line: usize,
    pub end_line: usize,
    pub column: usize,
    pub end_column: usize,
    pub level: String,
    pub code: u32,
    pub message: String,
}

#[derive(Deserialize)]
struct Output {
    comments: Vec<Comment>,
}

/// Checks `scripts` with the ShellCheck at `binary`; returns each script's comments, by index.
/// A script that is there more than once (the same `RUN` in many variants of an image) is
/// checked once.
pub fn check(binary: &Path, scripts: &[&str]) -> Result<Vec<Vec<Comment>>, String> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut unique: Vec<&str> = Vec::new();
    let same_as: Vec<usize> = scripts
        .iter()
        .map(|text| {
            *first.entry(text).or_insert_with(|| {
                unique.push(text);
                unique.len() - 1
            })
        })
        .collect();
    let found = check_unique(binary, &unique)?;
    Ok(same_as.into_iter().map(|i| found[i].clone()).collect())
}

fn check_unique(binary: &Path, scripts: &[&str]) -> Result<Vec<Vec<Comment>>, String> {
    let mut found = vec![Vec::new(); scripts.len()];
    if scripts.is_empty() {
        return Ok(found);
    }
    let dir = tempfile::Builder::new()
        .prefix("layerlint-shellcheck-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    for (index, text) in scripts.iter().enumerate() {
        std::fs::write(dir.path().join(name(index)), text)
            .map_err(|e| format!("cannot write a script to {}: {e}", dir.path().display()))?;
    }
    let processes = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .max(1);
    // Shares of similar size, one per core, and never more names than a command line holds.
    let per_process = scripts
        .len()
        .div_ceil(processes)
        .clamp(1, MAX_PER_PROCESS);
    let shares: Vec<std::ops::Range<usize>> = (0..scripts.len())
        .step_by(per_process)
        .map(|start| start..(start + per_process).min(scripts.len()))
        .collect();
    let outputs: Vec<Result<Vec<Comment>, String>> = std::thread::scope(|scope| {
        let mut running = Vec::new();
        let mut results = Vec::new();
        for share in shares {
            // No more processes than cores at a time.
            if running.len() == processes {
                let first: std::thread::ScopedJoinHandle<'_, _> = running.remove(0);
                results.push(first.join().unwrap_or_else(|_| Err("a thread failed".into())));
            }
            let dir = dir.path();
            running.push(scope.spawn(move || run(binary, dir, share)));
        }
        results.extend(
            running
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err("a thread failed".into()))),
        );
        results
    });
    for output in outputs {
        for comment in output? {
            if let Some(index) = index_of(&comment.file).filter(|&i| i < found.len()) {
                found[index].push(comment);
            }
        }
    }
    Ok(found)
}

fn name(index: usize) -> String {
    format!("{index}.sh")
}

fn index_of(file: &str) -> Option<usize> {
    file.strip_suffix(".sh")?.parse().ok()
}

/// One ShellCheck process over the scripts `share`, run in `dir` so the names stay short.
fn run(binary: &Path, dir: &Path, share: std::ops::Range<usize>) -> Result<Vec<Comment>, String> {
    let output = Command::new(binary)
        .current_dir(dir)
        .args(["--format=json1", "--norc", "--severity=style"])
        .arg(format!("--exclude={EXCLUDED}"))
        .args(share.map(name))
        // ShellCheck reads the scripts in the locale's encoding; they are UTF-8.
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    // 0: nothing found, 1: something found; anything else is ShellCheck's own trouble.
    if !matches!(output.status.code(), Some(0 | 1)) {
        let said = String::from_utf8_lossy(&output.stderr);
        let first = said.lines().next().unwrap_or("").trim();
        return Err(format!(
            "{} failed ({}){}",
            binary.display(),
            output.status,
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        ));
    }
    let parsed: Output = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("cannot read what {} printed: {e}", binary.display()))?;
    Ok(parsed.comments)
}
