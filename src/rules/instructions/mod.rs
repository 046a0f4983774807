//! Instruction-level rules (hadolint's DL codes that judge one instruction, or a few within a
//! stage): they read the syntax tree, not the model, so they also lint fragments without a `FROM`
//! (`WORKDIR relative/dir` alone), which hadolint lints too.
//!
//! The helpers here are shared by the family: stages as runs of instructions (a new one at each
//! `FROM`, an implicit one for whatever comes before the first), the parts of a `FROM`, image
//! references, and the build arguments a `FROM` can name.

pub mod dl1001;
pub mod dl3000;
pub mod dl3002;
pub mod dl3006;
pub mod dl3007;
pub mod dl3011;
pub mod dl3012;
pub mod dl3020;
pub mod dl3021;
pub mod dl3022;
pub mod dl3023;
pub mod dl3024;
pub mod dl3025;
pub mod dl3026;
pub mod dl3029;
pub mod dl3043;
pub mod dl3044;
pub mod dl3045;
pub mod dl3048;
pub mod dl3049;
pub mod dl3050;
pub mod dl3051;
pub mod dl3052;
pub mod dl3053;
pub mod dl3054;
pub mod dl3055;
pub mod dl3056;
pub mod dl3057;
pub mod dl3058;
pub mod dl3061;
pub mod dl3063;
pub mod dl3064;
pub mod dl3065;
pub mod dl3066;
pub mod dl3067;
pub mod dl4000;
pub mod dl4003;
pub mod dl4004;
pub mod dl4005;
mod labels;

use crate::model::vars::MAX_VALUE_LEN;
use crate::syntax::{Args, Dockerfile, Flag, Instruction, Keyword, Word};
use std::collections::HashMap;

/// A run of instructions: from a `FROM` up to the next, or everything before the first `FROM`.
pub struct Stage<'a> {
    /// The `FROM` that starts it; `None` for the instructions before any `FROM`.
    pub from: Option<&'a Instruction>,
    /// Docker's stage number (`COPY --from=0`); `None` for the implicit stage.
    pub number: Option<usize>,
    /// The stage name (`AS name`), lower-cased as Docker compares it.
    pub name: Option<String>,
    /// The base as written, lower-cased (`FROM base` names an earlier stage when it matches
    /// one's name).
    pub base: Option<String>,
    /// The instructions after the `FROM` (top level only; `ONBUILD` triggers stay wrapped).
    pub body: Vec<&'a Instruction>,
    /// The index of the earlier stage this one is built on (the latest of that name), if any.
    pub parent: Option<usize>,
    /// The index of the first earlier stage with the same name, if any.
    pub same_name_as: Option<usize>,
}

/// For each name, the indexes of the stages so named so far: the first and the latest. Kept as
/// the stages are read, so that looking a name up never walks back over every stage (a file of
/// thousands of stages would make that quadratic).
#[derive(Default)]
struct StageNames {
    by_name: HashMap<String, (usize, usize)>,
}

impl StageNames {
    fn first(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|&(first, _)| first)
    }

    fn latest(&self, name: &str) -> Option<usize> {
        self.by_name.get(name).map(|&(_, latest)| latest)
    }

    fn add(&mut self, name: &str, index: usize) {
        self.by_name
            .entry(name.to_string())
            .and_modify(|(_, latest)| *latest = index)
            .or_insert((index, index));
    }
}

/// For each stage, whether a later stage builds on it (`FROM name`) or copies from it (`COPY
/// --from`, `RUN --mount=…,from=`, by name or number): such a stage is a build step, not an image
/// that ships or runs.
pub fn used_later(stages: &[Stage<'_>]) -> Vec<bool> {
    let mut used = vec![false; stages.len()];
    let mut names = StageNames::default();
    let mut numbered: HashMap<String, usize> = HashMap::new();
    for (index, stage) in stages.iter().enumerate() {
        if let Some(parent) = stage.parent {
            used[parent] = true;
        }
        for instruction in &stage.body {
            let mut sources: Vec<String> = Vec::new();
            if let Some(value) = instruction.flag("from").and_then(|f| f.value.clone()) {
                sources.push(value);
            }
            for (_, mount) in instruction.mounts() {
                sources.extend(mount.from().map(str::to_string));
            }
            for source in sources {
                let source = unquoted(&source).to_ascii_lowercase();
                let found = [names.first(&source), numbered.get(&source).copied()]
                    .into_iter()
                    .flatten()
                    .min();
                if let Some(found) = found {
                    used[found] = true;
                }
            }
        }
        if let Some(name) = &stage.name {
            names.add(name, index);
        }
        if let Some(number) = stage.number {
            numbered.insert(number.to_string(), index);
        }
    }
    used
}

/// For each stage, whether `holds` is true of it or of a stage it is built on.
pub fn inherited(stages: &[Stage<'_>], holds: impl Fn(&Stage<'_>) -> bool) -> Vec<bool> {
    let mut found = vec![false; stages.len()];
    for (index, stage) in stages.iter().enumerate() {
        found[index] = holds(stage) || stage.parent.is_some_and(|p| found[p]);
    }
    found
}

/// Whether a stage is empty at its start: `FROM scratch`, or built on a stage that is.
pub fn from_scratch(stages: &[Stage<'_>], index: usize) -> bool {
    let mut at = index;
    for _ in 0..stages.len() {
        if stages[at].base.as_deref() == Some("scratch") {
            return true;
        }
        match stages[at].parent {
            Some(parent) => at = parent,
            None => return false,
        }
    }
    false
}

/// The file's stages in order. Instructions before the first `FROM` form an implicit stage only
/// when there are any besides `ARG`s (global `ARG`s belong to no stage).
pub fn stages(dockerfile: &Dockerfile) -> Vec<Stage<'_>> {
    let mut stages: Vec<Stage<'_>> = Vec::new();
    let mut names = StageNames::default();
    let mut number = 0;
    // Names and bases written with a global ARG (`FROM ${BASE} AS ${NAME}`, which buildah
    // accepts) are read through its default.
    let args = global_args(dockerfile);
    let resolved = |word: &Word| {
        expand(&word.text, &args)
            .unwrap_or_else(|| word.text.to_string())
            .to_ascii_lowercase()
    };
    // The length of each stretch between `FROM`s (the first: before any), so that each body is
    // allocated once at its size: a body of a million instructions grown by doubling would hold
    // the old and the new list at once, and up to twice the room it needs.
    let sizes = crate::syntax::stretch_lengths(dockerfile.instructions());
    let room = |stretch: usize| Vec::with_capacity(sizes.get(stretch).copied().unwrap_or(0));
    for instruction in dockerfile.instructions() {
        if instruction.keyword == Keyword::From {
            let parts = from_parts(instruction);
            let name = parts.as_ref().and_then(|p| p.alias).map(resolved);
            let base = parts.map(|p| resolved(p.image));
            let parent = base.as_deref().and_then(|base| names.latest(base));
            let same_name_as = name.as_deref().and_then(|name| names.first(name));
            if let Some(name) = &name {
                names.add(name, stages.len());
            }
            stages.push(Stage {
                from: Some(instruction),
                number: Some(number),
                name,
                base,
                body: room(number + 1),
                parent,
                same_name_as,
            });
            number += 1;
            continue;
        }
        if stages.is_empty() {
            if instruction.keyword == Keyword::Arg {
                continue;
            }
            stages.push(Stage {
                from: None,
                number: None,
                name: None,
                base: None,
                body: room(0),
                parent: None,
                same_name_as: None,
            });
        }
        stages.last_mut().expect("a stage").body.push(instruction);
    }
    stages
}

/// `FROM [--platform=…] image [AS name]`.
pub struct FromParts<'a> {
    pub image: &'a Word,
    pub alias: Option<&'a Word>,
}

pub fn from_parts(instruction: &Instruction) -> Option<FromParts<'_>> {
    let Args::Words(words) = &instruction.args else {
        return None;
    };
    let image = words.first()?;
    let alias = match &words[..] {
        [_, as_word, alias, ..] if as_word.text.eq_ignore_ascii_case("as") => Some(alias),
        _ => None,
    };
    Some(FromParts { image, alias })
}

/// The instruction an `ONBUILD` carries.
pub fn trigger(instruction: &Instruction) -> Option<&Instruction> {
    match &instruction.args {
        Args::Onbuild(inner) if instruction.keyword == Keyword::Onbuild => Some(inner),
        _ => None,
    }
}

/// Every top-level instruction and every `ONBUILD` trigger, in file order.
pub fn with_triggers(dockerfile: &Dockerfile) -> impl Iterator<Item = &Instruction> {
    dockerfile
        .instructions()
        .flat_map(|i| std::iter::once(i).chain(trigger(i)))
}

/// Text with the quote characters at either end removed, as hadolint compares paths.
pub fn unquoted(text: &str) -> &str {
    text.trim_matches(|c| c == '"' || c == '\'')
}

/// The source and destination words of `COPY`/`ADD`, plain or JSON form.
pub fn copy_args(instruction: &Instruction) -> Option<(&[Word], &Word)> {
    let words = match &instruction.args {
        Args::Words(words) | Args::Json(words) => words,
        _ => return None,
    };
    let (dest, sources) = words.split_last()?;
    Some((sources, dest))
}

/// An image reference split into its parts (no validation: `reference::problem` does that).
#[derive(Debug, PartialEq, Eq)]
pub struct ImageRef<'t> {
    /// The registry host when the first component names one (`ghcr.io`, `localhost:5000`).
    pub registry: Option<&'t str>,
    /// The repository path without the registry (`library/debian`, `debian`).
    pub path: &'t str,
    pub tag: Option<&'t str>,
    pub digest: Option<&'t str>,
}

pub fn image_ref(reference: &str) -> ImageRef<'_> {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(colon) => (
            &rest[..last_slash + colon],
            Some(&rest[last_slash + colon + 1..]),
        ),
        None => (rest, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, path))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), path)
        }
        _ => (None, name),
    };
    ImageRef {
        registry,
        path,
        tag,
        digest,
    }
}

/// The `--platform` flags of the file's `FROM` instructions (DL3029, DL3065).
pub fn platform_flags(dockerfile: &Dockerfile) -> impl Iterator<Item = &Flag> {
    dockerfile
        .instructions()
        .filter(|i| i.keyword == Keyword::From)
        .filter_map(|i| i.flag("platform"))
}

/// The `ARG`s declared before the first `FROM`, with their defaults (quotes removed, and the
/// earlier `ARG`s put in as the build does: `ARG BASE=$REGISTRY/app`; a default naming a
/// variable without a known value is unknown): the only variables a `FROM` line can use.
pub fn global_args(dockerfile: &Dockerfile) -> GlobalArgs {
    global_args_given(dockerfile, &crate::model::BuildArgs::new())
}

/// [`global_args`] of a build given these build arguments: a given value replaces the one the
/// `ARG` declares.
pub fn global_args_given(dockerfile: &Dockerfile, given: &crate::model::BuildArgs) -> GlobalArgs {
    let mut args = GlobalArgs::default();
    for instruction in dockerfile.instructions() {
        match (&instruction.keyword, &instruction.args) {
            (Keyword::From, _) => break,
            (Keyword::Arg, Args::Words(words)) => {
                for word in words {
                    let declared = word.text.split_once('=').map_or(&*word.text, |(n, _)| n);
                    if let Some(value) = given.get(declared) {
                        args.declare(declared, Some(value.clone()));
                        continue;
                    }
                    let (name, value) = match word.text.split_once('=') {
                        // Single quotes keep `$` literal.
                        Some((name, value)) if value.starts_with('\'') => {
                            (name, Some(unquote_value(value)))
                        }
                        Some((name, value)) => (name, expand(&unquote_value(value), &args)),
                        None => (word.text.as_str(), None),
                    };
                    args.declare(name, value);
                }
            }
            _ => {}
        }
    }
    args
}

fn unquote_value(value: &str) -> String {
    let bytes = value.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[0] == bytes[bytes.len() - 1]
    {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// The global `ARG`s in order, each name's latest declaration found without a walk over all of
/// them (a file of thousands of `ARG`s would make that quadratic).
#[derive(Debug, Default)]
pub struct GlobalArgs {
    declared: Vec<(String, Option<String>)>,
    latest: HashMap<String, usize>,
}

impl GlobalArgs {
    pub fn declare(&mut self, name: &str, value: Option<String>) {
        self.latest.insert(name.to_string(), self.declared.len());
        self.declared.push((name.to_string(), value));
    }

    /// The value of the latest declaration of `name`, when it has one.
    pub fn value(&self, name: &str) -> Option<&str> {
        let &at = self.latest.get(name)?;
        self.declared[at].1.as_deref()
    }

    /// Whether an `ARG` of this name is declared.
    pub fn declares(&self, name: &str) -> bool {
        self.latest.contains_key(name)
    }

    /// Every declared name, in file order (a name declared twice comes twice).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.declared.iter().map(|(name, _)| name.as_str())
    }

    /// Every declaration's value, in file order.
    #[cfg(test)]
    pub fn values(&self) -> impl Iterator<Item = Option<&str>> {
        self.declared.iter().map(|(_, value)| value.as_deref())
    }
}

impl FromIterator<(String, Option<String>)> for GlobalArgs {
    fn from_iter<I: IntoIterator<Item = (String, Option<String>)>>(iter: I) -> Self {
        let mut args = GlobalArgs::default();
        for (name, value) in iter {
            args.declare(&name, value);
        }
        args
    }
}

/// `text` with `$NAME`, `${NAME}`, `${NAME:-word}` and `${NAME-word}` replaced by the values of
/// `args` (the last declaration wins); `None` when a variable has no known value or another
/// operator is used, since the result is then unknown, and when the result grows past the
/// model's limit on a value (`ARG B=$A$A` doubling on every line).
pub fn expand(text: &str, args: &GlobalArgs) -> Option<String> {
    let value_of = |name: &str| args.value(name).map(str::to_string);
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
            let value = match op {
                "" => value_of(name)?,
                _ if op.starts_with(":-") => value_of(name)
                    .filter(|v| !v.is_empty())
                    .unwrap_or_else(|| op[2..].to_string()),
                _ if op.starts_with('-') => value_of(name).unwrap_or_else(|| op[1..].to_string()),
                _ => return None,
            };
            out.push_str(&value);
            rest = &braced[close + 1..];
        } else {
            let name_len = after.find(|c| !is_name(c)).unwrap_or(after.len());
            if name_len == 0 {
                out.push('$');
                rest = after;
                continue;
            }
            out.push_str(&value_of(&after[..name_len])?);
            rest = &after[name_len..];
        }
        if out.len() > MAX_VALUE_LEN {
            return None;
        }
    }
    out.push_str(rest);
    (out.len() <= MAX_VALUE_LEN).then_some(out)
}

/// Whether `--from=value` names an image rather than a stage: it has a registry, a path, a tag
/// or a digest (a bare word is taken for a stage name, as Docker tries stages first).
pub fn names_image(value: &str) -> bool {
    value.contains(['/', ':', '@'])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_references_split() {
        let r = image_ref("ghcr.io/owner/app:1.2@sha256:abc");
        assert_eq!(r.registry, Some("ghcr.io"));
        assert_eq!(r.path, "owner/app");
        assert_eq!(r.tag, Some("1.2"));
        assert_eq!(r.digest, Some("sha256:abc"));
        let r = image_ref("localhost:5000/app");
        assert_eq!(
            (r.registry, r.path, r.tag),
            (Some("localhost:5000"), "app", None)
        );
        let r = image_ref("zemanlx/ubuntu:18.04");
        assert_eq!(
            (r.registry, r.path, r.tag),
            (None, "zemanlx/ubuntu", Some("18.04"))
        );
    }

    #[test]
    fn expansion_uses_defaults_and_gives_up_on_unknowns() {
        let args: GlobalArgs = [
            ("BASE".to_string(), Some("debian:12".to_string())),
            ("TAG".to_string(), None),
        ]
        .into_iter()
        .collect();
        assert_eq!(expand("${BASE}", &args).as_deref(), Some("debian:12"));
        assert_eq!(
            expand("$BASE-slim", &args).as_deref(),
            Some("debian:12-slim")
        );
        assert_eq!(expand("img:${TAG:-1}", &args).as_deref(), Some("img:1"));
        assert_eq!(expand("img:${TAG}", &args), None);
        assert_eq!(expand("img:${OTHER}", &args), None);
        assert_eq!(expand("img:${BASE%%:*}", &args), None);
    }

    #[test]
    fn arg_defaults_take_earlier_args_in() {
        let file = crate::syntax::parse(
            "ARG REG=quay.io\nARG OWNER\nARG A=$REG/app\nARG B=$OWNER/app\nARG C='$REG'\nFROM x\n",
        );
        let args = global_args(&file);
        let values: Vec<Option<&str>> = args.values().collect();
        assert_eq!(
            values,
            [
                Some("quay.io"),
                None,
                Some("quay.io/app"),
                None,
                Some("$REG")
            ]
        );
    }

    #[test]
    fn add_sources_through_variables_are_judged_by_value_with_an_unsafe_fix() {
        use crate::diagnostic::Applicability;
        let fixes = |source: &str| -> Vec<Option<Applicability>> {
            crate::lint_with(source, &crate::LintOptions::default())
                .into_iter()
                .filter(|d| d.code == "DL3020")
                .map(|d| d.fix.map(|f| f.applicability))
                .collect()
        };
        assert_eq!(
            fixes("FROM alpine:3.20\nENV PKG=jdk/\nADD $PKG /\n"),
            [Some(Applicability::Unsafe)]
        );
        assert_eq!(
            fixes("FROM alpine:3.20\nADD jdk/ /\n"),
            [Some(Applicability::Safe)]
        );
        assert!(fixes("FROM alpine:3.20\nENV U=https://x/y\nADD $U /\n").is_empty());
        assert!(fixes("FROM alpine:3.20\nARG P\nADD $P /\n").is_empty());
    }

    #[test]
    fn stages_start_at_each_from_and_fragments_get_one() {
        let file = crate::syntax::parse("ARG A=1\nWORKDIR x\nFROM a AS One\nRUN b\nFROM one\n");
        let stages = stages(&file);
        assert_eq!(stages.len(), 3);
        assert_eq!(stages[0].number, None);
        assert_eq!(stages[0].body.len(), 1);
        assert_eq!(stages[1].name.as_deref(), Some("one"));
        assert_eq!(stages[2].parent, Some(1));
    }
}
