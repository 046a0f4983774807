//! Where and how the commands write: colour, the tool's own errors, and a closed pipe.

use std::io::{self, IsTerminal};

/// Whether colour is allowed at all (`--no-color`, `NO_COLOR`); each stream then uses it only
/// when it is a terminal.
#[derive(Clone, Copy, Debug)]
pub struct ColorPolicy {
    forbidden: bool,
}

impl ColorPolicy {
    pub fn from_env(no_color_flag: bool) -> ColorPolicy {
        // no-color.org: set and not empty means no colour.
        let env_forbids = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        ColorPolicy {
            forbidden: no_color_flag || env_forbids,
        }
    }

    pub fn stdout(self) -> bool {
        !self.forbidden && io::stdout().is_terminal()
    }

    pub fn stderr(self) -> bool {
        !self.forbidden && io::stderr().is_terminal()
    }
}

/// Makes miette, which prints the tool's own errors, follow the same colour rule as the report.
pub fn install_error_style(color: ColorPolicy) {
    let use_color = color.stderr();
    // Setting the hook fails only if it was set before, and then the first setting stands.
    let _ = miette::set_hook(Box::new(move |_| {
        Box::new(miette::MietteHandlerOpts::new().color(use_color).build())
    }));
}

/// Prints one of the tool's own errors (not a finding) to standard error.
pub fn print_error(err: impl miette::Diagnostic + Send + Sync + 'static) {
    eprintln!("{:?}", miette::Report::new(err));
}

/// A reader that stopped reading (`layerlint … | head`) is not a failure of the tool.
pub fn is_closed_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}
