//! The `COPY --chown/--chmod` rewrite: the flags go on the COPY/ADD and the RUN goes away. It is
//! offered only where the result is the same image in every case the tool can see:
//! - the RUN does nothing but `chmod`/`chown`/`chgrp`, each always run, so removing it removes
//!   no other work;
//! - every path they name is exactly a file one COPY/ADD brought (not a directory: `--chown`
//!   does not change the owner of a destination directory that already exists, and `chown -R`
//!   of it also changes whatever else is there), and every file of that COPY is named, so the
//!   flag touches no file the RUN did not;
//! - the owner keeps the group the file had (`chown app f` leaves the group root, while
//!   `--chown=app` would give app's primary group), and `user.group` becomes `user:group`;
//! - a symbolic mode becomes the octal one it gives, which needs the file's mode from the
//!   context;
//! - no step in between names the file (it could copy or run it before the change).
//!
//! It stays unsafe: a source the context does not show may be a directory.

use super::modes::{self, Owner};
use super::{MetadataCommand, source};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::paths;
use crate::model::{PathEffect, Stage};
use crate::rules::Context;
use crate::rules::origin::{self, Creations};
use crate::span::Span;
use crate::syntax::Keyword;
use std::collections::BTreeMap;

/// The rewrite for one RUN, shared by its findings.
pub struct CopyFix {
    pub fix: Fix,
}

/// What the RUN does to one file a COPY/ADD brought.
struct Target<'c> {
    commands: Vec<&'c MetadataCommand>,
    /// The file's mode from the context, when known.
    mode: Option<u32>,
}

pub fn copy_flags_fix(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    creations: &Creations<'_>,
    index: usize,
    commands: &[Option<MetadataCommand>],
) -> Option<CopyFix> {
    let step = &stage.steps[index];
    let effects = step.effects.as_ref()?;
    if commands.is_empty()
        || !effects.unread.is_empty()
        || !effects.creates.is_empty()
        || !effects.deletes.is_empty()
        || !effects.packages.is_empty()
    {
        return None;
    }
    let commands: Vec<&MetadataCommand> =
        commands.iter().map(Option::as_ref).collect::<Option<_>>()?;
    // Creator step index → created path → what the RUN does to it.
    let mut targets: BTreeMap<usize, BTreeMap<String, Target<'_>>> = BTreeMap::new();
    for command in &commands {
        if !command.plain || command.value.is_none() || command.operands.is_empty() {
            return None;
        }
        for operand in &command.operands {
            let touched = effects.touches.iter().find(|t| t.span == *operand)?;
            let (creator, created, mode) =
                exact_file(cx, stage, creations, index, command, touched)?;
            // The user or group must exist when the COPY runs.
            if let Some(change) = command.owner_change() {
                if super::made_after(cx, stage, creator, index, &change).is_some() {
                    return None;
                }
            }
            targets
                .entry(creator)
                .or_default()
                .entry(created.path.clone())
                .or_insert(Target {
                    commands: Vec::new(),
                    mode,
                })
                .commands
                .push(command);
        }
    }
    let mut edits = Vec::new();
    let mut titles = Vec::new();
    for (&creator_index, files) in &targets {
        let creator = &stage.steps[creator_index];
        let all_created = &creator.effects.as_ref()?.creates;
        if all_created.len() != files.len()
            || all_created.iter().any(|c| !files.contains_key(&c.path))
        {
            // The flag would reach files the RUN leaves alone.
            return None;
        }
        if between_names(cx, stage, creator_index, index, files.keys()) {
            return None;
        }
        let instruction = creator.instruction;
        let start_owner =
            modes::copy_owner(instruction.flag("chown").and_then(|f| f.value.as_deref()));
        let mut results = files.values().map(|target| outcome(target, &start_owner));
        let first = results.next()??;
        for other in results {
            if other? != first {
                return None;
            }
        }
        let (owner, mode) = first;
        let mut flags = String::new();
        if let Some(owner) = owner.filter(|o| *o != start_owner) {
            if instruction.flag("chown").is_some()
                || !files
                    .keys()
                    .all(|f| parent_exists(stage, creator_index, paths::parent(f)))
            {
                return None;
            }
            flags += &format!(" --chown={}", chown_value(&owner)?);
        }
        if let Some(mode) = mode {
            if instruction.flag("chmod").is_some() {
                return None;
            }
            flags += &format!(" --chmod={mode:03o}");
        }
        if flags.is_empty() {
            continue;
        }
        titles.push(format!(
            "{}{flags} on line {}",
            instruction.keyword.as_str(),
            cx.line_of(instruction.span)
        ));
        edits.push(Edit {
            span: Span::empty(instruction.keyword_span.end as usize),
            content: flags,
        });
    }
    if edits.is_empty() {
        return None;
    }
    edits.push(Edit {
        span: step.instruction.lines,
        content: String::new(),
    });
    Some(CopyFix {
        fix: Fix {
            title: format!(
                "Use {} and remove the RUN on line {}",
                titles.join(", "),
                cx.line_of(step.instruction.span)
            ),
            applicability: Applicability::Unsafe,
            edits,
        },
    })
}

/// The COPY/ADD whose single file is exactly what `touched` names: its step index, the created
/// path, and the file's mode from the context when known.
fn exact_file<'s>(
    cx: &Context<'_, '_>,
    stage: &'s Stage<'_>,
    creations: &Creations<'s>,
    index: usize,
    command: &MetadataCommand,
    touched: &PathEffect,
) -> Option<(usize, &'s PathEffect, Option<u32>)> {
    let found = origin::find(stage, creations, index, touched)?;
    let creator = found.step.instruction;
    if !matches!(creator.keyword, Keyword::Copy | Keyword::Add)
        || found.partial
        || !creator.heredocs().is_empty()
        || paths::is_glob(&touched.path)
        || touched.path != found.created.path
    {
        return None;
    }
    let word = source::word(creator, found.created)?;
    let remote = source::is_remote(&word.text);
    if creator.keyword == Keyword::Add && !remote && source::is_archive(&word.text) {
        return None;
    }
    if paths::is_glob(&word.text) || word.text.starts_with("<<") {
        return None;
    }
    let rel = source::context_path(creator, found.step, word, cx.dockerfile.escape);
    match source::kind(cx.build_context, rel.as_deref(), word) {
        source::Kind::File => {}
        // Without the context a name may be a directory; `-R` says it likely is.
        source::Kind::Unknown if !command.recursive => {}
        _ => return None,
    }
    let mode = if let Some(flag) = creator.flag("chmod").and_then(|f| f.value.as_deref()) {
        u32::from_str_radix(flag, 8).ok()
    } else if remote {
        Some(0o600)
    } else {
        rel.and_then(|rel| source::modes(cx.build_context, &rel))
            .and_then(|modes| (modes.len() == 1).then(|| modes[0]))
    };
    Some((found.index, found.created, mode))
}

/// The owner and mode a file ends with after the RUN's commands: `None` for the mode when no
/// chmod changes it; the whole answer `None` when a result can't be known.
#[allow(clippy::type_complexity)]
fn outcome(target: &Target<'_>, start: &Owner) -> Option<(Option<Owner>, Option<u32>)> {
    let mut owner: Option<Owner> = None;
    let mut mode = target.mode;
    let mut chmod = false;
    for command in &target.commands {
        if command.is_chmod() {
            let spec = command.value.as_deref()?;
            let octal = spec.bytes().all(|b| b.is_ascii_digit());
            mode = if octal {
                modes::apply_chmod(spec, 0)
            } else {
                modes::apply_chmod(spec, mode?)
            };
            mode?;
            chmod = true;
        } else {
            let change = command.owner_change()?;
            let current = owner.clone().unwrap_or_else(|| start.clone());
            owner = Some(change.apply(&current));
        }
    }
    let mode = match (chmod, mode, target.mode) {
        (false, _, _) => None,
        // A chmod that leaves the mode as it was needs no flag.
        (true, Some(new), Some(old)) if new == old => None,
        (true, new, _) => Some(new?),
    };
    Some((owner, mode))
}

/// `--chown` spelled for an owner: the group kept explicitly (root after a plain COPY), numeric
/// when the user is, and `user` alone only for a login group of a named user, which is what
/// BuildKit gives it.
pub fn chown_value(owner: &Owner) -> Option<String> {
    let user = owner.user.as_deref()?;
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match owner.group.as_deref() {
        None if numeric(user) => None,
        None => Some(user.to_string()),
        Some(group) => {
            let user = if user == "0" && !numeric(group) {
                "root"
            } else {
                user
            };
            let group = if group == "0" && !numeric(user) {
                "root"
            } else {
                group
            };
            Some(format!("{user}:{group}"))
        }
    }
}

/// Directories every Linux image has (busybox's is the smallest set).
const ALWAYS_THERE: &[&str] = &["/", "/bin", "/etc", "/home", "/root", "/tmp", "/var"];

/// Whether `dir` exists before step `before`: a directory every image has, the working
/// directory of an earlier step, or the directory (or an ancestor) of a path an earlier step
/// created. `COPY --chown` gives the directories it has to create the new owner too (buildah
/// and BuildKit alike), which the later `chown` of the file alone would not.
fn parent_exists(stage: &Stage<'_>, before: usize, dir: &str) -> bool {
    ALWAYS_THERE.contains(&dir)
        || stage.steps[..before].iter().any(|step| {
            step.instruction.keyword == Keyword::Workdir
                && stage
                    .steps
                    .iter()
                    .skip_while(|s| !std::ptr::eq(*s, step))
                    .nth(1)
                    .and_then(|next| next.workdir())
                    .is_some_and(|w| paths::is_within(w, dir))
                || step.effects.as_ref().is_some_and(|e| {
                    e.creates.iter().any(|c| {
                        !paths::is_glob(&c.path) && paths::is_within(&c.path, dir) && c.path != dir
                            || c.path == dir && c.via == "mkdir"
                    })
                })
        })
}

/// Whether a step between the COPY and the RUN names one of the files: it may copy or run it
/// before the change, and would then see the new owner or mode.
fn between_names<'p>(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    from: usize,
    to: usize,
    files: impl Iterator<Item = &'p String>,
) -> bool {
    let names: Vec<&str> = files.map(|f| paths::file_name(f)).collect();
    stage.steps[from + 1..to].iter().any(|step| {
        let text = cx.text(step.instruction.span);
        names.iter().any(|name| text.contains(name))
    })
}
