//! `layerlint rules` and `layerlint rule CODE`: the documentation in `rules/*.yaml`, printed.

use super::Exit;
use layerlint::rules::{self, RuleDoc};

pub fn list() -> Exit {
    let row = |code: &str, name: &str, category: &str, severity: &str, fix: &str| {
        format!("{code:<7} {name:<34} {category:<12} {severity:<8} {fix}\n")
    };
    let mut out = row("CODE", "NAME", "CATEGORY", "SEVERITY", "FIX");
    for family in Family::ALL {
        let members: Vec<&RuleDoc> = rules::all()
            .map(|(doc, _)| doc)
            .filter(|doc| Family::of(doc) == family)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("\n{} ({} rules)\n", family.title(), members.len()));
        for doc in members {
            out.push_str(&row(
                doc.code,
                doc.name,
                doc.category,
                default_severity(doc),
                fix_name(doc),
            ));
        }
    }
    out.push_str(SHELLCHECK_CODES);
    print!("{out}");
    Exit::Clean
}

/// The groups `layerlint rules` lists: layerlint's own rules, then hadolint's by what they read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Family {
    Syntax,
    Layers,
    HadolintModel,
    HadolintInstructions,
    HadolintPackages,
    HadolintShell,
    HadolintPragmas,
}

impl Family {
    const ALL: [Family; 7] = [
        Family::Syntax,
        Family::Layers,
        Family::HadolintModel,
        Family::HadolintInstructions,
        Family::HadolintPackages,
        Family::HadolintShell,
        Family::HadolintPragmas,
    ];

    /// hadolint's rules keep its `DL` codes; layerlint's own are `LL`.
    fn of(doc: &RuleDoc) -> Family {
        let hadolint = doc.code.starts_with("DL");
        match (hadolint, doc.category) {
            (false, "syntax") => Family::Syntax,
            (false, _) => Family::Layers,
            (true, "syntax") => Family::HadolintPragmas,
            (true, "instructions") => Family::HadolintInstructions,
            (true, "shell") => Family::HadolintShell,
            // The cache family and DL3059 read the layer model, as layerlint's own rules do.
            (true, _) if MODEL_BASED.contains(&doc.code) => Family::HadolintModel,
            (true, _) => Family::HadolintPackages,
        }
    }

    fn title(self) -> &'static str {
        match self {
            Family::Syntax => "layerlint: syntax and suppressions",
            Family::Layers => "layerlint: layer rules",
            Family::HadolintModel => {
                "from hadolint, checked per layer on the image model (package caches, consecutive RUNs)"
            }
            Family::HadolintInstructions => "from hadolint: instruction rules",
            Family::HadolintPackages => "from hadolint: package-manager rules",
            Family::HadolintShell => "from hadolint: shell-command rules",
            Family::HadolintPragmas => "from hadolint: pragmas",
        }
    }
}

/// hadolint's rules that layerlint checks on its model of the image's layers.
const MODEL_BASED: [&str; 8] = [
    "DL3009", "DL3019", "DL3032", "DL3036", "DL3040", "DL3042", "DL3059", "DL3060",
];

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
        if layerlint::config::is_hadolint_code(wanted) {
            eprintln!(
                "error: {wanted} is a hadolint code layerlint has no rule for (one hadolint retired, or a ShellCheck code); `layerlint rules` lists the rules"
            );
        } else {
            eprintln!("error: no rule is called {wanted:?}; `layerlint rules` lists them");
        }
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
        "family: {}\ncategory: {}   default severity: {}   fix: {}\n",
        Family::of(doc).title(),
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
