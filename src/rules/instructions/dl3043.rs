//! DL3043 onbuild-forbidden-trigger: `ONBUILD ONBUILD`, `ONBUILD FROM` or `ONBUILD MAINTAINER`.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct OnbuildForbiddenTrigger;

impl Rule for OnbuildForbiddenTrigger {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Onbuild {
                continue;
            }
            let Args::Onbuild(inner) = &instruction.args else {
                continue;
            };
            if matches!(
                inner.keyword,
                Keyword::Onbuild | Keyword::From | Keyword::Maintainer
            ) {
                let keyword = inner.keyword.as_str();
                cx.report(
                    instruction.span,
                    format!(
                        "`ONBUILD {keyword}` is not allowed: Docker refuses {keyword} as a trigger"
                    ),
                );
            }
        }
    }
}
