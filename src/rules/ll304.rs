//! LL304 copy-busts-dependency-cache
//!
//! A `COPY`'s cache key includes the content of what it copies, so `COPY . .` misses on every
//! source edit and every step after it re-runs. A dependency install that needs only the
//! manifests (`npm ci`, `pip install -r requirements.txt`, `go mod download` …) placed after such
//! a copy re-installs everything on every commit. Copying the manifests first and installing
//! before the broad copy keeps the install cached until the manifests change. A system package
//! install that reads nothing from the context belongs above the copy for the same reason.

use super::{Context, Rule, commands};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::paths::{self, is_within};
use crate::model::{Base, Input, Manager, PackageAction, PackageOp, PathEffect, Stage, Step};
use crate::span::Span;
use crate::syntax::{Args, Instruction, Keyword};
use std::collections::HashMap;

mod sources;

pub struct CopyBustsDependencyCache;

impl Rule for CopyBustsDependencyCache {
    fn check(&self, cx: &mut Context<'_, '_>) {
        // The copies already reported (by span start), so a parent's copy is reported once.
        let mut reported: Vec<u32> = Vec::new();
        let broad: Vec<BroadCopies<'_, '_>> = cx.model.stages.iter().map(BroadCopies::of).collect();
        for stage in &cx.model.stages {
            check_stage(cx, stage, &broad, &mut reported);
        }
    }
}

/// A context copy that brings more than a few named files.
struct BroadCopy<'s, 'a> {
    index: usize,
    step: &'s Step<'a>,
    /// The created path (a directory filled from the context) and the source it came from.
    created: &'s PathEffect,
    source: String,
    whole_context: bool,
}

fn check_stage<'m, 'a>(
    cx: &mut Context<'m, 'a>,
    stage: &'m Stage<'a>,
    broad: &[BroadCopies<'m, 'a>],
    reported: &mut Vec<u32>,
) {
    let mut reported_copies: Vec<usize> = Vec::new();
    for (index, step) in stage.steps.iter().enumerate() {
        let Some(effects) = &step.effects else {
            continue;
        };
        if step.instruction.keyword != Keyword::Run {
            continue;
        }
        for op in &effects.packages {
            let finding = match op.action {
                PackageAction::InstallDependencies if !op.reads.is_empty() => {
                    broad[stage.index].dependency_finding(index, op)
                }
                PackageAction::Install
                    if op.manager.is_system() && reads_nothing_from_context(cx, step) =>
                {
                    broad[stage.index].system_finding(index)
                }
                _ => None,
            };
            let Some(copy) = finding else {
                // A copy in a stage this one is built FROM busts the cache the same way.
                if let Some((parent, copy)) = parent_finding(cx, broad, stage, step, op) {
                    let start = copy.step.instruction.span.start;
                    if !reported.contains(&start) {
                        reported.push(start);
                        report_parent(cx, parent, copy, stage, step, op);
                    }
                    continue;
                }
                if op.action == PackageAction::InstallDependencies && !op.reads.is_empty() {
                    sources::check(cx, stage, index, op, &mut reported_copies);
                }
                continue;
            };
            if reported_copies.contains(&copy.index) {
                continue;
            }
            reported_copies.push(copy.index);
            reported.push(copy.step.instruction.span.start);
            report(cx, stage, copy, step, op);
        }
    }
}

/// The nearest stage `stage` is built FROM (directly or through others) whose broad copy the
/// install at `step` re-runs after, under the same conditions as within a stage: a copy that
/// brings a manifest a dependency install reads, or a whole-context copy before a system
/// install that reads nothing from the context.
fn parent_finding<'b, 's, 'a>(
    cx: &Context<'s, 'a>,
    broad: &'b [BroadCopies<'s, 'a>],
    stage: &Stage<'a>,
    step: &Step<'a>,
    op: &PackageOp,
) -> Option<(&'s Stage<'a>, &'b BroadCopy<'s, 'a>)> {
    let wanted = match op.action {
        PackageAction::InstallDependencies if !op.reads.is_empty() => Want::Manifests,
        PackageAction::Install
            if op.manager.is_system() && reads_nothing_from_context(cx, step) =>
        {
            Want::WholeContext
        }
        _ => return None,
    };
    let stages: &'s [Stage<'a>] = &cx.model.stages;
    let mut current = stage.index;
    let mut seen = 0;
    while let Some(Base::Stage(parent)) = stages.get(current).map(|s| &s.base) {
        // Stages are in file order: a parent comes first (and a cycle cannot loop).
        if *parent >= current || seen > stages.len() {
            return None;
        }
        seen += 1;
        let parent = &stages[*parent];
        let found = match wanted {
            Want::Manifests => broad[parent.index].dependency_finding(parent.steps.len(), op),
            Want::WholeContext => broad[parent.index].system_finding(parent.steps.len()),
        };
        if let Some(copy) = found {
            return Some((parent, copy));
        }
        current = parent.index;
    }
    None
}

#[derive(Clone, Copy)]
enum Want {
    Manifests,
    WholeContext,
}

fn stage_label(stage: &Stage<'_>) -> String {
    match &stage.name {
        Some(name) => format!("stage `{name}`"),
        None => format!("stage {}", stage.index),
    }
}

/// A finding whose broad copy is in a stage the install's stage is built FROM: advice only,
/// since moving a copy or an install across stages changes what every other stage built FROM
/// the parent sees.
fn report_parent(
    cx: &mut Context<'_, '_>,
    parent: &Stage<'_>,
    copy: &BroadCopy<'_, '_>,
    stage: &Stage<'_>,
    install: &Step<'_>,
    op: &PackageOp,
) {
    let copy_text = cx.text(copy.step.instruction.span).to_string();
    let copy_line = cx.line_of(copy.step.instruction.span);
    let install_line = cx.line_of(install.instruction.span);
    let command = cx.first_words(op.span, 4);
    let parent_name = stage_label(parent);
    let child_name = stage_label(stage);
    let what = if copy.whole_context {
        "any file in the build context"
    } else {
        "any file under that source"
    };
    // Moving the copy down into the child suits only a direct parent that has no other child and
    // runs nothing after the copy.
    let only_child = cx
        .model
        .stages
        .iter()
        .filter(|s| s.base == Base::Stage(parent.index))
        .count()
        == 1;
    let alternative = if only_child
        && stage.base == Base::Stage(parent.index)
        && parent.steps[copy.index + 1..]
            .iter()
            .all(|s| s.instruction.keyword.only_configures())
    {
        format!(
            ", or, when {parent_name} is not built as a target of its own, move the copy into {child_name} after the install"
        )
    } else {
        String::new()
    };
    let message = if op.action == PackageAction::InstallDependencies {
        let usual = usual_manifests(copy, op);
        let named = if usual.is_empty() {
            "the manifests it reads".to_string()
        } else {
            format!("the manifests it reads (usually {usual})")
        };
        format!(
            "`{copy_text}` on line {copy_line} in {parent_name} copies more than `{command}` on line {install_line} needs, and {child_name} is built FROM {parent_name}: a change to {what} re-runs every later step of {child_name}, the install's among them; in {parent_name}, copy {named} first and install before copying the rest, or build {child_name} from a stage without the copy (no rewrite is offered across stages)"
        )
    } else {
        format!(
            "`{copy_text}` on line {copy_line} in {parent_name} comes before `{command}` on line {install_line} in {child_name}, which is built FROM {parent_name} and reads nothing from the context: a change to {what} re-runs every step of {child_name}, the package install's among them; install the system packages in {parent_name} before the copy{alternative} (no rewrite is offered across stages)"
        )
    };
    let diagnostic = cx.report(copy.step.instruction.span, message);
    diagnostic.label(
        install.instruction.span,
        "re-runs on every change to what the COPY in the parent stage brings",
    );
}

/// A stage's broad copies, found once, so that each install looks up its candidates instead of
/// walking back over every earlier step (a walk per install is quadratic in the stage's length).
struct BroadCopies<'s, 'a> {
    /// In step order.
    all: Vec<BroadCopy<'s, 'a>>,
    /// Positions in `all` of the copies of the whole context.
    whole: Vec<usize>,
    /// Positions in `all` by created path, each list in step order.
    by_created: HashMap<&'s str, Vec<usize>>,
}

impl<'s, 'a> BroadCopies<'s, 'a> {
    fn of(stage: &'s Stage<'a>) -> Self {
        let all: Vec<BroadCopy<'s, 'a>> = stage
            .steps
            .iter()
            .enumerate()
            .filter_map(|(i, step)| broad_copy(i, step))
            .collect();
        let whole = (0..all.len()).filter(|&k| all[k].whole_context).collect();
        let mut by_created: HashMap<&'s str, Vec<usize>> = HashMap::new();
        for (k, copy) in all.iter().enumerate() {
            by_created
                .entry(copy.created.path.as_str())
                .or_default()
                .push(k);
        }
        BroadCopies {
            all,
            whole,
            by_created,
        }
    }

    /// The latest of `positions` (into `all`) whose step comes before `index`.
    fn latest_before(&self, positions: &[usize], index: usize) -> Option<usize> {
        let n = positions.partition_point(|&k| self.all[k].index < index);
        n.checked_sub(1).map(|at| positions[at])
    }

    /// The latest broad context copy before `index` that brought in one of the manifests.
    fn dependency_finding(&self, index: usize, op: &PackageOp) -> Option<&BroadCopy<'s, 'a>> {
        // A manifest is within a created directory when that directory is `/`, the manifest
        // itself, or one of its prefixes ending before a `/` (see `paths::is_within`).
        let latest = op
            .reads
            .iter()
            .flat_map(|m| {
                let prefixes = m.match_indices('/').map(move |(i, _)| &m[..i]);
                std::iter::once("/")
                    .chain(std::iter::once(m.as_str()))
                    .chain(prefixes)
            })
            .filter_map(|dir| self.latest_before(self.by_created.get(dir)?, index))
            .max()?;
        self.all.get(latest)
    }

    /// The latest copy of the whole context before `index`.
    fn system_finding(&self, index: usize) -> Option<&BroadCopy<'s, 'a>> {
        self.all.get(self.latest_before(&self.whole, index)?)
    }
}

/// The step as a broad context copy, if it is one.
fn broad_copy<'s, 'a>(i: usize, step: &'s Step<'a>) -> Option<BroadCopy<'s, 'a>> {
    let effects = step.effects.as_ref()?;
    if !matches!(step.instruction.keyword, Keyword::Copy | Keyword::Add)
        || step.instruction.flag("from").is_some()
    {
        return None;
    }
    let Some(Input::Context { sources, .. }) = effects
        .inputs
        .iter()
        .find(|i| matches!(i, Input::Context { .. }))
    else {
        return None;
    };
    let source = sources.iter().find(|s| is_broad(s))?.clone();
    let created = effects.creates.iter().find(|c| c.recursive)?;
    let whole_context = matches!(source.trim_end_matches('/'), "." | "" | "*" | "./*");
    Some(BroadCopy {
        index: i,
        step,
        created,
        source,
        whole_context,
    })
}

/// `.`, a directory (`src/`), or a glob that is not about manifests (`*`, `./*`).
fn is_broad(source: &str) -> bool {
    let name = paths::file_name(source.trim_end_matches('/'));
    source.trim_end_matches('/').is_empty()
        || matches!(
            source.trim_end_matches('/'),
            "." | "./" | "*" | "./*" | "*.*"
        )
        || source.ends_with('/')
        || name == "*"
}

/// A system install whose RUN runs only package-manager and housekeeping commands.
fn reads_nothing_from_context(cx: &Context<'_, '_>, step: &Step<'_>) -> bool {
    // Narrower than the groups in `commands`: a chmod or chown here could touch the copied files.
    const HOUSEKEEPING: &[&[&str]] = &[
        commands::SYSTEM_PACKAGES,
        &[
            "rm",
            "set",
            "echo",
            "true",
            "ln",
            "mkdir",
            "update-ca-certificates",
            "locale-gen",
            "useradd",
            "groupadd",
            "adduser",
            "addgroup",
            "export",
        ],
    ];
    let mine: Vec<_> = cx.model.scripts_of(step.instruction).collect();
    !mine.is_empty()
        && mine.iter().all(|run| {
            run.script.as_ref().is_some_and(|script| {
                !script.has_opaque()
                    && script.simple_commands().all(|c| {
                        c.basename()
                            .is_some_and(|n| commands::any_of(&n, HOUSEKEEPING))
                            && c.args().iter().all(|w| {
                                !c.text(w.span).starts_with("./")
                                    && !c.text(w.span).ends_with(".deb")
                            })
                    })
            })
        })
}

fn report(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    copy: &BroadCopy<'_, '_>,
    install: &Step<'_>,
    op: &PackageOp,
) {
    let copy_text = cx.text(copy.step.instruction.span).to_string();
    let install_line = cx.line_of(install.instruction.span);
    let command = cx.first_words(op.span, 4);
    let rebuilt = stage.layers_from(copy.index);
    let what = if copy.whole_context {
        "any file in the build context"
    } else {
        "any file under that source"
    };
    let plan = manifest_set(cx, copy, op);
    let fix = plan
        .as_ref()
        .map_err(Clone::clone)
        .and_then(|manifests| rewrite(cx, stage, copy, install, manifests, op));
    let mut message = if op.action == PackageAction::InstallDependencies {
        // Without the context the list is the usual one, not this project's: say so.
        let named = match &plan {
            Ok(manifests) => manifests.join(", "),
            Err(_) => match usual_manifests(copy, op) {
                usual if usual.is_empty() => "the manifests it reads".to_string(),
                usual => format!(
                    "the manifests it reads (usually {usual}{}, with the lockfiles and settings the project has)",
                    if command.starts_with("dotnet") {
                        ", plus Directory.Packages.props, Directory.Build.props and NuGet.config where present"
                    } else {
                        ""
                    }
                ),
            },
        };
        format!(
            "`{copy_text}` copies more than `{command}` on line {install_line} needs: a change to {what} misses the cache here, so {rebuilt} layers re-run, the install's among them; copy {named} first (to the same paths) and install before copying the rest"
        ) + &installs_project_flag(cx.text(op.span))
            .map(|flag| format!(" (with {flag}, so the early install needs no sources)"))
            .unwrap_or_default()
    } else {
        format!(
            "`{copy_text}` comes before `{command}` on line {install_line}, which reads nothing from the context: a change to {what} re-runs {rebuilt} layers, the package install's among them; install system packages before copying the context"
        )
    };
    if let Err(why) = &fix {
        message.push_str(&format!("; no rewrite is offered: {why}"));
    }
    let copy_span = copy.step.instruction.span;
    let diagnostic = cx.report(copy_span, message);
    diagnostic.label(
        install.instruction.span,
        "re-runs on every change to what the COPY above brings",
    );
    diagnostic.fix = fix.ok();
}

/// The manifests the model says the install reads, as context paths, for the advice when no
/// complete set can be resolved: the usual names, whether or not this context holds them.
fn usual_manifests(copy: &BroadCopy<'_, '_>, op: &PackageOp) -> String {
    let names: Vec<String> = op
        .reads
        .iter()
        .filter_map(|m| to_context(copy, m))
        // npm reads a shrinkwrap file only when there is one; few projects have it.
        .filter(|p| !p.contains("shrinkwrap"))
        .collect();
    names.join(", ")
}

/// The directory of the context a broad copy takes its files from (`""` for the root).
fn source_dir(copy: &BroadCopy<'_, '_>) -> String {
    let dir = copy
        .source
        .trim_end_matches('*')
        .trim_end_matches('/')
        .trim_start_matches("./")
        .trim_start_matches('/');
    if dir == "." {
        String::new()
    } else {
        dir.to_string()
    }
}

/// An absolute path the broad copy created, as the context path it came from.
fn to_context(copy: &BroadCopy<'_, '_>, path: &str) -> Option<String> {
    let relative = path
        .strip_prefix(&copy.created.path)?
        .trim_start_matches('/');
    let dir = source_dir(copy);
    // `COPY * /app/` copies each directory's contents, not the directory: only top-level files
    // keep their path.
    if copy.source.trim_start_matches("./").starts_with('*') && relative.contains('/') {
        return None;
    }
    Some(if dir.is_empty() {
        relative.to_string()
    } else {
        format!("{dir}/{relative}")
    })
}

/// A context path as the absolute path the broad copy gives it.
fn to_image(copy: &BroadCopy<'_, '_>, context_path: &str) -> String {
    let dir = source_dir(copy);
    let relative = if dir.is_empty() {
        context_path
    } else {
        context_path
            .strip_prefix(&dir)
            .map_or(context_path, |r| r.trim_start_matches('/'))
    };
    paths::normalize(&format!("{}/{relative}", copy.created.path))
}

/// Files that go with each ecosystem's manifest: lockfiles and the settings its install reads.
fn companions(manager: Manager) -> &'static [&'static str] {
    match manager {
        Manager::Npm => &[
            "package.json",
            "package-lock.json",
            "npm-shrinkwrap.json",
            ".npmrc",
        ],
        Manager::Yarn => &[
            "package.json",
            "yarn.lock",
            ".yarnrc",
            ".yarnrc.yml",
            ".npmrc",
            ".yarn/releases",
            ".yarn/plugins",
            ".yarn/patches",
        ],
        Manager::Pnpm => &[
            "package.json",
            "pnpm-lock.yaml",
            "pnpm-workspace.yaml",
            ".npmrc",
            ".pnpmfile.cjs",
            "patches",
        ],
        Manager::Poetry => &["pyproject.toml", "poetry.lock", "poetry.toml"],
        Manager::Uv => &["pyproject.toml", "uv.lock", "uv.toml", ".python-version"],
        Manager::Pipenv => &["Pipfile", "Pipfile.lock"],
        Manager::Go => &["go.mod", "go.sum", "go.work", "go.work.sum"],
        Manager::Bundle => &["Gemfile", "Gemfile.lock", ".ruby-version"],
        Manager::Composer => &["composer.json", "composer.lock", "auth.json"],
        Manager::Mix => &["mix.exs", "mix.lock", "config"],
        Manager::Maven => &["pom.xml", ".mvn"],
        _ => &[],
    }
}

/// Files `dotnet restore` looks for in the project's directory and every directory above it.
const DOTNET_SETTINGS: &[&str] = &[
    "Directory.Packages.props",
    "Directory.Build.props",
    "Directory.Build.targets",
    "NuGet.config",
    "nuget.config",
    "NuGet.Config",
    "global.json",
];

/// The complete set of context paths to copy before the install, resolved from the build
/// context after its ignore file; `Err` says why no mechanical rewrite can be offered. A system
/// install needs no manifest.
fn manifest_set(
    cx: &Context<'_, '_>,
    copy: &BroadCopy<'_, '_>,
    op: &PackageOp,
) -> Result<Vec<String>, String> {
    if op.action != PackageAction::InstallDependencies {
        return Ok(Vec::new());
    }
    let context = cx.build_context;
    if !context.is_known() {
        return Err("the build context is not known, so the manifests cannot be named".into());
    }
    if let Some(flag) = installs_project_flag(cx.text(op.span)) {
        return Err(format!(
            "without {flag} the install also builds the project, which needs its sources"
        ));
    }
    let command = cx.text(op.span);
    let mut set: Vec<String> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for (i, read) in op.reads.iter().enumerate() {
        let Some(path) = to_context(copy, read) else {
            return Err(format!(
                "{read} is not copied to the same path by this COPY"
            ));
        };
        if paths::is_glob(&path) {
            let dir = parent_of(&path);
            let pattern = paths::file_name(&path);
            for name in context.list(&dir).unwrap_or_default() {
                let candidate = join(&dir, &name);
                if glob_name(pattern, &name) && context.provides(&candidate) == Some(true) {
                    set.push(candidate);
                }
            }
            push_unique(&mut dirs, dir);
            continue;
        }
        // The first manifest is the one the install cannot run without; pip reads every
        // requirements file it is given.
        let required = i == 0 || op.manager == Manager::Pip;
        match context.provides(&path) {
            Some(true) => {
                push_unique(&mut dirs, parent_of(&path));
                set.push(path);
            }
            _ if required => {
                return Err(format!(
                    "{path} is not in the build context{}",
                    if context.exists(&path) == Some(true) {
                        " after .dockerignore"
                    } else {
                        ""
                    }
                ));
            }
            _ => {}
        }
    }
    if set.is_empty() {
        return Err("none of the manifests is in the build context".into());
    }
    for dir in &dirs {
        for name in companions(op.manager) {
            let path = join(dir, name);
            if context.provides(&path) == Some(true) {
                set.push(path);
            }
        }
    }
    match op.manager {
        Manager::Pip => requirement_includes(cx, &mut set)?,
        Manager::Npm | Manager::Yarn | Manager::Pnpm => node_needs_sources(cx, &set)?,
        Manager::Go
            if set.iter().any(|p| {
                p.ends_with("go.mod")
                    && context
                        .read(p)
                        .is_some_and(|t| t.contains("=> ./") || t.contains("=> ../"))
            }) =>
        {
            return Err("go.mod replaces a module with a local directory".into());
        }
        Manager::Cargo => {
            return Err(
                "cargo reads the crate's targets (src/main.rs, src/lib.rs) with its manifest"
                    .into(),
            );
        }
        Manager::Bundle
            if set.iter().any(|p| {
                p.ends_with("Gemfile") && context.read(p).is_some_and(|t| t.contains("gemspec"))
            }) =>
        {
            return Err("the Gemfile reads the gemspec, which usually reads the sources".into());
        }
        Manager::Composer
            if !(command.contains("--no-scripts") && command.contains("--no-autoloader")) =>
        {
            return Err(
                "composer install runs scripts and builds the autoloader from the sources; add --no-scripts --no-autoloader to the early install".into(),
            );
        }
        Manager::Dotnet => dotnet_set(cx, copy, &mut set),
        Manager::Maven => {
            let root = source_dir(copy);
            for path in walk_files(cx, &root) {
                if paths::file_name(&path) == "pom.xml" {
                    set.push(path);
                }
            }
        }
        Manager::Gradle => {
            return Err(
                "a Gradle build reads its build scripts and settings from the sources".into(),
            );
        }
        _ => {}
    }
    let mut unique: Vec<String> = Vec::new();
    for path in set {
        push_unique(&mut unique, path);
    }
    Ok(unique)
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The directory of a context path (`""` for the root).
fn parent_of(path: &str) -> String {
    path.rsplit_once('/')
        .map_or(String::new(), |(d, _)| d.to_string())
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

/// `*.csproj` against a file name: the only patterns the model writes are `*` plus a suffix.
fn glob_name(pattern: &str, name: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(suffix) if !suffix.contains(['*', '?', '[']) => name.ends_with(suffix),
        _ => pattern == name,
    }
}

/// The files of the context under `root`, skipping version control and package stores.
fn walk_files(cx: &Context<'_, '_>, root: &str) -> Vec<String> {
    const SKIP: &[&str] = &[".git", "node_modules", "bin", "obj", "target", ".venv"];
    let prefix = if root.is_empty() {
        String::new()
    } else {
        format!("{root}/")
    };
    cx.build_context
        .walk(|dir| !SKIP.contains(&paths::file_name(dir)), 20_000)
        .map(|walk| {
            walk.entries
                .into_iter()
                .filter(|(path, is_dir)| !is_dir && path.starts_with(&prefix))
                .map(|(path, _)| path)
                .filter(|path| cx.build_context.provides(path) == Some(true))
                .collect()
        })
        .unwrap_or_default()
}

/// `dotnet restore` reads every project a solution or project references, and the settings
/// files beside each and above it: copy every project file under the source, and the settings
/// files found in their directories and the directories above them.
fn dotnet_set(cx: &Context<'_, '_>, copy: &BroadCopy<'_, '_>, set: &mut Vec<String>) {
    let root = source_dir(copy);
    let files = walk_files(cx, &root);
    let is_project = |p: &str| {
        [".csproj", ".fsproj", ".vbproj", ".sln", ".slnx"]
            .iter()
            .any(|ext| p.ends_with(ext))
    };
    let mut dirs: Vec<String> = Vec::new();
    for path in files.iter().filter(|p| is_project(p)) {
        set.push(path.clone());
        let mut dir = parent_of(path);
        loop {
            push_unique(&mut dirs, dir.clone());
            if dir.len() <= root.len() {
                break;
            }
            dir = parent_of(&dir);
        }
    }
    for dir in dirs {
        for name in DOTNET_SETTINGS {
            let path = join(&dir, name);
            if files.contains(&path) {
                set.push(path);
            }
        }
    }
}

/// Requirements files name others (`-r base.txt`, `-c constraints.txt`): those are copied too.
/// A local path (`-e .`, `./pkg`, `file:`) needs the sources, so there is no rewrite.
fn requirement_includes(cx: &Context<'_, '_>, set: &mut Vec<String>) -> Result<(), String> {
    let mut at = 0;
    while at < set.len() {
        let file = set[at].clone();
        at += 1;
        let Some(text) = cx.build_context.read(&file) else {
            continue;
        };
        for line in text.lines() {
            let line = line.split(" #").next().unwrap_or("").trim();
            let words: Vec<&str> = line.split_whitespace().collect();
            let (option, value) = match words.as_slice() {
                [first, value, ..]
                    if matches!(*first, "-r" | "-c" | "--requirement" | "--constraint") =>
                {
                    (*first, *value)
                }
                [first, ..] => match first.split_once('=') {
                    Some((o, v)) if matches!(o, "--requirement" | "--constraint") => (o, v),
                    _ => match first.get(..2) {
                        Some(o @ ("-r" | "-c")) if first.len() > 2 => (o, &first[2..]),
                        _ => ("", *first),
                    },
                },
                [] => continue,
            };
            if option.is_empty() {
                let local = matches!(value, "-e" | "--editable" | ".")
                    || value.starts_with("./")
                    || value.starts_with("../")
                    || value.starts_with("file:")
                    || value.starts_with('/');
                if local {
                    return Err(format!(
                        "{file} installs a local path ({line}), which needs the sources"
                    ));
                }
                continue;
            }
            let included = paths::normalize(&format!("/{}/{value}", parent_of(&file)));
            let included = included.trim_start_matches('/').to_string();
            if cx.build_context.provides(&included) != Some(true) {
                return Err(format!(
                    "{file} includes {value}, which is not in the build context"
                ));
            }
            if !set.contains(&included) {
                set.push(included);
            }
        }
    }
    Ok(())
}

/// An npm-family install runs the project's own install scripts (`preinstall`, `install`,
/// `postinstall`, `prepare`), which usually need the sources, and a workspace install needs
/// every workspace's manifest.
fn node_needs_sources(cx: &Context<'_, '_>, set: &[String]) -> Result<(), String> {
    for path in set.iter().filter(|p| paths::file_name(p) == "package.json") {
        let Some(text) = cx.build_context.read(path) else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Err(format!("{path} could not be read"));
        };
        if let Some(scripts) = json.get("scripts").and_then(|s| s.as_object()) {
            for hook in ["preinstall", "install", "postinstall", "prepare"] {
                if scripts.contains_key(hook) {
                    return Err(format!(
                        "{path} has a `{hook}` script, which the install runs and which may need the sources"
                    ));
                }
            }
        }
        if json.get("workspaces").is_some() {
            return Err(format!(
                "{path} declares workspaces, whose manifests the install also reads"
            ));
        }
    }
    if set.iter().any(|p| p.ends_with("pnpm-workspace.yaml")) {
        return Err(
            "pnpm-workspace.yaml declares workspaces, whose manifests the install also reads"
                .into(),
        );
    }
    Ok(())
}

/// The reordered block, keeping the install where it is (below its `apt-get update`,
/// `WORKDIR`, virtualenv, `ENV PATH` or tool upgrade) and moving the broad copy down below it,
/// with the complete manifest set copied to its original paths just above the install. Unsafe:
/// the install may run scripts that read other files. `Err` says why there is no rewrite: a step
/// between the copy and the install, or another command of the install's RUN, may need what
/// the copy brings.
fn rewrite(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    copy: &BroadCopy<'_, '_>,
    install: &Step<'_>,
    manifests: &[String],
    op: &PackageOp,
) -> Result<Fix, String> {
    let copy_ins: &Instruction = copy.step.instruction;
    let install_ins: &Instruction = install.instruction;
    let (Args::Words(words) | Args::Json(words)) = &copy_ins.args else {
        return Err("the COPY could not be read".into());
    };
    let dest_word = words.last().ok_or("the COPY has no destination")?;
    if copy_ins
        .flags()
        .iter()
        .any(|f| cx.text(f.span).contains('$'))
        || copy.source.contains('$')
    {
        return Err("the COPY's flags or sources use variables".into());
    }
    if manifests.iter().any(|m| m.contains(char::is_whitespace)) {
        return Err("a manifest's path has a space in it".into());
    }
    let install_index = stage
        .steps
        .iter()
        .position(|s| std::ptr::eq(s.instruction, install_ins))
        .ok_or("the install is not in the stage")?;
    for step in &stage.steps[copy.index + 1..install_index] {
        if !step_independent(cx, copy, step) {
            return Err(format!(
                "line {} may need what the COPY brings",
                cx.line_of(step.instruction.span)
            ));
        }
    }
    if op.action == PackageAction::InstallDependencies {
        let ops: Vec<Span> = install
            .effects
            .iter()
            .flat_map(|e| &e.packages)
            .filter(|o| {
                o.action == PackageAction::InstallDependencies
                    && o.reads.iter().all(|r| {
                        to_context(copy, r).is_some_and(|p| {
                            manifests.contains(&p)
                                || paths::is_glob(&p)
                                || cx.build_context.provides(&p) == Some(false)
                        })
                    })
            })
            .map(|o| o.span)
            .collect();
        if !run_independent(cx, copy, install, &ops) {
            return Err(format!(
                "the RUN on line {} does more than the install, and that may need the sources",
                cx.line_of(install_ins.span)
            ));
        }
    }

    // The broad copy, moved below the install: a relative or variable destination is written
    // out when a WORKDIR, ENV or ARG in between would change what it means.
    let copy_text = cx.text(copy_ins.lines);
    let dest_text = dest_word.text.as_str();
    let vars_change = stage.steps[copy.index + 1..install_index]
        .iter()
        .any(|s| matches!(s.instruction.keyword, Keyword::Env | Keyword::Arg));
    let workdir_changes = copy.step.workdir() != install.workdir();
    let new_dest = if (workdir_changes && !dest_text.starts_with('/'))
        || (vars_change && dest_text.contains('$'))
    {
        let trailing = if dest_text.ends_with('/') { "/" } else { "" };
        Some(format!("{}{trailing}", copy.created.path))
    } else {
        None
    };
    let mut moved_copy = match &new_dest {
        Some(dest) if !copy_ins.is_json() => {
            let local = (dest_word.span.start - copy_ins.lines.start) as usize
                ..(dest_word.span.end - copy_ins.lines.start) as usize;
            let mut text = copy_text.to_string();
            text.replace_range(local, dest);
            text
        }
        Some(_) => return Err("the COPY's destination changes meaning below the install".into()),
        None => copy_text.to_string(),
    };
    if !moved_copy.ends_with('\n') {
        moved_copy.push('\n');
    }

    // The manifests, one COPY per destination directory, to the paths the broad copy gives them.
    let flags: Vec<&str> = copy_ins
        .flags()
        .iter()
        .filter(|f| f.name != "exclude")
        .map(|f| cx.text(f.span))
        .collect();
    let flags = if flags.is_empty() {
        String::new()
    } else {
        format!("{} ", flags.join(" "))
    };
    let workdir = install.workdir();
    let dest_for = |dir: &str| -> String {
        match workdir {
            Some(w) if dir == w => "./".to_string(),
            Some(w) if is_within(dir, w) && w != "/" => {
                format!("{}/", dir[w.len()..].trim_start_matches('/'))
            }
            _ => format!("{}/", dir.trim_end_matches('/')),
        }
    };
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for manifest in manifests {
        let target = to_image(copy, manifest);
        let is_dir = cx
            .build_context
            .list(manifest)
            .is_some_and(|entries| !entries.is_empty());
        let (dir, source) = if is_dir {
            (target.clone(), manifest.clone())
        } else {
            (paths::parent(&target).to_string(), manifest.clone())
        };
        let key = if is_dir {
            format!("{dir}\u{0}dir")
        } else {
            dir.clone()
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sources)) => sources.push(source),
            None => groups.push((key, vec![source])),
        }
    }
    let mut copy_lines = String::new();
    for (key, sources) in &groups {
        let dir = key.trim_end_matches("\u{0}dir");
        copy_lines.push_str(&format!(
            "COPY {flags}{} {}\n",
            sources.join(" "),
            dest_for(dir)
        ));
    }

    let end = install_ins.lines.end as usize;
    let after_install = if cx.dockerfile.source[..end].ends_with('\n') {
        moved_copy
    } else {
        format!("\n{}", moved_copy.trim_end_matches('\n'))
    };
    let title = if manifests.is_empty() {
        format!("Install before `{}`", cx.text(copy_ins.span))
    } else {
        format!(
            "Copy {} first, install, then `{}`",
            manifests.join(", "),
            cx.text(copy_ins.span)
        )
    };
    let mut edits = vec![Edit {
        span: copy_ins.lines,
        content: String::new(),
    }];
    if !copy_lines.is_empty() {
        edits.push(Edit {
            span: Span::empty(install_ins.lines.start as usize),
            content: copy_lines,
        });
    }
    edits.push(Edit {
        span: Span::empty(end),
        content: after_install,
    });
    Ok(Fix {
        title,
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// A step between the broad copy and the install that needs nothing the copy brings, so the
/// copy can move below it: config-only instructions, a COPY/ADD elsewhere, or a RUN of commands
/// that read no sources.
fn step_independent(cx: &Context<'_, '_>, copy: &BroadCopy<'_, '_>, step: &Step<'_>) -> bool {
    match step.instruction.keyword {
        // A VOLUME stays where it is relative to the copies.
        keyword if keyword.only_configures() && keyword != Keyword::Volume => true,
        // A later copy over the same tree would win over the moved one: order matters.
        Keyword::Copy | Keyword::Add => step.effects.as_ref().is_some_and(|e| {
            e.creates.iter().all(|c| {
                // Into the copy's tree, it conflicts only where the broad copy brings the same
                // path (the context says it does not, or it is not under the tree at all).
                (!is_within(&c.path, &copy.created.path)
                    || to_context(copy, &c.path)
                        .is_some_and(|p| cx.build_context.provides(&p) == Some(false)))
                    && !is_within(&copy.created.path, &c.path)
            })
        }),
        Keyword::Run => run_independent(cx, copy, step, &[]),
        _ => false,
    }
}

/// Every command of the RUN (but those inside `skip`, the install itself) reads nothing the
/// broad copy brings: a known command that does not read sources, and no argument naming a file
/// the copy brings.
fn run_independent(
    cx: &Context<'_, '_>,
    copy: &BroadCopy<'_, '_>,
    step: &Step<'_>,
    skip: &[Span],
) -> bool {
    let scripts: Vec<_> = cx.model.scripts_of(step.instruction).collect();
    !scripts.is_empty()
        && scripts.iter().all(|run| {
            run.script.as_ref().is_some_and(|script| {
                // Relative arguments are checked against the working directory and every
                // directory the script `cd`s into.
                let mut dirs: Vec<String> = step.workdir().iter().map(|w| w.to_string()).collect();
                for c in script.simple_commands().filter(|c| c.is("cd")) {
                    let target = c.args().first().and_then(|w| c.literal(w));
                    match (target, step.workdir()) {
                        (Some(t), _) if t.starts_with('/') => dirs.push(paths::normalize(&t)),
                        (Some(t), Some(w)) => dirs.push(paths::normalize(&format!("{w}/{t}"))),
                        _ => return false,
                    }
                }
                !script.has_opaque()
                    && script.simple_commands().all(|c| {
                        let span = run.file_span(c.command.span);
                        skip.iter()
                            .any(|s| s.start <= span.start && span.end <= s.end)
                            || (command_reads_no_sources(&c)
                                && !names_a_copied_file(cx, copy, &dirs, &c))
                    })
            })
        })
}

fn names_a_copied_file(
    cx: &Context<'_, '_>,
    copy: &BroadCopy<'_, '_>,
    dirs: &[String],
    c: &crate::syntax::shell::CommandRef<'_>,
) -> bool {
    c.args().iter().any(|word| {
        let Some(arg) = c.literal(word) else {
            return false;
        };
        let arg = arg.as_ref();
        if arg.starts_with('-') || arg.is_empty() {
            return false;
        }
        let candidates: Vec<String> = if arg.starts_with('/') {
            vec![paths::normalize(arg)]
        } else {
            dirs.iter()
                .map(|w| paths::normalize(&format!("{w}/{arg}")))
                .collect()
        };
        candidates.iter().any(|absolute| {
            // Without a context, anything that looks like a path may be one the copy brings.
            is_within(absolute, &copy.created.path)
                && *absolute != copy.created.path
                && to_context(copy, absolute).is_some_and(|p| {
                    cx.build_context
                        .provides(&p)
                        .unwrap_or(arg.contains(['/', '.']))
                })
        })
    })
}

/// Commands that read nothing from the build context's files unless an argument names one.
fn command_reads_no_sources(c: &crate::syntax::shell::CommandRef<'_>) -> bool {
    const PLAIN: &[&[&str]] = &[
        commands::SYSTEM_PACKAGES,
        commands::FILES,
        commands::SHELL,
        commands::SYSTEM_SETUP,
        commands::DOWNLOADS,
        &["virtualenv", "corepack", "cd"],
    ];
    let args: Vec<String> = c
        .args()
        .iter()
        .map(|w| c.literal(w).map(|t| t.into_owned()).unwrap_or_default())
        .collect();
    let has = |a: &str| args.iter().any(|x| x == a);
    let pip_reads_none = |args: &[String]| {
        args.iter().all(|a| {
            !matches!(
                a.as_str(),
                "-r" | "-e" | "-c" | "--requirement" | "--editable" | "--constraint" | "."
            ) && !a.starts_with("-r")
                && !a.starts_with("-e")
                && !a.starts_with("--requirement=")
                && !a.starts_with("--constraint=")
                && !a.starts_with('.')
                && !a.contains('/')
        })
    };
    let Some(name) = c.basename() else {
        // A bare assignment runs nothing.
        return c.args().is_empty() && c.name().is_none();
    };
    match name.as_ref() {
        n if commands::any_of(n, PLAIN) => true,
        "export" => args.iter().all(|a| a.contains('=')),
        "pip" | "pip3" => pip_reads_none(&args),
        "python" | "python3" => match args.as_slice() {
            [m, module, ..] if m == "-m" && (module == "venv" || module == "virtualenv") => true,
            [m, module, rest @ ..] if m == "-m" && module == "pip" => pip_reads_none(rest),
            [v] if v == "--version" || v == "-V" => true,
            _ => false,
        },
        "uv" => args.first().is_some_and(|a| a == "venv"),
        "npm" => {
            (has("-g") || has("--global")) && (has("install") || has("i"))
                || args.first().is_some_and(|a| a == "config")
        }
        "yarn" => args.first().is_some_and(|a| a == "global" || a == "config"),
        "gem" => {
            args.first()
                .is_some_and(|a| a == "install" || a == "update")
                && !has("-g")
                && !has("--file")
                && !args.iter().any(|a| a.contains('/') || a.ends_with(".gem"))
        }
        _ => false,
    }
}

/// `uv sync` and `poetry install` also install the project itself, which needs its sources:
/// moved above the broad copy they need the flag that installs only the dependencies.
fn installs_project_flag(command: &str) -> Option<&'static str> {
    let words: Vec<&str> = command.split_whitespace().collect();
    let has = |w: &str| words.contains(&w);
    if has("uv") && has("sync") && !has("--no-install-project") {
        Some("--no-install-project")
    } else if has("poetry") && has("install") && !has("--no-root") {
        Some("--no-root")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Applicability;
    use crate::project::BuildContext;

    fn ll304(source: &str, files: &[(&str, &str)]) -> Vec<crate::Diagnostic> {
        let options = crate::LintOptions {
            build_context: BuildContext::Files(
                files
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
            ..crate::LintOptions::default()
        };
        crate::lint_with(source, &options)
            .into_iter()
            .filter(|d| d.code == "LL304")
            .collect()
    }

    /// The finding stands, with advice and the reason, but no rewrite.
    fn advice_only(source: &str, files: &[(&str, &str)], why: &str) {
        let found = ll304(source, files);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fix.is_none(), "{:?}", found[0].fix);
        assert!(found[0].message.contains(why), "{}", found[0].message);
    }

    const NPM: &str = "FROM node:22\nCOPY . /app\nWORKDIR /app\nRUN npm ci --omit=dev\n";

    #[test]
    fn no_rewrite_when_the_manifests_are_not_in_the_context() {
        advice_only(
            NPM,
            &[("hello.js", "")],
            "package.json is not in the build context",
        );
        advice_only(
            NPM,
            &[
                (".dockerignore", "package.json\n"),
                ("package.json", "{}"),
                ("package-lock.json", "{}"),
            ],
            "package.json is not in the build context after .dockerignore",
        );
        let unknown = crate::lint_with(NPM, &crate::LintOptions::default());
        let found: Vec<_> = unknown.iter().filter(|d| d.code == "LL304").collect();
        assert_eq!(found.len(), 1);
        assert!(found[0].fix.is_none());
    }

    #[test]
    fn a_lockfile_left_out_by_the_ignore_file_is_not_copied() {
        let found = ll304(
            NPM,
            &[
                (".dockerignore", "package-lock.json\n"),
                ("package.json", "{}"),
                ("package-lock.json", "{}"),
            ],
        );
        let fix = found[0].fix.as_ref().expect("a rewrite");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert!(
            fix.edits
                .iter()
                .any(|e| e.content == "COPY package.json ./\n")
        );
    }

    #[test]
    fn no_rewrite_when_the_install_needs_the_sources() {
        advice_only(
            NPM,
            &[(
                "package.json",
                r#"{"scripts": {"postinstall": "node build.js"}}"#,
            )],
            "`postinstall` script",
        );
        advice_only(
            "FROM python:3.12\nWORKDIR /app\nCOPY . .\nRUN pip install -r requirements.txt\n",
            &[("requirements.txt", "-e .\nflask\n")],
            "installs a local path",
        );
        advice_only(
            "FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go mod download\n",
            &[("go.mod", "module a\nreplace b => ./b\n"), ("go.sum", "")],
            "local directory",
        );
        advice_only(
            "FROM php:8\nWORKDIR /app\nCOPY . .\nRUN composer install\n",
            &[("composer.json", "{}"), ("composer.lock", "{}")],
            "--no-scripts --no-autoloader",
        );
    }

    #[test]
    fn no_rewrite_past_a_step_that_uses_the_copied_files() {
        advice_only(
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN chmod +x start.sh\nRUN npm ci\n",
            &[("package.json", "{}"), ("start.sh", "")],
            "line 4 may need what the COPY brings",
        );
        advice_only(
            "FROM node:22\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n",
            &[("package.json", "{}")],
            "does more than the install",
        );
    }

    #[test]
    fn source_copies_before_the_install() {
        const PIP: &str = "FROM python:3.12\nWORKDIR /app\nCOPY deps/requirements.txt .\nCOPY *.py ./\nRUN pip install -r requirements.txt\n";
        // Resolved from the context through the copy that placed it: a rewrite.
        let found = ll304(PIP, &[("deps/requirements.txt", "flask\n"), ("app.py", "")]);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.contains("does not read what it copies"));
        assert!(found[0].fix.is_some());
        // The root's requirements.txt is another file: this one installs the project.
        assert!(
            ll304(
                PIP,
                &[
                    ("deps/requirements.txt", "-e .\n"),
                    ("requirements.txt", "flask\n"),
                    ("app.py", "")
                ]
            )
            .is_empty()
        );
        // Not in the context: "may", and no rewrite.
        advice_only(PIP, &[("app.py", "")], "may install a local path");
        let may = ll304(PIP, &[("app.py", "")]);
        assert!(may[0].message.contains("may not need what it copies"));
        // An included requirements file the copy brings is read by the install.
        let nested = "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY reqs/ ./reqs/\nRUN pip install -r requirements.txt\n";
        assert!(
            ll304(
                nested,
                &[
                    ("requirements.txt", "-r reqs/base.txt\n"),
                    ("reqs/base.txt", "flask\n")
                ]
            )
            .is_empty()
        );
        // A variable that puts the copy on the PATH lets any command run what it brings.
        let path = "FROM node:22\nWORKDIR /app\nCOPY package.json package-lock.json ./\nCOPY bin/ ./bin/\nENV PATH=/app/bin:$PATH\nRUN npm ci\n";
        assert!(ll304(path, &[("package.json", "{}"), ("bin/tool", "")]).is_empty());
        // An install script in the context's package.json: "may".
        let npm =
            "FROM node:22\nWORKDIR /app\nCOPY package.json ./\nCOPY src/ ./src/\nRUN npm ci\n";
        advice_only(
            npm,
            &[("package.json", r#"{"scripts": {"postinstall": "tsc"}}"#)],
            "`postinstall` script",
        );
        let clean = ll304(npm, &[("package.json", "{}"), ("src/index.js", "")]);
        assert!(clean[0].fix.is_some(), "{clean:?}");
        // An option of the install naming the copy: it reads it.
        assert!(
            ll304(
                "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY pkgs/ ./pkgs/\nRUN pip install --no-index --find-links pkgs -r requirements.txt\n",
                &[("requirements.txt", "flask\n"), ("pkgs/flask.whl", "")]
            )
            .is_empty()
        );
        // Housekeeping after the install changes nothing.
        let cleaned = ll304(
            "FROM node:22\nWORKDIR /app\nCOPY package.json ./\nCOPY src/ ./src/\nRUN npm ci && npm cache clean --force\n",
            &[("package.json", "{}"), ("src/index.js", "")],
        );
        assert!(cleaned[0].fix.is_some(), "{cleaned:?}");
        // Unknown commands in the install's RUN make it "may"; a build makes it nothing.
        advice_only(
            "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY *.py ./\nRUN curl -sS https://bootstrap.pypa.io/get-pip.py | python && pip install -r requirements.txt\n",
            &[("requirements.txt", "flask\n"), ("app.py", "")],
            "may read them",
        );
        assert!(
            ll304(
                "FROM python:3.12\nWORKDIR /app\nCOPY requirements.txt .\nCOPY *.py ./\nRUN pip install -r requirements.txt && python manage.py collectstatic\n",
                &[("requirements.txt", "flask\n"), ("manage.py", "")]
            )
            .is_empty()
        );
    }

    #[test]
    fn a_copy_in_a_parent_stage_is_advice_naming_its_stage_and_line() {
        let source = "FROM alpine:3.20 AS app\nCOPY . /srv\nFROM app AS tools\nRUN apk add git\nFROM app AS more\nRUN apk add curl\n";
        let found = ll304(source, &[("run.sh", "")]);
        // One finding for the copy, however many children install after it.
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].fix.is_none());
        assert!(
            found[0].message.contains("on line 2 in stage `app`"),
            "{}",
            found[0].message
        );
        // A copy reported within its own stage is not reported again for a child.
        let both = "FROM node:22 AS app\nWORKDIR /app\nCOPY . .\nRUN npm ci\nFROM app AS dev\nRUN npm install\n";
        assert_eq!(ll304(both, &[("package.json", "{}")]).len(), 1);
    }
}
