//! UndefinedArgInFrom: a `FROM` that uses a variable no global `ARG` declares (and that is not
//! one of the platform arguments BuildKit always defines).

use super::instructions_of;
use super::{BUILTIN_ARGS, did_you_mean, suggestion, used_names};
use crate::rules::instructions::{from_parts, global_args};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct UndefinedArgInFrom;

impl Rule for UndefinedArgInFrom {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let args = global_args(cx.dockerfile);
        let declared: Vec<&str> = args.iter().map(|(name, _)| name.as_str()).collect();
        let escape = cx.dockerfile.escape;
        for instruction in instructions_of(cx.dockerfile, Keyword::From) {
            let mut texts = Vec::new();
            if let Some(value) = instruction.flag("platform").and_then(|f| f.value.clone()) {
                texts.push(value);
            }
            if let Some(parts) = from_parts(instruction) {
                texts.push(parts.image.text.clone());
            }
            let mut reported: Vec<String> = Vec::new();
            for text in &texts {
                for name in used_names(text, escape) {
                    if declared.contains(&name)
                        || BUILTIN_ARGS.contains(&name)
                        || reported.iter().any(|r| r == name)
                    {
                        continue;
                    }
                    reported.push(name.to_string());
                    let options = declared.iter().copied().chain(BUILTIN_ARGS.iter().copied());
                    let hint = did_you_mean(suggestion(name, options), "");
                    cx.report(
                        instruction.span,
                        format!("FROM argument '{name}' is not declared{hint}"),
                    );
                }
            }
        }
    }
}
