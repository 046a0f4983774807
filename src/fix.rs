//! Fixing a file: lint, apply every fix that fits, re-parse and re-lint, until nothing applies.
//!
//! One round applies each fix whole or not at all and leaves a fix that overlaps one already taken
//! for the next round, when it is found again against the new text (a merge of lines 2-7 and a
//! merge of lines 3-4 cannot both be spliced in, but after the first the second may no longer be
//! needed). The engine hands back either a file that parses and settled, or the original text.

mod edits;
mod refusal;

pub use edits::{Round, apply, apply_round};
pub use refusal::FixRefusal;

use crate::LintOptions;
use crate::diagnostic::{Applicability, Diagnostic};
use std::collections::BTreeMap;

/// Rounds of fixes applied before the engine decides they will never settle. Real fixes settle in
/// two or three: a merge, then the finding the merged RUN still has.
pub const MAX_ROUNDS: usize = 10;

/// What fixing one file came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixOutcome {
    /// The fixed text; the original text when nothing applied or fixing was refused.
    pub text: String,
    /// How many fixes of each rule were applied (empty when refused).
    pub fixed: BTreeMap<&'static str, usize>,
    /// The findings of `text`: what fixing left for a person to do.
    pub remaining: Vec<Diagnostic>,
    /// Why the original text was handed back, when it was.
    pub refusal: Option<FixRefusal>,
}

impl FixOutcome {
    /// How many fixes were applied, over all rules.
    pub fn fixed_total(&self) -> usize {
        self.fixed.values().sum()
    }

    fn refused(source: &str, findings: Vec<Diagnostic>, refusal: FixRefusal) -> FixOutcome {
        FixOutcome {
            text: source.to_string(),
            fixed: BTreeMap::new(),
            remaining: findings,
            refusal: Some(refusal),
        }
    }
}

/// Fixes `source` with every fix at or above `level` (display-only rewrites never apply), round
/// after round until nothing applies. A file with syntax errors is never fixed, and neither is one
/// whose fixes would break its syntax or never settle: those come back unchanged, with the reason.
pub fn fix_source(source: &str, options: &LintOptions, level: Applicability) -> FixOutcome {
    fix_with(source, level, |text| crate::lint_with(text, options))
}

/// The engine, with linting passed in: the tests feed it findings no real rule makes (a fix that
/// breaks the syntax, fixes that undo each other), and production passes [`crate::lint_with`].
fn fix_with(
    source: &str,
    level: Applicability,
    mut lint: impl FnMut(&str) -> Vec<Diagnostic>,
) -> FixOutcome {
    let original = lint(source);
    if has_syntax_error(&original) {
        return FixOutcome::refused(source, original, FixRefusal::Unparsable);
    }
    let mut text = source.to_string();
    // The findings of the text as it stands: only the latest round's are kept, since a large
    // file has thousands and each set held beside the next lint adds to its peak memory. A
    // refusal, rare, lints the original again for the findings it hands back.
    let mut findings = original;
    let mut fixed = BTreeMap::new();
    let mut rounds = 0;
    loop {
        let Round {
            text: next,
            applied,
        } = apply_round(&text, &findings, level);
        // A fix whose edits rewrite text to itself changes nothing: that is settled, too.
        if applied.is_empty() || next == text {
            return FixOutcome {
                text,
                fixed,
                remaining: findings,
                refusal: None,
            };
        }
        let codes = applied.iter().copied().collect();
        if rounds == MAX_ROUNDS {
            let refusal = FixRefusal::Unsettled {
                rounds: MAX_ROUNDS,
                codes,
            };
            drop(findings);
            return FixOutcome::refused(source, lint(source), refusal);
        }
        drop(findings);
        let next_findings = lint(&next);
        // The input parsed, so any syntax error now is one this round made.
        if has_syntax_error(&next_findings) {
            drop(next_findings);
            let refusal = FixRefusal::BrokeSyntax { codes };
            return FixOutcome::refused(source, lint(source), refusal);
        }
        for code in applied {
            *fixed.entry(code).or_insert(0) += 1;
        }
        text = next;
        findings = next_findings;
        rounds += 1;
    }
}

fn has_syntax_error(findings: &[Diagnostic]) -> bool {
    findings.iter().any(|d| d.code == "LL001")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix};
    use crate::span::Span;

    fn fix_safe(source: &str) -> FixOutcome {
        fix_source(source, &LintOptions::default(), Applicability::Safe)
    }

    /// A finding of the made-up rule `code` whose fix replaces the first `from` in `text` by `to`,
    /// or none when `text` has no `from`.
    fn replacing(
        text: &str,
        code: &'static str,
        (from, to): (&str, &str),
        applicability: Applicability,
    ) -> Option<Diagnostic> {
        let start = text.find(from)?;
        let span = Span::new(start, start + from.len());
        let mut finding = Diagnostic::syntax_error(span, "made up for the test");
        finding.code = code;
        finding.fix = Some(Fix {
            title: format!("{from} → {to}"),
            applicability,
            edits: vec![Edit {
                span,
                content: to.to_string(),
            }],
        });
        Some(finding)
    }

    #[test]
    fn rounds_repeat_until_the_merged_run_is_fixed_too() {
        // Round 1 moves `apt-get update` into the install RUN (DL3009's insertion overlaps that
        // move and waits); round 2 finds the merged RUN still leaves the lists and cleans them.
        let source = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let outcome = fix_safe(source);
        assert_eq!(outcome.refusal, None);
        assert_eq!(
            outcome.text,
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n"
        );
        assert_eq!(outcome.fixed, BTreeMap::from([("DL3009", 1), ("LL301", 1)]));
        assert_eq!(outcome.remaining, crate::lint(&outcome.text));
        assert_eq!(fix_safe(&outcome.text).text, outcome.text, "a fixed point");
    }

    #[test]
    fn a_file_with_nothing_to_fix_comes_back_as_it_was() {
        let source = "FROM alpine:3.20\nRUN echo hi\n";
        let outcome = fix_safe(source);
        assert_eq!((outcome.text.as_str(), outcome.refusal), (source, None));
        assert!(outcome.fixed.is_empty());
    }

    #[test]
    fn a_round_that_breaks_the_syntax_is_refused_and_named() {
        let source = "FROM debian:12\nRUN apt-get update\nRUN apt-get install -y curl\n";
        // The real findings, plus on the original text a fix that misspells FROM (away from the
        // real fixes, so that it is applied in the same round as they are).
        let outcome = fix_with(source, Applicability::Safe, |text| {
            let mut findings = crate::lint(text);
            if text == source {
                findings.extend(replacing(
                    text,
                    "LL999",
                    ("FROM", "FRUM"),
                    Applicability::Safe,
                ));
            }
            findings
        });
        assert_eq!(outcome.text, source);
        assert!(outcome.fixed.is_empty());
        assert_eq!(outcome.remaining.len(), crate::lint(source).len() + 1);
        let Some(refusal) = outcome.refusal else {
            panic!("a broken round must be refused");
        };
        assert!(
            matches!(refusal, FixRefusal::BrokeSyntax { .. }),
            "{refusal:?}"
        );
        assert!(refusal.codes().contains(&"LL999"), "{refusal:?}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_never_fixed() {
        let source = "FROM debian:12\nRUNN oops\nRUN apt-get update\nRUN apt-get install -y curl\n";
        let outcome = fix_safe(source);
        assert_eq!(outcome.text, source);
        assert_eq!(outcome.refusal, Some(FixRefusal::Unparsable));
        assert!(outcome.fixed.is_empty());
        assert!(outcome.remaining.iter().any(|d| d.code == "LL001"));
        // The other findings are still reported, fixable as they are.
        assert!(outcome.remaining.iter().any(|d| d.code == "LL301"));
    }

    #[test]
    fn fixes_that_undo_each_other_stop_after_the_last_round() {
        let source = "FROM a\nRUN ping\n";
        let mut calls = 0;
        let outcome = fix_with(source, Applicability::Safe, |text| {
            calls += 1;
            let ping = replacing(text, "LL998", ("ping", "pong"), Applicability::Safe);
            let pong = replacing(text, "LL999", ("pong", "ping"), Applicability::Safe);
            ping.into_iter().chain(pong).collect()
        });
        assert_eq!(outcome.text, source);
        assert!(outcome.fixed.is_empty());
        assert!(
            matches!(
                &outcome.refusal,
                Some(FixRefusal::Unsettled {
                    rounds: MAX_ROUNDS,
                    ..
                })
            ),
            "{:?}",
            outcome.refusal
        );
        // The original findings, then one lint after each of the ten rounds, and the original's
        // again for the refusal.
        assert_eq!(calls, MAX_ROUNDS + 2);
    }

    #[test]
    fn a_fix_that_rewrites_text_to_itself_counts_as_settled() {
        let source = "FROM a\nRUN ping\n";
        let outcome = fix_with(source, Applicability::Safe, |text| {
            replacing(text, "LL999", ("ping", "ping"), Applicability::Safe)
                .into_iter()
                .collect()
        });
        assert_eq!((outcome.text.as_str(), outcome.refusal), (source, None));
        assert!(outcome.fixed.is_empty());
    }

    #[test]
    fn the_level_decides_between_safe_and_unsafe_and_display_only_never_applies() {
        let source = "FROM a\nRUN one two three\n";
        let findings = |text: &str| {
            [
                replacing(text, "LL901", ("one", "1"), Applicability::Safe),
                replacing(text, "LL902", ("two", "2"), Applicability::Unsafe),
                replacing(text, "LL903", ("three", "3"), Applicability::DisplayOnly),
            ]
            .into_iter()
            .flatten()
            .collect()
        };
        let at = |level| fix_with(source, level, findings).text;
        assert_eq!(at(Applicability::Safe), "FROM a\nRUN 1 two three\n");
        assert_eq!(at(Applicability::Unsafe), "FROM a\nRUN 1 2 three\n");
        assert_eq!(at(Applicability::DisplayOnly), "FROM a\nRUN 1 2 three\n");
    }

    #[test]
    fn copy_chown_is_an_unsafe_fix() {
        let source =
            "FROM node:20-alpine\nCOPY app.conf /etc/app.conf\nRUN chown node:node /etc/app.conf\n";
        assert_eq!(fix_safe(source).text, source);
        let unsafe_fixed = fix_source(source, &LintOptions::default(), Applicability::Unsafe);
        assert_eq!(
            unsafe_fixed.text,
            "FROM node:20-alpine\nCOPY --chown=node:node app.conf /etc/app.conf\n"
        );
        assert_eq!(unsafe_fixed.fixed, BTreeMap::from([("LL303", 1)]));
        // `chown -R` of a directory WORKDIR made is not what `COPY --chown` does: no rewrite.
        let source = "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nRUN chown -R node:node /app\n";
        let unsafe_fixed = fix_source(source, &LintOptions::default(), Applicability::Unsafe);
        assert_eq!(unsafe_fixed.text, source);
    }

    #[test]
    fn a_fix_inside_an_onbuild_trigger_is_never_safe() {
        // The trigger's text is part of the image's configuration: rewriting it changes the image.
        let source = "FROM debian:12\nONBUILD RUN apt remove -y vim\nRUN apt remove -y vim\n";
        assert_eq!(
            fix_safe(source).text,
            "FROM debian:12\nONBUILD RUN apt remove -y vim\nRUN apt-get remove -y vim\n"
        );
        let unsafe_fixed = fix_source(source, &LintOptions::default(), Applicability::Unsafe);
        assert_eq!(
            unsafe_fixed.text,
            "FROM debian:12\nONBUILD RUN apt-get remove -y vim\nRUN apt-get remove -y vim\n"
        );
    }
}
