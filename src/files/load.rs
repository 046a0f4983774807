//! Reading a file (or standard input) as the UTF-8 text the parser needs.

use super::{FileError, Input};
use crate::span::LineIndex;
use std::io::{self, Read};
use std::string::FromUtf8Error;

/// How much of a file is searched for a NUL byte: enough to catch every common binary format
/// (they put NULs in their headers) without scanning a large file twice.
const BINARY_SNIFF_LEN: usize = 8 * 1024;

/// A file read and decoded, ready to lint.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub input: Input,
    /// The name findings are reported under.
    pub name: String,
    pub text: String,
}

/// Reads one input. `stdin_name` is what standard input is reported as (`-` when `None`).
pub fn load(input: &Input, stdin_name: Option<&str>) -> Result<SourceFile, FileError> {
    let name = input.display_name(stdin_name);
    let bytes = read_bytes(input).map_err(|err| FileError::unreadable(name.as_str(), &err))?;
    let text = decode(&name, bytes)?;
    Ok(SourceFile {
        input: input.clone(),
        name,
        text,
    })
}

fn read_bytes(input: &Input) -> io::Result<Vec<u8>> {
    match input {
        Input::Path(path) => std::fs::read(path),
        Input::Stdin => {
            let mut bytes = Vec::new();
            io::stdin().lock().read_to_end(&mut bytes)?;
            Ok(bytes)
        }
    }
}

/// Turns the bytes of the file called `name` into text, refusing binary files and invalid UTF-8.
/// A byte-order mark is kept: the parser records it as an item of its own.
pub fn decode(name: &str, bytes: Vec<u8>) -> Result<String, FileError> {
    let sniffed = &bytes[..bytes.len().min(BINARY_SNIFF_LEN)];
    if let Some(offset) = sniffed.iter().position(|&b| b == 0) {
        return Err(FileError::Binary {
            path: name.to_string(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|err| invalid_utf8(name, &err))
}

fn invalid_utf8(name: &str, err: &FromUtf8Error) -> FileError {
    let bytes = err.as_bytes();
    let at = err.utf8_error().valid_up_to();
    // Everything before `at` is valid UTF-8 (so this borrows), and the bad byte sits just past
    // its end: the position of the end of the prefix is the position of the bad byte.
    let prefix = String::from_utf8_lossy(&bytes[..at.min(bytes.len())]);
    let position = LineIndex::new(&prefix).position(&prefix, at);
    FileError::InvalidUtf8 {
        path: name.to_string(),
        line: position.line,
        column: position.column,
        byte: bytes.get(at).copied().unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_err(bytes: &[u8]) -> String {
        match decode("Dockerfile", bytes.to_vec()) {
            Ok(text) => panic!("decoded {text:?}"),
            Err(err) => err.to_string(),
        }
    }

    #[test]
    fn utf8_text_and_a_byte_order_mark_are_kept() {
        let text = decode("Dockerfile", b"\xef\xbb\xbfFROM a\n".to_vec());
        assert_eq!(text.ok().as_deref(), Some("\u{feff}FROM a\n"));
    }

    #[test]
    fn a_nul_byte_near_the_start_means_binary() {
        assert_eq!(
            decode_err(b"FROM a\n\0\0"),
            "Dockerfile is not a text file (NUL byte at offset 7)"
        );
    }

    #[test]
    fn a_nul_byte_past_the_sniffed_prefix_is_not_looked_for() {
        let mut bytes = vec![b'#'; BINARY_SNIFF_LEN];
        bytes.push(0);
        assert!(decode("Dockerfile", bytes).is_ok());
    }

    #[test]
    fn invalid_utf8_is_located_by_line_and_character_column() {
        // Line 3: "RUN é" is five characters but six bytes; the bad byte is the seventh character.
        let bytes = b"FROM a\n\nRUN \xc3\xa9 \xff\n";
        assert_eq!(
            decode_err(bytes),
            "Dockerfile: invalid UTF-8 at line 3, column 7 (byte 0xff)"
        );
    }

    #[test]
    fn a_truncated_sequence_at_the_end_is_invalid_utf8() {
        assert_eq!(
            decode_err(b"FROM a\xc3"),
            "Dockerfile: invalid UTF-8 at line 1, column 7 (byte 0xc3)"
        );
    }
}
