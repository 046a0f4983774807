//! LL303 permission-change-copies-files
//!
//! Changing only the metadata of a file from an earlier layer (`chmod`, `chown`, `chgrp`) copies
//! the whole file into the new layer: a recursive `chown` after a `COPY` doubles what those files
//! cost. `COPY --chown/--chmod`, or doing it in the `RUN` that creates the files, is the cure.

use super::origin;
use super::{Context, Rule};
use crate::model::Stage;
use crate::syntax::Keyword;

pub struct PermissionChangeCopiesFiles;

impl Rule for PermissionChangeCopiesFiles {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            check_stage(cx, stage);
        }
    }
}

const METADATA_COMMANDS: &[&str] = &["chmod", "chown", "chgrp"];

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        let mut reported: Vec<usize> = Vec::new();
        for touched in effects
            .touches
            .iter()
            .filter(|t| METADATA_COMMANDS.contains(&t.via.as_str()))
        {
            let Some(origin) = origin::find(stage, index, touched) else {
                continue;
            };
            if reported.contains(&origin.index) {
                continue;
            }
            reported.push(origin.index);
            let creator = origin.step.instruction;
            let created_line = cx.line_of(creator.span);
            let flag = if touched.recursive { " -R" } else { "" };
            let changed = if origin.partial {
                format!(
                    "{}, part of what the {} on line {created_line} brought",
                    touched.path,
                    creator.keyword.as_str()
                )
            } else if origin.created.recursive && touched.recursive {
                format!(
                    "every file in {}, which the {} on line {created_line} created",
                    origin.created.path,
                    creator.keyword.as_str()
                )
            } else {
                format!(
                    "{}, which the {} on line {created_line} created",
                    origin.created.path,
                    creator.keyword.as_str()
                )
            };
            let cure = match (creator.keyword, touched.via.as_str()) {
                (Keyword::Copy | Keyword::Add, "chmod") => format!(
                    "set the mode as it arrives with {} --chmod",
                    creator.keyword.as_str()
                ),
                (Keyword::Copy | Keyword::Add, _) => format!(
                    "set the owner as it arrives with {} --chown",
                    creator.keyword.as_str()
                ),
                _ => "do it in the RUN that creates the files".to_string(),
            };
            let message = format!(
                "{via}{flag} {target} changes {changed}: a changed file is copied whole into this layer, so its bytes ship twice; {cure}",
                via = touched.via,
                target = touched.path,
            );
            let diagnostic = cx.report(touched.span, message);
            diagnostic.label(
                origin.created.span,
                format!("{} created here", origin.created.path),
            );
        }
    }
}
