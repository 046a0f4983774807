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

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Instruction, Keyword, Word};
use std::collections::HashSet;

pub struct UndefinedVar;

/// How many names a file may declare for a hint to be looked for among them. Past it, the walk
/// keeps only the names something reads: a file of a million `ENV`s would otherwise hold a
/// million-name set for a rule that finds nothing in it.
const HINTED_UP_TO: usize = 1_000;

impl Rule for UndefinedVar {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let stages = cx.stages();
        let escape = cx.dockerfile.escape;
        let declared_in_file = crate::model::declarations(cx.dockerfile.instructions());
        // `None`: every name is kept (and hints are given).
        let read: Option<HashSet<&str>> = (declared_in_file > HINTED_UP_TO).then(|| {
            let bodies = stages.iter().flat_map(|stage| stage.body.iter());
            bodies
                .flat_map(|instruction| expanded_texts(instruction))
                .flat_map(|text| used_names(text, escape))
                .collect()
        });
        let kept = |name: &str| read.as_ref().is_none_or(|read| read.contains(name));
        let start = |stage: &crate::rules::instructions::Stage<'_>| {
            let base = stage
                .from
                .and_then(crate::rules::instructions::from_parts)?;
            let names = environment(&base.image.text)?;
            // Room for the image's names and those the stage declares.
            let declared = crate::model::declarations(stage.body.iter().copied());
            let room = read
                .as_ref()
                .map_or(declared, |read| read.len().min(declared));
            let mut set = NameSet::with_capacity(names.len() + room);
            for name in names {
                set.insert(name);
            }
            Some(set)
        };
        // One set of names for the whole walk, not a copy per stage: a chain of stages each
        // built on the one before would otherwise keep every name once per stage.
        walk_stage_tree(stages, start, |env, instruction| {
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
                        if kept(name) {
                            defined.insert(name);
                        }
                    }
                }
                // Every other instruction's texts, an ENV's values among them, are expanded with
                // the variables from before it; an ENV's keys are defined after.
                (keyword, args) => {
                    for text in expanded_texts(instruction) {
                        note(text, defined);
                    }
                    if let (Keyword::Env, Args::KeyValues(pairs, _)) = (keyword, args) {
                        for pair in pairs.iter().filter(|pair| kept(&pair.key.text)) {
                            defined.insert(&pair.key.text);
                        }
                    }
                }
            }
            for name in undefined {
                // A hint is a courtesy: not worth a scan of a huge environment per name.
                let hinted = read.is_none() && defined.len() <= HINTED_UP_TO;
                let options = hinted.then_some(defined.iter());
                let hint = did_you_mean(options.and_then(|o| suggestion(&name, o)), "$");
                cx.report(
                    instruction.span,
                    format!("Usage of undefined variable '${name}'{hint}"),
                );
            }
        });
    }
}

/// The texts of an instruction that BuildKit expands: an `ARG`'s defaults, an `ENV`'s values,
/// the words of the others (see [`expanded_words`]).
fn expanded_texts(instruction: &Instruction) -> Vec<&str> {
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Arg, Args::Words(words)) => words
            .iter()
            .filter_map(|word| word.text.split_once('=').map(|(_, value)| value))
            .collect(),
        (Keyword::Env, Args::KeyValues(pairs, _)) => {
            pairs.iter().map(|pair| pair.value.text.as_str()).collect()
        }
        _ => expanded_words(instruction)
            .into_iter()
            .map(|word| word.text.as_str())
            .collect(),
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
        (Keyword::Label, Args::KeyValues(pairs, _)) => {
            pairs.iter().flat_map(|p| [&p.key, &p.value]).collect()
        }
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::HINTED_UP_TO;
    use crate::config::parse;
    use crate::{LintOptions, lint_with};

    fn messages(source: &str) -> Vec<String> {
        let options = LintOptions {
            config: parse("test", "select: [UndefinedVar]\n").expect("valid"),
            ..LintOptions::default()
        };
        let found = lint_with(source, &options);
        found.into_iter().map(|d| d.message).collect()
    }

    #[test]
    fn a_close_declared_name_is_hinted() {
        let found = messages("FROM scratch\nENV V7=x\nWORKDIR /$V7/$V7X\n");
        assert_eq!(
            found,
            ["Usage of undefined variable '$V7X' (did you mean $V7?)"]
        );
    }

    #[test]
    fn past_the_hinted_count_only_names_something_reads_are_kept() {
        let mut source = String::from("FROM scratch\n");
        for i in 0..=HINTED_UP_TO {
            source.push_str(&format!("ENV V{i}=x\n"));
        }
        // A declared name read, an undeclared one (no hint past the count), an ARG declared and
        // read in one instruction, and a name read before its declaration.
        source.push_str("WORKDIR /$V7/$V7X/$LATE\nARG A=1 B=$A\nENV LATE=1\nUSER $B:$LATE\n");
        assert_eq!(
            messages(&source),
            [
                "Usage of undefined variable '$V7X'",
                "Usage of undefined variable '$LATE'"
            ]
        );
    }
}
