//! The command line as users and CI scripts meet it: the built binary, run on real files.

mod common;

use common::project;
use serde_json::Value;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use tempfile::TempDir;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}", self.stdout))
    }
}

fn layerlint(dir: &Path, args: &[&str]) -> Run {
    layerlint_with_stdin(dir, args, b"")
}

fn layerlint_with_stdin(dir: &Path, args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_layerlint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start layerlint");
    if let Some(mut input) = child.stdin.take() {
        input.write_all(stdin).expect("write stdin");
    }
    let output = child.wait_with_output().expect("wait for layerlint");
    Run {
        code: output.status.code().expect("exit code"),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

const CLEAN: &[u8] = b"FROM alpine:3.20\nRUN echo hi\n";

#[test]
fn a_clean_file_exits_0_with_a_summary_and_no_colour_when_piped() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 1 file\n");
    assert_eq!(run.stderr, "");
    assert!(!run.stdout.contains('\x1b'));
}

#[test]
fn quiet_drops_the_summary() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "--quiet", "Dockerfile"]);
    assert_eq!((run.code, run.stdout.as_str()), (0, ""));
}

#[test]
fn json_for_clean_input_is_an_empty_array() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "[]\n");
}

#[test]
fn an_unknown_format_is_a_usage_error() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "--format", "yaml", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("invalid value 'yaml'"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stdout, "");
}

#[test]
fn help_and_version_exit_0() {
    let dir = project(&[]);
    for args in [&["--help"][..], &["--version"], &["check", "--help"]] {
        let run = layerlint(dir.path(), args);
        assert_eq!(run.code, 0, "{args:?}: {}", run.stderr);
        assert!(!run.stdout.is_empty());
    }
}

#[test]
fn a_missing_path_exits_2_and_the_other_files_are_still_reported() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "missing/Dockerfile", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("cannot read missing/Dockerfile: no such file or directory"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stdout,
        "no findings in 1 file; 1 path could not be checked\n"
    );
}

#[test]
fn a_binary_file_exits_2() {
    let dir = project(&[
        ("Dockerfile", CLEAN),
        ("image.Dockerfile", b"\x89PNG\r\n\x1a\n\0\0"),
    ]);
    let run = layerlint(dir.path(), &["check", "."]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("image.Dockerfile is not a text file"),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.stdout,
        "no findings in 1 file; 1 path could not be checked\n"
    );
}

#[test]
fn invalid_utf8_is_linted_with_one_ll003_at_the_first_bad_byte() {
    let dir = project(&[("Dockerfile", b"FROM a\n\nRUN \xc3\xa9 \xff\nRUN \xfe\n")]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.json();
    let ll003: Vec<&Value> = findings
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["code"] == "LL003")
        .collect();
    assert_eq!(ll003.len(), 1, "{findings}");
    assert_eq!(
        (ll003[0]["line"].as_u64(), ll003[0]["column"].as_u64()),
        (Some(3), Some(7))
    );
    let message = ll003[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("byte 0xff at line 3, column 7"),
        "{message}"
    );
    assert!(message.contains("2 invalid sequences"), "{message}");
    // The rest of the file is linted too.
    assert!(
        findings
            .as_array()
            .is_some_and(|a| a.iter().any(|f| f["code"] == "DL3059")),
        "{findings}"
    );
    // It is a rule like any other: it can be turned off.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--ignore",
            "LL003",
            "--select",
            "LL003",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
}

/// Files that must not be linted hold a NUL byte: if one were picked up, the run would exit 2.
fn nested_project() -> TempDir {
    let binary: &[u8] = b"\0";
    project(&[
        ("Dockerfile", CLEAN),
        ("services/api/x.Dockerfile", CLEAN),
        ("tools/Containerfile.dev", CLEAN),
        ("services/README.md", binary),
        ("build/Dockerfile", binary),
        (".gitignore", b"/build/\n"),
    ])
}

#[test]
fn directories_are_searched_for_dockerfiles_honouring_gitignore() {
    let dir = nested_project();
    let run = layerlint(dir.path(), &["check"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 3 files\n");
    let run = layerlint(dir.path(), &["check", "services", "tools"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 2 files\n");
}

#[test]
fn a_directory_without_dockerfiles_is_not_an_error() {
    let dir = project(&[("README.md", b"# hi\n")]);
    let run = layerlint(dir.path(), &["check", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no Dockerfiles found\n");
}

#[test]
fn stdin_is_read_for_a_dash_and_named_by_stdin_filename() {
    let dir = project(&[]);
    let run = layerlint_with_stdin(
        dir.path(),
        &["check", "-", "--stdin-filename", "app/Dockerfile"],
        CLEAN,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 1 file\n");

    let bad = b"FROM a:1\n# \xff\n";
    let run = layerlint_with_stdin(
        dir.path(),
        &[
            "check",
            "-",
            "--stdin-filename",
            "app/Dockerfile",
            "-f",
            "gnu",
        ],
        bad,
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stdout
            .starts_with("app/Dockerfile:2:3: warning: the file is not valid UTF-8: byte 0xff"),
        "{}",
        run.stdout
    );

    let run = layerlint_with_stdin(dir.path(), &["check", "-f", "gnu", "-"], bad);
    assert!(run.stdout.starts_with("-:2:3: warning"), "{}", run.stdout);
}

#[test]
fn stdin_filename_without_paths_reads_stdin() {
    let dir = project(&[("Dockerfile", b"\0")]);
    let run = layerlint_with_stdin(dir.path(), &["check", "--stdin-filename", "x"], CLEAN);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 1 file\n");
}

#[test]
fn without_a_subcommand_paths_are_checked() {
    let dir = project(&[("Dockerfile", CLEAN), ("bad.Dockerfile", b"\0")]);
    let cases: [(&[&str], &[&str]); 3] = [
        (
            &["Dockerfile", "bad.Dockerfile"],
            &["check", "Dockerfile", "bad.Dockerfile"],
        ),
        (
            &["--format", "json", "Dockerfile"],
            &["check", "--format", "json", "Dockerfile"],
        ),
        (&[], &["check"]),
    ];
    for (bare, explicit) in cases {
        let bare_run = layerlint(dir.path(), bare);
        let explicit_run = layerlint(dir.path(), explicit);
        assert_eq!(bare_run.code, explicit_run.code, "{bare:?}");
        assert_eq!(bare_run.stdout, explicit_run.stdout, "{bare:?}");
        assert_eq!(bare_run.stderr, explicit_run.stderr, "{bare:?}");
    }
    assert_eq!(layerlint(dir.path(), &["Dockerfile"]).code, 0);
}

#[test]
fn dump_prints_a_clean_file_and_refuses_an_unreadable_one() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["dump", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    let run = layerlint(dir.path(), &["dump", "missing"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("cannot read missing"), "{}", run.stderr);
}

// ---- Behaviour that needs the real parser -------------------------------------------------------

fn single_ll001_at_line_1(run: &Run, file: &str) {
    let findings = run.json();
    let findings = findings.as_array().expect("an array");
    assert_eq!(findings.len(), 1, "{}", run.stdout);
    let finding = &findings[0];
    assert_eq!(finding["file"], file);
    assert_eq!(finding["code"], "LL001");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["name"], "syntax-error");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["column"], 1);
}

#[test]
fn an_empty_file_is_an_ll001_finding() {
    let dir = project(&[("Dockerfile", b"")]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    single_ll001_at_line_1(&run, "Dockerfile");
}

#[test]
fn a_comment_only_file_is_an_ll001_finding() {
    let dir = project(&[("Dockerfile", b"# nothing to build\n")]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    single_ll001_at_line_1(&run, "Dockerfile");
}

#[test]
fn the_human_format_shows_the_code_and_counts_it() {
    let dir = project(&[("Dockerfile", b"")]);
    let run = layerlint(dir.path(), &["check", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("error[LL001]"), "{}", run.stdout);
    assert!(run.stdout.contains("Dockerfile:1:1"), "{}", run.stdout);
    assert!(
        run.stdout.ends_with("1 error in 1 file\n"),
        "{}",
        run.stdout
    );
}

// ---- Machine formats ------------------------------------------------------------------------------

const MISSPELT: &[u8] = b"FROM alpine:3.20\nRUNN x\n";

/// Runs `check --format FORMAT` on a Dockerfile whose one finding is an LL001 on line 2.
fn check_misspelt(format: &str) -> Run {
    let dir = project(&[("Dockerfile", MISSPELT)]);
    let run = layerlint(dir.path(), &["check", "--format", format, "Dockerfile"]);
    assert_eq!(run.code, 1, "--format {format}: {}", run.stderr);
    assert_eq!(run.stderr, "", "--format {format}");
    run
}

#[test]
fn sarif_names_the_rule_and_the_region() {
    let log = check_misspelt("sarif").json();
    assert_eq!(log["version"], "2.1.0");
    let run = &log["runs"][0];
    assert_eq!(run["results"].as_array().map(Vec::len), Some(1));
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "LL001");
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(location["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(location["region"]["startLine"], 2);
    assert_eq!(location["region"]["startColumn"], 1);
    let index = result["ruleIndex"].as_u64().expect("a rule index") as usize;
    assert_eq!(run["tool"]["driver"]["rules"][index]["id"], "LL001");
}

#[test]
fn checkstyle_is_an_xml_document_with_one_error() {
    let run = check_misspelt("checkstyle");
    let xml = run.stdout.as_str();
    assert!(
        xml.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
        ),
        "{xml}"
    );
    assert_eq!(xml.matches("<error ").count(), 1, "{xml}");
    assert!(
        xml.contains(r#"<file name="Dockerfile">"#)
            && xml.contains(
                r#"<error line="2" column="1" severity="error" message="unknown instruction: RUNN"#
            )
            && xml.contains(r#"source="layerlint.LL001"/>"#),
        "{xml}"
    );
    assert!(xml.ends_with("</checkstyle>\n"), "{xml}");
}

#[test]
fn codeclimate_is_an_array_of_gitlab_issues() {
    let issues = check_misspelt("codeclimate").json();
    let issues = issues.as_array().expect("a top-level array");
    assert_eq!(issues.len(), 1);
    let issue = &issues[0];
    assert_eq!(issue["check_name"], "LL001");
    assert_eq!(issue["severity"], "critical");
    assert_eq!(issue["location"]["path"], "Dockerfile");
    assert_eq!(issue["location"]["lines"]["begin"], 2);
    assert!(
        issue["description"]
            .as_str()
            .is_some_and(|d| d.starts_with("unknown instruction: RUNN"))
    );
    let fingerprint = issue["fingerprint"].as_str().unwrap_or_default();
    assert_eq!(fingerprint.len(), 16, "{fingerprint}");
}

#[test]
fn gnu_prints_one_line_editors_can_jump_to() {
    let run = check_misspelt("gnu");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout
            .starts_with("Dockerfile:2:1: error: unknown instruction: RUNN")
            && run.stdout.ends_with(" [LL001]\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_prints_one_workflow_command() {
    let run = check_misspelt("github");
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert!(
        run.stdout.starts_with(
            "::error file=Dockerfile,line=2,col=1,endLine=2,endColumn=7,\
             title=LL001 syntax-error::unknown instruction: RUNN"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn machine_formats_of_a_clean_file_exit_0_and_say_so() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let output = |format: &str| {
        let run = layerlint(dir.path(), &["check", "--format", format, "Dockerfile"]);
        assert_eq!(run.code, 0, "--format {format}: {}", run.stderr);
        run
    };
    assert_eq!(output("gnu").stdout, "");
    assert_eq!(output("github").stdout, "");
    assert_eq!(output("codeclimate").stdout, "[]\n");
    assert_eq!(
        output("sarif").json()["runs"][0]["results"],
        serde_json::json!([])
    );
    let checkstyle = output("checkstyle").stdout;
    assert!(
        checkstyle.contains("\n  <file name=\"Dockerfile\"/>\n"),
        "{checkstyle}"
    );
}

#[test]
fn the_fail_level_decides_whether_findings_fail_the_run() {
    let dir = project(&[("Dockerfile", b"")]);
    for (level, code) in [
        ("error", 1),
        ("warning", 1),
        ("info", 1),
        ("style", 1),
        ("none", 0),
    ] {
        let run = layerlint(dir.path(), &["check", "--fail-level", level, "Dockerfile"]);
        assert_eq!(run.code, code, "--fail-level {level}");
    }
}

#[test]
fn a_missing_path_does_not_hide_the_findings_of_other_files() {
    let dir = project(&[("Dockerfile", b"")]);
    let run = layerlint(
        dir.path(),
        &["check", "--format", "json", "missing", "Dockerfile"],
    );
    assert_eq!(run.code, 2);
    single_ll001_at_line_1(&run, "Dockerfile");
}

#[test]
fn findings_are_reported_under_discovered_paths_in_order() {
    let dir = project(&[
        ("tools/Containerfile.dev", b""),
        ("Dockerfile", b""),
        ("services/api/x.Dockerfile", b""),
        ("services/README.md", b""),
        ("build/Dockerfile", b""),
        (".gitignore", b"/build/\n"),
    ]);
    let run = layerlint(dir.path(), &["check", "--format", "json"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let files: Vec<String> = run
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| finding["file"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        files,
        [
            "Dockerfile",
            "services/api/x.Dockerfile",
            "tools/Containerfile.dev"
        ]
    );
}

#[test]
fn stdin_findings_carry_the_stdin_filename() {
    let dir = project(&[]);
    let args = [
        "check",
        "--format",
        "json",
        "-",
        "--stdin-filename",
        "app/Dockerfile",
    ];
    let run = layerlint_with_stdin(dir.path(), &args, b"");
    assert_eq!(run.code, 1, "{}", run.stderr);
    single_ll001_at_line_1(&run, "app/Dockerfile");
}

#[test]
fn dump_prints_syntax_errors_to_stderr_and_exits_1() {
    let dir = project(&[("Dockerfile", b"")]);
    let run = layerlint(dir.path(), &["dump", "Dockerfile"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("error[LL001]"), "{}", run.stderr);
}

const COPIES_CONTEXT: &[u8] = b"FROM alpine:3.20\nCOPY . /app\n";

/// The codes of the findings in a JSON run.
fn codes(run: &Run) -> Vec<String> {
    run.json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| finding["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn a_whole_context_copy_without_dockerignore_is_ll306() {
    let dir = project(&[("Dockerfile", COPIES_CONTEXT), (".git/HEAD", b"ref\n")]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.json();
    let finding = &findings[0];
    assert_eq!(finding["code"], "LL306");
    assert_eq!(finding["line"], 2);
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(message.contains("including .git"), "{message}");
    assert!(message.contains("no .dockerignore"), "{message}");
    assert_eq!(finding["fix"]["applicability"], "display-only");
    assert_eq!(finding["fix"]["edits"], serde_json::json!([]));
    let title = finding["fix"]["title"].as_str().unwrap_or_default();
    assert!(title.ends_with("with: .git"), "{title}");
}

#[test]
fn a_dockerignore_that_excludes_git_silences_ll306() {
    let dir = project(&[
        ("Dockerfile", COPIES_CONTEXT),
        (".git/HEAD", b"ref\n"),
        (".dockerignore", b"# vcs\n.git\n"),
    ]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(codes(&run).is_empty(), "{}", run.stdout);
}

#[test]
fn a_dockerfile_s_own_ignore_file_takes_precedence() {
    let dir = project(&[
        ("docker/app.Dockerfile", COPIES_CONTEXT),
        ("docker/app.Dockerfile.dockerignore", b"node_modules\n"),
        ("docker/.dockerignore", b".git\n"),
        ("docker/.git/HEAD", b"ref\n"),
    ]);
    let run = layerlint(
        dir.path(),
        &["check", "--format", "json", "docker/app.Dockerfile"],
    );
    assert_eq!(codes(&run), ["LL306"], "{}", run.stdout);
    let message = run.json()[0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("including .git, which app.Dockerfile.dockerignore does not exclude"),
        "{message}"
    );
}

#[test]
fn context_names_the_directory_instead_of_the_dockerfile_s() {
    let dir = project(&[
        ("Dockerfile", COPIES_CONTEXT),
        (".dockerignore", b".git\n"),
        ("other/app.py", b""),
        ("other/.git/HEAD", b"ref\n"),
    ]);
    let args = [
        "check",
        "--format",
        "json",
        "--context",
        "other",
        "Dockerfile",
    ];
    let run = layerlint(dir.path(), &args);
    assert_eq!(codes(&run), ["LL306"], "{}", run.stdout);

    // And the other way round: the Dockerfile's directory lacks what the context has.
    let dir = project(&[
        ("docker/Dockerfile", COPIES_CONTEXT),
        ("docker/node_modules/x/index.js", b""),
        (".dockerignore", b".git\n**/node_modules\n"),
    ]);
    let args = [
        "check",
        "--format",
        "json",
        "--context",
        ".",
        "docker/Dockerfile",
    ];
    let run = layerlint(dir.path(), &args);
    assert!(codes(&run).is_empty(), "{}", run.stdout);
    let run = layerlint(
        dir.path(),
        &["check", "--format", "json", "docker/Dockerfile"],
    );
    assert_eq!(codes(&run), ["LL306"], "{}", run.stdout);
}

#[test]
fn standard_input_has_no_context_unless_given_one() {
    let dir = project(&[("app.py", b""), (".git/HEAD", b"ref\n")]);
    let run = layerlint_with_stdin(
        dir.path(),
        &["check", "--format", "json", "-"],
        COPIES_CONTEXT,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(codes(&run).is_empty(), "{}", run.stdout);

    let args = ["check", "--format", "json", "--context", ".", "-"];
    let run = layerlint_with_stdin(dir.path(), &args, COPIES_CONTEXT);
    assert_eq!(codes(&run), ["LL306"], "{}", run.stdout);
}

#[test]
fn a_context_that_is_not_a_directory_is_a_usage_error() {
    let dir = project(&[("Dockerfile", COPIES_CONTEXT)]);
    for context in ["missing", "Dockerfile"] {
        let run = layerlint(dir.path(), &["check", "--context", context, "Dockerfile"]);
        assert_eq!(run.code, 2, "{context}");
        assert!(run.stderr.contains("--context"), "{}", run.stderr);
        assert_eq!(run.stdout, "");
    }
}

#[test]
fn rules_lists_every_rule_from_its_yaml() {
    let dir = project(&[]);
    let run = layerlint(dir.path(), &["rules"]);
    assert_eq!(run.code, 0);
    for code in ["LL301", "LL302", "LL303", "LL305", "DL3009", "DL3042"] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(code)),
            "{code} missing:\n{}",
            run.stdout
        );
    }
    let ll302 = run.stdout.lines().find(|l| l.starts_with("LL302")).unwrap();
    assert!(
        ll302.contains("deleted-in-later-layer") && ll302.contains("warning"),
        "{ll302}"
    );
}

#[test]
fn rules_are_grouped_by_family_and_hadolints_are_marked() {
    let dir = project(&[]);
    let out = layerlint(dir.path(), &["rules"]).stdout;
    // The heading a code is listed under.
    let family_of = |code: &str| {
        let mut heading = "";
        for line in out.lines() {
            if line.starts_with(code) {
                return heading.to_string();
            }
            if !line.is_empty() && !line.starts_with(['L', 'D', 'C']) {
                heading = line;
            }
        }
        panic!("{code} not listed:\n{out}");
    };
    assert!(family_of("LL302").starts_with("layerlint: layer rules"));
    assert!(family_of("DL3009").starts_with("from hadolint, checked per layer"));
    assert!(family_of("DL3059").starts_with("from hadolint, checked per layer"));
    assert!(family_of("DL3008").starts_with("from hadolint: package-manager rules"));
    assert!(family_of("DL3000").starts_with("from hadolint: instruction rules"));
    assert!(family_of("DL4006").starts_with("from hadolint: shell-command rules"));
}

#[test]
fn every_rule_prints_its_documentation() {
    let dir = project(&[]);
    for (doc, _) in layerlint::rules::all() {
        let run = layerlint(dir.path(), &["rule", doc.code]);
        assert_eq!(run.code, 0, "{}", doc.code);
        assert!(
            run.stdout
                .starts_with(&format!("{} {}\n", doc.code, doc.name)),
            "{}",
            run.stdout
        );
        assert!(run.stdout.contains("family: "), "{}", run.stdout);
        let hadolint = run.stdout.contains("family: from hadolint");
        assert_eq!(hadolint, doc.code.starts_with("DL"), "{}", doc.code);
    }
}

#[test]
fn rule_prints_documentation_by_code_name_or_alias() {
    let dir = project(&[]);
    for wanted in [
        "LL302",
        "ll302",
        "deleted-in-later-layer",
        "create-then-delete",
    ] {
        let run = layerlint(dir.path(), &["rule", wanted]);
        assert_eq!(run.code, 0, "{wanted}");
        assert!(
            run.stdout.starts_with("LL302 deleted-in-later-layer\n"),
            "{wanted}: {}",
            run.stdout
        );
        assert!(run.stdout.contains("whiteout"), "the rationale is printed");
    }
    let run = layerlint(dir.path(), &["rule", "NOPE123"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("no rule is called"));
    // A code hadolint retired is named as such.
    let run = layerlint(dir.path(), &["rule", "DL3005"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("hadolint code"), "{}", run.stderr);
}

/// A file with an LL305 finding (info) and nothing else.
const VOLATILE_ARG: &[u8] =
    b"FROM alpine:3.20\nARG GIT_SHA\nRUN echo hi\nWORKDIR /srv\nRUN echo \"$GIT_SHA\" > /commit\n";

#[test]
fn a_hadolint_config_is_read_when_there_is_no_layerlint_config() {
    let dir = project(&[
        ("Dockerfile", VOLATILE_ARG),
        (".hadolint.yaml", b"ignored:\n  - LL305\n  - DL3008\n"),
    ]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!((run.code, codes(&run)), (0, vec![]), "{}", run.stderr);
    // A layerlint config wins over the hadolint one.
    fs::write(dir.path().join(".layerlint.yaml"), "ignored: []\n").expect("write");
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(codes(&run), ["LL305"]);
}

#[test]
fn config_is_found_by_walking_up_and_failure_threshold_applies() {
    let dir = project(&[
        ("services/api/Dockerfile", VOLATILE_ARG),
        (".layerlint.yaml", b"failure-threshold: warning\n"),
    ]);
    let run = layerlint(
        dir.path(),
        &["check", "--format", "json", "services/api/Dockerfile"],
    );
    assert_eq!(
        (run.code, codes(&run)),
        (0, vec!["LL305".to_string()]),
        "{}",
        run.stderr
    );
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--fail-level",
            "info",
            "--format",
            "json",
            "services/api/Dockerfile",
        ],
    );
    assert_eq!(run.code, 1, "the command line wins over the config");
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--no-config",
            "--format",
            "json",
            "services/api/Dockerfile",
        ],
    );
    assert_eq!(run.code, 1, "--no-config ignores the threshold");
}

#[test]
fn a_bad_config_is_exit_2_with_its_line_and_its_files_are_not_linted_with_the_defaults() {
    let dir = project(&[
        ("Dockerfile", VOLATILE_ARG),
        (
            ".layerlint.yaml",
            b"ignored: [LL302]\nfailur-threshold: error\n",
        ),
        ("ok/Dockerfile", VOLATILE_ARG),
        ("ok/.layerlint.yaml", b"ignored: [LL302]\n"),
    ]);
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--no-color",
            "Dockerfile",
            "ok/Dockerfile",
        ],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains(".layerlint.yaml")
            && run.stderr.contains("unknown field `failur-threshold`"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("2 │") || run.stderr.contains(":2:"),
        "points at line 2: {}",
        run.stderr
    );
    // The file under the bad configuration is not linted with settings nobody asked for; the
    // other one is linted with its own.
    let files: Vec<&str> = run
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f["file"].as_str())
        .map(|f| if f.starts_with("ok/") { "ok" } else { "top" })
        .collect::<Vec<_>>();
    assert!(
        files.iter().all(|f| *f == "ok") && !files.is_empty(),
        "{files:?}"
    );
    // And the summary does not read as if every file was checked.
    let run = layerlint(
        dir.path(),
        &["check", "--no-color", "Dockerfile", "ok/Dockerfile"],
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stdout
            .ends_with("in 1 file; 1 path could not be checked\n"),
        "{}",
        run.stdout
    );

    // `--config` naming a bad file prints the error alone.
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            ".layerlint.yaml",
            "Dockerfile",
            "ok/Dockerfile",
        ],
    );
    assert_eq!(run.code, 2);
    assert_eq!(run.stdout, "", "no findings computed with the defaults");
    assert!(run.stderr.contains("unknown field"), "{}", run.stderr);
}

#[test]
fn select_ignore_and_an_explicit_config() {
    let dir = project(&[
        ("Dockerfile", VOLATILE_ARG),
        ("custom.yaml", b"ignored: [volatile-arg-busts-cache]\n"),
    ]);
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--select",
            "LL001,LL302",
            "Dockerfile",
        ],
    );
    assert_eq!(codes(&run), Vec::<String>::new());
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--ignore",
            "LL305",
            "Dockerfile",
        ],
    );
    assert_eq!(codes(&run), Vec::<String>::new());
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "custom.yaml",
            "Dockerfile",
        ],
    );
    assert_eq!(codes(&run), Vec::<String>::new());
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "missing.yaml",
            "Dockerfile",
        ],
    );
    assert_eq!(run.code, 2);
}

#[test]
fn hadolint_pragmas_silence_findings_and_stale_ones_are_reported() {
    let silenced = b"FROM alpine:3.20\n# hadolint ignore=LL305\nARG GIT_SHA\nRUN echo hi\nWORKDIR /srv\nRUN echo \"$GIT_SHA\"\n";
    let dir = project(&[("Dockerfile", silenced)]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(codes(&run), Vec::<String>::new());
    let global = b"# hadolint global ignore=DL3006,SC2086,LL302\nFROM alpine\nRUN echo hi\n";
    let dir = project(&[("Dockerfile", global)]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    // DL3006 silences the untagged image; SC2086 is ShellCheck's and is left alone; LL302
    // silences nothing.
    assert_eq!(codes(&run), ["LL002"]);
    let dir = project(&[
        ("Dockerfile", silenced),
        (".layerlint.yaml", b"disable-ignore-pragma: true\n"),
    ]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "Dockerfile"]);
    assert_eq!(codes(&run), ["LL305"]);
}

#[test]
fn completions_and_man_page_come_from_the_command_line_definition() {
    let dir = project(&[]);
    let run = layerlint(dir.path(), &["completions", "bash"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.contains("layerlint") && run.stdout.contains("--fail-level"),
        "{}",
        run.stdout
    );
    let run = layerlint(dir.path(), &["man"]);
    assert_eq!(run.code, 0);
    assert!(
        run.stdout.starts_with(".ie") || run.stdout.contains(".TH layerlint"),
        "{}",
        &run.stdout[..200.min(run.stdout.len())]
    );
    assert_eq!(layerlint(dir.path(), &["completions", "tcsh"]).code, 2);
}

// --fix, --unsafe-fixes and --diff.

/// The worked example of LAYER-RULES.md ("Reducing layer bloat").
const SEED: &[u8] = b"FROM busybox:1.36
RUN mkdir /data
RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one
RUN chmod -R 0777 /data
RUN dd if=/dev/zero bs=1024 count=1024 of=/data/two
RUN chmod -R 0777 /data
RUN rm /data/one
CMD [\"ls\", \"-alh\", \"/data\"]
";

const SEED_FIXED: &str = "FROM busybox:1.36
RUN mkdir /data && \\
    dd if=/dev/zero bs=1024 count=1024 of=/data/one && \\
    chmod -R 0777 /data && \\
    dd if=/dev/zero bs=1024 count=1024 of=/data/two && \\
    chmod -R 0777 /data && \\
    rm /data/one
CMD [\"ls\", \"-alh\", \"/data\"]
";

// LL303's rewrite is exact here: one file into /etc, which every image has (a `chown -R` of a
// directory WORKDIR made gets no rewrite).
const CHOWN: &[u8] =
    b"FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCOPY app.conf /etc/app.conf\nRUN chown node:node /etc/app.conf\n";

const APT: &[u8] =
    b"FROM debian:12\nRUN apt-get update\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\n";

const BROKEN: &[u8] =
    b"FROM debian:12\nRUNN oops\nRUN apt-get update\nRUN apt-get install -y curl\n";

fn read(dir: &TempDir, name: &str) -> Vec<u8> {
    fs::read(dir.path().join(name)).expect("read the file back")
}

#[test]
fn fix_merges_the_worked_example_into_one_run() {
    let dir = project(&[("Dockerfile", SEED)]);
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(
        String::from_utf8_lossy(&read(&dir, "Dockerfile")),
        SEED_FIXED
    );
    // The merge cures every finding, so the exit code is 0 after fixing.
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stdout, "no findings in 1 file\n");
    assert_eq!(
        run.stderr,
        "fixed 1 finding in 1 file (DL3059 ×1); none remain\n"
    );
}

#[test]
fn after_fixing_the_report_and_exit_code_are_about_what_remains() {
    let dir = project(&[
        ("Dockerfile", SEED),
        ("other.Dockerfile", CHOWN),
        (".git/HEAD", b"ref\n"),
    ]);
    let run = layerlint(
        dir.path(),
        &[
            "check",
            "--fix",
            "--format",
            "json",
            "Dockerfile",
            "other.Dockerfile",
        ],
    );
    // The safe fix is applied; the unsafe COPY --chown rewrite is not, so LL303 and LL306 remain.
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(codes(&run), ["LL306", "LL303"]);
    assert_eq!(read(&dir, "other.Dockerfile"), CHOWN);
    assert_eq!(
        run.stderr,
        "fixed 1 finding in 1 file (DL3059 ×1); 2 remain\n"
    );
}

#[test]
fn unsafe_fixes_apply_the_copy_chown_rewrite_and_plain_fix_does_not() {
    let dir = project(&[("Dockerfile", CHOWN), (".git/HEAD", b"ref\n")]);
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(read(&dir, "Dockerfile"), CHOWN);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with("fixed nothing; 2 findings remain\n"),
        "{}",
        run.stderr
    );
    let run = layerlint(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "Dockerfile"],
    );
    assert_eq!(
        String::from_utf8_lossy(&read(&dir, "Dockerfile")),
        "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCOPY --chown=node:node app.conf /etc/app.conf\n"
    );
    // LL306 (no .dockerignore) has no fix to apply and remains.
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        "fixed 1 finding in 1 file (LL303 ×1); 1 remains\n"
    );
}

#[test]
fn unsafe_fixes_without_fix_or_diff_is_a_usage_error() {
    let dir = project(&[("Dockerfile", CHOWN)]);
    let run = layerlint(dir.path(), &["check", "--unsafe-fixes", "Dockerfile"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--fix|--diff"), "{}", run.stderr);
    assert_eq!(read(&dir, "Dockerfile"), CHOWN);
}

#[test]
fn diff_prints_a_unified_diff_exits_1_and_writes_nothing() {
    let dir = project(&[("Dockerfile", SEED), ("clean.Dockerfile", CLEAN)]);
    let run = layerlint(dir.path(), &["check", "--diff", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "--- a/Dockerfile
+++ b/Dockerfile
@@ -1,8 +1,8 @@
 FROM busybox:1.36
-RUN mkdir /data
-RUN dd if=/dev/zero bs=1024 count=1024 of=/data/one
-RUN chmod -R 0777 /data
-RUN dd if=/dev/zero bs=1024 count=1024 of=/data/two
-RUN chmod -R 0777 /data
-RUN rm /data/one
+RUN mkdir /data && \\
+    dd if=/dev/zero bs=1024 count=1024 of=/data/one && \\
+    chmod -R 0777 /data && \\
+    dd if=/dev/zero bs=1024 count=1024 of=/data/two && \\
+    chmod -R 0777 /data && \\
+    rm /data/one
 CMD [\"ls\", \"-alh\", \"/data\"]
"
    );
    assert_eq!(
        run.stderr,
        "would fix 1 finding in 1 file (DL3059 ×1); none would remain\n"
    );
    assert_eq!(read(&dir, "Dockerfile"), SEED);
}

#[test]
fn diff_with_nothing_to_fix_prints_nothing_and_exits_0() {
    let dir = project(&[("Dockerfile", CHOWN)]);
    let run = layerlint(dir.path(), &["check", "--diff", "--quiet", "Dockerfile"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    // With --unsafe-fixes the COPY --chown rewrite is a diff.
    let run = layerlint(
        dir.path(),
        &["check", "--diff", "--unsafe-fixes", "Dockerfile"],
    );
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .contains("+COPY --chown=node:node app.conf /etc/app.conf\n"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&dir, "Dockerfile"), CHOWN);
}

#[test]
fn diff_wins_over_fix() {
    let dir = project(&[("Dockerfile", SEED)]);
    let run = layerlint(dir.path(), &["check", "--fix", "--diff", "Dockerfile"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stdout.starts_with("--- a/Dockerfile\n"),
        "{}",
        run.stdout
    );
    assert_eq!(read(&dir, "Dockerfile"), SEED);
}

#[test]
fn fix_on_stdin_prints_only_the_fixed_text_and_reports_on_stderr() {
    let dir = project(&[]);
    let run = layerlint_with_stdin(dir.path(), &["check", "--fix", "-"], APT);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "FROM debian:12\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\n"
    );
    assert_eq!(
        run.stderr,
        "no findings in 1 file\nfixed 2 findings in 1 file (DL3009 ×1, LL301 ×1); none remain\n"
    );
    // A machine format moves to stderr too; stdout stays the file.
    let run = layerlint_with_stdin(
        dir.path(),
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--format",
            "json",
            "-q",
            "-",
        ],
        CHOWN,
    );
    assert_eq!(
        run.stdout,
        "FROM node:20-alpine\nWORKDIR /app\nCOPY . .\nCOPY --chown=node:node app.conf /etc/app.conf\n"
    );
    assert_eq!(run.stderr, "[]\n");
}

#[test]
fn stdin_that_does_not_parse_is_printed_back_unchanged() {
    let dir = project(&[]);
    let run = layerlint_with_stdin(dir.path(), &["check", "--fix", "-q", "-"], BROKEN);
    assert_eq!(run.stdout.as_bytes(), BROKEN);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr
            .starts_with("warning: standard input was not fixed: Docker would refuse it (LL001)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_with_a_syntax_error_is_left_untouched_and_named() {
    let dir = project(&[("broken.Dockerfile", BROKEN), ("Dockerfile", APT)]);
    let run = layerlint(dir.path(), &["check", "--fix", "--quiet", "."]);
    assert_eq!(read(&dir, "broken.Dockerfile"), BROKEN);
    assert!(
        run.stderr.contains(
            "warning: broken.Dockerfile was not fixed: Docker would refuse it (LL001), and a file Docker refuses is never rewritten"
        ),
        "{}",
        run.stderr
    );
    // The other file is still fixed, and the syntax error is a finding (1), not a failure (2).
    assert_ne!(read(&dir, "Dockerfile"), APT);
    assert_eq!(run.code, 1);
}

#[test]
fn quiet_drops_the_fix_summary() {
    let dir = project(&[("Dockerfile", SEED)]);
    let run = layerlint(dir.path(), &["check", "--fix", "--quiet", "Dockerfile"]);
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (0, "", "")
    );
    assert_eq!(
        String::from_utf8_lossy(&read(&dir, "Dockerfile")),
        SEED_FIXED
    );
}

#[test]
fn a_file_with_nothing_to_fix_is_not_rewritten() {
    let dir = project(&[("Dockerfile", CLEAN)]);
    let path = dir.path().join("Dockerfile");
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000);
    fs::File::options()
        .write(true)
        .open(&path)
        .and_then(|file| file.set_modified(old))
        .expect("set the modification time");
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 0);
    assert_eq!(run.stderr, "fixed nothing; no findings\n");
    let modified = fs::metadata(&path).and_then(|m| m.modified()).ok();
    assert_eq!(modified, Some(old));
}

#[cfg(unix)]
#[test]
fn fixing_keeps_the_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = project(&[("Dockerfile", SEED)]);
    let path = dir.path().join("Dockerfile");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        String::from_utf8_lossy(&read(&dir, "Dockerfile")),
        SEED_FIXED
    );
    let mode = fs::metadata(&path)
        .map(|m| m.permissions().mode() & 0o777)
        .ok();
    assert_eq!(mode, Some(0o640));
    // No temporary file is left beside it.
    let entries = fs::read_dir(dir.path()).map(|e| e.count()).ok();
    assert_eq!(entries, Some(1));
}

#[test]
fn a_crlf_file_stays_crlf_after_a_fix() {
    let crlf = b"FROM debian:12\r\nRUN apt-get update\r\nRUN apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8\r\n";
    let dir = project(&[("Dockerfile", crlf)]);
    let run = layerlint(dir.path(), &["check", "--fix", "Dockerfile"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        String::from_utf8_lossy(&read(&dir, "Dockerfile")),
        "FROM debian:12\r\nRUN apt-get update && apt-get install -y --no-install-recommends curl=7.88.1-10+deb12u8 && rm -rf /var/lib/apt/lists/*\r\n"
    );
}

/// Directory discovery picks up the variant names projects use besides `Dockerfile.*`
/// (`Dockerfile-windows`, kaniko's `Dockerfile_test_*`, `Containerfile-*`, numbered files).
#[test]
fn a_directory_search_lints_dash_underscore_and_numbered_names() {
    let dir = project(&[
        ("win/Dockerfile-windows", SEED),
        ("tests/Dockerfile_test_run", SEED),
        ("ci/Containerfile-hardlinks", SEED),
        ("ci/Containerfile_arm64", SEED),
        ("multi/Dockerfile2", SEED),
        ("notes/Dockerfiles", b"not a Dockerfile\n"),
    ]);
    let run = layerlint(dir.path(), &["check", "--format", "json", "."]);
    let files: std::collections::BTreeSet<String> = run
        .json()
        .as_array()
        .into_iter()
        .flatten()
        .map(|finding| finding["file"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(
        files.into_iter().collect::<Vec<_>>(),
        [
            "ci/Containerfile-hardlinks",
            "ci/Containerfile_arm64",
            "multi/Dockerfile2",
            "tests/Dockerfile_test_run",
            "win/Dockerfile-windows",
        ],
        "{}",
        run.stdout
    );
}

/// More files than the check writes at a time (128), named so that the order of their paths
/// (`a/…` before `a-…`, component by component) is not the order of their names (`a-…` before
/// `a/…`, character by character), with a path that cannot be read among them.
fn many_files_in_two_orders() -> TempDir {
    let misspelt: &[u8] = b"FROM alpine:3.20\nRUNN echo hi\n";
    let names: Vec<String> = (0..150)
        .flat_map(|i| {
            [
                format!("a/{i:03}/Dockerfile"),
                format!("a-{i:03}/Dockerfile"),
            ]
        })
        .collect();
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (n.as_str(), misspelt)).collect();
    project(&files)
}

/// The files a report names, in the order it names them, each once.
fn files_in_order(names: impl Iterator<Item = String>) -> Vec<String> {
    let mut files: Vec<String> = names.collect();
    files.dedup();
    files
}

#[test]
fn a_report_written_as_files_are_linted_keeps_the_whole_reports_order() {
    let dir = many_files_in_two_orders();
    let args = ["check", "--no-config", "--no-shellcheck", ".", "missing"];
    // JSON is written a window of files at a time; SARIF only once every file is linted.
    let json = layerlint(dir.path(), &[&args[..], &["--format", "json"]].concat());
    let sarif = layerlint(dir.path(), &[&args[..], &["--format", "sarif"]].concat());
    assert_eq!(json.code, 2, "{}", json.stderr);
    assert_eq!(sarif.code, 2, "{}", sarif.stderr);
    assert_eq!(json.stderr, sarif.stderr);
    assert!(
        json.stderr.contains("cannot read missing"),
        "{}",
        json.stderr
    );
    let from_json = files_in_order(
        json.json()
            .as_array()
            .into_iter()
            .flatten()
            .map(|f| f["file"].as_str().unwrap_or_default().to_string()),
    );
    let from_sarif = files_in_order(
        sarif.json()["runs"][0]["results"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let uri = &r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
                uri.as_str().unwrap_or_default().to_string()
            }),
    );
    let mut by_name = from_json.clone();
    by_name.sort();
    assert_eq!(from_json.len(), 300);
    assert_eq!(from_json, by_name, "files in the order of their names");
    assert_eq!(from_json, from_sarif);
    assert_eq!(from_json[0], "a-000/Dockerfile");
    assert_eq!(from_json[150], "a/000/Dockerfile");
    let human = layerlint(dir.path(), &args);
    assert!(
        human
            .stdout
            .ends_with("300 errors in 300 files; 1 path could not be checked\n"),
        "{}",
        human.stdout
    );
}
