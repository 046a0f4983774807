//! What BuildKit refuses when it turns a well-formed file into a build, found without building.
//!
//! Every instruction here parses; BuildKit stops later, while it converts the stages (its
//! `dockerfile2llb`): when it expands variables, when it links `COPY --from` to stages, when it
//! reads a `FROM --platform`. `docker build --check` converts every stage, so each of these fails
//! it whatever the target. Only what BuildKit's sources show to fail is reported here; a value
//! that a build argument could change is left alone (InvalidDefaultArgInFrom warns about those).

use super::ast::{Args, ErrorKind, Flag, Instruction, Keyword, SyntaxError, Word};
use super::substitution::{BadSubstitution, first_bad};
use super::vars::{BUILTIN_ARGS, references};
use crate::span::Span;
use std::collections::HashMap;

/// Adds the build-time errors of the file's instructions; `broken` are the indexes of the
/// instructions already known to be malformed, which are not judged again.
pub fn check(
    instructions: &[&Instruction],
    broken: &[usize],
    escape: char,
    out: &mut Vec<SyntaxError>,
) {
    let mut is_broken = vec![false; instructions.len()];
    for &index in broken {
        is_broken[index] = true;
    }
    let sound = |index: &usize| !instructions[*index].malformed && !is_broken[*index];
    let stages = Stages::of(instructions, &sound);
    let mut report = |span: Span, message: String| {
        out.push(SyntaxError {
            span,
            message,
            kind: ErrorKind::Build,
        })
    };
    for (index, ins) in instructions.iter().enumerate().filter(|(i, _)| sound(i)) {
        substitutions(ins, escape, &mut report);
        match ins.keyword {
            Keyword::Stopsignal => stop_signal(ins, escape, &mut report),
            Keyword::Volume => empty_volume(ins, &mut report),
            Keyword::Copy => copy_from(ins, stages.stage_of(index), &stages, escape, &mut report),
            Keyword::From => {
                fixed_base(ins, &stages, escape, &mut report);
                platform(ins, &stages.meta_args, escape, &mut report);
            }
            _ => {}
        }
    }
}

/// The stages of the file, as `COPY --from` resolves names and indexes.
struct Stages {
    /// The index of each stage's `FROM` among the instructions.
    starts: Vec<usize>,
    /// Each stage name, lower-cased (stage names are not case-sensitive), with the stage that
    /// has it, or `None` when two stages have it.
    names: HashMap<String, Option<usize>>,
    /// For each stage, the stages of the file its `COPY --from`s copy from.
    copies_from: Vec<Vec<usize>>,
    /// Some `COPY --from` or `RUN --mount=from=` names an image, which BuildKit appends to its
    /// list of stages: an index past the file's stages may then name it.
    names_images: bool,
    /// The names the `ARG`s before the first `FROM` declare.
    meta_args: Vec<String>,
    /// For each stage, its loop of copies (see [`loops`]).
    loops: Vec<usize>,
}

impl Stages {
    fn of(instructions: &[&Instruction], sound: &impl Fn(&usize) -> bool) -> Stages {
        let mut stages = Stages {
            starts: Vec::new(),
            names: HashMap::new(),
            copies_from: Vec::new(),
            names_images: false,
            meta_args: Vec::new(),
            loops: Vec::new(),
        };
        for (index, ins) in instructions.iter().enumerate() {
            match (&ins.keyword, &ins.args) {
                (Keyword::From, Args::Words(words)) => {
                    if let [_, _, name] = &words[..] {
                        let stage = stages.starts.len();
                        stages
                            .names
                            .entry(name.text.as_str().to_ascii_lowercase())
                            .and_modify(|named| *named = None)
                            .or_insert(Some(stage));
                    }
                    stages.starts.push(index);
                }
                (Keyword::Arg, Args::Words(words)) if stages.starts.is_empty() => {
                    for word in words {
                        let name = word.text.split_once('=').map_or(&*word.text, |(n, _)| n);
                        stages.meta_args.push(name.to_string());
                    }
                }
                _ => {}
            }
        }
        stages.copies_from = vec![Vec::new(); stages.starts.len()];
        for (index, ins) in instructions.iter().enumerate().filter(|(i, _)| sound(i)) {
            let from = match ins.keyword {
                Keyword::Copy => ins.flag("from").and_then(|f| f.value.clone()),
                Keyword::Run => {
                    let mounts_from = ins
                        .flags()
                        .iter()
                        .filter(|f| f.name == "mount")
                        .any(|f| f.value.as_deref().is_some_and(|v| v.contains("from=")));
                    stages.names_images |= mounts_from;
                    None
                }
                _ => None,
            };
            let (Some(from), Some(stage)) = (from, stages.stage_of(index)) else {
                continue;
            };
            match stages.resolve(&from) {
                Some(Ok(target)) => stages.copies_from[stage].push(target),
                Some(Err(_)) => {}
                None => stages.names_images = true,
            }
        }
        stages.loops = loops(&stages.copies_from);
        stages
    }

    /// The stage an instruction belongs to; `None` before the first `FROM`.
    fn stage_of(&self, index: usize) -> Option<usize> {
        self.starts
            .partition_point(|&start| start <= index)
            .checked_sub(1)
    }

    /// What a `--from` value names: `Some(Ok(stage))` a stage of the file, `Some(Err(index))` an
    /// index that names no stage of the file, `None` an image (or a name used by two stages,
    /// which is not judged).
    fn resolve(&self, from: &str) -> Option<Result<usize, i64>> {
        // BuildKit reads a number (`strconv.Atoi`: a sign and leading zeros allowed) as an index.
        if let Ok(index) = from.parse::<i64>() {
            return Some(
                usize::try_from(index)
                    .ok()
                    .filter(|&i| i < self.starts.len())
                    .ok_or(index),
            );
        }
        self.names
            .get(&from.to_ascii_lowercase())
            .copied()
            .flatten()
            .map(Ok)
    }

    /// Whether two stages copy from each other, directly or through other stages.
    fn in_one_loop(&self, a: usize, b: usize) -> bool {
        self.loops[a] == self.loops[b]
    }
}

/// For each stage, a representative of the stages it forms a loop of copies with (its strongly
/// connected component, by Kosaraju's two passes): one pass over the links for the whole file,
/// however many `COPY --from` ask.
fn loops(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut finished = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for root in 0..n {
        if std::mem::replace(&mut seen[root], true) {
            continue;
        }
        let mut stack = vec![(root, 0)];
        while let Some(top) = stack.len().checked_sub(1) {
            let (node, next) = stack[top];
            if let Some(&child) = edges[node].get(next) {
                stack[top].1 += 1;
                if !std::mem::replace(&mut seen[child], true) {
                    stack.push((child, 0));
                }
            } else {
                finished.push(node);
                stack.pop();
            }
        }
    }
    let mut reverse = vec![Vec::new(); n];
    for (from, targets) in edges.iter().enumerate() {
        for &to in targets {
            reverse[to].push(from);
        }
    }
    let mut component = vec![usize::MAX; n];
    for &root in finished.iter().rev() {
        if component[root] != usize::MAX {
            continue;
        }
        component[root] = root;
        let mut pending = vec![root];
        while let Some(node) = pending.pop() {
            for &previous in &reverse[node] {
                if component[previous] == usize::MAX {
                    component[previous] = root;
                    pending.push(previous);
                }
            }
        }
    }
    component
}

/// The substitution errors in the words BuildKit expands: `ARG` defaults, the `FROM` image and
/// platform, `ENV` and `LABEL` pairs, `COPY`/`ADD` paths and `--chown`, `WORKDIR`, `USER`,
/// `VOLUME`, `STOPSIGNAL`. `RUN`, `CMD` and the like are left to the shell, which expands them
/// itself; `ONBUILD` triggers run in another build.
fn substitutions(ins: &Instruction, escape: char, report: &mut impl FnMut(Span, String)) {
    let mut word = |word: &Word, skip: usize, context: &str| {
        let Some(bad) = first_bad(&word.text[skip..], escape) else {
            return false;
        };
        let span = word_span(ins, word, skip, &bad);
        report(span, format!("{}{context}", bad.message));
        true
    };
    match &ins.args {
        Args::Words(words) if ins.keyword == Keyword::Arg => {
            for w in words {
                if let Some((name, _)) = w.text.split_once('=') {
                    let context = format!(
                        " (BuildKit expands this default unless --build-arg {name}=… replaces it)"
                    );
                    if word(w, name.len() + 1, &context) {
                        return;
                    }
                }
            }
        }
        Args::Words(words) if ins.keyword == Keyword::From => {
            word(&words[0], 0, "");
        }
        Args::Words(words) | Args::Json(words) if expands_words(ins.keyword) => {
            for w in words {
                if word(w, 0, "") {
                    return;
                }
            }
        }
        Args::Text(w)
            if matches!(
                ins.keyword,
                Keyword::Workdir | Keyword::User | Keyword::Stopsignal
            ) =>
        {
            word(w, 0, "");
        }
        Args::KeyValues(pairs, _) if matches!(ins.keyword, Keyword::Env | Keyword::Label) => {
            for pair in pairs {
                if word(&pair.key, 0, "") || word(&pair.value, 0, "") {
                    return;
                }
            }
        }
        _ => {}
    }
    let expanded_flags: &[&str] = match ins.keyword {
        Keyword::From => &["platform"],
        Keyword::Copy | Keyword::Add => &["chown"],
        _ => &[],
    };
    for flag in ins
        .flags()
        .iter()
        .filter(|f| expanded_flags.contains(&f.name.as_str()))
    {
        if let Some(bad) = flag.value.as_deref().and_then(|v| first_bad(v, escape)) {
            report(
                flag.value_span,
                format!("{} (in --{})", bad.message, flag.name),
            );
        }
    }
}

fn expands_words(keyword: Keyword) -> bool {
    matches!(keyword, Keyword::Copy | Keyword::Add | Keyword::Volume)
}

/// Where a bad substitution found at `skip` bytes into a word lies in the file: exactly for a
/// word as written, the whole string for a JSON one (its text is decoded).
fn word_span(ins: &Instruction, word: &Word, skip: usize, bad: &BadSubstitution) -> Span {
    if matches!(ins.args, Args::Json(_)) {
        return word.span;
    }
    let at = ins.line_offset(word.span.start) + skip;
    ins.map_span(at + bad.range.start, at + bad.range.end)
}

/// `COPY --from`: BuildKit takes the value as written, a stage name, an index or an image. A
/// value that its lexer would change (a variable, a quote, an escape) is refused; so is a stage
/// that copies from itself or from a stage defined after it (BuildKit converts stages in file
/// order, and a loop of copies is a circular dependency).
fn copy_from(
    ins: &Instruction,
    stage: Option<usize>,
    stages: &Stages,
    escape: char,
    report: &mut impl FnMut(Span, String),
) {
    let Some((flag, value)) = flag_value(ins, "from") else {
        return;
    };
    if let Some(bad) = first_bad(value, escape) {
        report(flag.value_span, format!("{} (in --from)", bad.message));
        return;
    }
    if lexer_changes(value, escape) {
        report(
            flag.value_span,
            format!(
                "COPY --from={value}: BuildKit does not expand variables (or quotes) in --from; \
                 name the image in a FROM stage built from a global ARG and copy from that stage"
            ),
        );
        return;
    }
    let Some(current) = stage else {
        return;
    };
    let target = match stages.resolve(value) {
        Some(Ok(target)) => target,
        Some(Err(index)) if index < 0 || !stages.names_images => {
            report(
                flag.value_span,
                format!(
                    "COPY --from={value}: no stage has index {index} (this file has {} stages, \
                     numbered from 0)",
                    stages.starts.len()
                ),
            );
            return;
        }
        _ => return,
    };
    if target == current {
        report(
            flag.value_span,
            format!("COPY --from={value}: a stage cannot copy from itself (circular dependency)"),
        );
    } else if target > current && stages.in_one_loop(target, current) {
        report(
            flag.value_span,
            format!(
                "COPY --from={value}: circular dependency: that stage copies from this one, \
                 directly or through other stages"
            ),
        );
    } else if target > current {
        report(
            flag.value_span,
            format!(
                "COPY --from={value}: that stage is defined after this one; BuildKit copies only \
                 from a stage defined before the current stage"
            ),
        );
    }
}

/// A flag of the instruction that has a value, with the value.
fn flag_value<'i>(ins: &'i Instruction, name: &str) -> Option<(&'i Flag, &'i str)> {
    let flag = ins.flag(name)?;
    Some((flag, flag.value.as_deref()?))
}

/// Whether BuildKit's lexer, with no variables set, gives back other text than `text`: it
/// removes quotes and escapes and replaces every `$name` or `${…}`.
fn lexer_changes(text: &str, escape: char) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' || c == escape {
            return true;
        }
        if c == '$'
            && chars
                .peek()
                .is_some_and(|&n| n == '{' || n.is_alphanumeric() || "_@*#?-$!".contains(n))
        {
            return true;
        }
    }
    false
}

/// The value of `text` in every build, when it has variables and none of them can be set: each
/// is used plainly (`$NAME`, `${NAME}`), is no platform argument and is declared by no `ARG`
/// before the first `FROM`, so no build argument reaches it and it is empty. `None` otherwise,
/// or when quotes or escapes would need BuildKit's lexer.
fn fixed_expansion(text: &str, meta_args: &[String], escape: char) -> Option<String> {
    if !text.contains('$')
        || text.contains(['\'', '"', escape])
        || first_bad(text, escape).is_some()
    {
        return None;
    }
    let found = references(text, escape);
    let settable = |name: &str| BUILTIN_ARGS.contains(&name) || meta_args.iter().any(|a| a == name);
    if found
        .iter()
        .any(|r| r.modifier.is_some() || settable(&text[r.name.clone()]))
    {
        return None;
    }
    let mut out = String::new();
    let mut at = 0;
    for r in &found {
        out.push_str(&text[at..r.range.start]);
        at = r.range.end;
    }
    out.push_str(&text[at..]);
    Some(out)
}

/// A `FROM` whose base name is fixed (see [`fixed_expansion`]) and empty, or not an image
/// reference (and no stage's name): BuildKit refuses it whatever the build arguments.
fn fixed_base(
    ins: &Instruction,
    stages: &Stages,
    escape: char,
    report: &mut impl FnMut(Span, String),
) {
    let Args::Words(words) = &ins.args else {
        return;
    };
    let image = &words[0];
    let Some(expanded) = fixed_expansion(&image.text, &stages.meta_args, escape) else {
        return;
    };
    let text = &image.text;
    if expanded.is_empty() {
        report(
            image.span,
            format!(
                "base name ({text}) is empty: no ARG before the first FROM declares the variable, \
                 so no build argument can set it"
            ),
        );
    } else if let Some(problem) = super::reference::problem(&expanded)
        .filter(|_| !stages.names.contains_key(&expanded.to_ascii_lowercase()))
    {
        report(
            image.span,
            format!(
                "{problem}: {text} is always {expanded:?}, not a valid image reference (no ARG \
                 before the first FROM declares its variables, so no build argument can set them)"
            ),
        );
    }
}

/// Whether a word is literal text for BuildKit's lexer: no variable, quote or escape to process.
fn literal(text: &str, escape: char) -> bool {
    !text.contains(['$', '\'', '"', escape])
}

/// `STOPSIGNAL` with a literal value that is neither a number nor a signal name BuildKit knows
/// (with or without `SIG`, any case); `0` is refused too.
fn stop_signal(ins: &Instruction, escape: char, report: &mut impl FnMut(Span, String)) {
    let Args::Text(word) = &ins.args else {
        return;
    };
    let value = word.text.trim();
    if value.is_empty() || !literal(value, escape) {
        return;
    }
    let known = match value.parse::<i64>() {
        Ok(number) => number != 0,
        Err(_) => {
            let upper = value.to_ascii_uppercase();
            SIGNALS.contains(&upper.strip_prefix("SIG").unwrap_or(&upper))
        }
    };
    if !known {
        report(
            word.span,
            format!("invalid signal {value:?} for STOPSIGNAL"),
        );
    }
}

/// The signal names BuildKit's signal table holds on Linux, with the few more of the BSDs and
/// macOS, so that no name valid on some builder is reported.
const SIGNALS: &[&str] = &[
    "ABRT", "ALRM", "BUS", "CHLD", "CLD", "CONT", "FPE", "HUP", "ILL", "INT", "IO", "IOT", "KILL",
    "PIPE", "POLL", "PROF", "PWR", "QUIT", "SEGV", "STKFLT", "STOP", "SYS", "TERM", "TRAP", "TSTP",
    "TTIN", "TTOU", "UNUSED", "URG", "USR1", "USR2", "VTALRM", "WINCH", "XCPU", "XFSZ", "RTMIN",
    "RTMIN+1", "RTMIN+2", "RTMIN+3", "RTMIN+4", "RTMIN+5", "RTMIN+6", "RTMIN+7", "RTMIN+8",
    "RTMIN+9", "RTMIN+10", "RTMIN+11", "RTMIN+12", "RTMIN+13", "RTMIN+14", "RTMIN+15", "RTMAX-14",
    "RTMAX-13", "RTMAX-12", "RTMAX-11", "RTMAX-10", "RTMAX-9", "RTMAX-8", "RTMAX-7", "RTMAX-6",
    "RTMAX-5", "RTMAX-4", "RTMAX-3", "RTMAX-2", "RTMAX-1", "RTMAX", "EMT", "INFO", "LWP", "THR",
    "LIBRT",
];

/// `VOLUME` with an empty path (`VOLUME [""]`, `VOLUME ""`): BuildKit refuses it.
fn empty_volume(ins: &Instruction, report: &mut impl FnMut(Span, String)) {
    let empty = |word: &Word| match &ins.args {
        Args::Json(_) => word.text.is_empty(),
        _ => matches!(word.text.as_str(), "\"\"" | "''"),
    };
    if let Args::Words(words) | Args::Json(words) = &ins.args {
        for word in words.iter().filter(|w| empty(w)) {
            report(word.span, "VOLUME with an empty path".to_string());
        }
    }
}

/// `FROM --platform=…` with a value BuildKit's platform parser rejects: a literal one, or one
/// whose variables no build argument can set (see [`fixed_expansion`]).
fn platform(
    ins: &Instruction,
    meta_args: &[String],
    escape: char,
    report: &mut impl FnMut(Span, String),
) {
    let Some((flag, value)) = flag_value(ins, "platform") else {
        return;
    };
    let expanded = if value.contains('$') {
        match fixed_expansion(value, meta_args, escape) {
            Some(expanded) => expanded,
            None => return,
        }
    } else {
        value.to_string()
    };
    if let Some(problem) = super::platform::problem(&expanded) {
        let shown = if expanded == value {
            format!("{value:?}")
        } else {
            format!("{value:?} (always {expanded:?})")
        };
        report(
            flag.value_span,
            format!("invalid platform {shown}: {problem}"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::{ErrorKind, parse};

    /// The build-time errors of a file, as (line, start of message).
    fn errors(source: &str) -> Vec<(usize, String)> {
        let df = parse(source);
        df.errors
            .iter()
            .filter(|e| e.kind == ErrorKind::Build)
            .map(|e| (df.line_of(e.span.start), e.message.clone()))
            .collect()
    }

    fn lines(source: &str) -> Vec<usize> {
        errors(source).into_iter().map(|(line, _)| line).collect()
    }

    #[test]
    fn unsupported_modifiers_where_buildkit_expands() {
        let source = "ARG A=${templateOption:x}\nFROM alpine:3.20\nARG INSTALL=\"${templateOption:installZsh}\"\n\
                      ENV V=${VERSION:0:3}\nWORKDIR /${A=b}\nCOPY [\"${A:x}\", \"/d\"]\nLABEL k=${#A}\n";
        assert_eq!(lines(source), [1, 3, 4, 5, 6, 7]);
        let df = parse(source);
        let first = &df.errors[0];
        assert_eq!(df.text(first.span), "${templateOption:x}");
    }

    #[test]
    fn shell_instructions_and_quoted_text_are_not_expanded() {
        let source = "FROM alpine:3.20\nRUN echo ${A:x}\nCMD echo ${#A}\nENV B='${A:x}'\n\
                      ONBUILD ENV C=${A:x}\nENV D=${A:-x} E=${A//-/_} F=${A%%.*}\n";
        assert_eq!(lines(source), Vec::<usize>::new());
    }

    #[test]
    fn copy_from_with_variables_or_quotes_is_refused() {
        let source = "FROM alpine:3.20 AS base\nFROM alpine:3.20\nARG SRC=base\nCOPY --from=$SRC /a /a\n\
                      COPY --from=stage_${X} /a /a\nCOPY --from=base /a /b\n";
        let found = errors(source);
        assert_eq!(found.iter().map(|e| e.0).collect::<Vec<_>>(), [4, 5]);
        assert!(
            found[0].1.contains("does not expand variables"),
            "{found:?}"
        );
    }

    #[test]
    fn copies_from_itself_or_a_later_stage() {
        let source = "FROM alpine:3.20 AS a\nCOPY --from=a /x /x\nCOPY --from=b /y /y\n\
                      FROM alpine:3.20 AS b\nCOPY --from=0 /z /z\nCOPY --from=1 /w /w\n\
                      FROM alpine:3.20 AS c\nCOPY --from=A /v /v\nCOPY --from=7 /u /u\n";
        let found = errors(source);
        let at: Vec<usize> = found.iter().map(|e| e.0).collect();
        assert_eq!(at, [2, 3, 6, 9], "{found:?}");
        assert!(found[0].1.contains("itself"));
        // b copies from a, which copies from b: a loop.
        assert!(found[1].1.contains("circular"), "{found:?}");
        assert!(found[3].1.contains("no stage has index 7"));
    }

    #[test]
    fn a_long_loop_of_copies_is_one_loop() {
        // Stage i copies from stage i + 1, and the last from the first: every forward copy is
        // part of the loop; the last stage's copy goes backwards and is fine on its own.
        let n = 5000;
        let mut source = String::new();
        for i in 0..n {
            source.push_str(&format!(
                "FROM alpine:3.20 AS s{i}\nCOPY --from=s{} /a /a\n",
                (i + 1) % n
            ));
        }
        let found = errors(&source);
        assert_eq!(found.len(), n - 1);
        assert!(
            found.iter().all(|(_, m)| m.contains("circular")),
            "{:?}",
            &found[..2]
        );
    }

    #[test]
    fn forward_copy_without_a_loop_and_image_indexes() {
        let source =
            "FROM alpine:3.20 AS a\nCOPY --from=b /y /y\nFROM alpine:3.20 AS b\nRUN true\n";
        let found = errors(source);
        assert_eq!(found.len(), 1);
        assert!(found[0].1.contains("defined after"), "{found:?}");
        // An image named by --from takes the next index: index 2 may be it.
        let with_image =
            "FROM alpine:3.20\nCOPY --from=nginx:1 /a /a\nFROM alpine:3.20\nCOPY --from=2 /b /b\n";
        assert!(errors(with_image).is_empty());
    }

    #[test]
    fn blank_base_only_when_no_build_argument_can_fill_it() {
        assert_eq!(lines("FROM $UNDECLARED\n"), [1]);
        assert_eq!(lines("FROM ${A}${B}\n"), [1]);
        // Declared: a --build-arg may set it (InvalidDefaultArgInFrom warns instead).
        assert!(lines("ARG BASE\nFROM $BASE\n").is_empty());
        assert!(lines("FROM ${BASE:-alpine}\n").is_empty());
        assert!(lines("FROM $TARGETPLATFORM\n").is_empty());
        assert!(lines("ARG TAG\nFROM img:$TAG\n").is_empty());
        // Undeclared, the tag is always empty: `img:` is no reference.
        assert_eq!(lines("FROM img:$TAG\n"), [1]);
        // Always `build`, an earlier stage's name: fine.
        assert!(lines("FROM alpine:3.20 AS build\nFROM ${X}build\n").is_empty());
        assert_eq!(
            lines(
                "FROM --platform=$UNDECLARED alpine:3.20\nFROM --platform=linux/$NOPE alpine:3.20\n"
            ),
            [1, 2]
        );
        assert!(lines("ARG P\nFROM --platform=$P alpine:3.20\n").is_empty());
    }

    #[test]
    fn stop_signals_and_empty_volumes() {
        let source = "FROM alpine:3.20\nSTOPSIGNAL SIGTREM\nSTOPSIGNAL 0\nSTOPSIGNAL sigquit\n\
                      STOPSIGNAL 9\nSTOPSIGNAL RTMIN+3\nSTOPSIGNAL $SIG\nVOLUME [\"/data\", \"\"]\n\
                      VOLUME \"\" /logs\nVOLUME /cache\n";
        assert_eq!(lines(source), [2, 3, 8, 9]);
    }

    #[test]
    fn literal_platforms() {
        for bad in [
            "linux/amd64,linux/arm64",
            "linux/",
            "foo",
            "a/b/c/d",
            "linux/*",
        ] {
            assert_eq!(
                lines(&format!("FROM --platform={bad} alpine:3.20\n")),
                [1],
                "{bad}"
            );
        }
        for good in [
            "linux/amd64",
            "linux/arm/v7",
            "arm64",
            "windows",
            "$BUILDPLATFORM",
            "linux/$TARGETARCH",
        ] {
            assert!(
                lines(&format!("FROM --platform={good} alpine:3.20\n")).is_empty(),
                "{good}"
            );
        }
    }
}
