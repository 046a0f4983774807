//! DL3021 copy-multiple-sources-to-file: `COPY` of several sources to a destination that does
//! not end with `/`.

use super::{copy_args, unquoted};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct CopyDestinationNotDirectory;

impl Rule for CopyDestinationNotDirectory {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Copy {
                continue;
            }
            let Some((sources, dest)) = copy_args(instruction) else {
                continue;
            };
            let path = unquoted(&dest.text);
            // A destination with a variable may well end in `/`; `.` and `..` are directories,
            // and Windows paths end in `\`.
            if sources.len() < 2
                || path.ends_with(['/', '\\'])
                || path.contains('$')
                || path == "."
                || path == ".."
                || path.ends_with("/.")
                || path.ends_with("/..")
            {
                continue;
            }
            cx.report(
                dest.span,
                format!(
                    "COPY of {} sources needs a directory destination ending in `/`: Docker \
                     stops the build at `{path}`; write `{path}/`",
                    sources.len()
                ),
            );
        }
    }
}
