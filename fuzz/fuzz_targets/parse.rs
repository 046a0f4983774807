//! Fuzz the parser and the shell splitter. Beyond "no panic", every input must give what
//! BuildKit's parser guarantees:
//! - the items tile the input, every span lies in its instruction;
//! - a heredoc starts only where Docker's word lexer starts a word (after whitespace, `[digits]<<`);
//! - `RUN`/`CMD`/`ENTRYPOINT`/`SHELL` are in exec form exactly when their whole trimmed argument
//!   is a JSON array of strings (checked against serde_json);
//! - splitting the first instruction's keyword with the escape character and a newline changes
//!   nothing in the dump (Docker joins the lines before it splits words).

#![no_main]

use layerlint::Span;
use layerlint::syntax::{self, Args, Dockerfile, Instruction, Keyword};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let dockerfile = syntax::parse(source);
    let mut at = 0;
    for item in &dockerfile.items {
        let span = item.span();
        assert_eq!(span.start, at, "items must tile the input");
        at = span.end;
    }
    assert_eq!(at as usize, source.len(), "items must cover the input");
    let dumped = syntax::dump::dump(&dockerfile);
    for instruction in dockerfile.instructions() {
        assert!(instruction.lines.contains(instruction.span));
        heredocs_start_words(instruction);
        if let Args::Onbuild(inner) = &instruction.args {
            heredocs_start_words(inner);
        }
        exec_form_is_a_json_string_array(instruction);
    }
    keyword_split_dumps_the_same(&dockerfile, dumped.ok());
    for run in syntax::script::run_scripts(&dockerfile) {
        let Some(script) = &run.script else { continue };
        for command in script.simple_commands() {
            assert!(
                run.instruction
                    .lines
                    .contains(run.file_span(command.command.span))
            );
        }
    }
    let _ = layerlint::lint(source);
});

fn heredocs_start_words(instruction: &Instruction) {
    for heredoc in instruction.heredocs() {
        let marker = instruction.line_map_text(heredoc.marker);
        let name = marker.trim_start_matches(|c: char| c.is_ascii_digit());
        assert!(name.starts_with("<<"), "marker {marker:?}");
        let before = instruction.line_map_text(Span::new(
            instruction.span.start as usize,
            heredoc.marker.start as usize,
        ));
        assert!(
            before.ends_with(char::is_whitespace),
            "marker {marker:?} after {before:?}"
        );
    }
}

fn exec_form_is_a_json_string_array(instruction: &Instruction) {
    if !matches!(
        instruction.keyword,
        Keyword::Run | Keyword::Cmd | Keyword::Entrypoint | Keyword::Shell
    ) {
        return;
    }
    let argument = match &instruction.args {
        Args::Text(word) => word.text.as_str(),
        Args::Json(words) => {
            // The array runs from the `[` before its first literal to the end of the line.
            let Some(first) = words.first() else { return };
            let line = instruction.line.trim_end();
            let Some(open) = line[..first.offset as usize].rfind('[') else {
                panic!("no [ before the first literal in {line:?}");
            };
            &line[open..]
        }
        _ => return,
    };
    // Go turns a lone surrogate escape into U+FFFD where serde_json refuses it.
    if argument.to_ascii_lowercase().contains("\\ud") {
        return;
    }
    let decoded = serde_json::from_str::<Vec<String>>(argument).ok();
    match &instruction.args {
        Args::Json(words) => {
            let texts: Vec<String> = words.iter().map(|w| w.text.to_string()).collect();
            assert_eq!(decoded, Some(texts), "exec form of {argument:?}");
        }
        _ => assert!(
            decoded.is_none(),
            "{argument:?} is a JSON string array, read as the shell form"
        ),
    }
}

fn keyword_split_dumps_the_same(dockerfile: &Dockerfile, dumped: Option<String>) {
    let Some(first) = dockerfile.instructions().next() else {
        return;
    };
    let keyword = dockerfile.text(first.keyword_span);
    if keyword.len() < 2 || !keyword.bytes().all(|b| b.is_ascii_alphabetic()) {
        return;
    }
    let cut = first.keyword_span.start as usize + 1;
    let source = &dockerfile.source;
    let changed = format!(
        "{}{}\n{}",
        &source[..cut],
        dockerfile.escape,
        &source[cut..]
    );
    let again = syntax::dump::dump(&syntax::parse(&changed)).ok();
    assert_eq!(dumped, again, "splitting the keyword changed the dump");
}
