//! `check --fix` and `check --diff`: fixing each file, then writing it back, printing its diff, or
//! (for standard input) printing it fixed; and the line that sums up what was fixed.

use super::args::CheckArgs;
use super::diff;
use super::output::{is_closed_pipe, print_error};
use layerlint::files::{self, FileError, Input, SourceFile};
use layerlint::fix::{self, FixRefusal};
use layerlint::report::{FileReport, printable};
use layerlint::{Applicability, Diagnostic, LintOptions, Span};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// What `check` does with the fixes it finds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    /// Report the findings; fix nothing.
    Off,
    /// Apply the fixes at this level: files are rewritten, standard input is printed fixed.
    Write(Applicability),
    /// Print the diff the fixes at this level would make; write nothing.
    Diff(Applicability),
}

impl FixMode {
    /// `--diff` wins over `--fix`: someone adding `--diff` to a `--fix` command line wants a
    /// preview, and a flag that writes nothing is the safe one to honour.
    pub fn of(args: &CheckArgs) -> FixMode {
        let level = if args.unsafe_fixes {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        };
        match (args.diff, args.fix) {
            (true, _) => FixMode::Diff(level),
            (false, true) => FixMode::Write(level),
            (false, false) => FixMode::Off,
        }
    }

    fn level(self) -> Option<Applicability> {
        match self {
            FixMode::Off => None,
            FixMode::Write(level) | FixMode::Diff(level) => Some(level),
        }
    }
}

/// What fixing did to one file, kept until every file is done so that output comes in input order.
#[derive(Debug)]
pub struct FileFix {
    name: String,
    /// Fixes applied (or, for `--diff`, that would be) per rule; empty when nothing was written.
    fixed: BTreeMap<&'static str, usize>,
    refusal: Option<FixRefusal>,
    /// `--diff`: the file's diff, when fixing changes it.
    diff: Option<String>,
    /// `--fix` on standard input: the bytes to print, fixed or (when refused) as they came.
    stdout: Option<Vec<u8>>,
    /// The file could not be written back.
    error: Option<FileError>,
    /// Why the file was left alone before any fix was tried (it is not valid UTF-8).
    skipped: Option<&'static str>,
}

/// Lints `file`, or fixes it as `mode` says (`readonly_ok`: read-only files may be rewritten).
/// Returns the report of what remains and, when fixing, what was done. Runs on a worker thread:
/// it prints nothing.
pub fn check_file(
    file: SourceFile,
    options: &LintOptions,
    mode: FixMode,
    readonly_ok: bool,
) -> (FileReport, Option<FileFix>) {
    let decoding = decoding_finding(&file, options);
    let lint = |text: &str| {
        layerlint::lint_with_found(text, options, decoding.clone().into_iter().collect())
    };
    let Some(level) = mode.level() else {
        // The text goes into the syntax tree and comes back: one copy of a large file, not two.
        let found = decoding.into_iter().collect();
        let (diagnostics, text) = layerlint::lint_owned(file.text, options, found);
        return (FileReport::new(file.name, text, diagnostics), None);
    };
    if file.invalid_utf8.is_some() {
        // The text is not the file's bytes: writing it back, or a diff of it, would replace
        // every byte that was not UTF-8.
        let done = FileFix {
            name: message_name(&file),
            fixed: BTreeMap::new(),
            refusal: None,
            diff: None,
            stdout: file.original.clone(),
            error: None,
            skipped: Some(
                "it is not valid UTF-8 (LL003), and writing the fixed text would change the bytes that are not; re-save it as UTF-8 first",
            ),
        };
        let diagnostics = lint(&file.text);
        return (
            FileReport::new(file.name, file.text, diagnostics),
            Some(done),
        );
    }
    let outcome = fix::fix_source(&file.text, options, level);
    let mut done = FileFix {
        name: message_name(&file),
        fixed: outcome.fixed,
        refusal: outcome.refusal,
        diff: None,
        stdout: None,
        error: None,
        skipped: None,
    };
    match (mode, &file.input) {
        (FixMode::Diff(_), _) => {
            let diff = diff::unified(&file.name, &file.text, &outcome.text);
            done.diff = Some(diff).filter(|d| !d.is_empty());
        }
        (_, Input::Stdin) => done.stdout = Some(outcome.text.clone().into_bytes()),
        (_, Input::Path(path)) => {
            let written = files::replace(path, &file.name, &file.text, &outcome.text, readonly_ok);
            if let Err(err) = written {
                // Nothing was written: report the file as it still is.
                done.error = Some(err);
                done.fixed.clear();
                let diagnostics = lint(&file.text);
                return (
                    FileReport::new(file.name, file.text, diagnostics),
                    Some(done),
                );
            }
        }
    }
    let report = FileReport::new(file.name, outcome.text, outcome.remaining);
    (report, Some(done))
}

/// LL003 for a file that was not valid UTF-8, at its first invalid byte, unless the
/// configuration turns it off.
fn decoding_finding(file: &SourceFile, options: &LintOptions) -> Option<Diagnostic> {
    let found = file.invalid_utf8?;
    let doc = layerlint::rules::find("LL003")?;
    let severity = options.config.severity_of(doc)?;
    let more = match found.count {
        0 | 1 => String::new(),
        n => format!(" ({n} invalid sequences in all)"),
    };
    Some(Diagnostic {
        code: doc.code,
        name: doc.name,
        severity,
        span: Span::new(found.offset, found.offset + '\u{fffd}'.len_utf8()),
        message: format!(
            "the file is not valid UTF-8: byte 0x{:02x} at line {}, column {} starts a sequence that is not UTF-8{more}; Docker builds it, and layerlint linted it reading each such sequence as U+FFFD; --fix leaves the file alone",
            found.byte, found.line, found.column
        ),
        labels: Vec::new(),
        fix: None,
    })
}

/// "- was not fixed" reads like a typo; standard input under no other name is called what it is.
fn message_name(file: &SourceFile) -> String {
    match &file.input {
        Input::Stdin if file.name == files::STDIN_PATH => "standard input".to_string(),
        _ => file.name.clone(),
    }
}

/// What printing the fixes' results came to.
#[derive(Clone, Copy, Debug, Default)]
pub struct Finished {
    /// A file could not be written back, or standard output could not be written (exit 2).
    pub trouble: bool,
    /// `--diff` printed a diff (exit 1).
    pub diffed: bool,
}

/// Prints, in input order, why files were left alone and what could not be written (standard
/// error), and the diffs or standard input's fixed text (standard output).
pub fn finish(fixes: &mut [FileFix]) -> Finished {
    let mut finished = Finished::default();
    let mut out = io::stdout().lock();
    for fix in fixes {
        if let Some(refusal) = &fix.refusal {
            eprintln!("warning: {} was not fixed: {refusal}", printable(&fix.name));
        }
        if let Some(reason) = fix.skipped {
            eprintln!("warning: {} was not fixed: {reason}", printable(&fix.name));
        }
        if let Some(err) = fix.error.take() {
            print_error(err);
            finished.trouble = true;
        }
        finished.diffed |= fix.diff.is_some();
        let bytes = fix.diff.as_ref().map(String::as_bytes);
        let bytes = bytes.or(fix.stdout.as_deref()).unwrap_or_default();
        if let Err(err) = out.write_all(bytes) {
            finished.trouble |= !is_closed_pipe(&err);
        }
    }
    if let Err(err) = out.flush() {
        finished.trouble |= !is_closed_pipe(&err);
    }
    finished
}

/// "fixed 3 findings in 2 files (DL3059 ×1, LL301 ×2); 4 remain", or with `--diff` "would fix …;
/// 4 would remain"; "fixed nothing; 1 finding remains" when no fix applied.
pub fn summary(fixes: &[FileFix], remaining: usize, mode: FixMode) -> String {
    let would = matches!(mode, FixMode::Diff(_));
    let verb = if would { "would fix" } else { "fixed" };
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for (code, n) in fixes.iter().flat_map(|f| &f.fixed) {
        *by_rule.entry(code).or_default() += n;
    }
    let total: usize = by_rule.values().sum();
    if total == 0 {
        // Not "nothing to fix": a file left alone for its syntax errors may have fixable findings.
        return match remaining {
            0 => format!("{verb} nothing; no findings"),
            n => format!(
                "{verb} nothing; {} {}",
                count(n, "finding", "findings"),
                remain(n, false)
            ),
        };
    }
    let files = fixes.iter().filter(|f| !f.fixed.is_empty()).count();
    let rules: Vec<String> = by_rule
        .iter()
        .map(|(code, n)| format!("{code} ×{n}"))
        .collect();
    let left = match remaining {
        0 if would => "none would remain".to_string(),
        0 => "none remain".to_string(),
        n => format!("{n} {}", remain(n, would)),
    };
    format!(
        "{verb} {} in {} ({}); {left}",
        count(total, "finding", "findings"),
        count(files, "file", "files"),
        rules.join(", "),
    )
}

fn remain(n: usize, would: bool) -> &'static str {
    match (would, n) {
        (true, _) => "would remain",
        (false, 1) => "remains",
        (false, _) => "remain",
    }
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixed(name: &str, rules: &[(&'static str, usize)]) -> FileFix {
        FileFix {
            name: name.to_string(),
            fixed: rules.iter().copied().collect(),
            refusal: None,
            diff: None,
            stdout: None,
            error: None,
            skipped: None,
        }
    }

    #[test]
    fn the_summary_counts_findings_files_and_rules() {
        let fixes = [
            fixed("a", &[("LL301", 1), ("DL3059", 1)]),
            fixed("b", &[("LL301", 1)]),
            fixed("c", &[]),
        ];
        let write = FixMode::Write(Applicability::Safe);
        assert_eq!(
            summary(&fixes, 4, write),
            "fixed 3 findings in 2 files (DL3059 ×1, LL301 ×2); 4 remain"
        );
        assert_eq!(
            summary(&fixes[1..], 1, write),
            "fixed 1 finding in 1 file (LL301 ×1); 1 remains"
        );
        assert_eq!(
            summary(&fixes[1..], 0, write),
            "fixed 1 finding in 1 file (LL301 ×1); none remain"
        );
        assert_eq!(
            summary(&fixes, 2, FixMode::Diff(Applicability::Safe)),
            "would fix 3 findings in 2 files (DL3059 ×1, LL301 ×2); 2 would remain"
        );
    }

    #[test]
    fn the_summary_says_when_nothing_was_fixed() {
        let fixes = [fixed("c", &[])];
        let write = FixMode::Write(Applicability::Safe);
        assert_eq!(summary(&fixes, 0, write), "fixed nothing; no findings");
        assert_eq!(
            summary(&fixes, 1, write),
            "fixed nothing; 1 finding remains"
        );
        assert_eq!(
            summary(&fixes, 3, FixMode::Diff(Applicability::Safe)),
            "would fix nothing; 3 findings remain"
        );
    }
}
