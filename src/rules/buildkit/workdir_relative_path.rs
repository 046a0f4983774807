//! WorkdirRelativePath: a relative `WORKDIR` before any `WORKDIR` of the stage (or of the stages
//! of this file it is built on) has set the directory: it is then relative to the base image's
//! directory, which a new base image may change. Later relative ones are fixed by fixing the
//! first, so only the first is reported, as BuildKit does.

use super::walk_stages;

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct WorkdirRelativePath;

impl Rule for WorkdirRelativePath {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        walk_stages(
            stages,
            |_| false,
            |set, instruction| {
                if instruction.keyword != Keyword::Workdir {
                    return;
                }
                let first = !*set;
                *set = true;
                let Args::Text(path) = &instruction.args else {
                    return;
                };
                let path_text = crate::rules::instructions::unquoted(&path.text);
                // A variable's value is not known here; a drive letter means a Windows image.
                let unknown = path_text.contains('$')
                    || path_text.as_bytes().get(1) == Some(&b':')
                    || path_text.starts_with('\\');
                if first && !unknown && !path_text.starts_with('/') {
                    cx.report(
                        path.span,
                        format!(
                            "Relative workdir \"{path_text}\" can have unexpected results if the \
                         base image changes"
                        ),
                    );
                }
            },
        );
    }
}
