//! LL308 build-tools-in-final-stage
//!
//! Compilers, `-dev` headers and `build-essential` installed in a stage that ships stay in the
//! image, though the file uses them only to build. A builder stage that compiles, and a final
//! stage that copies the result, leaves them out. The rule reports only with evidence on all
//! counts: a system package install of known build tools in a stage that ships, nothing in the
//! image's stages removing packages of that manager afterwards, a later command that builds
//! (make, a compiler, `go build`, `cargo build`, pip or npm installing packages that may compile),
//! and an image that runs a program (a `CMD` or `ENTRYPOINT` that is not a bare shell): a
//! development or CI image, whose tools are its purpose, usually runs a shell or nothing.

use super::runs::Cmd;
use super::{Context, Rule};
use crate::model::{Base, Manager, PackageAction, PackageOp, Stage};
use crate::span::Span;
use crate::syntax::{Args, Keyword};
use std::collections::HashMap;

mod shape;

pub struct BuildToolsInFinalStage;

/// Where in the image's steps something happens: stage, step, byte offset.
type At = (usize, usize, u32);

impl Rule for BuildToolsInFinalStage {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let shipping: Vec<&Stage<'_>> = cx.model.stages.iter().filter(|s| s.ships).collect();
        if shipping.is_empty() || !runs_a_program(&shipping) || compiles_at_run_time(&shipping) {
            return;
        }
        let builds = builds(cx, &shipping);
        let removals = last_removals(&shipping);
        let mut found: Vec<(Span, String, crate::diagnostic::Fix)> = Vec::new();
        for stage in &shipping {
            for (index, step) in stage.layers() {
                let Some(effects) = step.effects.as_deref() else {
                    continue;
                };
                for op in &effects.packages {
                    let tools = build_tools(op);
                    if tools.is_empty() {
                        continue;
                    }
                    let at = (stage.index, index, op.span.start);
                    if removals
                        .get(&op.manager)
                        .is_some_and(|removal| *removal > at)
                    {
                        continue;
                    }
                    // `builds` is in file order: the first build after the install, found by a
                    // binary search (a scan per install would be quadratic in a long file).
                    let next = builds.partition_point(|(build_at, _, _)| *build_at <= at);
                    let Some((_, build_span, build_name)) = builds.get(next) else {
                        continue;
                    };
                    let message = format!(
                        "this install puts build tools ({}) in a stage that ships, and nothing \
                         removes them; the file uses them to build (`{build_name}` on line {}): a \
                         builder stage that builds, and a final stage that copies only the \
                         result, may leave them out of the image (unless the program needs them \
                         at run time)",
                        shown(&tools),
                        cx.line_of(*build_span),
                    );
                    let sketch = shape::suggestion(cx, stage, op.span, *build_span);
                    found.push((op.span, message, sketch));
                }
            }
        }
        for (span, message, sketch) in found {
            cx.report(span, message).fix = Some(sketch);
        }
    }
}

/// Whether the image is built to compile code at run time, so its build tools are not waste:
/// it starts from a CUDA `devel` image or installs the CUDA compiler (kernels compiled just in
/// time, by Triton or NVRTC, need a host compiler and headers), or it installs `kmod` or `dkms`
/// (a kernel module is built against the kernel the container runs on).
fn compiles_at_run_time(shipping: &[&Stage<'_>]) -> bool {
    let devel_base = shipping.iter().any(|stage| match &stage.base {
        Base::Image(Some(name)) => {
            let name = name.to_ascii_lowercase();
            name.contains("cuda") && name.contains("devel")
        }
        _ => false,
    });
    const RUN_TIME_COMPILERS: &[&str] = &[
        "cuda-nvcc",
        "cuda-toolkit",
        "nvidia-cuda-toolkit",
        "cuda-nvrtc",
        "kmod",
        "dkms",
    ];
    let installed = shipping
        .iter()
        .flat_map(|stage| stage.layers())
        .any(|(_, step)| {
            step.effects.as_deref().is_some_and(|effects| {
                effects.packages.iter().any(|op| {
                    op.action == PackageAction::Install
                        && op.packages.iter().any(|name| {
                            RUN_TIME_COMPILERS
                                .iter()
                                .any(|prefix| name.starts_with(prefix))
                        })
                })
            })
        });
    devel_base || installed
}

/// The first few tools, for the message.
fn shown(tools: &[String]) -> String {
    const SHOWN: usize = 4;
    let mut text = tools
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if tools.len() > SHOWN {
        text.push_str(&format!(" and {} more", tools.len() - SHOWN));
    }
    text
}

/// The build tools a system package install installs, as written.
fn build_tools(op: &PackageOp) -> Vec<String> {
    if !op.manager.is_system() || op.action != PackageAction::Install {
        return Vec::new();
    }
    op.packages
        .iter()
        .filter(|spec| is_build_tool(spec))
        .cloned()
        .collect()
}

/// Whether a package spec (`gcc`, `libpq-dev=15.4-1`, `gcc-c++`, `g++-12:amd64`) names a
/// compiler, a build system or a development package.
fn is_build_tool(spec: &str) -> bool {
    let name = spec
        .split(['=', '<', '>', '~'])
        .next()
        .unwrap_or("")
        .split(':')
        .next()
        .unwrap_or("")
        .trim_matches(['"', '\''])
        .to_ascii_lowercase();
    const TOOLS: &[&str] = &[
        "build-essential",
        "build-base",
        "gcc",
        "g++",
        "gcc-c++",
        "cpp",
        "clang",
        "gfortran",
        "make",
        "cmake",
        "autoconf",
        "automake",
        "libtool",
        "pkg-config",
        "pkgconf",
        "pkgconfig",
        "ninja-build",
        "meson",
        "linux-headers",
        "kernel-headers",
        "kernel-devel",
        "golang",
        "golang-go",
        "rustc",
        "cargo",
    ];
    // Versioned compilers: gcc-12, g++-11, clang-15.
    let versioned = ["gcc-", "g++-", "clang-"].iter().any(|prefix| {
        name.strip_prefix(prefix).is_some_and(|rest| {
            !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit() || c == '.')
        })
    });
    let development = (name.ends_with("-dev") || name.ends_with("-devel")) && name.len() > 5;
    TOOLS.contains(&name.as_str()) || versioned || development
}

/// Where each manager last removes a package in the image's stages. An install followed by a
/// removal of the same manager is not reported: the tools may be among what it removes (`apk
/// del .build-deps`, `apt-get purge gcc`), and the rule does not guess.
fn last_removals(shipping: &[&Stage<'_>]) -> HashMap<Manager, At> {
    let mut last = HashMap::new();
    for stage in shipping {
        for (index, step) in stage.layers() {
            let Some(effects) = step.effects.as_deref() else {
                continue;
            };
            for op in &effects.packages {
                if op.action == PackageAction::Remove {
                    last.insert(op.manager, (stage.index, index, op.span.start));
                }
            }
        }
    }
    last
}

/// The commands of the image's stages that build, in order: where, the command's span, and its
/// first words for the message.
fn builds(cx: &Context<'_, '_>, shipping: &[&Stage<'_>]) -> Vec<(At, Span, String)> {
    let runs = cx.runs();
    let mut found = Vec::new();
    for stage in shipping {
        for (index, step) in stage.layers() {
            if step.instruction.keyword != Keyword::Run {
                continue;
            }
            for run in runs.of(step.instruction) {
                for command in cx.commands(run).iter() {
                    if let Some(words) = building(command) {
                        let span = run.file_span(command.span);
                        found.push(((stage.index, index, span.start), span, words));
                    }
                }
            }
        }
    }
    found.sort_by_key(|(at, _, _)| *at);
    found
}

/// The command's name and subcommand when it builds something, or installs packages that may
/// compile native code.
fn building(command: &Cmd<'_>) -> Option<String> {
    let name: &str = &command.name;
    let first = command.args.first().map(|word| command.text(word));
    let first = first.as_deref().unwrap_or("");
    let builds = match name {
        "make" | "gmake" | "cmake" | "ninja" | "meson" | "gcc" | "g++" | "cc" | "c++" | "clang"
        | "clang++" | "configure" | "node-gyp" => true,
        "go" | "cargo" => matches!(first, "build" | "install"),
        // A global install (`npm install -g mocha`) adds a tool, not the project's dependencies.
        "npm" | "pnpm" => {
            matches!(first, "ci" | "install" | "i")
                && !command.args.iter().any(|word| {
                    matches!(
                        command.text(word).as_ref(),
                        "-g" | "--global" | "--location=global"
                    )
                })
        }
        "yarn" => matches!(first, "" | "install"),
        "bundle" => first == "install",
        "gem" => first == "install",
        _ if name.starts_with("pip") => first == "install" && installs_packages(command, 1),
        _ if name.starts_with("python") => {
            let arg = |at: usize| command.args.get(at).map(|w| command.text(w));
            first == "setup.py"
                || (first == "-m"
                    && arg(1).as_deref() == Some("pip")
                    && arg(2).as_deref() == Some("install")
                    && installs_packages(command, 3))
        }
        _ => false,
    };
    builds.then(|| match first {
        "" => name.to_string(),
        _ if first.starts_with('-') && first != "-m" => name.to_string(),
        _ => format!("{name} {first}"),
    })
}

/// Whether a pip install from argument `from` on installs something besides pip's own
/// packaging tools (upgrading pip, setuptools or wheel compiles nothing).
fn installs_packages(command: &Cmd<'_>, from: usize) -> bool {
    const PACKAGING: &[&str] = &[
        "pip",
        "setuptools",
        "wheel",
        "uv",
        "virtualenv",
        "pipenv",
        "poetry",
    ];
    command.args.iter().skip(from).any(|word| {
        let text = command.text(word);
        let name = text
            .trim_matches(['"', '\''])
            .split(['=', '<', '>', '~', '!', '['])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        !text.starts_with('-') && !PACKAGING.contains(&name.as_str())
    })
}

/// Whether the image runs a program: its `CMD` (or, without one, its `ENTRYPOINT`) is set in
/// the file and is not a bare shell, a bare interpreter (`python3`, `ghci`: the image of a
/// language, whose headers and compilers are its purpose) or a keep-alive (`sleep infinity`). An
/// `ENTRYPOINT` with a `CMD` is usually a wrapper that runs the `CMD`, so the `CMD` decides,
/// unless it holds only options: then they are the `ENTRYPOINT`'s arguments.
fn runs_a_program(shipping: &[&Stage<'_>]) -> bool {
    let last = |keyword: Keyword| {
        shipping
            .iter()
            .rev()
            .flat_map(|stage| stage.steps.iter().rev())
            .find(|step| step.instruction.keyword == keyword)
            .map(|step| &step.instruction.args)
    };
    let words = |args: Option<&Args>| -> Vec<String> {
        match args {
            Some(Args::Json(words)) => words.iter().map(|w| w.text.to_string()).collect(),
            Some(Args::Text(word)) => word.text.split_whitespace().map(str::to_string).collect(),
            _ => Vec::new(),
        }
    };
    let entrypoint = words(last(Keyword::Entrypoint));
    let cmd = words(last(Keyword::Cmd));
    // A `CMD` of options only is the arguments of the `ENTRYPOINT` (`tail` + `-f /dev/null`).
    let words: Vec<&str> = match cmd.first() {
        Some(first) if !first.starts_with('-') => cmd.iter().map(String::as_str).collect(),
        _ => entrypoint.iter().chain(&cmd).map(String::as_str).collect(),
    };
    let Some(program) = words.first() else {
        return false;
    };
    let program = program.rsplit('/').next().unwrap_or(program);
    // A shell or an interpreter runs a program only when given one (`sh -c …`, `python app.py`).
    const INTERPRETERS: &[&str] = &[
        "sh",
        "bash",
        "zsh",
        "ash",
        "dash",
        "fish",
        "python",
        "python2",
        "python3",
        "ipython",
        "node",
        "ghci",
        "irb",
        "ruby",
        "php",
        "perl",
        "iex",
        "erl",
        "R",
        "julia",
        "lua",
        "jshell",
        "pwsh",
        "powershell",
    ];
    let interpreter = INTERPRETERS.contains(&program)
        || (program.starts_with("python")
            && program[6..].chars().all(|c| c.is_ascii_digit() || c == '.'));
    match program {
        "sleep" | "tail" | "cat" => false,
        _ if interpreter => words[1..].iter().any(|word| !word.starts_with('-')),
        _ => true,
    }
}

#[cfg(test)]
mod sketch_tests {
    use crate::Applicability;

    /// The suggestion is never applied, quotes the file's own install and build, and leaves
    /// what the build makes as a marked placeholder rather than a guessed path.
    #[test]
    fn the_two_stage_sketch_is_display_only_and_marks_what_it_cannot_know() {
        let source = "FROM python:3.12-slim AS app\n\
                      RUN apt-get update && apt-get install -y gcc libpq-dev\n\
                      RUN pip install psycopg2\n\
                      CMD [\"python\", \"app.py\"]\n";
        let found: Vec<_> = crate::lint(source)
            .into_iter()
            .filter(|d| d.code == "LL308")
            .collect();
        assert_eq!(found.len(), 1);
        let fix = found[0].fix.as_ref().expect("a suggestion");
        assert_eq!(fix.applicability, Applicability::DisplayOnly);
        assert!(fix.edits.is_empty());
        for part in [
            "FROM python:3.12-slim AS build",
            "RUN apt-get install -y gcc libpq-dev  (line 2)",
            "RUN pip install psycopg2  (line 3)",
            "FROM python:3.12-slim AS app",
            "COPY --from=build <artifacts> <artifacts>",
        ] {
            assert!(fix.title.contains(part), "{part} in {}", fix.title);
        }
    }
}
