//! Helpers shared by the integration tests: corpus discovery, the structural checks every
//! parsed tree must pass, and (in `image`) building a Dockerfile and reading what the image holds.
#![allow(dead_code)]

pub mod image;
pub mod process;

use layerlint::syntax::{self, Args, Dockerfile, Instruction, Item, Word};
use std::fs;
use std::path::{Path, PathBuf};

/// A temporary directory holding `files` (relative path, content), for the tests that run the
/// binary on a small project.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (relative, content) in files {
        let path = dir.path().join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create directories");
        }
        fs::write(path, content).expect("write file");
    }
    dir
}

pub fn shared(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(dir)
}

pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in
            fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        {
            let path = entry.expect("directory entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "MANIFEST.tsv") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// Checks every structural promise of the tree; returns the broken ones.
pub fn check_tree(df: &Dockerfile) -> Vec<String> {
    let mut problems = Vec::new();
    let len = df.source.len() as u32;
    let mut at = 0;
    let mut rebuilt = String::with_capacity(df.source.len());
    for item in &df.items {
        let span = item.span();
        if span.start != at {
            problems.push(format!(
                "gap or overlap at byte {at}: next item starts at {}",
                span.start
            ));
        }
        at = span.end;
        rebuilt.push_str(df.text(span));
        if let Item::Instruction(instruction) = item {
            check_instruction(df, instruction, &mut problems);
        }
    }
    if at != len {
        problems.push(format!("items end at {at}, file has {len} bytes"));
    }
    for run in syntax::script::run_scripts(df) {
        let Some(script) = &run.script else { continue };
        for command in script.simple_commands() {
            let span = run.file_span(command.command.span);
            if !run.instruction.lines.contains(span)
                || !df.source.is_char_boundary(span.start as usize)
            {
                problems.push(format!(
                    "command span {span:?} outside {:?}",
                    run.instruction.lines
                ));
            }
        }
    }
    if *rebuilt != *df.source {
        problems.push("items do not reproduce the file".to_string());
    }
    for error in &df.errors {
        if error.span.end > len {
            problems.push(format!("error span {:?} outside the file", error.span));
        }
    }
    problems
}

fn check_instruction(df: &Dockerfile, ins: &Instruction, problems: &mut Vec<String>) {
    let inside = |problems: &mut Vec<String>, what: &str, span: layerlint::Span| {
        if !ins.lines.contains(span) {
            problems.push(format!(
                "{what} {span:?} outside its instruction {:?}",
                ins.lines
            ));
        }
    };
    inside(problems, "span", ins.span);
    inside(problems, "keyword", ins.keyword_span);
    for flag in ins.flags() {
        inside(problems, "flag", flag.span);
        // As Docker reads it: a flag may be split by a line continuation.
        if !ins.line_map_text(flag.span).starts_with("--") {
            problems.push(format!(
                "flag span {:?} is {:?}",
                flag.span,
                df.text(flag.span)
            ));
        }
    }
    for heredoc in ins.heredocs() {
        inside(problems, "heredoc body", heredoc.body);
        inside(problems, "heredoc terminator", heredoc.terminator);
    }
    if ins.keyword != syntax::Keyword::Unknown
        // As Docker reads it: a keyword may be split by a line continuation.
        && !ins
            .line_map_text(ins.keyword_span)
            .eq_ignore_ascii_case(ins.keyword.as_str())
    {
        problems.push(format!("keyword span is {:?}", df.text(ins.keyword_span)));
    }
    for word in words(&ins.args) {
        inside(problems, "word", word.span);
        // A plain word written on one line slices back to exactly its text.
        let text = df.text(word.span);
        if !ins.is_json() && !text.contains('\n') && text != word.text {
            problems.push(format!("word {:?} slices to {:?}", word.text, text));
        }
    }
}

fn words(args: &Args) -> Vec<&Word> {
    match args {
        Args::None | Args::Onbuild(_) => Vec::new(),
        Args::Text(w) => vec![w],
        Args::Json(ws) | Args::Words(ws) => ws.iter().collect(),
        Args::KeyValues(pairs, _) => pairs.iter().flat_map(|p| [&p.key, &p.value]).collect(),
        Args::Healthcheck { kind, command } => {
            let mut all: Vec<&Word> = vec![kind];
            all.extend(words(command));
            all
        }
    }
}
