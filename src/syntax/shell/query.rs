//! What rules ask of a script: every command with the circumstances it runs in, and
//! hadolint-style helpers for command names and flags.

use std::borrow::Cow;

use super::tree::{Command, CompoundKind, Connector, List, Script, SimpleCommand, Terminator};
use super::word::Word;
use crate::span::Span;

/// Where a command sits, as far as it changes what running it means. Each flag is inherited by
/// everything nested inside.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Context {
    /// Inside `( … )`: a `cd`, a variable or `set` does not reach the commands after it.
    pub in_subshell: bool,
    /// One stage of a pipeline of several commands; each stage runs in a subshell.
    pub in_pipeline: bool,
    /// Inside `if`, `for`, `while`, `until` or `case`: it may run zero or many times.
    pub in_compound: bool,
    /// In the condition of an `if`/`elif`/`while`/`until`: its failure is expected and does not
    /// stop a `set -e` script.
    pub in_condition: bool,
    /// Inside a function body: it only runs if the function is called.
    pub in_function: bool,
    /// The pipeline right after `||`: it only runs when the one before failed.
    pub after_or: bool,
    /// In an item ended by `&`: the script does not wait for it.
    pub background: bool,
}

impl Script {
    /// Every command at any depth, in source order (a compound command comes before the commands
    /// inside it), with its context. Opaque commands are included, so a rule can tell "nothing
    /// found" from "could not look".
    pub fn commands(&self) -> impl Iterator<Item = (&Command, Context)> {
        let mut found = Vec::new();
        collect_list(&self.body, Context::default(), &mut found);
        found.into_iter()
    }

    /// Every simple command at any depth, in source order, with its context.
    pub fn simple_commands(&self) -> impl Iterator<Item = CommandRef<'_>> {
        let source = self.source.as_str();
        self.commands()
            .filter_map(move |(command, context)| match command {
                Command::Simple(command) => Some(CommandRef {
                    command,
                    context,
                    source,
                }),
                _ => None,
            })
    }

    /// Whether the script defines a shell function anywhere (its commands then may run under
    /// names the script itself chose).
    pub fn defines_functions(&self) -> bool {
        self.commands()
            .any(|(command, _)| matches!(command, Command::FunctionDef { .. }))
    }

    /// Whether part of the script could not be split.
    pub fn has_opaque(&self) -> bool {
        self.commands()
            .any(|(command, _)| matches!(command, Command::Opaque { .. }))
    }
}

fn collect_list<'a>(list: &'a List, context: Context, found: &mut Vec<(&'a Command, Context)>) {
    for item in &list.items {
        let background = matches!(item.terminator, Some((Terminator::Background, _)));
        for (index, pipeline) in item.pipelines.iter().enumerate() {
            let after_or = index
                .checked_sub(1)
                .and_then(|before| item.connectors.get(before))
                .is_some_and(|&(connector, _)| connector == Connector::Or);
            let context = Context {
                background: context.background || background,
                after_or: context.after_or || after_or,
                in_pipeline: context.in_pipeline || pipeline.commands.len() > 1,
                ..context
            };
            for command in &pipeline.commands {
                collect_command(command, context, found);
            }
        }
    }
}

fn collect_command<'a>(
    command: &'a Command,
    context: Context,
    found: &mut Vec<(&'a Command, Context)>,
) {
    found.push((command, context));
    match command {
        Command::Simple(_) | Command::Opaque { .. } => {}
        Command::Subshell { body, .. } => {
            let inner = Context {
                in_subshell: true,
                ..context
            };
            collect_list(body, inner, found);
        }
        Command::Group { body, .. } => collect_list(body, context, found),
        Command::Compound { kind, lists, .. } => {
            for (index, list) in lists.iter().enumerate() {
                let inner = Context {
                    in_compound: true,
                    in_condition: context.in_condition || is_condition(*kind, index, lists.len()),
                    ..context
                };
                collect_list(list, inner, found);
            }
        }
        Command::FunctionDef { body, .. } => {
            let inner = Context {
                in_function: true,
                ..context
            };
            collect_command(body, inner, found);
        }
    }
}

/// Whether `lists[index]` of a compound command is a condition (see [`Command::Compound`] for
/// the order of its lists).
fn is_condition(kind: CompoundKind, index: usize, count: usize) -> bool {
    match kind {
        CompoundKind::If => {
            let is_else = count % 2 == 1 && index + 1 == count;
            index % 2 == 0 && !is_else
        }
        CompoundKind::While | CompoundKind::Until => index == 0,
        CompoundKind::For | CompoundKind::Case => false,
    }
}

/// A simple command found in a script, with its context and the script text, so that its words
/// can be read directly.
#[derive(Clone, Copy, Debug)]
pub struct CommandRef<'a> {
    pub command: &'a SimpleCommand,
    pub context: Context,
    /// The text of the script the command belongs to.
    pub source: &'a str,
}

impl SimpleCommand {
    /// The command with its text, for the name and flag helpers (context left at its default).
    pub fn view<'a>(&'a self, source: &'a str) -> CommandRef<'a> {
        CommandRef {
            command: self,
            context: Context::default(),
            source,
        }
    }
}

impl<'a> CommandRef<'a> {
    /// The static value of the first word (`apt-get`, `/usr/bin/apt-get`); `None` for a bare
    /// assignment or redirection, or a name that is computed (`$CC`).
    pub fn name(&self) -> Option<Cow<'a, str>> {
        self.command.words.first()?.literal(self.source)
    }

    /// The name without its directory: `/usr/bin/apt-get` → `apt-get`.
    pub fn basename(&self) -> Option<Cow<'a, str>> {
        Some(match self.name()? {
            Cow::Borrowed(name) => Cow::Borrowed(after_last_slash(name)),
            Cow::Owned(name) => Cow::Owned(after_last_slash(&name).to_owned()),
        })
    }

    /// Whether the command runs `name`, written bare or as a path.
    pub fn is(&self, name: &str) -> bool {
        self.basename().is_some_and(|basename| basename == name)
    }

    /// The words after the name.
    pub fn args(&self) -> &'a [Word] {
        self.command.words.get(1..).unwrap_or_default()
    }

    /// The static value of a word; see [`Word::literal`].
    pub fn literal(&self, word: &Word) -> Option<Cow<'a, str>> {
        word.literal(self.source)
    }

    pub fn text(&self, span: Span) -> &'a str {
        self.source.get(span.range()).unwrap_or("")
    }

    /// Whether an option is given before `--`. A one-letter short option is also found inside a
    /// group (`-r` in `-rf`); a long option also as `--name=value`; anything else (`-name` for
    /// `find`) must match a whole argument or its part before `=`.
    ///
    /// Like hadolint, this does not know which options take a value, so `-o` is also "found" in
    /// `-xo` when `o` was the value of `-x`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.options().any(|option| option_matches(&option, flag))
    }

    pub fn has_any_flag(&self, flags: &[&str]) -> bool {
        self.options()
            .any(|option| flags.iter().any(|flag| option_matches(&option, flag)))
    }

    /// The arguments that are not options: those before `--` not starting with `-` (a lone `-`
    /// means standard input, so it stays), and all of those after it. An option's value (`-o
    /// file`) is kept, since which options take one is command-specific.
    pub fn args_without_flags(&self) -> impl Iterator<Item = &'a Word> + use<'a> {
        let source = self.source;
        let mut after_double_dash = false;
        self.args().iter().filter(move |word| {
            if after_double_dash {
                return true;
            }
            let text = option_text(word, source);
            if text == "--" {
                after_double_dash = true;
                return false;
            }
            !is_option(&text)
        })
    }

    /// The option arguments before `--`, as the program sees them when static.
    fn options(&self) -> impl Iterator<Item = Cow<'a, str>> + use<'a> {
        let source = self.source;
        self.args()
            .iter()
            .map(move |word| option_text(word, source))
            .take_while(|text| text != "--")
            .filter(|text| is_option(text))
    }
}

/// The value of a word for option matching: its literal, or its raw text when it has an
/// expansion (`-$X` is still an option).
fn option_text<'a>(word: &Word, source: &'a str) -> Cow<'a, str> {
    word.literal(source)
        .unwrap_or_else(|| Cow::Borrowed(word.text(source)))
}

fn is_option(text: &str) -> bool {
    text.len() > 1 && text.starts_with('-')
}

fn option_matches(option: &str, flag: &str) -> bool {
    if flag.starts_with("--") {
        return before_value(option) == flag;
    }
    let Some(letters) = flag.strip_prefix('-') else {
        return false;
    };
    let mut chars = letters.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), None) => option
            .strip_prefix('-')
            .filter(|group| !group.starts_with('-'))
            .is_some_and(|group| before_value(group).contains(letter)),
        (Some(_), Some(_)) => before_value(option) == flag,
        (None, _) => false,
    }
}

/// `--name=value` → `--name`.
fn before_value(text: &str) -> &str {
    text.split_once('=').map_or(text, |(head, _)| head)
}

fn after_last_slash(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::super::split;
    use super::*;

    fn first_command(script: &Script) -> CommandRef<'_> {
        script.simple_commands().next().expect("a simple command")
    }

    fn literals<'a>(
        command: &CommandRef<'a>,
        words: impl Iterator<Item = &'a Word>,
    ) -> Vec<String> {
        words
            .map(|word| {
                command
                    .literal(word)
                    .map_or_else(String::new, Cow::into_owned)
            })
            .collect()
    }

    #[test]
    fn short_flags_are_found_in_groups() {
        let script = split("rm -rf /var/lib/apt/lists/*");
        let rm = first_command(&script);
        assert!(rm.has_flag("-r"));
        assert!(rm.has_flag("-f"));
        assert!(!rm.has_flag("-v"));
        assert!(rm.has_any_flag(&["-v", "-f"]));
        assert!(!rm.has_any_flag(&["--force", "-i"]));
    }

    #[test]
    fn long_flags_match_with_or_without_a_value() {
        let script = split("./configure --prefix=/usr --enable-shared -- --not-a-flag");
        let configure = first_command(&script);
        assert!(configure.has_flag("--prefix"));
        assert!(configure.has_flag("--enable-shared"));
        assert!(!configure.has_flag("--enable"));
        assert!(!configure.has_flag("--not-a-flag"));
        // `-p` is not in a long option's name.
        assert!(!configure.has_flag("-p"));
    }

    #[test]
    fn multi_letter_single_dash_flags_match_whole_arguments() {
        let script = split("find . -name '*.pyc' -delete");
        let find = first_command(&script);
        assert!(find.has_flag("-name"));
        assert!(find.has_flag("-delete"));
        assert!(!find.has_flag("-nam"));
        assert_eq!(literals(&find, find.args_without_flags()), [".", "*.pyc"]);
    }

    #[test]
    fn quoted_flags_are_still_flags() {
        let script = split("apt-get install \"-y\" curl");
        let apt = first_command(&script);
        assert!(apt.has_flag("-y"));
        assert_eq!(
            literals(&apt, apt.args_without_flags()),
            ["install", "curl"]
        );
    }

    #[test]
    fn args_without_flags_keeps_a_lone_dash_and_everything_after_double_dash() {
        let script = split("tar -xzf - -C /opt -- -weird");
        let tar = first_command(&script);
        assert_eq!(
            literals(&tar, tar.args_without_flags()),
            ["-", "/opt", "-weird"]
        );
        assert_eq!(literals(&tar, tar.args().iter()).len(), 6);
    }

    #[test]
    fn names_and_basenames() {
        let script = split("/usr/bin/apt-get update; \"pip\" install x; $CC -o a a.c; A=1");
        let commands: Vec<_> = script.simple_commands().collect();
        assert_eq!(commands[0].name().as_deref(), Some("/usr/bin/apt-get"));
        assert_eq!(commands[0].basename().as_deref(), Some("apt-get"));
        assert!(commands[0].is("apt-get"));
        assert!(!commands[0].is("/usr/bin/apt-get"));
        assert_eq!(commands[1].name().as_deref(), Some("pip"));
        assert!(commands[1].is("pip"));
        assert_eq!(commands[2].name(), None);
        assert_eq!(commands[3].name(), None);
        assert!(commands[3].args().is_empty());
    }

    #[test]
    fn context_tracks_subshells_pipelines_conditions_and_functions() {
        let script = split(
            "(cd /src) | tee log\n\
             if test -f x; then rm x; elif false; then :; else echo no; fi\n\
             while read l; do echo \"$l\"; done\n\
             a || b && c\n\
             sleep 9 &\n\
             f() { rm -rf /; }",
        );
        let context = |name: &str| {
            script
                .simple_commands()
                .find(|command| command.is(name))
                .map(|command| command.context)
                .unwrap_or_else(|| panic!("no {name}"))
        };
        let cd = context("cd");
        assert!(cd.in_subshell && cd.in_pipeline && !cd.in_compound);
        assert!(context("tee").in_pipeline && !context("tee").in_subshell);
        assert!(context("test").in_condition && context("test").in_compound);
        assert!(!context("rm").in_condition && context("rm").in_compound);
        assert!(context("false").in_condition);
        assert!(!context(":").in_condition);
        assert!(!context("echo").in_condition);
        assert!(context("read").in_condition);
        assert!(!context("a").after_or && context("b").after_or && !context("c").after_or);
        assert!(context("sleep").background && !context("a").background);
        let function_rm = script
            .simple_commands()
            .filter(|command| command.is("rm"))
            .nth(1)
            .unwrap();
        assert!(function_rm.context.in_function);
        assert!(script.defines_functions());
        assert!(!context("rm").in_function);
    }

    #[test]
    fn commands_include_compound_and_opaque_nodes() {
        let script = split("if a; then b; fi; echo (");
        let kinds: Vec<&str> = script
            .commands()
            .map(|(command, _)| match command {
                Command::Simple(_) => "simple",
                Command::Compound { .. } => "compound",
                Command::Opaque { .. } => "opaque",
                _ => "other",
            })
            .collect();
        assert_eq!(kinds, ["compound", "simple", "simple", "opaque"]);
        assert!(script.has_opaque());
        assert!(!script.defines_functions());
    }

    #[test]
    fn view_gives_the_helpers_without_a_walk() {
        let script = split("mkdir -p /app");
        let Command::Simple(mkdir) = &script.body.items[0].pipelines[0].commands[0] else {
            panic!("not simple");
        };
        let view = mkdir.view(&script.source);
        assert!(view.is("mkdir") && view.has_flag("-p"));
        assert_eq!(view.context, Context::default());
    }
}
