//! FromPlatformFlagConstDisallowed: `FROM --platform=linux/amd64`, a fixed platform, in a stage
//! whose name does not say it is meant for that platform.

use super::platform_flags;
use crate::rules::instructions::from_parts;
use crate::rules::{Context, Rule};
use crate::syntax::platform::SYSTEMS;

pub struct FromPlatformFlagConstDisallowed;

impl Rule for FromPlatformFlagConstDisallowed {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for (instruction, flag, value) in platform_flags(cx.dockerfile) {
            // A variable makes it no constant; an unreadable platform fails the build instead.
            if value.contains('$') {
                continue;
            }
            let Some((os, arch)) = platform_parts(value) else {
                continue;
            };
            let stage = from_parts(instruction)
                .and_then(|p| p.alias)
                .map(|a| a.text.as_str().to_lowercase())
                .unwrap_or_default();
            if stage.contains(&os) || stage.contains(&arch) {
                continue;
            }
            cx.report(
                flag.span,
                format!("FROM --platform flag should not use constant value \"{value}\""),
            );
        }
    }
}

/// The operating system and architecture of a platform string, normalised as containerd does
/// the common spellings; `None` when it is not one.
fn platform_parts(value: &str) -> Option<(String, String)> {
    let lower = value.to_lowercase();
    let parts: Vec<&str> = lower.split('/').collect();
    let valid = |p: &str| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    };
    if parts.is_empty() || parts.len() > 3 || !parts.iter().all(|p| valid(p)) {
        return None;
    }
    let arch = |a: &str| match a {
        "x86_64" | "x86-64" => "amd64".to_string(),
        "aarch64" => "arm64".to_string(),
        "i386" | "i486" | "i586" | "i686" => "386".to_string(),
        other => other.to_string(),
    };
    if parts.len() == 1 {
        // One part is an OS (for the builder's architecture) or an architecture (for Linux).
        return Some(if SYSTEMS.contains(&parts[0]) {
            (parts[0].to_string(), "amd64".to_string())
        } else {
            ("linux".to_string(), arch(parts[0]))
        });
    }
    Some((parts[0].replace("macos", "darwin"), arch(parts[1])))
}
