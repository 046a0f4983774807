//! StageNameCasing: a stage name with upper-case letters.

use super::instructions_of;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::instructions::from_parts;
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct StageNameCasing;

impl Rule for StageNameCasing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in instructions_of(cx.dockerfile, Keyword::From) {
            let Some(alias) = from_parts(instruction).and_then(|p| p.alias) else {
                continue;
            };
            let lower = alias.text.as_str().to_lowercase();
            if lower == alias.text {
                continue;
            }
            // Docker compares stage names case-insensitively, so lower-casing the name alone
            // keeps every `FROM name` and `--from=name` pointing at it. A name built from a
            // variable is left as written.
            let fix = (!alias.text.contains('$')).then(|| Fix {
                title: format!("Rename the stage to `{lower}`"),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: alias.span,
                    content: lower.clone(),
                }],
            });
            cx.report(
                alias.span,
                format!("Stage name '{}' should be lowercase", alias.text),
            )
            .fix = fix;
        }
    }
}
