//! DL3023 copy-from-own-stage: `COPY --from` naming the stage it is in.

use super::dl3022::{Source, copy_from};
use crate::rules::{Context, Rule};

pub struct CopyFromOwnStage;

impl Rule for CopyFromOwnStage {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        for own in 0..stages.len() {
            for (instruction, value, source) in copy_from(stages, own) {
                if matches!(source, Source::Itself) {
                    let span = instruction
                        .flag("from")
                        .map_or(instruction.span, |f| f.span);
                    cx.report(
                        span,
                        format!(
                            "`--from={value}` is the stage this COPY is in: a stage cannot copy \
                             from itself"
                        ),
                    );
                }
            }
        }
    }
}
