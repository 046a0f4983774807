//! DL3019 apk-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct ApkCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Apk],
    what: "the apk index and cache (/var/cache/apk)",
    cure: Cure::Option {
        after: &["add", "upgrade"],
        option: "--no-cache",
        otherwise: "drop it, as `apk add --no-cache` and `apk upgrade --no-cache` fetch a fresh index themselves, or end the same RUN with `rm -rf /var/cache/apk/*`",
    },
};

impl Rule for ApkCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
