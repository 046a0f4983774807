//! DL3067 copy-whole-filesystem: `COPY --from=… / /`, copying a stage's entire filesystem.

use super::{copy_args, unquoted};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct CopyWholeFilesystem;

impl Rule for CopyWholeFilesystem {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Copy || instruction.flag("from").is_none() {
                continue;
            }
            let Some((sources, dest)) = copy_args(instruction) else {
                continue;
            };
            if unquoted(&dest.text) == "/" && sources.iter().any(|s| unquoted(&s.text) == "/") {
                cx.report(
                    instruction.span,
                    "this copies the other stage's entire filesystem over this one (its /etc, \
                     package database and all); copy the directories you need",
                );
            }
        }
    }
}
