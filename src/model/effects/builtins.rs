//! The shell builtins that change the shell itself: `cd`, `pushd`, `popd`, assignments and
//! `export` (and its relatives), `unset`, `read`, `exit`; and those that run text the model
//! does not read (`source`, `.`, `eval`).

use super::command::Call;
use super::options::{self, Spec};
use super::record::Recorder;
use super::state::Shell;
use super::words::Arg;
use crate::model::paths;

/// Runs `name` if it is one of these builtins; returns whether it was.
pub(super) fn run(rec: &mut Recorder, call: &Call, name: &str, shell: &mut Shell) -> bool {
    match name {
        "cd" => {
            let target = directory_operand(call.args()).and_then(|arg| target(arg, shell));
            shell.set_cwd(target);
        }
        "pushd" => pushd(call.args(), shell),
        "popd" => popd(call.args(), shell),
        "export" | "declare" | "typeset" | "local" | "readonly" => declare(name, call, shell),
        "unset" => unset(call.args(), shell),
        "read" => read(call.args(), shell),
        "exit" if fails_the_build(call.args()) => shell.failed = true,
        "exit" => shell.ended = true,
        "source" | "." | "eval" => rec.unread(call.span),
        _ => return false,
    }
    true
}

/// Whether `exit` with these operands fails the RUN. A layer is only committed by a build that
/// succeeded, so an `exit 1` is a branch that build did not take (`ldd … | grep 'not found' &&
/// exit 1 || :`), and what follows it still runs; `exit`, `exit 0` or `exit $status` may succeed
/// and end the script.
fn fails_the_build(args: &[Arg]) -> bool {
    match args {
        [status] => status
            .text()
            .and_then(|text| text.parse::<u32>().ok())
            .is_some_and(|code| code % 256 != 0),
        _ => false,
    }
}

/// `NAME=value` (or `NAME+=value`) as the shell applies it; `export` keeps it in the
/// environment of the programs the script starts.
pub(super) fn assign(shell: &mut Shell, arg: &Arg, export: bool) {
    let Some((name, value)) = assignment(arg) else {
        return;
    };
    let appended = arg
        .option_text()
        .get(name.len()..)
        .is_some_and(|rest| rest.starts_with("+="));
    let value = if appended {
        let before = shell
            .vars
            .get(&name)
            .and_then(|var| var.value.clone().map(String::from));
        before.zip(value).map(|(before, value)| before + &value)
    } else {
        value
    };
    shell.assign(&name, value, export);
}

/// Splits an assignment word into its name and value (`None` when the value is not known).
pub(super) fn assignment(arg: &Arg) -> Option<(String, Option<String>)> {
    let (head, _) = arg.option_text().split_once('=')?;
    let name = head.strip_suffix('+').unwrap_or(head);
    if !is_name(name) {
        return None;
    }
    let value = arg
        .text()
        .and_then(|text| text.split_once('='))
        .map(|(_, value)| value.to_string());
    Some((name.to_string(), value))
}

fn is_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The directory operand of `cd`/`pushd` (options `-L`, `-P`, `-e`, `-@` skipped).
fn directory_operand(args: &[Arg]) -> Option<&Arg> {
    let (_, rest) = options::parse_leading(args, &Spec::NONE);
    rest.first()
}

/// Where `cd ARG` goes, when that is known. `cd -` and a pattern are not known.
fn target(arg: &Arg, shell: &Shell) -> Option<String> {
    let text = arg.path_text()?;
    if text.is_empty() || text == "-" || paths::is_glob(text) {
        return None;
    }
    if text.starts_with('/') {
        return Some(paths::normalize(text));
    }
    shell.cwd().map(|cwd| paths::resolve(cwd, text))
}

/// `pushd DIR` pushes the current directory; `pushd` alone or `pushd +N` rotate the stack,
/// which the model does not follow.
fn pushd(args: &[Arg], shell: &mut Shell) {
    let operand = args
        .iter()
        .find(|arg| !arg.option_text().starts_with('-') || arg.option_text() == "-");
    match operand {
        Some(arg) if !arg.option_text().starts_with('+') => {
            let target = target(arg, shell);
            shell.pushd(target);
        }
        _ => shell.forget_dir_stack(),
    }
}

fn popd(args: &[Arg], shell: &mut Shell) {
    if args.is_empty() {
        shell.popd();
    } else {
        shell.forget_dir_stack();
    }
}

/// `export A=1 B`, `declare -x A=1`, `local A=1` … `export -n` and `-f` (functions) change no
/// value the model follows.
fn declare(name: &str, call: &Call, shell: &mut Shell) {
    let parsed = options::parse(call.args(), &Spec::NONE);
    if parsed.has(&["n", "f", "p"]) {
        return;
    }
    let export = name == "export" || parsed.has(&["x"]);
    for arg in parsed.operands() {
        if arg.option_text().contains('=') {
            assign(shell, arg, export);
        } else if let Some(variable) = arg.text().filter(|text| is_name(text)) {
            if export {
                shell.export(variable);
            }
        }
    }
}

fn unset(args: &[Arg], shell: &mut Shell) {
    let parsed = options::parse(args, &Spec::NONE);
    if parsed.has(&["f"]) {
        return;
    }
    for arg in parsed.operands() {
        if let Some(variable) = arg.text() {
            shell.forget(variable);
        }
    }
}

/// `read` sets its variables (`REPLY` without any) to input the model never sees.
fn read(args: &[Arg], shell: &mut Shell) {
    const READ: Spec = Spec {
        short: "adinNptu",
        long: &[],
    };
    let parsed = options::parse(args, &READ);
    let names: Vec<&str> = parsed
        .operands()
        .into_iter()
        .filter_map(Arg::text)
        .collect();
    if names.is_empty() {
        shell.forget("REPLY");
    }
    for name in names {
        shell.forget(name);
    }
    if let Some(array) = parsed.value(&["a"]).and_then(Arg::text) {
        shell.forget(array);
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, args};
    use super::*;

    #[test]
    fn assignments_split_name_and_value() {
        let [plain, appended, unknown, not_one] =
            ["A=/x", "PATH+=:/opt", "B=$(date)", "--prefix=/usr"]
                .map(|text| assignment(&args(text)[0]));
        assert_eq!(plain, Some(("A".into(), Some("/x".into()))));
        assert_eq!(appended, Some(("PATH".into(), Some(":/opt".into()))));
        assert_eq!(unknown, Some(("B".into(), None)));
        assert_eq!(not_one, None);
    }

    #[test]
    fn appending_to_a_known_value() {
        let mut shell = TestEnv::new().var("P", Some("/a")).shell();
        assign(&mut shell, &args("P+=/b")[0], false);
        assert_eq!(
            shell.vars.get("P").and_then(|v| v.value.as_deref()),
            Some("/a/b")
        );
    }

    #[test]
    fn cd_targets() {
        let shell = TestEnv::new().workdir("/app").shell();
        let target_of = |text: &str| target(&args(text)[0], &shell);
        assert_eq!(target_of("sub/../lib").as_deref(), Some("/app/lib"));
        assert_eq!(target_of("/srv/").as_deref(), Some("/srv"));
        assert_eq!(target_of("~").as_deref(), Some("/root"));
        assert_eq!(target_of("-"), None);
        assert_eq!(target_of("$NOPE"), None);
    }
}
