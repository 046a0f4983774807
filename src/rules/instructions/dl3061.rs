//! DL3061 instruction-before-from: an instruction other than `ARG` before the first `FROM`.

use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct InstructionBeforeFrom;

impl Rule for InstructionBeforeFrom {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let first_wrong = cx
            .dockerfile
            .instructions()
            .take_while(|i| i.keyword != Keyword::From)
            .find(|i| i.keyword != Keyword::Arg);
        if let Some(instruction) = first_wrong {
            let keyword = cx.text(instruction.keyword_span).to_ascii_uppercase();
            cx.report(
                instruction.span,
                format!(
                    "{keyword} comes before the first FROM: a Dockerfile must start with FROM \
                     (only ARG, comments and parser directives may come first)"
                ),
            );
        }
    }
}
