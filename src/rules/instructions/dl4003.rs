//! DL4003 multiple-cmd: more than one `CMD` in a stage.

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
pub(super) fn report_repeats(
    cx: &mut Context<'_, '_>,
    keyword: Keyword,
    message: impl Fn(usize) -> String,
) {
    for stage in super::stages(cx.dockerfile) {
        let mut seen = stage.body.iter().filter(|i| i.keyword == keyword);
        let Some(first) = seen.next() else {
            continue;
        };
        let first_line = cx.line_of(first.span);
        for repeat in seen {
            cx.report(repeat.span, message(first_line))
                .label(first.span, "overridden by the later one");
        }
    }
}
