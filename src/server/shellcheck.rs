//! ShellCheck's findings in the editor, as `check` reports them (the same scripts, `#!` lines and
//! variables, configuration and pragmas: `crate::shellcheck`).
//!
//! ShellCheck is a separate process that costs tens of milliseconds to start, ten times or more
//! a whole lint of a typical file, so it runs when a document is opened or saved (and when a
//! configuration, ignore, compose or bake file changes), not on every keystroke, and on a thread
//! of its own: the document's other findings are published at once, and its SC findings follow
//! when ShellCheck is done. On a change the scripts are extracted again (cheap, no process) and
//! each one ShellCheck has read, unchanged, gets what it said, placed where the script now is;
//! one it has not read (being edited) has no SC finding until the next save. So nothing shown is
//! stale, and typing starts no process.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::shellcheck::{Remembered, Said};
use lsp_types::Url;
use std::path::PathBuf;
use std::sync::mpsc::Sender;

/// Whether ShellCheck runs in this session, and with which program.
pub enum ShellCheck {
    /// `layerlint server --no-shellcheck`, or the client's `shellcheck: false`.
    Off,
    /// No `shellcheck` on `PATH`; `told` once the log says so.
    Missing {
        told: bool,
    },
    Ready(PathBuf),
}

/// A ShellCheck run finished: what it said of a document's scripts (or why it could not run).
pub struct Checked {
    pub uri: Url,
    pub said: Result<Said, String>,
}

impl ShellCheck {
    /// ShellCheck from `PATH`, unless `enabled` is false.
    pub fn new(enabled: bool) -> ShellCheck {
        if !enabled {
            return ShellCheck::Off;
        }
        crate::shellcheck::locate().map_or(ShellCheck::Missing { told: false }, ShellCheck::Ready)
    }

    /// Starts ShellCheck on a thread for the scripts of `text` that `remembered` lacks (on an
    /// open or a save: the scripts are extracted on that thread too, since a large file's take
    /// a while); its answer goes to `done`. Returns whether it started: not when ShellCheck is
    /// off or missing, or the configuration says `shellcheck: false`. A missing ShellCheck is
    /// logged once on standard error, which clients show as the server's log.
    pub fn start(
        &mut self,
        uri: &Url,
        text: &str,
        config: &Config,
        remembered: &Remembered,
        done: &Sender<Checked>,
    ) -> bool {
        if config.no_shellcheck {
            return false;
        }
        let binary = match self {
            ShellCheck::Off => return false,
            ShellCheck::Missing { told } => {
                if !*told {
                    *told = true;
                    eprintln!(
                        "layerlint server: `shellcheck` is not on PATH: RUN scripts are not checked by ShellCheck (no SC findings)"
                    );
                }
                return false;
            }
            ShellCheck::Ready(binary) => binary.clone(),
        };
        let known = remembered.known();
        let (uri, text, config, done) =
            (uri.clone(), text.to_string(), config.clone(), done.clone());
        let started = std::thread::Builder::new()
            .name("layerlint-shellcheck".to_string())
            .spawn(move || {
                let scripts = crate::shellcheck::collect(&text, &config);
                let unread = crate::shellcheck::unread(&scripts, &known);
                let said = crate::shellcheck::read(&binary, unread);
                // The session may have ended meanwhile: nobody is waiting then.
                let _ = done.send(Checked { uri, said });
            });
        started.is_ok()
    }

    /// The SC findings of `text` under `config`, from what ShellCheck said of its scripts
    /// (no process is started).
    pub fn findings(
        &self,
        text: &str,
        config: &Config,
        remembered: &Remembered,
    ) -> Vec<Diagnostic> {
        if config.no_shellcheck
            || !matches!(self, ShellCheck::Ready(_))
            || !remembered.found_anything()
        {
            return Vec::new();
        }
        remembered.findings(&crate::shellcheck::collect(text, config))
    }
}
