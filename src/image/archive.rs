//! Where the parts of an image archive are: files of an OCI layout directory, or members of a tar
//! (`docker save`, `podman save`, `buildah push … docker-archive:`, an OCI layout packed as a tar).
//!
//! Nothing is extracted: a tar is indexed once (name → offset and size of each member, skipping
//! over the bodies), and a member is then read in place through a bounded view of the file.

use super::error::{ImageError, io};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// The most members an outer archive may hold: an image has a handful of blobs per layer.
const MAX_MEMBERS: usize = 100_000;
/// The most bytes a manifest, index or config may take: real ones are kilobytes.
pub const MAX_JSON_BYTES: u64 = 16 << 20;

pub enum Archive {
    Dir(PathBuf),
    Tar {
        path: PathBuf,
        /// Member name (without a leading `./`) → where its body starts, and its size.
        members: HashMap<String, (u64, u64)>,
    },
}

impl Archive {
    pub fn open(path: &Path) -> Result<Archive, ImageError> {
        let shown = path.display().to_string();
        let meta = std::fs::metadata(path).map_err(io(shown.clone()))?;
        if meta.is_dir() {
            return Ok(Archive::Dir(path.to_path_buf()));
        }
        let file = File::open(path).map_err(io(shown.clone()))?;
        let mut tar = tar::Archive::new(BufReader::new(file));
        let mut members = HashMap::new();
        // `docker save` stores a layer that two images share once, and links the other name to it.
        let mut links: Vec<(String, String)> = Vec::new();
        let entries = tar.entries_with_seek().map_err(io(shown.clone()))?;
        for entry in entries {
            let entry = entry.map_err(io(format!("{shown}: not a readable tar")))?;
            if members.len() >= MAX_MEMBERS {
                return Err(ImageError::Limit {
                    what: format!("{shown}: members"),
                    limit: MAX_MEMBERS.to_string(),
                });
            }
            let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            let name = name.trim_start_matches("./").to_string();
            let kind = entry.header().entry_type();
            if kind.is_file() {
                members.insert(name, (entry.raw_file_position(), entry.size()));
            } else if kind.is_symlink() || kind.is_hard_link() {
                let target = entry.link_name_bytes().unwrap_or_default();
                let target = String::from_utf8_lossy(&target).into_owned();
                // A symbolic link is relative to its own directory, a hard link to the root.
                let base = match name.rsplit_once('/') {
                    Some((dir, _)) if kind.is_symlink() => dir,
                    _ => "",
                };
                let resolved = resolve(base, &target);
                links.push((name, resolved));
            }
        }
        // One step, never a chain: a link to a link stays unresolved, so loops cannot hang.
        for (name, target) in links {
            if let Some(&place) = members.get(&target) {
                members.entry(name).or_insert(place);
            }
        }
        if members.is_empty() {
            return Err(ImageError::Layout(format!(
                "{shown}: neither an image layout directory nor a tar with files in it"
            )));
        }
        Ok(Archive::Tar {
            path: path.to_path_buf(),
            members,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        match self {
            Archive::Dir(root) => safe_relative(name).is_some_and(|rel| root.join(rel).is_file()),
            Archive::Tar { members, .. } => members.contains_key(name),
        }
    }

    /// A member's bytes as a stream, and its stored size.
    pub fn open_member(&self, name: &str) -> Result<(Box<dyn Read>, u64), ImageError> {
        let missing = || ImageError::Layout(format!("the archive has no file {name:?}"));
        match self {
            Archive::Dir(root) => {
                let rel = safe_relative(name).ok_or_else(missing)?;
                let path = root.join(rel);
                let file = File::open(&path).map_err(io(path.display().to_string()))?;
                let size = file.metadata().map_err(io(name))?.len();
                Ok((Box::new(file), size))
            }
            Archive::Tar { path, members } => {
                let &(offset, size) = members.get(name).ok_or_else(missing)?;
                let mut file = File::open(path).map_err(io(path.display().to_string()))?;
                file.seek(SeekFrom::Start(offset)).map_err(io(name))?;
                Ok((Box::new(file.take(size)), size))
            }
        }
    }

    /// A small member (manifest, config) read whole, refusing one over [`MAX_JSON_BYTES`].
    pub fn read_small(&self, name: &str) -> Result<Vec<u8>, ImageError> {
        let (reader, size) = self.open_member(name)?;
        if size > MAX_JSON_BYTES {
            return Err(ImageError::Limit {
                what: format!("{name} ({size} bytes)"),
                limit: format!("{MAX_JSON_BYTES} bytes"),
            });
        }
        let mut bytes = Vec::new();
        reader
            .take(MAX_JSON_BYTES)
            .read_to_end(&mut bytes)
            .map_err(io(name))?;
        Ok(bytes)
    }
}

/// `target` read from directory `base` inside the archive, `..` applied (never above the root):
/// the model's lexical path resolution, on the archive's relative names.
fn resolve(base: &str, target: &str) -> String {
    crate::model::paths::resolve(&format!("/{base}"), target)
        .trim_start_matches('/')
        .to_string()
}

/// A member name as a path that stays inside the layout directory: relative, no `..`.
fn safe_relative(name: &str) -> Option<&Path> {
    let path = Path::new(name);
    let inside = path.components().all(|c| {
        matches!(
            c,
            std::path::Component::Normal(_) | std::path::Component::CurDir
        )
    });
    (inside && !name.is_empty()).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_between_members_resolve_inside_the_archive() {
        assert_eq!(resolve("abc", "../def/layer.tar"), "def/layer.tar");
        assert_eq!(resolve("", "../../etc/passwd"), "etc/passwd");
        assert_eq!(resolve("a/b", "/x"), "x");
    }

    #[test]
    fn layout_names_cannot_leave_the_directory() {
        assert!(safe_relative("blobs/sha256/ab").is_some());
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("blobs/../../x").is_none());
    }
}
