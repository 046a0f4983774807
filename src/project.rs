//! The build context: the directory `COPY . .` copies from. Context-aware rules ask it whether a
//! file exists and what `.dockerignore` says.
//!
//! It is either a real directory (the Dockerfile's own, or `--context DIR`), a set of files held
//! in memory (the rule examples in `rules/*.yaml`), or absent (standard input without
//! `--context`): then rules fall back to what is usual and say less.

pub mod builds;
pub(crate) mod dockerignore;

pub use dockerignore::DockerIgnore;
/// Go's `filepath.Clean` for `/`-separated paths, as the builder cleans context paths.
pub use dockerignore::clean as clean_path;

use crate::files::{ReadError, SIDE_FILE_LIMIT, read_regular};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The name of the context's own ignore file.
pub const DOCKERIGNORE: &str = ".dockerignore";

#[derive(Clone, Debug, Default)]
pub enum BuildContext {
    #[default]
    Unknown,
    /// A directory on disk.
    Directory {
        root: PathBuf,
        /// The Dockerfile being linted, when it is a file: Docker prefers an ignore file named
        /// after it (`Dockerfile.dev.dockerignore` next to `Dockerfile.dev`) to the context's.
        dockerfile: Option<PathBuf>,
    },
    /// Files held in memory, by path relative to the root (`/`-separated).
    Files(BTreeMap<String, String>),
}

impl BuildContext {
    /// A directory context with no particular Dockerfile.
    pub fn directory(root: impl Into<PathBuf>) -> BuildContext {
        BuildContext::Directory {
            root: root.into(),
            dockerfile: None,
        }
    }

    /// The context `root` as the Dockerfile at `dockerfile` sees it.
    pub fn for_dockerfile(
        root: impl Into<PathBuf>,
        dockerfile: impl Into<PathBuf>,
    ) -> BuildContext {
        BuildContext::Directory {
            root: root.into(),
            dockerfile: Some(dockerfile.into()),
        }
    }

    /// Whether `path` (relative to the context root) exists; `None` when there is no context.
    pub fn exists(&self, path: &str) -> Option<bool> {
        let path = inside(path);
        let path = path.trim_start_matches("./").trim_start_matches('/');
        match self {
            BuildContext::Unknown => None,
            BuildContext::Directory { root, .. } => Some(root.join(path).exists()),
            BuildContext::Files(files) => Some(
                files.contains_key(path)
                    || files.keys().any(|k| {
                        k.strip_prefix(path)
                            .is_some_and(|rest| rest.starts_with('/'))
                    }),
            ),
        }
    }

    /// Whether `path` (relative to the context root) is a symbolic link; `None` when there is no
    /// context. Files held in memory have none.
    pub fn is_symlink(&self, path: &str) -> Option<bool> {
        let path = path.trim_start_matches("./").trim_start_matches('/');
        match self {
            BuildContext::Unknown => None,
            BuildContext::Directory { root, .. } => Some(
                std::fs::symlink_metadata(root.join(path))
                    .is_ok_and(|meta| meta.file_type().is_symlink()),
            ),
            BuildContext::Files(_) => Some(false),
        }
    }

    /// The text of a file in the context, if there is one.
    pub fn read(&self, path: &str) -> Option<String> {
        let path = inside(path);
        let path = path.as_ref();
        match self {
            BuildContext::Unknown => None,
            BuildContext::Directory { root, .. } => read_lossy(&root.join(path)).ok().flatten(),
            BuildContext::Files(files) => files.get(path).cloned(),
        }
    }

    /// Whether the builder receives `path`: it exists in the context and the ignore file does not
    /// leave it out. `None` when there is no context.
    pub fn provides(&self, path: &str) -> Option<bool> {
        let path = inside(path);
        let path = path.trim_start_matches("./").trim_start_matches('/');
        let exists = self.exists(path)?;
        Some(exists && !self.dockerignore().is_some_and(|i| i.excludes(path)))
    }

    /// The names of the entries of a directory of the context (`""` is the root), sorted; `None`
    /// when there is no context or no such directory.
    pub fn list(&self, dir: &str) -> Option<Vec<String>> {
        let dir = inside(dir);
        let dir = dir
            .trim_start_matches("./")
            .trim_start_matches('/')
            .trim_end_matches('/');
        let mut names: Vec<String> = match self {
            BuildContext::Unknown => return None,
            BuildContext::Directory { root, .. } => std::fs::read_dir(root.join(dir))
                .ok()?
                .filter_map(|e| e.ok()?.file_name().into_string().ok())
                .collect(),
            BuildContext::Files(files) => {
                let prefix = if dir.is_empty() {
                    String::new()
                } else {
                    format!("{dir}/")
                };
                files
                    .keys()
                    .filter_map(|k| k.strip_prefix(&prefix))
                    .filter_map(|rest| rest.split('/').next())
                    .map(str::to_string)
                    .collect()
            }
        };
        names.sort();
        names.dedup();
        Some(names)
    }

    /// Walks the context: every entry as a relative path, with whether it is a directory and
    /// the size of a file. `descend` decides whether to look inside a directory (the rules skip
    /// `.git` and package stores, which can be huge). At most `cap` entries are returned; the
    /// flag says whether the walk stopped there. `None` when there is no context.
    pub fn walk(&self, descend: impl Fn(&str) -> bool, cap: usize) -> Option<Walk> {
        let mut walk = Walk::default();
        match self {
            BuildContext::Unknown => return None,
            BuildContext::Directory { root, .. } => {
                let mut pending = vec![String::new()];
                while let Some(dir) = pending.pop() {
                    let Ok(read) = std::fs::read_dir(root.join(&dir)) else {
                        continue;
                    };
                    let mut entries: Vec<_> = read.filter_map(Result::ok).collect();
                    entries.sort_by_key(std::fs::DirEntry::file_name);
                    for entry in entries {
                        if walk.entries.len() >= cap {
                            walk.truncated = true;
                            return Some(walk);
                        }
                        let Ok(name) = entry.file_name().into_string() else {
                            continue;
                        };
                        let path = if dir.is_empty() {
                            name
                        } else {
                            format!("{dir}/{name}")
                        };
                        // A symlink is sent as a link, not followed.
                        let meta = entry.path().symlink_metadata().ok();
                        let is_dir = meta.as_ref().is_some_and(std::fs::Metadata::is_dir);
                        let size = meta.as_ref().map_or(0, std::fs::Metadata::len);
                        if is_dir && descend(&path) {
                            pending.push(path.clone());
                        }
                        walk.push(path, is_dir, size);
                    }
                }
            }
            BuildContext::Files(files) => {
                let mut dirs = std::collections::BTreeSet::new();
                for (path, text) in files {
                    let mut at = 0;
                    while let Some(slash) = path[at..].find('/') {
                        dirs.insert(path[..at + slash].to_string());
                        at += slash + 1;
                    }
                    let skipped = dirs_of(path).any(|d| !descend(d));
                    if !skipped {
                        walk.push(path.clone(), false, text.len() as u64);
                    }
                }
                for dir in dirs {
                    if !dirs_of(&format!("{dir}/x")).any(|d| d != dir && !descend(d)) {
                        walk.push(dir, true, 0);
                    }
                }
            }
        }
        Some(walk)
    }

    pub fn is_known(&self) -> bool {
        !matches!(self, BuildContext::Unknown)
    }

    /// The ignore file the builder would use, parsed: the Dockerfile's own
    /// `<name>.dockerignore` when there is one, else the context's `.dockerignore`. `None` when
    /// the context is unknown or has neither.
    pub fn dockerignore(&self) -> Option<DockerIgnore> {
        let (origin, text) = match self {
            BuildContext::Directory {
                dockerfile: Some(dockerfile),
                ..
            } => dockerfile_ignore(dockerfile).or_else(|| self.context_ignore())?,
            _ => self.context_ignore()?,
        };
        Some(DockerIgnore::parse(&origin, &text))
    }

    fn context_ignore(&self) -> Option<(String, String)> {
        Some((DOCKERIGNORE.to_string(), self.read(DOCKERIGNORE)?))
    }

    /// An ignore file the builder would read that exists but cannot be read (a FIFO, a device, a
    /// link to one, a file over the size limit): its path and why. The rules then see the context
    /// without it, so the caller must say so.
    pub fn unreadable_ignore_file(&self) -> Option<(String, String)> {
        let BuildContext::Directory { root, dockerfile } = self else {
            return None;
        };
        let own = dockerfile.as_deref().and_then(dockerfile_ignore_path);
        own.into_iter()
            .chain(std::iter::once(root.join(DOCKERIGNORE)))
            .find_map(|path| match read_lossy(&path) {
                Err(err) => {
                    let shown = path.strip_prefix(".").unwrap_or(&path);
                    Some((shown.display().to_string(), err.reason()))
                }
                Ok(_) => None,
            })
    }
}

/// A path of the context as the builder resolves it: `..` never climbs above the context's root
/// (BuildKit cleans `COPY ../x` to `x`). Paths without `..` are returned as they are.
fn inside(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.split('/').any(|part| part == "..") {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    std::borrow::Cow::Owned(parts.join("/"))
}

/// What a walk of the context found.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    /// Relative paths, and whether each is a directory.
    pub entries: Vec<(String, bool)>,
    pub files: usize,
    pub bytes: u64,
    /// The walk stopped at its cap: there is more.
    pub truncated: bool,
}

impl Walk {
    fn push(&mut self, path: String, is_dir: bool, size: u64) {
        if !is_dir {
            self.files += 1;
            self.bytes += size;
        }
        self.entries.push((path, is_dir));
    }
}

/// The directories above a relative path, outermost first: `a/b/c` gives `a`, `a/b`.
fn dirs_of(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').map(move |(at, _)| &path[..at])
}

/// Where `<Dockerfile name>.dockerignore` beside the Dockerfile would be.
fn dockerfile_ignore_path(dockerfile: &Path) -> Option<PathBuf> {
    let name = format!(
        "{}{DOCKERIGNORE}",
        dockerfile.file_name()?.to_string_lossy()
    );
    Some(dockerfile.with_file_name(name))
}

/// `<Dockerfile name>.dockerignore` beside the Dockerfile, with its name for messages.
fn dockerfile_ignore(dockerfile: &Path) -> Option<(String, String)> {
    let path = dockerfile_ignore_path(dockerfile)?;
    let text = read_lossy(&path).ok().flatten()?;
    let name = path.file_name()?.to_string_lossy().into_owned();
    Some((name, text))
}

/// Docker reads ignore files as bytes; a stray invalid byte must not hide the whole file. Only a
/// regular file of at most [`SIDE_FILE_LIMIT`] is read: `Ok(None)` when there is none, an error
/// when there is something else (a FIFO would hang the read, `/dev/zero` would never end).
fn read_lossy(path: &Path) -> Result<Option<String>, ReadError> {
    match read_regular(path, SIDE_FILE_LIMIT) {
        Ok(bytes) => Ok(Some(String::from_utf8_lossy(&bytes).into_owned())),
        Err(err) if err.is_not_found() => Ok(None),
        Err(err) => Err(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn files(entries: &[(&str, &str)]) -> BuildContext {
        BuildContext::Files(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn an_unknown_context_has_no_ignore_file() {
        assert!(BuildContext::Unknown.dockerignore().is_none());
        assert!(files(&[("app.py", "")]).dockerignore().is_none());
    }

    #[test]
    fn in_memory_files_are_read() {
        let context = files(&[(".dockerignore", ".git\n"), ("app.py", "")]);
        let ignore = context.dockerignore();
        assert!(ignore.as_ref().is_some_and(|i| i.excludes(".git/HEAD")));
        assert_eq!(
            ignore.map(|i| i.origin().to_string()).as_deref(),
            Some(".dockerignore")
        );
        assert_eq!(context.exists("./app.py"), Some(true));
    }

    #[test]
    fn the_dockerfile_s_own_ignore_file_wins() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::write(root.join(".dockerignore"), "node_modules\n")?;
        fs::create_dir(root.join("docker"))?;
        let dockerfile = root.join("docker/Dockerfile.dev");
        fs::write(&dockerfile, "FROM alpine\n")?;

        let context = BuildContext::for_dockerfile(root, &dockerfile);
        let ignore = context.dockerignore();
        assert_eq!(
            ignore.as_ref().map(DockerIgnore::origin),
            Some(".dockerignore")
        );

        fs::write(root.join("docker/Dockerfile.dev.dockerignore"), ".git\n")?;
        let ignore = context.dockerignore();
        assert_eq!(
            ignore.as_ref().map(DockerIgnore::origin),
            Some("Dockerfile.dev.dockerignore")
        );
        // It replaces the context's file rather than adding to it.
        assert!(ignore.as_ref().is_some_and(|i| i.excludes(".git")));
        assert!(ignore.is_some_and(|i| !i.excludes("node_modules")));
        // Without the Dockerfile's name, only the context's file counts.
        let plain = BuildContext::directory(root).dockerignore();
        assert_eq!(
            plain.as_ref().map(DockerIgnore::origin),
            Some(".dockerignore")
        );
        Ok(())
    }

    #[test]
    fn provides_lists_and_walks_after_the_ignore_file() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::create_dir_all(root.join("web/node_modules/a"))?;
        fs::write(root.join("web/node_modules/a/index.js"), "x")?;
        fs::write(root.join("web/package.json"), "{}")?;
        fs::write(root.join("secret.key"), "k")?;
        fs::write(root.join(".dockerignore"), "secret.key\n")?;
        let on_disk = BuildContext::directory(root);
        let in_memory = files(&[
            (".dockerignore", "secret.key\n"),
            ("secret.key", "k"),
            ("web/package.json", "{}"),
            ("web/node_modules/a/index.js", "x"),
        ]);
        for context in [on_disk, in_memory] {
            assert_eq!(context.provides("web/package.json"), Some(true));
            assert_eq!(context.provides("secret.key"), Some(false));
            assert_eq!(context.provides("missing"), Some(false));
            assert_eq!(
                context.list("web"),
                Some(vec!["node_modules".to_string(), "package.json".to_string()])
            );
            let walk = context
                .walk(|d| !d.ends_with("node_modules"), 100)
                .expect("a context");
            let mut paths: Vec<&str> = walk.entries.iter().map(|(p, _)| p.as_str()).collect();
            paths.sort_unstable();
            assert_eq!(
                paths,
                [
                    ".dockerignore",
                    "secret.key",
                    "web",
                    "web/node_modules",
                    "web/package.json"
                ]
            );
            assert_eq!(walk.files, 3);
            assert!(!walk.truncated);
        }
        assert_eq!(BuildContext::Unknown.provides("a"), None);
        Ok(())
    }

    #[test]
    fn invalid_utf8_in_an_ignore_file_does_not_hide_it() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        fs::write(dir.path().join(".dockerignore"), b"\xff\n.git\n")?;
        let ignore = BuildContext::directory(dir.path()).dockerignore();
        assert!(ignore.is_some_and(|i| i.excludes(".git")));
        Ok(())
    }

    #[test]
    fn parent_references_stay_inside_the_context() -> std::io::Result<()> {
        let outer = tempfile::tempdir()?;
        fs::write(outer.path().join("secret"), "s")?;
        let root = outer.path().join("ctx");
        fs::create_dir(&root)?;
        fs::write(root.join("app.py"), "")?;
        let context = BuildContext::directory(&root);
        assert_eq!(context.exists("../secret"), Some(false));
        assert_eq!(context.read("../secret"), None);
        assert_eq!(context.exists("../app.py"), Some(true));
        assert_eq!(context.exists("x/../../app.py"), Some(true));
        assert_eq!(inside("a/../../b/./c"), "b/c");
        assert_eq!(inside("src/"), "src/");
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn an_ignore_file_that_is_not_a_regular_file_is_named() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        std::os::unix::fs::symlink("/dev/zero", dir.path().join(".dockerignore"))?;
        let context = BuildContext::directory(dir.path());
        let started = std::time::Instant::now();
        assert!(context.dockerignore().is_none());
        let (path, reason) = context.unreadable_ignore_file().expect("reported");
        assert!(path.ends_with(".dockerignore"), "{path}");
        assert_eq!(reason, "it is a character device, not a regular file");
        assert!(started.elapsed().as_secs() < 5);
        Ok(())
    }
}
