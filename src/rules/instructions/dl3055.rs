//! DL3055 label-not-git-hash: a label of schema type `hash` whose value is not a git commit hash.

use super::labels::{check_values, is_git_hash};
use crate::rules::{Context, Rule};

pub struct LabelNotGitHash;

impl Rule for LabelNotGitHash {
    fn check(&self, cx: &mut Context<'_, '_>) {
        check_values(cx, "hash", "a git commit hash", is_git_hash);
    }
}
