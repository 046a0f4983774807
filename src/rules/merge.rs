//! Merging consecutive `RUN`s into one: the single helper behind every fix that merges `RUN`s
//! (DL3059, and the layer rules that cure waste by doing create and delete in one layer). It
//! implements LAYER-RULES.md "When two RUNs can be merged".
//!
//! The merged instruction keeps the first `RUN`'s keyword and flags, then each script's own
//! text (its continuation lines as the user wrote them), joined by ` && ` plus the file's escape
//! character, line ending and continuation indentation. Each original `RUN` is `sh -c S`, and the
//! build stops when `S` exits non-zero; the merged `RUN` must run each script in the state a fresh
//! shell would have, and only when every script before it succeeded. The joining rules that give
//! exactly that, one script at a time (`S1` is the first of the merge):
//!
//! - `S1` is kept as written: `a; b && S2` runs `S2` iff `b` succeeded, which is when `RUN a; b`
//!   succeeded (a list's status is its last command's). `a || c && S2` is `(a || c) && S2`.
//! - A later script with more than one list item (`c; d`) or a top-level `||` is grouped,
//!   `S1 && { c; d; }`: `S1 && c; d` would run `d` even when `S1` failed, and `S1 && c || d`
//!   would run `d` when `S1` failed.
//! - A script that changes the shell's own state anywhere outside a subshell (`cd`, `export`,
//!   `set`, a bare assignment, a function definition, `exit`, … see [`LEAKY`]; also inside an
//!   `if` or `{ …; }`, and `${X:=v}`) and is followed by another runs in a subshell,
//!   `( S1 ) && S2`, so the next script starts from a fresh state; `exit` then ends only the
//!   subshell. The last script needs no subshell: nothing follows it.
//! - A trailing `;` is dropped (`a; && b` is a syntax error) and a trailing shell comment moves to
//!   a Dockerfile comment line above the merged `RUN` (`a # note && b` would comment out `b`).
//!   Continuation lines are only taken up to the last command, so comment lines Docker drops from
//!   inside a continuation also move above instead of swallowing the `&&`.
//!
//! Refused, because no joining keeps the behaviour:
//!
//! - a background job (`a &`): merged, it would keep running while the next script runs;
//! - `set -e` that a merge would switch off: a shell ignores `-e` in every command of an `&&` list
//!   but the last, and inside any group or subshell in that place, so `( set -e; a; b ) && c` runs
//!   `b` after `a` fails. Whenever `-e` may be on for a script that is not the last of the merge
//!   (the script turns it on, or the stage's `SHELL` does), the part of it left of `&&` must be a
//!   single and-or list of simple commands, whose failure the `&&` chain carries on its own.
//!   Otherwise the scripts may still join with `;` instead, when `-e` is on from the first
//!   script's first command and each script behaves the same under the options the earlier ones
//!   left on (see [`Errexit`]): `set -eux; a; b; c` stops where `RUN set -eux; a; b` would;
//! - different flags, a `tmpfs` or read-write bind mount (each `RUN` gets a fresh one), heredocs,
//!   exec form, a shell other than POSIX `sh`, a script the splitter could not read, and any
//!   instruction between the `RUN`s that changes what a later `RUN` sees.
//!
//! Continuation lines take the shortest indentation of the first `RUN`'s continuation lines (or
//! of the next `RUN` that has some): the command level, not a deeper list of packages. Without
//! any, four spaces more than the `RUN`.
//!
//! Instructions that only set image metadata (`LABEL`, `EXPOSE`, `CMD`, `ENTRYPOINT`,
//! `STOPSIGNAL`, `HEALTHCHECK`, `MAINTAINER`) may sit between the `RUN`s: they move after the
//! merged `RUN`, in their order, each with the comment lines directly above it. Other comment
//! lines between the `RUN`s go above the merged `RUN`; blank lines between them are dropped.

use std::cell::OnceCell;
use std::fmt;

use super::declared::{declared_names, mentions};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Base, Model, Stage};
use crate::span::Span;
use crate::syntax::mount::MountKind;
use crate::syntax::script::{Dialect, RunScript};
use crate::syntax::shell::{AndOr, Command, CommandRef, Connector, Script, Terminator};
use crate::syntax::{Args, Dockerfile, Instruction, Item, Keyword};

/// A merge the rules allow: the edit that rewrites the region, and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged {
    /// One edit replacing every physical line from the first `RUN` to the last.
    pub edits: Vec<Edit>,
    /// The spans of the merged `RUN` instructions, in order.
    pub runs: Vec<Span>,
    /// The metadata instructions moved after the merged `RUN`, in order.
    pub moved: Vec<Keyword>,
    /// The `ENV` and `ARG` instructions moved above it (only in [`Merger::merge_hoisting`]).
    pub hoisted: Vec<Span>,
}

impl Merged {
    pub fn into_fix(self, title: impl Into<String>, applicability: Applicability) -> Fix {
        Fix {
            title: title.into(),
            applicability,
            edits: self.edits,
        }
    }
}

/// Why `RUN`s cannot be merged. `line` is the 1-based line of the instruction at fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The step indices do not name two different `RUN`s of the stage, first before last.
    NotRuns,
    ExecForm {
        line: usize,
    },
    Heredoc {
        line: usize,
    },
    /// Windows, PowerShell, cmd, or a shell this tool does not know.
    NotPosix {
        line: usize,
    },
    /// The flags differ from the first `RUN`'s.
    FlagsDiffer {
        line: usize,
    },
    /// A `tmpfs` or read-write bind mount: each `RUN` starts with a fresh one.
    PrivateMount {
        line: usize,
    },
    /// Part of the script could not be split, or there is no script.
    Unreadable {
        line: usize,
    },
    Background {
        line: usize,
    },
    /// `set -e` may be on, and the merge would put the script where the shell ignores it.
    Errexit {
        line: usize,
    },
    /// An instruction between the `RUN`s that changes what a later `RUN` sees.
    Barrier {
        line: usize,
        keyword: Keyword,
    },
    /// An instruction with a syntax error between the `RUN`s.
    Malformed {
        line: usize,
    },
    /// An `ENV` or `ARG` that cannot move above the `RUN`s before it: one of them names the
    /// variable, or the variable changes how every command runs (`PATH` …).
    Hoist {
        line: usize,
        name: String,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::NotRuns => {
                write!(f, "the steps to merge are not two or more RUN instructions")
            }
            Refusal::ExecForm { line } => write!(
                f,
                "the RUN on line {line} is in exec (JSON) form; only shell-form scripts can be joined"
            ),
            Refusal::Heredoc { line } => write!(
                f,
                "the RUN on line {line} uses a heredoc, which cannot be joined with &&"
            ),
            Refusal::NotPosix { line } => write!(
                f,
                "the RUN on line {line} runs in a shell other than POSIX sh (Windows, PowerShell, cmd or unknown)"
            ),
            Refusal::FlagsDiffer { line } => write!(
                f,
                "the RUN on line {line} has other flags than the first RUN, so it needs its own build environment"
            ),
            Refusal::PrivateMount { line } => write!(
                f,
                "the RUN on line {line} has a tmpfs or read-write bind mount; each RUN gets a fresh one, which a merge would share"
            ),
            Refusal::Unreadable { line } => write!(
                f,
                "the script of the RUN on line {line} could not be fully read, so joining it could change its meaning"
            ),
            Refusal::Background { line } => write!(
                f,
                "the RUN on line {line} starts a background job, which a merge would leave running while the next script runs"
            ),
            Refusal::Errexit { line } => write!(
                f,
                "the RUN on line {line} may run with set -e, which the shell ignores before && (even inside ( … )), so a failing command would no longer stop it"
            ),
            Refusal::Barrier { line, keyword } => write!(
                f,
                "{} on line {line} sits between the RUNs and changes what a later RUN sees",
                keyword.as_str()
            ),
            Refusal::Malformed { line } => write!(
                f,
                "the instruction on line {line} between the RUNs has a syntax error"
            ),
            Refusal::Hoist { line, name } => write!(
                f,
                "{name} set on line {line} cannot move above the RUNs before it: one of them reads it, or it changes how every command runs"
            ),
        }
    }
}

/// Merges steps `first..=last` of stage `stage`: see the module documentation. Reads every
/// `RUN` of the file; a rule that tries several merges should keep one [`Merger`].
pub fn merge_runs(
    model: &Model<'_>,
    stage: usize,
    first: usize,
    last: usize,
) -> Result<Merged, Refusal> {
    Merger::new(model).merge(stage, first, last)
}

/// What a `RUN` brings to a merge, read once when first needed.
type LazyPiece<'a> = OnceCell<Result<Piece<'a>, Refusal>>;

/// One `RUN` with a script, as the merger keeps it: the script, what it brings to any merge, and
/// what a `;` join under `set -e` needs of it (read only for such a join, which most merges never
/// try).
struct Entry<'m, 'a> {
    script: &'m RunScript<'a>,
    piece: LazyPiece<'a>,
    /// Boxed: one pointer per `RUN` until it is read.
    errexit: OnceCell<Box<Errexit>>,
}

/// The model and every `RUN` of the file read once, for any number of merges.
pub struct Merger<'m, 'a> {
    model: &'m Model<'a>,
    /// What each `RUN` with a script brings to a merge, by the offset of its keyword, in file
    /// order (a list searched by halves: no hashing, and no empty slots as in a map of
    /// thousands): read the first time a merge asks, since most rules ask about a few `RUN`s
    /// only.
    pieces: Vec<(u32, Entry<'m, 'a>)>,
    shells: Shells,
}

impl<'m, 'a> Merger<'m, 'a> {
    pub fn new(model: &'m Model<'a>) -> Self {
        // The model has split every script already; splitting again would double the cost.
        let mut pieces: Vec<(u32, Entry<'m, 'a>)> = model
            .scripts
            .iter()
            .map(|script| {
                let entry = Entry {
                    script,
                    piece: OnceCell::new(),
                    errexit: OnceCell::new(),
                };
                (script.instruction.span.start, entry)
            })
            .collect();
        // In file order (the model's already is; the sort is stable), and an instruction with
        // several scripts (heredocs) known by its last.
        pieces.sort_by_key(|(start, _)| *start);
        pieces.reverse();
        pieces.dedup_by_key(|(start, _)| *start);
        pieces.reverse();
        Merger {
            model,
            pieces,
            shells: Shells::of(model),
        }
    }

    /// Merges steps `first..=last` of stage `stage` (indices into `Stage::steps`); both must be
    /// `RUN`s and `first < last`. Every `RUN` in between is merged too.
    pub fn merge(&self, stage: usize, first: usize, last: usize) -> Result<Merged, Refusal> {
        self.merge_with(stage, first, last, false)
    }

    /// Like [`Merger::merge`], and `ENV`/`ARG` instructions between the `RUN`s move above the
    /// merged `RUN`, in their order. Not behaviour-preserving in general: the earlier scripts
    /// then run with those variables set, which matters when a program they start reads one.
    /// Refused where the model can see it matters: an earlier `RUN` of the merge names the
    /// variable, or it is one that changes how any command runs ([`SHAPES_EVERY_COMMAND`]).
    pub fn merge_hoisting(
        &self,
        stage: usize,
        first: usize,
        last: usize,
    ) -> Result<Merged, Refusal> {
        self.merge_with(stage, first, last, true)
    }

    fn merge_with(
        &self,
        stage: usize,
        first: usize,
        last: usize,
        hoist: bool,
    ) -> Result<Merged, Refusal> {
        let dockerfile = self.model.dockerfile;
        let stage_ref = self.model.stages.get(stage).ok_or(Refusal::NotRuns)?;
        let (Some(first_run), Some(last_run)) = (run_at(stage_ref, first), run_at(stage_ref, last))
        else {
            return Err(Refusal::NotRuns);
        };
        if first >= last {
            return Err(Refusal::NotRuns);
        }
        let region = Span {
            start: first_run.lines.start,
            end: last_run.lines.end,
        };
        let layout = Layout::of(dockerfile, region, hoist)?;
        check_hoisted(dockerfile, &layout)?;
        let pieces = layout
            .runs
            .iter()
            .map(|run| self.piece(run))
            .collect::<Result<Vec<_>, _>>()?;
        if let Some(odd) = pieces.iter().find(|p| p.flags != pieces[0].flags) {
            return Err(Refusal::FlagsDiffer { line: odd.line });
        }
        let shell_errexit = errexit_shell(&self.shells, stage_ref, first);
        let (wraps, join) = match wraps(&pieces, shell_errexit) {
            Ok(wraps) => (wraps, Join::And),
            Err(refusal @ Refusal::Errexit { .. }) => {
                let is_set = |index: usize, name: &str| {
                    let run = layout.runs[index].span.start;
                    stage_ref
                        .steps
                        .iter()
                        .find(|s| s.instruction.span.start == run)
                        .and_then(|s| s.vars.get(name))
                        .is_some_and(|var| var.value.is_some())
                };
                let profiles: Vec<&Errexit> = layout
                    .runs
                    .iter()
                    .filter_map(|run| self.errexit(run))
                    .collect();
                if profiles.len() != pieces.len() {
                    return Err(refusal);
                }
                match joins_under_errexit(&pieces, &profiles, shell_errexit, &is_set) {
                    Some(wraps) => (wraps, Join::Sequence),
                    None => return Err(refusal),
                }
            }
            Err(refusal) => return Err(refusal),
        };
        let content = render(dockerfile, &layout, &pieces, &wraps, join);
        Ok(Merged {
            edits: vec![Edit {
                span: region,
                content,
            }],
            runs: layout.runs.iter().map(|r| r.span).collect(),
            moved: layout
                .chunks
                .iter()
                .map(|c| c.instruction.keyword)
                .collect(),
            hoisted: layout.hoisted.iter().map(|c| c.instruction.span).collect(),
        })
    }

    /// The longest merge starting at step `first` of stage `stage`: the `RUN`s after it join
    /// one at a time while the rules allow, and the stretch is written once. Returns the last
    /// step merged and the merge; `None` if not even the next `RUN` can join.
    pub fn longest_from(&self, stage: usize, first: usize) -> Option<(usize, Merged)> {
        let dockerfile = self.model.dockerfile;
        let stage_ref = self.model.stages.get(stage)?;
        let head = self.piece(run_at(stage_ref, first)?).ok()?;
        let shell_errexit = errexit_shell(&self.shells, stage_ref, first);
        let (mut last, mut tail, mut count) = (first, head, 1);
        let mut sequence = false;
        while let Some(next) = next_run(stage_ref, last) {
            let run = stage_ref.steps[next].instruction;
            let gap = Span {
                start: tail.instruction.lines.end,
                end: run.lines.start,
            };
            // The checks `merge` makes, for what this step adds: the gap, the new `RUN`, and
            // the old last script, which now sits left of `&&`.
            // A stretch is joined one way throughout: with `&&` while every script may sit left
            // of it, else with `;` under `set -e` (decided at its first join), which `merge`
            // checks for the whole stretch.
            if count == 1 {
                sequence = left_of_and(tail, 0, shell_errexit).is_err();
            }
            let joins = check_gap(dockerfile, gap).is_ok()
                && self.piece(run).is_ok_and(|p| p.flags == head.flags)
                && if sequence {
                    self.merge(stage, first, next).is_ok()
                } else {
                    left_of_and(tail, count - 1, shell_errexit).is_ok()
                };
            let Ok(piece) = self.piece(run) else { break };
            if !joins {
                break;
            }
            (last, tail, count) = (next, piece, count + 1);
        }
        if last == first {
            return None;
        }
        self.merge(stage, first, last)
            .ok()
            .map(|merged| (last, merged))
    }

    /// What a `RUN` brings to a merge, or why it cannot take part.
    fn piece(&self, run: &Instruction) -> Result<&Piece<'a>, Refusal> {
        let dockerfile = self.model.dockerfile;
        let piece = self.entry(run).map(|entry| {
            entry
                .piece
                .get_or_init(|| read_piece(dockerfile, entry.script))
        });
        match piece {
            Some(Ok(piece)) => Ok(piece),
            Some(Err(refusal)) => Err(refusal.clone()),
            // No script: exec form, or an instruction the parser could not read.
            None => {
                let line = line_at(self.model.dockerfile, run.span.start);
                Err(match run.args {
                    Args::Json(_) => Refusal::ExecForm { line },
                    _ => Refusal::Unreadable { line },
                })
            }
        }
    }
}

impl<'m, 'a> Merger<'m, 'a> {
    /// The entry of a `RUN` with a script.
    fn entry(&self, run: &Instruction) -> Option<&Entry<'m, 'a>> {
        let start = run.span.start;
        let at = self.pieces.partition_point(|(other, _)| *other < start);
        self.pieces
            .get(at)
            .filter(|(other, _)| *other == start)
            .map(|(_, entry)| entry)
    }

    /// How a `RUN` whose piece was read (so it has a script with a body) stands towards `set
    /// -e`, read the first time a `;` join asks.
    fn errexit(&self, run: &Instruction) -> Option<&Errexit> {
        let entry = self.entry(run)?;
        let script = entry.script.script.as_ref()?;
        let tail = script.body.items.last()?;
        Some(
            entry
                .errexit
                .get_or_init(|| Box::new(errexit_profile(script, tail))),
        )
    }
}

/// Step `index` of the stage, if it is a `RUN`.
fn run_at<'a>(stage: &Stage<'a>, index: usize) -> Option<&'a Instruction> {
    stage
        .steps
        .get(index)
        .map(|s| s.instruction)
        .filter(|i| i.keyword == Keyword::Run)
}

/// The next `RUN` step after step `after`, if only metadata instructions lie between.
fn next_run(stage: &Stage<'_>, after: usize) -> Option<usize> {
    for (index, step) in stage.steps.iter().enumerate().skip(after + 1) {
        match step.instruction.keyword {
            Keyword::Run => return Some(index),
            keyword if is_movable(keyword) => {}
            _ => return None,
        }
    }
    None
}

/// Reads one `RUN` for merging, or says why it cannot take part whatever it is merged with.
fn read_piece<'a>(dockerfile: &Dockerfile, run: &RunScript<'a>) -> Result<Piece<'a>, Refusal> {
    let instruction = run.instruction;
    let line = line_at(dockerfile, instruction.span.start);
    if !instruction.heredocs().is_empty() {
        return Err(Refusal::Heredoc { line });
    }
    if !matches!(instruction.args, Args::Text(_)) {
        return Err(Refusal::Unreadable { line });
    }
    if has_private_mount(instruction) {
        return Err(Refusal::PrivateMount { line });
    }
    let script = match (&run.dialect, &run.script) {
        (Dialect::Posix, Some(script)) => script,
        _ => return Err(Refusal::NotPosix { line }),
    };
    if script.has_opaque() {
        return Err(Refusal::Unreadable { line });
    }
    if runs_in_background(script) {
        return Err(Refusal::Background { line });
    }
    let (Some(head), Some(tail)) = (script.body.items.first(), script.body.items.last()) else {
        return Err(Refusal::Unreadable { line });
    };
    let body = run.file_span(head.span.cover(tail.span));
    // A body ending in the escape character would continue onto the joining line.
    if dockerfile
        .text(body)
        .trim_end()
        .ends_with(dockerfile.escape)
    {
        return Err(Refusal::Unreadable { line });
    }
    let mut comments = Vec::new();
    for comment in &script.comments {
        let at = run.file_span(*comment).start;
        // A shell comment runs to the end of the logical line, so it cannot precede a command.
        if at < body.end {
            return Err(Refusal::Unreadable { line });
        }
        comments.push((at, script.text(*comment).trim_end().to_string()));
    }
    let mut flags: Vec<String> = instruction.flags().iter().map(|f| f.text.clone()).collect();
    // The order of `--mount`s does not matter.
    flags.sort_unstable();
    Ok(Piece {
        instruction,
        line,
        body,
        comments,
        flags,
        several: script.body.items.len() > 1,
        rest_start: script
            .body
            .items
            .get(1)
            .map(|item| run.file_span(item.span).start),
        or_in_tail: tail.connectors.iter().any(|(c, _)| *c == Connector::Or),
        leaks: leaks_state(script),
        sets_errexit: may_set_errexit(script),
        tail_flat: is_flat(tail),
    })
}

/// One `RUN` of a merge, as far as joining it needs.
struct Piece<'a> {
    instruction: &'a Instruction,
    line: usize,
    /// The script's bytes in the file, from its first command to the end of its last, kept as
    /// written (continuations and all).
    body: Span,
    /// Its trailing shell comment: `(file offset, text)`.
    comments: Vec<(u32, String)>,
    /// The flags as BuildKit reads them, sorted.
    flags: Vec<String>,
    /// More than one list item (`a; b`).
    several: bool,
    /// Where its second list item starts in the file, if it has one.
    rest_start: Option<u32>,
    /// A top-level `||` in the last item (`a || b`).
    or_in_tail: bool,
    leaks: bool,
    sets_errexit: bool,
    /// The last list item is an and-or list of simple commands only.
    tail_flat: bool,
}

/// A script as a `;` join under `set -e` sees it. `set -e` scripts cannot go left of `&&` (the
/// shell would ignore `-e` there), but when every script of a merge runs under `-e` from its first
/// command, `S1; S2` stops exactly where the separate `RUN`s would have: a failing command ends
/// the shell as it ended `RUN S1`. What must hold:
/// - the first script turns `-e` on with its first command, and no script turns it off;
/// - a script followed by another leaks no state but its options, and its last command ends the
///   shell when it fails (a plain pipeline; not `a && b`, whose `a` may fail quietly);
/// - a later script behaves the same under the options the earlier ones left on: it sets them
///   itself first, or they cannot change what it does (`-e` for one and-or list, `-u` when every
///   variable it reads is set, `pipefail` without pipelines, `-x`/`-v` only print).
#[derive(Clone, Debug, Default)]
struct Errexit {
    /// The first command is `set` with `-e` (or `-o errexit`).
    from_start: bool,
    /// The options that first `set` turns on (letters, and names after `-o`).
    first_set: Vec<String>,
    /// Every option any `set` in the script turns on; `None` when one is computed.
    turns_on: Option<Vec<String>>,
    /// Some `set` turns an option off (`set +e`), or one is computed.
    turns_off: bool,
    /// State it leaks besides its options (`cd`, `export`, an assignment …).
    leaks_more: bool,
    /// Its last command ends a `set -e` shell when it fails.
    tail_exits: bool,
    /// One and-or list of simple commands (`-e` cannot change what it does).
    single_list: bool,
    /// It runs code the text does not show (`.`, `source`, `eval`), whose behaviour options
    /// the earlier scripts left on may change.
    runs_hidden_code: bool,
    /// A command substitution holds a list (`$(a; b)`): `-e` reaches inside it.
    lists_in_substitutions: bool,
    /// It has a pipeline of several commands (`pipefail` changes its status).
    pipes: bool,
    /// Variables it reads without a default (`$X`, `${X}`), for `-u`.
    reads: Vec<String>,
}

fn errexit_profile(script: &Script, tail: &AndOr) -> Errexit {
    let source = script.source.as_str();
    let mut profile = Errexit {
        turns_on: Some(Vec::new()),
        ..Errexit::default()
    };
    let first_is_set = script.body.items.first().and_then(|item| {
        let [pipeline] = item.pipelines.as_slice() else {
            return None;
        };
        match pipeline.commands.as_slice() {
            [Command::Simple(simple)] if !pipeline.negated => {
                let view = simple.view(source);
                (view.name().as_deref() == Some("set")).then(|| set_options(&view))
            }
            _ => None,
        }
    });
    if let Some(Some((on, _))) = &first_is_set {
        profile.from_start = on.iter().any(|o| o == "e" || o == "errexit");
        profile.first_set = on.clone();
    }
    for command in script.simple_commands() {
        let is_set = match command.name() {
            Some(name) => name.as_ref() == "set",
            None => could_name_one_of(
                command.command.words.first().map_or("", |w| w.text(source)),
                &["set"],
            ),
        };
        if !is_set {
            continue;
        }
        match set_options(&command) {
            Some((on, off)) => {
                profile.turns_off |= !off.is_empty();
                if let Some(all) = &mut profile.turns_on {
                    all.extend(on);
                }
            }
            None => {
                profile.turns_off = true;
                profile.turns_on = None;
            }
        }
    }
    profile.leaks_more = script
        .commands()
        .filter(|(_, context)| !context.in_subshell)
        .any(|(command, _)| match command {
            Command::FunctionDef { .. } => true,
            Command::Simple(simple) => {
                let view = simple.view(source);
                view.name().as_deref() != Some("set") && simple_leaks(view)
            }
            _ => false,
        })
        || expansion_assigns(source);
    let last = tail.pipelines.last();
    profile.tail_exits = is_flat(tail)
        && !tail.connectors.iter().any(|(c, _)| *c == Connector::And)
        && last.is_some_and(|p| !p.negated);
    profile.runs_hidden_code = script
        .simple_commands()
        .any(|command| match command.name() {
            Some(name) => matches!(name.as_ref(), "." | "source" | "eval"),
            None => true,
        });
    profile.lists_in_substitutions = substitution_bodies(source)
        .iter()
        .any(|body| body.contains([';', '\n', '&']) || body.contains("||"));
    profile.single_list =
        script.body.items.len() == 1 && is_flat(tail) && tail.pipelines.iter().all(|p| !p.negated);
    profile.pipes = script
        .body
        .items
        .iter()
        .flat_map(|item| &item.pipelines)
        .any(|p| p.commands.len() > 1)
        || source.contains('|');
    profile.reads = crate::syntax::vars::references(source, '\\')
        .into_iter()
        .filter(|r| r.modifier.is_none())
        .map(|r| source[r.name.clone()].to_string())
        .collect();
    profile
}

/// The bodies of the command substitutions in `source` (`$( … )` and backquotes), outermost
/// first, as far as a scan that skips single quotes and nested parentheses can tell; an
/// unterminated one runs to the end. Arithmetic `$(( … ))` is not a substitution.
fn substitution_bodies(source: &str) -> Vec<&str> {
    let bytes = source.as_bytes();
    let mut bodies = Vec::new();
    let mut at = 0;
    let mut single_quoted = false;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if !single_quoted => at += 1,
            b'\'' => single_quoted = !single_quoted,
            b'$' if !single_quoted
                && bytes.get(at + 1) == Some(&b'(')
                && bytes.get(at + 2) != Some(&b'(') =>
            {
                let start = at + 2;
                let mut depth = 1;
                let mut end = start;
                while end < bytes.len() && depth > 0 {
                    match bytes[end] {
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    end += 1;
                }
                let stop = if depth == 0 { end - 1 } else { end };
                bodies.push(&source[start..stop]);
                at = stop;
            }
            b'`' if !single_quoted => {
                let start = at + 1;
                let stop = source[start..]
                    .find('`')
                    .map_or(source.len(), |i| start + i);
                bodies.push(&source[start..stop]);
                at = stop;
            }
            _ => {}
        }
        at += 1;
    }
    bodies
}

/// The options a `set` command turns on and off; `None` when an argument is computed.
fn set_options(command: &CommandRef<'_>) -> Option<(Vec<String>, Vec<String>)> {
    let (mut on, mut off) = (Vec::new(), Vec::new());
    let mut args = command.args().iter();
    while let Some(word) = args.next() {
        let arg = command.literal(word)?;
        let (list, letters) = match (arg.strip_prefix('-'), arg.strip_prefix('+')) {
            (Some(letters), _) => (&mut on, letters.to_string()),
            (_, Some(letters)) => (&mut off, letters.to_string()),
            // Positional parameters (`set -- a b`, `set a b`): not options.
            _ => break,
        };
        if letters == "-" || letters.is_empty() {
            break;
        }
        for letter in letters.chars() {
            if letter == 'o' {
                let name = command.literal(args.next()?)?;
                list.push(name.to_string());
            } else {
                list.push(letter.to_string());
            }
        }
    }
    Some((on, off))
}

/// Variables every `RUN` has set: the shell's own and the ones Docker always passes.
const ALWAYS_SET: &[&str] = &["HOME", "PATH", "PWD", "IFS", "PPID", "HOSTNAME"];

/// How `pieces` merge as `S1; S2; …` under `set -e` (see [`Errexit`]), or `None` when they
/// cannot. `is_set` says, for each piece, whether a variable is set (with a value) when its `RUN`
/// runs.
///
/// A script that leaks state into the next, or whose last command may fail without ending the
/// shell, runs in a subshell as a plain list item: `-e` holds inside it (it is not left of `&&`),
/// its status is the status `RUN S` would have ended with, and the outer shell's `-e` stops there
/// when it fails. The first script keeps its opening `set` outside, `set -eux; ( a; b ); S2`, so
/// that `-e` is on in the outer shell too.
fn joins_under_errexit(
    pieces: &[&Piece<'_>],
    profiles: &[&Errexit],
    shell_errexit: bool,
    is_set: &dyn Fn(usize, &str) -> bool,
) -> Option<Vec<Wrap>> {
    if !(profiles.first()?.from_start || shell_errexit) {
        return None;
    }
    let mut wraps = vec![Wrap::None; pieces.len()];
    let mut on: Vec<String> = Vec::new();
    for (index, (piece, profile)) in pieces.iter().zip(profiles).enumerate() {
        if profile.turns_off {
            return None;
        }
        if index > 0 {
            let tolerates = |option: &str| match option {
                "x" | "v" | "xtrace" | "verbose" => true,
                _ if profile.first_set.iter().any(|o| o == option) => true,
                "e" | "errexit" => {
                    profile.single_list
                        && !profile.runs_hidden_code
                        && !profile.lists_in_substitutions
                }
                "u" | "nounset" => {
                    !profile.runs_hidden_code
                        && profile.reads.iter().all(|name| {
                            ALWAYS_SET.contains(&name.as_str())
                                || name
                                    .chars()
                                    .all(|c| c.is_ascii_digit() || "@*#?-$!".contains(c))
                                || is_set(index, name)
                        })
                }
                "pipefail" => !profile.pipes,
                _ => false,
            };
            if !on.iter().all(|option| tolerates(option)) {
                return None;
            }
        }
        if index + 1 < pieces.len() && (profile.leaks_more || !profile.tail_exits) {
            wraps[index] = match index {
                // Without its opening `set -e` outside, nothing would stop the outer shell.
                0 if profile.from_start && piece.rest_start.is_some() => Wrap::SubshellAfterHead,
                0 => return None,
                _ => Wrap::Subshell,
            };
        }
        match &profile.turns_on {
            Some(options) => on.extend(options.iter().cloned()),
            None => return None,
        }
        if shell_errexit && index == 0 {
            on.push("e".into());
        }
    }
    Some(wraps)
}

impl Piece<'_> {
    /// `S && script` would not make the whole script depend on `S`.
    fn needs_group(&self) -> bool {
        self.several || self.or_in_tail
    }

    /// The script is one and-or list of simple commands.
    fn flat(&self) -> bool {
        !self.several && self.tail_flat
    }
}

/// How the scripts of a merge are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Join {
    /// `S1 && S2`: the usual join, with the wrapping each script needs.
    And,
    /// `S1; S2`: when every script runs under `set -e` (see [`Errexit`]).
    Sequence,
}

/// How a script is wrapped in the merged text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Wrap {
    None,
    /// `{ …; }`: `&&` applies to the whole script.
    Group,
    /// `( … )`: also keeps the script's shell state from reaching the next.
    Subshell,
    /// `set -e…; ( … )`: the first command stays outside, the rest runs in a subshell (only in
    /// a `;` join, see [`joins_under_errexit`]).
    SubshellAfterHead,
}

/// Decides each script's wrapping (see the module documentation).
fn wraps(pieces: &[&Piece<'_>], shell_errexit: bool) -> Result<Vec<Wrap>, Refusal> {
    let count = pieces.len();
    pieces
        .iter()
        .enumerate()
        .map(|(index, piece)| {
            if index + 1 < count {
                left_of_and(piece, index, shell_errexit)
            } else if index > 0 && piece.needs_group() {
                Ok(Wrap::Group)
            } else {
                Ok(Wrap::None)
            }
        })
        .collect()
}

/// The wrapping of the script at `index` of a merge when another script follows it, refusing
/// when `set -e` would be lost there.
fn left_of_and(piece: &Piece<'_>, index: usize, shell_errexit: bool) -> Result<Wrap, Refusal> {
    let wrap = if piece.leaks {
        Wrap::Subshell
    } else if index > 0 && piece.needs_group() {
        Wrap::Group
    } else {
        Wrap::None
    };
    if shell_errexit || piece.sets_errexit {
        // What lands left of `&&`: the whole script, or only its last item when the first
        // script stays unwrapped (its earlier items stay plain list items, where -e holds).
        let left_is_flat = match (wrap, index) {
            (Wrap::None, 0) => piece.tail_flat,
            _ => piece.flat(),
        };
        if !left_is_flat {
            return Err(Refusal::Errexit { line: piece.line });
        }
    }
    Ok(wrap)
}

/// The items (lines) that lie inside `span`, which must start at an item's start. Items tile
/// the file in order, so a binary search finds the first.
fn items_in(dockerfile: &Dockerfile, span: Span) -> impl Iterator<Item = &Item> {
    let from = dockerfile
        .items
        .partition_point(|item| item.span().start < span.start);
    dockerfile.items[from..]
        .iter()
        .take_while(move |item| item.span().end <= span.end)
}

/// What may stand between two merged `RUN`s.
enum Between<'a> {
    Comment(Span),
    Blank,
    Run(&'a Instruction),
    Movable(&'a Instruction),
    /// An `ENV` or `ARG` that moves above the merged `RUN` (when hoisting).
    Hoisted(&'a Instruction),
}

fn classify<'a>(
    dockerfile: &Dockerfile,
    item: &'a Item,
    hoist: bool,
) -> Result<Between<'a>, Refusal> {
    match item {
        Item::Comment(span) => Ok(Between::Comment(*span)),
        Item::Blank(_) => Ok(Between::Blank),
        Item::Instruction(instruction) => {
            let line = line_at(dockerfile, instruction.span.start);
            if instruction.malformed {
                Err(Refusal::Malformed { line })
            } else if instruction.keyword == Keyword::Run {
                Ok(Between::Run(instruction))
            } else if is_movable(instruction.keyword) {
                Ok(Between::Movable(instruction))
            } else if hoist && matches!(instruction.keyword, Keyword::Env | Keyword::Arg) {
                Ok(Between::Hoisted(instruction))
            } else {
                Err(Refusal::Barrier {
                    line,
                    keyword: instruction.keyword,
                })
            }
        }
        Item::ByteOrderMark(_) | Item::Directive(_) => Err(Refusal::NotRuns),
    }
}

/// Checks the lines between two `RUN`s (without the `RUN`s).
fn check_gap(dockerfile: &Dockerfile, gap: Span) -> Result<(), Refusal> {
    for item in items_in(dockerfile, gap) {
        if let Between::Run(_) = classify(dockerfile, item, false)? {
            return Err(Refusal::NotRuns);
        }
    }
    Ok(())
}

/// The region from the first `RUN` to the last, sorted into what the merge keeps where.
struct Layout<'a> {
    runs: Vec<&'a Instruction>,
    /// Comment lines that go above the merged `RUN`: `(file offset, text without line ending)`.
    above: Vec<(u32, String)>,
    /// Metadata instructions that move after it.
    chunks: Vec<Chunk<'a>>,
    /// `ENV`/`ARG` instructions that move above it (when hoisting).
    hoisted: Vec<Chunk<'a>>,
}

/// A moved metadata instruction with the comment lines directly above it.
struct Chunk<'a> {
    blank_before: bool,
    comments: Vec<Span>,
    instruction: &'a Instruction,
}

impl<'a> Layout<'a> {
    fn of(dockerfile: &'a Dockerfile, region: Span, hoist: bool) -> Result<Layout<'a>, Refusal> {
        let mut layout = Layout {
            runs: Vec::new(),
            above: Vec::new(),
            chunks: Vec::new(),
            hoisted: Vec::new(),
        };
        // Comment lines not yet known to belong to a metadata instruction.
        let mut pending: Vec<Span> = Vec::new();
        // A blank line directly before the pending comments (or before this point).
        let mut gap_before_pending = false;
        let mut gap = false;
        for item in items_in(dockerfile, region) {
            match classify(dockerfile, item, hoist)? {
                Between::Comment(span) => {
                    if pending.is_empty() {
                        gap_before_pending = gap;
                    }
                    pending.push(span);
                    gap = false;
                }
                Between::Blank => {
                    layout.flush(dockerfile, &mut pending);
                    gap = true;
                }
                Between::Run(instruction) => {
                    layout.flush(dockerfile, &mut pending);
                    layout.runs.push(instruction);
                    gap = false;
                }
                Between::Movable(instruction) | Between::Hoisted(instruction) => {
                    let chunk = Chunk {
                        blank_before: if pending.is_empty() {
                            gap
                        } else {
                            gap_before_pending
                        },
                        comments: std::mem::take(&mut pending),
                        instruction,
                    };
                    if instruction.keyword.sets_only_metadata() {
                        layout.chunks.push(chunk);
                    } else {
                        layout.hoisted.push(chunk);
                    }
                    gap = false;
                }
            }
        }
        layout.flush(dockerfile, &mut pending);
        if layout.runs.len() < 2 {
            return Err(Refusal::NotRuns);
        }
        Ok(layout)
    }

    /// Comment lines that turned out not to precede a metadata instruction go above.
    fn flush(&mut self, dockerfile: &Dockerfile, pending: &mut Vec<Span>) {
        for span in pending.drain(..) {
            self.above.push((
                span.start,
                without_line_ending(dockerfile.text(span)).into(),
            ));
        }
    }
}

/// Variables that change how any command runs or which program a name starts: moving one above
/// a `RUN` changes that `RUN` whether or not its script names it.
const SHAPES_EVERY_COMMAND: &[&str] = &[
    "PATH",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
    "HOME",
    "SHELL",
    "ENV",
    "BASH_ENV",
    "SHELLOPTS",
    "IFS",
    "CDPATH",
    "TMPDIR",
    "LANG",
    "LC_ALL",
];

/// Refuses a hoisted `ENV`/`ARG` whose variable an earlier `RUN` of the merge names, or that
/// changes every command ([`SHAPES_EVERY_COMMAND`]).
fn check_hoisted(dockerfile: &Dockerfile, layout: &Layout<'_>) -> Result<(), Refusal> {
    for chunk in &layout.hoisted {
        let instruction = chunk.instruction;
        for name in declared_names(instruction) {
            let names_it = layout
                .runs
                .iter()
                .take_while(|run| run.span.start < instruction.span.start)
                .any(|run| mentions(dockerfile.text(run.span), &name));
            if names_it || SHAPES_EVERY_COMMAND.contains(&name.as_str()) || name.starts_with("LC_")
            {
                return Err(Refusal::Hoist {
                    line: line_at(dockerfile, instruction.span.start),
                    name,
                });
            }
        }
    }
    Ok(())
}

/// Instructions that only set image metadata: a `RUN` never sees them, so they may move after
/// the merged `RUN`.
pub fn is_movable(keyword: Keyword) -> bool {
    keyword.sets_only_metadata()
}

/// The comments of one `RUN` that cannot stay where they are: its trailing shell comment, and
/// Docker comment lines of its continuation outside the kept text (for the first `RUN`, those
/// before its script stay with its keyword and flags). They take the merged `RUN`'s indentation.
fn moved_comments(
    dockerfile: &Dockerfile,
    piece: &Piece<'_>,
    indent: &str,
    is_first: bool,
) -> Vec<(u32, String)> {
    let shell = piece
        .comments
        .iter()
        .map(|(at, text)| (*at, format!("{indent}{text}")));
    let docker = piece
        .instruction
        .inner_comments()
        .iter()
        .filter(|line| {
            let kept = if is_first {
                line.start < piece.body.end
            } else {
                piece.body.contains(**line)
            };
            !kept
        })
        .map(|line| {
            let text = dockerfile.text(*line).trim();
            (line.start, format!("{indent}{text}"))
        });
    shell.chain(docker).collect()
}

/// Writes the merged `RUN`: comments moved above, the first `RUN`'s keyword and flags, the
/// joined scripts, then the moved metadata instructions.
fn render(
    dockerfile: &Dockerfile,
    layout: &Layout<'_>,
    pieces: &[&Piece<'_>],
    wraps: &[Wrap],
    join: Join,
) -> String {
    let source = &dockerfile.source;
    let (Some(first), Some(last)) = (pieces.first(), pieces.last()) else {
        return String::new();
    };
    let eol = line_ending(dockerfile, first.instruction);
    let operator = match join {
        Join::And => " &&",
        Join::Sequence => ";",
    };
    let join = format!(
        "{operator} {}{eol}{}",
        dockerfile.escape,
        continuation_indent(dockerfile, pieces)
    );
    let indent = indentation(dockerfile, first.instruction);
    let mut above: Vec<(u32, String)> = layout.above.clone();
    for (index, piece) in pieces.iter().enumerate() {
        above.extend(moved_comments(dockerfile, piece, indent, index == 0));
    }
    above.sort_by_key(|(at, _)| *at);

    let mut out = String::new();
    for chunk in &layout.hoisted {
        for comment in &chunk.comments {
            out.push_str(without_line_ending(dockerfile.text(*comment)));
            out.push_str(eol);
        }
        out.push_str(without_line_ending(
            dockerfile.text(chunk.instruction.lines),
        ));
        out.push_str(eol);
    }
    for (_, text) in above {
        out.push_str(&text);
        out.push_str(eol);
    }
    out.push_str(&source[first.instruction.lines.start as usize..first.body.start as usize]);
    for (index, (piece, wrap)) in pieces.iter().zip(wraps).enumerate() {
        if index > 0 {
            out.push_str(&join);
        }
        let text = dockerfile.text(piece.body);
        match wrap {
            Wrap::None => out.push_str(text),
            Wrap::Group => out.push_str(&format!("{{ {text}; }}")),
            Wrap::Subshell => out.push_str(&format!("( {text} )")),
            Wrap::SubshellAfterHead => {
                let rest = piece
                    .rest_start
                    .map_or(0, |at| (at - piece.body.start) as usize);
                out.push_str(&format!("{}( {} )", &text[..rest], &text[rest..]));
            }
        }
    }
    out.push_str(eol);
    for chunk in &layout.chunks {
        if chunk.blank_before {
            out.push_str(eol);
        }
        for comment in &chunk.comments {
            out.push_str(without_line_ending(dockerfile.text(*comment)));
            out.push_str(eol);
        }
        out.push_str(without_line_ending(
            dockerfile.text(chunk.instruction.lines),
        ));
        out.push_str(eol);
    }
    // The last `RUN` may end the file without a line ending; so does the merge.
    if !dockerfile.text(last.instruction.lines).ends_with('\n') {
        out.truncate(out.len() - eol.len());
    }
    out
}

/// The line ending the merge writes: the first `RUN`'s, else the file's first, else `\n`.
fn line_ending(dockerfile: &Dockerfile, run: &Instruction) -> &'static str {
    let own = dockerfile.text(run.lines);
    let sample = if own.contains('\n') {
        own
    } else {
        &dockerfile.source
    };
    match sample.find('\n') {
        Some(at) if sample[..at].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// The leading whitespace of an instruction's first line.
fn indentation<'d>(dockerfile: &'d Dockerfile, instruction: &Instruction) -> &'d str {
    let line = dockerfile.text(Span {
        start: instruction.lines.start,
        end: instruction.keyword_span.start.max(instruction.lines.start),
    });
    let width = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..width]
}

/// The indentation the file gives continuation lines: the shortest of the first `RUN`'s (its
/// command-level lines, not a deeper-indented list of packages), or of the next `RUN` that has
/// continuation lines; else the first `RUN`'s indentation plus four spaces.
fn continuation_indent(dockerfile: &Dockerfile, pieces: &[&Piece<'_>]) -> String {
    let found = pieces.iter().find_map(|piece| {
        let run = piece.instruction;
        let text = dockerfile.text(Span {
            start: run.lines.start,
            end: run.span.end.max(run.lines.start),
        });
        text.split_inclusive('\n')
            .skip(1)
            .map(without_line_ending)
            .filter_map(|line| {
                let rest = line.trim_start_matches([' ', '\t']);
                let indent = &line[..line.len() - rest.len()];
                // Comment and blank lines inside a continuation say nothing about its style.
                let counts = !rest.is_empty() && !rest.starts_with('#') && !indent.is_empty();
                counts.then_some(indent)
            })
            .min_by_key(|indent| indent.len())
    });
    match (found, pieces.first()) {
        (Some(indent), _) => indent.to_string(),
        (None, Some(first)) => format!("{}    ", indentation(dockerfile, first.instruction)),
        (None, None) => "    ".to_string(),
    }
}

fn without_line_ending(text: &str) -> &str {
    text.trim_end_matches(['\r', '\n'])
}

fn line_at(dockerfile: &Dockerfile, offset: u32) -> usize {
    dockerfile.line_of(offset)
}

/// A mount each `RUN` gets afresh: `tmpfs` starts empty and a read-write bind mount's writes are
/// thrown away after the `RUN`, so a merged script would see what the earlier one wrote there.
fn has_private_mount(run: &Instruction) -> bool {
    run.mounts().any(|(_, mount)| match mount.kind {
        MountKind::Tmpfs => true,
        MountKind::Bind => mount.options.iter().any(|(key, value)| {
            let value = value.as_deref().map(str::to_ascii_lowercase);
            match key.as_str() {
                "rw" | "readwrite" => value.as_deref() != Some("false"),
                "ro" | "readonly" => value.as_deref() == Some("false"),
                _ => false,
            }
        }),
        _ => false,
    })
}

/// Whether anything runs in the background (`&`, bash's `coproc`): the original `RUN` ends
/// without waiting for it, a merged one would run the next script beside it.
fn runs_in_background(script: &Script) -> bool {
    script
        .body
        .items
        .iter()
        .any(|item| matches!(item.terminator, Some((Terminator::Background, _))))
        || script.commands().any(|(_, context)| context.background)
        || script.simple_commands().any(|c| c.is("coproc"))
}

/// Shell builtins that change the state of the shell that runs them (directory, variables,
/// options, traps, limits, aliases, functions) or end it.
pub const LEAKY: &[&str] = &[
    "cd",
    "pushd",
    "popd",
    "export",
    "unset",
    "set",
    "shopt",
    "umask",
    "alias",
    "unalias",
    "source",
    ".",
    "exec",
    "exit",
    "trap",
    "eval",
    "readonly",
    "declare",
    "typeset",
    "local",
    "let",
    "read",
    "getopts",
    "mapfile",
    "readarray",
    "shift",
    "hash",
    "ulimit",
    "enable",
    "return",
    "break",
    "continue",
    "newgrp",
];

/// POSIX special builtins: assignments written before them stay set in the shell (`A=1 :`).
const SPECIAL: &[&str] = &[
    ":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set",
    "shift", "times", "trap", "unset",
];

/// Whether the script changes the state of its shell outside any subshell, so that a script
/// joined after it would start from another state than a fresh `sh -c`.
fn leaks_state(script: &Script) -> bool {
    let source = script.source.as_str();
    script
        .commands()
        .filter(|(_, context)| !context.in_subshell)
        .any(|(command, _)| match command {
            Command::FunctionDef { .. } => true,
            Command::Simple(simple) => simple_leaks(simple.view(source)),
            _ => false,
        })
        || expansion_assigns(source)
}

fn simple_leaks(command: CommandRef<'_>) -> bool {
    let simple = command.command;
    if simple.words.is_empty() {
        // `FOO=bar` alone sets a shell variable; a bare redirection (`> file`) changes nothing.
        return !simple.assignments.is_empty();
    }
    let Some(name) = command.name() else {
        return simple
            .words
            .first()
            .is_some_and(|word| could_name_one_of(word.text(command.source), LEAKY));
    };
    let name = name.as_ref();
    if LEAKY.contains(&name) || (!simple.assignments.is_empty() && SPECIAL.contains(&name)) {
        return true;
    }
    match name {
        // `command cd /x` is `cd /x`; `command -v curl` only looks.
        "command" | "builtin" => command
            .args_without_flags()
            .next()
            .is_some_and(|word| command.literal(word).is_none_or(|n| LEAKY.contains(&&*n))),
        "printf" => command.has_flag("-v"),
        _ => false,
    }
}

/// Assignments hidden in expansions: `${NAME=value}`, `${NAME:=value}`, and arithmetic that
/// assigns (`$(( n += 1 ))`, `(( i++ ))`). Read from the text, so a match inside quotes also
/// counts: a needless subshell is harmless, a missed leak is not.
fn expansion_assigns(source: &str) -> bool {
    let default_assigns = source.match_indices("${").any(|(at, _)| {
        let rest = &source[at + 2..];
        let name = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        let after = &rest[name..];
        name > 0 && (after.starts_with(":=") || after.starts_with('='))
    });
    let arithmetic_assigns = source.match_indices("((").any(|(at, _)| {
        let rest = &source[at + 2..];
        let inner = &rest[..rest.find("))").unwrap_or(rest.len())];
        inner.contains("++") || inner.contains("--") || has_assignment_operator(inner)
    });
    default_assigns || arithmetic_assigns
}

/// An `=` that is not part of `==` or `!=` (so `<=` counts too; being wrong that way only costs
/// a subshell).
fn has_assignment_operator(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'='
            && !matches!(i.checked_sub(1).map(|j| bytes[j]), Some(b'=' | b'!'))
            && bytes.get(i + 1) != Some(&b'=')
    })
}

/// Whether the script may turn on `set -e`: a `set` with an `e` option or `errexit` (or
/// arguments that are computed), or a command that runs other code in this shell (`.`, `source`,
/// `eval`, a computed name that could be one of those). Looked for at any depth: `( set -e; a; b ) && c` loses it as well.
fn may_set_errexit(script: &Script) -> bool {
    script
        .simple_commands()
        .any(|command| match command.name() {
            Some(name) => match name.as_ref() {
                "set" => command.args().iter().any(|word| {
                    command.literal(word).is_none_or(|arg| {
                        arg == "errexit"
                            || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('e'))
                    })
                }),
                "." | "source" | "eval" => true,
                _ => false,
            },
            None => command.command.words.first().is_some_and(|word| {
                could_name_one_of(word.text(command.source), &["set", ".", "source", "eval"])
            }),
        })
}

/// Whether a computed command name (`$CMD`, `python${V}`) could expand to one of `names`: only
/// if the literal text before its first expansion or quote begins one of them (an expansion may
/// be empty, so `set${X}` could be `set`; `python${V}` can never be `cd`).
fn could_name_one_of(word: &str, names: &[&str]) -> bool {
    let prefix = word
        .find(['$', '`', '"', '\'', '\\'])
        .map_or(word, |at| &word[..at]);
    names.iter().any(|name| name.starts_with(prefix))
}

/// An and-or list of simple commands (pipelines included): if its last command fails, its own
/// status says so, with or without `set -e`.
fn is_flat(item: &AndOr) -> bool {
    item.pipelines
        .iter()
        .all(|p| p.commands.iter().all(|c| matches!(c, Command::Simple(_))))
}

/// Whether `set -e` may be on when the stage's `RUN`s start: the `SHELL` in force (in this stage
/// or the stage it is built from) passes `-e` or `-o errexit`, or bash is told to read options
/// from the environment (`SHELLOPTS`, `BASH_ENV`).
fn errexit_shell(shells: &Shells, stage: &Stage<'_>, before: usize) -> bool {
    if let Some(step) = stage.steps.get(before) {
        if ["SHELLOPTS", "BASH_ENV"]
            .iter()
            .any(|name| step.vars.get(name).is_some())
        {
            return true;
        }
    }
    shells.errexit_before(stage.index, before)
}

/// Where each stage sets `SHELL`, read once: asking which `SHELL` is in effect is then a binary
/// search, not a walk back over the stage and every stage it is built FROM (a walk per `RUN` is
/// quadratic in a long file).
struct Shells {
    /// Per stage, the indices of its `SHELL` steps and whether each turns `-e` on.
    steps: Vec<Vec<(usize, bool)>>,
    /// Per stage, whether the `SHELL` it starts with (its base stage's) turns `-e` on.
    at_start: Vec<bool>,
}

impl Shells {
    fn of(model: &Model<'_>) -> Shells {
        let mut steps = Vec::with_capacity(model.stages.len());
        let mut at_start: Vec<bool> = Vec::with_capacity(model.stages.len());
        let mut at_end: Vec<bool> = Vec::with_capacity(model.stages.len());
        for (index, stage) in model.stages.iter().enumerate() {
            let own: Vec<(usize, bool)> = stage
                .steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.instruction.keyword == Keyword::Shell)
                .map(|(i, s)| (i, shell_has_errexit(s.instruction)))
                .collect();
            // A base comes earlier in the file, so its answer is known already.
            let inherited = match stage.base {
                Base::Stage(base) if base < index => at_end.get(base).copied().unwrap_or(false),
                _ => false,
            };
            at_end.push(own.last().map_or(inherited, |&(_, on)| on));
            at_start.push(inherited);
            steps.push(own);
        }
        Shells { steps, at_start }
    }

    /// Whether the `SHELL` in effect before step `before` of stage `stage` turns `-e` on.
    fn errexit_before(&self, stage: usize, before: usize) -> bool {
        let Some(own) = self.steps.get(stage) else {
            return false;
        };
        let n = own.partition_point(|&(i, _)| i < before);
        match n.checked_sub(1) {
            Some(last) => own[last].1,
            None => self.at_start.get(stage).copied().unwrap_or(false),
        }
    }
}

fn shell_has_errexit(shell: &Instruction) -> bool {
    let Args::Json(words) = &shell.args else {
        return false;
    };
    words.iter().skip(1).any(|word| {
        let arg = word.text.as_str();
        arg == "errexit" || (arg.starts_with('-') && !arg.starts_with("--") && arg.contains('e'))
    })
}

#[cfg(test)]
mod tests;
