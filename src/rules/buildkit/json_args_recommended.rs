//! JSONArgsRecommended: `CMD` or `ENTRYPOINT` in shell form, in a stage with no `SHELL` of its
//! own (nor one inherited from a stage of this file). With a `SHELL` the shell form is what the
//! author chose, and BuildKit stays quiet; a base image's own `SHELL` is not known here (official
//! Linux images set none).

use super::walk_stages;

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct JsonArgsRecommended;

impl Rule for JsonArgsRecommended {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        walk_stages(
            stages,
            |_| false,
            |shell_set, instruction| match instruction.keyword {
                Keyword::Shell => *shell_set = true,
                Keyword::Cmd | Keyword::Entrypoint
                    if !*shell_set && matches!(instruction.args, Args::Text(_)) =>
                {
                    cx.report(
                        instruction.span,
                        format!(
                            "JSON arguments recommended for {} to prevent unintended behavior \
                             related to OS signals",
                            instruction.keyword.as_str()
                        ),
                    );
                }
                _ => {}
            },
        );
    }
}
