//! DL3056 label-not-semver: a label of schema type `semver` whose value is not a semantic version.

use super::labels::{check_values, is_semver};
use crate::rules::{Context, Rule};

pub struct LabelNotSemver;

impl Rule for LabelNotSemver {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "semver", "a semantic version", is_semver);
    }
}
