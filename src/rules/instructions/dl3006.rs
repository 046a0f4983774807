//! DL3006 untagged-image: a `FROM` image without a tag or digest.

use super::{ImageRef, expand, from_parts, global_args_given, image_ref, stages};
use crate::model::BuildArgs;
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::Dockerfile;

pub struct UntaggedImage;

/// A `FROM` image as the build sees it: the reference with build arguments expanded, or `None`
/// when it names an earlier stage, is `scratch`, or uses a variable without a known value.
pub(super) struct BaseImage {
    pub span: Span,
    pub written: String,
    pub reference: String,
}

pub(super) fn base_images(dockerfile: &Dockerfile, given: &BuildArgs) -> Vec<BaseImage> {
    let args = global_args_given(dockerfile, given);
    let stages = stages(dockerfile);
    let mut found = Vec::new();
    for stage in &stages {
        let Some(parts) = stage.from.and_then(from_parts) else {
            continue;
        };
        let written = parts.image.text.to_string();
        let Some(reference) = expand(&written, &args) else {
            continue;
        };
        // A base that names an earlier stage (its name read through the same ARG defaults).
        if reference.eq_ignore_ascii_case("scratch") || stage.parent.is_some() {
            continue;
        }
        found.push(BaseImage {
            span: parts.image.span,
            written,
            reference,
        });
    }
    found
}

/// Reports every base image about which `judge` has something to say. `judge` gets the parsed
/// reference, the reference as the build sees it, and ` (`…` through its ARG default)` when it
/// was written with variables (empty otherwise), and returns the message.
pub(super) fn check_base_images(
    cx: &mut Context<'_, '_>,
    judge: impl Fn(&ImageRef<'_>, &str, &str) -> Option<String>,
) {
    let given = &cx.model.build_args;
    for image in base_images(cx.dockerfile, given) {
        let via = if image.written == image.reference {
            String::new()
        } else if given.is_empty() {
            format!(" (`{}` through its ARG default)", image.written)
        } else {
            format!(" (`{}` with this build's arguments)", image.written)
        };
        if let Some(message) = judge(&image_ref(&image.reference), &image.reference, &via) {
            cx.report(image.span, message);
        }
    }
}

impl Rule for UntaggedImage {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_base_images(cx, |parts, reference, via| {
            (parts.tag.is_none() && parts.digest.is_none() && !parts.path.is_empty()).then(|| {
                format!(
                    "`{reference}`{via} has no tag: it means `latest`, which changes under the \
                     build; name a version tag or a digest"
                )
            })
        });
    }
}
