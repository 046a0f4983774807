//! Deeply nested input parses without overflowing the stack, also on a thread with a small one,
//! and gives what BuildKit gives: JSON nested past Go's limit is the shell form, an `ONBUILD`
//! chain of any length dumps level by level, shell scripts nested past the splitter's cap stay
//! opaque.

use layerlint::syntax::{self, Args, ErrorKind, Keyword, dump::dump, script::run_scripts};

/// Runs `test` on a thread with a 256 KiB stack (the main thread has 8 MiB, test threads 2 MiB;
/// worker threads of a host program may have less).
fn on_small_stack<T: Send + 'static>(test: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(test)
        .expect("spawn")
        .join()
        .expect("the test thread panicked (or overflowed its stack)")
}

fn cmd_args(source: &str) -> Args {
    let df = syntax::parse(source);
    let cmd = df
        .instructions()
        .find(|i| i.keyword == Keyword::Cmd)
        .expect("a CMD");
    cmd.args.clone()
}

#[test]
fn unclosed_brackets_are_the_shell_form() {
    for keyword in ["CMD", "RUN", "ENTRYPOINT"] {
        let source = format!("FROM a\n{keyword} {}\n", "[".repeat(20_000));
        let (args, syntax_errors) = on_small_stack(move || {
            let df = syntax::parse(&source);
            let args = df.instructions().nth(1).expect("instruction").args.clone();
            let findings = layerlint::lint(&source);
            (args, findings.iter().filter(|d| d.code == "LL001").count())
        });
        assert!(
            matches!(args, Args::Text(w) if w.text.len() == 20_000),
            "{keyword}"
        );
        assert_eq!(syntax_errors, 0, "{keyword}");
    }
    let source = format!("FROM a\nCMD {}\n", "[".repeat(20_000));
    let args = on_small_stack(move || cmd_args(&source));
    assert!(matches!(args, Args::Text(_)));
}

#[test]
fn json_nested_past_go_s_limit_is_the_shell_form() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // 10,000 levels, the outer array included: valid JSON, not strings, so BuildKit rejects it.
    let at_limit = format!("FROM a\nCMD {}\n", nested(10_000));
    let (df, findings) =
        on_small_stack(move || (syntax::parse(&at_limit), layerlint::lint(&at_limit)));
    assert!(findings.iter().any(|d| d.code == "LL001"));
    assert!(df.errors.iter().any(|e| {
        e.kind == ErrorKind::Parse
            && e.message
                .contains("arrays must be comprised of strings only")
    }));
    // One level more and Go's decoder refuses it: the text is a shell command.
    let past = format!("FROM a\nCMD {}\n", nested(10_001));
    let (args, dumped) = on_small_stack(move || {
        let df = syntax::parse(&past);
        let cmd = df.instructions().nth(1).expect("CMD").args.clone();
        (cmd, dump(&df))
    });
    assert!(matches!(args, Args::Text(_)));
    let dumped = dumped.expect("BuildKit parses it");
    assert!(dumped.starts_with("(from \"a\")\n(cmd \"[[[["));
}

/// `ONBUILD ` + newline continued 20,000 times and then `RUN x`: one logical line.
fn onbuild_chain(levels: usize) -> String {
    format!("FROM a\n{}RUN x\n", "ONBUILD \\\n".repeat(levels))
}

fn expected_chain_dump(levels: usize) -> String {
    format!(
        "(from \"a\")\n({}run \"x\"{})\n",
        "onbuild (".repeat(levels),
        ")".repeat(levels)
    )
}

#[test]
fn a_long_onbuild_chain_dumps_like_buildkit() {
    for levels in [1, 2, 3, 4, 5, 6, 20_000] {
        let source = onbuild_chain(levels);
        let (dumped, chained_error) = on_small_stack(move || {
            let df = syntax::parse(&source);
            let chained = df
                .errors
                .iter()
                .any(|e| e.message.contains("Chaining ONBUILD"));
            (dump(&df), chained)
        });
        assert_eq!(dumped.as_deref(), Ok(expected_chain_dump(levels).as_str()));
        // BuildKit's parser takes the chain; its builder refuses `ONBUILD ONBUILD`.
        assert_eq!(chained_error, levels > 1, "{levels} levels");
    }
}

#[test]
fn a_long_onbuild_chain_is_linted_on_a_small_stack() {
    let source = onbuild_chain(20_000);
    let findings = on_small_stack(move || layerlint::lint(&source));
    assert!(findings.iter().any(|d| d.code == "LL001"));
}

#[test]
fn the_end_of_a_deep_chain_is_still_checked() {
    // The instruction at the end of the chain is parsed for the errors BuildKit stops on.
    let source = format!("FROM a\n{}CMD [1]\n", "ONBUILD \\\n".repeat(50));
    let df = on_small_stack(move || syntax::parse(&source));
    assert!(
        df.errors
            .iter()
            .any(|e| e.kind == ErrorKind::Parse && e.message.contains("strings only"))
    );
}

#[test]
fn a_long_onbuild_line_is_too_long_for_buildkit() {
    // On one physical line the chain passes BuildKit's 64 KiB line limit: a parse error.
    let source = format!("FROM a\n{}RUN x\n", "ONBUILD ".repeat(20_000));
    let df = on_small_stack(move || syntax::parse(&source));
    assert!(
        df.errors
            .iter()
            .any(|e| e.kind == ErrorKind::Parse && e.message.contains("max allowed size"))
    );
}

#[test]
fn deeply_nested_scripts_split_on_a_small_stack() {
    let openers = [
        "$(",
        "(",
        "{ ",
        "${a:-",
        "\"$(",
        "`",
        "if x; then ",
        "f() { ",
        "for i in a; do if b; then ",
        "case a in a) f() ( ",
    ];
    for opener in openers {
        // Continued lines, to stay under BuildKit's 64 KiB limit for one physical line.
        let source = format!("FROM a\nRUN {}\n", format!("{opener}\\\n").repeat(5_000));
        let (commands, syntax_errors) = on_small_stack(move || {
            let df = syntax::parse(&source);
            let commands = run_scripts(&df)
                .iter()
                .map(|s| s.script.as_ref().map_or(0, |s| s.simple_commands().count()))
                .sum::<usize>();
            // The rules walk the script trees too.
            let findings = layerlint::lint(&source);
            (
                commands,
                findings.iter().filter(|d| d.code == "LL001").count(),
            )
        });
        assert!(commands <= 5_000, "{opener}: {commands} commands");
        // Docker's parser takes any shell text; only the shell would refuse it.
        assert_eq!(syntax_errors, 0, "{opener}");
    }
}

#[test]
fn deeply_nested_heredoc_words_lex_on_a_small_stack() {
    // The delimiter is the word with its quotes removed, so that is what ends the body.
    let source = format!(
        "FROM a\nRUN cat <<EOF{}{}\nbody\nEOF{}{}\n",
        "${a:-\"".repeat(5_000),
        "\"}".repeat(5_000),
        "${a:-".repeat(5_000),
        "}".repeat(5_000),
    );
    let (heredocs, errors) = on_small_stack(move || {
        let df = syntax::parse(&source);
        let run = df.instructions().nth(1).expect("RUN");
        (run.heredocs().len(), df.errors.len())
    });
    assert_eq!((heredocs, errors), (1, 0));
}
