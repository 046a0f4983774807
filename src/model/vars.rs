//! Build variables: the `ARG`s and `ENV`s in scope at each step, and expanding them in words.
//!
//! A value is known when the Dockerfile gives it (an `ENV`, an `ARG` default); an `ARG` without a
//! default is declared but unknown, since the value comes from `--build-arg`. Expansion follows
//! Docker: `$NAME`, `${NAME}` and the `${NAME:-word}` family, in the stage's scope.

use crate::syntax::vars::{Operator, references};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Arg,
    Env,
}

/// One variable in scope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: String,
    /// The value as far as the Dockerfile tells it (already expanded); `None` when it comes from
    /// outside (an `ARG` without a default) or could not be expanded.
    pub value: Option<String>,
    pub kind: VarKind,
}

/// The variables in scope, later declarations shadowing earlier ones. A scope may sit on a
/// shared parent (a `RUN` script's shell on its step's scope) so that it costs nothing to open.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vars {
    parent: Option<Arc<Vars>>,
    vars: Vec<Var>,
}

impl Vars {
    /// A new scope on top of `parent`: reads fall through to it, writes stay here.
    pub fn layered(parent: Arc<Vars>) -> Vars {
        Vars {
            parent: Some(parent),
            vars: Vec::new(),
        }
    }

    /// Makes room for a change to a shared scope: a new layer on top of it, or, once the layers
    /// run deep enough to slow lookups down, one flat copy.
    pub fn open(scope: &mut Arc<Vars>) -> &mut Vars {
        if Arc::get_mut(scope).is_none() {
            let next = if scope.depth() < 16 {
                Vars::layered(Arc::clone(scope))
            } else {
                scope.flattened()
            };
            *scope = Arc::new(next);
        }
        Arc::get_mut(scope).expect("just made unique")
    }

    fn depth(&self) -> usize {
        self.parent.as_deref().map_or(0, |p| p.depth() + 1)
    }

    /// The same variables with no parent.
    fn flattened(&self) -> Vars {
        let mut all: Vec<Var> = self.iter().cloned().collect();
        all.reverse();
        Vars {
            parent: None,
            vars: all,
        }
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        match self.vars.iter().rev().find(|v| v.name == name) {
            Some(var) => Some(var),
            None => self.parent.as_deref().and_then(|p| p.get(name)),
        }
    }

    /// Declares or redeclares a variable.
    pub fn set(&mut self, name: &str, value: Option<String>, kind: VarKind) {
        self.vars.retain(|v| v.name != name);
        self.vars.push(Var {
            name: name.to_string(),
            value,
            kind,
        });
    }

    /// Every variable in scope, each name once.
    pub fn iter(&self) -> std::vec::IntoIter<&Var> {
        let mut all: Vec<&Var> = self.vars.iter().collect();
        if let Some(parent) = &self.parent {
            all.extend(
                parent
                    .iter()
                    .filter(|v| !self.vars.iter().any(|l| l.name == v.name)),
            );
        }
        all.into_iter()
    }

    /// Expands references in `text` (raw Dockerfile text, quotes still in it). Returns `None`
    /// when a referenced variable's value is unknown, so callers never act on a guess.
    pub fn expand(&self, text: &str, escape: char) -> Option<String> {
        let refs = references(text, escape);
        if refs.is_empty() {
            return Some(text.to_string());
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for r in refs {
            out.push_str(&text[at..r.range.start]);
            let name = &text[r.name.clone()];
            let value = self.get(name).map(|v| v.value.as_deref());
            let replacement = match (&r.modifier, value) {
                (None, Some(Some(v))) => v.to_string(),
                (None, _) => return None,
                (Some(m), value) => {
                    let word = self.expand(&text[m.word.clone()], escape)?;
                    match (m.operator, value) {
                        (Operator::Default { if_empty }, Some(Some(v)))
                            if !(if_empty && v.is_empty()) =>
                        {
                            v.to_string()
                        }
                        (Operator::Default { .. }, Some(Some(_)) | None) => word,
                        (Operator::Alternative { if_empty }, Some(Some(v))) => {
                            if if_empty && v.is_empty() {
                                String::new()
                            } else {
                                word
                            }
                        }
                        (Operator::Alternative { .. }, None) => String::new(),
                        (Operator::Required { .. }, Some(Some(v))) => v.to_string(),
                        _ => return None,
                    }
                }
            };
            out.push_str(&replacement);
            at = r.range.end;
        }
        out.push_str(&text[at..]);
        Some(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope() -> Vars {
        let mut vars = Vars::default();
        vars.set("HOME", Some("/root".into()), VarKind::Env);
        vars.set("VERSION", None, VarKind::Arg);
        vars.set("EMPTY", Some(String::new()), VarKind::Arg);
        vars
    }

    #[test]
    fn known_values_expand() {
        assert_eq!(
            scope().expand("$HOME/app", '\\').as_deref(),
            Some("/root/app")
        );
        assert_eq!(
            scope().expand("${HOME}/.cache", '\\').as_deref(),
            Some("/root/.cache")
        );
        assert_eq!(scope().expand("plain", '\\').as_deref(), Some("plain"));
    }

    #[test]
    fn unknown_values_refuse_to_guess() {
        assert_eq!(scope().expand("/opt/app-$VERSION", '\\'), None);
        assert_eq!(scope().expand("/opt/$UNDECLARED", '\\'), None);
    }

    #[test]
    fn modifiers() {
        let vars = scope();
        assert_eq!(vars.expand("${UNSET:-/srv}", '\\').as_deref(), Some("/srv"));
        assert_eq!(vars.expand("${EMPTY:-x}", '\\').as_deref(), Some("x"));
        assert_eq!(vars.expand("${EMPTY-x}", '\\').as_deref(), Some(""));
        assert_eq!(vars.expand("${HOME:+set}", '\\').as_deref(), Some("set"));
        assert_eq!(vars.expand("${UNSET:+set}", '\\').as_deref(), Some(""));
    }

    #[test]
    fn a_layer_reads_through_and_writes_locally() {
        let base = Arc::new(scope());
        let mut layer = Vars::layered(Arc::clone(&base));
        assert_eq!(layer.get("HOME").unwrap().value.as_deref(), Some("/root"));
        layer.set("HOME", Some("/x".into()), VarKind::Env);
        assert_eq!(layer.get("HOME").unwrap().value.as_deref(), Some("/x"));
        assert_eq!(base.get("HOME").unwrap().value.as_deref(), Some("/root"));
        assert_eq!(layer.iter().filter(|v| v.name == "HOME").count(), 1);
        assert_eq!(layer.iter().count(), base.iter().count());
    }

    #[test]
    fn opening_a_shared_scope_layers_then_flattens() {
        let mut scope = Arc::new(scope());
        let mut snapshots = Vec::new();
        for i in 0..40 {
            snapshots.push(Arc::clone(&scope));
            Vars::open(&mut scope).set(&format!("V{i}"), Some(i.to_string()), VarKind::Env);
        }
        assert!(scope.depth() <= 16);
        assert_eq!(scope.get("V0").unwrap().value.as_deref(), Some("0"));
        assert_eq!(scope.get("V39").unwrap().value.as_deref(), Some("39"));
        assert_eq!(scope.get("HOME").unwrap().value.as_deref(), Some("/root"));
        // Earlier snapshots are untouched.
        assert!(snapshots[5].get("V5").is_none() && snapshots[5].get("V4").is_some());
        assert_eq!(scope.iter().count(), 3 + 40);
    }

    #[test]
    fn redeclaring_shadows() {
        let mut vars = scope();
        vars.set("HOME", Some("/home/app".into()), VarKind::Env);
        assert_eq!(
            vars.get("HOME").unwrap().value.as_deref(),
            Some("/home/app")
        );
        assert_eq!(vars.iter().filter(|v| v.name == "HOME").count(), 1);
    }
}
