//! Applying fixes: byte-range edits, sorted and disjoint, applied whole or not at all.

use crate::diagnostic::{Applicability, Diagnostic, Edit};

/// Applies the fixes of `diagnostics` at or above `level` to `source`, skipping any fix that
/// overlaps one already taken (it waits for the next round). Returns the new text and how many
/// fixes were applied.
pub fn apply(source: &str, diagnostics: &[Diagnostic], level: Applicability) -> (String, usize) {
    let mut taken: Vec<&Edit> = Vec::new();
    let mut applied = 0;
    let mut fixes: Vec<_> = diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .filter(|f| f.applicability >= level)
        .collect();
    fixes.sort_by_key(|f| f.edits.first().map(|e| (e.span.start, e.span.end)));
    for fix in fixes {
        let overlaps = fix
            .edits
            .iter()
            .any(|e| taken.iter().any(|t| overlap(e, t)));
        let in_bounds = fix.edits.iter().all(|e| {
            e.span.end as usize <= source.len()
                && source.is_char_boundary(e.span.start as usize)
                && source.is_char_boundary(e.span.end as usize)
        });
        if overlaps || !in_bounds {
            continue;
        }
        taken.extend(&fix.edits);
        applied += 1;
    }
    taken.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(source.len());
    let mut at = 0;
    for edit in taken {
        out.push_str(&source[at..edit.span.start as usize]);
        out.push_str(&edit.content);
        at = edit.span.end as usize;
    }
    out.push_str(&source[at..]);
    (out, applied)
}

/// Two edits conflict when their ranges intersect, or both insert at the same point.
fn overlap(a: &Edit, b: &Edit) -> bool {
    let (a0, a1, b0, b1) = (a.span.start, a.span.end, b.span.start, b.span.end);
    (a0 < b1 && b0 < a1)
        || (a0 == b0 && (a.span.is_empty() || b.span.is_empty()) && a0 == a1.min(b1).max(a0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Fix;
    use crate::span::Span;

    fn with_fix(edits: Vec<(usize, usize, &str)>, applicability: Applicability) -> Diagnostic {
        let mut d = Diagnostic::syntax_error(Span::empty(0), "x");
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
    fn respects_the_applicability_level() {
        let fixes = [with_fix(vec![(0, 1, "A")], Applicability::Unsafe)];
        assert_eq!(apply("abc", &fixes, Applicability::Safe).1, 0);
        assert_eq!(apply("abc", &fixes, Applicability::Unsafe).0, "Abc");
    }
}
