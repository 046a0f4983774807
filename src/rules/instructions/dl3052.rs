//! DL3052 label-not-url: a label of schema type `url` whose value is not a URL.

use super::labels::{check_values, is_url};
use crate::rules::{Context, Rule};

pub struct LabelNotUrl;

impl Rule for LabelNotUrl {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "url", "a URL", is_url);
    }
}
