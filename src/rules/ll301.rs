//! LL301 update-in-separate-layer
//!
//! `RUN apt-get update` cached on its own goes stale: when the install line below it changes,
//! Docker reuses the cached index, and the install fails or gets old versions. The update belongs
//! in the `RUN` that installs. An update with no install after it in the stage downloads an index
//! nothing uses.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Base, Manager, PackageAction, PackageOp, Stage};
use crate::span::Span;
use crate::syntax::{Args, Instruction, Keyword};

pub struct UpdateInSeparateLayer;

impl Rule for UpdateInSeparateLayer {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in &cx.model.stages {
            check_stage(cx, stage);
        }
        check_index_uses(cx);
        check_base_lists(cx);
    }
}

/// An apt install with no `apt-get update` before it anywhere in the file runs on whatever lists
/// the base image kept: none in Docker's debian and ubuntu images (the install fails), and lists
/// as old as the image in any other. Updating first is the fix; it is unsafe, because fresh lists
/// may bring newer packages than the image's old ones did.
fn check_base_lists(cx: &mut Context<'_, '_>) {
    let model = cx.model;
    for missing in &cx.package_index().without_index {
        let step = &model.stages[missing.install_at.stage].steps[missing.install_at.step];
        let local_only = !missing.install.packages.is_empty()
            && missing
                .install
                .packages
                .iter()
                .all(|p| p.ends_with(".deb") || p.contains('/'));
        // A cache mount keeps lists an earlier RUN with the same mount downloaded.
        let mounted_lists = step.instruction.mounts().any(|(_, mount)| {
            mount
                .target()
                .is_some_and(|t| t.trim_end_matches('/').starts_with("/var/lib/apt"))
        });
        if missing.unseen_in_own_run
            || missing.updated_before
            || local_only
            || mounted_lists
            || !from_an_image(model, missing.install_at.stage)
        {
            continue;
        }
        let command = cx.first_words(missing.install.span, 3);
        let source = match missing.unseen_before {
            Some(at) => format!(
                "the lists an earlier layer left: the base image's, or those of the script on line {}",
                cx.line_of(model.stages[at.stage].steps[at.step].instruction.span)
            ),
            None => "whatever lists the base image kept: Docker's debian and ubuntu images keep none, and any others are as old as the image".to_string(),
        };
        let message = format!(
            "`{command}` runs with no `apt-get update` before it in this file, so it installs from {source}; update in this RUN"
        );
        let fix = update_before(
            cx,
            step.instruction,
            missing.install.span,
            Applicability::Unsafe,
        );
        cx.report(missing.install.span, message).fix = fix;
    }
}

/// Whether the stage's chain of `FROM`s starts at an image (not `scratch`).
fn from_an_image(model: &crate::model::Model<'_>, mut stage: usize) -> bool {
    loop {
        match model.stages[stage].base {
            Base::Stage(parent) if parent < stage => stage = parent,
            Base::Image(_) => return true,
            _ => return false,
        }
    }
}

/// An install whose RUN does not update first uses the lists an earlier RUN left. When that RUN
/// only updated, the update itself is reported above (and moved); when it also installed, the
/// later install is reported here, and gets its own update.
fn check_index_uses(cx: &mut Context<'_, '_>) {
    let model = cx.model;
    for found in &cx.package_index().uses {
        let update_effects = model.stages[found.update_at.stage].steps[found.update_at.step]
            .effects
            .as_ref();
        let update_run_installs = update_effects.is_some_and(|e| {
            e.packages.iter().any(|op| {
                op.manager == Manager::Apt
                    && installs(op)
                    && op.span.start >= found.update.span.start
            })
        });
        // A script the model could not read in the install's own RUN may have refreshed the
        // lists there: say nothing.
        if !update_run_installs || found.unseen_in_own_run {
            continue;
        }
        let install_step = &model.stages[found.install_at.stage].steps[found.install_at.step];
        let command = cx.first_words(found.install.span, 3);
        let update_line = cx.line_of(found.update.span);
        let source = match found.unseen_at {
            // A script between the two may have refreshed the lists: either way they are an
            // earlier layer's.
            Some(at) => format!(
                "that `apt-get update` on line {update_line} (or the script on line {}, which may refresh them) left in an earlier layer",
                cx.line_of(model.stages[at.stage].steps[at.step].instruction.span)
            ),
            None => format!("that `apt-get update` on line {update_line} left in an earlier layer"),
        };
        let message = format!(
            "`{command}` installs from the package lists {source}: when this RUN changes and that one does not, Docker reuses the old lists from its cache, so packages come from a stale index or fail to download, and the lists can never be removed from that layer; update in this RUN"
        );
        let fix = update_before(
            cx,
            install_step.instruction,
            found.install.span,
            Applicability::Safe,
        );
        let diagnostic = cx.report(found.install.span, message);
        diagnostic.label(found.update.span, "the lists this install uses");
        diagnostic.fix = fix;
    }
}

/// Puts `apt-get update && ` right before the install command, when that keeps the script's
/// meaning: the command starts a list or follows `&&`, `;`, `then`, `do`, `else`, `{` or `(`,
/// so the two run together exactly where the install ran. After `||`, `|` or `!`, or when the
/// install runs through a wrapper (`sudo`, `sh -c`), there is no fix.
fn update_before(
    cx: &Context<'_, '_>,
    run: &Instruction,
    install: Span,
    applicability: Applicability,
) -> Option<Fix> {
    if cx.dockerfile.escape != '\\' || run.malformed {
        return None;
    }
    let command = cx.text(install);
    // With fresh lists apt may find work it did not find before, and without `-y` it then asks,
    // and a build cannot answer: an `apt-get upgrade` that was a quiet no-op would abort.
    let assumes_yes = command.split_whitespace().any(|word| {
        matches!(word, "--yes" | "--assume-yes" | "--force-yes")
            || word.starts_with('-')
                && !word.starts_with("--")
                && (word.contains('y') || word.contains("qq"))
    });
    if !assumes_yes {
        return None;
    }
    let plain = command
        .split_whitespace()
        .find(|word| !word.contains('='))
        .is_some_and(|name| name == "apt-get" || name == "apt");
    if !plain {
        return None;
    }
    let at = install.start as usize;
    let heredoc = run
        .heredocs()
        .iter()
        .find(|h| h.body.start as usize <= at && at < h.body.end as usize);
    let start = match heredoc {
        Some(heredoc) => heredoc.body.start as usize,
        None => install_script_start(run)?,
    };
    if start > at {
        return None;
    }
    let before = strip_continuations(&cx.dockerfile.source[start..at], run, start);
    let before = before.trim_end_matches([' ', '\t']);
    // In a heredoc script a line ending separates commands.
    let new_line = heredoc.is_some() && before.ends_with('\n');
    let before = before.trim_end();
    let fits = before.is_empty()
        || new_line
        || before.ends_with("&&")
        || before.ends_with(';') && !before.ends_with(";;")
        || before.ends_with('{')
        || before.ends_with('(') && !before.ends_with("$(")
        || ["then", "do", "else"].iter().any(|word| {
            before
                .strip_suffix(word)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with([' ', '\t', ';', '\n']))
        });
    if !fits {
        return None;
    }
    Some(Fix {
        title: "Run `apt-get update` in this RUN, before the install".to_string(),
        applicability,
        edits: vec![Edit {
            span: Span::empty(at),
            content: "apt-get update && ".to_string(),
        }],
    })
}

/// The text as the shell reads it: line continuations and the comment lines Docker drops
/// inside them become spaces.
fn strip_continuations(text: &str, run: &Instruction, offset: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = (offset + i) as u32;
        if run
            .inner_comments()
            .iter()
            .any(|s| s.start <= at && at < s.end)
        {
            out.push(' ');
            continue;
        }
        match c {
            '\\' if matches!(chars.peek(), Some((_, '\n'))) => {
                chars.next();
                out.push(' ');
            }
            '\\' if matches!(chars.peek(), Some((_, '\r'))) => {
                chars.next();
                if matches!(chars.peek(), Some((_, '\n'))) {
                    chars.next();
                }
                out.push(' ');
            }
            '\r' | '\n' => out.push('\n'),
            other => out.push(other),
        }
    }
    out
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
    if !alone || !install_run.heredocs().is_empty() || !update_run.flags().is_empty() {
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
        Args::Text(word) => Some(word.span.start as usize),
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
