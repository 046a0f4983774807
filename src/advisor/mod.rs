//! The layer advisor behind `layerlint layers`: the image a Dockerfile builds, step by step, as
//! the model predicts it, and which steps a change rebuilds.
//!
//! It reads the model, the build context and the findings of the rules; nothing in the model or
//! the rules reads it.

pub mod cache;
pub mod plan;
pub mod render;

pub use cache::{Builder, Change, Verdict, simulate};
pub use plan::{Plan, StagePlan, StepKind, StepPlan};
