//! What the lines a fix touches will read like once it is applied, for showing beside a finding.

use crate::diagnostic::Fix;

/// The whole lines covered by `fix`'s edits, with the edits applied and without the final line
/// ending. `None` when the edits overlap or fall outside `source` (a rule's bug, which must not
/// take the report down with it).
pub fn rewritten_lines(source: &str, fix: &Fix) -> Option<String> {
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let first = edits.first()?.span.start as usize;
    let last = edits.iter().map(|edit| edit.span.end as usize).max()?;
    let start = line_start(source, first)?;
    let end = line_end(source, last)?;

    let mut text = String::new();
    let mut at = start;
    for edit in edits {
        let range = edit.span.range();
        text.push_str(source.get(at..range.start)?);
        text.push_str(&edit.content);
        at = range.end;
    }
    text.push_str(source.get(at..end)?);
    Some(text.trim_end_matches(['\n', '\r']).to_string())
}

fn line_start(source: &str, offset: usize) -> Option<usize> {
    Some(
        source
            .get(..offset)?
            .rfind('\n')
            .map_or(0, |newline| newline + 1),
    )
}

/// The end of the line holding `offset`, line ending included. An edit that stops just after a
/// newline ends its line there: the next line is untouched and not shown.
fn line_end(source: &str, offset: usize) -> Option<usize> {
    let before = source.get(..offset)?;
    if before.ends_with('\n') {
        return Some(offset);
    }
    let rest = source.get(offset..)?;
    Some(
        rest.find('\n')
            .map_or(source.len(), |newline| offset + newline + 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Applicability, Edit};
    use crate::span::Span;

    fn fix(edits: &[(usize, usize, &str)]) -> Fix {
        Fix {
            title: "t".to_string(),
            applicability: Applicability::Safe,
            edits: edits
                .iter()
                .map(|&(start, end, content)| Edit {
                    span: Span::new(start, end),
                    content: content.to_string(),
                })
                .collect(),
        }
    }

    const SOURCE: &str = "FROM a\nRUN apt-get install -y x\nRUN b\n";

    #[test]
    fn an_edit_inside_a_line_shows_the_whole_new_line() {
        let flag = SOURCE.find("-y").unwrap_or_default();
        let rewritten = rewritten_lines(SOURCE, &fix(&[(flag, flag + 2, "--yes")]));
        assert_eq!(rewritten.as_deref(), Some("RUN apt-get install --yes x"));
    }

    #[test]
    fn edits_on_several_lines_show_every_line_between() {
        let run = SOURCE.find("RUN").unwrap_or_default();
        let last = SOURCE.rfind('b').unwrap_or_default();
        let rewritten = rewritten_lines(SOURCE, &fix(&[(last, last + 1, "c"), (run, run, "# ")]));
        assert_eq!(
            rewritten.as_deref(),
            Some("# RUN apt-get install -y x\nRUN c")
        );
    }

    #[test]
    fn deleting_whole_lines_leaves_nothing_to_show() {
        let run = SOURCE.find("RUN").unwrap_or_default();
        let next = SOURCE.rfind("RUN").unwrap_or_default();
        assert_eq!(
            rewritten_lines(SOURCE, &fix(&[(run, next, "")])).as_deref(),
            Some("")
        );
    }

    #[test]
    fn overlapping_or_out_of_range_edits_give_nothing() {
        assert_eq!(
            rewritten_lines(SOURCE, &fix(&[(1, 4, "x"), (2, 3, "y")])),
            None
        );
        assert_eq!(rewritten_lines(SOURCE, &fix(&[(1, 400, "x")])), None);
        assert_eq!(rewritten_lines(SOURCE, &fix(&[])), None);
    }
}
