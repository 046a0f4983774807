//! DL3026 untrusted-registry: an image from a registry outside `trustedRegistries`.

use super::dl3006::base_images;
use super::image_ref;
use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::Keyword;

pub struct UntrustedRegistry;

impl Rule for UntrustedRegistry {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let trusted = cx.config.trusted_registries.clone();
        if trusted.is_empty() {
            return;
        }
        let mut images: Vec<(Span, String)> = base_images(cx.dockerfile, &cx.model.build_args)
            .into_iter()
            .map(|image| (image.span, image.reference))
            .collect();
        // `COPY --from` and `RUN --mount=…,from=…` that name an image, not a stage.
        let stages = cx.stages();
        let names: Vec<&str> = stages.iter().filter_map(|s| s.name.as_deref()).collect();
        let is_image = |value: &str| {
            !value.contains('$')
                && value.parse::<usize>().is_err()
                && !names.contains(&value.to_ascii_lowercase().as_str())
        };
        for instruction in cx.dockerfile.instructions() {
            match instruction.keyword {
                Keyword::Copy => {
                    if let Some(flag) = instruction.flag("from") {
                        let value = flag.value.clone().unwrap_or_default();
                        if is_image(&value) {
                            images.push((flag.span, value));
                        }
                    }
                }
                Keyword::Run => {
                    for (flag, mount) in instruction.mounts() {
                        if let Some(from) = mount.from().filter(|v| is_image(v)) {
                            images.push((flag.span, from.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        for (span, reference) in images {
            let registry = image_ref(&reference).registry.unwrap_or("docker.io");
            if trusted.iter().any(|t| allows(t, registry)) {
                continue;
            }
            cx.report(
                span,
                format!(
                    "`{reference}` comes from `{registry}`, which is not among the trusted \
                     registries ({})",
                    trusted.join(", ")
                ),
            );
        }
    }
}

/// Whether a `trustedRegistries` entry (`docker.io`, `*.example.com`, `*`) admits `registry`.
fn allows(entry: &str, registry: &str) -> bool {
    let entry = entry.to_ascii_lowercase();
    let registry = registry.to_ascii_lowercase();
    let docker_hub = |r: &str| matches!(r, "docker.io" | "hub.docker.com" | "index.docker.io");
    if entry == "*" || entry == registry || (docker_hub(&entry) && docker_hub(&registry)) {
        return true;
    }
    entry
        .strip_prefix("*.")
        .is_some_and(|domain| registry.ends_with(&format!(".{domain}")))
}
