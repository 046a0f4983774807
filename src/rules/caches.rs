//! The package-cache family (hadolint's DL3009, DL3019, DL3042, DL3032, DL3040, DL3036, DL3060),
//! made layer-aware: a cache is waste unless it is removed in the layer that fills it. A cleanup
//! in a later layer does not count (the bytes stay in the earlier layer, and the message says
//! so); a cache mount or a no-cache option keeps the cache out and is never reported.

use super::Context;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Base, Cache, CacheFill, Manager, PackageAction, Stage, Step, images};
use crate::span::Span;
use std::collections::HashMap;

/// apt's downloaded archives, kept once `/etc/apt/apt.conf.d/docker-clean` is removed.
const KEPT_ARCHIVES: &str = "the downloaded .deb files (/var/cache/apt/archives), which apt keeps once /etc/apt/apt.conf.d/docker-clean is removed";
const ARCHIVES_CLEANUP: &str = "apt-get clean";
/// microdnf's own cleanup: a microdnf image (ubi-minimal) has no `dnf` to run `dnf clean all`.
const MICRODNF_CURE: Cure = Cure::Cleanup("microdnf clean all");

/// One value per stage, each from the stage and its base stage's value (`None` when it is built
/// on an image). One pass, since a base stage comes first: following each stage's chain of
/// `FROM`s instead would be quadratic in a long chain.
fn along_bases<'s, 'a, T: Copy>(
    stages: &'s [Stage<'a>],
    value: impl Fn(&'s Stage<'a>, Option<T>) -> T,
) -> Vec<T> {
    let mut values: Vec<T> = Vec::with_capacity(stages.len());
    for (index, stage) in stages.iter().enumerate() {
        let inherited = match stage.base {
            Base::Stage(parent) if parent < index => Some(values[parent]),
            _ => None,
        };
        values.push(value(stage, inherited));
    }
    values
}

/// For each stage, whether the image at the root of its chain of `FROM`s passes `test` (false
/// when its name is unknown).
fn root_images_where(stages: &[Stage<'_>], test: impl Fn(&str) -> bool) -> Vec<bool> {
    along_bases(stages, |stage, from_base| {
        from_base.unwrap_or_else(|| matches!(&stage.base, Base::Image(Some(name)) if test(name)))
    })
}

/// Whether one of the family's rules reports this cache when a layer leaves it (the `caches` of
/// DL3009, DL3019, DL3032, DL3036, DL3040, DL3042 and DL3060). LL302 leaves these to the family,
/// which names a later cleanup in its own finding, so one waste gets one finding.
pub fn has_family_rule(cache: Cache) -> bool {
    // Every system package manager's cache, and of the others pip's (DL3042) and yarn's (DL3060).
    cache.is_system() || matches!(cache, Cache::Pip | Cache::Yarn)
}

/// The layer a cache is left in, for the message.
#[derive(Clone, Copy)]
enum Layer<'s, 'a> {
    /// A step of a stage that ships, with the later step that cleans too late, if any.
    Stage(Option<&'s Step<'a>>),
    /// A step of a fragment (a file without `FROM`, read as the image's last stage).
    Fragment,
    /// An `ONBUILD RUN` trigger of a stage that ships: a layer of the images built from it.
    Trigger,
}

/// How a rule of the family cures its cache.
pub enum Cure {
    /// Add an option to the command that fills the cache (`apk add --no-cache`).
    Option {
        after: &'static [&'static str],
        option: &'static str,
        /// The advice for a command that fills the cache but takes no such option (`apk
        /// update`).
        otherwise: &'static str,
    },
    /// Remove the cache at the end of the same RUN (`&& rm -rf /var/lib/apt/lists/*`).
    Cleanup(&'static str),
}

/// One member of the family.
pub struct CacheRule {
    pub caches: &'static [Cache],
    /// What the message calls it ("apt package lists").
    pub what: &'static str,
    pub cure: Cure,
}

impl CacheRule {
    /// The cure for one of the rule's caches: a second cache may need its own tool's cleanup.
    fn cure_for(&self, cache: Cache) -> &Cure {
        match cache {
            Cache::AptArchives => &Cure::Cleanup(ARCHIVES_CLEANUP),
            Cache::Microdnf => &MICRODNF_CURE,
            _ => &self.cure,
        }
    }

    pub fn check(&self, cx: &mut Context<'_, '_>) {
        // Installs in later layers that use the apt lists a layer leaves: removing those lists
        // would break them.
        let lists = self
            .caches
            .contains(&Cache::AptLists)
            .then(|| cx.package_index());
        // The first install using each update's lists, by the update's step: one lookup per
        // fill instead of a scan of every use.
        let mut first_use: HashMap<(usize, usize), (Span, bool)> = HashMap::new();
        for u in lists.iter().flat_map(|found| &found.uses) {
            first_use
                .entry((u.update_at.stage, u.update_at.step))
                .or_insert((u.install.span, u.unseen_at.is_some()));
        }
        // A stage's triggers run in the images built FROM it. When a stage of this file is, they
        // run there, and ship when it ships (then the stage ships too). When none is, the
        // triggers can only be meant for images built elsewhere from this stage (ONBUILD does
        // nothing else): they ship in those.
        let off_in_image = self.off_in_image(cx);
        let mut built_on = vec![false; cx.model.stages.len()];
        for stage in &cx.model.stages {
            if let Base::Stage(base) = stage.base {
                built_on[base] = true;
            }
        }
        for stage in &cx.model.stages {
            if off_in_image[stage.index] {
                continue;
            }
            // Runs only in stages of this file, none of which ships.
            if !stage.ships && built_on[stage.index] {
                continue;
            }
            // A trigger commits a layer of its own in the image that runs it: only a cleanup in
            // the same trigger counts.
            for trigger in &stage.triggers {
                if let Some(fill) = self.left_in(trigger) {
                    self.report(cx, Layer::Trigger, trigger, fill, None, None);
                }
            }
        }
        let apk_left_by_stage = self.apk_index_left_by_stage(&cx.model.stages);
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
            if off_in_image[stage.index] {
                continue;
            }
            let layer = if stage.is_fragment() {
                Layer::Fragment
            } else {
                Layer::Stage(None)
            };
            // Nothing to report without a fill of this rule's caches: skip the cleanup search.
            let fills = stage.steps.iter().any(|s| {
                s.effects
                    .as_ref()
                    .is_some_and(|e| e.caches.iter().any(|f| self.caches.contains(&f.cache)))
            });
            if !fills {
                continue;
            }
            // Which steps remove each of this rule's caches, worked out once per stage, in order,
            // so that each fill finds the first cleanup after it by binary search instead of
            // scanning the rest of the stage. Per cache: a later `apt-get clean` empties apt's
            // archives but leaves the lists, so it is no cleanup of the lists.
            let cleanups: Vec<(Cache, Vec<usize>)> = self
                .caches
                .iter()
                .map(|&cache| (cache, cleanup_steps(stage, cache)))
                .collect();
            // The last layer of the stage (or of the stage it is built on) that left an apk
            // index nothing removed since: a later `apk add` fetches the index again only when
            // that copy is stale.
            let mut apk_index_left = match stage.base {
                Base::Stage(parent) => apk_left_by_stage.get(parent).copied().flatten(),
                _ => None,
            };
            for (index, step) in stage.layers() {
                let home = step.home().unwrap_or("/root");
                let fill = self.left_in(step);
                // Any apk command of the layer that forces a fresh index (`apk update`, `-U`; the
                // model records it as an update) and is not cleaned up after makes the layer hold
                // one for sure. Without it apk reuses an index in /var/cache/apk younger than its
                // maximum cache age (4 hours), and fetches one only when it is missing or older.
                let refreshes = step.effects.as_ref().is_some_and(|e| {
                    e.caches.iter().any(|f| {
                        f.cache == Cache::Apk
                            && !e.cleans_after(f, home)
                            && e.packages.iter().any(|op| {
                                op.span == f.span
                                    && op.manager == Manager::Apk
                                    && op.action == PackageAction::Update
                            })
                    })
                });
                let earlier_index = fill
                    .filter(|f| f.cache == Cache::Apk && !refreshes)
                    .and(apk_index_left);
                apk_index_left = self.apk_index_after(step, apk_index_left);
                if let Some(fill) = fill {
                    let later = cleanups
                        .iter()
                        .find(|(cache, _)| *cache == fill.cache)
                        .and_then(|(_, steps)| {
                            steps.get(steps.partition_point(|&step| step <= index))
                        })
                        .map(|&i| &stage.steps[i]);
                    let user = first_use.get(&(stage.index, index)).copied();
                    let layer = match (&layer, later) {
                        (Layer::Fragment, None) => Layer::Fragment,
                        _ => Layer::Stage(later),
                    };
                    let earlier = earlier_index.map(|s| cx.line_of(s.instruction.span));
                    self.report(cx, layer, step, fill, user, earlier);
                }
            }
        }
    }

    /// The layer that holds the last apk index nothing removed, after `step` (`before`: the
    /// one before it).
    fn apk_index_after<'s, 'a>(
        &self,
        step: &'s Step<'a>,
        before: Option<&'s Step<'a>>,
    ) -> Option<&'s Step<'a>> {
        let home = step.home().unwrap_or("/root");
        if self.left_in(step).is_some_and(|f| f.cache == Cache::Apk) {
            Some(step)
        } else if step
            .effects
            .as_ref()
            .is_some_and(|e| e.cleans(Cache::Apk, home))
        {
            None
        } else {
            before
        }
    }

    /// For each stage, the layer holding the apk index it ends with, its own or its base
    /// stage's (empty unless this rule reports apk's cache).
    fn apk_index_left_by_stage<'s, 'a>(
        &self,
        stages: &'s [Stage<'a>],
    ) -> Vec<Option<&'s Step<'a>>> {
        if !self.caches.contains(&Cache::Apk) {
            return Vec::new();
        }
        along_bases(stages, |stage, from_base| {
            stage.layers().fold(from_base.flatten(), |last, (_, step)| {
                self.apk_index_after(step, last)
            })
        })
    }

    /// For each stage, whether its base image keeps this rule's only cache off (pip under
    /// Sentry's images).
    fn off_in_image(&self, cx: &Context<'_, '_>) -> Vec<bool> {
        if self.caches == [Cache::Pip] {
            root_images_where(&cx.model.stages, images::keeps_pip_cache_off)
        } else {
            vec![false; cx.model.stages.len()]
        }
    }

    /// The first fill of this rule's caches in a step that nothing removes after it (in the same
    /// branch of the script or an enclosing one): an update after the cleanup leaves the cache
    /// again.
    fn left_in<'s>(&self, step: &'s Step<'_>) -> Option<&'s CacheFill> {
        let effects = step.effects.as_ref()?;
        let home = step.home().unwrap_or("/root");
        effects
            .caches
            .iter()
            .filter(|f| self.caches.contains(&f.cache))
            .find(|f| !effects.cleans_after(f, home))
    }

    fn report(
        &self,
        cx: &mut Context<'_, '_>,
        layer: Layer<'_, '_>,
        step: &Step<'_>,
        fill: &CacheFill,
        user: Option<(Span, bool)>,
        apk_index_from: Option<usize>,
    ) {
        let later = match layer {
            Layer::Stage(later) => later,
            Layer::Fragment | Layer::Trigger => None,
        };
        let command = quoted_command(cx.text(fill.span), fill.cache);
        // apt's archives are one rule's second cache, with words and a cure of their own.
        let archives = fill.cache == Cache::AptArchives;
        let what = if archives { KEPT_ARCHIVES } else { self.what };
        let user = user.filter(|_| !archives);
        let cure_text = match self.cure_for(fill.cache) {
            _ if archives => format!("end the same RUN with `{ARCHIVES_CLEANUP}`"),
            Cure::Option {
                after,
                option,
                otherwise,
            } => match option_edit(cx, fill, after, option) {
                Some(_) => format!("add {option}"),
                None => otherwise.to_string(),
            },
            Cure::Cleanup(cleanup) => format!("end the same RUN with `{cleanup}`"),
        };
        let message = match layer {
            Layer::Stage(Some(cleanup)) => format!(
                "`{command}` leaves {} in this layer; the cleanup on line {} runs in a later layer, so it hides the files but they still ship in this one: {cure_text} here instead",
                what,
                cx.line_of(cleanup.instruction.span)
            ),
            Layer::Trigger => format!(
                "`{command}` in this ONBUILD trigger leaves {} in the layer the trigger commits in every image built FROM this one: {cure_text}",
                what
            ),
            Layer::Fragment => format!(
                "`{command}` leaves {} in this layer, which ships with the image if this fragment (a file without FROM) ends its last stage: {cure_text}",
                what
            ),
            Layer::Stage(None) => format!(
                "`{command}` leaves {} in this layer, which ships with the image: {cure_text}",
                what
            ),
        };
        let message = match apk_index_from {
            Some(line) => may_leave_apk_index(&message, line),
            None => message,
        };
        // A later install that uses these lists would fail without them: no cleanup here until
        // it updates for itself (LL301 says so, with that fix).
        let (message, fix) = match user {
            Some((install, maybe)) => (
                format!(
                    "{message}; but the install on line {} {}, so it must run `apt-get update` itself before they can go",
                    cx.line_of(install),
                    if maybe {
                        "may use these lists (unless a script between refreshes them)"
                    } else {
                        "uses these lists"
                    }
                ),
                None,
            ),
            None => (message, self.fix(cx, step, fill)),
        };
        let label = later.map(|s| s.instruction.span);
        let diagnostic = cx.report(fill.span, message);
        if let Some(span) = label {
            diagnostic.label(span, "too late: a later layer cannot shrink this one");
        }
        if let Some((install, _)) = user {
            diagnostic.label(install, "installs from these lists");
        }
        diagnostic.fix = fix;
    }

    fn fix(&self, cx: &Context<'_, '_>, step: &Step<'_>, fill: &CacheFill) -> Option<Fix> {
        match self.cure_for(fill.cache) {
            Cure::Option { after, option, .. } => {
                // The finding is one per layer, so its fix cures every command of the layer that
                // fills the cache: curing only the first would take one round per command.
                option_edit(cx, fill, after, option)?;
                let mut edits: Vec<Edit> = step
                    .effects
                    .iter()
                    .flat_map(|effects| &effects.caches)
                    .filter(|f| self.caches.contains(&f.cache))
                    .filter_map(|f| option_edit(cx, f, after, option))
                    .collect();
                edits.sort_by_key(|e| e.span.start);
                edits.dedup_by_key(|e| e.span.start);
                let title = match edits.len() {
                    1 => format!("Add {option}"),
                    n => format!("Add {option} to the {n} commands"),
                };
                Some(Fix {
                    title,
                    applicability: Applicability::Safe,
                    edits,
                })
            }
            Cure::Cleanup(cleanup) => {
                let edit = super::append::append_command(
                    cx.dockerfile,
                    step.instruction,
                    cleanup,
                    cx.newline(),
                )?;
                Some(Fix {
                    title: format!("End the RUN with `{cleanup}`"),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                })
            }
        }
    }
}

/// The message for an `apk add` that runs after an earlier layer of the stage (on `line`) left
/// the index: apk fetches it again only when that copy is stale, so this layer only may hold
/// one (a fresh build reuses it; a cached earlier layer hours old does not).
fn may_leave_apk_index(message: &str, line: usize) -> String {
    format!(
        "{} (apk fetches the index again only when the copy the layer of line {line} left is more than 4 hours old, as when that layer comes from the build cache)",
        message.replacen(" leaves ", " may leave ", 1)
    )
}

/// The steps of the stage that remove `cache`, in order (a list of the few, not an entry per
/// step: a stage of thousands of steps would fill a table of them per cache and rule).
fn cleanup_steps(stage: &Stage<'_>, cache: Cache) -> Vec<usize> {
    stage
        .steps
        .iter()
        .enumerate()
        .filter(|(_, step)| {
            let home = step.home().unwrap_or("/root");
            step.effects.as_ref().is_some_and(|e| e.cleans(cache, home))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The first words of the command that fills the cache, for the message. Inside `sh -c '…'` the
/// span is the whole string, so the quote starts at the manager's name, not at the string's.
fn quoted_command(text: &str, cache: Cache) -> String {
    let names: &[&str] = match cache {
        Cache::AptLists | Cache::AptArchives => &["apt"],
        Cache::Apk => &["apk"],
        Cache::Yum => &["yum"],
        Cache::Dnf | Cache::Microdnf => &["dnf"],
        Cache::Zypper => &["zypper"],
        Cache::Pip => &["pip"],
        Cache::Npm => &["npm"],
        Cache::Yarn => &["yarn"],
        _ => &[],
    };
    // Line continuations are not words of the command.
    let words: Vec<&str> = text.split_whitespace().filter(|w| *w != "\\").collect();
    let start = words
        .iter()
        .position(|w| {
            names
                .iter()
                .any(|n| w.trim_start_matches(['"', '\'']).contains(n))
        })
        .unwrap_or(0);
    words[start..]
        .iter()
        .take(3)
        .map(|w| w.trim_matches(['"', '\'']))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Inserts `option` right after the subcommand (`apk add`, `pip install`) of the command that
/// fills the cache.
fn option_edit(
    cx: &Context<'_, '_>,
    fill: &CacheFill,
    after: &[&str],
    option: &str,
) -> Option<Edit> {
    let command = cx.text(fill.span);
    let at = after.iter().find_map(|sub| find_word_end(command, sub))?;
    Some(Edit {
        span: Span::empty(fill.span.start as usize + at),
        content: format!(" {option}"),
    })
}

/// The offset just after the words `sub` (e.g. "add" or "install") in a command's text.
fn find_word_end(command: &str, sub: &str) -> Option<usize> {
    let mut offset = 0;
    for word in command.split_inclusive(char::is_whitespace) {
        let trimmed = word.trim_end();
        offset += word.len();
        if trimmed == sub {
            return Some(offset - (word.len() - trimmed.len()));
        }
    }
    None
}

#[cfg(test)]
pub(super) mod tests {
    use crate::lint;

    /// The findings of one rule on `source`, as (line, message): shared with DL3059's tests.
    pub(in crate::rules) fn findings(code: &str, source: &str) -> Vec<(usize, String)> {
        lint(source)
            .into_iter()
            .filter(|d| d.code == code)
            .map(|d| {
                (
                    source[..d.span.start as usize].matches('\n').count() + 1,
                    d.message,
                )
            })
            .collect()
    }

    #[test]
    fn a_later_apt_get_clean_is_no_cleanup_of_the_lists() {
        // `apt-get clean` empties /var/cache/apt but leaves /var/lib/apt/lists: the lists of
        // line 2 ship with no later cleanup at all, and the message must not name line 3.
        let source = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nRUN ./build.sh && apt-get clean -y\n";
        let found = findings("DL3009", source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 2);
        assert!(
            found[0].1.contains("which ships with the image"),
            "{}",
            found[0].1
        );
        assert!(!found[0].1.contains("line 3"), "{}", found[0].1);
        // A later removal of the lists is still named.
        let source = "FROM ubuntu:22.04\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n";
        let found = findings("DL3009", source);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].1.contains("the cleanup on line 3"),
            "{}",
            found[0].1
        );
    }

    #[test]
    fn an_apk_add_after_an_earlier_layer_left_the_index_may_leave_it() {
        // apk reuses an index younger than 4 hours: line 3 fetches one only when line 2's
        // layer is that old.
        let source =
            "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git\nRUN apk update && apk add jq\n";
        let found = findings("DL3019", source);
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(found[0].1.contains("` leaves "), "{}", found[0].1);
        assert!(found[1].1.contains("` may leave "), "{}", found[1].1);
        assert!(
            found[1].1.contains("the layer of line 2 left"),
            "{}",
            found[1].1
        );
        // `apk update` always fetches a fresh index, also after the `apk add` of its layer.
        assert!(found[2].1.contains("` leaves "), "{}", found[2].1);
        let source = "FROM alpine:3.20\nRUN apk add curl\nRUN apk add git && apk update\n";
        let found = findings("DL3019", source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].1.contains("` leaves "), "{}", found[1].1);
        // After a layer that removed the cache, the next `apk add` fetches for sure.
        let source =
            "FROM alpine:3.20\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\nRUN apk add git\n";
        let found = findings("DL3019", source);
        assert!(
            found.iter().all(|f| !f.1.contains("may leave")),
            "{found:?}"
        );
    }

    #[test]
    fn a_stage_built_on_one_that_left_the_apk_index_may_leave_it() {
        // The index line 2 left is in the image the second stage starts from.
        let source = "FROM alpine:3.20 AS base\nRUN apk add curl\nFROM base\nRUN apk add git\n";
        let found = findings("DL3019", source);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[1].1.contains("` may leave "), "{}", found[1].1);
        assert!(
            found[1].1.contains("the layer of line 2 left"),
            "{}",
            found[1].1
        );
        // Through a stage that adds nothing, too; not after a base that cleaned up, nor from
        // an image or an unrelated stage.
        let source = "FROM alpine:3.20 AS base\nRUN apk add curl\nFROM base AS mid\nRUN echo\nFROM mid\nRUN apk add git\n";
        let found = findings("DL3019", source);
        assert!(
            found
                .last()
                .is_some_and(|f| f.1.contains("the layer of line 2 left")),
            "{found:?}"
        );
        for source in [
            "FROM alpine:3.20 AS base\nRUN apk add curl\nRUN rm -rf /var/cache/apk/*\nFROM base\nRUN apk add git\n",
            "FROM alpine:3.20 AS base\nRUN apk add curl\nFROM alpine:3.20\nRUN apk add git\n",
        ] {
            let found = findings("DL3019", source);
            assert!(
                found.iter().all(|f| !f.1.contains("may leave")),
                "{found:?}"
            );
        }
    }

    #[test]
    fn pip_under_an_image_that_turns_its_cache_off_is_not_reported() {
        // Sentry's images set PIP_NO_CACHE_DIR=off, which pip reads as "no cache".
        for image in ["sentry:8.17", "registry.centos.org/centos7/sentry-sso:8.22"] {
            let source = format!(
                "FROM {image}\nONBUILD RUN pip install -r requirements.txt\nRUN pip install gunicorn\n"
            );
            assert!(findings("DL3042", &source).is_empty(), "{image}");
        }
        // Other images, and a stage built from a Sentry stage, as before / not reported.
        let source = "FROM python:3.12\nRUN pip install gunicorn\n";
        assert_eq!(findings("DL3042", source).len(), 1);
        let source = "FROM sentry:9 AS base\nFROM base\nRUN pip install gunicorn\n";
        assert!(findings("DL3042", source).is_empty());
        for image in ["sentryish:1", "sentry-cli:2", "example.com/sentry:9"] {
            let source = format!("FROM {image}\nRUN pip install gunicorn\n");
            assert_eq!(findings("DL3042", &source).len(), 1, "{image}");
        }
        let digest = "0123456789abcdef".repeat(4);
        let source = format!(
            "FROM docker.io/library/sentry:8.22@sha256:{digest}\nRUN pip install gunicorn\n"
        );
        assert!(findings("DL3042", &source).is_empty());
    }
}

#[cfg(test)]
mod root_images {
    use super::root_images_where;
    use crate::model::Model;
    use crate::syntax::parse;

    /// Every stage of a chain answers for the image at its root, however far up; a stage on
    /// an unknown base answers no.
    #[test]
    fn a_chain_answers_for_its_root_image() {
        let mut source = String::from("FROM getsentry/sentry:24.1.0 AS s0\nFROM ${BASE} AS x\n");
        for i in 1..2000 {
            source.push_str(&format!("FROM s{} AS s{i}\n", i - 1));
        }
        source.push_str("FROM x AS y\n");
        let dockerfile = parse(&source);
        let model = Model::build(&dockerfile);
        let found = root_images_where(&model.stages, |name| name.starts_with("getsentry/"));
        assert_eq!(found.len(), 2002);
        assert!(found[0] && found[2001 - 1]);
        assert!(!found[1], "an unknown base");
        assert!(!found[2001], "built on the unknown base");
    }
}
