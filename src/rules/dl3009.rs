//! DL3009 apt-lists-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct AptListsLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::AptLists],
    what: "the apt package lists (/var/lib/apt/lists)",
    cure: Cure::Cleanup("rm -rf /var/lib/apt/lists/*"),
};

impl Rule for AptListsLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
