//! DL3007 latest-tag: a `FROM` image tagged `latest` (without a digest).

use super::dl3006::check_base_images;
use crate::rules::{Context, Rule};

pub struct LatestTag;

impl Rule for LatestTag {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_base_images(cx, |parts, reference, via| {
            (parts.tag == Some("latest") && parts.digest.is_none()).then(|| {
                format!(
                    "`{reference}`{via} follows `latest`, which moves to each new release; pin \
                     a version tag"
                )
            })
        });
    }
}
