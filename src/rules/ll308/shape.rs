//! The two-stage shape LL308 suggests, shown and never applied. Which files the build makes,
//! and which the program reads at run time, are not in the model: a rewrite that names them
//! would be a guess, and one that applies would move runtime steps the tool cannot tell from
//! build steps. So the shape is a sketch in the suggestion's text, quoting the file's own
//! install and build, with `<artifacts>` marking what only the author can fill in.

use crate::diagnostic::{Applicability, Fix};
use crate::model::Stage;
use crate::rules::Context;
use crate::span::Span;
use crate::syntax::Args;

/// Longest command quoted in the sketch, in characters.
const QUOTE: usize = 60;

/// The display-only suggestion for an install at `install` in `stage` whose tools the command
/// at `build` uses.
pub fn suggestion(cx: &Context<'_, '_>, stage: &Stage<'_>, install: Span, build: Span) -> Fix {
    let image = stage
        .from
        .and_then(|from| match &from.args {
            Args::Words(words) => words.first().map(|word| cx.text(word.span)),
            _ => None,
        })
        .unwrap_or("<base>");
    let builder = builder_name(cx);
    let name = stage
        .name
        .as_deref()
        .map(|name| format!(" AS {name}"))
        .unwrap_or_default();
    let quote = |span: Span| {
        format!(
            "RUN {}  (line {})",
            excerpt(cx.text(span)),
            cx.line_of(span)
        )
    };
    let sketch = [
        format!("FROM {image} AS {builder}"),
        "…".to_string(),
        quote(install),
        "…".to_string(),
        quote(build),
        format!("FROM {image}{name}"),
        "… only what the program needs at run time (runtime libraries, not the build tools)"
            .to_string(),
        format!("COPY --from={builder} <artifacts> <artifacts>"),
        "… the CMD or ENTRYPOINT".to_string(),
    ];
    Fix {
        title: format!(
            "Build in a stage of its own and copy only the result into the image; a sketch, \
             where <artifacts> stands for what the build makes (which files those are is not \
             known here):\n    {}",
            sketch.join("\n    ")
        ),
        applicability: Applicability::DisplayOnly,
        edits: Vec::new(),
    }
}

/// A stage name the file does not use yet.
fn builder_name(cx: &Context<'_, '_>) -> String {
    let taken = |name: &str| {
        cx.model.stages.iter().any(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
    };
    ["build", "builder", "build-tools"]
        .into_iter()
        .find(|name| !taken(name))
        .map_or_else(|| "build-stage".to_string(), str::to_string)
}

/// A command on one line (continuations and blank runs folded), cut to [`QUOTE`] characters.
fn excerpt(text: &str) -> String {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|word| *word != "\\" && *word != "`")
        .collect();
    let line = words.join(" ");
    if line.chars().count() <= QUOTE {
        return line;
    }
    let cut: String = line.chars().take(QUOTE - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn excerpts_fold_continuations_and_cut_long_commands() {
        assert_eq!(
            excerpt("apt-get install -y \\\n    gcc   make"),
            "apt-get install -y gcc make"
        );
        let long = excerpt(&"x ".repeat(80));
        assert_eq!(long.chars().count(), super::QUOTE);
        assert!(long.ends_with('…'));
    }
}
