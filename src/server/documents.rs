//! The documents the client has open: their text as the editor holds it (not as saved), kept in
//! step with incremental changes.

use super::positions::{Encoding, Positions};
use crate::files::is_dockerfile_name;
use crate::shellcheck::Remembered;
use lsp_types::{TextDocumentContentChangeEvent, Url};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// One open document.
pub struct Document {
    pub uri: Url,
    /// The file it is, for configuration discovery and the build context; `None` for a buffer
    /// that is not a file (`untitled:`), which is linted with the defaults and no context.
    pub path: Option<PathBuf>,
    pub version: i32,
    pub text: String,
    /// Whether it is linted at all: the client calls it `dockerfile`, or its name is one a
    /// Dockerfile has.
    pub lintable: bool,
    /// When its diagnostics are due: set by a change (after the debounce) or an open or save
    /// (at once); cleared when they are published.
    pub due: Option<Instant>,
    /// What ShellCheck said of the scripts it last read in this document.
    pub shellcheck: Remembered,
    /// Whether ShellCheck is to run at the next publication: set on open and save.
    pub shellcheck_due: bool,
    /// Whether a ShellCheck run for it has not answered yet (one at a time per document).
    pub shellcheck_running: bool,
}

impl Document {
    pub fn new(uri: Url, language: &str, version: i32, text: String) -> Document {
        let path = (uri.scheme() == "file")
            .then(|| uri.to_file_path().ok())
            .flatten();
        // The file's name as the user sees it (`Dockerfile%2Edev` decoded), else the URI's last
        // segment.
        let name = match &path {
            Some(path) => path.file_name().map(|n| n.to_string_lossy().into_owned()),
            None => uri
                .path_segments()
                .and_then(|mut s| s.next_back())
                .map(String::from),
        };
        let named_like_one = name.is_some_and(|name| is_dockerfile_name(&name));
        Document {
            lintable: language.eq_ignore_ascii_case("dockerfile") || named_like_one,
            uri,
            path,
            version,
            text,
            due: None,
            shellcheck: Remembered::default(),
            shellcheck_due: false,
            shellcheck_running: false,
        }
    }

    /// Applies one change event: a whole new text (no range), or a range replaced. Changes apply
    /// in order, each to the text the one before left.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let span = Positions::new(&self.text, encoding).span(range);
                self.text.replace_range(span.range(), &change.text);
            }
        }
    }
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    open: BTreeMap<Url, Document>,
}

impl Documents {
    pub fn open(&mut self, document: Document) {
        self.open.insert(document.uri.clone(), document);
    }

    pub fn close(&mut self, uri: &Url) -> Option<Document> {
        self.open.remove(uri)
    }

    pub fn get(&self, uri: &Url) -> Option<&Document> {
        self.open.get(uri)
    }

    pub fn get_mut(&mut self, uri: &Url) -> Option<&mut Document> {
        self.open.get_mut(uri)
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.open.values_mut()
    }

    /// Whether ShellCheck runs for any of them.
    pub fn any_shellcheck_running(&self) -> bool {
        self.open.values().any(|d| d.shellcheck_running)
    }

    /// The earliest time a document's diagnostics are due.
    pub fn next_due(&self) -> Option<Instant> {
        self.open.values().filter_map(|d| d.due).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    fn change(
        range: Option<((u32, u32), (u32, u32))>,
        text: &str,
    ) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_changes_apply_in_order_and_count_utf16_units() {
        let uri = Url::parse("file:///w/Dockerfile").unwrap();
        let mut doc = Document::new(uri, "plaintext", 1, "FROM a\nRUN echo é x\n".to_string());
        assert!(doc.lintable, "named Dockerfile");
        // "x" is UTF-16 unit 11 of line 1 ("é" is one unit, two bytes).
        doc.apply(change(Some(((1, 11), (1, 12))), "y"), Encoding::Utf16);
        doc.apply(change(Some(((2, 0), (2, 0))), "CMD z\n"), Encoding::Utf16);
        doc.apply(change(Some(((0, 5), (0, 6))), "b"), Encoding::Utf16);
        assert_eq!(doc.text, "FROM b\nRUN echo é y\nCMD z\n");
        doc.apply(change(None, "FROM c\n"), Encoding::Utf16);
        assert_eq!(doc.text, "FROM c\n");
    }

    #[test]
    fn what_is_linted_goes_by_language_or_name() {
        let doc = |uri: &str, language: &str| {
            Document::new(Url::parse(uri).unwrap(), language, 0, String::new())
        };
        assert!(doc("file:///w/Containerfile", "plaintext").lintable);
        assert!(doc("file:///w/Dockerfile%2Edev", "plaintext").lintable);
        assert!(doc("untitled:Untitled-1", "dockerfile").lintable);
        assert!(!doc("file:///w/notes.txt", "plaintext").lintable);
        assert_eq!(doc("untitled:Untitled-1", "dockerfile").path, None);
    }
}
