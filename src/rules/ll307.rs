//! LL307 prefer-cache-mount
//!
//! A package manager that downloads into its cache and then loses it (the same RUN deletes it,
//! or an option such as `--no-cache-dir` keeps it from being written) downloads everything again
//! on every rebuild of the step. A BuildKit cache mount on the cache directory keeps the files
//! out of the layer just the same, and a builder that keeps its cache reuses them.
//!
//! The rule reports only where the mount cannot change what a later step sees: caches the step
//! removes itself or never writes, and pure download caches (pip, npm, yarn, apt's `.deb`
//! files) that no later step needs. A cache a later step may read (apt's lists, apk's index,
//! Go's and Cargo's module stores) counts only when the step deletes it itself. Cache mounts
//! need BuildKit, so the rule speaks only to files that already use it (see
//! [`super::buildkit_evidence`]).

use super::{Context, Rule, buildkit_evidence};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::{Cache, CacheFill, Effects, Manager, PackageAction, Step};
use crate::span::Span;
use crate::syntax::Keyword;

mod cleanup;

pub struct PreferCacheMount;

/// How the step loses the cache it downloads into.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Loss {
    /// The same RUN removes it after filling it.
    Deleted,
    /// An option keeps the manager from writing it (`--no-cache-dir`, `apk add --no-cache`).
    Option,
    /// It stays in the layer, shipped with the image (a pure download cache: nothing later
    /// needs it, so a mount changes no later step).
    Left,
}

impl Rule for PreferCacheMount {
    fn check(&self, cx: &mut Context<'_, '_>) {
        if buildkit_evidence(cx.dockerfile).is_none() {
            return;
        }
        // ONBUILD triggers run in another file's build, on a builder this file can't see.
        for stage in &cx.model.stages {
            for (_, step) in stage.layers() {
                if step.instruction.keyword != Keyword::Run {
                    continue;
                }
                let Some(effects) = step.effects.as_deref() else {
                    continue;
                };
                let found = losses(step, effects);
                if let Some(&(_, first, _)) = found.first() {
                    let message = message(step, stage.ships, &found);
                    let fix = fix(cx, step, effects, &found);
                    cx.report(first.span, message).fix = fix;
                }
            }
        }
    }
}

/// The caches the step downloads into and loses, one entry per cache, in script order.
fn losses<'e>(step: &Step<'_>, effects: &'e Effects) -> Vec<(Cache, &'e CacheFill, Loss)> {
    let home = step.home().unwrap_or("/root");
    let filled = effects.caches.iter().filter_map(|fill| {
        let loss = if effects.cleans_after(fill, home) {
            Loss::Deleted
        } else {
            Loss::Left
        };
        mountable(fill.cache, loss).then_some((fill.cache, fill, loss))
    });
    let kept_out = effects
        .kept_out
        .iter()
        .filter(|fill| mountable(fill.cache, Loss::Option))
        .map(|fill| (fill.cache, fill, Loss::Option));
    let mut found: Vec<(Cache, &CacheFill, Loss)> = Vec::new();
    for (cache, fill, loss) in filled.chain(kept_out) {
        if installs_local_files(effects, fill) {
            continue;
        }
        if !found.iter().any(|(c, _, _)| *c == cache) {
            found.push((cache, fill, loss));
        }
    }
    found.sort_by_key(|(_, fill, _)| fill.span.start);
    found
}

/// Whether the command that uses the cache installs only files already on disk (`apk add
/// /tmp/packages/*.apk`, `pip install /wheels/*`): it downloads little or nothing to keep.
fn installs_local_files(effects: &Effects, fill: &CacheFill) -> bool {
    effects.packages.iter().any(|op| {
        op.span == fill.span
            && op.action == PackageAction::Install
            && !op.packages.is_empty()
            && op.packages.iter().all(|spec| {
                spec.contains('/')
                    || [".apk", ".deb", ".whl", ".tar.gz", ".zip", ".tgz"]
                        .iter()
                        .any(|ext| spec.ends_with(ext))
            })
    })
}

/// Whether a cache mount is sure to help and to change nothing a later step sees.
fn mountable(cache: Cache, loss: Loss) -> bool {
    match cache {
        // Download caches: a later step that wants a package downloads it again.
        Cache::Pip | Cache::Npm | Cache::Yarn | Cache::AptArchives => true,
        // apk's cache holds the index a later `apk add` reads; its `--no-cache` reads the
        // index into memory and keeps nothing, so the mount loses nothing either.
        Cache::Apk => loss != Loss::Left,
        // Stores a later step may install or build from (an offline build after `pnpm fetch`,
        // `mvn dependency:go-offline` or `dotnet restore`): only when this step removes them.
        Cache::AptLists
        | Cache::Go
        | Cache::Cargo
        | Cache::Pnpm
        | Cache::Maven
        | Cache::Gradle
        | Cache::Nuget => loss == Loss::Deleted,
        // rpm managers keep no packages by default (keepcache=0), and gem's and composer's
        // cache directories depend on settings the model does not follow.
        Cache::Yum
        | Cache::Dnf
        | Cache::Microdnf
        | Cache::Zypper
        | Cache::Gem
        | Cache::Composer => false,
    }
}

/// The mount flags for a cache, for a user whose home is `home`.
fn mounts(cache: Cache, home: &str) -> Vec<String> {
    let home = home.trim_end_matches('/');
    let cache_mount = |target: &str| format!("--mount=type=cache,target={target}");
    // apt locks its directories: builds sharing the cache must take turns.
    let locked = |target: &str| format!("{},sharing=locked", cache_mount(target));
    match cache {
        Cache::AptLists => vec![locked("/var/lib/apt/lists")],
        Cache::AptArchives => vec![locked("/var/cache/apt")],
        // apk keeps downloaded packages only when /etc/apk/cache exists; the mount makes it.
        Cache::Apk => vec![cache_mount("/etc/apk/cache")],
        Cache::Pip => vec![cache_mount(&format!("{home}/.cache/pip"))],
        Cache::Npm => vec![cache_mount(&format!("{home}/.npm"))],
        // yarn 1 puts root's cache under /usr/local/share.
        Cache::Yarn if home == "/root" => vec![cache_mount("/usr/local/share/.cache/yarn")],
        Cache::Yarn => vec![cache_mount(&format!("{home}/.cache/yarn"))],
        Cache::Go => vec![
            cache_mount(&format!("{home}/.cache/go-build")),
            cache_mount("/go/pkg/mod"),
        ],
        Cache::Cargo => vec![cache_mount("/usr/local/cargo/registry")],
        Cache::Pnpm => vec![cache_mount(&format!("{home}/.local/share/pnpm/store"))],
        Cache::Maven => vec![cache_mount(&format!("{home}/.m2/repository"))],
        Cache::Gradle => vec![cache_mount(&format!("{home}/.gradle/caches"))],
        Cache::Nuget => vec![cache_mount(&format!("{home}/.nuget/packages"))],
        Cache::Yum
        | Cache::Dnf
        | Cache::Microdnf
        | Cache::Zypper
        | Cache::Gem
        | Cache::Composer => Vec::new(),
    }
}

fn name(cache: Cache) -> &'static str {
    match cache {
        Cache::AptLists => "apt's package lists",
        Cache::AptArchives => "apt's downloaded .deb files",
        Cache::Apk => "apk's packages and index",
        Cache::Pip => "pip's downloads and wheels",
        Cache::Npm => "npm's download cache",
        Cache::Yarn => "yarn's download cache",
        Cache::Go => "Go's module and build caches",
        Cache::Cargo => "Cargo's registry",
        Cache::Yum => "yum's cache",
        Cache::Dnf => "dnf's cache",
        Cache::Microdnf => "microdnf's cache",
        Cache::Zypper => "zypper's cache",
        Cache::Gem => "gem's cache",
        Cache::Composer => "composer's cache",
        Cache::Pnpm => "pnpm's store",
        Cache::Maven => "Maven's local repository",
        Cache::Gradle => "Gradle's caches",
        Cache::Nuget => "NuGet's packages folder",
    }
}

fn message(step: &Step<'_>, ships: bool, found: &[(Cache, &CacheFill, Loss)]) -> String {
    let home = step.home().unwrap_or("/root");
    let parts: Vec<String> = found
        .iter()
        .map(|(cache, _, loss)| {
            let how = match loss {
                Loss::Deleted => "which this RUN deletes again",
                Loss::Option => "which an option keeps from being written",
                Loss::Left if ships => "which stays in this layer and ships",
                // A builder stage's layers stay in the build cache, not in the image.
                Loss::Left => "which stays in this builder stage's layer",
            };
            format!("{} ({how})", name(*cache))
        })
        .collect();
    let flags: Vec<String> = found
        .iter()
        .flat_map(|(cache, _, _)| mounts(*cache, home))
        .collect();
    let mut undo = Vec::new();
    if found.iter().any(|(_, _, loss)| *loss == Loss::Deleted) {
        undo.push("the cleanup");
    }
    if found.iter().any(|(_, _, loss)| *loss == Loss::Option) {
        undo.push("the no-cache option");
    }
    let without = if undo.is_empty() {
        String::new()
    } else {
        format!(" (and without {})", undo.join(" and "))
    };
    let mut message = format!(
        "this RUN downloads into {}: with `RUN {}`{without}, they stay out of every layer and a \
         builder that keeps its cache reuses them the next time this step runs (a fresh CI \
         runner starts empty and gains nothing)",
        parts.join(", "),
        flags.join(" "),
    );
    if home != "/root" {
        message.push_str(&format!(
            "; this RUN runs as a user whose home is {home}, and a cache mount belongs to root \
             unless it says otherwise: add `uid=` and `gid=` of that user to the mount, or the \
             tool cannot write to it"
        ));
    }
    let archives = found
        .iter()
        .any(|(cache, _, _)| *cache == Cache::AptArchives);
    if !archives && found.iter().any(|(cache, _, _)| *cache == Cache::AptLists) {
        message.push_str(
            "; a mount of /var/cache/apt would keep the .deb files too, but only once \
             /etc/apt/apt.conf.d/docker-clean is removed: Docker's Debian and Ubuntu images \
             delete them after every install",
        );
    }
    message
}

/// The rewrite: the mounts go right after `RUN`, each no-cache option that kept a mounted
/// cache out is dropped, and each cleanup that deleted a mounted cache is cut out of its `&&`
/// chain (under the mount it would only empty the builder's cache; see [`cleanup`]). Offered
/// only when every such cleanup can be cut whole, as root (a mount belongs to root, so another
/// user's tool could not write to it), and when every option is a plain word of the file.
/// Unsafe: the image loses the cache directory's empty mount point or a cache it shipped, and a
/// builder that keeps no cache gains nothing.
fn fix(
    cx: &Context<'_, '_>,
    step: &Step<'_>,
    effects: &Effects,
    found: &[(Cache, &CacheFill, Loss)],
) -> Option<Fix> {
    let home = step.home().unwrap_or("/root");
    if home != "/root" {
        return None;
    }
    let flags: Vec<String> = found
        .iter()
        .flat_map(|(cache, _, _)| mounts(*cache, home))
        .collect();
    let mut edits = vec![Edit {
        span: Span::empty(step.instruction.keyword_span.end as usize),
        content: format!(" {}", flags.join(" ")),
    }];
    for (cache, _, loss) in found {
        if *loss != Loss::Option {
            continue;
        }
        for fill in effects.kept_out.iter().filter(|f| f.cache == *cache) {
            edits.push(option_removal(cx, step, fill, *cache)?);
        }
    }
    let cuts = found.iter().any(|(_, _, loss)| *loss == Loss::Deleted);
    if cuts {
        edits.extend(cleanup_removal(cx, step, effects, found, home)?);
    }
    edits.sort_by_key(|edit| edit.span.start);
    edits.dedup_by_key(|edit| edit.span.start);
    let options = found.iter().any(|(_, _, loss)| *loss == Loss::Option);
    let title = match (options, cuts) {
        (false, false) => "Add the cache mounts",
        (true, false) => "Add the cache mounts and drop the no-cache options they replace",
        (false, true) => "Add the cache mounts and drop the cleanup they make useless",
        (true, true) => "Add the cache mounts and drop the no-cache options and cleanup",
    };
    Some(Fix {
        title: title.into(),
        applicability: Applicability::Unsafe,
        edits,
    })
}

/// The cuts of every command that deleted a mounted cache; `None` when one of them cannot be cut
/// (the fix would then leave a cleanup that empties the new mount on every build).
fn cleanup_removal(
    cx: &Context<'_, '_>,
    step: &Step<'_>,
    effects: &Effects,
    found: &[(Cache, &CacheFill, Loss)],
    home: &str,
) -> Option<Vec<Edit>> {
    let targets: Vec<String> = found
        .iter()
        .flat_map(|(cache, _, _)| mount_targets(*cache, home))
        .collect();
    let mounted = |cache: Cache| found.iter().any(|(c, _, _)| *c == cache);
    // A manager's own clean empties only its cache directory, which the mount then holds.
    let cleans = |manager: Manager| match manager {
        Manager::Apt => mounted(Cache::AptArchives),
        Manager::Pip => mounted(Cache::Pip),
        Manager::Npm => mounted(Cache::Npm),
        Manager::Yarn => mounted(Cache::Yarn),
        _ => false,
    };
    let mut edits = Vec::new();
    let mut cut_out = Vec::new();
    for run in cx.runs().of(step.instruction) {
        let cut = cleanup::cut(&cx.dockerfile.source, run, effects, &targets, cleans)?;
        edits.extend(cut.edits);
        cut_out.extend(cut.commands);
    }
    // What the script still runs must delete none of the mounted caches.
    let kept = |span: Span| !cut_out.iter().any(|cut| cut.contains(span));
    let mut rest = effects.clone();
    rest.deletes.retain(|d| kept(d.span));
    rest.guarded_deletes.retain(|(d, _)| kept(d.span));
    rest.packages.retain(|p| kept(p.span));
    let still_cleaned = found
        .iter()
        .any(|(_, fill, loss)| *loss == Loss::Deleted && rest.cleans_after(fill, home));
    (!still_cleaned && !edits.is_empty()).then_some(edits)
}

/// The directories the mounts for a cache cover.
fn mount_targets(cache: Cache, home: &str) -> Vec<String> {
    mounts(cache, home)
        .iter()
        .filter_map(|flag| {
            let target = flag
                .split(',')
                .find_map(|part| part.strip_prefix("target="))?;
            Some(target.to_string())
        })
        .collect()
}

/// The deletion of the option that keeps `cache` out in the command at `fill`, with the blanks
/// after it on its line; `None` unless the option is written out whole as one word of the file.
fn option_removal(
    cx: &Context<'_, '_>,
    step: &Step<'_>,
    fill: &CacheFill,
    cache: Cache,
) -> Option<Edit> {
    let option = match cache {
        Cache::Pip => "--no-cache-dir",
        Cache::Apk => "--no-cache",
        _ => return None,
    };
    let source = &cx.dockerfile.source;
    for run in cx.runs().of(step.instruction) {
        for command in cx.commands(run).iter() {
            let span = run.file_span(command.span);
            if !(span.start <= fill.span.start && fill.span.start < span.end.max(span.start + 1)) {
                continue;
            }
            let word = command
                .args
                .iter()
                .map(|word| run.file_span(word.span))
                .find(|at| source.get(at.range()) == Some(option))?;
            let blanks = source[word.end as usize..]
                .bytes()
                .take_while(|b| *b == b' ' || *b == b'\t')
                .count();
            return Some(Edit {
                span: Span::new(word.start as usize, word.end as usize + blanks),
                content: String::new(),
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::Diagnostic;

    fn ll307(source: &str) -> Vec<Diagnostic> {
        crate::lint(source)
            .into_iter()
            .filter(|d| d.code == "LL307")
            .collect()
    }

    /// The cleanups that cannot be cut whole leave the finding without a fix, since a cleanup
    /// that stays would empty the new mount on every build.
    #[test]
    fn a_cleanup_that_cannot_be_cut_means_no_fix() {
        for run in [
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* /tmp/*",
            "apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/* || true",
            "apt-get update && apt-get install -y curl | tee log && rm -rf /var/lib/apt/lists/* | cat",
            "apt-get update && apt-get install -y curl && (rm -rf /var/lib/apt/lists/*)",
            "apk add curl && rm -rf /var/cache/apk/*",
        ] {
            let source = format!("# syntax=docker/dockerfile:1\nFROM debian\nRUN {run}\n");
            let found = ll307(&source);
            assert_eq!(found.len(), 1, "{run}");
            assert!(found[0].fix.is_none(), "{run}");
        }
    }

    #[test]
    fn a_cut_cleanup_takes_one_connector_with_it() {
        let source = "# syntax=docker/dockerfile:1\nFROM debian\n\
                      RUN apt-get update && rm -rf /var/lib/apt/lists/* && apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n";
        let found = ll307(source);
        let fix = found[0].fix.as_ref().expect("a fix");
        let cut: Vec<&str> = fix
            .edits
            .iter()
            .filter(|e| e.content.is_empty())
            .map(|e| &source[e.span.range()])
            .collect();
        assert_eq!(
            cut,
            [
                " && rm -rf /var/lib/apt/lists/*",
                " && rm -rf /var/lib/apt/lists/*"
            ]
        );
    }
}
