//! DL3049 label-missing: an image stage without a label the `label-schema` requires.

use super::{inherited, unquoted, used_later};
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct LabelMissing;

impl Rule for LabelMissing {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let required: Vec<String> = cx.config.label_schema.keys().cloned().collect();
        if required.is_empty() {
            return;
        }
        let stages = cx.stages();
        let used = used_later(stages);
        for name in required {
            let has = inherited(stages, |stage| {
                stage.body.iter().any(|i| {
                    i.keyword == Keyword::Label
                        && matches!(&i.args, Args::KeyValues(pairs, _)
                            if pairs.iter().any(|p| unquoted(&p.key.text) == name))
                })
            });
            for (index, stage) in stages.iter().enumerate() {
                let Some(from) = stage.from else {
                    continue;
                };
                if used[index] || has[index] {
                    continue;
                }
                cx.report(
                    from.span,
                    format!(
                        "this image has no label `{name}`, which the label schema requires (nor \
                         does a stage it is built on)"
                    ),
                );
            }
        }
    }
}
