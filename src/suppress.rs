//! Inline suppression: `# layerlint ignore=LL302,DL3059 -- why` on the comment lines directly
//! above an instruction silences those codes on that instruction; `# layerlint global
//! ignore=LL306` silences them in the whole file; `# layerlint stage ignore=DL3002` directly
//! above an instruction silences them from there to the end of its stage. hadolint's
//! `# hadolint ignore=…`, `# hadolint stage ignore=…` and `# hadolint global ignore=…` work the
//! same, so a hadolint user switches without editing anything. A suppression that silences nothing
//! is reported itself (LL002), so stale ones don't pile up. A pragma silences every finding about
//! its instruction: those reported on it, and those whose span or fix reaches into it (a merge of
//! several `RUN`s reported on an earlier one).

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::{Dockerfile, Item, Keyword};

/// One pragma comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pragma {
    /// The comment line (without its line ending).
    pub span: Span,
    pub global: bool,
    /// `stage ignore=`: the target runs to the end of the stage.
    pub stage: bool,
    /// Codes or rule names as written.
    pub codes: Vec<String>,
    /// For an instruction pragma: the instruction's lines; for a stage pragma, from there up to
    /// the next `FROM` (or the end of the file).
    pub target: Option<Span>,
}

/// Reads every pragma of the file.
pub fn pragmas(dockerfile: &Dockerfile) -> Vec<Pragma> {
    let mut found = Vec::new();
    let mut pending: Vec<Pragma> = Vec::new();
    for item in &dockerfile.items {
        match item {
            Item::Comment(span) => {
                let text = dockerfile.text(*span).trim_end_matches(['\r', '\n']);
                if let Some(pragma) = parse(
                    text,
                    Span::new(span.start as usize, span.start as usize + text.len()),
                ) {
                    if pragma.global {
                        found.push(pragma);
                    } else {
                        pending.push(pragma);
                    }
                }
            }
            Item::Instruction(instruction) => {
                for mut pragma in pending.drain(..) {
                    pragma.target = Some(instruction.lines);
                    found.push(pragma);
                }
            }
            // A blank line or directive breaks the "directly above" link.
            _ => found.extend(pending.drain(..).map(|p| Pragma { target: None, ..p })),
        }
    }
    found.extend(pending);
    for pragma in found.iter_mut().filter(|p| p.stage) {
        if let Some(target) = &mut pragma.target {
            let next_from = dockerfile
                .instructions()
                .find(|i| i.keyword == Keyword::From && i.lines.start > target.start);
            target.end = next_from.map_or(dockerfile.source.len() as u32, |i| i.lines.start);
        }
    }
    found
}

/// Parses `# layerlint ignore=A,B -- why`, `# hadolint global ignore=A`.
fn parse(comment: &str, span: Span) -> Option<Pragma> {
    let body = comment.trim_start().strip_prefix('#')?.trim_start();
    let rest = body
        .strip_prefix("layerlint")
        .or_else(|| body.strip_prefix("hadolint"))?;
    let rest = rest.trim_start();
    let (global, rest) = match rest.strip_prefix("global") {
        Some(after) => (true, after.trim_start()),
        None => (false, rest),
    };
    let (stage, rest) = match rest.strip_prefix("stage").filter(|_| !global) {
        Some(after) => (true, after.trim_start()),
        None => (false, rest),
    };
    let list = rest
        .strip_prefix("ignore")?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let list = list.split(" --").next().unwrap_or(list);
    let codes: Vec<String> = list
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(String::from)
        .collect();
    (!codes.is_empty()).then_some(Pragma {
        span,
        global,
        stage,
        codes,
        target: None,
    })
}

/// Whether a pragma code names a finding's rule (code or name, any case), or a rule it shares
/// its check with (`DuplicateStageName` silences DL3024).
fn names(code: &str, diagnostic: &Diagnostic) -> bool {
    code.eq_ignore_ascii_case(diagnostic.code)
        || code.eq_ignore_ascii_case(diagnostic.name)
        || crate::rules::find(diagnostic.code).is_some_and(|doc| doc.is_named_or_twin(code))
}

/// Whether a finding is about the instruction (or stage) `target`: it starts inside it (a
/// finding at the first byte of the next instruction does not), or it or its fix reaches into
/// it. A merge of the `RUN`s on lines 2-5 is reported on line 3 and rewrites line 5: a pragma
/// above line 5 silences it, and its fix with it, so the pragma'd `RUN` is never merged away.
fn concerns(finding: &Diagnostic, target: Span) -> bool {
    let overlaps = |span: Span| span.start < target.end && target.start < span.end;
    let starts_inside = target.start <= finding.span.start && finding.span.start < target.end;
    starts_inside
        || overlaps(finding.span)
        || finding
            .fix
            .iter()
            .flat_map(|fix| &fix.edits)
            .any(|edit| overlaps(edit.span))
}

/// Drops suppressed findings (and so their fixes: `--fix` only applies what is reported); returns what is left and, for each pragma code that silenced
/// nothing, an unused-suppression note (span of the pragma, the code).
pub fn apply(
    findings: Vec<Diagnostic>,
    pragmas: &[Pragma],
) -> (Vec<Diagnostic>, Vec<(Span, String)>) {
    // Most files have no pragma: keep the findings as they are rather than copy them one by one.
    if pragmas.is_empty() {
        return (findings, Vec::new());
    }
    let mut used = vec![Vec::new(); pragmas.len()];
    let mut kept = Vec::with_capacity(findings.len());
    'finding: for finding in findings {
        // Syntax errors are never silenced: a file Docker can't read is not a style question.
        if finding.code != "LL001" {
            for (index, pragma) in pragmas.iter().enumerate() {
                let applies = pragma.global || pragma.target.is_some_and(|t| concerns(&finding, t));
                if let Some(code) = pragma
                    .codes
                    .iter()
                    .find(|c| names(c, &finding))
                    .filter(|_| applies)
                {
                    used[index].push(code.clone());
                    continue 'finding;
                }
            }
        }
        kept.push(finding);
    }
    let unused = pragmas
        .iter()
        .zip(&used)
        .flat_map(|(pragma, used)| {
            pragma
                .codes
                .iter()
                .filter(|c| !used.contains(c))
                .map(|c| (pragma.span, c.clone()))
                .collect::<Vec<_>>()
        })
        .collect();
    (kept, unused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse as parse_dockerfile;

    #[test]
    fn pragma_forms() {
        let p = |text: &str| parse(text, Span::empty(0));
        assert_eq!(
            p("# layerlint ignore=LL302,DL3059 -- keep the layer")
                .unwrap()
                .codes,
            ["LL302", "DL3059"]
        );
        assert_eq!(
            p("# hadolint ignore=DL3008 DL3009").unwrap().codes,
            ["DL3008", "DL3009"]
        );
        assert!(p("# hadolint global ignore=DL3006").unwrap().global);
        assert!(p("# hadolint stage ignore=DL3006").unwrap().stage);
        assert!(p("#layerlint ignore = deleted-in-later-layer").is_some());
        assert!(p("# ignore=LL302").is_none());
        assert!(p("# layerlint ignore=").is_none());
    }

    #[test]
    fn instruction_pragmas_need_to_sit_directly_above() {
        let df = parse_dockerfile(
            "FROM a\n# layerlint ignore=LL302\n# another comment\nRUN x\n# layerlint ignore=LL303\n\nRUN y\n",
        );
        let found = pragmas(&df);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].target.map(|t| df.text(t)), Some("RUN x\n"));
        assert_eq!(found[1].target, None);
    }

    #[test]
    fn stage_pragmas_run_to_the_next_from() {
        let df = parse_dockerfile(
            "# hadolint stage ignore=DL3002\nFROM a\nUSER root\nFROM b\nUSER root\n",
        );
        let found = pragmas(&df);
        assert_eq!(
            found[0].target.map(|t| df.text(t)),
            Some("FROM a\nUSER root\n")
        );
    }
}

#[cfg(test)]
mod apply_tests {
    use super::*;

    #[test]
    fn a_pragma_with_no_finding_is_unused() {
        let df = crate::syntax::parse(
            "FROM alpine:3.20\n# layerlint ignore=DL3019\nRUN apk add --no-cache curl\n",
        );
        let found = pragmas(&df);
        assert_eq!(found.len(), 1, "{found:?}");
        let (kept, unused) = apply(Vec::new(), &found);
        assert!(kept.is_empty());
        assert_eq!(unused.len(), 1);
    }
}

#[cfg(test)]
mod reach_tests {
    use crate::diagnostic::Applicability;
    use crate::fix::fix_source;
    use crate::{LintOptions, lint};

    const THIRD_RUN_KEPT: &str =
        "FROM alpine:3.20\nRUN echo one\nRUN echo two\n# hadolint ignore=DL3059\nRUN echo three\n";

    #[test]
    fn a_pragma_silences_a_merge_that_reaches_its_instruction() {
        let codes: Vec<&str> = lint(THIRD_RUN_KEPT).iter().map(|d| d.code).collect();
        // Not reported, and the pragma is not "unused" either.
        assert!(!codes.contains(&"DL3059"), "{codes:?}");
        assert!(!codes.contains(&"LL002"), "{codes:?}");
    }

    #[test]
    fn a_suppressed_finding_is_never_fixed() {
        let outcome = fix_source(
            THIRD_RUN_KEPT,
            &LintOptions::default(),
            Applicability::Unsafe,
        );
        assert_eq!(outcome.text, THIRD_RUN_KEPT);
        assert_eq!(outcome.fixed_total(), 0);
    }

    #[test]
    fn a_trailing_reason_changes_nothing() {
        let source = "FROM alpine:3.20\n# hadolint stage ignore=DL3002 the entrypoint drops privileges\nUSER root\n";
        let bare: Vec<&str> = lint("FROM alpine:3.20\nUSER root\n")
            .iter()
            .map(|d| d.code)
            .collect();
        assert!(bare.contains(&"DL3002"), "{bare:?}");
        let codes: Vec<&str> = lint(source).iter().map(|d| d.code).collect();
        assert!(!codes.contains(&"DL3002"), "{codes:?}");
        assert!(!codes.contains(&"LL002"), "{codes:?}");
        let global =
            "# hadolint global ignore=DL3002 -- root is needed\nFROM alpine:3.20\nUSER root\n";
        let codes: Vec<&str> = lint(global).iter().map(|d| d.code).collect();
        assert!(!codes.contains(&"DL3002"), "{codes:?}");
    }

    #[test]
    fn a_pragma_elsewhere_leaves_the_merge_alone() {
        // The pragma names another rule: the merge is still reported and fixed.
        let source = THIRD_RUN_KEPT.replace("DL3059", "DL3019");
        let codes: Vec<&str> = lint(&source).iter().map(|d| d.code).collect();
        assert!(codes.contains(&"DL3059"), "{codes:?}");
        let outcome = fix_source(&source, &LintOptions::default(), Applicability::Safe);
        assert!(outcome.text.contains("echo one && \\"), "{}", outcome.text);
    }
}
