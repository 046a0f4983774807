//! layerlint's findings as LSP diagnostics: severity, code, a link to the rule's documentation,
//! the other lines a finding names as related information, and tags where they fit.

use super::positions::Positions;
use crate::diagnostic::{Diagnostic, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Url,
};

/// The `source` every diagnostic carries, so that a client showing several servers' diagnostics
/// says whose each one is.
pub const SOURCE: &str = "layerlint";

/// Where a rule's documentation lives: a template in which `{code}` is replaced by the rule's
/// code. The default is the rule's YAML in the repository (`rules/CODE.yaml`), which is the rule's
/// whole documentation (summary, rationale, examples), when the crate names its repository
/// (`repository` in Cargo.toml); a client can set another with the initialization option
/// `ruleDocsUrl`. With neither there is no link, rather than a made-up one: hover shows the same
/// text in the editor. A ShellCheck finding links to ShellCheck's wiki page for its code.
#[derive(Clone, Debug, Default)]
pub struct DocsLink {
    template: Option<String>,
}

impl DocsLink {
    pub fn new(configured: Option<String>) -> DocsLink {
        let repository = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
        let default =
            (!repository.is_empty()).then(|| format!("{repository}/blob/main/rules/{{code}}.yaml"));
        DocsLink {
            template: configured.filter(|t| !t.is_empty()).or(default),
        }
    }

    pub fn of(&self, code: &str) -> Option<Url> {
        // ShellCheck documents each of its codes on its own wiki page.
        if crate::shellcheck::is_code(code) {
            return Url::parse(&format!("https://www.shellcheck.net/wiki/{code}")).ok();
        }
        let template = self.template.as_ref()?;
        Url::parse(&template.replace("{code}", code)).ok()
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Style => DiagnosticSeverity::HINT,
    }
}

/// Editors grey out unnecessary code and strike through deprecated code: only findings that say
/// exactly that get a tag. LL002 is a pragma that silences nothing; DL4000 and
/// MaintainerDeprecated are the deprecated `MAINTAINER`.
fn tags(code: &str) -> Option<Vec<DiagnosticTag>> {
    match code {
        "LL002" => Some(vec![DiagnosticTag::UNNECESSARY]),
        "DL4000" | "MaintainerDeprecated" => Some(vec![DiagnosticTag::DEPRECATED]),
        _ => None,
    }
}

/// One finding in the document `uri`.
pub fn to_lsp(
    finding: &Diagnostic,
    uri: &Url,
    positions: &Positions<'_>,
    docs: &DocsLink,
) -> lsp_types::Diagnostic {
    let related: Vec<DiagnosticRelatedInformation> = finding
        .labels
        .iter()
        .map(|label| DiagnosticRelatedInformation {
            location: Location::new(uri.clone(), positions.range(label.span)),
            message: label.message.clone(),
        })
        .collect();
    lsp_types::Diagnostic {
        range: positions.range(finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.code.to_string())),
        code_description: docs.of(finding.code).map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_string()),
        message: finding.message.clone(),
        related_information: (!related.is_empty()).then_some(related),
        tags: tags(finding.code),
        data: None,
    }
}

/// A configuration that cannot be used, shown on the document's first line: the file is not
/// linted under it (see `settings`).
pub fn config_error(message: &str) -> lsp_types::Diagnostic {
    lsp_types::Diagnostic {
        range: lsp_types::Range::default(),
        severity: Some(DiagnosticSeverity::ERROR),
        code: None,
        code_description: None,
        source: Some(SOURCE.to_string()),
        message: format!(
            "the configuration cannot be used, so this file was not linted: {message}"
        ),
        related_information: None,
        tags: None,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::positions::Encoding;
    use super::*;
    use crate::diagnostic::Label;
    use crate::span::Span;

    #[test]
    fn labels_become_related_information_in_the_same_document() {
        let text = "FROM a\nRUN touch /big\nRUN rm /big\n";
        let uri = Url::parse("file:///w/Dockerfile").unwrap();
        let mut finding = Diagnostic::syntax_error(Span::new(22, 33), "deleted");
        finding.code = "LL302";
        finding.labels.push(Label {
            span: Span::new(7, 21),
            message: "created here".into(),
        });
        let docs = DocsLink::new(Some("https://docs.example/rules/{code}".into()));
        let lsp = to_lsp(
            &finding,
            &uri,
            &Positions::new(text, Encoding::Utf16),
            &docs,
        );
        assert_eq!(
            lsp.range,
            lsp_types::Range::new(
                lsp_types::Position::new(2, 0),
                lsp_types::Position::new(2, 11)
            )
        );
        let related = lsp.related_information.unwrap();
        assert_eq!(
            related[0].location.range.start,
            lsp_types::Position::new(1, 0)
        );
        assert_eq!(related[0].location.uri, uri);
        assert_eq!(
            lsp.code_description.unwrap().href.as_str(),
            "https://docs.example/rules/LL302"
        );
        assert_eq!(lsp.code, Some(NumberOrString::String("LL302".into())));
    }

    #[test]
    fn a_shellcheck_code_links_to_its_wiki_page() {
        let docs = DocsLink::new(Some("https://docs.example/rules/{code}".into()));
        assert_eq!(
            docs.of("SC2086").map(String::from).as_deref(),
            Some("https://www.shellcheck.net/wiki/SC2086")
        );
    }

    #[test]
    fn no_link_rather_than_a_broken_one() {
        assert_eq!(
            DocsLink::new(Some("not a url {code}".into())).of("LL302"),
            None
        );
    }
}
