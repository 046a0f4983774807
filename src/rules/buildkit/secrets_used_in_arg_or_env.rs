//! SecretsUsedInArgOrEnv: an `ARG` or `ENV` whose name says it holds a secret. BuildKit's test:
//! one of the words `apikey`, `auth`, `credential(s)`, `key`, `password`, `pword`, `passwd`,
//! `secret` or `token` as a whole `_`-separated part of the name (any case), unless a part is
//! `public`, `file` or `version` (`PUBLIC_KEY`, `PASSWORD_FILE`, `AUTH_MODULE_VERSION`).

use crate::rules::declared::declared_with_spans as declared_names;
use crate::rules::{Context, Rule};

pub struct SecretsUsedInArgOrEnv;

const SECRET_PARTS: &[&str] = &[
    "apikey",
    "auth",
    "credential",
    "credentials",
    "key",
    "password",
    "pword",
    "passwd",
    "secret",
    "token",
];
const ALLOWED_PARTS: &[&str] = &["public", "file", "version"];

/// Whether a variable name reads as a secret, by BuildKit's test.
pub fn is_secret_name(name: &str) -> bool {
    let has = |words: &[&str]| {
        name.split('_')
            .any(|part| words.iter().any(|w| part.eq_ignore_ascii_case(w)))
    };
    has(SECRET_PARTS) && !has(ALLOWED_PARTS)
}

impl Rule for SecretsUsedInArgOrEnv {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            let keys = declared_names(instruction);
            let what = instruction.keyword.as_str();
            for (key, span) in keys {
                if is_secret_name(key) {
                    cx.report(
                        span,
                        format!(
                            "Do not use ARG or ENV instructions for sensitive data ({what} \"{key}\")"
                        ),
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_secret_name;

    #[test]
    fn secret_names_by_whole_parts() {
        for name in [
            "SECRET_PASSPHRASE",
            "SUPER_Secret",
            "apikey",
            "git_key",
            "auth",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "PUBLIC_KEY",
            "public_token",
            "SECRET_PASSPHRASE_FILE",
            "AUTH_MODULE_VERSION",
            "sunflower",
            "KEYBOARD",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
