//! ExposeProtoCasing: `EXPOSE 80/TCP`, a protocol not in lower case.

use super::exposed_ports;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;

pub struct ExposeProtoCasing;

impl Rule for ExposeProtoCasing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for word in exposed_ports(cx.dockerfile) {
            let Some((_, proto)) = word.text.split_once('/') else {
                continue;
            };
            let lower = proto.to_lowercase();
            if lower == proto {
                continue;
            }
            // BuildKit lower-cases the protocol when it reads the port, but buildah keeps it as
            // written: there the fix changes the image's ExposedPorts, so it is unsafe. Only a
            // word written on one line, as read, is rewritten.
            let fix = (cx.text(word.span) == word.text).then(|| Fix {
                title: format!("Write `{lower}`"),
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    span: Span::new(word.span.end as usize - proto.len(), word.span.end as usize),
                    content: lower.clone(),
                }],
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
