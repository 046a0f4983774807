//! What a run's summary line counts, gathered one file at a time: a report written as its files
//! are linted no longer has the earlier files when the summary is due, only these counts.

use super::{FileReport, Report};
use crate::diagnostic::Severity;

/// The counts behind "3 findings (1 error, 2 warnings) in 2 files".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Distinct files linted: a file linted as several builds (compose services, bake targets)
    /// is one file. Its builds are reported next to each other, so "distinct" is "not the same
    /// name as the file before".
    checked: usize,
    /// Distinct files with at least one finding, counted the same way.
    with_findings: usize,
    /// Findings by severity, most severe first (the order of [`SEVERITIES`]).
    by_severity: [usize; 4],
    last_checked: Option<String>,
    last_with_findings: Option<String>,
    unchecked: usize,
}

const SEVERITIES: [(Severity, &str, &str); 4] = [
    (Severity::Error, "error", "errors"),
    (Severity::Warning, "warning", "warnings"),
    (Severity::Info, "info", "info"),
    (Severity::Style, "style", "style"),
];

impl Totals {
    /// The counts of a whole report.
    pub fn of(report: &Report) -> Totals {
        let mut totals = Totals::default();
        report.files().iter().for_each(|file| totals.add(file));
        totals.unchecked = report.unchecked();
        totals
    }

    /// Counts one more file, which comes after every file counted so far in the report's order.
    pub fn add(&mut self, file: &FileReport) {
        if self.last_checked.as_deref() != Some(file.name.as_str()) {
            self.checked += 1;
            self.last_checked = Some(file.name.clone());
        }
        if file.diagnostics.is_empty() {
            return;
        }
        if self.last_with_findings.as_deref() != Some(file.name.as_str()) {
            self.with_findings += 1;
            self.last_with_findings = Some(file.name.clone());
        }
        for diagnostic in &file.diagnostics {
            let rank = SEVERITIES
                .iter()
                .position(|(severity, _, _)| *severity == diagnostic.severity)
                .unwrap_or_default();
            self.by_severity[rank] += 1;
        }
    }

    /// Records that `count` paths failed to load.
    pub fn with_unchecked(mut self, count: usize) -> Totals {
        self.unchecked = count;
        self
    }

    pub fn findings(&self) -> usize {
        self.by_severity.iter().sum()
    }

    /// "3 findings (1 error, 2 warnings) in 2 files", "2 warnings in 1 file", "no findings in 4
    /// files", with "; 1 path could not be checked" added when some input failed to load.
    pub fn summary(&self) -> String {
        let unchecked = (self.unchecked > 0).then(|| {
            format!(
                "{} could not be checked",
                count(self.unchecked, "path", "paths")
            )
        });
        match (self.findings_summary(), unchecked) {
            (Some(findings), Some(unchecked)) => format!("{findings}; {unchecked}"),
            (Some(findings), None) => findings,
            (None, Some(unchecked)) => unchecked,
            (None, None) => "no Dockerfiles found".to_string(),
        }
    }

    /// `None` when no file was linted.
    fn findings_summary(&self) -> Option<String> {
        let checked = self.checked;
        if checked == 0 {
            return None;
        }
        let total = self.findings();
        if total == 0 {
            return Some(format!(
                "no findings in {}",
                count(checked, "file", "files")
            ));
        }
        let in_files = if self.with_findings == checked {
            count(checked, "file", "files")
        } else {
            format!(
                "{} of {}",
                self.with_findings,
                count(checked, "file", "files")
            )
        };
        let parts: Vec<String> = SEVERITIES
            .iter()
            .zip(self.by_severity)
            .filter(|(_, n)| *n > 0)
            .map(|((_, one, many), n)| count(n, one, many))
            .collect();
        Some(match parts.as_slice() {
            [only] => format!("{only} in {in_files}"),
            _ => format!(
                "{} ({}) in {in_files}",
                count(total, "finding", "findings"),
                parts.join(", ")
            ),
        })
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;

    #[test]
    fn counting_file_by_file_gives_the_counts_of_the_whole_report() {
        let report = sample::report().with_unchecked(1);
        let mut one_by_one = Totals::default();
        report.files().iter().for_each(|f| one_by_one.add(f));
        assert_eq!(one_by_one.with_unchecked(1), Totals::of(&report));
        assert_eq!(
            Totals::of(&report).summary(),
            "3 findings (1 error, 1 warning, 1 info) in 2 of 3 files; 1 path could not be checked"
        );
    }

    #[test]
    fn builds_of_one_file_count_as_one_file() {
        let mut first = sample::report().files()[0].clone();
        first.via = Some("compose.yaml service a".to_string());
        let mut second = first.clone();
        second.via = Some("compose.yaml service b".to_string());
        second.diagnostics.clear();
        let mut totals = Totals::default();
        totals.add(&first);
        totals.add(&second);
        assert_eq!(totals.summary(), "2 findings (1 warning, 1 info) in 1 file");
    }
}
