//! DL3054 label-not-spdx: a label of schema type `spdx` whose value is not an SPDX license expression.

use super::labels::{check_values, is_spdx};
use crate::rules::{Context, Rule};

pub struct LabelNotSpdx;

impl Rule for LabelNotSpdx {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "spdx", "an SPDX license expression", is_spdx);
    }
}
