//! Whole scripts through [`split`]: structure, word values and spans.

use super::*;

/// The text of a span.
fn text(script: &Script, span: Span) -> &str {
    script.text(span)
}

/// The words of every simple command, as literals (`?` for a dynamic word).
fn commands(script: &Script) -> Vec<Vec<String>> {
    script
        .simple_commands()
        .map(|command| {
            command
                .command
                .words
                .iter()
                .map(|word| {
                    command
                        .literal(word)
                        .map_or_else(|| "?".to_owned(), |w| w.into_owned())
                })
                .collect()
        })
        .collect()
}

fn names(script: &Script) -> Vec<String> {
    script
        .simple_commands()
        .map(|command| {
            command
                .name()
                .map_or_else(String::new, |name| name.into_owned())
        })
        .collect()
}

fn only_item(script: &Script) -> &AndOr {
    assert_eq!(script.body.items.len(), 1, "{:#?}", script.body);
    &script.body.items[0]
}

fn only_command(script: &Script) -> &Command {
    let item = only_item(script);
    assert_eq!(item.pipelines.len(), 1);
    assert_eq!(item.pipelines[0].commands.len(), 1);
    &item.pipelines[0].commands[0]
}

fn simple(command: &Command) -> &SimpleCommand {
    match command {
        Command::Simple(simple) => simple,
        other => panic!("not a simple command: {other:?}"),
    }
}

fn opaque_texts(script: &Script) -> Vec<&str> {
    script
        .commands()
        .filter_map(|(command, _)| match command {
            Command::Opaque { span } => Some(script.text(*span)),
            _ => None,
        })
        .collect()
}

#[test]
fn apt_get_chain() {
    let source = "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*";
    let script = split(source);
    let item = only_item(&script);
    assert_eq!(item.pipelines.len(), 3);
    let connectors: Vec<_> = item
        .connectors
        .iter()
        .map(|&(c, span)| (c, text(&script, span)))
        .collect();
    assert_eq!(connectors, [(Connector::And, "&&"), (Connector::And, "&&")]);
    assert_eq!(item.terminator, None);
    assert_eq!(text(&script, item.span), source);
    let spans: Vec<&str> = item
        .pipelines
        .iter()
        .map(|p| text(&script, p.span))
        .collect();
    assert_eq!(
        spans,
        [
            "apt-get update",
            "apt-get install -y curl",
            "rm -rf /var/lib/apt/lists/*"
        ]
    );
    assert_eq!(
        commands(&script),
        [
            vec!["apt-get", "update"],
            vec!["apt-get", "install", "-y", "curl"],
            vec!["rm", "-rf", "/var/lib/apt/lists/*"],
        ]
    );
    let rm = script.simple_commands().nth(2).unwrap();
    assert_eq!(
        text(&script, rm.command.span),
        "rm -rf /var/lib/apt/lists/*"
    );
    assert!(rm.command.words[2].has_glob());
    assert!(rm.has_flag("-r") && rm.has_flag("-f"));
}

#[test]
fn sequence_and_pipeline() {
    let script = split("cd /tmp; curl -fsSL \"$URL\" | tar -xz");
    assert_eq!(script.body.items.len(), 2);
    let first = &script.body.items[0];
    assert_eq!(
        first.terminator.map(|(t, s)| (t, text(&script, s))),
        Some((Terminator::Semicolon, ";"))
    );
    let pipeline = &script.body.items[1].pipelines[0];
    assert_eq!(pipeline.commands.len(), 2);
    assert_eq!(
        text(&script, pipeline.span),
        "curl -fsSL \"$URL\" | tar -xz"
    );
    assert_eq!(
        commands(&script),
        [
            vec!["cd", "/tmp"],
            vec!["curl", "-fsSL", "?"],
            vec!["tar", "-xz"]
        ]
    );
    let curl = script.simple_commands().nth(1).unwrap();
    assert_eq!(curl.text(curl.command.words[2].span), "\"$URL\"");
    assert!(curl.command.words[2].has_expansion());
    assert!(curl.context.in_pipeline && curl.has_flag("-L"));
    assert!(!script.simple_commands().next().unwrap().context.in_pipeline);
}

#[test]
fn subshell_keeps_its_cd_inside() {
    let script = split("(cd /src && make) && make install");
    let item = only_item(&script);
    assert_eq!(item.connectors.len(), 1);
    let Command::Subshell {
        body,
        redirects,
        span,
    } = &item.pipelines[0].commands[0]
    else {
        panic!("not a subshell");
    };
    assert_eq!(text(&script, *span), "(cd /src && make)");
    assert!(redirects.is_empty());
    assert_eq!(body.items.len(), 1);
    assert_eq!(body.items[0].pipelines.len(), 2);
    assert_eq!(names(&script), ["cd", "make", "make"]);
    let contexts: Vec<bool> = script
        .simple_commands()
        .map(|c| c.context.in_subshell)
        .collect();
    assert_eq!(contexts, [true, true, false]);
}

#[test]
fn group_with_redirect() {
    let script = split("{ echo a; echo b; } > /out");
    let Command::Group {
        body,
        redirects,
        span,
    } = only_command(&script)
    else {
        panic!("not a group");
    };
    assert_eq!(text(&script, *span), "{ echo a; echo b; } > /out");
    assert_eq!(body.items.len(), 2);
    assert_eq!(redirects.len(), 1);
    let redirect = &redirects[0];
    assert_eq!(redirect.op, RedirectOp::Write);
    assert_eq!(redirect.fd, None);
    assert_eq!(text(&script, redirect.span), "> /out");
    assert_eq!(script.literal(&redirect.target).as_deref(), Some("/out"));
    assert!(redirect.writes_file(&script.source));
    assert_eq!(commands(&script), [vec!["echo", "a"], vec!["echo", "b"]]);
    assert!(
        script
            .simple_commands()
            .all(|c| c.context == Context::default())
    );
}

#[test]
fn if_statement() {
    let script = split("if [ -f x ]; then rm x; fi");
    let Command::Compound {
        kind,
        words,
        lists,
        redirects,
        span,
    } = only_command(&script)
    else {
        panic!("not compound");
    };
    assert_eq!(*kind, CompoundKind::If);
    assert!(words.is_empty() && redirects.is_empty());
    assert_eq!(text(&script, *span), "if [ -f x ]; then rm x; fi");
    assert_eq!(lists.len(), 2);
    assert_eq!(
        commands(&script),
        [vec!["[", "-f", "x", "]"], vec!["rm", "x"]]
    );
    let test = script.simple_commands().next().unwrap();
    assert!(test.context.in_condition && test.context.in_compound);
    assert!(!test.command.words[0].has_glob());
}

#[test]
fn if_elif_else() {
    let script = split("if a\nthen b\nelif c; then d\nelse e\nfi > log");
    let Command::Compound {
        lists, redirects, ..
    } = only_command(&script)
    else {
        panic!("not compound");
    };
    assert_eq!(lists.len(), 5);
    assert_eq!(redirects.len(), 1);
    assert_eq!(names(&script), ["a", "b", "c", "d", "e"]);
    let conditions: Vec<bool> = script
        .simple_commands()
        .map(|c| c.context.in_condition)
        .collect();
    assert_eq!(conditions, [true, false, true, false, false]);
}

#[test]
fn for_loop() {
    let script = split("for f in *.tgz; do tar xf \"$f\"; done");
    let Command::Compound {
        kind,
        words,
        lists,
        span,
        ..
    } = only_command(&script)
    else {
        panic!("not compound");
    };
    assert_eq!(*kind, CompoundKind::For);
    assert_eq!(
        text(&script, *span),
        "for f in *.tgz; do tar xf \"$f\"; done"
    );
    let header: Vec<&str> = words.iter().map(|w| text(&script, w.span)).collect();
    assert_eq!(header, ["f", "*.tgz"]);
    assert!(words[1].has_glob());
    assert_eq!(lists.len(), 1);
    assert_eq!(commands(&script), [vec!["tar", "xf", "?"]]);
    assert!(script.simple_commands().next().unwrap().context.in_compound);
}

#[test]
fn for_without_in_and_loops() {
    let script =
        split("for a do echo \"$a\"; done; while true; do sleep 1; done; until x; do y; done");
    assert_eq!(script.body.items.len(), 3);
    assert_eq!(names(&script), ["echo", "true", "sleep", "x", "y"]);
    let kinds: Vec<CompoundKind> = script
        .commands()
        .filter_map(|(command, _)| match command {
            Command::Compound { kind, .. } => Some(*kind),
            _ => None,
        })
        .collect();
    assert_eq!(
        kinds,
        [CompoundKind::For, CompoundKind::While, CompoundKind::Until]
    );
}

#[test]
fn command_substitution_stays_in_one_word() {
    let script = split("echo \"$(date +%s)\" > /build-time");
    let echo = simple(only_command(&script));
    assert_eq!(echo.words.len(), 2);
    assert_eq!(text(&script, echo.words[1].span), "\"$(date +%s)\"");
    assert!(echo.words[1].has_expansion());
    assert_eq!(script.literal(&echo.words[1]), None);
    assert_eq!(echo.redirects.len(), 1);
    assert_eq!(
        script.literal(&echo.redirects[0].target).as_deref(),
        Some("/build-time")
    );
    assert_eq!(
        text(&script, echo.span),
        "echo \"$(date +%s)\" > /build-time"
    );
}

#[test]
fn backticks_stay_in_one_word() {
    let script = split("cd `dirname $0` && echo `ls \"a b\"`x");
    assert_eq!(names(&script), ["cd", "echo"]);
    let words: Vec<Vec<&str>> = script
        .simple_commands()
        .map(|c| {
            c.command
                .words
                .iter()
                .map(|w| text(&script, w.span))
                .collect()
        })
        .collect();
    assert_eq!(
        words,
        [vec!["cd", "`dirname $0`"], vec!["echo", "`ls \"a b\"`x"]]
    );
}

#[test]
fn leading_assignments() {
    let script = split("FOO=1 BAR=\"a b\" ./configure --prefix=/usr");
    let command = simple(only_command(&script));
    let assignments: Vec<(&str, String)> = command
        .assignments
        .iter()
        .map(|w| {
            let (name, value) = w.assignment(&script.source).unwrap();
            (name, script.literal(&value).unwrap().into_owned())
        })
        .collect();
    assert_eq!(
        assignments,
        [("FOO", "1".to_owned()), ("BAR", "a b".to_owned())]
    );
    assert_eq!(commands(&script), [vec!["./configure", "--prefix=/usr"]]);
    let configure = script.simple_commands().next().unwrap();
    assert!(configure.is("configure"));
    assert!(configure.has_flag("--prefix"));
}

#[test]
fn export_and_bare_assignment() {
    let script = split("export A=1\nFOO=bar");
    let export = simple(&script.body.items[0].pipelines[0].commands[0]);
    assert!(export.assignments.is_empty());
    assert_eq!(commands(&script)[0], ["export", "A=1"]);
    let bare = simple(&script.body.items[1].pipelines[0].commands[0]);
    assert!(bare.words.is_empty());
    assert_eq!(bare.assignments.len(), 1);
    assert_eq!(text(&script, bare.span), "FOO=bar");
    assert_eq!(names(&script), ["export", ""]);
}

#[test]
fn set_with_trailing_semicolon() {
    let script = split("set -eux;");
    let item = only_item(&script);
    assert_eq!(item.terminator.map(|(t, _)| t), Some(Terminator::Semicolon));
    assert_eq!(text(&script, item.span), "set -eux");
    assert_eq!(commands(&script), [vec!["set", "-eux"]]);
    assert!(script.simple_commands().next().unwrap().has_flag("-e"));
}

#[test]
fn background() {
    let script = split("cmd &");
    let item = only_item(&script);
    assert_eq!(
        item.terminator.map(|(t, s)| (t, text(&script, s))),
        Some((Terminator::Background, "&"))
    );
    assert!(script.simple_commands().next().unwrap().context.background);
}

#[test]
fn and_or_mix() {
    let script = split("a || b && c");
    let item = only_item(&script);
    let connectors: Vec<Connector> = item.connectors.iter().map(|&(c, _)| c).collect();
    assert_eq!(connectors, [Connector::Or, Connector::And]);
    assert_eq!(names(&script), ["a", "b", "c"]);
    let after_or: Vec<bool> = script
        .simple_commands()
        .map(|c| c.context.after_or)
        .collect();
    assert_eq!(after_or, [false, true, false]);
}

#[test]
fn comment_lines_in_a_multi_line_script() {
    let source = "set -e\n# install tools\napt-get update # refresh\n\n  # done\nrm -rf /tmp/x";
    let script = split(source);
    assert_eq!(names(&script), ["set", "apt-get", "rm"]);
    let comments: Vec<&str> = script.comments.iter().map(|&s| text(&script, s)).collect();
    assert_eq!(comments, ["# install tools", "# refresh", "# done"]);
    let terminators: Vec<_> = script
        .body
        .items
        .iter()
        .map(|i| i.terminator.map(|(t, _)| t))
        .collect();
    assert_eq!(
        terminators,
        [Some(Terminator::Newline), Some(Terminator::Newline), None]
    );
}

#[test]
fn single_quoted_script_is_one_word() {
    let script = split("sh -c 'echo hi; rm -rf /'");
    assert_eq!(commands(&script), [vec!["sh", "-c", "echo hi; rm -rf /"]]);
    assert_eq!(script.simple_commands().count(), 1);
}

#[test]
fn heredoc_body_is_skipped() {
    let source = "cat <<EOF > /etc/x\nline $A\nrm -rf /\nEOF\necho done";
    let script = split(source);
    assert_eq!(names(&script), ["cat", "echo"]);
    let cat = simple(&script.body.items[0].pipelines[0].commands[0]);
    assert_eq!(cat.redirects.len(), 2);
    let heredoc = &cat.redirects[0];
    assert_eq!(heredoc.op, RedirectOp::Heredoc { strip_tabs: false });
    assert_eq!(text(&script, heredoc.span), "<<EOF");
    assert_eq!(
        heredoc.heredoc_body.map(|s| text(&script, s)),
        Some("line $A\nrm -rf /\n")
    );
    assert!(!heredoc.target.is_quoted());
    assert_eq!(cat.redirects[1].heredoc_body, None);
    assert_eq!(text(&script, cat.span), "cat <<EOF > /etc/x");
}

#[test]
fn heredoc_variants() {
    // Quoted delimiter, tab-stripped terminator, two heredocs on one line, body after `&&`.
    let source = "cat <<'END' <<-TWO && echo x\n$not\nEND\none\n\tTWO\nafter";
    let script = split(source);
    assert_eq!(names(&script), ["cat", "echo", "after"]);
    let cat = simple(&script.body.items[0].pipelines[0].commands[0]);
    let bodies: Vec<Option<&str>> = cat
        .redirects
        .iter()
        .map(|r| r.heredoc_body.map(|s| text(&script, s)))
        .collect();
    assert_eq!(bodies, [Some("$not\n"), Some("one\n")]);
    assert!(cat.redirects[0].target.is_quoted());
    assert_eq!(
        cat.redirects[1].op,
        RedirectOp::Heredoc { strip_tabs: true }
    );
}

#[test]
fn heredoc_without_body_is_tolerated() {
    let script = split("cat <<EOF > /x && echo hi");
    assert_eq!(names(&script), ["cat", "echo"]);
    let cat = script.simple_commands().next().unwrap();
    assert_eq!(cat.command.redirects[0].heredoc_body, None);
    // A body without its delimiter runs to the end, as in the shell.
    let script = split("cat <<EOF\nno end");
    assert_eq!(names(&script), ["cat"]);
    let cat = script.simple_commands().next().unwrap();
    assert_eq!(
        cat.command.redirects[0]
            .heredoc_body
            .map(|s| text(&script, s)),
        Some("no end")
    );
}

#[test]
fn garbage_becomes_opaque() {
    let script = split("echo ( ;; ))");
    assert_eq!(opaque_texts(&script), ["echo ( ;; ))"]);
    assert_eq!(script.simple_commands().count(), 0);
}

#[test]
fn parsing_resumes_after_garbage() {
    let script = split("echo ) x\nls -l");
    assert_eq!(opaque_texts(&script), [") x"]);
    assert_eq!(names(&script), ["echo", "ls"]);
    let script = split("if a; then b (; fi; c");
    assert_eq!(opaque_texts(&script), ["b ("]);
    assert_eq!(names(&script), ["a", "c"]);
    let script = split("fi; done\nok");
    assert_eq!(opaque_texts(&script), ["fi", "done"]);
    assert_eq!(names(&script), ["ok"]);
}

#[test]
fn unclosed_constructs_run_to_the_end() {
    for source in [
        "(cd /x && make",
        "echo 'unterminated; rm -rf /",
        "if true; then a",
        "{ a; b",
    ] {
        let script = split(source);
        assert_eq!(opaque_texts(&script), [source], "{source}");
        assert_eq!(script.simple_commands().count(), 0, "{source}");
    }
    let script = split("{ a; b\n\n  \n");
    assert_eq!(opaque_texts(&script), ["{ a; b"]);
}

#[test]
fn empty_and_comment_only_scripts() {
    for source in ["", "   ", "\n\n", " \\\n "] {
        let script = split(source);
        assert!(script.body.items.is_empty(), "{source:?}");
        assert!(script.comments.is_empty());
    }
    let script = split("# one\n  # two\n");
    assert!(script.body.items.is_empty());
    let comments: Vec<&str> = script.comments.iter().map(|&s| text(&script, s)).collect();
    assert_eq!(comments, ["# one", "# two"]);
}

#[test]
fn unicode_words() {
    let script = split("echo héllo \"wörld ✓\" → && touch /tmp/日本");
    assert_eq!(
        commands(&script),
        [
            vec!["echo", "héllo", "wörld ✓", "→"],
            vec!["touch", "/tmp/日本"]
        ]
    );
    let touch = script.simple_commands().nth(1).unwrap();
    assert_eq!(touch.text(touch.command.span), "touch /tmp/日本");
}

#[test]
fn redirections_with_descriptors() {
    let script = split("make 2>&1 >>log 3<in <>rw >|clob &>all &>>more <<<str <&0 >&-");
    let make = simple(only_command(&script));
    assert_eq!(make.words.len(), 1);
    let redirects: Vec<(Option<u32>, RedirectOp, &str)> = make
        .redirects
        .iter()
        .map(|r| (r.fd, r.op, text(&script, r.target.span)))
        .collect();
    assert_eq!(
        redirects,
        [
            (Some(2), RedirectOp::DupOutput, "1"),
            (None, RedirectOp::Append, "log"),
            (Some(3), RedirectOp::Read, "in"),
            (None, RedirectOp::ReadWrite, "rw"),
            (None, RedirectOp::Clobber, "clob"),
            (None, RedirectOp::WriteAll, "all"),
            (None, RedirectOp::AppendAll, "more"),
            (None, RedirectOp::HereString, "str"),
            (None, RedirectOp::DupInput, "0"),
            (None, RedirectOp::DupOutput, "-"),
        ]
    );
    assert!(!make.redirects[0].writes_file(&script.source));
    assert!(make.redirects[1].writes_file(&script.source));
    assert_eq!(text(&script, make.redirects[0].span), "2>&1");
}

#[test]
fn redirect_only_command_and_digits_as_words() {
    let script = split("> /tmp/empty; echo 2 > x; echo a2>y");
    let all: Vec<(Vec<String>, Vec<&str>)> = script
        .simple_commands()
        .map(|c| {
            let words = c
                .command
                .words
                .iter()
                .map(|w| text(&script, w.span).to_owned())
                .collect();
            let targets = c
                .command
                .redirects
                .iter()
                .map(|r| text(&script, r.span))
                .collect();
            (words, targets)
        })
        .collect();
    assert_eq!(all[0], (vec![], vec!["> /tmp/empty"]));
    assert_eq!(
        all[1],
        (vec!["echo".to_owned(), "2".to_owned()], vec!["> x"])
    );
    assert_eq!(
        all[2],
        (vec!["echo".to_owned(), "a2".to_owned()], vec![">y"])
    );
}

#[test]
fn line_continuations_join() {
    let source = "apt-get install \\\n  curl \\\n  git && ec\\\nho ok";
    let script = split(source);
    assert_eq!(
        commands(&script),
        [
            vec!["apt-get", "install", "curl", "git"],
            vec!["echo", "ok"]
        ]
    );
    assert_eq!(script.body.items.len(), 1);
}

#[test]
fn negation_and_reserved_words_as_arguments() {
    let script = split("! grep -q x f; echo if then fi }");
    let first = &script.body.items[0].pipelines[0];
    assert!(first.negated);
    assert_eq!(text(&script, first.span), "! grep -q x f");
    assert_eq!(commands(&script)[1], ["echo", "if", "then", "fi", "}"]);
}

#[test]
fn case_statement() {
    let source = "case \"$arch\" in\n  amd64|x86_64) A=x64 ;;\n  (arm*) A=arm; echo arm ;;\n  *) exit 1\nesac";
    let script = split(source);
    let Command::Compound {
        kind,
        words,
        lists,
        span,
        ..
    } = only_command(&script)
    else {
        panic!("not compound");
    };
    assert_eq!(*kind, CompoundKind::Case);
    assert_eq!(text(&script, words[0].span), "\"$arch\"");
    assert_eq!(lists.len(), 3);
    assert_eq!(text(&script, *span), source);
    assert_eq!(names(&script), ["", "", "echo", "exit"]);
}

#[test]
fn function_definitions_are_not_run() {
    let script = split("cleanup() { rm -rf /tmp/*; }\nfunction log { echo \"$@\"; }\ncleanup");
    let definitions: Vec<(&str, &str)> = script
        .commands()
        .filter_map(|(command, _)| match command {
            Command::FunctionDef { name, body, span } => {
                assert!(matches!(**body, Command::Group { .. }));
                Some((text(&script, name.span), text(&script, *span)))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        definitions,
        [
            ("cleanup", "cleanup() { rm -rf /tmp/*; }"),
            ("log", "function log { echo \"$@\"; }")
        ]
    );
    let run: Vec<String> = script
        .simple_commands()
        .filter(|c| !c.context.in_function)
        .map(|c| c.name().unwrap().into_owned())
        .collect();
    assert_eq!(run, ["cleanup"]);
    assert!(script.defines_functions());
}

#[test]
fn double_bracket_test_is_one_command() {
    let script = split("[[ -f a && $x < 3 || ( b ) ]] && echo yes");
    assert_eq!(names(&script), ["[[", "echo"]);
    let test = script.simple_commands().next().unwrap();
    let words: Vec<&str> = test
        .command
        .words
        .iter()
        .map(|w| text(&script, w.span))
        .collect();
    assert_eq!(
        words,
        [
            "[[", "-f", "a", "&&", "$x", "<", "3", "||", "(", "b", ")", "]]"
        ]
    );
}

#[test]
fn process_substitution_is_a_word() {
    let script = split("while read l; do :; done < <(find / -name x)");
    let Command::Compound { redirects, .. } = only_command(&script) else {
        panic!("not compound");
    };
    assert_eq!(text(&script, redirects[0].target.span), "<(find / -name x)");
    assert!(redirects[0].target.has_expansion());
}

#[test]
fn crlf_line_endings() {
    let script = split("echo a \\\r\n  b\r\necho c\r\n");
    assert_eq!(
        commands(&script),
        [vec!["echo", "a", "b"], vec!["echo", "c"]]
    );
}

#[test]
fn deep_nesting_is_capped_not_fatal() {
    let depth = 500;
    let source = format!("{}echo deep{}", "( ".repeat(depth), " )".repeat(depth));
    let script = split(&source);
    assert!(script.has_opaque());
    assert_eq!(script.simple_commands().count(), 0);
    // The outer levels are still parsed as subshells; they close on the innermost `)`s, and the
    // `)`s left over at the top level are opaque.
    let items = &script.body.items;
    assert_eq!(items.len(), 2);
    assert!(matches!(
        items[0].pipelines[0].commands[0],
        Command::Subshell { .. }
    ));
    let leftover = script.text(items[1].span);
    assert!(leftover.starts_with(')') && leftover.trim_start_matches([')', ' ']).is_empty());

    // Past the cap an `if` leaves its `then` behind, which breaks every enclosing `if` in turn:
    // all of it is opaque, and no command is invented.
    let source = format!(
        "{}true{}",
        "if a; then ".repeat(depth),
        "; fi".repeat(depth)
    );
    let script = split(&source);
    assert_eq!(script.simple_commands().count(), 0);
    let opaque = opaque_texts(&script);
    assert!(opaque[0].starts_with("if a; then if a;"));
    assert_eq!(opaque.last(), Some(&"fi"));
}

#[test]
fn spans_slice_back_everywhere() {
    let source =
        "A=1 cmd \"x y\" 'z' >out 2>&1 | other && { g; } || (s) ; for i in a; do b; done &";
    let script = split(source);
    for (command, _) in script.commands() {
        let span = command.span();
        assert!(span.end as usize <= source.len());
        let text = script.text(span);
        assert!(
            !text.is_empty() && !text.starts_with(' ') && !text.ends_with(' '),
            "{text:?}"
        );
    }
    for command in script.simple_commands() {
        for word in command
            .command
            .words
            .iter()
            .chain(&command.command.assignments)
        {
            assert!(command.command.span.contains(word.span));
        }
    }
    assert_eq!(names(&script), ["cmd", "other", "g", "s", "b"]);
}

#[test]
fn function_definitions_need_a_compound_body() {
    let script = split("f() echo hi; g() (cd /x); ok");
    assert_eq!(opaque_texts(&script), ["f() echo hi"]);
    assert_eq!(names(&script), ["cd", "ok"]);
    assert!(script.simple_commands().next().unwrap().context.in_function);
    // A chain of definitions without bodies must not recurse once per name.
    let chain = "f() ".repeat(100_000);
    let script = split(&chain);
    assert_eq!(opaque_texts(&script), [chain.trim_end()]);
}

#[test]
fn adversarial_inputs_do_not_exhaust_a_small_stack() {
    let inputs = [
        "(".repeat(10_000),
        "{ ".repeat(10_000),
        "if ".repeat(10_000),
        "while ".repeat(10_000),
        "f() { ".repeat(10_000),
        "$(".repeat(10_000),
        "\"$(".repeat(10_000),
        "${".repeat(10_000),
        "case a in b) ".repeat(10_000),
        "! ".repeat(10_000),
        "a | ".repeat(10_000),
        "<<".repeat(10_000),
    ];
    let handle = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || {
            inputs
                .iter()
                .map(|input| split(input).has_opaque())
                .collect::<Vec<_>>()
        })
        .unwrap();
    let opaque = handle.join().expect("no stack overflow");
    assert!(opaque.iter().all(|&o| o));
}

#[test]
fn bash_forms_without_a_model_are_opaque() {
    let script = split("a=(x y)\nls @(c|d)\nok");
    assert_eq!(opaque_texts(&script), ["a=(x y)", "ls @(c|d)"]);
    assert_eq!(names(&script), ["ok"]);
}

#[test]
fn arithmetic_for_keeps_its_body() {
    let source = "for ((i=0; i<(3); i++)); do make -j$i; done";
    let script = split(source);
    let Command::Compound {
        kind,
        words,
        lists,
        span,
        ..
    } = only_command(&script)
    else {
        panic!("not compound");
    };
    assert_eq!((*kind, words.len(), lists.len()), (CompoundKind::For, 0, 1));
    assert_eq!(text(&script, *span), source);
    assert_eq!(names(&script), ["make"]);
    assert_eq!(opaque_texts(&split("for ((i=0; i<3")), ["for ((i=0; i<3"]);
}
