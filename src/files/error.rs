//! Why a path could not be linted, or a fixed file could not be written back. These are the tool's own failures (exit code 2), not findings.
//!
//! The invalid-UTF-8 error names its place in the message rather than showing a source excerpt:
//! miette counts columns in bytes, and a second, different column number would only confuse.

use std::io;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum FileError {
    #[error("cannot read {path}: {reason}")]
    Unreadable { path: String, reason: String },

    #[error("cannot write {path}: {reason}")]
    Unwritable { path: String, reason: String },

    #[error("{path} changed on disk while it was being fixed; it was left as it is")]
    #[diagnostic(help("run layerlint --fix again to fix the file as it is now"))]
    ChangedOnDisk { path: String },

    #[error("cannot search {path}: {reason}")]
    Unsearchable { path: String, reason: String },

    #[error("{path} is not a text file (NUL byte at offset {offset})")]
    #[diagnostic(help("Dockerfiles are text; is this the file you meant?"))]
    Binary { path: String, offset: usize },

    #[error("{path}: invalid UTF-8 at line {line}, column {column} (byte 0x{byte:02x})")]
    #[diagnostic(help(
        "layerlint reads Dockerfiles as UTF-8, as Docker does; re-save the file as UTF-8"
    ))]
    InvalidUtf8 {
        path: String,
        line: usize,
        column: usize,
        byte: u8,
    },
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
fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "no such file or directory".to_string(),
        io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        io::ErrorKind::IsADirectory => "it is a directory".to_string(),
        _ => err.to_string(),
    }
}
