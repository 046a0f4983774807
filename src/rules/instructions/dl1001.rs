//! DL1001 inline-ignore-pragma (off by default): an inline `# hadolint ignore=…` pragma.

use crate::rules::{Context, Rule};
use crate::suppress::pragmas;

pub struct InlineIgnorePragma;

impl Rule for InlineIgnorePragma {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for pragma in pragmas(cx.dockerfile) {
            if pragma.global || pragma.stage {
                continue;
            }
            cx.report(
                pragma.span,
                format!(
                    "inline ignore pragma for {}: fix the finding, or ignore the rule in the \
                     configuration where everyone can see it",
                    pragma.codes.join(", ")
                ),
            );
        }
    }
}
