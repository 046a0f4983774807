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

use crate::LintOptions;
use crate::model::Model;

/// The plan of one Dockerfile's text: `check`'s findings under `options`, the model, the rows
/// for `target` (the last stage when `None`), and with `change`, the cache simulation. `None`
/// when the file has no stage or no such target.
pub fn plan_source(
    source: &str,
    options: &LintOptions,
    target: Option<&str>,
    change: Option<&Change>,
) -> Option<Plan> {
    let findings = crate::lint_with(source, options);
    let dockerfile = crate::syntax::parse(source);
    let model = Model::build(&dockerfile);
    let mut plan = Plan::build(&model, &options.build_context, &findings, target)?;
    if let Some(change) = change {
        simulate(&mut plan, &model, &options.build_context, change);
    }
    Some(plan)
}
