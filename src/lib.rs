//! layerlint: a Dockerfile linter and layer-optimization advisor.
//!
//! Data flows one way: bytes → [`syntax`] → model → rules → [`Diagnostic`]s → report or rewrite.

pub mod advisor;
pub mod config;
pub mod diagnostic;
pub mod files;
pub mod fix;
pub mod image;
pub mod model;
pub mod project;
pub mod report;
pub mod rules;
pub mod server;
pub mod shellcheck;
pub mod span;
pub mod suppress;
pub mod syntax;

pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Label, Severity};
pub use span::{LineIndex, Position, Span};

/// How to lint: the build context for context-aware rules, and which rules run at what severity.
#[derive(Default)]
pub struct LintOptions {
    pub build_context: project::BuildContext,
    /// Which rules run at what severity, and whether inline pragmas count.
    pub config: config::Config,
    /// Build arguments the build is given (a compose service's `build.args`): they replace the
    /// values the file's `ARG`s declare.
    pub build_args: model::BuildArgs,
    /// The stage the build builds (`--target`, a compose service's `build.target`): what ships
    /// is that stage and its bases, so the rules about what ships judge those. `None`: the last.
    pub target: Option<String>,
}

/// Lints one Dockerfile's text with no build context and every rule at its default severity.
pub fn lint(source: &str) -> Vec<Diagnostic> {
    lint_with(source, &LintOptions::default())
}

/// Lints one Dockerfile's text and returns its findings sorted by position.
pub fn lint_with(source: &str, options: &LintOptions) -> Vec<Diagnostic> {
    lint_with_found(source, options, Vec::new())
}

/// Like [`lint_with`], with findings the caller made before there was text to lint (LL003, from
/// the file's bytes), so that inline pragmas silence them like the rules' own, and a pragma
/// naming them is not reported as unused.
pub fn lint_with_found(
    source: &str,
    options: &LintOptions,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    lint_owned(source.to_string(), options, found).0
}

/// Like [`lint_with_found`], for a caller that owns the text: the syntax tree keeps `source`
/// itself rather than a copy (a 50 MB file is held once, not twice), and hands it back with the
/// findings.
pub fn lint_owned(
    source: String,
    options: &LintOptions,
    found: Vec<Diagnostic>,
) -> (Vec<Diagnostic>, String) {
    let dockerfile = syntax::parse_owned(source);
    let diagnostics = lint_parsed(&dockerfile, options, found);
    (diagnostics, dockerfile.into_source())
}

/// Lints a parsed file: the model, the rules, `# check=` and the inline pragmas.
fn lint_parsed(
    dockerfile: &syntax::Dockerfile,
    options: &LintOptions,
    found: Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let model = model::Model::build_for(dockerfile, &options.build_args, options.target.as_deref());
    // `# check=` lines: BuildKit's own in-file configuration of its checks.
    let checks = rules::buildkit::directive::read(dockerfile);
    let enabled = |doc: &rules::RuleDoc| options.config.severity_if_on(doc, checks.turns_on(doc));
    let mut diagnostics = dockerfile.diagnostics();
    diagnostics.extend(found);
    let found_by_rules = rules::check_all(&model, &options.build_context, &options.config, enabled);
    // Usually nothing came before the rules' findings: take their list instead of copying it.
    if diagnostics.is_empty() {
        diagnostics = found_by_rules;
    } else {
        diagnostics.extend(found_by_rules);
    }
    let (diagnostics, unused_checks) = checks.apply(diagnostics);
    let pragmas = if options.config.disable_ignore_pragma {
        Vec::new()
    } else {
        suppress::pragmas(dockerfile)
    };
    let (mut diagnostics, mut unused) = suppress::apply(diagnostics, &pragmas);
    unused.extend(unused_checks);
    diagnostics.extend(unused_suppressions(dockerfile, &unused, enabled));
    diagnostics.sort_by_key(|d| (d.span.start, d.span.end, d.code));
    diagnostics
}

/// LL002 for each pragma code that silenced nothing, when it names a rule that ran (a hadolint
/// pragma for a rule layerlint does not have is left alone).
fn unused_suppressions(
    dockerfile: &syntax::Dockerfile,
    unused: &[(Span, String)],
    enabled: impl Fn(&rules::RuleDoc) -> Option<Severity>,
) -> Vec<Diagnostic> {
    let Some(doc) = rules::find("LL002") else {
        return Vec::new();
    };
    let Some(severity) = enabled(doc) else {
        return Vec::new();
    };
    unused
        .iter()
        .filter_map(|(span, code)| {
            let rule = rules::find(code).filter(|r| enabled(r).is_some() && r.code != "LL002")?;
            let pragma = dockerfile.text(*span);
            Some(Diagnostic {
                code: doc.code,
                name: doc.name,
                severity,
                span: *span,
                message: format!(
                    "`{pragma}` suppresses {code}, but there is no {} finding here for it to silence",
                    rule.code
                ),
                labels: Vec::new(),
                fix: None,
            })
        })
        .collect()
}
