//! The `# check=` directive, as BuildKit reads it: at the top of the file, `# check=skip=A,B`
//! (or `skip=all`) turns BuildKit checks off, `error=true` makes their findings errors (the build
//! fails on them), `experimental=A` (or `all`) turns experimental checks on; options are
//! separated by `;`. On the comment lines directly above an instruction, `# check=skip=A // why`
//! turns the named checks (or `all`) off for that instruction only.
//!
//! Skipping acts on findings (the checks still run), so a skip that silences nothing can be
//! reported as unused (LL002), like a stale ignore pragma. A skip naming a check that shares its
//! finding with a hadolint rule (`JSONArgsRecommended`, DL3025) silences that rule's finding too.

use super::{is_buildkit_check, is_buildkit_finding};
use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::RuleDoc;
use crate::span::Span;
use crate::syntax::directive::match_directive;
use crate::syntax::{Dockerfile, Item};

/// The options of one `# check=` line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    pub skip_all: bool,
    pub skip: Vec<String>,
    pub error: bool,
    pub experimental_all: bool,
    pub experimental: Vec<String>,
}

/// A `# check=skip=…` comment above an instruction.
#[derive(Debug)]
struct Local {
    comment: Span,
    target: Span,
    options: Options,
}

/// What the file's `# check=` lines ask for.
#[derive(Debug, Default)]
pub struct Checks {
    file: Option<(Span, Options)>,
    local: Vec<Local>,
}

/// Parses `skip=A,B;error=true` (BuildKit's syntax; a `// comment` after the options is
/// dropped). Unknown keys and bad values are ignored here: BuildKit refuses them, which is a
/// build error, not a check.
pub fn parse_options(value: &str) -> Options {
    let value = value.split(" //").next().unwrap_or(value);
    let mut options = Options::default();
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect()
    };
    for part in value.split(';') {
        let Some((key, v)) = part.split_once('=') else {
            continue;
        };
        let v = v.trim();
        match key.trim() {
            "skip" if v == "all" => options.skip_all = true,
            "skip" => options.skip = list(v),
            "experimental" if v == "all" => options.experimental_all = true,
            "experimental" => options.experimental = list(v),
            "error" => options.error = matches!(v, "1" | "t" | "T" | "true" | "TRUE" | "True"),
            _ => {}
        }
    }
    options
}

/// Reads the file-level directive and the per-instruction comments.
pub fn read(dockerfile: &Dockerfile) -> Checks {
    let mut checks = Checks::default();
    let mut pending: Vec<(Span, Options)> = Vec::new();
    for item in &dockerfile.items {
        match item {
            Item::Directive(directive) if directive.name == "check" => {
                let line = dockerfile
                    .text(directive.line)
                    .trim_end_matches(['\r', '\n']);
                let span = Span::new(
                    directive.line.start as usize,
                    directive.line.start as usize + line.len(),
                );
                checks.file = Some((span, parse_options(&directive.value)));
            }
            Item::Comment(span) => {
                let text = dockerfile.text(*span).trim_end_matches(['\r', '\n']);
                let trimmed = text.trim_start();
                let Some(found) = match_directive(trimmed) else {
                    continue;
                };
                if !trimmed[found.name.clone()].eq_ignore_ascii_case("check") {
                    continue;
                }
                let at = span.start as usize + (text.len() - trimmed.len());
                pending.push((
                    Span::new(at, span.start as usize + text.len()),
                    parse_options(&trimmed[found.value.start..]),
                ));
            }
            Item::Instruction(instruction) => {
                for (comment, options) in pending.drain(..) {
                    checks.local.push(Local {
                        comment,
                        target: instruction.lines,
                        options,
                    });
                }
            }
            // A blank line ends the "directly above" link.
            _ => pending.clear(),
        }
    }
    checks
}

impl Checks {
    /// Whether the file turns on an experimental (off by default) BuildKit check.
    pub fn turns_on(&self, doc: &RuleDoc) -> bool {
        let Some((_, options)) = &self.file else {
            return false;
        };
        doc.default_off
            && is_buildkit_check(doc)
            && !options.skip_all
            && (options.experimental_all || options.experimental.iter().any(|e| doc.is_named(e)))
    }

    /// Drops the findings the directives skip and, with `error=true`, raises the BuildKit
    /// findings left to errors. Returns the findings and each skip that silenced nothing (the
    /// comment, the name as written).
    pub fn apply(&self, findings: Vec<Diagnostic>) -> (Vec<Diagnostic>, Vec<(Span, String)>) {
        if self.file.is_none() && self.local.is_empty() {
            return (findings, Vec::new());
        }
        let mut used: std::collections::HashSet<(u32, String)> = std::collections::HashSet::new();
        let mut kept = Vec::with_capacity(findings.len());
        for mut finding in findings {
            if !is_buildkit_finding(&finding) {
                kept.push(finding);
                continue;
            }
            let doc = crate::rules::find(finding.code);
            let names = |options: &Options| {
                options
                    .skip
                    .iter()
                    .find(|s| doc.is_some_and(|d| d.is_named_or_twin(s)))
                    .cloned()
            };
            let mut skipped = false;
            if let Some((span, options)) = &self.file {
                if options.skip_all {
                    skipped = true;
                } else if let Some(name) = names(options) {
                    used.insert((span.start, name));
                    skipped = true;
                }
            }
            // The targets are instructions in file order: those holding the finding are the last
            // ones starting at or before it.
            let before = self
                .local
                .partition_point(|l| l.target.start <= finding.span.start);
            let holding = self.local[..before]
                .iter()
                .rev()
                .take_while(|l| finding.span.start < l.target.end);
            for local in holding {
                if local.options.skip_all {
                    skipped = true;
                } else if let Some(name) = names(&local.options) {
                    used.insert((local.comment.start, name));
                    skipped = true;
                }
            }
            if skipped {
                continue;
            }
            if self.file.as_ref().is_some_and(|(_, o)| o.error) {
                finding.severity = Severity::Error;
            }
            kept.push(finding);
        }
        let unused = self
            .file
            .iter()
            .map(|(span, options)| (*span, options))
            .chain(self.local.iter().map(|l| (l.comment, &l.options)))
            .flat_map(|(span, options)| {
                options
                    .skip
                    .iter()
                    .filter(|name| !used.contains(&(span.start, (*name).clone())))
                    .map(move |name| (span, name.clone()))
                    .collect::<Vec<_>>()
            })
            .collect();
        (kept, unused)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_as_buildkit_reads_them() {
        let o = parse_options("skip=ConsistentInstructionCasing, FromAsCasing;error=true");
        assert_eq!(o.skip, ["ConsistentInstructionCasing", "FromAsCasing"]);
        assert!(o.error && !o.skip_all);
        let o = parse_options("skip=all;experimental=InvalidDefinitionDescription");
        assert!(o.skip_all);
        assert_eq!(o.experimental, ["InvalidDefinitionDescription"]);
        assert_eq!(
            parse_options("skip=SecretsUsedInArgOrEnv // allowed here").skip,
            ["SecretsUsedInArgOrEnv"]
        );
    }

    #[test]
    fn instruction_skips_sit_directly_above() {
        let df = crate::syntax::parse(
            "FROM scratch\n# check=skip=JSONArgsRecommended // ok\nCMD a\n# check=skip=all\n\nCMD b\n",
        );
        let checks = read(&df);
        assert_eq!(checks.local.len(), 1);
        assert_eq!(df.text(checks.local[0].target), "CMD a\n");
    }
}
