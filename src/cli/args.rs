//! The command-line grammar (clap derive), and the rewrite that makes `layerlint FILE` mean
//! `layerlint check FILE`.

use clap::{ArgGroup, Args, CommandFactory, Parser, Subcommand, ValueEnum};
use layerlint::Severity;
use layerlint::report::Format;
use std::ffi::OsString;
use std::path::PathBuf;

/// What the exit codes mean: `--help` and the man page both print this.
pub const EXIT_STATUS: [(u8, &str); 3] = [
    (0, "no finding at or above the fail level"),
    (
        1,
        "at least one finding at or above the fail level; with --diff, a diff was printed",
    ),
    (
        2,
        "layerlint could not do its job: bad usage, a bad configuration file, a path that cannot \
         be read (or is not a regular file, or is too large), a binary file, a fixed file that \
         cannot be written back. Other files are still linted and reported.",
    ),
];

/// The hadolint habit, which `--help` and the man page both explain.
pub const DEFAULT_COMMAND: &str = "\
`layerlint FILE...` with no command is `layerlint check FILE...`, as `hadolint FILE` is; hadolint's
options -f/--format tty, -t/--failure-threshold, --no-fail and -c/--config work too.";

/// What `--help` adds after the options: the hadolint habit, and what the exit codes mean,
/// wrapped as a terminal of 100 columns shows it, under each meaning's first word. Written out
/// rather than built on every run, which would cost each start; `after_help_is_the_exit_table`
/// keeps it equal to [`EXIT_STATUS`] wrapped.
const AFTER_HELP: &str = concat!(
    "`layerlint FILE...` with no command is `layerlint check FILE...`, as `hadolint FILE` is; hadolint's
options -f/--format tty, -t/--failure-threshold, --no-fail and -c/--config work too.",
    "\n\nExit status:\n",
    "  0  no finding at or above the fail level
  1  at least one finding at or above the fail level; with --diff, a diff was printed
  2  layerlint could not do its job: bad usage, a bad configuration file, a path that cannot be
     read (or is not a regular file, or is too large), a binary file, a fixed file that cannot be
     written back. Other files are still linted and reported."
);

/// A Dockerfile linter and layer-optimization advisor.
#[derive(Debug, Parser)]
#[command(
    name = "layerlint",
    version,
    override_usage = "layerlint [FILE]...\n       layerlint [OPTIONS] <COMMAND>",
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Never colour the output (colour is also off when NO_COLOR is set or output is not a terminal)
    #[arg(long, global = true)]
    pub no_color: bool,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories ('-' reads standard input); the default command
    #[command(after_help = AFTER_HELP)]
    Check(CheckArgs),
    /// Print the parse tree in BuildKit's S-expression form; syntax errors go to stderr (exit 1)
    Dump(DumpArgs),
    /// Print the image a Dockerfile builds, step by step: layers, what they add and delete, what
    /// their cache keys read, the findings on each; with --changed, --since or --build-arg, which
    /// steps a change rebuilds
    Layers(LayersArgs),
    /// Measure a built image archive (docker save, buildah push docker-archive:, OCI layout):
    /// per-layer sizes, wasted bytes, efficiency; with --dockerfile, the bytes behind each
    /// finding; CI limits exit 1 when exceeded
    Image(ImageArgs),
    /// List every rule: code, name, category, default severity, fix
    Rules,
    /// Print one rule's documentation (by code, name or alias)
    Rule(RuleArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
    /// Print the man page (roff), generated from this command line
    Man,
    /// Run the language server (LSP over standard input and output) for editors: findings as
    /// you type, fixes as code actions, hover on findings and layers
    Server(ServerArgs),
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Standard input and output are the only transport; the flag is accepted because some
    /// clients always pass it
    #[arg(long)]
    pub stdio: bool,

    /// Do not run ShellCheck on RUN scripts (no SC findings)
    #[arg(long)]
    pub no_shellcheck: bool,
}

#[derive(Debug, Args)]
pub struct RuleArgs {
    /// A rule code (LL302), name (deleted-in-later-layer) or alias
    pub rule: String,
}

#[derive(Debug, Args)]
// `--unsafe-fixes` only says which fixes to apply, so it needs `--fix` or `--diff` to apply them.
#[command(group(ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
pub struct CheckArgs {
    /// Files (linted whatever their name) and directories (searched for Dockerfiles, honouring
    /// .gitignore); '-' is standard input. Default: the current directory
    pub paths: Vec<PathBuf>,

    /// Output format (hadolint's `tty` is `human`) [default: $HADOLINT_FORMAT, else human]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,

    /// Lowest severity that makes the exit code 1 [default: the config's failure-threshold, else info]
    #[arg(long, short = 't', visible_alias = "failure-threshold", value_enum)]
    pub fail_level: Option<FailLevel>,

    /// Never fail on findings: the same as --fail-level none (hadolint's option)
    #[arg(long)]
    pub no_fail: bool,

    /// Report only these rules (comma-separated codes or names); replaces the config's `select`
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub select: Option<Vec<String>>,

    /// Never report these rules (comma-separated codes or names); adds to the config's `ignored`
    #[arg(long, value_name = "CODES", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Use this configuration file for every Dockerfile (instead of .layerlint.yaml discovery)
    #[arg(long, short = 'c', value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,

    /// Ignore configuration files (.layerlint.yaml, .hadolint.yaml)
    #[arg(long)]
    pub no_config: bool,

    /// The build context for context-aware rules (default: each Dockerfile's own directory;
    /// none for standard input)
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// The name to report standard input under; with no paths, standard input is read
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<String>,

    /// Apply safe fixes to the files in place, then report what remains. Standard input is
    /// printed fixed to standard output, and the report goes to standard error
    #[arg(long)]
    pub fix: bool,

    /// With --fix, also rewrite read-only files (they are refused otherwise, as an editor
    /// refuses them)
    #[arg(long, requires = "fix")]
    pub fix_readonly: bool,

    /// With --fix or --diff, also apply unsafe fixes (usually right, but they can change behaviour)
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,

    /// Print the unified diff the fixes would make instead of the findings, and write nothing
    /// (exit code 1 when there is a diff); wins over --fix
    #[arg(long)]
    pub diff: bool,

    /// Write the report to FILE (created or replaced) instead of standard output; the terminal
    /// still gets the one-line summary, so one run can feed SARIF to a tool and a person
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Print the findings only, without the summary lines
    #[arg(long, short)]
    pub quiet: bool,

    /// Do not run ShellCheck on RUN scripts (also the config key `shellcheck: false`). By
    /// default the `shellcheck` program on PATH checks every sh/bash script, as in hadolint
    #[arg(long)]
    pub no_shellcheck: bool,
}

#[derive(Debug, Args)]
pub struct LayersArgs {
    /// The Dockerfile ('-' is standard input)
    pub file: PathBuf,

    /// The stage to build (a name or an index) [default: the compose/bake build's target, else
    /// the last stage]
    #[arg(long, value_name = "STAGE")]
    pub target: Option<String>,

    /// The build context [default: the compose/bake build's context, else the Dockerfile's
    /// directory; none for standard input]
    #[arg(long, value_name = "DIR")]
    pub context: Option<PathBuf>,

    /// Of the compose services and bake targets that build this file, the one named NAME
    /// [default: the first found]
    #[arg(long, value_name = "NAME", conflicts_with = "context")]
    pub build: Option<String>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = LayersFormat::Human)]
    pub format: LayersFormat,

    /// Simulate the cache after these context files changed (paths relative to the context)
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub changed: Vec<String>,

    /// Simulate the cache after the changes `git diff --name-only GIT_REV` lists (committed,
    /// staged and unstaged; untracked files are not included)
    #[arg(long, value_name = "GIT_REV")]
    pub since: Option<String>,

    /// Simulate the cache of a build given this build argument (the cached build had the
    /// compose/bake build's arguments, else none)
    #[arg(long = "build-arg", value_name = "NAME=VALUE")]
    pub build_args: Vec<String>,

    /// Whose cache rules the simulation follows
    #[arg(long, value_enum, default_value_t = BuilderKind::Buildkit)]
    pub builder: BuilderKind,
}

#[derive(Debug, Args)]
pub struct ImageArgs {
    /// The image archive: a docker-archive tar, an OCI layout directory, or an OCI layout tar
    pub image: PathBuf,

    /// The Dockerfile the image was built from: layers are matched to its lines, and check's
    /// findings are given the bytes the image shows
    #[arg(long, value_name = "FILE")]
    pub dockerfile: Option<PathBuf>,

    /// The stage the image was built for (default: the Dockerfile's last stage)
    #[arg(long, value_name = "STAGE", requires = "dockerfile")]
    pub target: Option<String>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = LayersFormat::Human)]
    pub format: LayersFormat,

    /// Exit 1 when more bytes than this are wasted (20MB, 1GiB, 300000)
    #[arg(long, value_name = "N")]
    pub max_wasted_bytes: Option<String>,

    /// Exit 1 when more than this percentage (0-100) of the file bytes is wasted
    #[arg(long, value_name = "P")]
    pub max_wasted_percent: Option<f64>,

    /// Exit 1 when the efficiency (0-1, final bytes / all file bytes) is lower
    #[arg(long, value_name = "E")]
    pub min_efficiency: Option<f64>,

    /// Read limits from this dive CI file (default: ./.dive-ci when present); flags win
    #[arg(long, value_name = "FILE")]
    pub ci_config: Option<PathBuf>,

    /// Decompressed bytes one layer may expand to before reading stops with an error
    /// [default: 100 x the layer's stored size, at least 1 GiB]
    #[arg(long, value_name = "N")]
    pub max_layer_bytes: Option<String>,
}

/// `layerlint layers --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum LayersFormat {
    /// A table per stage (colour on a terminal)
    Human,
    /// A JSON document (schema: docs/layers-json.md)
    Json,
    /// GitHub-flavoured Markdown, for a pull request comment or a CI job summary
    Markdown,
}

/// `layerlint layers --builder`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BuilderKind {
    /// BuildKit (docker build, docker buildx)
    Buildkit,
    /// buildah and podman build (a RUN --mount=type=bind source is not in the cache key)
    Buildah,
}

#[derive(Debug, Args)]
pub struct DumpArgs {
    /// The Dockerfile to print ('-' is standard input)
    pub file: PathBuf,
}

/// `--fail-level`: a severity, or `none` for "never fail on findings".
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Info,
    Style,
    /// hadolint spells it `ignore` too
    #[value(alias = "ignore")]
    None,
}

impl FailLevel {
    /// The lowest severity that fails the run, if any does.
    pub fn threshold(self) -> Option<Severity> {
        match self {
            FailLevel::Error => Some(Severity::Error),
            FailLevel::Warning => Some(Severity::Warning),
            FailLevel::Info => Some(Severity::Info),
            FailLevel::Style => Some(Severity::Style),
            FailLevel::None => None,
        }
    }
}

/// Inserts `check` after the program name unless the first argument that is not a global flag
/// names a subcommand or asks for help or the version: hadolint users type `layerlint FILE`.
pub fn with_default_command(mut args: Vec<OsString>) -> Vec<OsString> {
    let command = Cli::command();
    let global_flags: Vec<String> = command
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .filter_map(|arg| arg.get_long())
        .map(|long| format!("--{long}"))
        .collect();
    let first = args
        .iter()
        .skip(1)
        .filter_map(|arg| arg.to_str())
        .find(|arg| !global_flags.iter().any(|flag| flag == arg));
    let explicit = first.is_some_and(|first| {
        matches!(first, "-h" | "--help" | "-V" | "--version" | "help")
            || command
                .get_subcommands()
                .any(|sub| sub.get_name() == first || sub.get_all_aliases().any(|a| a == first))
    });
    if !explicit {
        args.insert(1.min(args.len()), OsString::from("check"));
    }
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`AFTER_HELP`] is the hadolint habit and the exit table wrapped at 98 columns.
    #[test]
    fn after_help_is_the_exit_table() {
        let codes: Vec<String> = EXIT_STATUS
            .iter()
            .map(|(code, meaning)| {
                let mut lines = vec![format!("  {code} ")];
                for word in meaning.split(' ') {
                    let line = lines.last_mut().expect("a line");
                    if line.len() + 1 + word.len() > 98 {
                        lines.push(format!("     {word}"));
                    } else {
                        line.push(' ');
                        line.push_str(word);
                    }
                }
                lines.join("\n")
            })
            .collect();
        let wrapped = format!("{DEFAULT_COMMAND}\n\nExit status:\n{}", codes.join("\n"));
        assert_eq!(AFTER_HELP, wrapped);
    }

    fn rewrite(args: &[&str]) -> Vec<String> {
        let args = args.iter().map(OsString::from).collect();
        with_default_command(args)
            .into_iter()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn bare_paths_and_check_flags_get_the_check_command() {
        assert_eq!(
            rewrite(&["ll", "Dockerfile"]),
            ["ll", "check", "Dockerfile"]
        );
        assert_eq!(
            rewrite(&["ll", "--format", "json", "x"]),
            ["ll", "check", "--format", "json", "x"]
        );
        assert_eq!(rewrite(&["ll", "-"]), ["ll", "check", "-"]);
        assert_eq!(rewrite(&["ll"]), ["ll", "check"]);
        assert_eq!(
            rewrite(&["ll", "--no-color", "x"]),
            ["ll", "check", "--no-color", "x"]
        );
    }

    #[test]
    fn commands_help_and_version_are_left_alone() {
        for args in [
            &["ll", "check", "x"][..],
            &["ll", "dump", "x"],
            &["ll", "--no-color", "dump", "x"],
            &["ll", "--help"],
            &["ll", "-V"],
            &["ll", "help", "check"],
        ] {
            assert_eq!(rewrite(args), args);
        }
    }

    #[test]
    fn hadolint_s_options_are_understood() {
        let args = [
            "layerlint",
            "check",
            "-f",
            "tty",
            "-t",
            "warning",
            "-c",
            "x.yaml",
            "--no-fail",
            "D",
        ];
        let cli = Cli::try_parse_from(args).map_err(|e| e.to_string());
        let Ok(Cli {
            command: Command::Check(check),
            ..
        }) = cli
        else {
            panic!("{cli:?}");
        };
        assert_eq!(check.format, Some(Format::Human));
        assert_eq!(check.fail_level, Some(FailLevel::Warning));
        assert_eq!(check.config, Some(PathBuf::from("x.yaml")));
        assert!(check.no_fail);
        let long = ["layerlint", "check", "--failure-threshold", "ignore", "D"];
        let cli = Cli::try_parse_from(long).map_err(|e| e.to_string());
        assert!(
            matches!(&cli, Ok(Cli { command: Command::Check(c), .. }) if c.fail_level == Some(FailLevel::None)),
            "{cli:?}"
        );
    }

    #[test]
    fn the_grammar_is_consistent() {
        Cli::command().debug_assert();
    }
}
