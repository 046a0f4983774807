//! DL3057 healthcheck-missing (off by default): an image stage without a `HEALTHCHECK`.

use super::{inherited, used_later};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct HealthcheckMissing;

impl Rule for HealthcheckMissing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        let used = used_later(stages);
        let has_healthcheck = inherited(stages, |stage| {
            stage.body.iter().any(|i| i.keyword == Keyword::Healthcheck)
        });
        for (index, stage) in stages.iter().enumerate() {
            let Some(from) = stage.from else {
                continue;
            };
            if used[index] || has_healthcheck[index] {
                continue;
            }
            cx.report(
                from.span,
                "this image has no HEALTHCHECK (nor does a stage it is built on): nothing tells \
                 the runtime whether the container is working; add one, or `HEALTHCHECK NONE` \
                 to say there is none on purpose",
            );
        }
    }
}
