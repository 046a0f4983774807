//! What the shell running a script knows at each point: its working directory, its variables,
//! the `pushd` stack, the functions it defined, and whether it has stopped (`exit`, `exec`).
//!
//! Anything that may or may not have happened (a `cd` inside an `if`, after `||`) is settled by
//! forgetting it: the model would rather know nothing than something false.

use super::ShellEnv;
use crate::model::paths;
use crate::model::vars::{VarKind, Vars};
use std::collections::HashSet;
use std::sync::Arc;

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
        self.vars.set("PWD", cwd.clone(), VarKind::Env);
        self.cwd = cwd;
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
        self.vars.set(name, value, kind);
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
        self.vars.set(name, None, kind);
    }

    /// The value a program started now sees for `name`.
    pub fn exported(&self, name: &str) -> EnvValue {
        if self.unexported.contains(name) {
            return EnvValue::Unset;
        }
        match self.vars.get(name) {
            None => EnvValue::Unset,
            Some(var) => match &var.value {
                Some(value) => EnvValue::Known(value.clone()),
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

    /// After commands that may or may not have run: whatever they changed is no longer known.
    pub fn settle(&mut self, before: &Shell) {
        if self.cwd != before.cwd {
            self.set_cwd(None);
        }
        // Both shells started from the same scope: only declarations made since can differ, and
        // none were when the two still share them.
        let changed: Vec<String> = if self.vars.same_as(&before.vars) {
            Vec::new()
        } else {
            self.vars
                .own()
                .filter(|var| before.vars.get(&var.name).map(|b| &b.value) != Some(&var.value))
                .map(|var| var.name.clone())
                .collect()
        };
        for name in changed {
            self.forget(&name);
        }
        if self.dir_stack != before.dir_stack {
            self.dir_stack = None;
        }
        self.ended = before.ended;
        self.failed = before.failed;
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
        let before = shell.clone();
        shell.set_cwd(Some("/tmp".into()));
        shell.assign("A", Some("1".into()), true);
        shell.ended = true;
        shell.settle(&before);
        assert_eq!(shell.cwd(), None);
        assert_eq!(shell.exported("A"), EnvValue::Unknown);
        assert!(!shell.ended);
        assert_eq!(shell.home(), Some("/root"));
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
