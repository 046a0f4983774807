//! A merged `RUN` must do what the separate `RUN`s did, failures included: the image-build suites
//! compare builds that succeed, and this test covers the ones that fail. Each case is a set of
//! `RUN` scripts with failure points; for every combination of failing points, the scripts run
//! one `sh -c` each (stopping at the first that fails, as a build does) and the merged `RUN`'s
//! script runs once, and both must leave the same trace and both fail or both succeed. Each
//! script runs in a fresh directory tree, so a `cd` or a variable that leaks across the merge
//! shows in the trace. Run with every POSIX shell found here (`sh`, `dash`, `busybox sh`, `bash
//! --posix`), since `set -e` corners differ between shells.

use layerlint::LintOptions;
use layerlint::diagnostic::Applicability;
use layerlint::fix::fix_source;
use layerlint::syntax::{self, Args, Keyword};
use std::fs;
use std::path::Path;
use std::process::Command;

/// `RUN` scripts; `FAIL1`, `FAIL2` … become `true` or `false`. `$LOG` is the trace file.
const CASES: &[&[&str]] = &[
    // A set -e script that leaks a directory and a variable, then another that reads both.
    &[
        "set -eux; cd sub; export A=1; B=2; FAIL1; echo a1 >> $LOG",
        "set -eu; echo \"b $(basename \"$PWD\") ${A:-none} ${B:-none}\" >> $LOG; FAIL2; echo b2 >> $LOG",
    ],
    // The first script ends in an and-list, whose left side may fail quietly.
    &["set -e; echo a >> $LOG && FAIL1", "echo b >> $LOG"],
    // Three scripts: the middle one leaks and fails inside an and-list.
    &[
        "set -ex; echo a >> $LOG",
        "set -e; X=1; cd sub; FAIL1 && echo b >> $LOG",
        "set -e; echo \"c $(basename \"$PWD\") ${X:-unset}\" >> $LOG; FAIL2",
    ],
    // An exit in a leaking script ends only that script.
    &[
        "set -e; cd sub; FAIL1; echo a >> $LOG; exit 0; echo never >> $LOG",
        "echo \"b $(basename \"$PWD\")\" >> $LOG",
    ],
    // Options a set -e script leaves on reach code the later script's text does not show: a list
    // inside a command substitution, a sourced file, eval. These must not merge (or must merge
    // exactly).
    &[
        "set -e; cd sub; echo a >> $LOG",
        "echo \"$(false; echo hi)\" >> $LOG",
    ],
    &["set -e; cd sub; echo a >> $LOG", ". ./x.sh"],
    &[
        "set -eu; cd sub; echo a >> $LOG",
        ". ./x.sh && echo b >> $LOG",
    ],
    &[
        "set -e; cd sub; echo a >> $LOG",
        "eval \"false; echo e >> $LOG\"",
    ],
    // Plain scripts joined with &&: a cd and a failure.
    &[
        "cd sub && FAIL1 && echo a >> $LOG",
        "echo \"b $(basename \"$PWD\")\" >> $LOG; FAIL2",
    ],
];

/// The shells to run the scripts with: `(program, arguments before -c)`.
fn shells() -> Vec<(String, Vec<String>)> {
    let candidates: [(&str, &[&str]); 4] = [
        ("sh", &[]),
        ("dash", &[]),
        ("busybox", &["sh"]),
        ("bash", &["--posix"]),
    ];
    candidates
        .iter()
        .filter(|(program, args)| {
            Command::new(program)
                .args(*args)
                .args(["-c", "true"])
                .output()
                .is_ok_and(|out| out.status.success())
        })
        .map(|(program, args)| {
            (
                program.to_string(),
                args.iter().map(|a| a.to_string()).collect(),
            )
        })
        .collect()
}

/// The scripts of the file's `RUN`s, as Docker passes them to the shell.
fn run_scripts(source: &str) -> Vec<String> {
    let dockerfile = syntax::parse(source);
    assert!(dockerfile.errors.is_empty(), "{source}");
    dockerfile
        .instructions()
        .filter(|i| i.keyword == Keyword::Run)
        .map(|i| match &i.args {
            Args::Text(word) => word.text.to_string(),
            other => panic!("not a shell-form RUN: {other:?}"),
        })
        .collect()
}

/// Runs `scripts` one shell each, stopping at the first failure; returns the trace and whether
/// every script succeeded.
fn run(shell: &(String, Vec<String>), scripts: &[String], dir: &Path) -> (String, bool) {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir.join("sub")).unwrap();
    // For the scripts that source a file: it fails midway and reads an unset variable.
    fs::write(
        dir.join("x.sh"),
        "false\necho \"sourced ${UNSET_IN_X}\" >> \"$LOG\"\n",
    )
    .unwrap();
    let log = dir.join("log");
    fs::write(&log, "").unwrap();
    let mut ok = true;
    for script in scripts {
        let status = Command::new(&shell.0)
            .args(&shell.1)
            .arg("-c")
            .arg(script)
            .current_dir(dir)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("LOG", &log)
            .output()
            .unwrap()
            .status;
        if !status.success() {
            ok = false;
            break;
        }
    }
    (fs::read_to_string(&log).unwrap(), ok)
}

#[test]
fn merged_runs_fail_and_succeed_where_the_separate_runs_did() {
    let shells = shells();
    assert!(!shells.is_empty(), "no POSIX shell found");
    let root = std::env::temp_dir().join(format!("layerlint-merge-{}", std::process::id()));
    let mut checked = 0;
    let mut refused = 0;
    for case in CASES {
        let points = case
            .iter()
            .map(|s| s.matches("FAIL").count())
            .sum::<usize>();
        let mut options = LintOptions::default();
        options.config.select = Some(vec!["DL3059".into(), "LL001".into()]);
        let mut source = String::from("FROM busybox\n");
        for script in *case {
            source.push_str(&format!("RUN {script}\n"));
        }
        let fixed = fix_source(&source, &options, Applicability::Safe);
        let merged = run_scripts(&fixed.text);
        if case
            .iter()
            .any(|s| s.contains(". ./x.sh") || s.contains("eval") || s.contains("$(false;"))
        {
            // Refused is right for these; a merge, if one is ever offered, must still be exact.
            if merged.len() != 1 {
                refused += 1;
                continue;
            }
        }
        assert_eq!(merged.len(), 1, "not merged into one RUN:\n{}", fixed.text);
        for mask in 0..1u32 << points {
            let mut point = 0;
            let choose = |script: &str, point: &mut u32| {
                let mut out = script.to_string();
                while let Some(at) = out.find("FAIL") {
                    let end = at
                        + 4
                        + out[at + 4..]
                            .chars()
                            .take_while(char::is_ascii_digit)
                            .count();
                    let word = if mask >> *point & 1 == 1 {
                        "false"
                    } else {
                        "true"
                    };
                    out.replace_range(at..end, word);
                    *point += 1;
                }
                out
            };
            let original: Vec<String> = run_scripts(&source)
                .iter()
                .map(|s| choose(s, &mut point))
                .collect();
            let mut point = 0;
            let joined = vec![choose(&merged[0], &mut point)];
            for shell in &shells {
                let want = run(shell, &original, &root.join("w"));
                let got = run(shell, &joined, &root.join("w"));
                assert_eq!(
                    got, want,
                    "{} differs on failure mask {mask:b}:\noriginal RUNs: {original:#?}\nmerged: {joined:#?}",
                    shell.0
                );
                checked += 1;
            }
        }
    }
    let _ = fs::remove_dir_all(&root);
    assert!(
        checked >= CASES.len() - refused,
        "only {checked} runs compared"
    );
}
