//! DL4001 wget-and-curl: a stage that downloads with both `wget` and `curl` needs both tools in
//! the image; one of them does. Reported on each `RUN` that uses one once the stage has used
//! both. `ONBUILD` triggers are counted apart: they run in another build.

use crate::rules::runs::substitutions;
use crate::rules::{Context, Rule};
use crate::syntax::shell;
use std::collections::BTreeMap;

pub struct WgetAndCurl;

impl Rule for WgetAndCurl {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        // Per (stage, trigger or not): the first line each tool was used on.
        let mut seen: BTreeMap<(usize, bool), BTreeMap<&'static str, usize>> = BTreeMap::new();
        for run in runs.runs.iter().filter(|r| r.is_posix()) {
            let tools = seen.entry((run.stage, run.onbuild)).or_default();
            let mut first = None;
            let Some(script) = &run.script.script else {
                continue;
            };
            let cmds = cx.commands(run);
            for command in script.simple_commands() {
                // The program, seen through wrappers, or one in a `$( … )` of its words
                // (`V=$(curl …)`).
                let words = &command.command.words;
                let program = cmds
                    .iter()
                    .find(|cmd| cmd.span == command.command.span)
                    .map(|cmd| cmd.name.to_string());
                let inner = words
                    .iter()
                    .chain(&command.command.assignments)
                    .flat_map(|w| substitutions(w.text(command.source)))
                    .flat_map(|text| {
                        shell::split(text)
                            .simple_commands()
                            .filter_map(|c| c.basename().map(|n| n.into_owned()))
                            .collect::<Vec<_>>()
                    });
                let names: Vec<String> = program.into_iter().chain(inner).collect();
                let Some(tool) = names.iter().find_map(|n| match n.as_str() {
                    "wget" => Some("wget"),
                    "curl" => Some("curl"),
                    _ => None,
                }) else {
                    continue;
                };
                let span = run.file_span(command.command.span);
                tools
                    .entry(tool)
                    .or_insert_with(|| cx.dockerfile.line_of(span.start));
                first.get_or_insert((span, tool));
            }
            if let Some((span, tool)) = first {
                if tools.len() == 2 {
                    let other = if tool == "wget" { "curl" } else { "wget" };
                    let line = tools[other];
                    cx.report(
                        span,
                        format!("Either use wget or curl, not both: this stage also uses `{other}` (line {line})"),
                    );
                }
            }
        }
    }
}
