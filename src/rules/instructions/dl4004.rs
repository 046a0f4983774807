//! DL4004 multiple-entrypoint: more than one `ENTRYPOINT` in a stage.

use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct MultipleEntrypoint;

impl Rule for MultipleEntrypoint {
    fn check(&self, cx: &mut Context<'_, '_>) {
        super::dl4003::report_repeats(cx, Keyword::Entrypoint, |first_line| {
            format!(
                "this stage already has an ENTRYPOINT (line {first_line}); only the last one \
                 takes effect"
            )
        });
    }
}
