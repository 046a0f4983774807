//! Which earlier layer of a stage put a path there: the question LL302 and LL303 both ask.

use crate::model::paths::{is_within, removes};
use crate::model::{PathEffect, Stage, Step};

/// An earlier step's `creates` entry that the later effect reaches.
pub struct Origin<'s, 'a> {
    pub index: usize,
    pub step: &'s Step<'a>,
    pub created: &'s PathEffect,
    /// The later effect reaches only part of a directory the earlier step created (`rm -rf
    /// /src/.git` after `git clone … /src`).
    pub partial: bool,
}

/// The latest step before `before` whose created path the effect `target` reaches: the effect
/// names the path (or a pattern matching it), lies below a created directory, or is a recursive
/// effect on a directory holding it.
///
/// A partial match is only trusted when no step in between could have added the same path by
/// means the model cannot see (unread script parts, package installs).
pub fn find<'s, 'a>(
    stage: &'s Stage<'a>,
    before: usize,
    target: &PathEffect,
) -> Option<Origin<'s, 'a>> {
    for index in (0..before).rev() {
        let step = &stage.steps[index];
        let Some(effects) = &step.effects else {
            continue;
        };
        for created in effects.creates.iter().rev() {
            let whole = removes(&target.path, target.recursive, &created.path);
            let partial = !whole
                && created.recursive
                && is_within(&target.path, &created.path)
                && target.path != created.path;
            if whole || (partial && nothing_unseen_between(stage, index, before)) {
                return Some(Origin {
                    index,
                    step,
                    created,
                    partial,
                });
            }
        }
    }
    None
}

fn nothing_unseen_between(stage: &Stage<'_>, from: usize, to: usize) -> bool {
    stage.steps[from + 1..to].iter().all(|s| match &s.effects {
        Some(e) => e.unread.is_empty() && e.packages.is_empty(),
        None => true,
    })
}
