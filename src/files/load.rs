//! Reading a file (or standard input) as the text the parser needs.
//!
//! Docker reads a Dockerfile as bytes and builds files that are not valid UTF-8 (a Latin-1
//! `MAINTAINER José` is common), so layerlint lints them too: each invalid sequence becomes
//! U+FFFD, and the first one is recorded for the LL003 finding. Only a file with a NUL byte in
//! its first 8,000 bytes, which git too calls binary, is refused.

use super::read::{DOCKERFILE_LIMIT, ReadError, read_limited, read_regular};
use super::{FileError, Input};
use crate::span::LineIndex;
use std::io;

/// How much of a file is searched for a NUL byte: what git searches to call a file binary.
const BINARY_SNIFF_LEN: usize = 8000;

/// A file read and decoded, ready to lint.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub input: Input,
    /// The name findings are reported under.
    pub name: String,
    pub text: String,
    /// Where the bytes stopped being UTF-8, when they did: `text` is then not the file's bytes.
    pub invalid_utf8: Option<InvalidUtf8>,
    /// The bytes as read, kept only when they are not `text` (invalid UTF-8), so that a filter
    /// (`--fix` on standard input) can give them back unchanged.
    pub original: Option<Vec<u8>>,
}

/// The first bytes that are not UTF-8, located in the decoded text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidUtf8 {
    /// Byte offset in the decoded text of the U+FFFD that stands for them.
    pub offset: usize,
    /// 1-based line and character column.
    pub line: usize,
    pub column: usize,
    /// The first byte that is not UTF-8.
    pub byte: u8,
    /// How many invalid sequences the file holds (each became one U+FFFD).
    pub count: usize,
}

/// Reads one input. `stdin_name` is what standard input is reported as (`-` when `None`).
pub fn load(input: &Input, stdin_name: Option<&str>) -> Result<SourceFile, FileError> {
    let name = input.display_name(stdin_name);
    let bytes = read_bytes(input).map_err(|err| FileError::Unreadable {
        path: name.clone(),
        reason: err.reason(),
    })?;
    let kept = matches!(input, Input::Stdin).then(|| bytes.clone());
    let (text, invalid_utf8) = decode(&name, bytes)?;
    Ok(SourceFile {
        input: input.clone(),
        name,
        text,
        invalid_utf8,
        original: kept.filter(|_| invalid_utf8.is_some()),
    })
}

fn read_bytes(input: &Input) -> Result<Vec<u8>, ReadError> {
    match input {
        Input::Path(path) => read_regular(path, DOCKERFILE_LIMIT),
        Input::Stdin => read_limited(io::stdin().lock(), DOCKERFILE_LIMIT),
    }
}

/// Turns the bytes of the file called `name` into text, refusing binary files. Invalid UTF-8 is
/// replaced, and where it starts is returned with the text. A byte-order mark is kept: the parser
/// records it as an item of its own.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<(String, Option<InvalidUtf8>), FileError> {
    let sniffed = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(offset) = memchr::memchr(0, sniffed) {
        return Err(FileError::Binary {
            path: name.to_string(),
            offset,
        });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, None)),
        Err(err) => {
            let at = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let byte = bytes.get(at).copied().unwrap_or_default();
            let text = String::from_utf8_lossy(&bytes).into_owned();
            // Up to `at` the bytes were valid and are unchanged, so `at` is also the offset of
            // the first U+FFFD in the decoded text.
            let position = LineIndex::new(&text).position(&text, at);
            let count = invalid_sequences(&bytes);
            let found = InvalidUtf8 {
                offset: at,
                line: position.line,
                column: position.column,
                byte,
                count,
            };
            Ok((text, Some(found)))
        }
    }
}

/// How many invalid sequences `bytes` holds, counted as `from_utf8_lossy` replaces them.
fn invalid_sequences(bytes: &[u8]) -> usize {
    bytes
        .utf8_chunks()
        .filter(|chunk| !chunk.invalid().is_empty())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, Option<InvalidUtf8>) {
        match decode("Dockerfile", bytes.to_vec()) {
            Ok(found) => found,
            Err(err) => panic!("refused: {err}"),
        }
    }

    #[test]
    fn utf8_text_and_a_byte_order_mark_are_kept() {
        assert_eq!(
            decoded(b"\xef\xbb\xbfFROM a\n"),
            ("\u{feff}FROM a\n".to_string(), None)
        );
    }

    #[test]
    fn a_nul_byte_near_the_start_means_binary() {
        let err = decode("Dockerfile", b"FROM a\n\0\0".to_vec()).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("Dockerfile is not a text file (NUL byte at offset 7)")
        );
    }

    #[test]
    fn a_nul_byte_past_git_s_prefix_is_not_looked_for() {
        let mut bytes = vec![b'#'; BINARY_SNIFF_LEN];
        bytes.push(0);
        assert!(decode("Dockerfile", bytes).is_ok());
        let mut bytes = vec![b'#'; BINARY_SNIFF_LEN - 1];
        bytes.push(0);
        assert!(decode("Dockerfile", bytes).is_err());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_located_by_line_and_character_column() {
        // Line 3: "RUN é" is five characters but six bytes; the bad byte is the seventh character.
        let (text, found) = decoded(b"FROM a\n\nRUN \xc3\xa9 \xff\nMAINTAINER Jos\xe9\n");
        assert_eq!(text, "FROM a\n\nRUN é \u{fffd}\nMAINTAINER Jos\u{fffd}\n");
        let found = found.expect("invalid UTF-8 found");
        assert_eq!((found.line, found.column, found.byte), (3, 7, 0xff));
        assert_eq!(found.count, 2);
        assert_eq!(&text[found.offset..found.offset + 3], "\u{fffd}");
    }

    #[test]
    fn a_truncated_sequence_at_the_end_is_invalid_utf8() {
        let (text, found) = decoded(b"FROM a\xc3");
        assert_eq!(text, "FROM a\u{fffd}");
        let found = found.expect("invalid UTF-8 found");
        assert_eq!((found.line, found.column, found.byte), (1, 7, 0xc3));
    }

    #[test]
    fn control_bytes_other_than_nul_are_text() {
        assert_eq!(decoded(b"FROM a\x01\x1b\n").1, None);
    }
}
