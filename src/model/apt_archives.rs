//! The `.deb` files an apt install keeps once `/etc/apt/apt.conf.d/docker-clean` is gone.
//!
//! Docker's Debian and Ubuntu images ship that file, which makes apt delete every downloaded
//! archive after each install: the per-script reading records no archive cache for that reason.
//! A Dockerfile that removes it (usually to keep a cache mount's archives) keeps the archives in
//! `/var/cache/apt/archives` from then on, in the same script after the removal, in every later
//! step of the stage, in the stages built `FROM` it, and in the `ONBUILD` triggers, which run in a
//! child image that inherits the file system. This pass adds those archive fills, once every
//! step's effects are known, unless the archives directory is mounted for that step.

use super::layer::{Cache, CacheFill, Manager, PackageAction};
use super::paths;
use super::stage::{Base, Stage, Step};

const DOCKER_CLEAN: &str = "/etc/apt/apt.conf.d/docker-clean";
const ARCHIVES: &str = "/var/cache/apt/archives";

/// Adds an [`Cache::AptArchives`] fill to each apt install or upgrade that runs without
/// docker-clean, stage by stage (a base stage comes before the stages built on it).
pub fn mark_kept_archives(stages: &mut [Stage<'_>], escape: char) {
    let mut removed_at_end: Vec<bool> = Vec::with_capacity(stages.len());
    for (index, stage) in stages.iter_mut().enumerate() {
        let mut removed = match stage.base {
            Base::Stage(base) if base < index => removed_at_end[base],
            _ => false,
        };
        for step in &mut stage.steps {
            removed = mark_step(step, removed, escape);
        }
        removed_at_end.push(removed);
        // Triggers run one after another in a child image, which starts with this stage's files.
        let mut in_child = removed;
        for trigger in &mut stage.triggers {
            in_child = mark_step(trigger, in_child, escape);
        }
    }
}

/// Marks one step's apt installs; returns whether docker-clean is gone after it.
fn mark_step(step: &mut Step<'_>, removed_before: bool, escape: char) -> bool {
    let mounted = archives_mounted(step, escape);
    let Some(effects) = step.effects.as_mut() else {
        return removed_before;
    };
    let removal = effects
        .deletes
        .iter()
        .find(|d| paths::is_within(DOCKER_CLEAN, &d.path))
        .map(|d| d.span.start);
    if mounted {
        return removed_before || removal.is_some();
    }
    let kept: Vec<CacheFill> = effects
        .packages
        .iter()
        .filter(|op| {
            op.manager == Manager::Apt
                && matches!(op.action, PackageAction::Install | PackageAction::Upgrade)
        })
        .filter(|op| removed_before || removal.is_some_and(|at| at < op.span.start))
        .map(|op| CacheFill {
            cache: Cache::AptArchives,
            span: op.span,
            guard: op.guard,
        })
        .collect();
    effects.caches.extend(kept);
    removed_before || removal.is_some()
}

/// Whether a mount of the step covers the archives directory (they then stay out of the layer).
fn archives_mounted(step: &Step<'_>, escape: char) -> bool {
    step.instruction.mounts().any(|(_, mount)| {
        mount
            .target()
            .and_then(|target| step.vars.expand(target, escape))
            .filter(|target| target.starts_with('/'))
            .is_some_and(|target| paths::is_within(ARCHIVES, &paths::normalize(&target)))
    })
}

#[cfg(test)]
mod tests {
    use crate::model::{Cache, Model};
    use crate::syntax::parse;

    fn archive_fills(source: &str) -> Vec<usize> {
        let df = parse(source);
        let model = Model::build(&df);
        model
            .stages
            .iter()
            .flat_map(|s| s.steps.iter().chain(&s.triggers))
            .filter_map(|s| s.effects.as_ref())
            .flat_map(|e| &e.caches)
            .filter(|f| f.cache == Cache::AptArchives)
            .map(|f| df.line_of(f.span.start))
            .collect()
    }

    #[test]
    fn installs_after_docker_clean_is_removed_keep_their_archives() {
        let source = "FROM debian:12\nRUN apt-get install -y a\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n\
                      RUN apt-get update && apt-get install -y b\n";
        assert_eq!(archive_fills(source), [4]);
        // In the same script, only after the removal.
        let same = "FROM debian:12\nRUN apt-get install -y a && rm -f /etc/apt/apt.conf.d/docker-clean && apt-get install -y b\n";
        assert_eq!(archive_fills(same).len(), 1);
    }

    #[test]
    fn a_mount_on_the_archives_keeps_them_out() {
        let source = "FROM debian:12\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n\
                      RUN --mount=type=cache,target=/var/cache/apt apt-get update && apt-get install -y b\n";
        assert!(archive_fills(source).is_empty());
    }

    #[test]
    fn stages_built_from_it_and_triggers_inherit_the_removal() {
        let source = "FROM debian:12 AS base\nRUN rm -f /etc/apt/apt.conf.d/docker-clean\n\
                      FROM base\nRUN apt-get install -y b\nONBUILD RUN apt-get install -y c\n";
        assert_eq!(archive_fills(source), [4, 5]);
        let triggers = "FROM debian:12\nONBUILD RUN rm -f /etc/apt/apt.conf.d/docker-clean\n\
                        ONBUILD RUN apt-get install -y c\n";
        assert_eq!(archive_fills(triggers), [3]);
    }
}
