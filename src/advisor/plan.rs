//! The model turned into the picture `layerlint layers` prints: the stages a target needs, and
//! for each instruction whether it commits a layer or only changes the config, what the layer
//! does to the filesystem, and what its cache key reads.
//!
//! Only reads the model, the build context and the findings `check` made; nothing here feeds back
//! into them.

use super::cache::Verdict;
use crate::Diagnostic;
use crate::model::{Base, Cache, Effects, Input, Model, PathEffect, Stage, Step, VarKind};
use crate::project::BuildContext;
use crate::syntax::{Args, Keyword};
use serde::Serialize;

/// How many context files one `COPY` source lists before the list is cut short.
const LISTED_FILES: usize = 200;
/// How many entries a walk of the context looks at before giving up on listing.
const WALK_CAP: usize = 20_000;

/// The image a Dockerfile builds, stage by stage.
#[derive(Clone, Debug, Serialize)]
pub struct Plan {
    /// The stage built: `--target`, else the last one.
    pub target: usize,
    pub stages: Vec<StagePlan>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StagePlan {
    pub index: usize,
    /// The `AS` name, lower-cased, as the builder matches it.
    pub name: Option<String>,
    /// The 1-based line of its `FROM`.
    pub line: usize,
    /// What it starts from: an image reference (expanded when its variables are known), `scratch`,
    /// or `stage NAME`.
    pub base: String,
    /// Whether building the target builds this stage (it is the target, its base, or a stage it
    /// copies or mounts from, directly or not).
    pub built: bool,
    pub steps: Vec<StepPlan>,
    /// With a cache simulation: the stage's first miss and what it costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rebuild: Option<StageRebuild>,
}

/// Why a stage rebuilds, in the simulated build.
#[derive(Clone, Debug, Serialize)]
pub struct StageRebuild {
    /// The line of the first step that misses (or may miss).
    pub line: usize,
    /// One sentence: the step, what it read that changed, what rebuilds after it.
    pub reason: String,
    /// How many of the stage's layers are built again (or may be).
    pub rebuilt_layers: usize,
}

/// What one instruction does to the image.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepKind {
    /// Commits a filesystem layer (`RUN`, `COPY`, `ADD`).
    Layer,
    /// Changes only the image config or the build's state (`ENV`, `WORKDIR`, `CMD` …).
    Config,
}

#[derive(Clone, Debug, Serialize)]
pub struct StepPlan {
    /// The 1-based line the instruction starts on.
    pub line: usize,
    /// The keyword, upper-case.
    pub instruction: String,
    /// The instruction's first line as written, without the keyword.
    pub text: String,
    pub kind: StepKind,
    /// For config steps: what it sets (`ENV A=1`, `WORKDIR /app`), expanded where known.
    pub sets: Vec<String>,
    /// Absolute paths (possibly patterns) the layer creates or overwrites.
    pub adds: Vec<String>,
    /// Paths the layer deletes.
    pub deletes: Vec<String>,
    /// Paths whose metadata or content the layer changes in place (`chmod`, `sed -i` …).
    pub changes: Vec<String>,
    /// Whether part of the step could not be read (a script the model cannot follow, a
    /// destination it cannot expand): then the lists above may be incomplete.
    pub unknown: bool,
    /// Package caches left in the layer (not cleaned in the same step), by directory.
    pub caches: Vec<String>,
    pub inputs: Inputs,
    /// The codes of `check`'s findings on this instruction, in order, each once.
    pub findings: Vec<String>,
    /// With a cache simulation: what happens to the step in the new build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cache: Option<Verdict>,
}

/// What a step's cache key reads besides the step before it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Inputs {
    /// Context files read by `COPY`/`ADD` sources and `RUN --mount=type=bind` sources.
    pub context: Vec<ContextRead>,
    /// Files from other stages or images (`COPY --from`, `RUN --mount=from=`), as `FROM:PATH`.
    pub stages: Vec<String>,
    /// URLs `ADD` downloads.
    pub remote: Vec<String>,
    /// Build arguments in scope that the step reads: every one in scope for `RUN` (they are in
    /// its environment), the ones the text names for the others.
    pub args: Vec<String>,
    /// Environment variables in scope that the step reads, by the same rule.
    pub env: Vec<String>,
    /// Heredoc names whose bodies are part of the instruction.
    pub heredocs: Vec<String>,
    /// `RUN --mount` flags, as written.
    pub mounts: Vec<String>,
}

/// One context source of a step.
#[derive(Clone, Debug, Serialize)]
pub struct ContextRead {
    /// The source as written, variables expanded where known, relative to the context root.
    pub source: String,
    /// Whether it is a `RUN --mount=type=bind` source rather than a `COPY`/`ADD` source.
    pub mount: bool,
    /// The context files it reads after `.dockerignore`, when the context is on disk (at most
    /// 200); `null` when the context is unknown.
    pub files: Option<Vec<String>>,
    /// Whether `files` was cut short.
    pub truncated: bool,
}

impl Plan {
    /// The plan for `target` (a stage name or index; the last stage when `None`). `None` when
    /// there is no stage or no such target.
    pub fn build(
        model: &Model<'_>,
        context: &BuildContext,
        findings: &[Diagnostic],
        target: Option<&str>,
    ) -> Option<Plan> {
        let target = find_stage(model, target)?;
        let built = needed_stages(model, target);
        let listing = ContextListing::new(context);
        let stages = model
            .stages
            .iter()
            .map(|stage| StagePlan {
                index: stage.index,
                name: stage.name.clone(),
                // A fragment (no FROM) starts at its first instruction.
                line: stage
                    .from
                    .or_else(|| stage.steps.first().map(|step| step.instruction))
                    .map_or(1, |instruction| line_of(model, instruction.span.start)),
                base: describe_base(model, stage),
                built: built[stage.index],
                steps: stage
                    .steps
                    .iter()
                    .map(|step| step_plan(model, step, &listing, findings))
                    .collect(),
                rebuild: None,
            })
            .collect();
        Some(Plan { target, stages })
    }
}

/// A stage by `AS` name (any case) or index; the last stage when `target` is `None`.
pub fn find_stage(model: &Model<'_>, target: Option<&str>) -> Option<usize> {
    match target {
        None => model.stages.len().checked_sub(1),
        Some(name) => model.stage_named(name).map(|s| s.index).or_else(|| {
            name.parse()
                .ok()
                .filter(|&i: &usize| i < model.stages.len())
        }),
    }
}

/// The stage a `--from=` value names, if it is one of the file's stages (by name, or by index
/// when that stage comes before `before`); `None` for an image.
pub fn stage_ref(model: &Model<'_>, from: &str, before: usize) -> Option<usize> {
    model
        .stage_named(from)
        .map(|s| s.index)
        .filter(|&i| i < before)
        .or_else(|| from.parse().ok().filter(|&i: &usize| i < before))
}

/// Which stages building `target` builds: the target, its bases, and every stage a built stage
/// copies or mounts from. BuildKit builds no other; buildah skips them too.
pub fn needed_stages(model: &Model<'_>, target: usize) -> Vec<bool> {
    let mut needed = vec![false; model.stages.len()];
    let mut pending = vec![target];
    while let Some(index) = pending.pop() {
        if std::mem::replace(&mut needed[index], true) {
            continue;
        }
        let stage = &model.stages[index];
        if let Base::Stage(base) = stage.base {
            pending.push(base);
        }
        for step in &stage.steps {
            for from in stage_sources(step) {
                pending.extend(stage_ref(model, from, index));
            }
        }
    }
    needed
}

/// The `--from` values a step reads: `COPY --from` and `RUN --mount=…,from=`.
pub fn stage_sources<'s>(step: &'s Step<'_>) -> impl Iterator<Item = &'s str> {
    step.effects
        .iter()
        .flat_map(|e| e.inputs.iter())
        .filter_map(|input| match input {
            Input::Stage { from, .. } => Some(from.as_str()),
            _ => None,
        })
}

pub fn line_of(model: &Model<'_>, offset: u32) -> usize {
    model.dockerfile.line_of(offset)
}

fn describe_base(model: &Model<'_>, stage: &Stage<'_>) -> String {
    match &stage.base {
        Base::Scratch => "scratch".into(),
        Base::Image(Some(name)) => name.clone(),
        Base::Image(None) => match stage.from.map(|from| &from.args) {
            Some(Args::Words(words)) => words
                .first()
                .map_or_else(String::new, |w| w.text.to_string()),
            Some(_) => String::new(),
            None => "unknown (the instructions come before any FROM)".into(),
        },
        Base::Stage(index) => {
            let base = &model.stages[*index];
            format!("stage {}", stage_label(base.name.as_deref(), base.index))
        }
    }
}

/// A stage as messages name it: its name, else its index.
pub fn stage_label(name: Option<&str>, index: usize) -> String {
    name.map_or_else(|| index.to_string(), str::to_string)
}

fn step_plan(
    model: &Model<'_>,
    step: &Step<'_>,
    listing: &ContextListing,
    findings: &[Diagnostic],
) -> StepPlan {
    let instruction = step.instruction;
    let keyword = instruction.keyword;
    let kind = if keyword.creates_layer() {
        StepKind::Layer
    } else {
        StepKind::Config
    };
    let effects = step.effects.as_deref();
    let paths = |list: Option<&Vec<PathEffect>>| -> Vec<String> {
        let mut out: Vec<String> = list.into_iter().flatten().map(|p| p.path.clone()).collect();
        out.dedup();
        out
    };
    let mut findings_here: Vec<String> = Vec::new();
    for finding in findings {
        if instruction.span.contains(finding.span) || instruction.span.start == finding.span.start {
            let code = finding.code.to_string();
            if !findings_here.contains(&code) {
                findings_here.push(code);
            }
        }
    }
    StepPlan {
        line: line_of(model, instruction.span.start),
        instruction: keyword.as_str().to_ascii_uppercase(),
        text: first_line_args(model, step),
        kind,
        sets: if kind == StepKind::Config {
            sets(model, step)
        } else {
            Vec::new()
        },
        adds: paths(effects.map(|e| &e.creates)),
        deletes: paths(effects.map(|e| &e.deletes)),
        changes: paths(effects.map(|e| &e.touches)),
        unknown: effects.is_some_and(|e| !e.unread.is_empty()),
        caches: effects.map_or_else(Vec::new, |e| caches_left(e, step)),
        inputs: inputs(model, step, listing),
        findings: findings_here,
        cache: None,
    }
}

/// The instruction's text after the keyword, on one line: its first line, or the first line
/// with something on it when the keyword stands alone (`RUN \`); `…` marks that more follows.
fn first_line_args(model: &Model<'_>, step: &Step<'_>) -> String {
    let instruction = step.instruction;
    let escape = model.dockerfile.escape;
    let text = &model.dockerfile.source[instruction.span.range()];
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let after_keyword = first
        .trim_start()
        .get(instruction.keyword.as_str().len()..)
        .unwrap_or("");
    let content = |line: &str| -> String {
        let line = line.trim();
        line.strip_suffix(escape)
            .map_or(line, str::trim_end)
            .to_string()
    };
    let mut rest = content(after_keyword);
    let mut taken = 1;
    if rest.is_empty() {
        if let Some(line) = lines
            .by_ref()
            .map(content)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
        {
            rest = line;
        }
        taken = text
            .lines()
            .position(|l| content(l) == rest)
            .map_or(1, |i| i + 1);
    }
    if text.trim_end().lines().count() > taken {
        format!("{rest} …")
    } else {
        rest
    }
}

/// What a config step sets, expanded where the model knows the values.
fn sets(model: &Model<'_>, step: &Step<'_>) -> Vec<String> {
    let instruction = step.instruction;
    let keyword = instruction.keyword.as_str().to_ascii_uppercase();
    let escape = model.dockerfile.escape;
    match &instruction.args {
        Args::KeyValues(pairs, _) => pairs
            .iter()
            .map(|pair| {
                let value = step
                    .vars
                    .expand(&pair.value.text, escape)
                    .unwrap_or_else(|| pair.value.text.to_string());
                format!("{keyword} {}={value}", pair.key.text)
            })
            .collect(),
        _ => {
            let text = first_line_args(model, step);
            let expanded = match instruction.keyword {
                Keyword::Workdir | Keyword::User => step.vars.expand(&text, escape),
                _ => None,
            };
            vec![format!("{keyword} {}", expanded.unwrap_or(text))]
        }
    }
}

/// The cache directories a step fills and does not clean up in the same step.
fn caches_left(effects: &Effects, step: &Step<'_>) -> Vec<String> {
    let home = step.home().unwrap_or("/root");
    let mut seen: Vec<Cache> = Vec::new();
    let mut out = Vec::new();
    for fill in &effects.caches {
        if seen.contains(&fill.cache) {
            continue;
        }
        seen.push(fill.cache);
        if effects.leaves(fill.cache, home).is_some() {
            out.extend(fill.cache.dirs(home).into_iter().take(1));
        }
    }
    out
}

fn inputs(model: &Model<'_>, step: &Step<'_>, listing: &ContextListing) -> Inputs {
    let instruction = step.instruction;
    let escape = model.dockerfile.escape;
    let mut inputs = Inputs::default();
    for input in step.effects.iter().flat_map(|e| e.inputs.iter()) {
        match input {
            Input::Context { sources, .. } => {
                let mount = instruction.keyword == Keyword::Run;
                for source in sources {
                    let source = context_relative(
                        &step
                            .vars
                            .expand(source, escape)
                            .unwrap_or_else(|| source.clone()),
                    );
                    let (files, truncated) = listing.files_read(&source);
                    inputs.context.push(ContextRead {
                        source,
                        mount,
                        files,
                        truncated,
                    });
                }
            }
            Input::Stage { from, sources, .. } => {
                for source in sources {
                    inputs.stages.push(format!("{from}:{source}"));
                }
                if sources.is_empty() {
                    inputs.stages.push(format!("{from}:/"));
                }
            }
            Input::Remote { url, .. } => inputs.remote.push(url.clone()),
        }
    }
    for (flag, _) in instruction.mounts() {
        inputs
            .mounts
            .push(model.dockerfile.source[flag.span.range()].to_string());
    }
    inputs.heredocs = instruction
        .heredocs()
        .iter()
        .map(|h| h.name.clone())
        .collect();
    let (args, env) = vars_read(model, step);
    inputs.args = args;
    inputs.env = env;
    inputs
}

/// The build arguments and environment variables a step reads: for `RUN` every one in scope
/// (the builder puts them in its environment), for other steps the ones the text names.
pub fn vars_read(model: &Model<'_>, step: &Step<'_>) -> (Vec<String>, Vec<String>) {
    let instruction = step.instruction;
    let named = if instruction.keyword == Keyword::Run {
        None
    } else {
        Some(referenced_names(model, step))
    };
    let mut args = Vec::new();
    let mut env = Vec::new();
    for var in step.vars.iter() {
        if named
            .as_ref()
            .is_some_and(|n| !n.iter().any(|n| *n == var.name))
        {
            continue;
        }
        match var.kind {
            VarKind::Arg => args.push(var.name.to_string()),
            VarKind::Env => env.push(var.name.to_string()),
        }
    }
    args.sort();
    env.sort();
    (args, env)
}

/// The variable names an instruction's text refers to (`$NAME`, `${NAME…}`), flags included.
pub fn referenced_names(model: &Model<'_>, step: &Step<'_>) -> Vec<String> {
    let instruction = step.instruction;
    let text = &model.dockerfile.source[instruction.span.range()];
    let mut names: Vec<String> = crate::syntax::vars::references(text, model.dockerfile.escape)
        .into_iter()
        .filter_map(|r| text.get(r.name).map(str::to_string))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// A source as a path relative to the context root (`./src/` → `src`, `.` → `.`).
pub fn context_relative(source: &str) -> String {
    let cleaned = crate::project::clean_path(source.trim_start_matches('/'));
    if cleaned.is_empty() {
        ".".into()
    } else {
        cleaned
    }
}

/// The context's files after `.dockerignore`, walked once per plan.
struct ContextListing {
    /// Every file the builder receives, relative to the root; `None` when the context is
    /// unknown or too large to walk.
    files: Option<Vec<String>>,
}

impl ContextListing {
    fn new(context: &BuildContext) -> ContextListing {
        let ignore = context.dockerignore();
        // A directory the ignore file leaves out is not entered, unless an exception may bring
        // something inside it back.
        let exceptions = ignore
            .as_ref()
            .is_some_and(|i| i.patterns().any(|p| p.starts_with('!')));
        let descend = |dir: &str| exceptions || !ignore.as_ref().is_some_and(|i| i.excludes(dir));
        let files = context.walk(descend, WALK_CAP).and_then(|walk| {
            if walk.truncated {
                return None;
            }
            Some(
                walk.entries
                    .into_iter()
                    .filter(|(_, is_dir)| !is_dir)
                    .map(|(path, _)| path)
                    .filter(|p| !ignore.as_ref().is_some_and(|i| i.excludes(p)))
                    .collect(),
            )
        });
        ContextListing { files }
    }

    fn files_read(&self, source: &str) -> (Option<Vec<String>>, bool) {
        let Some(files) = &self.files else {
            return (None, false);
        };
        let mut read = files.iter().filter(|f| source_reads(source, f));
        let listed: Vec<String> = read.by_ref().take(LISTED_FILES).cloned().collect();
        let truncated = read.next().is_some();
        (Some(listed), truncated)
    }
}

/// Whether a context source (relative, cleaned) reads the context file `path`: the file itself,
/// a file below a directory source, or a match of a pattern (or of a pattern's directory).
pub fn source_reads(source: &str, path: &str) -> bool {
    if source == "." {
        return true;
    }
    if crate::model::paths::is_glob(source) {
        return crate::project::DockerIgnore::from_patterns("", [source]).excludes(path);
    }
    path == source
        || path
            .strip_prefix(source)
            .is_some_and(|r| r.starts_with('/'))
}
