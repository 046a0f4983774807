//! DL3009 apt-lists-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct AptListsLeft;

const RULE: CacheRule = CacheRule {
    // The archives only count once docker-clean is gone (see the model's `apt_archives`).
    caches: &[Cache::AptLists, Cache::AptArchives],
    what: "the apt package lists (/var/lib/apt/lists)",
    cure: Cure::Cleanup("rm -rf /var/lib/apt/lists/*"),
};

impl Rule for AptListsLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
