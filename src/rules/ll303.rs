//! LL303 permission-change-copies-files
//!
//! Changing only the metadata of a file from an earlier layer (`chmod`, `chown`, `chgrp`) copies
//! the whole file into the new layer: a recursive `chown` after a `COPY` doubles what those files
//! cost. `COPY --chown/--chmod`, or doing it in the `RUN` that creates the files, is the cure.
//!
//! A change that changes nothing costs nothing under BuildKit (its differ compares mode, owner
//! and time) and under buildah's vfs driver, so the rule reads the modes a `COPY` keeps from the
//! build context and the owner it sets, and stays silent when the command is a no-op; it says
//! "may" when it can't tell. buildah's and podman's overlay driver copy the file up anyway.

mod modes;
mod rewrite;
pub(super) mod source;

use super::origin::{self, Origin};
use super::{Context, Rule};
use crate::model::paths::{is_within, removes};
use crate::model::{Effects, PathEffect, Stage, Step};
use crate::span::Span;
use crate::syntax::shell::CommandRef;
use crate::syntax::{Args, Keyword};
use modes::{Owner, OwnerChange};

pub struct PermissionChangeCopiesFiles;

impl Rule for PermissionChangeCopiesFiles {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            check_stage(cx, stage);
        }
    }
}

const METADATA_COMMANDS: &[&str] = &["chmod", "chown", "chgrp"];

/// One `chmod`/`chown`/`chgrp` command as written.
#[derive(Clone, Debug)]
struct MetadataCommand {
    /// The command's name (`chgrp` stays `chgrp`).
    name: String,
    /// The mode or owner operand, when it is a literal (not with `--reference`).
    value: Option<String>,
    /// The operand as written, for the message (`${USERNAME}:root` is no literal).
    written: Option<String>,
    recursive: bool,
    /// The command in the file.
    span: Span,
    /// The path operands, in the file.
    operands: Vec<Span>,
    /// The command always runs, at the top level of the script (not in a subshell, a condition,
    /// a loop, a pipeline, after `||`, in the background) and with no option beyond `-R`.
    plain: bool,
}

impl MetadataCommand {
    /// What the command does to a file's owner, for chown and chgrp.
    fn owner_change(&self) -> Option<OwnerChange> {
        let value = self.value.as_deref()?;
        match self.name.as_str() {
            "chown" => OwnerChange::parse_chown(value),
            "chgrp" => Some(OwnerChange::chgrp(value)),
            _ => None,
        }
    }

    fn is_chmod(&self) -> bool {
        self.name == "chmod"
    }

    /// `chmod +x`, `chown -R app` …: the command as the message names it.
    fn shown(&self) -> String {
        let flag = if self.recursive { " -R" } else { "" };
        match &self.written {
            Some(value) => format!("{}{flag} {value}", self.name),
            None => format!("{}{flag}", self.name),
        }
    }
}

/// The metadata commands of a step's scripts, in order; `None` inside means a command that is
/// not one of them (or can't be read), so the step does other work too.
fn metadata_commands(cx: &Context<'_, '_>, step: &Step<'_>) -> Vec<Option<MetadataCommand>> {
    let mut found = Vec::new();
    for run in cx.model.scripts_of(step.instruction) {
        let Some(script) = &run.script else {
            found.push(None);
            continue;
        };
        if script.has_opaque() || script.defines_functions() {
            found.push(None);
        }
        for command in script.simple_commands() {
            found.push(parse_command(&command, &|span| run.file_span(span)));
        }
    }
    found
}

fn parse_command(
    command: &CommandRef<'_>,
    file_span: &dyn Fn(Span) -> Span,
) -> Option<MetadataCommand> {
    let name = command.basename()?.into_owned();
    if !METADATA_COMMANDS.contains(&name.as_str()) {
        return None;
    }
    let context = command.context;
    let mut plain = !(context.in_subshell
        || context.in_pipeline
        || context.in_compound
        || context.in_condition
        || context.in_function
        || context.after_or
        || context.background);
    let mut recursive = false;
    let mut value: Option<String> = None;
    let mut reference = false;
    let mut written = None;
    let mut operands = Vec::new();
    let mut words = command.args().iter();
    let mut after_dashes = false;
    while let Some(word) = words.next() {
        let text = command.literal(word);
        let text = text.as_deref().unwrap_or("");
        if !after_dashes && text == "--" {
            after_dashes = true;
            continue;
        }
        let is_mode_word = name == "chmod" && value.is_none() && !reference && is_mode(text);
        if !after_dashes && text.starts_with('-') && text.len() > 1 && !is_mode_word {
            if text == "-R" || text == "--recursive" {
                recursive = true;
            } else if text.starts_with("--reference") {
                reference = true;
                if text == "--reference" {
                    words.next();
                }
                plain = false;
            } else if text.starts_with('-') && !text.starts_with("--") && text.contains('R') {
                recursive = true;
                plain &= text
                    .chars()
                    .skip(1)
                    .all(|c| c == 'R' || c == 'f' || c == 'v');
            } else {
                plain = false;
            }
            continue;
        }
        if value.is_none() && !reference {
            written = Some(command.text(word.span).to_string());
            value = command.literal(word).map(|v| v.into_owned());
            if value.is_none() {
                plain = false;
                value = Some(String::new());
            }
            continue;
        }
        operands.push(file_span(word.span));
    }
    let value = value.filter(|v| !v.is_empty());
    Some(MetadataCommand {
        name,
        value,
        written,
        recursive,
        span: file_span(command.command.span),
        operands,
        plain,
    })
}

/// Whether a dash word is a symbolic mode (`-x`, `-w,u+r`) rather than options.
fn is_mode(text: &str) -> bool {
    let letters = text.strip_prefix('-').unwrap_or(text);
    !letters.is_empty()
        && letters
            .chars()
            .all(|c| "rwxXstugoa".contains(c) || c.is_ascii_digit() || ",+=-".contains(c))
        && !letters.chars().all(|c| c == 'R')
}

/// What the rule knows about the files a touch reaches: their modes and owner before it.
struct Before {
    /// The modes of the regular files, when known.
    modes: Option<Vec<u32>>,
    owner: Option<Owner>,
    /// Why the modes are unknown, for a "may" message.
    modes_unknown_why: &'static str,
}

/// What a touch reaches of what an earlier step created.
struct Reach<'s, 'a> {
    origin: Origin<'s, 'a>,
    /// The source of a COPY/ADD: file, directory or unknown.
    kind: source::Kind,
    before: Before,
}

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    let creations = cx.creations(stage.index);
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        if !effects
            .touches
            .iter()
            .any(|t| METADATA_COMMANDS.contains(&t.via.as_str()))
        {
            continue;
        }
        let commands = metadata_commands(cx, step);
        let fix = rewrite::copy_flags_fix(cx, stage, creations, index, &commands);
        let mut reported: Vec<usize> = Vec::new();
        for touched in effects
            .touches
            .iter()
            .filter(|t| METADATA_COMMANDS.contains(&t.via.as_str()))
        {
            let Some(origin) = origin::find(stage, creations, index, touched) else {
                continue;
            };
            if reported.contains(&origin.index) {
                continue;
            }
            let Some(command) = commands
                .iter()
                .flatten()
                .find(|c| c.span.contains(touched.span))
            else {
                continue;
            };
            if deleted_by(effects, touched, &origin) {
                // Whatever the command changed, the same layer removes it: no second copy.
                continue;
            }
            let Some(reach) = reach(cx, stage, touched, origin) else {
                continue;
            };
            let changes = changes(command, &reach.before);
            if changes == Some(false) {
                continue;
            }
            reported.push(reach.origin.index);
            // The other kind of change (a `chmod` beside a `chown`) in this RUN that reaches the
            // same files: one finding, but the cure must name both, or following it would still
            // leave a copy behind.
            let companion = effects
                .touches
                .iter()
                .filter(|t| METADATA_COMMANDS.contains(&t.via.as_str()))
                .filter_map(|t| {
                    let other = commands
                        .iter()
                        .flatten()
                        .find(|c| c.span.contains(t.span))?;
                    (other.is_chmod() != command.is_chmod()).then_some((t, other))
                })
                .find(|(t, other)| {
                    origin::find(stage, creations, index, t)
                        .is_some_and(|o| o.index == reach.origin.index)
                        && self::changes(other, &reach.before) != Some(false)
                })
                .map(|(_, other)| other);
            report(
                cx,
                stage,
                index,
                touched,
                (command, companion),
                &reach,
                changes,
                fix.as_ref(),
            );
        }
    }
}

/// The touched files are removed by a later command of the same step.
fn deleted_by(effects: &Effects, touched: &PathEffect, origin: &Origin<'_, '_>) -> bool {
    let reached = if origin.partial {
        &touched.path
    } else {
        &origin.created.path
    };
    effects
        .deletes
        .iter()
        .any(|d| removes(&d.path, d.recursive, reached))
}

fn reach<'s, 'a>(
    cx: &Context<'_, '_>,
    stage: &'s Stage<'a>,
    touched: &PathEffect,
    origin: Origin<'s, 'a>,
) -> Option<Reach<'s, 'a>> {
    let creator = origin.step.instruction;
    if !matches!(creator.keyword, Keyword::Copy | Keyword::Add) {
        return Some(Reach {
            before: run_created(stage, &origin),
            kind: source::Kind::Unknown,
            origin,
        });
    }
    let word = source::word(creator, origin.created);
    let rel =
        word.and_then(|w| source::context_path(creator, origin.step, w, cx.dockerfile.escape));
    let kind = word.map_or(source::Kind::Unknown, |w| {
        source::kind(cx.build_context, rel.as_deref(), w)
    });
    // Only the directory itself: its metadata is all that changes, no file bytes are copied. A
    // path copied from another stage or image (`COPY --from=build /opt/conda /opt/conda`) is
    // most often a directory, and nothing can show it is not: quiet there too.
    let from_elsewhere = creator.flag("from").is_some() && kind == source::Kind::Unknown;
    if !touched.recursive
        && !origin.partial
        && touched.path == origin.created.path
        && (kind == source::Kind::Dir || from_elsewhere)
    {
        return None;
    }
    let chmod_flag = creator.flag("chmod").and_then(|f| f.value.as_deref());
    let (modes, why) = if let Some(mode) = chmod_flag {
        match u32::from_str_radix(mode, 8) {
            Ok(mode) => (Some(vec![mode]), ""),
            Err(_) => (None, "the mode its --chmod sets is not read here"),
        }
    } else if word.is_some_and(|w| source::is_remote(&w.text)) && creator.keyword == Keyword::Add {
        // BuildKit and buildah save a downloaded file with mode 0600.
        (Some(vec![0o600]), "")
    } else if let Some(rel) = &rel {
        let at = if origin.partial {
            let rest = touched.path[origin.created.path.len()..].trim_start_matches('/');
            match (kind, rest.is_empty()) {
                (_, true) => rel.clone(),
                (source::Kind::Dir, false) if rel.is_empty() => rest.to_string(),
                (source::Kind::Dir, false) => format!("{rel}/{rest}"),
                _ => String::new(),
            }
        } else {
            rel.clone()
        };
        let modes = if origin.partial && at.is_empty() && !rel.is_empty() {
            None
        } else {
            source::modes(cx.build_context, &at)
        };
        let why = if !cx.build_context.is_known() {
            "without a build context its mode is unknown"
        } else if cx.build_context.exists(&at) == Some(true) {
            "its mode in the build context can't be read"
        } else {
            "the build context does not hold it"
        };
        (modes.filter(|m| !m.is_empty()), why)
    } else {
        (None, "its mode is not known here")
    };
    let owner = modes::copy_owner(creator.flag("chown").and_then(|f| f.value.as_deref()));
    Some(Reach {
        origin,
        kind,
        before: Before {
            modes,
            owner: Some(owner),
            modes_unknown_why: why,
        },
    })
}

/// What a RUN left: a file a download, `dd` or a redirection wrote has mode 0644 (the default
/// umask), owned by the user the RUN ran as.
fn run_created(stage: &Stage<'_>, origin: &Origin<'_, '_>) -> Before {
    const WRITERS: &[&str] = &["curl", "wget", "dd", "tee", ">", ">>", ">|", "&>"];
    let modes = (!origin.created.recursive && WRITERS.contains(&origin.created.via.as_str()))
        .then(|| vec![0o644]);
    let user = user_at(stage, origin.index).unwrap_or_else(|| "0".to_string());
    Before {
        modes,
        owner: Some(Owner {
            user: Some(user),
            group: None,
        }),
        modes_unknown_why: "its mode is not known here",
    }
}

/// The user named by the last `USER` before step `index` in the stage, or in the stage it is
/// built from; `None` when none is seen (the base image's user, root for the common images).
fn user_at(stage: &Stage<'_>, index: usize) -> Option<String> {
    stage.steps[..index].iter().rev().find_map(|step| {
        if step.instruction.keyword != Keyword::User {
            return None;
        }
        match &step.instruction.args {
            Args::Text(word) => Some(word.text.split(':').next().unwrap_or("").to_string()),
            _ => None,
        }
    })
}

/// Whether the command changes the files it reaches: `Some(false)` only when certainly not.
fn changes(command: &MetadataCommand, before: &Before) -> Option<bool> {
    if command.is_chmod() {
        let spec = command.value.as_deref()?;
        let modes = before.modes.as_ref()?;
        let mut changed = false;
        for &mode in modes {
            changed |= modes::apply_chmod(spec, mode)? != mode;
        }
        Some(changed)
    } else {
        command.owner_change()?.changes(before.owner.as_ref()?)
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    index: usize,
    touched: &PathEffect,
    (command, companion): (&MetadataCommand, Option<&MetadataCommand>),
    reach: &Reach<'_, '_>,
    changes: Option<bool>,
    copy_fix: Option<&rewrite::CopyFix>,
) {
    let origin = &reach.origin;
    let creator = origin.step.instruction;
    let keyword = creator.keyword.as_str();
    let created_line = cx.line_of(creator.span);
    let is_copy = matches!(creator.keyword, Keyword::Copy | Keyword::Add);
    let many = touched.recursive
        && (!is_copy || reach.kind == source::Kind::Dir)
        && origin.created.recursive
        && is_within(&origin.created.path, &touched.path);
    let changed = if origin.partial {
        format!(
            "{}, part of what the {keyword} on line {created_line} brought",
            touched.path
        )
    } else if many {
        format!(
            "every file in {}, which the {keyword} on line {created_line} created",
            origin.created.path
        )
    } else {
        // `>>` adds to a file an earlier layer made; this layer holds a whole copy all the same.
        let made = if origin.created.via == ">>" {
            "last wrote"
        } else {
            "created"
        };
        format!(
            "{}, which the {keyword} on line {created_line} {made}",
            origin.created.path
        )
    };
    let verb = match changes {
        Some(_) => format!("changes {changed}"),
        None if command.is_chmod() => format!("may change {changed} ({})", unless_mode(reach)),
        None => format!("may change {changed} (unless it already has that owner)"),
    };
    let mut cure = cure(cx, command, reach, stage, index);
    if let Some(other) = companion.filter(|_| is_copy) {
        let flag = if other.is_chmod() { "chmod" } else { "chown" };
        if creator.flag(flag).is_none() {
            cure.push_str(&format!(
                "; the {} in this RUN changes it too: set that with {keyword} --{flag} as well",
                other.shown()
            ));
        }
    }
    let message = format!(
        "{} {} {verb}: a changed file is copied whole into this layer, so its bytes ship twice; {cure}",
        command.shown(),
        touched.path,
    );
    let (fix, refusal) = if is_copy {
        (copy_fix.map(|f| f.fix.clone()), None)
    } else {
        origin::merge_fix(cx, stage, origin.index, index)
    };
    origin::report(cx, touched.span, message, origin.created, fix, refusal);
}

fn unless_mode(reach: &Reach<'_, '_>) -> String {
    match reach.before.modes_unknown_why {
        "" => "unless it already has that mode".to_string(),
        why => format!("unless it already has that mode; {why}"),
    }
}

/// The user or group of `change` that a step after the copy (up to the changing one) creates
/// with `useradd`, `adduser`, `groupadd` or `addgroup`.
fn made_after(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    copy: usize,
    touching: usize,
    change: &modes::OwnerChange,
) -> Option<String> {
    let names: Vec<&str> = change
        .user
        .iter()
        .chain(change.group.iter().flatten())
        .map(String::as_str)
        .filter(|n| !n.is_empty() && !n.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    const CREATORS: &[&str] = &["useradd", "adduser", "groupadd", "addgroup"];
    stage.steps[copy + 1..=touching]
        .iter()
        .filter(|s| s.instruction.keyword == Keyword::Run)
        .find_map(|step| {
            let words: Vec<&str> = cx
                .text(step.instruction.span)
                .split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|')
                .collect();
            let creates = words.iter().any(|w| CREATORS.contains(w));
            let named = names.iter().find(|n| words.contains(n));
            creates.then_some(named).flatten().map(|n| n.to_string())
        })
}

/// What to do instead, in words.
fn cure(
    cx: &Context<'_, '_>,
    command: &MetadataCommand,
    reach: &Reach<'_, '_>,
    stage: &Stage<'_>,
    index: usize,
) -> String {
    let creator = reach.origin.step.instruction;
    let keyword = creator.keyword.as_str();
    if !matches!(creator.keyword, Keyword::Copy | Keyword::Add) {
        return "do it in the RUN that creates the files".to_string();
    }
    let line = cx.line_of(creator.span);
    let flag = if command.is_chmod() { "chmod" } else { "chown" };
    if let Some(existing) = creator.flag(flag) {
        return format!(
            "the {keyword} on line {line} already sets {} with {}: set the one you want there",
            if command.is_chmod() {
                "the mode"
            } else {
                "the owner"
            },
            existing.text
        );
    }
    let value = if command.is_chmod() {
        command
            .value
            .as_deref()
            .filter(|v| v.bytes().all(|b| b.is_ascii_digit()))
            .map(|v| format!("={v}"))
            .unwrap_or_default()
    } else {
        command
            .owner_change()
            .and_then(|change| rewrite::chown_value(&change.apply(&modes::copy_owner(None))))
            .map(|v| format!("={v}"))
            .unwrap_or_default()
    };
    let what = if command.is_chmod() { "mode" } else { "owner" };
    // `--chown=app` on a COPY needs `app` to exist when the COPY runs: a user made after it
    // (often by the very RUN that chowns) would fail the build.
    if let Some(name) = command
        .owner_change()
        .and_then(|change| made_after(cx, stage, reach.origin.index, index, &change))
    {
        return format!(
            "{name} is created after the {keyword} on line {line}, so --chown there would fail: create it first and move the {keyword} below, then set the {what} with {keyword} --{flag}{value}, or give numeric ids"
        );
    }
    if reach.origin.partial {
        format!("set the {what} as the file arrives, with its own {keyword} --{flag}{value}")
    } else if reach.kind == source::Kind::Dir && !command.is_chmod() {
        format!(
            "set the {what} as the files arrive with {keyword} --{flag}{value} (it does not change the owner of {} itself when the directory already exists)",
            reach.origin.created.path
        )
    } else {
        format!("set the {what} as it arrives with {keyword} --{flag}{value}")
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::{Applicability, Diagnostic};
    use crate::project::BuildContext;
    use crate::{LintOptions, lint_with};
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::path::Path;

    /// A context directory holding `files` with their modes.
    fn context(files: &[(&str, u32)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("a temporary directory");
        for (path, mode) in files {
            let file = dir.path().join(path);
            fs::create_dir_all(file.parent().expect("a parent")).expect("a directory");
            fs::write(&file, "#!/bin/sh\n").expect("a file");
            fs::set_permissions(&file, fs::Permissions::from_mode(*mode)).expect("a mode");
        }
        dir
    }

    fn findings(source: &str, root: Option<&Path>) -> Vec<Diagnostic> {
        let options = LintOptions {
            build_context: root.map_or(BuildContext::Unknown, BuildContext::directory),
            ..LintOptions::default()
        };
        lint_with(source, &options)
            .into_iter()
            .filter(|d| d.code == "LL303")
            .collect()
    }

    fn fix_of(found: &Diagnostic) -> Option<(Applicability, Vec<String>)> {
        let fix = found.fix.as_ref()?;
        Some((
            fix.applicability,
            fix.edits.iter().map(|e| e.content.clone()).collect(),
        ))
    }

    #[test]
    fn no_finding_for_a_file_already_executable_in_the_context() {
        let dir = context(&[("run.sh", 0o755), ("conf/app.sh", 0o755)]);
        let source = "FROM busybox\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n";
        assert!(findings(source, Some(dir.path())).is_empty());
        // The same file inside a whole-directory copy.
        let source = "FROM busybox\nCOPY . /app\nRUN chmod +x /app/conf/app.sh\n";
        assert!(findings(source, Some(dir.path())).is_empty());
        let source = "FROM busybox\nCOPY conf /etc/conf\nRUN chmod -R a+x /etc/conf\n";
        assert!(findings(source, Some(dir.path())).is_empty());
    }

    #[test]
    fn the_cure_names_a_chmod_beside_the_chown_in_the_same_run() {
        // `COPY --chown` alone would leave the chmod copying the file again.
        let source = "FROM busybox\nRUN adduser -D app\nCOPY run.sh /srv/run.sh\nRUN chown app:app /srv/run.sh && chmod +x /srv/run.sh\n";
        let dir = context(&[("run.sh", 0o644)]);
        let found = findings(source, Some(dir.path()));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].message.ends_with(
                "the chmod +x in this RUN changes it too: set that with COPY --chmod as well"
            ),
            "{}",
            found[0].message
        );
        // Already executable in the context: the chmod changes nothing, so it is not named.
        let dir = context(&[("run.sh", 0o755)]);
        let found = findings(source, Some(dir.path()));
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(!found[0].message.contains("chmod"), "{}", found[0].message);
    }

    #[test]
    fn a_file_not_yet_executable_gets_an_octal_chmod() {
        let dir = context(&[("run.sh", 0o644)]);
        let source = "FROM busybox\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n";
        let found = findings(source, Some(dir.path()));
        assert_eq!(found.len(), 1);
        assert!(
            found[0]
                .message
                .starts_with("chmod +x /run.sh changes /run.sh,")
        );
        assert_eq!(
            fix_of(&found[0]),
            Some((
                Applicability::Unsafe,
                vec![" --chmod=755".into(), String::new()]
            ))
        );
    }

    #[test]
    fn without_a_context_the_message_says_may() {
        let source = "FROM busybox\nCOPY run.sh /run.sh\nRUN chmod +x /run.sh\n";
        let found = findings(source, None);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("may change /run.sh"),
            "{}",
            found[0].message
        );
        // A symbolic mode can't be turned into --chmod without the file's mode.
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn chmod_of_one_file_of_a_directory_copy_offers_no_chmod_flag() {
        let dir = context(&[("run.sh", 0o644), ("README.md", 0o644)]);
        let source = "FROM busybox\nCOPY . /app\nRUN chmod 755 /app/run.sh\n";
        let found = findings(source, Some(dir.path()));
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(
            found[0]
                .message
                .contains("part of what the COPY on line 2 brought")
        );
    }

    #[test]
    fn a_chown_with_a_chmod_left_in_the_run_offers_nothing() {
        // checkov's kubernetes image: both on a file of a copy into an existing directory.
        let source = "FROM busybox\nCOPY run_checkov.sh /app\nWORKDIR /app\n\
                      RUN chown nobody /app/run_checkov.sh && chmod +x /app/run_checkov.sh\n";
        let found = findings(source, None);
        assert!(!found.is_empty());
        assert!(found.iter().all(|f| f.fix.is_none()), "{found:?}");
    }

    #[test]
    fn a_run_doing_other_work_is_never_removed() {
        for source in [
            "FROM busybox\nCOPY busybox.tar /home/user/busybox.tar\nRUN chown -R user:user /home/user /run /tmp\n",
            "FROM busybox\nCOPY privoxy.conf /etc/privoxy/config\nRUN chown -R privoxy /etc/privoxy\n",
            "FROM busybox\nCOPY a.sh /a.sh\nRUN chmod 755 /a.sh && touch /ready\n",
            "FROM busybox\nCOPY a.sh /a.sh\nRUN chmod 755 /a.sh || true\n",
        ] {
            let found = findings(source, None);
            assert_eq!(found.len(), 1, "{source}");
            assert!(found[0].fix.is_none(), "{source}: {:?}", found[0].fix);
        }
    }

    #[test]
    fn messages_name_a_file_as_a_file() {
        let source = "FROM busybox\nCOPY busybox.tar /home/user/busybox.tar\nRUN chown -R nobody /home/user\n";
        let found = findings(source, None);
        assert!(
            !found[0].message.contains("every file in"),
            "{}",
            found[0].message
        );
        let source = "FROM busybox\nCOPY --chown=app:app app.conf /etc/app.conf\nRUN chown nobody /etc/app.conf\n";
        let found = findings(source, None);
        assert!(
            found[0]
                .message
                .contains("already sets the owner with --chown=app:app"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_whole_directory_copy_keeps_every_file_in_the_message() {
        let source = "FROM busybox\nCOPY . /app\nRUN chown -R nobody /app\n";
        let found = findings(source, None);
        assert!(
            found[0].message.contains("every file in /app"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .message
                .contains("not change the owner of /app itself")
        );
    }

    #[test]
    fn a_chown_of_part_of_a_copy_from_another_stage_offers_no_rewrite() {
        // opentelemetry-demo's accounting image: `--chown=app` on the COPY would own every
        // published file, with app's group, not instrument.sh alone with group root.
        let source = "FROM busybox AS publish\nRUN mkdir -p /app/publish\nFROM busybox\nWORKDIR /app\n\
                      COPY --from=publish /app/publish .\nRUN chown app /app/instrument.sh\n";
        let found = findings(source, None);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(
            found[0].message.contains("its own COPY --chown=app:root"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn a_chown_of_the_directory_above_a_downloaded_file_offers_no_rewrite() {
        // kaniko's parent-dir-perms test: the chown also reaches /home/user and whatever else
        // is there; the file keeps group root.
        let source = "FROM busybox\nRUN adduser -D user\nRUN mkdir -p /home/user/foo\n\
                      ADD https://example.com/README.md /home/user/foo/README.md\nRUN chown -R user /home/user\n";
        let found = findings(source, None);
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(
            found[0]
                .message
                .starts_with("chown -R user /home/user changes /home/user/foo/README.md,")
        );
        assert!(
            found[0].message.contains("ADD --chown=user:root"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn no_chown_rewrite_for_a_user_made_after_the_copy() {
        let source = "FROM ubuntu:22.04\nCOPY app.conf /etc/app.conf\nRUN useradd app\nRUN chown app /etc/app.conf\n";
        let found: Vec<_> = crate::lint(source)
            .into_iter()
            .filter(|d| d.code == "LL303")
            .collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
        assert!(
            found[0]
                .message
                .contains("app is created after the COPY on line 2")
        );
    }
}
