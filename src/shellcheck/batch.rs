//! Running ShellCheck on many scripts at once: every script becomes a file in one temporary
//! directory, and a few ShellCheck processes (one per core) each read a share of them and print
//! what they found as `json1`. Starting ShellCheck costs far more than reading one small script,
//! so one process per `RUN` would cost most of the time.

use serde::Deserialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    let shares = shares(scripts, processes);
    let outputs: Vec<Result<Vec<Comment>, String>> = std::thread::scope(|scope| {
        let mut running = Vec::new();
        let mut results = Vec::new();
        for share in shares {
            // No more processes than cores at a time.
            if running.len() == processes {
                let first: std::thread::ScopedJoinHandle<'_, _> = running.remove(0);
                results.push(
                    first
                        .join()
                        .unwrap_or_else(|_| Err("a thread failed".into())),
                );
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

/// Consecutive ranges of `scripts`, one per process, of about the same number of bytes (what
/// ShellCheck's time follows), none with more than [`MAX_PER_PROCESS`] scripts.
fn shares(scripts: &[&str], processes: usize) -> Vec<std::ops::Range<usize>> {
    let total: usize = scripts.iter().map(|s| s.len()).sum();
    let per_share = total.div_ceil(processes).max(1);
    let mut shares = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (index, script) in scripts.iter().enumerate() {
        bytes += script.len();
        if bytes >= per_share || index + 1 - start == MAX_PER_PROCESS {
            shares.push(start..index + 1);
            (start, bytes) = (index + 1, 0);
        }
    }
    if start < scripts.len() {
        shares.push(start..scripts.len());
    }
    shares
}

fn name(index: usize) -> String {
    format!("{index}.sh")
}

fn index_of(file: &str) -> Option<usize> {
    file.strip_suffix(".sh")?.parse().ok()
}

/// How long one ShellCheck process may take: far more than a share of real scripts needs on a
/// loaded machine, and a bound on what a script that makes ShellCheck's time explode can cost.
fn time_limit(scripts: usize) -> Duration {
    Duration::from_secs(60) + Duration::from_millis(50) * scripts as u32
}

/// One ShellCheck process over the scripts `share`, run in `dir` so the names stay short.
fn run(binary: &Path, dir: &Path, share: std::ops::Range<usize>) -> Result<Vec<Comment>, String> {
    let limit = time_limit(share.len());
    let mut child = Command::new(binary)
        .current_dir(dir)
        .args(["--format=json1", "--norc", "--severity=style"])
        .arg(format!("--exclude={EXCLUDED}"))
        .args(share.map(name))
        // ShellCheck reads the scripts in the locale's encoding; they are UTF-8.
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    // Read both pipes while waiting, so a full pipe never stalls ShellCheck.
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if started.elapsed() > limit => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} took more than {} s and was stopped",
                    binary.display(),
                    limit.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(format!("cannot wait for {}: {e}", binary.display())),
        }
    };
    let stdout = stdout.join().unwrap_or_default();
    let stderr = stderr.join().unwrap_or_default();
    // 0: nothing found, 1: something found; anything else is ShellCheck's own trouble.
    if !matches!(status.code(), Some(0 | 1)) {
        let said = String::from_utf8_lossy(&stderr);
        let first = said.lines().next().unwrap_or("").trim();
        return Err(format!(
            "{} failed ({status}){}",
            binary.display(),
            if first.is_empty() {
                String::new()
            } else {
                format!(": {first}")
            }
        ));
    }
    let parsed: Output = serde_json::from_slice(&stdout)
        .map_err(|e| format!("cannot read what {} printed: {e}", binary.display()))?;
    Ok(parsed.comments)
}

/// Reads a pipe to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_cover_every_script_once_with_similar_bytes() {
        let scripts = [
            "a".repeat(10),
            "b".repeat(10),
            "c".repeat(20),
            "d".repeat(5),
        ];
        let texts: Vec<&str> = scripts.iter().map(String::as_str).collect();
        assert_eq!(shares(&texts, 2), [0..3, 3..4]);
        assert_eq!(shares(&texts, 1), vec![0..texts.len()]);
        let many = vec!["x"; MAX_PER_PROCESS * 2 + 1];
        let split = shares(&many, 1);
        assert_eq!(split.len(), 3);
        assert_eq!(split.iter().map(|r| r.len()).sum::<usize>(), many.len());
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(index_of(&name(42)), Some(42));
        assert_eq!(index_of("x.sh"), None);
    }
}
