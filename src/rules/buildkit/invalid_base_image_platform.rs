//! InvalidBaseImagePlatform: a base image pulled for another platform than the stage's. Only the
//! pulled image's configuration tells which platforms it has, so a static linter cannot check it:
//! the rule is registered (so `# check=skip=InvalidBaseImagePlatform` and `--ignore` are valid)
//! and never reports.

use crate::rules::{Context, Rule};

pub struct InvalidBaseImagePlatform;

impl Rule for InvalidBaseImagePlatform {
    fn check(&self, _cx: &mut Context<'_, '_>) {}
}
