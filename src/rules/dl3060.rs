//! DL3060 yarn-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct YarnCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Yarn],
    what: "the yarn cache",
    cure: Cure::Cleanup("yarn cache clean"),
};

impl Rule for YarnCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
