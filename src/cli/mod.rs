//! The command line: what the user can type, and what each command makes of it.
//!
//! Names, flags and exit codes are a public contract (see CLI.md); change them only on purpose.

mod args;
mod check;
mod diff;
mod docs;
mod dump;
mod fix;
mod image;
mod layers;
mod output;
pub mod pages;
mod rules;
mod server;
mod settings;
mod shellcheck;
mod window;

pub use args::{Cli, Command, with_default_command};

/// How a run ended, as the exit code tells scripts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// No finding at or above the fail level.
    Clean,
    /// At least one finding at or above the fail level (after fixing, with `--fix`); with
    /// `--diff`, a diff was printed.
    Findings,
    /// The tool could not do its job: bad usage, a path it could not read, a file that is not
    /// text, a fixed file that could not be written back.
    Trouble,
}

impl Exit {
    /// The process's exit code, as CLI.md lists them.
    pub fn code(self) -> i32 {
        match self {
            Exit::Clean => 0,
            Exit::Findings => 1,
            Exit::Trouble => 2,
        }
    }
}

pub fn run(cli: Cli) -> Exit {
    let color = output::ColorPolicy::from_env(cli.no_color);
    output::install_error_style(color);
    match cli.command {
        Command::Check(args) => check::run(&args, color),
        Command::Dump(args) => dump::run(&args, color),
        Command::Layers(args) => layers::run(&args, color),
        Command::Image(args) => image::run(&args),
        Command::Rules => rules::list(),
        Command::Rule(args) => rules::show(&args.rule),
        Command::Completions(args) => docs::completions(args.shell),
        Command::Man => docs::man_page(),
        Command::Server(args) => server::run(&args),
    }
}
