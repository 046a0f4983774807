//! Every `ARG` and `ENV` declaration of a Dockerfile's stages, stored once, with each step's
//! scope a [`Point`] in it.
//!
//! Copying a scope per step costs the number of variables in scope at every step: quadratic in a
//! file of many `ENV`s. Here a declaration is appended once, and looking a name up at a point is
//! a binary search in the list of that name's declarations, so both the memory and the time a
//! step adds are independent of how many variables came before.
//!
//! Stages are laid out one after another. A stage's scope sees a contiguous run of declarations
//! (from `start` up to the point), and, when it is built `FROM` a stage whose declarations are
//! not right before its own, falls back to that stage's final point. Fallbacks are kept
//! shallow: past [`MAX_FALLBACKS`] the stage starts with a copy of what it inherits instead.

use super::vars::{Lookup, Var, VarKind};
use std::collections::{HashMap, HashSet};

/// How many stages a lookup may fall back through before a stage copies what it inherits.
const MAX_FALLBACKS: u32 = 8;

/// A scope: which stage's declarations, and how many of the file's declarations precede it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Point {
    scope: u32,
    at: u32,
}

#[derive(Clone, Copy, Debug)]
struct Scope {
    /// The first declaration this scope sees directly; it sees every one from here to its point.
    start: u32,
    /// Where lookups continue once the run from `start` has no declaration of the name.
    fallback: Option<Point>,
    /// How many fallbacks deep this scope's chain is.
    depth: u32,
}

#[derive(Debug)]
pub struct History {
    entries: Vec<Var>,
    /// The positions of each name's declarations, ascending.
    by_name: HashMap<String, Vec<u32>>,
    scopes: Vec<Scope>,
    /// Bytes of values stored so far; past `budget`, new values that expansion made longer than
    /// their text are stored as unknown, so the model's memory stays proportional to the file.
    stored: usize,
    budget: usize,
    /// Values given from outside the file (`--build-arg`, a compose service's `build.args`):
    /// they replace the value an `ARG` of that name declares.
    given: BuildArgs,
}

/// Build arguments given to a build, by name.
pub type BuildArgs = std::collections::BTreeMap<String, String>;

impl History {
    /// An empty history whose stored values may add up to `budget` bytes beyond their text.
    #[cfg(test)]
    pub(crate) fn new(budget: usize) -> History {
        History::with_capacity(budget, 0)
    }

    /// Like [`History::new`], with room for `declarations` entries made up front: in a file of a
    /// million `ENV`s, growing the list by doubling would hold the old and the new list at once
    /// and leave up to half of the last one unused.
    pub(crate) fn with_capacity(budget: usize, declarations: usize) -> History {
        History {
            entries: Vec::with_capacity(declarations),
            by_name: HashMap::with_capacity(declarations),
            scopes: Vec::new(),
            stored: 0,
            budget,
            given: BuildArgs::new(),
        }
    }

    /// The same history, with build arguments given from outside the file.
    pub(crate) fn with_given(mut self, given: BuildArgs) -> History {
        self.given = given;
        self
    }

    pub(crate) fn given_args(&self) -> &BuildArgs {
        &self.given
    }

    /// The value given from outside for the `ARG` named `name`, if any.
    pub(crate) fn given(&self, name: &str) -> Option<&str> {
        self.given.get(name).map(String::as_str)
    }

    fn end(&self) -> u32 {
        u32::try_from(self.entries.len()).unwrap_or(u32::MAX)
    }

    /// A new stage's scope: empty, or continuing from `base` (the final point of the stage it is
    /// built `FROM`). Declarations go after it with [`History::declare`].
    pub(crate) fn open(&mut self, base: Option<Point>) -> Point {
        let here = self.end();
        let scope = match base.and_then(|p| Some((p, *self.scopes.get(p.scope as usize)?))) {
            None => Scope {
                start: here,
                fallback: None,
                depth: 0,
            },
            // Nothing was declared since the base's point: its run simply goes on.
            Some((p, base)) if p.at == here => base,
            Some((p, base)) if base.depth < MAX_FALLBACKS => Scope {
                start: here,
                fallback: Some(p),
                depth: base.depth + 1,
            },
            Some((p, _)) => {
                // Too deep: start from a copy of what the base sees, oldest first.
                let mut inherited: Vec<Var> = self.visible(p).into_iter().cloned().collect();
                inherited.reverse();
                for var in inherited {
                    self.append(var);
                }
                Scope {
                    start: here,
                    fallback: None,
                    depth: 0,
                }
            }
        };
        self.scopes.push(scope);
        Point {
            scope: u32::try_from(self.scopes.len() - 1).unwrap_or(u32::MAX),
            at: self.end(),
        }
    }

    fn append(&mut self, var: Var) {
        let at = self.end();
        if at == u32::MAX {
            return;
        }
        self.by_name.entry(var.name.clone()).or_default().push(at);
        self.entries.push(var);
    }

    /// Declares a variable at `point`, the newest point of the newest scope, and moves the point
    /// past it. `text_len` is the length of the text the value was expanded from.
    pub(super) fn declare(
        &mut self,
        point: &mut Point,
        name: &str,
        value: Option<String>,
        kind: VarKind,
        text_len: usize,
    ) {
        if point.at != self.end() {
            // Declarations of another scope came after this point: go on in a scope of its own.
            *point = self.open(Some(*point));
        }
        let value = value.filter(|v| {
            let grown = v.len().saturating_sub(text_len);
            let fits = self.stored.saturating_add(grown) <= self.budget;
            if fits {
                self.stored += grown;
            }
            fits
        });
        self.append(Var {
            name: name.to_string(),
            value,
            kind,
        });
        point.at = self.end();
    }

    /// The declaration of `name` in scope at `point`.
    pub fn get(&self, name: &str, point: Point) -> Option<&Var> {
        let positions = self.by_name.get(name)?;
        let mut point = point;
        for _ in 0..=MAX_FALLBACKS {
            let scope = self.scopes.get(point.scope as usize)?;
            let before = positions.partition_point(|&i| i < point.at);
            match before.checked_sub(1).map(|k| positions[k]) {
                Some(latest) if latest >= scope.start => return self.entries.get(latest as usize),
                _ => point = scope.fallback?,
            }
        }
        None
    }

    /// Every variable in scope at `point`, each name once, the latest declarations first.
    pub(super) fn visible(&self, point: Point) -> Vec<&Var> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut found = Vec::new();
        let mut next = Some(point);
        for _ in 0..=MAX_FALLBACKS {
            let Some(point) = next else { break };
            let Some(scope) = self.scopes.get(point.scope as usize) else {
                break;
            };
            let run = self
                .entries
                .get(scope.start as usize..point.at as usize)
                .unwrap_or_default();
            for var in run.iter().rev() {
                if seen.insert(var.name.as_str()) {
                    found.push(var);
                }
            }
            next = scope.fallback;
        }
        found
    }

    /// `text` expanded in the scope at `point` (see [`Vars::expand`](super::Vars::expand)).
    pub(crate) fn expand_at(&self, point: Point, text: &str, escape: char) -> Option<String> {
        super::vars::expand(&self.at(point), text, escape)
    }

    /// The scope at `point`, for reading while the history is still being written.
    pub(super) fn at(&self, point: Point) -> At<'_> {
        At {
            history: self,
            point,
        }
    }
}

/// A scope of a history being built.
pub(super) struct At<'h> {
    history: &'h History,
    point: Point,
}

impl Lookup for At<'_> {
    fn lookup(&self, name: &str) -> Option<&Var> {
        self.history.get(name, self.point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value<'h>(history: &'h History, name: &str, point: Point) -> Option<&'h str> {
        history.get(name, point)?.value.as_deref()
    }

    #[test]
    fn each_point_sees_what_was_declared_before_it() {
        let mut history = History::new(0);
        let mut point = history.open(None);
        let empty = point;
        history.declare(&mut point, "A", Some("1".into()), VarKind::Env, 1);
        let first = point;
        history.declare(&mut point, "A", Some("2".into()), VarKind::Env, 1);
        assert_eq!(history.get("A", empty), None);
        assert_eq!(value(&history, "A", first), Some("1"));
        assert_eq!(value(&history, "A", point), Some("2"));
        assert_eq!(history.visible(point).len(), 1);
    }

    #[test]
    fn a_stage_sees_its_base_but_not_its_siblings() {
        let mut history = History::new(0);
        let mut base = history.open(None);
        history.declare(&mut base, "A", Some("base".into()), VarKind::Env, 4);
        let mut sibling = history.open(None);
        history.declare(&mut sibling, "B", Some("sibling".into()), VarKind::Env, 7);
        // Built FROM the first stage after another stage declared something: a fallback.
        let mut child = history.open(Some(base));
        assert_eq!(value(&history, "A", child), Some("base"));
        assert_eq!(history.get("B", child), None);
        history.declare(&mut child, "A", Some("child".into()), VarKind::Env, 5);
        assert_eq!(value(&history, "A", child), Some("child"));
        assert_eq!(value(&history, "A", base), Some("base"));
        // Built FROM the child right after it: the child's run goes on.
        let grandchild = history.open(Some(child));
        assert_eq!(value(&history, "A", grandchild), Some("child"));
    }

    #[test]
    fn deep_fallbacks_are_flattened_and_still_correct() {
        let mut history = History::new(0);
        let mut previous = history.open(None);
        history.declare(&mut previous, "ROOT", Some("r".into()), VarKind::Arg, 1);
        for i in 0..40 {
            let mut unrelated = history.open(None);
            history.declare(&mut unrelated, "X", None, VarKind::Arg, 0);
            let mut next = history.open(Some(previous));
            history.declare(
                &mut next,
                &format!("V{i}"),
                Some(i.to_string()),
                VarKind::Env,
                2,
            );
            previous = next;
        }
        assert_eq!(value(&history, "ROOT", previous), Some("r"));
        assert_eq!(value(&history, "V0", previous), Some("0"));
        assert_eq!(value(&history, "V39", previous), Some("39"));
        assert_eq!(history.get("X", previous), None);
        assert_eq!(history.visible(previous).len(), 41);
    }

    #[test]
    fn values_past_the_budget_are_unknown() {
        let mut history = History::new(10);
        let mut point = history.open(None);
        history.declare(&mut point, "A", Some("x".repeat(8)), VarKind::Env, 2);
        history.declare(&mut point, "B", Some("x".repeat(8)), VarKind::Env, 2);
        // Text as long as its value costs nothing from the budget.
        history.declare(&mut point, "C", Some("x".repeat(8)), VarKind::Env, 8);
        assert!(value(&history, "A", point).is_some());
        assert_eq!(
            history.get("B", point).map(|v| v.value.is_none()),
            Some(true)
        );
        assert!(value(&history, "C", point).is_some());
    }
}
