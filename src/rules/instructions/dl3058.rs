//! DL3058 label-not-email: a label of schema type `email` whose value is not an email address.

use super::labels::{check_values, is_email};
use crate::rules::{Context, Rule};

pub struct LabelNotEmail;

impl Rule for LabelNotEmail {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "email", "an email address", is_email);
    }
}
