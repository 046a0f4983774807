//! Byte offsets ↔ LSP positions. LSP counts a line's characters in UTF-16 code units unless the
//! client and server agree on another encoding at `initialize`; layerlint's spans are UTF-8 byte
//! offsets, so every position that crosses the wire goes through here.

use crate::span::LineIndex;
use lsp_types::{Position, PositionEncodingKind, Range};

/// The unit a position's `character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes: no conversion at all, chosen whenever the client offers it.
    Utf8,
    /// UTF-16 code units: the protocol's default, which every client understands.
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client lists it, else the default UTF-16 (UTF-32 is not worth a third path:
    /// a client that offers it must accept UTF-16 too).
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let utf8 = offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8));
        if utf8 {
            Encoding::Utf8
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// One document's text with its line index, to convert in both directions.
pub struct Positions<'t> {
    text: &'t str,
    lines: LineIndex,
    encoding: Encoding,
}

impl<'t> Positions<'t> {
    pub fn new(text: &'t str, encoding: Encoding) -> Positions<'t> {
        Positions {
            text,
            lines: LineIndex::new(text),
            encoding,
        }
    }

    /// The position of byte `offset` (clamped to the text, and back to a character boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.lines.line_of(offset);
        let start = self.lines.line_start(line);
        let before = &self.text[start..offset];
        let character = match self.encoding {
            Encoding::Utf8 => before.len(),
            Encoding::Utf16 => before.encode_utf16().count(),
        };
        Position::new(line as u32, character as u32)
    }

    pub fn range(&self, span: crate::Span) -> Range {
        Range::new(
            self.position(span.start as usize),
            self.position(span.end as usize),
        )
    }

    /// The byte offset of `position`. As the protocol asks, a line past the end means the end of
    /// the text, and a character past the end of its line means the end of that line (before its
    /// line ending); a position inside a character (half of a UTF-16 surrogate pair, or a byte
    /// inside a UTF-8 sequence) falls back to that character's start.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        if line >= self.lines.line_count() {
            return self.text.len();
        }
        let start = self.lines.line_start(line);
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |newline| start + newline);
        let content = self.text[start..end]
            .strip_suffix('\r')
            .unwrap_or(&self.text[start..end]);
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, ch) in content.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
            if counted + width > wanted {
                return start + at;
            }
            counted += width;
        }
        start + content.len()
    }

    pub fn span(&self, range: Range) -> crate::Span {
        let start = self.offset(range.start);
        let end = self.offset(range.end).max(start);
        crate::Span::new(start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // "é" is 2 bytes and 1 UTF-16 unit; "𝄞" is 4 bytes and 2 UTF-16 units (a surrogate pair).
    const TEXT: &str = "FROM a\nRUN echo é𝄞 x\r\nCMD y";

    #[test]
    fn utf16_counts_code_units_and_utf8_counts_bytes() {
        let x = TEXT.find(" x").unwrap() + 1;
        let utf16 = Positions::new(TEXT, Encoding::Utf16);
        let utf8 = Positions::new(TEXT, Encoding::Utf8);
        assert_eq!(utf16.position(x), Position::new(1, 13));
        assert_eq!(utf8.position(x), Position::new(1, 16));
        assert_eq!(utf16.offset(Position::new(1, 13)), x);
        assert_eq!(utf8.offset(Position::new(1, 16)), x);
    }

    #[test]
    fn every_character_boundary_survives_the_round_trip() {
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let positions = Positions::new(TEXT, encoding);
            for (offset, _) in TEXT.char_indices() {
                if TEXT.as_bytes()[offset] == b'\n'
                    && offset > 0
                    && TEXT.as_bytes()[offset - 1] == b'\r'
                {
                    // The "\n" of "\r\n" is not a place a position can name: it is the "\r"'s.
                    continue;
                }
                assert_eq!(
                    positions.offset(positions.position(offset)),
                    offset,
                    "{encoding:?} at {offset}"
                );
            }
        }
    }

    #[test]
    fn positions_past_the_end_clamp_and_half_a_pair_falls_back() {
        let positions = Positions::new(TEXT, Encoding::Utf16);
        let line_end = TEXT.find('\r').unwrap();
        assert_eq!(positions.offset(Position::new(1, 500)), line_end);
        assert_eq!(positions.offset(Position::new(9, 0)), TEXT.len());
        let clef = TEXT.find('𝄞').unwrap();
        // Column 11 is inside "𝄞" (units 10 and 11 are its pair).
        assert_eq!(positions.offset(Position::new(1, 11)), clef);
        assert_eq!(positions.offset(Position::new(2, 3)), TEXT.len() - 2);
    }
}
