//! What the command rules (`packages/`, `shell/`) read: every `RUN` script of the file — those
//! of build stages, those before any `FROM` (a fragment, which hadolint lints too) and the
//! `ONBUILD RUN` triggers — each with the build variables, stage and `SHELL` in force, and its
//! simple commands seen through `sudo`/`env`-style wrappers, with options parsed per tool.
//!
//! Built once per file (see [`Context::runs`](super::Context::runs)).

use crate::model::{
    EXPANSION_BUDGET, History, Point, Vars, declarations, declare_args, declare_env,
};
use crate::span::Span;
use crate::syntax::script::{self, Dialect, RunScript};
use crate::syntax::shell::{self, Word};
use crate::syntax::{Args, Dockerfile, Instruction, Keyword};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// One script a `RUN` (or an `ONBUILD RUN`) hands to its shell.
pub struct Run<'m, 'a> {
    pub script: ScriptRef<'m, 'a>,
    /// The `RUN` instruction (for a trigger, the `RUN` inside `ONBUILD`).
    pub instruction: &'a Instruction,
    pub onbuild: bool,
    /// 0 before the first `FROM`, then 1, 2 … per stage.
    pub stage: usize,
    /// The `ARG`s and `ENV`s in scope.
    pub vars: Vars,
    /// Where each `ARG` name is first declared, in any stage, as a count of the file's `ARG`
    /// instructions before it; with `args_before`, which names were declared before this script
    /// (see [`Run::values`]). Shared: a set per script would be quadratic in the file's size.
    args_first: Arc<HashMap<String, usize>>,
    args_before: usize,
    /// `ENV` names declared anywhere in the file.
    pub envs_anywhere: Arc<BTreeSet<&'a str>>,
    /// The `SHELL` in force (its JSON words), if the stage set one.
    pub shell: Option<Vec<String>>,
    /// The stage's `FROM` instruction, if any.
    pub from: Option<&'a Instruction>,
}

/// A run's script: the model's, borrowed (a copy of every script tree would add about a kilobyte
/// per `RUN` to the lint's peak memory), or a trigger's, which the model does not split, owned
/// and boxed (a pointer either way, where a `Cow` would hold a whole script inline).
pub enum ScriptRef<'m, 'a> {
    Model(&'m RunScript<'a>),
    Trigger(Box<RunScript<'a>>),
}

impl<'a> std::ops::Deref for ScriptRef<'_, 'a> {
    type Target = RunScript<'a>;

    fn deref(&self) -> &RunScript<'a> {
        match self {
            ScriptRef::Model(script) => script,
            ScriptRef::Trigger(script) => script,
        }
    }
}

/// Every script of the file, in file order (triggers after the `RUN`s they sit among).
pub struct Runs<'m, 'a> {
    pub runs: Vec<Run<'m, 'a>>,
    /// Each instruction's scripts as a range of `runs` (they are adjacent), keyed by the
    /// instruction's address: a rule that walks the instructions finds a RUN's scripts without
    /// scanning them all, which would be quadratic in a file of many RUNs.
    by_instruction: HashMap<*const Instruction, std::ops::Range<usize>>,
}

/// A finished stage: its name, and the variables and `SHELL` a stage built `FROM` it starts with.
type StageEnd = (Option<String>, Point, Option<Vec<String>>);

/// What an unknown value reads as in a pin check: a version that is there, not known here.
pub const UNKNOWN: &str = "\u{0}";

impl<'m, 'a> Runs<'m, 'a> {
    pub fn new(dockerfile: &'a Dockerfile, model_scripts: &'m [RunScript<'a>]) -> Runs<'m, 'a> {
        let escape = dockerfile.escape;
        // Declarations after the last script are read by no script: the walk ends there, so a
        // file that ends in thousands of ENVs (or has no RUN at all) does not store them again
        // beside the model's history. No ARG name first declared past it was declared before
        // any script either.
        let last_script = model_scripts.last().map(|s| s.instruction);
        let walked = dockerfile
            .lintable()
            .enumerate()
            .filter(|(_, i)| {
                last_script.is_some_and(|last| std::ptr::eq(*i, last)) || is_trigger_run(i)
            })
            .last()
            .map_or(0, |(at, _)| at + 1);
        // `ENV` names, borrowed from the syntax tree (a file of a million `ENV`s would otherwise
        // copy each name), and only when there is a script to read them.
        let env_names = dockerfile
            .instructions()
            .filter(|_| walked > 0)
            .filter_map(|i| match &i.args {
                Args::KeyValues(pairs, _) if i.keyword == Keyword::Env => Some(pairs),
                _ => None,
            })
            .flatten()
            .map(|pair| pair.key.text.as_str());
        let envs_anywhere: Arc<BTreeSet<&'a str>> = Arc::new(env_names.collect());
        // Sized for the model's scripts (triggers, rare, may add a few): growing a list of
        // thousands of runs copies it over and over.
        let mut runs = Vec::with_capacity(model_scripts.len());
        // Declarations are stored once and each script keeps a point in them (see the model's
        // history): a copy of the scope per script would be quadratic in a file of many ENVs.
        let declared = declarations(dockerfile.lintable().take(walked));
        let mut history = History::with_capacity(EXPANSION_BUDGET, declared);
        let mut globals = history.open(None);
        let mut scope = globals;
        let mut points: Vec<Point> = Vec::with_capacity(model_scripts.len());
        let mut stage = 0;
        let mut finals: Vec<StageEnd> = Vec::new();
        // The newest finished stage of each name, as an index in `finals`.
        let mut named: HashMap<String, usize> = HashMap::new();
        let mut stage_name: Option<String> = None;
        let mut shell: Option<Vec<String>> = None;
        let mut from: Option<&'a Instruction> = None;
        let mut args_first: HashMap<String, usize> = HashMap::new();
        let mut args_before = 0;
        let mut next_script = 0;
        for instruction in dockerfile.lintable().take(walked) {
            match instruction.keyword {
                Keyword::From => {
                    if stage > 0 {
                        let name = stage_name.take();
                        if let Some(name) = &name {
                            named.insert(name.clone(), finals.len());
                        }
                        finals.push((name, scope, shell.take()));
                    }
                    stage += 1;
                    shell = None;
                    from = Some(instruction);
                    let mut base = None;
                    if let Args::Words(words) = &instruction.args {
                        let image = history
                            .expand_at(globals, &words[0].text, escape)
                            .unwrap_or_else(|| words[0].text.to_string())
                            .to_ascii_lowercase();
                        // By name, not by a walk back over the stages: a file of 50,000
                        // stages would be quadratic.
                        if let Some((_, vars, parent_shell)) =
                            named.get(&image).map(|&index| &finals[index])
                        {
                            base = Some(*vars);
                            shell = parent_shell.clone();
                        }
                        stage_name = words.get(2).map(|w| w.text.as_str().to_ascii_lowercase());
                    }
                    scope = history.open(base);
                }
                Keyword::Arg => {
                    args_before += 1;
                    if let Args::Words(words) = &instruction.args {
                        for word in words {
                            let name = word.text.split_once('=').map_or(&*word.text, |(n, _)| n);
                            args_first.entry(name.to_string()).or_insert(args_before);
                        }
                    }
                    if stage == 0 {
                        // Before any FROM the fragment's scope is the global one.
                        declare_args(&mut history, &mut globals, instruction, None, escape);
                        scope = globals;
                    } else {
                        declare_args(&mut history, &mut scope, instruction, Some(globals), escape);
                    }
                }
                Keyword::Env => declare_env(&mut history, &mut scope, instruction, escape),
                Keyword::Shell => {
                    if let Args::Json(words) = &instruction.args {
                        shell = Some(words.iter().map(|w| w.text.to_string()).collect());
                    }
                }
                _ => {}
            }
            // The scope (and the ARG names) are filled in once the file has been read.
            let mut snapshot =
                |script: ScriptRef<'m, 'a>, inner: &'a Instruction, onbuild: bool| {
                    points.push(scope);
                    Run {
                        script,
                        instruction: inner,
                        onbuild,
                        stage,
                        vars: Vars::default(),
                        args_first: Arc::default(),
                        args_before,
                        envs_anywhere: envs_anywhere.clone(),
                        shell: shell.clone(),
                        from,
                    }
                };
            // The model's scripts include a fragment's (see `Dockerfile::lintable`).
            while let Some(found) = model_scripts.get(next_script) {
                if !std::ptr::eq(found.instruction, instruction) {
                    break;
                }
                runs.push(snapshot(ScriptRef::Model(found), instruction, false));
                next_script += 1;
            }
            if let Args::Onbuild(inner) = &instruction.args {
                if is_trigger_run(instruction) {
                    for found in script::posix_scripts_of(dockerfile, inner) {
                        runs.push(snapshot(ScriptRef::Trigger(Box::new(found)), inner, true));
                    }
                }
            }
        }
        let history = Arc::new(history);
        let args_first = Arc::new(args_first);
        for (run, point) in runs.iter_mut().zip(points) {
            run.vars = Vars::at(Arc::clone(&history), point);
            run.args_first = Arc::clone(&args_first);
        }
        let mut by_instruction: HashMap<*const Instruction, std::ops::Range<usize>> =
            HashMap::with_capacity(runs.len());
        for (at, run) in runs.iter().enumerate() {
            by_instruction
                .entry(std::ptr::from_ref(run.instruction))
                .and_modify(|range| range.end = at + 1)
                .or_insert(at..at + 1);
        }
        Runs {
            runs,
            by_instruction,
        }
    }

    /// Where `run` is in [`Runs::runs`], when it is one of them (found by its address, so that a
    /// rule holding a script finds what is stored about it without a search).
    pub fn index_of(&self, run: &Run<'m, 'a>) -> Option<usize> {
        let size = std::mem::size_of::<Run<'m, 'a>>().max(1);
        let start = self.runs.as_ptr() as usize;
        let offset = (std::ptr::from_ref(run) as usize).checked_sub(start)?;
        let index = offset / size;
        (offset % size == 0 && index < self.runs.len()).then_some(index)
    }

    /// The scripts of one `RUN` instruction (or of the `RUN` inside an `ONBUILD`).
    pub fn of(&self, instruction: &Instruction) -> &[Run<'m, 'a>] {
        self.by_instruction
            .get(&std::ptr::from_ref(instruction))
            .map_or(&[], |range| &self.runs[range.clone()])
    }
}

/// Whether `instruction` is an `ONBUILD RUN` whose trigger holds scripts to read.
fn is_trigger_run(instruction: &Instruction) -> bool {
    matches!(&instruction.args, Args::Onbuild(inner) if inner.keyword == Keyword::Run && !inner.malformed)
}

impl Run<'_, '_> {
    /// Whether an `ARG` of this name was declared before the script, in any stage.
    fn arg_declared_before(&self, name: &str) -> bool {
        self.args_first
            .get(name)
            .is_some_and(|&first| first <= self.args_before)
    }

    pub fn is_posix(&self) -> bool {
        self.script.dialect == Dialect::Posix && self.script.script.is_some()
    }

    /// The simple commands of the script, wrappers looked through.
    pub fn commands(&self) -> Vec<Cmd<'_>> {
        let Some(script) = &self.script.script else {
            return Vec::new();
        };
        script
            .simple_commands()
            .filter_map(|command| Cmd::unwrap(command.source, command.command, command.context))
            .collect()
    }

    /// A span of the script in the file.
    pub fn file_span(&self, local: Span) -> Span {
        self.script.file_span(local)
    }

    /// The values a word may stand for, for a pin check: its static value, or its text with
    /// `ARG`/`ENV` values put in (split on whitespace, as the shell splits an unquoted
    /// expansion). A variable whose value this file does not give (an `ARG` without a default,
    /// one from the base image or the script) reads as [`UNKNOWN`]. An `ENV` set only in another
    /// stage reads as empty: Docker does not carry it here. An `ARG` declared in any earlier
    /// stage reads as unknown, as hadolint reads it. Empty when the word is nothing but unknown
    /// values (a package list given at build time cannot be judged) or holds a command
    /// substitution.
    pub fn values(&self, source: &str, word: &Word) -> Vec<String> {
        if let Some(literal) = word.literal(source) {
            return vec![literal.into_owned()];
        }
        let raw = word.text(source);
        if raw.contains("$(") || raw.contains('`') {
            return Vec::new();
        }
        let refs = crate::syntax::vars::references(raw, '\\');
        let mut out = String::new();
        let mut at = 0;
        for r in refs {
            out.push_str(&raw[at..r.range.start]);
            let name = &raw[r.name.clone()];
            let value = match self.script_assignment(name, word.span.start) {
                Some(Some(value)) => value,
                Some(None) => UNKNOWN.to_string(),
                None => match self.vars.get(name) {
                    Some(var) => var.value.as_deref().unwrap_or(UNKNOWN).to_string(),
                    None if self.arg_declared_before(name) => UNKNOWN.to_string(),
                    None if self.envs_anywhere.contains(name) => String::new(),
                    None => UNKNOWN.to_string(),
                },
            };
            out.push_str(&value);
            at = r.range.end;
        }
        out.push_str(&raw[at..]);
        let unquoted = shell::unquote(&out);
        if unquoted.replace(UNKNOWN, "").trim().is_empty() {
            return Vec::new();
        }
        if raw.contains(['"', '\'']) {
            // A quoted expansion stays one word (`"b2 == $V"`).
            return vec![unquoted];
        }
        unquoted.split_whitespace().map(str::to_string).collect()
    }
}

impl Run<'_, '_> {
    /// The value the script itself last gave `name` before offset `before` (`PKGS="a b" && apt-get
    /// install $PKGS`, `export V=1.2`): `Some(None)` when it gave one this rule cannot read.
    /// Whether the shell is a POSIX sh (dash, ash, busybox: the default `/bin/sh` of the common
    /// images), where an assignment before a special builtin outlives the command.
    fn shell_keeps_special_builtin_assignments(&self) -> bool {
        let Some(program) = self.shell.as_ref().and_then(|words| words.first()) else {
            return true;
        };
        let name = program.rsplit(['/', '\\']).next().unwrap_or(program);
        matches!(name, "sh" | "dash" | "ash" | "busybox")
    }

    fn script_assignment(&self, name: &str, before: u32) -> Option<Option<String>> {
        let script = self.script.script.as_ref()?;
        let mut found = None;
        for command in script.simple_commands() {
            if command.command.span.start >= before {
                break;
            }
            let (prefix, exported): (&[Word], &[Word]) = match command.command.words.split_first() {
                None => (&command.command.assignments, &[]),
                Some((first, rest)) => {
                    let first = command.literal(first);
                    let declares = matches!(
                        first.as_deref(),
                        Some("export" | "readonly" | "local" | "declare")
                    );
                    // `deps='a b' set -x`: before a special builtin, a POSIX sh keeps the
                    // assignment (bash does not, outside its POSIX mode).
                    let special = first.as_deref().is_some_and(is_special_builtin)
                        && self.shell_keeps_special_builtin_assignments();
                    match (declares, special) {
                        (true, _) => (&command.command.assignments[..0], rest),
                        (false, true) => (&command.command.assignments, &[]),
                        (false, false) => continue,
                    }
                }
            };
            for word in prefix.iter().chain(exported) {
                let text = word.text(command.source);
                let Some((assigned, value)) = text.split_once('=') else {
                    continue;
                };
                if assigned != name {
                    continue;
                }
                found = Some(if value.contains('$') || value.contains('`') {
                    None
                } else {
                    Some(shell::unquote(value))
                });
            }
        }
        found
    }
}

/// POSIX's special builtins: an assignment written before one stays in the shell.
fn is_special_builtin(name: &str) -> bool {
    matches!(
        name,
        "set"
            | ":"
            | "."
            | "eval"
            | "exec"
            | "shift"
            | "trap"
            | "unset"
            | "times"
            | "return"
            | "break"
            | "continue"
            | "exit"
    )
}

/// The texts inside `$( … )` in a word (quotes inside are skipped over roughly: enough to find a
/// `|` that is a pipe).
pub fn substitutions(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = text[at..].find("$(").map(|i| at + i + 2) {
        if bytes.get(start) == Some(&b'(') {
            // `$((` is arithmetic.
            at = start + 1;
            continue;
        }
        let mut depth = 1;
        let mut end = start;
        let mut quote = None;
        while end < bytes.len() {
            let c = bytes[end];
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, b'\\') => end += 1,
                (None, b'\'' | b'"') => quote = Some(c),
                (None, b'(') => depth += 1,
                (None, b')') => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
            end += 1;
        }
        found.push(&text[start..end.min(bytes.len())]);
        at = end.min(bytes.len());
    }
    found
}

/// A simple command as the rules read it: the program that runs, seen through `sudo`, `env`,
/// `nice`, `nohup`, `time` and `exec`.
#[derive(Clone, Debug)]
pub struct Cmd<'s> {
    /// The program's name without its directory (borrowed from the script unless quoting or
    /// escapes had to be read out of it).
    pub name: Cow<'s, str>,
    /// The program's word.
    pub name_word: Word,
    /// Its arguments.
    pub args: &'s [Word],
    /// The `NAME=value` words before it.
    pub assignments: &'s [Word],
    /// The whole simple command (wrapper included), relative to the script.
    pub span: Span,
    /// The `sudo` word the command runs under, if any.
    pub sudo: Option<Word>,
    /// Whether `sudo` was given options or variables (removing it then changes more than root).
    pub sudo_plain: bool,
    pub context: shell::Context,
    pub source: &'s str,
}

impl<'s> Cmd<'s> {
    fn unwrap(
        source: &'s str,
        command: &'s shell::SimpleCommand,
        context: shell::Context,
    ) -> Option<Cmd<'s>> {
        let words = command.words.as_slice();
        let span = command.span;
        let mut at = 0;
        let mut sudo = None;
        let mut sudo_plain = true;
        loop {
            let word = words.get(at)?;
            let name = word.literal(source)?;
            let base = match name {
                Cow::Borrowed(name) => Cow::Borrowed(name.rsplit('/').next().unwrap_or(name)),
                Cow::Owned(name) => {
                    Cow::Owned(name.rsplit('/').next().unwrap_or(&name).to_string())
                }
            };
            let (skip, is_sudo) = match &*base {
                "sudo" => (
                    leading_options(
                        source,
                        &words[at + 1..],
                        "CDghprTtUu",
                        &[
                            "--user",
                            "--group",
                            "--chdir",
                            "--prompt",
                            "--host",
                            "--role",
                            "--type",
                            "--close-from",
                            "--command-timeout",
                            "--other-user",
                        ],
                    ),
                    true,
                ),
                "env" => (leading_env(source, &words[at + 1..]), false),
                "nice" => (
                    leading_options(source, &words[at + 1..], "n", &["--adjustment"]),
                    false,
                ),
                "nohup" | "exec" => (0, false),
                "time" => (
                    leading_options(source, &words[at + 1..], "fo", &["--format", "--output"]),
                    false,
                ),
                _ => {
                    return Some(Cmd {
                        name: base,
                        name_word: *word,
                        args: &words[at + 1..],
                        assignments: &command.assignments,
                        span,
                        sudo,
                        sudo_plain,
                        context,
                        source,
                    });
                }
            };
            if is_sudo {
                sudo = Some(*word);
                sudo_plain = skip == 0;
            }
            at += 1 + skip;
        }
    }

    pub fn literal(&self, word: &Word) -> Option<Cow<'s, str>> {
        word.literal(self.source)
    }

    /// A word's value when static, else its text as written (`-$X` still reads as an option).
    pub fn text(&self, word: &Word) -> Cow<'s, str> {
        word.literal(self.source)
            .unwrap_or_else(|| Cow::Borrowed(word.text(self.source)))
    }

    pub fn is(&self, name: &str) -> bool {
        self.name == name
    }

    /// The arguments split into options and operands by a tool's option table.
    pub fn parse(&self, spec: &Spec) -> Parsed {
        let mut parsed = Parsed::default();
        let mut index = 0;
        let mut operands_only = false;
        while index < self.args.len() {
            let word = self.args[index];
            index += 1;
            let text = self.text(&word);
            if operands_only || text.len() < 2 || !text.starts_with('-') {
                parsed.operands.push(word);
                continue;
            }
            if text == "--" {
                if spec.stop_at_double_dash {
                    break;
                }
                operands_only = true;
                continue;
            }
            if spec.whole.contains(&&*text) {
                parsed.options.push(Opt {
                    name: text.to_string(),
                    value: None,
                });
                continue;
            }
            if let Some(long) = text.strip_prefix("--") {
                let (name, value) = match long.split_once('=') {
                    Some((n, v)) => (format!("--{n}"), Some(v.to_string())),
                    None => (format!("--{long}"), None),
                };
                let value = match value {
                    None if spec.long_values.contains(&name.as_str()) => {
                        index += 1;
                        self.args.get(index - 1).map(|w| self.text(w).into_owned())
                    }
                    other => other,
                };
                parsed.options.push(Opt { name, value });
                continue;
            }
            let letters = &text[1..];
            for (at, letter) in letters.char_indices() {
                if spec.short_values.contains(letter) {
                    let rest = &letters[at + letter.len_utf8()..];
                    let value = if !rest.is_empty() {
                        Some(rest.trim_start_matches('=').to_string())
                    } else {
                        index += 1;
                        self.args.get(index - 1).map(|w| self.text(w).into_owned())
                    };
                    parsed.options.push(Opt {
                        name: format!("-{letter}"),
                        value,
                    });
                    break;
                }
                if letter == '=' {
                    // `-q=2`: apt's way of giving a short option a value.
                    if let Some(last) = parsed.options.last_mut() {
                        last.value = Some(letters[at + 1..].to_string());
                    }
                    break;
                }
                parsed.options.push(Opt {
                    name: format!("-{letter}"),
                    value: None,
                });
            }
        }
        parsed
    }
}

/// How many words of options (and their values) a wrapper takes before the command it runs.
fn leading_options(
    source: &str,
    words: &[Word],
    short_values: &str,
    long_values: &[&str],
) -> usize {
    let mut at = 0;
    while let Some(word) = words.get(at) {
        let Some(text) = word.literal(source) else {
            return at;
        };
        if text == "--" {
            return at + 1;
        }
        if !text.starts_with('-') || text.len() < 2 {
            return at;
        }
        at += 1;
        if let Some(long) = text.strip_prefix("--") {
            if !long.contains('=') && long_values.contains(&text.as_ref()) {
                at += 1;
            }
        } else if let Some(last) = text.chars().last() {
            if short_values.contains(last) {
                at += 1;
            }
        }
    }
    at
}

/// `env`'s options and `NAME=value` words.
fn leading_env(source: &str, words: &[Word]) -> usize {
    let mut at = leading_options(
        source,
        words,
        "uCS",
        &["--unset", "--chdir", "--split-string"],
    );
    while let Some(word) = words.get(at) {
        let text = word.text(source);
        let is_assignment = text.split_once('=').is_some_and(|(name, _)| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
        if !is_assignment {
            break;
        }
        at += 1;
    }
    at
}

/// A tool's options: which take a value (so the next word is not an operand).
#[derive(Clone, Copy, Default)]
pub struct Spec {
    /// Short options that take a value (`t` for `-t VALUE`).
    pub short_values: &'static str,
    /// Long options that take a value when written without `=` (`--target-release`).
    pub long_values: &'static [&'static str],
    /// Single-dash options of several letters, matched whole (wget's `-nv`).
    pub whole: &'static [&'static str],
    /// Stop at `--` (what follows belongs to another program, as gem's build flags).
    pub stop_at_double_dash: bool,
}

/// One option: `-y`, `--yes`, `--quiet` with `Some("2")` for `--quiet=2`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opt {
    pub name: String,
    pub value: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub options: Vec<Opt>,
    pub operands: Vec<Word>,
}

impl Parsed {
    /// Whether any of `names` (`-y`, `--yes`) was given.
    pub fn has(&self, names: &[&str]) -> bool {
        self.options
            .iter()
            .any(|o| names.contains(&o.name.as_str()))
    }

    /// The values of the options named.
    pub fn values<'p>(&'p self, names: &'p [&str]) -> impl Iterator<Item = &'p str> + 'p {
        self.options
            .iter()
            .filter(move |o| names.contains(&o.name.as_str()))
            .filter_map(|o| o.value.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::parse;

    fn runs(source: &str) -> (Dockerfile, usize) {
        let df = parse(source);
        let count = {
            let scripts = script::run_scripts(&df);
            Runs::new(&df, &scripts).runs.len()
        };
        (df, count)
    }

    #[test]
    fn a_script_is_found_by_its_address_and_a_copy_is_not() {
        let df = parse("FROM x\nRUN a\nRUN b && c\nONBUILD RUN d\n");
        let scripts = script::run_scripts(&df);
        let all = Runs::new(&df, &scripts);
        assert_eq!(all.runs.len(), 3);
        for (index, run) in all.runs.iter().enumerate() {
            assert_eq!(all.index_of(run), Some(index));
        }
        // The same script read again lives elsewhere: not one of these.
        let other = Runs::new(&df, &scripts);
        assert_eq!(all.index_of(&other.runs[1]), None);
    }

    #[test]
    fn fragments_and_triggers_are_read() {
        let (_, count) = runs("RUN a\nONBUILD RUN b\nFROM x\nRUN c\nONBUILD RUN d && e\n");
        assert_eq!(count, 4);
    }

    #[test]
    fn variables_follow_the_stages() {
        let source =
            "FROM a AS build\nENV V=1.0\nARG W\nFROM build\nRUN x $V $W\nFROM b\nRUN y $V $W\n";
        let df = parse(source);
        let scripts = script::run_scripts(&df);
        let all = Runs::new(&df, &scripts);
        let values = |run: &Run<'_, '_>| {
            let cmd = run.commands().remove(0);
            cmd.args
                .iter()
                .map(|w| run.values(cmd.source, w).join(" "))
                .collect::<Vec<_>>()
        };
        assert_eq!(values(&all.runs[0]), ["1.0", ""]);
        // `V` is an ENV of another stage: empty here. `W` was declared as an ARG earlier: unknown.
        assert_eq!(values(&all.runs[1]), ["", ""]);
    }

    #[test]
    fn the_last_script_sees_what_came_before_it_and_trailing_declarations_change_nothing() {
        // The walk ends at the last script, here a trigger after the last RUN; what follows it
        // must not change what any script reads.
        let head = "FROM a\nARG P=1\nRUN x $P\nENV V=2\nONBUILD RUN y $V $P\n";
        let values = |source: &str| {
            let df = parse(source);
            let scripts = script::run_scripts(&df);
            let all = Runs::new(&df, &scripts);
            all.runs
                .iter()
                .map(|run| {
                    let cmd = run.commands().remove(0);
                    let words = cmd.args.iter();
                    words.map(|w| run.values(cmd.source, w).join(" ")).collect()
                })
                .collect::<Vec<Vec<String>>>()
        };
        let expected = [
            vec!["1".to_string()],
            vec!["2".to_string(), "1".to_string()],
        ];
        assert_eq!(values(head), expected);
        let trailing = format!("{head}ENV V=9 W=3\nARG P=8\nARG Q\nLABEL x=y\n");
        assert_eq!(values(&trailing), expected);
    }

    #[test]
    fn wrappers_are_looked_through() {
        let (df, _) = runs("RUN sudo -u app env A=1 apt-get install x\n");
        let scripts = script::run_scripts(&df);
        let all = Runs::new(&df, &scripts);
        let cmd = all.runs[0].commands().remove(0);
        assert_eq!(cmd.name, "apt-get");
        assert!(cmd.sudo.is_some() && !cmd.sudo_plain);
        let parsed = cmd.parse(&Spec {
            short_values: "t",
            ..Spec::default()
        });
        assert_eq!(parsed.operands.len(), 2);
    }

    #[test]
    fn options_parse_per_tool() {
        let (df, _) = runs("RUN apt-get -qq -t jessie install -q=2 --yes --option=a x\n");
        let scripts = script::run_scripts(&df);
        let all = Runs::new(&df, &scripts);
        let cmd = all.runs[0].commands().remove(0);
        let parsed = cmd.parse(&Spec {
            short_values: "to",
            long_values: &["--option"],
            ..Spec::default()
        });
        let names: Vec<_> = parsed
            .options
            .iter()
            .map(|o| (o.name.as_str(), o.value.as_deref()))
            .collect();
        assert_eq!(
            names,
            [
                ("-q", None),
                ("-q", None),
                ("-t", Some("jessie")),
                ("-q", Some("2")),
                ("--yes", None),
                ("--option", Some("a"))
            ]
        );
        assert_eq!(parsed.operands.len(), 2);
    }
}
