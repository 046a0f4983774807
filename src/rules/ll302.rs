//! LL302 deleted-in-later-layer
//!
//! A layer is a diff against the one below it: deleting a file in a later layer only writes a
//! whiteout, and the bytes stay in the layer that created them, pulled and stored with the image.
//! Creating and deleting in the same `RUN` is the cure.

mod caches;

use super::ll303::source;
use super::origin;
use super::{Context, Rule};
use crate::model::paths::{is_glob, removes};
use crate::model::{PathEffect, Stage};
use crate::syntax::Keyword;
use std::collections::HashMap;

pub struct DeletedInLaterLayer;

impl Rule for DeletedInLaterLayer {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            check_stage(cx, stage);
            caches::check_stage(cx, stage);
        }
    }
}

fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    let creations = cx.creations(stage.index);
    let copied = cx.build_context.is_known().then(|| copied(stage));
    for (index, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        // One finding per creating layer and deleting step, however many paths they share.
        let mut reported: Vec<usize> = Vec::new();
        for deleted in &effects.deletes {
            let Some(origin) = origin::find(stage, creations, index, deleted) else {
                continue;
            };
            if through_context_symlink(cx, stage, copied.as_ref(), index, &deleted.path) {
                continue;
            }
            if reported.contains(&origin.index) {
                continue;
            }
            reported.push(origin.index);
            let creator = origin.step.instruction;
            let line = cx.line_of(creator.span);
            let keyword = creator.keyword.as_str();
            let via = &deleted.via;
            // Every path of the creating step that this deletion removes: a COPY of several
            // sources (`COPY a/*.sh a/*.env /tmp/x/`) is named whole, not by its last source.
            let mut names: Vec<String> = Vec::new();
            let creates = origin.step.effects.iter().flat_map(|e| &e.creates);
            for other in creates {
                let same = std::ptr::eq(other, origin.created);
                let also = !origin.partial
                    && other.via == origin.created.via
                    && removes(&deleted.path, deleted.recursive, &other.path);
                let name = describe(&other.path);
                if (same || also) && !names.contains(&name) {
                    names.push(name);
                }
            }
            let created = &join_names(&names);
            // An append (`>>`) or a package manager's history and logs add to a file that may
            // well be older than this layer: the layer holds a whole copy, but did not make it.
            let made = if rewrites_in_place(&origin.created.via) {
                "last wrote"
            } else {
                "created"
            };
            let what = if origin.partial {
                format!(
                    "{via} deletes {}, part of {created}, which the {keyword} on line {line} filled",
                    deleted.path
                )
            } else if deleted.path == origin.created.path && names.len() == 1 {
                format!("{via} deletes {created}, which the {keyword} on line {line} {made}")
            } else {
                format!(
                    "{via} {} deletes {created}, which the {keyword} on line {line} {made}",
                    deleted.path
                )
            };
            let downloaded = creator.keyword == crate::syntax::Keyword::Add
                && downloads(cx, origin.step, origin.created);
            let advice = if creator.keyword == crate::syntax::Keyword::Run {
                "create and delete it in the same RUN".to_string()
            } else if downloaded {
                "download it in the RUN that uses it and delete it there (`curl -fsSLo … && … && rm …`) instead of ADD".to_string()
            } else {
                format!(
                    "if only a RUN needs it, bind-mount it for that RUN (`RUN --mount=type=bind,source=…,target=…`) instead of copying it; otherwise keep it out of the {keyword}"
                )
            };
            let message = match copied_again(cx, stage, origin.index, origin.created) {
                // The path may be a link the earlier copy brought: say what holds either way.
                Some((earlier, earlier_line)) => format!(
                    "{via} deletes {}, which the {keyword} on line {line} brought; the {earlier} on line {earlier_line} had already brought {}: if the build context holds that path as a symbolic link (copying it twice suggests one; the context at hand does not show it), line {line} wrote through the link and the {via} removes only the link, so the files stay visible; if not, deleting it in a later layer only hides it. Either way the bytes stay in the layer from line {line} and ship with the image; {advice}",
                    deleted.path,
                    origin.created.path.trim_end_matches('/'),
                ),
                None => format!(
                    "{what}: deleting it in a later layer only hides it; its bytes stay in the layer from line {line} and ship with the image; {advice}"
                ),
            };
            let (fix, refusal) = origin::merge_fix(cx, stage, origin.index, index);
            origin::report(cx, deleted.span, message, origin.created, fix, refusal);
        }
    }
}

/// The paths the stage's `COPY`/`ADD` steps create, by the path without its trailing `/`, each
/// with the step's index: [`through_context_symlink`] looks up the few creations at a deleted
/// path or one of its parents instead of walking every earlier step, which would be quadratic in a
/// stage of many copies and deletions.
type Copied<'s> = HashMap<&'s str, Vec<(usize, &'s PathEffect)>>;

fn copied<'s>(stage: &'s Stage<'_>) -> Copied<'s> {
    let mut found: Copied<'s> = HashMap::new();
    for (index, step) in stage.steps.iter().enumerate() {
        if !matches!(step.instruction.keyword, Keyword::Copy | Keyword::Add) {
            continue;
        }
        for created in step.effects.iter().flat_map(|e| &e.creates) {
            let key = created.path.trim_end_matches('/');
            found.entry(key).or_default().push((index, created));
        }
    }
    found
}

/// Whether `path` lies at or under a symbolic link an earlier `COPY`/`ADD` brought from the build
/// context (`COPY root/ /` with `root/opt/wheels` a link): a later copy to the path then writes
/// through the link, and deleting the path removes only the link, so neither "created" nor
/// "only hides it" would be true. Needs the context (`copied` is `None` without one).
fn through_context_symlink(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    copied: Option<&Copied<'_>>,
    before: usize,
    path: &str,
) -> bool {
    let Some(copied) = copied else {
        return false;
    };
    // The path itself and each of its parents ("" for `/`): the creations it can lie under.
    let parents = path
        .match_indices('/')
        .map(|(at, _)| &path[..at])
        .chain(std::iter::once(path));
    let candidates = parents
        .filter_map(|parent| copied.get(parent))
        .flatten()
        .filter(|(index, _)| *index < before);
    for &(index, created) in candidates {
        let step = &stage.steps[index];
        let creator = step.instruction;
        let rest = &path[created.path.trim_end_matches('/').len()..];
        let Some(word) = source::word(creator, created) else {
            continue;
        };
        let Some(rel) = source::context_path(creator, step, word, cx.dockerfile.escape) else {
            continue;
        };
        if source::kind(cx.build_context, Some(&rel), word) != source::Kind::Dir {
            continue;
        }
        // Each directory on the way down, and the path itself.
        let mut inner = rel.trim_end_matches('/').to_string();
        let linked = rest.split('/').filter(|c| !c.is_empty()).any(|component| {
            inner = if inner.is_empty() {
                component.to_string()
            } else {
                format!("{inner}/{component}")
            };
            cx.build_context.is_symlink(&inner) == Some(true)
        });
        if linked {
            return true;
        }
    }
    false
}

/// Whether the `ADD` that brought `created` downloads it: its source is a URL, spelled out or
/// through a variable (`ADD ${STRAP_URL} /tmp/strap.sh`). A download can't be bind-mounted.
fn downloads(cx: &Context<'_, '_>, step: &crate::model::Step<'_>, created: &PathEffect) -> bool {
    let Some(word) = source::word(step.instruction, created) else {
        return false;
    };
    source::is_remote(&word.text)
        || step
            .vars
            .expand(&word.text, cx.dockerfile.escape)
            .is_some_and(|text| source::is_remote(&text))
}

/// Whether a command adds to a file in place rather than making it: an append, or a package
/// manager writing its transaction history and logs.
fn rewrites_in_place(via: &str) -> bool {
    matches!(via, ">>" | "yum" | "dnf" | "dnf5" | "microdnf" | "tdnf")
}

/// The earlier `COPY`/`ADD` of the stage that already brought the path a later copy from inside
/// its source writes again (`COPY root/ /`, then `COPY root/opt/wheels /opt/wheels`), when the
/// build context can't show whether that path is a symbolic link. Copying a path twice is what
/// authors do when it is one (the later copy then follows it), and then a deletion of the path
/// removes only the link: the finding stands, but "only hides it" may not.
fn copied_again(
    cx: &Context<'_, '_>,
    stage: &Stage<'_>,
    index: usize,
    created: &PathEffect,
) -> Option<(&'static str, usize)> {
    let step = &stage.steps[index];
    let creator = step.instruction;
    if !matches!(creator.keyword, Keyword::Copy | Keyword::Add) {
        return None;
    }
    let escape = cx.dockerfile.escape;
    let word = source::word(creator, created)?;
    let later = source::context_path(creator, step, word, escape)?;
    if cx.build_context.provides(&later) == Some(true) {
        // The context is at hand: a link there was already looked for.
        return None;
    }
    let target = created.path.trim_end_matches('/');
    for earlier_step in stage.steps[..index].iter().rev() {
        let earlier = earlier_step.instruction;
        if !matches!(earlier.keyword, Keyword::Copy | Keyword::Add) {
            continue;
        }
        for brought in earlier_step.effects.iter().flat_map(|e| &e.creates) {
            let Some(word) = source::word(earlier, brought) else {
                continue;
            };
            let Some(dir) = source::context_path(earlier, earlier_step, word, escape) else {
                continue;
            };
            let rest = if dir.is_empty() {
                Some(later.as_str())
            } else {
                later.strip_prefix(&dir).and_then(|r| r.strip_prefix('/'))
            };
            let Some(rest) = rest.filter(|r| !r.is_empty()) else {
                continue;
            };
            let base = brought.path.trim_end_matches('/');
            if format!("{base}/{rest}") == target {
                return Some((earlier.keyword.as_str(), cx.line_of(earlier.span)));
            }
        }
    }
    None
}

/// A created path as the message names it: a glob source (`COPY *.sh /tmp/`) lands as the files
/// it matches, not as a file by that name.
fn describe(path: &str) -> String {
    if is_glob(path) {
        format!("the files {path}")
    } else {
        path.to_string()
    }
}

/// `a`, `a and b`, `a, b and c`.
fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::LintOptions;
    use crate::project::BuildContext;

    #[test]
    fn a_path_reached_through_a_symlink_from_the_context_is_not_claimed() {
        let root =
            std::env::temp_dir().join(format!("layerlint-ll302-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("root/opt")).unwrap();
        std::fs::create_dir_all(root.join("wheels")).unwrap();
        std::fs::write(root.join("wheels/a.whl"), "x").unwrap();
        let source =
            "FROM alpine\nCOPY root/ /\nCOPY wheels/ /opt/wheels/\nRUN rm -r /opt/wheels\n";
        let count = |root: &std::path::Path| {
            let options = LintOptions {
                build_context: BuildContext::directory(root),
                ..LintOptions::default()
            };
            crate::lint_with(source, &options)
                .into_iter()
                .filter(|d| d.code == "LL302")
                .count()
        };
        assert_eq!(
            count(&root),
            1,
            "a plain directory: the wheels are deleted in a later layer"
        );
        std::os::unix::fs::symlink("../src/wheels", root.join("root/opt/wheels")).unwrap();
        assert_eq!(count(&root), 0, "a link: the rm removes only the link");
        let _ = std::fs::remove_dir_all(&root);
    }

    /// The message of the one LL302 finding `source` gets.
    fn the_message(source: &str, options: &LintOptions) -> String {
        let mut found: Vec<String> = crate::lint_with(source, options)
            .into_iter()
            .filter(|d| d.code == "LL302")
            .map(|d| d.message)
            .collect();
        assert_eq!(found.len(), 1, "{found:#?}");
        found.remove(0)
    }

    /// Asserts that the one LL302 finding of `source`, with no build context, says `said` and
    /// not `unsaid`.
    fn says(source: &str, said: &str, unsaid: &str) {
        let found = the_message(source, &LintOptions::default());
        assert!(found.contains(said) && !found.contains(unsaid), "{found}");
    }

    #[test]
    fn a_path_copied_twice_may_be_a_link_when_the_context_cannot_tell() {
        // The second COPY names a path the first one already brought: what authors write when
        // the path is a symbolic link in the context. Without the context, the claim "only
        // hides it" gets its alternative; the waste itself holds either way.
        let source = "FROM alpine\nCOPY app/files/ /\nCOPY app/files/opt/pkgs /opt/pkgs\nRUN pip install /opt/pkgs/a.whl && rm -r /opt/pkgs\n";
        let found = the_message(source, &LintOptions::default());
        assert!(
            found.contains("the COPY on line 2 had already brought /opt/pkgs")
                && found.contains("symbolic link")
                && found.contains("Either way the bytes stay in the layer from line 3"),
            "{found}"
        );
        // A plain directory in the context settles it: the usual claim, no alternative.
        let root =
            std::env::temp_dir().join(format!("layerlint-ll302-twice-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("app/files/opt/pkgs")).unwrap();
        std::fs::write(root.join("app/files/opt/pkgs/a.whl"), "x").unwrap();
        let options = LintOptions {
            build_context: BuildContext::directory(&root),
            ..LintOptions::default()
        };
        let found = the_message(source, &options);
        assert!(
            found.contains("only hides it") && !found.contains("symbolic link"),
            "{found}"
        );
        let _ = std::fs::remove_dir_all(&root);
        // A copy from somewhere else to the same place is no sign of a link.
        let other =
            "FROM alpine\nCOPY app/files/ /\nCOPY wheels/ /opt/pkgs/\nRUN rm -r /opt/pkgs\n";
        says(other, "only hides it", "symbolic link");
    }

    #[test]
    fn a_file_a_package_manager_adds_to_was_last_written_not_created() {
        // dnf's history database exists before the layer that writes it (the base image's, or
        // an earlier install's); the later layer holds a whole copy all the same.
        let source = "FROM fedora:40\nRUN dnf install -y gcc && dnf clean all\nRUN dnf install -y make && dnf clean all\nRUN rm -rf /var/lib/dnf/history.sqlite\n";
        says(source, "which the RUN on line 3 last wrote", "created");
        let appended = "FROM alpine\nRUN echo a >> /etc/notes\nRUN rm /etc/notes\n";
        says(appended, "which the RUN on line 2 last wrote", "created");
    }

    #[test]
    fn a_download_named_by_a_variable_is_not_advised_as_a_bind_mount() {
        let source = "FROM alpine\nARG TOOL_URL=https://example.com/tool.sh\nADD ${TOOL_URL} /tmp/tool.sh\nRUN sh /tmp/tool.sh\nRUN rm /tmp/tool.sh\n";
        says(source, "download it in the RUN that uses it", "bind-mount");
    }

    #[test]
    fn a_copy_of_several_sources_is_named_whole() {
        let source = "FROM alpine\nCOPY scripts/*.sh scripts/*.env /tmp/scripts/\nRUN sh /tmp/scripts/setup.sh\nRUN rm -rf /tmp/scripts\n";
        let found = the_message(source, &LintOptions::default());
        assert!(
            found.contains(
                "the files /tmp/scripts/*.sh and the files /tmp/scripts/*.env, which the COPY on line 2 created"
            ),
            "{found}"
        );
    }
}
