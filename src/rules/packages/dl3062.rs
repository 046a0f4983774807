//! DL3062 go-version-unpinned: `go install`, `go get` or `go run` of a module package without
//! `@<version>` (`@latest` is no pin). Local packages (`.`, `./cmd/x`, `/go/src/app`, `main.go`)
//! need none, nor do `tool` (the tools go.mod lists, at its versions), `all`, `std` and `cmd`. For `go run` only the first operand is a package; the rest are its arguments.

use super::{Pins, subcommand};
use crate::rules::runs::Spec;
use crate::rules::{Context, Rule};

pub struct GoVersionUnpinned;

const GO: Spec = Spec {
    short_values: "opC",
    long_values: &[],
    whole: &[
        "-ldflags",
        "-gcflags",
        "-asmflags",
        "-tags",
        "-mod",
        "-modfile",
        "-pkgdir",
        "-toolexec",
        "-exec",
        "-overlay",
        "-pgo",
        "-covermode",
        "-coverpkg",
        "-buildmode",
        "-compiler",
        "-installsuffix",
        "-gccgoflags",
    ],
    stop_at_double_dash: false,
};

/// Go's single-dash options that take the next word as their value.
const TAKES_VALUE: &[&str] = GO.whole;

fn pinned(package: &str) -> bool {
    if package.starts_with('.') || package.starts_with('/') || package.ends_with(".go") {
        return true;
    }
    // Meta-packages: `tool` (go.mod's tools, at go.mod's versions), `all`, `std`, `cmd`.
    if matches!(package, "tool" | "all" | "std" | "cmd") {
        return true;
    }
    match package.rsplit_once('@') {
        Some((_, version)) => !matches!(version, "latest" | "upgrade" | "patch" | ""),
        None => false,
    }
}

impl Rule for GoVersionUnpinned {
    fn check(&self, cx: &mut Context<'_, '_>) {
        Pins {
            packages: &|cmd| {
                if !cmd.is("go") {
                    return None;
                }
                let parsed = cmd.parse(&GO);
                let (sub, rest) = subcommand(cmd, &parsed, &["install", "get", "run"])?;
                // Options written apart from their value (`-ldflags "-s -w"`) leave the value
                // among the operands: drop it.
                let operands: Vec<_> = rest
                    .iter()
                    .filter(|word| {
                        let at = cmd.args.iter().position(|w| w == *word).unwrap_or(0);
                        at == 0 || !TAKES_VALUE.contains(&cmd.text(&cmd.args[at - 1]).as_ref())
                    })
                    .copied()
                    .collect();
                if cmd.literal(&sub).as_deref() == Some("run") {
                    return Some(operands.into_iter().take(1).collect());
                }
                Some(operands)
            },
            pinned: &pinned,
            command: &|cmd| match cmd.parse(&GO).operands.first().and_then(|w| cmd.literal(w)) {
                Some(sub) => format!("go {sub}"),
                None => "go install".into(),
            },
            form: "<package>@<version>",
            onbuild: true,
        }
        .check(cx);
    }
}
