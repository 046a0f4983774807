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
//! not right before its own, goes on at that stage's final point (its fallback). Nothing is ever
//! copied: a chain of stages each built from the one two back would otherwise copy what it
//! inherits again and again, quadratic in the chain's length. A lookup that misses in a run skips
//! to the run its candidate could lie in along jump pointers (see [`Scope::jump`]), so a deep
//! chain costs a logarithm per run that holds a declaration of the name, not a walk; and what a
//! lookup found at a point down a chain is remembered (`landings`), so the stages of a chain
//! do not each walk the runs beside it again.

use super::name_index::NameIndex;
use super::vars::{Lookup, Var, VarKind};
use lean_string::LeanString;
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, PoisonError};

/// A scope: which stage's declarations, and how many of the file's declarations precede it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Point {
    scope: u32,
    at: u32,
}

/// One run of declarations and where its chain goes on. Along a chain (a scope, its fallback,
/// the fallback's fallback …) the runs lie further and further back in the file: each starts
/// before the one below it, which is what lets a lookup skip to the run a position falls in.
#[derive(Clone, Copy, Debug)]
struct Scope {
    /// The first declaration this scope sees directly; it sees every one from here to its point.
    start: u32,
    /// Where lookups continue once the run from `start` has no declaration of the name; never a
    /// point whose own run is empty (those are skipped when the scope is opened).
    fallback: Option<Point>,
    /// How many fallbacks the chain below this scope has.
    depth: u32,
    /// A point further down the chain than `fallback` (or the fallback itself), chosen as in a
    /// skew-binary list (Myers, "An applicative random-access stack", 1983): from any scope, the
    /// first run of the chain that starts at or before a position is found in a number of steps
    /// logarithmic in the chain's depth, with one extra point per scope.
    jump: Option<Point>,
}

#[derive(Debug)]
pub struct History {
    entries: Vec<Var>,
    /// The positions of each name's declarations, ascending.
    by_name: NameIndex,
    scopes: Vec<Scope>,
    /// Bytes of values stored so far; past `budget`, new values that expansion made longer than
    /// their text are stored as unknown, so the model's memory stays proportional to the file.
    stored: usize,
    budget: usize,
    /// Values given from outside the file (`--build-arg`, a compose service's `build.args`):
    /// they replace the value an `ARG` of that name declares.
    given: BuildArgs,
    /// What lookups that went down a chain found, by the point they landed on and the name's
    /// first position: without it, the stages of a chain that each read a name which every
    /// stage beside the chain redeclares would each walk the whole chain (quadratic in time).
    landings: Mutex<HashMap<(Point, u32), Option<u32>>>,
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
            by_name: NameIndex::with_capacity(declarations),
            scopes: Vec::new(),
            stored: 0,
            budget,
            given: BuildArgs::new(),
            landings: Mutex::default(),
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

    fn scope(&self, point: Point) -> Option<&Scope> {
        self.scopes.get(point.scope as usize)
    }

    /// A new stage's scope: empty, or continuing from `base` (the final point of the stage it is
    /// built `FROM`). Declarations go after it with [`History::declare`].
    pub(crate) fn open(&mut self, base: Option<Point>) -> Point {
        let here = self.end();
        let scope = match self.nonempty(base) {
            None => Scope {
                start: here,
                fallback: None,
                depth: 0,
                jump: None,
            },
            // Nothing was declared since the base's point: its run simply goes on.
            Some((p, base)) if p.at == here => base,
            Some((p, base)) => Scope {
                start: here,
                fallback: Some(p),
                depth: base.depth + 1,
                jump: Some(self.jump_for(p, &base)),
            },
        };
        self.scopes.push(scope);
        Point {
            scope: u32::try_from(self.scopes.len() - 1).unwrap_or(u32::MAX),
            at: self.end(),
        }
    }

    /// `point`, or the first point down its chain whose run holds a declaration, with its scope:
    /// an empty run adds nothing to a lookup, and a chain of them (stages that declare nothing,
    /// built from one another) would only lengthen every walk.
    fn nonempty(&self, mut point: Option<Point>) -> Option<(Point, Scope)> {
        loop {
            let p = point?;
            let scope = *self.scope(p)?;
            if scope.start < p.at {
                return Some((p, scope));
            }
            point = scope.fallback;
        }
    }

    /// The jump of a scope whose fallback is `parent` (whose scope is `scope`): two jumps of equal
    /// length combine into one twice as long, otherwise the jump is one step.
    fn jump_for(&self, parent: Point, scope: &Scope) -> Point {
        let depth = |p: Point| self.scope(p).map_or(0, |s| s.depth);
        let far = scope
            .jump
            .and_then(|j| Some((j, self.scope(j)?.jump?)))
            .filter(|&(j, jj)| scope.depth - depth(j) == depth(j) - depth(jj));
        far.map_or(parent, |(_, jj)| jj)
    }

    /// The first point down the chain below `from` (not `from` itself) whose run starts at or
    /// before `position`. Every run skipped starts after it, so none of them holds it.
    fn run_reaching(&self, from: Point, position: u32) -> Option<Point> {
        self.run_reaching_counted(from, position).0
    }

    /// [`History::run_reaching`], with the number of scopes it looked at.
    fn run_reaching_counted(&self, from: Point, position: u32) -> (Option<Point>, usize) {
        let mut steps = 0;
        let mut here = self.scope(from).copied();
        while let Some(scope) = here {
            steps += 1;
            if let Some(far) = scope.jump.and_then(|j| self.scope(j)) {
                if far.start > position {
                    here = Some(*far);
                    continue;
                }
            }
            let Some(next) = scope.fallback else { break };
            here = self.scope(next).copied();
            if here.is_some_and(|s| s.start <= position) {
                return (Some(next), steps);
            }
        }
        (None, steps)
    }

    fn append(&mut self, var: Var) {
        let at = self.end();
        if at == u32::MAX {
            return;
        }
        self.entries.push(var);
        let entries = &self.entries;
        self.by_name
            .push(&entries[at as usize].name, at, name_at(entries));
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
            name: name.into(),
            value: value.map(LeanString::from),
            kind,
        });
        point.at = self.end();
    }

    /// The declaration of `name` in scope at `point`.
    pub fn get(&self, name: &str, point: Point) -> Option<&Var> {
        self.get_counted(name, point).0
    }

    /// [`History::get`], with how many points down a chain the lookup landed on that no earlier
    /// lookup had.
    fn get_counted(&self, name: &str, point: Point) -> (Option<&Var>, usize) {
        let positions = self.by_name.get(name, name_at(&self.entries));
        // The name's first declaration stands for the name in the memo of landings.
        let Some(&name_id) = positions.first() else {
            return (None, 0);
        };
        let mut landed = Vec::new();
        let found = self.find(positions, name_id, point, &mut landed);
        let count = landed.len();
        if count > 0 {
            let mut memo = self.landings.lock().unwrap_or_else(PoisonError::into_inner);
            memo.extend(landed.into_iter().map(|at| ((at, name_id), found)));
        }
        (found.and_then(|at| self.entries.get(at as usize)), count)
    }

    /// The position of the newest of `positions` in scope at `point`; every point down the chain
    /// that the search landed on and had no answer for is added to `landed`.
    fn find(
        &self,
        positions: &[u32],
        name_id: u32,
        mut point: Point,
        landed: &mut Vec<Point>,
    ) -> Option<u32> {
        loop {
            // The newest declaration of the name before the point, and the run it could be in.
            let newest = *positions[..positions.partition_point(|&i| i < point.at)].last()?;
            if self.scope(point)?.start > newest {
                point = self.run_reaching(point, newest)?;
                // What is in scope at a point down a chain is the same for every lookup that
                // reaches it: a stage of a chain finds what the stage below it found.
                let memo = self.landings.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(&known) = memo.get(&(point, name_id)) {
                    return known;
                }
                landed.push(point);
            }
            if newest < point.at {
                return Some(newest);
            }
            // It lies between two runs of the chain, in another stage's: look again below.
        }
    }

    /// Every variable in scope at `point`, each name once, the latest declarations first.
    pub(super) fn visible(&self, point: Point) -> Vec<&Var> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut found = Vec::new();
        let mut next = Some(point);
        while let Some(point) = next {
            let Some(scope) = self.scope(point) else {
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

/// The name declared at each position of `entries`, for the name index.
fn name_at<'h>(entries: &'h [Var]) -> impl Fn(u32) -> &'h str {
    |at| entries.get(at as usize).map_or("", |var| var.name.as_str())
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
    fn deep_fallbacks_are_followed_to_the_end() {
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
        // Nothing was copied: one entry per declaration.
        assert_eq!(history.entries.len(), 81);
    }

    /// Stage `i` built from stage `i - 2`, each declaring `V{i}`; stage 1 also declares `X`.
    fn two_back_chain(count: usize) -> (History, Vec<Point>) {
        let mut history = History::new(0);
        let mut finals: Vec<Point> = Vec::new();
        for i in 0..count {
            let base = i.checked_sub(2).map(|b| finals[b]);
            let mut point = history.open(base);
            let value = i.to_string();
            let len = value.len();
            history.declare(&mut point, &format!("V{i}"), Some(value), VarKind::Env, len);
            if i == 1 {
                history.declare(&mut point, "X", Some("x".into()), VarKind::Env, 1);
            }
            finals.push(point);
        }
        (history, finals)
    }

    #[test]
    fn a_chain_built_two_back_stores_each_declaration_once() {
        // Each stage falls back to the one two back: copying what a deep chain inherits would
        // store count²/16 entries; a chain of runs stores one per declaration.
        let count = 3_000;
        let (history, finals) = two_back_chain(count);
        assert_eq!(history.entries.len(), count + 1);
        let last = finals[count - 1];
        assert_eq!(value(&history, "V0", last), None);
        assert_eq!(value(&history, "V1", last), Some("1"));
        assert_eq!(value(&history, "X", last), Some("x"));
        assert_eq!(value(&history, "V2999", last), Some("2999"));
        assert_eq!(history.get("V2998", last), None);
        assert_eq!(value(&history, "V3", last), Some("3"));
        assert_eq!(history.get("V2", last), None);
        assert_eq!(history.visible(last).len(), count / 2 + 1);
        let even = finals[count - 2];
        assert_eq!(value(&history, "V0", even), Some("0"));
        assert_eq!(history.get("X", even), None);
    }

    #[test]
    fn a_lookup_skips_down_a_deep_chain_in_few_steps() {
        // From the top of the odd stages' chain (1,500 runs deep), the run of stage 3 (`V3`, the
        // fifth declaration) and the one below a position in the even stages' chain (stage 1's,
        // whose run ends before `V2`) are found in steps of the order of the depth's logarithm.
        let (history, finals) = two_back_chain(3_000);
        let top = *finals.last().unwrap();
        for (position, owner) in [(4, 3), (3, 1)] {
            let (found, steps) = history.run_reaching_counted(top, position);
            assert_eq!(found, Some(finals[owner]));
            assert!(steps < 40, "{steps} steps to position {position}");
        }
        // A walk one scope at a time would take a step per run.
        let (_, steps) = history.run_reaching_counted(top, 0);
        assert!(steps < 40, "{steps} steps to the bottom");
    }

    #[test]
    fn a_chain_reading_a_name_the_stages_beside_it_redeclare_looks_down_once() {
        // Even stages chain from stage 0 (`X=even`); odd stages chain from stage 1 and each
        // redeclare `X`, so from an even stage every newer `X` is out of scope. Each even stage
        // reads `X` as it is built; its lookup lands on the stage two back and finds there what
        // that stage's own lookup found: a walk down the whole chain would land on every even
        // stage below (half a million landings here).
        let count: usize = 2_000;
        let mut history = History::new(0);
        let mut finals: Vec<Point> = Vec::new();
        let mut landings = 0;
        for i in 0..count {
            let mut point = history.open(i.checked_sub(2).map(|b| finals[b]));
            match i {
                0 => history.declare(&mut point, "X", Some("even".into()), VarKind::Env, 4),
                _ if i % 2 == 1 => history.declare(&mut point, "X", None, VarKind::Env, 0),
                _ => {
                    let (var, landed) = history.get_counted("X", point);
                    let seen = var.and_then(|v| v.value.clone());
                    assert_eq!(seen.as_deref(), Some("even"), "stage {i}");
                    landings += landed;
                    history.declare(&mut point, "V", seen.map(String::from), VarKind::Env, 4);
                }
            }
            finals.push(point);
        }
        assert!(landings <= count, "{landings} landings");
        assert_eq!(value(&history, "X", finals[count - 2]), Some("even"));
        let odd = history.get("X", finals[count - 1]);
        assert_eq!(odd.map(|v| v.value.is_none()), Some(true));
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
