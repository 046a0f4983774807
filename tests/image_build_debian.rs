//! Package-manager fixes proven on a real Debian image. The busybox suite (tests/image_build.rs)
//! has no apt, so nothing there shows that an apt fix keeps a build working. Here each Dockerfile
//! is built with buildah on a Debian bookworm base made locally by tests/tools/debian-base.sh
//! (debootstrap, the official image's apt settings, no registry), with apt-get reaching the
//! Debian mirror, before and after layerlint's fixes. For every case:
//! - the original must build (else the case itself is wrong);
//! - the fixed file must build too: a fix that breaks a build is the worst bug a fixer can have;
//! - the two images must have the same files (type, mode, owner, size, content, link target) and
//!   the same config, apart from a fixed list of paths that differ between two builds of the very
//!   same file (`VARIES`) and the caches a fix removes on purpose (`REMOVED_BY_FIX`);
//! - the fixed image ships no more layer bytes.
//!
//! Cases that fail name a real bug in a rule: they stay as they are until the rule is fixed.
//!
//! Without root, buildah, debootstrap or the mirror, every test says so loudly and passes.

mod common;
mod skip;

use common::image::{self, Build, Image, difference};
use layerlint::LintOptions;
use layerlint::diagnostic::Applicability;
use layerlint::fix::{FixOutcome, fix_source};
use layerlint::project::BuildContext;
use layerlint::rules;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::process::Command;
use std::sync::{Condvar, Mutex, OnceLock};
use std::thread;
use std::time::Instant;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/tools/build-and-inspect-debian.sh"
);

const BASE_SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/tools/debian-base.sh");

/// Builds at once, over all the tests of this file (cargo runs tests on several threads, and
/// each case builds its two files side by side): the machines here have two cores, and a build
/// is mostly dpkg and the kernel's copying, one core each.
const JOBS: usize = 2;

// --- whether this machine can build ---------------------------------------------------------------

/// Makes the base once per test run (debian-base.sh reuses a cached one); the reason when this
/// machine cannot.
fn cannot_build() -> &'static Option<String> {
    static ANSWER: OnceLock<Option<String>> = OnceLock::new();
    ANSWER.get_or_init(|| {
        let started = Instant::now();
        let out = Command::new("bash")
            .arg(BASE_SCRIPT)
            .output()
            .unwrap_or_else(|e| panic!("cannot run {BASE_SCRIPT}: {e}"));
        let stderr = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {
                eprintln!("Debian base ready in {:.1?}\n{stderr}", started.elapsed());
                None
            }
            Some(4) => Some(
                stderr
                    .lines()
                    .last()
                    .unwrap_or("debian-base.sh says this machine cannot build")
                    .to_string(),
            ),
            _ => panic!(
                "{BASE_SCRIPT} failed ({}) while making the Debian base:\n{stderr}",
                out.status
            ),
        }
    })
}

/// Returns true (after saying so where it shows, or failing under CI) when the test cannot run
/// here.
fn skipped() -> bool {
    match cannot_build() {
        Some(reason) => {
            skip::skip(
                "the Debian image-build suite (tests/image_build_debian.rs)",
                reason,
            );
            true
        }
        None => false,
    }
}

// --- one build ------------------------------------------------------------------------------------

static RUNNING: Mutex<usize> = Mutex::new(0);
static FREED: Condvar = Condvar::new();

/// A build slot, given back when dropped (also when the build panics).
struct Slot;

impl Slot {
    fn take() -> Slot {
        let mut running = RUNNING.lock().expect("build slots");
        while *running >= JOBS {
            running = FREED.wait(running).expect("build slots");
        }
        *running += 1;
        Slot
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        *RUNNING.lock().expect("build slots") -= 1;
        FREED.notify_one();
    }
}

/// Builds on the Debian base. A failed build is tried once more: apt-get talks to a mirror over
/// the network, and one dropped connection must not read as a broken fix. A Dockerfile that
/// really does not build fails both times.
fn build(dockerfile: &str, context: &BTreeMap<String, String>) -> Build {
    let _slot = Slot::take();
    match image::build(SCRIPT, dockerfile, context) {
        Build::Failed(first) => {
            eprintln!("build failed ({first}); trying once more in case the network dropped");
            image::build(SCRIPT, dockerfile, context)
        }
        built => built,
    }
}

// --- what may differ ------------------------------------------------------------------------------

/// What differs between two builds of the very same Dockerfile: logs that record times, caches
/// written with times or in no fixed order, ids made at random. An entry ending in `/` stands for
/// everything under that directory.
const VARIES: &[&str] = &[
    "/var/log/dpkg.log",
    "/var/log/apt/",
    "/var/log/alternatives.log",
    "/var/cache/ldconfig/aux-cache",
    "/var/cache/fontconfig/",
    "/etc/machine-id",
    "/var/lib/dbus/machine-id",
    "/var/cache/debconf/config.dat",
    "/var/cache/debconf/config.dat-old",
];

/// What a rule's fix deletes on purpose: these may be in the original image and missing from the
/// fixed one (never the other way round), when that rule's fix was applied. DL3009's fix removes
/// the package lists, and `apt-get clean` where the install kept its .deb files (docker-clean
/// removed): the downloaded archives and apt's binary caches under /var/cache/apt.
const REMOVED_BY_FIX: &[(&str, &[&str])] =
    &[("DL3009", &["/var/lib/apt/lists/", "/var/cache/apt/"])];

fn covers(pattern: &str, path: &str) -> bool {
    if pattern.ends_with('/') {
        path.len() > pattern.len() && path.starts_with(pattern)
    } else {
        path == pattern
    }
}

/// The path of a `files:` line: what comes before ` TYPE MODE` (modes are printed with a leading
/// 0), so that a path with spaces stays whole.
fn path_of(line: &str) -> &str {
    let bytes = line.as_bytes();
    for at in 0..bytes.len().saturating_sub(3) {
        if bytes[at] == b' '
            && b"dflpscb".contains(&bytes[at + 1])
            && bytes[at + 2] == b' '
            && bytes[at + 3] == b'0'
        {
            return &line[..at];
        }
    }
    line
}

/// How the images before and after a fix compare.
enum Verdict {
    /// Same files and config (after the allow-lists), no more bytes; what the lists hid.
    Kept {
        before: u64,
        after: u64,
        ignored: usize,
    },
    /// The original does not build: the case (or example) cannot say anything.
    OriginalFails(String),
    /// The fix broke the build, changed the image, or made the layers bigger.
    Broken(String),
}

/// Builds both texts side by side and compares them; `fixed_by` names the rules whose fixes made
/// `fixed`, which decides what may have been removed on purpose.
fn compare(
    original: &str,
    fixed: &str,
    context: &BTreeMap<String, String>,
    fixed_by: &BTreeSet<String>,
) -> Verdict {
    let (before, after) = thread::scope(|scope| {
        let after = scope.spawn(|| build(fixed, context));
        let before = build(original, context);
        (before, after.join().expect("the build of the fixed file"))
    });
    let before = match before {
        Build::Image(image) => image,
        Build::Failed(why) => return Verdict::OriginalFails(why),
    };
    let after = match after {
        Build::Image(image) => image,
        Build::Failed(why) => {
            return Verdict::Broken(format!(
                "  the original builds but the fixed file does not: {why}\n"
            ));
        }
    };
    judge(&before, &after, fixed_by)
}

fn judge(before: &Image, after: &Image, fixed_by: &BTreeSet<String>) -> Verdict {
    let removable: Vec<&str> = REMOVED_BY_FIX
        .iter()
        .filter(|(rule, _)| fixed_by.contains(*rule))
        .flat_map(|(_, paths)| paths.iter().copied())
        .collect();
    let varies = |line: &String| VARIES.iter().any(|p| covers(p, path_of(line)));
    let old: BTreeSet<&String> = before.files.iter().filter(|l| !varies(l)).collect();
    let new: BTreeSet<&String> = after.files.iter().filter(|l| !varies(l)).collect();
    let mut ignored = before.files.len() - old.len() + after.files.len() - new.len();
    let mut gone = Vec::new();
    for line in old.difference(&new) {
        if removable.iter().any(|p| covers(p, path_of(line))) {
            ignored += 1;
        } else {
            gone.push((*line).clone());
        }
    }
    let came: Vec<String> = new.difference(&old).map(|l| (*l).clone()).collect();
    let mut problems = String::new();
    if !gone.is_empty() || !came.is_empty() {
        problems += &difference("files", &gone, &came);
    }
    if before.config != after.config {
        problems += &difference("config", &before.config, &after.config);
    }
    // LL304 reorders steps for the build cache, not for size: a directory's entry may move to
    // another layer (one tar header), so only the files and config must match there.
    let reorders_only = fixed_by.len() == 1 && fixed_by.contains("LL304");
    if after.layer_bytes > before.layer_bytes && !reorders_only {
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
            ignored,
        }
    } else {
        Verdict::Broken(problems)
    }
}

// --- the cases ------------------------------------------------------------------------------------

/// A Dockerfile written to prove one fix around apt on Debian.
struct Case {
    name: &'static str,
    dockerfile: &'static str,
    /// Build-context files, by path.
    context: &'static [(&'static str, &'static str)],
    /// Safe, as `--fix` applies; unsafe for a rewrite only `--unsafe-fixes` makes.
    level: Applicability,
    /// The rules whose fixes must apply, or the case tests nothing. Every rule runs, as with
    /// `--fix`: what matters is the file a user ends up with.
    must_fix: &'static [&'static str],
}

fn check(case: &Case) {
    if skipped() {
        return;
    }
    let context: BTreeMap<String, String> = case
        .context
        .iter()
        .map(|(path, text)| (path.to_string(), text.to_string()))
        .collect();
    let options = LintOptions {
        build_context: BuildContext::Files(context.clone()),
        ..LintOptions::default()
    };
    let outcome: FixOutcome = fix_source(case.dockerfile, &options, case.level);
    let fixed_by: BTreeSet<String> = outcome.fixed.keys().map(|r| r.to_string()).collect();
    let missing: Vec<&str> = case
        .must_fix
        .iter()
        .copied()
        .filter(|rule| !fixed_by.contains(*rule))
        .collect();
    assert!(
        missing.is_empty(),
        "{}: no {} fix applied, so the case tests nothing (fixed: {:?}; refused: {:?})\n\
         original:\n{}",
        case.name,
        missing.join(", "),
        outcome.fixed,
        outcome.refusal,
        case.dockerfile
    );
    if outcome.text == case.dockerfile {
        // Only a case with nothing it must see fixed gets here: no rewrite is a right answer too.
        eprintln!("unchanged: {}: no fix offered", case.name);
        return;
    }
    let started = Instant::now();
    let verdict = compare(case.dockerfile, &outcome.text, &context, &fixed_by);
    let report = |why: String| {
        format!(
            "{} (fixed by {:?}):\n{why}  original:\n{}  fixed:\n{}",
            case.name, outcome.fixed, case.dockerfile, outcome.text
        )
    };
    match verdict {
        Verdict::Kept {
            before,
            after,
            ignored,
        } => eprintln!(
            "kept: {}: {before} → {after} layer bytes; {ignored} allowed differences; built in \
             {:.1?}\nfixed:\n{}",
            case.name,
            started.elapsed(),
            outcome.text
        ),
        Verdict::OriginalFails(why) => {
            panic!("{}", report(format!("  the original must build: {why}\n")))
        }
        Verdict::Broken(why) => panic!("{}", report(why)),
    }
}

const SAFE: Applicability = Applicability::Safe;

#[test]
fn ll301_update_in_its_own_run_moves_into_the_install() {
    check(&Case {
        name: "LL301: apt-get update in its own RUN, the install in the next",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update\n\
                     RUN apt-get install -y --no-install-recommends less\n",
        context: &[],
        level: SAFE,
        must_fix: &["LL301"],
    });
}

#[test]
fn ll301_update_moves_past_an_env_into_the_install() {
    check(&Case {
        name: "LL301: the update moves down past an ENV the install reads",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update\n\
                     ENV DEBIAN_FRONTEND=noninteractive\n\
                     RUN apt-get install -y --no-install-recommends less\n",
        context: &[],
        level: SAFE,
        must_fix: &["LL301"],
    });
}

#[test]
fn dl3009_cleanup_added_to_the_install() {
    check(&Case {
        name: "DL3009: the lists removed in the RUN that downloads them",
        dockerfile: "FROM debian:bookworm-slim\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3009"],
    });
}

#[test]
fn dl3009_an_update_after_the_cleanup_leaves_lists_again() {
    check(&Case {
        name: "DL3009: an apt-get update after the cleanup in the same RUN downloads the lists again",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less \
                     && rm -rf /var/lib/apt/lists/* && apt-get update\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3009"],
    });
}

#[test]
fn update_install_and_cleanup_in_three_runs_become_one() {
    check(&Case {
        name: "LL301 and DL3059: update, install and cleanup in three RUNs",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update\n\
                     RUN apt-get install -y --no-install-recommends jq\n\
                     RUN rm -rf /var/lib/apt/lists/*\n",
        context: &[],
        level: SAFE,
        must_fix: &["LL301"],
    });
}

#[test]
fn dl3059_merges_a_cleaned_install_with_the_run_that_uses_it() {
    check(&Case {
        name: "DL3059: a clean install merged with the RUNs after it",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends jq \
                     && rm -rf /var/lib/apt/lists/*\n\
                     RUN jq --version > /jq-version\n\
                     RUN useradd --create-home --shell /bin/bash app\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3059"],
    });
}

#[test]
fn dl3059_merges_two_clean_installs() {
    check(&Case {
        name: "DL3059: two RUNs that each update, install and clean, merged",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less \
                     && rm -rf /var/lib/apt/lists/*\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends jq \
                     && rm -rf /var/lib/apt/lists/*\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3059"],
    });
}

#[test]
fn a_later_install_relies_on_the_lists_of_the_run_before() {
    check(&Case {
        name: "a later RUN installs with the lists the RUN before downloaded",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less\n\
                     RUN apt-get install -y --no-install-recommends jq\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3009"],
    });
}

#[test]
fn a_later_install_past_an_env_relies_on_the_earlier_lists() {
    // The ENV keeps DL3059 from merging the two RUNs, so DL3009 alone decides.
    check(&Case {
        name: "a later RUN, past an ENV, installs with an earlier RUN's lists",
        dockerfile: "FROM debian:bookworm\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less\n\
                     ENV PAGER=less\n\
                     RUN apt-get install -y --no-install-recommends jq\n",
        context: &[],
        level: SAFE,
        // LL301 puts an update before the later install; then DL3009 may clean the first RUN.
        must_fix: &["DL3009", "LL301"],
    });
}

#[test]
fn a_stage_built_from_another_relies_on_its_lists() {
    check(&Case {
        name: "a stage built FROM the first installs with the first stage's lists",
        dockerfile: "FROM debian:bookworm AS base\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less\n\
                     FROM base\n\
                     RUN apt-get install -y --no-install-recommends jq\n",
        context: &[],
        level: SAFE,
        must_fix: &["DL3009", "LL301"],
    });
}

#[test]
fn copy_chown_into_a_directory_merged_runs_created() {
    // The user and the directory come from RUNs the fix merges; buildah resolves `--chown=app`
    // in the image's /etc/passwd, so the merged RUN must still create the user first.
    check(&Case {
        name: "COPY --chown into a directory that merged RUNs create for a new user",
        dockerfile: "FROM debian:bookworm\n\
                     RUN useradd --create-home app\n\
                     RUN mkdir -p /srv/app && chown app:app /srv/app\n\
                     COPY --chown=app:app settings.conf /srv/app/\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends less\n",
        context: &[("settings.conf", "colour = blue\n")],
        level: SAFE,
        must_fix: &["DL3059", "DL3009"],
    });
}

#[test]
fn unsafe_copy_chown_into_a_directory_a_run_created() {
    // An unsafe fix may be wrong where the tool cannot see, never where it can: here it sees that
    // the RUN before created /srv/app (a COPY into it keeps the directory's owner, root, while the
    // chown -R gives it to app) and that `chown app` keeps the file's group (root) where
    // `--chown=app` gives app's own group.
    check(&Case {
        name: "LL303 (unsafe): COPY then chown -R of a directory a RUN created",
        dockerfile: "FROM debian:bookworm\n\
                     RUN useradd --create-home app && mkdir -p /srv/app\n\
                     COPY settings.conf /srv/app/\n\
                     RUN chown -R app /srv/app\n",
        context: &[("settings.conf", "colour = blue\n")],
        level: Applicability::Unsafe,
        must_fix: &[],
    });
}

#[test]
fn unsafe_ll304_system_install_moves_above_the_context_copy() {
    // LL304's rewrite installs the system packages first and copies the context after: the same
    // files, and a change to the context no longer reruns the install.
    check(&Case {
        name: "LL304 (unsafe): COPY . before an apt install that reads nothing from it",
        dockerfile: "FROM debian:bookworm\n\
                     WORKDIR /app\n\
                     COPY . .\n\
                     RUN apt-get update && apt-get install -y --no-install-recommends jq \
                     && rm -rf /var/lib/apt/lists/*\n",
        context: &[
            ("main.sh", "echo hello\n"),
            ("conf/app.ini", "name = app\n"),
        ],
        level: Applicability::Unsafe,
        must_fix: &["LL304"],
    });
}

// --- the rule examples ----------------------------------------------------------------------------

/// The names the Debian base carries (tests/tools/debian-base.sh), as a FROM line may spell them.
fn is_debian_base(image: &str) -> bool {
    let name = image.strip_prefix("docker.io/").unwrap_or(image);
    let name = name.strip_prefix("library/").unwrap_or(name);
    matches!(
        name,
        "debian"
            | "debian:bookworm"
            | "debian:bookworm-slim"
            | "debian:12"
            | "debian:12-slim"
            | "debian:latest"
            | "debian:stable"
            | "debian:stable-slim"
    )
}

/// Whether every stage starts from the Debian base, scratch or an earlier stage: nothing else can
/// be built here without a registry.
fn only_debian_bases(dockerfile: &str) -> bool {
    let mut stages = BTreeSet::new();
    let mut any = false;
    for line in dockerfile.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if !words
            .first()
            .is_some_and(|w| w.eq_ignore_ascii_case("FROM"))
        {
            continue;
        }
        let Some(image) = words.iter().skip(1).find(|w| !w.starts_with("--")) else {
            return false;
        };
        any = true;
        let image = image.to_ascii_lowercase();
        if !(stages.contains(&image) || image == "scratch" || is_debian_base(&image)) {
            return false;
        }
        if let Some(at) = words.iter().position(|w| w.eq_ignore_ascii_case("AS"))
            && let Some(name) = words.get(at + 1)
        {
            stages.insert(name.to_ascii_lowercase());
        }
    }
    any
}

/// A bad rule example on a Debian base whose safe fixes change it.
struct Example {
    name: String,
    original: String,
    fixed: String,
    fixed_by: BTreeSet<String>,
    context: BTreeMap<String, String>,
}

fn debian_examples(skipped: &mut Vec<String>) -> Vec<Example> {
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    for (doc, _) in rules::all() {
        for (index, example) in doc.examples().bad.iter().enumerate() {
            let name = format!(
                "{} bad #{} ({})",
                doc.code,
                index + 1,
                example.title.as_deref().unwrap_or("")
            );
            if !only_debian_bases(&example.dockerfile) || !seen.insert(example.dockerfile.clone()) {
                continue;
            }
            let context = example.context.clone().unwrap_or_default();
            let options = LintOptions {
                build_context: match &example.context {
                    Some(files) => BuildContext::Files(files.clone()),
                    None => BuildContext::Unknown,
                },
                ..LintOptions::default()
            };
            let outcome = fix_source(&example.dockerfile, &options, Applicability::Safe);
            if outcome.text == example.dockerfile {
                skipped.push(format!("{name}: its safe fixes change nothing"));
                continue;
            }
            found.push(Example {
                name,
                original: example.dockerfile.clone(),
                fixed: outcome.text,
                fixed_by: outcome.fixed.keys().map(|r| r.to_string()).collect(),
                context,
            });
        }
    }
    found
}

#[test]
fn safe_fixes_of_the_debian_rule_examples_keep_the_image() {
    if skipped() {
        return;
    }
    let started = Instant::now();
    let mut skipped = Vec::new();
    let examples = debian_examples(&mut skipped);
    // Two at a time: each compare runs its two builds side by side, within the JOBS slots.
    let verdicts: Vec<Verdict> = thread::scope(|scope| {
        let handles: Vec<_> = examples
            .iter()
            .map(|e| scope.spawn(|| compare(&e.original, &e.fixed, &e.context, &e.fixed_by)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("an example's builds"))
            .collect()
    });
    let mut compared = Vec::new();
    let mut broken = Vec::new();
    for (example, verdict) in examples.iter().zip(verdicts) {
        match verdict {
            Verdict::Kept { before, after, .. } => {
                compared.push(format!("{}: {before} → {after} bytes", example.name))
            }
            Verdict::OriginalFails(why) => skipped.push(format!(
                "{}: the original does not build here: {why}",
                example.name
            )),
            Verdict::Broken(why) => broken.push(format!(
                "{} (fixed by {:?}):\n{why}  original:\n{}  fixed:\n{}",
                example.name, example.fixed_by, example.original, example.fixed
            )),
        }
    }
    let what = format!("Debian rule examples, in {:.1?}", started.elapsed());
    image::conclude_examples(&what, &compared, &skipped, &broken);
}

// --- the helpers themselves -----------------------------------------------------------------------

#[test]
fn the_allow_lists_match_what_they_name_and_nothing_else() {
    assert!(covers("/var/log/apt/", "/var/log/apt/term.log"));
    assert!(!covers("/var/log/apt/", "/var/log/apt"));
    assert!(!covers("/var/log/apt/", "/var/log/aptitude"));
    assert!(covers("/var/log/dpkg.log", "/var/log/dpkg.log"));
    assert!(!covers("/var/log/dpkg.log", "/var/log/dpkg.log.1"));
    assert_eq!(
        path_of("/usr/share/a b/c f 0644 0:0 3 sha256:x"),
        "/usr/share/a b/c"
    );
    assert_eq!(path_of("/ d 0555 0:0"), "/");
    assert_eq!(path_of("/bin l 0777 0:0 -> usr/bin"), "/bin");
}
