//! The model of the image a Dockerfile builds: stages, variables, working directories, and for
//! every layer-creating step what it adds, removes, touches, caches and depends on. Built once
//! per file from the syntax tree; every layer rule reads it.

pub mod effects;
pub mod layer;
pub mod paths;
pub mod vars;

pub use layer::{Cache, CacheFill, Effects, Input, Manager, PackageAction, PackageOp, PathEffect};
pub use vars::{Var, VarKind, Vars};
