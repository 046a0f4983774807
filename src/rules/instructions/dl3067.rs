//! DL3067 copy-whole-filesystem: `COPY --from=… / /`, copying a stage's entire filesystem.

use super::{copy_args, from_scratch, image_ref, unquoted};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct CopyWholeFilesystem;

/// Images built `FROM scratch` to be laid over another image with `COPY --from=… / /`: only
/// their own files (a few binaries), no system files to clobber.
const OVERLAY_IMAGES: &[&str] = &[
    "tonistiigi/xx",
    "gloursdocker/docker",
    "docker/buildx-bin",
    "docker/compose-bin",
];

impl Rule for CopyWholeFilesystem {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        for (own, stage) in stages.iter().enumerate() {
            for instruction in &stage.body {
                if instruction.keyword != Keyword::Copy {
                    continue;
                }
                let Some(from) = instruction.flag("from").and_then(|f| f.value.as_deref()) else {
                    continue;
                };
                let Some((sources, dest)) = copy_args(instruction) else {
                    continue;
                };
                if unquoted(&dest.text) != "/" || !sources.iter().any(|s| unquoted(&s.text) == "/")
                {
                    continue;
                }
                // Into an empty stage nothing is overwritten; out of a stage that started
                // empty, or an overlay image, only that stage's own files come.
                if stage.from.is_some() && from_scratch(stages, own) {
                    continue;
                }
                let lower = from.to_ascii_lowercase();
                let source_stage = stages[..own]
                    .iter()
                    .rposition(|s| s.name.as_deref() == Some(lower.as_str()));
                let image = match source_stage {
                    Some(index) if from_scratch(stages, index) => continue,
                    Some(index) => stages[index].base.clone().unwrap_or_default(),
                    None => lower.clone(),
                };
                let path = image_ref(&image)
                    .path
                    .trim_start_matches("library/")
                    .to_string();
                if OVERLAY_IMAGES.contains(&path.as_str()) {
                    continue;
                }
                cx.report(
                    instruction.span,
                    "this copies the other stage's entire filesystem over this one (its /etc, \
                     package database and all); copy the directories you need",
                );
            }
        }
    }
}
