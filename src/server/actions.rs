//! Code actions: each finding's own fix (safe ones as preferred quick fixes, unsafe ones labelled
//! so), every safe fix of the file at once (`source.fixAll.layerlint`, exactly what
//! `check --fix` writes), and "ignore this rule here", which adds the pragma layerlint reads.

use super::diagnostics::{DocsLink, to_lsp};
use super::positions::Positions;
use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::{LintOptions, Span};
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, TextEdit, Url, WorkspaceEdit};
use std::collections::HashMap;

/// The kind of the fix-all action, under the protocol's `source.fixAll` so that editors that run
/// "fix all on save" find it.
pub const FIX_ALL_KIND: &str = "source.fixAll.layerlint";

/// What the client asked for: which document, which part of it, which kinds of action.
pub struct Request<'a> {
    pub uri: &'a Url,
    pub text: &'a str,
    pub positions: &'a Positions<'a>,
    pub range: Span,
    /// `context.only`: `None` means every kind.
    pub only: Option<&'a [CodeActionKind]>,
}

impl Request<'_> {
    /// Whether `kind` was asked for: the protocol's kinds are a hierarchy, so asking for
    /// `source.fixAll` includes `source.fixAll.layerlint`.
    fn wants(&self, kind: &str) -> bool {
        self.only.is_none_or(|only| {
            only.iter().any(|asked| {
                let asked = asked.as_str();
                kind == asked
                    || kind
                        .strip_prefix(asked)
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    }

    fn edit(&self, edits: Vec<TextEdit>) -> WorkspaceEdit {
        WorkspaceEdit {
            changes: Some(HashMap::from([(self.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }

    fn text_edits(&self, edits: &[Edit]) -> Vec<TextEdit> {
        edits
            .iter()
            .map(|edit| TextEdit::new(self.positions.range(edit.span), edit.content.clone()))
            .collect()
    }
}

/// The actions for `request`, given the document's findings under `options`.
pub fn code_actions(
    request: &Request<'_>,
    findings: &[Diagnostic],
    options: &LintOptions,
    docs: &DocsLink,
) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    // A finding is at the cursor when its span touches the range (an empty span at the cursor's
    // place counts).
    let here: Vec<&Diagnostic> = findings
        .iter()
        .filter(|d| d.span.start <= request.range.end && request.range.start <= d.span.end)
        .collect();
    if request.wants(CodeActionKind::QUICKFIX.as_str()) {
        for finding in &here {
            actions.extend(fix_action(request, finding, docs));
        }
        let dockerfile = crate::syntax::parse(request.text);
        let mut offered: Vec<(&str, u32)> = Vec::new();
        for finding in &here {
            let Some(action) = ignore_action(request, &dockerfile, finding, docs) else {
                continue;
            };
            // One "ignore" per rule and instruction, however many findings it has there.
            let key = (finding.code, action_anchor(&action));
            if !offered.contains(&key) {
                offered.push(key);
                actions.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    if request.wants(FIX_ALL_KIND) {
        actions.extend(fix_all_action(request, options));
    }
    actions
}

fn fix_action(
    request: &Request<'_>,
    finding: &Diagnostic,
    docs: &DocsLink,
) -> Option<CodeActionOrCommand> {
    let fix = finding.fix.as_ref()?;
    let safe = match fix.applicability {
        Applicability::Safe => true,
        Applicability::Unsafe => false,
        // Shown in the report, never applied: not an action.
        Applicability::DisplayOnly => return None,
    };
    let label = if safe { "" } else { " (unsafe)" };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("{}: {}{label}", finding.code, fix.title),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(finding, request.uri, request.positions, docs)]),
        edit: Some(request.edit(request.text_edits(&fix.edits))),
        is_preferred: Some(safe),
        ..CodeAction::default()
    }))
}

/// `# layerlint ignore=CODE` on its own line directly above the instruction the finding is on,
/// indented like it and ending as the file's lines do: `suppress` reads comment lines directly
/// above an instruction, and silences what starts inside it. Syntax errors (LL001) and unused
/// pragmas (LL002) get none: a pragma is no way to handle either.
fn ignore_action(
    request: &Request<'_>,
    dockerfile: &crate::syntax::Dockerfile,
    finding: &Diagnostic,
    docs: &DocsLink,
) -> Option<CodeAction> {
    if matches!(finding.code, "LL001" | "LL002") {
        return None;
    }
    let instruction = dockerfile
        .instructions()
        .find(|i| i.lines.start <= finding.span.start && finding.span.start < i.lines.end)?;
    let line_start = instruction.lines.start as usize;
    let indent: String = request.text[line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let pragma = format!(
        "{indent}# layerlint ignore={}{}",
        finding.code,
        dockerfile.newline()
    );
    let insert = request.positions.range(Span::empty(line_start));
    Some(CodeAction {
        title: format!(
            "Ignore {} on this instruction (# layerlint ignore={})",
            finding.code, finding.code
        ),
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![to_lsp(finding, request.uri, request.positions, docs)]),
        edit: Some(request.edit(vec![TextEdit::new(insert, pragma)])),
        is_preferred: Some(false),
        ..CodeAction::default()
    })
}

/// The line an ignore action inserts its pragma at.
fn action_anchor(action: &CodeAction) -> u32 {
    let edits = action.edit.as_ref().and_then(|e| e.changes.as_ref());
    edits
        .and_then(|changes| changes.values().next())
        .and_then(|edits| edits.first())
        .map_or(0, |edit| edit.range.start.line)
}

/// Every safe fix, applied round after round as `check --fix` does, as one edit that replaces
/// what changed; `None` when nothing changes (or fixing was refused: the file has syntax errors,
/// or its fixes would break it).
pub fn fix_all_edit(
    uri: &Url,
    text: &str,
    positions: &Positions<'_>,
    options: &LintOptions,
) -> Option<WorkspaceEdit> {
    let outcome = crate::fix::fix_source(text, options, Applicability::Safe);
    if outcome.text == text {
        return None;
    }
    let edit = smallest_replacement(text, &outcome.text);
    let text_edit = TextEdit::new(positions.range(edit.span), edit.content);
    Some(WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), vec![text_edit])])),
        ..WorkspaceEdit::default()
    })
}

fn fix_all_action(request: &Request<'_>, options: &LintOptions) -> Option<CodeActionOrCommand> {
    let edit = fix_all_edit(request.uri, request.text, request.positions, options)?;
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: "layerlint: apply every safe fix in this file".to_string(),
        kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
        edit: Some(edit),
        ..CodeAction::default()
    }))
}

/// One edit turning `before` into `after`: the part between their common prefix and common
/// suffix (on character boundaries), so that the editor keeps the cursor and marks elsewhere.
fn smallest_replacement(before: &str, after: &str) -> Edit {
    let prefix = before
        .char_indices()
        .zip(after.chars())
        .find(|((_, a), b)| a != b)
        .map_or(before.len().min(after.len()), |((at, _), _)| at);
    let suffix = before[prefix..]
        .chars()
        .rev()
        .zip(after[prefix..].chars().rev())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.len_utf8())
        .sum::<usize>();
    Edit {
        span: Span::new(prefix, before.len() - suffix),
        content: after[prefix..after.len() - suffix].to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_replacement_reproduces_the_new_text() {
        for (before, after) in [
            ("FROM a\nRUN x\n", "FROM a\nRUN y && z\n"),
            ("abc", "abc"),
            ("aéb", "aèb"),
            ("RUN a\nRUN a\n", "RUN a\n"),
            ("", "x"),
        ] {
            let edit = smallest_replacement(before, after);
            let mut text = before.to_string();
            text.replace_range(edit.span.range(), &edit.content);
            assert_eq!(text, after);
        }
        assert_eq!(
            smallest_replacement("FROM a\nRUN x\n", "FROM a\nRUN y\n").span,
            Span::new(11, 12)
        );
    }
}
