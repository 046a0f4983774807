//! Configuration files: `.layerlint.yaml` (or `.yml`), found by walking up from a Dockerfile's
//! directory, and a hadolint user's `.hadolint.yaml` when there is no layerlint config; failing
//! both, hadolint's own search (see [`user_files`]). hadolint's `HADOLINT_*` variables apply on
//! top (see [`environment`]).
//!
//! Keys are hadolint's where they mean the same thing, so a `.hadolint.yaml` works unchanged:
//! `ignored`, `override`, `failure-threshold`, `trustedRegistries`, `label-schema`,
//! `strict-labels`, `disable-ignore-pragma`, `no-fail`, `no-color`, `format`, `verbose`; plus
//! layerlint's `select` and `rules`. An unknown key or a bad value is an error that points at
//! its line in the YAML.

pub mod environment;
pub mod user_files;

use crate::diagnostic::Severity;
use crate::files::{SIDE_FILE_LIMIT, read_regular};
use crate::rules::{self, RuleDoc};
use miette::{NamedSource, SourceSpan};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file names looked for, in order of preference, in each directory.
const LAYERLINT_NAMES: [&str; 2] = [".layerlint.yaml", ".layerlint.yml"];
const HADOLINT_NAMES: [&str; 2] = [".hadolint.yaml", ".hadolint.yml"];

/// A configuration file that could not be used.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path}: {message}")]
pub struct ConfigError {
    pub path: String,
    pub message: String,
    #[source_code]
    pub source_code: NamedSource<String>,
    #[label("here")]
    pub at: Option<SourceSpan>,
}

/// The settings of one configuration file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Config {
    /// Where it was read from (`None` for the defaults).
    pub path: Option<PathBuf>,
    /// Codes or names never reported.
    pub ignored: Vec<String>,
    /// When set, only these codes or names are reported.
    pub select: Option<Vec<String>>,
    /// Severity overrides, by code or name.
    pub overrides: Vec<(String, Severity)>,
    /// `failure-threshold` (`Some(None)` is `none`: never fail on findings).
    pub failure_threshold: Option<Option<Severity>>,
    pub disable_ignore_pragma: bool,
    /// `format`: the default output format, by name.
    pub format: Option<String>,
    pub no_color: bool,
    pub trusted_registries: Vec<String>,
    /// Entries naming hadolint rules layerlint does not have: accepted, and they change nothing.
    pub hadolint_only: Vec<String>,
    /// `label-schema`: label name → the kind of value it must hold.
    pub label_schema: BTreeMap<String, String>,
    /// `strict-labels`: labels outside the schema are reported.
    pub strict_labels: bool,
    /// `shellcheck: false`: ShellCheck is not run on this file's scripts.
    pub no_shellcheck: bool,
}

impl Config {
    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity_of(&self, doc: &RuleDoc) -> Option<Severity> {
        self.severity_if_on(doc, false)
    }

    /// Like [`Config::severity_of`], for a rule that is off by default but that the file itself
    /// turns on (`# check=experimental=…`) when `turned_on`: `ignored` and `select` still apply.
    pub fn severity_if_on(&self, doc: &RuleDoc, turned_on: bool) -> Option<Severity> {
        let named = |entry: &String| names_rule(entry, doc);
        // Ignoring one code of a shared check silences its twin too.
        if self.ignored.iter().any(|entry| doc.is_named_or_twin(entry)) {
            return None;
        }
        if let Some(select) = &self.select {
            if !select.iter().any(named) && !turned_on {
                return None;
            }
        }
        // A rule that is off by default runs once it is named: in `select` (checked above) or
        // with a severity in `override` (how a hadolint config turns on DL3057 or DL1001).
        if doc.default_off
            && !turned_on
            && self.select.is_none()
            && !self
                .overrides
                .iter()
                .any(|(entry, _)| names_rule(entry, doc))
        {
            return None;
        }
        let severity = self
            .overrides
            .iter()
            .rev()
            .find(|(entry, _)| names_rule(entry, doc))
            .map(|(_, s)| *s);
        Some(severity.unwrap_or(doc.severity))
    }
}

impl Config {
    /// The severity of a finding whose code no rule documents (ShellCheck's SC codes), named by
    /// its code or by `name`, or `None` when it is off.
    pub fn severity_of_code(&self, code: &str, name: &str, default: Severity) -> Option<Severity> {
        let named =
            |entry: &String| entry.eq_ignore_ascii_case(code) || entry.eq_ignore_ascii_case(name);
        if self.ignored.iter().any(named) {
            return None;
        }
        if self.select.as_ref().is_some_and(|s| !s.iter().any(named)) {
            return None;
        }
        let severity = self.overrides.iter().rev().find(|(entry, _)| named(entry));
        Some(severity.map_or(default, |(_, s)| *s))
    }
}

/// Whether a config entry (a code, a name, or an alias) names the rule.
pub fn names_rule(entry: &str, doc: &RuleDoc) -> bool {
    doc.is_named(entry)
}

/// The configuration that applies to a Dockerfile in `dir`: the nearest `.layerlint.yaml` up to
/// the repository root (the first directory holding `.git`) or the filesystem root; failing
/// that, the nearest `.hadolint.yaml`.
pub fn discover(dir: &Path) -> Option<PathBuf> {
    let ancestors = crate::files::ancestors(dir);
    for names in [LAYERLINT_NAMES, HADOLINT_NAMES] {
        for ancestor in &ancestors.dirs {
            if let Some(found) = names.iter().map(|n| ancestor.join(n)).find(|p| p.is_file()) {
                return Some(found);
            }
        }
    }
    None
}

/// Reads and checks a configuration file: a regular file (not a FIFO or a device) of at most
/// [`SIDE_FILE_LIMIT`] bytes, in UTF-8.
pub fn load(path: &Path) -> Result<Config, Box<ConfigError>> {
    let unreadable = |reason: String| {
        Box::new(ConfigError {
            path: path.display().to_string(),
            message: format!("cannot read it: {reason}"),
            source_code: NamedSource::new(path.display().to_string(), String::new()),
            at: None,
        })
    };
    let bytes = read_regular(path, SIDE_FILE_LIMIT).map_err(|e| unreadable(e.reason()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        unreadable(format!(
            "it is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let mut config = parse(&path.display().to_string(), &text)?;
    config.path = Some(path.to_path_buf());
    Ok(config)
}

/// The file as written. Every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    ignored: Vec<String>,
    select: Option<Vec<String>>,
    #[serde(rename = "override")]
    overrides: RawOverride,
    failure_threshold: Option<String>,
    /// hadolint takes one registry as a plain string too.
    #[serde(rename = "trustedRegistries")]
    trusted_registries: OneOrMany,
    label_schema: BTreeMap<String, String>,
    strict_labels: bool,
    disable_ignore_pragma: bool,
    no_fail: bool,
    no_color: bool,
    format: Option<String>,
    verbose: bool,
    shellcheck: Option<bool>,
    rules: BTreeMap<String, BTreeMap<String, serde_yaml::Value>>,
}

/// A list, or one entry written alone.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl Default for OneOrMany {
    fn default() -> Self {
        OneOrMany::Many(Vec::new())
    }
}

impl OneOrMany {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMany::One(entry) => vec![entry],
            OneOrMany::Many(entries) => entries,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawOverride {
    error: Vec<String>,
    warning: Vec<String>,
    info: Vec<String>,
    style: Vec<String>,
}

/// Parses and checks configuration text; `name` is used in messages.
pub fn parse(name: &str, text: &str) -> Result<Config, Box<ConfigError>> {
    let error = |message: String, at: Option<usize>, len: usize| {
        let message = crate::report::printable(&message).into_owned();
        if snippet_is_safe(text, at) {
            return Box::new(ConfigError {
                path: name.to_string(),
                message,
                source_code: NamedSource::new(name, text.to_string()),
                at: at.map(|offset| SourceSpan::new(offset.into(), len)),
            });
        }
        // The excerpt would put control characters or a huge line on the terminal: the place
        // goes into the message instead.
        let place = at.map_or_else(String::new, |offset| {
            let position = crate::span::LineIndex::new(text).position(text, offset);
            format!(" (line {}, column {})", position.line, position.column)
        });
        Box::new(ConfigError {
            path: name.to_string(),
            message: format!("{message}{place}"),
            source_code: NamedSource::new(name, String::new()),
            at: None,
        })
    };
    check_nesting(text).map_err(|(line, depth)| {
        error(
            format!(
                "nesting deeper than {depth} levels at line {line}; a configuration is a few levels deep, and deeper YAML is refused before it is parsed"
            ),
            None,
            0,
        )
    })?;
    // An empty file is an empty configuration.
    let raw: RawConfig = if text.trim().is_empty() {
        RawConfig::default()
    } else {
        serde_yaml::from_str(text).map_err(|e| {
            let at = e.location().map(|l| l.index());
            error(plain_serde_message(&e), at, 1)
        })?
    };
    let bad_entry = |value: &str, what: &str| {
        let at = text.find(value);
        error(
            format!(
                "{what} {} names no rule: it is not a layerlint rule's code, name or alias, nor a hadolint rule (`layerlint rules` lists them)",
                quoted(value)
            ),
            at,
            value.len(),
        )
    };
    let lists = raw
        .ignored
        .iter()
        .chain(raw.select.iter().flatten())
        .chain(raw.overrides.all());
    let mut hadolint_only = Vec::new();
    for entry in lists {
        if rules::find(entry).is_some() || is_shellcheck_entry(entry) {
            continue;
        }
        if !is_hadolint_code(entry) {
            return Err(bad_entry(entry, "the entry"));
        }
        if !hadolint_only.contains(entry) {
            hadolint_only.push(entry.clone());
        }
    }
    for (code, options) in &raw.rules {
        if rules::find(code).is_none() {
            return Err(bad_entry(code, "the `rules` key"));
        }
        if let Some(option) = options.keys().next() {
            let at = text.find(option.as_str());
            return Err(error(
                format!("{code} takes no option {option:?}"),
                at,
                option.len(),
            ));
        }
    }
    let failure_threshold = match raw.failure_threshold.as_deref() {
        None => None,
        Some(level) => match threshold(level) {
            Some(threshold) => Some(threshold),
            None => {
                let at = text.find("failure-threshold");
                return Err(error(
                    format!(
                        "failure-threshold must be error, warning, info, style or none, not {level:?}"
                    ),
                    at,
                    "failure-threshold".len(),
                ));
            }
        },
    };
    let _ = raw.verbose;
    Ok(Config {
        path: None,
        ignored: raw.ignored,
        select: raw.select,
        overrides: raw.overrides.pairs(),
        failure_threshold: if raw.no_fail {
            Some(None)
        } else {
            failure_threshold
        },
        disable_ignore_pragma: raw.disable_ignore_pragma,
        format: raw.format,
        no_color: raw.no_color,
        trusted_registries: raw.trusted_registries.into_vec(),
        hadolint_only,
        label_schema: raw.label_schema,
        strict_labels: raw.strict_labels,
        no_shellcheck: raw.shellcheck == Some(false),
    })
}

/// A `failure-threshold` value: a severity, or `none` (never fail on findings).
fn threshold(level: &str) -> Option<Option<Severity>> {
    match level {
        "none" => Some(None),
        level => Severity::parse(level).map(Some),
    }
}

impl RawOverride {
    fn all(&self) -> impl Iterator<Item = &String> {
        self.error
            .iter()
            .chain(&self.warning)
            .chain(&self.info)
            .chain(&self.style)
    }

    fn pairs(&self) -> Vec<(String, Severity)> {
        let mut pairs = Vec::new();
        for (list, severity) in [
            (&self.style, Severity::Style),
            (&self.info, Severity::Info),
            (&self.warning, Severity::Warning),
            (&self.error, Severity::Error),
        ] {
            pairs.extend(list.iter().map(|entry| (entry.clone(), severity)));
        }
        pairs
    }
}

/// Whether `entry` is the code of a rule hadolint has (a DL rule of hadolint 2.x, or a
/// ShellCheck SC code, which hadolint reports): a hadolint config names them, and must keep
/// working, though layerlint may have no such rule. Anything else that looks like a code (`LL999`,
/// `DL9999`) is a typo worth stopping for.
pub fn is_hadolint_code(entry: &str) -> bool {
    let number = |prefix: &str| {
        let upper = entry.to_ascii_uppercase();
        let digits = upper.strip_prefix(prefix)?;
        (digits.len() == 4 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse::<u32>().ok())
            .flatten()
    };
    match (number("DL"), number("SC")) {
        (Some(n), _) => matches!(n, 1000..=1001 | 3000..=3070 | 4000..=4006),
        (_, Some(n)) => (1000..=3999).contains(&n),
        _ => false,
    }
}

/// Whether `entry` names ShellCheck findings, which layerlint reports when ShellCheck is
/// installed: an SC code or `shellcheck` (all of them).
pub fn is_shellcheck_entry(entry: &str) -> bool {
    entry.eq_ignore_ascii_case(crate::shellcheck::NAME) || crate::shellcheck::is_code(entry)
}

/// `value` in quotes for a message, its first 60 characters when it is longer.
fn quoted(value: &str) -> String {
    const LONGEST: usize = 60;
    if value.chars().count() <= LONGEST {
        return format!("{value:?}");
    }
    let head: String = value.chars().take(LONGEST).collect();
    format!("{head:?}…")
}

/// Whether the text around `at` can be shown as it is: no character a terminal would obey, and
/// no line too long to print.
fn snippet_is_safe(text: &str, at: Option<usize>) -> bool {
    const LONGEST: usize = 400;
    let Some(at) = at.filter(|&at| at <= text.len() && text.is_char_boundary(at)) else {
        return true;
    };
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    // miette shows a line or two on each side, so the whole text is checked for controls.
    end - start <= LONGEST
        && !text
            .chars()
            .any(|c| c != '\r' && crate::report::printable::is_unprintable(c))
}

/// The deepest YAML nesting layerlint parses: its own configuration is three levels deep, and
/// the YAML parser takes time that grows fast with depth.
const MAX_NESTING: usize = 64;

/// Refuses text nested deeper than [`MAX_NESTING`], found by a scan much cheaper than parsing:
/// flow brackets (`[`, `{`) outside quotes and comments, plus on each line the open block
/// indentation levels and the `- ` entries that start it. Returns the line and the limit.
pub(crate) fn check_nesting(text: &str) -> Result<(), (usize, usize)> {
    let mut flow = 0usize;
    let mut indents: Vec<usize> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let too_deep = Err((index + 1, MAX_NESTING));
        if flow == 0 {
            let content = line.trim_start_matches(' ');
            if !content.is_empty() && !content.starts_with('#') {
                let indent = line.len() - content.len();
                while indents.last().is_some_and(|&open| open >= indent) {
                    indents.pop();
                }
                indents.push(indent);
                let mut dashes = 0;
                let mut rest = content;
                while let Some(after) = rest.strip_prefix("- ").or(rest.strip_prefix("-\t")) {
                    dashes += 1;
                    rest = after.trim_start();
                }
                if indents.len() + dashes > MAX_NESTING {
                    return too_deep;
                }
            }
        }
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some(q), _) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '#') if previous == ' ' || previous == '\t' => break,
                (None, '"' | '\'') if matches!(previous, ' ' | '\t' | '[' | '{' | ',' | ':') => {
                    quote = Some(c)
                }
                (None, '[' | '{') => {
                    flow += 1;
                    if flow + indents.len() > MAX_NESTING {
                        return too_deep;
                    }
                }
                (None, ']' | '}') => flow = flow.saturating_sub(1),
                _ => {}
            }
            previous = c;
        }
    }
    Ok(())
}

/// serde_yaml appends "at line L column C" to its messages; miette shows the place itself.
fn plain_serde_message(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(code: &str) -> &'static RuleDoc {
        rules::find(code).expect("known rule")
    }

    #[test]
    fn hadolint_config_keys_work_unchanged() {
        let text = "failure-threshold: warning\nignored:\n  - DL3008\n  - LL305\noverride:\n  error:\n    - DL3009\ntrustedRegistries:\n  - docker.io\nlabel-schema:\n  author: text\nstrict-labels: true\nno-color: true\n";
        let config = parse(".hadolint.yaml", text).expect("valid");
        assert_eq!(config.failure_threshold, Some(Some(Severity::Warning)));
        assert_eq!(config.severity_of(doc("LL305")), None);
        assert_eq!(config.severity_of(doc("DL3009")), Some(Severity::Error));
        assert_eq!(config.severity_of(doc("LL302")), Some(Severity::Warning));
        assert!(config.no_color);
    }

    #[test]
    fn select_names_and_no_fail() {
        let config = parse(
            "c",
            "select: [deleted-in-later-layer, LL303]\nno-fail: true\n",
        )
        .expect("valid");
        assert!(config.severity_of(doc("LL302")).is_some());
        assert!(config.severity_of(doc("LL303")).is_some());
        assert_eq!(config.severity_of(doc("DL3009")), None);
        assert_eq!(config.failure_threshold, Some(None));
    }

    #[test]
    fn unknown_keys_and_bad_values_point_at_their_line() {
        let text = "ignored: [LL302]\nfailur-threshold: error\n";
        let err = parse("c.yaml", text).expect_err("unknown key");
        assert!(
            err.message.contains("unknown field `failur-threshold`"),
            "{}",
            err.message
        );
        let at = err.at.expect("located").offset();
        assert_eq!(text[..at].matches('\n').count() + 1, 2);

        let err = parse("c.yaml", "failure-threshold: loud\n").expect_err("bad level");
        assert!(err.message.contains("\"loud\""));
        let err = parse("c.yaml", "ignored:\n  - not a rule\n").expect_err("bad entry");
        assert_eq!(err.at.map(|s| s.offset()), Some(13));
        let err = parse("c.yaml", "override:\n  loud: [LL302]\n").expect_err("bad severity key");
        assert!(err.message.contains("loud"));
        let err = parse("c.yaml", "rules:\n  LL302:\n    depth: 3\n").expect_err("no options");
        assert!(err.message.contains("depth"));
    }

    #[test]
    fn codes_that_exist_nowhere_are_errors_and_hadolint_codes_are_noted() {
        let err = parse("c.yaml", "ignored: [NOPE999]\n").expect_err("no such rule");
        assert!(
            err.message.contains("\"NOPE999\" names no rule"),
            "{}",
            err.message
        );
        assert!(parse("c.yaml", "select: [LL999]\n").is_err());
        assert!(parse("c.yaml", "ignored: [DL9999]\n").is_err());
        assert!(parse("c.yaml", "ignored: [SC9999]\n").is_err());
    }

    #[test]
    fn shellcheck_codes_are_configured_like_rules() {
        let text = "ignored: [SC2154, sc2035, LL302]\noverride:\n  error: [SC2086]\n";
        let config = parse("c.yaml", text).expect("valid");
        // Not hadolint-only: they change what is reported.
        assert!(config.hadolint_only.is_empty());
        assert!(!config.no_shellcheck);
        let of = |code| config.severity_of_code(code, "shellcheck", Severity::Info);
        assert_eq!(of("SC2154"), None);
        assert_eq!(of("SC2035"), None);
        assert_eq!(of("SC2086"), Some(Severity::Error));
        assert_eq!(of("SC2046"), Some(Severity::Info));
        let all_off = parse("c.yaml", "ignored: [shellcheck]\n").expect("valid");
        assert_eq!(
            all_off.severity_of_code("SC2046", "shellcheck", Severity::Info),
            None
        );
        assert!(
            parse("c.yaml", "shellcheck: false\n")
                .expect("valid")
                .no_shellcheck
        );
    }

    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let started = std::time::Instant::now();
        let flow = format!("ignored: {}", "[".repeat(200_000));
        let err = parse("c.yaml", &flow).expect_err("too deep");
        assert!(
            err.message
                .contains("nesting deeper than 64 levels at line 1"),
            "{}",
            err.message
        );
        let mut block = String::from("ignored:\n");
        for depth in 1..100 {
            block.push_str(&format!("{}- x\n", " ".repeat(depth)));
            block.push_str(&format!("{}- \n", " ".repeat(depth)));
        }
        assert!(parse("c.yaml", &block).is_err());
        let dashes = format!("ignored:\n  {}x\n", "- ".repeat(100));
        assert!(parse("c.yaml", &dashes).is_err());
        assert!(started.elapsed().as_secs() < 5);
        // Brackets in quotes and comments are not nesting.
        let quoted = format!("ignored: [\"{}\"] # {}\n", "[".repeat(100), "{".repeat(100));
        assert!(parse("c.yaml", &quoted).is_err_and(|e| !e.message.contains("nesting")));
        assert!(
            parse("c.yaml", "ignored: [LL302, [LL303]]\n")
                .is_err_and(|e| !e.message.contains("nesting"))
        );
    }

    #[test]
    fn an_error_never_echoes_control_characters_or_huge_lines() {
        let err = parse("c.yaml", "ignored: [LL302]\nfa\x1b[2Jil: 1\n").expect_err("bad");
        assert!(err.at.is_none() && err.source_code.inner().is_empty());
        assert!(!err.message.contains('\x1b'), "{}", err.message);
        let long = format!("ignored: [{}]\n", "X".repeat(5000));
        let err = parse("c.yaml", &long).expect_err("bad");
        assert!(err.at.is_none(), "{}", err.message);
        assert!(
            err.message.contains("(line 1, column 11)"),
            "{}",
            err.message
        );
        assert!(err.message.len() < 400, "{}", err.message);
    }

    #[test]
    fn rules_off_by_default_run_once_named() {
        assert_eq!(Config::default().severity_of(doc("DL3057")), None);
        let config = parse("c", "override:\n  info: [DL3057]\n").expect("valid");
        assert_eq!(config.severity_of(doc("DL3057")), Some(Severity::Info));
        assert_eq!(config.severity_of(doc("DL1001")), None);
        let config = parse("c", "select: [inline-ignore-pragma]\n").expect("valid");
        assert_eq!(config.severity_of(doc("DL1001")), Some(Severity::Info));
        let config =
            parse("c", "ignored: [DL3057]\noverride:\n  error: [DL3057]\n").expect("valid");
        assert_eq!(config.severity_of(doc("DL3057")), None);
    }

    #[test]
    fn one_trusted_registry_may_be_a_plain_string() {
        let config = parse("c", "trustedRegistries: my.registry:5000\n").expect("valid");
        assert_eq!(config.trusted_registries, ["my.registry:5000"]);
        let config = parse("c", "trustedRegistries: [a.io, b.io]\n").expect("valid");
        assert_eq!(config.trusted_registries, ["a.io", "b.io"]);
    }

    #[test]
    fn empty_file_is_the_defaults() {
        assert_eq!(parse("c", "").expect("empty is fine"), Config::default());
    }

    #[test]
    fn discovery_prefers_layerlint_and_stops_at_the_repository_root() {
        let root = std::env::temp_dir().join(format!("layerlint-config-{}", std::process::id()));
        let nested = root.join("repo/services/api");
        std::fs::create_dir_all(&nested).expect("dirs");
        std::fs::create_dir_all(root.join("repo/.git")).expect("git dir");
        std::fs::write(root.join(".layerlint.yaml"), "").expect("outside the repo");
        assert_eq!(discover(&nested), None);
        std::fs::write(root.join("repo/.hadolint.yaml"), "").expect("hadolint");
        assert_eq!(
            discover(&nested).and_then(|p| p.file_name().map(|n| n.to_owned())),
            Some(".hadolint.yaml".into())
        );
        std::fs::write(root.join("repo/services/.layerlint.yml"), "").expect("layerlint");
        assert_eq!(
            discover(&nested).and_then(|p| p.file_name().map(|n| n.to_owned())),
            Some(".layerlint.yml".into())
        );
        let _ = std::fs::remove_dir_all(&root);
    }
}
