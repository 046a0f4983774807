//! The package-cache family (hadolint's DL3009, DL3019, DL3042, DL3032, DL3040, DL3036, DL3060),
//! made layer-aware: a cache is waste unless it is removed in the layer that fills it. A cleanup
//! in a later layer does not count (the bytes stay in the earlier layer, and the message says
//! so); a cache mount or a no-cache option keeps the cache out and is never reported.

use super::Context;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Base, Cache, CacheFill, Step};
use crate::span::Span;
use std::collections::HashMap;

/// apt's downloaded archives, kept once `/etc/apt/apt.conf.d/docker-clean` is removed.
const KEPT_ARCHIVES: &str = "the downloaded .deb files (/var/cache/apt/archives), which apt keeps once /etc/apt/apt.conf.d/docker-clean is removed";
const ARCHIVES_CLEANUP: &str = "apt-get clean";
/// microdnf's own cleanup: a microdnf image (ubi-minimal) has no `dnf` to run `dnf clean all`.
const MICRODNF_CURE: Cure = Cure::Cleanup("microdnf clean all");

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
        let mut built_on = vec![false; cx.model.stages.len()];
        for stage in &cx.model.stages {
            if let Base::Stage(base) = stage.base {
                built_on[base] = true;
            }
        }
        for stage in &cx.model.stages {
            // Runs only in stages of this file, none of which ships.
            if !stage.ships && built_on[stage.index] {
                continue;
            }
            // A trigger commits a layer of its own in the image that runs it: only a cleanup in
            // the same trigger counts.
            for trigger in &stage.triggers {
                if let Some(fill) = self.left_in(trigger) {
                    self.report(cx, Layer::Trigger, trigger, fill, None);
                }
            }
        }
        for stage in cx.model.stages.iter().filter(|s| s.ships) {
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
            // Which steps remove this rule's cache, worked out once per stage, and for each step
            // the first such step from it on (found by one walk from the end, so each fill looks
            // its cleanup up instead of scanning the rest of the stage).
            let cleans: Vec<bool> = stage
                .steps
                .iter()
                .map(|s| {
                    let home = s.home.as_deref().unwrap_or("/root");
                    s.effects
                        .as_ref()
                        .is_some_and(|e| self.caches.iter().any(|&c| e.cleans(c, home)))
                })
                .collect();
            let mut next_clean: Vec<Option<usize>> = vec![None; cleans.len() + 1];
            for i in (0..cleans.len()).rev() {
                next_clean[i] = if cleans[i] {
                    Some(i)
                } else {
                    next_clean[i + 1]
                };
            }
            for (index, step) in stage.layers() {
                if let Some(fill) = self.left_in(step) {
                    let later = next_clean
                        .get(index + 1)
                        .copied()
                        .flatten()
                        .map(|i| &stage.steps[i]);
                    let user = first_use.get(&(stage.index, index)).copied();
                    let layer = match (&layer, later) {
                        (Layer::Fragment, None) => Layer::Fragment,
                        _ => Layer::Stage(later),
                    };
                    self.report(cx, layer, step, fill, user);
                }
            }
        }
    }

    /// The first fill of this rule's caches in a step that nothing removes after it (in the same
    /// branch of the script or an enclosing one): an update after the cleanup leaves the cache
    /// again.
    fn left_in<'s>(&self, step: &'s Step<'_>) -> Option<&'s CacheFill> {
        let effects = step.effects.as_ref()?;
        let home = step.home.as_deref().unwrap_or("/root");
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
                let edit = super::append::append_command(cx.dockerfile, step.instruction, cleanup)?;
                Some(Fix {
                    title: format!("End the RUN with `{cleanup}`"),
                    applicability: Applicability::Safe,
                    edits: vec![edit],
                })
            }
        }
    }
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
