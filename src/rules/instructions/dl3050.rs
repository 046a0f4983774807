//! DL3050 label-superfluous: with `strict-labels`, a label the `label-schema` does not name.

use super::labels::labels;
use crate::rules::{Context, Rule};

pub struct LabelSuperfluous;

impl Rule for LabelSuperfluous {
    fn check(&self, cx: &mut Context<'_, '_>) {
        if !cx.config.strict_labels {
            return;
        }
        let schema = cx.config.label_schema.clone();
        for label in labels(cx.dockerfile) {
            if !schema.contains_key(&label.key) {
                cx.report(
                    label.key_span,
                    format!(
                        "label `{}` is not in the label schema, and strict-labels allows only \
                         those",
                        label.key
                    ),
                );
            }
        }
    }
}
