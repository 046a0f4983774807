//! Which earlier layer of a stage put a path there: the question LL302 and LL303 both ask.
//!
//! The answer must be certain, or there is no finding: the path must still exist when the later
//! step runs (not removed by its own layer or one in between), the later step must not be
//! acting on something it made itself, and a match on part of a directory only counts when the
//! directory was filled by a command that brings content (a copy, an archive, a clone).

use crate::model::paths::{is_glob, is_within, removes};
use crate::model::{Effects, PathEffect, Stage, Step};
use std::collections::HashMap;

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
    let reaches_own = match creations.own_sorted.get(&before) {
        Some(sorted) => reaches_sorted(sorted, target),
        None => own.is_some_and(|e| reaches_own_creation(e, target)),
    };
    if reaches_own {
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
            let survives = !removed_in(effects, created)
                && !creations.removed_between(index, before, &created.path);
            if survives && (whole || creations.nothing_unseen_between(index, before)) {
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
///
/// The deletions and the steps the model could not fully read are indexed too, so that asking
/// whether a path survived from one step to another costs lookups, not a walk over the steps in
/// between (a walk per deletion is quadratic in a long stage).
pub struct Creations<'s> {
    sorted: Vec<(&'s str, usize, usize)>,
    /// Where each created path's entries lie in `sorted`: a path and its ancestors are looked
    /// up by hash, not by a binary search of string comparisons each.
    exact: HashMap<&'s str, (usize, usize)>,
    /// The steps that ran something unread or installed packages, ascending: few, where a
    /// count per step would be a number for every line of a file of a million `ENV`s.
    unseen: Vec<usize>,
    /// How many steps the stage has.
    steps: usize,
    /// The steps deleting each plain path, ascending.
    deletes_exact: HashMap<&'s str, Vec<usize>>,
    /// The steps deleting each plain path recursively, ascending.
    deletes_recursive: HashMap<&'s str, Vec<usize>>,
    /// The glob deletions by their literal part (before the first glob character), ascending by
    /// step.
    deletes_glob: HashMap<&'s str, Vec<(usize, &'s PathEffect)>>,
    /// The created paths (all of them) of each step that creates many, sorted: a step's own
    /// creations are then looked up per deletion, not scanned (a scan per deletion is quadratic
    /// in one long `RUN`).
    own_sorted: HashMap<usize, Vec<&'s str>>,
}

/// Past this many creations, a step's own are looked up in a sorted list.
const MANY_CREATIONS: usize = 32;

impl<'s> Creations<'s> {
    pub fn new(stage: &'s Stage<'_>) -> Creations<'s> {
        // Sized from a first count, so that a stage of thousands of steps does not grow and
        // rehash the lists and maps over and over.
        let (mut creates, mut deletes) = (0, 0);
        for effects in stage.steps.iter().filter_map(|s| s.effects.as_ref()) {
            creates += effects.creates.len();
            deletes += effects.deletes.len();
        }
        let mut sorted = Vec::with_capacity(creates);
        let mut unseen = Vec::new();
        let mut deletes_exact: HashMap<&str, Vec<usize>> = HashMap::with_capacity(deletes);
        let mut deletes_recursive: HashMap<&str, Vec<usize>> = HashMap::with_capacity(deletes);
        let mut deletes_glob: HashMap<&str, Vec<(usize, &PathEffect)>> = HashMap::new();
        let mut own_sorted: HashMap<usize, Vec<&str>> = HashMap::new();
        for (index, step) in stage.steps.iter().enumerate() {
            let Some(effects) = &step.effects else {
                continue;
            };
            if !(effects.unread.is_empty() && effects.packages.is_empty()) {
                unseen.push(index);
            }
            for (at, created) in effects.creates.iter().enumerate() {
                if created.via != "mkdir" && created.via != "touch" {
                    sorted.push((created.path.as_str(), index, at));
                }
            }
            if effects.creates.len() > MANY_CREATIONS {
                let mut paths: Vec<&str> =
                    effects.creates.iter().map(|c| c.path.as_str()).collect();
                paths.sort_unstable();
                own_sorted.insert(index, paths);
            }
            for deleted in &effects.deletes {
                let path = deleted.path.as_str();
                match path.find(['*', '?', '[']) {
                    Some(first_glob) => deletes_glob
                        .entry(&path[..first_glob])
                        .or_default()
                        .push((index, deleted)),
                    None => {
                        deletes_exact.entry(path).or_default().push(index);
                        if deleted.recursive {
                            deletes_recursive.entry(path).or_default().push(index);
                        }
                    }
                }
            }
        }
        sorted.sort_unstable();
        let mut exact: HashMap<&str, (usize, usize)> = HashMap::with_capacity(sorted.len());
        for (at, &(path, _, _)) in sorted.iter().enumerate() {
            exact
                .entry(path)
                .and_modify(|range| range.1 = at + 1)
                .or_insert((at, at + 1));
        }
        for list in deletes_exact
            .values_mut()
            .chain(deletes_recursive.values_mut())
        {
            list.dedup();
        }
        Creations {
            sorted,
            exact,
            unseen,
            steps: stage.steps.len(),
            deletes_exact,
            deletes_recursive,
            deletes_glob,
            own_sorted,
        }
    }

    /// A step strictly between `from` and `to` deleted `path` (as [`paths::removes`] decides).
    fn removed_between(&self, from: usize, to: usize, path: &str) -> bool {
        let between = |steps: &[usize]| {
            let first = steps.partition_point(|&i| i <= from);
            steps.get(first).is_some_and(|&i| i < to)
        };
        if self.deletes_exact.get(path).is_some_and(|s| between(s)) {
            return true;
        }
        // A recursive plain deletion reaches `path` from `/` or any directory above it.
        let above = std::iter::once("/").chain(path.match_indices('/').map(|(i, _)| &path[..i]));
        if above
            .filter_map(|dir| self.deletes_recursive.get(dir))
            .any(|s| between(s))
        {
            return true;
        }
        // A glob reaches only paths that start with its literal part.
        (0..=path.len())
            .filter(|&end| path.is_char_boundary(end))
            .filter_map(|end| self.deletes_glob.get(&path[..end]))
            .any(|globs| {
                let first = globs.partition_point(|&(i, _)| i <= from);
                globs[first..]
                    .iter()
                    .take_while(|&&(i, _)| i < to)
                    .any(|(_, d)| removes(&d.path, d.recursive, path))
            })
    }

    /// No step strictly between `from` and `to` ran something unread or installed packages.
    fn nothing_unseen_between(&self, from: usize, to: usize) -> bool {
        if from + 1 > self.steps || to > self.steps {
            return true;
        }
        let first = self.unseen.partition_point(|&i| i <= from);
        self.unseen.get(first).is_none_or(|&i| i >= to)
    }

    /// Creations before `before` that may match the target, latest first; `None` for the root,
    /// which needs the full walk.
    fn candidates(&self, target: &PathEffect, before: usize) -> Option<Vec<(usize, usize)>> {
        let path = target.path.as_str();
        if path == "/" {
            return None;
        }
        let mut found = Vec::new();
        let mut take = |exact: &str| {
            if let Some(&(start, end)) = self.exact.get(exact) {
                found.extend(self.sorted[start..end].iter().map(|&(_, i, k)| (i, k)));
            }
        };
        take(path);
        let mut ancestor = path;
        while let Some(cut) = ancestor.rfind('/').filter(|&cut| cut > 0) {
            ancestor = &ancestor[..cut];
            take(ancestor);
        }
        if let Some(first_glob) = path.find(['*', '?', '[']) {
            // A glob removes only paths that start with its literal part (see
            // `paths::removes`), and reaches part of a directory only when the directory is one
            // of the glob's own ancestors, taken below.
            let literal = &path[..first_glob];
            let start = self.sorted.partition_point(|(p, _, _)| *p < literal);
            found.extend(
                self.sorted[start..]
                    .iter()
                    .take_while(|(p, _, _)| p.starts_with(literal) && *p != path)
                    .map(|&(_, i, k)| (i, k)),
            );
        }
        if target.recursive && !is_glob(path) {
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
        found.dedup();
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

/// [`reaches_own_creation`] over a step's created paths, sorted: the paths that can match are the
/// target itself, what lies below it, its ancestors and `/`, or, for a glob, what starts with its
/// literal part; only those are checked.
fn reaches_sorted(sorted: &[&str], target: &PathEffect) -> bool {
    let path = target.path.as_str();
    let check =
        |c: &str| removes(path, target.recursive, c) || is_within(c, path) || is_within(path, c);
    if path == "/" {
        return sorted.iter().any(|c| check(c));
    }
    let literal = match path.find(['*', '?', '[']) {
        Some(first_glob) => &path[..first_glob],
        None => path,
    };
    // What starts with the literal part: the path itself, what lies below it, the glob's matches.
    let start = sorted.partition_point(|c| *c < literal);
    if sorted[start..]
        .iter()
        .take_while(|c| c.starts_with(literal))
        .any(|c| check(c))
    {
        return true;
    }
    // Its ancestors (cut before each `/`) and `/`.
    std::iter::once("/")
        .chain(path.match_indices('/').map(|(i, _)| &path[..i]))
        .any(|dir| sorted.binary_search(&dir).is_ok() && check(dir))
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn effect(path: &str, recursive: bool) -> PathEffect {
        PathEffect {
            path: path.to_string(),
            recursive,
            via: "cp".into(),
            span: Span::empty(0),
        }
    }

    #[test]
    fn the_sorted_lookup_of_own_creations_agrees_with_the_scan() {
        let created = [
            "/",
            "/a",
            "/a/b",
            "/a/b/c.txt",
            "/a/bc",
            "/a/b.d",
            "/tmp/x1",
            "/tmp/x2",
            "/tmp/y",
            "/opt/app",
            "/opt/app/lib",
            "/.hidden",
            "/a/b/.git",
        ];
        let targets = [
            "/",
            "/a",
            "/a/b",
            "/a/b/c.txt",
            "/a/b/c.txt/d",
            "/a/b*",
            "/tmp/x*",
            "/tmp/*",
            "/opt",
            "/opt/app/lib/z",
            "/nothing",
            "/a/?",
            "/a/b/[c]*",
            "/*",
        ];
        for skip in 0..created.len() {
            let mut effects = Effects::default();
            for path in created.iter().skip(skip) {
                effects.creates.push(effect(path, true));
            }
            let mut sorted: Vec<&str> = effects.creates.iter().map(|c| c.path.as_str()).collect();
            sorted.sort_unstable();
            for target in targets {
                for recursive in [false, true] {
                    let target = effect(target, recursive);
                    assert_eq!(
                        reaches_sorted(&sorted, &target),
                        reaches_own_creation(&effects, &target),
                        "{} (recursive: {recursive}) against {sorted:?}",
                        target.path
                    );
                }
            }
        }
    }
}
