//! Writing a fixed file back: whole or not at all, with the file's permissions, and never over
//! changes someone made after layerlint read it.

use super::FileError;
use std::fs::{self, File, Permissions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Replaces the file at `path` (reported as `name`), which read as `read`, with `text`. Returns
/// whether it wrote: a text equal to what was read leaves the file, and its timestamp, alone.
///
/// The new text goes to a temporary file in the same directory (so the rename cannot cross file
/// systems), which takes the original's permissions and is then renamed over it: a reader sees the
/// old file or the new one, never half of each. Just before the rename the file is read again; if
/// it no longer holds what was linted (an editor saved it meanwhile), it is left alone.
pub fn replace(path: &Path, name: &str, read: &str, text: &str) -> Result<bool, FileError> {
    if read == text {
        return Ok(false);
    }
    let unwritable = |err: std::io::Error| FileError::unwritable(name, &err);
    // Through a symbolic link, the file it points at is the one to change; renaming over the
    // link would replace it with a plain file.
    let target = fs::canonicalize(path).map_err(unwritable)?;
    let permissions = fs::metadata(&target).map_err(unwritable)?.permissions();
    let mut temporary = temporary_beside(&target).map_err(unwritable)?;
    fill(temporary.as_file_mut(), text, permissions, &target).map_err(unwritable)?;
    // Decoding keeps every byte (a byte-order mark included), so the text read is the bytes read.
    let now = fs::read(&target).map_err(unwritable)?;
    if now != read.as_bytes() {
        // Dropping the temporary file deletes it.
        return Err(FileError::ChangedOnDisk {
            path: name.to_string(),
        });
    }
    temporary
        .persist(&target)
        .map_err(|err| unwritable(err.error))?;
    Ok(true)
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

/// Writes `text`, gives the file the original's permissions (and owner, where allowed), and makes
/// sure the bytes are on disk before the rename makes them the file.
fn fill(
    file: &mut File,
    text: &str,
    permissions: Permissions,
    original: &Path,
) -> std::io::Result<()> {
    file.write_all(text.as_bytes())?;
    file.set_permissions(permissions)?;
    keep_owner(file, original);
    file.sync_all()
}

/// Root fixing someone else's file should not hand it to root. Anyone else cannot give a file
/// away, and then it ends up theirs, as it would after saving it in an editor: not worth failing.
#[cfg(unix)]
fn keep_owner(file: &File, original: &Path) {
    use std::os::unix::fs::MetadataExt;
    let (Ok(old), Ok(new)) = (fs::metadata(original), file.metadata()) else {
        return;
    };
    if (old.uid(), old.gid()) != (new.uid(), new.gid()) {
        let _ = std::os::unix::fs::fchown(file, Some(old.uid()), Some(old.gid()));
    }
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _original: &Path) {}

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
            replace(&path, "Dockerfile", "FROM a\n", "FROM b\n"),
            Ok(true)
        ));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM b\n"));
        assert_eq!(entries(dir.path()), 1);
    }

    #[test]
    fn the_same_text_is_not_written() {
        let (_dir, path) = dir_with("Dockerfile", "FROM a\n");
        assert!(matches!(
            replace(&path, "Dockerfile", "FROM a\n", "FROM a\n"),
            Ok(false)
        ));
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_left_alone() {
        let (dir, path) = dir_with("Dockerfile", "FROM edited\n");
        let result = replace(&path, "Dockerfile", "FROM a\n", "FROM b\n");
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
            replace(&link, "Dockerfile", "FROM a\n", "FROM b\n"),
            Ok(true)
        ));
        assert!(fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(fs::read_to_string(&path).ok().as_deref(), Some("FROM b\n"));
        let mode = fs::metadata(&path).map(|m| m.permissions().mode() & 0o777);
        assert_eq!(mode.ok(), Some(0o751));
    }
}
