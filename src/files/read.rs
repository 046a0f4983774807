//! Reading a file that someone else controls without hanging or running out of memory.
//!
//! A checked-out repository can hold anything under a Dockerfile's or an ignore file's name: a
//! symbolic link to `/dev/zero` (endless bytes), a FIFO (a read that never returns), a device,
//! or a file of gigabytes. Only regular files are read, and only up to a limit.

use std::fs::{self, File};
use std::io::{self, Read};
use std::path::Path;

/// The most of a Dockerfile (or standard input) layerlint reads: far beyond any real one.
pub const DOCKERFILE_LIMIT: u64 = 64 * 1024 * 1024;

/// The most of an ignore file (`.gitignore`, `.ignore`, `.dockerignore`) or a configuration file
/// layerlint reads.
pub const SIDE_FILE_LIMIT: u64 = 16 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// It exists, after following symbolic links, but is not a regular file.
    NotRegular(&'static str),
    /// It is larger than the limit, in bytes.
    TooLarge(u64),
    Io(io::Error),
}

impl ReadError {
    /// The reason in words, to follow "cannot read PATH: ".
    pub fn reason(&self) -> String {
        match self {
            ReadError::NotRegular(kind) => format!("it is {kind}, not a regular file"),
            ReadError::TooLarge(limit) => format!("it is larger than {}", size(*limit)),
            ReadError::Io(err) => super::error::io_reason(err),
        }
    }

    /// Nothing is there: no such file, or a path through something that is not a directory (a
    /// git worktree's `.git` is a file, so its `.git/info/exclude` is not there either).
    pub fn is_not_found(&self) -> bool {
        matches!(self, ReadError::Io(err)
            if matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory))
    }
}

/// The bytes of the regular file at `path` (symbolic links followed), if it holds at most `limit`.
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Looking before opening: opening a FIFO for reading blocks until a writer comes.
    let meta = fs::metadata(path).map_err(ReadError::Io)?;
    check_kind(&meta)?;
    let file = File::open(path).map_err(ReadError::Io)?;
    // The file may have been swapped between the look and the open; the open handle decides.
    let meta = file.metadata().map_err(ReadError::Io)?;
    check_kind(&meta)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge(limit));
    }
    // Room for the size the file has now (and a byte to see it end): a large file is then read
    // into one buffer, not into a series of growing ones.
    read_into(Vec::with_capacity(meta.len() as usize + 1), file, limit)
}

/// Reads `reader` to its end, failing once it has given more than `limit` bytes (a file that
/// grows while being read, or standard input fed from `/dev/zero`).
pub fn read_limited(reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_into(Vec::new(), reader, limit)
}

fn read_into(mut bytes: Vec<u8>, reader: impl Read, limit: u64) -> Result<Vec<u8>, ReadError> {
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(limit));
    }
    Ok(bytes)
}

fn check_kind(meta: &fs::Metadata) -> Result<(), ReadError> {
    if meta.is_file() {
        Ok(())
    } else {
        Err(ReadError::NotRegular(kind_of(&meta.file_type())))
    }
}

/// What a file that is not a regular file is, in words.
fn kind_of(kind: &fs::FileType) -> &'static str {
    if kind.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() {
            return "a character device";
        }
        if kind.is_block_device() {
            return "a block device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "a special file"
}

fn size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes % MIB == 0 {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read_up_to_the_limit() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("f");
        fs::write(&path, b"12345")?;
        assert_eq!(read_regular(&path, 5).ok(), Some(b"12345".to_vec()));
        let err = read_regular(&path, 4).err().map(|e| e.reason());
        assert_eq!(err.as_deref(), Some("it is larger than 4 bytes"));
        Ok(())
    }

    #[test]
    fn a_directory_is_not_read() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let err = read_regular(dir.path(), 10).err().map(|e| e.reason());
        assert_eq!(
            err.as_deref(),
            Some("it is a directory, not a regular file")
        );
        Ok(())
    }

    #[cfg(unix)]
    #[test]
    fn devices_are_not_read_even_through_a_link() -> io::Result<()> {
        let dir = tempfile::tempdir()?;
        let link = dir.path().join(".gitignore");
        std::os::unix::fs::symlink("/dev/zero", &link)?;
        let err = read_regular(&link, 10).err().map(|e| e.reason());
        assert_eq!(
            err.as_deref(),
            Some("it is a character device, not a regular file")
        );
        Ok(())
    }

    #[test]
    fn an_endless_stream_stops_at_the_limit() {
        let err = read_limited(io::repeat(b'x'), 1024)
            .err()
            .map(|e| e.reason());
        assert_eq!(err.as_deref(), Some("it is larger than 1024 bytes"));
        assert_eq!(size(16 * 1024 * 1024), "16 MiB");
    }
}
