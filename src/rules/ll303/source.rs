//! Where a file a `COPY`/`ADD` brought came from, and what mode it has there: the build context
//! tells whether a source is a file or a directory and which mode bits its files carry, since
//! `COPY` keeps them.

use crate::model::paths;
use crate::model::{PathEffect, Step};
use crate::project::BuildContext;
use crate::syntax::{Args, Instruction, Keyword, Word};
use std::path::Path;

/// What a source names, as far as can be told.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    File,
    Dir,
    Unknown,
}

/// The source word of the `COPY`/`ADD` that produced `created`.
pub fn word<'i>(creator: &'i Instruction, created: &PathEffect) -> Option<&'i Word> {
    let words = match &creator.args {
        Args::Json(words) | Args::Words(words) => words,
        _ => return None,
    };
    let (_, sources) = words.split_last()?;
    sources.iter().find(|w| w.span.start == created.span.start)
}

pub fn is_remote(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://") || text.starts_with("git@")
}

/// `ADD` unpacks a local archive: what lands is a tree, not the file named.
pub fn is_archive(text: &str) -> bool {
    const EXTENSIONS: &[&str] = &[
        ".tar", ".tgz", ".tbz", ".tbz2", ".txz", ".gz", ".bz2", ".xz", ".zst", ".lz4", ".tar.Z",
    ];
    let lower = text.to_ascii_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

/// The context path of a source copied from the build context, relative to its root; `None`
/// for another stage, a URL, a heredoc or a glob.
pub fn context_path(
    creator: &Instruction,
    step: &Step<'_>,
    word: &Word,
    escape: char,
) -> Option<String> {
    if creator.flag("from").is_some()
        || is_remote(&word.text)
        || word.text.starts_with("<<")
        || (creator.keyword == Keyword::Add && is_archive(&word.text))
    {
        return None;
    }
    let text = step.vars.expand(&word.text, escape)?;
    if paths::is_glob(&text) {
        return None;
    }
    let normalized = paths::normalize(&format!("/{text}"));
    Some(normalized.trim_start_matches('/').to_string())
}

/// Whether a source word names a directory: the context says so, else its spelling (`.`, `dir/`).
pub fn kind(context: &BuildContext, rel: Option<&str>, word: &Word) -> Kind {
    let text = word.text.as_str();
    if matches!(text.trim_end_matches('/'), "" | ".") || text.ends_with('/') {
        return Kind::Dir;
    }
    let Some(rel) = rel else {
        return Kind::Unknown;
    };
    match context {
        BuildContext::Directory { root, .. } => match std::fs::metadata(root.join(rel)) {
            Ok(meta) if meta.is_dir() => Kind::Dir,
            Ok(meta) if meta.is_file() => Kind::File,
            _ => Kind::Unknown,
        },
        BuildContext::Files(files) => {
            if files.contains_key(rel) {
                Kind::File
            } else if files
                .keys()
                .any(|k| k.strip_prefix(rel).is_some_and(|r| r.starts_with('/')))
            {
                Kind::Dir
            } else {
                Kind::Unknown
            }
        }
        BuildContext::Unknown => Kind::Unknown,
    }
}

/// Read no more than this many entries of a context directory: past it, the modes stay unknown.
const MAX_ENTRIES: usize = 20_000;

/// The modes of the regular files at `rel` in the context (the file, or every file below the
/// directory that `.dockerignore` lets in), deduplicated; `None` when they can't be read.
pub fn modes(context: &BuildContext, rel: &str) -> Option<Vec<u32>> {
    let BuildContext::Directory { root, .. } = context else {
        return None;
    };
    let ignore = context.dockerignore();
    let mut found = Vec::new();
    let mut seen = 0;
    let mut pending = vec![rel.to_string()];
    while let Some(path) = pending.pop() {
        seen += 1;
        if seen > MAX_ENTRIES {
            return None;
        }
        if !path.is_empty() && ignore.as_ref().is_some_and(|i| i.excludes(&path)) {
            continue;
        }
        let full = root.join(&path);
        let meta = std::fs::symlink_metadata(&full).ok()?;
        if meta.is_dir() {
            for entry in std::fs::read_dir(&full).ok()? {
                let name = entry.ok()?.file_name();
                let name = name.to_str()?;
                pending.push(if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}/{name}")
                });
            }
        } else if meta.is_file() {
            let mode = file_mode(&full, &meta)?;
            if !found.contains(&mode) {
                found.push(mode);
            }
        }
    }
    Some(found)
}

#[cfg(unix)]
fn file_mode(_: &Path, meta: &std::fs::Metadata) -> Option<u32> {
    use std::os::unix::fs::PermissionsExt;
    Some(meta.permissions().mode() & 0o7777)
}

/// Elsewhere the mode bits a Linux builder would see are not known.
#[cfg(not(unix))]
fn file_mode(_: &Path, _: &std::fs::Metadata) -> Option<u32> {
    None
}
