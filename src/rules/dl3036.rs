//! DL3036 zypper-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct ZypperCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Zypper],
    what: "the zypper cache (/var/cache/zypp)",
    cure: Cure::Cleanup("zypper clean --all"),
};

impl Rule for ZypperCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
