//! Turning the paths on the command line into the list of files to lint.
//!
//! The directory walk is layerlint's own, with the `ignore` crate used only to match patterns:
//! the crate's walker reads every `.gitignore` and `.ignore` it meets itself, whole, so one that
//! is a link to `/dev/zero` or a FIFO would exhaust memory or hang the run. Here each ignore file
//! is read like any file someone else controls ([`read_regular`]), and one that cannot be is
//! reported while the walk goes on without its patterns.

use super::read::{SIDE_FILE_LIMIT, read_regular};
use super::{FileError, Input, STDIN_PATH, display_path, without_dot_prefix};
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use std::collections::HashSet;
use std::fs;
use std::path::{Path, PathBuf};

/// What the paths on the command line stand for: the inputs, sorted and without duplicates, and
/// the directories and ignore files that could not be read.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub errors: Vec<FileError>,
}

/// Expands `paths` (the current directory when empty). A file is taken whatever its name, even
/// if it does not exist (reading it will say so); a directory is searched recursively for the
/// files [`is_dockerfile_name`] accepts, skipping what `.gitignore` and `.ignore` files exclude.
/// A file named twice, under any spelling of its path or through another link, is linted once:
/// fixing it twice would find it changed by the first fix.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let current_dir = [PathBuf::from(".")];
    let roots = if paths.is_empty() {
        &current_dir[..]
    } else {
        paths
    };
    let mut found = Discovery::default();
    for root in roots {
        if root.as_os_str() == STDIN_PATH {
            found.inputs.push(Input::Stdin);
        } else if root.is_dir() {
            search(root, &mut found);
        } else {
            found.inputs.push(path_input(root));
        }
    }
    found.inputs.sort();
    found.inputs.dedup();
    let mut seen = HashSet::new();
    found.inputs.retain(|input| match input {
        Input::Path(path) => seen.insert(identity(path)),
        Input::Stdin => true,
    });
    found
}

/// What makes two paths the same file: its device and inode, which a symbolic link, `./`, `..`
/// and a hard link all share; the path itself when it cannot be looked at (reading it will say
/// why).
#[derive(Hash, PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

fn identity(path: &Path) -> Identity {
    #[cfg(unix)]
    if let Ok(meta) = fs::metadata(path) {
        use std::os::unix::fs::MetadataExt;
        return Identity::Inode(meta.dev(), meta.ino());
    }
    Identity::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The names a directory search picks up: `Dockerfile`, `dockerfile` and `Containerfile`, alone
/// or followed by `.`, `-` or `_` and a suffix (`Dockerfile.dev`, `Dockerfile-windows`,
/// `Dockerfile_test_run`, `Containerfile-hardlinks`) or by a number (`Dockerfile2`,
/// `Dockerfile1.alpine`), and `*.Dockerfile` / `*.dockerfile`. A word glued on without a
/// separator (`Dockerfiles`, `DockerfileX`) is not taken: that reads as a different name, not a
/// variant.
pub fn is_dockerfile_name(name: &str) -> bool {
    // `Dockerfile.dockerignore` and `app.Dockerfile.dockerignore` are BuildKit's per-Dockerfile
    // ignore files, not Dockerfiles, though the first matches `Dockerfile.*`.
    if name.ends_with(".dockerignore") {
        return false;
    }
    let has_stem = |suffix: &str| name.len() > suffix.len() && name.ends_with(suffix);
    let variant = |rest: &str| {
        rest.is_empty()
            || (rest.len() > 1 && rest.starts_with(['.', '-', '_']))
            || rest.starts_with(|c: char| c.is_ascii_digit())
    };
    ["Dockerfile", "dockerfile", "Containerfile"]
        .iter()
        .any(|base| name.strip_prefix(base).is_some_and(variant))
        || has_stem(".Dockerfile")
        || has_stem(".dockerfile")
}

/// The ignore patterns in force while walking, outermost first; a later matcher wins.
struct Patterns {
    matchers: Vec<Gitignore>,
}

impl Patterns {
    fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        for matcher in self.matchers.iter().rev() {
            let matched = matcher.matched(path, is_dir);
            if matched.is_ignore() {
                return true;
            }
            if matched.is_whitelist() {
                return false;
            }
        }
        false
    }

    /// Adds the ignore files of directory `dir` (absolute), in rising precedence as git and the
    /// `ignore` crate order them: `.git/info/exclude`, `.gitignore`, `.ignore`. Returns how many
    /// matchers it added.
    /// `shown` is the directory as messages name it.
    fn enter(&mut self, dir: &Path, shown: &Path, errors: &mut Vec<FileError>) -> usize {
        let before = self.matchers.len();
        for name in [".git/info/exclude", ".gitignore", ".ignore"] {
            if let Some(matcher) = read_ignore_file(dir, shown, name, errors) {
                self.matchers.push(matcher);
            }
        }
        self.matchers.len() - before
    }

    fn leave(&mut self, added: usize) {
        self.matchers.truncate(self.matchers.len() - added);
    }
}

/// The patterns of `dir/name`, if it exists; a file that is there but cannot be read is an error
/// and adds nothing.
fn read_ignore_file(
    dir: &Path,
    shown: &Path,
    name: &str,
    errors: &mut Vec<FileError>,
) -> Option<Gitignore> {
    let path = dir.join(name);
    let bytes = match read_regular(&path, SIDE_FILE_LIMIT) {
        Ok(bytes) => bytes,
        Err(err) if err.is_not_found() => return None,
        Err(err) => {
            errors.push(FileError::Unreadable {
                path: display_path(&shown.join(name)),
                reason: format!("{}; the search went on without its patterns", err.reason()),
            });
            return None;
        }
    };
    let mut builder = GitignoreBuilder::new(dir);
    for line in String::from_utf8_lossy(&bytes).lines() {
        // git skips a pattern it cannot read, and so does layerlint.
        let _ = builder.add_line(Some(path.clone()), line);
    }
    builder.build().ok()
}

fn search(root: &Path, found: &mut Discovery) {
    // Patterns match absolute paths, so that the files of directories above `root` apply too,
    // as they do for git (and did for the crate's walker).
    let absolute = fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut patterns = Patterns {
        matchers: Vec::new(),
    };
    let (global, _) = Gitignore::global();
    patterns.matchers.push(global);
    let mut ancestors: Vec<&Path> = absolute.ancestors().skip(1).collect();
    ancestors.reverse();
    for ancestor in ancestors {
        patterns.enter(ancestor, ancestor, &mut found.errors);
    }
    walk(root, &absolute, &mut patterns, found);
}

fn walk(dir: &Path, absolute: &Path, patterns: &mut Patterns, found: &mut Discovery) {
    let added = patterns.enter(absolute, dir, &mut found.errors);
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            found.errors.push(FileError::Unsearchable {
                path: display_path(dir),
                reason: super::error::io_reason(&err),
            });
            patterns.leave(added);
            return;
        }
    };
    let mut entries: Vec<fs::DirEntry> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name();
        let path = dir.join(&name);
        let absolute_path = absolute.join(&name);
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            // Hidden directories hold real Dockerfiles (`.devcontainer/`, `.github/`), so only
            // the version-control stores are skipped. Linked directories are not followed: a
            // link can make the tree endless.
            if !is_vcs_store(&name.to_string_lossy()) && !patterns.ignores(&absolute_path, true) {
                walk(&path, &absolute_path, patterns, found);
            }
        } else if name.to_str().is_some_and(is_dockerfile_name)
            && !patterns.ignores(&absolute_path, false)
            // A link is taken when it leads to a regular file; reading it checks again.
            && (kind.is_file() || (kind.is_symlink() && path.is_file()))
        {
            found.inputs.push(path_input(&path));
        }
    }
    patterns.leave(added);
}

fn is_vcs_store(name: &str) -> bool {
    matches!(name, ".git" | ".hg" | ".svn" | ".jj")
}

fn path_input(path: &Path) -> Input {
    Input::Path(without_dot_prefix(path).to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn dockerfile_names() {
        for name in [
            "Dockerfile",
            "Dockerfile.dev",
            "Dockerfile.prod.arm64",
            "api.Dockerfile",
            "api.dockerfile",
            "Containerfile",
            "Containerfile.test",
            "Dockerfile-windows",
            "Dockerfile_test_run",
            "Dockerfile_tidyverse_4.0.0",
            "Containerfile-hardlinks",
            "Containerfile_ci",
            "Dockerfile2",
            "Dockerfile1.alpine",
            "Containerfile5",
            "dockerfile",
            "dockerfile.dev",
            "Containerfile",
            "app.dockerfile",
        ] {
            assert!(is_dockerfile_name(name), "{name} should be found");
        }
        for name in [
            "README.md",
            "dockerfiles",
            "Dockerfiles",
            "DockerfileX",
            ".dockerfile",
            "Dockerfile.dockerignore",
            "api.Dockerfile.dockerignore",
            "Containerfiles",
            "Dockerfile-",
            "Dockerfile_",
            "Dockerfilecachefrom",
            "Dockerfile_test.dockerignore",
            "docker-compose.yml",
        ] {
            assert!(!is_dockerfile_name(name), "{name} should not be found");
        }
    }

    fn names(inputs: &[Input], base: &Path) -> Vec<String> {
        inputs
            .iter()
            .map(|input| match input {
                Input::Path(path) => path
                    .strip_prefix(base)
                    .unwrap_or(path)
                    .display()
                    .to_string(),
                Input::Stdin => "-".to_string(),
            })
            .collect()
    }

    fn touch(base: &Path, relative: &str) {
        let path = base.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create test directories");
        }
        fs::write(path, "FROM scratch\n").expect("write test file");
    }

    #[test]
    fn directories_are_searched_recursively_in_a_stable_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        for file in [
            "z/Dockerfile",
            "Dockerfile",
            "a/b/c/x.Dockerfile",
            "a/Containerfile.dev",
            "a/Dockerfile_test_run",
            "w/Dockerfile-windows",
            "w/dockerfile",
            "w/Containerfile-ci",
            "w/app.dockerfile",
            "w/Dockerfile.dockerignore",
            ".devcontainer/Dockerfile",
            "a/README.md",
            "a/Dockerfile.dockerignore",
            ".git/Dockerfile",
            "ignored/Dockerfile",
            "vendor/Dockerfile",
        ] {
            touch(base, file);
        }
        fs::write(base.join(".gitignore"), "ignored/\n").expect("write .gitignore");
        // A git worktree's `.git` is a file: no `.git/info/exclude` to read, and no error.
        fs::write(base.join("w/.git"), "gitdir: /elsewhere\n").expect("write .git");
        fs::write(base.join(".ignore"), "vendor\n").expect("write .ignore");

        let found = discover(&[base.to_path_buf()]);
        assert!(found.errors.is_empty(), "{:?}", found.errors);
        assert_eq!(
            names(&found.inputs, base),
            [
                ".devcontainer/Dockerfile",
                "Dockerfile",
                "a/Containerfile.dev",
                "a/Dockerfile_test_run",
                "a/b/c/x.Dockerfile",
                "w/Containerfile-ci",
                "w/Dockerfile-windows",
                "w/app.dockerfile",
                "w/dockerfile",
                "z/Dockerfile",
            ]
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_to_files_and_hostile_ignore_files_are_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        touch(base, "real/Dockerfile");
        touch(base, "sub/Dockerfile");
        touch(base, "sub/skipped/Dockerfile");
        std::os::unix::fs::symlink(base.join("real/Dockerfile"), base.join("Dockerfile2"))
            .expect("symlink");
        std::os::unix::fs::symlink(base.join("real"), base.join("linked-dir")).expect("symlink");
        std::os::unix::fs::symlink("/dev/zero", base.join(".gitignore")).expect("symlink");
        fs::write(base.join("sub/.ignore"), "skipped\n").expect("write .ignore");
        let fifo = base.join("sub/.gitignore");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        let started = std::time::Instant::now();
        let found = discover(&[base.to_path_buf()]);
        assert!(started.elapsed().as_secs() < 10);
        // `real/Dockerfile` is the file `Dockerfile2` leads to: it is linted once, under the
        // name that sorts first.
        assert_eq!(
            names(&found.inputs, base),
            ["Dockerfile2", "sub/Dockerfile"]
        );
        let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        assert!(
            errors.iter().any(|e| e.contains(".gitignore: it is a character device, not a regular file; the search went on without its patterns")),
            "{errors:?}"
        );
        if made.is_ok_and(|s| s.success()) {
            assert!(
                errors
                    .iter()
                    .any(|e| e.contains("sub/.gitignore: it is a FIFO")),
                "{errors:?}"
            );
        }
    }

    #[test]
    fn the_same_file_under_two_spellings_is_taken_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        touch(base, "a/Dockerfile");
        let plain = base.join("a/Dockerfile");
        let roundabout = base.join("a/../a/./Dockerfile");
        let linked = base.join("b.Dockerfile");
        fs::hard_link(&plain, &linked).expect("hard link");
        let found = discover(&[plain, roundabout, base.join("a"), linked]);
        assert_eq!(found.inputs.len(), 1, "{:?}", found.inputs);
    }

    #[test]
    fn files_are_taken_whatever_their_name_and_duplicates_collapse() {
        let dir = tempfile::tempdir().expect("tempdir");
        let base = dir.path();
        touch(base, "build.txt");
        let file = base.join("build.txt");
        let missing = base.join("missing");
        let found = discover(&[file.clone(), PathBuf::from("-"), missing, file]);
        assert_eq!(names(&found.inputs, base), ["build.txt", "missing", "-"]);
    }
}
