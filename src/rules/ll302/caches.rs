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
use crate::model::{CacheFill, Stage};

pub fn check_stage(cx: &mut Context<'_, '_>, stage: &Stage<'_>) {
    // One walk down the layers, keeping for each cache the latest layer that left it and that no
    // layer since has cleaned: a few caches per step, never a look back over earlier steps.
    let mut left: Vec<(usize, &CacheFill)> = Vec::new();
    for (later, step) in stage.layers() {
        let Some(effects) = &step.effects else {
            continue;
        };
        if !effects.deletes.is_empty() || !effects.packages.is_empty() {
            let home = step.home();
            for (earlier, fill) in std::mem::take(&mut left) {
                let filler = &stage.steps[earlier];
                let Some(filler_home) = filler.home() else {
                    continue;
                };
                if !effects.cleans(fill.cache, filler_home) {
                    left.push((earlier, fill));
                    continue;
                }
                // Another user's `npm cache clean` empties that user's cache, not this one; a
                // home the model does not know (a numeric USER) is not guessed.
                if home != Some(filler_home) {
                    continue;
                }
                if let Some(cleanup) = effects.cleanup_of(fill.cache, filler_home) {
                    report(cx, stage, earlier, later, fill, cleanup, filler_home);
                }
            }
        }
        let Some(home) = step.home() else {
            continue;
        };
        for fill in &effects.caches {
            if has_family_rule(fill.cache) || effects.leaves(fill.cache, home) != Some(fill) {
                continue;
            }
            left.retain(|(_, other)| other.cache != fill.cache);
            left.push((later, fill));
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
