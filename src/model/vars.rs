//! Build variables: the `ARG`s and `ENV`s in scope at each step, and expanding them in words.
//!
//! A value is known when the Dockerfile gives it (an `ENV`, an `ARG` default); an `ARG` without a
//! default is declared but unknown, since the value comes from `--build-arg`. Expansion follows
//! Docker: `$NAME`, `${NAME}` and the `${NAME:-word}` family, in the stage's scope.
//!
//! Every step keeps the scope it ran in, so scopes must cost little to keep: the declarations of
//! a whole file live once in a [`History`], and a step's scope is a position in it (see
//! [`history`](super::history)). A scope may also hold declarations of its own on top (a `RUN`
//! script's shell assigning variables), which stay with that copy.
//!
//! Values are bounded: an expansion longer than [`MAX_VALUE_LEN`] is unknown, so `ENV A=$A$A`
//! repeated cannot double its way to gigabytes.

use super::history::{History, Point};
use crate::syntax::vars::{Operator, references};
use lean_string::LeanString;
use std::collections::HashMap;
use std::sync::Arc;

/// The longest value an expansion may produce; a longer one is unknown to the model. Far above
/// any real `ENV` or `ARG` (a `PATH`, a package list), and small enough that a few thousand of
/// them stay cheap.
pub const MAX_VALUE_LEN: usize = 16 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VarKind {
    Arg,
    Env,
}

/// One variable in scope. Its name and value are kept inline when short (up to 16 bytes, as
/// most are), so a declaration usually allocates nothing beyond its entry in the history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Var {
    pub name: LeanString,
    /// The value as far as the Dockerfile tells it (already expanded); `None` when it comes from
    /// outside (an `ARG` without a default) or could not be expanded.
    pub value: Option<LeanString>,
    pub kind: VarKind,
}

/// Reading a variable by name: what expansion needs from any scope.
pub(super) trait Lookup {
    fn lookup(&self, name: &str) -> Option<&Var>;
}

/// The variables in scope at a step: a position in the file's [`History`] (if any). Two words:
/// a file of a million steps keeps one per step. A script's shell, which also declares
/// variables of its own, works on a [`Vars`] made from it.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    base: Option<(Arc<History>, Point)>,
}

impl PartialEq for Scope {
    fn eq(&self, other: &Self) -> bool {
        match (&self.base, &other.base) {
            (None, None) => true,
            (Some((a, p)), Some((b, q))) => Arc::ptr_eq(a, b) && p == q,
            _ => false,
        }
    }
}

impl Eq for Scope {}

impl Lookup for Scope {
    fn lookup(&self, name: &str) -> Option<&Var> {
        self.get(name)
    }
}

impl Scope {
    /// The scope at `point` of `history`.
    pub(crate) fn at(history: Arc<History>, point: Point) -> Scope {
        Scope {
            base: Some((history, point)),
        }
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        let (history, point) = self.base.as_ref()?;
        history.get(name, *point)
    }

    /// Every variable in scope, each name once. This reads the whole scope: for a lookup by
    /// name, use [`Scope::get`].
    pub fn iter(&self) -> std::vec::IntoIter<&Var> {
        let all = match &self.base {
            Some((history, point)) => history.visible(*point),
            None => Vec::new(),
        };
        all.into_iter()
    }

    /// Expands references in `text` (see [`Vars::expand`]).
    pub fn expand(&self, text: &str, escape: char) -> Option<String> {
        expand(self, text, escape)
    }
}

impl From<Scope> for Vars {
    fn from(scope: Scope) -> Vars {
        Vars { scope, own: None }
    }
}

/// The variables in scope: a position in the file's [`History`] (if any), under declarations of
/// this scope's own, later ones shadowing earlier ones. Cloning one copies its own declarations
/// only; the history is shared.
#[derive(Clone, Debug, Default)]
pub struct Vars {
    scope: Scope,
    /// Behind a pointer: every step keeps a scope, and almost none has declarations of its own.
    /// Shared between copies until one of them writes, so that a script's shell, copied at every
    /// `&&`, `if` and pipeline, does not copy all its variables each time.
    own: Option<Arc<Own>>,
}

#[derive(Clone, Debug, Default)]
struct Own {
    vars: Vec<Var>,
    /// Positions in `vars` by name.
    index: HashMap<String, usize>,
    /// The bytes of the values in `vars`, held under [`MAX_OWN_BYTES`].
    bytes: usize,
}

/// How many bytes of values a scope's own declarations may hold: a script assigning thousands of
/// variables a long value each keeps the first ones, and the rest are unknown.
const MAX_OWN_BYTES: usize = 16 << 20;

impl PartialEq for Vars {
    fn eq(&self, other: &Self) -> bool {
        self.scope == other.scope
            && self.own().count() == other.own().count()
            && self.own().all(|v| other.lookup_own(&v.name) == Some(v))
    }
}

impl Eq for Vars {}

impl Lookup for Vars {
    fn lookup(&self, name: &str) -> Option<&Var> {
        self.get(name)
    }
}

impl Vars {
    /// The scope at `point` of `history`, with nothing of its own.
    pub(crate) fn at(history: Arc<History>, point: Point) -> Vars {
        Scope::at(history, point).into()
    }

    fn lookup_own(&self, name: &str) -> Option<&Var> {
        let own = self.own.as_deref()?;
        own.index.get(name).and_then(|&i| own.vars.get(i))
    }

    pub fn get(&self, name: &str) -> Option<&Var> {
        self.lookup_own(name).or_else(|| self.scope.get(name))
    }

    /// Declares or redeclares a variable in this scope.
    pub fn set(&mut self, name: &str, value: Option<String>, kind: VarKind) {
        let own = Arc::make_mut(self.own.get_or_insert_with(Arc::default));
        let replaced = own
            .index
            .get(name)
            .and_then(|&i| own.vars.get(i))
            .and_then(|v| v.value.as_ref())
            .map_or(0, |v| v.len());
        let bytes = own.bytes.saturating_sub(replaced);
        let value = value.filter(|v| bytes + v.len() <= MAX_OWN_BYTES);
        own.bytes = bytes + value.as_ref().map_or(0, String::len);
        let var = Var {
            name: name.into(),
            value: value.map(LeanString::from),
            kind,
        };
        match own.index.get(name) {
            Some(&i) => own.vars[i] = var,
            None => {
                own.index.insert(name.to_string(), own.vars.len());
                own.vars.push(var);
            }
        }
    }

    /// The declarations this scope made itself, on top of the history it started from: the only
    /// ones that can differ from another copy of the same scope.
    pub fn own(&self) -> impl Iterator<Item = &Var> {
        self.own.iter().flat_map(|own| own.vars.iter())
    }

    /// Whether `self` and `other` are copies of one scope that neither has written to since.
    pub fn same_as(&self, other: &Vars) -> bool {
        let same_own = match (&self.own, &other.own) {
            (None, None) => true,
            (Some(a), Some(b)) => Arc::ptr_eq(a, b),
            _ => false,
        };
        same_own && self.scope == other.scope
    }

    /// Every variable in scope, each name once. This reads the whole scope: for a lookup by
    /// name, use [`Vars::get`].
    pub fn iter(&self) -> std::vec::IntoIter<&Var> {
        let mut all: Vec<&Var> = self.own().collect();
        let inherited = self.scope.iter();
        all.extend(inherited.filter(|v| self.lookup_own(&v.name).is_none()));
        all.into_iter()
    }

    /// Expands references in `text` (raw Dockerfile text, quotes still in it). Returns `None`
    /// when a referenced variable's value is unknown, so callers never act on a guess, and when
    /// the result would be longer than [`MAX_VALUE_LEN`].
    pub fn expand(&self, text: &str, escape: char) -> Option<String> {
        expand(self, text, escape)
    }
}

/// [`Vars::expand`] in any scope.
pub(super) fn expand(scope: &dyn Lookup, text: &str, escape: char) -> Option<String> {
    let refs = references(text, escape);
    if refs.is_empty() {
        return Some(text.to_string());
    }
    let mut out = String::with_capacity(text.len().min(MAX_VALUE_LEN));
    let mut at = 0;
    for r in refs {
        out.push_str(&text[at..r.range.start]);
        let name = &text[r.name.clone()];
        let value = scope.lookup(name).map(|v| v.value.as_deref());
        let word;
        let replacement: &str = match (&r.modifier, value) {
            (None, Some(Some(v))) => v,
            (None, _) => return None,
            (Some(m), value) => {
                word = expand(scope, &text[m.word.clone()], escape)?;
                match (m.operator, value) {
                    (Operator::Default { if_empty }, Some(Some(v)))
                        if !(if_empty && v.is_empty()) =>
                    {
                        v
                    }
                    (Operator::Default { .. }, Some(Some(_)) | None) => &word,
                    (Operator::Alternative { if_empty }, Some(Some(v))) => {
                        if if_empty && v.is_empty() { "" } else { &word }
                    }
                    (Operator::Alternative { .. }, None) => "",
                    (Operator::Required { .. }, Some(Some(v))) => v,
                    _ => return None,
                }
            }
        };
        // Checked before the copy: a value is never built past the limit.
        if out.len() + replacement.len() > MAX_VALUE_LEN {
            return None;
        }
        out.push_str(replacement);
        at = r.range.end;
    }
    out.push_str(&text[at..]);
    (out.len() <= MAX_VALUE_LEN).then_some(out)
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
    fn an_expansion_past_the_limit_is_unknown() {
        let mut vars = Vars::default();
        let half = "a".repeat(MAX_VALUE_LEN / 2);
        vars.set("A", Some(half.clone()), VarKind::Env);
        assert_eq!(
            vars.expand("$A$A", '\\').map(|v| v.len()),
            Some(MAX_VALUE_LEN)
        );
        assert_eq!(vars.expand("$A$A!", '\\'), None);
        assert_eq!(vars.expand("${A:-x}${A}${A}", '\\'), None);
        assert_eq!(vars.expand("${UNSET:-$A$A$A}", '\\'), None);
    }

    #[test]
    fn a_copy_writes_its_own_declarations() {
        let base = scope();
        let mut copy = base.clone();
        copy.set("HOME", Some("/x".into()), VarKind::Env);
        assert_eq!(copy.get("HOME").unwrap().value.as_deref(), Some("/x"));
        assert_eq!(base.get("HOME").unwrap().value.as_deref(), Some("/root"));
        assert_eq!(copy.iter().filter(|v| v.name == "HOME").count(), 1);
        assert_eq!(copy.iter().count(), base.iter().count());
        assert_ne!(copy, base);
    }

    #[test]
    fn a_scope_holds_a_bounded_amount_of_its_own_values() {
        let mut vars = Vars::default();
        let value = "v".repeat(MAX_VALUE_LEN);
        let fits = MAX_OWN_BYTES / MAX_VALUE_LEN;
        for i in 0..fits + 10 {
            vars.set(&format!("V{i}"), Some(value.clone()), VarKind::Env);
        }
        assert!(vars.get("V0").unwrap().value.is_some());
        assert!(vars.get(&format!("V{}", fits - 1)).unwrap().value.is_some());
        assert_eq!(vars.get(&format!("V{fits}")).unwrap().value, None);
        // Redeclaring frees what the old value held.
        vars.set("V0", None, VarKind::Env);
        vars.set(&format!("V{fits}"), Some("x".into()), VarKind::Env);
        assert_eq!(
            vars.get(&format!("V{fits}")).unwrap().value.as_deref(),
            Some("x")
        );
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
