//! DL4006 pipe-without-pipefail: a `RUN` with a pipe while the shell is not told `-o pipefail`.
//! A pipeline's status is its last command's: `curl … | tar x` succeeds when the download
//! fails. Fine: a `SHELL` of bash, zsh or ash with `-o pipefail`, a non-POSIX shell
//! (PowerShell, cmd), or a script that runs `set -o pipefail` itself. A new `FROM` starts over
//! (a stage built on an earlier one keeps its `SHELL`).
//!
//! The fix inserts `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` (`/bin/ash` on Alpine) before
//! the stage's first such `RUN`. Unsafe: the image must have that shell, and every later `RUN` of
//! the stage then runs in it.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::runs::Run;
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::shell::{self, Script};
use std::collections::BTreeSet;

pub struct PipeWithoutPipefail;

fn shell_has_pipefail(shell: &[String]) -> bool {
    let Some(program) = shell.first() else {
        return false;
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "bash" | "zsh" | "ash")
        && shell
            .iter()
            .any(|w| w.starts_with('-') && !w.starts_with("--") && w.contains('o'))
        && shell.iter().any(|w| w == "pipefail")
}

/// Whether the script sets pipefail itself (`set -o pipefail`, `set -euo pipefail`).
fn script_sets_pipefail(run: &Run<'_>) -> bool {
    run.commands().iter().any(|cmd| {
        cmd.is("set")
            && cmd.args.iter().any(|w| cmd.text(w) == "pipefail")
            && cmd.args.iter().any(|w| {
                let t = cmd.text(w);
                t.starts_with('-') && t.contains('o')
            })
    })
}

fn has_pipe(run: &Run<'_>) -> Option<Span> {
    let script = run.script.script.as_ref()?;
    piped_command(script, 0).map(|local| run.file_span(local))
}

/// The first command of `script` that is a stage of a pipeline, or holds one in a command
/// substitution (`V=$(curl … | jq …)` takes the pipeline's status too), as a span of the script
/// (offset by `base` for a substitution's text).
fn piped_command(script: &Script, depth: usize) -> Option<Span> {
    for command in script.simple_commands() {
        if command.context.in_pipeline {
            return Some(command.command.span);
        }
        if depth >= 4 {
            continue;
        }
        let words = command
            .command
            .assignments
            .iter()
            .chain(&command.command.words);
        for word in words {
            let text = word.text(command.source);
            for inner in crate::rules::runs::substitutions(text) {
                if piped_command(&shell::split(inner), depth + 1).is_some() {
                    return Some(command.command.span);
                }
            }
        }
    }
    None
}

impl Rule for PipeWithoutPipefail {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        let mut fixed_stages = BTreeSet::new();
        for run in runs.runs.iter().filter(|r| r.is_posix() && !r.onbuild) {
            if run.shell.as_deref().is_some_and(shell_has_pipefail) {
                continue;
            }
            let Some(pipe) = has_pipe(run) else { continue };
            if script_sets_pipefail(run) {
                continue;
            }
            let fix = fixed_stages.insert(run.stage).then(|| {
                let alpine = run.from.is_some_and(|from| {
                    cx.dockerfile
                        .text(from.span)
                        .to_ascii_lowercase()
                        .contains("alpine")
                });
                let shell = if alpine { "/bin/ash" } else { "/bin/bash" };
                let line_start = run.instruction.lines.start as usize;
                let indent: String = cx.dockerfile.source[line_start..]
                    .chars()
                    .take_while(|c| *c == ' ' || *c == '\t')
                    .collect();
                let newline = if cx.dockerfile.source.contains("\r\n") {
                    "\r\n"
                } else {
                    "\n"
                };
                Fix {
                    title: format!(
                        "Set `SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]` before this RUN"
                    ),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: Span::empty(line_start),
                        content: format!(
                            "{indent}SHELL [\"{shell}\", \"-o\", \"pipefail\", \"-c\"]{newline}"
                        ),
                    }],
                }
            });
            let diagnostic = cx.report(
                pipe,
                "A pipe without `-o pipefail` in SHELL hides failures of all but its last command",
            );
            diagnostic.fix = fix;
        }
    }
}
