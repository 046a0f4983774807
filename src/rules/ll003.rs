//! LL003 invalid-utf8
//!
//! Found while reading the file's bytes (`files::load`), before there is any text to check, and
//! reported by the command line; this entry gives the finding its documentation, its severity
//! and its place in `--select`/`--ignore` like any other rule.

use super::{Context, Rule};

pub struct InvalidUtf8;

impl Rule for InvalidUtf8 {
    fn check(&self, _cx: &mut Context<'_, '_>) {}
}
