//! `--format codeclimate`: the Code Climate issue list that GitLab's Code Quality reads (a
//! `codequality` report artifact) to annotate merge requests.

use super::FileReport;
use super::location::{Columns, Locator, slashed};
use super::pretty_array::PrettyArray;
use crate::diagnostic::{Diagnostic, Severity};
use serde::Serialize;
use std::collections::HashMap;
use std::io;

/// One issue; GitLab requires every field here and wants the whole report as one JSON array.
#[derive(Serialize)]
struct Issue<'a> {
    description: &'a str,
    check_name: &'a str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

/// Writes the issues of one file as elements of the array. The whole report is one
/// pretty-printed JSON array and a final newline, in the report's order.
pub(super) fn write_file(
    file: &FileReport,
    array: &mut PrettyArray,
    out: &mut dyn io::Write,
) -> io::Result<()> {
    let locator = Locator::new(&file.source, Columns::Chars);
    let path = slashed(&file.name);
    let mut fingerprints = Fingerprints::default();
    for diagnostic in &file.diagnostics {
        let flagged = locator.text(diagnostic.span);
        let fingerprint = fingerprints.next(&path, diagnostic, flagged);
        let range = locator.range(diagnostic.span);
        let issue = Issue {
            description: &diagnostic.message,
            check_name: diagnostic.code,
            fingerprint,
            severity: severity(diagnostic.severity),
            location: Location {
                path: path.clone(),
                lines: Lines {
                    begin: range.line,
                    end: range.last_line(),
                },
            },
        };
        array.push(out, &issue)?;
    }
    Ok(())
}

/// GitLab orders issues by these levels. An error (a Dockerfile Docker refuses, or a rule a team
/// raised to error on purpose) is "critical" so that it sorts above every warning with a level
/// to spare; "blocker" is left for nothing, as no finding is worse than a build that fails.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info | Severity::Style => "info",
    }
}

/// Fingerprints for the findings of one file, handed out in the report's order.
///
/// GitLab matches issues across pipelines by fingerprint, to show what a merge request fixed or
/// introduced. The fingerprint therefore hashes what a finding is (file, code, message, the text
/// it flags) but not its line: inserting a line at the top must not make every later finding
/// look fixed and re-introduced. Identical findings in one file are told apart by their rank
/// among themselves, since GitLab keeps only one issue per fingerprint.
#[derive(Default)]
struct Fingerprints {
    seen: HashMap<u64, u64>,
}

impl Fingerprints {
    fn next(&mut self, path: &str, diagnostic: &Diagnostic, flagged: &str) -> String {
        let what = Fnv1a::new()
            .field(path.as_bytes())
            .field(diagnostic.code.as_bytes())
            .field(diagnostic.message.as_bytes())
            .field(flagged.as_bytes());
        let rank = self.seen.entry(what.finish()).or_default();
        let hash = what.field(&rank.to_le_bytes()).finish();
        *rank += 1;
        format!("{hash:016x}")
    }
}

/// 64-bit FNV-1a: tiny, fast, stable across platforms and versions, and plenty to tell a file's
/// findings apart (this is an identity, not a defence against forgery).
#[derive(Clone, Copy)]
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Self::OFFSET_BASIS)
    }

    fn bytes(self, bytes: &[u8]) -> Fnv1a {
        Fnv1a(bytes.iter().fold(self.0, |hash, &b| {
            (hash ^ u64::from(b)).wrapping_mul(Self::PRIME)
        }))
    }

    /// A length-prefixed field, so that ("ab", "c") and ("a", "bc") hash differently.
    fn field(self, bytes: &[u8]) -> Fnv1a {
        self.bytes(&(bytes.len() as u64).to_le_bytes()).bytes(bytes)
    }

    fn finish(self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{FileReport, Report, pretty_array, sample};
    use crate::span::Span;

    fn render(report: &Report) -> String {
        sample::render(
            |report, out| pretty_array::write_report(report, out, write_file),
            report,
        )
    }

    #[test]
    fn issues_have_gitlabs_shape() {
        let text = render(&sample::report());
        assert_eq!(
            text,
            r#"[
  {
    "description": "lists kept",
    "check_name": "DL3009",
    "fingerprint": "11c5ea66d202eb6b",
    "severity": "info",
    "location": {
      "path": "app/Dockerfile",
      "lines": {
        "begin": 2,
        "end": 2
      }
    }
  },
  {
    "description": "it's \"/x\" <made> & removed: twice, é\nsee line 2",
    "check_name": "LL302",
    "fingerprint": "d7111e0914523cba",
    "severity": "minor",
    "location": {
      "path": "app/Dockerfile",
      "lines": {
        "begin": 3,
        "end": 3
      }
    }
  },
  {
    "description": "unknown instruction: RUNN (100%)",
    "check_name": "LL001",
    "fingerprint": "6fa42acc2fa9b648",
    "severity": "critical",
    "location": {
      "path": "web app/a,b:c.Dockerfile",
      "lines": {
        "begin": 2,
        "end": 2
      }
    }
  }
]
"#
        );
    }

    #[test]
    fn an_empty_report_is_an_empty_array() {
        assert_eq!(render(&Report::default()), "[]\n");
    }

    fn fingerprints_of(source: &str, spans: &[Span]) -> Vec<String> {
        let diagnostics = spans
            .iter()
            .map(|&span| Diagnostic::syntax_error(span, "bad"))
            .collect();
        let report = Report::new(vec![FileReport::new(
            "Dockerfile".to_string(),
            source.to_string(),
            diagnostics,
        )]);
        let issues: serde_json::Value = serde_json::from_str(&render(&report)).expect("valid JSON");
        issues
            .as_array()
            .into_iter()
            .flatten()
            .map(|issue| {
                issue["fingerprint"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn fingerprints_survive_moved_lines_and_tell_twins_apart() {
        let before = fingerprints_of("RUNN a\nRUNN a\n", &[Span::new(0, 4), Span::new(7, 11)]);
        let after = fingerprints_of(
            "# new comment\nRUNN a\nRUNN a\n",
            &[Span::new(14, 18), Span::new(21, 25)],
        );
        assert_eq!(before, after);
        assert_ne!(before[0], before[1]);
        assert!(before[0].len() == 16 && before[0].bytes().all(|b| b.is_ascii_hexdigit()));
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        assert_eq!(Fnv1a::new().finish(), 0xcbf2_9ce4_8422_2325);
        assert_eq!(Fnv1a::new().bytes(b"a").finish(), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Fnv1a::new().bytes(b"foobar").finish(), 0x85944171f73967e8);
    }
}
