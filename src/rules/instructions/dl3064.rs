//! DL3064 sensitive-build-variable: an `ARG` or `ENV` whose name says it holds a secret.

use super::with_triggers;
use crate::rules::{Context, Rule};

pub struct SensitiveBuildVariable;

/// Well-known names of credentials (hadolint's list).
const KNOWN: &[&str] = &[
    "ACCESS_TOKEN",
    "APPLICATION_KEY",
    "APP_SECRET",
    "AUTH_TOKEN",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "BITTREX_API_KEY",
    "BITTREX_API_SECRET",
    "CF_PASSWORD",
    "CF_USERNAME",
    "CIRCLE_TOKEN",
    "CI_DEPLOY_PASSWORD",
    "CI_DEPLOY_USER",
    "DOCKERHUB_PASSWORD",
    "DOCKER_EMAIL",
    "DOCKER_PASSWORD",
    "DOCKER_USERNAME",
    "FACEBOOK_ACCESS_TOKEN",
    "FACEBOOK_APP_ID",
    "FACEBOOK_APP_SECRET",
    "FIREBASE_API_TOKEN",
    "FIREBASE_TOKEN",
    "FOSSA_API_KEY",
    "GH_ENTERPRISE_TOKEN",
    "GH_TOKEN",
    "GITHUB_ENTERPRISE_TOKEN",
    "GITHUB_TOKEN",
    "HEROKU_API_KEY",
    "HEROKU_API_USER",
    "NPM_AUTH_TOKEN",
    "NPM_TOKEN",
    "OKTA_AUTHN_GROUPID",
    "OKTA_CLIENT_ORGURL",
    "OKTA_CLIENT_TOKEN",
    "OKTA_OAUTH2_CLIENTID",
    "OKTA_OAUTH2_CLIENTSECRET",
    "OPENAI_API_KEY",
    "OS_PASSWORD",
    "OS_USERNAME",
    "POSTGRES_PASSWORD",
    "SLACK_TOKEN",
    "STRIPE_API_KEY",
    "STRIPE_DEVICE_NAME",
    "TRAVIS_OS_NAME",
    "TRAVIS_SECURE_ENV_VARS",
    "TRAVIS_SUDO",
    "VAULT_CLIENT_KEY",
    "VAULT_TOKEN",
];

/// Parts of a name that suggest a credential (hadolint's, without `username`: a user name is not
/// a secret, and `ARG USERNAME=vscode` is how dev-container images name their user).
const SUSPICIOUS: &[&str] = &[
    "api_key",
    "client_key",
    "password",
    "private",
    "secret",
    "token",
];

/// Whether the name is a known credential or has a suspicious part as whole words
/// (`DB_PASSWORD`, `apiKey`, but not `TOKENIZER_MODEL`).
fn sensitive(name: &str) -> bool {
    if KNOWN.iter().any(|k| k.eq_ignore_ascii_case(name)) {
        return true;
    }
    let words = words(name);
    SUSPICIOUS.iter().any(|phrase| {
        let phrase: Vec<&str> = phrase.split('_').collect();
        words
            .windows(phrase.len())
            .any(|w| w.iter().zip(&phrase).all(|(a, b)| a == b))
    })
}

/// The lower-case words of a name: split at `_`, `-`, `.` and where a lower-case letter or
/// digit meets an upper-case one.
fn words(name: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(String::new());
            previous_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && previous_lower {
            words.push(String::new());
        }
        previous_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        words
            .last_mut()
            .expect("one word")
            .push(c.to_ascii_lowercase());
    }
    words.retain(|w| !w.is_empty());
    words
}

impl Rule for SensitiveBuildVariable {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in with_triggers(cx.dockerfile) {
            let names = crate::rules::declared::declared_with_spans(instruction);
            let Some((name, span)) = names.into_iter().find(|(n, _)| sensitive(n)) else {
                continue;
            };
            let keyword = instruction.keyword.as_str();
            cx.report(
                span,
                format!(
                    "`{name}` looks like a secret: {keyword} values stay in the image's history \
                     and metadata; pass secrets with `RUN --mount=type=secret` instead"
                ),
            );
        }
    }
}
