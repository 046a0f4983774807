//! Which earlier layer of a stage put a path there: the question LL302 and LL303 both ask.
//!
//! The answer must be certain, or there is no finding: the path must still exist when the later
//! step runs (not removed by its own layer or one in between), the later step must not be
//! acting on something it made itself, and a match on part of a directory only counts when the
//! directory was filled by a command that brings content (a copy, an archive, a clone).

use crate::model::paths::{is_glob, is_within, removes};
use crate::model::{Effects, PathEffect, Stage, Step};

/// An earlier step's `creates` entry that the later effect reaches.
pub struct Origin<'s, 'a> {
    pub index: usize,
    pub step: &'s Step<'a>,
    pub created: &'s PathEffect,
    /// The later effect reaches only part of a directory the earlier step created (`rm -rf
    /// /src/.git` after `git clone … /src`).
    pub partial: bool,
}

/// Commands whose created directory holds files the model can't list, so a later effect on a
/// path inside it is an effect on what they brought.
const FILLS_DIRECTORIES: &[&str] = &["COPY", "ADD", "tar", "unzip", "git", "cp", "mv", "rsync"];

/// The latest step before `before` whose created path the effect `target` reaches, if the path
/// is certainly still there and certainly not the later step's own.
pub fn find<'s, 'a>(
    stage: &'s Stage<'a>,
    creations: &Creations<'s>,
    before: usize,
    target: &PathEffect,
) -> Option<Origin<'s, 'a>> {
    let own = stage.steps[before].effects.as_ref();
    if own.is_some_and(|e| reaches_own_creation(e, target)) {
        return None;
    }
    // Latest first, as the layers are searched: by step, then by order within the step.
    let candidates = creations
        .candidates(target, before)
        .unwrap_or_else(|| creations.all_before(before));
    for (index, at) in candidates {
        let step = &stage.steps[index];
        let Some(effects) = &step.effects else {
            continue;
        };
        let created = &effects.creates[at];
        {
            // An empty directory from `mkdir` or an empty file from `touch` costs nothing worth
            // reporting.
            if created.via == "mkdir" || created.via == "touch" {
                continue;
            }
            let whole = removes(&target.path, target.recursive, &created.path);
            let partial = !whole
                && created.recursive
                && created.path != "/"
                && FILLS_DIRECTORIES.contains(&created.via.as_str())
                && is_within(&target.path, &created.path);
            if !(whole || partial) {
                continue;
            }
            let survives =
                !removed_in(effects, created) && !removed_between(stage, index, before, created);
            if survives && (whole || nothing_unseen_between(stage, index, before)) {
                return Some(Origin {
                    index,
                    step,
                    created,
                    partial,
                });
            }
            // The path this effect names was made here but is already gone, or unclear: stop
            // looking further back, an older layer's copy was replaced by this one.
            return None;
        }
    }
    None
}

/// Every path the stage's steps create (except empty `mkdir`/`touch` ones), sorted, so the
/// creators a plain path can have (itself, its ancestors, its descendants) are found by
/// binary search instead of a walk over every earlier step.
pub struct Creations<'s> {
    sorted: Vec<(&'s str, usize, usize)>,
}

impl<'s> Creations<'s> {
    pub fn new(stage: &'s Stage<'_>) -> Creations<'s> {
        let mut sorted = Vec::new();
        for (index, step) in stage.steps.iter().enumerate() {
            let Some(effects) = &step.effects else {
                continue;
            };
            for (at, created) in effects.creates.iter().enumerate() {
                if created.via != "mkdir" && created.via != "touch" {
                    sorted.push((created.path.as_str(), index, at));
                }
            }
        }
        sorted.sort_unstable();
        Creations { sorted }
    }

    /// Creations before `before` that may match a plain target, latest first; `None` for a glob
    /// target or the root, which need the full walk.
    fn candidates(&self, target: &PathEffect, before: usize) -> Option<Vec<(usize, usize)>> {
        let path = target.path.as_str();
        if is_glob(path) || path == "/" {
            return None;
        }
        let mut found = Vec::new();
        let mut take = |exact: &str| {
            let start = self.sorted.partition_point(|(p, _, _)| *p < exact);
            found.extend(
                self.sorted[start..]
                    .iter()
                    .take_while(|(p, _, _)| *p == exact)
                    .map(|&(_, i, k)| (i, k)),
            );
        };
        take(path);
        let mut ancestor = path;
        while let Some(cut) = ancestor.rfind('/').filter(|&cut| cut > 0) {
            ancestor = &ancestor[..cut];
            take(ancestor);
        }
        if target.recursive {
            let prefix = format!("{path}/");
            let start = self
                .sorted
                .partition_point(|(p, _, _)| *p < prefix.as_str());
            found.extend(
                self.sorted[start..]
                    .iter()
                    .take_while(|(p, _, _)| p.starts_with(&prefix))
                    .map(|&(_, i, k)| (i, k)),
            );
        }
        found.retain(|&(i, _)| i < before);
        found.sort_unstable_by(|a, b| b.cmp(a));
        Some(found)
    }

    /// Every creation before `before`, latest first.
    fn all_before(&self, before: usize) -> Vec<(usize, usize)> {
        let mut all: Vec<(usize, usize)> = self
            .sorted
            .iter()
            .filter(|&&(_, i, _)| i < before)
            .map(|&(_, i, k)| (i, k))
            .collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        all
    }
}

/// The later step creates something the effect reaches: it may be acting on its own file.
fn reaches_own_creation(effects: &Effects, target: &PathEffect) -> bool {
    effects.creates.iter().any(|c| {
        removes(&target.path, target.recursive, &c.path)
            || is_within(&c.path, &target.path)
            || is_within(&target.path, &c.path)
    })
}

/// The creating layer removed the path itself before it was committed.
fn removed_in(effects: &Effects, created: &PathEffect) -> bool {
    effects
        .deletes
        .iter()
        .any(|d| removes(&d.path, d.recursive, &created.path))
}

/// A layer between the creator and the later step already removed the path.
fn removed_between(stage: &Stage<'_>, from: usize, to: usize, created: &PathEffect) -> bool {
    stage.steps[from + 1..to]
        .iter()
        .filter_map(|s| s.effects.as_ref())
        .any(|e| removed_in(e, created))
}

fn nothing_unseen_between(stage: &Stage<'_>, from: usize, to: usize) -> bool {
    stage.steps[from + 1..to].iter().all(|s| match &s.effects {
        Some(e) => e.unread.is_empty() && e.packages.is_empty(),
        None => true,
    })
}

/// Reports a finding about a path an earlier layer created: the message (with why the RUNs could
/// not be merged, when that is why there is no rewrite), a label where the path was created, and
/// the rewrite.
pub fn report(
    cx: &mut super::Context<'_, '_>,
    span: crate::span::Span,
    message: String,
    created: &PathEffect,
    fix: Option<crate::diagnostic::Fix>,
    refusal: Option<String>,
) {
    let message = match refusal {
        Some(why) => format!("{message} (the RUNs can't be merged as they are: {why})"),
        None => message,
    };
    let diagnostic = cx.report(span, message);
    diagnostic.label(created.span, format!("{} created here", created.path));
    diagnostic.fix = fix;
}

/// The rewrite for an effect on what an earlier `RUN` created: that `RUN` and every `RUN` up to
/// the later one merged into one (safe when the merge helper accepts it). The second value is
/// why it can't be merged, for the message, when the helper refuses.
pub fn merge_fix(
    cx: &super::Context<'_, '_>,
    stage: &Stage<'_>,
    creator: usize,
    later: usize,
) -> (Option<crate::diagnostic::Fix>, Option<String>) {
    if stage.steps[creator].instruction.keyword != crate::syntax::Keyword::Run {
        return (None, None);
    }
    match cx.merger().merge(stage.index, creator, later) {
        Ok(merged) => {
            let (from, to) = (
                cx.line_of(stage.steps[creator].instruction.span),
                cx.line_of(stage.steps[later].instruction.span),
            );
            (
                Some(merged.into_fix(
                    format!("Merge the RUNs on lines {from}-{to} into one"),
                    crate::diagnostic::Applicability::Safe,
                )),
                None,
            )
        }
        Err(refusal) => (None, Some(refusal.to_string())),
    }
}
