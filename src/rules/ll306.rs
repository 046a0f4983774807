//! LL306 context-copy-without-dockerignore
//!
//! `COPY . /app` copies whatever the build context holds. A `COPY`'s cache key is the content
//! of what it copies, so when the context is a git checkout and `.git` is not ignored, every
//! commit (which rewrites files under `.git`) misses the cache at that `COPY` and rebuilds every
//! step after it, and the repository history lands in a layer. Without any `.dockerignore`,
//! host-installed packages, build outputs and `.env` files go the same way.
//!
//! Only a known context is judged: for standard input without `--context` nothing can be said.

use super::{Context, Rule};
use crate::diagnostic::{Applicability, Fix};
use crate::model::paths;
use crate::model::{Input, Stage, Step};
use crate::project::{DOCKERIGNORE, DockerIgnore};
use crate::syntax::{Args, Instruction, Keyword, Word};

pub struct ContextCopyWithoutDockerignore;

/// What a context may hold that an image never needs, and what it is (for messages).
const USUAL_SUSPECTS: &[(&str, &str)] = &[
    ("node_modules", "packages installed on the host"),
    (".venv", "a host virtualenv"),
    ("venv", "a host virtualenv"),
    ("__pycache__", "bytecode"),
    (".pytest_cache", "test caches"),
    (".mypy_cache", "type-checker caches"),
    (".tox", "test environments"),
    (".env", "secrets"),
    ("target", "build output"),
    ("bin", "build output"),
    ("obj", "build output"),
];

/// A context this small with nothing unwanted in it costs nothing worth an ignore file: sending
/// and checksumming 10 MiB in at most 1,000 files takes well under a second, and without a
/// known unwanted entry there is nothing to tell the user to exclude.
const SMALL_FILES: usize = 1_000;
const SMALL_BYTES: u64 = 10 * 1024 * 1024;
/// How far the survey of a context walks before it stops counting.
const WALK_CAP: usize = 50_000;

/// What is wrong with the context as a whole; the same for every whole-context copy.
enum Gap {
    /// No ignore file at all. `present` are the entries worth excluding that exist (`.git`
    /// first when there is one), as ignore-file patterns; empty for a large context with
    /// nothing recognisably unwanted in it.
    NoIgnoreFile {
        present: Vec<Entry>,
        files: usize,
        bytes: u64,
    },
    /// An ignore file (named `origin`) that lets these existing entries through.
    NotIgnored { origin: String, present: Vec<Entry> },
}

/// One unwanted entry: the pattern to write and what it is.
struct Entry {
    pattern: String,
    what: &'static str,
}

/// A `COPY`/`ADD` of the context root.
struct WholeCopy<'a> {
    instruction: &'a Instruction,
    source: &'a Word,
    /// Where it lands, resolved against `WORKDIR` when the model knows it.
    dest: String,
}

impl Rule for ContextCopyWithoutDockerignore {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let mut copies = Vec::new();
        for stage in &cx.model.stages {
            for (index, step) in stage.steps.iter().enumerate() {
                if let Some(copy) = whole_context_copy(step, cx.dockerfile.escape) {
                    copies.push((stage, index, copy));
                }
            }
        }
        if copies.is_empty() {
            return;
        }
        let git_present = cx.build_context.exists(".git") == Some(true);
        let Some(gap) = find_gap(cx) else {
            return;
        };
        for (stage, index, copy) in copies {
            // `COPY --exclude=…` keeps its own patterns out, whatever the ignore file says.
            let Some(gap) = after_excludes(&gap, copy.instruction) else {
                continue;
            };
            report(cx, &gap, git_present, stage, index, &copy);
        }
    }
}

/// Why the context lets unwanted files through, or `None` when it doesn't or can't be known.
fn find_gap(cx: &Context<'_, '_>) -> Option<Gap> {
    let context = cx.build_context;
    let ignore = context.dockerignore();
    // There, but unreadable: don't claim it is missing.
    if ignore.is_none() && context.exists(DOCKERIGNORE) != Some(false) {
        return None;
    }
    let walk = context.walk(|dir| !is_store(dir), WALK_CAP)?;
    let present = unwanted_entries(&walk.entries, ignore.as_ref());
    match ignore {
        Some(_) if present.is_empty() => None,
        Some(ignore) => Some(Gap::NotIgnored {
            origin: ignore.origin().to_string(),
            present,
        }),
        None => {
            let small = !walk.truncated && walk.files <= SMALL_FILES && walk.bytes <= SMALL_BYTES;
            if present.is_empty() && small {
                return None;
            }
            Some(Gap::NoIgnoreFile {
                present,
                files: walk.files,
                bytes: walk.bytes,
            })
        }
    }
}

/// Directories the survey does not look inside: version control and the unwanted entries
/// themselves (a `node_modules` can hold a hundred thousand files).
fn is_store(dir: &str) -> bool {
    let name = paths::file_name(dir);
    name == ".git" || USUAL_SUSPECTS.iter().any(|(suspect, _)| *suspect == name)
}

/// The unwanted entries the context holds and `ignore` lets through, as ignore-file patterns:
/// `.git` when the context has one; `name` for a suspect at the root, `**/name` when it is also
/// deeper down. Build outputs count only beside their project file (`target` beside Cargo.toml
/// or pom.xml, `bin` and `obj` beside a .NET project), and then by their exact path: a `bin`
/// of scripts is not a build output. A `venv` counts only when it holds `pyvenv.cfg`.
fn unwanted_entries(entries: &[(String, bool)], ignore: Option<&DockerIgnore>) -> Vec<Entry> {
    let exists = |path: &str| entries.iter().any(|(p, _)| p == path);
    let sibling = |path: &str, pred: &dyn Fn(&str) -> bool| {
        let parent = path.rsplit_once('/').map_or("", |(p, _)| p);
        entries.iter().any(|(p, is_dir)| {
            !is_dir
                && p.rsplit_once('/').map_or("", |(d, _)| d) == parent
                && pred(paths::file_name(p))
        })
    };
    let let_through = |path: &str| !ignore.is_some_and(|i| i.excludes(path));
    let mut found: Vec<Entry> = Vec::new();
    if exists(".git") && let_through(".git") && let_through(".git/HEAD") {
        found.push(Entry {
            pattern: ".git".to_string(),
            what: "the repository history",
        });
    }
    for (suspect, what) in USUAL_SUSPECTS {
        let hits: Vec<&str> = entries
            .iter()
            .filter(|(path, is_dir)| {
                paths::file_name(path) == *suspect
                    && (*is_dir || *suspect == ".env")
                    && let_through(path)
                    && match *suspect {
                        "target" => sibling(path, &|n| n == "Cargo.toml" || n == "pom.xml"),
                        "bin" | "obj" => sibling(path, &|n| {
                            [".csproj", ".fsproj", ".vbproj"]
                                .iter()
                                .any(|ext| n.ends_with(ext))
                        }),
                        "venv" => exists(&format!("{path}/pyvenv.cfg")),
                        _ => true,
                    }
            })
            .map(|(path, _)| path.as_str())
            .collect();
        if hits.is_empty() {
            continue;
        }
        let exact = matches!(*suspect, "target" | "bin" | "obj");
        if exact || hits == [*suspect] {
            found.extend(hits.iter().map(|hit| Entry {
                pattern: (*hit).to_string(),
                what,
            }));
        } else {
            found.push(Entry {
                pattern: format!("**/{suspect}"),
                what,
            });
        }
    }
    found
}

/// The gap as this copy sees it, after its own `--exclude` patterns; `None` when they close it.
fn after_excludes(gap: &Gap, instruction: &Instruction) -> Option<Gap> {
    let patterns: Vec<&str> = instruction
        .flags()
        .iter()
        .filter(|flag| flag.name == "exclude")
        .filter_map(|flag| flag.value.as_deref())
        .collect();
    let excludes = DockerIgnore::from_patterns("--exclude", patterns);
    let keep = |present: &[Entry]| -> Vec<Entry> {
        present
            .iter()
            .filter(|e| {
                let path = e.pattern.trim_start_matches("**/");
                !(excludes.excludes(path) || (path == ".git" && keeps_git_out(&excludes)))
            })
            .map(|e| Entry {
                pattern: e.pattern.clone(),
                what: e.what,
            })
            .collect()
    };
    match gap {
        Gap::NotIgnored { origin, present } => {
            let present = keep(present);
            (!present.is_empty()).then(|| Gap::NotIgnored {
                origin: origin.clone(),
                present,
            })
        }
        Gap::NoIgnoreFile {
            present,
            files,
            bytes,
        } => {
            let had_any = !present.is_empty();
            let present = keep(present);
            // Excludes that cover everything recognisably unwanted leave nothing to say.
            (!(had_any && present.is_empty())).then_some(Gap::NoIgnoreFile {
                present,
                files: *files,
                bytes: *bytes,
            })
        }
    }
}

/// `.git` itself, or what is inside it, stays out. `.git/*` leaves an empty directory, and
/// `.git` with `!.git/HEAD` keeps a file that changes only with the branch: neither rebuilds
/// on a commit.
fn keeps_git_out(ignore: &DockerIgnore) -> bool {
    ignore.excludes(".git") || ignore.excludes(".git/HEAD")
}

/// The step, when it is a `COPY`/`ADD` from the build context whose sources include the
/// context root (`.`, `./`, `/`, `*`, `./*`) and whose `--exclude` flags don't keep `.git` out.
fn whole_context_copy<'a>(step: &Step<'a>, escape: char) -> Option<WholeCopy<'a>> {
    let instruction = step.instruction;
    if !matches!(instruction.keyword, Keyword::Copy | Keyword::Add) {
        return None;
    }
    let effects = step.effects.as_ref()?;
    // The model files `--from` sources under `Input::Stage`; only the context counts here.
    if !effects
        .inputs
        .iter()
        .any(|input| matches!(input, Input::Context { .. }))
    {
        return None;
    }
    let (Args::Words(words) | Args::Json(words)) = &instruction.args else {
        return None;
    };
    let (dest_word, sources) = words.split_last()?;
    let source = sources.iter().find(|word| {
        step.vars
            .expand(&word.text, escape)
            .is_some_and(|text| is_context_root(&text))
    })?;
    let dest = effects
        .creates
        .iter()
        .find(|created| created.span.start == source.span.start)
        .map_or_else(
            || dest_word.text.to_string(),
            |created| created.path.clone(),
        );
    Some(WholeCopy {
        instruction,
        source,
        dest,
    })
}

/// A source that names the context root, or a glob of the root's entries that takes `.git`
/// along (`*`, `./*`, `**`).
fn is_context_root(source: &str) -> bool {
    let source = unquote(source);
    if source.starts_with('<') || source.contains("://") || source.starts_with("git@") {
        return false;
    }
    let path = paths::normalize(&format!("/{source}"));
    let rest = path.trim_start_matches('/');
    rest.chars().all(|c| c == '*')
}

fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

fn report(
    cx: &mut Context<'_, '_>,
    gap: &Gap,
    git_present: bool,
    stage: &Stage<'_>,
    index: usize,
    copy: &WholeCopy<'_>,
) {
    let message = message(cx, gap, stage, index, copy);
    let has_git = match gap {
        Gap::NoIgnoreFile { present, .. } | Gap::NotIgnored { present, .. } => {
            present.iter().any(|e| e.pattern == ".git")
        }
    };
    let label = if has_git && git_present {
        "the whole context, .git included"
    } else {
        "the whole context"
    };
    let fix = suggestion(gap);
    let source_span = copy.source.span;
    let diagnostic = cx.report(copy.instruction.span, message);
    diagnostic.label(source_span, label);
    diagnostic.fix = Some(fix);
}

fn message(
    cx: &Context<'_, '_>,
    gap: &Gap,
    stage: &Stage<'_>,
    index: usize,
    copy: &WholeCopy<'_>,
) -> String {
    let what = format!(
        "{} {} on line {}",
        copy.instruction.keyword.as_str(),
        copy.source.text,
        cx.line_of(copy.instruction.span)
    );
    let into = destination(&copy.dest);
    let rebuilds = rebuilds(stage, index, copy.instruction.keyword);
    let patterns =
        |present: &[Entry]| -> Vec<String> { present.iter().map(|e| e.pattern.clone()).collect() };
    let described = |present: &[Entry]| -> Vec<String> {
        present
            .iter()
            .map(|e| format!("{} ({})", e.pattern, e.what))
            .collect()
    };
    let has_git = |present: &[Entry]| present.iter().any(|e| e.pattern == ".git");
    let why = |present: &[Entry]| {
        if has_git(present) {
            format!("every commit changes .git, so {rebuilds}")
        } else {
            let which = if present.len() == 1 {
                "it"
            } else {
                "any of them"
            };
            format!("a change to {which} means {rebuilds}")
        }
    };
    match gap {
        Gap::NotIgnored { origin, present } => format!(
            "{what} copies the whole build context {into}, including {}, which {origin} does not exclude: {}, and {}",
            list(&patterns(present)),
            why(present),
            lands(stage, &described(present))
        ),
        Gap::NoIgnoreFile { present, .. } if !present.is_empty() => format!(
            "{what} copies the whole build context {into}, including {}, as there is no .dockerignore: {}, and {}",
            list(&patterns(present)),
            why(present),
            lands(stage, &described(present))
        ),
        Gap::NoIgnoreFile { files, bytes, .. } => format!(
            "{what} copies the whole build context {into} ({files} files, {}) and there is no .dockerignore to keep any of it out: all of it is sent to the builder and lands in the layer, and a change to any file means {rebuilds}",
            size(*bytes)
        ),
    }
}

/// "12.3 MiB".
fn size(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)]
    let mib = bytes as f64 / (1024.0 * 1024.0);
    format!("{mib:.1} MiB")
}

/// "into /app"; a destination the model could not resolve is relative to the working directory.
fn destination(dest: &str) -> String {
    match dest {
        _ if dest.starts_with('/') => format!("into {dest}"),
        "." | "./" => "into the working directory".to_string(),
        _ => format!("into {dest} under the working directory"),
    }
}

/// "X and Y ship in the image", or where they end up when the stage does not ship.
fn lands(stage: &Stage<'_>, things: &[String]) -> String {
    let plural = things.len() > 1;
    if stage.ships {
        format!(
            "{} {} in the image",
            list(things),
            if plural { "ship" } else { "ships" }
        )
    } else {
        format!(
            "{} {} up in {}",
            list(things),
            if plural { "end" } else { "ends" },
            stage_name(stage)
        )
    }
}

/// "this COPY and the 3 layers after it rebuild": what a changed context costs in the stage.
fn rebuilds(stage: &Stage<'_>, index: usize, keyword: Keyword) -> String {
    let later = stage.steps[index + 1..]
        .iter()
        .filter(|step| step.creates_layer())
        .count();
    let keyword = keyword.as_str();
    match later {
        0 => format!("this {keyword} reruns"),
        1 => format!("this {keyword} and the layer after it rebuild"),
        n => format!("this {keyword} and the {n} layers after it rebuild"),
    }
}

fn stage_name(stage: &Stage<'_>) -> String {
    match &stage.name {
        Some(name) => format!("stage {name}"),
        None => format!("stage {}", stage.index),
    }
}

/// "a", "a and b", "a, b and c".
fn list<T: AsRef<str>>(items: &[T]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// The ignore-file entries to write, shown and never applied: they belong in another file, so
/// they go in the title only (an edit would be read as a change to this Dockerfile).
fn suggestion(gap: &Gap) -> Fix {
    let entries = |present: &[Entry]| -> String {
        present
            .iter()
            .map(|e| e.pattern.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let title = match gap {
        Gap::NoIgnoreFile { present, .. } if !present.is_empty() => format!(
            "Create {DOCKERIGNORE} in the build context (a new file, not this Dockerfile) with: {}",
            entries(present)
        ),
        Gap::NoIgnoreFile { .. } => format!(
            "Create {DOCKERIGNORE} in the build context (a new file, not this Dockerfile) listing what the image does not need, or copy only what it does"
        ),
        Gap::NotIgnored { origin, present } => {
            format!(
                "Add to {origin} (not to this Dockerfile): {}",
                entries(present)
            )
        }
    };
    Fix {
        title,
        applicability: Applicability::DisplayOnly,
        edits: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::BuildContext;

    #[test]
    fn sources_that_name_the_context_root() {
        for source in [".", "./", "/", "*", "./*", "**", "\".\"", "./.", "src/.."] {
            assert!(is_context_root(source), "{source}");
        }
        for source in [
            "src",
            "package.json",
            "*.py",
            "./src/",
            "<<EOF",
            "https://x/y",
            ".*",
        ] {
            assert!(!is_context_root(source), "{source}");
        }
    }

    fn ll306(source: &str, context: BuildContext) -> Vec<crate::Diagnostic> {
        let options = crate::LintOptions {
            build_context: context,
            ..crate::LintOptions::default()
        };
        crate::lint_with(source, &options)
            .into_iter()
            .filter(|d| d.code == "LL306")
            .collect()
    }

    fn files(entries: &[(&str, &str)]) -> BuildContext {
        BuildContext::Files(
            entries
                .iter()
                .map(|(path, text)| (path.to_string(), text.to_string()))
                .collect(),
        )
    }

    #[test]
    fn an_unknown_context_is_never_judged() {
        assert!(ll306("FROM a\nCOPY . /app\n", BuildContext::Unknown).is_empty());
    }

    #[test]
    fn a_source_in_a_variable_is_expanded() {
        let source = "FROM a\nARG SRC=.\nCOPY ${SRC} /app\n";
        assert_eq!(ll306(source, files(&[(".git/HEAD", "ref")])).len(), 1);
        // An unknown value is not guessed at.
        let source = "FROM a\nARG SRC\nCOPY ${SRC} /app\n";
        assert!(ll306(source, files(&[(".git/HEAD", "ref")])).is_empty());
    }

    #[test]
    fn every_whole_context_copy_is_reported_with_its_source_labelled() {
        let source = "FROM a\nWORKDIR /w\nCOPY [\"./\", \"out/\"]\nRUN make\nADD * /b/\n";
        let found = ll306(source, files(&[(".git/HEAD", "ref")]));
        assert_eq!(found.len(), 2);
        let label = &found[0].labels[0];
        assert_eq!(&source[label.span.range()], "\"./\"");
        assert!(
            found[0].message.contains("into /w/out"),
            "{}",
            found[0].message
        );
        assert!(
            found[0]
                .message
                .contains("this COPY and the 2 layers after it rebuild"),
            "{}",
            found[0].message
        );
        assert!(
            found[1].message.contains("this ADD reruns"),
            "{}",
            found[1].message
        );
    }

    #[test]
    fn the_suggestion_names_what_exists_and_is_never_applied() {
        let context = files(&[("node_modules/a/index.js", ""), (".env", "K=v"), ("x", "")]);
        let found = ll306("FROM a\nCOPY . /app\n", context);
        let Some(fix) = found.first().and_then(|d| d.fix.as_ref()) else {
            panic!("no suggestion: {found:?}");
        };
        assert_eq!(fix.applicability, Applicability::DisplayOnly);
        assert!(fix.edits.is_empty());
        assert!(
            fix.title.ends_with("with: node_modules, .env"),
            "{}",
            fix.title
        );
        assert!(fix.title.contains("not this Dockerfile"), "{}", fix.title);
        assert!(
            found[0].message.contains(".env (secrets)"),
            "{}",
            found[0].message
        );
    }

    #[test]
    fn lists_read_as_english() {
        assert_eq!(list::<&str>(&[]), "");
        assert_eq!(list(&["a"]), "a");
        assert_eq!(list(&["a", "b"]), "a and b");
        assert_eq!(list(&["a", "b", "c"]), "a, b and c");
    }
}

#[cfg(test)]
mod context_tests {
    use crate::project::BuildContext;
    use std::fs;

    fn ll306_in(source: &str, dir: &std::path::Path) -> Vec<crate::Diagnostic> {
        let options = crate::LintOptions {
            build_context: BuildContext::directory(dir),
            ..crate::LintOptions::default()
        };
        crate::lint_with(source, &options)
            .into_iter()
            .filter(|d| d.code == "LL306")
            .collect()
    }

    fn write(root: &std::path::Path, files: &[(&str, &[u8])]) {
        for (path, text) in files {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).expect("create dirs");
            }
            fs::write(path, text).expect("write");
        }
    }

    const COPY_ALL: &str = "FROM alpine:3.20\nCOPY . /app\nRUN ls /app\n";

    #[test]
    fn a_small_context_with_nothing_to_exclude_is_fine() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[
                ("Dockerfile", COPY_ALL.as_bytes()),
                ("app.py", b"print(1)\n"),
            ],
        );
        assert!(ll306_in(COPY_ALL, dir.path()).is_empty());
    }

    #[test]
    fn git_is_named_only_when_the_context_has_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[("app.js", b""), ("node_modules/x/index.js", b"")],
        );
        let found = ll306_in(COPY_ALL, dir.path());
        assert_eq!(found.len(), 1);
        assert!(!found[0].message.contains(".git"), "{}", found[0].message);
        let title = &found[0].fix.as_ref().expect("suggestion").title;
        assert!(title.ends_with("with: node_modules"), "{title}");

        write(dir.path(), &[(".git/HEAD", b"ref: refs/heads/main\n")]);
        let found = ll306_in(COPY_ALL, dir.path());
        let title = &found[0].fix.as_ref().expect("suggestion").title;
        assert!(title.ends_with("with: .git, node_modules"), "{title}");
        assert!(found[0].message.contains("every commit changes .git"));
    }

    #[test]
    fn build_outputs_count_beside_their_project_file_and_nested_stores_get_a_double_star() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[
                ("src/App/App.csproj", b"<Project/>"),
                ("src/App/bin/Debug/App.dll", b""),
                ("src/App/obj/project.assets.json", b""),
                // A bin of scripts, with no project beside it, is source.
                ("tools/bin/run.sh", b""),
                ("web/node_modules/a/index.js", b""),
                ("api/__pycache__/m.pyc", b""),
                ("rust/Cargo.toml", b""),
                ("rust/target/debug/app", b""),
                ("venv/bin/python", b""),
            ],
        );
        let found = ll306_in(COPY_ALL, dir.path());
        let title = &found[0].fix.as_ref().expect("suggestion").title;
        assert!(
            title.ends_with(
                "with: **/node_modules, **/__pycache__, rust/target, src/App/bin, src/App/obj"
            ),
            "{title}"
        );
    }

    #[test]
    fn a_large_context_without_an_ignore_file_is_reported_without_entries() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[("data/big.bin", &vec![0u8; 11 * 1024 * 1024])],
        );
        let found = ll306_in(COPY_ALL, dir.path());
        assert_eq!(found.len(), 1);
        assert!(
            found[0].message.contains("(1 files, 11.0 MiB)"),
            "{}",
            found[0].message
        );
        let title = &found[0].fix.as_ref().expect("suggestion").title;
        assert!(
            title.contains("listing what the image does not need"),
            "{title}"
        );
    }

    #[test]
    fn an_ignore_file_that_lets_a_suspect_through() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            &[
                (".dockerignore", b".git\n"),
                (".env", b"K=v\n"),
                ("app.py", b""),
            ],
        );
        let found = ll306_in(COPY_ALL, dir.path());
        assert_eq!(found.len(), 1);
        let title = &found[0].fix.as_ref().expect("suggestion").title;
        assert_eq!(title, "Add to .dockerignore (not to this Dockerfile): .env");
        // --exclude on the COPY closes the gap for that copy.
        let excluded = "FROM alpine:3.20\nCOPY --exclude=.env . /app\n";
        assert!(ll306_in(excluded, dir.path()).is_empty());
    }
}
