//! What the shell running a script knows at each point: its working directory, its variables,
//! the `pushd` stack, the functions it defined, and whether it has stopped (`exit`, `exec`).
//!
//! Anything that may or may not have happened (a `cd` inside an `if`, after `||`) is settled by
//! forgetting it: the model would rather know nothing than something false.

use super::ShellEnv;
use crate::model::paths;
use crate::model::vars::{VarKind, Vars};
use lean_string::LeanString;
use std::collections::HashSet;
use std::sync::Arc;

/// What [`Shell::settle`] compares with: the shell's state where commands that may not run
/// begin. Holds no copy of the variables, so writing them after the mark copies nothing.
pub(super) struct Mark {
    journal: usize,
    cwd: Option<String>,
    dir_stack: Option<Vec<Option<String>>>,
    ended: bool,
    failed: bool,
}

/// A variable as a program started by the script sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum EnvValue {
    Unset,
    /// Set, to a value the model does not know.
    Unknown,
    Known(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Shell {
    /// While a [`Mark`] is open, every variable written, with the value it had before the write
    /// (`None`: not declared): [`Shell::settle`] reads what a branch changed here instead of
    /// comparing a copy of the whole shell, which made a script of thousands of `if`s quadratic.
    journal: Vec<(String, Option<Option<LeanString>>)>,
    /// How many marks are open: with none, nothing is journalled.
    marks: usize,
    /// The working directory, `None` once it is not known.
    cwd: Option<String>,
    pub vars: Vars,
    /// Variables the script assigned without exporting them: programs it starts don't see them.
    unexported: Arc<HashSet<String>>,
    /// The `pushd` stack (most recent last); `None` once it is not known.
    dir_stack: Option<Vec<Option<String>>>,
    /// Names of the functions the script defined: calling one runs a body the model did not
    /// read.
    functions: Arc<HashSet<String>>,
    /// `exit` or `exec CMD` ran: nothing after it in this shell runs.
    pub ended: bool,
    /// An `exit 1` ran: a build that commits the layer never took this path.
    pub failed: bool,
}

impl Shell {
    pub fn new(env: &ShellEnv) -> Shell {
        let mut vars = env.vars.clone();
        if vars.get("HOME").is_none() {
            vars.set("HOME", Some(env.home.to_string()), VarKind::Env);
        }
        let cwd = env
            .workdir
            .filter(|dir| dir.starts_with('/'))
            .map(paths::normalize);
        let mut shell = Shell {
            journal: Vec::new(),
            marks: 0,
            cwd: None,
            vars,
            unexported: Arc::default(),
            dir_stack: Some(Vec::new()),
            functions: Arc::default(),
            ended: false,
            failed: false,
        };
        shell.set_cwd(cwd);
        shell
    }

    pub fn cwd(&self) -> Option<&str> {
        self.cwd.as_deref()
    }

    /// Changes directory; `PWD` follows, as in the shell.
    pub fn set_cwd(&mut self, cwd: Option<String>) {
        self.write("PWD", cwd.clone(), VarKind::Env);
        self.cwd = cwd;
    }

    /// Every write to a variable goes through here, to be journalled while a mark is open.
    fn write(&mut self, name: &str, value: Option<String>, kind: VarKind) {
        if self.marks > 0 {
            let before = self.vars.get(name).map(|var| var.value.clone());
            self.journal.push((name.to_string(), before));
        }
        self.vars.set(name, value, kind);
    }

    /// `$HOME` as the shell would expand it.
    pub fn home(&self) -> Option<&str> {
        self.vars.get("HOME").and_then(|var| var.value.as_deref())
    }

    /// A shell assignment (`NAME=value`, `export NAME=value`). An `ARG` or `ENV` is in the
    /// environment already, so assigning it keeps it exported.
    pub fn assign(&mut self, name: &str, value: Option<String>, export: bool) {
        let declared = self.vars.get(name).is_some();
        let kind = self.vars.get(name).map_or(VarKind::Env, |var| var.kind);
        self.write(name, value, kind);
        if export {
            self.export(name);
        } else if !declared {
            Arc::make_mut(&mut self.unexported).insert(name.to_string());
        }
    }

    pub fn export(&mut self, name: &str) {
        if self.unexported.contains(name) {
            Arc::make_mut(&mut self.unexported).remove(name);
        }
    }

    /// The variable may now hold anything (`read`, `unset`, a `for` loop variable).
    pub fn forget(&mut self, name: &str) {
        let kind = self.vars.get(name).map_or(VarKind::Env, |var| var.kind);
        self.write(name, None, kind);
    }

    /// The value a program started now sees for `name`.
    pub fn exported(&self, name: &str) -> EnvValue {
        if self.unexported.contains(name) {
            return EnvValue::Unset;
        }
        match self.vars.get(name) {
            None => EnvValue::Unset,
            Some(var) => match &var.value {
                Some(value) => EnvValue::Known(value.to_string()),
                None => EnvValue::Unknown,
            },
        }
    }

    pub fn pushd(&mut self, target: Option<String>) {
        let cwd = self.cwd.clone();
        if let Some(stack) = &mut self.dir_stack {
            stack.push(cwd);
        }
        self.set_cwd(target);
    }

    /// `popd` with an empty stack fails and leaves the directory as it was.
    pub fn popd(&mut self) {
        match &mut self.dir_stack {
            Some(stack) => {
                if let Some(top) = stack.pop() {
                    self.set_cwd(top);
                }
            }
            None => self.set_cwd(None),
        }
    }

    pub fn forget_dir_stack(&mut self) {
        self.dir_stack = None;
        self.set_cwd(None);
    }

    pub fn define_function(&mut self, name: &str) {
        if !self.is_function(name) {
            Arc::make_mut(&mut self.functions).insert(name.to_string());
        }
    }

    pub fn is_function(&self, name: &str) -> bool {
        self.functions.contains(name)
    }

    /// The shell a `sh -c` starts: same directory and environment, none of the unexported
    /// variables or functions.
    pub fn child(&self, cwd: Option<String>, overrides: &[(String, EnvValue)]) -> Shell {
        let mut child = self.clone();
        // A new process: the parent's branches are not its own.
        child.journal = Vec::new();
        child.marks = 0;
        for name in std::mem::take(&mut child.unexported).iter() {
            // Unset in the child; "unknown" is the closest the variable table can say.
            child.forget(name);
        }
        for (name, value) in overrides {
            match value {
                EnvValue::Known(value) => child.assign(name, Some(value.clone()), true),
                EnvValue::Unknown | EnvValue::Unset => child.forget(name),
            }
        }
        child.functions = Arc::default();
        child.dir_stack = Some(Vec::new());
        child.ended = false;
        child.failed = false;
        child.set_cwd(cwd);
        child
    }

    /// Opens a mark where commands that may or may not run begin (a branch after `||`, the
    /// lists of an `if`, `case` or loop); [`Shell::settle`] goes back to it, [`Shell::close`]
    /// ends it.
    pub fn mark(&mut self) -> Mark {
        self.marks += 1;
        Mark {
            journal: self.journal.len(),
            cwd: self.cwd.clone(),
            dir_stack: self.dir_stack.clone(),
            ended: self.ended,
            failed: self.failed,
        }
    }

    /// After commands that may or may not have run: whatever they changed since `mark` is no
    /// longer known. The cost follows what they wrote, not the number of variables.
    pub fn settle(&mut self, mark: &Mark) {
        if self.cwd != mark.cwd {
            self.set_cwd(None);
        }
        // Each name written since the mark, with its value at the mark (its first entry).
        let mut seen = HashSet::new();
        let written: Vec<(String, Option<Option<LeanString>>)> = self
            .journal
            .drain(mark.journal..)
            .filter(|(name, _)| seen.insert(name.clone()))
            .collect();
        for (name, before) in written {
            let now = self.vars.get(&name).map(|var| &var.value);
            if before.as_ref() == now {
                // Back to its value at the mark: nothing for an outer mark to see either.
                continue;
            }
            let kind = self.vars.get(&name).map_or(VarKind::Env, |var| var.kind);
            self.vars.set(&name, None, kind);
            // Kept for an enclosing mark: the value at this mark is the value before its
            // first write as far as it is concerned, unless it journalled one earlier.
            self.journal.push((name, before));
        }
        if self.dir_stack != mark.dir_stack {
            self.dir_stack = None;
        }
        self.ended = mark.ended;
        self.failed = mark.failed;
    }

    /// Ends a mark; with the last one closed, the journal is emptied.
    pub fn close(&mut self, mark: Mark) {
        debug_assert!(self.journal.len() >= mark.journal);
        self.marks = self.marks.saturating_sub(1);
        if self.marks == 0 {
            self.journal.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEnv;
    use super::*;

    #[test]
    fn starts_in_the_workdir_with_home_and_pwd() {
        let shell = TestEnv::new().workdir("/app/").shell();
        assert_eq!(shell.cwd(), Some("/app"));
        assert_eq!(shell.exported("PWD"), EnvValue::Known("/app".into()));
        assert_eq!(shell.home(), Some("/root"));
    }

    #[test]
    fn unexported_assignments_stay_in_the_shell() {
        let mut shell = TestEnv::new().var("PIP_NO_CACHE_DIR", Some("1")).shell();
        shell.assign("LOCAL", Some("x".into()), false);
        shell.assign("PIP_NO_CACHE_DIR", Some("0".into()), false);
        assert_eq!(shell.exported("LOCAL"), EnvValue::Unset);
        assert_eq!(
            shell.exported("PIP_NO_CACHE_DIR"),
            EnvValue::Known("0".into())
        );
        shell.export("LOCAL");
        assert_eq!(shell.exported("LOCAL"), EnvValue::Known("x".into()));
    }

    #[test]
    fn settling_forgets_what_may_have_changed() {
        let mut shell = TestEnv::new().shell();
        let before = shell.mark();
        shell.set_cwd(Some("/tmp".into()));
        shell.assign("A", Some("1".into()), true);
        shell.ended = true;
        shell.settle(&before);
        shell.close(before);
        assert_eq!(shell.cwd(), None);
        assert_eq!(shell.exported("A"), EnvValue::Unknown);
        assert!(!shell.ended);
        assert_eq!(shell.home(), Some("/root"));
    }

    #[test]
    fn settling_reads_the_journal_of_the_branch_only() {
        let mut shell = TestEnv::new().shell();
        shell.assign("KEEP", Some("1".into()), true);
        let outer = shell.mark();
        for i in 0..100 {
            let inner = shell.mark();
            // Written back to the value it had at the mark: still known.
            shell.assign("KEEP", Some("2".into()), true);
            shell.assign("KEEP", Some("1".into()), true);
            shell.assign(&format!("X{i}"), Some("v".into()), true);
            shell.settle(&inner);
            shell.close(inner);
        }
        // What each inner branch changed is kept once for the outer mark, nothing more.
        assert_eq!(shell.journal.len(), 100);
        assert_eq!(shell.exported("KEEP"), EnvValue::Known("1".into()));
        assert_eq!(shell.exported("X7"), EnvValue::Unknown);
        shell.settle(&outer);
        shell.close(outer);
        assert!(shell.journal.is_empty());
        assert_eq!(shell.exported("X7"), EnvValue::Unknown);
        // With no mark open, nothing is journalled.
        shell.assign("Y", Some("1".into()), true);
        assert!(shell.journal.is_empty());
    }

    #[test]
    fn pushd_and_popd() {
        let mut shell = TestEnv::new().workdir("/a").shell();
        shell.pushd(Some("/b".into()));
        assert_eq!(shell.cwd(), Some("/b"));
        shell.popd();
        assert_eq!(shell.cwd(), Some("/a"));
        shell.popd();
        assert_eq!(shell.cwd(), Some("/a"));
    }
}
