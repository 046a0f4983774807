//! From a place ShellCheck names in the script it read back to the Dockerfile.
//!
//! The script ShellCheck reads is made of a header (a `#!` line and the declared variables) and
//! the `RUN`'s own text, which comes from one or more pieces of the Dockerfile: the logical line of
//! a shell-form `RUN` (continuations removed, so a piece of it maps through the instruction's
//! [`LineMap`]), and heredoc bodies copied byte for byte. ShellCheck's `json1` positions are
//! 1-based lines and columns that count characters (a tab is one), so a position becomes a byte
//! offset of the script first, then a file offset through the piece that holds it.

use crate::span::Span;
use crate::syntax::LineMap;

/// How the bytes of one piece of the script map to the file.
#[derive(Clone, Debug)]
enum Source {
    /// Bytes of an instruction's logical line from `offset` on.
    Logical { offset: u32, map: LineMap },
    /// Bytes of the file from this offset on.
    File { start: u32 },
    /// Text the file does not have (a line ending between two pieces, the line a body's `#!`
    /// stood on): a finding there belongs to the piece before it.
    Filler,
}

impl Source {
    /// The same source, `by` bytes further on.
    fn advanced(&self, by: usize) -> Source {
        let by = by as u32;
        match self {
            Source::Logical { offset, map } => Source::Logical {
                offset: offset + by,
                map: map.clone(),
            },
            Source::File { start } => Source::File { start: start + by },
            Source::Filler => Source::Filler,
        }
    }
}

#[derive(Clone, Debug)]
struct Piece {
    /// Where the piece starts in the script.
    at: usize,
    source: Source,
}

/// The text handed to ShellCheck for one script, and the way back from its positions.
#[derive(Clone, Debug)]
pub struct ScriptText {
    text: String,
    /// How many lines the header takes (findings there are not the Dockerfile's).
    header_lines: usize,
    /// Byte offsets where each line of `text` starts.
    line_starts: Vec<usize>,
    /// The body's pieces, by their start in `text`.
    pieces: Vec<Piece>,
}

/// Builds a [`ScriptText`]: a header, then pieces in order.
pub struct Builder {
    text: String,
    header_lines: usize,
    pieces: Vec<Piece>,
}

impl Builder {
    /// Starts a script whose first lines are `header` (each line ending in `\n`).
    pub fn new(header: String) -> Builder {
        let header_lines = header.matches('\n').count();
        Builder {
            text: header,
            header_lines,
            pieces: Vec::new(),
        }
    }

    /// Appends `text`, which is the logical line of an instruction from `offset` on.
    pub fn logical(&mut self, text: &str, offset: u32, map: &LineMap) -> &mut Self {
        let source = Source::Logical {
            offset,
            map: map.clone(),
        };
        self.push(text, source)
    }

    /// Appends `text`, which is the file's text from `start` on.
    pub fn file(&mut self, text: &str, start: u32) -> &mut Self {
        self.push(text, Source::File { start })
    }

    /// Appends text the file does not have.
    pub fn filler(&mut self, text: &str) -> &mut Self {
        self.push(text, Source::Filler)
    }

    fn push(&mut self, text: &str, source: Source) -> &mut Self {
        // A carriage return before a line ending is the file's line ending, not a character the
        // shell sees (ShellCheck would call each one a literal `\r`). It is left out, and the
        // line after it starts a piece of its own, so each piece still maps byte for byte.
        let mut consumed = 0;
        for chunk in text.split_inclusive("\r\n") {
            self.pieces.push(Piece {
                at: self.text.len(),
                source: source.advanced(consumed),
            });
            match chunk.strip_suffix("\r\n") {
                Some(line) => {
                    self.text.push_str(line);
                    self.text.push('\n');
                }
                None => self.text.push_str(chunk),
            }
            consumed += chunk.len();
        }
        self
    }

    pub fn finish(self) -> ScriptText {
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
        ScriptText {
            text: self.text,
            header_lines: self.header_lines,
            line_starts,
            pieces: self.pieces,
        }
    }
}

impl ScriptText {
    /// What ShellCheck reads.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The byte offset of a 1-based line and character column, or `None` outside the text. A
    /// column one past the line's last character (where ShellCheck ends a span) is its end.
    pub fn offset(&self, line: usize, column: usize) -> Option<usize> {
        let start = *self.line_starts.get(line.checked_sub(1)?)?;
        let end = self
            .line_starts
            .get(line)
            .map_or(self.text.len(), |next| next - 1);
        let line_text = &self.text[start..end];
        let skip = column.checked_sub(1)?;
        match line_text.char_indices().nth(skip) {
            Some((at, _)) => Some(start + at),
            None => Some(end),
        }
    }

    /// The file span of a ShellCheck position pair (`line`, `column` to `end_line`,
    /// `end_column`), or `None` when it lies in the header.
    pub fn file_span(
        &self,
        (line, column): (usize, usize),
        (end_line, end_column): (usize, usize),
    ) -> Option<Span> {
        if line <= self.header_lines {
            return None;
        }
        let start = self.offset(line, column)?;
        let end = self
            .offset(end_line, end_column)
            .unwrap_or(start)
            .max(start);
        let file_start = self.to_file(start, false)?;
        let file_end = if end == start {
            file_start
        } else {
            self.to_file(end, true)?.max(file_start)
        };
        Some(Span::new(file_start, file_end))
    }

    /// The file offset of a script offset; `ends`: the offset ends a span, so at a boundary
    /// between pieces it stays with the piece before.
    fn to_file(&self, offset: usize, ends: bool) -> Option<usize> {
        let index = self
            .pieces
            .partition_point(|p| if ends { p.at < offset } else { p.at <= offset });
        // Filler has no place in the file: the nearest piece before it that has one answers, at
        // its own end.
        let mut index = index.checked_sub(1)?;
        let mut offset = offset;
        loop {
            let piece = &self.pieces[index];
            let local = offset - piece.at;
            match &piece.source {
                Source::Logical { offset: base, map } => {
                    let at = *base as usize + local;
                    return Some(if ends { map.end(at) } else { map.start(at) });
                }
                Source::File { start } => return Some(*start as usize + local),
                Source::Filler => {
                    index = index.checked_sub(1)?;
                    offset = piece.at;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{self, Args};

    /// The text of the file span ShellCheck's positions name.
    fn named<'a>(
        source: &'a str,
        script: &ScriptText,
        from: (usize, usize),
        to: (usize, usize),
    ) -> &'a str {
        let span = script.file_span(from, to).expect("inside the body");
        &source[span.start as usize..span.end as usize]
    }

    /// The script of the file's only shell-form RUN, under a two-line header.
    fn command_line(source: &str) -> ScriptText {
        let dockerfile = syntax::parse(source);
        let run = dockerfile.instructions().last().unwrap();
        let Args::Text(line) = &run.args else {
            panic!("shell form expected")
        };
        let mut builder = Builder::new("#!/bin/sh\nexport A=1\n".to_string());
        builder.logical(
            &line.text,
            run.line_offset(line.span.start) as u32,
            &run.line_map(),
        );
        builder.finish()
    }

    #[test]
    fn a_continued_line_maps_to_each_physical_line() {
        let source = "FROM a\nRUN echo one \\\n    && echo $two \\\n  # a comment Docker drops\n    && ls $three\n";
        let script = command_line(source);
        // ShellCheck reads one logical line (line 3, after the header).
        let text = script.text().lines().nth(2).unwrap();
        let column = |needle: &str| text[..text.find(needle).unwrap()].chars().count() + 1;
        let two = column("$two");
        assert_eq!(named(source, &script, (3, two), (3, two + 4)), "$two");
        let three = column("$three");
        assert_eq!(named(source, &script, (3, three), (3, three + 6)), "$three");
        // A span across the continuation covers the physical lines between.
        let span = script.file_span((3, two), (3, three + 6)).unwrap();
        assert!(source[span.start as usize..span.end as usize].contains("# a comment"));
    }

    #[test]
    fn tabs_and_multibyte_characters_are_one_column_each() {
        let source = "FROM a\nRUN\tx=\"é€\"; \techo $y\n";
        let script = command_line(source);
        let text = script.text().lines().nth(2).unwrap();
        let chars: Vec<char> = text.chars().collect();
        let column = chars.iter().position(|&c| c == '$').unwrap() + 1;
        assert_eq!(named(source, &script, (3, column), (3, column + 2)), "$y");
        // One past the last character is the line's end.
        let last = chars.len() + 1;
        assert_eq!(named(source, &script, (3, column), (3, last)), "$y");
    }

    #[test]
    fn a_heredoc_body_maps_line_by_line_and_drops_carriage_returns() {
        let source = "FROM a\r\nRUN <<EOF\r\nset -e\r\necho $x\r\nEOF\r\n";
        let dockerfile = syntax::parse(source);
        let run = dockerfile.instructions().last().unwrap();
        let body = run.heredocs()[0].body;
        let mut builder = Builder::new("#!/bin/sh\n".to_string());
        builder.file(dockerfile.text(body), body.start);
        let script = builder.finish();
        assert!(!script.text().contains('\r'));
        assert_eq!(script.text(), "#!/bin/sh\nset -e\necho $x\n");
        assert_eq!(named(source, &script, (3, 6), (3, 8)), "$x");
        assert_eq!(named(source, &script, (2, 1), (2, 7)), "set -e");
    }

    #[test]
    fn header_positions_and_filler_have_no_place_of_their_own() {
        let source = "FROM a\nRUN cat <<EOF\nbody $v\nEOF\n";
        let dockerfile = syntax::parse(source);
        let run = dockerfile.instructions().last().unwrap();
        let Args::Text(line) = &run.args else {
            panic!()
        };
        let heredoc = &run.heredocs()[0];
        let mut builder = Builder::new("#!/bin/sh\n".to_string());
        builder
            .logical(
                &line.text,
                run.line_offset(line.span.start) as u32,
                &run.line_map(),
            )
            .filler("\n")
            .file(
                &source[heredoc.body.start as usize..heredoc.terminator.end as usize],
                heredoc.body.start,
            );
        let script = builder.finish();
        assert_eq!(script.text(), "#!/bin/sh\ncat <<EOF\nbody $v\nEOF\n");
        assert_eq!(script.file_span((1, 1), (1, 3)), None);
        assert_eq!(named(source, &script, (3, 6), (3, 8)), "$v");
        assert_eq!(named(source, &script, (2, 5), (2, 10)), "<<EOF");
        // The line ending between the command line and the body (filler) is the command line's end.
        let end = script.file_span((2, 10), (2, 10)).unwrap();
        assert_eq!(end.start as usize, source.find("<<EOF").unwrap() + 5);
    }
}
