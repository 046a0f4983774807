//! The logical-line pass: physical lines → directives, comments, blank lines and instructions.
//!
//! This follows Docker's reader step by step, because every quirk of it decides what an
//! instruction means: directives count only in the unbroken run of comment lines at the top; the
//! escape character at the end of a line continues it unless it is itself escaped; comment lines
//! and empty lines inside a continuation are dropped; heredoc bodies follow the instruction line.

use super::ast::{
    Args, Directive, Dockerfile, ErrorKind, Extras, Heredoc, Instruction, Item, Keyword, LineMap,
    SyntaxError,
};
use super::heredoc;
use super::instruction::LineParser;
use super::line_text::LineText;
use super::words::is_space;
use crate::span::Span;
use std::sync::Arc;

/// Docker reads lines with a buffer of this size and rejects longer ones.
const MAX_LINE_BYTES: usize = 65536;

pub fn parse(source: Arc<String>) -> Dockerfile {
    let lines = memchr::memchr_iter(b'\n', source.as_bytes()).count() + 1;
    let mut reader = Reader {
        source: &source,
        shared: &source,
        escape: '\\',
        directives: DirectiveState::default(),
        // Items are large; one allocation up front instead of a copy on every doubling.
        items: Vec::with_capacity(lines),
        errors: Vec::new(),
    };
    reader.read_all();
    reader.validate_file();
    let has_instruction = reader
        .items
        .iter()
        .any(|item| matches!(item, Item::Instruction(_)));
    if !has_instruction {
        reader.errors.push(SyntaxError {
            span: Span::empty(0),
            message: "file with no instructions".to_string(),
            kind: ErrorKind::Parse,
        });
    }
    reader.errors.sort_by_key(|e| (e.span.start, e.span.end));
    let mut line_starts = Vec::with_capacity(lines);
    line_starts.push(0);
    line_starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i as u32 + 1));
    Dockerfile {
        escape: reader.escape,
        items: reader.items,
        errors: reader.errors,
        source,
        line_starts,
    }
}

/// One physical line: `start..end` includes the line ending, `content_end` excludes every
/// trailing `\r` and `\n`, as Docker trims them.
#[derive(Clone, Copy)]
struct PhysicalLine {
    start: usize,
    content_end: usize,
    end: usize,
}

impl PhysicalLine {
    fn span(self) -> Span {
        Span::new(self.start, self.end)
    }
}

#[derive(Default)]
struct DirectiveState {
    done: bool,
    seen: Vec<String>,
}

struct Reader<'a> {
    source: &'a str,
    /// The same text, for the instructions to share (see [`LineText`]).
    shared: &'a Arc<String>,
    escape: char,
    directives: DirectiveState,
    items: Vec<Item>,
    errors: Vec<SyntaxError>,
}

impl<'a> Reader<'a> {
    fn line_at(&self, start: usize) -> Option<PhysicalLine> {
        if start >= self.source.len() {
            return None;
        }
        let rest = &self.source.as_bytes()[start..];
        let end = memchr::memchr(b'\n', rest).map_or(self.source.len(), |i| start + i + 1);
        let content = &self.source[start..end];
        let content_end = start + content.trim_end_matches(['\r', '\n']).len();
        Some(PhysicalLine {
            start,
            content_end,
            end,
        })
    }

    fn error(&mut self, span: Span, message: impl Into<String>, kind: ErrorKind) {
        self.errors.push(SyntaxError {
            span,
            message: message.into(),
            kind,
        });
    }

    fn validate_file(&mut self) {
        let instructions: Vec<&Instruction> = self
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Instruction(instruction) => Some(instruction),
                _ => None,
            })
            .collect();
        let broken = super::validate::validate_file(&instructions, &mut self.errors);
        super::build_errors::check(&instructions, &broken, self.escape, &mut self.errors);
        let mut index = 0;
        for item in &mut self.items {
            if let Item::Instruction(instruction) = item {
                instruction.malformed |= broken.contains(&index);
                index += 1;
            }
        }
    }

    fn read_all(&mut self) {
        let mut at = 0;
        if self.source.starts_with('\u{feff}') {
            at = '\u{feff}'.len_utf8();
            self.items.push(Item::ByteOrderMark(Span::new(0, at)));
        }
        while let Some(line) = self.line_at(at) {
            at = self.read_item(line);
        }
    }

    /// Reads the item starting at `line` and returns where the next one starts.
    fn read_item(&mut self, line: PhysicalLine) -> usize {
        self.check_length(line);
        let raw = &self.source[line.start..line.content_end];
        let token_start = line.start + (raw.len() - raw.trim_start_matches(is_space).len());
        let token = &self.source[token_start..line.content_end];

        if let Some(directive) = self.directive(token, token_start, line) {
            self.items.push(Item::Directive(directive));
            return line.end;
        }
        if token.is_empty() {
            self.items.push(Item::Blank(line.span()));
            return line.end;
        }
        if token.starts_with('#') {
            self.items.push(Item::Comment(line.span()));
            return line.end;
        }
        self.read_instruction(line, token_start)
    }

    fn check_length(&mut self, line: PhysicalLine) {
        if line.end - line.start > MAX_LINE_BYTES {
            self.error(
                Span::new(line.start, line.content_end),
                format!(
                    "dockerfile line greater than max allowed size of {}",
                    MAX_LINE_BYTES - 1
                ),
                ErrorKind::Parse,
            );
        }
    }

    /// Recognises a parser directive. Directives count only until the first line that is not one.
    fn directive(
        &mut self,
        token: &str,
        token_start: usize,
        line: PhysicalLine,
    ) -> Option<Directive> {
        if self.directives.done {
            return None;
        }
        let Some(found) = super::directive::match_directive(token) else {
            self.directives.done = true;
            return None;
        };
        let name = token[found.name.clone()].to_ascii_lowercase();
        if !matches!(name.as_str(), "syntax" | "escape" | "check") {
            self.directives.done = true;
            return None;
        }
        let value = token[found.value.clone()].to_string();
        let name_span = Span::new(token_start + found.name.start, token_start + found.name.end);
        let value_span = Span::new(
            token_start + found.value.start,
            token_start + found.value.end,
        );
        if self.directives.seen.contains(&name) {
            self.error(
                name_span.cover(value_span),
                format!("only one {name} parser directive can be used"),
                ErrorKind::Parse,
            );
        } else if name == "escape" {
            match value.as_str() {
                "\\" => self.escape = '\\',
                "`" => self.escape = '`',
                _ => self.error(
                    value_span,
                    format!("invalid escape token '{value}' does not match ` or \\"),
                    ErrorKind::Parse,
                ),
            }
        }
        self.directives.seen.push(name.clone());
        Some(Directive {
            name,
            value,
            name_span,
            value_span,
            line: line.span(),
        })
    }

    fn read_instruction(&mut self, first: PhysicalLine, token_start: usize) -> usize {
        let mut logical = LogicalLine::default();
        let mut empty_continuation_lines = Vec::new();
        let mut inner_comments = Vec::new();

        let (piece, mut continues) =
            strip_continuation(&self.source[token_start..first.content_end], self.escape);
        logical.push(self.source, token_start, piece);
        let mut last = first;
        while continues {
            let Some(next) = self.line_at(last.end) else {
                break;
            };
            last = next;
            self.check_length(next);
            let raw = &self.source[next.start..next.content_end];
            let trimmed = raw.trim_start_matches(is_space);
            if trimmed.starts_with('#') {
                inner_comments.push(next.span());
                continue;
            }
            if trimmed.is_empty() {
                empty_continuation_lines.push(next.span());
                continue;
            }
            let (piece, more) = strip_continuation(raw, self.escape);
            logical.push(self.source, next.start, piece);
            continues = more;
        }

        let line = logical.text(self.shared);
        let map = LineMap::from_segments(logical.segments);
        let mut parser = LineParser::new(&line, &map, self.escape);
        let head = parser.instruction(0..line.len());
        let mut malformed = head.malformed;
        let parse_errors = std::mem::take(&mut parser.errors);
        self.errors.extend(parse_errors);

        let mut span = head.keyword_span.cover(map.span(0, head.end));
        if head.keyword_span.is_empty() {
            span = map.span(0, head.end);
        }
        let mut end = last.end;
        let mut heredocs = Vec::new();
        if takes_heredocs(head.keyword, &head.args) {
            let (docs, after, ok) = self.read_heredocs(&line, &map, last.end);
            if let Some(last_doc) = docs.last() {
                span = span.cover(Span::new(
                    last_doc.terminator.start as usize,
                    trim_line_end(self.source, last_doc.terminator),
                ));
            }
            malformed |= !ok;
            heredocs = docs;
            end = after;
        }
        let lines_inside = Extras {
            flags: Vec::new(),
            heredocs,
            empty_continuation_lines,
            inner_comments,
        };
        let mut args = head.args;
        if let Args::Onbuild(inner) = &mut args {
            // The trigger spans its `ONBUILD`'s lines; its flags stay its own.
            inner.lines = Span::new(first.start, end);
            let flags = inner.extras.take().map(|e| e.flags).unwrap_or_default();
            inner.extras = Extras {
                flags,
                ..lines_inside.clone()
            }
            .boxed();
        }
        let extras = Extras {
            flags: head.flags,
            ..lines_inside
        };
        let mut instruction = Instruction {
            keyword: head.keyword,
            keyword_span: head.keyword_span,
            span,
            lines: Span::new(first.start, end),
            line,
            args,
            extras: extras.boxed(),
            malformed,
        };
        // A parse error already says what is wrong; validation would only repeat it.
        let problems = if instruction.malformed {
            Vec::new()
        } else {
            super::validate::validate(&instruction, self.escape)
        };
        instruction.malformed |= !problems.is_empty();
        self.errors.extend(problems);
        self.items.push(Item::Instruction(instruction));
        end
    }

    /// Reads the bodies of the heredocs named on the instruction line, one after the other.
    /// Returns them, where the next item starts, and whether all were terminated.
    fn read_heredocs(
        &mut self,
        line: &str,
        map: &LineMap,
        mut at: usize,
    ) -> (Vec<Heredoc>, usize, bool) {
        let mut docs = Vec::new();
        let found = match heredoc::markers(line) {
            Ok(found) => found,
            Err(message) => {
                // Docker stops on a delimiter its lexer cannot read; nothing follows as a body.
                self.error(
                    map.span(0, line.len()),
                    format!("cannot read a heredoc delimiter: {message}"),
                    ErrorKind::Parse,
                );
                return (docs, at, false);
            }
        };
        for marker in found {
            let marker_span = map.span(marker.range.start, marker.range.end);
            let body_start = at;
            let mut terminator = None;
            while let Some(next) = self.line_at(at) {
                at = next.end;
                // Docker reads heredoc bodies with the same line reader, and its limit.
                self.check_length(next);
                let content = &self.source[next.start..next.content_end];
                let candidate = if marker.chomp {
                    content.trim_start_matches('\t')
                } else {
                    content
                };
                if candidate == marker.name {
                    terminator = Some(next);
                    break;
                }
            }
            // An unterminated heredoc swallows the rest of the file, as it does in Docker.
            let (body_end, terminator_span) = match terminator {
                Some(line) => (line.start, line.span()),
                None => (self.source.len(), Span::empty(self.source.len())),
            };
            docs.push(Heredoc {
                name: marker.name.clone(),
                fd: marker.fd,
                chomp: marker.chomp,
                expand: marker.expand,
                marker: marker_span,
                body: Span::new(body_start, body_end),
                terminator: terminator_span,
            });
            if terminator.is_none() {
                self.error(
                    marker_span,
                    format!("unterminated heredoc: no line `{}` ends it", marker.name),
                    ErrorKind::Parse,
                );
                return (docs, self.source.len(), false);
            }
        }
        (docs, at, true)
    }
}

fn trim_line_end(source: &str, span: Span) -> usize {
    span.start as usize + source[span.range()].trim_end_matches(['\r', '\n']).len()
}

/// Heredocs are read for `RUN`, `COPY` and `ADD`, never in JSON form. Docker looks through one
/// `ONBUILD` only: `ONBUILD ONBUILD RUN <<EOF` has no heredoc.
fn takes_heredocs(keyword: Keyword, args: &Args) -> bool {
    let (keyword, args) = match (keyword, args) {
        (Keyword::Onbuild, Args::Onbuild(inner)) => (inner.keyword, &inner.args),
        _ => (keyword, args),
    };
    keyword.takes_heredocs() && !matches!(args, Args::Json(_))
}

/// Removes a line-continuation escape (and the spaces or tabs after it) from the end of a line.
/// An escape that is itself escaped does not continue the line.
fn strip_continuation(text: &str, escape: char) -> (&str, bool) {
    let trimmed = text.trim_end_matches([' ', '\t']);
    let Some(before) = trimmed.strip_suffix(escape) else {
        return (text, false);
    };
    if before.ends_with(escape) {
        return (text, false);
    }
    (before, true)
}

/// A logical line being assembled from pieces of physical lines. The pieces are copied into
/// one text only once there is a second one: a line of one piece is a range of the file.
#[derive(Default)]
struct LogicalLine {
    /// The joined pieces; empty while there is only one.
    joined: String,
    /// The length of the logical line.
    len: usize,
    /// `(offset in the line, offset in the file)` of each piece (see [`LineMap`]).
    segments: Vec<(u32, u32)>,
}

impl LogicalLine {
    /// Adds `piece`, which starts at `file_offset` in `source`.
    fn push(&mut self, source: &str, file_offset: usize, piece: &str) {
        // The first piece is recorded even when empty, so an empty line still maps into the file.
        if piece.is_empty() && !self.segments.is_empty() {
            return;
        }
        if let [(_, first)] = self.segments[..] {
            let first = first as usize;
            self.joined.push_str(&source[first..first + self.len]);
        }
        self.segments.push((self.len as u32, file_offset as u32));
        self.len += piece.len();
        if self.segments.len() > 1 {
            self.joined.push_str(piece);
        }
    }

    /// The logical line: a range of `source` for one piece, else the joined copy.
    fn text(&mut self, source: &Arc<String>) -> LineText {
        match self.segments[..] {
            [(_, first)] => LineText::slice(source, first as usize, first as usize + self.len),
            _ => LineText::joined(std::mem::take(&mut self.joined), &self.segments),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::Pieces;

    #[test]
    fn a_one_line_instruction_maps_its_line_without_an_allocation() {
        // A line and its map are three words: a range of the file is its own one piece, and
        // only a joined line keeps a list of pieces.
        assert!(std::mem::size_of::<LineText>() <= 24);
        let file = parse(Arc::new("FROM a\nRUN b \\\n  c\n".to_string()));
        let maps: Vec<Vec<(u32, u32)>> = file
            .instructions()
            .map(|i| i.line.pieces().to_vec())
            .collect();
        assert_eq!(maps, [vec![(0, 0)], vec![(0, 7), (6, 15)]]);
        assert!(matches!(
            file.instructions().next().unwrap().line.pieces(),
            Pieces::One(_)
        ));
        let run = file.instructions().nth(1).unwrap();
        assert_eq!(run.line, "RUN b   c");
        assert_eq!(run.map_span(6, 9), Span::new(15, 18));
    }

    #[test]
    fn a_one_line_instruction_reads_its_line_from_the_file_itself() {
        let source = Arc::new("FROM a\nRUN b \\\n\n# x\n  c\nENV k=v \\\n\n".to_string());
        let file = parse(Arc::clone(&source));
        // The file, plus one for each instruction whose line is one piece of it: `FROM a` and
        // `ENV k=v` (its continuation adds nothing); the `RUN` joins two pieces into a copy.
        assert_eq!(Arc::strong_count(&source), 1 + 1 + 2);
        let lines: Vec<&str> = file.instructions().map(|i| &*i.line).collect();
        assert_eq!(lines, ["FROM a", "RUN b   c", "ENV k=v "]);
    }

    #[test]
    fn continuation_needs_an_unescaped_escape() {
        assert_eq!(strip_continuation("echo \\", '\\'), ("echo ", true));
        assert_eq!(strip_continuation("echo \\  \t", '\\'), ("echo ", true));
        assert_eq!(strip_continuation("\\", '\\'), ("", true));
        assert_eq!(strip_continuation("a\\\\", '\\'), ("a\\\\", false));
        assert_eq!(strip_continuation("a `", '`'), ("a ", true));
        assert_eq!(strip_continuation("a \\", '`'), ("a \\", false));
    }
}
