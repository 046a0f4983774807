//! ConsistentInstructionCasing: an instruction keyword in mixed case (`From`), or cased unlike
//! the majority of the file's keywords.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct ConsistentInstructionCasing;

impl Rule for ConsistentInstructionCasing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        // BuildKit counts the instructions of the stages: the global `ARG`s before the first
        // `FROM` are not part of any stage and are neither counted nor judged.
        // Walked twice rather than collected: a list of every keyword is a list per line.
        let dockerfile = cx.dockerfile;
        let keywords = || {
            dockerfile
                .instructions()
                .skip_while(|i| i.keyword != Keyword::From)
                .filter(|i| i.keyword != Keyword::Unknown)
                .map(|i| i.keyword_span)
        };
        let (mut lower, mut upper) = (0, 0);
        for span in keywords() {
            let text = cx.text(span);
            if text == text.to_lowercase() {
                lower += 1;
            } else if text == text.to_uppercase() {
                upper += 1;
            }
        }
        // A tie goes to upper case, as in BuildKit.
        let majority_lower = lower > upper;
        for span in keywords() {
            let text = cx.text(span);
            let wanted = if majority_lower {
                text.to_lowercase()
            } else {
                text.to_uppercase()
            };
            if text == wanted {
                continue;
            }
            let case = if majority_lower {
                "lowercase"
            } else {
                "uppercase"
            };
            cx.report(
                span,
                format!("Command '{text}' should match the case of the command majority ({case})"),
            )
            .fix = Some(Fix {
                title: format!("Write `{wanted}`"),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span,
                    content: wanted,
                }],
            });
        }
    }
}
