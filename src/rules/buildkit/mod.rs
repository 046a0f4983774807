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
pub mod undefined_arg_in_from;
pub mod undefined_var;
pub mod workdir_relative_path;

use crate::diagnostic::Diagnostic;
use crate::rules::RuleDoc;
use crate::rules::instructions::Stage;
use crate::syntax::vars::references;
use crate::syntax::{Dockerfile, Instruction};

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

/// A BuildKit check and its hadolint twin (`shares:` in the YAML) finding the same line report
/// once: the twin's finding stays (hadolint users keep their codes and fixes), the BuildKit one
/// goes. Either code still silences it (see [`RuleDoc::is_named_or_twin`]).
pub fn drop_shared_duplicates(dockerfile: &Dockerfile, findings: &mut Vec<Diagnostic>) {
    let line = |finding: &Diagnostic| dockerfile.line_of(finding.span.start);
    let twins: Vec<(&'static str, usize)> = findings
        .iter()
        .filter(|f| crate::rules::find(f.code).is_some_and(|doc| !is_buildkit_check(doc)))
        .map(|f| (f.code, line(f)))
        .collect();
    if twins.is_empty() {
        return;
    }
    findings.retain(|finding| {
        let Some(doc) = crate::rules::find(finding.code).filter(|d| is_buildkit_check(d)) else {
            return true;
        };
        let at = line(finding);
        !twins
            .iter()
            .any(|(code, twin_line)| *twin_line == at && doc.shares.iter().any(|s| s == code))
    });
}

/// The names of the variables a word uses (`$a`, `${b:-x}`), as BuildKit's lexer looks them up.
pub fn used_names(text: &str, escape: char) -> Vec<&str> {
    references(text, escape)
        .into_iter()
        .map(|r| &text[r.name])
        .collect()
}

/// The arguments BuildKit defines for every build (the platform of the builder and the target),
/// usable in `FROM` without a declaration and never reported as undefined.
pub const BUILTIN_ARGS: &[&str] = &[
    "BUILDPLATFORM",
    "BUILDOS",
    "BUILDARCH",
    "BUILDVARIANT",
    "TARGETPLATFORM",
    "TARGETOS",
    "TARGETARCH",
    "TARGETVARIANT",
    "TARGETSTAGE",
];

/// `text` expanded as BuildKit does with no `--build-arg`: a declared argument without a
/// default, or an undeclared one, is empty. `None` when an operator other than `-`, `:-`, `+` or
/// `:+` is used (the result is then not worth guessing) or `${` is not closed.
pub fn expand_defaults(text: &str, args: &[(String, Option<String>)]) -> Option<String> {
    let value_of = |name: &str| -> Option<String> {
        args.iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    };
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(braced) = after.strip_prefix('{') {
            let close = braced.find('}')?;
            let inner = &braced[..close];
            let name_len = inner.find(|c| !is_name(c)).unwrap_or(inner.len());
            let (name, op) = inner.split_at(name_len);
            let value = value_of(name);
            let set_nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
            let piece = match op {
                "" => value.unwrap_or_default(),
                _ if op.starts_with(":-") => {
                    if set_nonempty {
                        value.unwrap_or_default()
                    } else {
                        op[2..].to_string()
                    }
                }
                _ if op.starts_with('-') => value.unwrap_or_else(|| op[1..].to_string()),
                _ if op.starts_with(":+") => {
                    if set_nonempty {
                        op[2..].to_string()
                    } else {
                        String::new()
                    }
                }
                _ if op.starts_with('+') => {
                    if value.is_some() {
                        op[1..].to_string()
                    } else {
                        String::new()
                    }
                }
                _ => return None,
            };
            out.push_str(&piece);
            rest = &braced[close + 1..];
        } else {
            let name_len = after.find(|c| !is_name(c)).unwrap_or(after.len());
            if name_len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&value_of(&after[..name_len]).unwrap_or_default());
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    Some(out)
}

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
        .min_by_key(|(d, _)| *d)
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
    for j in 0..=b.len() {
        d[0][j] = j;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_expand_and_missing_values_are_empty() {
        let args = vec![
            ("VERSION".to_string(), None),
            ("SFX".to_string(), Some("box:".to_string())),
        ];
        assert_eq!(
            expand_defaults("busybox:$VERSION", &args).as_deref(),
            Some("busybox:")
        );
        assert_eq!(
            expand_defaults("busy${SFX}", &args).as_deref(),
            Some("busybox:")
        );
        assert_eq!(expand_defaults("a${X:-b}", &args).as_deref(), Some("ab"));
        assert_eq!(expand_defaults("a${SFX:+c}", &args).as_deref(), Some("ac"));
        assert_eq!(expand_defaults("a${SFX%%:}", &args), None);
    }

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

/// Walks the stages in file order, each with a state: a stage built on an earlier stage of the
/// file starts from the state that one ended with (as BuildKit carries its image configuration
/// over), any other from `start(stage)`.
pub fn walk_stages<'a, T: Clone>(
    stages: &[Stage<'a>],
    start: impl Fn(&Stage<'a>) -> T,
    mut visit: impl FnMut(&mut T, &'a Instruction),
) {
    let mut ended: Vec<T> = Vec::with_capacity(stages.len());
    for (index, stage) in stages.iter().enumerate() {
        let mut state = match stage.parent(stages, index) {
            Some(parent) => ended[parent].clone(),
            None => start(stage),
        };
        for instruction in &stage.body {
            visit(&mut state, instruction);
        }
        ended.push(state);
    }
}
