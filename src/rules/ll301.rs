//! LL301 update-in-separate-layer
//!
//! `RUN apt-get update` cached on its own goes stale: when the install line below it changes,
//! Docker reuses the cached index, and the install fails or gets old versions. The update belongs
//! in the `RUN` that installs. An update with no install after it in the stage downloads an index
//! nothing uses.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Manager, PackageAction, PackageOp, Stage};
use crate::span::Span;
use crate::syntax::{Args, Instruction, Keyword};

pub struct UpdateInSeparateLayer;

impl Rule for UpdateInSeparateLayer {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in &cx.model.stages {
            check_stage(cx, stage);
        }
    }
}

/// Package managers that share an index (`apt` and `apt-get`; `yum` and `dnf` on one system).
fn family(manager: Manager) -> u8 {
    match manager {
        Manager::Apt => 1,
        Manager::Apk => 2,
        Manager::Yum | Manager::Dnf | Manager::Microdnf => 3,
        Manager::Zypper => 4,
        _ => 0,
    }
}

fn installs(op: &PackageOp) -> bool {
    matches!(op.action, PackageAction::Install | PackageAction::Upgrade)
}

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        for (at, update) in effects.packages.iter().enumerate() {
            if update.action != PackageAction::Update || family(update.manager) == 0 {
                continue;
            }
            let same_family = |op: &PackageOp| family(op.manager) == family(update.manager);
            if effects.packages[at + 1..]
                .iter()
                .any(|op| same_family(op) && installs(op))
            {
                continue;
            }
            let later = stage.steps[index + 1..].iter().find(|s| {
                s.effects
                    .as_ref()
                    .is_some_and(|e| e.packages.iter().any(|op| same_family(op) && installs(op)))
            });
            // An install whose RUN refreshes the index itself never sees this one (tianon's images
            // update once to check a new repository, then again where they install).
            let refreshes_itself = later.is_some_and(|s| {
                s.effects.as_ref().is_some_and(|e| {
                    e.packages
                        .iter()
                        .take_while(|op| !(same_family(op) && installs(op)))
                        .any(|op| same_family(op) && op.action == PackageAction::Update)
                })
            });
            if refreshes_itself {
                continue;
            }
            let command = cx.text(update.span).to_string();
            match later {
                Some(install_step) => {
                    let install_line = cx.line_of(install_step.instruction.span);
                    let fix = move_update(cx, step.instruction, update, install_step.instruction);
                    let message = format!(
                        "`{command}` runs in its own layer, apart from the install on line {install_line}: when that install changes, Docker reuses this cached index, so packages come from a stale index or fail to download; update in the RUN that installs"
                    );
                    let diagnostic = cx.report(update.span, message);
                    diagnostic.label(
                        install_step.instruction.span,
                        "the install that needs a fresh index",
                    );
                    diagnostic.fix = fix;
                }
                None if update_alone(step.instruction, update, cx)
                    && nothing_may_install_after(cx, stage, index, update.manager) =>
                {
                    let message = format!(
                        "`{command}` downloads a package index, but nothing installs after it in this stage: the index is never used and stays in the layer"
                    );
                    cx.report(update.span, message);
                }
                None => {}
            }
        }
    }
}

/// Moves the update into the install's RUN: safe when the update's RUN holds nothing else and
/// the install RUN is plain shell form.
fn move_update(
    cx: &Context<'_, '_>,
    update_run: &Instruction,
    update: &PackageOp,
    install_run: &Instruction,
) -> Option<Fix> {
    let Args::Text(script) = &update_run.args else {
        return None;
    };
    let Args::Text(_) = &install_run.args else {
        return None;
    };
    let command = cx.text(update.span);
    let alone = script.text.trim().trim_end_matches(';').trim() == command.trim();
    if !alone || !install_run.heredocs.is_empty() || !update_run.flags.is_empty() {
        return None;
    }
    let script_start = install_script_start(install_run)?;
    Some(Fix {
        title: format!(
            "Move `{}` into the RUN on line {}",
            command.trim(),
            cx.line_of(install_run.span)
        ),
        applicability: Applicability::Safe,
        edits: vec![
            Edit {
                span: update_run.lines,
                content: String::new(),
            },
            Edit {
                span: Span::empty(script_start),
                content: format!("{} && ", command.trim()),
            },
        ],
    })
}

/// Where the shell script of a shell-form RUN starts in the file.
fn install_script_start(run: &Instruction) -> Option<usize> {
    match &run.args {
        Args::Text(word) => Some(
            run.map_span(word.offset as usize, word.offset as usize)
                .start as usize,
        ),
        _ => None,
    }
}

/// The RUN holds nothing but the update.
fn update_alone(run: &Instruction, update: &PackageOp, cx: &Context<'_, '_>) -> bool {
    matches!(&run.args, Args::Text(script) if script.text.trim().trim_end_matches(';').trim() == cx.text(update.span).trim())
}

/// Installs can hide where the model can't see them: a wrapper (`xx-apt-get`, `apt-fast`), a
/// tool that calls the manager (`rosdep`, `install_packages`), or a script it doesn't read. Only
/// when no later RUN of the stage could be one is "nothing installs" certain.
fn nothing_may_install_after(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    index: usize,
    manager: Manager,
) -> bool {
    let names: &[&str] = match family(manager) {
        1 => &["apt", "dpkg"],
        2 => &["apk"],
        3 => &["yum", "dnf", "rpm"],
        _ => &["zypper", "rpm"],
    };
    const INDIRECT: &[&str] = &["rosdep", "install_packages", "install-packages", "apt-fast"];
    stage.steps[index + 1..]
        .iter()
        .filter(|s| s.instruction.keyword == Keyword::Run)
        .all(|s| {
            let text = cx.text(s.instruction.lines);
            let unread = s.effects.as_ref().is_some_and(|e| !e.unread.is_empty());
            !unread && !names.iter().chain(INDIRECT).any(|n| text.contains(n))
        })
}
