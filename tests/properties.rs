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

/// Fixing random and mutated Dockerfiles at the most permissive level: a rewrite never breaks the
/// syntax, never loops, and a file that does not fully parse is never rewritten.
fn assert_fixes_are_sound(source: &str) {
    use layerlint::diagnostic::Applicability;
    use layerlint::fix::{FixRefusal, fix_source};
    let options = layerlint::LintOptions::default();
    let had_syntax_error = layerlint::lint(source).iter().any(|d| d.code == "LL001");
    let outcome = fix_source(source, &options, Applicability::Unsafe);
    if had_syntax_error {
        assert_eq!(
            outcome.text, source,
            "a file with syntax errors was rewritten"
        );
        assert!(
            matches!(outcome.refusal, Some(FixRefusal::Unparsable)),
            "{:?}",
            outcome.refusal
        );
        return;
    }
    assert!(
        !matches!(
            outcome.refusal,
            Some(FixRefusal::BrokeSyntax { .. } | FixRefusal::Unsettled { .. })
        ),
        "fixing refused with {:?} for input {source:?}",
        outcome.refusal
    );
    let after = layerlint::lint(&outcome.text);
    assert!(
        after.iter().all(|d| d.code != "LL001"),
        "a fix broke the syntax:\n{}",
        outcome.text
    );
    let again = fix_source(&outcome.text, &options, Applicability::Unsafe);
    assert_eq!(
        again.text, outcome.text,
        "fixing again changed the file: not a fixed point"
    );
}

/// Instructions the rules have fixes for, to make fixes likely.
fn fixable_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("FROM alpine:3.20\n".to_string()),
        Just("FROM busybox AS b\n".to_string()),
        Just("RUN apt-get update\n".to_string()),
        Just("RUN apt-get install -y curl\n".to_string()),
        Just("RUN apk add git\n".to_string()),
        Just("RUN pip install flask && pip install x\n".to_string()),
        Just("RUN cd /tmp && touch a\n".to_string()),
        Just("RUN rm -rf /tmp/a # cleanup\n".to_string()),
        Just("RUN echo a;\n".to_string()),
        Just("RUN a || b\n".to_string()),
        Just("RUN set -e; x\n".to_string()),
        Just("RUN sleep 1 &\n".to_string()),
        Just("RUN dd if=/dev/zero of=/data/x bs=1k count=1\n".to_string()),
        Just("RUN chmod -R 777 /data\n".to_string()),
        Just("RUN rm /data/x\n".to_string()),
        Just("ARG GIT_SHA\n".to_string()),
        Just("RUN echo $GIT_SHA\n".to_string()),
        Just("LABEL a=b\n".to_string()),
        Just("EXPOSE 80\n".to_string()),
        Just("WORKDIR /app\n".to_string()),
        Just("COPY . .\n".to_string()),
        Just("RUN npm ci\n".to_string()),
        Just("RUN chown -R node /app\n".to_string()),
        Just("RUN yum install -y x\n".to_string()),
        Just("RUN a \\\n  && b\n".to_string()),
        Just("# comment\n".to_string()),
        Just("\n".to_string()),
        Just("RUN <<EOF\necho hi\nEOF\n".to_string()),
        "[ -~]{0,10}\n",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn fixing_random_dockerfiles_is_sound(pieces in prop::collection::vec(fixable_piece(), 1..16)) {
        assert_fixes_are_sound(&pieces.concat());
    }

    #[test]
    fn fixing_mutated_corpus_files_is_sound(
        index in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in fixable_piece(),
    ) {
        let sample = corpus_sample();
        prop_assume!(!sample.is_empty());
        let original = &sample[index.index(sample.len())];
        let mut at = cut.index(original.len() + 1);
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        // Insert at a line start, so the piece stays an instruction of its own.
        let line_start = original[..at].rfind('\n').map_or(0, |i| i + 1);
        let mutated = format!("{}{}{}", &original[..line_start], insert, &original[line_start..]);
        assert_fixes_are_sound(&mutated);
    }
}
