//! Which layer's apt package lists each install uses.
//!
//! `apt-get install` reads the lists that `apt-get update` wrote to /var/lib/apt/lists. When the
//! install's own RUN did not update first, it uses whatever an earlier layer left there: in this
//! stage, or in the stage it is built `FROM`. Two things follow. That earlier layer cannot drop
//! its lists without breaking the install (DL3009's cleanup would), and the install runs against
//! an index the build cache may have kept from long ago (LL301).

use super::build::Model;
use super::layer::{Cache, Guard, Manager, PackageAction, PackageOp};
use super::stage::Base;

/// A step, by stage and position in the stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepAt {
    pub stage: usize,
    pub step: usize,
}

/// An apt install that runs on lists an earlier layer left.
#[derive(Clone, Debug)]
pub struct IndexUse<'m> {
    /// The RUN that installs, and its install command.
    pub install_at: StepAt,
    pub install: &'m PackageOp,
    /// The RUN whose update left the lists, and that update.
    pub update_at: StepAt,
    pub update: &'m PackageOp,
    /// The latest step between the two that ran something the model could not read (a `bash
    /// setup.sh` that runs its own update): the lists may be that step's. They are an earlier
    /// layer's all the same.
    pub unseen_at: Option<StepAt>,
    /// The install's own RUN ran something unreadable before it, which may have refreshed the
    /// lists in this very layer.
    pub unseen_in_own_run: bool,
}

/// What the index analysis found in a file.
#[derive(Debug, Default)]
pub struct PackageIndex<'m> {
    /// Installs that use an earlier layer's lists, in file order.
    pub uses: Vec<IndexUse<'m>>,
    /// Installs that neither refresh the lists in their own RUN nor find any an earlier step of
    /// the file left: they rely on the base image's lists, which official images ship empty.
    pub without_index: Vec<NoIndex<'m>>,
}

/// An apt install that finds no lists any step of the file left.
#[derive(Clone, Debug)]
pub struct NoIndex<'m> {
    pub install_at: StepAt,
    pub install: &'m PackageOp,
    /// The install's own RUN ran something unreadable before it (it may have updated).
    pub unseen_in_own_run: bool,
    /// An earlier step ran something unreadable (it may have left lists).
    pub unseen_before: Option<StepAt>,
    /// An earlier step of the chain updated, and the lists were removed since: the file runs
    /// this install on no lists on purpose (a local package, `install -f` with nothing to fetch).
    pub updated_before: bool,
}

fn is_apt(op: &PackageOp) -> bool {
    op.manager == Manager::Apt
}

fn installs(op: &PackageOp) -> bool {
    matches!(
        op.action,
        PackageAction::Install | PackageAction::Upgrade | PackageAction::InstallDependencies
    )
}

impl<'a> Model<'a> {
    /// Follows the apt lists through every stage, in file order.
    pub fn package_index(&self) -> PackageIndex<'_> {
        let mut found = PackageIndex::default();
        // The last update whose lists are still there when each stage ends.
        let mut at_end: Vec<Option<(StepAt, &PackageOp, Option<StepAt>)>> =
            Vec::with_capacity(self.stages.len());
        // The latest step of each stage's chain that ran something unreadable.
        let mut unseen_at_end: Vec<Option<StepAt>> = Vec::with_capacity(self.stages.len());
        let mut updated_at_end: Vec<bool> = Vec::with_capacity(self.stages.len());
        for stage in &self.stages {
            let mut left = match stage.base {
                Base::Stage(index) => at_end.get(index).copied().flatten(),
                _ => None,
            };
            let mut unseen_before = match stage.base {
                Base::Stage(index) => unseen_at_end.get(index).copied().flatten(),
                _ => None,
            };
            let mut updated_before = match stage.base {
                Base::Stage(index) => updated_at_end.get(index).copied().unwrap_or(false),
                _ => false,
            };
            for (index, step) in stage.layers() {
                let Some(effects) = &step.effects else {
                    continue;
                };
                let here = StepAt {
                    stage: stage.index,
                    step: index,
                };
                let apt: Vec<&PackageOp> =
                    effects.packages.iter().filter(|op| is_apt(op)).collect();
                for (position, op) in apt.iter().enumerate() {
                    if !installs(op) {
                        continue;
                    }
                    // An update before it in the same RUN, run whenever it runs, gives it fresh
                    // lists.
                    let refreshed = apt[..position].iter().any(|earlier| {
                        earlier.action == PackageAction::Update
                            && effects.runs_whenever(earlier.guard, op.guard)
                    });
                    if refreshed {
                        continue;
                    }
                    match left {
                        Some((update_at, update, unseen)) => found.uses.push(IndexUse {
                            install_at: here,
                            install: op,
                            update_at,
                            update,
                            unseen_at: unseen,
                            unseen_in_own_run: effects
                                .unread
                                .iter()
                                .any(|s| s.start < op.span.start),
                        }),
                        None => found.without_index.push(NoIndex {
                            install_at: here,
                            install: op,
                            unseen_in_own_run: effects
                                .unread
                                .iter()
                                .any(|s| s.start < op.span.start),
                            unseen_before,
                            updated_before,
                        }),
                    }
                }
                let home = step.home().unwrap_or("/root");
                if let Some(fill) = effects.leaves(Cache::AptLists, home) {
                    // The update that wrote the lists that stay.
                    let update = apt
                        .iter()
                        .rev()
                        .find(|op| {
                            op.action == PackageAction::Update && op.span.start <= fill.span.start
                        })
                        .or_else(|| apt.iter().find(|op| op.action == PackageAction::Update));
                    if let Some(update) = update {
                        // What this RUN runs after the update but could not be read.
                        let unseen = effects.unread.iter().any(|s| s.start > update.span.start);
                        left = Some((here, update, unseen.then_some(here)));
                    }
                } else if effects.cleans(Cache::AptLists, home)
                    || effects
                        .caches
                        .iter()
                        .any(|f| f.cache == Cache::AptLists && f.guard == Guard::Always)
                {
                    left = None;
                } else if !effects.unread.is_empty() {
                    if let Some((_, _, unseen)) = &mut left {
                        *unseen = Some(here);
                    }
                }
                if !effects.unread.is_empty() {
                    unseen_before = Some(here);
                }
                updated_before |= apt.iter().any(|op| op.action == PackageAction::Update);
            }
            at_end.push(left);
            unseen_at_end.push(unseen_before);
            updated_at_end.push(updated_before);
        }
        found
    }
}
