//! DL3028 gem-version-unpinned: `gem install` of a gem without `:version`, unless `-v`/`--version`
//! pins them. What follows `--` is for the gem's build, not gems; a `true`/`false` after an
//! unknown long option is that option's value.

use super::{Pins, subcommand};
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct GemVersionUnpinned;

const GEM: Spec = Spec {
    short_values: "vinPspg",
    long_values: &[
        "--version",
        "--install-dir",
        "--bindir",
        "--build-root",
        "--trust-policy",
        "--platform",
        "--source",
        "--http-proxy",
        "--config-file",
        "--file",
        "--without",
        "--with",
        "--document",
    ],
    whole: &[],
    stop_at_double_dash: true,
};

impl Rule for GemVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !cmd.is("gem") {
                    return None;
                }
                let parsed = cmd.parse(&GEM);
                let (_, rest) = subcommand(cmd, &parsed, &["install", "i"])?;
                if parsed.has(&["-v", "--version"]) {
                    return None;
                }
                // A boolean-looking word right after an unknown long option is its value.
                let gems = rest
                    .iter()
                    .filter(|word| {
                        let value = cmd.text(word);
                        let Some(at) = cmd.args.iter().position(|w| w == *word) else {
                            return true;
                        };
                        let after_long = at > 0 && cmd.text(&cmd.args[at - 1]).starts_with("--");
                        !(after_long && (value == "true" || value == "false"))
                    })
                    .copied()
                    .collect();
                Some(gems)
            },
            pinned: &|p| p.contains(':') || p.ends_with(".gem") || p.contains('/'),
            command: &|_| "gem install".into(),
            form: "<gem>:<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
