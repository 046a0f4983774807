//! UndefinedVar: an instruction that expands a variable no `ARG` or `ENV` of its stage defines
//! (nor the base image, nor BuildKit's platform arguments): it expands to nothing, usually a
//! typo. BuildKit reads the base image's environment from the pulled image; here it is known only
//! for `scratch`, for a stage of this file, and for the official images in `known_images.rs`. A
//! stage on any other base may get the variable from it, so nothing is reported there.
//!
//! Checked where BuildKit expands words itself: `ADD`, `COPY`, `ENV`, `ARG` defaults, `LABEL`,
//! `EXPOSE`, `USER`, `WORKDIR`, `VOLUME`, `STOPSIGNAL` (a `RUN` or `CMD` is expanded by the
//! shell, at run time).

use super::known_images::environment;
use super::stage_tree::{NameSet, walk_stage_tree};
use super::{BUILTIN_ARGS, did_you_mean, suggestion, used_names};
use crate::rules::instructions::stages;
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Instruction, Keyword, Word};

pub struct UndefinedVar;

impl Rule for UndefinedVar {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = stages(cx.dockerfile);
        let escape = cx.dockerfile.escape;
        let start = |stage: &crate::rules::instructions::Stage<'_>| {
            let base = stage
                .from
                .and_then(crate::rules::instructions::from_parts)?;
            let names = environment(&base.image.text)?;
            // Room for the image's names and those the stage declares.
            let declared = crate::model::declarations(stage.body.iter().copied());
            let mut set = NameSet::with_capacity(names.len() + declared);
            for name in names {
                set.insert(name);
            }
            Some(set)
        };
        // One set of names for the whole walk, not a copy per stage: a chain of stages each
        // built on the one before would otherwise keep every name once per stage.
        walk_stage_tree(&stages, start, |env, instruction| {
            let Some(defined) = env else {
                return;
            };
            let mut undefined: Vec<String> = Vec::new();
            let mut note = |text: &str, defined: &NameSet<'_>| {
                for name in used_names(text, escape) {
                    if !defined.contains(name)
                        && !BUILTIN_ARGS.contains(&name)
                        && !undefined.iter().any(|u| u == name)
                    {
                        undefined.push(name.to_string());
                    }
                }
            };
            match (&instruction.keyword, &instruction.args) {
                // Each ARG sees the ones before it in the same instruction.
                (Keyword::Arg, Args::Words(words)) => {
                    for word in words {
                        let (name, value) = word.text.split_once('=').unwrap_or((&word.text, ""));
                        note(value, defined);
                        defined.insert(name);
                    }
                }
                // An ENV's values are all expanded with the variables from before it.
                (Keyword::Env, Args::KeyValues(pairs)) => {
                    for pair in pairs {
                        note(&pair.value.text, defined);
                    }
                    for pair in pairs {
                        defined.insert(&pair.key.text);
                    }
                }
                _ => {
                    for word in expanded_words(instruction) {
                        note(&word.text, defined);
                    }
                }
            }
            for name in undefined {
                // A hint is a courtesy: not worth a scan of a huge environment per name.
                let options = (defined.len() <= 1_000).then_some(defined.iter());
                let hint = did_you_mean(options.and_then(|o| suggestion(&name, o)), "$");
                cx.report(
                    instruction.span,
                    format!("Usage of undefined variable '${name}'{hint}"),
                );
            }
        });
    }
}

/// The words BuildKit expands in the other instructions that expand variables.
fn expanded_words(instruction: &Instruction) -> Vec<&Word> {
    match (&instruction.keyword, &instruction.args) {
        (
            Keyword::Add
            | Keyword::Copy
            | Keyword::Expose
            | Keyword::Volume
            | Keyword::User
            | Keyword::Workdir
            | Keyword::Stopsignal,
            Args::Words(words) | Args::Json(words),
        ) => words.iter().collect(),
        (
            Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Volume,
            Args::Text(word),
        ) => {
            vec![word]
        }
        (Keyword::Label, Args::KeyValues(pairs)) => {
            pairs.iter().flat_map(|p| [&p.key, &p.value]).collect()
        }
        _ => Vec::new(),
    }
}
