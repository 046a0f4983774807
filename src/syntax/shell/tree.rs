//! The shapes a split script takes. Every node keeps the span of its bytes in the script, so a fix
//! can rewrite exactly one command, word or operator.

use std::borrow::Cow;

use super::word::Word;
use crate::span::Span;

/// A split script. It owns a copy of the text, so words can be read without the caller's help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Script {
    pub source: String,
    pub body: List,
    /// `# …` comments, from the `#` to the end of the line (without the newline), in source order.
    pub comments: Vec<Span>,
}

impl Script {
    /// The text of a span of this script (empty if the span does not belong to it).
    pub fn text(&self, span: Span) -> &str {
        self.source.get(span.range()).unwrap_or("")
    }

    /// The static value of a word of this script; see [`Word::literal`].
    pub fn literal(&self, word: &Word) -> Option<Cow<'_, str>> {
        word.literal(&self.source)
    }
}

/// Commands run one after another: and-or lists ended by `;`, `&` or a newline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct List {
    pub items: Vec<AndOr>,
}

/// Pipelines joined by `&&` and `||`, evaluated left to right with equal precedence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AndOr {
    /// Never empty.
    pub pipelines: Vec<Pipeline>,
    /// `connectors[i]` joins `pipelines[i]` and `pipelines[i + 1]`.
    pub connectors: Vec<(Connector, Span)>,
    /// What ended the item; `None` at the end of the script or of an enclosing list.
    pub terminator: Option<(Terminator, Span)>,
    /// From the first pipeline to the end of the last one, without the terminator.
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Connector {
    /// `&&`: the right side runs when the left succeeded.
    And,
    /// `||`: the right side runs when the left failed.
    Or,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Terminator {
    Semicolon,
    /// `&`: the item runs in the background and the script does not wait for it.
    Background,
    Newline,
}

/// Commands joined by `|`, optionally negated with `!`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pipeline {
    pub negated: bool,
    /// Never empty. With more than one, each runs in a subshell of its own.
    pub commands: Vec<Command>,
    /// From the `!` (or the first command) to the end of the last command.
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    Simple(SimpleCommand),
    /// `( list )`: runs in a child shell, so `cd`, variables and `set` do not leak out of it.
    Subshell {
        body: List,
        redirects: Vec<Redirect>,
        span: Span,
    },
    /// `{ list; }`: runs in the current shell; exists to share redirections or a connector.
    Group {
        body: List,
        redirects: Vec<Redirect>,
        span: Span,
    },
    /// `if`, `for`, `while`, `until` or `case`: the inner commands may run zero or many times.
    Compound {
        kind: CompoundKind,
        /// `for`: the loop variable, then the words after `in` (none for bash's `for (( … ))`).
        /// `case`: the subject word.
        words: Vec<Word>,
        /// The inner lists in source order. `if`: condition, body, then a condition and a body per
        /// `elif`, then the `else` body (so an odd count means there is an `else`).
        /// `while`/`until`: condition, body. `for`: body. `case`: one body per pattern clause.
        lists: Vec<List>,
        redirects: Vec<Redirect>,
        span: Span,
    },
    /// `name() { … }` or bash's `function name { … }`: defines the function, runs nothing yet.
    FunctionDef {
        name: Word,
        body: Box<Command>,
        span: Span,
    },
    /// Bytes the splitter could not make sense of (a syntax error, an unclosed quote or bracket,
    /// nesting too deep); nothing is known about what they run.
    Opaque {
        span: Span,
    },
}

impl Command {
    pub fn span(&self) -> Span {
        match self {
            Command::Simple(simple) => simple.span,
            Command::Subshell { span, .. }
            | Command::Group { span, .. }
            | Command::Compound { span, .. }
            | Command::FunctionDef { span, .. }
            | Command::Opaque { span } => *span,
        }
    }

    /// The redirections that apply to the whole command.
    pub fn redirects(&self) -> &[Redirect] {
        match self {
            Command::Simple(simple) => &simple.redirects,
            Command::Subshell { redirects, .. }
            | Command::Group { redirects, .. }
            | Command::Compound { redirects, .. } => redirects,
            Command::FunctionDef { .. } | Command::Opaque { .. } => &[],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompoundKind {
    If,
    For,
    While,
    Until,
    Case,
}

/// `[assignments] [words] ` with redirections anywhere among them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SimpleCommand {
    /// Leading `NAME=value` words; they set the environment of this one command (or of the shell,
    /// when there are no words).
    pub assignments: Vec<Word>,
    /// The command name and its arguments. `NAME=value` after the name is an ordinary argument
    /// (`export A=1`).
    pub words: Vec<Word>,
    pub redirects: Vec<Redirect>,
    pub span: Span,
}

/// `[fd]op target`, e.g. `2>&1`, `> /out`, `<<EOF`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    /// The explicit file descriptor (`2` in `2>&1`).
    pub fd: Option<u32>,
    pub op: RedirectOp,
    /// The file, the descriptor after `>&`, the heredoc delimiter, or the here-string.
    pub target: Word,
    /// From the descriptor (or operator) to the end of the target.
    pub span: Span,
    /// For a heredoc whose body follows in the script: the body lines with their line endings,
    /// without the delimiter line. `None` when the script ends before the body.
    pub heredoc_body: Option<Span>,
}

impl Redirect {
    /// Whether the redirection opens its target as a file for writing (so it may create it).
    /// `>&word` only does so in bash, when the word is not a descriptor number or `-`.
    pub fn writes_file(&self, source: &str) -> bool {
        match self.op {
            RedirectOp::DupOutput => self
                .target
                .literal(source)
                .is_none_or(|target| target != "-" && !target.bytes().all(|b| b.is_ascii_digit())),
            op => op.opens_for_writing(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RedirectOp {
    /// `<`
    Read,
    /// `>`
    Write,
    /// `>>`
    Append,
    /// `>|`
    Clobber,
    /// `<>`
    ReadWrite,
    /// `<&`
    DupInput,
    /// `>&`
    DupOutput,
    /// `&>` (bash; POSIX sh reads it as `&` then `>`, but that is rarely what was meant).
    WriteAll,
    /// `&>>` (bash)
    AppendAll,
    /// `<<` or, with `strip_tabs`, `<<-`.
    Heredoc { strip_tabs: bool },
    /// `<<<` (bash)
    HereString,
}

impl RedirectOp {
    /// Whether the target is a file opened for writing.
    pub fn opens_for_writing(self) -> bool {
        matches!(
            self,
            RedirectOp::Write
                | RedirectOp::Append
                | RedirectOp::Clobber
                | RedirectOp::ReadWrite
                | RedirectOp::WriteAll
                | RedirectOp::AppendAll
        )
    }
}
