//! Turning the paths on the command line into the list of files to lint.

use super::{FileError, Input, STDIN_PATH, display_path, without_dot_prefix};
use ignore::{DirEntry, WalkBuilder};
use std::path::{Path, PathBuf};

/// What the paths on the command line stand for: the inputs, sorted and without duplicates, and
/// the directories that could not be searched.
#[derive(Debug, Default)]
pub struct Discovery {
    pub inputs: Vec<Input>,
    pub errors: Vec<FileError>,
}

/// Expands `paths` (the current directory when empty). A file is taken whatever its name, even
/// if it does not exist (reading it will say so); a directory is searched recursively for the
/// files [`is_dockerfile_name`] accepts, skipping what `.gitignore` and `.ignore` files exclude.
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
    found
}

/// The names a directory search picks up: `Dockerfile` and `Containerfile`, alone or followed by
/// `.`, `-` or `_` and a suffix (`Dockerfile.dev`, `Dockerfile-windows`, `Dockerfile_test_run`,
/// `Containerfile-hardlinks`) or by a number (`Dockerfile2`, `Dockerfile1.alpine`), and
/// `*.Dockerfile` / `*.dockerfile`. A word glued on without a separator (`Dockerfiles`,
/// `DockerfileX`) is not taken: that reads as a different name, not a variant.
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
    ["Dockerfile", "Containerfile"]
        .iter()
        .any(|base| name.strip_prefix(base).is_some_and(variant))
        || has_stem(".Dockerfile")
        || has_stem(".dockerfile")
}

fn search(root: &Path, found: &mut Discovery) {
    let walker = WalkBuilder::new(root)
        // Hidden directories hold real Dockerfiles (`.devcontainer/`, `.github/`), so only the
        // version-control stores are skipped.
        .hidden(false)
        .filter_entry(|entry| !is_vcs_store(entry))
        // Honour `.gitignore` outside a git checkout too (an exported tree, a CI cache).
        .require_git(false)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) if is_dockerfile_entry(&entry) => found.inputs.push(path_input(entry.path())),
            Ok(_) => {}
            Err(err) => found.errors.push(FileError::Unsearchable {
                path: display_path(root),
                reason: err.to_string(),
            }),
        }
    }
}

fn is_vcs_store(entry: &DirEntry) -> bool {
    const STORES: [&str; 4] = [".git", ".hg", ".svn", ".jj"];
    entry.file_type().is_some_and(|t| t.is_dir())
        && STORES.iter().any(|store| entry.file_name() == *store)
}

fn is_dockerfile_entry(entry: &DirEntry) -> bool {
    entry.file_type().is_some_and(|t| t.is_file())
        && entry.file_name().to_str().is_some_and(is_dockerfile_name)
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
        ] {
            assert!(is_dockerfile_name(name), "{name} should be found");
        }
        for name in [
            "README.md",
            "dockerfile",
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
                "w/Dockerfile-windows",
                "z/Dockerfile",
            ]
        );
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
