//! DL4001 wget-and-curl: a stage that downloads with both `wget` and `curl` needs both tools in
//! the image; one of them does. Reported on each `RUN` that uses one once the stage has used
//! both. `ONBUILD` triggers are counted apart: they run in another build.

use crate::rules::{Context, Rule};
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
            for cmd in run.commands() {
                let tool = match cmd.name.as_str() {
                    "wget" => "wget",
                    "curl" => "curl",
                    _ => continue,
                };
                let span = run.file_span(cmd.name_word.span);
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
