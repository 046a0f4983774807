//! One round of fixing: byte-range edits, sorted and disjoint, each fix applied whole or not at all.

use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use std::collections::BTreeMap;

/// What one round did: the new text, and the rule code of each fix it applied (one entry per fix,
/// in the order they were taken).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Round {
    pub text: String,
    pub applied: Vec<&'static str>,
}

/// Applies the fixes of `diagnostics` at or above `level` to `source`, skipping any fix that
/// overlaps one already taken (it waits for the next round). Returns the new text and how many
/// fixes were applied.
pub fn apply(source: &str, diagnostics: &[Diagnostic], level: Applicability) -> (String, usize) {
    let round = apply_round(source, diagnostics, level);
    let applied = round.applied.len();
    (round.text, applied)
}

/// Like [`apply`], but says which rules' fixes were taken, so the engine can count them per rule
/// and name them when a round goes wrong.
pub fn apply_round(source: &str, diagnostics: &[Diagnostic], level: Applicability) -> Round {
    let mut candidates: Vec<(&'static str, &Fix)> = diagnostics
        .iter()
        .filter_map(|d| Some((d.code, d.fix.as_ref()?)))
        .filter(|(_, fix)| applies_at(fix.applicability, level))
        .collect();
    // Earlier fixes first; the sort is stable, so ties keep the findings' own (sorted) order.
    candidates.sort_by_key(|(_, fix)| fix.edits.first().map(|e| (e.span.start, e.span.end)));
    let mut taken: Vec<&Edit> = Vec::new();
    let mut spans = Taken::default();
    let mut applied = Vec::new();
    for (code, fix) in candidates {
        let clashes = fix.edits.iter().any(|e| spans.clashes(e));
        if clashes || fix.edits.is_empty() || !well_formed(source, fix) {
            continue;
        }
        for edit in &fix.edits {
            spans.insert(edit);
        }
        taken.extend(&fix.edits);
        applied.push(code);
    }
    Round {
        text: splice(source, taken),
        applied,
    }
}

/// The ranges of the edits taken so far, by start. They never [`overlap`] one another, so no two
/// start at the same offset and, in start order, each ends before the next starts: an edit
/// clashes with one of them exactly when one starts inside it (or where it starts), or the last
/// one starting before it reaches past its start. A check is then a lookup, not a scan of every
/// edit taken (which is quadratic in a file with thousands of fixes).
#[derive(Default)]
struct Taken {
    ends: BTreeMap<u32, u32>,
}

impl Taken {
    fn clashes(&self, edit: &Edit) -> bool {
        let (start, end) = (edit.span.start, edit.span.end);
        let starts_inside = self
            .ends
            .range(start..end.max(start.saturating_add(1)))
            .next()
            .is_some();
        let reaches_in = self
            .ends
            .range(..start)
            .next_back()
            .is_some_and(|(_, &other_end)| other_end > start);
        starts_inside || reaches_in
    }

    fn insert(&mut self, edit: &Edit) {
        self.ends.insert(edit.span.start, edit.span.end);
    }
}

/// Display-only rewrites are advice, never applied, whatever level is asked for.
fn applies_at(applicability: Applicability, level: Applicability) -> bool {
    applicability != Applicability::DisplayOnly && applicability >= level
}

/// A fix from a rule with an off-by-one must be skipped, not allowed to cut a character in two or
/// (with edits that overlap each other) to splice the text out of order.
fn well_formed(source: &str, fix: &Fix) -> bool {
    let in_bounds = fix.edits.iter().all(|e| {
        let (start, end) = (e.span.start as usize, e.span.end as usize);
        start <= end
            && end <= source.len()
            && source.is_char_boundary(start)
            && source.is_char_boundary(end)
    });
    let disjoint = fix
        .edits
        .iter()
        .enumerate()
        .all(|(i, a)| fix.edits[i + 1..].iter().all(|b| !overlap(a, b)));
    in_bounds && disjoint
}

/// The text with every taken edit in place. The edits are checked and pairwise disjoint, so sorted
/// by position they splice in one pass.
fn splice(source: &str, mut taken: Vec<&Edit>) -> String {
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&source[at..edit.span.start as usize]);
        out.push_str(&edit.content);
        at = edit.span.end as usize;
    }
    out.push_str(&source[at..]);
    out
}

/// Two edits conflict when their ranges intersect, or when both start at the same point and one of
/// them inserts there (which goes first would be a guess).
fn overlap(a: &Edit, b: &Edit) -> bool {
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    (a0 < b1 && b0 < a1) || (a0 == b0 && (a.span.is_empty() || b.span.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::span::Span;

    fn with_fix(edits: Vec<(usize, usize, &str)>, applicability: Applicability) -> Diagnostic {
        let mut d = Diagnostic::syntax_error(Span::empty(0), "x");
        d.code = "LL999";
        d.fix = Some(Fix {
            title: "t".into(),
            applicability,
            edits: edits
                .into_iter()
                .map(|(s, e, c)| Edit {
                    span: Span::new(s, e),
                    content: c.into(),
                })
                .collect(),
        });
        d
    }

    #[test]
    fn the_taken_index_agrees_with_checking_every_edit() {
        let edit = |start: u32, end: u32| Edit {
            span: Span::new(start as usize, end as usize),
            content: String::new(),
        };
        let all: Vec<Edit> = (0..8)
            .flat_map(|s| (s..8).map(move |e| (s, e)))
            .map(|(s, e)| edit(s, e))
            .collect();
        // Several orders of taking: every edit that clashes with none taken so far is taken.
        for step in [1, 3, 5, 7, 11] {
            let mut taken: Vec<&Edit> = Vec::new();
            let mut index = Taken::default();
            for k in 0..all.len() {
                let e = &all[(k * step) % all.len()];
                let expected = taken.iter().any(|t| overlap(e, t));
                assert_eq!(index.clashes(e), expected, "{:?} against {taken:?}", e.span);
                if !expected {
                    index.insert(e);
                    taken.push(e);
                }
            }
        }
    }

    #[test]
    fn applies_disjoint_fixes_and_skips_overlaps() {
        let source = "abcdef";
        let fixes = [
            with_fix(vec![(0, 1, "A")], Applicability::Safe),
            with_fix(vec![(0, 2, "XY")], Applicability::Safe),
            with_fix(vec![(4, 4, "+"), (5, 6, "")], Applicability::Safe),
        ];
        assert_eq!(
            apply(source, &fixes, Applicability::Safe),
            ("Abcd+e".to_string(), 2)
        );
    }

    #[test]
    fn names_the_rule_of_each_fix_taken() {
        let fixes = [
            with_fix(vec![(0, 1, "A")], Applicability::Safe),
            with_fix(vec![(2, 3, "C")], Applicability::Safe),
        ];
        let round = apply_round("abc", &fixes, Applicability::Safe);
        assert_eq!(round.text, "AbC");
        assert_eq!(round.applied, ["LL999", "LL999"]);
    }

    #[test]
    fn respects_the_applicability_level() {
        let fixes = [with_fix(vec![(0, 1, "A")], Applicability::Unsafe)];
        assert_eq!(apply("abc", &fixes, Applicability::Safe).1, 0);
        assert_eq!(apply("abc", &fixes, Applicability::Unsafe).0, "Abc");
    }

    #[test]
    fn display_only_rewrites_are_never_applied() {
        let fixes = [with_fix(vec![(0, 1, "A")], Applicability::DisplayOnly)];
        assert_eq!(apply("abc", &fixes, Applicability::DisplayOnly).1, 0);
    }

    #[test]
    fn malformed_fixes_are_skipped_whole() {
        let source = "é-abc";
        let fixes = [
            // Cuts the two-byte character in half.
            with_fix(vec![(1, 2, "x")], Applicability::Safe),
            // Past the end of the text.
            with_fix(vec![(4, 9, "x")], Applicability::Safe),
            // Its own edits overlap, so no order of splicing is right.
            with_fix(vec![(3, 5, "x"), (4, 6, "y")], Applicability::Safe),
        ];
        assert_eq!(
            apply(source, &fixes, Applicability::Safe),
            (source.into(), 0)
        );
    }
}
