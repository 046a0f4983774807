//! The `layerlint` binary: parse the command line, run the command, turn the outcome into an
//! exit code. Everything else lives in the library or in `cli/`.

mod cli;

use clap::Parser;
use std::process::ExitCode;

/// mimalloc instead of the system allocator: linting allocates many small, short-lived strings
/// and vectors per instruction, and glibc's malloc spent about a quarter of the time of a large
/// file in allocating, freeing and consolidating them (see README, "Speed on large files").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Before the first allocation: see cli/pages.rs.
    cli::pages::start_small();
    let args = cli::with_default_command(std::env::args_os().collect());
    // clap prints usage errors itself and exits with 2, as CLI.md requires.
    let parsed = cli::Cli::parse_from(args);
    cli::run(parsed).into()
}
