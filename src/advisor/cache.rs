//! The cache simulation: given the context files that changed and the build arguments passed,
//! which steps keep their cache and which rebuild, and why the first miss of each stage happened.
//!
//! The rules, BuildKit's and buildah's alike (checked against buildah 1.28 by
//! tests/layers_cache.rs):
//! - a step's cache key chains from the step before it: after the first miss in a stage every
//!   later step rebuilds, and a stage built `FROM` a stage that rebuilt rebuilds whole;
//! - `COPY`/`ADD` from the context key on the content of what they copy, after `.dockerignore`
//!   (a changed file that is ignored or not copied changes nothing; a touched file neither);
//! - every `RUN` has every build argument in scope in its environment, so a build argument whose
//!   value differs from its default misses at the first `RUN` after its `ARG` (or the first step
//!   whose text names it), used or not; the `ARG` step itself stays cached;
//! - `COPY --from` keys on the content of the files it copies: when the last step of the other
//!   stage that wrote them is a context copy with no `RUN` after it, the model knows whether the
//!   change landed in them; otherwise, when that stage rebuilt, the copy "may" rebuild;
//! - a build argument that changes a global `ARG` a `FROM` line uses names another base image:
//!   the stage may rebuild whole (it does unless both names are the same image);
//! - stages the target does not need are not built.
//!
//! Where the two differ (buildah 1.28, as measured):
//! - BuildKit keys `RUN --mount=type=bind` on the mounted files' content; buildah does not, and
//!   keeps the step cached when a mounted file changes;
//! - buildah keys config steps (`ENV`, `LABEL`, `WORKDIR` …) on their text as written: one that
//!   names a changed build argument stays cached (BuildKit has no cache for them: their value
//!   simply changes, shown here as a rebuild);
//! - buildah misses at an `ARG` without a default (and no global value) that a build argument
//!   gives a value; BuildKit only at the first step that reads it.

use super::plan::{
    Plan, StageRebuild, context_relative, referenced_names, source_reads, stage_label, stage_ref,
};
use crate::model::{Base, Input, Model, PackageAction, Step, VarKind};
use crate::project::BuildContext;
use crate::syntax::{Args, Keyword};
use serde::Serialize;
use std::collections::HashMap;

/// Whose cache rules to follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Builder {
    BuildKit,
    Buildah,
}

/// What changed since the build whose cache is reused.
#[derive(Clone, Debug)]
pub struct Change {
    /// Context-relative paths of changed files.
    pub paths: Vec<String>,
    /// `--build-arg NAME=VALUE` of the new build (the old one passed none).
    pub build_args: Vec<(String, String)>,
    pub builder: Builder,
}

/// What happens to one step in the new build.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verdict {
    /// Its stage is not needed for the target.
    NotBuilt,
    Cached,
    /// The step runs again. `cause` says why when the miss is its own (not one inherited from
    /// an earlier step or the base stage); `after_line` names the step whose miss it follows.
    Rebuilds {
        cause: Option<String>,
        after_line: Option<usize>,
    },
    /// Rebuilds only if what it reads came out different (a `COPY --from` a stage that
    /// rebuilt, a download).
    May {
        cause: String,
    },
}

impl Verdict {
    pub fn is_cached(&self) -> bool {
        matches!(self, Verdict::Cached)
    }
}

/// Fills `cache` of every step of the plan and `rebuild` of every stage.
pub fn simulate(plan: &mut Plan, model: &Model<'_>, context: &BuildContext, change: &Change) {
    let ignore = context.dockerignore();
    let changed: Vec<String> = change
        .paths
        .iter()
        .map(|p| context_relative(p))
        .filter(|p| !ignore.as_ref().is_some_and(|i| i.excludes(p)))
        .collect();
    let args: HashMap<&str, &str> = change
        .build_args
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let mut sim = Simulator {
        model,
        changed: &changed,
        args: &args,
        builder: change.builder,
        outcome: vec![Outcome::Cached; model.stages.len()],
        tainted_at_end: vec![HashMap::new(); model.stages.len()],
        first_miss: vec![None; model.stages.len()],
        base_missed: vec![false; model.stages.len()],
    };
    for stage in &model.stages {
        let index = stage.index;
        if !plan.stages[index].built {
            for step in &mut plan.stages[index].steps {
                step.cache = Some(Verdict::NotBuilt);
            }
            continue;
        }
        let verdicts = sim.stage(index);
        let rebuild = explain(model, plan, index, &verdicts, &changed);
        for (row, verdict) in plan.stages[index].steps.iter_mut().zip(verdicts) {
            row.cache = Some(verdict);
        }
        plan.stages[index].rebuild = rebuild;
    }
}

/// What became of files a `COPY --from` reads, as far as the model can tell.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Copied {
    /// The changed context file lands in them.
    Changed(String),
    /// A context copy that read nothing changed made them.
    Same,
    Unknown,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    Cached,
    /// Something rebuilt, but maybe to the same files.
    May,
    Rebuilt,
}

struct Simulator<'s, 'a> {
    model: &'s Model<'a>,
    changed: &'s [String],
    args: &'s HashMap<&'s str, &'s str>,
    builder: Builder,
    outcome: Vec<Outcome>,
    /// Per stage, the variables whose value changed, with why, as the stage ends.
    tainted_at_end: Vec<HashMap<String, String>>,
    /// Per stage simulated, the index of its first step that is not cached.
    first_miss: Vec<Option<usize>>,
    /// Per stage simulated, whether it missed from its start (its base changed).
    base_missed: Vec<bool>,
}

impl Simulator<'_, '_> {
    fn stage(&mut self, index: usize) -> Vec<Verdict> {
        let stage = &self.model.stages[index];
        let mut tainted: HashMap<String, String> = HashMap::new();
        // Why the stage rebuilds from its first step, if it does: its base stage rebuilt, or
        // its FROM line names another image.
        let mut from_start: Option<Verdict> = match stage.base {
            Base::Stage(base) => {
                tainted = self.tainted_at_end[base].clone();
                let label = stage_label(self.model.stages[base].name.as_deref(), base);
                match self.outcome[base] {
                    Outcome::Rebuilt => Some(Verdict::Rebuilds {
                        cause: Some(format!("starts from stage {label}, which rebuilds")),
                        after_line: None,
                    }),
                    Outcome::May => Some(Verdict::May {
                        cause: format!("starts from stage {label}, which may rebuild"),
                    }),
                    Outcome::Cached => None,
                }
            }
            _ => stage
                .from
                .and_then(|from| self.base_image_changes(from))
                .map(|cause| Verdict::May { cause }),
        };
        self.base_missed[index] = from_start.is_some();
        // The line of the first sure miss, and of the first "may".
        let mut missed: Option<usize> = None;
        let mut maybe: Option<usize> = None;
        let mut verdicts = Vec::with_capacity(stage.steps.len());
        for (i, step) in stage.steps.iter().enumerate() {
            let line = self.model.dockerfile.line_of(step.instruction.span.start);
            // Always asked, so that the changed variables are followed past a miss.
            let own = self.own_cause(index, step, stage.steps.get(i + 1), &mut tainted);
            let verdict = if let Some(at) = missed {
                Verdict::Rebuilds {
                    cause: None,
                    after_line: Some(at),
                }
            } else if let Some(start) = from_start.take() {
                start
            } else {
                match (own, maybe) {
                    (Some(own), _) => own,
                    (None, Some(at)) => Verdict::May {
                        cause: format!("follows line {at}, which may rebuild"),
                    },
                    (None, None) => Verdict::Cached,
                }
            };
            match &verdict {
                Verdict::Rebuilds { .. } => missed = missed.or(Some(line)),
                Verdict::May { .. } => maybe = maybe.or(Some(line)),
                _ => {}
            }
            verdicts.push(verdict);
        }
        self.outcome[index] = if missed.is_some() {
            Outcome::Rebuilt
        } else if maybe.is_some() {
            Outcome::May
        } else {
            Outcome::Cached
        };
        self.tainted_at_end[index] = tainted;
        self.first_miss[index] = verdicts.iter().position(|v| !v.is_cached());
        verdicts
    }

    /// The reason the `FROM` line names another image: a global build argument it uses changes.
    fn base_image_changes(&self, from: &crate::syntax::Instruction) -> Option<String> {
        let text = &self.model.dockerfile.source[from.span.range()];
        let names = crate::syntax::vars::references(text, self.model.dockerfile.escape);
        names.into_iter().find_map(|r| {
            let name = text.get(r.name)?;
            let old = self.model.global_args.get(name)?;
            let new = self.args.get(name)?;
            (old.value.as_deref() != Some(*new)).then(|| {
                format!(
                    "its FROM line uses ARG {name}, which changes ({} → {new}): another base image, unless both names are the same image",
                    shown(old.value.as_deref())
                )
            })
        })
    }

    /// Why this step misses on its own, if it does; updates the changed variables for the steps
    /// after it.
    fn own_cause(
        &self,
        stage: usize,
        step: &Step<'_>,
        next: Option<&Step<'_>>,
        tainted: &mut HashMap<String, String>,
    ) -> Option<Verdict> {
        let keyword = step.instruction.keyword;
        let rebuilds = |cause: String| {
            Some(Verdict::Rebuilds {
                cause: Some(cause),
                after_line: None,
            })
        };
        let names = referenced_names(self.model, step);
        if keyword == Keyword::Arg {
            let first_value = self.declare_args(step, next, &names, tainted);
            // The ARG step itself keeps its cache: the value reaches the steps that use it. But
            // buildah keys an ARG without a value on the value a build argument gives it.
            return match first_value {
                Some(name) if self.builder == Builder::Buildah => rebuilds(format!(
                    "ARG {name} had no value and gets one from --build-arg (buildah keys this step on it)"
                )),
                _ => None,
            };
        }
        // A variable the text names, or (for RUN) any changed one in scope.
        let text_var = names
            .iter()
            .find_map(|n| tainted.get(n).filter(|_| step.vars.get(n).is_some()));
        let text_cause = text_var.cloned();
        if keyword == Keyword::Env {
            if let (Some(cause), Args::KeyValues(pairs, _)) = (&text_cause, &step.instruction.args)
            {
                for pair in pairs {
                    tainted.insert(
                        pair.key.text.to_string(),
                        format!("ENV {} is set from {cause}", pair.key.text),
                    );
                }
            }
        }
        // buildah keys a config step on its text as written, not as expanded: it stays cached
        // (the steps that read the variable miss instead).
        let keyed_on_text = self.builder == Builder::Buildah && !step.creates_layer();
        if let Some(cause) = text_cause.filter(|_| !keyed_on_text) {
            return rebuilds(format!("names {cause}"));
        }
        if keyword == Keyword::Run {
            let in_scope = step
                .vars
                .iter()
                .filter(|v| v.kind == VarKind::Arg || tainted.contains_key(v.name.as_str()))
                .find_map(|v| tainted.get(v.name.as_str()).cloned());
            if let Some(cause) = in_scope {
                return rebuilds(format!("has {cause} in its environment"));
            }
        }
        let effects = step.effects.as_deref()?;
        let mut may = None;
        for input in &effects.inputs {
            match input {
                Input::Context { sources, .. } => {
                    let mounted = keyword == Keyword::Run;
                    if mounted && self.builder == Builder::Buildah {
                        continue;
                    }
                    if let Some(path) = self.changed_read(step, sources) {
                        let verb = if mounted { "mounts" } else { "reads" };
                        return rebuilds(format!("{verb} {path}, which changed"));
                    }
                }
                Input::Stage { from, sources, .. } => {
                    if keyword == Keyword::Run && self.builder == Builder::Buildah {
                        continue;
                    }
                    let Some(other) = stage_ref(self.model, from, stage) else {
                        continue;
                    };
                    let label = stage_label(self.model.stages[other].name.as_deref(), other);
                    let copied: Vec<Copied> = if keyword == Keyword::Run {
                        vec![Copied::Unknown]
                    } else {
                        sources.iter().map(|s| self.copied(other, s)).collect()
                    };
                    if let Some(Copied::Changed(path)) =
                        copied.iter().find(|c| matches!(c, Copied::Changed(_)))
                    {
                        return rebuilds(format!(
                            "reads {path} from stage {label}, where it changed"
                        ));
                    }
                    let same = !copied.is_empty() && copied.iter().all(|c| *c == Copied::Same);
                    if self.outcome[other] != Outcome::Cached && !same {
                        may = Some(Verdict::May {
                            cause: format!(
                                "stage {} rebuilds; this step rebuilds only if the files it reads from it change",
                                stage_label(self.model.stages[other].name.as_deref(), other)
                            ),
                        });
                    }
                }
                Input::Remote { url, .. } => {
                    may = Some(Verdict::May {
                        cause: format!("downloads {url} again; rebuilds if it changed"),
                    });
                }
            }
        }
        may
    }

    /// `ARG`: a name whose build argument differs from the value it would have had, or whose
    /// default names a changed variable, is changed from here on.
    fn declare_args(
        &self,
        step: &Step<'_>,
        next: Option<&Step<'_>>,
        names: &[String],
        tainted: &mut HashMap<String, String>,
    ) -> Option<String> {
        let Args::Words(words) = &step.instruction.args else {
            return None;
        };
        let mut first_value = None;
        let depends = names.iter().find_map(|n| tainted.get(n).cloned());
        for word in words {
            let (name, default) = match word.text.split_once('=') {
                Some((name, default)) => (name, Some(default)),
                None => (word.text.as_str(), None),
            };
            // The value the old build had: what the next step sees (the model's value).
            let old = next
                .and_then(|n| n.vars.get(name))
                .filter(|v| v.kind == VarKind::Arg)
                .and_then(|v| v.value.clone());
            match self.args.get(name) {
                Some(new) if old.as_deref() != Some(*new) => {
                    if old.is_none() && default.is_none() {
                        first_value.get_or_insert_with(|| name.to_string());
                    }
                    tainted.insert(
                        name.to_string(),
                        format!(
                            "ARG {name}, which changes ({} → {new})",
                            shown(old.as_deref())
                        ),
                    );
                }
                Some(_) => {
                    tainted.remove(name);
                }
                None => match (&depends, default) {
                    (Some(cause), Some(_)) => {
                        tainted.insert(
                            name.to_string(),
                            format!("ARG {name}, whose default follows {cause}"),
                        );
                    }
                    _ => {
                        tainted.remove(name);
                    }
                },
            }
        }
        first_value
    }

    /// What became of the files a `COPY --from` reads at `source` in stage `other`, when the
    /// model can tell: the last step that wrote there is a plain context copy (no `RUN` after it,
    /// which may have changed anything), and the change lands in them or in none of them.
    fn copied(&self, other: usize, source: &str) -> Copied {
        let stage = &self.model.stages[other];
        let source = crate::model::paths::normalize(source);
        let within = crate::model::paths::is_within;
        let escape = self.model.dockerfile.escape;
        let tainted = &self.tainted_at_end[other];
        for (index, step) in stage.steps.iter().enumerate().rev() {
            if step.instruction.keyword == Keyword::Run {
                return Copied::Unknown;
            }
            let Some(effects) = step.effects.as_deref() else {
                continue;
            };
            if !effects
                .creates
                .iter()
                .any(|c| within(&c.path, &source) || within(&source, &c.path))
            {
                continue;
            }
            // The last step that writes there: it must be a plain context copy, whose text names
            // no changed variable.
            let [Input::Context { sources, .. }] = effects.inputs.as_slice() else {
                return Copied::Unknown;
            };
            let names_changed = referenced_names(self.model, step)
                .iter()
                .any(|n| tainted.contains_key(n));
            if names_changed
                || !step.instruction.heredocs().is_empty()
                || !effects.unread.is_empty()
                || sources.len() != effects.creates.len()
            {
                return Copied::Unknown;
            }
            let mut covers = false;
            for (written, created) in sources.iter().zip(&effects.creates) {
                let Some(written) = step.vars.expand(written, escape) else {
                    return Copied::Unknown;
                };
                let written = context_relative(&written);
                if crate::model::paths::is_glob(&written) {
                    return Copied::Unknown;
                }
                covers |= within(&source, &created.path) && source != created.path;
                for changed in self.changed {
                    if !source_reads(&written, changed) {
                        continue;
                    }
                    let below = match written.as_str() {
                        "." => changed.as_str(),
                        w => changed
                            .strip_prefix(w)
                            .unwrap_or("")
                            .trim_start_matches('/'),
                    };
                    let lands = if below.is_empty() {
                        created.path.clone()
                    } else {
                        format!("{}/{below}", created.path.trim_end_matches('/'))
                    };
                    if within(&lands, &source) {
                        return Copied::Changed(changed.clone());
                    }
                }
            }
            // Unchanged only when this copy alone made what is read there (a path below what it
            // created, or a file it created whole), from a base that did not change.
            let file_made_whole = effects
                .creates
                .iter()
                .zip(sources)
                .any(|(c, w)| c.path == source && !w.ends_with('/') && !w.ends_with('.'));
            // What the copy wrote over must be as before: the stage's base is, and the steps
            // before it that missed are copies that wrote elsewhere.
            let base_same = !self.base_missed[other]
                && stage.steps[..index]
                    .iter()
                    .skip(self.first_miss[other].unwrap_or(index))
                    .all(|before| {
                        before.instruction.keyword != Keyword::Run
                            && before.effects.as_deref().is_none_or(|e| {
                                e.unread.is_empty()
                                    && !e.creates.iter().any(|c| {
                                        within(&c.path, &source) || within(&source, &c.path)
                                    })
                            })
                    });
            return if (covers || file_made_whole) && base_same {
                Copied::Same
            } else {
                Copied::Unknown
            };
        }
        Copied::Unknown
    }

    /// The first changed context path one of `sources` reads.
    fn changed_read(&self, step: &Step<'_>, sources: &[String]) -> Option<String> {
        let escape = self.model.dockerfile.escape;
        sources.iter().find_map(|source| {
            let source = context_relative(
                &step
                    .vars
                    .expand(source, escape)
                    .unwrap_or_else(|| source.clone()),
            );
            self.changed
                .iter()
                .find(|path| source_reads(&source, path))
                .cloned()
        })
    }
}

fn shown(value: Option<&str>) -> String {
    match value {
        Some(v) => format!("{v:?}"),
        None => "unset".into(),
    }
}

/// The sentence that explains a stage's first miss: the step, its cause, what rebuilds after it,
/// and the finding that would have kept it cached.
fn explain(
    model: &Model<'_>,
    plan: &Plan,
    index: usize,
    verdicts: &[Verdict],
    changed: &[String],
) -> Option<StageRebuild> {
    let stage = &model.stages[index];
    let (first, cause) = verdicts.iter().enumerate().find_map(|(i, v)| match v {
        Verdict::Rebuilds {
            cause: Some(cause), ..
        } => Some((i, cause.clone())),
        Verdict::May { cause } => Some((i, cause.clone())),
        _ => None,
    })?;
    let row = &plan.stages[index].steps[first];
    let mut text = format!(
        "{} {} on line {}: {}",
        row.instruction, row.text, row.line, cause
    );
    let later = verdicts[first + 1..]
        .iter()
        .filter(|v| matches!(v, Verdict::Rebuilds { .. }))
        .count();
    let install = expensive_after(model, &stage.steps[first + 1..]);
    if later > 0 && matches!(verdicts[first], Verdict::Rebuilds { .. }) {
        text.push_str("; every step after it in this stage rebuilds");
        if let Some((step, install, _)) = &install {
            let line = model.dockerfile.line_of(step.instruction.span.start);
            text.push_str(&format!(", {install} on line {line} included"));
        }
    }
    // LL304's fix keeps the install cached only when what changed is not a file it reads.
    let manifest_changed = install.as_ref().is_some_and(|(_, _, reads)| {
        changed.iter().any(|path| {
            reads.iter().any(|read| {
                crate::model::paths::file_name(read) == crate::model::paths::file_name(path)
            })
        })
    });
    if row.findings.iter().any(|c| c == "LL304")
        && row.instruction != "RUN"
        && cause.starts_with("reads ")
        && !manifest_changed
    {
        text.push_str(
            " (LL304: copy the dependency manifests first and install before this copy, and it would not)",
        );
    }
    Some(StageRebuild {
        line: row.line,
        reason: text,
        rebuilt_layers: verdicts
            .iter()
            .zip(&stage.steps)
            .filter(|(v, s)| !v.is_cached() && s.creates_layer())
            .count(),
    })
}

/// The first dependency or package install among `steps` (what a user minds rebuilding), a
/// few words of it, and the files it reads.
fn expensive_after<'s, 'a>(
    model: &Model<'a>,
    steps: &'s [Step<'a>],
) -> Option<(&'s Step<'a>, String, Vec<String>)> {
    steps.iter().find_map(|step| {
        let op = step.effects.as_deref()?.packages.iter().find(|op| {
            matches!(
                op.action,
                PackageAction::InstallDependencies | PackageAction::Install
            )
        })?;
        let text = model.dockerfile.source.get(op.span.range())?;
        let short: String = text
            .split_whitespace()
            .take(4)
            .collect::<Vec<_>>()
            .join(" ");
        Some((step, short, op.reads.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LintOptions;
    use crate::advisor::plan_source;
    use std::collections::BTreeMap;

    /// The verdicts of the target's steps, one word each, after `change`.
    fn verdicts(
        source: &str,
        files: &[(&str, &str)],
        paths: &[&str],
        args: &[(&str, &str)],
        builder: Builder,
    ) -> Vec<Vec<&'static str>> {
        let files: BTreeMap<String, String> = files
            .iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect();
        let options = LintOptions {
            build_context: BuildContext::Files(files),
            ..LintOptions::default()
        };
        let change = Change {
            paths: paths.iter().map(|p| p.to_string()).collect(),
            build_args: args
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            builder,
        };
        let plan = plan_source(source, &options, None, Some(&change)).expect("a plan");
        plan.stages
            .iter()
            .map(|stage| {
                stage
                    .steps
                    .iter()
                    .map(|step| match step.cache.as_ref().expect("simulated") {
                        Verdict::NotBuilt => "skip",
                        Verdict::Cached => "cached",
                        Verdict::Rebuilds { .. } => "rebuilds",
                        Verdict::May { .. } => "may",
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn a_copied_file_misses_and_everything_after_follows() {
        let df = "FROM alpine\nCOPY package.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n";
        let files = [("package.json", "{}"), ("src/a.ts", "x")];
        let v = verdicts(df, &files, &["src/a.ts"], &[], Builder::BuildKit);
        assert_eq!(v, [["cached", "cached", "rebuilds", "rebuilds"]]);
        let v = verdicts(df, &files, &["./package.json"], &[], Builder::BuildKit);
        assert_eq!(v, [["rebuilds", "rebuilds", "rebuilds", "rebuilds"]]);
    }

    #[test]
    fn the_ll304_hint_only_when_the_manifests_did_not_change() {
        let df = "FROM node:20\nWORKDIR /app\nCOPY . .\nRUN npm ci\n";
        let files = [
            ("package.json", "{}"),
            ("package-lock.json", "{}"),
            ("a.ts", "x"),
        ];
        let reason = |path: &str| {
            let options = LintOptions {
                build_context: BuildContext::Files(
                    files
                        .iter()
                        .map(|(p, t)| (p.to_string(), t.to_string()))
                        .collect(),
                ),
                ..LintOptions::default()
            };
            let change = Change {
                paths: vec![path.to_string()],
                build_args: Vec::new(),
                builder: Builder::BuildKit,
            };
            let plan = plan_source(df, &options, None, Some(&change)).unwrap();
            plan.stages[0].rebuild.clone().unwrap().reason
        };
        let source_edit = reason("a.ts");
        assert!(
            source_edit.contains("npm ci on line 4 included"),
            "{source_edit}"
        );
        assert!(source_edit.contains("(LL304:"), "{source_edit}");
        let manifest_edit = reason("package-lock.json");
        assert!(!manifest_edit.contains("LL304"), "{manifest_edit}");
    }

    #[test]
    fn heredocs_read_no_context_and_are_listed_as_inputs() {
        let df =
            "FROM alpine\nCOPY <<EOF /etc/motd\nhi\nEOF\nRUN <<SH\necho $HOME\nSH\nCOPY a /a\n";
        let files = [("a", "1"), ("EOF", "not read")];
        let v = verdicts(df, &files, &["EOF"], &[], Builder::BuildKit);
        assert_eq!(v, [["cached", "cached", "cached"]]);
        let v = verdicts(df, &files, &["a"], &[], Builder::BuildKit);
        assert_eq!(v, [["cached", "cached", "rebuilds"]]);
        let plan = plan_source(df, &LintOptions::default(), None, None).unwrap();
        let heredocs: Vec<&[String]> = plan.stages[0]
            .steps
            .iter()
            .map(|s| s.inputs.heredocs.as_slice())
            .collect();
        assert_eq!(heredocs[0], ["EOF"]);
        assert_eq!(heredocs[1], ["SH"]);
        assert!(plan.stages[0].steps[0].inputs.context.is_empty());
    }

    #[test]
    fn a_copy_from_a_file_the_change_lands_in_rebuilds() {
        let df = "FROM alpine AS b\nCOPY b.txt /b.txt\nCOPY src /src\n\
                  FROM alpine AS r\nCOPY c.txt /c.txt\nRUN touch /c.txt\n\
                  FROM alpine\nCOPY --from=b /src/x /x\nCOPY --from=b /b.txt /b\nCOPY --from=r /c.txt /c\n";
        let files = [
            ("b.txt", "1"),
            ("c.txt", "2"),
            ("src/x", "3"),
            ("src/y", "4"),
        ];
        let only =
            |changed: &[&str]| verdicts(df, &files, changed, &[], Builder::Buildah)[2].clone();
        assert_eq!(only(&["b.txt"]), ["cached", "rebuilds", "rebuilds"]);
        // src/y lands in /src/y, not in the /src/x copied, which the copy made whole.
        assert_eq!(only(&["src/y"]), ["cached", "cached", "cached"]);
        assert_eq!(only(&["src/x"]), ["rebuilds", "rebuilds", "rebuilds"]);
        // A file the copy did not bring may come from a step before it that rebuilt.
        let df3 = "FROM alpine AS b\nARG V=1\nRUN echo $V > /src/z\nCOPY src /src\nFROM alpine\nCOPY --from=b /src/z /z\n";
        let v = verdicts(df3, &files, &[], &[("V", "2")], Builder::Buildah);
        assert_eq!(v[1], ["may"]);
        // The directory itself, filled over what the base had: not known.
        let df2 = "FROM alpine AS b\nCOPY src /src\nRUN true\nFROM alpine\nCOPY --from=b /src /s\n";
        let v = verdicts(df2, &files, &["src/x"], &[], Builder::Buildah);
        assert_eq!(v[1], ["may"]);
        // A RUN after the copy may have changed the file: only "may".
        assert_eq!(only(&["c.txt"]), ["cached", "cached", "may"]);
    }

    #[test]
    fn an_ignored_file_changes_nothing() {
        let df = "FROM alpine\nCOPY . /app\nRUN make\n";
        let files = [
            (".dockerignore", "*.md\n!KEEP.md\n"),
            ("a.md", "x"),
            ("KEEP.md", "y"),
        ];
        let v = verdicts(df, &files, &["a.md"], &[], Builder::BuildKit);
        assert_eq!(v, [["cached", "cached"]]);
        let v = verdicts(df, &files, &["KEEP.md"], &[], Builder::BuildKit);
        assert_eq!(v, [["rebuilds", "rebuilds"]]);
    }

    #[test]
    fn bind_mounts_are_in_buildkit_s_key_not_buildah_s() {
        let df = "FROM alpine\nRUN --mount=type=bind,source=go.sum,target=/s cat /s\nRUN b\n";
        let files = [("go.sum", "x")];
        let kit = verdicts(df, &files, &["go.sum"], &[], Builder::BuildKit);
        assert_eq!(kit, [["rebuilds", "rebuilds"]]);
        let dah = verdicts(df, &files, &["go.sum"], &[], Builder::Buildah);
        assert_eq!(dah, [["cached", "cached"]]);
    }

    #[test]
    fn a_build_argument_misses_at_its_first_use() {
        let df = "FROM alpine\nRUN a\nARG V=1\nENV X=$V\nRUN b\n";
        let kit = verdicts(df, &[], &[], &[("V", "2")], Builder::BuildKit);
        assert_eq!(kit, [["cached", "cached", "rebuilds", "rebuilds"]]);
        // buildah keys ENV on its text: the RUN misses instead.
        let dah = verdicts(df, &[], &[], &[("V", "2")], Builder::Buildah);
        assert_eq!(dah, [["cached", "cached", "cached", "rebuilds"]]);
        let same = verdicts(df, &[], &[], &[("V", "1")], Builder::BuildKit);
        assert_eq!(same, [["cached"; 4]]);
        let other = verdicts(df, &[], &[], &[("W", "1")], Builder::BuildKit);
        assert_eq!(other, [["cached"; 4]]);
    }

    #[test]
    fn global_arguments_count_where_declared_again_or_in_from() {
        let df = "ARG G=1\nARG TAG=3\nFROM alpine AS a\nRUN a\nFROM alpine:$TAG\nARG G\nRUN b\n";
        let v = verdicts(df, &[], &[], &[("G", "2")], Builder::BuildKit);
        // Stage a is not needed by the last stage: not built at all.
        assert_eq!(v, [vec!["skip"], vec!["cached", "rebuilds"]]);
        let v = verdicts(df, &[], &[], &[("TAG", "4")], Builder::BuildKit);
        // Another name, most likely another image: the model cannot know.
        assert_eq!(v, [vec!["skip"], vec!["may", "may"]]);
    }

    #[test]
    fn stages_follow_their_bases_and_skip_what_the_target_does_not_need() {
        let df = "FROM alpine AS base\nCOPY a /a\nFROM alpine AS unused\nCOPY . /\n\
                  FROM base AS child\nRUN x\nFROM alpine\nCOPY --from=child /a /a\nRUN y\n";
        let files = [("a", "1")];
        let v = verdicts(df, &files, &["a"], &[], Builder::BuildKit);
        assert_eq!(
            v,
            [
                vec!["rebuilds"],
                vec!["skip"],
                vec!["rebuilds"],
                vec!["may", "may"]
            ]
        );
    }
}
