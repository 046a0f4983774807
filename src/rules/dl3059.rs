//! DL3059 consecutive-run
//!
//! Each `RUN` commits a layer of its own, and a layer is a diff against the one below: a file one
//! `RUN` makes and a later one deletes still ships in the earlier layer. Consecutive `RUN`s that
//! can be merged without changing what they do (see [`super::merge`] for when that is) are
//! reported once per stretch, on the second `RUN`, with the merge as a safe fix.
//!
//! Stricter than hadolint's DL3059 by design: where no merge keeps the behaviour (different
//! flags, a heredoc, a background job, `set -e` the merge would switch off …) nothing is reported,
//! because the advice could not be followed as given.

use super::merge::{Merged, Merger};
use super::{Context, Rule};
use crate::diagnostic::Applicability;
use crate::model::Stage;

pub struct ConsecutiveRun;

impl Rule for ConsecutiveRun {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let merger = Merger::new(cx.model);
        let mut found = Vec::new();
        for (index, stage) in cx.model.stages.iter().enumerate() {
            found.extend(mergeable_stretches(&merger, index, stage));
        }
        for merged in found {
            report(cx, merged);
        }
    }
}

/// The longest stretches of consecutive `RUN`s that merge, left to right: each stretch grows
/// while the next `RUN` can join it, and the next one starts after it.
fn mergeable_stretches(merger: &Merger<'_, '_>, index: usize, stage: &Stage<'_>) -> Vec<Merged> {
    let mut found = Vec::new();
    let mut start = 0;
    while start < stage.steps.len() {
        match merger.longest_from(index, start) {
            Some((last, merged)) => {
                found.push(merged);
                start = last + 1;
            }
            None => start += 1,
        }
    }
    found
}

fn report(cx: &mut Context<'_, '_>, merged: Merged) {
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
        "the RUNs on lines {first_line}-{last_line} commit {count} layers; merged they commit one, so a file a later command deletes no longer stays in an earlier layer{moved}"
    );
    let title = format!("Merge the {count} RUNs on lines {first_line}-{last_line} into one");
    let fix = merged.into_fix(title, Applicability::Safe);
    let diagnostic = cx.report(second.cover(last), message);
    diagnostic.label(first, "merge with this RUN");
    diagnostic.fix = Some(fix);
}

#[cfg(test)]
mod tests {
    use crate::lint;

    fn dl3059(source: &str) -> Vec<(usize, String)> {
        lint(source)
            .into_iter()
            .filter(|d| d.code == "DL3059")
            .map(|d| {
                (
                    source[..d.span.start as usize].matches('\n').count() + 1,
                    d.message,
                )
            })
            .collect()
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
        assert_eq!(found[1].0, 7);
        assert!(found[1].1.contains("lines 5-8 commit 3 layers"));
        assert!(found[1].1.ends_with("(EXPOSE moves after the merged RUN)"));
    }

    #[test]
    fn a_refused_run_splits_the_stretch() {
        // The background job cannot be merged with what follows; what precedes it can.
        let source = "FROM a\nRUN a\nRUN b\nRUN c &\nRUN d\nRUN e\n";
        let lines: Vec<usize> = dl3059(source).into_iter().map(|(l, _)| l).collect();
        assert_eq!(lines, [3, 6]);
    }

    #[test]
    fn stages_are_separate() {
        let source = "FROM a AS one\nRUN a\nFROM b\nRUN b\n";
        assert!(dl3059(source).is_empty());
    }
}
