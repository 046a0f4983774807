//! DL3065 redundant-target-platform: `FROM --platform=$TARGETPLATFORM`, which is the default.
//!
//! The fix removes the flag (and the blanks after it). Safe: a stage without `--platform` is
//! built for the target platform, so the build and the image are the same.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;

pub struct RedundantTargetPlatform;

impl Rule for RedundantTargetPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for flag in super::platform_flags(cx.dockerfile) {
            let value = super::unquoted(flag.value.as_deref().unwrap_or(""));
            if value == "$TARGETPLATFORM" || value == "${TARGETPLATFORM}" {
                let source = cx.dockerfile.source.as_bytes();
                let mut end = flag.span.end as usize;
                while end < source.len() && matches!(source[end], b' ' | b'\t') {
                    end += 1;
                }
                let edit = Edit {
                    span: Span::new(flag.span.start as usize, end),
                    content: String::new(),
                };
                cx.report(
                    flag.span,
                    "a stage is built for the target platform unless told otherwise: \
                     `--platform=$TARGETPLATFORM` changes nothing and can be dropped",
                )
                .fix = Some(Fix {
                    title: "Remove `--platform=$TARGETPLATFORM`".into(),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                });
            }
        }
    }
}
