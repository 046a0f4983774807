//! DL3044 env-self-reference: an `ENV` value naming a variable the same `ENV` sets earlier.

use crate::rules::declared::declared_with_spans;
use crate::rules::{Context, Rule};
use crate::syntax::vars::references;
use crate::syntax::{Args, Keyword};
use std::collections::HashSet;

pub struct EnvSelfReference;

impl Rule for EnvSelfReference {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let escape = cx.dockerfile.escape;
        // Variables set by an earlier ARG or ENV: a reference then reads that value, which
        // may be what was meant. Borrowed from the syntax tree: a copy of every name would
        // cost more than the rest of the rule in a file of many `ENV`s.
        // Sized up front: grown one name at a time, it holds the old and the new table at once.
        let declared = crate::model::declarations(cx.dockerfile.instructions());
        let mut known: HashSet<&str> = HashSet::with_capacity(declared);
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword == Keyword::Env {
                if let Args::KeyValues(pairs) = &instruction.args {
                    let mut hit = None;
                    'pairs: for (i, pair) in pairs.iter().enumerate() {
                        if known.contains(pair.key.text.as_str()) {
                            continue;
                        }
                        for later in &pairs[i + 1..] {
                            let value = &later.value.text;
                            let named = references(value, escape)
                                .iter()
                                .any(|r| value[r.name.clone()] == pair.key.text);
                            if named {
                                hit = Some((pair.key.text.clone(), later.key.text.clone()));
                                break 'pairs;
                            }
                        }
                    }
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
            }
            known.extend(
                declared_with_spans(instruction)
                    .into_iter()
                    .map(|(name, _)| name),
            );
        }
    }
}
