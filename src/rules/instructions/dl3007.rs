//! DL3007 latest-tag: a `FROM` image tagged `latest` (without a digest).

use super::dl3006::base_images;
use super::image_ref;
use crate::rules::{Context, Rule};

pub struct LatestTag;

impl Rule for LatestTag {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for image in base_images(cx.dockerfile) {
            let parts = image_ref(&image.reference);
            if parts.tag != Some("latest") || parts.digest.is_some() {
                continue;
            }
            let via = if image.written == image.reference {
                String::new()
            } else {
                format!(" (`{}` through its ARG default)", image.written)
            };
            cx.report(
                image.span,
                format!(
                    "`{}`{via} follows `latest`, which moves to each new release; pin a \
                     version tag",
                    image.reference
                ),
            );
        }
    }
}
