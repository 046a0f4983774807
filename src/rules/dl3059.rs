//! DL3059 consecutive-run
//!
//! Each `RUN` commits a layer of its own, and a layer is a diff against the one below: a file one
//! `RUN` makes and a later one deletes still ships in the earlier layer. Consecutive `RUN`s that
//! can be merged without changing what they do (see [`super::merge`] for when that is) are
//! reported once per stretch, on the second `RUN`, with the merge as a safe fix.
//!
//! Where only `ENV`/`ARG` instructions separate two such stretches (or single `RUN`s), the later
//! one gets a finding of its own: they could share a layer if those instructions moved above the
//! earlier `RUN`s. That fix is unsafe, since the earlier scripts then run with the variables set
//! (see [`Merger::merge_hoisting`] for what the model checks).
//!
//! Stricter than hadolint's DL3059 by design: where no merge keeps the behaviour (different
//! flags, a heredoc, a background job, `set -e` the merge would switch off …) nothing is reported,
//! because the advice could not be followed as given.

use super::merge::{Merged, Merger};
use super::origin::{self, Creations};
use super::{Context, Rule};
use crate::diagnostic::Applicability;
use crate::model::{Cache, PathEffect, Stage};
use crate::syntax::Keyword;

pub struct ConsecutiveRun;

impl Rule for ConsecutiveRun {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let merger = cx.merger();
        let mut found = Vec::new();
        let mut joins = Vec::new();
        for (index, stage) in cx.model.stages.iter().enumerate() {
            // Built once per stage, not once per stretch: a stage of thousands of RUNs has
            // thousands of stretches.
            let creations = stage.ships.then(|| cx.creations(index));
            let stretches = mergeable_stretches(merger, index, stage);
            for (first, last) in segments(stage, &stretches)
                .windows(2)
                .map(|pair| (pair[0], pair[1]))
            {
                if let Ok(merged) = merger.merge_hoisting(index, first.0, last.1) {
                    if !merged.hoisted.is_empty() {
                        joins.push((saving(cx, stage, creations, &merged), merged));
                    }
                }
            }
            found.extend(
                stretches
                    .into_iter()
                    .map(|(_, merged)| (saving(cx, stage, creations, &merged), merged)),
            );
        }
        for (saving, merged) in found {
            report(cx, merged, saving);
        }
        for (saving, merged) in joins {
            report_join(cx, merged, saving);
        }
    }
}

/// The longest stretches of consecutive `RUN`s that merge, left to right: each stretch grows
/// while the next `RUN` can join it, and the next one starts after it. Each comes with the step
/// index of its first `RUN`.
fn mergeable_stretches(
    merger: &Merger<'_, '_>,
    index: usize,
    stage: &Stage<'_>,
) -> Vec<(usize, Merged)> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < stage.steps.len() {
        match merger.longest_from(index, start) {
            Some((last, merged)) => {
                found.push((start, merged));
                start = last + 1;
            }
            None => start += 1,
        }
    }
    found
}

/// The stage's `RUN`s as `(first, last)` step ranges: each mergeable stretch is one, each other
/// `RUN` one of its own. Neighbours separated only by instructions a hoisting merge may move
/// (`ENV`, `ARG`, metadata) are candidates for a join; others are not paired (a merge across
/// them is refused anyway, but trying costs a render).
fn segments(stage: &Stage<'_>, stretches: &[(usize, Merged)]) -> Vec<(usize, usize)> {
    let mut found: Vec<(usize, usize)> = Vec::new();
    let mut index = 0;
    while index < stage.steps.len() {
        if stage.steps[index].instruction.keyword != Keyword::Run {
            index += 1;
            continue;
        }
        // Both lookups are binary searches (stretches and steps are in file order): a scan
        // per RUN would make a stage of thousands of RUNs quadratic.
        let last = stretches
            .binary_search_by_key(&index, |(first, _)| *first)
            .ok()
            .and_then(|at| stretches[at].1.runs.last())
            .and_then(|span| step_at(stage, *span))
            .unwrap_or(index);
        found.push((index, last));
        index = last + 1;
    }
    found
}

/// The index of the step whose instruction spans `span`, by binary search on the steps' starts
/// (steps are in file order).
fn step_at(stage: &Stage<'_>, span: crate::span::Span) -> Option<usize> {
    let i = stage
        .steps
        .partition_point(|s| s.instruction.span.start < span.start);
    (stage.steps.get(i)?.instruction.span == span).then_some(i)
}

/// Like [`step_at`], searching forward from step `from` (every step before it starts earlier
/// than `span`).
fn step_from(stage: &Stage<'_>, from: usize, span: crate::span::Span) -> Option<usize> {
    let later = stage.steps.get(from..)?;
    let i = from
        + later
            .iter()
            .position(|s| s.instruction.span.start >= span.start)
            .unwrap_or(later.len());
    (stage.steps.get(i)?.instruction.span == span).then_some(i)
}

/// What merging a stretch saves, in words: the bytes a later RUN of it removes or rewrites from
/// an earlier one's layer when the stage ships (the same certain origins LL302 and LL303 use, and
/// caches an earlier RUN left that a later one cleans), otherwise only layers.
fn saving(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    creations: Option<&Creations<'_>>,
    merged: &Merged,
) -> String {
    let Some(creations) = creations.filter(|_| stage.ships) else {
        return "; this stage does not ship, so the merge saves build steps, not image size".into();
    };
    // Steps are in file order: the first merged RUN is found by binary search on its start and
    // each later one by a short walk on from the one before (only instructions a merge may move
    // lie between), so the cost follows the stretch, not the stage.
    let mut indices: Vec<usize> = Vec::with_capacity(merged.runs.len());
    for run in &merged.runs {
        let found = match indices.last() {
            None => step_at(stage, *run),
            Some(&before) => step_from(stage, before + 1, *run),
        };
        indices.extend(found);
    }
    let Some(&first) = indices.first() else {
        return String::new();
    };
    // The caches the RUNs so far leave, by cache and home, each with the first RUN that leaves
    // it: a later RUN checks these few entries, not every RUN before it in the stretch.
    let mut left: Vec<(Cache, &str, usize)> = Vec::new();
    for (position, &later) in indices.iter().enumerate().skip(1) {
        let earlier = indices[position - 1];
        let step = &stage.steps[earlier];
        let home = step.home().unwrap_or("/root");
        if let Some(e) = &step.effects {
            for fill in &e.caches {
                let known = left.iter().any(|&(c, h, _)| c == fill.cache && h == home);
                if !known && e.leaves(fill.cache, home).is_some() {
                    left.push((fill.cache, home, earlier));
                }
            }
        }
        let Some(effects) = &stage.steps[later].effects else {
            continue;
        };
        let origin_in_stretch = |target: &PathEffect| {
            origin::find(stage, creations, later, target)
                .filter(|o| o.index >= first)
                .map(|o| o.index)
        };
        let deleted = effects.deletes.iter().find_map(origin_in_stretch);
        let changed = effects.touches.iter().find_map(origin_in_stretch);
        let cache = left
            .iter()
            .filter(|&&(c, h, _)| effects.cleans(c, h))
            .map(|&(_, _, i)| i)
            .min();
        let (what, earlier) = match (deleted.or(cache), changed) {
            (Some(earlier), _) => ("deletes", earlier),
            (None, Some(earlier)) => ("changes", earlier),
            (None, None) => continue,
        };
        return format!(
            "; merged, what the RUN on line {} {what} from the RUN on line {} no longer ships in an earlier layer",
            cx.line_of(stage.steps[later].instruction.span),
            cx.line_of(stage.steps[earlier].instruction.span)
        );
    }
    "; merged, the image has fewer layers to store and pull (no RUN here removes what another made, so its size barely changes)".into()
}

/// A join across `ENV`/`ARG`: reported on the first `RUN` after them, with the unsafe merge.
/// The message names what the merge would save only when it is more than a layer.
fn report_join(cx: &mut Context<'_, '_>, merged: Merged, saving: String) {
    let (Some(&first), Some(&hoisted)) = (merged.runs.first(), merged.hoisted.first()) else {
        return;
    };
    let Some(&after) = merged.runs.iter().find(|r| r.start > hoisted.start) else {
        return;
    };
    let before = merged
        .runs
        .iter()
        .filter(|r| r.start < hoisted.start)
        .count();
    let moved: Vec<String> = merged
        .hoisted
        .iter()
        .map(|span| {
            let keyword = cx.text(*span).split_whitespace().next().unwrap_or("ENV");
            format!(
                "{} on line {}",
                keyword.to_ascii_uppercase(),
                cx.line_of(*span)
            )
        })
        .collect();
    let (first_line, after_line) = (cx.line_of(first), cx.line_of(after));
    let last_line = merged.runs.last().map_or(after_line, |r| cx.line_of(*r));
    let (them, it) = if moved.len() == 1 {
        ("stands", "it")
    } else {
        ("stand", "they")
    };
    let runs_above = if before == 1 {
        format!("the RUN on line {first_line}")
    } else {
        format!("the {before} RUNs from line {first_line}")
    };
    let saving = if saving.contains("no longer ships") {
        saving
    } else {
        String::new()
    };
    let message = format!(
        "the RUN on line {after_line} could share a layer with {runs_above}: only {} {them} between them{saving}; moved above line {first_line}, {it} would also apply to {runs_above}, which may change what it does",
        moved.join(", "),
    );
    let title = format!(
        "Move {} above line {first_line} and merge the {} RUNs on lines {first_line}-{last_line}",
        moved.join(", "),
        merged.runs.len()
    );
    let fix = merged.into_fix(title, Applicability::Unsafe);
    let diagnostic = cx.report(after, message);
    diagnostic.label(first, "could merge with this RUN");
    diagnostic.fix = Some(fix);
}

fn report(cx: &mut Context<'_, '_>, merged: Merged, saving: String) {
    let (Some(&first), Some(&second), Some(&last)) =
        (merged.runs.first(), merged.runs.get(1), merged.runs.last())
    else {
        return;
    };
    let count = merged.runs.len();
    let (first_line, last_line) = (cx.line_of(first), cx.line_of(last));
    let moved = if merged.moved.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = merged.moved.iter().map(|k| k.as_str()).collect();
        let verb = if names.len() == 1 { "moves" } else { "move" };
        format!(" ({} {verb} after the merged RUN)", names.join(", "))
    };
    let message = format!(
        "the RUNs on lines {first_line}-{last_line} commit {count} layers where one would do{saving}{moved}"
    );
    let title = format!("Merge the {count} RUNs on lines {first_line}-{last_line} into one");
    let fix = merged.into_fix(title, Applicability::Safe);
    let diagnostic = cx.report(second.cover(last), message);
    diagnostic.label(first, "merge with this RUN");
    diagnostic.fix = Some(fix);
}

#[cfg(test)]
mod tests {
    fn dl3059(source: &str) -> Vec<(usize, String)> {
        crate::rules::caches::tests::findings("DL3059", source)
    }

    #[test]
    fn one_finding_per_stretch_on_its_second_run() {
        let source = "FROM a\nRUN a\nRUN b\nCOPY x /x\nRUN c\nEXPOSE 80\nRUN d\nRUN e\n";
        let found = dl3059(source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].0, 3);
        assert!(
            found[0]
                .1
                .starts_with("the RUNs on lines 2-3 commit 2 layers")
        );
        assert!(found[0].1.contains("fewer layers"), "{}", found[0].1);
        assert_eq!(found[1].0, 7);
        assert!(found[1].1.contains("lines 5-8 commit 3 layers"));
        assert!(found[1].1.ends_with("(EXPOSE moves after the merged RUN)"));
    }

    #[test]
    fn stretches_separated_only_by_env_get_a_join_with_an_unsafe_fix() {
        let source = "FROM a\nRUN a\nRUN b\nENV V=1\nRUN c\nRUN d\nUSER x\nRUN e\n";
        let found: Vec<_> = crate::lint(source)
            .into_iter()
            .filter(|d| d.code == "DL3059")
            .collect();
        let lines: Vec<usize> = found
            .iter()
            .map(|d| source[..d.span.start as usize].matches('\n').count() + 1)
            .collect();
        // Two safe stretches (2-3, 5-6) and the join of both on the first RUN after the ENV.
        assert_eq!(lines, [3, 5, 6], "{found:#?}");
        let join = &found[1];
        assert!(
            join.message
                .starts_with("the RUN on line 5 could share a layer with the 2 RUNs from line 2: only ENV on line 4 stands between them"),
            "{}",
            join.message
        );
        let fix = join.fix.as_ref().expect("a fix");
        assert_eq!(fix.applicability, crate::diagnostic::Applicability::Unsafe);
        assert_eq!(
            fix.edits[0].content,
            "ENV V=1\nRUN a && \\\n    b && \\\n    c && \\\n    d\n"
        );
        // A RUN that names the variable keeps the ENV where it is: no join.
        let quiet = "FROM a\nRUN echo $V\nENV V=1\nRUN c\n";
        assert!(dl3059(quiet).is_empty());
    }

    #[test]
    fn a_refused_run_splits_the_stretch() {
        // The background job cannot be merged with what follows; what precedes it can.
        let source = "FROM a\nRUN a\nRUN b\nRUN c &\nRUN d\nRUN e\n";
        let lines: Vec<usize> = dl3059(source).into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn the_message_says_what_the_merge_saves() {
        let found = dl3059(
            "FROM alpine\nRUN wget -O /tmp/a.tgz https://x/a.tgz\nRUN tar -xzf /tmp/a.tgz -C /opt && rm /tmp/a.tgz\n",
        );
        assert!(
            found[0]
                .1
                .contains("what the RUN on line 3 deletes from the RUN on line 2 no longer ships"),
            "{}",
            found[0].1
        );
        let found =
            dl3059("FROM alpine\nRUN apk update\nRUN apk add curl && rm -rf /var/cache/apk/*\n");
        assert!(
            found[0].1.contains("deletes from the RUN on line 2"),
            "{}",
            found[0].1
        );
        let found =
            dl3059("FROM alpine AS build\nRUN a\nRUN b\nFROM alpine\nCOPY --from=build /x /x\n");
        assert!(
            found[0].1.contains("this stage does not ship"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn stages_are_separate() {
        let source = "FROM a AS one\nRUN a\nFROM b\nRUN b\n";
        assert!(dl3059(source).is_empty());
    }
}
