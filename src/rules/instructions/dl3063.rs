//! DL3063 reserved-stage-name: a stage named `scratch` or `context`.

use super::from_parts;
use crate::rules::{Context, Rule};

pub struct ReservedStageName;

impl Rule for ReservedStageName {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.stages() {
            let Some(alias) = stage.from.and_then(from_parts).and_then(|p| p.alias) else {
                continue;
            };
            let meaning = match alias.text.as_str().to_ascii_lowercase().as_str() {
                "scratch" => "`FROM scratch` means the empty image, not this stage",
                "context" => "`context` names the build context in `--from` and `--build-context`",
                _ => continue,
            };
            cx.report(
                alias.span,
                format!(
                    "the stage name `{}` is a reserved word ({meaning}); choose another name",
                    alias.text
                ),
            );
        }
    }
}
