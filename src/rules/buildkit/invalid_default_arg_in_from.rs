//! InvalidDefaultArgInFrom: a `FROM` whose image name, expanded with the global `ARG` defaults
//! alone, is empty or not a valid reference (`ARG VERSION` then `FROM busybox:$VERSION`): a
//! build without `--build-arg` fails.

use super::expand::{expand_defaults, meta_args};
use super::instructions_of;
use crate::rules::instructions::from_parts;
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;
use crate::syntax::reference::problem;

pub struct InvalidDefaultArgInFrom;

impl Rule for InvalidDefaultArgInFrom {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let args = meta_args(cx.dockerfile);
        for instruction in instructions_of(cx.dockerfile, Keyword::From) {
            let Some(image) = from_parts(instruction).map(|p| p.image) else {
                continue;
            };
            // Only a name made with variables: a literal typo is LL001's.
            if !image.text.contains('$') {
                continue;
            }
            // A name BuildKit cannot expand (an unsupported modifier) fails the build there, and
            // BuildKit gives up this check for the rest of the file.
            let Some(expanded) = expand_defaults(&image.text, &args, cx.dockerfile.escape) else {
                break;
            };
            if expanded.is_empty() || problem(&expanded).is_some() {
                cx.report(
                    image.span,
                    format!(
                        "Default value for ARG {} results in empty or invalid base image name",
                        image.text
                    ),
                );
            }
        }
    }
}
