//! MultipleInstructionsDisallowed: a second `CMD`, `ENTRYPOINT` or `HEALTHCHECK` in a stage;
//! the earlier one, which has no effect, is reported.

use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct MultipleInstructionsDisallowed;

impl Rule for MultipleInstructionsDisallowed {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.stages() {
            for keyword in [Keyword::Entrypoint, Keyword::Cmd, Keyword::Healthcheck] {
                let uses: Vec<_> = stage.body.iter().filter(|i| i.keyword == keyword).collect();
                for pair in uses.windows(2) {
                    let (earlier, later) = (pair[0], pair[1]);
                    cx.report(
                        earlier.span,
                        format!(
                            "Multiple {} instructions should not be used in the same stage \
                             because only the last one will be used",
                            keyword.as_str()
                        ),
                    )
                    .label(later.span, "this one takes effect");
                }
            }
        }
    }
}
