//! The recursive-descent parser behind [`split`](super::split).
//!
//! It reads bytes directly with one token of look-ahead: `peek` classifies what starts at the
//! current position without consuming it, and words are scanned once, when they are consumed.
//! Every error is caught by the list that holds the failing item, which turns the item into
//! [`Command::Opaque`] and carries on after it.

use super::tree::{
    AndOr, Command, CompoundKind, Connector, List, Pipeline, Redirect, RedirectOp, Script,
    SimpleCommand, Terminator,
};
use super::word::{Word, continuation_len, ends_word, line_end, scan_word};
use crate::span::Span;

/// How many lists may nest (`( ( …`, `if` in `for` in `{ …`) before the rest becomes opaque.
/// Deeper input is not a real script, and the cap bounds the recursion: each level costs about
/// 5 KiB of stack in an unoptimised build (`f() {` the most), so 32 levels fit in a 256 KiB
/// thread stack with room for the caller.
const MAX_DEPTH: usize = 32;

pub(super) struct Parser<'s> {
    source: &'s str,
    bytes: &'s [u8],
    pos: usize,
    /// The last token `peek` classified and where: after a command, the pipeline, the and-or
    /// list and the terminator each peek at the same position.
    peeked: Option<(usize, Token)>,
    depth: usize,
    comments: Vec<Span>,
    /// Heredocs whose body starts after the next newline.
    pending_heredocs: Vec<PendingHeredoc>,
    /// `(start of the redirect, body)`, attached to the redirects once the tree is built: the body
    /// is only read after the command holding the redirect is complete.
    heredoc_bodies: Vec<(u32, Span)>,
}

struct PendingHeredoc {
    marker: u32,
    delimiter: String,
    strip_tabs: bool,
}

/// Something that does not fit the grammar, found at `at`.
#[derive(Clone, Copy, Debug)]
struct Unexpected {
    at: usize,
}

type Parse<T> = Result<T, Unexpected>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    Eof,
    Newline,
    /// A word, possibly a reserved word; see [`Parser::reserved_here`].
    Word,
    /// The start of a redirection, descriptor included.
    Redirect,
    Semi,
    /// `;;`, `;&` or `;;&`, with its length.
    CaseEnd(usize),
    Amp,
    AndIf,
    OrIf,
    /// `|` or bash's `|&`, with its length.
    Pipe(usize),
    LParen,
    RParen,
}

/// Words that mean something to the grammar when they stand where a command could start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Reserved {
    If,
    Then,
    Elif,
    Else,
    Fi,
    Do,
    Done,
    Case,
    Esac,
    While,
    Until,
    For,
    In,
    Function,
    OpenBrace,
    CloseBrace,
    Bang,
}

impl Reserved {
    fn from_bytes(bytes: &[u8]) -> Option<Reserved> {
        Some(match bytes {
            b"if" => Reserved::If,
            b"then" => Reserved::Then,
            b"elif" => Reserved::Elif,
            b"else" => Reserved::Else,
            b"fi" => Reserved::Fi,
            b"do" => Reserved::Do,
            b"done" => Reserved::Done,
            b"case" => Reserved::Case,
            b"esac" => Reserved::Esac,
            b"while" => Reserved::While,
            b"until" => Reserved::Until,
            b"for" => Reserved::For,
            b"in" => Reserved::In,
            b"function" => Reserved::Function,
            b"{" => Reserved::OpenBrace,
            b"}" => Reserved::CloseBrace,
            b"!" => Reserved::Bang,
            _ => return None,
        })
    }

    fn len(self) -> usize {
        match self {
            Reserved::OpenBrace | Reserved::CloseBrace | Reserved::Bang => 1,
            Reserved::If | Reserved::Fi | Reserved::Do | Reserved::In => 2,
            Reserved::For => 3,
            Reserved::Then
            | Reserved::Elif
            | Reserved::Else
            | Reserved::Done
            | Reserved::Case
            | Reserved::Esac => 4,
            Reserved::While | Reserved::Until => 5,
            Reserved::Function => 8,
        }
    }

    /// Whether the word ends the list it appears in (the enclosing construct continues).
    fn closes_list(self) -> bool {
        matches!(
            self,
            Reserved::Then
                | Reserved::Elif
                | Reserved::Else
                | Reserved::Fi
                | Reserved::Do
                | Reserved::Done
                | Reserved::Esac
                | Reserved::CloseBrace
        )
    }
}

impl<'s> Parser<'s> {
    pub(super) fn new(source: &'s str) -> Parser<'s> {
        Parser {
            source,
            bytes: source.as_bytes(),
            pos: 0,
            peeked: None,
            depth: 0,
            comments: Vec::new(),
            pending_heredocs: Vec::new(),
            heredoc_bodies: Vec::new(),
        }
    }

    pub(super) fn parse(mut self) -> Script {
        let mut body = self.parse_list(true);
        if !self.heredoc_bodies.is_empty() {
            attach_heredoc_bodies(&mut body, &self.heredoc_bodies);
        }
        Script {
            source: self.source.to_owned(),
            body,
            comments: self.comments,
        }
    }

    // ----- bytes and tokens -----

    fn byte_at(&self, at: usize) -> Option<u8> {
        self.bytes.get(at).copied()
    }

    /// Skips blanks, line continuations and comments (recording them), then classifies what
    /// starts at the current position without consuming it.
    #[inline]
    fn peek(&mut self) -> Token {
        match self.peeked {
            Some((at, token)) if at == self.pos => token,
            _ => self.peek_uncached(),
        }
    }

    #[inline(never)]
    fn peek_uncached(&mut self) -> Token {
        self.skip_blanks();
        let token = self.classify();
        self.peeked = Some((self.pos, token));
        token
    }

    fn classify(&self) -> Token {
        let Some(byte) = self.byte_at(self.pos) else {
            return Token::Eof;
        };
        let next = self.byte_at(self.pos + 1);
        match byte {
            b'\n' => Token::Newline,
            b';' => match (next, self.byte_at(self.pos + 2)) {
                (Some(b';'), Some(b'&')) => Token::CaseEnd(3),
                (Some(b';' | b'&'), _) => Token::CaseEnd(2),
                _ => Token::Semi,
            },
            b'&' => match next {
                Some(b'&') => Token::AndIf,
                Some(b'>') => Token::Redirect,
                _ => Token::Amp,
            },
            b'|' => match next {
                Some(b'|') => Token::OrIf,
                Some(b'&') => Token::Pipe(2),
                _ => Token::Pipe(1),
            },
            b'(' => Token::LParen,
            b')' => Token::RParen,
            // `<(cmd)` is a process substitution, which is a word.
            b'<' | b'>' if next == Some(b'(') => Token::Word,
            b'<' | b'>' => Token::Redirect,
            b'0'..=b'9' if self.descriptor_prefix().is_some() => Token::Redirect,
            _ => Token::Word,
        }
    }

    fn skip_blanks(&mut self) {
        while let Some(byte) = self.byte_at(self.pos) {
            match byte {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\\' => match continuation_len(self.bytes, self.pos) {
                    Some(len) => self.pos += len,
                    None => break,
                },
                b'#' => {
                    let end = line_end(self.bytes, self.pos);
                    self.comments.push(Span::new(self.pos, end));
                    self.pos = end;
                }
                _ => break,
            }
        }
    }

    /// Consumes a newline, then the bodies of the heredocs started on the line it ends.
    fn consume_newline(&mut self) -> Span {
        let span = Span::new(self.pos, self.pos + 1);
        self.pos += 1;
        if !self.pending_heredocs.is_empty() {
            self.read_heredoc_bodies();
        }
        span
    }

    fn skip_linebreaks(&mut self) {
        while self.peek() == Token::Newline {
            self.consume_newline();
        }
    }

    /// The reserved word at the current position (blanks already skipped), if the word there is
    /// exactly one.
    fn reserved_here(&self) -> Option<Reserved> {
        const LONGEST: usize = 8;
        let rest = self.bytes.get(self.pos..)?;
        // Most command names cannot be reserved words; tell them by their first byte.
        if !matches!(
            rest.first(),
            Some(b'i' | b't' | b'e' | b'f' | b'd' | b'c' | b'w' | b'u' | b'{' | b'}' | b'!')
        ) {
            return None;
        }
        let len = rest
            .iter()
            .take(LONGEST + 1)
            .take_while(|&&b| !ends_word(b))
            .count();
        Reserved::from_bytes(rest.get(..len)?)
    }

    fn peek_reserved(&mut self) -> Option<Reserved> {
        match self.peek() {
            Token::Word => self.reserved_here(),
            _ => None,
        }
    }

    /// Consumes `expected` or fails; returns where it ends.
    fn expect_reserved(&mut self, expected: Reserved) -> Parse<usize> {
        if self.peek_reserved() == Some(expected) {
            self.pos += expected.len();
            Ok(self.pos)
        } else {
            Err(self.unexpected())
        }
    }

    fn unexpected(&self) -> Unexpected {
        Unexpected { at: self.pos }
    }

    /// Scans the word at the current position (the caller has peeked a [`Token::Word`]).
    fn word(&mut self) -> Parse<Word> {
        let word = scan_word(self.bytes, self.pos).map_err(|e| Unexpected { at: e.at })?;
        self.pos = word.span.end as usize;
        Ok(word)
    }

    /// Digits directly followed by `<` or `>`: the descriptor and the number of digits.
    fn descriptor_prefix(&self) -> Option<(u32, usize)> {
        let rest = self.bytes.get(self.pos..)?;
        let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || !matches!(rest.get(digits), Some(b'<' | b'>')) {
            return None;
        }
        rest.get(..digits)?
            .iter()
            .try_fold(0u32, |fd, &digit| {
                fd.checked_mul(10)?.checked_add(u32::from(digit - b'0'))
            })
            .map(|fd| (fd, digits))
    }

    // ----- lists -----

    /// Items until the end of the script or, when nested, until a token that closes the list.
    /// Never fails: an item that does not parse becomes opaque.
    fn parse_list(&mut self, top_level: bool) -> List {
        let mut items = Vec::new();
        loop {
            self.skip_linebreaks();
            if self.at_list_end(top_level) {
                break;
            }
            let start = self.pos;
            let item = match self.parse_and_or() {
                Ok(item) => item,
                Err(error) => self.recover(start, error, top_level),
            };
            items.push(item);
        }
        List { items }
    }

    /// At the top level only the end of the script ends the list; a stray `)` or `fi` there is
    /// an error like any other.
    fn at_list_end(&mut self, top_level: bool) -> bool {
        match self.peek() {
            Token::Eof => true,
            _ if top_level => false,
            Token::RParen | Token::CaseEnd(_) => true,
            Token::Word => self.reserved_here().is_some_and(Reserved::closes_list),
            _ => false,
        }
    }

    /// A list nested inside a compound command, or an error when nesting is too deep.
    fn nested_list(&mut self) -> Parse<List> {
        if self.depth >= MAX_DEPTH {
            return Err(self.unexpected());
        }
        self.depth += 1;
        let list = self.parse_list(false);
        self.depth -= 1;
        Ok(list)
    }

    fn parse_and_or(&mut self) -> Parse<AndOr> {
        let first = self.parse_pipeline()?;
        let mut span = first.span;
        let mut pipelines = vec![first];
        let mut connectors = Vec::new();
        loop {
            let connector = match self.peek() {
                Token::AndIf => Connector::And,
                Token::OrIf => Connector::Or,
                _ => break,
            };
            connectors.push((connector, Span::new(self.pos, self.pos + 2)));
            self.pos += 2;
            self.skip_linebreaks();
            let next = self.parse_pipeline()?;
            span = span.cover(next.span);
            pipelines.push(next);
        }
        let terminator = self.parse_terminator()?;
        Ok(AndOr {
            pipelines,
            connectors,
            terminator,
            span,
        })
    }

    /// What may follow an and-or list: a separator (consumed), or something that ends the
    /// enclosing list (left for it).
    fn parse_terminator(&mut self) -> Parse<Option<(Terminator, Span)>> {
        let terminator = match self.peek() {
            Token::Semi => Terminator::Semicolon,
            Token::Amp => Terminator::Background,
            Token::Newline => return Ok(Some((Terminator::Newline, self.consume_newline()))),
            Token::Eof | Token::RParen | Token::CaseEnd(_) => return Ok(None),
            Token::Word if self.reserved_here().is_some_and(Reserved::closes_list) => {
                return Ok(None);
            }
            _ => return Err(self.unexpected()),
        };
        let span = Span::new(self.pos, self.pos + 1);
        self.pos += 1;
        Ok(Some((terminator, span)))
    }

    fn parse_pipeline(&mut self) -> Parse<Pipeline> {
        self.peek();
        let start = self.pos;
        let negated = self.reserved_here() == Some(Reserved::Bang);
        if negated {
            self.pos += 1;
        }
        let first = self.parse_command()?;
        let mut end = first.span().end;
        let mut commands = vec![first];
        while let Token::Pipe(len) = self.peek() {
            self.pos += len;
            self.skip_linebreaks();
            let next = self.parse_command()?;
            end = next.span().end;
            commands.push(next);
        }
        Ok(Pipeline {
            negated,
            commands,
            span: Span::new(start, end as usize),
        })
    }

    // ----- commands -----

    fn parse_command(&mut self) -> Parse<Command> {
        match self.peek() {
            Token::LParen => self.parse_subshell(),
            Token::Redirect => self.parse_simple(),
            Token::Word => match self.reserved_here() {
                None => self.parse_simple(),
                Some(Reserved::OpenBrace) => self.parse_group(),
                Some(Reserved::If) => self.parse_if(),
                Some(Reserved::While) => self.parse_loop(CompoundKind::While, Reserved::While),
                Some(Reserved::Until) => self.parse_loop(CompoundKind::Until, Reserved::Until),
                Some(Reserved::For) => self.parse_for(),
                Some(Reserved::Case) => self.parse_case(),
                Some(Reserved::Function) => self.parse_function_keyword(),
                Some(_) => Err(self.unexpected()),
            },
            _ => Err(self.unexpected()),
        }
    }

    /// Assignments, words and redirections in any order (assignments only before the first
    /// word), or the start of a function definition `name()`.
    fn parse_simple(&mut self) -> Parse<Command> {
        let start = self.pos;
        let mut command = SimpleCommand {
            // Room for a typical command up front: growing the vector 4 → 8 cost more than the
            // unused slots of short commands (the trees are short-lived).
            words: Vec::with_capacity(8),
            ..SimpleCommand::default()
        };
        let mut end = start;
        loop {
            match self.peek() {
                Token::Redirect => {
                    let redirect = self.parse_redirect()?;
                    end = redirect.span.end as usize;
                    command.redirects.push(redirect);
                }
                Token::Word => {
                    let word = self.word()?;
                    end = word.span.end as usize;
                    let text = word.text(self.source).as_bytes();
                    if command.words.is_empty() && super::word::assignment_split(text).is_some() {
                        command.assignments.push(word);
                    } else {
                        command.words.push(word);
                        if command.words.len() == 1 && text == b"[[" {
                            end = self.parse_test_expression(&mut command.words)?;
                        }
                    }
                }
                Token::LParen
                    if command.words.len() == 1
                        && command.assignments.is_empty()
                        && command.redirects.is_empty() =>
                {
                    let name = command.words.remove(0);
                    return self.parse_function_def(start, name);
                }
                _ => break,
            }
        }
        if end == start {
            return Err(self.unexpected());
        }
        command.span = Span::new(start, end);
        Ok(Command::Simple(command))
    }

    /// bash's `[[ … ]]`: `&&`, `<`, `(` … are operands inside it, so every token up to `]]` is a
    /// word of the `[[` command. Returns where `]]` ends.
    fn parse_test_expression(&mut self, words: &mut Vec<Word>) -> Parse<usize> {
        loop {
            match self.peek() {
                Token::Eof => return Err(self.unexpected()),
                Token::Newline => {
                    self.consume_newline();
                }
                _ => {
                    let word = match self.byte_at(self.pos) {
                        Some(b'<' | b'>' | b'&' | b'|' | b'(' | b')' | b';') => {
                            self.operator_word()
                        }
                        _ => self.word()?,
                    };
                    words.push(word);
                    if word.text(self.source) == "]]" {
                        return Ok(word.span.end as usize);
                    }
                }
            }
        }
    }

    /// An operator taken as a plain word (inside `[[ … ]]`): one or two operator bytes.
    fn operator_word(&mut self) -> Word {
        let start = self.pos;
        let doubled = matches!(
            (self.byte_at(start), self.byte_at(start + 1)),
            (Some(b'&'), Some(b'&')) | (Some(b'|'), Some(b'|'))
        );
        self.pos += if doubled { 2 } else { 1 };
        Word::plain(Span::new(start, self.pos))
    }

    fn parse_redirect(&mut self) -> Parse<Redirect> {
        let start = self.pos;
        let fd = self.descriptor_prefix().map(|(fd, digits)| {
            self.pos += digits;
            fd
        });
        let (op, len) = self.redirect_operator()?;
        self.pos += len;
        if self.peek() != Token::Word {
            return Err(self.unexpected());
        }
        let target = self.word()?;
        if let RedirectOp::Heredoc { strip_tabs } = op {
            self.pending_heredocs.push(PendingHeredoc {
                marker: start as u32,
                delimiter: target.unquoted(self.source).into_owned(),
                strip_tabs,
            });
        }
        Ok(Redirect {
            fd,
            op,
            target,
            span: Span::new(start, target.span.end as usize),
            heredoc_body: None,
        })
    }

    fn redirect_operator(&self) -> Parse<(RedirectOp, usize)> {
        let at = |offset| self.byte_at(self.pos + offset);
        Ok(match (at(0), at(1), at(2)) {
            (Some(b'&'), Some(b'>'), Some(b'>')) => (RedirectOp::AppendAll, 3),
            (Some(b'&'), Some(b'>'), _) => (RedirectOp::WriteAll, 2),
            (Some(b'>'), Some(b'>'), _) => (RedirectOp::Append, 2),
            (Some(b'>'), Some(b'|'), _) => (RedirectOp::Clobber, 2),
            (Some(b'>'), Some(b'&'), _) => (RedirectOp::DupOutput, 2),
            (Some(b'>'), _, _) => (RedirectOp::Write, 1),
            (Some(b'<'), Some(b'<'), Some(b'<')) => (RedirectOp::HereString, 3),
            (Some(b'<'), Some(b'<'), Some(b'-')) => (RedirectOp::Heredoc { strip_tabs: true }, 3),
            (Some(b'<'), Some(b'<'), _) => (RedirectOp::Heredoc { strip_tabs: false }, 2),
            (Some(b'<'), Some(b'>'), _) => (RedirectOp::ReadWrite, 2),
            (Some(b'<'), Some(b'&'), _) => (RedirectOp::DupInput, 2),
            (Some(b'<'), _, _) => (RedirectOp::Read, 1),
            _ => return Err(self.unexpected()),
        })
    }

    /// Redirections after a compound command (`done > log`, `} 2>&1`).
    fn parse_trailing_redirects(&mut self) -> Parse<Vec<Redirect>> {
        let mut redirects = Vec::new();
        while self.peek() == Token::Redirect {
            redirects.push(self.parse_redirect()?);
        }
        Ok(redirects)
    }

    fn parse_subshell(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += 1;
        let body = self.nested_list()?;
        if self.peek() != Token::RParen {
            return Err(self.unexpected());
        }
        self.pos += 1;
        let closed = self.pos;
        let redirects = self.parse_trailing_redirects()?;
        let span = Span::new(start, end_after(closed, &redirects));
        Ok(Command::Subshell {
            body,
            redirects,
            span,
        })
    }

    fn parse_group(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += Reserved::OpenBrace.len();
        let body = self.nested_list()?;
        let closed = self.expect_reserved(Reserved::CloseBrace)?;
        let redirects = self.parse_trailing_redirects()?;
        let span = Span::new(start, end_after(closed, &redirects));
        Ok(Command::Group {
            body,
            redirects,
            span,
        })
    }

    fn parse_if(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += Reserved::If.len();
        let mut lists = vec![self.nested_list()?];
        self.expect_reserved(Reserved::Then)?;
        lists.push(self.nested_list()?);
        let closed = loop {
            match self.peek_reserved() {
                Some(Reserved::Elif) => {
                    self.pos += Reserved::Elif.len();
                    lists.push(self.nested_list()?);
                    self.expect_reserved(Reserved::Then)?;
                    lists.push(self.nested_list()?);
                }
                Some(Reserved::Else) => {
                    self.pos += Reserved::Else.len();
                    lists.push(self.nested_list()?);
                    break self.expect_reserved(Reserved::Fi)?;
                }
                _ => break self.expect_reserved(Reserved::Fi)?,
            }
        };
        self.finish_compound(CompoundKind::If, start, closed, Vec::new(), lists)
    }

    fn parse_loop(&mut self, kind: CompoundKind, keyword: Reserved) -> Parse<Command> {
        let start = self.pos;
        self.pos += keyword.len();
        let condition = self.nested_list()?;
        self.expect_reserved(Reserved::Do)?;
        let body = self.nested_list()?;
        let closed = self.expect_reserved(Reserved::Done)?;
        self.finish_compound(kind, start, closed, Vec::new(), vec![condition, body])
    }

    /// `for name [in words…] ; do list done` (the `in` part and the separator are optional), or
    /// bash's `for (( init; test; step )) do list done`.
    fn parse_for(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += Reserved::For.len();
        let mut words = Vec::new();
        if self.peek() == Token::LParen && self.byte_at(self.pos + 1) == Some(b'(') {
            self.skip_arithmetic_header()?;
            if self.peek() == Token::Semi {
                self.pos += 1;
            }
        } else {
            if self.peek() != Token::Word {
                return Err(self.unexpected());
            }
            words.push(self.word()?);
            self.parse_for_words(&mut words)?;
        }
        self.skip_linebreaks();
        self.expect_reserved(Reserved::Do)?;
        let body = self.nested_list()?;
        let closed = self.expect_reserved(Reserved::Done)?;
        self.finish_compound(CompoundKind::For, start, closed, words, vec![body])
    }

    /// The optional `in words… ;` after a `for` variable, and the separator before `do`.
    fn parse_for_words(&mut self, words: &mut Vec<Word>) -> Parse<()> {
        self.skip_linebreaks();
        if self.peek_reserved() == Some(Reserved::In) {
            self.pos += Reserved::In.len();
            while self.peek() == Token::Word {
                words.push(self.word()?);
            }
            match self.peek() {
                Token::Semi => self.pos += 1,
                Token::Newline => {
                    self.consume_newline();
                }
                _ => return Err(self.unexpected()),
            }
        } else if self.peek() == Token::Semi {
            self.pos += 1;
        }
        Ok(())
    }

    /// Skips `(( … ))` after `for`, through the parenthesis that balances the first one. The
    /// arithmetic inside runs no command, so nothing in it is kept.
    fn skip_arithmetic_header(&mut self) -> Parse<()> {
        let mut open = 0usize;
        while let Some(byte) = self.byte_at(self.pos) {
            self.pos += 1;
            match byte {
                b'(' => open += 1,
                b')' => {
                    open = open.saturating_sub(1);
                    if open == 0 {
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        Err(self.unexpected())
    }

    /// `case word in [(]pattern[|pattern…]) list ;; … esac`.
    fn parse_case(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += Reserved::Case.len();
        if self.peek() != Token::Word {
            return Err(self.unexpected());
        }
        let subject = self.word()?;
        self.skip_linebreaks();
        self.expect_reserved(Reserved::In)?;
        let mut lists = Vec::new();
        let closed = loop {
            self.skip_linebreaks();
            if self.peek_reserved() == Some(Reserved::Esac) {
                self.pos += Reserved::Esac.len();
                break self.pos;
            }
            self.parse_case_patterns()?;
            lists.push(self.nested_list()?);
            match self.peek() {
                Token::CaseEnd(len) => self.pos += len,
                _ if self.reserved_here() == Some(Reserved::Esac) => {}
                _ => return Err(self.unexpected()),
            }
        };
        self.finish_compound(CompoundKind::Case, start, closed, vec![subject], lists)
    }

    /// `[(]pattern[|pattern…])` before a case clause's list.
    fn parse_case_patterns(&mut self) -> Parse<()> {
        if self.peek() == Token::LParen {
            self.pos += 1;
        }
        loop {
            if self.peek() != Token::Word {
                return Err(self.unexpected());
            }
            self.word()?;
            match self.peek() {
                Token::Pipe(1) => self.pos += 1,
                Token::RParen => {
                    self.pos += 1;
                    return Ok(());
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn finish_compound(
        &mut self,
        kind: CompoundKind,
        start: usize,
        closed: usize,
        words: Vec<Word>,
        lists: Vec<List>,
    ) -> Parse<Command> {
        let redirects = self.parse_trailing_redirects()?;
        let span = Span::new(start, end_after(closed, &redirects));
        Ok(Command::Compound {
            kind,
            words,
            lists,
            redirects,
            span,
        })
    }

    fn at_compound_command(&mut self) -> bool {
        match self.peek() {
            Token::LParen => true,
            Token::Word => matches!(
                self.reserved_here(),
                Some(
                    Reserved::OpenBrace
                        | Reserved::If
                        | Reserved::While
                        | Reserved::Until
                        | Reserved::For
                        | Reserved::Case
                )
            ),
            _ => false,
        }
    }

    /// `name ( ) body`, at the `(`; the name is already scanned.
    fn parse_function_def(&mut self, start: usize, name: Word) -> Parse<Command> {
        self.pos += 1;
        if self.peek() != Token::RParen {
            return Err(self.unexpected());
        }
        self.pos += 1;
        self.parse_function_body(start, name)
    }

    /// bash's `function name [()] body`.
    fn parse_function_keyword(&mut self) -> Parse<Command> {
        let start = self.pos;
        self.pos += Reserved::Function.len();
        if self.peek() != Token::Word {
            return Err(self.unexpected());
        }
        let name = self.word()?;
        if self.peek() == Token::LParen {
            self.pos += 1;
            if self.peek() != Token::RParen {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        self.parse_function_body(start, name)
    }

    /// The body must be a compound command (`f() echo hi` is a syntax error in every shell). It
    /// is checked before parsing it, so that `f() g() h() …` cannot recurse without bound.
    fn parse_function_body(&mut self, start: usize, name: Word) -> Parse<Command> {
        self.skip_linebreaks();
        if !self.at_compound_command() {
            return Err(self.unexpected());
        }
        let body = self.parse_command()?;
        let span = Span::new(start, body.span().end as usize);
        Ok(Command::FunctionDef {
            name,
            body: Box::new(body),
            span,
        })
    }

    // ----- heredocs -----

    /// Reads the bodies of the pending heredocs, in order, from the start of the current line.
    /// A body without its delimiter line runs to the end of the script, as in the shell.
    fn read_heredoc_bodies(&mut self) {
        for heredoc in std::mem::take(&mut self.pending_heredocs) {
            let body_start = self.pos;
            let mut body_end = self.bytes.len();
            while self.pos < self.bytes.len() {
                let line_start = self.pos;
                let line_stop = line_end(self.bytes, line_start);
                self.pos = (line_stop + 1).min(self.bytes.len());
                let line = self.bytes.get(line_start..line_stop).unwrap_or_default();
                if is_delimiter_line(line, &heredoc) {
                    body_end = line_start;
                    break;
                }
            }
            let body = Span::new(body_start, body_end.max(body_start));
            self.heredoc_bodies.push((heredoc.marker, body));
        }
    }

    // ----- recovery -----

    /// Turns the item that failed at `error` into an opaque command, skipping to the next
    /// separator. Nested, it stops before anything that closes the enclosing list, so that
    /// `if a; then b (; fi` only loses `b (`.
    fn recover(&mut self, start: usize, error: Unexpected, top_level: bool) -> AndOr {
        self.pos = self.pos.max(error.at);
        let mut end = self.pos;
        let terminator = loop {
            let token = self.peek();
            let at = self.pos;
            match token {
                Token::Eof => break None,
                Token::Newline => break Some((Terminator::Newline, self.consume_newline())),
                Token::Semi | Token::Amp => {
                    self.pos += 1;
                    let kind = if token == Token::Semi {
                        Terminator::Semicolon
                    } else {
                        Terminator::Background
                    };
                    break Some((kind, Span::new(at, at + 1)));
                }
                _ if !top_level && self.at_list_end(false) => break None,
                Token::Word => match scan_word(self.bytes, at) {
                    Ok(word) => self.pos = word.span.end as usize,
                    Err(error) => self.pos = error.at,
                },
                // Parsed rather than skipped so that a heredoc's body is not read as commands.
                Token::Redirect => {
                    if let Err(error) = self.parse_redirect() {
                        self.pos = self.pos.max(error.at);
                    }
                }
                Token::CaseEnd(len) | Token::Pipe(len) => self.pos += len,
                Token::AndIf | Token::OrIf => self.pos += 2,
                Token::LParen | Token::RParen => self.pos += 1,
            }
            if self.pos == at {
                self.pos = self.next_char_boundary(at);
            }
            end = self.pos;
        };
        if end <= start && terminator.is_none() {
            // Cannot happen (an item never starts on something that ends a list), but a list must
            // always move forward.
            end = self.next_char_boundary(start);
            self.pos = self.pos.max(end);
        }
        let span = Span::new(start, self.trim_blanks_before(end, start));
        AndOr {
            pipelines: vec![Pipeline {
                negated: false,
                commands: vec![Command::Opaque { span }],
                span,
            }],
            connectors: Vec::new(),
            terminator,
            span,
        }
    }

    /// Moves `end` back over blanks and newlines (an unclosed construct fails at the end of the
    /// script, after any trailing empty lines), but not before `start`.
    fn trim_blanks_before(&self, end: usize, start: usize) -> usize {
        let mut end = end.max(start);
        while end > start && matches!(self.byte_at(end - 1), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            end -= 1;
        }
        end
    }

    fn next_char_boundary(&self, from: usize) -> usize {
        let mut at = from + 1;
        while at < self.source.len() && !self.source.is_char_boundary(at) {
            at += 1;
        }
        at.min(self.source.len())
    }
}

/// The end of a compound command: after its closing token, or after its last redirection.
fn end_after(closed: usize, redirects: &[Redirect]) -> usize {
    redirects
        .last()
        .map_or(closed, |redirect| redirect.span.end as usize)
}

fn is_delimiter_line(line: &[u8], heredoc: &PendingHeredoc) -> bool {
    let mut line = line.strip_suffix(b"\r").unwrap_or(line);
    if heredoc.strip_tabs {
        let tabs = line.iter().take_while(|&&b| b == b'\t').count();
        line = line.get(tabs..).unwrap_or_default();
    }
    line == heredoc.delimiter.as_bytes()
}

/// Fills `heredoc_body` of every heredoc redirect; `bodies` is sorted by redirect start because
/// bodies are read in the order their redirects appear.
fn attach_heredoc_bodies(list: &mut List, bodies: &[(u32, Span)]) {
    for item in &mut list.items {
        for pipeline in &mut item.pipelines {
            for command in &mut pipeline.commands {
                attach_to_command(command, bodies);
            }
        }
    }
}

fn attach_to_command(command: &mut Command, bodies: &[(u32, Span)]) {
    match command {
        Command::Simple(simple) => attach_to_redirects(&mut simple.redirects, bodies),
        Command::Subshell {
            body, redirects, ..
        }
        | Command::Group {
            body, redirects, ..
        } => {
            attach_heredoc_bodies(body, bodies);
            attach_to_redirects(redirects, bodies);
        }
        Command::Compound {
            lists, redirects, ..
        } => {
            for list in lists {
                attach_heredoc_bodies(list, bodies);
            }
            attach_to_redirects(redirects, bodies);
        }
        Command::FunctionDef { body, .. } => attach_to_command(body, bodies),
        Command::Opaque { .. } => {}
    }
}

fn attach_to_redirects(redirects: &mut [Redirect], bodies: &[(u32, Span)]) {
    for redirect in redirects {
        if !matches!(redirect.op, RedirectOp::Heredoc { .. }) {
            continue;
        }
        if let Ok(index) = bodies.binary_search_by_key(&redirect.span.start, |&(at, _)| at) {
            redirect.heredoc_body = bodies.get(index).map(|&(_, body)| body);
        }
    }
}
