//! ReservedStageName: a stage named `scratch` or `context`. The same check as DL3063
//! (`shares:` in the YAML), so it runs DL3063's implementation under BuildKit's name.

use crate::rules::instructions::dl3063;
use crate::rules::{Context, Rule};

pub struct ReservedStageName;

impl Rule for ReservedStageName {
    fn check(&self, cx: &mut Context<'_, '_>) {
        dl3063::ReservedStageName.check(cx);
    }
}
