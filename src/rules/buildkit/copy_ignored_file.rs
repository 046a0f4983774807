//! CopyIgnoredFile: `COPY` or `ADD` of a context path that the ignore file leaves out of the
//! context, so the build cannot find it (or, for `.`, copies nothing).
//!
//! Read with layerlint's matcher (src/project/dockerignore.rs), `!` exceptions applied as Docker
//! applies them. BuildKit's own check gives up on any ignore file with a `!` line; here a path
//! is reported only when it is left out after the exceptions. Not judged: sources with
//! wildcards or variables (what they match is decided at build time), URLs, `--from` copies,
//! heredocs, and any copy when the context is unknown.

use crate::project::dockerignore::{DockerIgnore, clean};
use crate::rules::instructions::copy_args;
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct CopyIgnoredFile;

impl Rule for CopyIgnoredFile {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let Some(ignore) = cx.build_context.dockerignore() else {
            return;
        };
        for instruction in cx.dockerfile.instructions() {
            if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add)
                || instruction.flag("from").is_some()
            {
                continue;
            }
            let Some((sources, _)) = copy_args(instruction) else {
                continue;
            };
            let verb = if instruction.keyword == Keyword::Add {
                "Add"
            } else {
                "Copy"
            };
            for source in sources {
                let text = source.text.as_str();
                if text.starts_with("<<")
                    || text.contains(['$', '*', '?', '['])
                    || text.contains("://")
                    || text.starts_with("git@")
                {
                    continue;
                }
                let path = clean(text.trim_start_matches('/'));
                if left_out(cx, &ignore, &path) {
                    cx.report(
                        source.span,
                        format!(
                            "Attempting to {verb} file \"{path}\" that is excluded by .dockerignore"
                        ),
                    );
                }
            }
        }
    }
}

/// Whether the path is not in the context. The root is "left out" when every entry in it is.
fn left_out(cx: &Context<'_, '_>, ignore: &DockerIgnore, path: &str) -> bool {
    if path != "." {
        return ignore.excludes(path);
    }
    cx.build_context
        .list("")
        .is_some_and(|names| !names.is_empty() && names.iter().all(|n| ignore.excludes(n)))
}
