//! LL304's second case: the install's manifests are already copied first, but a copy of
//! sources (`COPY *.py ./`, `COPY src/ ./src/`, `COPY main.go .`) still sits between them and
//! the install, so every source edit re-runs the install. The copy belongs below the install.
//!
//! Precision first: a copy is reported only when nothing between it and the install (the
//! install's own RUN included) may read it, and the install itself reads none of it. When the
//! install may read the sources and the context cannot show it does not (a requirements file
//! that is not in the context may hold `-e .`, an unknown package.json may run install scripts),
//! the finding says "may" and offers no rewrite; when a command may need them (`make`, a local
//! script, `go build`, a file the copy brings named as an argument), there is no finding.

use super::super::{Context, commands};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::paths::{self, is_within};
use crate::model::{Input, Manager, PackageOp, Stage, Step};
use crate::span::Span;
use crate::syntax::shell::CommandRef;
use crate::syntax::{Args, Keyword};

/// What a copy may put into the image.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Area {
    /// A directory's contents: anything under this path.
    Tree(String),
    /// One file.
    File(String),
    /// Files of this directory whose names match the pattern (`*.py`).
    Pattern(String, String),
}

impl Area {
    /// Whether the area may hold `path` (which may itself be a pattern).
    fn holds(&self, path: &str) -> bool {
        match self {
            Area::Tree(dir) => is_within(path, dir),
            Area::File(file) => file == path || paths::matches(path, file),
            Area::Pattern(dir, pattern) => {
                paths::parent(path) == dir && names_may_meet(pattern, paths::file_name(path))
            }
        }
    }

    /// Whether the path is in the area or is a directory above it (`.`, `/app`).
    fn touched_by(&self, path: &str) -> bool {
        let root = match self {
            Area::Tree(dir) | Area::Pattern(dir, _) => dir,
            Area::File(file) => file,
        };
        self.holds(path) || is_within(root, path)
    }

    fn root(&self) -> &str {
        match self {
            Area::Tree(dir) | Area::Pattern(dir, _) => dir,
            Area::File(file) => paths::parent(file),
        }
    }
}

/// Whether a name pattern and a name (or another pattern) may match one file name.
fn names_may_meet(pattern: &str, name: &str) -> bool {
    if !paths::is_glob(name) {
        return paths::matches(&format!("/{pattern}"), &format!("/{name}"));
    }
    // Two `*SUFFIX` patterns meet when one suffix ends the other; anything else may meet.
    match (pattern.strip_prefix('*'), name.strip_prefix('*')) {
        (Some(a), Some(b)) if !paths::is_glob(a) && !paths::is_glob(b) => {
            a.ends_with(b) || b.ends_with(a)
        }
        _ => true,
    }
}

/// A context copy between the manifests and the install.
pub(super) struct SourceCopy<'s, 'a> {
    index: usize,
    step: &'s Step<'a>,
    areas: Vec<Area>,
    /// The ENV and ARG instructions of the stage up to the install.
    stage_vars: Vec<Span>,
}

/// How sure the finding is that the install does not need the copied files.
enum Sure {
    /// It does: no finding.
    Needs,
    Yes,
    /// It may: the reason, for the message.
    May(String),
}

/// Names an install reads beside its manifests, or that hold packages it uses: a copy that
/// may bring one of them is not reported.
const READ_BY_INSTALLS: &[&str] = &[
    "node_modules",
    ".npmrc",
    ".yarnrc",
    ".yarnrc.yml",
    ".yarn",
    ".pnpmfile.cjs",
    "pnpm-workspace.yaml",
    "patches",
    "binding.gyp",
    "vendor",
    ".venv",
    "venv",
    "wheels",
    "wheelhouse",
    "pip.conf",
    "pip.ini",
    ".bundle",
    "Gemfile",
    "Gemfile.lock",
    ".ruby-version",
    ".python-version",
    ".tool-versions",
    "NuGet.config",
    "nuget.config",
    "NuGet.Config",
    "Directory.Build.props",
    "Directory.Build.targets",
    "Directory.Packages.props",
    "global.json",
    "packages",
    ".mvn",
    "settings.xml",
    ".m2",
    "auth.json",
    "deps",
    "_build",
    "config",
    "apps",
    "go.work",
    "go.work.sum",
    "README.md",
    "README.rst",
    "README",
    "LICENSE",
];

/// The copies of sources that sit between the install's manifests and the install at
/// `install_index`, with how sure the rule is; `None` when there is nothing to report.
pub(super) fn check(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    install_index: usize,
    op: &PackageOp,
    reported: &mut Vec<usize>,
) {
    if matches!(op.manager, Manager::Cargo | Manager::Gradle) {
        return;
    }
    let Some(first) = op.reads.first() else {
        return;
    };
    let project = paths::parent(first).to_string();
    // The manifests are in place: the latest copy before the install that brings the first one.
    let Some(placed) = stage.steps[..install_index].iter().rposition(|step| {
        if !matches!(step.instruction.keyword, Keyword::Copy | Keyword::Add) {
            return false;
        }
        match source_areas(cx, step) {
            Some(areas) => areas.iter().any(|a| a.holds(first)),
            None => step
                .effects
                .as_ref()
                .is_some_and(|e| e.creates.iter().any(|c| is_within(first, &c.path))),
        }
    }) else {
        return;
    };
    let install = &stage.steps[install_index];
    let mut copies: Vec<SourceCopy<'_, '_>> = Vec::new();
    for (i, step) in stage
        .steps
        .iter()
        .enumerate()
        .take(install_index)
        .skip(placed + 1)
    {
        let Some(areas) = source_areas(cx, step) else {
            continue;
        };
        let brings_manifest = areas.iter().any(|area| {
            op.reads.iter().any(|r| area.holds(r))
                || READ_BY_INSTALLS
                    .iter()
                    .chain(super::companions(op.manager))
                    .any(|name| area.holds(&paths::normalize(&format!("{project}/{name}"))))
                // A directory's contents poured into the project's directory (or above it)
                // may bring anything.
                || matches!(area, Area::Tree(dir) if is_within(&project, dir))
        });
        if brings_manifest || !areas.iter().all(|a| is_within(a.root(), &project)) {
            continue;
        }
        copies.push(SourceCopy {
            index: i,
            step,
            areas,
            stage_vars: stage.steps[..install_index]
                .iter()
                .filter(|s| matches!(s.instruction.keyword, Keyword::Env | Keyword::Arg))
                .map(|s| s.instruction.span)
                .collect(),
        });
    }
    if copies.is_empty() {
        return;
    }
    // Which copies a step between them and the install (or the install's RUN) may read.
    let mut may_commands: Vec<String> = Vec::new();
    copies.retain(|copy| {
        let mut keep = true;
        for step in &stage.steps[copy.index + 1..=install_index] {
            let skip = if std::ptr::eq(step, install) {
                Some(op.span)
            } else {
                None
            };
            match step_reads(cx, copy, step, skip) {
                Reads::No => {}
                Reads::Maybe(what) => push_unique(&mut may_commands, what),
                Reads::Yes => keep = false,
            }
        }
        keep
    });
    if copies.is_empty() || reported.contains(&copies[0].index) {
        return;
    }
    let sure = match install_may_read(cx, stage, install_index, op, &copies) {
        Sure::Needs => return,
        Sure::May(why) => Sure::May(why),
        Sure::Yes if !may_commands.is_empty() => Sure::May(format!(
            "{} may read them",
            may_commands
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Sure::Yes => Sure::Yes,
    };
    reported.push(copies[0].index);
    report(cx, stage, &copies, install, op, sure);
}

fn push_unique(list: &mut Vec<String>, item: String) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// What a COPY/ADD from the context may put where; `None` for anything else (another stage, a
/// URL, a heredoc, a destination or source that cannot be read).
fn source_areas(cx: &Context<'_, '_>, step: &Step<'_>) -> Option<Vec<Area>> {
    let ins = step.instruction;
    if !matches!(ins.keyword, Keyword::Copy | Keyword::Add) || ins.flag("from").is_some() {
        return None;
    }
    let effects = step.effects.as_ref()?;
    if effects
        .inputs
        .iter()
        .any(|i| !matches!(i, Input::Context { .. }))
    {
        return None;
    }
    let (Args::Words(words) | Args::Json(words)) = &ins.args else {
        return None;
    };
    let (dest_word, sources) = words.split_last()?;
    if sources.is_empty() || sources.iter().any(|w| w.text.starts_with("<<")) {
        return None;
    }
    let escape = cx.dockerfile.escape;
    let dest = step.vars.expand(&dest_word.text, escape)?;
    let dest = dest.trim_matches('"');
    let dest_abs = match (step.workdir(), dest.starts_with('/')) {
        (_, true) => paths::normalize(dest),
        (Some(cwd), false) => paths::resolve(cwd, dest),
        (None, false) => return None,
    };
    let dest_is_dir = dest.ends_with('/')
        || matches!(dest, "." | "..")
        || sources.len() > 1
        || step.workdir() == Some(dest_abs.as_str());
    let mut areas = Vec::new();
    for word in sources {
        let source = step.vars.expand(&word.text, escape)?;
        let source = source.trim_matches('"').trim_start_matches("./");
        if source.contains("..") || source.contains("://") {
            return None;
        }
        let trimmed = source.trim_end_matches('/');
        let name = paths::file_name(trimmed);
        // ADD unpacks a local archive into the destination: anything may land there.
        let archive = [
            ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst",
        ];
        if ins.keyword == Keyword::Add && archive.iter().any(|a| name.ends_with(a)) {
            areas.push(Area::Tree(dest_abs.clone()));
            continue;
        }
        let in_dest = |name: &str| {
            if dest_is_dir {
                paths::normalize(&format!("{dest_abs}/{name}"))
            } else {
                dest_abs.clone()
            }
        };
        if trimmed.is_empty() || trimmed == "." || source.ends_with('/') {
            areas.push(Area::Tree(dest_abs.clone()));
        } else if paths::is_glob(trimmed) {
            let files_only = !paths::is_glob(paths::parent(&format!("/{trimmed}")))
                && name
                    .strip_prefix('*')
                    .is_some_and(|suffix| suffix.starts_with('.') && !paths::is_glob(suffix));
            if files_only {
                areas.push(Area::Pattern(dest_abs.clone(), name.to_string()));
            } else {
                areas.push(Area::Tree(dest_abs.clone()));
            }
        } else {
            let listed = cx
                .build_context
                .list(trimmed)
                .is_some_and(|entries| !entries.is_empty());
            let known_file = cx.build_context.provides(trimmed) == Some(true) && !listed;
            let looks_like_file = name.contains('.');
            if listed {
                areas.push(Area::Tree(dest_abs.clone()));
            } else if known_file || looks_like_file {
                areas.push(Area::File(in_dest(name)));
                if !dest_is_dir && !known_file {
                    // `COPY app.py /app` puts it inside /app when /app is a directory.
                    areas.push(Area::File(paths::normalize(&format!("{dest_abs}/{name}"))));
                }
            } else {
                areas.push(Area::Tree(dest_abs.clone()));
                areas.push(Area::File(in_dest(name)));
            }
        }
    }
    Some(areas)
}

/// The context path a context copy took `image_path` from, when the context provides it.
fn context_path(cx: &Context<'_, '_>, step: &Step<'_>, image_path: &str) -> Option<String> {
    let ins = step.instruction;
    let (Args::Words(words) | Args::Json(words)) = &ins.args else {
        return None;
    };
    let (dest_word, sources) = words.split_last()?;
    let escape = cx.dockerfile.escape;
    let dest = step.vars.expand(&dest_word.text, escape)?;
    let dest = dest.trim_matches('"');
    let dest_abs = match (step.workdir(), dest.starts_with('/')) {
        (_, true) => paths::normalize(dest),
        (Some(cwd), false) => paths::resolve(cwd, dest),
        (None, false) => return None,
    };
    let name = paths::file_name(image_path);
    let relative = image_path
        .strip_prefix(&dest_abs)
        .map(|r| r.trim_start_matches('/').to_string());
    let join = |dir: &str, rest: &str| {
        let dir = dir.trim_end_matches('/');
        if dir.is_empty() || dir == "." {
            rest.to_string()
        } else {
            format!("{dir}/{rest}")
        }
    };
    sources.iter().find_map(|word| {
        let source = step.vars.expand(&word.text, escape)?;
        let source = source
            .trim_matches('"')
            .trim_start_matches("./")
            .to_string();
        let trimmed = source.trim_end_matches('/');
        let candidates: Vec<String> = if paths::is_glob(trimmed) {
            if !names_may_meet(paths::file_name(trimmed), name) {
                return None;
            }
            vec![join(
                paths::parent(&format!("/{trimmed}")).trim_start_matches('/'),
                name,
            )]
        } else if paths::file_name(trimmed) == name || image_path == dest_abs {
            let mut found = vec![trimmed.to_string()];
            if let Some(rel) = &relative {
                found.push(join(trimmed, rel));
            }
            found
        } else {
            relative.iter().map(|rel| join(trimmed, rel)).collect()
        };
        candidates.into_iter().find(|c| {
            cx.build_context.provides(c) == Some(true)
                && cx.build_context.list(c).is_none_or(|e| e.is_empty())
        })
    })
}

/// Whether a step may read what a copy brings.
enum Reads {
    No,
    /// It may: the command, for the message.
    Maybe(String),
    Yes,
}

fn step_reads(
    cx: &Context<'_, '_>,
    copy: &SourceCopy<'_, '_>,
    step: &Step<'_>,
    skip: Option<Span>,
) -> Reads {
    // A variable naming a path in the copy (`ENV PATH=/app/bin:$PATH`, `PIP_FIND_LINKS=…`)
    // lets any command read it.
    let named_by_var = step.vars.iter().any(|var| {
        var.value
            .as_deref()
            .is_some_and(|value| names_copied_path(copy, value))
    }) || copy_env_texts(cx, copy).any(|text| names_copied_path(copy, text));
    match step.instruction.keyword {
        Keyword::Run if named_by_var => Reads::Yes,
        Keyword::Run => run_reads(cx, copy, step, skip),
        Keyword::Copy | Keyword::Add => Reads::No,
        keyword if keyword.only_configures() => Reads::No,
        _ => Reads::Yes,
    }
}

fn names_copied_path(copy: &SourceCopy<'_, '_>, value: &str) -> bool {
    value.split([':', ' ', '=', '"', '\'', ';']).any(|part| {
        part.starts_with('/') && copy.areas.iter().any(|a| a.holds(&paths::normalize(part)))
    })
}

/// The text of the ENV and ARG instructions of the copy's stage (their values may not expand).
fn copy_env_texts<'c>(
    cx: &'c Context<'_, '_>,
    copy: &'c SourceCopy<'_, '_>,
) -> impl Iterator<Item = &'c str> + 'c {
    copy.stage_vars.iter().map(|span| cx.text(*span))
}

fn run_reads(
    cx: &Context<'_, '_>,
    copy: &SourceCopy<'_, '_>,
    step: &Step<'_>,
    skip: Option<Span>,
) -> Reads {
    let scripts: Vec<_> = cx.model.scripts_of(step.instruction).collect();
    if scripts.is_empty() {
        return Reads::Maybe(first_words(cx.text(step.instruction.span)));
    }
    let mut verdict = Reads::No;
    for run in &scripts {
        let Some(script) = &run.script else {
            return Reads::Maybe(first_words(cx.text(step.instruction.span)));
        };
        if script.has_opaque() || script.defines_functions() {
            return Reads::Maybe(first_words(cx.text(step.instruction.span)));
        }
        // The working directory, followed through top-level `cd`s; unknown after any other.
        let mut cwd: Option<String> = step.workdir().map(str::to_string);
        for c in script.simple_commands() {
            let span = run.file_span(c.command.span);
            if skip.is_some_and(|s| s.start <= span.start && span.end <= s.end) {
                // The install reads its manifests; an option naming a copied path
                // (`--find-links pkgs`) is another matter.
                match argument_reads(copy, &c, cwd.as_deref()) {
                    Some(Reads::Yes) => return Reads::Yes,
                    Some(Reads::Maybe(what)) if matches!(verdict, Reads::No) => {
                        verdict = Reads::Maybe(what);
                    }
                    _ => {}
                }
                continue;
            }
            if c.is("cd") {
                let target = c.args().first().and_then(|w| c.literal(w));
                let nested = c.context.in_subshell
                    || c.context.in_pipeline
                    || c.context.in_compound
                    || c.context.in_function;
                cwd = match (target, &cwd) {
                    _ if nested => None,
                    (Some(t), _) if t.starts_with('/') => Some(paths::normalize(&t)),
                    (Some(t), Some(w)) if !t.contains('$') => Some(paths::resolve(w, &t)),
                    _ => None,
                };
                if let Some(dir) = &cwd {
                    if copy.areas.iter().any(|a| a.holds(dir)) {
                        return Reads::Yes;
                    }
                }
                continue;
            }
            match command_reads(copy, &c, cwd.as_deref()) {
                Reads::No => {}
                Reads::Yes => return Reads::Yes,
                Reads::Maybe(what) => {
                    if matches!(verdict, Reads::No) {
                        verdict = Reads::Maybe(what);
                    }
                }
            }
        }
    }
    verdict
}

fn first_words(text: &str) -> String {
    text.split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Commands that read no files but those their arguments name.
const READ_ONLY_ARGS: &[&[&str]] = &[
    commands::SYSTEM_PACKAGES,
    commands::FILES,
    commands::SHELL,
    commands::SYSTEM_SETUP,
    commands::DOWNLOADS,
    &[
        "dpkg",
        "rpm",
        ":",
        "unset",
        "update-alternatives",
        "localedef",
        "virtualenv",
        "corepack",
        "cat",
        "sed",
        "cp",
        "mv",
        "tar",
        "unzip",
        "gunzip",
        "tee",
        "sleep",
        "which",
        "id",
        "test",
        "[",
        "conda",
        "mamba",
        "micromamba",
        "gpg",
        "dirmngr",
        "fc-cache",
        "dpkg-reconfigure",
        "rustup",
        "nvm",
    ],
];

/// Commands that read the sources of their working directory (or run a build that does).
const READS_SOURCES: &[&str] = &[
    "make",
    "gmake",
    "cmake",
    "ninja",
    "meson",
    "gcc",
    "g++",
    "cc",
    "clang",
    "javac",
    "mvn",
    "mvnw",
    "gradle",
    "gradlew",
    "ant",
    "cargo",
    "tsc",
    "webpack",
    "vite",
    "esbuild",
    "rollup",
    "parcel",
    "babel",
    "eslint",
    "prettier",
    "jest",
    "mocha",
    "npx",
    "pytest",
    "tox",
    "nox",
    "flake8",
    "black",
    "mypy",
    "ruff",
    "pylint",
    "coverage",
    "sphinx-build",
    "mkdocs",
    "django-admin",
    "alembic",
    "rake",
    "rails",
    "find",
    "rsync",
    "zip",
    "git",
    "patch",
    "protoc",
    "buf",
    "hugo",
    "jekyll",
    "bazel",
    "swift",
    "dotnet",
    "go",
    "ruby",
    "php",
    "perl",
    "node",
    "deno",
    "bun",
    "java",
    "sh",
    "bash",
    "dash",
    "zsh",
    "source",
    ".",
    "xargs",
    "env",
    "sudo",
    "su",
    "exec",
    "eval",
];

/// Whether the command's name or an argument names a copied file or a directory above one.
fn argument_reads(
    copy: &SourceCopy<'_, '_>,
    c: &CommandRef<'_>,
    cwd: Option<&str>,
) -> Option<Reads> {
    let name = c.name()?;
    let args: Vec<String> = c
        .args()
        .iter()
        .map(|w| c.literal(w).map(|t| t.into_owned()).unwrap_or_default())
        .collect();
    // The command itself is a copied file, or a local script.
    if !name.starts_with('/') && name.contains('/') {
        return Some(Reads::Yes);
    }
    // An argument names a copied file or a directory above one.
    for arg in std::iter::once(name.as_ref()).chain(args.iter().map(String::as_str)) {
        let value = arg.split_once('=').map_or(arg, |(_, v)| v);
        if value.is_empty() || value.starts_with('-') || value.contains("://") {
            continue;
        }
        let absolute = if value.starts_with('/') {
            Some(paths::normalize(value))
        } else {
            cwd.map(|w| paths::resolve(w, value))
        };
        match absolute {
            Some(path) if copy.areas.iter().any(|a| a.touched_by(&path)) => {
                // `mkdir -p /app` or `cd /app` above the copy reads nothing in it.
                let above_only = !copy.areas.iter().any(|a| a.holds(&path));
                if !(above_only
                    && matches!(
                        c.basename().as_deref(),
                        Some("mkdir" | "useradd" | "adduser")
                    ))
                {
                    return Some(Reads::Yes);
                }
            }
            None if value.contains(['/', '.']) || paths::is_glob(value) => {
                return Some(Reads::Maybe(first_words(c.text(c.command.span))));
            }
            _ => {}
        }
    }
    None
}

fn command_reads(copy: &SourceCopy<'_, '_>, c: &CommandRef<'_>, cwd: Option<&str>) -> Reads {
    if c.name().is_none() {
        // A bare assignment runs nothing.
        return Reads::No;
    }
    let args: Vec<String> = c
        .args()
        .iter()
        .map(|w| c.literal(w).map(|t| t.into_owned()).unwrap_or_default())
        .collect();
    if let Some(reads) = argument_reads(copy, c, cwd) {
        return reads;
    }
    let base = c.basename().unwrap_or_default();
    let has = |a: &str| args.iter().any(|x| x == a);
    let pip_reads_only_args = |args: &[String]| {
        args.iter()
            .all(|a| !matches!(a.as_str(), "." | "-e" | "--editable") && !a.starts_with("-e"))
    };
    let in_copy = cwd.is_some_and(|w| {
        copy.areas
            .iter()
            .any(|a| a.touched_by(w) || is_within(a.root(), w))
    });
    let known_clean = match base.as_ref() {
        n if commands::any_of(n, READ_ONLY_ARGS) => true,
        "export" => args.iter().all(|a| a.contains('=')),
        "pip" | "pip3" => pip_reads_only_args(&args),
        "uv" => match args.split_first() {
            Some((first, _)) if first == "venv" => true,
            Some((first, rest)) if first == "pip" => pip_reads_only_args(rest),
            _ => false,
        },
        "python" | "python3" => match args.as_slice() {
            [m, module, rest @ ..] if m == "-m" && module == "pip" => pip_reads_only_args(rest),
            [m, module, ..]
                if m == "-m" && matches!(module.as_str(), "venv" | "virtualenv" | "ensurepip") =>
            {
                true
            }
            [v] if v == "--version" || v == "-V" => true,
            _ => false,
        },
        "npm" => {
            (has("-g") || has("--global"))
                || args.first().is_some_and(|a| {
                    matches!(a.as_str(), "config" | "cache" | "set" | "--version" | "-v")
                })
        }
        "yarn" | "pnpm" => args.first().is_some_and(|a| {
            matches!(
                a.as_str(),
                "global" | "config" | "cache" | "--version" | "-v"
            )
        }),
        "gem" => args
            .first()
            .is_some_and(|a| a == "install" || a == "update"),
        "go" => matches!(
            args.iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice(),
            ["version" | "env", ..] | ["mod", "download" | "verify", ..]
        ),
        "node" => matches!(args.as_slice(), [v] if v == "--version" || v == "-v"),
        _ => false,
    };
    if known_clean {
        return Reads::No;
    }
    // A script read from standard input (`curl … | python`) is not one the copy brings, but
    // it runs in the working directory and may read anything.
    let from_stdin = matches!(base.as_ref(), "python" | "python3" | "sh" | "bash")
        && args
            .iter()
            .all(|a| a.starts_with('-') && !matches!(a.as_str(), "-m" | "-c"));
    if from_stdin {
        return Reads::Maybe(first_words(c.text(c.command.span)));
    }
    let reads_sources = READS_SOURCES.contains(&base.as_ref())
        || base.ends_with(".sh")
        || base.ends_with(".py")
        || matches!(
            base.as_ref(),
            "python"
                | "python3"
                | "npm"
                | "yarn"
                | "pnpm"
                | "bundle"
                | "composer"
                | "poetry"
                | "pipenv"
                | "uv"
                | "pip"
                | "pip3"
        );
    match cwd {
        // Run elsewhere, naming nothing the copy brings, a build reads something else.
        Some(_)
            if !in_copy
                && !matches!(base.as_ref(), "sh" | "bash" | "python" | "python3" | "node")
                && reads_sources =>
        {
            Reads::No
        }
        _ if reads_sources => Reads::Yes,
        _ => Reads::Maybe(first_words(c.text(c.command.span))),
    }
}

/// Whether the install itself may read what the copies bring: its manifests (when the context
/// shows them) name no local path and run no scripts.
fn install_may_read(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    install_index: usize,
    op: &PackageOp,
    copies: &[SourceCopy<'_, '_>],
) -> Sure {
    let command = cx.text(op.span);
    let words: Vec<&str> = command.split_whitespace().collect();
    let has_dirs = copies
        .iter()
        .any(|c| c.areas.iter().any(|a| matches!(a, Area::Tree(_))));
    let first = op.reads.first().map(String::as_str).unwrap_or("");
    // The text of a manifest in the context, found through the copy that put it in place.
    let context_text = |image_path: &str| -> Option<String> {
        let step = stage.steps[..install_index].iter().rev().find(|step| {
            source_areas(cx, step).is_some_and(|areas| areas.iter().any(|a| a.holds(image_path)))
        })?;
        let path = context_path(cx, step, image_path)?;
        cx.build_context.read(&path)
    };
    let unknown = |what: &str, risk: &str| {
        Sure::May(format!(
            "{what} is not in the build context, so it may {risk}"
        ))
    };
    match op.manager {
        Manager::Uv if first.ends_with("/pyproject.toml") => {
            project_install(op, command, first, context_text(first))
        }
        Manager::Poetry | Manager::Pipenv => {
            project_install(op, command, first, context_text(first))
        }
        Manager::Pip | Manager::Uv => {
            if op.packages.iter().any(|p| local_spec(p)) {
                return Sure::Needs;
            }
            for read in &op.reads {
                let file = paths::file_name(read);
                let Some(text) = context_text(read) else {
                    return unknown(file, "install a local path (`-e .`)");
                };
                if text.lines().any(requirement_is_local) {
                    return Sure::Needs;
                }
                // A requirements file it includes may be one the copies bring.
                for line in text.lines() {
                    let words: Vec<&str> = line.split_whitespace().collect();
                    let included = match words.as_slice() {
                        [o, v, ..]
                            if matches!(*o, "-r" | "-c" | "--requirement" | "--constraint") =>
                        {
                            Some(*v)
                        }
                        [o, ..] if o.starts_with("-r") && o.len() > 2 => Some(&o[2..]),
                        [o, ..] => o.split_once('=').and_then(|(k, v)| {
                            matches!(k, "--requirement" | "--constraint").then_some(v)
                        }),
                        [] => None,
                    };
                    if let Some(file) = included {
                        let path = paths::resolve(paths::parent(read), file);
                        if copies
                            .iter()
                            .any(|c| c.areas.iter().any(|a| a.holds(&path)))
                        {
                            return Sure::Needs;
                        }
                    }
                }
            }
            Sure::Yes
        }
        Manager::Npm | Manager::Yarn | Manager::Pnpm => {
            let Some(text) = context_text(first) else {
                return unknown("package.json", "run install scripts that read the sources");
            };
            let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
                return Sure::May("package.json could not be read".into());
            };
            if let Some(scripts) = json.get("scripts").and_then(|s| s.as_object()) {
                for hook in [
                    "preinstall",
                    "install",
                    "postinstall",
                    "prepare",
                    "prepublish",
                ] {
                    if scripts.contains_key(hook) {
                        return Sure::May(format!(
                            "package.json has a `{hook}` script, which the install runs"
                        ));
                    }
                }
            }
            if json.get("workspaces").is_some() {
                return Sure::Needs;
            }
            let local = ["dependencies", "devDependencies", "optionalDependencies"]
                .iter()
                .filter_map(|k| json.get(k).and_then(|d| d.as_object()))
                .flat_map(|d| d.values())
                .filter_map(|v| v.as_str())
                .any(|v| {
                    v.starts_with("file:")
                        || v.starts_with("link:")
                        || v.starts_with("portal:")
                        || v.starts_with('.')
                        || v.starts_with('/')
                });
            if local {
                return Sure::Needs;
            }
            Sure::Yes
        }
        Manager::Go => match context_text(first) {
            Some(text) if text.contains("=> ./") || text.contains("=> ../") => Sure::Needs,
            Some(_) => Sure::Yes,
            None if has_dirs => unknown(
                "go.mod",
                "replace a module with a directory the copy brings",
            ),
            // A file is never a module directory.
            None => Sure::Yes,
        },
        Manager::Bundle => match context_text(first) {
            Some(text)
                if [
                    "gemspec",
                    "path:",
                    ":path",
                    "eval_gemfile",
                    "require_relative",
                    "File.",
                ]
                .iter()
                .any(|w| text.contains(w)) =>
            {
                Sure::Needs
            }
            Some(_) => Sure::Yes,
            None => unknown("Gemfile", "read a gemspec or a local path"),
        },
        Manager::Composer => {
            if !(words.contains(&"--no-scripts") && words.contains(&"--no-autoloader")) {
                return Sure::May(
                    "composer install runs scripts and builds the autoloader from the sources"
                        .into(),
                );
            }
            match context_text(first) {
                Some(text) if text.contains("\"path\"") => Sure::Needs,
                Some(_) => Sure::Yes,
                None if has_dirs => unknown("composer.json", "name a path repository"),
                None => Sure::Yes,
            }
        }
        Manager::Dotnet | Manager::Maven if has_dirs => Sure::May(format!(
            "a copied directory may hold {} the restore reads",
            if op.manager == Manager::Dotnet {
                "projects or .props files"
            } else {
                "module poms"
            }
        )),
        Manager::Dotnet | Manager::Maven => Sure::Yes,
        Manager::Mix => Sure::May("mix.exs is code and may read other files".into()),
        _ => Sure::May("the install may read other files".into()),
    }
}

/// `poetry install`, `uv sync`, `pipenv install`: the project file may name local paths, and
/// without `--no-root` / `--no-install-project` the project itself is installed.
fn project_install(op: &PackageOp, command: &str, first: &str, text: Option<String>) -> Sure {
    if op.manager != Manager::Pipenv && super::installs_project_flag(command).is_some() {
        return Sure::Needs;
    }
    let name = paths::file_name(first);
    match text {
        Some(text) if text.contains("path =") || text.contains("path=") => Sure::Needs,
        Some(_) => Sure::Yes,
        None => Sure::May(format!(
            "{name} is not in the build context, so it may name a local path"
        )),
    }
}

/// A pip package argument that is a local path.
fn local_spec(spec: &str) -> bool {
    spec == "."
        || spec.starts_with("./")
        || spec.starts_with("../")
        || spec.starts_with('/')
        || spec.starts_with("file:")
        || (spec.contains('/') && !spec.contains("://") && !spec.contains('@'))
}

/// A requirements line that installs or finds packages in a local path.
fn requirement_is_local(line: &str) -> bool {
    let line = line.split(" #").next().unwrap_or("").trim();
    if line.is_empty() || line.starts_with('#') {
        return false;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        [opt, ..] if matches!(*opt, "-e" | "--editable") => true,
        [opt, value, ..] if matches!(*opt, "-f" | "--find-links") => !value.contains("://"),
        [opt, ..] if opt.starts_with("--find-links=") => !opt.contains("://"),
        [opt, ..] if opt.starts_with('-') => false,
        [spec, ..] => {
            local_spec(spec)
                || spec.ends_with(".whl")
                || spec.ends_with(".tar.gz")
                || spec.ends_with(".zip")
                || line.contains("@ file:")
        }
        [] => false,
    }
}

fn report(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    copies: &[SourceCopy<'_, '_>],
    install: &Step<'_>,
    op: &PackageOp,
    sure: Sure,
) {
    let first = &copies[0];
    let copy_text = cx.text(first.step.instruction.span).to_string();
    let install_line = cx.line_of(install.instruction.span);
    let command = cx.first_words(op.span, 6);
    let rebuilt = stage.layers_from(first.index);
    let others = match copies.len() {
        1 => String::new(),
        2 => {
            " (and the COPY on line ".to_string()
                + &cx.line_of(copies[1].step.instruction.span).to_string()
                + ")"
        }
        n => format!(" (and {} more copies)", n - 1),
    };
    let them = if copies.len() == 1 {
        "it copies"
    } else {
        "they copy"
    };
    let mut message = match &sure {
        Sure::Yes => format!(
            "`{copy_text}`{others} comes between the manifests and `{command}` on line {install_line}, which does not read what {them}: a change to any of those files misses the cache here, so {rebuilt} layers re-run, the install's among them; copy them after the install"
        ),
        _ => format!(
            "`{copy_text}`{others} comes between the manifests and `{command}` on line {install_line}, which may not need what {them}: if it does not, a change to any of those files re-runs {rebuilt} layers, the install's among them; copy them after the install"
        ),
    };
    let fix = match &sure {
        Sure::May(why) => Err(why.clone()),
        _ => rewrite(cx, stage, copies, install),
    };
    if let Err(why) = &fix {
        message.push_str(&format!("; no rewrite is offered: {why}"));
    }
    let diagnostic = cx.report(first.step.instruction.span, message);
    for copy in &copies[1..] {
        diagnostic.label(copy.step.instruction.span, "also copied before the install");
    }
    diagnostic.label(
        install.instruction.span,
        "re-runs on every change to what the COPY above brings",
    );
    diagnostic.fix = fix.ok();
}

/// The copies, moved in order to just after the install's RUN. Unsafe like LL304's other
/// rewrites: a command the model cannot see into may still read them.
fn rewrite(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    copies: &[SourceCopy<'_, '_>],
    install: &Step<'_>,
) -> Result<Fix, String> {
    let install_ins = install.instruction;
    let install_index = stage
        .steps
        .iter()
        .position(|s| std::ptr::eq(s.instruction, install_ins))
        .ok_or("the install is not in the stage")?;
    let mut moved = String::new();
    let mut edits = Vec::new();
    for copy in copies {
        let ins = copy.step.instruction;
        if ins.flags().iter().any(|f| cx.text(f.span).contains('$'))
            || cx.text(ins.span).contains('$')
        {
            return Err("the COPY uses variables".into());
        }
        if copy.step.workdir() != install.workdir() {
            let (Args::Words(words) | Args::Json(words)) = &ins.args else {
                return Err("the COPY could not be read".into());
            };
            if words.last().is_some_and(|d| !d.text.starts_with('/')) {
                return Err("its destination is relative to a working directory that changes before the install".into());
            }
        }
        // A later copy or RUN output over the same paths must keep its order.
        for step in &stage.steps[copy.index + 1..install_index] {
            if copies.iter().any(|c| std::ptr::eq(c.step, step)) {
                continue;
            }
            let overlaps = step.effects.as_ref().is_some_and(|e| {
                e.creates.iter().any(|c| {
                    copy.areas
                        .iter()
                        .any(|a| a.holds(&c.path) || is_within(a.root(), &c.path))
                })
            });
            if overlaps && matches!(step.instruction.keyword, Keyword::Copy | Keyword::Add) {
                return Err(format!(
                    "the COPY on line {} writes to the same place",
                    cx.line_of(step.instruction.span)
                ));
            }
        }
        let mut text = cx.text(ins.lines).to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        moved.push_str(&text);
        edits.push(Edit {
            span: ins.lines,
            content: String::new(),
        });
    }
    let end = install_ins.lines.end as usize;
    if !cx.dockerfile.source[..end].ends_with('\n') {
        moved = format!("\n{}", moved.trim_end_matches('\n'));
    }
    edits.push(Edit {
        span: Span::empty(end),
        content: moved,
    });
    let title = if copies.len() == 1 {
        format!(
            "Move `{}` below the install",
            cx.text(copies[0].step.instruction.span)
        )
    } else {
        format!("Move {} copies below the install", copies.len())
    };
    Ok(Fix {
        title,
        applicability: Applicability::Unsafe,
        edits,
    })
}
