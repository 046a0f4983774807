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
    Ok(files
        .iter()
        .map(|file| findings_of(file, |_| comments.next().unwrap_or_default()))
        .collect())
}

/// One file's findings, given ShellCheck's comments on each of its scripts, in order.
fn findings_of(
    file: &FileScripts,
    mut comments_on: impl FnMut(&script::Script) -> Vec<batch::Comment>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    for script in &file.scripts {
        let of_script = comments_on(script);
        diagnostics.extend(
            of_script
                .iter()
                .filter_map(|comment| finding::finding(comment, script, &file.config)),
        );
    }
    // A pragma that silences only SC codes is never reported as unused: layerlint has no
    // rule of that code to say it is stale, as it has none for hadolint's own rules.
    suppress::apply(diagnostics, &file.pragmas).0
}

/// ShellCheck's comments on the scripts it last read, by the script as it was handed over (the
/// `#!` line and variables included): what it says depends on that text alone, so a script that
/// is handed over again unchanged, wherever it now sits in the file, needs no new process. The
/// language server keeps one per document, so that an edit shows exactly what ShellCheck said of
/// the scripts it has read, without starting it on every keystroke.
#[derive(Debug, Default)]
pub struct Remembered {
    comments: std::collections::HashMap<String, Vec<batch::Comment>>,
}

/// What ShellCheck said of some scripts, by their text: made by [`read`] (on any thread), kept
/// by [`Remembered::remember`].
#[derive(Debug)]
pub struct Said(Vec<(String, Vec<batch::Comment>)>);

impl Said {
    /// Whether ShellCheck found anything in these scripts.
    pub fn found_anything(&self) -> bool {
        self.0.iter().any(|(_, comments)| !comments.is_empty())
    }
}

/// The scripts of `file` not among `known` (see [`Remembered::known`]), each once.
pub fn unread(file: &FileScripts, known: &std::collections::HashSet<String>) -> Vec<String> {
    let mut unread: Vec<String> = Vec::new();
    for text in file.scripts.iter().map(|s| s.text.text()) {
        if !known.contains(text) && !unread.iter().any(|u| u == text) {
            unread.push(text.to_string());
        }
    }
    unread
}

/// Runs the ShellCheck at `binary` on these scripts (texts from [`unread`]).
pub fn read(binary: &Path, scripts: Vec<String>) -> Result<Said, String> {
    let texts: Vec<&str> = scripts.iter().map(String::as_str).collect();
    let found = batch::check(binary, &texts)?;
    Ok(Said(scripts.into_iter().zip(found).collect()))
}

impl Remembered {
    /// The scripts ShellCheck has read (for [`unread`] on another thread).
    pub fn known(&self) -> std::collections::HashSet<String> {
        self.comments.keys().cloned().collect()
    }

    /// Keeps what ShellCheck said; forgets the scripts that are neither in `file` (the text as it
    /// is now) nor just read, so what is kept stays about the size of one file.
    pub fn remember(&mut self, said: Said, file: &FileScripts) {
        let current: std::collections::HashSet<&str> =
            file.scripts.iter().map(|s| s.text.text()).collect();
        self.comments
            .retain(|text, _| current.contains(text.as_str()));
        self.comments.extend(said.0);
    }

    /// Whether ShellCheck found anything in the scripts remembered: when not, no text has SC
    /// findings from them, and the scripts need not be extracted to say so.
    pub fn found_anything(&self) -> bool {
        self.comments.values().any(|comments| !comments.is_empty())
    }

    /// The SC findings of `file` from what ShellCheck said before: a script it has not read
    /// has none (yet), rather than findings of another script.
    pub fn findings(&self, file: &FileScripts) -> Vec<Diagnostic> {
        if !self.found_anything() {
            return Vec::new();
        }
        findings_of(file, |script| {
            self.comments
                .get(script.text.text())
                .cloned()
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What ShellCheck would say of `$X` in a script holding `echo $X` (SC2086), placed by the
    /// script's own lines and 1-based columns.
    fn quote_it(script: &str) -> batch::Comment {
        let (line, text) = script
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("echo $X"))
            .expect("the echo line");
        let column = text.find("$X").expect("$X") + 1;
        batch::Comment {
            file: String::new(),
            line: line + 1,
            end_line: line + 1,
            column,
            end_column: column + 2,
            level: "info".into(),
            code: 2086,
            message: "Double quote to prevent globbing and word splitting.".into(),
        }
    }

    #[test]
    fn what_was_said_of_a_script_follows_it_and_only_it() {
        let config = Config::default();
        let text = "FROM a\nRUN echo $X\nRUN ls\nRUN echo $X\n";
        let file = collect(text, &config);
        let unread_now = unread(&file, &Default::default());
        assert_eq!(unread_now.len(), 2, "the same script twice is read once");
        let echo = unread_now
            .iter()
            .find(|s| s.contains("echo $X"))
            .unwrap()
            .clone();
        let ls = unread_now
            .iter()
            .find(|s| s.contains("ls"))
            .unwrap()
            .clone();
        let mut remembered = Remembered::default();
        let said = Said(vec![
            (echo.clone(), vec![quote_it(&echo)]),
            (ls, Vec::new()),
        ]);
        assert!(said.found_anything());
        remembered.remember(said, &file);
        assert!(unread(&file, &remembered.known()).is_empty());
        let places = |text: &str, remembered: &Remembered| -> Vec<String> {
            remembered
                .findings(&collect(text, &config))
                .iter()
                .map(|d| format!("{}@{}:{}", d.code, d.span.start, &text[d.span.range()]))
                .collect()
        };
        assert_eq!(places(text, &remembered), ["SC2086@16:$X", "SC2086@35:$X"]);

        // A line above moves them; an edited script (quoted) has nothing said of it.
        let edited = "FROM a\nLABEL a=b\nRUN echo $X\nRUN ls\nRUN echo \"$X\"\n";
        assert_eq!(places(edited, &remembered), ["SC2086@26:$X"]);
        let file = collect(edited, &config);
        assert_eq!(unread(&file, &remembered.known()).len(), 1);

        // Remembering for the edited text forgets the scripts it no longer has.
        remembered.remember(Said(Vec::new()), &collect("FROM a\nRUN ls\n", &config));
        assert_eq!(remembered.known().len(), 1);
        assert!(!remembered.found_anything());
    }

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
