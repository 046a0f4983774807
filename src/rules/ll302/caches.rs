//! LL302 for package caches: a cache one layer fills and leaves, which a later layer deletes
//! (`RUN npm ci` then `RUN rm -rf /root/.npm`, or `RUN npm cache clean --force`).
//!
//! The model records a cache fill as a cache, not as the paths it creates, so the path search of
//! LL302 never sees it. The caches hadolint's family covers (apt lists and archives, apk, yum,
//! dnf, microdnf, zypper, pip, yarn) are left to that family: its finding on the filling line
//! already says the later cleanup only hides the files, and one waste gets one finding. The rest
//! (npm, Go, Cargo, gem, composer) have no such rule, and are reported here.

use super::super::caches::has_family_rule;
use super::super::{Context, origin};
use crate::model::{Cache, CacheFill, Stage};

pub fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    let layers: Vec<usize> = stage.layers().map(|(index, _)| index).collect();
    for (at, &later) in layers.iter().enumerate() {
        let Some(effects) = &stage.steps[later].effects else {
            continue;
        };
        if effects.deletes.is_empty() && effects.packages.is_empty() {
            continue;
        }
        // One finding per deleting step and cache, pointing at the latest layer that left it.
        let mut reported: Vec<Cache> = Vec::new();
        for &earlier in layers[..at].iter().rev() {
            let step = &stage.steps[earlier];
            let Some(filled) = &step.effects else {
                continue;
            };
            let home = step.home.as_deref().unwrap_or("/root");
            for fill in &filled.caches {
                if has_family_rule(fill.cache) || reported.contains(&fill.cache) {
                    continue;
                }
                if filled.leaves(fill.cache, home) != Some(fill) {
                    continue;
                }
                // Removed between the two layers: this deletion hides nothing of it.
                let between =
                    &layers[layers.iter().position(|&i| i == earlier).unwrap_or(0) + 1..at];
                let gone = between.iter().any(|&i| {
                    stage.steps[i]
                        .effects
                        .as_ref()
                        .is_some_and(|e| e.cleans(fill.cache, home))
                });
                if gone {
                    reported.push(fill.cache);
                    continue;
                }
                let Some(cleanup) = effects.cleanup_of(fill.cache, home) else {
                    continue;
                };
                reported.push(fill.cache);
                report(cx, stage, earlier, later, fill, cleanup, home);
            }
        }
    }
}

fn report(
    cx: &mut Context<'_, '_>,
    stage: &Stage<'_>,
    earlier: usize,
    later: usize,
    fill: &CacheFill,
    cleanup: crate::span::Span,
    home: &str,
) {
    let dir = fill.cache.dirs(home).into_iter().next().unwrap_or_default();
    let line = cx.line_of(stage.steps[earlier].instruction.span);
    let command = cx.first_words(fill.span, 3);
    let message = format!(
        "this removes the cache {dir} that `{command}` on line {line} filled: deleting it in a later layer only hides it; its bytes stay in the layer from line {line} and ship with the image; clean the cache in the RUN that fills it (or use a cache mount)"
    );
    let (fix, refusal) = origin::merge_fix(cx, stage, earlier, later);
    let message = match refusal {
        Some(why) => format!("{message} (the RUNs can't be merged as they are: {why})"),
        None => message,
    };
    let diagnostic = cx.report(cleanup, message);
    diagnostic.label(fill.span, format!("{dir} filled here"));
    diagnostic.fix = fix;
}
