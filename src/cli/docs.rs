//! `layerlint completions SHELL` and `layerlint man`: generated from the clap definition, so
//! they can't drift from the real command line.

mod man;

use super::Exit;
use super::args::Cli;
use clap::CommandFactory;
use std::io::{self, Write};

pub fn completions(shell: clap_complete::Shell) -> Exit {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "layerlint", &mut io::stdout());
    Exit::Clean
}

pub fn man_page() -> Exit {
    let page = man::page(&Cli::command());
    match io::stdout().write_all(page.as_bytes()) {
        Ok(()) => Exit::Clean,
        Err(err) if err.kind() == io::ErrorKind::BrokenPipe => Exit::Clean,
        Err(err) => {
            eprintln!("error: cannot write the man page: {err}");
            Exit::Trouble
        }
    }
}
