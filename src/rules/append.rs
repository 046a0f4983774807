//! Appending a command to the end of a `RUN` (`… && rm -rf /var/lib/apt/lists/*`), joined at the
//! shell level so that it runs exactly when the script succeeded.

use crate::diagnostic::Edit;
use crate::span::Span;
use crate::syntax::{Args, Dockerfile, Instruction};

/// The edit that appends `command` to a shell-form RUN, or `None` when appending could change
/// what the script means (heredocs, exec form, a trailing comment or background job). `newline`
/// is the file's line ending ([`super::Context::newline`]), for a RUN on several lines.
pub fn append_command(
    dockerfile: &Dockerfile,
    run: &Instruction,
    command: &str,
    newline: &str,
) -> Option<Edit> {
    let Args::Text(script) = &run.args else {
        return None;
    };
    if !run.heredocs().is_empty() {
        return None;
    }
    let text = script.text.trim_end();
    // A trailing `;` ends the last command; `&&` then joins cleanly after removing it. A trailing
    // comment or `&` would swallow or background the appended command: leave those alone.
    if text.ends_with('&') || last_line_has_comment(text) || text.ends_with('\\') {
        return None;
    }
    let end = run.span.end as usize;
    let source = &dockerfile.source[run.span.range()];
    let trimmed = source.trim_end();
    let semicolon = trimmed.ends_with(';') && !trimmed.ends_with(";;");
    let start = run.span.start as usize + trimmed.len() - usize::from(semicolon);
    let separator = if source.contains('\n') {
        format!(" {}{newline}    && ", dockerfile.escape)
    } else {
        " && ".to_string()
    };
    Some(Edit {
        span: Span::new(start, end),
        content: format!("{separator}{command}"),
    })
}

fn last_line_has_comment(script: &str) -> bool {
    let split = crate::syntax::shell::split(script);
    split
        .comments
        .iter()
        .any(|c| c.end as usize >= script.trim_end().len())
}
