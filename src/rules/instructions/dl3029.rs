//! DL3029 from-platform: `FROM --platform` with a fixed platform.

use crate::rules::{Context, Rule};

pub struct FromPlatform;

impl Rule for FromPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for flag in super::platform_flags(cx.dockerfile) {
            let value = flag.value.as_deref().unwrap_or("");
            // `$BUILDPLATFORM` and friends are how cross-builds are meant to be written.
            if value.is_empty() || value.contains('$') {
                continue;
            }
            cx.report(
                flag.span,
                format!(
                    "`--platform={value}` fixes the platform of this stage, so building for \
                     another platform runs it emulated or fails; leave it out, or use \
                     `$BUILDPLATFORM`/`$TARGETPLATFORM`"
                ),
            );
        }
    }
}
