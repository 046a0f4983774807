//! The text of an instruction's logical line, without a copy of the file for each instruction.
//!
//! Most instructions are one physical line, and then the logical line is that line's bytes from
//! the keyword on: a range of the file. A [`LineText`] is a range of a shared text, the file's
//! own for such an instruction, a joined copy only for one continued over several lines. A file
//! of a million one-line instructions so holds its text once, not twice.
//!
//! The line also knows where its pieces lie in the file (see [`LineMap`](super::LineMap)): a
//! range of the file is one piece that starts where the range does, so only a joined copy keeps
//! a list of them.

use super::rare::Rare;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A range of a shared text, read as a `str`. The text is an `Arc<String>`, a thin pointer,
/// where an `Arc<str>` would make every instruction 8 bytes larger.
#[derive(Clone)]
pub struct LineText {
    text: Arc<String>,
    start: u32,
    end: u32,
    /// `(offset in the line, offset in the file)` of each piece; empty for one piece at `start`
    /// (a range of the file, or a text that is not from a file: offsets map to themselves).
    pieces: Rare<(u32, u32)>,
}

impl LineText {
    /// `text[start..end]`, sharing `text`: one piece of the file. Both ends must be character
    /// boundaries of it.
    pub fn slice(text: &Arc<String>, start: usize, end: usize) -> LineText {
        debug_assert!(text.get(start..end).is_some());
        LineText {
            text: Arc::clone(text),
            start: start as u32,
            end: end as u32,
            pieces: Rare::new(),
        }
    }

    /// A line of its own made of pieces of the file: `(offset in the line, offset in the file)`
    /// of each, sorted by both.
    pub fn joined(text: String, pieces: &[(u32, u32)]) -> LineText {
        LineText {
            pieces: pieces.to_vec().into(),
            ..LineText::from(text)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text[self.start as usize..self.end as usize]
    }

    /// Where each piece of the line starts, in the line and in the file.
    pub fn pieces(&self) -> Pieces<'_> {
        if self.pieces.is_empty() {
            Pieces::One([(0, self.start)])
        } else {
            Pieces::Many(&self.pieces)
        }
    }
}

/// The pieces of a [`LineText`], read as a slice: the one piece of a range of the file is made
/// on the spot rather than stored.
pub enum Pieces<'a> {
    One([(u32, u32); 1]),
    Many(&'a [(u32, u32)]),
}

impl Deref for Pieces<'_> {
    type Target = [(u32, u32)];

    fn deref(&self) -> &[(u32, u32)] {
        match self {
            Pieces::One(one) => one,
            Pieces::Many(many) => many,
        }
    }
}

impl From<String> for LineText {
    fn from(text: String) -> LineText {
        let end = text.len() as u32;
        LineText {
            text: Arc::new(text),
            start: 0,
            end,
            pieces: Rare::new(),
        }
    }
}

impl Deref for LineText {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for LineText {
    fn eq(&self, other: &LineText) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for LineText {}

impl PartialEq<str> for LineText {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for LineText {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().fmt(f)
    }
}

impl fmt::Display for LineText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.as_str().fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slice_shares_the_text_and_reads_as_its_range() {
        let file = Arc::new(String::from("FROM a\nRUN b\n"));
        let line = LineText::slice(&file, 7, 12);
        assert_eq!(line, "RUN b");
        assert_eq!(Arc::strong_count(&file), 2);
        assert_eq!(LineText::from("RUN b".to_string()), line);
        assert_eq!(format!("{line:?} {line}"), "\"RUN b\" RUN b");
    }
}
