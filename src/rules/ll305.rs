//! LL305 volatile-arg-busts-cache
//!
//! Docker passes every `ARG` in scope to each later `RUN` as an environment variable, so a new
//! value misses the build cache at the first `RUN` after the declaration, whether or not that
//! `RUN` reads it. An `ENV` changes the image config and the cache key the same way. A value that
//! changes on every build (a commit, a date, a build number) should therefore be declared just
//! before the first step that uses it.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Stage, Step};
use crate::syntax::vars::references;
use crate::syntax::{Args, Instruction, Keyword};

pub struct VolatileArgBustsCache;

impl Rule for VolatileArgBustsCache {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in &cx.model.stages {
            for (index, step) in stage.steps.iter().enumerate() {
                for name in declared_names(step.instruction) {
                    if is_volatile(&name) {
                        check_declaration(cx, stage, index, &name);
                    }
                }
            }
        }
    }
}

/// The variable names an `ARG` or `ENV` declares.
fn declared_names(instruction: &Instruction) -> Vec<String> {
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Arg, Args::Words(words)) => words
            .iter()
            .map(|w| w.text.split('=').next().unwrap_or("").to_string())
            .collect(),
        (Keyword::Env, Args::KeyValues(pairs)) => {
            pairs.iter().map(|p| p.key.text.clone()).collect()
        }
        _ => Vec::new(),
    }
}

/// Names that by convention carry a value that changes per build.
pub fn is_volatile(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const EXACT: &[&str] = &[
        "BUILD_DATE",
        "BUILD_TIME",
        "BUILDTIME",
        "BUILD_TIMESTAMP",
        "TIMESTAMP",
        "DATE",
        "GIT_SHA",
        "GIT_COMMIT",
        "GIT_REVISION",
        "GIT_REF",
        "COMMIT",
        "COMMIT_SHA",
        "SHA",
        "REVISION",
        "VCS_REF",
        "SOURCE_COMMIT",
        "BUILD_NUMBER",
        "BUILD_ID",
        "CACHEBUST",
        "CACHE_BUST",
        "CACHE_BUSTER",
        "VERSION",
        "APP_VERSION",
        "BUILD_VERSION",
        "RELEASE",
    ];
    const SUFFIXES: &[&str] = &[
        "_SHA",
        "_COMMIT",
        "_REVISION",
        "_VCS_REF",
        "_BUILD_DATE",
        "_BUILD_TIME",
        "_TIMESTAMP",
        "_BUILD_NUMBER",
        "_BUILD_ID",
    ];
    EXACT.contains(&upper.as_str()) || SUFFIXES.iter().any(|s| upper.ends_with(s))
}

fn uses(instruction: &Instruction, name: &str, escape: char) -> bool {
    references(&instruction.line, escape)
        .iter()
        .any(|r| &instruction.line[r.name.clone()] == name)
        || (instruction.keyword == Keyword::Run && heredoc_mentions(instruction, name))
}

/// A `RUN` heredoc body reads the variable from the environment.
fn heredoc_mentions(instruction: &Instruction, name: &str) -> bool {
    !instruction.heredocs.is_empty() && instruction.line.contains(name)
}

fn check_declaration(cx: &mut Context<'_, '_>, stage: &Stage<'_>, index: usize, name: &str) {
    let escape = cx.dockerfile.escape;
    let declaration = stage.steps[index].instruction;
    let later = &stage.steps[index + 1..];
    let first_use = later
        .iter()
        .position(|s| uses(s.instruction, name, escape) || heredoc_body_uses(cx, s, name));
    let until = first_use.unwrap_or(later.len());
    let busted: Vec<&Step<'_>> = later[..until]
        .iter()
        .filter(|s| s.instruction.keyword == Keyword::Run)
        .collect();
    let Some(first_run) = busted.first() else {
        return;
    };
    let rebuilt = later[until.min(later.len())..]
        .iter()
        .filter(|s| s.creates_layer())
        .count()
        + later[..until]
            .iter()
            .filter(|s| s.instruction.keyword.creates_layer())
            .count();
    let kind = declaration.keyword.as_str();
    let run_line = cx.line_of(first_run.instruction.span);
    let message = format!(
        "{kind} {name} changes on every build, and it is in scope from here: a new value misses the cache at the RUN on line {run_line}, so {rebuilt} layer{} after it rebuild{} even though {} read {name}",
        if rebuilt == 1 { "" } else { "s" },
        if rebuilt == 1 { "s" } else { "" },
        if busted.len() == 1 {
            "it does not"
        } else {
            "none of those RUNs"
        },
    );
    let target = first_use.map(|i| later[i].instruction);
    let fix = move_fix(cx, declaration, target, stage, name);
    let declaration_span = declaration.span;
    let first_run_span = first_run.instruction.span;
    let diagnostic = cx.report(declaration_span, message);
    diagnostic.label(
        first_run_span,
        format!("the cache misses here when {name} changes"),
    );
    if let Some(t) = target {
        diagnostic.label(t.span, format!("first step that uses {name}"));
    }
    diagnostic.fix = fix;
}

fn heredoc_body_uses(cx: &Context<'_, '_>, step: &Step<'_>, name: &str) -> bool {
    step.instruction
        .heredocs
        .iter()
        .any(|h| cx.text(h.body).contains(name))
}

/// Moves a single-name declaration to just before its first use (or after the stage's last
/// `RUN` when nothing uses it). Behaviour is unchanged: nothing before the new place reads it.
fn move_fix(
    cx: &Context<'_, '_>,
    declaration: &Instruction,
    target: Option<&Instruction>,
    stage: &Stage<'_>,
    name: &str,
) -> Option<Fix> {
    if declared_names(declaration).len() != 1 {
        return None;
    }
    let line_text = cx.text(declaration.lines);
    let line_text = if line_text.ends_with('\n') {
        line_text.to_string()
    } else {
        format!("{line_text}\n")
    };
    let insert_at = match target {
        Some(t) => t.lines.start,
        None => {
            let last_run = stage
                .steps
                .iter()
                .rev()
                .find(|s| s.instruction.keyword == Keyword::Run)?;
            last_run.instruction.lines.end
        }
    };
    let insert_text = if insert_at as usize == cx.dockerfile.source.len()
        && !cx.dockerfile.source.ends_with('\n')
    {
        format!("\n{}", line_text.trim_end_matches('\n'))
    } else {
        line_text
    };
    let place = match target {
        Some(t) => format!("just before line {}", cx.line_of(t.span)),
        None => "after the stage's last RUN".to_string(),
    };
    Some(Fix {
        title: format!("Move {} {name} {place}", declaration.keyword.as_str()),
        // Unsafe, not safe: Docker passes every ARG in scope to each RUN as an environment
        // variable, so a RUN the declaration moves past may read it (`env`, a script) without the
        // Dockerfile naming it. tests/image_build.rs shows an image that changes.
        applicability: Applicability::Unsafe,
        edits: vec![
            Edit {
                span: declaration.lines,
                content: String::new(),
            },
            Edit {
                span: crate::span::Span::empty(insert_at as usize),
                content: insert_text,
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::is_volatile;

    #[test]
    fn volatile_names() {
        for name in [
            "GIT_SHA",
            "build_date",
            "CACHEBUST",
            "APP_COMMIT",
            "VERSION",
            "CI_BUILD_NUMBER",
        ] {
            assert!(is_volatile(name), "{name}");
        }
        for name in [
            "NODE_VERSION",
            "PYTHON_VERSION",
            "HOME",
            "PORT",
            "DEBIAN_FRONTEND",
        ] {
            assert!(!is_volatile(name), "{name}");
        }
    }
}
