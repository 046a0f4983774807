//! Where a finding is, in the terms the machine formats use: 1-based lines and columns for a
//! span, and the file's name with forward slashes.

use crate::span::{LineIndex, Span};
use serde::Serialize;

/// What a column counts. Most formats count characters (as CLI.md's JSON does); SARIF's default
/// is UTF-16 code units, which is what editors built on JavaScript count too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Columns {
    Chars,
    Utf16,
}

/// 1-based lines and columns; `end_column` is exclusive. Serialises as CLI.md's JSON fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Range {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Range {
    /// The last line the range covers: a span that ends just after a line break stops on the
    /// line before, which is the one a line-based format should name.
    pub fn last_line(&self) -> usize {
        if self.end_column == 1 && self.end_line > self.line {
            self.end_line - 1
        } else {
            self.end_line
        }
    }
}

/// Turns spans of one file into ranges; the line index is built once per file.
pub struct Locator<'a> {
    source: &'a str,
    index: LineIndex,
    columns: Columns,
}

impl<'a> Locator<'a> {
    pub fn new(source: &'a str, columns: Columns) -> Locator<'a> {
        Locator {
            source,
            index: LineIndex::new(source),
            columns,
        }
    }

    pub fn range(&self, span: Span) -> Range {
        let (line, column) = self.position(span.start as usize);
        let (end_line, end_column) = self.position(span.end as usize);
        Range {
            line,
            column,
            end_line,
            end_column,
        }
    }

    /// The text under `span`, clamped like positions are, so a rule's off-by-one cannot panic.
    pub fn text(&self, span: Span) -> &'a str {
        let start = self.clamp(span.start as usize);
        let end = self.clamp(span.end as usize).max(start);
        &self.source[start..end]
    }

    /// The 1-based line and column of byte `offset`.
    fn position(&self, offset: usize) -> (usize, usize) {
        let offset = self.clamp(offset);
        let line = self.index.line_of(offset);
        let before = &self.source[self.index.line_start(line)..offset];
        let width = match self.columns {
            Columns::Chars => before.chars().count(),
            Columns::Utf16 => before.encode_utf16().count(),
        };
        (line + 1, width + 1)
    }

    /// `offset` moved into the source and back onto a character boundary.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// The file's name as reported, with Windows separators turned into the forward slashes that CI
/// services and URIs expect.
pub fn slashed(name: &str) -> String {
    name.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_or_utf16_units() {
        // The whale is one character but two UTF-16 units; "é" is one of each.
        let source = "FROM a\nRUN 🐳é x\n";
        let x = source.find('x').unwrap_or_default();
        let span = Span::new(x, x + 1);
        let chars = Locator::new(source, Columns::Chars).range(span);
        let utf16 = Locator::new(source, Columns::Utf16).range(span);
        assert_eq!((chars.line, chars.column, chars.end_column), (2, 8, 9));
        assert_eq!((utf16.line, utf16.column, utf16.end_column), (2, 9, 10));
    }

    #[test]
    fn spans_outside_the_source_or_inside_a_character_are_clamped() {
        let source = "RUN é\n";
        let locator = Locator::new(source, Columns::Chars);
        // Byte 5 is inside "é", which starts at byte 4.
        assert_eq!(locator.text(Span::new(5, 60)), "é\n");
        let range = locator.range(Span::new(5, 60));
        assert_eq!((range.line, range.column), (1, 5));
        assert_eq!((range.end_line, range.end_column), (2, 1));
    }

    #[test]
    fn the_last_line_ignores_a_final_line_break() {
        let source = "FROM a\nRUN b\n";
        let locator = Locator::new(source, Columns::Chars);
        assert_eq!(locator.range(Span::new(7, 13)).last_line(), 2);
        assert_eq!(locator.range(Span::new(7, 12)).last_line(), 2);
        assert_eq!(locator.range(Span::empty(7)).last_line(), 2);
    }

    #[test]
    fn backslashes_become_slashes() {
        assert_eq!(
            slashed(r"services\api\Dockerfile"),
            "services/api/Dockerfile"
        );
        assert_eq!(slashed("a/Dockerfile"), "a/Dockerfile");
    }
}
