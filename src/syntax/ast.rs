//! The lossless syntax tree of a Dockerfile.
//!
//! The top-level items tile the file: concatenating the text of every item's span gives back the
//! original bytes. Inside an instruction every word and flag has the span of the bytes it came from,
//! and also the text BuildKit sees (continuations removed), so rules can read values while fixes
//! rewrite exact byte ranges.

use super::line_text::LineText;
use super::rare::Rare;
use crate::span::Span;
use std::sync::Arc;

/// The text of a word: 16 bytes, up to 16 of text kept inline (most words are short), so that a
/// word usually allocates nothing and a file of a million `ENV` pairs stays small.
pub type WordText = lean_string::LeanString;

/// A parsed Dockerfile. It owns its source so spans can always be sliced back to text; the
/// instructions share it (see [`LineText`]).
#[derive(Clone, Debug)]
pub struct Dockerfile {
    pub source: Arc<String>,
    /// The escape character in force (`\` unless an `escape` directive says `` ` ``).
    pub escape: char,
    /// Top-level items in file order; their spans tile `0..source.len()`.
    pub items: Vec<Item>,
    /// Syntax errors (LL001), in file order.
    pub errors: Vec<SyntaxError>,
    /// Where each line starts, for turning offsets into line numbers in messages.
    pub line_starts: Vec<u32>,
}

impl Dockerfile {
    /// The 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: u32) -> usize {
        self.line_starts
            .partition_point(|&start| start <= offset)
            .max(1)
    }
}

/// A syntax error: a message and the bytes it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
    pub kind: ErrorKind,
}

/// Where Docker would stop on the error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// Docker's parser rejects the whole file (an unterminated heredoc, `ENV` without a value).
    Parse,
    /// The file parses, but Docker rejects the instruction when it builds (an unknown
    /// instruction, an unknown flag, a missing argument).
    Instruction,
    /// Every instruction parses, but BuildKit refuses the file when it turns it into a build:
    /// a substitution its lexer cannot read, `COPY --from` with a variable or from a later stage.
    /// The instruction's arguments are sound, so rules still read it.
    Build,
}

#[derive(Clone, Debug)]
pub enum Item {
    /// The UTF-8 byte-order mark at the start of the file.
    ByteOrderMark(Span),
    /// A parser directive line such as `# syntax=docker/dockerfile:1`.
    Directive(Directive),
    /// A comment line (including its newline).
    Comment(Span),
    /// A line holding only whitespace (including its newline).
    Blank(Span),
    /// An instruction with all its physical lines: continuations, comment lines inside the
    /// continuation, heredoc bodies and terminators.
    Instruction(Instruction),
}

impl Item {
    /// The bytes this item covers, whole lines including their line endings.
    pub fn span(&self) -> Span {
        match self {
            Item::ByteOrderMark(span) | Item::Comment(span) | Item::Blank(span) => *span,
            Item::Directive(directive) => directive.line,
            Item::Instruction(instruction) => instruction.lines,
        }
    }
}

/// A parser directive (`syntax`, `escape` or `check`), read only at the top of the file.
#[derive(Clone, Debug)]
pub struct Directive {
    /// Lower-cased name.
    pub name: String,
    pub value: String,
    pub name_span: Span,
    pub value_span: Span,
    /// The whole line including its line ending.
    pub line: Span,
}

/// The instructions Docker knows. Anything else is `Unknown` (and an LL001).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
    Unknown,
}

impl Keyword {
    pub const ALL: [Keyword; 18] = [
        Keyword::Add,
        Keyword::Arg,
        Keyword::Cmd,
        Keyword::Copy,
        Keyword::Entrypoint,
        Keyword::Env,
        Keyword::Expose,
        Keyword::From,
        Keyword::Healthcheck,
        Keyword::Label,
        Keyword::Maintainer,
        Keyword::Onbuild,
        Keyword::Run,
        Keyword::Shell,
        Keyword::Stopsignal,
        Keyword::User,
        Keyword::Volume,
        Keyword::Workdir,
    ];

    /// Case-insensitive lookup, as Docker does it: Go's lower-casing also maps a few non-ASCII
    /// letters onto ASCII ones (the Kelvin sign onto `k`, dotted `İ` onto `i`).
    pub fn parse(word: &str) -> Keyword {
        let found = |word: &str| {
            Keyword::ALL
                .into_iter()
                .find(|k| k.as_str().eq_ignore_ascii_case(word))
        };
        let keyword = if word.is_ascii() {
            found(word)
        } else {
            found(&super::words::go_lower(word))
        };
        keyword.unwrap_or(Keyword::Unknown)
    }

    /// The canonical upper-case spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Add => "ADD",
            Keyword::Arg => "ARG",
            Keyword::Cmd => "CMD",
            Keyword::Copy => "COPY",
            Keyword::Entrypoint => "ENTRYPOINT",
            Keyword::Env => "ENV",
            Keyword::Expose => "EXPOSE",
            Keyword::From => "FROM",
            Keyword::Healthcheck => "HEALTHCHECK",
            Keyword::Label => "LABEL",
            Keyword::Maintainer => "MAINTAINER",
            Keyword::Onbuild => "ONBUILD",
            Keyword::Run => "RUN",
            Keyword::Shell => "SHELL",
            Keyword::Stopsignal => "STOPSIGNAL",
            Keyword::User => "USER",
            Keyword::Volume => "VOLUME",
            Keyword::Workdir => "WORKDIR",
            Keyword::Unknown => "UNKNOWN",
        }
    }

    /// Whether the instruction may carry heredocs (`RUN <<EOF`, `COPY <<EOF /dst`).
    pub fn takes_heredocs(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }

    /// Whether the instruction only sets image metadata that no `RUN` can see (so it may move past
    /// a `RUN` without changing what the `RUN` does).
    pub fn sets_only_metadata(self) -> bool {
        matches!(
            self,
            Keyword::Label
                | Keyword::Expose
                | Keyword::Cmd
                | Keyword::Entrypoint
                | Keyword::Stopsignal
                | Keyword::Healthcheck
                | Keyword::Maintainer
        )
    }

    /// Whether the instruction commits a filesystem layer.
    pub fn creates_layer(self) -> bool {
        matches!(self, Keyword::Run | Keyword::Copy | Keyword::Add)
    }

    /// Whether the instruction only sets the image's configuration or the build's state (a
    /// variable, the directory, the user, the shell): it reads no file.
    pub fn only_configures(self) -> bool {
        matches!(
            self,
            Keyword::Env
                | Keyword::Arg
                | Keyword::Label
                | Keyword::Expose
                | Keyword::Workdir
                | Keyword::User
                | Keyword::Cmd
                | Keyword::Entrypoint
                | Keyword::Stopsignal
                | Keyword::Healthcheck
                | Keyword::Maintainer
                | Keyword::Shell
                | Keyword::Volume
        )
    }
}

/// One instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    pub keyword: Keyword,
    /// The keyword as written (any case).
    pub keyword_span: Span,
    /// From the keyword to the end of the last argument or heredoc terminator, without the final
    /// line ending.
    pub span: Span,
    /// Whole physical lines, including leading whitespace, continuation lines, comment lines inside
    /// the continuation, heredoc bodies and the final line ending.
    pub lines: Span,
    /// The logical line as BuildKit sees it: continuation characters, comment lines and empty lines
    /// inside the continuation removed. Offsets into it map back to the file through its pieces
    /// ([`Instruction::map_span`], [`Instruction::line_map`]). A range of the file itself for an
    /// instruction on one line (no copy).
    pub line: LineText,
    pub args: Args,
    /// Flags, heredocs and the lines inside the continuation, read through
    /// [`Instruction::flags`], [`Instruction::heredocs`], [`Instruction::empty_continuation_lines`]
    /// and [`Instruction::inner_comments`]: all behind one pointer, null on an instruction that
    /// has none of them (most have none).
    pub extras: Option<Box<Extras>>,
    /// The instruction has a syntax error; rules should not trust its arguments.
    pub malformed: bool,
}

/// The parts of an instruction that few instructions have (see [`Instruction::extras`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// `--name[=value]` flags before the arguments.
    pub flags: Vec<Flag>,
    pub heredocs: Vec<Heredoc>,
    /// Empty lines inside the continuation (Docker warns about them).
    pub empty_continuation_lines: Vec<Span>,
    /// Comment lines inside the continuation (Docker drops them).
    pub inner_comments: Vec<Span>,
}

impl Extras {
    /// Boxed, or `None` when there is nothing in it.
    pub fn boxed(self) -> Option<Box<Extras>> {
        let empty = self.flags.is_empty()
            && self.heredocs.is_empty()
            && self.empty_continuation_lines.is_empty()
            && self.inner_comments.is_empty();
        (!empty).then(|| Box::new(self))
    }
}

impl Instruction {
    /// The `--name[=value]` flags before the arguments, in order.
    pub fn flags(&self) -> &[Flag] {
        self.extras.as_deref().map_or(&[], |e| &e.flags)
    }

    /// The heredocs of a `RUN`, `COPY` or `ADD`, in order.
    pub fn heredocs(&self) -> &[Heredoc] {
        self.extras.as_deref().map_or(&[], |e| &e.heredocs)
    }

    /// Empty lines inside the continuation (Docker warns about them).
    pub fn empty_continuation_lines(&self) -> &[Span] {
        self.extras
            .as_deref()
            .map_or(&[], |e| &e.empty_continuation_lines)
    }

    /// Comment lines inside the continuation (Docker drops them).
    pub fn inner_comments(&self) -> &[Span] {
        self.extras.as_deref().map_or(&[], |e| &e.inner_comments)
    }

    pub fn flag(&self, name: &str) -> Option<&Flag> {
        self.flags().iter().find(|f| f.name == name)
    }

    /// Whether the arguments are in JSON (exec) form.
    pub fn is_json(&self) -> bool {
        match &self.args {
            Args::Json(_) => true,
            Args::Healthcheck { command, .. } => matches!(**command, Args::Json(_)),
            _ => false,
        }
    }

    /// The text of a file span that lies on this instruction's logical line, as Docker reads it
    /// (continuations removed).
    pub fn line_map_text(&self, span: Span) -> String {
        let segments = self.line.pieces();
        let mut out = String::new();
        for (i, &(line_at, file_at)) in segments.iter().enumerate() {
            let line_end = segments.get(i + 1).map_or(self.line.len() as u32, |s| s.0);
            let file_end = file_at + (line_end - line_at);
            let start = span.start.max(file_at);
            let end = span.end.min(file_end);
            if start < end {
                let from = (line_at + (start - file_at)) as usize;
                out.push_str(&self.line[from..from + (end - start) as usize]);
            }
        }
        out
    }

    /// Maps a span of `line` (the logical line) to a span of the file.
    pub fn map_span(&self, start: usize, end: usize) -> Span {
        span_in(&self.line.pieces(), start, end)
    }

    /// Where a file offset on the logical line lies in it: the inverse of
    /// [`map_span`](Self::map_span)'s start.
    pub fn line_offset(&self, file_offset: u32) -> usize {
        line_offset_in(&self.line.pieces(), file_offset)
    }

    /// The map of the logical line to the file, as a value of its own (for a caller that keeps it
    /// past the instruction).
    pub fn line_map(&self) -> LineMap {
        LineMap::from_segments(self.line.pieces().to_vec())
    }
}

/// Maps offsets of a logical line back to the file. The logical line is made of pieces of physical
/// lines; each segment records where a piece starts in the logical line and in the file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineMap {
    segments: Segments,
}

/// `(offset in the logical line, offset in the file)`, sorted by both. Most instructions are one
/// physical line: their one segment is kept inline, so that a file of a million one-line
/// instructions does not make a million allocations of 8 bytes for it.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Segments {
    One((u32, u32)),
    /// Any other count, behind a thin pointer (a [`Rare`] list) so that the map is 16 bytes.
    Many(Rare<(u32, u32)>),
}

impl Default for Segments {
    fn default() -> Self {
        Segments::Many(Rare::new())
    }
}

impl LineMap {
    /// The map of a logical line made of these pieces: `(offset in the line, offset in the
    /// file)`, sorted by both.
    pub fn from_segments(segments: Vec<(u32, u32)>) -> LineMap {
        let segments = match segments.as_slice() {
            [one] => Segments::One(*one),
            _ => Segments::Many(segments.into()),
        };
        LineMap { segments }
    }

    /// Where each piece starts, in the logical line and in the file.
    pub fn segments(&self) -> &[(u32, u32)] {
        match &self.segments {
            Segments::One(one) => std::slice::from_ref(one),
            Segments::Many(many) => many,
        }
    }

    /// The file offset of a position that starts something.
    pub fn start(&self, offset: usize) -> usize {
        start_in(self.segments(), offset)
    }

    /// The file offset of a position that ends something (an end at a segment boundary stays on
    /// the earlier physical line).
    pub fn end(&self, offset: usize) -> usize {
        end_in(self.segments(), offset)
    }

    /// The offset in the logical line of a file offset that starts something on it.
    pub fn line_offset(&self, file_offset: u32) -> usize {
        line_offset_in(self.segments(), file_offset)
    }

    pub fn span(&self, start: usize, end: usize) -> Span {
        span_in(self.segments(), start, end)
    }
}

// The mapping itself, over a list of segments wherever it is kept: a [`LineMap`] of its own, or
// the pieces of an instruction's [`LineText`]. An empty list maps every offset to itself.

fn segment_of(segments: &[(u32, u32)], offset: usize, prefer_earlier: bool) -> (u32, u32) {
    let offset = offset as u32;
    let idx = segments.partition_point(|&(line_off, _)| {
        if prefer_earlier {
            line_off < offset
        } else {
            line_off <= offset
        }
    });
    segments[idx.saturating_sub(1)]
}

fn start_in(segments: &[(u32, u32)], offset: usize) -> usize {
    if segments.is_empty() {
        return offset;
    }
    let (line_off, file_off) = segment_of(segments, offset, false);
    (file_off + (offset as u32).saturating_sub(line_off)) as usize
}

fn end_in(segments: &[(u32, u32)], offset: usize) -> usize {
    if segments.is_empty() {
        return offset;
    }
    let (line_off, file_off) = segment_of(segments, offset, true);
    (file_off + (offset as u32).saturating_sub(line_off)) as usize
}

fn line_offset_in(segments: &[(u32, u32)], file_offset: u32) -> usize {
    if segments.is_empty() {
        return file_offset as usize;
    }
    let idx = segments.partition_point(|&(_, file_at)| file_at <= file_offset);
    let (line_at, file_at) = segments[idx.saturating_sub(1)];
    (line_at + file_offset.saturating_sub(file_at)) as usize
}

fn span_in(segments: &[(u32, u32)], start: usize, end: usize) -> Span {
    let file_start = start_in(segments, start);
    let file_end = if end == start {
        file_start
    } else {
        end_in(segments, end)
    };
    Span::new(file_start, file_end.max(file_start))
}

/// A word of an instruction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The text BuildKit's parser keeps: for shell-form and plain words the raw text with
    /// continuations removed (quotes and escapes still in it); for JSON strings the decoded value.
    pub text: WordText,
    /// The bytes in the file (for a JSON string, the literal with its quotes). Where the word
    /// starts in the logical line is [`Instruction::line_offset`] of its start: not kept, so
    /// that a word is 24 bytes.
    pub span: Span,
}

/// A `--name[=value]` flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flag {
    /// The name without the leading `--`.
    pub name: String,
    /// The value with quotes and escapes processed, `None` for a bare `--name`.
    pub value: Option<String>,
    /// The whole flag in the file.
    pub span: Span,
    pub name_span: Span,
    /// The value's bytes in the file (empty at the end of the flag when there is no value).
    pub value_span: Span,
    /// The flag as BuildKit keeps it: `--name=value` with quotes and escapes processed.
    pub text: String,
}

/// The arguments of an instruction, in the shapes BuildKit's parser gives them. Which shape an
/// instruction gets is decided exactly as Docker decides it (e.g. invalid JSON falls back to the
/// shell form).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Args {
    /// No arguments (`CMD`, `HEALTHCHECK`, `CMD []`).
    None,
    /// A JSON array of strings: the exec form of `RUN`/`CMD`/`ENTRYPOINT`/`SHELL`, and the JSON
    /// form of `COPY`/`ADD`/`VOLUME`.
    Json(Box<[Word]>),
    /// One piece of text: the shell form of `RUN`/`CMD`/`ENTRYPOINT`, and the whole argument of
    /// `USER`, `WORKDIR`, `STOPSIGNAL`, `MAINTAINER`.
    Text(Box<Word>),
    /// Whitespace-separated words (`FROM`, `EXPOSE`, `COPY`/`ADD`/`VOLUME` in plain form) or
    /// shell-like words (`ARG name=value …`).
    Words(Box<[Word]>),
    /// `ENV`/`LABEL` pairs, and whether they are in the legacy `ENV key value` form (one pair,
    /// the value all the rest of the line). The flag sits beside the variant's tag, where a
    /// flag in each pair would make an `ENV` pair 8 bytes larger.
    KeyValues(Box<[KeyValue]>, bool),
    /// `HEALTHCHECK [flags] TYPE command`: `TYPE` is `CMD` or `NONE` for a valid instruction.
    /// Both boxed: the rarest shape should not make every instruction's arguments larger.
    Healthcheck { kind: Box<Word>, command: Box<Args> },
    /// `ONBUILD` and the instruction it carries.
    Onbuild(Box<Instruction>),
}

/// One `key=value` (or legacy `key value`) pair of `ENV` or `LABEL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    pub key: Word,
    /// The raw value, quotes and escapes still in it.
    pub value: Word,
}

/// A heredoc attached to `RUN`, `COPY` or `ADD`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heredoc {
    /// The delimiter word with quotes removed.
    pub name: String,
    /// The file descriptor in `3<<EOF`, if any.
    pub fd: Option<u32>,
    /// `<<-EOF`: leading tabs are stripped from the body.
    pub chomp: bool,
    /// Unquoted delimiter: variables in the body are expanded.
    pub expand: bool,
    /// The `<<EOF` marker on the instruction line.
    pub marker: Span,
    /// The body lines, including their line endings, without the terminator line.
    pub body: Span,
    /// The terminator line, including its line ending.
    pub terminator: Span,
}
