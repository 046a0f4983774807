//! FromAsCasing: `FROM x as y` or `from x AS y`, the `AS` keyword cased unlike `FROM`.

use super::instructions_of;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct FromAsCasing;

impl Rule for FromAsCasing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in instructions_of(cx.dockerfile, Keyword::From) {
            let Args::Words(words) = &instruction.args else {
                continue;
            };
            let [_, as_word, _, ..] = &words[..] else {
                continue;
            };
            if !as_word.text.eq_ignore_ascii_case("as") {
                continue;
            }
            let from = cx.text(instruction.keyword_span);
            // A `From` of mixed case is ConsistentInstructionCasing's finding, not this one.
            let wanted = if from == from.to_lowercase() {
                "as"
            } else if from == from.to_uppercase() {
                "AS"
            } else {
                continue;
            };
            if as_word.text == wanted {
                continue;
            }
            cx.report(
                as_word.span,
                format!(
                    "'{}' and '{from}' keywords' casing do not match",
                    as_word.text
                ),
            )
            .fix = Some(Fix {
                title: format!("Write `{wanted}`"),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: as_word.span,
                    content: wanted.to_string(),
                }],
            });
        }
    }
}
