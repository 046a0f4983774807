//! DL3012 multiple-healthchecks: more than one `HEALTHCHECK` in a stage.

use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct MultipleHealthchecks;

impl Rule for MultipleHealthchecks {
    fn check(&self, cx: &mut Context<'_, '_>) {
        super::dl4003::report_repeats(cx, Keyword::Healthcheck, |first_line| {
            format!(
                "this stage already has a HEALTHCHECK (line {first_line}); only the last one \
                 takes effect"
            )
        });
    }
}
