//! Expanding a `FROM` line as BuildKit does for its checks: with the global `ARG` defaults only
//! (no `--build-arg`), each default expanded with the arguments before it, the platform
//! arguments at their usual values, and quotes removed as its word lexer removes them.

use super::BUILTIN_VALUES;
use crate::model::vars::MAX_VALUE_LEN;
use crate::syntax::{Args, Dockerfile, Keyword};

/// The global arguments with their default values, in order (the last of a name wins);
/// `None` for an argument declared without a default (it expands to nothing).
pub fn meta_args(dockerfile: &Dockerfile) -> Vec<(String, Option<String>)> {
    let mut args: Vec<(String, Option<String>)> = BUILTIN_VALUES
        .iter()
        .map(|(name, value)| (name.to_string(), Some(value.to_string())))
        .collect();
    for instruction in dockerfile.instructions() {
        match (&instruction.keyword, &instruction.args) {
            (Keyword::From, _) => break,
            (Keyword::Arg, Args::Words(words)) => {
                for word in words {
                    match word.text.split_once('=') {
                        Some((name, value)) => {
                            let value = expand_defaults(value, &args, dockerfile.escape);
                            args.push((name.to_string(), value));
                        }
                        // Declaring a platform argument again keeps its value.
                        None if BUILTIN_VALUES.iter().any(|(n, _)| *n == word.text) => {}
                        None => args.push((word.text.to_string(), None)),
                    }
                }
            }
            _ => {}
        }
    }
    args
}

/// `text` expanded with `args`: an argument without a value, or an undeclared one, is empty.
/// `None` when an operator other than `-`, `:-`, `+` or `:+` is used (the result is then not
/// worth guessing), or a quote or `${` is left open.
pub fn expand_defaults(
    text: &str,
    args: &[(String, Option<String>)],
    escape: char,
) -> Option<String> {
    let value_of = |name: &str| -> Option<String> {
        args.iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.clone())
    };
    let is_name = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut out = String::new();
    let mut in_double = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        // Defaults that double on every line (`ARG B=$A$A`) would grow without end: past the
        // model's limit on a value, the result is not known.
        if out.len() > MAX_VALUE_LEN {
            return None;
        }
        let after = &rest[c.len_utf8()..];
        if c == escape {
            let next = after.chars().next()?;
            out.push(next);
            rest = &after[next.len_utf8()..];
        } else if c == '\'' && !in_double {
            let close = after.find('\'')?;
            out.push_str(&after[..close]);
            rest = &after[close + 1..];
        } else if c == '"' {
            in_double = !in_double;
            rest = after;
        } else if c == '$' {
            if let Some(braced) = after.strip_prefix('{') {
                let close = braced.find('}')?;
                let inner = &braced[..close];
                let name_len = inner.find(|c| !is_name(c)).unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let value = value_of(name);
                let nonempty = value.as_deref().is_some_and(|v| !v.is_empty());
                let word = |skip: usize| expand_defaults(&op[skip..], args, escape);
                let piece = match op {
                    "" => value.unwrap_or_default(),
                    _ if op.starts_with(":-") => {
                        if nonempty {
                            value.unwrap_or_default()
                        } else {
                            word(2)?
                        }
                    }
                    _ if op.starts_with('-') => match value {
                        Some(v) => v,
                        None => word(1)?,
                    },
                    _ if op.starts_with(":+") => {
                        if nonempty {
                            word(2)?
                        } else {
                            String::new()
                        }
                    }
                    _ if op.starts_with('+') => {
                        if value.is_some() {
                            word(1)?
                        } else {
                            String::new()
                        }
                    }
                    _ => return None,
                };
                out.push_str(&piece);
                rest = &braced[close + 1..];
            } else {
                let name_len = after.find(|c| !is_name(c)).unwrap_or(after.len());
                if name_len == 0 {
                    out.push('$');
                } else {
                    out.push_str(&value_of(&after[..name_len]).unwrap_or_default());
                }
                rest = &after[name_len..];
            }
        } else {
            out.push(c);
            rest = after;
        }
    }
    (!in_double && out.len() <= MAX_VALUE_LEN).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_expand_and_missing_values_are_empty() {
        let args = vec![
            ("VERSION".to_string(), None),
            ("SFX".to_string(), Some("box:".to_string())),
        ];
        let e = |t: &str| expand_defaults(t, &args, '\\');
        assert_eq!(e("busybox:$VERSION").as_deref(), Some("busybox:"));
        assert_eq!(e("busy${SFX}").as_deref(), Some("busybox:"));
        assert_eq!(e("a${X:-b}").as_deref(), Some("ab"));
        assert_eq!(e("a${SFX:+c}").as_deref(), Some("ac"));
        assert_eq!(e("alpine:\"${SFX}\"").as_deref(), Some("alpine:box:"));
        assert_eq!(e("a${SFX%%:}"), None);
    }

    #[test]
    fn defaults_build_on_earlier_ones_and_platforms_have_values() {
        let df = crate::syntax::parse(
            "ARG V=1\nARG IMG=\"app:${V}\"\nARG TARGETOS\nFROM $IMG\nFROM bin-$TARGETOS\n",
        );
        let args = meta_args(&df);
        assert_eq!(
            expand_defaults("$IMG", &args, '\\').as_deref(),
            Some("app:1")
        );
        assert_eq!(
            expand_defaults("bin-$TARGETOS", &args, '\\').as_deref(),
            Some("bin-linux")
        );
    }
}
