//! InvalidDefinitionDescription (experimental in BuildKit, so off unless `# check=experimental=`
//! or the configuration turns it on): the comment directly above an `ARG` or a named `FROM`
//! documents it (build tools show it as the argument's or target's description) only when it
//! starts with the name: `# version the release to build`.

use crate::rules::instructions::from_parts;
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Item, Keyword};

pub struct InvalidDefinitionDescription;

impl Rule for InvalidDefinitionDescription {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let mut comment: Option<&str> = None;
        for item in &cx.dockerfile.items {
            let instruction = match item {
                Item::Comment(span) => {
                    comment = Some(cx.text(*span));
                    continue;
                }
                Item::Instruction(instruction) => instruction,
                _ => {
                    comment = None;
                    continue;
                }
            };
            let above = comment.take();
            let names: Vec<String> = match (&instruction.keyword, &instruction.args) {
                (Keyword::Arg, Args::Words(words)) => words
                    .iter()
                    .map(|w| w.text.split('=').next().unwrap_or("").to_string())
                    .collect(),
                (Keyword::From, _) => from_parts(instruction)
                    .and_then(|p| p.alias)
                    .map(|a| vec![a.text.to_string()])
                    .unwrap_or_default(),
                _ => continue,
            };
            let Some(text) = above else { continue };
            let text = text.trim().trim_start_matches('#').trim();
            // An empty comment or a `# check=` line describes nothing.
            if names.is_empty() || text.is_empty() || text.starts_with("check=") {
                continue;
            }
            let first = text.split(' ').next().unwrap_or("");
            if names.iter().any(|n| n == first) {
                continue;
            }
            let (what, example) = match (instruction.keyword, names.as_slice()) {
                (Keyword::From, [name]) => ("FROM", name.clone()),
                (_, [name]) => ("ARG", name.clone()),
                _ => ("ARG", "<arg_key>".to_string()),
            };
            cx.report(
                instruction.span,
                format!("Comment for {what} should follow the format: `# {example} <description>`"),
            );
        }
    }
}
