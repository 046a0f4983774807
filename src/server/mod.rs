//! `layerlint server`: a Language Server Protocol server over standard input and output.
//!
//! It publishes findings as diagnostics while a Dockerfile is edited, offers each fix (and all
//! safe fixes at once, and a pragma to ignore a rule) as code actions, and explains findings and
//! layers on hover. Each part is a file: the wire (`transport`), the loop (`session`), the open
//! documents (`documents`), positions (`positions`), configuration per file (`settings`),
//! diagnostics (`diagnostics`), code actions (`actions`), hover (`hover`) and the client process
//! watch (`lifeline`).

mod actions;
mod diagnostics;
mod documents;
mod hover;
mod lifeline;
mod positions;
mod session;
mod settings;
mod shellcheck;
mod transport;

pub use session::{DEFAULT_DEBOUNCE, Ending, FIX_ALL_COMMAND, PANIC_TEST_VARIABLE};

/// Serves one client on standard input and output until it exits; returns the exit code.
/// ShellCheck runs on `RUN` scripts unless `shellcheck` is false (`--no-shellcheck`).
pub fn serve_stdio(shellcheck: bool) -> Ending {
    let incoming = transport::spawn_reader(std::io::stdin());
    let writer = transport::Writer::new(std::io::stdout().lock());
    session::Session::new(writer, shellcheck::ShellCheck::new(shellcheck)).run(incoming)
}
