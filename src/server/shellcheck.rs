//! ShellCheck's findings in the editor, as `check` reports them (the same scripts, `#!` lines and
//! variables, configuration and pragmas: `crate::shellcheck`).
//!
//! ShellCheck is a separate process that costs tens of milliseconds to start, ten times or more
//! a whole lint of a typical file, so it runs when a document is opened or saved (and when a
//! configuration, ignore, compose or bake file changes), not on every keystroke. On a change the
//! scripts are extracted again (cheap, no process) and each one ShellCheck has read, unchanged,
//! gets what it said, placed where the script now is; one it has not read (being edited) has no
//! SC finding until the next save. So nothing shown is stale, and typing starts no process.

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::shellcheck::Remembered;
use std::path::PathBuf;

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

impl ShellCheck {
    /// ShellCheck from `PATH`, unless `enabled` is false.
    pub fn new(enabled: bool) -> ShellCheck {
        if !enabled {
            return ShellCheck::Off;
        }
        crate::shellcheck::locate().map_or(ShellCheck::Missing { told: false }, ShellCheck::Ready)
    }

    /// Runs ShellCheck on the scripts of `text` that `remembered` lacks (on an open or a save).
    /// Nothing when ShellCheck is off or missing, or the configuration says `shellcheck: false`.
    /// What goes wrong is logged on standard error, which clients show as the server's log.
    pub fn run(&mut self, text: &str, config: &Config, remembered: &mut Remembered) {
        if config.no_shellcheck {
            return;
        }
        match self {
            ShellCheck::Off => {}
            ShellCheck::Missing { told } => {
                if !*told {
                    *told = true;
                    eprintln!(
                        "layerlint server: `shellcheck` is not on PATH: RUN scripts are not checked by ShellCheck (no SC findings)"
                    );
                }
            }
            ShellCheck::Ready(binary) => {
                let scripts = crate::shellcheck::collect(text, config);
                if let Err(why) = remembered.check(binary, &scripts) {
                    eprintln!("layerlint server: ShellCheck could not run ({why}): no SC findings");
                }
            }
        }
    }

    /// The SC findings of `text` under `config`, from what ShellCheck said of its scripts when it
    /// last ran (no process is started).
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
