//! What a layer does to the package caches: whether it removes a cache, and whether a cache it
//! fills is still there when its script ends.

use super::layer::{Cache, CacheFill, Effects, Guard, Manager, PackageAction, PathEffect};
use super::paths::removes;

impl Effects {
    /// Whether the step surely removes the cache (a delete covering one of its directories, or
    /// the manager's own clean command for that cache, outside any condition).
    pub fn cleans(&self, cache: Cache, home: &str) -> bool {
        self.cleanup_of(cache, home).is_some()
    }

    /// Where the step surely removes the cache (see [`Effects::cleans`]): the clean command or
    /// the delete, for a finding to point at.
    pub fn cleanup_of(&self, cache: Cache, home: &str) -> Option<crate::span::Span> {
        // Cheap checks first: most steps delete nothing and clean nothing.
        if self.deletes.is_empty() && self.packages.is_empty() {
            return None;
        }
        let cleaned = self.packages.iter().find(|p| {
            p.action == PackageAction::Clean
                && p.guard == Guard::Always
                && clean_covers(p.manager, cache)
        });
        if let Some(clean) = cleaned {
            return Some(clean.span);
        }
        // An install with nothing deleted is most steps: no directory list to build for it.
        if self.deletes.is_empty() {
            return None;
        }
        let dirs = cache.dirs(home);
        self.deletes
            .iter()
            .find(|d| deletes_cache(d, cache, &dirs))
            .map(|d| d.span)
    }

    /// Whether something in the same script removes what `fill` put in the cache: a cleanup
    /// after it that runs whenever it ran. Spans order the commands; the commands of an `sh -c`
    /// string share the string's span, and there a cleanup counts wherever it is, as the model
    /// can't tell.
    pub fn cleans_after(&self, fill: &CacheFill, home: &str) -> bool {
        let after =
            |at: u32, guard: Guard| at >= fill.span.start && self.runs_whenever(guard, fill.guard);
        let cleaned = self.packages.iter().any(|p| {
            p.action == PackageAction::Clean
                && clean_covers(p.manager, fill.cache)
                && after(p.span.start, p.guard)
        });
        if cleaned {
            return true;
        }
        if self.deletes.is_empty() && self.guarded_deletes.is_empty() {
            return false;
        }
        let dirs = fill.cache.dirs(home);
        let unconditional = self.deletes.iter().map(|d| (d, Guard::Always));
        let guarded = self
            .guarded_deletes
            .iter()
            .map(|(d, scope)| (d, Guard::Scope(*scope)));
        unconditional
            .chain(guarded)
            .any(|(d, guard)| after(d.span.start, guard) && deletes_cache(d, fill.cache, &dirs))
    }

    /// The first fill of `cache` that is still there when the script ends.
    pub fn leaves(&self, cache: Cache, home: &str) -> Option<&CacheFill> {
        self.caches
            .iter()
            .filter(|f| f.cache == cache)
            .find(|f| !self.cleans_after(f, home))
    }
}

/// Whether `delete` removes one of the cache's directories. dnf's list holds /var/cache/yum only
/// because hadolint accepts deleting it by hand after `dnf`; `microdnf clean all` empties that
/// directory as microdnf's own cache and leaves dnf's (/var/cache/dnf), so it does not count.
fn deletes_cache(delete: &PathEffect, cache: Cache, dirs: &[String]) -> bool {
    if cache == Cache::Dnf && delete.via == "microdnf" {
        return false;
    }
    // `dir/x` stands for what the directory holds (a deletion of `dir/*` empties it); written
    // into one buffer, not a new string per directory and deletion.
    let mut inside = String::new();
    dirs.iter().any(|dir| {
        removes(&delete.path, delete.recursive, dir) || {
            inside.clear();
            inside.push_str(dir);
            inside.push_str("/x");
            removes(&delete.path, delete.recursive, &inside)
        }
    })
}

/// Whether the manager's own clean command empties the cache. yum, dnf and zypper are not here:
/// only `clean all` (`zypper clean --all`) empties their caches, and the model records that as
/// the deletion it is; `yum clean packages` or a plain `zypper clean` leave the metadata.
fn clean_covers(manager: Manager, cache: Cache) -> bool {
    use Manager::*;
    matches!(
        (manager, cache),
        (Apt, Cache::AptArchives)
            | (Apk, Cache::Apk)
            | (Pip, Cache::Pip)
            | (Npm, Cache::Npm)
            | (Yarn, Cache::Yarn)
            | (Gem, Cache::Gem)
            | (Composer, Cache::Composer)
    )
}
