//! `layerlint server`: the language server (src/server), on standard input and output.

use super::Exit;

pub fn run() -> Exit {
    // The protocol's exit codes: 0 after `shutdown` then `exit`, 1 otherwise.
    match layerlint::server::serve_stdio() {
        0 => Exit::Clean,
        _ => Exit::Findings,
    }
}
