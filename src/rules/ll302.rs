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
    let creations = origin::Creations::new(stage);
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        // One finding per creating layer and deleting step, however many paths they share.
        let mut reported: Vec<usize> = Vec::new();
        for deleted in &effects.deletes {
            let Some(origin) = origin::find(stage, &creations, index, deleted) else {
                continue;
            };
            if reported.contains(&origin.index) {
                continue;
            }
            reported.push(origin.index);
            let creator = origin.step.instruction;
            let line = cx.line_of(creator.span);
            let keyword = creator.keyword.as_str();
            let via = &deleted.via;
            // A glob source (`COPY *.sh /tmp/`) lands as the files it matches, not a file by that
            // name.
            let created = if crate::model::paths::is_glob(&origin.created.path) {
                format!("the files {}", origin.created.path)
            } else {
                origin.created.path.clone()
            };
            let created = &created;
            let what = if origin.partial {
                format!(
                    "{via} deletes {}, part of {created}, which the {keyword} on line {line} filled",
                    deleted.path
                )
            } else if deleted.path == origin.created.path {
                format!("{via} deletes {created}, which the {keyword} on line {line} created")
            } else {
                format!(
                    "{via} {} deletes {created}, which the {keyword} on line {line} created",
                    deleted.path
                )
            };
            let downloaded = creator.keyword == crate::syntax::Keyword::Add
                && cx
                    .text(creator.span)
                    .split_whitespace()
                    .any(|w| w.starts_with("http://") || w.starts_with("https://"));
            let advice = if creator.keyword == crate::syntax::Keyword::Run {
                "create and delete it in the same RUN".to_string()
            } else if downloaded {
                "download it in the RUN that uses it and delete it there (`curl -fsSLo … && … && rm …`) instead of ADD".to_string()
            } else {
                format!(
                    "if only a RUN needs it, bind-mount it for that RUN (`RUN --mount=type=bind,source=…,target=…`) instead of copying it; otherwise keep it out of the {keyword}"
                )
            };
            let message = format!(
                "{what}: deleting it in a later layer only hides it; its bytes stay in the layer from line {line} and ship with the image; {advice}"
            );
            let (fix, refusal) = origin::merge_fix(cx, stage, origin.index, index);
            origin::report(cx, deleted.span, message, origin.created, fix, refusal);
        }
    }
}
