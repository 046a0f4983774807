//! LL302 deleted-in-later-layer
//!
//! A layer is a diff against the one below it: deleting a file in a later layer only writes a
//! whiteout, and the bytes stay in the layer that created them, pulled and stored with the image.
//! Creating and deleting in the same `RUN` is the cure.

use super::origin;
use super::{Context, Rule};
use crate::model::Stage;

pub struct DeletedInLaterLayer;

impl Rule for DeletedInLaterLayer {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            check_stage(cx, stage);
        }
    }
}

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        // One finding per creating layer and deleting step, however many paths they share.
        let mut reported: Vec<usize> = Vec::new();
        for deleted in &effects.deletes {
            let Some(origin) = origin::find(stage, index, deleted) else {
                continue;
            };
            if reported.contains(&origin.index) {
                continue;
            }
            reported.push(origin.index);
            let creator = origin.step.instruction;
            let created_line = cx.line_of(creator.span);
            let what = if origin.partial {
                format!(
                    "{} removes part of {}, which",
                    deleted.path, origin.created.path
                )
            } else if deleted.path == origin.created.path {
                deleted.path.clone()
            } else {
                format!("{} (matching {})", origin.created.path, deleted.path)
            };
            let message = format!(
                "{via} deletes {what} was created by the {keyword} on line {created_line}; deleting it in a later layer only hides it, and its bytes stay in the layer from line {created_line}, pulled and stored with the image",
                via = deleted.via,
                keyword = creator.keyword.as_str(),
            );
            let advice = if creator.keyword == crate::syntax::Keyword::Run {
                "create and delete it in the same RUN"
            } else {
                "keep it out of the build context (.dockerignore) or copy only what the image needs"
            };
            let diagnostic = cx.report(deleted.span, format!("{message}: {advice}"));
            diagnostic.label(
                origin.created.span,
                format!("{} created here", origin.created.path),
            );
        }
    }
}
