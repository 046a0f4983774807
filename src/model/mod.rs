//! The model of the image a Dockerfile builds: stages, variables, working directories, and for
//! every layer-creating step what it adds, removes, touches, caches and depends on. Built once
//! per file from the syntax tree; every layer rule reads it.

mod apt_archives;
mod build;
pub(crate) use build::{EXPANSION_BUDGET, declarations, declare_args, declare_env};
mod cache_state;
pub mod effects;
mod history;
pub mod images;
mod name_index;
pub use history::BuildArgs;
pub(crate) use history::{History, Point};
pub mod layer;
pub mod package_index;
pub mod paths;
pub mod stage;
pub mod vars;

pub use build::Model;
pub use layer::{
    Cache, CacheFill, Effects, Guard, Input, Manager, PackageAction, PackageOp, PathEffect,
};
pub use stage::{Base, Place, Stage, Step};
pub use vars::{Var, VarKind, Vars};
