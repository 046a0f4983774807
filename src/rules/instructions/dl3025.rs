//! DL3025 shell-form-command: `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` in shell form.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword, Word};

pub struct ShellFormCommand;

impl Rule for ShellFormCommand {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            let command = match (&instruction.keyword, &instruction.args) {
                (Keyword::Cmd | Keyword::Entrypoint, Args::Text(word)) => word,
                (Keyword::Healthcheck, Args::Healthcheck { kind, command })
                    if kind.text.eq_ignore_ascii_case("cmd") =>
                {
                    match &**command {
                        Args::Text(word) => word,
                        _ => continue,
                    }
                }
                _ => continue,
            };
            let what = match instruction.keyword {
                Keyword::Healthcheck => "HEALTHCHECK CMD",
                other => other.as_str(),
            };
            let extra = if instruction.keyword == Keyword::Entrypoint {
                " (and a shell-form ENTRYPOINT ignores CMD and `docker run` arguments)"
            } else {
                ""
            };
            let message = format!(
                "{what} in shell form runs under `/bin/sh -c`, which becomes PID 1 and does not \
                 pass on signals such as SIGTERM{extra}; use the JSON form"
            );
            let fix = json_form(command).map(|json| Fix {
                title: format!("Rewrite {what} in JSON form"),
                applicability: Applicability::Unsafe,
                edits: vec![Edit {
                    span: command.span,
                    content: json,
                }],
            });
            cx.report(instruction.span, message).fix = fix;
        }
    }
}

/// The JSON form of a command made only of plain words (no quoting, variables, globs,
/// redirections or other shell syntax, whose meaning would change without a shell). A leading
/// `exec` is dropped (the program then runs as PID 1, which is what it asked for); a command
/// that starts with another shell builtin or a variable assignment has no exec form.
fn json_form(command: &Word) -> Option<String> {
    const BUILTINS: &[&str] = &[
        ".", "alias", "cd", "command", "eval", "export", "readonly", "set", "shift", "source",
        "trap", "ulimit", "umask", "unset", "wait", "if", "for", "while", "until", "case", "!",
    ];
    let plain = |c: char| c.is_ascii_alphanumeric() || "_./:=,@%+-".contains(c);
    let mut words: Vec<&str> = command.text.split_whitespace().collect();
    if words.first() == Some(&"exec") {
        words.remove(0);
    }
    let first = words.first()?;
    if first.contains('=') || BUILTINS.contains(first) {
        return None;
    }
    if !words.iter().all(|w| w.chars().all(plain)) {
        return None;
    }
    let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
    Some(format!("[{}]", quoted.join(", ")))
}
