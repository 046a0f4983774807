//! DL4000 maintainer-deprecated: `MAINTAINER`, deprecated in favour of a label.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::{Args, Keyword};

pub struct MaintainerDeprecated;

impl Rule for MaintainerDeprecated {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Maintainer {
                continue;
            }
            let fix = match &instruction.args {
                Args::Text(word) => Some(Fix {
                    title: "Replace MAINTAINER with the org.opencontainers.image.authors label"
                        .into(),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        span: instruction.span,
                        content: format!(
                            "LABEL org.opencontainers.image.authors=\"{}\"",
                            label_value(&word.text)
                        ),
                    }],
                }),
                _ => None,
            };
            cx.report(
                instruction.span,
                "MAINTAINER is deprecated: name the authors in the \
                 `org.opencontainers.image.authors` label instead",
            )
            .fix = fix;
        }
    }
}

/// The maintainer text as the inside of a double-quoted LABEL value: one pair of enclosing
/// quotes dropped, and `"`, `\` and `$` escaped (LABEL expands variables, MAINTAINER does not).
fn label_value(text: &str) -> String {
    let text = text.trim();
    let bytes = text.as_bytes();
    let inner = if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[0] == bytes[bytes.len() - 1]
    {
        &text[1..text.len() - 1]
    } else {
        text
    };
    let mut out = String::with_capacity(inner.len());
    for c in inner.chars() {
        if matches!(c, '"' | '\\' | '$') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
