//! DL3029 from-platform: `FROM --platform` with a fixed platform.

use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct FromPlatform;

impl Rule for FromPlatform {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::From {
                continue;
            }
            let Some(flag) = instruction.flag("platform") else {
                continue;
            };
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
