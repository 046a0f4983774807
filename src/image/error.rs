//! Why an image could not be read. Every message names the part of the archive at fault, so a
//! user can tell a damaged download from a hostile archive from a layerlint limit.

use std::fmt;

#[derive(Debug)]
pub enum ImageError {
    /// The archive or a file in it could not be read (truncated, not a tar, I/O error).
    Io {
        what: String,
        source: std::io::Error,
    },
    /// The archive's layout is not one layerlint reads (no manifest.json, no index.json …).
    Layout(String),
    /// A manifest or config that is not the JSON it should be.
    Json {
        what: String,
        source: serde_json::Error,
    },
    /// An entry that no real builder writes: an absolute path, a `..` component, a hard link to
    /// nowhere sensible. Refused rather than guessed at.
    Hostile {
        layer: String,
        path: String,
        reason: &'static str,
    },
    /// A limit that keeps time and memory bounded was reached.
    Limit { what: String, limit: String },
}

impl fmt::Display for ImageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImageError::Io { what, source } => write!(f, "{what}: {source}"),
            ImageError::Layout(message) => write!(f, "{message}"),
            ImageError::Json { what, source } => write!(f, "{what}: not valid JSON: {source}"),
            ImageError::Hostile {
                layer,
                path,
                reason,
            } => write!(f, "{layer}: refused entry {path:?}: {reason}"),
            ImageError::Limit { what, limit } => {
                write!(
                    f,
                    "{what}: over the limit of {limit}; nothing past it was read"
                )
            }
        }
    }
}

impl std::error::Error for ImageError {}

/// Wraps an I/O error with what was being read.
pub fn io(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> ImageError {
    let what = what.into();
    move |source| ImageError::Io { what, source }
}
