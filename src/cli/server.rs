//! `layerlint server`: the language server (src/server), on standard input and output.

use super::Exit;
use super::args::ServerArgs;

pub fn run(args: &ServerArgs) -> Exit {
    // The protocol's exit codes: 0 after `shutdown` then `exit`, 1 otherwise.
    match layerlint::server::serve_stdio(!args.no_shellcheck) {
        0 => Exit::Clean,
        _ => Exit::Findings,
    }
}
