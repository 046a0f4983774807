//! Building the model from the syntax tree: one pass over the instructions, carrying the state
//! Docker carries (stage, variables, working directory, user, shell).

use super::effects::{ShellEnv, script_effects};
use super::history::{BuildArgs, History, Point};
use super::images;
use super::layer::{CacheFill, Effects, Guard, Input, PathEffect};
use super::paths;
use super::stage::{Base, Place, Stage, Step};
use super::vars::{Lookup, Scope, VarKind, Vars, expand};
use crate::span::Span;
use crate::syntax::mount::MountKind;
use crate::syntax::{Args, Dockerfile, Instruction, Keyword, Word};
use crate::syntax::{script, shell};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The model of one Dockerfile.
#[derive(Clone, Debug)]
pub struct Model<'a> {
    pub dockerfile: &'a Dockerfile,
    /// `ARG`s before the first `FROM` (usable in `FROM` lines, and in stages that redeclare them).
    pub global_args: Vars,
    /// The build arguments the model was built with (they replace `ARG` defaults).
    pub build_args: BuildArgs,
    pub stages: Vec<Stage<'a>>,
    /// Every `RUN` script, split once for all rules.
    pub scripts: Vec<script::RunScript<'a>>,
    /// The scripts of the `ONBUILD RUN` triggers, read as POSIX `sh` (they run in a child image,
    /// whose shell this file does not set).
    pub trigger_scripts: Vec<script::RunScript<'a>>,
}

impl<'a> Model<'a> {
    /// The scripts one `RUN` hands to its shell.
    pub fn scripts_of<'m>(
        &'m self,
        run: &'m Instruction,
    ) -> impl Iterator<Item = &'m script::RunScript<'a>> {
        // Scripts are in file order: find the first of this RUN's by its position.
        let at = |scripts: &'m [script::RunScript<'a>]| {
            let first = scripts.partition_point(|s| s.instruction.span.start < run.span.start);
            &scripts[first..]
        };
        // A trigger's `RUN` is not among the stage scripts: its own list holds it.
        let mut found = at(&self.scripts);
        if !found
            .first()
            .is_some_and(|s| std::ptr::eq(s.instruction, run))
        {
            found = at(&self.trigger_scripts);
        }
        found
            .iter()
            .take_while(move |s| std::ptr::eq(s.instruction, run))
    }

    pub fn build(dockerfile: &'a Dockerfile) -> Model<'a> {
        Builder::new(dockerfile, BuildArgs::new()).run()
    }

    /// The model of one build: given these build arguments, each replacing the value its `ARG`
    /// declares, as `docker build --build-arg` does (an argument no `ARG` declares changes
    /// nothing, as in Docker), and building the stage `target` names (`docker build --target`):
    /// what ships is that stage and the stages it is built `FROM`. With no target, or one the
    /// file has no stage for (that build fails; `check` says so), the last stage is built.
    pub fn build_for(
        dockerfile: &'a Dockerfile,
        args: &BuildArgs,
        target: Option<&str>,
    ) -> Model<'a> {
        let mut builder = Builder::new(dockerfile, args.clone());
        builder.target = target.map(str::to_ascii_lowercase);
        builder.run()
    }

    pub fn stage_named(&self, name: &str) -> Option<&Stage<'a>> {
        let lower = name.to_ascii_lowercase();
        self.stages
            .iter()
            .find(|s| s.name.as_deref() == Some(lower.as_str()))
    }
}

/// The state carried through one stage.
#[derive(Clone)]
struct StageState {
    workdir: Option<String>,
    vars: Point,
    user: Option<String>,
    /// Where the last step ran, for the next one to share (see [`place_for`]).
    place: Arc<Place>,
}

/// How many bytes all stored variable values together may grow past the text they were expanded
/// from; past it, a value that expansion made longer is unknown. Real files use a tiny part of
/// it; it keeps a file of thousands of `ENV B=$A$A$A` lines from filling memory.
pub(crate) const EXPANSION_BUDGET: usize = 64 << 20;

struct Builder<'a> {
    dockerfile: &'a Dockerfile,
    /// Every `ARG` and `ENV` declaration; steps keep points in it.
    history: History,
    /// The scope of the `ARG`s before the first `FROM`.
    globals: Point,
    stages: Vec<Stage<'a>>,
    /// The scope of each step (and each trigger) of each stage, given to them once the history
    /// is complete.
    points: Vec<(Vec<Point>, Vec<Point>)>,
    /// The state at the end of each stage, for stages built `FROM` it.
    finals: Vec<StageState>,
    state: Option<StageState>,
    /// Whether a `FROM` has been read: instructions before it form a fragment.
    seen_from: bool,
    scripts: Vec<script::RunScript<'a>>,
    trigger_scripts: Vec<script::RunScript<'a>>,
    /// Stage names to indices, so a `FROM` finds its base without a walk over every stage.
    stage_names: HashMap<String, usize>,
    /// How many instructions follow each `FROM` before the next (the first entry: those before
    /// any `FROM`), so that a stage's steps are allocated once; and how many `FROM`s were read.
    stage_sizes: Vec<usize>,
    froms: usize,
    /// The name of the stage built, in lower case (stage names are matched without case).
    target: Option<String>,
}

impl<'a> Builder<'a> {
    fn new(dockerfile: &'a Dockerfile, args: BuildArgs) -> Self {
        let declared = declarations(dockerfile.lintable());
        let mut history = History::with_capacity(EXPANSION_BUDGET, declared).with_given(args);
        let globals = history.open(None);
        Builder {
            dockerfile,
            history,
            globals,
            stages: Vec::new(),
            points: Vec::new(),
            finals: Vec::new(),
            state: None,
            seen_from: false,
            scripts: script::run_scripts(dockerfile),
            trigger_scripts: Vec::new(),
            stage_names: HashMap::new(),
            stage_sizes: crate::syntax::stretch_lengths(dockerfile.lintable()),
            froms: 0,
            target: None,
        }
    }

    /// Room for the steps of the stage that the `FROM`s read so far open.
    fn steps_with_room<T>(&self) -> Vec<T> {
        Vec::with_capacity(self.stage_sizes.get(self.froms).copied().unwrap_or(0))
    }

    fn run(mut self) -> Model<'a> {
        for instruction in self.dockerfile.lintable() {
            match (instruction.keyword, self.state.is_some()) {
                (Keyword::From, _) => {
                    self.seen_from = true;
                    self.froms += 1;
                    self.start_stage(instruction);
                }
                (Keyword::Arg, false) => declare_args(
                    &mut self.history,
                    &mut self.globals,
                    instruction,
                    None,
                    self.dockerfile.escape,
                ),
                (_, true) => self.step(instruction),
                (_, false) if !self.seen_from => {
                    self.start_fragment();
                    self.step(instruction);
                }
                (_, false) => {}
            }
        }
        self.finish_stage();
        // The history is complete: every step gets its scope, and what it does is read in it.
        let build_args = self.history.given_args().clone();
        let history = Arc::new(self.history);
        let escape = self.dockerfile.escape;
        for (stage, points) in self.stages.iter_mut().zip(self.points) {
            let (points, trigger_points) = points;
            for (step, point) in stage.triggers.iter_mut().zip(trigger_points) {
                step.vars = Scope::at(Arc::clone(&history), point);
                let effects = run_effects(self.dockerfile, &self.trigger_scripts, step);
                step.effects = Some(Box::new(effects));
            }
            for (step, point) in stage.steps.iter_mut().zip(points) {
                step.vars = Scope::at(Arc::clone(&history), point);
                let effects = match step.instruction.keyword {
                    Keyword::Run => Some(run_effects(self.dockerfile, &self.scripts, step)),
                    Keyword::Copy | Keyword::Add => {
                        Some(copy_effects(step.instruction, step, escape))
                    }
                    _ => None,
                };
                step.effects = effects.map(Box::new);
            }
        }
        super::apt_archives::mark_kept_archives(&mut self.stages, escape);
        let built = self
            .target
            .as_ref()
            .and_then(|name| self.stage_names.get(name).copied())
            .or(self.stages.len().checked_sub(1));
        mark_shipped(&mut self.stages, built);
        Model {
            dockerfile: self.dockerfile,
            global_args: Vars::at(history, self.globals),
            build_args,
            stages: self.stages,
            scripts: self.scripts,
            trigger_scripts: self.trigger_scripts,
        }
    }

    /// Ends the current stage. Its triggers run with the state it ends with (in a child image,
    /// the working directory and user its configuration records).
    fn finish_stage(&mut self) {
        let Some(state) = self.state.take() else {
            return;
        };
        if let (Some(stage), Some((_, trigger_points))) =
            (self.stages.last_mut(), self.points.last_mut())
        {
            let scope = self.history.at(state.vars);
            let place = Arc::new(Place {
                workdir: state.workdir.clone(),
                home: home_of(&scope, state.user.as_deref()).map(String::from),
            });
            for (trigger, point) in stage.triggers.iter_mut().zip(trigger_points.iter_mut()) {
                trigger.place = Arc::clone(&place);
                *point = state.vars;
            }
        }
        self.finals.push(state);
    }

    /// Starts the stage of a fragment: instructions before any `FROM`, on an unknown image. The
    /// global `ARG`s are in its scope, as hadolint reads a fragment.
    fn start_fragment(&mut self) {
        self.stages.push(Stage {
            index: self.stages.len(),
            from: None,
            name: None,
            base: Base::Image(None),
            steps: self.steps_with_room(),
            ships: false,
            triggers: Vec::new(),
        });
        self.points.push((self.steps_with_room(), Vec::new()));
        self.state = Some(StageState {
            workdir: None,
            vars: self.history.open(Some(self.globals)),
            user: None,
            place: Arc::default(),
        });
    }

    fn start_stage(&mut self, from: &'a Instruction) {
        self.finish_stage();
        let Args::Words(words) = &from.args else {
            return;
        };
        let image = expand(
            &self.history.at(self.globals),
            &words[0].text,
            self.dockerfile.escape,
        );
        let earlier = image
            .as_deref()
            .and_then(|name| self.stage_names.get(&name.to_ascii_lowercase()).copied());
        let base = match (&image, earlier) {
            (_, Some(index)) => Base::Stage(index),
            (Some(name), None) if name.eq_ignore_ascii_case("scratch") => Base::Scratch,
            (name, None) => Base::Image(name.clone()),
        };
        let state = match &base {
            Base::Stage(index) => {
                let inherited = self.finals[*index].clone();
                StageState {
                    vars: self.history.open(Some(inherited.vars)),
                    ..inherited
                }
            }
            Base::Scratch => StageState {
                workdir: Some("/".into()),
                vars: self.history.open(None),
                user: None,
                place: Arc::default(),
            },
            Base::Image(name) => StageState {
                workdir: name.as_deref().and_then(images::known_workdir),
                vars: self.history.open(None),
                user: None,
                place: Arc::default(),
            },
        };
        let name = words.get(2).map(|w| w.text.as_str().to_ascii_lowercase());
        if let Some(name) = &name {
            // The first stage of a name is the one later `FROM`s find.
            self.stage_names
                .entry(name.clone())
                .or_insert(self.stages.len());
        }
        self.stages.push(Stage {
            index: self.stages.len(),
            from: Some(from),
            name,
            base,
            steps: self.steps_with_room(),
            ships: false,
            triggers: Vec::new(),
        });
        self.points.push((self.steps_with_room(), Vec::new()));
        self.state = Some(state);
    }

    /// Records a step and the state it runs in, and carries the state past it. What the step
    /// does (its effects) is read once every scope is known, in [`Builder::run`].
    fn step(&mut self, instruction: &'a Instruction) {
        let Some(state) = self.state.as_mut() else {
            return;
        };
        let escape = self.dockerfile.escape;
        let scope = self.history.at(state.vars);
        let home = home_of(&scope, state.user.as_deref());
        let place = place_for(&mut state.place, state.workdir.as_deref(), home.as_deref());
        let step = Step {
            instruction,
            place,
            // The real scope comes once the history is complete.
            vars: Scope::default(),
            effects: None,
        };
        let point = state.vars;
        match instruction.keyword {
            Keyword::Arg => declare_args(
                &mut self.history,
                &mut state.vars,
                instruction,
                Some(self.globals),
                escape,
            ),
            Keyword::Env => declare_env(&mut self.history, &mut state.vars, instruction, escape),
            Keyword::Workdir => {
                if let Args::Text(word) = &instruction.args {
                    let scope = self.history.at(state.vars);
                    state.workdir = match (
                        &state.workdir,
                        expand(&scope, &shell::unquote(&word.text), escape),
                    ) {
                        (_, Some(dir)) if dir.starts_with('/') => Some(paths::normalize(&dir)),
                        (Some(cwd), Some(dir)) => Some(paths::resolve(cwd, &dir)),
                        _ => None,
                    };
                }
            }
            Keyword::User => {
                if let Args::Text(word) = &instruction.args {
                    state.user = expand(&self.history.at(state.vars), &word.text, escape)
                        .map(|u| u.split(':').next().unwrap_or("").to_string());
                }
            }
            _ => {}
        }
        if let (Some(stage), Some((points, trigger_points))) =
            (self.stages.last_mut(), self.points.last_mut())
        {
            if let Args::Onbuild(inner) = &instruction.args {
                if inner.keyword == Keyword::Run && !inner.malformed {
                    self.trigger_scripts
                        .extend(script::posix_scripts_of(self.dockerfile, inner));
                    // Where it runs is known when the stage ends (see `finish_stage`).
                    stage.triggers.push(Step {
                        instruction: inner,
                        place: Arc::default(),
                        vars: Scope::default(),
                        effects: None,
                    });
                    trigger_points.push(point);
                }
            }
            stage.steps.push(step);
            points.push(point);
        }
    }
}

/// `$HOME` if the Dockerfile sets it, else root's home or the conventional `/home/<user>`.
fn home_of<'s>(scope: &'s dyn Lookup, user: Option<&str>) -> Option<Cow<'s, str>> {
    if let Some(home) = scope.lookup("HOME") {
        return home.value.as_deref().map(Cow::Borrowed);
    }
    match user {
        None | Some("root") | Some("0") => Some(Cow::Borrowed("/root")),
        Some(user) if user.chars().all(|c| c.is_ascii_digit()) => None,
        Some(user) => Some(Cow::Owned(format!("/home/{user}"))),
    }
}

/// The place of a step in `workdir` with `home`: the one `last` holds when it is the same,
/// else a new one that `last` then holds. Steps in a row mostly run in the same place; two
/// strings for each would cost two allocations a step, millions in a file of a million lines.
fn place_for(last: &mut Arc<Place>, workdir: Option<&str>, home: Option<&str>) -> Arc<Place> {
    if last.workdir.as_deref() != workdir || last.home.as_deref() != home {
        *last = Arc::new(Place {
            workdir: workdir.map(String::from),
            home: home.map(String::from),
        });
    }
    Arc::clone(last)
}

/// How many declarations the `ARG`s and `ENV`s among `instructions` make: room to reserve in a
/// [`History`] before reading them.
pub(crate) fn declarations<'i>(instructions: impl Iterator<Item = &'i Instruction>) -> usize {
    instructions
        .map(
            |instruction| match (&instruction.keyword, &instruction.args) {
                (Keyword::Arg, Args::Words(words)) => words.len(),
                (Keyword::Env, Args::KeyValues(pairs, _)) => pairs.len(),
                _ => 0,
            },
        )
        .sum()
}

/// An `ARG`: each name in turn, a default expanded with the names before it. In a stage, a name
/// without a default takes the global value, if there is one.
pub(crate) fn declare_args(
    history: &mut History,
    point: &mut Point,
    instruction: &Instruction,
    globals: Option<Point>,
    escape: char,
) {
    let Args::Words(words) = &instruction.args else {
        return;
    };
    for word in words {
        let declared = word
            .text
            .split_once('=')
            .map_or(word.text.as_str(), |(n, _)| n);
        if let Some(given) = history.given(declared).map(str::to_string) {
            // A given value is used as it is: Docker does not expand build arguments.
            let len = given.len();
            history.declare(point, declared, Some(given), VarKind::Arg, len);
            continue;
        }
        let (name, value, text_len) = match word.text.split_once('=') {
            Some((name, value)) => {
                let raw = shell::unquote(value);
                let expanded = expand(&history.at(*point), &raw, escape);
                (name, expanded, raw.len())
            }
            None => {
                let inherited = globals
                    .and_then(|g| history.get(&word.text, g))
                    .and_then(|v| v.value.clone().map(String::from));
                // A copy of a stored value: it does not grow anything.
                let len = inherited.as_ref().map_or(0, String::len);
                (word.text.as_str(), inherited, len)
            }
        };
        history.declare(point, name, value, VarKind::Arg, text_len);
    }
}

pub(crate) fn declare_env(
    history: &mut History,
    point: &mut Point,
    instruction: &Instruction,
    escape: char,
) {
    let Args::KeyValues(pairs, legacy) = &instruction.args else {
        return;
    };
    // All pairs of one ENV are expanded with the values from before it, as in Docker.
    let before = *point;
    let values: Vec<(Option<String>, usize)> = pairs
        .iter()
        .map(|pair| {
            let raw = if *legacy {
                pair.value.text.to_string()
            } else {
                shell::unquote(&pair.value.text)
            };
            (expand(&history.at(before), &raw, escape), raw.len())
        })
        .collect();
    for (pair, (value, text_len)) in pairs.iter().zip(values) {
        history.declare(point, &pair.key.text, value, VarKind::Env, text_len);
    }
}

fn run_effects(
    dockerfile: &Dockerfile,
    scripts: &[script::RunScript<'_>],
    step: &Step<'_>,
) -> Effects {
    let instruction = step.instruction;
    let mut mounted = Vec::new();
    let mut effects = Effects::default();
    for (flag, mount) in instruction.mounts() {
        let Some(target) = mount
            .target()
            .and_then(|t| step.vars.expand(t, dockerfile.escape))
        else {
            continue;
        };
        let target = match step.workdir() {
            Some(cwd) => paths::resolve(cwd, &target),
            None if target.starts_with('/') => paths::normalize(&target),
            None => continue,
        };
        match (mount.kind, mount.from()) {
            (MountKind::Bind, Some(from)) => effects.inputs.push(Input::Stage {
                from: from.to_string(),
                sources: mount.source().map(String::from).into_iter().collect(),
                span: flag.span,
            }),
            (MountKind::Bind, None) => effects.inputs.push(Input::Context {
                sources: vec![mount.source().unwrap_or(".").to_string()],
                span: flag.span,
            }),
            _ => {}
        }
        mounted.push(target);
    }
    // An unknown working directory hides only what the script names relative to it: absolute
    // paths and package operations are read all the same.
    let workdir = step.workdir();
    let home = step.home().unwrap_or("/root");
    // Scripts are in file order: start at this RUN's first one.
    let first = scripts.partition_point(|s| s.instruction.span.start < instruction.span.start);
    for run in scripts[first..]
        .iter()
        .take_while(|s| std::ptr::eq(s.instruction, instruction))
    {
        let Some(shell) = &run.script else {
            effects.unread.push(instruction.span);
            continue;
        };
        let vars = Vars::from(step.vars.clone());
        let env = ShellEnv {
            workdir,
            vars: &vars,
            home,
            mounted: &mounted,
            escape: dockerfile.escape,
        };
        let found = script_effects(shell, &env, &|span: Span| run.file_span(span));
        // The usual RUN, one script and no mount: its effects are the script's as they are,
        // not copied list by list into empty ones.
        if holds_nothing(&effects) {
            effects = found;
        } else {
            merge(&mut effects, found);
        }
    }
    effects
}

/// Nothing recorded yet: merging into these effects is taking the other's whole. Every field
/// is named, so that a new one is not forgotten here.
fn holds_nothing(effects: &Effects) -> bool {
    let Effects {
        creates,
        deletes,
        guarded_deletes,
        scopes,
        touches,
        caches,
        kept_out,
        packages,
        inputs,
        unread,
    } = effects;
    creates.is_empty()
        && deletes.is_empty()
        && guarded_deletes.is_empty()
        && scopes.is_empty()
        && touches.is_empty()
        && caches.is_empty()
        && kept_out.is_empty()
        && packages.is_empty()
        && inputs.is_empty()
        && unread.is_empty()
}

fn merge(into: &mut Effects, from: Effects) {
    // Branch numbers are per script: shift the second script's past the first's.
    let shift = into.scopes.len() as u32;
    let moved = |scope: u32| if scope == 0 { 0 } else { scope + shift };
    into.scopes
        .extend(from.scopes.iter().map(|&parent| moved(parent)));
    into.guarded_deletes.extend(
        from.guarded_deletes
            .into_iter()
            .map(|(effect, scope)| (effect, moved(scope))),
    );
    let shifted = |guard: Guard| match guard {
        Guard::Scope(scope) => Guard::Scope(moved(scope)),
        other => other,
    };
    let shift_fill = |mut fill: CacheFill| {
        fill.guard = shifted(fill.guard);
        fill
    };
    into.caches.extend(from.caches.into_iter().map(shift_fill));
    into.kept_out
        .extend(from.kept_out.into_iter().map(shift_fill));
    into.packages
        .extend(from.packages.into_iter().map(|mut op| {
            op.guard = shifted(op.guard);
            op
        }));
    into.creates.extend(from.creates);
    into.deletes.extend(from.deletes);
    into.touches.extend(from.touches);
    into.inputs.extend(from.inputs);
    into.unread.extend(from.unread);
}

/// `COPY`/`ADD`: what lands where, and what the step's cache key reads.
fn copy_effects(instruction: &Instruction, step: &Step<'_>, escape: char) -> Effects {
    let mut effects = Effects::default();
    let words: &[Word] = match &instruction.args {
        Args::Json(words) | Args::Words(words) => words,
        _ => return effects,
    };
    let Some((dest_word, sources)) = words.split_last() else {
        return effects;
    };
    let via = instruction.keyword.as_str().to_string();
    let from = instruction.flag("from").and_then(|f| f.value.clone());
    let is_heredoc = |w: &Word| {
        w.text.starts_with("<<")
            && instruction
                .heredocs()
                .iter()
                .any(|h| w.text.ends_with(&h.name))
    };
    let context_sources: Vec<String> = sources
        .iter()
        .filter(|w| !is_heredoc(w))
        .map(|w| w.text.to_string())
        .collect();

    let (remote, local): (Vec<&String>, Vec<&String>) =
        context_sources.iter().partition(|s| is_remote(s));
    for url in remote {
        effects.inputs.push(Input::Remote {
            url: url.clone(),
            span: instruction.span,
        });
    }
    if !local.is_empty() {
        let sources = local.into_iter().cloned().collect();
        effects.inputs.push(match from {
            Some(stage) => Input::Stage {
                from: stage,
                sources,
                span: instruction.span,
            },
            None => Input::Context {
                sources,
                span: instruction.span,
            },
        });
    }

    let Some(dest) = step.vars.expand(&dest_word.text, escape) else {
        effects.unread.push(dest_word.span);
        return effects;
    };
    let dest_dir = dest.ends_with('/') || sources.len() > 1;
    let dest_abs = match (step.workdir(), dest.starts_with('/')) {
        (_, true) => paths::normalize(&dest),
        (Some(cwd), false) => paths::resolve(cwd, &dest),
        (None, false) => {
            effects.unread.push(dest_word.span);
            return effects;
        }
    };
    for source in sources {
        let path = if is_heredoc(source) {
            let name = instruction
                .heredocs()
                .iter()
                .find(|h| source.text.ends_with(&h.name))
                .map_or("", |h| h.name.as_str());
            if dest_dir {
                format!("{}/{}", dest_abs.trim_end_matches('/'), name)
            } else {
                dest_abs.clone()
            }
        } else if is_remote(&source.text) {
            let name = paths::file_name(source.text.split(['?', '#']).next().unwrap_or(""));
            if dest_dir {
                format!("{}/{}", dest_abs.trim_end_matches('/'), name)
            } else {
                dest_abs.clone()
            }
        } else {
            let source_text = step
                .vars
                .expand(&source.text, escape)
                .unwrap_or_else(|| source.text.to_string());
            copied_path(&source_text, &dest_abs, dest_dir)
        };
        let recursive = !is_heredoc(source);
        effects.creates.push(PathEffect {
            path: paths::normalize(&path),
            recursive,
            via: via.clone(),
            span: source.span.cover(dest_word.span),
        });
    }
    effects
}

/// Where a context source lands. A directory's contents go into the destination (`COPY . /app`
/// fills `/app`); a named file goes into a destination directory under its own name.
fn copied_path(source: &str, dest: &str, dest_is_dir: bool) -> String {
    let trimmed = source.trim_end_matches('/');
    let is_whole_dir = trimmed.is_empty()
        || trimmed == "."
        || source.ends_with('/')
        || paths::is_glob(paths::file_name(trimmed)) && !dest_is_dir;
    if is_whole_dir || !dest_is_dir {
        dest.to_string()
    } else {
        format!(
            "{}/{}",
            dest.trim_end_matches('/'),
            paths::file_name(trimmed)
        )
    }
}

fn is_remote(source: &str) -> bool {
    source.starts_with("http://") || source.starts_with("https://") || source.starts_with("git@")
}

/// A stage ships when it is the one built (the target, else the last) or that one is built
/// `FROM` it (directly or not).
fn mark_shipped(stages: &mut [Stage<'_>], built: Option<usize>) {
    let mut current = built;
    while let Some(index) = current {
        stages[index].ships = true;
        current = match stages[index].base {
            Base::Stage(base) if base < index => Some(base),
            _ => None,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn paths_created(step: &Step<'_>) -> Vec<String> {
        step.effects
            .as_ref()
            .map(|e| e.creates.iter().map(|c| c.path.clone()).collect())
            .unwrap_or_default()
    }

    #[test]
    fn stages_bases_and_what_ships() {
        let df = parse(
            "ARG BASE=alpine:3.20\nFROM ${BASE} AS deps\nFROM golang:1.22 AS build\nFROM deps AS runtime\nRUN true\n",
        );
        let model = Model::build(&df);
        assert_eq!(model.stages.len(), 3);
        assert_eq!(
            model.stages[0].base,
            Base::Image(Some("alpine:3.20".into()))
        );
        assert_eq!(model.stages[2].base, Base::Stage(0));
        let ships: Vec<bool> = model.stages.iter().map(|s| s.ships).collect();
        assert_eq!(ships, [true, false, true]);
        assert_eq!(model.stage_named("BUILD").map(|s| s.index), Some(1));
    }

    #[test]
    fn a_target_ships_itself_and_its_bases_not_the_last_stage() {
        let df =
            parse("FROM alpine AS base\nFROM base AS build\nFROM alpine AS other\nFROM base\n");
        let ships = |target: Option<&str>| -> Vec<bool> {
            let model = Model::build_for(&df, &BuildArgs::new(), target);
            model.stages.iter().map(|s| s.ships).collect()
        };
        assert_eq!(ships(None), [true, false, false, true]);
        assert_eq!(ships(Some("BUILD")), [true, true, false, false]);
        assert_eq!(ships(Some("other")), [false, false, true, false]);
        // No such stage: that build fails; the model reads the file as its default build.
        assert_eq!(ships(Some("missing")), [true, false, false, true]);
    }

    #[test]
    fn each_stage_gets_room_for_exactly_its_steps() {
        // Global ARGs, a fragment, stages of different lengths, one built FROM another.
        let df = parse(
            "ARG A=1\nRUN early\nARG B\nFROM alpine AS one\nENV X=1\nRUN a\nRUN b\nFROM one\nFROM debian\nARG C\nRUN c\n",
        );
        let model = Model::build(&df);
        let sizes: Vec<(usize, usize)> = model
            .stages
            .iter()
            .map(|s| (s.steps.len(), s.steps.capacity()))
            .collect();
        // The fragment's room counts the instructions before the first FROM, global ARG
        // included: at most one step too many.
        assert_eq!(sizes, [(2, 3), (3, 3), (0, 0), (2, 2)]);
    }

    #[test]
    fn workdir_tracking() {
        let df = parse(
            "FROM alpine\nRUN a\nWORKDIR /app\nWORKDIR src\nENV D=/opt\nWORKDIR $D/x\nRUN b\nFROM php:8\nRUN c\n",
        );
        let model = Model::build(&df);
        let dirs: Vec<Option<&str>> = model.stages[0].steps.iter().map(|s| s.workdir()).collect();
        assert_eq!(
            dirs,
            [
                Some("/"),
                Some("/"),
                Some("/app"),
                Some("/app/src"),
                Some("/app/src"),
                Some("/opt/x")
            ]
        );
        // An image that may set its own WORKDIR leaves the directory unknown.
        assert_eq!(model.stages[1].steps[0].workdir(), None);
    }

    #[test]
    fn given_build_arguments_replace_arg_values() {
        let df =
            parse("ARG V=1\nARG U\nFROM alpine\nARG V\nARG U\nARG W=$V-x\nARG X=d\nRUN true\n");
        let given: BuildArgs = [("V", "2"), ("X", "$V"), ("NOT_DECLARED", "n")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let model = Model::build_for(&df, &given, None);
        let vars = &model.stages[0].steps.last().expect("a step").vars;
        let value = |name: &str| vars.get(name).and_then(|v| v.value.clone());
        assert_eq!(value("V").as_deref(), Some("2"));
        assert_eq!(value("W").as_deref(), Some("2-x"));
        assert_eq!(value("U"), None);
        // A given value is not expanded, as in Docker.
        assert_eq!(value("X").as_deref(), Some("$V"));
        assert!(vars.get("NOT_DECLARED").is_none());
        assert_eq!(
            model
                .global_args
                .get("V")
                .and_then(|v| v.value.clone())
                .as_deref(),
            Some("2")
        );
    }

    #[test]
    fn args_and_env_scopes() {
        let df = parse(
            "ARG V=1\nARG U\nFROM alpine\nARG V\nARG U\nARG W=$V-x\nENV A=\"a b\" B=$A\nRUN true\n",
        );
        let model = Model::build(&df);
        let vars = &model.stages[0].steps.last().unwrap().vars;
        assert_eq!(vars.get("V").unwrap().value.as_deref(), Some("1"));
        assert_eq!(vars.get("U").unwrap().value, None);
        assert_eq!(vars.get("W").unwrap().value.as_deref(), Some("1-x"));
        assert_eq!(vars.get("A").unwrap().value.as_deref(), Some("a b"));
        // B sees the value A had before this ENV: none.
        assert_eq!(vars.get("B").unwrap().value, None);
    }

    #[test]
    fn steps_in_one_directory_and_home_share_them() {
        let df =
            parse("FROM alpine\nENV A=1\nENV B=2\nWORKDIR /srv\nUSER app\nENV C=3\nRUN true\n");
        let model = Model::build(&df);
        let steps = &model.stages[0].steps;
        let same = |a: usize, b: usize| Arc::ptr_eq(&steps[a].place, &steps[b].place);
        // ENV A, ENV B, WORKDIR: in `/` (alpine's) as root; USER: in /srv as root; ENV C, RUN:
        // in /srv as app.
        assert!(same(0, 2) && !same(2, 3) && !same(3, 4) && same(4, 5));
        assert_eq!(steps[2].workdir(), Some("/"));
        assert_eq!(steps[3].workdir(), Some("/srv"));
        assert_eq!(steps[3].home(), Some("/root"));
        assert_eq!(steps[5].home(), Some("/home/app"));
    }

    #[test]
    fn a_stage_built_from_another_inherits_its_state() {
        let df = parse("FROM alpine AS base\nWORKDIR /srv\nENV X=1\nFROM base\nRUN true\n");
        let model = Model::build(&df);
        let step = &model.stages[1].steps[0];
        assert_eq!(step.workdir(), Some("/srv"));
        assert_eq!(step.vars.get("X").unwrap().value.as_deref(), Some("1"));
    }

    #[test]
    fn copy_destinations() {
        let df = parse(
            "FROM alpine\nWORKDIR /app\nCOPY . .\nCOPY package.json package-lock.json ./\nCOPY src/ /app/src\n\
             COPY tool.tgz /tmp/\nCOPY --from=build /out/bin /usr/local/bin/app\nADD https://x/y/z.tar.gz /opt/\n\
             COPY <<EOF /etc/motd\nhi\nEOF\n",
        );
        let model = Model::build(&df);
        let created: Vec<Vec<String>> = model.stages[0]
            .steps
            .iter()
            .skip(1)
            .map(paths_created)
            .collect();
        assert_eq!(
            created,
            [
                vec!["/app".to_string()],
                vec![
                    "/app/package.json".to_string(),
                    "/app/package-lock.json".to_string()
                ],
                vec!["/app/src".to_string()],
                vec!["/tmp/tool.tgz".to_string()],
                vec!["/usr/local/bin/app".to_string()],
                vec!["/opt/z.tar.gz".to_string()],
                vec!["/etc/motd".to_string()],
            ]
        );
        let inputs = &model.stages[0].steps[5].effects.as_ref().unwrap().inputs;
        assert!(matches!(&inputs[0], Input::Stage { from, .. } if from == "build"));
    }

    #[test]
    fn users_set_the_home_directory() {
        let df = parse("FROM alpine\nRUN a\nUSER app:app\nRUN b\nENV HOME=/srv/home\nRUN c\n");
        let model = Model::build(&df);
        let homes: Vec<Option<&str>> = model.stages[0]
            .steps
            .iter()
            .filter(|s| s.creates_layer())
            .map(|s| s.home())
            .collect();
        assert_eq!(homes, [Some("/root"), Some("/home/app"), Some("/srv/home")]);
    }
}
