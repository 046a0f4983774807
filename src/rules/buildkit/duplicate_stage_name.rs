//! DuplicateStageName: two stages with the same name. The same check as DL3024 (`shares:` in
//! the YAML), so it runs DL3024's implementation under BuildKit's name.

use crate::rules::instructions::dl3024;
use crate::rules::{Context, Rule};

pub struct DuplicateStageName;

impl Rule for DuplicateStageName {
    fn check(&self, cx: &mut Context<'_, '_>) {
        dl3024::DuplicateStageName.check(cx);
    }
}
