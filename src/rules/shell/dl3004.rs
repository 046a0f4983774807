//! DL3004 sudo-in-run: `sudo` in a `RUN`. The build runs as the `USER` in force; `sudo` there
//! needs a sudoers entry, may prompt, and changes the environment the command sees. Switch with
//! `USER root` (or use `gosu`/`su-exec` in an entrypoint). The fix removes a plain `sudo ` (no
//! options): unsafe, since the command then runs as the current `USER`, which may not be root.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;

pub struct SudoInRun;

impl Rule for SudoInRun {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            let Some(script) = &run.script.script else {
                continue;
            };
            for command in script.simple_commands() {
                let words = &command.command.words;
                let Some(first) = words.first() else { continue };
                let is_sudo = command.basename().is_some_and(|name| name == "sudo");
                if !is_sudo {
                    continue;
                }
                let span = run.file_span(first.span);
                let diagnostic = cx.report(
                    span,
                    "Do not use `sudo` in a RUN: set `USER root` for the steps that need root",
                );
                // Only `sudo command …` on one line: removing `sudo ` keeps the command as written.
                let plain = words.get(1).is_some_and(|next| {
                    let text = command.text(next.span);
                    !text.starts_with('-')
                        && !text.contains('=')
                        && next.span.start == first.span.end + 1
                });
                if plain {
                    let next = run.file_span(words[1].span);
                    if next.start == span.end + 1 {
                        diagnostic.fix = Some(Fix {
                            title: "Remove `sudo`".into(),
                            applicability: Applicability::Unsafe,
                            edits: vec![Edit {
                                span: Span::new(span.start as usize, next.start as usize),
                                content: String::new(),
                            }],
                        });
                    }
                }
            }
        }
    }
}
