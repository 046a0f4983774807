//! The package-cache family (hadolint's DL3009, DL3019, DL3042, DL3032, DL3040, DL3036, DL3060),
//! made layer-aware: a cache is waste unless it is removed in the layer that fills it. A cleanup
//! in a later layer does not count (the bytes stay in the earlier layer, and the message says
//! so); a cache mount or a no-cache option keeps the cache out and is never reported.

use super::Context;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::paths::removes;
use crate::model::{Cache, CacheFill, Effects, Guard, PackageAction, PathEffect, Step};
use crate::span::Span;

/// How a rule of the family cures its cache.
pub enum Cure {
    /// Add an option to the command that fills the cache (`apk add --no-cache`).
    Option {
        after: &'static [&'static str],
        option: &'static str,
    },
    /// Remove the cache at the end of the same RUN (`&& rm -rf /var/lib/apt/lists/*`).
    Cleanup(&'static str),
}

/// One member of the family.
pub struct CacheRule {
    pub caches: &'static [Cache],
    /// What the message calls it ("apt package lists").
    pub what: &'static str,
    pub cure: Cure,
}

impl CacheRule {
    pub fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            // Which steps remove this rule's cache, worked out once per stage.
            let cleans: Vec<bool> = stage
                .steps
                .iter()
                .map(|s| {
                    let home = s.home.as_deref().unwrap_or("/root");
                    s.effects
                        .as_ref()
                        .is_some_and(|e| self.caches.iter().any(|&c| cleaned_in(e, c, home)))
                })
                .collect();
            for (index, step) in stage.layers() {
                let Some(effects) = &step.effects else {
                    continue;
                };
                let home = step.home.as_deref().unwrap_or("/root");
                // The first fill that nothing removes after it (in the same branch of the script
                // or an enclosing one): an update after the cleanup leaves the cache again.
                let left = effects
                    .caches
                    .iter()
                    .filter(|f| self.caches.contains(&f.cache))
                    .find(|f| !cleaned_after(effects, f, home));
                if let Some(fill) = left {
                    let later = cleans[index + 1..]
                        .iter()
                        .position(|&c| c)
                        .map(|i| &stage.steps[index + 1 + i]);
                    self.report(cx, later, step, fill);
                }
            }
        }
    }

    fn report(
        &self,
        cx: &mut Context<'_, '_>,
        later: Option<&Step<'_>>,
        step: &Step<'_>,
        fill: &CacheFill,
    ) {
        let command = cx
            .text(fill.span)
            .split_whitespace()
            .take(3)
            .collect::<Vec<_>>()
            .join(" ");
        let cure_text = match &self.cure {
            Cure::Option { option, .. } => format!("add {option}"),
            Cure::Cleanup(cleanup) => format!("end the same RUN with `{cleanup}`"),
        };
        let message = match later {
            Some(cleanup) => format!(
                "`{command}` leaves {} in this layer; the cleanup on line {} runs in a later layer, so it hides the files but they still ship in this one: {cure_text} here instead",
                self.what,
                cx.line_of(cleanup.instruction.span)
            ),
            None => format!(
                "`{command}` leaves {} in this layer, and they ship with the image: {cure_text}",
                self.what
            ),
        };
        let fix = self.fix(cx, step, fill);
        let label = later.map(|s| s.instruction.span);
        let diagnostic = cx.report(fill.span, message);
        if let Some(span) = label {
            diagnostic.label(span, "too late: a later layer cannot shrink this one");
        }
        diagnostic.fix = fix;
    }

    fn fix(&self, cx: &Context<'_, '_>, step: &Step<'_>, fill: &CacheFill) -> Option<Fix> {
        match &self.cure {
            Cure::Option { after, option } => {
                // The finding is one per layer, so its fix cures every command of the layer that
                // fills the cache: curing only the first would take one round per command.
                option_edit(cx, fill, after, option)?;
                let mut edits: Vec<Edit> = step
                    .effects
                    .iter()
                    .flat_map(|effects| &effects.caches)
                    .filter(|f| self.caches.contains(&f.cache))
                    .filter_map(|f| option_edit(cx, f, after, option))
                    .collect();
                edits.sort_by_key(|e| e.span.start);
                edits.dedup_by_key(|e| e.span.start);
                let title = match edits.len() {
                    1 => format!("Add {option}"),
                    n => format!("Add {option} to the {n} commands"),
                };
                Some(Fix {
                    title,
                    applicability: Applicability::Safe,
                    edits,
                })
            }
            Cure::Cleanup(cleanup) => {
                let edit = super::append::append_command(cx.dockerfile, step.instruction, cleanup)?;
                Some(Fix {
                    title: format!("End the RUN with `{cleanup}`"),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                })
            }
        }
    }
}

/// Inserts `option` right after the subcommand (`apk add`, `pip install`) of the command that
/// fills the cache.
fn option_edit(
    cx: &Context<'_, '_>,
    fill: &CacheFill,
    after: &[&str],
    option: &str,
) -> Option<Edit> {
    let command = cx.text(fill.span);
    let at = after.iter().find_map(|sub| find_word_end(command, sub))?;
    Some(Edit {
        span: Span::empty(fill.span.start as usize + at),
        content: format!(" {option}"),
    })
}

/// Whether the step surely removes the cache (a delete covering one of its directories, or the
/// manager's own clean command for that cache, outside any condition).
pub fn cleaned_in(effects: &Effects, cache: Cache, home: &str) -> bool {
    // Cheap checks first: most steps delete nothing and clean nothing.
    if effects.deletes.is_empty() && effects.packages.is_empty() {
        return false;
    }
    let cleaned = effects.packages.iter().any(|p| {
        p.action == PackageAction::Clean
            && p.guard == Guard::Always
            && clean_covers(p.manager, cache)
    });
    cleaned || {
        let dirs = cache.dirs(home);
        effects.deletes.iter().any(|d| deletes_cache(d, &dirs))
    }
}

/// Whether something in the same script removes what `fill` put in the cache: a cleanup after
/// it that runs whenever it ran. Spans order the commands; commands of an `sh -c` string share
/// the string's span, and there a cleanup counts wherever it is, as the model can't tell.
pub fn cleaned_after(effects: &Effects, fill: &CacheFill, home: &str) -> bool {
    let after = |at: Span, guard: Guard| {
        at.start >= fill.span.start && effects.runs_whenever(guard, fill.guard)
    };
    let cleaned = effects.packages.iter().any(|p| {
        p.action == PackageAction::Clean
            && clean_covers(p.manager, fill.cache)
            && after(p.span, p.guard)
    });
    if cleaned {
        return true;
    }
    let dirs = fill.cache.dirs(home);
    let unconditional = effects.deletes.iter().map(|d| (d, Guard::Always));
    let guarded = effects
        .guarded_deletes
        .iter()
        .map(|(d, scope)| (d, Guard::Scope(*scope)));
    unconditional
        .chain(guarded)
        .any(|(d, guard)| after(d.span, guard) && deletes_cache(d, &dirs))
}

fn deletes_cache(delete: &PathEffect, dirs: &[String]) -> bool {
    dirs.iter().any(|dir| {
        removes(&delete.path, delete.recursive, dir)
            || removes(&delete.path, delete.recursive, &format!("{dir}/x"))
    })
}

fn clean_covers(manager: crate::model::Manager, cache: Cache) -> bool {
    use crate::model::Manager::*;
    matches!(
        (manager, cache),
        (Apt, Cache::AptArchives)
            | (Apk, Cache::Apk)
            | (Yum, Cache::Yum)
            | (Dnf | Microdnf, Cache::Dnf)
            | (Zypper, Cache::Zypper)
            | (Pip, Cache::Pip)
            | (Npm, Cache::Npm)
            | (Yarn, Cache::Yarn)
            | (Gem, Cache::Gem)
            | (Composer, Cache::Composer)
    )
}

/// The offset just after the words `sub` (e.g. "add" or "install") in a command's text.
fn find_word_end(command: &str, sub: &str) -> Option<usize> {
    let mut offset = 0;
    for word in command.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        offset += word.len();
        if trimmed == sub {
            return Some(offset - (word.len() - trimmed.len()));
        }
    }
    None
}
