//! Property tests: random text and mutated corpus files never panic the parser, always give a
//! tree that reproduces the input, and the dump and the linter cope with whatever comes out.

mod common;

use common::{check_tree, files_under, shared};
use layerlint::syntax;
use proptest::prelude::*;
use std::sync::OnceLock;

fn corpus_sample() -> &'static [String] {
    static SAMPLE: OnceLock<Vec<String>> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        files_under(&shared("corpus"))
            .iter()
            .step_by(7)
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .collect()
    })
}

fn assert_sound(source: &str) {
    let df = syntax::parse(source);
    let problems = check_tree(&df);
    assert!(problems.is_empty(), "{problems:?}\nfor input {source:?}");
    let _ = syntax::dump::dump(&df);
    for diagnostic in layerlint::lint(source) {
        assert!(diagnostic.span.end as usize <= source.len());
        assert!(source.is_char_boundary(diagnostic.span.start as usize));
        assert!(source.is_char_boundary(diagnostic.span.end as usize));
    }
}

/// Pieces that exercise the tricky paths more often than uniform random text would.
fn dockerfile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM alpine\n".to_string()),
        Just("RUN a \\\n".to_string()),
        Just("RUN <<EOF\n".to_string()),
        Just("COPY <<-\"A\" <<B /x\n".to_string()),
        Just("EOF\n".to_string()),
        Just("\tA\n".to_string()),
        Just("# escape=`\n".to_string()),
        Just("# syntax=x\n".to_string()),
        Just("ENV a=\"b c\" d=e\\\n".to_string()),
        Just("ONBUILD RUN [\"a\", 1]\n".to_string()),
        Just("HEALTHCHECK --interval=1s CMD [\"x\"]\n".to_string()),
        Just("\\\n".to_string()),
        Just("`\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("  # comment\n".to_string()),
        Just("${A:-b}".to_string()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
        any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn random_text_parses_soundly(source in any::<String>()) {
        assert_sound(&source);
    }

    #[test]
    fn dockerfile_like_text_parses_soundly(pieces in prop::collection::vec(dockerfile_piece(), 0..24)) {
        assert_sound(&pieces.concat());
    }

    #[test]
    fn mutated_corpus_files_parse_soundly(
        index in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in dockerfile_piece(),
        drop in 0usize..40,
    ) {
        let sample = corpus_sample();
        prop_assume!(!sample.is_empty());
        let original = &sample[index.index(sample.len())];
        let mut at = cut.index(original.len() + 1);
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        let mut end = (at + drop).min(original.len());
        while !original.is_char_boundary(end) {
            end -= 1;
        }
        let mutated = format!("{}{}{}", &original[..at], insert, &original[end.max(at)..]);
        assert_sound(&mutated);
    }
}
