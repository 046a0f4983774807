//! Stages and the steps in them, with the state each step runs in.

use super::layer::Effects;
use super::vars::Scope;
use crate::syntax::Instruction;
use std::sync::Arc;

/// What a stage starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`: an empty filesystem.
    Scratch,
    /// An image; the name is expanded when its variables are known.
    Image(Option<String>),
    /// An earlier stage of the same file, by index.
    Stage(usize),
}

/// One `FROM` and the instructions after it; or a fragment: instructions before any `FROM`,
/// which hadolint lints like a stage (Docker refuses them; LL001 says so). A fragment's base is
/// an unknown image.
#[derive(Clone, Debug)]
pub struct Stage<'a> {
    pub index: usize,
    /// `None` for a fragment.
    pub from: Option<&'a Instruction>,
    /// The `AS` name, lower-cased.
    pub name: Option<String>,
    pub base: Base,
    pub steps: Vec<Step<'a>>,
    /// Whether the stage's layers end up in the built image: the last stage and every stage it
    /// is built `FROM`, directly or not. A file without any `FROM` is one fragment, read as the
    /// last stage of the image it is part of: it ships.
    pub ships: bool,
    /// The stage's `ONBUILD RUN` triggers, each a step of its own: it runs in every image built
    /// `FROM` this stage's (a later stage of the file, or a child image when the stage ships), as
    /// a layer of its own there. Its working directory and user are the ones the stage ends with.
    pub triggers: Vec<Step<'a>>,
}

/// One instruction of a stage and the state it runs in.
#[derive(Clone, Debug)]
pub struct Step<'a> {
    pub instruction: &'a Instruction,
    /// The working directory and home the step runs in (see [`Step::workdir`], [`Step::home`]).
    pub place: Arc<Place>,
    /// The `ARG`s and `ENV`s in scope when the step runs (a point in the file's declarations,
    /// shared by every step).
    pub vars: Scope,
    /// For `RUN`, `COPY`, `ADD` (and `WORKDIR`, which creates its directory): what the step does.
    /// Boxed: most steps have none, and a file of a million steps should not pay for them.
    pub effects: Option<Box<Effects>>,
}

/// Where a step runs. Shared by the steps in a row that run in the same place: one pointer a
/// step, where two strings each cost a file of a million steps two million allocations.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Place {
    /// The working directory, when the model knows it.
    pub workdir: Option<String>,
    /// The home directory of the user the step runs as, when known.
    pub home: Option<String>,
}

impl Step<'_> {
    /// The working directory when the step runs, when the model knows it.
    pub fn workdir(&self) -> Option<&str> {
        self.place.workdir.as_deref()
    }

    /// The home directory of the user the step runs as, when known.
    pub fn home(&self) -> Option<&str> {
        self.place.home.as_deref()
    }

    /// Whether the step commits a filesystem layer.
    pub fn creates_layer(&self) -> bool {
        self.instruction.keyword.creates_layer()
    }
}

impl<'a> Stage<'a> {
    /// Whether this is a fragment: instructions before any `FROM`.
    pub fn is_fragment(&self) -> bool {
        self.from.is_none()
    }

    /// How many layers the steps from `index` on commit: what rebuilds when step `index` misses
    /// the cache.
    pub fn layers_from(&self, index: usize) -> usize {
        self.steps[index..]
            .iter()
            .filter(|s| s.creates_layer())
            .count()
    }

    /// The steps that commit a layer, in order.
    pub fn layers(&self) -> impl Iterator<Item = (usize, &Step<'a>)> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.creates_layer())
    }
}
