//! DL3057 healthcheck-missing (off by default): an image stage without a `HEALTHCHECK`.

use super::{stages, unquoted};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct HealthcheckMissing;

impl Rule for HealthcheckMissing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = stages(cx.dockerfile);
        let mut has_healthcheck = vec![false; stages.len()];
        let mut used = vec![false; stages.len()];
        for (index, stage) in stages.iter().enumerate() {
            let parent = stage.parent(&stages, index);
            if let Some(parent) = parent {
                used[parent] = true;
            }
            has_healthcheck[index] = parent.is_some_and(|p| has_healthcheck[p])
                || stage.body.iter().any(|i| i.keyword == Keyword::Healthcheck);
            // A stage another one copies from is a build step, not an image to run.
            for instruction in &stage.body {
                let mut sources: Vec<String> = Vec::new();
                if let Some(value) = instruction.flag("from").and_then(|f| f.value.clone()) {
                    sources.push(value);
                }
                for (_, mount) in instruction.mounts() {
                    sources.extend(mount.from().map(str::to_string));
                }
                for source in sources {
                    let source = unquoted(&source).to_ascii_lowercase();
                    let found = stages[..index].iter().position(|s| {
                        s.name.as_deref() == Some(source.as_str())
                            || s.number.is_some_and(|n| n.to_string() == source)
                    });
                    if let Some(found) = found {
                        used[found] = true;
                    }
                }
            }
        }
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
