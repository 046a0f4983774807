//! DL3040 dnf-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct DnfCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Dnf, Cache::Microdnf],
    what: "the dnf cache (/var/cache/dnf, /var/cache/libdnf5 for dnf5, /var/cache/yum for microdnf)",
    cure: Cure::Cleanup("dnf clean all"),
};

impl Rule for DnfCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
