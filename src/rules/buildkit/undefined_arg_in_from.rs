//! UndefinedArgInFrom: a `FROM` that uses a variable no global `ARG` declares (and that is not
//! one of the platform arguments BuildKit always defines).

use super::instructions_of;
use super::{BUILTIN_ARGS, did_you_mean, suggestion, used_names};
use crate::rules::instructions::{from_parts, global_args};
use crate::rules::{Context, Rule};
use crate::syntax::Keyword;

pub struct UndefinedArgInFrom;

impl Rule for UndefinedArgInFrom {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let args = global_args(cx.dockerfile);
        let escape = cx.dockerfile.escape;
        for instruction in instructions_of(cx.dockerfile, Keyword::From) {
            let mut texts = Vec::new();
            if let Some(value) = instruction.flag("platform").and_then(|f| f.value.clone()) {
                texts.push(value);
            }
            if let Some(parts) = from_parts(instruction) {
                texts.push(parts.image.text.to_string());
            }
            let mut reported: Vec<String> = Vec::new();
            for text in &texts {
                for name in names_looked_up(text, escape) {
                    if args.declares(name)
                        || BUILTIN_ARGS.contains(&name)
                        || reported.iter().any(|r| r == name)
                    {
                        continue;
                    }
                    reported.push(name.to_string());
                    let options = args.names().chain(BUILTIN_ARGS.iter().copied());
                    let hint = did_you_mean(suggestion(name, options), "");
                    cx.report(
                        instruction.span,
                        format!("FROM argument '{name}' is not declared{hint}"),
                    );
                }
            }
        }
    }
}

/// The variables BuildKit's lexer looks up in a `FROM` word: every reference, and also the name
/// in `${name:x…}` with a modifier it does not support (`${templateOption:imageVariant}`, a
/// template placeholder): the lexer looks the name up before it refuses the modifier.
fn names_looked_up(text: &str, escape: char) -> Vec<&str> {
    let mut names = used_names(text, escape);
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut at = 0;
    while let Some(found) = text[at..].find("${") {
        let start = at + found + 2;
        let escaped = text[..at + found].ends_with(escape);
        let len = text[start..]
            .find(|c| !is_name(c))
            .unwrap_or(text.len() - start);
        let name = &text[start..start + len];
        if !escaped && !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
        at = start;
    }
    names
}

#[cfg(test)]
mod tests {
    use super::names_looked_up;

    #[test]
    fn unsupported_modifiers_still_name_their_variable() {
        assert_eq!(
            names_looked_up("img:0-${templateOption:imageVariant}", '\\'),
            ["templateOption"]
        );
        assert_eq!(names_looked_up("${A}${B:-x}", '\\'), ["A", "B"]);
        assert!(names_looked_up("a\\${C}", '\\').is_empty());
    }
}
