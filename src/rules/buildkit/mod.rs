//! BuildKit's build checks (`docker build --check`), under BuildKit's own rule names so that a
//! `# check=skip=StageNameCasing` written for Docker works here unchanged. They read the syntax
//! tree, like the instruction rules, and judge the file as BuildKit's Dockerfile frontend does
//! when it converts it, without a builder, a context upload or a pulled base image.
//!
//! Shared here: which findings belong to the family, the one-finding-per-shared-check rule, the
//! way BuildKit expands variables with only the `ARG` defaults, and its "did you mean" hint.
//! The `# check=` directive lives in `directive.rs`; images whose environment is known, in
//! `known_images.rs`.

pub mod consistent_instruction_casing;
pub mod copy_ignored_file;
pub mod directive;
pub mod duplicate_stage_name;
mod expand;
pub mod expose_invalid_format;
pub mod expose_proto_casing;
pub mod from_as_casing;
pub mod from_platform_flag_const_disallowed;
pub mod invalid_base_image_platform;
pub mod invalid_default_arg_in_from;
pub mod invalid_definition_description;
pub mod json_args_recommended;
mod known_images;
pub mod legacy_key_value_format;
pub mod maintainer_deprecated;
pub mod multiple_instructions_disallowed;
pub mod no_empty_continuation;
pub mod redundant_target_platform;
pub mod reserved_stage_name;
pub mod secrets_used_in_arg_or_env;
pub mod stage_name_casing;
pub mod stage_tree;
pub mod undefined_arg_in_from;
pub mod undefined_var;
pub mod workdir_relative_path;

#[cfg(test)]
mod behaviour_tests;

use crate::diagnostic::Diagnostic;
use crate::rules::RuleDoc;
use crate::rules::instructions::Stage;
use crate::syntax::vars::references;
use crate::syntax::{Args, Dockerfile, ErrorKind, Flag, Instruction, Keyword, Word};

/// The category of BuildKit's checks in `rules/*.yaml`.
pub const CATEGORY: &str = "buildkit";

/// Whether a finding comes from a BuildKit check, or from a rule that shares its check with one
/// (what `# check=skip=all` and `error=true` act on).
pub fn is_buildkit_finding(finding: &Diagnostic) -> bool {
    crate::rules::find(finding.code)
        .is_some_and(|doc| is_buildkit_check(doc) || !doc.shares.is_empty())
}

pub fn is_buildkit_check(doc: &RuleDoc) -> bool {
    doc.category == CATEGORY
}

/// A BuildKit check and its hadolint twin (`shares:` in the YAML) finding the same problem
/// report once: the twin's finding stays (hadolint users keep their codes and fixes), the
/// BuildKit one goes. Two findings are about the same problem when a line of one (where it is
/// reported, or a line its labels point at) is a line of the other: BuildKit reports the CMD
/// that a later one overrides, hadolint the later one, each pointing at the other.
/// Either code still silences it (see [`RuleDoc::is_named_or_twin`]).
pub fn drop_shared_duplicates(dockerfile: &Dockerfile, findings: &mut Vec<Diagnostic>) {
    let lines = |finding: &Diagnostic| {
        std::iter::once(finding.span.start)
            .chain(finding.labels.iter().map(|l| l.span.start))
            .map(|at| dockerfile.line_of(at))
            .collect::<Vec<_>>()
    };
    let twins: std::collections::HashSet<(&'static str, usize)> = findings
        .iter()
        .filter(|f| {
            crate::rules::find(f.code)
                .is_some_and(|doc| !doc.shares.is_empty() && !is_buildkit_check(doc))
        })
        .flat_map(|f| lines(f).into_iter().map(move |line| (f.code, line)))
        .collect();
    if twins.is_empty() {
        return;
    }
    findings.retain(|finding| {
        let Some(doc) = crate::rules::find(finding.code).filter(|d| is_buildkit_check(d)) else {
            return true;
        };
        !lines(finding)
            .into_iter()
            .any(|at| doc.shares.iter().any(|code| twins.contains(&(*code, at))))
    });
}

/// The checks BuildKit runs while it parses the instructions, one by one: when an instruction
/// fails to parse, those of the instructions before it are still reported. Every other check
/// runs on the parsed file, so a file that fails to parse gets none of them.
const WHILE_PARSING: &[&str] = &[
    "FromAsCasing",
    "StageNameCasing",
    "LegacyKeyValueFormat",
    "MaintainerDeprecated",
    "NoEmptyContinuation",
    "InvalidDefinitionDescription",
];

/// The checks BuildKit runs on the whole parsed file before it converts any stage: a file it
/// refuses only while converting (a build-time LL001) still gets them everywhere.
const BEFORE_CONVERTING: &[&str] = &[
    "ConsistentInstructionCasing",
    "DuplicateStageName",
    "ReservedStageName",
    "InvalidDefaultArgInFrom",
];

/// BuildKit stops at the first instruction it cannot parse (an unknown instruction, a bad flag,
/// a bad stage name; LL001 reports it): the checks of a file it cannot read are not run, except
/// the parse-time ones on the instructions up to the error. A file whose text cannot be split
/// into instructions at all (an unterminated heredoc) gets none. An invalid image name is not
/// such an error: BuildKit meets it only when it resolves the image, after its checks. A file
/// that parses but is refused while BuildKit converts it (a bad substitution, `COPY --from` a
/// variable) keeps the checks made before converting, and the others up to the error's line (BuildKit
/// runs an instruction's own checks before it fails on it).
pub fn drop_after_build_error(dockerfile: &Dockerfile, findings: &mut Vec<Diagnostic>) {
    let first = |build: bool| {
        dockerfile
            .errors
            .iter()
            .filter(|e| (e.kind == ErrorKind::Build) == build)
            .filter(|e| !in_from_image(dockerfile, e.span))
            .map(|e| dockerfile.line_of(e.span.start))
            .min()
    };
    let is_check =
        |finding: &Diagnostic| crate::rules::find(finding.code).filter(|d| is_buildkit_check(d));
    if let Some(error_line) = first(false) {
        let parse_failed = dockerfile.errors.iter().any(|e| e.kind == ErrorKind::Parse);
        findings.retain(|finding| {
            let Some(doc) = is_check(finding) else {
                return true;
            };
            !parse_failed
                && WHILE_PARSING.contains(&doc.code)
                && dockerfile.line_of(finding.span.start) <= error_line
        });
    } else if let Some(error_line) = first(true) {
        findings.retain(|finding| {
            let Some(doc) = is_check(finding) else {
                return true;
            };
            let code = doc.code;
            WHILE_PARSING.contains(&code)
                || BEFORE_CONVERTING.contains(&code)
                || dockerfile.line_of(finding.span.start) <= error_line
        });
    }
}

/// Whether a span lies in the image name of a `FROM`.
fn in_from_image(dockerfile: &Dockerfile, span: crate::span::Span) -> bool {
    dockerfile
        .instructions()
        .filter(|i| i.keyword == crate::syntax::Keyword::From)
        .filter_map(crate::rules::instructions::from_parts)
        .any(|parts| parts.image.span.start <= span.start && span.end <= parts.image.span.end)
}

/// The file's top-level instructions of one kind.
pub fn instructions_of(
    dockerfile: &Dockerfile,
    keyword: Keyword,
) -> impl Iterator<Item = &Instruction> {
    dockerfile
        .instructions()
        .filter(move |instruction| instruction.keyword == keyword)
}

/// Each `FROM --platform=…` of the file, with the flag and its value.
pub fn platform_flags(
    dockerfile: &Dockerfile,
) -> impl Iterator<Item = (&Instruction, &Flag, &str)> {
    instructions_of(dockerfile, Keyword::From).filter_map(|instruction| {
        let flag = instruction.flag("platform")?;
        Some((instruction, flag, flag.value.as_deref().unwrap_or("")))
    })
}

/// The words of each `EXPOSE`.
pub fn exposed_ports(dockerfile: &Dockerfile) -> impl Iterator<Item = &Word> {
    instructions_of(dockerfile, Keyword::Expose).flat_map(|instruction| match &instruction.args {
        Args::Words(words) => &words[..],
        _ => &[],
    })
}

/// The names of the variables a word uses (`$a`, `${b:-x}`), as BuildKit's lexer looks them up.
pub fn used_names(text: &str, escape: char) -> Vec<&str> {
    references(text, escape)
        .into_iter()
        .map(|r| &text[r.name])
        .collect()
}

pub use crate::syntax::vars::BUILTIN_ARGS;

/// The values BuildKit gives them on the usual builder (linux/amd64), for expanding a `FROM`
/// as a plain `docker build` would.
const BUILTIN_VALUES: &[(&str, &str)] = &[
    ("BUILDPLATFORM", "linux/amd64"),
    ("BUILDOS", "linux"),
    ("BUILDARCH", "amd64"),
    ("BUILDVARIANT", ""),
    ("TARGETPLATFORM", "linux/amd64"),
    ("TARGETOS", "linux"),
    ("TARGETARCH", "amd64"),
    ("TARGETVARIANT", ""),
];

/// BuildKit's "did you mean" hint: the closest of `options` by edit distance (letter case
/// ignored), when close enough to be a typo.
pub fn suggestion<'o>(name: &str, options: impl IntoIterator<Item = &'o str>) -> Option<&'o str> {
    let lower = name.to_ascii_lowercase();
    let limit = (name.len() / 3).max(1);
    options
        .into_iter()
        .filter(|option| *option != name)
        .map(|option| (distance(&lower, &option.to_ascii_lowercase()), option))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, option)| (*d, *option))
        .map(|(_, option)| option)
}

/// Edit distance counting a swap of two neighbouring letters as one edit (`PAHT` → `PATH`).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// ` (did you mean X?)` or nothing.
pub fn did_you_mean(hint: Option<&str>, prefix: &str) -> String {
    hint.map_or_else(String::new, |h| format!(" (did you mean {prefix}{h}?)"))
}

/// Walks the stages in file order, each with a state: a stage built on an earlier stage of the
/// file starts from the state that one ended with (as BuildKit carries its image configuration
/// over), any other from `start(stage)`.
pub fn walk_stages<'a, T: Clone>(
    stages: &[Stage<'a>],
    start: impl Fn(&Stage<'a>) -> T,
    mut visit: impl FnMut(&mut T, &'a Instruction),
) {
    let mut ended: Vec<T> = Vec::with_capacity(stages.len());
    // The latest stage of each name, so that finding a parent does not scan every stage before.
    let mut by_name: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, stage) in stages.iter().enumerate() {
        let parent = stage
            .base
            .as_deref()
            .and_then(|base| by_name.get(base).copied());
        let mut state = match parent {
            Some(parent) => ended[parent].clone(),
            None => start(stage),
        };
        for instruction in &stage.body {
            visit(&mut state, instruction);
        }
        ended.push(state);
        if let Some(name) = stage.name.as_deref() {
            by_name.insert(name, index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_close_names_only() {
        assert_eq!(suggestion("PAHT", ["PATH", "HOME"]), Some("PATH"));
        assert_eq!(
            suggestion("DIR_ASSET", ["DIR_ASSETS", "DIR_CONFIG"]),
            Some("DIR_ASSETS")
        );
        assert_eq!(suggestion("foo", ["PATH"]), None);
    }
}
