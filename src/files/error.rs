//! Why a path could not be linted, or a fixed file could not be written back. These are the
//! tool's own failures (exit code 2), not findings.
//!
//! Paths are printed through [`printable`]: a file name can hold terminal escapes too.

use crate::report::printable;
use std::io;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FileError {
    #[error("cannot read {}: {reason}", printable(.path))]
    Unreadable { path: String, reason: String },

    #[error("cannot write {}: {reason}", printable(.path))]
    Unwritable { path: String, reason: String },

    #[error("{} changed on disk while it was being fixed; it was left as it is", printable(.path))]
    #[diagnostic(help("run layerlint --fix again to fix the file as it is now"))]
    ChangedOnDisk { path: String },

    #[error("{} is read-only; it was not fixed", printable(.path))]
    #[diagnostic(help(
        "make it writable, or pass --fix-readonly to fix read-only files all the same"
    ))]
    ReadOnly { path: String },

    #[error("cannot search {}: {reason}", printable(.path))]
    Unsearchable { path: String, reason: String },

    #[error("{} is not a text file (NUL byte at offset {offset})", printable(.path))]
    #[diagnostic(help("Dockerfiles are text; is this the file you meant?"))]
    Binary { path: String, offset: usize },
}

impl FileError {
    pub fn unreadable(path: impl Into<String>, err: &io::Error) -> FileError {
        FileError::Unreadable {
            path: path.into(),
            reason: io_reason(err),
        }
    }

    pub fn unwritable(path: impl Into<String>, err: &io::Error) -> FileError {
        FileError::Unwritable {
            path: path.into(),
            reason: io_reason(err),
        }
    }
}

/// The standard messages carry a capital letter and an "(os error N)" suffix that reads oddly in
/// the middle of a sentence; the common cases get plain words.
pub(super) fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => err.to_string(),
    }
}
