//! The parser over ../shared/corpus (2,900+ real Dockerfiles): no panic, a lossless tree, and
//! spans that lie inside the input and slice back to the text they name.

mod common;

use common::{check_tree, files_under, shared};
use layerlint::syntax::{self, ErrorKind};
use std::fs;
use std::path::Path;

#[test]
fn corpus_parses_losslessly_with_sound_spans() {
    let files = files_under(&shared("corpus"));
    assert!(files.len() > 2900, "corpus has {} files", files.len());
    let mut broken = Vec::new();
    let mut rejected = Vec::new();
    for path in &files {
        let bytes = fs::read(path).expect("readable");
        let Ok(source) = String::from_utf8(bytes) else {
            rejected.push(format!("{}: not UTF-8", path.display()));
            continue;
        };
        let df = syntax::parse(&source);
        for problem in check_tree(&df) {
            broken.push(format!("{}: {problem}", path.display()));
        }
        if let Some(e) = df.errors.first() {
            let line = layerlint::LineIndex::new(&source).line_of(e.span.start as usize) + 1;
            let kind = match e.kind {
                ErrorKind::Parse => "parser",
                ErrorKind::Instruction => "instruction",
                ErrorKind::Build => "build",
            };
            rejected.push(format!("{}:{line}: {kind}: {}", path.display(), e.message));
        }
    }
    assert!(
        broken.is_empty(),
        "{} problems:\n{}",
        broken.len(),
        broken[..broken.len().min(40)].join("\n")
    );
    // A handful of corpus files are deliberately invalid; the list says which and why.
    let root = format!("{}/", shared("corpus").display());
    let actual: Vec<String> = rejected.iter().map(|r| r.replace(&root, "")).collect();
    let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus-ll001.txt");
    let listed = fs::read_to_string(&list).expect("list");
    let header: Vec<&str> = listed.lines().filter(|l| l.starts_with('#')).collect();
    if std::env::var_os("LAYERLINT_BLESS").is_some() {
        fs::write(
            &list,
            format!("{}\n{}\n", header.join("\n"), actual.join("\n")),
        )
        .expect("write list");
        return;
    }
    let expected: Vec<&str> = listed.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        actual, expected,
        "the files that give LL001 changed; review, then LAYERLINT_BLESS=1 cargo test --test corpus"
    );
}

#[test]
fn templates_give_ll001_unless_listed_as_valid_syntax() {
    let root = shared("corpus-templates");
    let files = files_under(&root);
    assert!(files.len() > 100);
    let listed =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/templates-valid.txt"))
            .expect("list");
    let valid: Vec<&str> = listed.lines().filter(|l| !l.starts_with('#')).collect();
    let mut surprises = Vec::new();
    for path in &files {
        let Ok(source) = fs::read_to_string(path) else {
            continue;
        };
        let df = syntax::parse(&source);
        let problems = check_tree(&df);
        assert!(problems.is_empty(), "{}: {problems:?}", path.display());
        let name = path
            .strip_prefix(&root)
            .expect("under root")
            .display()
            .to_string();
        let has_ll001 = layerlint::lint(&source).iter().any(|d| d.code == "LL001");
        if has_ll001 == valid.contains(&name.as_str()) {
            surprises.push(format!("{name}: LL001 {has_ll001}"));
        }
    }
    assert!(
        surprises.is_empty(),
        "templates changed verdict:\n{}",
        surprises.join("\n")
    );
}
