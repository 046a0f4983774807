//! LL303 permission-change-copies-files
//!
//! Changing only the metadata of a file from an earlier layer (`chmod`, `chown`, `chgrp`) copies
//! the whole file into the new layer: a recursive `chown` after a `COPY` doubles what those files
//! cost. `COPY --chown/--chmod`, or doing it in the `RUN` that creates the files, is the cure.

use super::origin;
use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{PathEffect, Stage, Step};
use crate::span::Span;
use crate::syntax::Keyword;
use crate::syntax::{Args, Instruction};

pub struct PermissionChangeCopiesFiles;

impl Rule for PermissionChangeCopiesFiles {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            check_stage(cx, stage);
        }
    }
}

const METADATA_COMMANDS: &[&str] = &["chmod", "chown", "chgrp"];

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    let creations = origin::Creations::new(stage);
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        let mut reported: Vec<usize> = Vec::new();
        for touched in effects
            .touches
            .iter()
            .filter(|t| METADATA_COMMANDS.contains(&t.via.as_str()))
        {
            let Some(origin) = origin::find(stage, &creations, index, touched) else {
                continue;
            };
            if reported.contains(&origin.index) {
                continue;
            }
            reported.push(origin.index);
            let creator = origin.step.instruction;
            let created_line = cx.line_of(creator.span);
            let flag = if touched.recursive { " -R" } else { "" };
            let changed = if origin.partial {
                format!(
                    "{}, part of what the {} on line {created_line} brought",
                    touched.path,
                    creator.keyword.as_str()
                )
            } else if origin.created.recursive && touched.recursive {
                format!(
                    "every file in {}, which the {} on line {created_line} created",
                    origin.created.path,
                    creator.keyword.as_str()
                )
            } else {
                format!(
                    "{}, which the {} on line {created_line} created",
                    origin.created.path,
                    creator.keyword.as_str()
                )
            };
            let cure = match (creator.keyword, touched.via.as_str()) {
                (Keyword::Copy | Keyword::Add, "chmod") => format!(
                    "set the mode as it arrives with {} --chmod",
                    creator.keyword.as_str()
                ),
                (Keyword::Copy | Keyword::Add, _) => format!(
                    "set the owner as it arrives with {} --chown",
                    creator.keyword.as_str()
                ),
                _ => "do it in the RUN that creates the files".to_string(),
            };
            let message = format!(
                "{via}{flag} {target} changes {changed}: a changed file is copied whole into this layer, so its bytes ship twice; {cure}",
                via = touched.via,
                target = touched.path,
            );
            let (fix, refusal) = match creator.keyword {
                Keyword::Copy | Keyword::Add => (copy_flag_fix(cx, step, touched, creator), None),
                _ => origin::merge_fix(cx, stage, origin.index, index),
            };
            origin::report(cx, touched.span, message, origin.created, fix, refusal);
        }
    }
}

/// `COPY --chown=OWNER` / `--chmod=MODE` in place of a later `chown`/`chmod`. Unsafe: the flag
/// changes only the copied files, while the command also changed whatever else was there. The
/// RUN goes away when the command was all it did; otherwise only the flag is shown.
fn copy_flag_fix(
    cx: &Context<'_, '_>,
    step: &Step<'_>,
    touched: &PathEffect,
    creator: &Instruction,
) -> Option<Fix> {
    let (flag, command_span, value) = metadata_command(cx, step, touched)?;
    if creator.flag(flag).is_some() || !creator.heredocs.is_empty() {
        return None;
    }
    // `COPY --chmod` takes an octal mode only.
    if flag == "chmod" && !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let run = step.instruction;
    let alone = matches!(&run.args, Args::Text(script) if script.text.trim() == cx.text(command_span).trim());
    let mut edits = vec![Edit {
        span: Span::empty(creator.keyword_span.end as usize),
        content: format!(" --{flag}={value}"),
    }];
    if alone {
        edits.push(Edit {
            span: run.lines,
            content: String::new(),
        });
    }
    Some(Fix {
        title: format!("Use {} --{flag}={value}", creator.keyword.as_str()),
        applicability: if alone {
            Applicability::Unsafe
        } else {
            Applicability::DisplayOnly
        },
        edits,
    })
}

/// The `chown`/`chgrp`/`chmod` command behind a touch: which flag replaces it, the command's
/// span in the file, and its owner or mode argument.
fn metadata_command<'c>(
    cx: &Context<'_, 'c>,
    step: &Step<'_>,
    touched: &PathEffect,
) -> Option<(&'static str, Span, String)> {
    for run in cx.model.scripts_of(step.instruction) {
        let script = run.script.as_ref()?;
        for command in script.simple_commands() {
            let span = run.file_span(command.command.span);
            if !span.contains(touched.span) {
                continue;
            }
            let flag = match command.basename()?.as_ref() {
                "chown" => "chown",
                "chgrp" => "chown",
                "chmod" => "chmod",
                _ => return None,
            };
            let first = command.args_without_flags().next()?;
            let value = command.literal(first)?.into_owned();
            let value = if command.is("chgrp") {
                format!(":{value}")
            } else {
                value
            };
            return Some((flag, span, value));
        }
    }
    None
}
