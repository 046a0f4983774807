//! A walk over the stages as a tree (each stage under the stage it is built `FROM`), carrying one
//! state that a stage changes and that is put back as it was once the stage and the stages built
//! on it are done.
//!
//! [`walk_stages`](super::walk_stages) keeps a copy of each stage's final state for the stages
//! built on it. For a state that grows with the file (the names a stage defines), that is
//! quadratic in a `FROM` chain: 10,000 stages, each built on the one before and adding one
//! variable, kept 50 million names. Here the state exists once; what a stage added is undone
//! when the walk leaves it, so memory follows the deepest chain's additions and time the file.
//!
//! Stages are visited parents first, siblings in file order (not in file order overall): a rule
//! walked this way reports the same findings, and the report sorts them by position.

use crate::rules::instructions::Stage;
use crate::syntax::Instruction;
use std::collections::{HashMap, HashSet};

/// A state whose changes can be undone back to a mark.
pub trait Undo {
    type Mark;
    /// Where the state is now; changes from here on are kept until `rewind` undoes them.
    fn mark(&mut self) -> Self::Mark;
    /// Undoes every change made since `mark`.
    fn rewind(&mut self, mark: Self::Mark);
}

/// A state that is not known (`None`) stays unknown for a whole tree: nothing to undo.
impl<T: Undo> Undo for Option<T> {
    type Mark = Option<T::Mark>;

    fn mark(&mut self) -> Self::Mark {
        self.as_mut().map(Undo::mark)
    }

    fn rewind(&mut self, mark: Self::Mark) {
        if let (Some(state), Some(mark)) = (self.as_mut(), mark) {
            state.rewind(mark);
        }
    }
}

/// A set of names that remembers the order names were added in, so additions can be undone.
/// It borrows the names from the syntax tree (or the static lists of known images) instead of
/// copying them: in a file of a million `ENV`s the set holds a million names, and two owned
/// copies of each (the set's and the log's) cost more than the rest of the rule. Names are
/// logged only while a mark is open: nothing undoes what a root stage adds, and most files are
/// one stage.
#[derive(Debug, Default)]
pub struct NameSet<'a> {
    names: HashSet<&'a str>,
    added: Vec<&'a str>,
    /// Marks not yet rewound.
    marks: usize,
}

impl<'a> NameSet<'a> {
    /// An empty set with room for `names` names: a set grown one name at a time holds the old
    /// and the new table at once each time it grows.
    pub fn with_capacity(names: usize) -> NameSet<'a> {
        NameSet {
            names: HashSet::with_capacity(names),
            ..NameSet::default()
        }
    }

    pub fn insert(&mut self, name: &'a str) {
        if self.names.insert(name) && self.marks > 0 {
            self.added.push(name);
        }
    }

    pub fn contains(&self, name: &str) -> bool {
        self.names.contains(name)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        self.names.iter().copied()
    }
}

impl Undo for NameSet<'_> {
    type Mark = usize;

    fn mark(&mut self) -> usize {
        self.marks += 1;
        self.added.len()
    }

    fn rewind(&mut self, mark: usize) {
        self.marks = self.marks.saturating_sub(1);
        for name in self.added.drain(mark.min(self.added.len())..) {
            self.names.remove(name);
        }
    }
}

/// What is left to do for one stage of the walk.
enum Visit<M> {
    /// Read the stage's instructions, then the stages built on it.
    Enter(usize),
    /// The stage and those built on it are done: undo what they changed.
    Leave(M),
}

/// Visits every instruction of every stage with the state of its stage: `start`'s for a stage
/// not built on another stage of the file, else its parent's state at the parent's end. A stage's
/// parent is the latest earlier stage of the name it is built `FROM`, as in
/// [`walk_stages`](super::walk_stages).
pub fn walk_stage_tree<'a, T: Undo>(
    stages: &[Stage<'a>],
    start: impl Fn(&Stage<'a>) -> T,
    mut visit: impl FnMut(&mut T, &'a Instruction),
) {
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); stages.len()];
    let mut roots = Vec::new();
    for (index, stage) in stages.iter().enumerate() {
        match stage.base.as_deref().and_then(|base| by_name.get(base)) {
            Some(&parent) => children[parent].push(index),
            None => roots.push(index),
        }
        if let Some(name) = stage.name.as_deref() {
            by_name.insert(name, index);
        }
    }
    // Iterative, so that a chain of 10,000 stages needs no deep stack.
    let mut todo: Vec<Visit<T::Mark>> = Vec::new();
    for root in roots {
        let mut state = start(&stages[root]);
        todo.push(Visit::Enter(root));
        while let Some(next) = todo.pop() {
            match next {
                Visit::Enter(index) => {
                    // The root's changes are never undone: its state is dropped after its tree.
                    let mark = (index != root).then(|| state.mark());
                    for instruction in &stages[index].body {
                        visit(&mut state, instruction);
                    }
                    if let Some(mark) = mark {
                        todo.push(Visit::Leave(mark));
                    }
                    // Reversed: the stack hands them out in file order.
                    todo.extend(children[index].iter().rev().map(|&c| Visit::Enter(c)));
                }
                Visit::Leave(mark) => state.rewind(mark),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::instructions::stages;
    use crate::syntax::{Args, Keyword, parse};

    /// The names each `ENV` sees before it (its own excluded), by the `ENV`'s first name.
    fn seen_by_env(source: &str) -> Vec<(String, Vec<String>)> {
        let dockerfile = parse(source);
        let stages = stages(&dockerfile);
        let mut seen = Vec::new();
        walk_stage_tree(
            &stages,
            |_| NameSet::default(),
            |names, instruction| {
                if let (Keyword::Env, Args::KeyValues(pairs, _)) =
                    (&instruction.keyword, &instruction.args)
                {
                    let mut before: Vec<String> = names.iter().map(str::to_string).collect();
                    before.sort();
                    seen.push((pairs[0].key.text.to_string(), before));
                    for pair in pairs {
                        names.insert(&pair.key.text);
                    }
                }
            },
        );
        seen.sort();
        seen
    }

    #[test]
    fn a_stage_sees_its_ancestors_but_not_its_siblings() {
        let seen = seen_by_env(
            "FROM alpine AS a\nENV A=1\n\
             FROM a AS b\nENV B=1\n\
             FROM a AS c\nENV C=1\n\
             FROM b AS d\nENV D=1\n\
             FROM alpine AS e\nENV E=1\n",
        );
        let names = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            seen,
            vec![
                ("A".into(), names(&[])),
                ("B".into(), names(&["A"])),
                ("C".into(), names(&["A"])),
                ("D".into(), names(&["A", "B"])),
                ("E".into(), names(&[])),
            ]
        );
    }

    /// The most names the set held, and the most it had logged for undoing, over a walk that
    /// adds each `ENV`'s names.
    fn largest_set_and_log(source: &str) -> (usize, usize) {
        let dockerfile = parse(source);
        let stages = stages(&dockerfile);
        let (mut names, mut logged) = (0, 0);
        walk_stage_tree(
            &stages,
            |_| NameSet::default(),
            |set, instruction| {
                if let Args::KeyValues(pairs, _) = &instruction.args {
                    for pair in pairs {
                        set.insert(&pair.key.text);
                    }
                }
                names = names.max(set.len());
                logged = logged.max(set.added.len());
            },
        );
        (names, logged)
    }

    #[test]
    fn a_stage_no_other_stage_is_built_on_logs_nothing_it_adds() {
        let source = "FROM alpine\nENV A=1\nENV B=2\nFROM alpine\nENV C=3\n";
        assert_eq!(largest_set_and_log(source), (2, 0));
    }

    #[test]
    fn a_redeclared_name_is_kept_until_its_first_declaration_is_undone() {
        let mut set = NameSet::default();
        set.insert("A");
        let mark = set.mark();
        set.insert("A");
        set.insert("B");
        set.rewind(mark);
        assert!(set.contains("A"));
        assert!(!set.contains("B"));
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn a_long_chain_keeps_each_name_once() {
        let count = 2_000;
        let mut source = String::from("FROM alpine AS s0\nENV V0=0\n");
        for i in 1..count {
            source.push_str(&format!("FROM s{} AS s{i}\nENV V{i}=x\n", i - 1));
        }
        let (largest, log_largest) = largest_set_and_log(&source);
        // One state for the whole chain: each name stored once, not once per stage; the log
        // holds what the stages under the root added (the root's own names are never undone).
        assert_eq!(largest, count);
        assert_eq!(log_largest, count - 1);
    }
}
