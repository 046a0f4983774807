//! JSON-RPC over standard input and output, framed by `Content-Length` headers.
//!
//! The messages are lsp-server's types, but reading is done here: lsp-server's own reader thread
//! stops for good at the first body that is not a JSON-RPC message, which would let one bad
//! message from a client end the session. This reader answers such a message with a parse or
//! invalid-request error and reads on.
//!
//! Synchronous, with one reader thread and no async runtime: the server does one thing at a time
//! (linting a file takes about a millisecond), so a runtime would add weight and nothing else.

use lsp_server::{ErrorCode, Message};
use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// The largest message body read; a bigger one is skipped and answered with an error. A
/// Dockerfile that big is not linted anyway (files::DOCKERFILE_LIMIT is smaller).
const BODY_LIMIT: usize = 64 << 20;
/// The longest header line kept; the rest of a longer one is dropped.
const HEADER_LIMIT: u64 = 8 << 10;

/// What the reader thread passes on.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A body that was not a JSON-RPC message: the error to send back (id null when the message
    /// had no id that could be read).
    Garbage {
        id: serde_json::Value,
        code: ErrorCode,
        message: String,
    },
}

/// Starts the thread reading `input`; the channel closes when the input ends (or fails).
pub fn spawn_reader(input: impl Read + Send + 'static) -> Receiver<Incoming> {
    // A short queue: the reader stays at most a few messages ahead, so a flood is not buffered.
    let (sender, receiver) = sync_channel(16);
    std::thread::Builder::new()
        .name("layerlint-lsp-reader".to_string())
        .spawn(move || read_all(io::BufReader::new(input), &sender))
        .expect("the reader thread starts");
    receiver
}

fn read_all(mut input: impl BufRead, sender: &SyncSender<Incoming>) {
    loop {
        let incoming = match read_frame(&mut input) {
            Ok(Some(Frame::Body(body))) => parse(&body),
            Ok(Some(Frame::Bad(message))) => Incoming::Garbage {
                id: serde_json::Value::Null,
                code: ErrorCode::ParseError,
                message,
            },
            Ok(None) | Err(_) => return,
        };
        if sender.send(incoming).is_err() {
            return;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable length, or a body too large: skipped.
    Bad(String),
}

/// Reads one header block and its body; `None` at the end of the input.
fn read_frame(input: &mut impl BufRead) -> io::Result<Option<Frame>> {
    let mut length: Option<usize> = None;
    let mut bad_header = None;
    let mut seen_any = false;
    loop {
        let mut line = Vec::new();
        input
            .by_ref()
            .take(HEADER_LIMIT)
            .read_until(b'\n', &mut line)?;
        if line.is_empty() {
            return Ok(None);
        }
        if !line.ends_with(b"\n") && line.len() as u64 == HEADER_LIMIT {
            // Drop the rest of an overlong line.
            let mut rest = Vec::new();
            input.read_until(b'\n', &mut rest)?;
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if !seen_any {
                continue;
            }
            break;
        }
        seen_any = true;
        match text.split_once(':') {
            Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                match value.trim().parse() {
                    Ok(n) => length = Some(n),
                    Err(_) => bad_header = Some(format!("bad Content-Length header {text:?}")),
                }
            }
            Some(_) => {}
            None => bad_header = Some(format!("not a header line: {text:?}")),
        }
    }
    let Some(length) = length else {
        let reason = bad_header.unwrap_or_else(|| "a header block without Content-Length".into());
        return Ok(Some(Frame::Bad(reason)));
    };
    if length > BODY_LIMIT {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Some(Frame::Bad(format!(
            "a message of {length} bytes is too large"
        ))));
    }
    let mut body = vec![0; length];
    input.read_exact(&mut body)?;
    Ok(Some(Frame::Body(body)))
}

/// A body as a message, or the error it deserves: not JSON (or not UTF-8) is a parse error; JSON
/// that is not a request, response or notification is an invalid request, answered to its id
/// when it has one.
fn parse(body: &[u8]) -> Incoming {
    let value: serde_json::Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(err) => {
            return Incoming::Garbage {
                id: serde_json::Value::Null,
                code: ErrorCode::ParseError,
                message: format!("the message is not JSON: {err}"),
            };
        }
    };
    let id = value.get("id").cloned().unwrap_or(serde_json::Value::Null);
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(err) => Incoming::Garbage {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC request, response or notification: {err}"),
        },
    }
}

/// Writes messages to the client.
pub struct Writer<W: Write> {
    output: W,
}

impl<W: Write> Writer<W> {
    pub fn new(output: W) -> Writer<W> {
        Writer { output }
    }

    pub fn send(&mut self, message: Message) -> io::Result<()> {
        message.write(&mut self.output)
    }

    /// An error response for a message that had no usable id (lsp-server's `RequestId` cannot be
    /// null, which JSON-RPC requires here).
    pub fn send_garbage_error(
        &mut self,
        id: serde_json::Value,
        code: ErrorCode,
        message: &str,
    ) -> io::Result<()> {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        write!(self.output, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.output.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<Incoming> {
        let mut reader = io::BufReader::new(input);
        let mut out = Vec::new();
        while let Ok(Some(frame)) = read_frame(&mut reader) {
            out.push(match frame {
                Frame::Body(body) => parse(&body),
                Frame::Bad(message) => Incoming::Garbage {
                    id: serde_json::Value::Null,
                    code: ErrorCode::ParseError,
                    message,
                },
            });
        }
        out
    }

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn bad_messages_are_reported_and_reading_goes_on() {
        let mut input = Vec::new();
        input.extend(framed(b"{not json"));
        input.extend(framed(b"\xff\xfe{}"));
        input.extend(b"Garbage-Without-Length: 1\r\n\r\n");
        input.extend(framed(
            br#"{"id": 7, "jsonrpc": "2.0", "error": "not an object"}"#,
        ));
        input.extend(framed(br#"{"jsonrpc":"2.0","method":"exit"}"#));
        let read = frames(&input);
        assert_eq!(read.len(), 5, "{read:?}");
        assert!(matches!(
            &read[0],
            Incoming::Garbage {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &read[1],
            Incoming::Garbage {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(matches!(
            &read[2],
            Incoming::Garbage {
                code: ErrorCode::ParseError,
                ..
            }
        ));
        assert!(
            matches!(&read[3], Incoming::Garbage { code: ErrorCode::InvalidRequest, id, .. } if id == 7),
            "{:?}",
            read[3]
        );
        assert!(
            matches!(&read[4], Incoming::Message(Message::Notification(n)) if n.method == "exit")
        );
    }

    #[test]
    fn a_truncated_body_ends_the_input_without_a_panic() {
        assert!(frames(b"Content-Length: 100\r\n\r\n{}").is_empty());
        assert!(frames(b"Content-Length: 99999999999999999999\r\n\r\n").len() == 1);
    }
}
