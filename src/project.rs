//! The build context: the directory `COPY . .` copies from. Context-aware rules ask it whether a
//! file exists and what `.dockerignore` says.
//!
//! It is either a real directory (the Dockerfile's own, or `--context DIR`), a set of files held
//! in memory (the rule examples in `rules/*.yaml`), or absent (standard input without
//! `--context`): then rules fall back to what is usual and say less.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(Clone, Debug, Default)]
pub enum BuildContext {
    #[default]
    Unknown,
    Directory(PathBuf),
    Files(BTreeMap<String, String>),
}

impl BuildContext {
    /// Whether `path` (relative to the context root) exists; `None` when there is no context.
    pub fn exists(&self, path: &str) -> Option<bool> {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        match self {
            BuildContext::Unknown => None,
            BuildContext::Directory(root) => Some(root.join(path).exists()),
            BuildContext::Files(files) => Some(
                files.contains_key(path)
                    || files.keys().any(|k| {
                        k.strip_prefix(path)
                            .is_some_and(|rest| rest.starts_with('/'))
                    }),
            ),
        }
    }

    /// The text of a file in the context, if there is one.
    pub fn read(&self, path: &str) -> Option<String> {
        match self {
            BuildContext::Unknown => None,
            BuildContext::Directory(root) => std::fs::read_to_string(root.join(path)).ok(),
            BuildContext::Files(files) => files.get(path).cloned(),
        }
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, BuildContext::Unknown)
    }
}
