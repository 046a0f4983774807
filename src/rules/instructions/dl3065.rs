//! DL3065 redundant-target-platform: `FROM --platform=$TARGETPLATFORM`, which is the default.

use crate::rules::{Context, Rule};
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
