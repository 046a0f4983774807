//! DL3044 env-self-reference: an `ENV` value naming a variable the same `ENV` sets earlier.

use crate::rules::declared::declared_with_spans;
use crate::rules::{Context, Rule};
use crate::syntax::vars::references;
use crate::syntax::{Args, Instruction, KeyValue, Keyword};
use std::collections::HashSet;

pub struct EnvSelfReference;

impl Rule for EnvSelfReference {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let escape = cx.dockerfile.escape;
        // A key matters only if a later pair of its own `ENV` names it: those are the only
        // names whose earlier declarations are looked up. Keeping just them, not every name
        // the file declares, keeps a file of a million `ENV`s from holding a million-name set.
        let watched: HashSet<&str> = cx
            .dockerfile
            .instructions()
            .filter_map(env_pairs)
            .flat_map(|pairs| self_references(pairs, escape).map(|(name, _)| name))
            .collect();
        if watched.is_empty() {
            return;
        }
        // Watched names set by an earlier ARG or ENV: a reference then reads that value, which
        // may be what was meant.
        let mut known: HashSet<&str> = HashSet::new();
        for instruction in cx.dockerfile.instructions() {
            if let Some(pairs) = env_pairs(instruction) {
                let hit = self_references(pairs, escape).find(|(name, _)| !known.contains(name));
                if let Some((name, user)) = hit {
                    cx.report(
                        instruction.span,
                        format!(
                            "`{user}` uses `${name}`, which this same ENV sets: Docker \
                             expands it with the value from before this ENV, not this one; \
                             set `{name}` in an ENV of its own first"
                        ),
                    );
                }
            }
            known.extend(
                declared_with_spans(instruction)
                    .into_iter()
                    .map(|(name, _)| name)
                    .filter(|name| watched.contains(name)),
            );
        }
    }
}

/// The pairs of an `ENV`.
fn env_pairs(instruction: &Instruction) -> Option<&[KeyValue]> {
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Env, Args::KeyValues(pairs, _)) => Some(pairs),
        _ => None,
    }
}

/// Each key of an `ENV` that a later pair of it names, in order, with the first later key whose
/// value names it: `(name, user)`.
fn self_references(pairs: &[KeyValue], escape: char) -> impl Iterator<Item = (&str, &str)> {
    pairs.iter().enumerate().filter_map(move |(i, pair)| {
        let key = pair.key.text.as_str();
        pairs[i + 1..].iter().find_map(|later| {
            let value = &later.value.text;
            references(value, escape)
                .iter()
                .any(|r| value[r.name.clone()] == *key)
                .then_some((key, later.key.text.as_str()))
        })
    })
}
