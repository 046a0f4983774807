//! DL3051 label-empty: a label of the `label-schema` with an empty value.

use super::labels::labels;
use crate::rules::{Context, Rule};

pub struct LabelEmpty;

impl Rule for LabelEmpty {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let schema = cx.config.label_schema.clone();
        for label in labels(cx.dockerfile) {
            if schema.contains_key(&label.key) && label.value.trim().is_empty() {
                cx.report(
                    label.span,
                    format!(
                        "label `{}` is empty; the label schema expects a value",
                        label.key
                    ),
                );
            }
        }
    }
}
