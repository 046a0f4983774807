//! Which `RUN` scripts ShellCheck reads, and what it reads for each: the `#!` line of the shell
//! that runs it, the variables Docker puts in its environment, then the script itself.

use super::positions::{Builder, ScriptText};
use crate::model::VarKind;
use crate::rules::runs::Run;
use crate::span::Span;
use crate::syntax::script::{Dialect, Origin};
use crate::syntax::{Args, Dockerfile, Keyword};
use std::collections::BTreeSet;

/// Docker's predefined proxy `ARG`s: in every `RUN`'s environment without an `ARG` line.
const PREDEFINED: [&str; 8] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "FTP_PROXY",
    "ftp_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A script larger than this is not handed to ShellCheck: few real `RUN`s come near it, and
/// ShellCheck's time grows faster than the script (a chain of 2,000 `&&` commands, 29 KB, takes
/// it about a minute).
const MAX_SCRIPT_BYTES: usize = 64 * 1024;

/// Command substitutions nested deeper than this are not handed to ShellCheck: its time grows
/// about fourfold with every two levels (12 levels take 2 s, 14 take 8 s, 20 did not finish in 30
/// s), and real scripts nest two or three.
const MAX_SUBSTITUTION_DEPTH: usize = 8;

/// One script for ShellCheck, and where its findings go when they have no place of their own.
#[derive(Clone, Debug)]
pub struct Script {
    pub text: ScriptText,
    /// The `RUN` instruction.
    pub instruction: Span,
}

/// The ShellCheck input for a `RUN` script, or `None` when its shell is not one ShellCheck
/// reads (PowerShell, cmd, zsh, a heredoc run by Python).
pub fn script_of(
    dockerfile: &Dockerfile,
    run: &Run<'_, '_>,
    triggers: &Triggers,
) -> Option<Script> {
    if run.script.dialect != Dialect::Posix {
        return None;
    }
    let instruction = run.instruction;
    let mut body = Vec::new();
    let shell = match run.script.origin {
        Origin::Heredoc { start } => {
            let text = heredoc_body(dockerfile, run, start)?;
            // A body's own `#!` line says which shell runs it; its line becomes empty, so that
            // the body keeps its line numbers under the header.
            match text.strip_prefix("#!") {
                Some(after) => {
                    let first = after.find('\n').map_or(after.len(), |i| i + 1);
                    let interpreter = after[..first].trim();
                    body.push(Part::Filler("\n"));
                    let rest = 2 + first;
                    body.push(Part::File(
                        &text[rest.min(text.len())..],
                        start + rest as u32,
                    ));
                    shell_name(interpreter_program(interpreter))?
                }
                None => {
                    body.push(Part::File(text, start));
                    stage_shell(run)?
                }
            }
        }
        Origin::CommandLine { offset } => {
            let Args::Text(line) = &instruction.args else {
                return None;
            };
            body.push(Part::Logical(&line.text, offset));
            // Heredocs of a command line are the script's own input: the shell reads them after
            // the line, up to each terminator, as BuildKit hands them over.
            if let (Some(first), Some(last)) = (
                instruction.heredocs().first(),
                instruction.heredocs().last(),
            ) {
                body.push(Part::Filler("\n"));
                let whole = Span::new(first.body.start as usize, last.terminator.end as usize);
                body.push(Part::File(dockerfile.text(whole), whole.start));
            }
            stage_shell(run)?
        }
    };
    let mut header = format!("#!/bin/{shell}\n");
    for name in declared(run, &body, triggers) {
        header.push_str(&format!("export {name}=1\n"));
    }
    let mut builder = Builder::new(header);
    for part in &body {
        match *part {
            Part::Logical(text, offset) => builder.logical(text, offset, &instruction.line_map()),
            Part::File(text, start) => builder.file(text, start),
            Part::Filler(text) => builder.filler(text),
        };
    }
    Some(Script {
        text: builder.finish(),
        instruction: instruction.span,
    })
}

/// Whether ShellCheck's time on `script` could explode (see [`MAX_SCRIPT_BYTES`] and
/// [`MAX_SUBSTITUTION_DEPTH`]): such a script is left out.
pub fn too_costly(script: &Script) -> bool {
    let text = script.text.text();
    text.len() > MAX_SCRIPT_BYTES || substitution_depth(text) > MAX_SUBSTITUTION_DEPTH
}

/// A piece of a script's body, before it is copied into the text ShellCheck reads.
enum Part<'a> {
    Logical(&'a str, u32),
    File(&'a str, u32),
    Filler(&'a str),
}

impl Part<'_> {
    fn text(&self) -> &str {
        match self {
            Part::Logical(text, _) | Part::File(text, _) | Part::Filler(text) => text,
        }
    }
}

fn heredoc_body<'d>(dockerfile: &'d Dockerfile, run: &Run<'_, '_>, start: u32) -> Option<&'d str> {
    let heredoc = run
        .instruction
        .heredocs()
        .iter()
        .find(|h| h.body.start == start)?;
    Some(dockerfile.text(heredoc.body))
}

/// The shell of the stage (its `SHELL`, else `/bin/sh`). An `ONBUILD` trigger runs in a child
/// image whose `SHELL` this file does not know: it is read as `sh`.
fn stage_shell(run: &Run<'_, '_>) -> Option<&'static str> {
    match (&run.shell, run.onbuild) {
        (Some(words), false) => shell_name(words.first()?),
        _ => Some("sh"),
    }
}

/// The program of a `#!` line, or the one `env` starts.
fn interpreter_program(line: &str) -> &str {
    let mut words = line.split_whitespace();
    let program = words.next().unwrap_or("");
    if program.rsplit('/').next() == Some("env") {
        if let Some(target) = words.find(|w| !w.starts_with('-')) {
            return target;
        }
    }
    program
}

/// The shell ShellCheck checks a program as, for the shells it knows. `ash` is read as `dash`
/// by ShellCheck; busybox's `sh` is an `ash`.
fn shell_name(program: &str) -> Option<&'static str> {
    let name = program.rsplit('/').next().unwrap_or(program);
    match name {
        "sh" | "busybox" => Some("sh"),
        "bash" => Some("bash"),
        "dash" => Some("dash"),
        "ash" => Some("ash"),
        "ksh" | "mksh" => Some("ksh"),
        _ => None,
    }
}

/// The variables `ONBUILD ARG` and `ONBUILD ENV` triggers declare, by where the trigger is: in
/// the child image's build they come before the `ONBUILD RUN`s that follow them.
#[derive(Debug, Default)]
pub struct Triggers {
    declared: Vec<(u32, String)>,
}

impl Triggers {
    pub fn of(dockerfile: &Dockerfile) -> Triggers {
        let mut declared = Vec::new();
        for instruction in dockerfile.instructions() {
            let Args::Onbuild(inner) = &instruction.args else {
                continue;
            };
            let names: Vec<String> = match &inner.args {
                Args::Words(words) if inner.keyword == Keyword::Arg => words
                    .iter()
                    .map(|w| {
                        w.text
                            .split_once('=')
                            .map_or(&*w.text, |(n, _)| n)
                            .to_string()
                    })
                    .collect(),
                Args::KeyValues(pairs, _) if inner.keyword == Keyword::Env => {
                    pairs.iter().map(|p| p.key.text.to_string()).collect()
                }
                _ => Vec::new(),
            };
            declared.extend(names.into_iter().map(|n| (instruction.span.start, n)));
        }
        Triggers { declared }
    }

    fn declares_before(&self, name: &str, at: u32) -> bool {
        self.declared.iter().any(|(pos, n)| *pos < at && n == name)
    }
}

/// The names to declare: every `ARG` and `ENV` in scope that the script mentions, and Docker's
/// predefined proxy variables it mentions. An `ONBUILD RUN` runs in the child image's build,
/// where this file's `ENV`s are in the image and its `ARG`s are not, after the `ONBUILD ARG`
/// and `ENV` triggers before it. Names the script never mentions change nothing ShellCheck
/// says, and a file of thousands of `ENV`s would make each script that much longer.
fn declared(run: &Run<'_, '_>, body: &[Part<'_>], triggers: &Triggers) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let at = run.instruction.span.start;
    for part in body {
        for word in identifiers(part.text()) {
            if names.contains(word) {
                continue;
            }
            let in_scope = match run.vars.get(word) {
                Some(var) => !run.onbuild || var.kind == VarKind::Env,
                None => false,
            };
            if PREDEFINED.contains(&word)
                || in_scope
                || (run.onbuild && triggers.declares_before(word, at))
            {
                names.insert(word.to_string());
            }
        }
    }
    names
}

/// How deep `$(…)` substitutions nest in `text`, read roughly (quotes are not looked at): a guard,
/// not a parse.
fn substitution_depth(text: &str) -> usize {
    // For each open parenthesis, whether it opened a substitution.
    let mut open: Vec<bool> = Vec::new();
    let (mut depth, mut deepest) = (0, 0);
    let mut previous = 0u8;
    for &byte in text.as_bytes() {
        match byte {
            b'(' => {
                let substitution = previous == b'$';
                depth += usize::from(substitution);
                deepest = deepest.max(depth);
                open.push(substitution);
            }
            b')' if open.pop() == Some(true) => depth -= 1,
            _ => {}
        }
        previous = byte;
    }
    deepest
}

/// The shell identifiers in `text` (`[A-Za-z_][A-Za-z0-9_]*`), each maximal run once per place.
fn identifiers(text: &str) -> impl Iterator<Item = &str> {
    let bytes = text.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let start = at;
            if bytes[at].is_ascii_alphabetic() || bytes[at] == b'_' {
                while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                    at += 1;
                }
                return Some(&text[start..at]);
            }
            at += 1;
            // A digit run is skipped whole: `1abc` holds no identifier `abc`.
            while at < bytes.len()
                && bytes[at].is_ascii_alphanumeric()
                && bytes[start].is_ascii_digit()
            {
                at += 1;
            }
        }
        None
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::runs::Runs;
    use crate::syntax::{parse, script::run_scripts};

    fn scripts(source: &str) -> Vec<Option<String>> {
        let dockerfile = parse(source);
        let model_scripts = run_scripts(&dockerfile);
        let runs = Runs::new(&dockerfile, &model_scripts);
        runs.runs
            .iter()
            .map(|run| {
                script_of(&dockerfile, run, &Triggers::of(&dockerfile))
                    .map(|s| s.text.text().to_string())
            })
            .collect()
    }

    #[test]
    fn args_and_envs_in_scope_are_declared_when_mentioned() {
        let source = "ARG GLOBAL=1\nFROM a\nARG version\nENV home=/h other=2\nRUN echo $version $home $GLOBAL $http_proxy x_version\n";
        assert_eq!(
            scripts(source),
            // GLOBAL was not declared again in the stage: Docker leaves it empty there.
            [Some(
                "#!/bin/sh\nexport home=1\nexport http_proxy=1\nexport version=1\necho $version $home $GLOBAL $http_proxy x_version"
                    .to_string()
            )]
        );
    }

    #[test]
    fn the_shell_decides_whether_and_how_it_is_checked() {
        let source = "FROM a\nSHELL [\"/bin/bash\", \"-o\", \"pipefail\", \"-c\"]\nRUN echo a\n\
                      SHELL [\"pwsh\", \"-c\"]\nRUN dir\nSHELL [\"/bin/zsh\", \"-c\"]\nRUN ls\n\
                      FROM b\nRUN <<EOF\n#!/usr/bin/env bash\necho b\nEOF\n\
                      RUN <<EOF\n#!/usr/bin/python3\nprint(1)\nEOF\n";
        assert_eq!(
            scripts(source),
            [
                Some("#!/bin/bash\necho a".to_string()),
                None,
                None,
                Some("#!/bin/bash\n\necho b\n".to_string()),
                None,
            ]
        );
    }

    #[test]
    fn a_trigger_sees_envs_and_earlier_triggers_not_args() {
        let source = "FROM a\nARG a\nENV e=1\nONBUILD RUN echo $a $e $t\nONBUILD ARG t\nONBUILD RUN echo $a $e $t\n";
        assert_eq!(
            scripts(source),
            [
                Some("#!/bin/sh\nexport e=1\necho $a $e $t".to_string()),
                Some("#!/bin/sh\nexport e=1\nexport t=1\necho $a $e $t".to_string()),
            ]
        );
    }

    #[test]
    fn a_command_line_with_heredocs_reads_them_after_it() {
        let source = "FROM a\nRUN cat <<A >/a && cat <<B >/b\none\nA\ntwo\nB\n";
        assert_eq!(
            scripts(source),
            [Some(
                "#!/bin/sh\ncat <<A >/a && cat <<B >/b\none\nA\ntwo\nB\n".to_string()
            )]
        );
    }

    #[test]
    fn deep_substitutions_are_left_out() {
        assert_eq!(substitution_depth("echo $(a $(b) (c) $(d $(e)))"), 3);
        assert_eq!(substitution_depth("((1+1)) ) ) $("), 1);
        let deep = format!("echo {}x{}", "$(echo ".repeat(9), ")".repeat(9));
        let source = format!("FROM a\nRUN {deep}\nRUN echo ok\n");
        let dockerfile = parse(&source);
        let model_scripts = run_scripts(&dockerfile);
        let runs = Runs::new(&dockerfile, &model_scripts);
        let costly: Vec<bool> = runs
            .runs
            .iter()
            .filter_map(|run| script_of(&dockerfile, run, &Triggers::default()))
            .map(|script| too_costly(&script))
            .collect();
        assert_eq!(costly, [true, false]);
    }

    #[test]
    fn identifiers_are_whole_words() {
        let found: Vec<&str> = identifiers("echo ${a_b}-$1x 9lives _x").collect();
        assert_eq!(found, ["echo", "a_b", "_x"]);
    }
}
