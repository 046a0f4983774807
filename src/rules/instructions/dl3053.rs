//! DL3053 label-not-rfc3339: a label of schema type `rfc3339` whose value is not an RFC 3339 date-time.

use super::labels::{check_values, is_rfc3339};
use crate::rules::{Context, Rule};

pub struct LabelNotRfc3339;

impl Rule for LabelNotRfc3339 {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "rfc3339", "an RFC 3339 date-time", is_rfc3339);
    }
}
