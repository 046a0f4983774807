//! ShellCheck on `RUN` scripts, as hadolint runs it: SC findings placed on the exact line and
//! column of the Dockerfile.
//!
//! Not a rule: rules see one file, and ShellCheck costs a process start, so the scripts of every
//! file of a run are gathered first ([`collect`], per file, on the worker threads) and checked
//! together by a few ShellCheck processes ([`check`], once per run). The findings then go through
//! the file's configuration and inline pragmas like any other.

mod batch;
mod finding;
mod positions;
mod script;

pub use finding::{NAME, is_code};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::rules::runs::Runs;
use crate::suppress::{self, Pragma};
use crate::syntax::{self, script::run_scripts};
use std::path::{Path, PathBuf};

/// At most this many scripts of one file go to ShellCheck. Each costs ShellCheck a few
/// milliseconds, so a generated file of 10,000 `RUN`s (400 KB) kept it busy for half a minute;
/// the largest file of the corpus has 44 `RUN`s. The scripts past the limit are left out and
/// counted like the costly ones.
pub const MAX_SCRIPTS_PER_FILE: usize = 500;

/// What ShellCheck is asked about one file, and what decides which of its findings stay.
#[derive(Clone, Debug, Default)]
pub struct FileScripts {
    scripts: Vec<script::Script>,
    /// Scripts not handed to ShellCheck because its time on them could explode, or because
    /// the file has more than [`MAX_SCRIPTS_PER_FILE`].
    pub left_out: usize,
    pragmas: Vec<Pragma>,
    config: Config,
}

/// The scripts of one Dockerfile's text that ShellCheck can read (sh, bash, dash, ash, ksh),
/// under the file's configuration.
pub fn collect(source: &str, config: &Config) -> FileScripts {
    let dockerfile = syntax::parse(source);
    let model_scripts = run_scripts(&dockerfile);
    let runs = Runs::new(&dockerfile, &model_scripts);
    let triggers = script::Triggers::of(&dockerfile);
    let (left_out, mut scripts): (Vec<script::Script>, Vec<script::Script>) = runs
        .runs
        .iter()
        .filter_map(|run| script::script_of(&dockerfile, run, &triggers))
        .partition(script::too_costly);
    let past_the_limit = scripts.len().saturating_sub(MAX_SCRIPTS_PER_FILE);
    scripts.truncate(MAX_SCRIPTS_PER_FILE);
    let pragmas = if scripts.is_empty() || config.disable_ignore_pragma {
        Vec::new()
    } else {
        suppress::pragmas(&dockerfile)
    };
    FileScripts {
        scripts,
        left_out: left_out.len() + past_the_limit,
        pragmas,
        config: config.clone(),
    }
}

/// The `shellcheck` program on `PATH`, if there is one.
pub fn locate() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .filter(|dir| !dir.as_os_str().is_empty())
        .map(|dir| dir.join("shellcheck"))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file() || path.with_extension("exe").is_file()
}

/// Checks the scripts of every file with the ShellCheck at `binary`; returns each file's SC
/// findings, in the order of `files`, with the configuration and the pragmas applied.
pub fn check(binary: &Path, files: &[FileScripts]) -> Result<Vec<Vec<Diagnostic>>, String> {
    let texts: Vec<&str> = files
        .iter()
        .flat_map(|file| file.scripts.iter().map(|s| s.text.text()))
        .collect();
    let mut comments = batch::check(binary, &texts)?.into_iter();
    let mut found = Vec::with_capacity(files.len());
    for file in files {
        let mut diagnostics = Vec::new();
        for script in &file.scripts {
            let of_script = comments.next().unwrap_or_default();
            diagnostics.extend(
                of_script
                    .iter()
                    .filter_map(|comment| finding::finding(comment, script, &file.config)),
            );
        }
        // A pragma that silences only SC codes is never reported as unused: layerlint has no
        // rule of that code to say it is stale, as it has none for hadolint's own rules.
        let (kept, _unused) = suppress::apply(diagnostics, &file.pragmas);
        found.push(kept);
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(count: usize) -> String {
        (0..count).fold(String::from("FROM alpine:3.20\n"), |mut out, i| {
            out.push_str(&format!("RUN echo {i}\n"));
            out
        })
    }

    #[test]
    fn a_file_gives_shellcheck_at_most_the_limit_and_counts_the_rest() {
        let config = Config::default();
        let at_limit = collect(&runs(MAX_SCRIPTS_PER_FILE), &config);
        assert_eq!(
            (at_limit.scripts.len(), at_limit.left_out),
            (MAX_SCRIPTS_PER_FILE, 0)
        );
        let past = collect(&runs(MAX_SCRIPTS_PER_FILE + 7), &config);
        assert_eq!(
            (past.scripts.len(), past.left_out),
            (MAX_SCRIPTS_PER_FILE, 7)
        );
        // The first scripts of the file are the ones kept.
        let first = past.scripts.first().map(|s| s.text.text().to_string());
        assert!(
            first.as_deref().is_some_and(|t| t.contains("echo 0")),
            "{first:?}"
        );
    }
}
