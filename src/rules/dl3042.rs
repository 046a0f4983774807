//! DL3042 pip-cache-left
//!
//! One member of the package-cache family (see `caches.rs`): hadolint's code, checked per layer.

use super::caches::{CacheRule, Cure};
use super::{Context, Rule};
use crate::model::Cache;

pub struct PipCacheLeft;

const RULE: CacheRule = CacheRule {
    caches: &[Cache::Pip],
    what: "the pip cache (~/.cache/pip)",
    cure: Cure::Option {
        after: &["install"],
        option: "--no-cache-dir",
        otherwise: "remove ~/.cache/pip at the end of the same RUN",
    },
};

impl Rule for PipCacheLeft {
    fn check(&self, cx: &mut Context<'_, '_>) {
        RULE.check(cx);
    }
}
