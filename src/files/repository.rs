//! The directories above a Dockerfile that its settings are looked for in: the configuration
//! (`.layerlint.yaml`, `.hadolint.yaml`) and the compose and bake files naming it both stop at the
//! repository root.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// `dir` (symbolic links resolved) and its parents, up to and including the repository root,
/// the first directory holding `.git`. Without one, every parent up to the filesystem root.
#[derive(Debug)]
pub struct Ancestors {
    pub dirs: Vec<PathBuf>,
    /// Whether the last of `dirs` holds `.git`.
    pub in_repository: bool,
}

/// The answers kept after [`remember_ancestors`]; `None` before.
static KNOWN: Mutex<Option<Known>> = Mutex::new(None);

/// Keeps each directory's [`Ancestors`] from now on, for a run that ends soon after (a `check`).
/// Both searches ask for the same directories, and a run over many files in one directory asks
/// again for each; resolving the path and looking for `.git` costs a system call per level
/// (about a twentieth of a small file's run). A long-running process (the language server) does
/// not call this: between two lints, a repository can be created or a link changed.
pub fn remember_ancestors() {
    KNOWN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get_or_insert_with(Known::default);
}

/// The [`Ancestors`] of `dir`.
pub fn ancestors(dir: &Path) -> Arc<Ancestors> {
    match KNOWN.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
        Some(known) => known.get(dir),
        None => Arc::new(look_up(dir)),
    }
}

/// Answers by directory.
#[derive(Default)]
struct Known(HashMap<PathBuf, Arc<Ancestors>>);

impl Known {
    fn get(&mut self, dir: &Path) -> Arc<Ancestors> {
        Arc::clone(
            self.0
                .entry(dir.to_path_buf())
                .or_insert_with(|| Arc::new(look_up(dir))),
        )
    }
}

fn look_up(dir: &Path) -> Ancestors {
    let start = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let mut dirs = Vec::new();
    for ancestor in start.ancestors() {
        dirs.push(ancestor.to_path_buf());
        if ancestor.join(".git").exists() {
            return Ancestors {
                dirs,
                in_repository: true,
            };
        }
    }
    Ancestors {
        dirs,
        in_repository: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_stops_at_the_repository_root_and_a_kept_answer_is_not_looked_up_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        let deep = root.join("repo/a/b");
        std::fs::create_dir_all(&deep).expect("dirs");
        let mut known = Known::default();
        let outside = known.get(&deep);
        assert!(!outside.in_repository);
        assert!(outside.dirs.len() > 3, "{:?}", outside.dirs);
        std::fs::create_dir(root.join("repo/.git")).expect(".git");
        assert!(!known.get(&deep).in_repository, "kept");
        let inside = look_up(&deep);
        assert!(inside.in_repository);
        assert_eq!(
            inside.dirs,
            [deep.clone(), root.join("repo/a"), root.join("repo")]
        );
    }
}
