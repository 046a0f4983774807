//! Each rule's code paired with its implementation and its YAML (compiled in, so a missing YAML
//! is a build error and `layerlint rule CODE` prints documentation that ships with the code).

use super::Rule;
use crate::diagnostic::{Applicability, Severity};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, OnceLock};

/// A rule's documentation and defaults, as written in `rules/<CODE>.yaml`. The test vectors
/// (`examples`, the file's last key and most of its text) are read only when asked for: linting
/// needs none of them, and parsing them all would dominate a small file's run.
#[derive(Debug)]
pub struct RuleDoc {
    pub code: &'static str,
    pub name: &'static str,
    /// `layers`, `cache`, `packages` or `syntax`.
    pub category: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub rationale: &'static str,
    pub aliases: &'static [&'static str],
    /// Codes of rules that check the same thing under another name (a BuildKit check and its
    /// hadolint twin, both ways): an entry in `ignored`, a pragma or a `# check=skip=` naming
    /// either silences both, and when both find the same line one finding is kept.
    pub shares: Vec<&'static str>,
    /// The best applicability of this rule's fixes; absent when it offers no rewrite.
    pub fix: Option<Applicability>,
    /// `default: off` in the YAML: the rule runs only when a config or `--select` names it
    /// (hadolint's severity `ignore`, e.g. DL3057 and DL1001).
    pub default_off: bool,
    /// The YAML from `examples:` on, parsed on first use.
    examples_yaml: &'static str,
    examples: OnceLock<Examples>,
}

/// The `examples` key alone, parsed from the tail of the YAML.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExamplesOnly {
    examples: Examples,
}

impl RuleDoc {
    /// The rule's test vectors.
    pub fn examples(&self) -> &Examples {
        self.examples.get_or_init(|| {
            let parsed: ExamplesOnly = serde_yaml::from_str(self.examples_yaml)
                .unwrap_or_else(|e| panic!("rules/{}.yaml has invalid examples: {e}", self.code));
            parsed.examples
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    pub bad: Vec<Example>,
    pub good: Vec<Example>,
}

/// One test vector: a Dockerfile, the lines the rule must report (bad examples), optionally the
/// file after fixing, and optionally files of the build context.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    #[serde(default)]
    pub title: Option<String>,
    pub dockerfile: String,
    #[serde(default)]
    pub lines: Vec<usize>,
    #[serde(default)]
    pub fixed: Option<String>,
    #[serde(default)]
    pub context: Option<BTreeMap<String, String>>,
    /// A configuration file's text (`.layerlint.yaml` keys) the example is linted with, for
    /// rules with settings such as `trustedRegistries`.
    #[serde(default)]
    pub config: Option<String>,
}

/// Declares the rules: `CODE => implementation`. The YAML is read from `rules/CODE.yaml`.
macro_rules! registry {
    ($($code:literal => $rule:expr),* $(,)?) => {
        const RULES: &[(&str, &str, &dyn Rule)] = &[
            $(($code, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".yaml")), &$rule)),*
        ];
    };
}

registry! {
    "LL001" => super::ll001::SyntaxError,
    "LL002" => super::ll002::UnusedSuppression,
    "LL003" => super::ll003::InvalidUtf8,
    "DL1001" => super::instructions::dl1001::InlineIgnorePragma,
    "DL3000" => super::instructions::dl3000::WorkdirRelative,
    "DL3002" => super::instructions::dl3002::LastUserRoot,
    "DL3006" => super::instructions::dl3006::UntaggedImage,
    "DL3007" => super::instructions::dl3007::LatestTag,
    "DL3009" => super::dl3009::AptListsLeft,
    "DL3011" => super::instructions::dl3011::InvalidPort,
    "DL3012" => super::instructions::dl3012::MultipleHealthchecks,
    "DL3019" => super::dl3019::ApkCacheLeft,
    "DL3020" => super::instructions::dl3020::AddInsteadOfCopy,
    "DL3021" => super::instructions::dl3021::CopyDestinationNotDirectory,
    "DL3022" => super::instructions::dl3022::CopyFromUnknownStage,
    "DL3023" => super::instructions::dl3023::CopyFromOwnStage,
    "DL3024" => super::instructions::dl3024::DuplicateStageName,
    "DL3025" => super::instructions::dl3025::ShellFormCommand,
    "DL3026" => super::instructions::dl3026::UntrustedRegistry,
    "DL3029" => super::instructions::dl3029::FromPlatform,
    "DL3032" => super::dl3032::YumCacheLeft,
    "DL3036" => super::dl3036::ZypperCacheLeft,
    "DL3040" => super::dl3040::DnfCacheLeft,
    "DL3042" => super::dl3042::PipCacheLeft,
    "DL3043" => super::instructions::dl3043::OnbuildForbiddenTrigger,
    "DL3044" => super::instructions::dl3044::EnvSelfReference,
    "DL3045" => super::instructions::dl3045::CopyRelativeWithoutWorkdir,
    "DL3048" => super::instructions::dl3048::InvalidLabelKey,
    "DL3049" => super::instructions::dl3049::LabelMissing,
    "DL3050" => super::instructions::dl3050::LabelSuperfluous,
    "DL3051" => super::instructions::dl3051::LabelEmpty,
    "DL3052" => super::instructions::dl3052::LabelNotUrl,
    "DL3053" => super::instructions::dl3053::LabelNotRfc3339,
    "DL3054" => super::instructions::dl3054::LabelNotSpdx,
    "DL3055" => super::instructions::dl3055::LabelNotGitHash,
    "DL3056" => super::instructions::dl3056::LabelNotSemver,
    "DL3057" => super::instructions::dl3057::HealthcheckMissing,
    "DL3058" => super::instructions::dl3058::LabelNotEmail,
    "DL3059" => super::dl3059::ConsecutiveRun,
    "DL3060" => super::dl3060::YarnCacheLeft,
    "DL3001" => super::shell::dl3001::PointlessCommand,
    "DL3003" => super::shell::dl3003::CdInRun,
    "DL3004" => super::shell::dl3004::SudoInRun,
    "DL3008" => super::packages::dl3008::AptVersionUnpinned,
    "DL3010" => super::shell::dl3010::CopiedArchiveExtracted,
    "DL3013" => super::packages::dl3013::PipVersionUnpinned,
    "DL3014" => super::packages::dl3014::AptGetWithoutYes,
    "DL3015" => super::packages::dl3015::AptRecommendsInstalled,
    "DL3016" => super::packages::dl3016::NpmVersionUnpinned,
    "DL3018" => super::packages::dl3018::ApkVersionUnpinned,
    "DL3027" => super::packages::dl3027::AptInScript,
    "DL3028" => super::packages::dl3028::GemVersionUnpinned,
    "DL3030" => super::packages::dl3030::YumWithoutYes,
    "DL3033" => super::packages::dl3033::YumVersionUnpinned,
    "DL3034" => super::packages::dl3034::ZypperWithoutNonInteractive,
    "DL3035" => super::packages::dl3035::ZypperDistUpgrade,
    "DL3037" => super::packages::dl3037::ZypperVersionUnpinned,
    "DL3038" => super::packages::dl3038::DnfWithoutYes,
    "DL3041" => super::packages::dl3041::DnfVersionUnpinned,
    "DL3046" => super::shell::dl3046::UseraddHighUid,
    "DL3047" => super::shell::dl3047::WgetProgressBar,
    "DL3062" => super::packages::dl3062::GoVersionUnpinned,
    "DL4001" => super::shell::dl4001::WgetAndCurl,
    "DL4006" => super::shell::dl4006::PipeWithoutPipefail,
    "DL3061" => super::instructions::dl3061::InstructionBeforeFrom,
    "DL3063" => super::instructions::dl3063::ReservedStageName,
    "DL3064" => super::instructions::dl3064::SensitiveBuildVariable,
    "DL3065" => super::instructions::dl3065::RedundantTargetPlatform,
    "DL3066" => super::instructions::dl3066::NonNumericUser,
    "DL3067" => super::instructions::dl3067::CopyWholeFilesystem,
    "DL4000" => super::instructions::dl4000::MaintainerDeprecated,
    "DL4003" => super::instructions::dl4003::MultipleCmd,
    "DL4004" => super::instructions::dl4004::MultipleEntrypoint,
    "DL4005" => super::instructions::dl4005::LnBinSh,
    "LL301" => super::ll301::UpdateInSeparateLayer,
    "LL302" => super::ll302::DeletedInLaterLayer,
    "LL303" => super::ll303::PermissionChangeCopiesFiles,
    "LL304" => super::ll304::CopyBustsDependencyCache,
    "LL305" => super::ll305::VolatileArgBustsCache,
    "LL306" => super::ll306::ContextCopyWithoutDockerignore,
    "LL307" => super::ll307::PreferCacheMount,
    "LL308" => super::ll308::BuildToolsInFinalStage,
    "ConsistentInstructionCasing" => super::buildkit::consistent_instruction_casing::ConsistentInstructionCasing,
    "CopyIgnoredFile" => super::buildkit::copy_ignored_file::CopyIgnoredFile,
    "DuplicateStageName" => super::buildkit::duplicate_stage_name::DuplicateStageName,
    "ExposeInvalidFormat" => super::buildkit::expose_invalid_format::ExposeInvalidFormat,
    "ExposeProtoCasing" => super::buildkit::expose_proto_casing::ExposeProtoCasing,
    "FromAsCasing" => super::buildkit::from_as_casing::FromAsCasing,
    "FromPlatformFlagConstDisallowed" => super::buildkit::from_platform_flag_const_disallowed::FromPlatformFlagConstDisallowed,
    "InvalidBaseImagePlatform" => super::buildkit::invalid_base_image_platform::InvalidBaseImagePlatform,
    "InvalidDefaultArgInFrom" => super::buildkit::invalid_default_arg_in_from::InvalidDefaultArgInFrom,
    "InvalidDefinitionDescription" => super::buildkit::invalid_definition_description::InvalidDefinitionDescription,
    "JSONArgsRecommended" => super::buildkit::json_args_recommended::JsonArgsRecommended,
    "LegacyKeyValueFormat" => super::buildkit::legacy_key_value_format::LegacyKeyValueFormat,
    "MaintainerDeprecated" => super::buildkit::maintainer_deprecated::MaintainerDeprecated,
    "MultipleInstructionsDisallowed" => super::buildkit::multiple_instructions_disallowed::MultipleInstructionsDisallowed,
    "NoEmptyContinuation" => super::buildkit::no_empty_continuation::NoEmptyContinuation,
    "RedundantTargetPlatform" => super::buildkit::redundant_target_platform::RedundantTargetPlatform,
    "ReservedStageName" => super::buildkit::reserved_stage_name::ReservedStageName,
    "SecretsUsedInArgOrEnv" => super::buildkit::secrets_used_in_arg_or_env::SecretsUsedInArgOrEnv,
    "StageNameCasing" => super::buildkit::stage_name_casing::StageNameCasing,
    "UndefinedArgInFrom" => super::buildkit::undefined_arg_in_from::UndefinedArgInFrom,
    "UndefinedVar" => super::buildkit::undefined_var::UndefinedVar,
    "WorkdirRelativePath" => super::buildkit::workdir_relative_path::WorkdirRelativePath,
}

/// A rule header as build.rs writes it from the YAML.
pub(crate) struct Header {
    code: &'static str,
    name: &'static str,
    category: &'static str,
    severity: &'static str,
    summary: &'static str,
    rationale: &'static str,
    aliases: &'static [&'static str],
    shares: &'static [&'static str],
    fix: Option<&'static str>,
    default_off: bool,
    /// The byte where `examples:` starts in the YAML.
    examples_at: usize,
}

include!(concat!(env!("OUT_DIR"), "/rule_headers.rs"));

static REGISTRY: LazyLock<Vec<(RuleDoc, &'static dyn Rule)>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|(code, yaml, rule)| {
            // build.rs writes the headers in the order of their file names, the codes' order.
            let header = HEADERS
                .binary_search_by(|h| h.code.cmp(code))
                .map(|at| &HEADERS[at])
                .unwrap_or_else(|_| panic!("rules/{code}.yaml names another code"));
            let mut doc = RuleDoc::from_header(header, &yaml[header.examples_at..]);
            // `shares` is written on one side (the BuildKit check): the twin learns it here.
            doc.shares.extend(
                HEADERS
                    .iter()
                    .filter(|other| other.shares.contains(code))
                    .map(|other| other.code),
            );
            (doc, *rule)
        })
        .collect()
});

impl RuleDoc {
    fn from_header(header: &Header, examples_yaml: &'static str) -> RuleDoc {
        RuleDoc {
            code: header.code,
            name: header.name,
            category: header.category,
            severity: Severity::parse(header.severity)
                .unwrap_or_else(|| panic!("{}: bad severity {:?}", header.code, header.severity)),
            summary: header.summary,
            rationale: header.rationale,
            aliases: header.aliases,
            shares: header.shares.to_vec(),
            fix: header.fix.map(|fix| match fix {
                "safe" => Applicability::Safe,
                "unsafe" => Applicability::Unsafe,
                "display-only" => Applicability::DisplayOnly,
                other => panic!("{}: bad fix {other:?}", header.code),
            }),
            default_off: header.default_off,
            examples_yaml,
            examples: OnceLock::new(),
        }
    }
}

/// Every rule with its documentation, in code order.
pub fn all() -> impl Iterator<Item = (&'static RuleDoc, &'static dyn Rule)> {
    REGISTRY.iter().map(|(doc, rule)| (doc, *rule))
}

/// A rule by code or name (either case), or by one of its aliases.
pub fn find(code_or_name: &str) -> Option<&'static RuleDoc> {
    // Findings name their rule by its exact code, and the report looks each one up: a table of
    // the codes answers those without comparing against every rule. A code names its own rule
    // and no other (`a_code_finds_its_own_rule`).
    static BY_CODE: LazyLock<HashMap<&'static str, &'static RuleDoc>> =
        LazyLock::new(|| REGISTRY.iter().map(|(doc, _)| (doc.code, doc)).collect());
    match BY_CODE.get(code_or_name) {
        Some(doc) => Some(doc),
        None => search(code_or_name),
    }
}

/// [`find`] by comparing with every rule.
fn search(code_or_name: &str) -> Option<&'static RuleDoc> {
    REGISTRY.iter().map(|(doc, _)| doc).find(|doc| {
        doc.code.eq_ignore_ascii_case(code_or_name)
            || doc.name.eq_ignore_ascii_case(code_or_name)
            || doc
                .aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(code_or_name))
    })
}

impl RuleDoc {
    /// Whether `entry` is this rule's code, name or alias (any case).
    pub fn is_named(&self, entry: &str) -> bool {
        entry.eq_ignore_ascii_case(self.code)
            || entry.eq_ignore_ascii_case(self.name)
            || self.aliases.iter().any(|a| a.eq_ignore_ascii_case(entry))
    }

    /// Whether `entry` names this rule or a rule it shares its check with: what silences it
    /// (`ignored`, pragmas, `# check=skip=`). Selecting stays exact, so `select:
    /// [JSONArgsRecommended]` gives BuildKit's behaviour and `select: [DL3025]` hadolint's.
    pub fn is_named_or_twin(&self, entry: &str) -> bool {
        self.is_named(entry)
            || self.shares.iter().any(|code| {
                entry.eq_ignore_ascii_case(code)
                    || find_exact(code).is_some_and(|twin| twin.is_named(entry))
            })
    }
}

/// The rule whose code is exactly `code`.
fn find_exact(code: &str) -> Option<&'static RuleDoc> {
    REGISTRY
        .iter()
        .map(|(doc, _)| doc)
        .find(|doc| doc.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The table behind [`find`] maps each code to its rule directly: that holds only while no
    /// rule's name or alias spells another rule's code.
    #[test]
    fn a_code_finds_its_own_rule() {
        for (doc, _) in all() {
            let found = search(doc.code).expect("a code finds a rule");
            assert!(
                std::ptr::eq(found, doc),
                "{} finds {}",
                doc.code,
                found.code
            );
        }
    }

    /// build.rs cuts each YAML where its examples start; the examples parse from there.
    #[test]
    fn every_rule_has_its_examples_from_the_cut() {
        for (doc, _) in all() {
            assert!(doc.examples_yaml.starts_with("examples:"), "{}", doc.code);
        }
    }
}
