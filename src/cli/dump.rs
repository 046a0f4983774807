//! `layerlint dump`: the parse tree as BuildKit's parser tests print it, for conformance checks.

use super::Exit;
use super::args::DumpArgs;
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use codespan_reporting::term::termcolor::{ColorChoice, StandardStream};
use layerlint::Diagnostic;
use layerlint::files::{self, Input, STDIN_PATH};
use layerlint::report::{FileReport, Report, human, printable};
use layerlint::syntax;
use std::io::{self, Write};

pub fn run(args: &DumpArgs, color: ColorPolicy) -> Exit {
    let input = if args.file.as_os_str() == STDIN_PATH {
        Input::Stdin
    } else {
        Input::Path(args.file.clone())
    };
    let file = match files::load(&input, None) {
        Ok(file) => file,
        Err(err) => {
            print_error(err);
            return Exit::Trouble;
        }
    };
    if let Some(found) = file.invalid_utf8 {
        // BuildKit's dump escapes such bytes one by one; this one cannot show them.
        eprintln!(
            "warning: {} is not valid UTF-8 (byte 0x{:02x} at line {}, column {}); the dump shows each invalid sequence as U+FFFD",
            printable(&file.name),
            found.byte,
            found.line,
            found.column
        );
    }
    let tree = syntax::parse(&file.text);
    // Only errors that make BuildKit's parser reject the file stop the dump; an unknown
    // instruction still has a tree, as it has in BuildKit.
    let dumped = syntax::dump::dump(&tree);
    let clean = dumped.is_ok();
    let written = match dumped {
        Ok(text) => print_tree(&text),
        Err(errors) => {
            let findings = errors
                .iter()
                .map(|e| Diagnostic::syntax_error(e.span, e.message.clone()))
                .collect();
            print_syntax_errors(FileReport::new(file.name, file.text, findings), color)
        }
    };
    match written {
        Err(err) if !is_closed_pipe(&err) => {
            eprintln!("error: cannot write: {err}");
            Exit::Trouble
        }
        _ if clean => Exit::Clean,
        _ => Exit::Findings,
    }
}

fn print_tree(text: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

fn print_syntax_errors(file: FileReport, color: ColorPolicy) -> io::Result<()> {
    let choice = if color.stderr() {
        ColorChoice::Always
    } else {
        ColorChoice::Never
    };
    let mut err = StandardStream::stderr(choice);
    human::write(&Report::new(vec![file]), &mut err, true)
}
