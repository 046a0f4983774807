//! What `check` writes and where: the Markdown table, `--output FILE` with the summary still on
//! the terminal, the severity words, and the man page that documents it all.

mod binary;

use binary::layerlint;
use std::fs;
use std::path::Path;

/// A warning whose message holds backticks, an info finding (DL3059 on two RUNs) and a style
/// one (an upper-case label key, DL3048).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    fs::write(
        dir.path().join("Dockerfile"),
        "FROM alpine:latest\nRUN echo a\nRUN echo b\nLABEL Version=\"1\"\n",
    )
    .expect("write");
    dir
}

#[test]
fn markdown_is_a_summary_line_and_a_table_with_escaped_cells() {
    let dir = project();
    let run = layerlint(
        dir.path(),
        &["check", "--no-shellcheck", "-f", "markdown", "Dockerfile"],
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("### layerlint: "), "{}", run.stdout);
    assert!(lines[0].contains(" in 1 file"), "{}", lines[0]);
    assert_eq!(lines[2], "| File | Line | Severity | Code | Message |");
    let rows = &lines[4..];
    assert!(!rows.is_empty());
    let dl3007 = rows
        .iter()
        .find(|r| r.contains("DL3007"))
        .unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(
        dl3007.starts_with("| Dockerfile | 1 | warning | DL3007 latest-tag | "),
        "{dl3007}"
    );
    // Backticks are escaped, so the message is text and not code spans.
    assert!(dl3007.contains("\\`alpine:latest\\`"), "{dl3007}");
    for row in rows {
        let unescaped = row
            .match_indices('|')
            .filter(|(at, _)| !row[..*at].ends_with('\\'));
        assert_eq!(unescaped.count(), 6, "five cells: {row}");
    }
    assert!(
        rows.iter().any(|r| r.contains("| info |")),
        "{}",
        run.stdout
    );
}

#[test]
fn output_writes_the_report_to_a_file_and_the_summary_to_the_terminal() {
    let dir = project();
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-shellcheck",
            "-f",
            "sarif",
            "--output",
            "out.sarif",
            "Dockerfile",
        ],
    );
    assert_eq!(
        run.code, 1,
        "the exit code is the findings': {}",
        run.stderr
    );
    let summary = run.stdout.trim_end();
    assert!(
        summary.ends_with(" in 1 file") && !summary.contains('\n'),
        "only the summary line on the terminal: {}",
        run.stdout
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.sarif")).expect("read"))
            .expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    assert!(
        sarif["runs"][0]["results"]
            .as_array()
            .is_some_and(|r| !r.is_empty())
    );

    // The human report in a file has no colour codes; --quiet keeps the terminal silent.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-shellcheck",
            "-q",
            "-o",
            "report.txt",
            "Dockerfile",
        ],
    );
    assert_eq!(run.stdout, "");
    let text = fs::read_to_string(dir.path().join("report.txt")).expect("read");
    assert!(
        text.contains("warning[DL3007]") && !text.contains('\u{1b}'),
        "{text}"
    );

    // A file that cannot be written is exit status 2.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-shellcheck",
            "-o",
            "no/such/dir/x",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot write the report to no/such/dir/x"),
        "{}",
        run.stderr
    );
}

#[test]
fn severity_words_are_the_configuration_s_in_findings_and_summary() {
    let dir = project();
    let run = layerlint(
        dir.path(),
        &["check", "--no-shellcheck", "--no-color", "Dockerfile"],
    );
    assert!(run.stdout.contains("info[DL3059]"), "{}", run.stdout);
    assert!(run.stdout.contains("style[DL3048]"), "{}", run.stdout);
    assert!(
        !run.stdout.contains("note[") && !run.stdout.contains("help["),
        "{}",
        run.stdout
    );
    let summary = run.stdout.lines().last().unwrap_or("");
    assert!(
        summary.contains("info") && summary.contains("style"),
        "{summary}"
    );
    // The same words select the fail level.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-shellcheck",
            "--select",
            "DL3059",
            "--fail-level",
            "warning",
            "Dockerfile",
        ],
    );
    assert_eq!(
        run.code, 0,
        "an info finding is below warning: {}",
        run.stdout
    );
}

/// The page as text: roff's escapes and font changes taken out.
fn man_text() -> String {
    let run = layerlint(Path::new("."), &["man"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .replace("\\-", "-")
        .replace("\\fB", "")
        .replace("\\fI", "")
        .replace("\\fR", "")
        .replace("\\*(Aq", "'")
}

#[test]
fn the_man_page_documents_every_check_option_and_the_exit_status() {
    let page = man_text();
    let check = page
        .split(".SS \"layerlint check\"")
        .nth(1)
        .and_then(|rest| rest.split(".SS").next())
        .unwrap_or_else(|| panic!("no check section:\n{page}"));
    // Every long option `check --help` lists is on the page, in check's section.
    let help = layerlint(Path::new("."), &["check", "--help"]).stdout;
    let options: Vec<&str> = help
        .split_whitespace()
        .map(|w| w.trim_end_matches([',', '.', ']', ')']))
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .filter(|w| !matches!(*w, "--help" | "--version"))
        .collect();
    assert!(
        options.contains(&"--output") && options.contains(&"--format"),
        "{options:?}"
    );
    for option in options {
        assert!(page.contains(option), "{option} is not on the page");
    }
    for option in [
        "--format",
        "--fail-level",
        "--context",
        "--output",
        "--fix",
        "--diff",
    ] {
        assert!(
            check.contains(&format!("{option} ")) || check.contains(&format!("{option}\n")),
            "{option}"
        );
    }
    let exit = page
        .split(".SH \"EXIT STATUS\"")
        .nth(1)
        .and_then(|rest| rest.split(".SH").next())
        .unwrap_or_else(|| panic!("no exit status:\n{page}"));
    for code in ["0", "1", "2"] {
        assert!(
            exit.contains(&format!(".TP\n{code}\n")),
            "exit code {code}: {exit}"
        );
    }
    for section in [
        "CONFIGURATION",
        "EXAMPLES",
        "ENVIRONMENT",
        "\"BUILD CONTEXTS\"",
    ] {
        assert!(page.contains(&format!(".SH {section}")), "{section}");
    }
    // One page: nothing points at a page per command, which nothing generates.
    assert!(!page.contains("layerlint-check"), "{page}");
}
