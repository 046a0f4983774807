//! RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM`, which every stage gets anyway.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::Keyword;

pub struct RedundantTargetPlatform;

impl Rule for RedundantTargetPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::From {
                continue;
            }
            let Some(flag) = instruction.flag("platform") else {
                continue;
            };
            let value = flag.value.as_deref().unwrap_or("");
            if value != "$TARGETPLATFORM" && value != "${TARGETPLATFORM}" {
                continue;
            }
            // The flag goes with the blanks after it, so `FROM --platform=… x` becomes `FROM x`.
            let source = &cx.dockerfile.source;
            let mut end = flag.span.end as usize;
            while source[end..].starts_with([' ', '\t']) {
                end += 1;
            }
            cx.report(
                flag.span,
                format!(
                    "Setting platform to predefined {value} in FROM is redundant as this is \
                     the default behavior"
                ),
            )
            .fix = Some(Fix {
                title: "Remove the --platform flag".into(),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: Span::new(flag.span.start as usize, end),
                    content: String::new(),
                }],
            });
        }
    }
}
