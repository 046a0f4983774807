//! DL3045 copy-relative-without-workdir: `COPY` to a relative destination in a stage with no
//! `WORKDIR`.

use super::{copy_args, unquoted};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct CopyRelativeWithoutWorkdir;

impl Rule for CopyRelativeWithoutWorkdir {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        // Whether each stage has set a WORKDIR by its end, itself or through the stage it is
        // built on.
        let mut workdir_at_end = vec![false; stages.len()];
        for (index, stage) in stages.iter().enumerate() {
            let mut workdir = stage.parent.is_some_and(|p| workdir_at_end[p]);
            for instruction in &stage.body {
                match instruction.keyword {
                    Keyword::Workdir => workdir = true,
                    Keyword::Copy if !workdir => {
                        let Some((_, dest)) = copy_args(instruction) else {
                            continue;
                        };
                        let path = unquoted(&dest.text);
                        if is_absolute(path) {
                            continue;
                        }
                        cx.report(
                            dest.span,
                            format!(
                                "`{path}` is relative and this stage sets no WORKDIR: it lands \
                                 wherever the base image's working directory is; set WORKDIR \
                                 or use an absolute path"
                            ),
                        );
                    }
                    _ => {}
                }
            }
            workdir_at_end[index] = workdir;
        }
    }
}

/// `/…`, a variable, or a Windows drive (`c:\…`, `c:/…`).
fn is_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    path.starts_with(['/', '$'])
        || (chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.next() == Some(':')
            && matches!(chars.next(), Some('\\' | '/')))
}
