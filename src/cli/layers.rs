//! `layerlint layers`: the advisor's table for one Dockerfile, and the cache simulation.

mod build;

use super::Exit;
use super::args::{BuilderKind, Cli, Command, LayersArgs, LayersFormat};
use super::check::{build_context, check_context_dir, directory_of};
use super::output::{ColorPolicy, is_closed_pipe, print_error};
use super::settings;
use clap::Parser;
use layerlint::LintOptions;
use layerlint::advisor::render::{self, Built, Header, Simulated};
use layerlint::advisor::{Builder, Change, plan_source};
use layerlint::files::{self, Input, STDIN_PATH};
use layerlint::project::BuildContext;
use layerlint::project::builds::{Build, Builds};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

pub fn run(args: &LayersArgs, color: ColorPolicy) -> Exit {
    match layers(args, color) {
        Ok(()) => Exit::Clean,
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Trouble
        }
    }
}

fn layers(args: &LayersArgs, color: ColorPolicy) -> Result<(), String> {
    if let Some(dir) = &args.context {
        check_context_dir(dir)
            .map_err(|reason| format!("--context {}: {reason}", dir.display()))?;
    }
    let input = if args.file.as_os_str() == STDIN_PATH {
        Input::Stdin
    } else {
        Input::Path(args.file.clone())
    };
    let build_args = parse_build_args(&args.build_args)?;
    let file = files::load(&input, None).map_err(|err| err.to_string())?;
    let builds = project_builds(&input, args.context.is_some());
    for warning in &builds.warnings {
        eprintln!("warning: {warning}");
    }
    let build = build::choose(&input, &builds, args.build.as_deref())?;
    let (context, context_dir) = match (build, &input) {
        (Some(build), Input::Path(path)) => (
            BuildContext::for_dockerfile(&build.context, path),
            Some(relative_to_cwd(&build.context)),
        ),
        _ => (
            build_context(&input, args.context.as_deref()),
            context_dir(&input, args.context.as_deref()),
        ),
    };
    let mut changed = args.changed.clone();
    if let Some(rev) = &args.since {
        let dir = context_dir
            .as_deref()
            .ok_or("--since needs a build context (--context DIR)")?;
        changed.extend(git_changes(dir, rev)?);
    }
    // `--target` wins over the build's target, as `--context` does over its context.
    let target = args
        .target
        .clone()
        .or_else(|| build.and_then(|b| b.target.clone()));
    let options = LintOptions {
        build_args: build.map(|b| b.args.clone()).unwrap_or_default(),
        target: target.clone(),
        ..options(&input, context)?
    };
    let builder = match args.builder {
        BuilderKind::Buildkit => Builder::BuildKit,
        BuilderKind::Buildah => Builder::Buildah,
    };
    let simulating = !changed.is_empty() || !build_args.is_empty() || args.since.is_some();
    let change = simulating.then(|| Change {
        paths: changed.clone(),
        build_args: build_args.clone(),
        builder,
    });
    let plan = plan_source(&file.text, &options, target.as_deref(), change.as_ref()).ok_or_else(
        || match (&target, build) {
            (Some(target), Some(build)) if args.target.is_none() => format!(
                "{}: target {target}: no such stage in {}",
                build.via(),
                file.name
            ),
            (Some(target), _) => format!("--target {target}: no such stage in {}", file.name),
            (None, _) => format!("{}: no FROM, so no image", file.name),
        },
    )?;
    let via = build.map(Build::via);
    let built = build.zip(via.as_deref()).map(|(build, via)| Built {
        via,
        args: &build.args,
        target: build.target.as_deref(),
    });
    let context_shown = context_dir.as_ref().map(|d| d.display().to_string());
    let header = Header {
        file: &file.name,
        context: context_shown.as_deref(),
        simulation: simulating.then_some(Simulated {
            builder,
            changed: &changed,
            build_args: &build_args,
        }),
        build: built,
    };
    let text = match args.format {
        LayersFormat::Json => render::json(&plan, &header),
        LayersFormat::Markdown => render::markdown(&plan, &header),
        LayersFormat::Human => render::human(&plan, &header, color.stdout(), terminal_width()),
    };
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()) {
        Err(err) if !is_closed_pipe(&err) => Err(format!("cannot write the output: {err}")),
        _ => Ok(()),
    }
}

/// The builds compose and bake files around the file declare; none with `--context`, which
/// wins, as in `check`, and none for standard input, which has no place in a project.
fn project_builds(input: &Input, explicit_context: bool) -> Builds {
    match input {
        Input::Path(path) if !explicit_context => Builds::around(&[path.as_path()]),
        _ => Builds::default(),
    }
}

/// How `check` would lint the file: its configuration, found the same way, and the context.
pub(super) fn options(
    input: &Input,
    build_context: layerlint::project::BuildContext,
) -> Result<LintOptions, String> {
    let path = match input {
        Input::Path(path) => path.clone(),
        Input::Stdin => PathBuf::from(STDIN_PATH),
    };
    let parsed = Cli::try_parse_from(["layerlint".as_ref(), "check".as_ref(), path.as_os_str()]);
    let Ok(Cli {
        command: Command::Check(check),
        ..
    }) = parsed
    else {
        return Err("cannot read the file's settings".into());
    };
    let resolved = match settings::resolve(&check, std::slice::from_ref(input)) {
        Ok(resolved) => resolved,
        Err(err) => {
            print_error(*err);
            return Err("the configuration file cannot be used".into());
        }
    };
    resolved.errors.into_iter().for_each(print_error);
    let config = resolved
        .settings
        .into_iter()
        .next()
        .flatten()
        .map(|s| s.config)
        .unwrap_or_default();
    Ok(LintOptions {
        build_context,
        config,
        ..LintOptions::default()
    })
}

fn context_dir(input: &Input, context: Option<&Path>) -> Option<PathBuf> {
    match (input, context) {
        (_, Some(dir)) => Some(dir.to_path_buf()),
        (Input::Path(file), None) => Some(directory_of(file).to_path_buf()),
        (Input::Stdin, None) => None,
    }
}

/// A compose or bake context is found as a whole path: shown from the current directory when it
/// is below it, as a context given on the command line would be.
fn relative_to_cwd(dir: &Path) -> PathBuf {
    let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
    let Ok(cwd) = cwd else {
        return dir.to_path_buf();
    };
    match dir.strip_prefix(&cwd) {
        Ok(below) if below.as_os_str().is_empty() => PathBuf::from("."),
        Ok(below) => below.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    }
}

fn parse_build_args(args: &[String]) -> Result<Vec<(String, String)>, String> {
    args.iter()
        .map(|arg| match arg.split_once('=') {
            Some((name, value)) if !name.is_empty() => Ok((name.to_string(), value.to_string())),
            _ => Err(format!("--build-arg {arg}: expected NAME=VALUE")),
        })
        .collect()
}

/// The files `git diff --name-only REV` lists (the work tree against REV: committed, staged and
/// unstaged changes), relative to the context; files outside the context are left out.
fn git_changes(context: &Path, rev: &str) -> Result<Vec<String>, String> {
    let git = |args: &[&str]| -> Result<String, String> {
        let output = Process::new("git")
            .arg("-C")
            .arg(context)
            .args(args)
            .output()
            .map_err(|err| format!("--since: cannot run git: {err}"))?;
        if !output.status.success() {
            return Err(format!(
                "--since {rev}: git {} failed: {}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    };
    // Paths relative to the context directory, whatever the repository's root.
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    let prefix = prefix.trim();
    let names = git(&["diff", "--name-only", "--no-renames", rev, "--"])?;
    Ok(names
        .lines()
        .filter_map(|line| line.strip_prefix(prefix))
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect())
}

/// The terminal's width from `COLUMNS`, else a common default.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(160)
}
