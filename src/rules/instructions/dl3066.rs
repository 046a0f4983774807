//! DL3066 non-numeric-user: a `USER` given by name rather than numeric ID.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct NonNumericUser;

const WINDOWS_ACCOUNTS: &[&str] = &["ContainerUser", "ContainerAdministrator"];

impl Rule for NonNumericUser {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::User {
                continue;
            }
            let Args::Text(word) = &instruction.args else {
                continue;
            };
            let user = super::unquoted(&word.text);
            let uid = user.split(':').next().unwrap_or(user);
            // A variable's value is not known here; Windows has no numeric IDs, and its
            // built-in container accounts are what Windows images name.
            if uid.is_empty()
                || uid.contains('$')
                || uid.chars().all(|c| c.is_ascii_digit())
                || WINDOWS_ACCOUNTS.iter().any(|a| a.eq_ignore_ascii_case(uid))
            {
                continue;
            }
            cx.report(
                word.span,
                format!(
                    "`USER {user}` names the user: a runtime that checks the user without the \
                     image's /etc/passwd (Kubernetes `runAsNonRoot`) cannot tell who `{uid}` is; \
                     give the numeric UID"
                ),
            );
        }
    }
}
