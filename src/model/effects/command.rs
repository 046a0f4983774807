//! One command about to run, as the effect handlers see it: its name and arguments, where it
//! sits in the file, the directory and environment it runs with, and whether it surely runs.

use super::state::{EnvValue, Shell};
use super::words::Arg;
use crate::model::Guard;
use crate::span::Span;

/// A command line on its way to the table: the shell's own builtins and wrappers (`sudo`, `env`
/// …) may still change what runs and how.
#[derive(Clone, Debug)]
pub(super) struct Call<'a> {
    /// The command name and its arguments.
    pub words: &'a [Arg],
    /// The whole command in the file.
    pub span: Span,
    /// The directory the program starts in (`env -C` and `sudo -D` change it).
    pub cwd: Option<String>,
    /// Variables set for this command only (`A=1 cmd`, `env A=1 cmd`).
    pub overrides: Vec<(String, EnvValue)>,
    /// `false` after `env -i`: the program sees only `overrides`.
    pub inherit_env: bool,
    /// Whether the command runs whenever the script does (not inside `if`, after `||`, in the
    /// background …). Metadata changes are only recorded when it does; deletes are recorded
    /// with their guard.
    pub guard: Guard,
    /// Whether the shell runs it itself, so `cd` or `export` change the shell; a program started
    /// by a wrapper (`sudo cd /x`) changes nothing in it.
    pub in_shell: bool,
}

impl<'a> Call<'a> {
    /// The same call, running `words` instead (what a wrapper starts).
    pub fn with_words(&self, words: &'a [Arg]) -> Call<'a> {
        Call {
            words,
            in_shell: false,
            ..self.clone()
        }
    }

    /// The command name without its directory (`/usr/bin/apt-get` → `apt-get`); `None` when it
    /// is computed.
    pub fn name(&self) -> Option<&str> {
        let name = self.words.first()?.text()?;
        Some(name.rsplit('/').next().unwrap_or(name))
    }

    pub fn args(&self) -> &'a [Arg] {
        self.words.get(1..).unwrap_or_default()
    }
}

/// A command the table knows, ready to be read.
#[derive(Clone, Copy)]
pub(super) struct Command<'a> {
    /// The name without its directory.
    pub name: &'a str,
    /// The arguments after the name.
    pub args: &'a [Arg],
    pub span: Span,
    pub cwd: Option<&'a str>,
    pub guard: Guard,
    call: &'a Call<'a>,
    shell: &'a Shell,
}

impl<'a> Command<'a> {
    pub fn new(name: &'a str, call: &'a Call<'a>, shell: &'a Shell) -> Command<'a> {
        Command {
            name,
            args: call.args(),
            span: call.span,
            cwd: call.cwd.as_deref(),
            guard: call.guard,
            call,
            shell,
        }
    }

    /// The same command with its arguments replaced (a tool's subcommand, `python -m pip`).
    pub fn with_args(&self, name: &'a str, args: &'a [Arg]) -> Command<'a> {
        Command {
            name,
            args,
            ..*self
        }
    }

    /// The value of an environment variable as the program sees it.
    pub fn env_var(&self, name: &str) -> EnvValue {
        let overridden = self.call.overrides.iter().rev().find(|(n, _)| n == name);
        match overridden {
            Some((_, value)) => value.clone(),
            None if self.call.inherit_env => self.shell.exported(name),
            None => EnvValue::Unset,
        }
    }
}
