//! LL305 volatile-arg-busts-cache
//!
//! Docker passes every `ARG` in scope to each later `RUN` as an environment variable, so a new
//! value misses the build cache at the first `RUN` after the declaration, whether or not that
//! `RUN` reads it. An `ENV` changes the image config and the cache key the same way. A value that
//! changes on every build (a commit, a date, a build number) should therefore be declared just
//! before the first step that uses it. It reports only with evidence: a value that really changes
//! per build, a later step that names it, and RUNs in between that provably do not read it.

use super::declared::{declared_names, mentions};
use super::{Context, Rule, commands};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Stage, Step};
use crate::syntax::vars::references;
use crate::syntax::{Args, Instruction, Keyword};

pub struct VolatileArgBustsCache;

impl Rule for VolatileArgBustsCache {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in &cx.model.stages {
            for (index, step) in stage.steps.iter().enumerate() {
                for name in declared_names(step.instruction) {
                    if changes_per_build(stage, index, &name, cx.dockerfile.escape) {
                        check_declaration(cx, stage, index, &name);
                    }
                }
            }
        }
    }
}

/// Names that by convention carry a value that changes per build.
pub fn is_volatile(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    const EXACT: &[&str] = &[
        "BUILD_DATE",
        "BUILD_TIME",
        "BUILDTIME",
        "BUILD_TIMESTAMP",
        "TIMESTAMP",
        "DATE",
        "GIT_SHA",
        "GITSHA",
        "GIT_COMMIT",
        "GITCOMMIT",
        "GIT_REVISION",
        "GIT_REF",
        "COMMIT",
        "COMMIT_SHA",
        "SHA",
        "REVISION",
        "VCS_REF",
        "SOURCE_COMMIT",
        "BUILD_NUMBER",
        "BUILD_ID",
        "VERSION",
        "APP_VERSION",
        "BUILD_VERSION",
        "RELEASE",
    ];
    const SUFFIXES: &[&str] = &[
        "_SHA",
        "_COMMIT",
        "_REVISION",
        "_VCS_REF",
        "_BUILD_DATE",
        "_BUILD_TIME",
        "_TIMESTAMP",
        "_BUILD_NUMBER",
        "_BUILD_ID",
        // `DOCKER_GITCOMMIT`, `APP_GITSHA`: the same names without the inner underscore.
        "_GITCOMMIT",
        "_GITSHA",
        "_GIT_SHA",
    ];
    !is_cache_buster(&upper)
        && (EXACT.contains(&upper.as_str()) || SUFFIXES.iter().any(|s| upper.ends_with(s)))
}

/// `CACHEBUST` and friends exist to invalidate the cache from where they are declared: that is
/// their job, not a mistake.
fn is_cache_buster(upper: &str) -> bool {
    upper.contains("CACHEBUST") || upper.contains("CACHE_BUST")
}

/// Whether the value declared at `index` has evidence of changing from build to build. An `ARG`
/// needs a volatile name and no default that pins it (a commit hash or a version written in the
/// Dockerfile changes only when the file does); an `ENV` is volatile only when its value comes
/// from such an `ARG`, since a literal `ENV` is part of the file.
fn changes_per_build(stage: &Stage<'_>, index: usize, name: &str, escape: char) -> bool {
    let step = &stage.steps[index];
    match (&step.instruction.keyword, &step.instruction.args) {
        (Keyword::Arg, Args::Words(words)) => {
            let Some(word) = words
                .iter()
                .find(|w| w.text.split('=').next() == Some(name))
            else {
                return false;
            };
            if !is_volatile(name) {
                return false;
            }
            // The default as the stage sees it: its own, or the global ARG's it redeclares.
            let default = match word.text.split_once('=') {
                Some((_, value)) => Some(unquote(value).to_string()),
                None => stage
                    .steps
                    .get(index + 1)
                    .and_then(|next| next.vars.get(name))
                    .and_then(|var| var.value.clone().map(String::from)),
            };
            !default.is_some_and(|value| is_pinned(&value))
        }
        (Keyword::Env, Args::KeyValues(pairs, _)) => {
            let Some(pair) = pairs.iter().find(|p| p.key.text == name) else {
                return false;
            };
            let value = &pair.value.text;
            references(value, escape).iter().any(|r| {
                let arg = &value[r.name.clone()];
                declared_volatile_arg(stage, index, arg, escape)
            })
        }
        _ => false,
    }
}

/// `name` is an `ARG` of this stage, declared before `index`, that changes per build.
fn declared_volatile_arg(stage: &Stage<'_>, index: usize, name: &str, escape: char) -> bool {
    stage.steps[..index].iter().enumerate().rev().any(|(i, s)| {
        s.instruction.keyword == Keyword::Arg
            && declared_names(s.instruction).iter().any(|n| n == name)
            && changes_per_build(stage, i, name, escape)
    })
}

fn unquote(text: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = text.strip_prefix(quote).and_then(|t| t.strip_suffix(quote)) {
            return inner;
        }
    }
    text
}

/// A default that pins the value: a commit hash (7 to 64 hex digits) or a version with a dot
/// (`1.2`, `v2.5.5`, `0.3.12.post1`). Placeholders (`dev`, `unknown`, `HEAD`, `0`, empty) are not
/// pins: the real value is passed with `--build-arg` on each build.
fn is_pinned(value: &str) -> bool {
    let value = value.trim();
    let hex = (7..=64).contains(&value.len())
        && value.chars().all(|c| c.is_ascii_hexdigit())
        && value.chars().any(|c| c.is_ascii_digit());
    let version = value
        .strip_prefix(['v', 'V'])
        .unwrap_or(value)
        .split_once('.')
        .is_some_and(|(major, rest)| {
            !major.is_empty()
                && major.chars().all(|c| c.is_ascii_digit())
                && rest.starts_with(|c: char| c.is_ascii_digit())
        });
    hex || version
}

/// The whole text of a step: its line and, for a heredoc, the bodies.
fn step_mentions(cx: &Context<'_, '_>, step: &Step<'_>, name: &str) -> bool {
    mentions(cx.text(step.instruction.span), name)
        || mentions(&step.instruction.line, name)
        || step
            .instruction
            .heredocs()
            .iter()
            .any(|h| mentions(cx.text(h.body), name))
}

/// Commands that read no build variable from their environment: what they do is fixed by their
/// arguments (checked separately for the name) and by their own settings variables. Anything
/// else (a build script, `make`, `env`, an interpreter, a language package manager running
/// install hooks) may read every `ARG` in scope, named or not.
const READS_NO_BUILD_VARS: &[&[&str]] = &[
    commands::SYSTEM_PACKAGES,
    commands::FILES,
    commands::SHELL,
    commands::SYSTEM_SETUP,
    commands::DOWNLOADS,
    &[
        "rmdir",
        "cp",
        "mv",
        "cd",
        "tar",
        "gzip",
        "gunzip",
        "unzip",
        "sha256sum",
        "sha512sum",
        "md5sum",
        "[",
        "test",
    ],
    // tonistiigi/xx's cross-compilation helpers read only the target platform (`TARGET*`) and
    // their own `XX_*` settings. Not `xx-go` or `xx-cargo`: they run builds.
    &["xx-info", "xx-clang", "xx-apk", "xx-apt-get", "xx-verify"],
];

/// A `RUN` that may read the variable from its environment without naming it: any `RUN` whose
/// script is not made only of [`READS_NO_BUILD_VARS`] commands (exec form, another shell, a
/// script the splitter could not read).
fn could_read_from_env(cx: &Context<'_, '_>, step: &Step<'_>) -> bool {
    if step.instruction.keyword != Keyword::Run {
        return false;
    }
    let scripts: Vec<_> = cx.model.scripts_of(step.instruction).collect();
    scripts.is_empty()
        || scripts.iter().any(|run| {
            run.script.as_ref().is_none_or(|script| {
                script.has_opaque()
                    || script.simple_commands().any(|c| match c.basename() {
                        Some(name) => !commands::any_of(&name, READS_NO_BUILD_VARS),
                        // A bare assignment runs nothing; a computed name runs anything.
                        None => !c.args().is_empty() || c.name().is_some(),
                    })
            })
        })
}

fn check_declaration(cx: &mut Context<'_, '_>, stage: &Stage<'_>, index: usize, name: &str) {
    let declaration = stage.steps[index].instruction;
    let later = &stage.steps[index + 1..];
    // A value nothing names is either a deliberate cache-buster or read by something the model
    // cannot see: neither is a mistake it can prove. (Tried without this: a nightly image's
    // `ARG TIMESTAMP` that exists to refetch a download was reported as misplaced.)
    if !later.iter().any(|s| step_mentions(cx, s, name)) {
        return;
    }
    // The declaration can go no lower than the first step that names it or may read it.
    let Some(first_reader) = later
        .iter()
        .position(|s| step_mentions(cx, s, name) || could_read_from_env(cx, s))
    else {
        return;
    };
    let busted: Vec<&Step<'_>> = later[..first_reader]
        .iter()
        .filter(|s| s.instruction.keyword == Keyword::Run)
        .collect();
    let Some(first_run) = busted.first() else {
        return;
    };
    let rebuilt = later[..first_reader]
        .iter()
        .filter(|s| s.creates_layer())
        .count();
    let kind = declaration.keyword.as_str();
    let run_line = cx.line_of(first_run.instruction.span);
    let target = later[first_reader].instruction;
    let target_line = cx.line_of(target.span);
    let message = format!(
        "{kind} {name} changes on every build, and it is in scope from here: a new value misses the cache at the RUN on line {run_line}, so {rebuilt} layer{} before line {target_line} rebuild{} although {} read {name}",
        if rebuilt == 1 { "" } else { "s" },
        if rebuilt == 1 { "s" } else { "" },
        if busted.len() == 1 {
            "that RUN does not"
        } else {
            "none of those RUNs"
        },
    );
    let fix = move_fix(cx, declaration, target, name);
    let declaration_span = declaration.span;
    let first_run_span = first_run.instruction.span;
    let uses_it = step_mentions(cx, &later[first_reader], name);
    let diagnostic = cx.report(declaration_span, message);
    diagnostic.label(
        first_run_span,
        format!("the cache misses here when {name} changes"),
    );
    diagnostic.label(
        target.span,
        if uses_it {
            format!("first step that uses {name}")
        } else {
            format!("first step that may read {name} from its environment")
        },
    );
    diagnostic.fix = fix;
}

/// Moves a single-name declaration to just before `target`, the first step that names the
/// variable or may read it from its environment. Every `RUN` it moves past runs only commands
/// that read no build variable, so nothing the model can see changes.
fn move_fix(
    cx: &Context<'_, '_>,
    declaration: &Instruction,
    target: &Instruction,
    name: &str,
) -> Option<Fix> {
    if declared_names(declaration).len() != 1 {
        return None;
    }
    let line_text = cx.text(declaration.lines);
    let line_text = if line_text.ends_with('\n') {
        line_text.to_string()
    } else {
        format!("{line_text}\n")
    };
    Some(Fix {
        title: format!(
            "Move {} {name} just before line {}",
            declaration.keyword.as_str(),
            cx.line_of(target.span)
        ),
        // Unsafe, not safe: Docker passes every ARG in scope to each RUN as an environment
        // variable, and a package's install scripts run inside those RUNs; the model knows the
        // commands it moves past, not every script they start.
        applicability: Applicability::Unsafe,
        edits: vec![
            Edit {
                span: declaration.lines,
                content: String::new(),
            },
            Edit {
                span: crate::span::Span::empty(target.lines.start as usize),
                content: line_text,
            },
        ],
    })
}

#[cfg(test)]
mod tests {
    use super::{is_pinned, is_volatile};
    use crate::rules::declared::mentions;

    #[test]
    fn volatile_names() {
        for name in [
            "GIT_SHA",
            "build_date",
            "APP_COMMIT",
            "VERSION",
            "CI_BUILD_NUMBER",
        ] {
            assert!(is_volatile(name), "{name}");
        }
        for name in [
            "NODE_VERSION",
            "PYTHON_VERSION",
            "HOME",
            "PORT",
            "DEBIAN_FRONTEND",
            "CACHEBUST",
            "CACHE_BUSTER",
        ] {
            assert!(!is_volatile(name), "{name}");
        }
    }

    #[test]
    fn pins_and_placeholders() {
        for value in [
            "9af0e0d0e74f3577af1979c9b9e1ac2cad0104ee",
            "bc8b3ab",
            "1.2",
            "v2.5.5",
            "0.3.12.post1",
        ] {
            assert!(is_pinned(value), "{value}");
        }
        for value in [
            "", "dev", "unknown", "HEAD", "0", "42", "latest", "deadbeef", "v", "1.",
        ] {
            assert!(!is_pinned(value), "{value}");
        }
    }

    #[test]
    fn tests_and_cross_compilation_helpers_read_no_build_variable() {
        let ll305 = |source: &str| -> Vec<usize> {
            crate::lint(source)
                .into_iter()
                .filter(|d| d.code == "LL305")
                .map(|d| source[..d.span.start as usize].matches('\n').count() + 1)
                .collect()
        };
        let source = "FROM alpine\nARG GIT_COMMIT=HEAD\nRUN if [ \"$(xx-info arch)\" = arm64 ]; then xx-clang --setup-target-triple; fi\nRUN echo \"$GIT_COMMIT\" > /commit\n";
        assert_eq!(ll305(source), [2]);
        // A build in between may read it: quiet.
        let source = "FROM alpine\nARG GIT_COMMIT=HEAD\nRUN xx-go build ./...\nRUN echo \"$GIT_COMMIT\" > /commit\n";
        assert!(ll305(source).is_empty());
    }

    #[test]
    fn mentions_in_every_spelling() {
        assert!(mentions("echo $GIT_SHA", "GIT_SHA"));
        assert!(mentions("Write-Output $Env:git_sha", "GIT_SHA"));
        assert!(mentions("echo %GIT_SHA%", "GIT_SHA"));
        assert!(!mentions("echo $MY_GIT_SHA_X", "GIT_SHA"));
        assert!(!mentions("echo $NODE_VERSION", "VERSION"));
    }
}
