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
/// for `target` (else the options' target, else the last stage), and with `change`, the cache simulation. `None`
/// when the file has no stage or no such target.
pub fn plan_source(
    source: &str,
    options: &LintOptions,
    target: Option<&str>,
    change: Option<&Change>,
) -> Option<Plan> {
    let findings = crate::lint_with(source, options);
    let dockerfile = crate::syntax::parse(source);
    // The model of the build the findings judge: its build arguments replace the ARG values
    // (the cache simulation compares the new build's against them: the cached build passed them
    // too), and its target, unless the caller asks for another, is the stage shown.
    let target = target.or(options.target.as_deref());
    let model = Model::build_for(&dockerfile, &options.build_args, target);
    let mut plan = Plan::build(&model, &options.build_context, &findings, target)?;
    if let Some(change) = change {
        simulate(&mut plan, &model, &options.build_context, change);
    }
    Some(plan)
}
