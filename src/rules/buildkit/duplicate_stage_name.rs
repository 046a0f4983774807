//! DuplicateStageName: two stages with the same name (compared as Docker does, without regard
//! to case). The same check as DL3024 (`shares:` in the YAML); written here with a map of the
//! names seen, so a file of many stages costs one pass.

use crate::rules::instructions::from_parts;
use crate::rules::{Context, Rule};
use std::collections::HashMap;

pub struct DuplicateStageName;

impl Rule for DuplicateStageName {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        let mut first_line: HashMap<&str, usize> = HashMap::new();
        for stage in stages {
            let (Some(name), Some(from)) = (stage.name.as_deref(), stage.from) else {
                continue;
            };
            let line = cx.line_of(from.span);
            let Some(&first) = first_line.get(name) else {
                first_line.insert(name, line);
                continue;
            };
            let Some(alias) = from_parts(from).and_then(|p| p.alias) else {
                continue;
            };
            cx.report(
                alias.span,
                format!(
                    "Duplicate stage name \"{name}\", stage names should be unique (first used \
                     on line {first})"
                ),
            );
        }
    }
}
