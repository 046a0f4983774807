//! LL304 copy-busts-dependency-cache
//!
//! A `COPY`'s cache key includes the content of what it copies, so `COPY . .` misses on every
//! source edit and every step after it re-runs. A dependency install that needs only the
//! manifests (`npm ci`, `pip install -r requirements.txt`, `go mod download` …) placed after such
//! a copy re-installs everything on every commit. Copying the manifests first and installing
//! before the broad copy keeps the install cached until the manifests change. A system package
//! install that reads nothing from the context belongs above the copy for the same reason.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::paths::{self, is_within};
use crate::model::{Input, Manager, PackageAction, PackageOp, PathEffect, Stage, Step};
use crate::span::Span;
use crate::syntax::{Args, Instruction, Keyword};

pub struct CopyBustsDependencyCache;

impl Rule for CopyBustsDependencyCache {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in &cx.model.stages {
            check_stage(cx, stage);
        }
    }
}

/// A context copy that brings more than a few named files.
struct BroadCopy<'s, 'a> {
    index: usize,
    step: &'s Step<'a>,
    /// The created path (a directory filled from the context) and the source it came from.
    created: &'s PathEffect,
    source: String,
    whole_context: bool,
}

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    let mut reported_copies: Vec<usize> = Vec::new();
    for (index, step) in stage.steps.iter().enumerate() {
        let Some(effects) = &step.effects else {
            continue;
        };
        if step.instruction.keyword != Keyword::Run {
            continue;
        }
        for op in &effects.packages {
            let finding = match op.action {
                PackageAction::InstallDependencies if !op.reads.is_empty() => {
                    dependency_finding(stage, index, op)
                }
                PackageAction::Install
                    if is_system(op.manager) && reads_nothing_from_context(cx, step) =>
                {
                    system_finding(stage, index)
                }
                _ => None,
            };
            let Some(copy) = finding else { continue };
            if reported_copies.contains(&copy.index) {
                continue;
            }
            reported_copies.push(copy.index);
            report(cx, stage, &copy, step, op);
        }
    }
}

fn is_system(manager: Manager) -> bool {
    matches!(
        manager,
        Manager::Apt
            | Manager::Apk
            | Manager::Yum
            | Manager::Dnf
            | Manager::Microdnf
            | Manager::Zypper
    )
}

/// The latest broad context copy before `index` that brought in one of the manifests.
fn dependency_finding<'s, 'a>(
    stage: &'s Stage<'a>,
    index: usize,
    op: &PackageOp,
) -> Option<BroadCopy<'s, 'a>> {
    broad_copies_before(stage, index)
        .find(|copy| op.reads.iter().any(|m| is_within(m, &copy.created.path)))
}

/// The latest copy of the whole context before `index`.
fn system_finding<'s, 'a>(stage: &'s Stage<'a>, index: usize) -> Option<BroadCopy<'s, 'a>> {
    broad_copies_before(stage, index).find(|copy| copy.whole_context)
}

fn broad_copies_before<'s, 'a>(
    stage: &'s Stage<'a>,
    index: usize,
) -> impl Iterator<Item = BroadCopy<'s, 'a>> {
    stage.steps[..index]
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(i, step)| {
            let effects = step.effects.as_ref()?;
            if !matches!(step.instruction.keyword, Keyword::Copy | Keyword::Add)
                || step.instruction.flag("from").is_some()
            {
                return None;
            }
            let Some(Input::Context { sources, .. }) = effects
                .inputs
                .iter()
                .find(|i| matches!(i, Input::Context { .. }))
            else {
                return None;
            };
            let source = sources.iter().find(|s| is_broad(s))?.clone();
            let created = effects.creates.iter().find(|c| c.recursive)?;
            let whole_context = matches!(source.trim_end_matches('/'), "." | "" | "*" | "./*");
            Some(BroadCopy {
                index: i,
                step,
                created,
                source,
                whole_context,
            })
        })
}

/// `.`, a directory (`src/`), or a glob that is not about manifests (`*`, `./*`).
fn is_broad(source: &str) -> bool {
    let name = paths::file_name(source.trim_end_matches('/'));
    source.trim_end_matches('/').is_empty()
        || matches!(
            source.trim_end_matches('/'),
            "." | "./" | "*" | "./*" | "*.*"
        )
        || source.ends_with('/')
        || name == "*"
}

/// A system install whose RUN runs only package-manager and housekeeping commands.
fn reads_nothing_from_context(cx: &Context<'_, '_>, step: &Step<'_>) -> bool {
    const HOUSEKEEPING: &[&str] = &[
        "apt-get",
        "apt",
        "apk",
        "yum",
        "dnf",
        "microdnf",
        "zypper",
        "rm",
        "set",
        "echo",
        "true",
        "ln",
        "mkdir",
        "update-ca-certificates",
        "locale-gen",
        "useradd",
        "groupadd",
        "adduser",
        "addgroup",
        "export",
    ];
    let mine: Vec<_> = cx.model.scripts_of(step.instruction).collect();
    !mine.is_empty()
        && mine.iter().all(|run| {
            run.script.as_ref().is_some_and(|script| {
                !script.has_opaque()
                    && script.simple_commands().all(|c| {
                        c.basename()
                            .is_some_and(|n| HOUSEKEEPING.contains(&n.as_ref()))
                            && c.args().iter().all(|w| {
                                !c.text(w.span).starts_with("./")
                                    && !c.text(w.span).ends_with(".deb")
                            })
                    })
            })
        })
}

fn report(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    copy: &BroadCopy<'_, '_>,
    install: &Step<'_>,
    op: &PackageOp,
) {
    let copy_text = cx.text(copy.step.instruction.span).to_string();
    let install_line = cx.line_of(install.instruction.span);
    let command = cx
        .text(op.span)
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let rebuilt = stage.steps[copy.index..]
        .iter()
        .filter(|s| s.creates_layer())
        .count();
    let what = if copy.whole_context {
        "any file in the build context"
    } else {
        "any file under that source"
    };
    let manifests = manifests_to_copy(cx, copy, op);
    let message = if op.action == PackageAction::InstallDependencies {
        format!(
            "`{copy_text}` copies more than `{command}` on line {install_line} needs: a change to {what} misses the cache here, so the install and {rebuilt} layers re-run; copy {} first and install before copying the rest",
            if manifests.is_empty() {
                "the manifests".to_string()
            } else {
                manifests.join(" and ")
            }
        ) + &installs_project_flag(cx.text(op.span))
            .map(|flag| format!(" (with {flag}, so the early install needs no sources)"))
            .unwrap_or_default()
    } else {
        format!(
            "`{copy_text}` comes before `{command}` on line {install_line}, which reads nothing from the context: a change to {what} re-runs the package install and {rebuilt} layers; install system packages before copying the context"
        )
    };
    let fix = rewrite(cx, stage, copy, install, &manifests, op);
    let copy_span = copy.step.instruction.span;
    let diagnostic = cx.report(copy_span, message);
    diagnostic.label(
        install.instruction.span,
        "re-runs on every change to what the COPY above brings",
    );
    diagnostic.fix = fix;
}

/// The manifests to copy first, as context paths: those that exist when the context is known,
/// else the usual names.
fn manifests_to_copy(
    cx: &Context<'_, '_>,
    copy: &BroadCopy<'_, '_>,
    op: &PackageOp,
) -> Vec<String> {
    if op.action != PackageAction::InstallDependencies {
        return Vec::new();
    }
    let source_dir = copy.source.trim_end_matches('*').trim_end_matches('/');
    let source_dir = if source_dir == "." { "" } else { source_dir };
    op.reads
        .iter()
        .filter_map(|manifest| {
            let relative = manifest
                .strip_prefix(&copy.created.path)?
                .trim_start_matches('/');
            let in_context = if source_dir.is_empty() {
                relative.to_string()
            } else {
                format!("{source_dir}/{relative}")
            };
            match cx.build_context.exists(&in_context) {
                Some(false) => None,
                Some(true) => Some(in_context),
                None if paths::is_glob(&in_context) || in_context.contains("shrinkwrap") => None,
                None => Some(in_context),
            }
        })
        .collect()
}

/// The reordered block: the manifests copied and the install run above the broad copy. Unsafe
/// (it assumes which files the install reads); display-only when the install RUN does more than
/// install, steps other than metadata sit in between, or the manifests can't be named.
fn rewrite(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    copy: &BroadCopy<'_, '_>,
    install: &Step<'_>,
    manifests: &[String],
    op: &PackageOp,
) -> Option<Fix> {
    let copy_ins: &Instruction = copy.step.instruction;
    let install_ins: &Instruction = install.instruction;
    let dest = match &copy_ins.args {
        Args::Words(words) | Args::Json(words) => words.last()?.text.clone(),
        _ => return None,
    };
    let dest = if dest.ends_with('/') {
        dest
    } else {
        format!("{dest}/")
    };
    let flags: Vec<&str> = copy_ins.flags.iter().map(|f| cx.text(f.span)).collect();
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!("{} ", flags.join(" "))
    };
    let install_text = cx.text(install_ins.lines);
    let install_text = if install_text.ends_with('\n') {
        install_text.to_string()
    } else {
        format!("{install_text}\n")
    };
    let copy_line = if manifests.is_empty() {
        String::new()
    } else {
        format!("COPY {flags}{} {dest}\n", manifests.join(" "))
    };
    let install_index = stage
        .steps
        .iter()
        .position(|s| std::ptr::eq(s.instruction, install_ins))?;
    let only_metadata_between = stage.steps[copy.index + 1..install_index]
        .iter()
        .all(|s| s.instruction.keyword.sets_only_metadata());
    let install_alone = install_is_alone(cx, install_ins, op);
    let applicability = if only_metadata_between
        && install_alone
        && installs_project_flag(cx.text(op.span)).is_none()
        && (!manifests.is_empty() || op.action == PackageAction::Install)
    {
        Applicability::Unsafe
    } else {
        Applicability::DisplayOnly
    };
    Some(Fix {
        title: format!("Install before `{}`", cx.text(copy_ins.span)),
        applicability,
        edits: vec![
            Edit {
                span: Span::empty(copy_ins.lines.start as usize),
                content: format!("{copy_line}{install_text}"),
            },
            Edit {
                span: install_ins.lines,
                content: String::new(),
            },
        ],
    })
}

/// `uv sync` and `poetry install` also install the project itself, which needs its sources:
/// moved above the broad copy they need the flag that installs only the dependencies.
fn installs_project_flag(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if has("uv") && has("sync") && !has("--no-install-project") {
        Some("--no-install-project")
    } else if has("poetry") && has("install") && !has("--no-root") {
        Some("--no-root")
    } else {
        None
    }
}

/// The install RUN does nothing but install (so moving it moves nothing that needs the sources).
fn install_is_alone(cx: &Context<'_, '_>, run: &Instruction, op: &PackageOp) -> bool {
    let Args::Text(script) = &run.args else {
        return false;
    };
    op.action == PackageAction::Install || script.text.trim() == cx.text(op.span).trim()
}
