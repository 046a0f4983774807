//! `layerlint rules` and `layerlint rule CODE`: the documentation in `rules/*.yaml`, printed.

use super::Exit;
use layerlint::rules::{self, RuleDoc};

pub fn list() -> Exit {
    let mut out = format!(
        "{:<7} {:<34} {:<12} {:<8} {}\n",
        "CODE", "NAME", "CATEGORY", "SEVERITY", "FIX"
    );
    for (doc, _) in rules::all() {
        out.push_str(&format!(
            "{:<7} {:<34} {:<12} {:<8} {}\n",
            doc.code,
            doc.name,
            doc.category,
            default_severity(doc),
            fix_name(doc)
        ));
    }
    out.push_str(SHELLCHECK_CODES);
    print!("{out}");
    Exit::Clean
}

/// What `rules` and `rule SC2086` say of ShellCheck's codes, which have no documentation here.
const SHELLCHECK_CODES: &str = "\
SC1000-SC3999: ShellCheck's findings on RUN scripts (sh, bash, dash, ash, ksh), reported under
ShellCheck's codes and levels when the `shellcheck` program is on PATH (as hadolint reports them);
turned off with --no-shellcheck or `shellcheck: false`. https://www.shellcheck.net/wiki/ explains
each code.
";

pub fn show(wanted: &str) -> Exit {
    if layerlint::shellcheck::is_code(wanted) {
        let code = wanted.to_ascii_uppercase();
        print!(
            "{code} comes from ShellCheck, not from layerlint: https://www.shellcheck.net/wiki/{code}\n\n{SHELLCHECK_CODES}"
        );
        return Exit::Clean;
    }
    let Some(doc) = rules::find(wanted) else {
        eprintln!("error: no rule is called {wanted:?}; `layerlint rules` lists them");
        return Exit::Trouble;
    };
    print!("{}", render(doc));
    Exit::Clean
}

/// The severity a rule reports at by default; `off` for a rule that runs only when named.
fn default_severity(doc: &RuleDoc) -> &'static str {
    if doc.default_off {
        "off"
    } else {
        doc.severity.as_str()
    }
}

fn fix_name(doc: &RuleDoc) -> &'static str {
    match doc.fix {
        Some(layerlint::Applicability::Safe) => "safe",
        Some(layerlint::Applicability::Unsafe) => "unsafe",
        Some(layerlint::Applicability::DisplayOnly) => "display-only",
        None => "-",
    }
}

fn render(doc: &RuleDoc) -> String {
    let mut out = format!("{} {}\n\n{}\n\n", doc.code, doc.name, doc.summary);
    out.push_str(&format!(
        "category: {}   default severity: {}   fix: {}\n",
        doc.category,
        default_severity(doc),
        fix_name(doc)
    ));
    if !doc.aliases.is_empty() {
        out.push_str(&format!("aliases: {}\n", doc.aliases.join(", ")));
    }
    out.push_str(&format!("\n{}\n", doc.rationale.trim_end()));
    for (heading, examples) in [("Bad", &doc.examples().bad), ("Good", &doc.examples().good)] {
        for example in examples.iter().take(2) {
            let title = example.title.as_deref().unwrap_or("");
            out.push_str(&format!("\n{heading}: {title}\n"));
            for line in example.dockerfile.lines() {
                out.push_str(&format!("    {line}\n"));
            }
            if let Some(fixed) = &example.fixed {
                out.push_str("  fixed:\n");
                for line in fixed.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    out
}
