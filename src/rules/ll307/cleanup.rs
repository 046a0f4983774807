//! Cutting a RUN's cache cleanup out of its `&&` chain, for LL307's fix. Under a cache mount the
//! cleanup empties the mount on every build (throwing away what the mount is there to keep) and
//! removes nothing from the layer, which never holds the mounted directory's files: the image is
//! the same with or without it.
//!
//! A command is cut only when the model reads all of it as emptying mounted directories (`rm`
//! whose every operand it resolved, or a manager's own `clean` of a mounted cache) and it is one
//! whole step of a top-level chain joined only by `&&`, or a whole item of the script's `;` or
//! newline list, so the steps around it still run in the same order under the same
//! conditions. Anything else — a cleanup inside an `if`, after `||`, in a pipe, or an `rm` that
//! also deletes something else — stays, and the caller offers no fix.

use crate::diagnostic::Edit;
use crate::model::{Effects, Manager, PackageAction};
use crate::rules::runs::Run;
use crate::span::Span;
use crate::syntax::shell::{Command, Connector, Pipeline, Terminator};

/// The cleanup commands of `run` found inside the mounted `targets`: their spans in the file
/// (so the caller can check nothing else still deletes a cache) and the edits that cut them.
/// `cleans` says which managers' own cleanup empties only a mounted directory.
pub struct Cut {
    pub commands: Vec<Span>,
    pub edits: Vec<Edit>,
}

pub fn cut(
    source: &str,
    run: &Run<'_, '_>,
    effects: &Effects,
    targets: &[String],
    cleans: impl Fn(Manager) -> bool,
) -> Option<Cut> {
    let script = run.script.script.as_ref()?;
    let mut cut = Cut {
        commands: Vec::new(),
        edits: Vec::new(),
    };
    let is_cut =
        |p: &Pipeline, at: Span| is_cleanup(&script.source, p, at, effects, targets, &cleans);
    let items = &script.body.items;
    // Steps of one `&&` chain.
    for item in items.iter().filter(|item| item.pipelines.len() > 1) {
        let background = matches!(item.terminator, Some((Terminator::Background, _)));
        if background || item.connectors.iter().any(|(c, _)| *c != Connector::And) {
            continue;
        }
        let spans: Vec<Span> = item
            .pipelines
            .iter()
            .map(|p| run.file_span(p.span))
            .collect();
        let doomed: Vec<bool> = item
            .pipelines
            .iter()
            .zip(&spans)
            .map(|(p, &at)| is_cut(p, at))
            .collect();
        cut.take(source, &spans, &doomed)?;
    }
    // Whole items of a `;` or newline list that are one cleanup command each.
    let spans: Vec<Span> = items.iter().map(|item| run.file_span(item.span)).collect();
    let doomed: Vec<bool> = items
        .iter()
        .zip(&spans)
        .map(|(item, &at)| match item.pipelines.as_slice() {
            [alone] => {
                !matches!(item.terminator, Some((Terminator::Background, _))) && is_cut(alone, at)
            }
            _ => false,
        })
        .collect();
    cut.take(source, &spans, &doomed)?;
    Some(cut)
}

impl Cut {
    /// Cuts the steps marked `doomed` from a sequence of steps at `spans` (in the file), each
    /// with the separator before it (after it, for the first). `None` when every step would go
    /// or a comment line sits in what would be cut.
    fn take(&mut self, source: &str, spans: &[Span], doomed: &[bool]) -> Option<()> {
        if !doomed.contains(&true) {
            return Some(());
        }
        if doomed.iter().all(|&d| d) {
            return None;
        }
        for (first, last) in runs_of_true(doomed) {
            let span = if first == 0 {
                Span::new(spans[0].start as usize, spans[last + 1].start as usize)
            } else {
                Span::new(spans[first - 1].end as usize, spans[last].end as usize)
            };
            if source.get(span.range())?.contains('#') {
                return None;
            }
            self.commands.extend(&spans[first..=last]);
            self.edits.push(Edit {
                span,
                content: String::new(),
            });
        }
        Some(())
    }
}

/// Whether the pipeline at `at` (in the file) is one plain command that only empties mounted
/// directories.
fn is_cleanup(
    script: &str,
    pipeline: &Pipeline,
    at: Span,
    effects: &Effects,
    targets: &[String],
    cleans: &impl Fn(Manager) -> bool,
) -> bool {
    let [Command::Simple(simple)] = pipeline.commands.as_slice() else {
        return false;
    };
    if pipeline.negated || !simple.redirects.is_empty() || !simple.assignments.is_empty() {
        return false;
    }
    let inside = |span: Span| at.contains(span);
    let other_effects = effects.creates.iter().any(|e| inside(e.span))
        || effects.touches.iter().any(|e| inside(e.span))
        || effects.guarded_deletes.iter().any(|(e, _)| inside(e.span))
        || effects.caches.iter().any(|f| inside(f.span))
        || effects.kept_out.iter().any(|f| inside(f.span))
        || effects.unread.iter().any(|&s| inside(s) || s.contains(at));
    if other_effects {
        return false;
    }
    let deletes: Vec<_> = effects.deletes.iter().filter(|d| inside(d.span)).collect();
    let packages: Vec<_> = effects.packages.iter().filter(|p| inside(p.span)).collect();
    let under_a_target = |path: &str| {
        targets.iter().any(|target| {
            path.strip_prefix(target.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
    };
    if !deletes.iter().all(|d| under_a_target(&d.path)) {
        return false;
    }
    let view = simple.view(script);
    if view.name().as_deref() == Some("rm") {
        // Every operand must have been read as a deletion, or one the model missed would go.
        let operands = view.args_without_flags().count();
        return packages.is_empty() && operands > 0 && operands == deletes.len();
    }
    // A manager's own clean (its deletions, if the model records them, are under a target).
    !packages.is_empty()
        && packages
            .iter()
            .all(|p| p.action == PackageAction::Clean && cleans(p.manager))
}

/// The stretches of consecutive `true`s, as inclusive index pairs.
fn runs_of_true(flags: &[bool]) -> Vec<(usize, usize)> {
    let mut stretches = Vec::new();
    let mut start = None;
    for (i, &flag) in flags.iter().enumerate() {
        match (flag, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                stretches.push((s, i - 1));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        stretches.push((s, flags.len() - 1));
    }
    stretches
}

#[cfg(test)]
mod tests {
    use super::runs_of_true;

    #[test]
    fn stretches_of_cut_steps() {
        assert_eq!(
            runs_of_true(&[false, true, true, false, true]),
            [(1, 2), (4, 4)]
        );
        assert_eq!(runs_of_true(&[true, false]), [(0, 0)]);
        assert!(runs_of_true(&[false, false]).is_empty());
    }
}
