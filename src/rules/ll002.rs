//! LL002 unused-suppression
//!
//! Found by `suppress.rs` after the other rules ran (it needs their findings); this entry gives
//! it its documentation and test vectors like any other rule.

use super::{Context, Rule};

pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn check(&self, _cx: &mut Context<'_, '_>) {}
}
