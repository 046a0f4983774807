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

// --- facts BuildKit's parser guarantees --------------------------------------------------------

/// Every heredoc starts where Docker's word lexer starts a word: after whitespace on the logical
/// line (never inside a word, after a quote or in the keyword), with `[digits]<<`.
fn heredocs_start_words(df: &syntax::Dockerfile) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ins: &syntax::Instruction| {
        for heredoc in ins.heredocs() {
            let marker = ins.line_map_text(heredoc.marker);
            let digits = marker.len()
                - marker
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            if !marker[digits..].starts_with("<<") {
                problems.push(format!("marker {marker:?} does not start with <<"));
            }
            let before = ins.line_map_text(layerlint::Span::new(
                ins.span.start as usize,
                heredoc.marker.start as usize,
            ));
            if !before.ends_with(char::is_whitespace) {
                problems.push(format!("marker {marker:?} follows {before:?}"));
            }
        }
    };
    for ins in df.instructions() {
        check(ins);
        if let syntax::Args::Onbuild(inner) = &ins.args {
            check(inner);
        }
    }
    problems
}

/// The instruction's keyword split by the escape character and a newline: Docker joins the
/// lines before it splits words, so the dump is the same. `None` when the keyword is not plain
/// letters written on one line.
fn split_keyword(source: &str, instruction: usize, at: usize) -> Option<String> {
    let df = syntax::parse(source);
    let ins = df.instructions().nth(instruction)?;
    let keyword = df.text(ins.keyword_span);
    if keyword.len() < 2 || !keyword.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let cut = ins.keyword_span.start as usize + 1 + at % (keyword.len() - 1);
    Some(format!(
        "{}{}\n{}",
        &source[..cut],
        df.escape,
        &source[cut..]
    ))
}

fn assert_same_dump(original: &str, changed: &str) {
    let before = syntax::dump::dump(&syntax::parse(original)).map_err(|_| ());
    let after = syntax::dump::dump(&syntax::parse(changed)).map_err(|_| ());
    assert_eq!(before, after, "\n{original:?}\nversus\n{changed:?}");
}

/// Argument text for `CMD`: JSON arrays of strings, the same with text after them, and
/// mutations of both, so that valid, invalid and non-string JSON all come up.
fn json_like_argument() -> impl Strategy<Value = String> {
    let strings = prop::collection::vec("[ -~é☃]{0,6}", 0..4)
        .prop_map(|items| serde_json::to_string(&items).expect("serialisable"));
    let piece = prop_oneof![
        strings.clone(),
        Just(" ".to_string()),
        Just("]".to_string()),
        Just("[".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("1".to_string()),
        Just("1e400".to_string()),
        Just("{\"a\": [true, null]}".to_string()),
        Just("\t".to_string()),
        Just("\\u00e9".to_string()),
        Just("#x".to_string()),
        "[a-z ]{1,4}",
    ];
    (strings, prop::collection::vec(piece, 0..3), any::<bool>()).prop_map(
        |(array, pieces, append)| {
            if append {
                format!("{array}{}", pieces.concat())
            } else {
                let mut text = array;
                for piece in pieces {
                    let at = text.len() / 2;
                    let at = (0..=at)
                        .rev()
                        .find(|&i| text.is_char_boundary(i))
                        .unwrap_or(0);
                    text.insert_str(at, &piece);
                }
                text
            }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn heredocs_start_only_at_words(pieces in prop::collection::vec(heredoc_piece(), 1..10)) {
        let source = format!("FROM a\n{}", pieces.concat());
        let problems = heredocs_start_words(&syntax::parse(&source));
        prop_assert!(problems.is_empty(), "{problems:?} in {source:?}");
    }

    #[test]
    fn heredocs_in_mutated_corpus_files_start_at_words(
        index in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        insert in heredoc_piece(),
    ) {
        let sample = corpus_sample();
        prop_assume!(!sample.is_empty());
        let original = &sample[index.index(sample.len())];
        let mut at = cut.index(original.len() + 1);
        while !original.is_char_boundary(at) {
            at -= 1;
        }
        let mutated = format!("{}{}{}", &original[..at], insert, &original[at..]);
        let problems = heredocs_start_words(&syntax::parse(&mutated));
        prop_assert!(problems.is_empty(), "{problems:?}");
    }

    #[test]
    fn a_keyword_split_by_a_continuation_is_the_same_instruction(
        keyword in prop::sample::select(syntax::Keyword::ALL.to_vec()),
        lower in any::<bool>(),
        at in any::<usize>(),
        args in "[ -~]{0,20}",
    ) {
        let keyword = if lower {
            keyword.as_str().to_ascii_lowercase()
        } else {
            keyword.as_str().to_string()
        };
        let source = format!("FROM a\n{keyword} {args}\n");
        if let Some(changed) = split_keyword(&source, 1, at) {
            assert_same_dump(&source, &changed);
        }
    }

    #[test]
    fn keywords_of_corpus_files_split_by_a_continuation_dump_the_same(
        index in any::<prop::sample::Index>(),
        instruction in any::<prop::sample::Index>(),
        at in any::<usize>(),
    ) {
        let sample = corpus_sample();
        prop_assume!(!sample.is_empty());
        let original = &sample[index.index(sample.len())];
        let count = syntax::parse(original).instructions().count();
        prop_assume!(count > 0);
        if let Some(changed) = split_keyword(original, instruction.index(count), at) {
            assert_same_dump(original, &changed);
        }
    }

    #[test]
    fn exec_form_is_exactly_a_whole_json_string_array(argument in json_like_argument()) {
        let trimmed = argument.trim();
        // What the line reader would change first: a continuation, or flags.
        prop_assume!(!trimmed.ends_with('\\') && !trimmed.starts_with("--"));
        // Go turns a lone surrogate escape into U+FFFD where serde_json refuses it.
        prop_assume!(!argument.to_ascii_lowercase().contains("\\ud"));
        let df = syntax::parse(&format!("FROM a\nCMD {argument}\n"));
        let cmd = df.instructions().nth(1).expect("CMD");
        if let Ok(strings) = serde_json::from_str::<Vec<String>>(trimmed) {
            let syntax::Args::Json(words) = &cmd.args else {
                panic!("{argument:?} is a JSON string array, parsed as {:?}", cmd.args);
            };
            let texts: Vec<&str> = words.iter().map(|w| w.text.as_str()).collect();
            prop_assert_eq!(texts, strings.iter().map(String::as_str).collect::<Vec<_>>());
        } else if matches!(
            serde_json::from_str::<serde_json::Value>(trimmed),
            Ok(serde_json::Value::Array(_))
        ) {
            prop_assert!(
                df.errors.iter().any(|e| e.message.contains("strings only")),
                "{argument:?}: {:?}",
                df.errors
            );
            prop_assert!(syntax::dump::dump(&df).is_err());
        } else if trimmed.is_empty() {
            prop_assert!(matches!(cmd.args, syntax::Args::None));
        } else {
            prop_assert!(
                matches!(&cmd.args, syntax::Args::Text(w) if w.text == trimmed),
                "{argument:?} parsed as {:?}",
                cmd.args
            );
        }
    }
}

/// Lines with `<<` in every kind of place: starting a word, inside one, after a quote or an
/// expansion, inside quotes, in `ONBUILD` and JSON, with bodies that may end them.
fn heredoc_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("RUN cat <<EOF\n".to_string()),
        Just("RUN a<<EOF\n".to_string()),
        Just("RUN \"a\"<<EOF x\n".to_string()),
        Just("RUN '<<EOF'\n".to_string()),
        Just("RUN echo \"${A}\" <<-EOF!= b\n".to_string()),
        Just("RUN x ${a:-<<EOF}\n".to_string()),
        Just("RUN x ${a:- <<EOF}\n".to_string()),
        Just("RUN x \\ <<EOF\n".to_string()),
        Just("RUN x <<EOF'unclosed\n".to_string()),
        Just("COPY 3<<\"A B\" /x\n".to_string()),
        Just("ONBUILD RUN <<EOF\n".to_string()),
        Just("ONBUILD ONBUILD RUN <<EOF\n".to_string()),
        Just("RUN [\"<<EOF\"]\n".to_string()),
        Just("RUN <<EOF \\\n".to_string()),
        Just("EOF\n".to_string()),
        Just("\tEOF!=\n".to_string()),
        Just("A B\n".to_string()),
        Just("<<EOF".to_string()),
        Just("\"".to_string()),
        "[ -~]{0,12}\n",
    ]
}
