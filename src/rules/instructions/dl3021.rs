//! DL3021 copy-multiple-sources-to-file: `COPY` of several sources to a destination that does
//! not end with `/`.
//!
//! The fix appends `/` to the destination. Unsafe: the build stops today, so there is no
//! behaviour to keep; the fix picks the only reading Docker accepts (copy into that directory),
//! which may not be what was meant (one of the sources may have been meant as the file name).

use super::{copy_args, unquoted};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;
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
            // Before a closing quote (JSON form, quoted words), else at the end of the word.
            let written = cx.dockerfile.text(dest.span);
            let quoted = written.len() >= 2 && written.ends_with(['"', '\'']);
            let slash = Edit {
                span: Span::empty(dest.span.end as usize - usize::from(quoted)),
                content: "/".into(),
            };
            cx.report(
                dest.span,
                format!(
                    "COPY of {} sources needs a directory destination ending in `/`: Docker \
                     stops the build at `{path}`; write `{path}/`",
                    sources.len()
                ),
            )
            .fix = Some(Fix {
                title: format!("Write the destination as `{path}/`"),
                applicability: Applicability::Unsafe,
                edits: vec![slash],
            });
        }
    }
}
