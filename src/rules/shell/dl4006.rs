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
fn script_sets_pipefail(run: &Run<'_, '_>) -> bool {
    run.commands().iter().any(|cmd| {
        cmd.is("set")
            && cmd.args.iter().any(|w| cmd.text(w) == "pipefail")
            && cmd.args.iter().any(|w| {
                let t = cmd.text(w);
                t.starts_with('-') && t.contains('o')
            })
    })
}

fn has_pipe(run: &Run<'_, '_>) -> Option<Span> {
    let script = run.script.script.as_ref()?;
    piped_command(script, 0)
        .or_else(|| piped_substitution(&without_quoted_heredocs(script), 0))
        .map(|local| run.file_span(local))
}

/// The script's text with the bodies of quoted heredocs (`<<'EOF'`, `<<"EOF"`, `<<\EOF`)
/// blanked out, offsets kept: the shell substitutes nothing there.
fn without_quoted_heredocs(script: &Script) -> String {
    let mut text = script.source.clone().into_bytes();
    for (command, _) in script.commands() {
        for redirect in command.redirects() {
            let quoted = script
                .text(redirect.target.span)
                .contains(['\'', '"', '\\']);
            if let (true, Some(body)) = (quoted, redirect.heredoc_body) {
                for byte in &mut text[body.range()] {
                    if *byte != b'\n' {
                        *byte = b' ';
                    }
                }
            }
        }
    }
    // Only ASCII bytes were replaced by ASCII, but a multi-byte character may have been cut.
    String::from_utf8_lossy(&text).into_owned()
}

/// A command substitution anywhere in `text` (a `for` list, a `case` word, a redirection
/// target, or written with backquotes) that holds a pipeline, as a span of `text`. The simple
/// commands' own words are searched first by [`piped_command`]; this finds the rest.
fn piped_substitution(text: &str, depth: usize) -> Option<Span> {
    if depth >= 4 {
        return None;
    }
    substitution_bodies(text).into_iter().find_map(|body| {
        let inner = &text[body.clone()];
        let piped = piped_command(&shell::split(inner), depth + 1).is_some()
            || piped_substitution(inner, depth + 1).is_some();
        piped.then(|| Span::new(body.start, body.end))
    })
}

/// The bodies of the command substitutions of a script (`$(…)` and `` `…` ``, not `$((…))`
/// arithmetic), as byte ranges; text in single quotes and comments is passed over, since no
/// substitution happens there. Nested substitutions are left to the caller's recursion.
fn substitution_bodies(text: &str) -> Vec<std::ops::Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut double_quoted = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 1,
            b'\'' if !double_quoted => {
                at = text[at + 1..]
                    .find('\'')
                    .map_or(bytes.len(), |i| at + 1 + i);
            }
            b'"' => double_quoted = !double_quoted,
            b'#' if !double_quoted && (at == 0 || bytes[at - 1].is_ascii_whitespace()) => {
                at = text[at..].find('\n').map_or(bytes.len(), |i| at + i);
            }
            b'`' => {
                let end = closing_backquote(bytes, at + 1);
                found.push(at + 1..end);
                at = end;
            }
            b'$' if bytes.get(at + 1) == Some(&b'(') && bytes.get(at + 2) != Some(&b'(') => {
                let end = closing_paren(bytes, at + 2);
                found.push(at + 2..end);
                at = end;
            }
            _ => {}
        }
        at += 1;
    }
    found
}

/// Where the backquote that closes a substitution starting at `from` is (or the end).
fn closing_backquote(bytes: &[u8], from: usize) -> usize {
    let mut at = from;
    while at < bytes.len() && bytes[at] != b'`' {
        at += if bytes[at] == b'\\' { 2 } else { 1 };
    }
    at.min(bytes.len())
}

/// Where the `)` that closes a `$(` whose body starts at `from` is (or the end), counting
/// nested parentheses outside quotes.
fn closing_paren(bytes: &[u8], from: usize) -> usize {
    let (mut depth, mut quote, mut at) = (1, None, from);
    while at < bytes.len() {
        match (quote, bytes[at]) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, b'\\') => at += 1,
            (None, c @ (b'\'' | b'"')) => quote = Some(c),
            (None, b'(') => depth += 1,
            (None, b')') => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
        at += 1;
    }
    bytes.len()
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
            for body in substitution_bodies(text) {
                if piped_command(&shell::split(&text[body]), depth + 1).is_some() {
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
                let newline = cx.newline();
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
