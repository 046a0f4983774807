//! RedundantTargetPlatform: `FROM --platform=$TARGETPLATFORM`, which every stage gets anyway.

use super::platform_flags;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;

pub struct RedundantTargetPlatform;

impl Rule for RedundantTargetPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for (_, flag, value) in platform_flags(cx.dockerfile) {
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
