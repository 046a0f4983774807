//! `--format sarif`: a SARIF 2.1.0 log, the format GitHub code scanning, Azure DevOps and IDE
//! viewers import.
//!
//! One run lists, in `tool.driver.rules`, the rules that have results (sorted by code, which
//! `ruleIndex` points into), documented from their YAML. Columns count UTF-16 code units, SARIF's
//! default, and `columnKind` says so explicitly: a consumer that ignores the property still gets
//! the columns right. Safe and unsafe fixes become SARIF `fixes`, which viewers may apply; a
//! display-only rewrite must never be applied, so it is only named in the result's properties.

use super::Report;
use super::location::{Columns, Locator, Range, slashed};
use crate::diagnostic::{Applicability, Diagnostic, Fix, Severity};
use crate::rules::{self, RuleDoc};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    information_uri: Option<&'static str>,
    rules: Vec<Descriptor<'a>>,
}

/// A rule as SARIF describes it (`reportingDescriptor`).
#[derive(Serialize)]
struct Descriptor<'a> {
    id: &'a str,
    name: &'a str,
    /// Absent only for a code the registry does not know, which no rule should report.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    documentation: Option<Documentation<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Documentation<'a> {
    short_description: Text<'a>,
    full_description: Prose,
    help: Help<'a>,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

/// Text made for the log rather than borrowed from the findings or the rule's YAML.
#[derive(Serialize)]
struct Prose {
    text: String,
}

/// SARIF requires the plain text; the rationale, as written, is already Markdown.
#[derive(Serialize)]
struct Help<'a> {
    text: String,
    markdown: &'a str,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
    /// `false` for a rule that is off unless named (SARIF's default is `true`).
    #[serde(skip_serializing_if = "is_true")]
    enabled: bool,
}

fn is_true(value: &bool) -> bool {
    *value
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RuleProperties<'a> {
    category: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fix_applicability: Option<Applicability>,
    /// GitHub code scanning filters and groups alerts by these.
    tags: [&'a str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

/// 1-based; `endColumn` is exclusive, as in SARIF.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl From<Range> for Region {
    fn from(range: Range) -> Region {
        Region {
            start_line: range.line,
            start_column: range.column,
            end_line: range.end_line,
            end_column: range.end_column,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix<'a> {
    description: Text<'a>,
    artifact_changes: [ArtifactChange<'a>; 1],
    properties: FixProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange<'a> {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement<'a> {
    deleted_region: Region,
    inserted_content: Text<'a>,
}

#[derive(Serialize)]
struct FixProperties {
    applicability: Applicability,
}

/// Where a display-only rewrite goes: its title, for people, and nothing a tool could apply.
#[derive(Serialize)]
struct ResultProperties<'a> {
    suggestion: &'a str,
}

/// Writes `report` as one pretty-printed SARIF log and a final newline.
pub fn write(report: &Report, out: &mut dyn io::Write) -> io::Result<()> {
    let rules = RuleTable::new(report);
    let mut results = Vec::new();
    for file in report.files() {
        let file_results = FileResults {
            locator: Locator::new(&file.source, Columns::Utf16),
            uri: artifact_uri(&file.name),
            rules: &rules,
        };
        results.extend(file.diagnostics.iter().map(|d| file_results.result(d)));
    }
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: driver(rules.descriptors()),
            },
            column_kind: "utf16CodeUnits",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    writeln!(out)
}

fn driver(rules: Vec<Descriptor<'_>>) -> Driver<'_> {
    Driver {
        name: "layerlint",
        version: env!("CARGO_PKG_VERSION"),
        semantic_version: env!("CARGO_PKG_VERSION"),
        information_uri: information_uri(),
        rules,
    }
}

/// The package's homepage or repository; omitted rather than invented while Cargo.toml has
/// neither, since SARIF wants a real URI there.
fn information_uri() -> Option<&'static str> {
    [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|uri| !uri.is_empty())
}

/// The rules that have results, sorted by code; a result's `ruleIndex` is its rule's place here.
struct RuleTable<'a> {
    /// Code to the name the findings carry.
    rules: BTreeMap<&'a str, &'a str>,
}

impl<'a> RuleTable<'a> {
    fn new(report: &'a Report) -> RuleTable<'a> {
        let rules = report.diagnostics().map(|d| (d.code, d.name)).collect();
        RuleTable { rules }
    }

    fn index(&self, code: &str) -> usize {
        // Every code of the report is a key, so the position always exists.
        self.rules
            .keys()
            .position(|known| *known == code)
            .unwrap_or(0)
    }

    fn descriptors(&self) -> Vec<Descriptor<'a>> {
        self.rules
            .iter()
            .map(|(code, name)| match rules::find(code) {
                Some(doc) => documented(doc),
                None => Descriptor {
                    id: code,
                    name,
                    documentation: None,
                },
            })
            .collect()
    }
}

fn documented(doc: &'static RuleDoc) -> Descriptor<'static> {
    let plain = unwrapped(doc.rationale);
    Descriptor {
        id: doc.code,
        name: doc.name,
        documentation: Some(Documentation {
            short_description: Text { text: doc.summary },
            full_description: Prose {
                text: plain.clone(),
            },
            help: Help {
                text: plain,
                markdown: doc.rationale.trim_end(),
            },
            default_configuration: Configuration {
                level: level(doc.severity),
                enabled: !doc.default_off,
            },
            properties: RuleProperties {
                category: doc.category,
                fix_applicability: doc.fix,
                tags: [doc.category],
            },
        }),
    }
}

/// The YAML wraps its prose by hand; a viewer showing plain text would keep those breaks, so
/// each paragraph becomes one line and the viewer wraps it to fit.
fn unwrapped(prose: &str) -> String {
    let paragraphs: Vec<String> = prose
        .split("\n\n")
        .map(|paragraph| {
            let lines: Vec<&str> = paragraph.lines().map(str::trim).collect();
            lines.join(" ").trim().to_string()
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect();
    paragraphs.join("\n\n")
}

/// SARIF's levels are error, warning and note; info and style are both notes.
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Style => "note",
    }
}

/// What every result of one file shares.
struct FileResults<'r, 's> {
    locator: Locator<'s>,
    uri: String,
    rules: &'r RuleTable<'r>,
}

impl FileResults<'_, '_> {
    fn result<'d>(&self, diagnostic: &'d Diagnostic) -> SarifResult<'d> {
        let related = diagnostic
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| Location {
                // Ids let a message link a related location as `[text](id)`; 1-based by custom.
                id: Some(i + 1),
                physical_location: self.physical(self.locator.range(label.span)),
                message: Some(Text {
                    text: &label.message,
                }),
            });
        let fix = diagnostic.fix.as_ref();
        SarifResult {
            rule_id: diagnostic.code,
            rule_index: self.rules.index(diagnostic.code),
            level: level(diagnostic.severity),
            message: Text {
                text: &diagnostic.message,
            },
            locations: [Location {
                id: None,
                physical_location: self.physical(self.locator.range(diagnostic.span)),
                message: None,
            }],
            related_locations: related.collect(),
            fixes: fix.and_then(|fix| self.fix(fix)).into_iter().collect(),
            properties: fix
                .filter(|fix| fix.applicability == Applicability::DisplayOnly)
                .map(|fix| ResultProperties {
                    suggestion: &fix.title,
                }),
        }
    }

    fn physical(&self, range: Range) -> PhysicalLocation {
        PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: self.uri.clone(),
            },
            region: range.into(),
        }
    }

    /// `None` for a display-only fix, and for one without edits, which SARIF cannot express.
    fn fix<'d>(&self, fix: &'d Fix) -> Option<SarifFix<'d>> {
        if fix.applicability == Applicability::DisplayOnly || fix.edits.is_empty() {
            return None;
        }
        let replacements = fix.edits.iter().map(|edit| Replacement {
            deleted_region: self.locator.range(edit.span).into(),
            inserted_content: Text {
                text: &edit.content,
            },
        });
        Some(SarifFix {
            description: Text { text: &fix.title },
            artifact_changes: [ArtifactChange {
                artifact_location: ArtifactLocation {
                    uri: self.uri.clone(),
                },
                replacements: replacements.collect(),
            }],
            properties: FixProperties {
                applicability: fix.applicability,
            },
        })
    }
}

/// The reported name as a URI reference: relative names stay relative (GitHub resolves them
/// against the repository root), absolute ones become `file:` URIs, and every byte a URI may not
/// hold literally is percent-encoded.
fn artifact_uri(name: &str) -> String {
    let path = slashed(name);
    let bytes = path.as_bytes();
    let has_drive = bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && &bytes[1..3] == b":/";
    if has_drive {
        // The drive's colon is part of the path in `file:///C:/…`; only the rest is encoded.
        format!("file:///{}{}", &path[..2], percent_encode(&path[2..]))
    } else if path.starts_with('/') {
        format!("file://{}", percent_encode(&path))
    } else {
        percent_encode(&path)
    }
}

/// Encodes all but RFC 3986's unreserved characters, sub-delimiters, `@` and `/`. A `:` is
/// encoded too: in a relative reference, `a:b/Dockerfile` would read as the scheme `a`.
fn percent_encode(path: &str) -> String {
    let mut encoded = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=@/".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::sample;
    use serde_json::{Value, json};

    fn render(report: &Report) -> String {
        sample::render(write, report)
    }

    fn parse(report: &Report) -> Value {
        serde_json::from_str(&render(report)).expect("valid JSON")
    }

    #[test]
    fn the_log_names_its_schema_version_tool_and_column_kind() {
        let log = parse(&sample::report());
        assert_eq!(log["$schema"], SCHEMA);
        assert_eq!(log["version"], "2.1.0");
        assert_eq!(log["runs"].as_array().map(Vec::len), Some(1));
        let run = &log["runs"][0];
        assert_eq!(run["columnKind"], "utf16CodeUnits");
        assert_eq!(run["tool"]["driver"]["name"], "layerlint");
        assert_eq!(run["tool"]["driver"]["version"], env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn the_rules_with_results_are_listed_from_their_documentation() {
        let log = parse(&sample::report());
        let rules = &log["runs"][0]["tool"]["driver"]["rules"];
        let ids: Vec<&str> = rules
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|rule| rule["id"].as_str())
            .collect();
        assert_eq!(ids, ["DL3009", "LL001", "LL302"]);
        let doc = rules::find("LL302").expect("LL302 is registered");
        let ll302 = &rules[2];
        assert_eq!(ll302["name"], "deleted-in-later-layer");
        assert_eq!(ll302["shortDescription"]["text"], doc.summary);
        assert_eq!(ll302["fullDescription"]["text"], unwrapped(doc.rationale));
        assert_eq!(ll302["help"]["text"], unwrapped(doc.rationale));
        assert_eq!(ll302["help"]["markdown"], doc.rationale.trim_end());
        assert_eq!(ll302["defaultConfiguration"]["level"], "warning");
        assert_eq!(
            ll302["properties"],
            json!({ "category": "layers", "fixApplicability": "safe", "tags": ["layers"] })
        );
        assert_eq!(rules[0]["defaultConfiguration"]["level"], "note");
        assert_eq!(rules[1]["defaultConfiguration"]["level"], "error");
        assert_eq!(rules[1]["properties"].get("fixApplicability"), None);
    }

    #[test]
    fn results_carry_utf16_regions_related_locations_and_applicable_fixes() {
        let log = parse(&sample::report());
        let app = |start_line, start_column, end_line, end_column| {
            json!({
                "artifactLocation": { "uri": "app/Dockerfile" },
                "region": {
                    "startLine": start_line, "startColumn": start_column,
                    "endLine": end_line, "endColumn": end_column
                }
            })
        };
        assert_eq!(
            log["runs"][0]["results"],
            json!([
                {
                    "ruleId": "DL3009",
                    "ruleIndex": 0,
                    "level": "note",
                    "message": { "text": "lists kept" },
                    "locations": [{ "physicalLocation": app(2, 5, 2, 19) }],
                    "properties": { "suggestion": "Remove the lists" }
                },
                {
                    "ruleId": "LL302",
                    "ruleIndex": 2,
                    "level": "warning",
                    "message": { "text": sample::TRICKY_MESSAGE },
                    // The whale before `rm` is two UTF-16 units: column 17, not 16.
                    "locations": [{ "physicalLocation": app(3, 17, 3, 25) }],
                    "relatedLocations": [{
                        "id": 1,
                        "physicalLocation": app(2, 5, 2, 19),
                        "message": { "text": "created \"here\"" }
                    }],
                    "fixes": [{
                        "description": { "text": "Delete in the same RUN" },
                        "artifactChanges": [{
                            "artifactLocation": { "uri": "app/Dockerfile" },
                            "replacements": [
                                {
                                    "deletedRegion": app(2, 5, 2, 19)["region"],
                                    "insertedContent": { "text": "apt-get update && rm -r /x" }
                                },
                                {
                                    "deletedRegion": app(3, 13, 3, 25)["region"],
                                    "insertedContent": { "text": "" }
                                }
                            ]
                        }],
                        "properties": { "applicability": "safe" }
                    }]
                },
                {
                    "ruleId": "LL001",
                    "ruleIndex": 1,
                    "level": "error",
                    "message": { "text": "unknown instruction: RUNN (100%)" },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": "web%20app/a,b%3Ac.Dockerfile" },
                            "region": { "startLine": 2, "startColumn": 1, "endLine": 2, "endColumn": 5 }
                        }
                    }]
                }
            ])
        );
    }

    #[test]
    fn output_is_deterministic_and_ends_with_a_newline() {
        let first = render(&sample::report());
        assert_eq!(first, render(&sample::report()));
        assert!(first.ends_with("}\n"), "{first}");
    }

    #[test]
    fn an_empty_report_still_has_a_run_with_no_results() {
        let log = parse(&Report::default());
        assert_eq!(log["runs"][0]["results"], json!([]));
        assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    }

    #[test]
    fn plain_text_keeps_paragraphs_but_not_hand_wrapping() {
        assert_eq!(
            unwrapped("One long\nsentence.\n\nAnother\n  one.\n"),
            "One long sentence.\n\nAnother one."
        );
    }

    #[test]
    fn names_become_uri_references() {
        assert_eq!(artifact_uri("app/Dockerfile"), "app/Dockerfile");
        assert_eq!(artifact_uri(r"svc\api\Dockerfile"), "svc/api/Dockerfile");
        assert_eq!(artifact_uri("-"), "-");
        assert_eq!(artifact_uri("a:b/é #1%"), "a%3Ab/%C3%A9%20%231%25");
        assert_eq!(
            artifact_uri("/tmp/x y/Dockerfile"),
            "file:///tmp/x%20y/Dockerfile"
        );
        assert_eq!(
            artifact_uri(r"C:\work\Dockerfile"),
            "file:///C:/work/Dockerfile"
        );
    }
}
