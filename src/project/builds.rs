//! Builds the project's own files describe: a compose file's services and a bake file's targets
//! name a Dockerfile together with the context, the build arguments and the target stage it is
//! built with. A Dockerfile such a file names is linted as that build, so that context-aware
//! rules look at the context the build really sends.
//!
//! Where they are looked for: in the Dockerfile's directory and each directory above it, up to
//! and including the repository root (the first directory holding `.git`), as configuration
//! files are. Outside a repository, up to the current directory when the Dockerfile is below
//! it, else in its own directory only: a stray compose file in a home or temporary directory
//! must not put warnings into every run there.

mod bake;
mod compose;

use crate::files::{SIDE_FILE_LIMIT, read_regular};
use crate::model::BuildArgs;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Whether a file name is one this module reads builds from (a compose or bake file).
pub fn is_build_file(name: &str) -> bool {
    compose::NAMES.contains(&name) || bake::NAMES.contains(&name)
}

/// One build of a Dockerfile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Build {
    /// Who asks for it, for the report: `compose.yaml service api`, `docker-bake.hcl target
    /// api`; several when more than one asks for the same build.
    pub via: Vec<String>,
    /// The build context's directory.
    pub context: PathBuf,
    pub args: BuildArgs,
    pub target: Option<String>,
}

impl Build {
    /// `compose.yaml service api, docker-bake.hcl target api`.
    pub fn via(&self) -> String {
        self.via.join(", ")
    }

    /// Whether a compose service or a bake target called `name` asks for this build.
    pub fn is_named(&self, name: &str) -> bool {
        let service = format!(" service {name}");
        let target = format!(" target {name}");
        self.via
            .iter()
            .any(|via| via.ends_with(&service) || via.ends_with(&target))
    }
}

/// A build as a file declares it, with paths as written (the context relative to the file's
/// directory, the Dockerfile relative to the context).
#[derive(Clone, Debug, Default)]
struct Declared {
    via: String,
    context: String,
    dockerfile: String,
    args: BuildArgs,
    target: Option<String>,
}

/// What one file declares, and what it declares that could not be used.
#[derive(Debug, Default)]
struct Parsed {
    declared: Vec<Declared>,
    /// One line each: who, and why it was skipped.
    skipped: Vec<String>,
}

/// Every build the compose and bake files around some Dockerfiles declare, found once per run.
#[derive(Debug, Default)]
pub struct Builds {
    /// By the canonical path of the Dockerfile.
    by_dockerfile: BTreeMap<PathBuf, Vec<Build>>,
    /// Files that could not be read, and builds that were skipped: one line each, for the user.
    pub warnings: Vec<String>,
}

impl Builds {
    /// Reads the compose and bake files around `dockerfiles`.
    pub fn around(dockerfiles: &[&Path]) -> Builds {
        // Many Dockerfiles share a directory: each is searched from once.
        let mut starts: Vec<&Path> = dockerfiles
            .iter()
            .filter_map(|file| file.parent())
            .map(|dir| {
                if dir.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    dir
                }
            })
            .collect();
        starts.sort();
        starts.dedup();
        let cwd = std::env::current_dir()
            .and_then(|d| d.canonicalize())
            .unwrap_or_default();
        let mut dirs: Vec<PathBuf> = starts
            .into_iter()
            .flat_map(|start| search_dirs(start, &cwd))
            .collect();
        dirs.sort();
        dirs.dedup();
        let mut builds = Builds::default();
        for dir in dirs {
            let compose = compose::NAMES
                .iter()
                .map(|n| dir.join(n))
                .find(|p| p.is_file());
            let bakes = bake::NAMES
                .iter()
                .map(|n| dir.join(n))
                .filter(|p| p.is_file());
            for file in compose.into_iter().chain(bakes) {
                builds.read(&dir, &file, &cwd);
            }
        }
        builds
    }

    /// Reads one compose or bake file in `dir`, named in messages relative to `cwd`.
    fn read(&mut self, dir: &Path, file: &Path, cwd: &Path) {
        let relative = file.strip_prefix(cwd).unwrap_or(file);
        let shown = relative.display();
        let text = match read_regular(file, SIDE_FILE_LIMIT) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(err) => {
                self.warnings.push(format!(
                    "{shown}: cannot read it ({}); its builds are not used",
                    err.reason()
                ));
                return;
            }
        };
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let parsed = if name.ends_with(".hcl") {
            bake::parse_hcl(&text)
        } else if name.ends_with(".json") {
            bake::parse_json(&text)
        } else {
            compose::parse(&text)
        };
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(why) => {
                self.warnings.push(format!(
                    "{shown}: cannot read it: {}; its builds are not used",
                    why.trim()
                ));
                return;
            }
        };
        for skipped in parsed.skipped {
            self.warnings.push(format!("{shown}: {skipped}; not used"));
        }
        for declared in parsed.declared {
            if is_remote(&declared.context) {
                continue;
            }
            let context = dir.join(&declared.context);
            let dockerfile = context.join(&declared.dockerfile);
            // A file that names a Dockerfile that is not there has nothing to say here.
            let Ok(key) = dockerfile.canonicalize() else {
                continue;
            };
            let build = Build {
                via: vec![format!("{shown} {}", declared.via)],
                context: tidy(&context),
                args: declared.args,
                target: declared.target,
            };
            self.add(key, build);
        }
    }

    /// Adds a build, or the name of who asks for it to the same build already there.
    fn add(&mut self, key: PathBuf, build: Build) {
        let same_context = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        let known = self.by_dockerfile.entry(key).or_default();
        match known.iter_mut().find(|b| {
            same_context(&b.context, &build.context)
                && b.args == build.args
                && b.target == build.target
        }) {
            Some(same) => {
                for via in build.via {
                    if !same.via.contains(&via) {
                        same.via.push(via);
                    }
                }
            }
            None => known.push(build),
        }
    }

    /// The builds of the Dockerfile at `path`, in the order they were found; empty when no file
    /// names it.
    pub fn of(&self, path: &Path) -> &[Build] {
        if self.by_dockerfile.is_empty() {
            return &[];
        }
        path.canonicalize()
            .ok()
            .and_then(|key| self.by_dockerfile.get(&key))
            .map_or(&[], Vec::as_slice)
    }
}

/// `start` and the directories above it that may hold the files naming its Dockerfiles: up to the
/// repository root; outside a repository, up to `cwd` when `start` is below it.
fn search_dirs(start: &Path, cwd: &Path) -> Vec<PathBuf> {
    let ancestors = crate::files::ancestors(start);
    let mut found = ancestors.dirs.clone();
    if ancestors.in_repository {
        return found;
    }
    // No repository: the current directory bounds the search.
    let start = found
        .first()
        .cloned()
        .unwrap_or_else(|| start.to_path_buf());
    match start.strip_prefix(cwd) {
        Ok(below) => found.truncate(below.components().count() + 1),
        Err(_) => found.truncate(1),
    }
    found
}

/// A context that is a URL (a Git repository, a tarball) is not on this disk.
fn is_remote(context: &str) -> bool {
    context.contains("://") || context.starts_with("git@") || context.starts_with("github.com/")
}

/// `./a/./b` as `a/b`: the path as a person would write it, for messages.
fn tidy(path: &Path) -> PathBuf {
    let tidied: PathBuf = path
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    if tidied.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        tidied
    }
}

/// A scalar as the build tools read one, whatever the file's language: a string as it is, a
/// number or a boolean as written; `None` for anything else (a list, a null).
fn scalar(value: &impl serde::Serialize) -> Option<String> {
    match serde_json::to_value(value).ok()? {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Number(number) => Some(number.to_string()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Whether a value still holds a `$` reference (`$$` is an escaped dollar, not one).
fn unevaluated(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        if rest[at + 1..].starts_with('$') {
            rest = &rest[at + 2..];
        } else {
            return true;
        }
    }
    false
}

#[cfg(test)]
impl Declared {
    /// The arguments as pairs, for comparing with a list.
    fn arg_pairs(&self) -> Vec<(&str, &str)> {
        self.args
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn the_search_stops_at_the_repository_root_else_at_the_current_directory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().canonicalize().expect("canonical");
        let deep = root.join("a/b/c");
        fs::create_dir_all(&deep).expect("dirs");
        let rel = |dirs: Vec<PathBuf>| -> Vec<String> {
            dirs.iter()
                .map(|d| {
                    d.strip_prefix(&root)
                        .map_or("outside".into(), |p| p.display().to_string())
                })
                .collect()
        };
        assert_eq!(
            rel(search_dirs(&deep, &root.join("a"))),
            ["a/b/c", "a/b", "a"]
        );
        assert_eq!(rel(search_dirs(&deep, &root.join("x"))), ["a/b/c"]);
        fs::create_dir(root.join("a/.git")).expect(".git");
        assert_eq!(
            rel(search_dirs(&deep, &root.join("a/b"))),
            ["a/b/c", "a/b", "a"]
        );
    }

    #[test]
    fn dollars() {
        assert!(unevaluated("${A}"));
        assert!(unevaluated("a$B"));
        assert!(!unevaluated("a$$b"));
        assert!(!unevaluated("plain"));
    }

    #[test]
    fn a_compose_file_above_the_dockerfile_names_it() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        fs::create_dir(root.join(".git"))?;
        fs::create_dir_all(root.join("docker/api"))?;
        let dockerfile = root.join("docker/api/Dockerfile");
        fs::write(&dockerfile, "FROM alpine\n")?;
        fs::write(
            root.join("compose.yaml"),
            "services:\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n  again:\n    build:\n      dockerfile: ./docker/api/Dockerfile\n  other:\n    build: ./docker/api\n    \n",
        )?;
        let builds = Builds::around(&[dockerfile.as_path()]);
        assert!(builds.warnings.is_empty(), "{:?}", builds.warnings);
        let found = builds.of(&dockerfile);
        assert_eq!(found.len(), 2, "{found:?}");
        // Named relative to the current directory when below it, else by the whole path.
        let vias: Vec<&str> = found[0]
            .via
            .iter()
            .filter_map(|v| v.rsplit('/').next())
            .collect();
        assert_eq!(
            vias,
            ["compose.yaml service api", "compose.yaml service again"]
        );
        assert_eq!(found[0].context, tidy(root));
        assert_eq!(found[1].context, root.join("docker/api"));
        Ok(())
    }
}
