//! Commands that run another command: `sudo`, `env`, `exec`, `nice`, `nohup`, `time`,
//! `timeout`, `command`, `busybox`, and the shells (`sh -c '…'`). The model looks through them to
//! the command they run, with the directory and environment they give it.
//!
//! `xargs` is not looked through: its arguments come from input the model never sees.

use super::builtins;
use super::command::Call;
use super::options::{self, Spec};
use super::state::EnvValue;
use super::words::Arg;
use crate::model::Guard;
use crate::model::paths;
use crate::span::Span;

/// What a command runs in its place.
pub(super) enum Wrapped<'a> {
    /// Not a wrapper: the command itself is what runs.
    No,
    /// It runs nothing (`env` alone, `command -v x`, `sudo -l`, `exec` with only redirections).
    Nothing,
    Runs(Call<'a>),
    /// A shell runs this script text, written in the word at `word` (`sh -c '…'`).
    Script {
        text: String,
        word: Span,
    },
    /// It runs something the model cannot read (`sh install.sh`, `sh -c "$CMD"`, `env -S …`).
    Unread(Span),
}

pub(super) fn unwrap<'a>(name: &str, call: &Call<'a>) -> Wrapped<'a> {
    const NICE: Spec = Spec {
        short: "n",
        long: &["adjustment"],
    };
    const TIME: Spec = Spec {
        short: "fo",
        long: &["format", "output"],
    };
    match name {
        "sudo" => sudo(call),
        "env" => env(call),
        "exec" => exec(call),
        "command" => command(call),
        "timeout" => timeout(call),
        "nice" => leading(call, &NICE, false),
        "nohup" | "busybox" => leading(call, &Spec::NONE, false),
        // bash's `time` keyword times a builtin as well as a program.
        "time" => leading(call, &TIME, true),
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" => shell_script(call),
        _ => Wrapped::No,
    }
}

/// The command after the wrapper's own options.
fn leading<'a>(call: &Call<'a>, spec: &Spec, keeps_builtins: bool) -> Wrapped<'a> {
    let (_, rest) = options::parse_leading(call.args(), spec);
    runs(call, rest, keeps_builtins)
}

fn runs<'a>(call: &Call<'a>, words: &'a [Arg], keeps_builtins: bool) -> Wrapped<'a> {
    if words.is_empty() {
        return Wrapped::Nothing;
    }
    let mut inner = call.with_words(words);
    inner.in_shell = keeps_builtins && call.in_shell;
    Wrapped::Runs(inner)
}

fn sudo<'a>(call: &Call<'a>) -> Wrapped<'a> {
    const SUDO: Spec = Spec {
        short: "CDghprTtUu",
        long: &[
            "chdir",
            "close-from",
            "command-timeout",
            "group",
            "host",
            "other-user",
            "prompt",
            "role",
            "type",
            "user",
        ],
    };
    let (parsed, rest) = options::parse_leading(call.args(), &SUDO);
    let lists_or_edits = [
        "l", "list", "v", "validate", "V", "version", "e", "edit", "K",
    ];
    if parsed.has(&lists_or_edits) {
        return Wrapped::Nothing;
    }
    let (overrides, command) = leading_assignments(rest);
    let mut inner = match runs(call, command, false) {
        Wrapped::Runs(inner) => inner,
        other => return other,
    };
    inner.overrides.extend(overrides);
    if parsed.has(&["u", "user"]) {
        // Another user's home, which the model does not know.
        inner.overrides.push(("HOME".into(), EnvValue::Unknown));
    }
    if parsed.has(&["i", "login"]) {
        // A login shell starts in the target user's home.
        inner.cwd = None;
    }
    if let Some(dir) = parsed.value(&["D", "chdir"]) {
        inner.cwd = directory(call.cwd.as_deref(), dir);
    }
    if parsed.has(&["b", "background"]) {
        inner.guard = Guard::Never;
    }
    Wrapped::Runs(inner)
}

fn env<'a>(call: &Call<'a>) -> Wrapped<'a> {
    const ENV: Spec = Spec {
        short: "CSu",
        long: &["chdir", "split-string", "unset"],
    };
    let (parsed, mut rest) = options::parse_leading(call.args(), &ENV);
    if parsed.has(&["S", "split-string"]) {
        return Wrapped::Unread(call.span);
    }
    // A lone `-` is an old spelling of `-i`.
    let mut inherit = !parsed.has(&["i", "ignore-environment"]);
    while let Some(("-", tail)) = rest
        .split_first()
        .map(|(first, tail)| (first.option_text(), tail))
    {
        inherit = false;
        rest = tail;
    }
    let (overrides, command) = leading_assignments(rest);
    let mut inner = match runs(call, command, false) {
        Wrapped::Runs(inner) => inner,
        other => return other,
    };
    inner.inherit_env &= inherit;
    if !inherit {
        inner.overrides.clear();
    }
    let unset = parsed
        .values(&["u", "unset"])
        .into_iter()
        .filter_map(Arg::text);
    inner
        .overrides
        .extend(unset.map(|name| (name.to_string(), EnvValue::Unset)));
    inner.overrides.extend(overrides);
    if let Some(dir) = parsed.value(&["C", "chdir"]) {
        inner.cwd = directory(call.cwd.as_deref(), dir);
    }
    Wrapped::Runs(inner)
}

/// `exec CMD` replaces the shell with CMD; `exec` with only redirections runs nothing.
fn exec<'a>(call: &Call<'a>) -> Wrapped<'a> {
    const EXEC: Spec = Spec {
        short: "a",
        long: &[],
    };
    let (parsed, rest) = options::parse_leading(call.args(), &EXEC);
    let mut wrapped = runs(call, rest, false);
    if let Wrapped::Runs(inner) = &mut wrapped {
        if parsed.has(&["c"]) {
            inner.inherit_env = false;
            inner.overrides.clear();
        }
    }
    wrapped
}

/// `command CMD` runs CMD (a builtin too); `command -v`/`-V` only look it up.
fn command<'a>(call: &Call<'a>) -> Wrapped<'a> {
    let (parsed, rest) = options::parse_leading(call.args(), &Spec::NONE);
    if parsed.has(&["v", "V"]) {
        return Wrapped::Nothing;
    }
    runs(call, rest, true)
}

/// `timeout [OPTIONS] DURATION CMD …`
fn timeout<'a>(call: &Call<'a>) -> Wrapped<'a> {
    const TIMEOUT: Spec = Spec {
        short: "ks",
        long: &["kill-after", "signal"],
    };
    let (_, rest) = options::parse_leading(call.args(), &TIMEOUT);
    runs(call, rest.get(1..).unwrap_or_default(), false)
}

/// `sh [-eux] [-o opt] -c 'script' [name args…]`: the script string, when it is known. A shell
/// without `-c` reads a file or its input, neither of which the model sees.
fn shell_script<'a>(call: &Call<'a>) -> Wrapped<'a> {
    let args = call.args();
    let mut has_command_string = false;
    let mut index = 0;
    while let Some(text) = args.get(index).map(Arg::option_text) {
        if text == "--" || text == "-" {
            index += 1;
            break;
        }
        let Some(letters) = text.strip_prefix('-').or_else(|| text.strip_prefix('+')) else {
            break;
        };
        if letters.starts_with('-') {
            // bash's long options; two of them take a file.
            index += usize::from(matches!(letters, "-rcfile" | "-init-file"));
        } else {
            has_command_string |= letters.contains('c');
            // `-o pipefail`, `-O extglob` take an option name.
            index += usize::from(letters.contains(['o', 'O']));
        }
        index += 1;
    }
    match (has_command_string, args.get(index)) {
        (true, Some(script)) => match script.text() {
            Some(text) => Wrapped::Script {
                text: text.to_string(),
                word: script.span,
            },
            None => Wrapped::Unread(script.span),
        },
        (true, None) => Wrapped::Nothing,
        (false, _) => Wrapped::Unread(call.span),
    }
}

/// `NAME=value` words before the command (`env A=1 cmd`, `sudo A=1 cmd`).
fn leading_assignments(words: &[Arg]) -> (Vec<(String, EnvValue)>, &[Arg]) {
    let mut overrides = Vec::new();
    let mut rest = words;
    while let Some((first, tail)) = rest.split_first() {
        let Some((name, value)) = builtins::assignment(first) else {
            break;
        };
        overrides.push((name, value.map_or(EnvValue::Unknown, EnvValue::Known)));
        rest = tail;
    }
    (overrides, rest)
}

/// A directory a wrapper changes to, resolved against the caller's.
fn directory(cwd: Option<&str>, arg: &Arg) -> Option<String> {
    let text = arg.path_text().filter(|text| !paths::is_glob(text))?;
    if text.starts_with('/') {
        Some(paths::normalize(text))
    } else {
        cwd.map(|cwd| paths::resolve(cwd, text))
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn env_and_prefix_assignments_reach_the_program() {
        let effects = TestEnv::new().run("env PIP_NO_CACHE_DIR=1 pip install flask");
        assert!(effects.caches.is_empty());
        let effects = TestEnv::new()
            .var("PIP_NO_CACHE_DIR", Some("1"))
            .run("env -i pip install flask");
        assert_eq!(effects.caches.len(), 1);
        let effects = TestEnv::new()
            .var("PIP_NO_CACHE_DIR", Some("1"))
            .run("env -u PIP_NO_CACHE_DIR pip install flask");
        assert_eq!(effects.caches.len(), 1);
    }

    #[test]
    fn sudo_as_another_user_has_an_unknown_home() {
        let effects = TestEnv::new().run("sudo -u app pip install flask");
        assert!(effects.caches.is_empty());
        assert_eq!(effects.packages.len(), 1);
        let effects = TestEnv::new().run("sudo -D /srv mkdir x; sudo -b rm -rf /y");
        assert_eq!(paths(&effects.creates), [("/srv/x", false)]);
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn sh_c_in_a_child_shell() {
        // The child does not see unexported variables, and its cd does not leak out.
        let effects = TestEnv::new()
            .workdir("/app")
            .run("D=/opt; export E=/srv; sh -c 'mkdir $D/x $E/y; cd /tmp'; mkdir z");
        assert_eq!(
            paths(&effects.creates),
            [("/srv/y", false), ("/app/z", false)]
        );
        let effects = TestEnv::new().run("F=/f sh -c 'mkdir $F'");
        assert_eq!(paths(&effects.creates), [("/f", false)]);
    }

    #[test]
    fn shell_options_before_c() {
        for script in [
            "sh -ec 'mkdir /a'",
            "bash -o pipefail -c 'mkdir /a'",
            "bash --noprofile --norc -e -c 'mkdir /a'",
            "/bin/sh -c 'mkdir /a' name arg",
        ] {
            let effects = TestEnv::new().run(script);
            assert_eq!(paths(&effects.creates), [("/a", false)], "{script}");
        }
    }
}
