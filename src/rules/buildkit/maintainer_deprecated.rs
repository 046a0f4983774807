//! MaintainerDeprecated: `MAINTAINER`. The same check as DL4000 (`shares:` in the YAML), so it
//! runs DL4000's implementation, fix included, under BuildKit's name.

use crate::rules::instructions::dl4000;
use crate::rules::{Context, Rule};

pub struct MaintainerDeprecated;

impl Rule for MaintainerDeprecated {
    fn check(&self, cx: &mut Context<'_, '_>) {
        dl4000::MaintainerDeprecated.check(cx);
    }
}
