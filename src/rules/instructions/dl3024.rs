//! DL3024 duplicate-stage-name: two stages with the same name.

use super::from_parts;
use crate::rules::{Context, Rule};

pub struct DuplicateStageName;

impl Rule for DuplicateStageName {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        for stage in stages {
            let Some(first) = stage.same_name_as.map(|first| &stages[first]) else {
                continue;
            };
            let Some(alias) = stage.from.and_then(from_parts).and_then(|p| p.alias) else {
                continue;
            };
            let first_span = first.from.map(|f| f.span);
            let line = first_span.map_or(0, |s| cx.line_of(s));
            let diagnostic = cx.report(
                alias.span,
                format!(
                    "the stage name `{}` is already used on line {line}; stage names must be \
                     unique",
                    alias.text
                ),
            );
            if let Some(span) = first_span {
                diagnostic.label(span, "first defined here");
            }
        }
    }
}
