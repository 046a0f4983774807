//! Safe fixes must keep the image: each Dockerfile here is built with a real builder (buildah, on
//! a local busybox base, no registry) before and after `fix_source` at the safe level, and the two
//! images must have the same files (type, mode, owner, size, content, link target) and the same
//! config, while the fixed one ships no more layer bytes. tests/tools/build-and-inspect.sh does
//! the building and prints what is compared.
//!
//! Three sets: the seed example from LAYER-RULES.md (which must also shrink a lot), every bad rule
//! example whose safe fix changes its file and whose original builds on busybox, and hard cases
//! written here for the shell-level details of a merge. Without buildah (or without root, which
//! its chroot isolation needs here) every test says so loudly and passes.

mod common;
mod skip;

use common::image::{self, Build, difference};
use layerlint::LintOptions;
use layerlint::diagnostic::Applicability;
use layerlint::fix::{FixOutcome, fix_source};
use layerlint::project::BuildContext;
use layerlint::rules::{self, Example};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::Command;
use std::sync::Mutex;
use std::thread;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/tools/build-and-inspect.sh"
);

const INSTALL: &str = "apt-get install -y buildah busybox-static netavark";

/// Builds run side by side. A build is mostly the kernel copying and walking layer trees, one core
/// each; more jobs than the two cores here only slowed the suite down.
const JOBS: usize = 2;

// --- whether this machine can build -------------------------------------------------------------

/// Why images cannot be built here, when they cannot.
fn cannot_build() -> Option<String> {
    let works = |program: &str, arg: &str| {
        Command::new(program)
            .arg(arg)
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if !works("buildah", "--version") {
        return Some(format!("buildah is not installed ({INSTALL})"));
    }
    let uid = Command::new("id").arg("-u").output().ok();
    let root = uid.is_some_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0");
    if !root {
        return Some("buildah's chroot isolation and vfs storage need root here".to_string());
    }
    None
}

/// Returns true (after saying so where it shows, or failing under CI) when the test cannot run
/// here.
fn skipped() -> bool {
    match cannot_build() {
        Some(reason) => {
            skip::skip("the image-build suite (tests/image_build.rs)", &reason);
            true
        }
        None => false,
    }
}

// --- one build -----------------------------------------------------------------------------------

/// Writes the context's files, with the given modes (others keep the default one).
fn write_context(root: &Path, context: &BTreeMap<String, String>, modes: &BTreeMap<String, u32>) {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(root).expect("the context directory");
    for (path, text) in context {
        assert!(
            !path.split('/').any(|part| part == ".."),
            "context path {path:?} leaves the context"
        );
        let file = root.join(path);
        if let Some(parent) = file.parent() {
            fs::create_dir_all(parent).expect("a context subdirectory");
        }
        fs::write(&file, text).expect("a context file");
        if let Some(mode) = modes.get(path) {
            fs::set_permissions(&file, fs::Permissions::from_mode(*mode)).expect("a mode");
        }
    }
}

/// Builds `dockerfile` with the context directory `root` as it is, and inspects the image.
/// Panics only when the tooling itself breaks: a Dockerfile that does not build is an answer,
/// not an error.
fn build_with(dockerfile: &str, root: &Path) -> Build {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("Dockerfile");
    fs::write(&file, dockerfile).expect("the Dockerfile");
    // Through bash, so that a checkout that lost the executable bit still runs it.
    let out = Command::new("bash")
        .arg(SCRIPT)
        .arg(&file)
        .arg(root)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {SCRIPT}: {e}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Build::Image(image::Image::parse(&String::from_utf8_lossy(&out.stdout))),
        Some(3) => Build::Failed(image::why_it_failed(&stderr)),
        _ => panic!(
            "{SCRIPT} failed ({}) on:\n{dockerfile}\n{stderr}",
            out.status
        ),
    }
}

// --- before and after ----------------------------------------------------------------------------

/// How the images before and after a fix compare.
enum Verdict {
    /// Same files and config; the layer bytes above the base before and after, and the base's.
    Kept { before: u64, after: u64, base: u64 },
    /// The original does not build here (a package manager busybox lacks, a download …).
    OriginalFails(String),
    /// The fix changed the image, or broke the build, or made the layers bigger: a real bug.
    Broken(String),
}

fn compare(original: &str, fixed: &str, context: &BTreeMap<String, String>) -> Verdict {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let root = dir.path().join("context");
    write_context(&root, context, &BTreeMap::new());
    compare_in(original, fixed, &root)
}

/// `compare` with a context directory already written.
fn compare_in(original: &str, fixed: &str, root: &Path) -> Verdict {
    let before = match build_with(original, root) {
        Build::Image(image) => image,
        Build::Failed(why) => return Verdict::OriginalFails(why),
    };
    let after = match build_with(fixed, root) {
        Build::Image(image) => image,
        Build::Failed(why) => {
            return Verdict::Broken(format!(
                "the original builds but the fixed file does not: {why}"
            ));
        }
    };
    let mut problems = String::new();
    if before.files != after.files {
        problems += &difference("files", &before.files, &after.files);
    }
    if before.config != after.config {
        problems += &difference("config", &before.config, &after.config);
    }
    if after.layer_bytes > before.layer_bytes {
        let _ = writeln!(
            problems,
            "  layer bytes grew: {} before, {} after",
            before.layer_bytes, after.layer_bytes
        );
    }
    if problems.is_empty() {
        Verdict::Kept {
            before: before.layer_bytes,
            after: after.layer_bytes,
            base: before.base_bytes,
        }
    } else {
        Verdict::Broken(problems)
    }
}

fn fix_safe(source: &str, options: &LintOptions) -> FixOutcome {
    fix_source(source, options, Applicability::Safe)
}

// --- (a) the seed example -------------------------------------------------------------------------

#[test]
fn the_fixed_seed_example_ships_the_same_files_in_far_fewer_bytes() {
    if skipped() {
        return;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/seed/Dockerfile");
    let original = fs::read_to_string(&path).expect("examples/seed/Dockerfile");
    let options = LintOptions {
        build_context: BuildContext::for_dockerfile(path.parent().expect("a parent"), &path),
        ..LintOptions::default()
    };
    let fixed = fix_safe(&original, &options).text;
    assert_ne!(
        fixed, original,
        "the safe fixes changed nothing in the seed"
    );
    match compare(&original, &fixed, &BTreeMap::new()) {
        Verdict::Kept {
            before,
            after,
            base,
        } => {
            eprintln!(
                "seed example: same files and config; layer bytes above the base {before} before \
                 the fix, {after} after ({}%); with the {base}-byte base layer {} before, {} after \
                 ({}%)\nfixed:\n{fixed}",
                after * 100 / before,
                before + base,
                after + base,
                (after + base) * 100 / (before + base)
            );
            assert!(
                after * 100 <= before * 60,
                "the fixed seed should ship at most 60% of the layer bytes: {after} vs {before}"
            );
        }
        Verdict::OriginalFails(why) => panic!("the seed must build on busybox: {why}"),
        Verdict::Broken(why) => panic!("the safe fix changed the seed's image:\n{why}"),
    }
}

// --- (b) the rule examples -----------------------------------------------------------------------

/// A bad example worth building: its safe fix changes it.
struct Candidate {
    name: String,
    original: String,
    fixed: String,
    context: BTreeMap<String, String>,
}

fn example_options(example: &Example) -> LintOptions {
    LintOptions {
        build_context: match &example.context {
            Some(files) => BuildContext::Files(files.clone()),
            None => BuildContext::Unknown,
        },
        ..LintOptions::default()
    }
}

/// The bad examples with a `fixed` output whose safe fix changes the file, each Dockerfile once;
/// the others go to `skipped` with the reason.
fn candidates(skipped: &mut Vec<String>) -> Vec<Candidate> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut found = Vec::new();
    for (doc, _) in rules::all() {
        for (index, example) in doc.examples().bad.iter().enumerate() {
            let name = format!(
                "{} bad #{} ({})",
                doc.code,
                index + 1,
                example.title.as_deref().unwrap_or("")
            );
            if example.fixed.is_none() {
                continue;
            }
            if let Some(first) = seen.get(&example.dockerfile) {
                skipped.push(format!("{name}: the same Dockerfile as {first}"));
                continue;
            }
            seen.insert(example.dockerfile.clone(), name.clone());
            let fixed = fix_safe(&example.dockerfile, &example_options(example)).text;
            if fixed == example.dockerfile {
                skipped.push(format!("{name}: its safe fixes change nothing"));
                continue;
            }
            found.push(Candidate {
                name,
                original: on_busybox(&example.dockerfile),
                fixed: on_busybox(&fixed),
                context: example.context.clone().unwrap_or_default(),
            });
        }
    }
    found
}

/// Points every stage that starts from an image (not from an earlier stage) at busybox, keeping
/// the rest of each line. Done after fixing: a rule may care which base it is (a Windows image).
fn on_busybox(dockerfile: &str) -> String {
    let mut stages: BTreeSet<String> = BTreeSet::new();
    let mut out = String::with_capacity(dockerfile.len());
    for line in dockerfile.split_inclusive('\n') {
        out.push_str(&rebase_line(line, &mut stages));
    }
    out
}

fn rebase_line(line: &str, stages: &mut BTreeSet<String>) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    if !words
        .first()
        .is_some_and(|w| w.eq_ignore_ascii_case("FROM"))
    {
        return line.to_string();
    }
    let Some(image) = words.iter().skip(1).find(|w| !w.starts_with("--")) else {
        return line.to_string();
    };
    let from_stage = stages.contains(&image.to_ascii_lowercase());
    if let Some(at) = words.iter().position(|w| w.eq_ignore_ascii_case("AS")) {
        if let Some(name) = words.get(at + 1) {
            stages.insert(name.to_ascii_lowercase());
        }
    }
    if from_stage {
        return line.to_string();
    }
    // The image is the first word after FROM and its flags; replace exactly that occurrence.
    let keyword_end = line.find(words[0]).unwrap_or(0) + words[0].len();
    let at = keyword_end + line[keyword_end..].find(*image).unwrap_or(0);
    format!("{}busybox{}", &line[..at], &line[at + image.len()..])
}

#[test]
fn safe_fixes_of_the_rule_examples_keep_the_image() {
    if skipped() {
        return;
    }
    let mut skipped = Vec::new();
    let work = candidates(&mut skipped);
    let verdicts = in_parallel(&work, |c| compare(&c.original, &c.fixed, &c.context));
    let mut compared = Vec::new();
    let mut broken = Vec::new();
    for (candidate, verdict) in work.iter().zip(verdicts) {
        match verdict {
            Verdict::Kept { before, after, .. } => {
                compared.push(format!("{}: {before} → {after} bytes", candidate.name))
            }
            Verdict::OriginalFails(why) => skipped.push(format!(
                "{}: the original does not build on busybox: {why}",
                candidate.name
            )),
            Verdict::Broken(why) => broken.push(format!(
                "{}:\n{why}  original:\n{}  fixed:\n{}",
                candidate.name, candidate.original, candidate.fixed
            )),
        }
    }
    image::conclude_examples("rule examples", &compared, &skipped, &broken);
}

/// `f` of every item, `JOBS` items at a time; the results come back in the items' order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let next = Mutex::new(0..items.len());
    let done = Mutex::new(BTreeMap::new());
    thread::scope(|scope| {
        for _ in 0..JOBS {
            scope.spawn(|| {
                while let Some(i) = next.lock().expect("queue").next() {
                    let result = f(&items[i]);
                    done.lock().expect("results").insert(i, result);
                }
            });
        }
    });
    done.into_inner().expect("results").into_values().collect()
}

// --- (c) hard cases ------------------------------------------------------------------------------

/// A Dockerfile written to test one detail of the safe fixes, and the rule whose fix it needs.
struct Case {
    name: &'static str,
    rule: &'static str,
    dockerfile: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "a cd stays in a subshell: b lands in /, not /tmp",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN cd /tmp && touch a\nRUN touch b\n",
    },
    Case {
        name: "an umask stays in a subshell: the later file keeps its mode",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN umask 077 && touch /private\nRUN touch /public\n",
    },
    Case {
        name: "an assignment and an export stay in a subshell",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN A=1; export B=2\nRUN echo \"a=$A b=$B\" > /vars\n",
    },
    Case {
        name: "an exit stays in a subshell: the later RUN still runs",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN touch /first; exit 0\nRUN touch /second\n",
    },
    Case {
        name: "a trailing ; is dropped, not doubled",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir /app;\nRUN touch /app/ready\n",
    },
    Case {
        name: "a trailing comment cannot swallow the next script",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir /app # the app lives here\nRUN touch /app/ready\n",
    },
    Case {
        name: "a trailing ; and comment together",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir /app; # the app lives here\nRUN touch /app/ready\n",
    },
    Case {
        name: "a || b, then c: c runs whichever side ran",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN test -e /missing || touch /fallback\nRUN true || touch /never\nRUN touch /after\n",
    },
    Case {
        name: "a later list or || is grouped after the first script",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN touch /one\nRUN test -e /two || touch /two; touch /three\n",
    },
    Case {
        name: "LABEL, EXPOSE and CMD between the RUNs move after the merged RUN",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir /srv\n# served on 8080\nLABEL org.example.role=web\nEXPOSE 8080\nCMD [\"httpd\", \"-f\", \"-h\", \"/srv\"]\nRUN echo hello > /srv/index.html\n",
    },
    Case {
        name: "continuation lines and indentation inside a merged script",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir -p /opt/a \\\n      /opt/b\nRUN touch /opt/a/x \\\n && touch /opt/b/y\n",
    },
    Case {
        name: "the backtick escape of a Windows-style file, on Linux",
        rule: "DL3059",
        dockerfile: "# escape=`\nFROM busybox\nRUN mkdir -p /opt/a `\n      /opt/b\nRUN touch /opt/a/x /opt/b/y\n",
    },
    Case {
        name: "CRLF line endings",
        rule: "DL3059",
        dockerfile: "FROM busybox\r\nRUN mkdir /crlf\r\nRUN touch /crlf/file\r\n",
    },
    Case {
        name: "a file created then deleted in a later layer",
        rule: "LL302",
        dockerfile: "FROM busybox\nRUN mkdir /dl && dd if=/dev/zero of=/dl/blob bs=1024 count=256\nRUN rm -rf /dl\n",
    },
    Case {
        name: "a chmod of files an earlier layer made",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN mkdir /bin2 && dd if=/dev/zero of=/bin2/tool bs=1024 count=64\nRUN chmod -R 0755 /bin2\n",
    },
    Case {
        name: "set -e scripts joined with ; keep -e and the later script's own options",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN set -eux; mkdir -p /data; dd if=/dev/zero of=/data/big bs=1024 count=256\nRUN set -eux; rm /data/big; echo done > /data/note\n",
    },
    Case {
        name: "a set -eu script, then one command reading a set ENV",
        rule: "LL302",
        dockerfile: "FROM busybox\nENV DIR=/cache\nRUN set -eu; mkdir -p \"$DIR\"; dd if=/dev/zero of=\"$DIR/blob\" bs=1024 count=128\nRUN rm -rf \"$DIR/blob\"\n",
    },
    Case {
        name: "a set -e script that leaks a directory and an export runs in a subshell",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN set -eux; mkdir -p /srv/app; cd /srv/app; export MODE=dev; touch made-here\nRUN set -eu; pwd > /where; echo \"${MODE:-unset}\" > /mode\n",
    },
    Case {
        name: "a set -e script ending in an and-list",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN set -e; mkdir /d && touch /d/x\nRUN touch /after\n",
    },
    Case {
        name: "a WORKDIR-relative script keeps its directory after the merge",
        rule: "DL3059",
        dockerfile: "FROM busybox\nRUN true\nWORKDIR /work\nRUN mkdir sub && cd sub && touch inner\nRUN touch outer\n",
    },
];

/// What the image builds found: moving an ARG is not safe when a RUN it moves past reads the
/// environment without naming the ARG (`env`, `printenv`, any script it runs), because Docker
/// and buildah pass every ARG in scope to each RUN as an environment variable. LL305's move is
/// therefore an unsafe fix; this case keeps the reason on record.
const LL305_ARG_READ_FROM_ENV: Case = Case {
    name: "an ARG moved past a RUN that reads it through the environment",
    rule: "LL305",
    // The names only: the values include a random HOSTNAME.
    dockerfile: "FROM busybox\nARG GIT_SHA=abc123\nRUN env | cut -d= -f1 | sort > /env-names\nRUN echo \"$GIT_SHA\" > /commit\n",
};

/// Only the case's rule (and the syntax check, which tells the fix engine a fix broke the file):
/// a merge that DL3059 and LL302 both offer must be LL302's own in an LL302 case.
fn only(rule: &str) -> LintOptions {
    let mut options = LintOptions::default();
    options.config.select = Some(vec![rule.to_string(), "LL001".to_string()]);
    options
}

/// Builds each case before and after its rule's safe fix; returns what went wrong, one entry a
/// case with a problem.
fn check_cases(cases: &[Case]) -> Vec<String> {
    let problems = in_parallel(cases, check_case);
    problems.into_iter().flatten().collect()
}

fn check_case(case: &Case) -> Option<String> {
    let outcome = fix_safe(case.dockerfile, &only(case.rule));
    if !outcome.fixed.contains_key(case.rule) {
        return Some(format!(
            "{}: no {} fix applied, so the case tests nothing (fixed: {:?})",
            case.name, case.rule, outcome.fixed
        ));
    }
    let report = |why: String| {
        format!(
            "{} ({}):\n{why}  original:\n{}  fixed:\n{}",
            case.name, case.rule, case.dockerfile, outcome.text
        )
    };
    match compare(case.dockerfile, &outcome.text, &BTreeMap::new()) {
        Verdict::Kept { before, after, .. } => {
            eprintln!("  kept      {}: {before} → {after} bytes", case.name);
            None
        }
        Verdict::OriginalFails(why) => Some(report(format!("  the original must build: {why}\n"))),
        Verdict::Broken(why) => Some(report(why)),
    }
}

#[test]
fn safe_fixes_of_hard_cases_keep_the_image() {
    if skipped() {
        return;
    }
    let problems = check_cases(CASES);
    eprintln!(
        "hard cases: {} built and compared, {} with problems",
        CASES.len() - problems.len(),
        problems.len()
    );
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// What the image build above found is now a rule: LL305 never moves an ARG past a RUN that may
/// read it from its environment (`env` here), so it offers no move at all, at any level.
#[test]
fn ll305_never_moves_an_arg_past_a_run_that_may_read_its_environment() {
    let case = &LL305_ARG_READ_FROM_ENV;
    let moved = fix_source(case.dockerfile, &only(case.rule), Applicability::Unsafe);
    assert_eq!(
        moved.text, case.dockerfile,
        "LL305 must not move the ARG past `env`"
    );
}

// --- (d) LL303's unsafe COPY --chown/--chmod rewrite ----------------------------------------------

/// A Dockerfile and its context (text and mode of each file) for LL303's rewrite. An unsafe fix
/// may be wrong where the tool cannot see, but in these cases it can: the group a file had, a
/// directory that already existed, other paths in the RUN, a mode the file already has.
struct PermissionCase {
    name: &'static str,
    dockerfile: &'static str,
    /// Path, text, mode.
    context: &'static [(&'static str, &'static str, u32)],
    /// Whether the rewrite must be offered (it must then keep the image); otherwise nothing may
    /// be rewritten.
    rewritten: bool,
}

const SCRIPT_TEXT: &str = "#!/bin/sh\necho hello\n";

const PERMISSION_CASES: &[PermissionCase] = &[
    PermissionCase {
        name: "chown app keeps the group root, which --chown=app alone would not",
        dockerfile: "FROM busybox\nRUN echo app:x:1000:1000::/home/app:/bin/sh >> /etc/passwd && echo app:x:1000: >> /etc/group\nCOPY app.conf /etc/app.conf\nRUN chown app /etc/app.conf\n",
        context: &[("app.conf", "port=8080\n", 0o644)],
        rewritten: true,
    },
    PermissionCase {
        name: "the old user.group spelling",
        dockerfile: "FROM busybox\nRUN echo pg:x:1001:1001::/home/pg:/bin/sh >> /etc/passwd && echo pg:x:1001: >> /etc/group\nCOPY pg.conf /etc/pg.conf\nRUN chown pg.pg /etc/pg.conf\n",
        context: &[("pg.conf", "listen=*\n", 0o644)],
        rewritten: true,
    },
    PermissionCase {
        name: "a chown and a symbolic chmod fold into both flags",
        dockerfile: "FROM busybox\nRUN echo app:x:1000:1000::/home/app:/bin/sh >> /etc/passwd && echo app:x:1000: >> /etc/group && mkdir -p /usr/local/bin\nCOPY run.sh /usr/local/bin/run.sh\nRUN chown app /usr/local/bin/run.sh && chmod +x /usr/local/bin/run.sh\n",
        context: &[("run.sh", SCRIPT_TEXT, 0o644)],
        rewritten: true,
    },
    PermissionCase {
        name: "chgrp keeps root as the owner",
        dockerfile: "FROM busybox\nRUN true\nCOPY shared.db /var/shared.db\nRUN chgrp nobody /var/shared.db\n",
        context: &[("shared.db", "data\n", 0o640)],
        rewritten: true,
    },
    PermissionCase {
        name: "one chmod for the files of two COPYs",
        dockerfile: "FROM busybox\nRUN true\nCOPY start.sh /start.sh\nCOPY stop.sh /opt/stop.sh\nRUN chmod 0750 /start.sh /opt/stop.sh\n",
        context: &[
            ("start.sh", SCRIPT_TEXT, 0o644),
            ("stop.sh", SCRIPT_TEXT, 0o600),
        ],
        rewritten: true,
    },
    PermissionCase {
        name: "chown -R of a directory that existed before the COPY",
        dockerfile: "FROM busybox\nRUN true\nWORKDIR /app\nCOPY . /app\nRUN chown -R nobody /app\n",
        context: &[("index.js", "console.log(1)\n", 0o644)],
        rewritten: false,
    },
    PermissionCase {
        name: "a chown of the copied file and of other paths",
        dockerfile: "FROM busybox\nRUN true\nCOPY app.conf /etc/app.conf\nRUN chown nobody /etc/app.conf /tmp\n",
        context: &[("app.conf", "port=8080\n", 0o644)],
        rewritten: false,
    },
    PermissionCase {
        name: "a chmod of one file of a whole-context COPY",
        dockerfile: "FROM busybox\nRUN true\nCOPY . /app\nRUN chmod 0755 /app/run.sh\n",
        context: &[
            ("run.sh", SCRIPT_TEXT, 0o644),
            ("README", "read me\n", 0o644),
        ],
        rewritten: false,
    },
    PermissionCase {
        name: "a chmod in a RUN that does other work",
        dockerfile: "FROM busybox\nRUN true\nCOPY init.sh /init.sh\nRUN chmod 0755 /init.sh && mkdir /data\n",
        context: &[("init.sh", SCRIPT_TEXT, 0o644)],
        rewritten: false,
    },
];

/// The context directory of a case, under `dir`, and the options that lint with it.
fn permission_context(case: &PermissionCase, dir: &Path) -> (std::path::PathBuf, LintOptions) {
    let root = dir.join("context");
    let files = case
        .context
        .iter()
        .map(|(path, text, _)| (path.to_string(), text.to_string()))
        .collect();
    let modes = case
        .context
        .iter()
        .map(|(path, _, mode)| (path.to_string(), *mode))
        .collect();
    write_context(&root, &files, &modes);
    let mut options = only("LL303");
    options.build_context = BuildContext::directory(&root);
    (root, options)
}

fn check_permission_case(case: &PermissionCase) -> Option<String> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (root, options) = permission_context(case, dir.path());
    let outcome = fix_source(case.dockerfile, &options, Applicability::Unsafe);
    let applied = outcome.fixed.contains_key("LL303");
    if applied != case.rewritten {
        return Some(format!(
            "{}: the rewrite was {}offered:\n{}",
            case.name,
            if applied { "" } else { "not " },
            outcome.text
        ));
    }
    if !applied {
        return None;
    }
    match compare_in(case.dockerfile, &outcome.text, &root) {
        Verdict::Kept { before, after, .. } => {
            eprintln!("  kept      {}: {before} → {after} bytes", case.name);
            (after < before).then_some(()).map_or_else(
                || {
                    Some(format!(
                        "{}: the rewrite saved nothing ({before} → {after})",
                        case.name
                    ))
                },
                |()| None,
            )
        }
        Verdict::OriginalFails(why) => {
            Some(format!("{}: the original must build: {why}", case.name))
        }
        Verdict::Broken(why) => Some(format!(
            "{}:\n{why}  original:\n{}  rewritten:\n{}",
            case.name, case.dockerfile, outcome.text
        )),
    }
}

#[test]
fn ll303_rewrites_keep_the_image_where_the_tool_can_see() {
    if skipped() {
        return;
    }
    let problems: Vec<String> = in_parallel(PERMISSION_CASES, check_permission_case)
        .into_iter()
        .flatten()
        .collect();
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

/// The ground for LL303's silence on a chmod that changes nothing: with buildah's vfs driver
/// (what these tests use; BuildKit's differ compares the same way) the image is the same with
/// and without it, and its layer adds no file bytes. buildah's overlay driver copies the file up
/// anyway; rules/LL303.yaml says so.
#[test]
fn a_chmod_that_changes_nothing_adds_no_file_bytes() {
    let case = PermissionCase {
        name: "chmod +x on a file already executable in the context",
        dockerfile: "FROM busybox\nRUN true\nCOPY run.sh /usr/local/bin/run.sh\nRUN chmod +x /usr/local/bin/run.sh && chown root /usr/local/bin/run.sh\n",
        context: &[("run.sh", SCRIPT_TEXT, 0o755)],
        rewritten: false,
    };
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (root, options) = permission_context(&case, dir.path());
    let found = layerlint::lint_with(case.dockerfile, &options);
    assert!(
        found.iter().all(|d| d.code != "LL303"),
        "no LL303 finding for a no-op chmod: {found:?}"
    );
    if skipped() {
        return;
    }
    let without = "FROM busybox\nRUN true\nCOPY run.sh /usr/local/bin/run.sh\nRUN true\n";
    match compare_in(case.dockerfile, without, &root) {
        Verdict::Kept { before, after, .. } => assert_eq!(
            before, after,
            "the no-op chmod and chown should add exactly what `RUN true` adds"
        ),
        Verdict::OriginalFails(why) => panic!("the case must build: {why}"),
        Verdict::Broken(why) => panic!("the no-op chmod changed the image:\n{why}"),
    }
}
