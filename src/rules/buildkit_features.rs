//! Whether a file is built with BuildKit: the rules that suggest BuildKit-only syntax (LL307's
//! cache mounts) speak only to files that already rely on it. The legacy builder rejects these
//! features, so a file that uses one is built with BuildKit (or a builder that reads the same
//! syntax, such as buildah).

use crate::span::Span;
use crate::syntax::{Dockerfile, Item, Keyword};

/// The first sign that the file is built with BuildKit: a `# syntax=` or `# check=` directive,
/// a heredoc, or a flag the legacy builder does not know (`RUN --mount/--network/--security`,
/// `COPY/ADD --link/--chmod/--parents/--exclude`, `ADD --checksum/--keep-git-dir`).
pub fn buildkit_evidence(dockerfile: &Dockerfile) -> Option<Span> {
    let directive = dockerfile.items.iter().find_map(|item| match item {
        Item::Directive(d) if d.name == "syntax" || d.name == "check" => Some(d.line),
        _ => None,
    });
    directive.or_else(|| {
        dockerfile.instructions().find_map(|instruction| {
            if !instruction.heredocs().is_empty() {
                return Some(instruction.span);
            }
            let flags: &[&str] = match instruction.keyword {
                Keyword::Run => &["mount", "network", "security"],
                Keyword::Copy => &["link", "chmod", "parents", "exclude"],
                Keyword::Add => &[
                    "link",
                    "chmod",
                    "parents",
                    "exclude",
                    "checksum",
                    "keep-git-dir",
                ],
                _ => &[],
            };
            instruction
                .flags()
                .iter()
                .find(|flag| flags.contains(&flag.name.to_ascii_lowercase().as_str()))
                .map(|flag| flag.span)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::buildkit_evidence;
    use crate::syntax::parse;

    fn evidence_line(source: &str) -> Option<usize> {
        let dockerfile = parse(source);
        buildkit_evidence(&dockerfile).map(|span| dockerfile.line_of(span.start))
    }

    #[test]
    fn each_kind_of_evidence_is_found_where_it_is() {
        assert_eq!(
            evidence_line("# syntax=docker/dockerfile:1\nFROM alpine\n"),
            Some(1)
        );
        assert_eq!(evidence_line("# check=skip=all\nFROM alpine\n"), Some(1));
        assert_eq!(
            evidence_line("FROM alpine\nRUN true\nCOPY --link a /a\n"),
            Some(3)
        );
        assert_eq!(
            evidence_line("FROM alpine\nADD --checksum=sha256:00 https://x/y /y\n"),
            Some(2)
        );
        assert_eq!(
            evidence_line("FROM alpine\nRUN --network=none true\n"),
            Some(2)
        );
        assert_eq!(
            evidence_line("FROM alpine\nRUN <<EOF\ntrue\nEOF\n"),
            Some(2)
        );
    }

    #[test]
    fn a_file_the_legacy_builder_builds_has_none() {
        // `--chown` and `--from` are older than BuildKit; a comment is not a directive after
        // the first instruction.
        let legacy = "FROM alpine\nCOPY --chown=1 --from=0 a /a\n# syntax=docker/dockerfile:1\n";
        assert_eq!(evidence_line(legacy), None);
    }
}
