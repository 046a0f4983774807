//! DL3065 redundant-target-platform: `FROM --platform=$TARGETPLATFORM`, which is the default.

use crate::rules::{Context, Rule};

pub struct RedundantTargetPlatform;

impl Rule for RedundantTargetPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for flag in super::platform_flags(cx.dockerfile) {
            let value = super::unquoted(flag.value.as_deref().unwrap_or(""));
            if value == "$TARGETPLATFORM" || value == "${TARGETPLATFORM}" {
                cx.report(
                    flag.span,
                    "a stage is built for the target platform unless told otherwise: \
                     `--platform=$TARGETPLATFORM` changes nothing and can be dropped",
                );
            }
        }
    }
}
