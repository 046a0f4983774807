//! DL4003 multiple-cmd: more than one `CMD` in a stage.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct MultipleCmd;

impl Rule for MultipleCmd {
    fn check(&self, cx: &mut Context<'_, '_>) {
        report_repeats(cx, Keyword::Cmd, |first_line| {
            format!(
                "this stage already has a CMD (line {first_line}); only the last CMD takes effect"
            )
        });
    }
}

/// Reports every instruction of `keyword` after the first in its stage, labelling the first.
///
/// The fix removes the one before it (with its whole lines), so that fixing every finding leaves
/// the last: the one that takes effect. Safe: each of these instructions sets one field of the
/// image config and the last one wins, so the config and the files stay the same (an
/// `ENTRYPOINT` clears an inherited `CMD` only when the stage sets none, which a removed earlier
/// `CMD` before a later one does not change).
pub(super) fn report_repeats(
    cx: &mut Context<'_, '_>,
    keyword: Keyword,
    message: impl Fn(usize) -> String,
) {
    for stage in cx.stages() {
        let repeated: Vec<_> = stage.body.iter().filter(|i| i.keyword == keyword).collect();
        let Some(first) = repeated.first() else {
            continue;
        };
        let first_line = cx.line_of(first.span);
        for pair in repeated.windows(2) {
            let (earlier, repeat) = (pair[0], pair[1]);
            let fix = (!earlier.malformed && !repeat.malformed).then(|| Fix {
                title: format!(
                    "Remove the earlier {} on line {}",
                    keyword.as_str(),
                    cx.line_of(earlier.span)
                ),
                applicability: Applicability::Safe,
                edits: vec![Edit {
                    span: earlier.lines,
                    content: String::new(),
                }],
            });
            let diagnostic = cx
                .report(repeat.span, message(first_line))
                .label(first.span, "overridden by the later one");
            diagnostic.fix = fix;
        }
    }
}
