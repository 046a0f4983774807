//! LegacyKeyValueFormat: `ENV key value` or `LABEL key value`, the old form in which everything
//! after the key is the value; `key=value` says where the value ends.

use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::{Args, Instruction, KeyValue, Keyword};

pub struct LegacyKeyValueFormat;

impl Rule for LegacyKeyValueFormat {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if !matches!(instruction.keyword, Keyword::Env | Keyword::Label) {
                continue;
            }
            let Args::KeyValues(pairs, true) = &instruction.args else {
                continue;
            };
            let Some(pair) = pairs.first() else {
                continue;
            };
            let what = instruction.keyword.as_str();
            let fix = fix(instruction, pair, cx.dockerfile.escape);
            cx.report(
                instruction.span,
                format!(
                    "\"{what} key=value\" should be used instead of legacy \"{what} key value\" \
                     format"
                ),
            )
            .fix = fix;
        }
    }
}

/// `key value` → `key=value`, or `key="value with blanks"`. The legacy value is one word for
/// BuildKit's lexer, blanks included; in the `key=value` form blanks outside quotes separate
/// pairs. A value without such blanks (`"hello world"` is one) keeps its text after the `=`; a
/// value with them is put in double quotes, which keeps its meaning only when it holds no quote
/// and no escape character of its own (`$` expands the same inside double quotes). Otherwise, or
/// with an unclosed quote, no fix.
fn fix(instruction: &Instruction, pair: &KeyValue, escape: char) -> Option<Fix> {
    let value = &pair.value.text;
    let blanks = unquoted_blank(value, escape)?;
    if value.is_empty() || (blanks && value.contains(['"', '\'', escape])) {
        return None;
    }
    let gap = Span::new(pair.key.span.end as usize, pair.value.span.start as usize);
    // Only a gap of blanks on one line (a continuation between key and value is left alone).
    if gap.start >= gap.end
        || instruction.line_map_text(gap).len() != (gap.end - gap.start) as usize
    {
        return None;
    }
    let mut edits = Vec::new();
    if blanks {
        edits.push(Edit {
            span: gap,
            content: "=\"".into(),
        });
        edits.push(Edit {
            span: Span::empty(pair.value.span.end as usize),
            content: "\"".into(),
        });
    } else {
        edits.push(Edit {
            span: gap,
            content: "=".into(),
        });
    }
    Some(Fix {
        title: "Write key=value".into(),
        applicability: Applicability::Safe,
        edits,
    })
}

/// Whether the text has a blank outside quotes; `None` when a quote is left open.
fn unquoted_blank(text: &str, escape: char) -> Option<bool> {
    let mut quote: Option<char> = None;
    let mut blank = false;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('\'') => {}
            _ if c == escape => {
                chars.next();
            }
            Some(_) if c == '"' => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c.is_whitespace() => blank = true,
            None => {}
        }
    }
    quote.is_none().then_some(blank)
}

#[cfg(test)]
mod tests {
    use super::unquoted_blank;

    #[test]
    fn blanks_outside_quotes() {
        assert_eq!(unquoted_blank("a b", '\\'), Some(true));
        assert_eq!(unquoted_blank("\"a b\"", '\\'), Some(false));
        assert_eq!(unquoted_blank("a\\ b", '\\'), Some(false));
        assert_eq!(unquoted_blank("'a", '\\'), None);
    }
}
