//! DL3000 workdir-relative: a `WORKDIR` that is not an absolute path.

use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct WorkdirRelative;

impl Rule for WorkdirRelative {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Workdir {
                continue;
            }
            let Args::Text(word) = &instruction.args else {
                continue;
            };
            let path = super::unquoted(&word.text);
            if path.is_empty() || is_absolute(path) {
                continue;
            }
            cx.report(
                word.span,
                format!(
                    "`WORKDIR {path}` is relative: it resolves against whatever directory the \
                     base image or an earlier WORKDIR left; use an absolute path"
                ),
            );
        }
    }
}

/// `/…`, a variable (its value is unknown here), or a Windows drive (`C:\`, `c:/`).
fn is_absolute(path: &str) -> bool {
    let mut chars = path.chars();
    path.starts_with(['/', '$'])
        || (chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.next() == Some(':'))
}
