//! Build variables as the rules see them in the text: the names an `ARG` or `ENV` declares, and
//! whether some text names a variable.

use crate::span::Span;
use crate::syntax::{Args, Instruction, Keyword};

/// The variable names an `ARG` or `ENV` declares.
pub fn declared_names(instruction: &Instruction) -> Vec<String> {
    declared_with_spans(instruction)
        .into_iter()
        .map(|(name, _)| name.to_string())
        .collect()
}

/// The variable names an `ARG` or `ENV` declares, each with the span of its word (an `ARG`'s
/// whole `name=value`, an `ENV`'s key).
pub fn declared_with_spans(instruction: &Instruction) -> Vec<(&str, Span)> {
    match (&instruction.keyword, &instruction.args) {
        (Keyword::Arg, Args::Words(words)) => words
            .iter()
            .map(|w| (w.text.split('=').next().unwrap_or(""), w.span))
            .collect(),
        (Keyword::Env, Args::KeyValues(pairs, _)) => pairs
            .iter()
            .map(|p| (p.key.text.as_str(), p.key.span))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `text` names the variable anywhere, in any spelling a shell uses: `$NAME`, `${NAME}`,
/// PowerShell's `$env:NAME` (case-insensitive, as Windows environment names are), cmd's
/// `%NAME%`, or a script that reads it by name. Erring towards "mentions" only makes a rule
/// quieter.
pub fn mentions(text: &str, name: &str) -> bool {
    let is_ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let haystack = text.to_ascii_uppercase();
    let needle = name.to_ascii_uppercase();
    haystack.match_indices(&needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
    })
}
