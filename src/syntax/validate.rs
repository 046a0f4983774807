//! Instruction-level checks: what Docker's parser accepts but Docker refuses to build.
//!
//! An unknown instruction, an unknown or valueless flag, a missing argument: each becomes a
//! syntax error (LL001) on the instruction, which is then marked malformed so rules leave it be.

use super::ast::{Args, ErrorKind, Flag, Instruction, Keyword, SyntaxError};
use crate::span::Span;
use std::collections::HashSet;

/// What a flag of an instruction takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FlagKind {
    /// `--name=value`, once.
    Value,
    /// `--name=value`, repeatable.
    Repeated,
    /// `--name` or `--name=true|false`.
    Bool,
}

fn known_flags(keyword: Keyword) -> &'static [(&'static str, FlagKind)] {
    use FlagKind::*;
    match keyword {
        Keyword::From => &[("platform", Value)],
        Keyword::Run => &[
            ("mount", Repeated),
            ("network", Value),
            ("security", Value),
            ("device", Repeated),
        ],
        Keyword::Copy => &[
            ("from", Value),
            ("chown", Value),
            ("chmod", Value),
            ("link", Bool),
            ("parents", Bool),
            ("exclude", Repeated),
        ],
        Keyword::Add => &[
            ("chown", Value),
            ("chmod", Value),
            ("link", Bool),
            ("keep-git-dir", Bool),
            ("checksum", Value),
            ("exclude", Repeated),
            ("unpack", Bool),
        ],
        Keyword::Healthcheck => &[
            ("interval", Value),
            ("timeout", Value),
            ("start-period", Value),
            ("start-interval", Value),
            ("retries", Value),
        ],
        _ => &[],
    }
}

/// How the error on an instruction before any `FROM` starts.
const NO_STAGE: &str = "no build stage in current context";

/// Checks what only the whole file can tell: instructions before the first `FROM`, and image
/// references (an earlier stage's name is not one).
pub fn validate_file(instructions: &[&Instruction], errors: &mut Vec<SyntaxError>) -> Vec<usize> {
    let mut broken = Vec::new();
    // A set, not a list: a `FROM` checks it, and a walk per `FROM` is quadratic in the stages.
    let mut stage_names: HashSet<String> = HashSet::new();
    let mut in_stage = false;
    for (index, ins) in instructions.iter().enumerate() {
        if ins.malformed {
            in_stage |= ins.keyword == Keyword::From;
            continue;
        }
        let mut report = |span: Span, message: String| {
            errors.push(SyntaxError {
                span,
                message,
                kind: ErrorKind::Instruction,
            });
            broken.push(index);
        };
        match ins.keyword {
            Keyword::From => {
                in_stage = true;
                let Args::Words(words) = &ins.args else {
                    continue;
                };
                let image = &words[0];
                let lower = image.text.as_str().to_ascii_lowercase();
                if !image.text.contains('$') && !stage_names.contains(&lower) {
                    if let Some(problem) = super::reference::problem(&image.text) {
                        report(
                            image.span,
                            format!("{problem}: {:?} is not a valid image reference", image.text),
                        );
                    }
                }
                if let [_, _, name] = &words[..] {
                    stage_names.insert(name.text.as_str().to_ascii_lowercase());
                }
            }
            Keyword::Arg | Keyword::Unknown => {}
            // An error, but not one that makes the arguments doubtful: the instruction is not
            // marked malformed, so the rules still read it (hadolint lints fragments).
            _ if !in_stage => errors.push(SyntaxError {
                span: ins.keyword_span,
                message: format!(
                    "{NO_STAGE}: {} must come after a FROM (only ARG may come before)",
                    ins.keyword.as_str()
                ),
                kind: ErrorKind::Instruction,
            }),
            _ => {}
        }
    }
    broken
}

/// Checks one top-level instruction; returns its errors.
pub fn validate(instruction: &Instruction, escape: char) -> Vec<SyntaxError> {
    let mut errors = Vec::new();
    check(instruction, escape, &mut errors);
    errors
}

fn check(ins: &Instruction, escape: char, errors: &mut Vec<SyntaxError>) {
    let mut report = |span: Span, message: String| {
        errors.push(SyntaxError {
            span,
            message,
            kind: ErrorKind::Instruction,
        })
    };
    if ins.keyword == Keyword::Unknown {
        let written = ins.line_map_text(ins.keyword_span);
        let keywords = Keyword::ALL.map(Keyword::as_str);
        let message = match suggest(&written.to_ascii_uppercase(), &keywords) {
            Some(k) if !written.is_empty() => {
                format!("unknown instruction: {written} (did you mean {k}?)")
            }
            _ if written.is_empty() => "expected an instruction".to_string(),
            _ => format!("unknown instruction: {written}"),
        };
        report(ins.keyword_span.cover(ins.span), message);
        return;
    }
    check_flags(ins, &mut report);
    let name = ins.keyword.as_str();
    let count = arg_count(&ins.args);
    let whole = ins.span;
    match ins.keyword {
        Keyword::From => check_from(ins, &mut report),
        Keyword::Copy | Keyword::Add if count < 2 => report(
            whole,
            format!(
                "{name} requires at least two arguments, but only {count} was provided. Destination could not be determined"
            ),
        ),
        Keyword::Env
        | Keyword::Label
        | Keyword::Arg
        | Keyword::Expose
        | Keyword::Volume
        | Keyword::Onbuild
            if count == 0 =>
        {
            report(whole, format!("{name} requires at least one argument"))
        }
        Keyword::User | Keyword::Workdir | Keyword::Stopsignal | Keyword::Maintainer
            if count == 0 =>
        {
            report(whole, format!("{name} requires exactly one argument"))
        }
        Keyword::Shell if !matches!(ins.args, Args::Json(ref w) if !w.is_empty()) => report(
            whole,
            "SHELL requires the arguments to be in JSON form, with at least one argument"
                .to_string(),
        ),
        Keyword::Env | Keyword::Label => check_names(ins, escape, &mut report),
        Keyword::Arg => check_arg_names(ins, &mut report),
        Keyword::Healthcheck => check_healthcheck(ins, &mut report),
        Keyword::Onbuild => {
            if let Args::Onbuild(inner) = &ins.args {
                match inner.keyword {
                    Keyword::Onbuild => report(
                        inner.keyword_span,
                        "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed".to_string(),
                    ),
                    Keyword::From | Keyword::Maintainer => report(
                        inner.keyword_span,
                        format!(
                            "{} isn't allowed as an ONBUILD trigger",
                            inner.keyword.as_str()
                        ),
                    ),
                    _ => {
                        let mut inner_errors = Vec::new();
                        check(inner, escape, &mut inner_errors);
                        for e in inner_errors {
                            report(e.span, e.message);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

fn arg_count(args: &Args) -> usize {
    match args {
        Args::None => 0,
        Args::Text(_) | Args::Onbuild(_) | Args::Healthcheck { .. } => 1,
        Args::Json(words) | Args::Words(words) => words.len(),
        Args::KeyValues(pairs, _) => pairs.len(),
    }
}

fn check_flags(ins: &Instruction, report: &mut impl FnMut(Span, String)) {
    let known = known_flags(ins.keyword);
    for (i, flag) in ins.flags().iter().enumerate() {
        let Some(&(_, kind)) = known.iter().find(|(name, _)| *name == flag.name) else {
            let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
            let hint = suggest(&flag.name, &names)
                .map(|n| format!(" (did you mean --{n}?)"))
                .unwrap_or_default();
            report(
                flag.span,
                format!(
                    "unknown flag: {} for {}{hint}",
                    flag.name,
                    ins.keyword.as_str()
                ),
            );
            continue;
        };
        if kind != FlagKind::Repeated && ins.flags()[..i].iter().any(|f: &Flag| f.name == flag.name)
        {
            report(
                flag.span,
                format!("duplicate flag specified: {}", flag.name),
            );
        }
        match (kind, flag.value.as_deref()) {
            (FlagKind::Bool, Some(v))
                if !matches!(v.to_ascii_lowercase().as_str(), "true" | "false") =>
            {
                report(
                    flag.value_span,
                    format!("expecting boolean value for flag {}, not: {v}", flag.name),
                )
            }
            (FlagKind::Value | FlagKind::Repeated, None) => {
                report(flag.span, format!("missing a value on flag: {}", flag.name))
            }
            _ => {}
        }
        if flag.name == "mount" && ins.keyword == Keyword::Run && !flag.text.contains('$') {
            if let Some(problem) =
                super::mount::Mount::parse(flag.value.as_deref().unwrap_or("")).problem()
            {
                report(flag.value_span, problem);
            }
        }
        if flag.name == "network" && ins.keyword == Keyword::Run {
            if let Some(v) = flag
                .value
                .as_deref()
                .filter(|v| !matches!(*v, "default" | "none" | "host"))
            {
                report(
                    flag.value_span,
                    format!("unsupported network mode {v:?}: use default, none or host"),
                );
            }
        }
        if flag.name == "security" && ins.keyword == Keyword::Run {
            if let Some(v) = flag
                .value
                .as_deref()
                .filter(|v| !matches!(*v, "sandbox" | "insecure"))
            {
                report(
                    flag.value_span,
                    format!("unsupported security mode {v:?}: use sandbox or insecure"),
                );
            }
        }
    }
}

fn check_from(ins: &Instruction, report: &mut impl FnMut(Span, String)) {
    let Args::Words(words) = &ins.args else {
        report(
            ins.span,
            "FROM requires either one or three arguments".to_string(),
        );
        return;
    };
    match &words[..] {
        [_] => {}
        [_, as_word, name] if as_word.text.eq_ignore_ascii_case("as") => {
            let lower = name.text.as_str().to_ascii_lowercase();
            if !valid_stage_name(&lower) {
                report(
                    name.span,
                    format!(
                        "invalid name for build stage: {:?}, name can't start with a number or contain symbols",
                        name.text
                    ),
                );
            }
        }
        [_, as_word, _] => report(
            as_word.span,
            format!("expected 'AS' in FROM, found {:?}", as_word.text),
        ),
        _ => report(
            ins.span,
            "FROM requires either one or three arguments".to_string(),
        ),
    }
}

/// Stage names: a letter, then letters, digits, `-`, `_` or `.` (compared lower-cased).
fn valid_stage_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.'))
}

fn check_names(ins: &Instruction, escape: char, report: &mut impl FnMut(Span, String)) {
    let Args::KeyValues(pairs, _) = &ins.args else {
        return;
    };
    for pair in pairs {
        if pair.key.text.is_empty() {
            report(
                pair.key.span.cover(pair.value.span),
                format!("{} names can not be blank", ins.keyword.as_str()),
            );
        } else if let Some(quote) = super::words::unclosed_quote(&pair.value.text, escape) {
            report(
                pair.value.span,
                format!(
                    "unterminated {quote} quote in the value of {}",
                    pair.key.text
                ),
            );
        }
    }
}

fn check_arg_names(ins: &Instruction, report: &mut impl FnMut(Span, String)) {
    if let Args::Words(words) = &ins.args {
        for word in words.iter().filter(|w| w.text.starts_with('=')) {
            report(word.span, "ARG names can not be blank".to_string());
        }
    }
}

fn check_healthcheck(ins: &Instruction, report: &mut impl FnMut(Span, String)) {
    let Args::Healthcheck { kind, command } = &ins.args else {
        return;
    };
    match kind.text.as_str().to_ascii_uppercase().as_str() {
        "NONE" if !matches!(**command, Args::None) || !ins.flags().is_empty() => {
            report(ins.span, "HEALTHCHECK NONE takes no arguments".to_string())
        }
        "NONE" => {}
        "CMD"
            if matches!(**command, Args::None)
                || matches!(**command, Args::Json(ref w) if w.is_empty()) =>
        {
            report(
                ins.span,
                "Missing command after HEALTHCHECK CMD".to_string(),
            )
        }
        "CMD" => {}
        other => report(
            kind.span,
            format!("Unknown type {other:?} in HEALTHCHECK (try CMD)"),
        ),
    }
}

/// The candidate closest to a misspelt word, if it is close enough to be a typo.
fn suggest<'a>(written: &str, candidates: &[&'a str]) -> Option<&'a str> {
    // No keyword or flag is longer than 14 letters; anything much longer is not a typo of one.
    if written.len() > 16 {
        return None;
    }
    candidates
        .iter()
        .map(|&c| (edit_distance(written, c), c))
        .filter(|&(d, c)| d <= 2 && d < c.len() / 2 + 1)
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_for_typos_only() {
        let keywords = Keyword::ALL.map(Keyword::as_str);
        assert_eq!(suggest("RUNN", &keywords), Some("RUN"));
        assert_eq!(suggest("COPPY", &keywords), Some("COPY"));
        assert_eq!(suggest("ENTRYPIONT", &keywords), Some("ENTRYPOINT"));
        assert_eq!(suggest("{{", &keywords), None);
        assert_eq!(suggest("APT-GET", &keywords), None);
        assert_eq!(suggest("form", &["from", "chown"]), Some("from"));
    }

    #[test]
    fn stage_names() {
        assert!(valid_stage_name("build-env_1.x"));
        assert!(!valid_stage_name("1st"));
        assert!(!valid_stage_name("a$b"));
    }
}
