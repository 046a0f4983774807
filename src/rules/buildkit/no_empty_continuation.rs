//! NoEmptyContinuation: an empty line inside a continued instruction. Docker skips it today, but
//! has announced it will end the instruction there in a future release.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;

pub struct NoEmptyContinuation;

impl Rule for NoEmptyContinuation {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.empty_continuation_lines().is_empty() {
                continue;
            }
            // BuildKit reports where it finishes reading the instruction: its last line.
            let last_line = cx
                .dockerfile
                .line_of(instruction.span.end.saturating_sub(1));
            let at = cx.dockerfile.line_starts[last_line - 1] as usize;
            let end = instruction.span.end as usize;
            cx.report(
                Span::new(at.max(instruction.span.start as usize), end),
                "Empty continuation line",
            )
            .fix = Some(Fix {
                title: "Remove the empty lines".into(),
                // Docker drops them when it joins the lines, so the instruction stays the same.
                applicability: Applicability::Safe,
                edits: instruction
                    .empty_continuation_lines()
                    .iter()
                    .map(|span| Edit {
                        span: *span,
                        content: String::new(),
                    })
                    .collect(),
            });
        }
    }
}
