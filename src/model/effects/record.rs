//! Where effects are written down, with the checks every command shares: paths are resolved
//! against the command's directory (or the read is given up and the word marked unread),
//! nothing under a mount or a kernel filesystem is recorded (it is never committed), and
//! deletes and metadata changes are recorded only for commands that surely run.

use super::ShellEnv;
use super::command::Command;
use super::state::EnvValue;
use super::words::Arg;
use crate::model::layer::{
    Cache, CacheFill, Effects, Guard, Manager, PackageAction, PackageOp, PathEffect,
};
use crate::model::paths;
use crate::span::Span;

/// Filesystems the build mounts itself: what is written there never reaches a layer.
const KERNEL_FILESYSTEMS: [&str; 3] = ["/dev", "/proc", "/sys"];

pub(super) struct Recorder<'e> {
    env: &'e ShellEnv<'e>,
    mounted: Vec<String>,
    effects: Effects,
}

impl<'e> Recorder<'e> {
    pub fn new(env: &'e ShellEnv<'e>) -> Recorder<'e> {
        let mounted = env
            .mounted
            .iter()
            .filter(|target| target.starts_with('/'))
            .map(|target| paths::normalize(target))
            .collect();
        Recorder {
            env,
            mounted,
            effects: Effects::default(),
        }
    }

    /// The home directory of the user running the step.
    pub fn home(&self) -> &str {
        self.env.home
    }

    pub fn finish(self) -> Effects {
        self.effects
    }

    /// Marks part of the script as not understood, so rules don't conclude from absence.
    pub fn unread(&mut self, span: Span) {
        if !self.effects.unread.contains(&span) {
            self.effects.unread.push(span);
        }
    }

    /// The absolute path an argument names, resolved against the command's directory. When it
    /// can't be known the word is marked unread.
    pub fn path(&mut self, command: &Command, arg: &Arg) -> Option<String> {
        self.path_in(command.cwd, arg)
    }

    /// The absolute path an argument names, resolved against `dir`.
    pub fn path_in(&mut self, dir: Option<&str>, arg: &Arg) -> Option<String> {
        let Some(text) = arg.path_text() else {
            self.unread(arg.span);
            return None;
        };
        if text.is_empty() {
            return None;
        }
        match dir {
            _ if text.starts_with('/') => Some(paths::normalize(text)),
            Some(dir) => Some(paths::resolve(dir, text)),
            None => {
                self.unread(arg.span);
                None
            }
        }
    }

    /// Whether writes to `path` stay out of the layer (a mount, `/dev`, `/proc`, `/sys`).
    pub fn is_uncommitted(&self, path: &str) -> bool {
        self.mounted
            .iter()
            .map(String::as_str)
            .chain(KERNEL_FILESYSTEMS)
            .any(|dir| paths::is_within(path, dir))
    }

    /// The command adds or overwrites `path` (its span is the command's).
    pub fn create(&mut self, command: &Command, path: String, recursive: bool) {
        self.create_at(command.name, path, recursive, command.span);
    }

    pub fn create_at(&mut self, via: &str, path: String, recursive: bool, span: Span) {
        if self.is_uncommitted(&path) {
            return;
        }
        self.effects
            .creates
            .push(effect(via, path, recursive, span));
    }

    /// The command removes `path`; `span` is the word that names it.
    pub fn delete(&mut self, command: &Command, path: String, recursive: bool, span: Span) {
        if self.is_uncommitted(&path) {
            return;
        }
        let effect = effect(command.name, path, recursive, span);
        match command.guard {
            Guard::Always => self.effects.deletes.push(effect),
            Guard::Scope(scope) => self.effects.guarded_deletes.push((effect, scope)),
            Guard::Never => {}
        }
    }

    /// A new branch inside `parent`: what runs in it runs only when a condition holds.
    pub fn branch(&mut self, parent: Guard) -> Guard {
        let parent = match parent {
            Guard::Always => 0,
            Guard::Scope(scope) => scope,
            Guard::Never => return Guard::Never,
        };
        self.effects.scopes.push(parent);
        Guard::Scope(self.effects.scopes.len() as u32)
    }

    /// `effect` is deleted whenever the branch `parent` runs (every branch of a condition
    /// below it deleted it).
    pub fn delete_under(&mut self, parent: Guard, effect: PathEffect) {
        match parent {
            Guard::Always => self.effects.deletes.push(effect),
            Guard::Scope(scope) => self.effects.guarded_deletes.push((effect, scope)),
            Guard::Never => {}
        }
    }

    /// The deletes recorded since `mark` (a count of guarded deletes) in exactly `scope`.
    pub fn guarded_since(&self, mark: usize, scope: Guard) -> Vec<PathEffect> {
        let Guard::Scope(scope) = scope else {
            return Vec::new();
        };
        self.effects.guarded_deletes[mark..]
            .iter()
            .filter(|(_, s)| *s == scope)
            .map(|(e, _)| e.clone())
            .collect()
    }

    pub fn guarded_mark(&self) -> usize {
        self.effects.guarded_deletes.len()
    }

    /// The command changes the metadata of `path`; `span` is the word that names it.
    pub fn touch(&mut self, command: &Command, path: String, recursive: bool, span: Span) {
        if command.guard == Guard::Always && !self.is_uncommitted(&path) {
            let effect = effect(command.name, path, recursive, span);
            self.effects.touches.push(effect);
        }
    }

    /// The command fills a package cache, unless the cache lives under a mount.
    pub fn cache(&mut self, command: &Command, cache: Cache) {
        if let Some(fill) = self.unmounted(command, cache) {
            self.effects.caches.push(fill);
        }
    }

    /// The command would fill a package cache but an option of its own keeps it out of the
    /// layer; nothing is recorded when the cache lives under a mount.
    pub fn kept_out(&mut self, command: &Command, cache: Cache) {
        if let Some(fill) = self.unmounted(command, cache) {
            self.effects.kept_out.push(fill);
        }
    }

    /// The command's use of `cache`, unless the cache lives under a mount or in a home the
    /// model can't place.
    fn unmounted(&self, command: &Command, cache: Cache) -> Option<CacheFill> {
        let home = match command.env_var("HOME") {
            EnvValue::Known(home) => home,
            EnvValue::Unset => self.env.home.to_string(),
            // The program's home is not known: only caches outside it can be placed.
            EnvValue::Unknown if !cache.is_system() => return None,
            EnvValue::Unknown => self.env.home.to_string(),
        };
        let mounted = cache.dirs(&home).iter().any(|dir| self.is_mounted(dir));
        (!mounted).then_some(CacheFill {
            cache,
            span: command.span,
            guard: command.guard,
        })
    }

    /// Whether an explicitly chosen cache directory is under a mount.
    pub fn is_mounted(&self, path: &str) -> bool {
        self.mounted
            .iter()
            .any(|target| paths::is_within(path, target))
    }

    pub fn package(
        &mut self,
        command: &Command,
        manager: Manager,
        action: PackageAction,
        packages: Vec<String>,
        reads: Vec<String>,
    ) {
        self.effects.packages.push(PackageOp {
            manager,
            action,
            span: command.span,
            packages,
            reads,
            guard: command.guard,
        });
    }
}

fn effect(via: &str, path: String, recursive: bool, span: Span) -> PathEffect {
    PathEffect {
        path,
        recursive,
        via: via.to_string(),
        span,
    }
}
