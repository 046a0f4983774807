//! ExposeProtoCasing: `EXPOSE 80/TCP`, a protocol not in lower case.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::{Args, Keyword};

pub struct ExposeProtoCasing;

impl Rule for ExposeProtoCasing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Expose {
                continue;
            }
            let Args::Words(words) = &instruction.args else {
                continue;
            };
            for word in words {
                let Some((_, proto)) = word.text.split_once('/') else {
                    continue;
                };
                let lower = proto.to_lowercase();
                if lower == proto {
                    continue;
                }
                // Docker lower-cases the protocol when it reads the port, so the fix changes
                // nothing in the image. Only a word written on one line, as read, is rewritten.
                let raw = cx.text(word.span);
                let fix = (raw == word.text).then(|| {
                    let at = word.span.end as usize - proto.len();
                    Fix {
                        title: format!("Write `{lower}`"),
                        applicability: Applicability::Safe,
                        edits: vec![Edit {
                            span: Span::new(at, word.span.end as usize),
                            content: lower.clone(),
                        }],
                    }
                });
                cx.report(
                    word.span,
                    format!(
                        "Defined protocol '{}' in EXPOSE instruction should be lowercase",
                        word.text
                    ),
                )
                .fix = fix;
            }
        }
    }
}
