//! The `layerlint` binary: parse the command line, run the command, turn the outcome into an
//! exit code. Everything else lives in the library or in `cli/`.
//!
//! The binary defines the C `main` itself instead of Rust's: a linter started once per file (a
//! pre-commit hook, an editor) pays its start on every run, and Rust's runtime set-up does work
//! this program has no use for, before any of ours: it allocates before `main` (so the allocator
//! maps its first memory before `cli::pages` can choose small pages, and clears a whole huge page
//! for it), and it reads `/proc/self/maps` to find the main thread's stack guard. What the
//! runtime did that matters here is done below: `SIGPIPE` ignored (a closed pipe is then an error
//! the output code handles), a panic reported with exit code 101, standard output flushed.
#![cfg_attr(all(unix, not(test)), no_main)]

mod cli;

use clap::Parser;
#[cfg(unix)]
use std::io::Write;
#[cfg(unix)]
use std::os::unix::ffi::OsStrExt;

/// mimalloc instead of the system allocator: linting allocates many small, short-lived strings
/// and vectors per instruction, and glibc's malloc spent about a quarter of the time of a large
/// file in allocating, freeing and consolidating them (see README, "Speed on large files").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Called by the C runtime; std's own set-up does not run (see the module's comment).
///
/// # Safety
///
/// `argv` holds `argc` pointers to NUL-terminated strings, as the C runtime passes them.
#[cfg(unix)]
#[cfg_attr(not(test), unsafe(no_mangle))]
pub unsafe extern "C" fn main(argc: libc::c_int, argv: *const *const libc::c_char) -> libc::c_int {
    // Before the first allocation: see cli/pages.rs.
    cli::pages::start_small();
    // SAFETY: setting a signal's disposition to "ignore" has no handler to race with.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    // The arguments come from the C runtime: std learns them in its own set-up on some C
    // libraries (musl), which does not run here.
    let args = (0..usize::try_from(argc).unwrap_or(0))
        .map(|i| {
            // SAFETY: the C runtime passes `argc` pointers to NUL-terminated strings that live
            // as long as the process.
            let arg = unsafe { std::ffi::CStr::from_ptr(*argv.add(i)) };
            std::ffi::OsStr::from_bytes(arg.to_bytes()).to_os_string()
        })
        .collect();
    // A panic prints its message (the default hook) and ends the run with 101, as Rust's own
    // `main` does; unwinding into the C runtime would abort instead.
    let code = std::panic::catch_unwind(|| run(args)).unwrap_or(101);
    // Rust flushes standard output when its `main` returns; this one must do it. Leaving with
    // `_exit` then skips the allocator's clean-up at exit, which returns every page to the
    // kernel only for the process to end.
    let _ = std::io::stdout().flush();
    // SAFETY: nothing else is running that needs the process's exit handlers: the output is
    // flushed, and temporary files are removed by their owners' `Drop` before `run` returns.
    unsafe { libc::_exit(code) }
}

/// Elsewhere, Rust's own `main`.
#[cfg(not(unix))]
fn main() -> std::process::ExitCode {
    let code = run(std::env::args_os().collect());
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(2))
}

/// The command line parsed and run; the exit code.
fn run(args: Vec<std::ffi::OsString>) -> i32 {
    let args = cli::with_default_command(args);
    // clap prints usage errors itself and exits with 2, as CLI.md requires.
    let parsed = cli::Cli::parse_from(args);
    cli::run(parsed).code()
}
