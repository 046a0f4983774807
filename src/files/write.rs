//! Writing a fixed file back: whole or not at all, with the file's permissions, owner and links,
//! and never over changes someone made after layerlint read it.

use super::FileError;
use std::fs::{self, File, OpenOptions, Permissions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

/// Replaces the file at `path` (reported as `name`), which read as `read`, with `text`. Returns
/// whether it wrote: a text equal to what was read leaves the file, and its timestamp, alone.
///
/// A read-only file is refused, as an editor refuses it, unless `readonly_ok`.
///
/// Usually the new text goes to a temporary file in the same directory (so the rename cannot
/// cross file systems), which takes the original's permissions and owner and is then renamed
/// over it: a reader sees the old file or the new one, never half of each. A rename makes a new
/// file, though, so when the file has other hard links, or its owner cannot be kept (someone
/// fixing a file they do not own), the text is written into the file itself instead, after it
/// is complete in memory. Either way, just before writing the file is read again; if it no longer
/// holds what was linted (an editor saved it meanwhile), it is left alone.
pub fn replace(
    path: &Path,
    name: &str,
    read: &str,
    text: &str,
    readonly_ok: bool,
) -> Result<bool, FileError> {
    if read == text {
        return Ok(false);
    }
    let unwritable = |err: std::io::Error| FileError::unwritable(name, &err);
    // Through a symbolic link, the file it points at is the one to change; renaming over the
    // link would replace it with a plain file.
    let target = fs::canonicalize(path).map_err(unwritable)?;
    let meta = fs::metadata(&target).map_err(unwritable)?;
    if meta.permissions().readonly() && !readonly_ok {
        return Err(FileError::ReadOnly {
            path: name.to_string(),
        });
    }
    let changed = || FileError::ChangedOnDisk {
        path: name.to_string(),
    };
    if link_count(&meta) > 1 {
        return write_in_place(&target, read, text)
            .map_err(unwritable)?
            .then_some(true)
            .ok_or_else(changed);
    }
    let mut temporary = temporary_beside(&target).map_err(unwritable)?;
    let owner_kept =
        fill(temporary.as_file_mut(), text, meta.permissions(), &meta).map_err(unwritable)?;
    if !owner_kept {
        // Dropping the temporary file deletes it.
        drop(temporary);
        return write_in_place(&target, read, text)
            .map_err(unwritable)?
            .then_some(true)
            .ok_or_else(changed);
    }
    // Decoding keeps every byte (a byte-order mark included), so the text read is the bytes read.
    let now = fs::read(&target).map_err(unwritable)?;
    if now != read.as_bytes() {
        return Err(changed());
    }
    temporary
        .persist(&target)
        .map_err(|err| unwritable(err.error))?;
    Ok(true)
}

/// Writes `text` into the file `target` itself, keeping its inode (so its hard links, owner and
/// permissions), if it still holds `read`; returns whether it did. The text is complete before
/// the file is touched, so only a crash in the middle of the write itself can leave it short.
fn write_in_place(target: &Path, read: &str, text: &str) -> std::io::Result<bool> {
    let mut file = OpenOptions::new().read(true).write(true).open(target)?;
    let mut now = Vec::new();
    file.read_to_end(&mut now)?;
    if now != read.as_bytes() {
        return Ok(false);
    }
    file.rewind()?;
    file.set_len(0)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    Ok(true)
}

#[cfg(unix)]
fn link_count(meta: &fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn link_count(_meta: &fs::Metadata) -> u64 {
    1
}

/// A hidden file next to `target`, named after it, so that one left behind by a crash is easy to
/// recognise (and is not itself found as a Dockerfile).
fn temporary_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = target
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let stem = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    tempfile::Builder::new()
        .prefix(&format!(".{stem}."))
        .suffix(".layerlint-tmp")
        .tempfile_in(dir)
}

/// Writes `text`, gives the file the original's permissions and owner, and makes sure the bytes
/// are on disk before the rename makes them the file. Returns whether the owner could be kept.
fn fill(
    file: &mut File,
    text: &str,
    permissions: Permissions,
    original: &fs::Metadata,
) -> std::io::Result<bool> {
    file.write_all(text.as_bytes())?;
    file.set_permissions(permissions)?;
    let kept = keep_owner(file, original);
    file.sync_all()?;
    Ok(kept)
}

/// Gives the new file the original's owner and group. Root can; anyone else can only when the
/// file was theirs (or the group is one of theirs), and otherwise the caller writes in place.
#[cfg(unix)]
fn keep_owner(file: &File, original: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(new) = file.metadata() else {
        return false;
    };
    if (original.uid(), original.gid()) == (new.uid(), new.gid()) {
        return true;
    }
    std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid())).is_ok()
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _original: &fs::Metadata) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir_with(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join(name);
        fs::write(&path, text).expect("write the test file");
        (dir, path)
    }

    fn entries(dir: &Path) -> usize {
        fs::read_dir(dir)
            .map(|entries| entries.count())
            .unwrap_or(0)
    }

    #[test]
    fn replaces_the_text_and_leaves_no_temporary_file() {
        let (dir, path) = dir_with("Dockerfile", "FROM a\n");
        assert!(matches!(
            replace(&path, "Dockerfile", "FROM a\n", "FROM b\n", false),
            Ok(true)
        ));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM b\n"));
        assert_eq!(entries(dir.path()), 1);
    }

    #[test]
    fn the_same_text_is_not_written() {
        let (_dir, path) = dir_with("Dockerfile", "FROM a\n");
        assert!(matches!(
            replace(&path, "Dockerfile", "FROM a\n", "FROM a\n", false),
            Ok(false)
        ));
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let (dir, path) = dir_with("Dockerfile", "FROM edited\n");
        let result = replace(&path, "Dockerfile", "FROM a\n", "FROM b\n", false);
        assert!(
            matches!(result, Err(FileError::ChangedOnDisk { .. })),
            "{result:?}"
        );
        assert_eq!(
            fs::read_to_string(&path).ok().as_deref(),
            Some("FROM edited\n")
        );
        assert_eq!(entries(dir.path()), 1, "the temporary file is removed");
    }

    #[cfg(unix)]
    #[test]
    fn permissions_are_kept_and_a_symbolic_link_stays_a_link() {
        use std::os::unix::fs::PermissionsExt;
        let (dir, path) = dir_with("real.Dockerfile", "FROM a\n");
        fs::set_permissions(&path, Permissions::from_mode(0o751)).expect("chmod");
        let link = dir.path().join("Dockerfile");
        std::os::unix::fs::symlink(&path, &link).expect("symlink");
        assert!(matches!(
            replace(&link, "Dockerfile", "FROM a\n", "FROM b\n", false),
            Ok(true)
        ));
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM b\n"));
        let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o751));
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused_unless_asked() {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = dir_with("Dockerfile", "FROM a\n");
        fs::set_permissions(&path, Permissions::from_mode(0o444)).expect("chmod");
        let result = replace(&path, "Dockerfile", "FROM a\n", "FROM b\n", false);
        assert!(
            matches!(result, Err(FileError::ReadOnly { .. })),
            "{result:?}"
        );
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM a\n"));
        // Root may write it; anyone else is refused by the system, which is just as clear.
        let result = replace(&path, "Dockerfile", "FROM a\n", "FROM b\n", true);
        if result.is_ok() {
            assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM b\n"));
            let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o444));
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_hard_linked_file_keeps_its_links() {
        use std::os::unix::fs::MetadataExt;
        let (dir, path) = dir_with("Dockerfile", "FROM a\n");
        let other = dir.path().join("Dockerfile.copy");
        fs::hard_link(&path, &other).expect("hard link");
        let inode = fs::metadata(&path).map(|m| m.ino()).ok();
        assert!(matches!(
            replace(&path, "Dockerfile", "FROM a\n", "FROM b\n", false),
            Ok(true)
        ));
        assert_eq!(fs::read_to_string(&other).ok().as_deref(), Some("FROM b\n"));
        assert_eq!(fs::metadata(&path).map(|m| m.ino()).ok(), inode);
        // And a change made since reading still wins.
        let result = replace(&path, "Dockerfile", "FROM a\n", "FROM c\n", false);
        assert!(
            matches!(result, Err(FileError::ChangedOnDisk { .. })),
            "{result:?}"
        );
    }
}
