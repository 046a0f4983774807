//! LL001 syntax-error
//!
//! Syntax errors are found by the parser (`syntax/`), which turns each into an LL001 finding as
//! it reads; this entry gives them their documentation and test vectors like any other rule.

use super::{Context, Rule};

pub struct SyntaxError;

impl Rule for SyntaxError {
    fn check(&self, _cx: &mut Context<'_, '_>) {}
}
