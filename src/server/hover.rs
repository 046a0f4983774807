//! Hover: on a finding, its rule's summary and rationale; on an instruction that commits a layer,
//! what the layer adds, deletes and changes and what its cache key reads, as `layerlint layers`
//! computes it (advisor::plan).

use super::positions::Positions;
use crate::LintOptions;
use crate::advisor::{StepKind, StepPlan, plan_source};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use lsp_types::{Hover, HoverContents, MarkupContent, MarkupKind};

/// The hover at byte `offset`, or `None` when there is nothing to say there.
pub fn hover(
    text: &str,
    positions: &Positions<'_>,
    offset: usize,
    findings: &[Diagnostic],
    options: &LintOptions,
) -> Option<Hover> {
    let offset = offset as u32;
    let mut sections = Vec::new();
    let mut range: Option<Span> = None;
    for finding in findings
        .iter()
        .filter(|d| d.span.start <= offset && offset <= d.span.end)
    {
        sections.push(rule_section(finding));
        range = Some(range.map_or(finding.span, |r| r.cover(finding.span)));
    }
    let dockerfile = crate::syntax::parse(text);
    let instruction = dockerfile
        .instructions()
        .find(|i| i.span.start <= offset && offset <= i.span.end);
    if let Some(instruction) = instruction {
        let line = positions.position(instruction.span.start as usize).line as usize + 1;
        let plan = plan_source(text, options, None, None);
        let step = plan
            .iter()
            .flat_map(|plan| &plan.stages)
            .flat_map(|stage| &stage.steps)
            .find(|step| step.line == line);
        if let Some(step) = step.filter(|s| s.kind == StepKind::Layer) {
            sections.push(layer_section(step));
            range = Some(range.map_or(instruction.span, |r| r.cover(instruction.span)));
        }
    }
    if sections.is_empty() {
        return None;
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: sections.join("\n\n---\n\n"),
        }),
        range: range.map(|span| positions.range(span)),
    })
}

fn rule_section(finding: &Diagnostic) -> String {
    let mut out = format!(
        "**{}** `{}` ({}): {}",
        finding.code,
        finding.name,
        finding.severity.as_str(),
        finding.message
    );
    if let Some(doc) = crate::rules::find(finding.code) {
        out.push_str(&format!(
            "\n\n{}\n\n{}",
            doc.summary.trim(),
            doc.rationale.trim()
        ));
    }
    if let Some(fix) = &finding.fix {
        out.push_str(&format!("\n\nFix: {}", fix.title));
    }
    out
}

fn layer_section(step: &StepPlan) -> String {
    let mut out = format!("**{}** commits a layer", step.instruction);
    bullet(&mut out, "adds", &step.adds);
    bullet(&mut out, "deletes", &step.deletes);
    bullet(&mut out, "changes", &step.changes);
    bullet(&mut out, "leaves package caches in", &step.caches);
    let inputs = &step.inputs;
    let context: Vec<String> = inputs.context.iter().map(|c| c.source.clone()).collect();
    let mut reads = String::new();
    bullet(&mut reads, "build-context files", &context);
    bullet(&mut reads, "other stages or images", &inputs.stages);
    bullet(&mut reads, "downloads", &inputs.remote);
    bullet(&mut reads, "build arguments", &inputs.args);
    bullet(&mut reads, "environment variables", &inputs.env);
    bullet(&mut reads, "heredocs", &inputs.heredocs);
    bullet(&mut reads, "mounts", &inputs.mounts);
    if reads.is_empty() {
        out.push_str("\n\nIts cache key reads only its own text and the layers before it.");
    } else {
        out.push_str("\n\nIts cache key reads, besides its text and the layers before it:");
        out.push_str(&reads);
    }
    if step.unknown {
        out.push_str("\n\nPart of it could not be followed: the lists above may be incomplete.");
    }
    out
}

/// "- title: `a`, `b`" on a new line, when there is anything to list.
fn bullet(out: &mut String, title: &str, items: &[String]) {
    if !items.is_empty() {
        let shown: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
        out.push_str(&format!("\n- {title}: {}", shown.join(", ")));
    }
}
