//! How the family behaves with the rest of layerlint: one finding for a shared check, either
//! code silencing it, and the `# check=` directive end to end.

use crate::config::{Config, parse};
use crate::diagnostic::Severity;
use crate::{LintOptions, lint_with};

fn lint(source: &str, config: Option<&str>) -> Vec<(String, usize, Severity)> {
    let config = config.map_or_else(Config::default, |text| parse("test", text).expect("valid"));
    let options = LintOptions {
        config,
        ..LintOptions::default()
    };
    lint_with(source, &options)
        .into_iter()
        .map(|d| {
            let line = source[..d.span.start as usize].matches('\n').count() + 1;
            (d.code.to_string(), line, d.severity)
        })
        .collect()
}

fn codes(found: &[(String, usize, Severity)]) -> Vec<&str> {
    found.iter().map(|(c, _, _)| c.as_str()).collect()
}

const DUPLICATE: &str = "FROM alpine:3.20 AS b\nFROM alpine:3.20 AS b\n";

#[test]
fn a_shared_check_reports_once_under_the_hadolint_code() {
    let found = lint(DUPLICATE, None);
    assert_eq!(codes(&found), ["DL3024"]);
    let found = lint(DUPLICATE, Some("select: [DuplicateStageName]\n"));
    assert_eq!(codes(&found), ["DuplicateStageName"]);
}

#[test]
fn either_code_silences_a_shared_check() {
    assert!(lint(DUPLICATE, Some("ignored: [DuplicateStageName]\n")).is_empty());
    assert!(lint(DUPLICATE, Some("ignored: [DL3024]\n")).is_empty());
    let pragma =
        "FROM alpine:3.20 AS b\n# hadolint ignore=DuplicateStageName\nFROM alpine:3.20 AS b\n";
    assert!(lint(pragma, None).is_empty());
    let skip = "# check=skip=DL3024\nFROM alpine:3.20 AS b\nFROM alpine:3.20 AS b\n";
    assert!(lint(skip, None).is_empty(), "{:?}", lint(skip, None));
}

#[test]
fn skips_and_errors_from_the_directive() {
    let file = "# check=skip=StageNameCasing;error=true\nFROM alpine:3.20 AS Build\nENV a b\n";
    let found = lint(file, None);
    assert_eq!(codes(&found), ["LegacyKeyValueFormat"]);
    assert_eq!(found[0].2, Severity::Error);
    // Skipped checks are not raised: only what is left fails the run.
    let local = "FROM alpine:3.20\n# check=skip=LegacyKeyValueFormat // kept as written\nENV a b\nENV c d\n";
    assert_eq!(
        lint(local, None).iter().map(|f| f.1).collect::<Vec<_>>(),
        [4]
    );
}

#[test]
fn a_skip_with_nothing_to_skip_is_unused() {
    let file = "# check=skip=StageNameCasing\nFROM alpine:3.20 AS build\n";
    assert_eq!(
        lint(file, None)
            .iter()
            .map(|f| (f.0.as_str(), f.1))
            .collect::<Vec<_>>(),
        [("LL002", 1)]
    );
    let local = "FROM alpine:3.20\n# check=skip=JSONArgsRecommended\nCMD [\"a\"]\n";
    assert_eq!(codes(&lint(local, None)), ["LL002"]);
    // `skip=all` says nothing about any one check.
    assert!(lint("# check=skip=all\nFROM alpine:3.20\n", None).is_empty());
}

#[test]
fn experimental_checks_run_when_the_file_asks() {
    let body = "# bar describes something else\nARG foo=1\nFROM alpine:3.20\n";
    assert!(lint(body, None).is_empty());
    let asked = format!("# check=experimental=InvalidDefinitionDescription\n{body}");
    assert_eq!(
        codes(&lint(&asked, Some("select: [StageNameCasing]\n"))),
        ["InvalidDefinitionDescription"]
    );
    assert!(lint(&asked, Some("ignored: [InvalidDefinitionDescription]\n")).is_empty());
    let skipped = format!("# check=skip=all;experimental=all\n{body}");
    assert!(lint(&skipped, None).is_empty());
}

#[test]
fn a_shared_check_reported_on_other_lines_is_still_one_finding() {
    // BuildKit reports the overridden CMD, hadolint's DL4003 the one that overrides it.
    let file = "FROM alpine:3.20\nCMD [\"a\"]\nCMD [\"b\"]\n";
    assert_eq!(codes(&lint(file, None)), ["DL4003"]);
    let found = lint(file, Some("select: [MultipleInstructionsDisallowed]\n"));
    assert_eq!(found.iter().map(|f| f.1).collect::<Vec<_>>(), [2]);
}

#[test]
fn a_file_refused_while_converting_keeps_the_checks_made_before() {
    // The global ARG's default cannot be expanded: BuildKit stops before it reads any stage,
    // so the stage's platform check is not made; the parse-time legacy ENV warning still is.
    let source =
        "ARG V=${templateOption:v}\nFROM --platform=linux/amd64 alpine:3.20 AS app\nENV A b\n";
    let select = "select: [LL001, FromPlatformFlagConstDisallowed, LegacyKeyValueFormat]\n";
    let found = lint(source, Some(select));
    assert_eq!(
        codes(&found),
        ["LL001", "LegacyKeyValueFormat"],
        "{found:?}"
    );
    // The same stage without the refusal gets its platform check.
    let fine = source.replacen("${templateOption:v}", "3.20", 1);
    let found = lint(&fine, Some(select));
    assert!(
        codes(&found).contains(&"FromPlatformFlagConstDisallowed"),
        "{found:?}"
    );
}
