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

/// Entries worth suggesting besides `.git` when they exist, and what they are (for messages).
const USUAL_SUSPECTS: &[(&str, &str)] = &[
    ("node_modules", "packages installed on the host"),
    (".env", "secrets"),
    ("target", "build output"),
    ("dist", "build output"),
    ("__pycache__", "bytecode"),
    (".venv", "a host virtualenv"),
];

/// What is wrong with the context as a whole; the same for every whole-context copy.
enum Gap {
    /// No ignore file at all. `suspects` are the usual unwanted entries that exist.
    NoIgnoreFile { suspects: Vec<&'static str> },
    /// An ignore file (named `origin`) that lets `.git` through.
    GitNotIgnored { origin: String },
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
        let git_present = cx.build_context.exists(".git") == Some(true);
        let Some(gap) = find_gap(cx, git_present) else {
            return;
        };
        let mut copies = Vec::new();
        for stage in &cx.model.stages {
            for (index, step) in stage.steps.iter().enumerate() {
                if let Some(copy) = whole_context_copy(step, cx.dockerfile.escape) {
                    copies.push((stage, index, copy));
                }
            }
        }
        for (stage, index, copy) in copies {
            report(cx, &gap, git_present, stage, index, &copy);
        }
    }
}

/// Why the context lets unwanted files through, or `None` when it doesn't or can't be known.
fn find_gap(cx: &Context<'_, '_>, git_present: bool) -> Option<Gap> {
    let context = cx.build_context;
    if !context.is_known() {
        return None;
    }
    match context.dockerignore() {
        Some(ignore) if keeps_git_out(&ignore) => None,
        // With no `.git` in this context (a subdirectory of the repository, an export), an
        // ignore file that does not mention it costs nothing.
        Some(_) if !git_present => None,
        Some(ignore) => Some(Gap::GitNotIgnored {
            origin: ignore.origin().to_string(),
        }),
        // There, but unreadable: don't claim it is missing.
        None if context.exists(DOCKERIGNORE) == Some(true) => None,
        None => Some(Gap::NoIgnoreFile {
            suspects: USUAL_SUSPECTS
                .iter()
                .map(|(name, _)| *name)
                .filter(|name| context.exists(name) == Some(true))
                .collect(),
        }),
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
    if excludes_git(instruction) {
        return None;
    }
    let dest = effects
        .creates
        .iter()
        .find(|created| created.span.start == source.span.start)
        .map_or_else(|| dest_word.text.clone(), |created| created.path.clone());
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

/// `COPY --exclude=.git . /app` leaves `.git` behind whatever the ignore file says.
fn excludes_git(instruction: &Instruction) -> bool {
    let patterns: Vec<&str> = instruction
        .flags
        .iter()
        .filter(|flag| flag.name == "exclude")
        .filter_map(|flag| flag.value.as_deref())
        .collect();
    !patterns.is_empty() && keeps_git_out(&DockerIgnore::from_patterns("--exclude", patterns))
}

fn report(
    cx: &mut Context<'_, '_>,
    gap: &Gap,
    git_present: bool,
    stage: &Stage<'_>,
    index: usize,
    copy: &WholeCopy<'_>,
) {
    let message = message(cx, gap, git_present, stage, index, copy);
    let label = if git_present {
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
    git_present: bool,
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
    match gap {
        Gap::GitNotIgnored { origin } => format!(
            "{what} copies the whole build context, including .git, {into}: {origin} does not exclude .git, and every commit changes it, so {rebuilds}, and {}",
            lands(stage, &["the repository history".to_string()])
        ),
        Gap::NoIgnoreFile { suspects } if git_present => {
            let mut included = vec![".git"];
            included.extend(suspects);
            let mut shipped = vec!["the repository history".to_string()];
            shipped.extend(described(suspects));
            format!(
                "{what} copies the whole build context, including {}, {into} as there is no .dockerignore: every commit changes the context, so {rebuilds}, and {}",
                list(&included),
                lands(stage, &shipped)
            )
        }
        Gap::NoIgnoreFile { suspects } => {
            let mut message = format!(
                "{what} copies the whole build context {into} and there is no .dockerignore to keep anything out: any file that appears in the directory is sent and copied, and a change to it means {rebuilds}"
            );
            if !suspects.is_empty() {
                message.push_str("; ");
                message.push_str(&lands(stage, &described(suspects)));
            }
            message
        }
    }
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

/// "node_modules (packages installed on the host)".
fn described(suspects: &[&str]) -> Vec<String> {
    suspects
        .iter()
        .map(|name| {
            let what = USUAL_SUSPECTS
                .iter()
                .find(|(known, _)| known == name)
                .map_or("", |(_, what)| *what);
            format!("{name} ({what})")
        })
        .collect()
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

/// The ignore-file text to write, shown and never applied: it belongs in another file, so the
/// edit (at the start of the Dockerfile, to satisfy the shape of a fix) must not be applied,
/// and the title says where the text goes.
fn suggestion(gap: &Gap) -> Fix {
    let (title, entries) = match gap {
        Gap::NoIgnoreFile { suspects } => {
            let mut entries = vec![".git"];
            entries.extend(suspects);
            (
                format!(
                    "Create {DOCKERIGNORE} in the build context (a new file, not this Dockerfile) with: {}",
                    entries.join(", ")
                ),
                entries,
            )
        }
        Gap::GitNotIgnored { origin } => (
            format!("Add to {origin} (not to this Dockerfile): .git"),
            vec![".git"],
        ),
    };
    // The text belongs in another file, so it goes in the title only: an edit would be read as a
    // change to this Dockerfile.
    let _ = entries;
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
        assert_eq!(ll306(source, files(&[("x", "")])).len(), 1);
        // An unknown value is not guessed at.
        let source = "FROM a\nARG SRC\nCOPY ${SRC} /app\n";
        assert!(ll306(source, files(&[("x", "")])).is_empty());
    }

    #[test]
    fn every_whole_context_copy_is_reported_with_its_source_labelled() {
        let source = "FROM a\nWORKDIR /w\nCOPY [\"./\", \"out/\"]\nRUN make\nADD * /b/\n";
        let found = ll306(source, files(&[("x", "")]));
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
            fix.title.ends_with("with: .git, node_modules, .env"),
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
