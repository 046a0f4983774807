//! DL3032 yum-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct YumCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Yum],
    what: "the yum cache (/var/cache/yum; /var/cache/dnf or /var/cache/libdnf5 where yum is dnf)",
    cure: Cure::Cleanup("yum clean all"),
};

impl Rule for YumCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
