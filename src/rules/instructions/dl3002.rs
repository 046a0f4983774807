//! DL3002 last-user-root: a stage whose last `USER` is root.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct LastUserRoot;

impl Rule for LastUserRoot {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.stages() {
            let last_user = stage.body.iter().rev().find(|i| i.keyword == Keyword::User);
            let Some(user) = last_user else {
                continue;
            };
            let Args::Text(word) = &user.args else {
                continue;
            };
            if is_root(super::unquoted(&word.text)) {
                cx.report(
                    user.span,
                    format!(
                        "the last USER of this stage is `{}`: its container runs as root; switch \
                         to an unprivileged user after the steps that need root",
                        word.text
                    ),
                );
            }
        }
    }
}

/// `root` or UID 0, with or without a group.
fn is_root(user: &str) -> bool {
    let name = user.split(':').next().unwrap_or(user);
    name == "root" || name == "0"
}
