//! The parser feature by feature, as the issue lists them: directives, escapes, continuations,
//! heredocs, every instruction, exec versus shell form, line endings, and recovery from errors.

use layerlint::syntax::{self, Args, Dockerfile, ErrorKind, Instruction, Item, Keyword};

fn parse(source: &str) -> Dockerfile {
    syntax::parse(source)
}

/// Parses `body` as the instructions of a stage (after a `FROM`).
fn in_stage(body: &str) -> Dockerfile {
    syntax::parse(&format!("FROM scratch\n{body}"))
}

/// The instructions after the `FROM` that `in_stage` adds.
fn body(df: &Dockerfile) -> Vec<&Instruction> {
    df.instructions().skip(1).collect()
}

fn only(df: &Dockerfile) -> &Instruction {
    let all: Vec<_> = df
        .instructions()
        .filter(|i| !(i.keyword == Keyword::From && df.text(i.span) == "FROM scratch"))
        .collect();
    assert_eq!(all.len(), 1, "expected one instruction in {:?}", df.source);
    all[0]
}

fn texts(args: &Args) -> Vec<String> {
    match args {
        Args::Json(w) | Args::Words(w) => w.iter().map(|w| w.text.to_string()).collect(),
        Args::Text(w) => vec![w.text.to_string()],
        other => panic!("no word list in {other:?}"),
    }
}

fn messages(df: &Dockerfile) -> Vec<&str> {
    df.errors.iter().map(|e| e.message.as_str()).collect()
}

// --- parser directives -------------------------------------------------------------------

#[test]
fn directives_are_read_only_at_the_top_in_any_case() {
    let df = parse(
        "# SYNTAX = docker/dockerfile:1.7\n#Escape=`\n# check=error=true\nFROM a\nRUN x `\n  y\n",
    );
    let names: Vec<_> = df
        .items
        .iter()
        .filter_map(|i| match i {
            Item::Directive(d) => Some((d.name.as_str(), d.value.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        names,
        [
            ("syntax", "docker/dockerfile:1.7"),
            ("escape", "`"),
            ("check", "error=true")
        ]
    );
    assert_eq!(df.escape, '`');
    let run = df.instructions().nth(1).unwrap();
    assert_eq!(texts(&run.args), ["x   y"]);
}

#[test]
fn a_directive_after_a_comment_or_blank_line_is_a_comment() {
    for source in [
        "# hello\n# escape=`\nFROM a\n",
        "\n# escape=`\nFROM a\n",
        "FROM a\n# escape=`\n",
    ] {
        let df = parse(source);
        assert_eq!(df.escape, '\\', "{source:?}");
        assert!(
            !df.items.iter().any(|i| matches!(i, Item::Directive(_))),
            "{source:?}"
        );
    }
}

#[test]
fn bad_directives_are_syntax_errors() {
    let df = parse("# escape=x\nFROM a\n");
    assert_eq!(
        messages(&df),
        ["invalid escape token 'x' does not match ` or \\"]
    );
    let df = parse("# syntax=a\n# syntax=b\nFROM a\n");
    assert_eq!(
        messages(&df),
        ["only one syntax parser directive can be used"]
    );
    assert_eq!(df.text(df.errors[0].span), "syntax=b");
}

// --- continuations -------------------------------------------------------------------------

#[test]
fn continuations_drop_comment_and_empty_lines_and_trailing_whitespace() {
    let df = parse("RUN a \\  \n# note\n\n    b \\\t\n  # another\n  c\n");
    let run = only(&df);
    assert_eq!(texts(&run.args), ["a     b   c"]);
    assert_eq!(run.inner_comments().len(), 2);
    assert_eq!(run.empty_continuation_lines().len(), 1);
    // The word spans the whole instruction in the file.
    let Args::Text(script) = &run.args else {
        panic!()
    };
    assert_eq!(
        df.text(script.span),
        "a \\  \n# note\n\n    b \\\t\n  # another\n  c"
    );
}

#[test]
fn an_escaped_escape_does_not_continue() {
    let df = parse("ENV A=b\\\\\nENV C=d\n");
    assert_eq!(df.instructions().count(), 2);
}

#[test]
fn backtick_escape_is_honoured_everywhere() {
    let df = parse("# escape=`\nFROM a\nRUN dir c:\\ `\n  && echo \"x`\"y\"\nENV P=c:\\a`\n b=c\n");
    let ins: Vec<_> = df.instructions().collect();
    assert_eq!(texts(&ins[1].args), ["dir c:\\   && echo \"x`\"y\""]);
    let Args::KeyValues(pairs, _) = &ins[2].args else {
        panic!()
    };
    assert_eq!(pairs.len(), 2);
    assert_eq!(pairs[0].value.text, "c:\\a");
}

#[test]
fn continuation_at_end_of_file() {
    let df = parse("FROM a\nRUN something \\");
    assert_eq!(
        texts(&df.instructions().nth(1).unwrap().args),
        ["something"]
    );
}

// --- heredocs --------------------------------------------------------------------------------

#[test]
fn heredoc_bodies_and_terminators() {
    let source = "FROM a\nRUN <<EOF\necho hi\nEOF\nCOPY <<-\"CONF\" <<'B' /etc/\n\tkey=$v\n\tCONF\nb\nB\nRUN done\n";
    let df = parse(source);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let ins: Vec<_> = df.instructions().collect();
    assert_eq!(
        ins.len(),
        4,
        "an instruction directly after the terminator is read"
    );
    let run = &ins[1].heredocs()[0];
    assert_eq!(
        (run.name.as_str(), run.chomp, run.expand),
        ("EOF", false, true)
    );
    assert_eq!(df.text(run.body), "echo hi\n");
    assert_eq!(df.text(run.terminator), "EOF\n");
    let copy = &ins[2].heredocs();
    assert_eq!(copy.len(), 2);
    assert_eq!(
        (copy[0].name.as_str(), copy[0].chomp, copy[0].expand),
        ("CONF", true, false)
    );
    assert_eq!(df.text(copy[0].body), "\tkey=$v\n");
    assert_eq!(df.text(copy[0].marker), "<<-\"CONF\"");
    assert_eq!((copy[1].name.as_str(), copy[1].expand), ("B", false));
    assert_eq!(df.text(copy[1].body), "b\n");
    assert_eq!(texts(&ins[3].args), ["done"]);
}

#[test]
fn heredocs_in_add_and_with_a_file_descriptor() {
    let df = parse("FROM a\nADD <<EOF /x\nhello\nEOF\nRUN cat 3<<IN\nz\nIN\n");
    let ins: Vec<_> = df.instructions().collect();
    assert_eq!(ins[1].heredocs()[0].name, "EOF");
    assert_eq!(ins[2].heredocs()[0].fd, Some(3));
}

#[test]
fn heredocs_are_not_read_in_json_form_or_other_instructions() {
    let df = parse("FROM a\nRUN [\"cat\", \"<<EOF\"]\nCMD cat <<EOF\nENV a=b\n");
    assert_eq!(df.instructions().count(), 4);
    assert!(df.instructions().all(|i| i.heredocs().is_empty()));
}

#[test]
fn an_unterminated_heredoc_is_an_error_with_the_marker_span() {
    let df = parse("FROM a\nRUN <<EOF\necho\n");
    assert_eq!(df.errors.len(), 1);
    assert_eq!(df.errors[0].kind, ErrorKind::Parse);
    assert_eq!(df.text(df.errors[0].span), "<<EOF");
}

// --- instructions ----------------------------------------------------------------------------

#[test]
fn from_with_platform_and_stage_name() {
    let df = parse("from --platform=$BUILDPLATFORM golang:1.22 As build\n");
    let from = only(&df);
    assert_eq!(from.keyword, Keyword::From);
    assert_eq!(df.text(from.keyword_span), "from");
    let platform = from.flag("platform").unwrap();
    assert_eq!(platform.value.as_deref(), Some("$BUILDPLATFORM"));
    assert_eq!(df.text(platform.value_span), "$BUILDPLATFORM");
    assert_eq!(texts(&from.args), ["golang:1.22", "As", "build"]);
    assert!(df.errors.is_empty());
}

#[test]
fn run_flags_and_mounts() {
    let df = in_stage(
        "RUN --mount=type=cache,target=/root/.cache --network=none --security=insecure pip install x\n",
    );
    let run = only(&df);
    assert_eq!(run.flags().len(), 3);
    let (_, mount) = run.mounts().next().unwrap();
    assert_eq!(mount.target(), Some("/root/.cache"));
    assert_eq!(texts(&run.args), ["pip install x"]);
    assert!(df.errors.is_empty());
}

#[test]
fn exec_form_versus_shell_form() {
    let df = parse(
        "CMD [\"a\", \"b c\"]\nCMD ['a']\nENTRYPOINT [\"x\"] more\nSHELL [\"pwsh\", \"-c\"]\n",
    );
    let ins: Vec<_> = df.instructions().collect();
    assert!(matches!(&ins[0].args, Args::Json(w) if w.len() == 2));
    assert_eq!(
        df.text(match &ins[0].args {
            Args::Json(w) => w[1].span,
            _ => unreachable!(),
        }),
        "\"b c\""
    );
    assert!(matches!(&ins[1].args, Args::Text(w) if w.text == "['a']"));
    // Text after the closing bracket makes the whole argument the shell form, as in BuildKit.
    assert!(matches!(&ins[2].args, Args::Text(w) if w.text == "[\"x\"] more"));
    assert!(!ins[2].is_json());
    assert!(ins[3].is_json());
}

#[test]
fn env_and_label_forms() {
    let df =
        parse("ENV A=1 B=\"two words\" C=x\\ y\nENV LEGACY some value\nLABEL a.b=\"c\" \"d\"=e\n");
    let ins: Vec<_> = df.instructions().collect();
    let Args::KeyValues(pairs, false) = &ins[0].args else {
        panic!()
    };
    let kv: Vec<_> = pairs
        .iter()
        .map(|p| (p.key.text.as_str(), p.value.text.as_str()))
        .collect();
    assert_eq!(kv, [("A", "1"), ("B", "\"two words\""), ("C", "x\\ y")]);
    let Args::KeyValues(legacy, true) = &ins[1].args else {
        panic!()
    };
    assert_eq!(
        (legacy[0].key.text.as_str(), legacy[0].value.text.as_str()),
        ("LEGACY", "some value")
    );
    let Args::KeyValues(labels, _) = &ins[2].args else {
        panic!()
    };
    assert_eq!(labels[1].key.text, "\"d\"");
}

#[test]
fn arg_with_and_without_defaults() {
    let df = parse("ARG A B=2 C=\"x y\"\n");
    assert_eq!(texts(&only(&df).args), ["A", "B=2", "C=\"x y\""]);
}

#[test]
fn copy_and_add_flags_and_json() {
    let df = in_stage(
        "COPY --from=build --chown=1:1 --chmod=644 --link --parents --exclude=*.md a b /dst/\n\
         ADD --checksum=sha256:abc --keep-git-dir=true https://x/y.git /src\n\
         COPY [\"a b\", \"/c d/\"]\n",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let ins = body(&df);
    let names: Vec<_> = ins[0].flags().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["from", "chown", "chmod", "link", "parents", "exclude"]
    );
    assert_eq!(texts(&ins[0].args), ["a", "b", "/dst/"]);
    assert_eq!(
        ins[1].flag("keep-git-dir").unwrap().value.as_deref(),
        Some("true")
    );
    assert_eq!(texts(&ins[2].args), ["a b", "/c d/"]);
}

#[test]
fn the_simple_instructions() {
    let df = in_stage(
        "EXPOSE 80/tcp 443\nVOLUME /a /b\nVOLUME [\"/c\"]\nUSER app:app\nWORKDIR /srv/app\nSTOPSIGNAL SIGTERM\nMAINTAINER Jo <jo@x>\n",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let all: Vec<Vec<String>> = body(&df).iter().map(|i| texts(&i.args)).collect();
    assert_eq!(
        all,
        [
            vec!["80/tcp", "443"],
            vec!["/a", "/b"],
            vec!["/c"],
            vec!["app:app"],
            vec!["/srv/app"],
            vec!["SIGTERM"],
            vec!["Jo <jo@x>"],
        ]
    );
}

#[test]
fn healthcheck_forms() {
    let df = in_stage(
        "HEALTHCHECK NONE\nHEALTHCHECK --interval=30s --retries=3 CMD curl -f http://x/ || exit 1\nHEALTHCHECK CMD [\"true\"]\n",
    );
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    let ins = body(&df);
    assert!(
        matches!(&ins[0].args, Args::Healthcheck { kind, command } if kind.text == "NONE" && **command == Args::None)
    );
    assert_eq!(ins[1].flags().len(), 2);
    assert!(
        matches!(&ins[1].args, Args::Healthcheck { command, .. } if matches!(&**command, Args::Text(w) if w.text == "curl -f http://x/ || exit 1"))
    );
    assert!(ins[2].is_json());
}

#[test]
fn onbuild_parses_its_instruction() {
    let df = parse("ONBUILD COPY --chown=app . /app\n");
    let Args::Onbuild(inner) = &only(&df).args else {
        panic!()
    };
    assert_eq!(inner.keyword, Keyword::Copy);
    assert_eq!(df.text(inner.keyword_span), "COPY");
    assert_eq!(inner.flag("chown").unwrap().value.as_deref(), Some("app"));
    assert_eq!(texts(&inner.args), [".", "/app"]);
    let df = parse("ONBUILD FROM x\n");
    assert_eq!(messages(&df), ["FROM isn't allowed as an ONBUILD trigger"]);
}

// --- text encodings ----------------------------------------------------------------------------

#[test]
fn crlf_bom_and_tabs() {
    let source = "\u{feff}FROM\ta\r\nRUN a \\\r\n\tb\r\n";
    let df = parse(source);
    assert!(matches!(df.items[0], Item::ByteOrderMark(_)));
    let ins: Vec<_> = df.instructions().collect();
    assert_eq!(texts(&ins[0].args), ["a"]);
    assert_eq!(texts(&ins[1].args), ["a \tb"]);
    assert_eq!(df.text(ins[1].span), "RUN a \\\r\n\tb");
}

// --- recovery --------------------------------------------------------------------------------

#[test]
fn a_bad_instruction_is_an_error_node_and_parsing_continues() {
    let df = parse("FROM a\nRUNN echo\nCOPY --form=x a b\nENV novalue\nRUN ok\n");
    let errors: Vec<_> = df
        .errors
        .iter()
        .map(|e| (df.text(e.span), e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            ("RUNN echo", "unknown instruction: RUNN (did you mean RUN?)"),
            (
                "--form=x",
                "unknown flag: form for COPY (did you mean --from?)"
            ),
            ("novalue", "ENV must have two arguments"),
        ]
    );
    let ins: Vec<_> = df.instructions().collect();
    assert_eq!(ins.len(), 5);
    assert!(ins[1].malformed && ins[2].malformed && ins[3].malformed);
    assert!(!ins[4].malformed);
}

#[test]
fn a_file_without_instructions_is_an_error() {
    for source in ["", "# only a comment\n", "\n\n  \n"] {
        let df = parse(source);
        assert_eq!(messages(&df), ["file with no instructions"], "{source:?}");
    }
}

#[test]
fn variables_are_located_in_words() {
    let df = parse("WORKDIR ${HOME:-/root}/app\n");
    let Args::Text(word) = &only(&df).args else {
        panic!()
    };
    let refs = syntax::vars::references(&word.text, df.escape);
    assert_eq!(refs.len(), 1);
    assert_eq!(&word.text[refs[0].name.clone()], "HOME");
    let at = only(&df).line_offset(word.span.start);
    assert_eq!(at, "WORKDIR ".len());
    let span = only(&df).map_span(at + refs[0].range.start, at + refs[0].range.end);
    assert_eq!(df.text(span), "${HOME:-/root}");
}

#[test]
fn a_word_after_a_continuation_is_found_on_the_logical_line() {
    let source = "RUN x \\\n  # note\n  y \\\n\n z\n";
    let df = parse(source);
    let ins = only(&df);
    let line: &str = &ins.line;
    for word in ["x", "y", "z"] {
        let in_line = line.find(word).expect("on the line");
        let in_file = source.find(word).expect("in the file");
        assert_eq!(ins.line_offset(in_file as u32), in_line, "{word}");
        assert_eq!(
            ins.map_span(in_line, in_line + 1),
            layerlint::span::Span::new(in_file, in_file + 1)
        );
    }
}

#[test]
fn a_keyword_split_by_a_continuation_is_still_the_keyword() {
    let df = parse("FROM a\nRU\\\nN echo hi\n");
    let run = df.instructions().nth(1).unwrap();
    assert_eq!(run.keyword, Keyword::Run);
    assert_eq!(df.text(run.keyword_span), "RU\\\nN");
    assert_eq!(run.line_map_text(run.keyword_span), "RUN");
    assert!(df.errors.is_empty());
}

#[test]
fn a_line_longer_than_docker_reads_is_an_error() {
    let long = format!("FROM a\nRUN echo {}\nRUN ok\n", "x".repeat(70_000));
    let df = parse(&long);
    assert_eq!(
        messages(&df),
        ["dockerfile line greater than max allowed size of 65535"]
    );
    assert_eq!(df.instructions().count(), 3);
    let fits = format!("FROM a\nRUN echo {}\n", "x".repeat(60_000));
    assert!(parse(&fits).errors.is_empty());
}

#[test]
fn a_flag_split_by_a_continuation_is_still_a_flag() {
    let df = parse("FROM a\nCOPY -\\\n-chown=app src /dst\n");
    let copy = df.instructions().nth(1).unwrap();
    assert_eq!(copy.flags().len(), 1);
    assert_eq!(copy.flags()[0].name, "chown");
    assert_eq!(df.text(copy.flags()[0].span), "-\\\n-chown=app");
    assert_eq!(copy.line_map_text(copy.flags()[0].span), "--chown=app");
    assert_eq!(texts(&copy.args), ["src", "/dst"]);
}

#[test]
fn a_long_heredoc_body_line_is_an_error_too() {
    let long = format!("FROM a\nRUN <<EOF\n{}\nEOF\n", "x".repeat(70_000));
    assert_eq!(
        messages(&parse(&long)),
        ["dockerfile line greater than max allowed size of 65535"]
    );
}

#[test]
fn heredocs_start_only_where_docker_s_lexer_starts_a_word() {
    // The quote around `${V}` closes the reference: the later `<<-EOF!=` is a word of its own.
    let df = parse("FROM a\nRUN [ \"${V}\" <<-EOF!= x ]\nbody\n\tEOF!=\nRUN next\n");
    let run = df.instructions().nth(1).unwrap();
    assert_eq!(run.heredocs().len(), 1);
    assert_eq!(run.heredocs()[0].name, "EOF!=");
    assert_eq!(df.instructions().count(), 3);
    assert!(df.errors.is_empty(), "{:?}", df.errors);
    // An unclosed quote anywhere on the line: Docker's lexer fails and sees no heredoc at all.
    let df = parse("FROM a\nRUN yum <<EOF'update -y\nRUN next\n");
    assert!(df.instructions().all(|i| i.heredocs().is_empty()));
    assert_eq!(df.instructions().count(), 3);
    // A marker glued to a quote's end is inside that word.
    let df = parse("FROM a\nRUN echo \"a\"<<EOF\nRUN next\n");
    assert!(df.instructions().all(|i| i.heredocs().is_empty()));
}

#[test]
fn heredocs_under_one_onbuild_only() {
    let df = parse("FROM a\nONBUILD RUN <<EOF\nbody\nEOF\n");
    let Args::Onbuild(inner) = &df.instructions().nth(1).unwrap().args else {
        panic!()
    };
    assert_eq!(inner.heredocs().len(), 1);
    // Docker looks through one ONBUILD, so `<<EOF` here is plain text and `EOF` an instruction.
    let df = parse("FROM a\nONBUILD ONBUILD RUN <<EOF\nEOF\n");
    assert_eq!(df.instructions().count(), 3);
    assert!(df.instructions().all(|i| i.heredocs().is_empty()));
}

#[test]
fn the_dump_reads_keywords_from_the_logical_line() {
    let df = parse("FROM a\nRU\\\nN echo hi\nfo\\\n\no x\n\\");
    assert_eq!(
        syntax::dump::dump(&df).unwrap(),
        "(from \"a\")\n(run \"echo hi\")\n(foo \"\")\n(\"\")\n"
    );
}

#[test]
fn keywords_are_matched_as_go_lower_cases_them() {
    // Go maps the Kelvin sign to `k`, so BuildKit reads this as WORKDIR.
    let df = parse("FROM a\nWOR\u{212a}DIR /app\n");
    let workdir = df.instructions().nth(1).unwrap();
    assert_eq!(workdir.keyword, Keyword::Workdir);
    assert_eq!(
        syntax::dump::dump(&df).unwrap(),
        "(from \"a\")\n(workdir \"/app\")\n"
    );
}
