//! DL3022 copy-from-unknown-stage: `COPY --from` naming no earlier stage.

use super::{Stage, names_image};
use crate::rules::{Context, Rule};
use crate::syntax::{Instruction, Keyword};

pub struct CopyFromUnknownStage;

/// What a `COPY --from` value refers to, seen from the stage it is in.
pub(super) enum Source {
    Earlier,
    Itself,
    /// Nothing defined before this point (a later stage, or no stage at all).
    Unknown,
    /// An image or a variable: not a stage reference to judge.
    Other,
}

pub(super) fn copy_from<'a>(
    stages: &[Stage<'a>],
    own: usize,
) -> Vec<(&'a Instruction, String, Source)> {
    let stage = &stages[own];
    let mut found = Vec::new();
    for instruction in &stage.body {
        if instruction.keyword != Keyword::Copy {
            continue;
        }
        let Some(value) = instruction.flag("from").and_then(|f| f.value.as_deref()) else {
            continue;
        };
        let lower = value.to_ascii_lowercase();
        let source = if value.contains('$') || names_image(value) {
            Source::Other
        } else if let Ok(number) = value.parse::<usize>() {
            match stage.number {
                Some(own_number) if number < own_number => Source::Earlier,
                Some(own_number) if number == own_number => Source::Itself,
                _ => Source::Unknown,
            }
        } else if stage.name.as_deref() == Some(lower.as_str()) {
            Source::Itself
        } else if stages[..own]
            .iter()
            .any(|s| s.name.as_deref() == Some(lower.as_str()))
        {
            Source::Earlier
        } else {
            Source::Unknown
        };
        found.push((*instruction, value.to_string(), source));
    }
    found
}

impl Rule for CopyFromUnknownStage {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        for own in 0..stages.len() {
            for (instruction, value, source) in copy_from(stages, own) {
                if !matches!(source, Source::Unknown) {
                    continue;
                }
                let later = stages[own + 1..]
                    .iter()
                    .any(|s| s.name.as_deref() == Some(value.to_ascii_lowercase().as_str()));
                let why = if later {
                    "a stage defined later in the file (stages can only copy from earlier ones)"
                } else {
                    "no stage defined before it, so Docker pulls an image of that name"
                };
                let span = instruction
                    .flag("from")
                    .map_or(instruction.span, |f| f.span);
                cx.report(span, format!("`--from={value}` names {why}"));
            }
        }
    }
}
