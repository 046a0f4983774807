//! The scripts `RUN` instructions hand to a shell, and which shell that is.
//!
//! A shell-form `RUN` runs its command line with the stage's shell. With heredocs there are two
//! cases, as in Docker: `RUN <<EOF` alone makes the heredoc body the script; any other command
//! line is the script and its heredocs are that script's input. Windows images and a `SHELL` of
//! PowerShell or cmd run scripts the `sh` splitter must not read: those are recognised and left
//! unsplit.

use super::ast::{Args, Dockerfile, Instruction, Item, Keyword};
use super::shell::{self, Script};
use crate::span::Span;
use std::collections::HashMap;

/// The language a stage's shell speaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Dialect {
    /// `/bin/sh -c` and its relatives (bash, ash, dash, busybox): split into commands.
    Posix,
    PowerShell,
    Cmd,
    /// A shell this tool does not know (or a heredoc with a non-shell `#!` line).
    Other(String),
}

/// One script a `RUN` runs.
#[derive(Clone, Debug)]
pub struct RunScript<'a> {
    pub instruction: &'a Instruction,
    pub dialect: Dialect,
    pub origin: Origin,
    /// The commands, for a POSIX script; `None` for any other dialect.
    pub script: Option<Script>,
}

/// Where a script's text comes from, to map its offsets back into the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The shell-form command line, starting at this offset of the instruction's logical line.
    CommandLine { offset: u32 },
    /// A heredoc body starting at this file offset.
    Heredoc { start: u32 },
}

impl RunScript<'_> {
    /// Maps a span of the script text to the file.
    pub fn file_span(&self, local: Span) -> Span {
        match self.origin {
            Origin::CommandLine { offset } => {
                let base = offset as usize;
                self.instruction
                    .map_span(base + local.start as usize, base + local.end as usize)
            }
            Origin::Heredoc { start } => local.offset(start as usize),
        }
    }
}

/// Every shell-form `RUN` script of the file, in order, with the dialect of its stage.
pub fn run_scripts(dockerfile: &Dockerfile) -> Vec<RunScript<'_>> {
    let mut scripts = Vec::new();
    // Each stage's name (if any) and the dialect it has reached so far.
    let mut stages: Vec<(String, Dialect)> = Vec::new();
    // The latest stage of each name, so a `FROM` finds its base without a walk over every stage.
    let mut by_name: HashMap<String, usize> = HashMap::new();
    // `ARG`s before the first `FROM`, with their defaults: `FROM mcr.microsoft.com/${REPO}:${TAG}`
    // names a Windows image through them.
    let mut global_args: Vec<(String, String)> = Vec::new();
    // The shell a `# hadolint shell=…` pragma names, from the pragma to the end of its stage.
    let mut pragma: Option<Dialect> = None;
    for item in &dockerfile.items {
        let instruction = match item {
            Item::Comment(span) => {
                if let Some(shell) = shell_pragma(dockerfile.text(*span)) {
                    pragma = Some(shell_dialect(shell));
                }
                continue;
            }
            // A fragment's instructions (before any `FROM`) too: they run with the default shell.
            Item::Instruction(instruction) if !instruction.malformed => instruction,
            _ => continue,
        };
        match instruction.keyword {
            Keyword::Arg if stages.is_empty() => {
                if let Args::Words(words) = &instruction.args {
                    for word in words {
                        if let Some((name, value)) = word.text.split_once('=') {
                            let value = value.trim_matches(['"', '\'']).to_string();
                            global_args.push((name.to_string(), value));
                        }
                    }
                }
            }
            Keyword::From => {
                pragma = None;
                let dialect = base_dialect(instruction, &stages, &by_name, &global_args);
                let name = match &instruction.args {
                    Args::Words(words) if words.len() == 3 => {
                        words[2].text.as_str().to_ascii_lowercase()
                    }
                    _ => String::new(),
                };
                by_name.insert(name.clone(), stages.len());
                stages.push((name, dialect));
            }
            Keyword::Shell => {
                if let (Args::Json(words), Some(stage)) = (&instruction.args, stages.last_mut()) {
                    if let Some(first) = words.first() {
                        stage.1 = shell_dialect(&first.text);
                    }
                }
            }
            Keyword::Run => {
                let dialect = pragma
                    .clone()
                    .unwrap_or_else(|| stages.last().map_or(Dialect::Posix, |s| s.1.clone()));
                scripts.extend(scripts_of(dockerfile, instruction, &dialect));
            }
            _ => {}
        }
    }
    scripts
}

/// The scripts of one shell-form `RUN` read as POSIX `sh`: an `ONBUILD RUN` trigger (it runs in
/// a later build, on a child image whose shell this file does not set) or a `RUN` of a fragment
/// without `FROM`.
pub fn posix_scripts_of<'a>(
    dockerfile: &'a Dockerfile,
    instruction: &'a Instruction,
) -> Vec<RunScript<'a>> {
    scripts_of(dockerfile, instruction, &Dialect::Posix)
}

fn scripts_of<'a>(
    dockerfile: &'a Dockerfile,
    instruction: &'a Instruction,
    dialect: &Dialect,
) -> Vec<RunScript<'a>> {
    let Args::Text(line) = &instruction.args else {
        return Vec::new();
    };
    let make = |dialect: Dialect, origin: Origin, text: &str| RunScript {
        instruction,
        script: (dialect == Dialect::Posix).then(|| shell::split(text)),
        dialect,
        origin,
    };
    // `RUN <<EOF` on its own: the body is the script, run by its `#!` interpreter if it has one.
    if let [heredoc] = instruction.heredocs() {
        if dockerfile.text(heredoc.marker) == line.text.trim() {
            let body = dockerfile.text(heredoc.body);
            let body_dialect = match body.strip_prefix("#!") {
                Some(shebang) => interpreter_dialect(shebang.lines().next().unwrap_or("")),
                None => dialect.clone(),
            };
            return vec![make(
                body_dialect,
                Origin::Heredoc {
                    start: heredoc.body.start,
                },
                body,
            )];
        }
    }
    vec![make(
        dialect.clone(),
        Origin::CommandLine {
            offset: instruction.line_offset(line.span.start) as u32,
        },
        &line.text,
    )]
}

/// Longer than any image reference Docker accepts.
const MAX_IMAGE_LEN: usize = 4096;

/// A stage built on an earlier stage keeps its shell; Windows base images default to cmd.
fn base_dialect(
    from: &Instruction,
    stages: &[(String, Dialect)],
    by_name: &HashMap<String, usize>,
    global_args: &[(String, String)],
) -> Dialect {
    let Args::Words(words) = &from.args else {
        return Dialect::Posix;
    };
    let Some(image) = words.first() else {
        return Dialect::Posix;
    };
    let mut image = image.text.as_str().to_ascii_lowercase();
    // The last default wins, as when Docker reads the ARGs in order.
    for (name, value) in global_args.iter().rev() {
        // Nothing left to replace: the other ARGs cannot change the name.
        if !image.contains('$') {
            break;
        }
        let name = name.to_ascii_lowercase();
        for reference in [format!("${{{name}}}"), format!("${name}")] {
            let count = image.matches(reference.as_str()).count();
            if count == 0 {
                continue;
            }
            // Defaults that name each other (`ARG B=$A$A`) would double the name per ARG: past a
            // length no image name has, it is no Windows image either.
            let grown = image.len() + count * value.len().saturating_sub(reference.len());
            if grown > MAX_IMAGE_LEN {
                return Dialect::Posix;
            }
            image = image.replace(&reference, &value.to_ascii_lowercase());
        }
    }
    if let Some((_, dialect)) = by_name.get(&image).and_then(|&i| stages.get(i)) {
        return dialect.clone();
    }
    let windows = [
        "mcr.microsoft.com/windows",
        "mcr.microsoft.com/powershell:nanoserver",
        "microsoft/windowsservercore",
        "microsoft/nanoserver",
    ];
    let windows_tag = ["nanoserver", "windowsservercore", "servercore", "ltsc20"];
    let tag = image.rsplit_once(':').map_or("", |(_, t)| t);
    if windows.iter().any(|w| image.starts_with(w)) || windows_tag.iter().any(|t| tag.contains(t)) {
        Dialect::Cmd
    } else {
        Dialect::Posix
    }
}

/// The shell a `# hadolint shell=NAME` (or `# layerlint shell=NAME`) comment names: the `RUN`
/// scripts after it in its stage are in that shell's language (hadolint then leaves them to it;
/// `shell=powershell` is the common case).
pub fn shell_pragma(comment: &str) -> Option<&str> {
    let body = comment.trim().strip_prefix('#')?.trim_start();
    let rest = body
        .strip_prefix("hadolint")
        .or_else(|| body.strip_prefix("layerlint"))?;
    let value = rest
        .trim_start()
        .strip_prefix("shell")?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let shell = value.split_whitespace().next()?;
    Some(shell)
}

/// The dialect of a `#!` line: its program, or the program `env` starts.
fn interpreter_dialect(shebang: &str) -> Dialect {
    let mut words = shebang.split_whitespace();
    let program = words.next().unwrap_or("");
    if program.rsplit('/').next() == Some("env") {
        if let Some(target) = words.find(|w| !w.starts_with('-')) {
            return shell_dialect(target);
        }
    }
    shell_dialect(program)
}

/// The dialect of a shell program, from its name (`/bin/bash`, `pwsh.exe`, `cmd`).
fn shell_dialect(program: &str) -> Dialect {
    let name = program
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(program)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    match name {
        "sh" | "bash" | "ash" | "dash" | "zsh" | "ksh" | "busybox" => Dialect::Posix,
        "powershell" | "pwsh" => Dialect::PowerShell,
        "cmd" => Dialect::Cmd,
        other => Dialect::Other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    #[test]
    fn a_shell_pragma_holds_to_the_end_of_its_stage() {
        let source =
            "FROM alpine\nRUN a\n# hadolint shell=powershell\nRUN b\nRUN c\nFROM alpine\nRUN d\n";
        assert_eq!(
            dialects(source),
            [
                Dialect::Posix,
                Dialect::PowerShell,
                Dialect::PowerShell,
                Dialect::Posix
            ]
        );
        assert_eq!(shell_pragma("# hadolint shell=pwsh -- why"), Some("pwsh"));
        assert_eq!(shell_pragma("# hadolint ignore=DL3003"), None);
    }

    fn dialects(source: &str) -> Vec<Dialect> {
        run_scripts(&parse(source))
            .into_iter()
            .map(|s| s.dialect)
            .collect()
    }

    #[test]
    fn shell_and_windows_images_set_the_dialect() {
        let source = "FROM alpine AS a\nRUN ls\nSHELL [\"pwsh\", \"-c\"]\nRUN dir\nFROM a\nRUN x\n\
                      FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir\nFROM alpine\nRUN y\n";
        assert_eq!(
            dialects(source),
            [
                Dialect::Posix,
                Dialect::PowerShell,
                Dialect::PowerShell,
                Dialect::Cmd,
                Dialect::Posix
            ]
        );
    }

    #[test]
    fn windows_images_named_through_global_args() {
        let source = "ARG REPO=windows/servercore\nARG TAG=ltsc2022\n\
                      FROM mcr.microsoft.com/${REPO}:$TAG\nRUN dir\nFROM ${REPO}-like\nRUN ls\n";
        // The second FROM expands to `windows/servercore-like`, no Windows registry or tag.
        assert_eq!(dialects(source), [Dialect::Cmd, Dialect::Posix]);
    }

    #[test]
    fn a_heredoc_alone_is_the_script() {
        let source = "FROM a\nRUN <<EOF\nset -e\napt-get update\nEOF\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n";
        let df = parse(source);
        let scripts = run_scripts(&df);
        assert_eq!(scripts.len(), 2);
        let script = scripts[0].script.as_ref().unwrap();
        let names: Vec<_> = script
            .simple_commands()
            .filter_map(|c| c.name().map(|n| n.into_owned()))
            .collect();
        assert_eq!(names, ["set", "apt-get"]);
        // Offsets map back into the file.
        let apt = script.simple_commands().nth(1).unwrap();
        assert_eq!(
            df.text(scripts[0].file_span(apt.command.span)),
            "apt-get update"
        );
        assert_eq!(scripts[1].dialect, Dialect::Other("python3".into()));
    }

    #[test]
    fn a_command_line_maps_across_continuations() {
        let source = "FROM a\nRUN apt-get update \\\n && rm -rf /var/lib/apt/lists/*\n";
        let df = parse(source);
        let scripts = run_scripts(&df);
        let script = scripts[0].script.as_ref().unwrap();
        let rm = script.simple_commands().nth(1).unwrap();
        assert_eq!(
            df.text(scripts[0].file_span(rm.command.span)),
            "rm -rf /var/lib/apt/lists/*"
        );
        let whole = script.body.items[0].span;
        assert_eq!(
            df.text(scripts[0].file_span(whole)),
            "apt-get update \\\n && rm -rf /var/lib/apt/lists/*"
        );
    }
}
