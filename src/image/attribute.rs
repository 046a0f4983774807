//! Layers matched to the Dockerfile instructions that made them, and `check`'s findings on those
//! instructions given the bytes the image shows; waste the rules did not report, listed as such.
//!
//! Reads the advisor's plan (the target stage and the stages it is built on, their layer steps,
//! each step's findings and the caches it leaves), so the rules and the model are used as they
//! are, never repeated here.

use super::Image;
use crate::advisor::{Plan, StagePlan, StepKind, StepPlan};
use serde::Serialize;

/// The findings whose cost is bytes of package caches left in the layer.
const CACHE_CODES: &[&str] = &[
    "DL3009", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042", "DL3060",
];

/// One layer and the instruction that made it.
#[derive(Clone, Debug, Serialize)]
pub struct Match {
    pub layer: usize,
    /// The 1-based line of the instruction.
    pub line: usize,
    /// `RUN mkdir /data`: the keyword and the first line of the instruction.
    pub instruction: String,
    /// False when the history's `created_by` does not show the instruction's text (the layer is
    /// paired by position only).
    pub sure: bool,
}

/// A finding of `check`, with what the image shows it costs.
#[derive(Clone, Debug, Serialize)]
pub struct Cost {
    pub code: String,
    pub line: usize,
    pub layer: usize,
    pub bytes: u64,
    /// What the bytes are, in a sentence without the code or size.
    pub what: String,
}

/// Waste the image shows on a line where no rule reported it: a recall gap in the rules.
#[derive(Clone, Debug, Serialize)]
pub struct Missed {
    pub line: usize,
    pub layer: usize,
    pub bytes: u64,
    pub what: String,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Attribution {
    pub matches: Vec<Match>,
    pub costs: Vec<Cost>,
    pub missed: Vec<Missed>,
    /// Waste no Dockerfile can avoid: a package manager's bookkeeping files (its database, its
    /// logs, the linker cache) that each install rewrites (see [`super::bookkeeping`]).
    pub unavoidable: Vec<Missed>,
}

/// Pairs the image's top layers with the layer steps of the plan's target (and the stages it
/// builds on), top down: the base image's own layers are the ones left over at the bottom.
pub fn attribute(image: &Image, plan: &Plan) -> Attribution {
    let steps = layer_steps(plan);
    let mut attribution = Attribution::default();
    let mut pairs: Vec<_> = image.layers.iter().rev().zip(steps.iter().rev()).collect();
    // Bottom up, so that a layer sees the caches the findings below it reported.
    pairs.reverse();
    // The package caches a finding of the cache family reports as left in a layer below, as the
    // layer tars name them (no leading `/`): a later deletion under one is that finding's waste
    // (its message names the late cleanup), not a miss.
    let mut reported: Vec<String> = Vec::new();
    for (layer, step) in pairs {
        let sure = layer
            .created_by
            .as_deref()
            .is_some_and(|created| shows(created, step));
        attribution.matches.push(Match {
            layer: layer.index,
            line: step.line,
            instruction: format!("{} {}", step.instruction, step.text.trim()),
            sure,
        });
        costs(layer, step, &reported, &mut attribution);
        if CACHE_CODES
            .iter()
            .any(|code| step.findings.iter().any(|c| c == code))
        {
            for dir in &step.caches {
                let dir = dir.trim_matches('/').to_string();
                if !reported.contains(&dir) {
                    reported.push(dir);
                }
            }
        }
    }
    attribution.costs.sort_by_key(|c| (c.line, c.code.clone()));
    attribution.missed.sort_by_key(|m| m.line);
    attribution.unavoidable.sort_by_key(|m| m.line);
    attribution
}

/// The steps that commit layers in the image the target builds, bottom first: the stages its
/// `FROM` chain goes through, then its own.
fn layer_steps(plan: &Plan) -> Vec<&StepPlan> {
    let mut chain: Vec<&StagePlan> = Vec::new();
    let mut stage = plan.stages.get(plan.target);
    while let Some(current) = stage {
        if chain.iter().any(|s| s.index == current.index) {
            break;
        }
        chain.push(current);
        stage = current.base.strip_prefix("stage ").and_then(|name| {
            plan.stages.iter().find(|s| {
                s.index < current.index
                    && (s.name.as_deref() == Some(name) || s.index.to_string() == name)
            })
        });
    }
    chain
        .iter()
        .rev()
        .flat_map(|stage| stage.steps.iter())
        .filter(|step| step.kind == StepKind::Layer)
        .collect()
}

/// Whether a history entry shows the step: its keyword for `COPY`/`ADD` (builders print the
/// sources as hashes), the start of its command for `RUN`.
fn shows(created_by: &str, step: &StepPlan) -> bool {
    let created = squeeze(created_by);
    if step.instruction != "RUN" {
        return created.contains(&step.instruction);
    }
    // The command without `--mount=…`-style flags, which some builders leave out.
    let command: Vec<&str> = step
        .text
        .trim_end_matches('\\')
        .split_whitespace()
        .skip_while(|word| word.starts_with("--"))
        .collect();
    let command = command.join(" ");
    let start: String = command.chars().take(40).collect();
    let start = start.trim_start_matches('[').trim_start_matches('"');
    !start.is_empty() && created.contains(start.trim())
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn costs(layer: &super::Layer, step: &StepPlan, reported: &[String], out: &mut Attribution) {
    let tally = &layer.tally;
    let has = |code: &str| step.findings.iter().any(|c| c == code);
    let mut cost = |code: &str, bytes: u64, what: String| {
        out.costs.push(Cost {
            code: code.to_string(),
            line: step.line,
            layer: layer.index,
            bytes,
            what,
        });
    };
    let deleted = tally.deletes_bytes;
    if has("LL302") {
        cost(
            "LL302",
            deleted,
            "deleted here still ship in the layers below".into(),
        );
    }
    let copied = tally.metadata_only_bytes + tally.unchanged_bytes;
    if has("LL303") {
        cost(
            "LL303",
            copied,
            "of files copied into this layer again, the same bytes with new mode or owner".into(),
        );
    }
    let cache_bytes: u64 = step
        .caches
        .iter()
        .filter_map(|dir| tally.dir_bytes.get(dir.trim_matches('/')))
        .sum();
    for code in CACHE_CODES.iter().filter(|code| has(code)) {
        cost(
            code,
            cache_bytes,
            format!("of {} ship in this layer", step.caches.join(", ")),
        );
    }
    let entry = |bytes: u64, what: &str| Missed {
        line: step.line,
        layer: layer.index,
        bytes,
        what: what.to_string(),
    };
    let mut missed = |bytes: u64, what: &str| {
        if bytes > 0 {
            out.missed.push(entry(bytes, what));
        }
    };
    if !has("LL302") {
        // What this layer deleted of caches a finding below already charges to its own line.
        let late_cleanup: u64 = reported
            .iter()
            .filter_map(|dir| tally.deleted_dir_bytes.get(dir))
            .sum();
        missed(
            deleted.saturating_sub(late_cleanup),
            "deleted here, still shipped by the layers below",
        );
    }
    if !has("LL303") {
        missed(
            copied.saturating_sub(tally.bookkeeping_copied_bytes),
            "copied again with the same bytes (only mode or owner changed, or nothing)",
        );
    }
    missed(
        tally
            .replaces_bytes
            .saturating_sub(tally.bookkeeping_replaced_bytes),
        "of earlier layers' files overwritten here with other bytes",
    );
    let bookkeeping = tally.bookkeeping_replaced_bytes + tally.bookkeeping_copied_bytes;
    if bookkeeping > 0 {
        out.unavoidable.push(entry(
            bookkeeping,
            "of package-manager bookkeeping (package database, logs, linker cache) rewritten here, as every install does",
        ));
    }
}
