//! The man page: one page, layerlint(1), holding every command with its options, the exit
//! status, the configuration files and variables, and examples. The commands and options come
//! from the clap definition; clap_mangen's own page would point to a page per command that
//! nothing generates, so the page is laid out here (roff through the `roff` crate, which
//! escapes the text).

use super::super::args::{DEFAULT_COMMAND, EXIT_STATUS};
use clap::{Arg, Command};
use roff::{Roff, bold, italic, roman};

/// The whole page for `cli` (the top-level command).
pub fn page(cli: &Command) -> String {
    let mut page = Roff::new();
    let version = cli.get_version().unwrap_or("");
    page.control(
        "TH",
        ["LAYERLINT", "1", "", &format!("layerlint {version}")],
    );
    section(&mut page, "NAME");
    page.text([roman(format!(
        "layerlint - {}",
        cli.get_about().map(|a| a.to_string()).unwrap_or_default()
    ))]);

    section(&mut page, "SYNOPSIS");
    let mut first = true;
    for command in commands(cli) {
        if !first {
            page.control("br", []);
        }
        first = false;
        page.text([
            bold(format!("layerlint {}", command.get_name())),
            roman(format!(" {}", usage(command))),
        ]);
    }
    page.control("br", []);
    page.text([bold("layerlint"), roman(" [FILE]...")]);

    section(&mut page, "DESCRIPTION");
    paragraph(
        &mut page,
        "layerlint lints Dockerfiles and Containerfiles: syntax errors, hadolint's rules, \
         BuildKit's build checks, ShellCheck on RUN scripts, and its own rules about the layers \
         an image is built from (what a later layer deletes, what busts the cache, what the \
         build context lets in). `layerlint layers` prints the image a Dockerfile builds, step \
         by step.",
    );
    paragraph(&mut page, &DEFAULT_COMMAND.replace('\n', " "));

    section(&mut page, "COMMANDS");
    for command in commands(cli) {
        page.control("SS", [format!("layerlint {}", command.get_name()).as_str()]);
        paragraph(
            &mut page,
            &command
                .get_long_about()
                .or(command.get_about())
                .map(|a| a.to_string())
                .unwrap_or_default(),
        );
        for arg in command.get_arguments().filter(|a| shown(a)) {
            option(&mut page, arg);
        }
    }

    section(&mut page, "GLOBAL OPTIONS");
    for arg in cli.get_arguments().filter(|a| shown(a)) {
        option(&mut page, arg);
    }
    page.control("TP", []);
    page.text([bold("-h"), roman(", "), bold("--help")]);
    page.text([roman("Print the help of a command.")]);
    page.control("TP", []);
    page.text([bold("-V"), roman(", "), bold("--version")]);
    page.text([roman("Print the version.")]);

    section(&mut page, "EXIT STATUS");
    for (code, meaning) in EXIT_STATUS {
        page.control("TP", []);
        page.text([bold(code.to_string())]);
        page.text([roman(meaning)]);
    }
    paragraph(
        &mut page,
        "A Dockerfile that does not parse is not exit status 2: its syntax errors are findings \
         (LL001, severity error), and the rest of it is still linted.",
    );

    section(&mut page, "SEVERITIES");
    paragraph(
        &mut page,
        "Every finding is an error, a warning, info or style, the words the configuration's \
         override and failure-threshold and the --fail-level option use; the human report \
         and its summary use the same words. Formats with a fixed vocabulary map them: SARIF \
         note, GitHub notice, Code Climate critical, minor and info, GNU note for style.",
    );

    section(&mut page, "CONFIGURATION");
    paragraph(
        &mut page,
        "Each Dockerfile's configuration is the nearest .layerlint.yaml (or .layerlint.yml) in \
         its directory or above it, up to the repository root (the first directory holding \
         .git); failing that, the nearest .hadolint.yaml or .hadolint.yml the same way, then \
         hadolint's own places (./.hadolint.yaml, $XDG_CONFIG_HOME/hadolint.yaml, \
         ~/.hadolint/hadolint.yaml, ~/.hadolint.yaml). --config FILE uses one file for every \
         Dockerfile; --no-config uses none.",
    );
    paragraph(
        &mut page,
        "Keys: ignored (codes or names never reported), select (only these are reported), \
         override (error:, warning:, info:, style: lists that change a rule's severity), \
         failure-threshold (the default --fail-level), no-fail, disable-ignore-pragma, \
         trustedRegistries, label-schema, strict-labels, format, shellcheck (false: do not run \
         ShellCheck), rules (options per rule). An unknown key or a bad value stops the run \
         with exit status 2 and points at its line.",
    );
    paragraph(
        &mut page,
        "Inline pragmas: a comment `# layerlint ignore=CODE,...` (or `# hadolint ignore=...`) \
         on the lines above an instruction silences those rules there; `# layerlint global \
         ignore=...` silences them in the whole file.",
    );

    section(&mut page, "BUILD CONTEXTS");
    paragraph(
        &mut page,
        "Context-aware rules (LL304, LL306 and others) read the build context: --context DIR \
         when given; else the build a compose file (compose.yaml, compose.yml, \
         docker-compose.yaml, docker-compose.yml) or a bake file (docker-bake.hcl, \
         docker-bake.json) in the Dockerfile's directory or above it, up to the repository \
         root (outside a repository, up to the current directory), declares for that \
         Dockerfile, with its build arguments and target; else the Dockerfile's own \
         directory. A Dockerfile several services build differently is linted once per \
         distinct build, and the report names the services.",
    );

    section(&mut page, "ENVIRONMENT");
    for (name, meaning) in [
        ("NO_COLOR", "When set, no colour (as --no-color)."),
        (
            "HADOLINT_FORMAT",
            "The output format when --format is not given.",
        ),
        (
            "HADOLINT_IGNORE, HADOLINT_OVERRIDE_ERROR, _WARNING, _INFO, _STYLE, \
             HADOLINT_FAILURE_THRESHOLD, HADOLINT_NOFAIL, HADOLINT_TRUSTED_REGISTRIES, \
             HADOLINT_REQUIRE_LABELS, HADOLINT_STRICT_LABELS, HADOLINT_DISABLE_IGNORE_PRAGMA",
            "As in hadolint: applied over the configuration file and under the command line.",
        ),
    ] {
        page.control("TP", []);
        page.text([bold(name)]);
        page.text([roman(meaning)]);
    }

    section(&mut page, "EXAMPLES");
    for (what, command) in [
        (
            "Lint every Dockerfile under the current directory:",
            "layerlint",
        ),
        (
            "Lint one file, failing only on warnings and errors:",
            "layerlint check --fail-level warning docker/api/Dockerfile",
        ),
        ("Lint standard input:", "layerlint check - < Dockerfile"),
        (
            "Apply the safe fixes, or only show them:",
            "layerlint check --fix .\nlayerlint check --diff .",
        ),
        (
            "Write SARIF for code scanning and print the summary:",
            "layerlint check --format sarif --output layerlint.sarif .",
        ),
        (
            "A table for a GitHub job summary:",
            "layerlint check --format markdown . >> \"$GITHUB_STEP_SUMMARY\"",
        ),
        (
            "What changing package.json rebuilds:",
            "layerlint layers Dockerfile --changed package.json",
        ),
    ] {
        page.control("PP", []);
        page.text([roman(what)]);
        page.control("IP", []);
        page.control("nf", []);
        for line in command.lines() {
            page.text([roman(line)]);
        }
        page.control("fi", []);
    }
    page.render()
}

/// The commands that do something (not clap's `help`).
fn commands(cli: &Command) -> impl Iterator<Item = &Command> {
    cli.get_subcommands().filter(|c| c.get_name() != "help")
}

/// Options a user types: not the help and version flags clap adds to every command.
fn shown(arg: &Arg) -> bool {
    !arg.is_hide_set() && !matches!(arg.get_id().as_str(), "help" | "version")
}

/// `[OPTIONS] <FILE>` for a command.
fn usage(command: &Command) -> String {
    let mut parts = Vec::new();
    if command
        .get_arguments()
        .any(|a| shown(a) && !a.is_positional())
    {
        parts.push("[OPTIONS]".to_string());
    }
    for arg in command.get_positionals() {
        let name = value_name(arg);
        let many = matches!(arg.get_num_args(), Some(range) if range.max_values() > 1);
        parts.push(match (arg.is_required_set(), many) {
            (true, false) => format!("<{name}>"),
            (true, true) => format!("<{name}>..."),
            (false, false) => format!("[{name}]"),
            (false, true) => format!("[{name}]..."),
        });
    }
    parts.join(" ")
}

fn value_name(arg: &Arg) -> String {
    arg.get_value_names()
        .and_then(|names| names.first())
        .map(|name| name.to_string())
        .unwrap_or_else(|| arg.get_id().as_str().to_ascii_uppercase())
}

/// One option: its flags and value, then its help and the values it takes.
fn option(page: &mut Roff, arg: &Arg) {
    page.control("TP", []);
    let mut head = Vec::new();
    if arg.is_positional() {
        head.push(italic(value_name(arg)));
    } else {
        if let Some(short) = arg.get_short() {
            head.push(bold(format!("-{short}")));
        }
        if let Some(long) = arg.get_long() {
            if !head.is_empty() {
                head.push(roman(", "));
            }
            head.push(bold(format!("--{long}")));
        }
        for alias in arg.get_visible_aliases().unwrap_or_default() {
            head.push(roman(", "));
            head.push(bold(format!("--{alias}")));
        }
        if arg.get_action().takes_values() {
            head.push(roman(" "));
            head.push(italic(value_name(arg)));
        }
    }
    page.text(head);
    let help = arg
        .get_long_help()
        .or(arg.get_help())
        .map(|h| h.to_string())
        .unwrap_or_default();
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| match v.get_help() {
            Some(help) => format!("{} ({help})", v.get_name()),
            None => v.get_name().to_string(),
        })
        .collect();
    let mut text = help;
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if arg.get_action().takes_values() && !defaults.is_empty() && !text.contains("[default") {
        text.push_str(&format!(" [default: {}]", defaults.join(", ")));
    }
    // A flag's possible values are clap's `true` and `false`, which nobody types.
    if arg.get_action().takes_values() && !values.is_empty() {
        text.push_str(&format!(". Values: {}.", values.join("; ")));
    }
    page.text([roman(text)]);
}

fn section(page: &mut Roff, title: &str) {
    page.control("SH", [title]);
}

fn paragraph(page: &mut Roff, text: &str) {
    page.control("PP", []);
    page.text([roman(text)]);
}
