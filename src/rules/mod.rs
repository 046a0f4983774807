//! The rules: what each one checks (one file per rule), and the registry that pairs each with
//! its documentation and test vectors in `rules/<CODE>.yaml`.

mod append;
pub(crate) mod buildkit;
mod buildkit_features;
mod caches;
mod commands;
mod declared;
mod dl3009;
mod dl3019;
mod dl3032;
mod dl3036;
mod dl3040;
mod dl3042;
mod dl3059;
mod dl3060;
mod instructions;
mod ll001;
mod ll002;
mod ll003;
mod ll301;
mod ll302;
mod ll303;
mod ll304;
mod ll305;
mod ll306;
mod ll307;
mod ll308;
pub mod merge;
mod origin;
mod packages;
mod registry;
pub mod runs;
mod shell;

pub use registry::{Example, RuleDoc, all, find};

use buildkit_features::buildkit_evidence;

use crate::config::Config;
use crate::diagnostic::{Applicability, Diagnostic, Severity};
use crate::model::Model;
use crate::project::BuildContext;
use crate::span::Span;
use crate::syntax::{Dockerfile, Keyword};

/// One rule. It looks at the whole file (Dockerfiles are small) and reports through `cx`.
pub trait Rule: Sync {
    fn check(&self, cx: &mut Context<'_, '_>);
}

/// What a rule sees, and where its findings go.
pub struct Context<'m, 'a> {
    pub dockerfile: &'a Dockerfile,
    pub model: &'m Model<'a>,
    pub build_context: &'m BuildContext,
    /// The configuration in force, for rules with settings (`trustedRegistries`, `label-schema`).
    pub config: &'m Config,
    doc: &'static RuleDoc,
    severity: Severity,
    found: Vec<Diagnostic>,
    shared: &'m Shared<'m, 'a>,
}

/// What the rules read of a file beyond the model, made when a rule first asks and shared by all
/// rules of the run: each rule making its own would read every `RUN` once per rule.
#[derive(Default)]
pub struct Shared<'m, 'a> {
    runs: std::cell::OnceCell<runs::Runs<'m, 'a>>,
    merger: std::cell::OnceCell<merge::Merger<'m, 'a>>,
    /// Each stage's index of what its steps create and delete.
    creations: std::cell::OnceCell<Vec<std::cell::OnceCell<origin::Creations<'m>>>>,
    /// Each script's simple commands (by its index in `runs`), read when a rule first asks: about
    /// twenty command rules walk every script, and reading them afresh each time was a tenth of
    /// the lint of a file of thousands of `RUN`s.
    commands: std::cell::OnceCell<Vec<std::cell::OnceCell<Vec<runs::Cmd<'m>>>>>,
    /// Where each apt install finds its package lists, followed once for the rules that ask.
    package_index: std::cell::OnceCell<crate::model::package_index::PackageIndex<'m>>,
    newline: std::cell::OnceCell<&'static str>,
    stages: std::cell::OnceCell<Vec<instructions::Stage<'a>>>,
}

impl<'m, 'a> Context<'m, 'a> {
    /// A context whose findings go on the end of `found` (which [`Context::into_findings`] hands
    /// back): the rules of one run fill one vector, rather than each its own that is then copied.
    pub fn new(
        model: &'m Model<'a>,
        build_context: &'m BuildContext,
        config: &'m Config,
        doc: &'static RuleDoc,
        severity: Severity,
        shared: &'m Shared<'m, 'a>,
        found: Vec<Diagnostic>,
    ) -> Self {
        Context {
            dockerfile: model.dockerfile,
            model,
            build_context,
            config,
            doc,
            severity,
            found,
            shared,
        }
    }

    /// Reports a finding of this rule; the returned diagnostic can take labels and a fix.
    pub fn report(&mut self, span: Span, message: impl Into<String>) -> &mut Diagnostic {
        self.found.push(Diagnostic {
            code: self.doc.code,
            name: self.doc.name,
            severity: self.severity,
            span,
            message: message.into(),
            labels: Vec::new(),
            fix: None,
        });
        self.found.last_mut().expect("just pushed")
    }

    pub fn text(&self, span: Span) -> &'a str {
        self.dockerfile.text(span)
    }

    /// 1-based line of a span's start, for messages ("created on line 3").
    /// The first `count` words of the text at `span`, on one line, for quoting a command in a
    /// message (line continuations are not words).
    pub fn first_words(&self, span: Span, count: usize) -> String {
        self.text(span)
            .split_whitespace()
            .filter(|word| *word != "\\" && *word != "`")
            .take(count)
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn line_of(&self, span: Span) -> usize {
        self.dockerfile.line_of(span.start)
    }

    /// Every `RUN` of the file read once for merging, shared by the rules (each building its own
    /// cost a read of every `RUN` per rule). Like [`Context::runs`], the reference does not
    /// borrow the context.
    pub fn merger(&self) -> &'m merge::Merger<'m, 'a> {
        let cell: &'m std::cell::OnceCell<merge::Merger<'m, 'a>> = &self.shared.merger;
        let model = self.model;
        cell.get_or_init(|| merge::Merger::new(model))
    }

    /// Every `RUN` script of the file (fragments and `ONBUILD RUN` triggers included), with the
    /// variables, stage and shell in force, for the command rules. Read once per file and shared
    /// by the rules; the reference does not borrow the context, so a rule reports as it walks.
    pub fn runs(&self) -> &'m runs::Runs<'m, 'a> {
        let cell: &'m std::cell::OnceCell<runs::Runs<'m, 'a>> = &self.shared.runs;
        let (dockerfile, model) = (self.dockerfile, self.model);
        cell.get_or_init(|| runs::Runs::new(dockerfile, &model.scripts))
    }

    /// A stage's index of what its steps create and delete, built once and shared by the rules
    /// that trace a path to its origin (DL3059, LL302, LL303).
    pub fn creations(&self, stage: usize) -> &'m origin::Creations<'m> {
        let shared: &'m Shared<'m, 'a> = self.shared;
        let cells = &shared.creations;
        let model: &'m Model<'a> = self.model;
        let cells = cells.get_or_init(|| {
            model
                .stages
                .iter()
                .map(|_| std::cell::OnceCell::new())
                .collect()
        });
        cells[stage].get_or_init(|| origin::Creations::new(&model.stages[stage]))
    }

    /// The simple commands of `run` (see [`runs::Run::commands`]), read once per file and shared
    /// by the rules. `run` must be one of [`Context::runs`]; any other script is read afresh.
    pub fn commands(&self, run: &'m runs::Run<'m, 'a>) -> std::borrow::Cow<'m, [runs::Cmd<'m>]> {
        let all = self.runs();
        let Some(index) = all.index_of(run) else {
            return std::borrow::Cow::Owned(run.commands());
        };
        let cells = self.shared.commands.get_or_init(|| {
            all.runs
                .iter()
                .map(|_| std::cell::OnceCell::new())
                .collect()
        });
        std::borrow::Cow::Borrowed(cells[index].get_or_init(|| run.commands()))
    }

    /// The model's [`package_index`](Model::package_index), followed once per file and shared
    /// by the rules (the cache rules and LL301 each asked for it, walking every stage again).
    pub fn package_index(&self) -> &'m crate::model::package_index::PackageIndex<'m> {
        let cell: &'m std::cell::OnceCell<crate::model::package_index::PackageIndex<'m>> =
            &self.shared.package_index;
        let model: &'m Model<'a> = self.model;
        cell.get_or_init(|| model.package_index())
    }

    /// The line ending a fix writes ([`crate::syntax::Dockerfile::newline`]). Found once per
    /// file: a search of the whole text per fix is quadratic in a file of thousands.
    pub fn newline(&self) -> &'static str {
        let dockerfile = self.dockerfile;
        self.shared.newline.get_or_init(|| dockerfile.newline())
    }

    /// The file's stages as the instruction rules read them ([`instructions::stages`]), listed
    /// once per file for all of them.
    pub(crate) fn stages(&self) -> &'m [instructions::Stage<'a>] {
        let cell: &'m std::cell::OnceCell<Vec<instructions::Stage<'a>>> = &self.shared.stages;
        let dockerfile = self.dockerfile;
        cell.get_or_init(|| instructions::stages(dockerfile))
    }

    pub fn into_findings(self) -> Vec<Diagnostic> {
        self.found
    }
}

/// The most findings [`check_all`] makes room for before any is found.
const MAX_FINDINGS_RESERVED: usize = 1 << 16;

/// Runs every enabled rule over a parsed file.
pub fn check_all(
    model: &Model<'_>,
    build_context: &BuildContext,
    config: &Config,
    enabled: impl Fn(&RuleDoc) -> Option<Severity>,
) -> Vec<Diagnostic> {
    // Room for about a finding per instruction from the start, so that a file of thousands does
    // not copy its findings into larger and larger lists; past a bound the list grows as needed
    // (a file of a million lines may have few findings).
    let instructions = model.dockerfile.instructions().count();
    let mut findings = Vec::with_capacity(instructions.min(MAX_FINDINGS_RESERVED));
    let shared = Shared::default();
    for (doc, rule) in all() {
        let Some(severity) = enabled(doc) else {
            continue;
        };
        let found = std::mem::take(&mut findings);
        let mut cx = Context::new(model, build_context, config, doc, severity, &shared, found);
        rule.check(&mut cx);
        findings = cx.into_findings();
    }
    buildkit::drop_after_build_error(model.dockerfile, &mut findings);
    buildkit::drop_shared_duplicates(model.dockerfile, &mut findings);
    no_safe_fixes_in_triggers(model.dockerfile, &mut findings);
    findings
}

/// An `ONBUILD` trigger is stored in the image's configuration as written, so any edit to one
/// changes the image this file builds (and what every child build runs): a fix there is at most
/// unsafe, whatever the rule would call it elsewhere.
fn no_safe_fixes_in_triggers(dockerfile: &Dockerfile, findings: &mut [Diagnostic]) {
    let triggers: Vec<Span> = dockerfile
        .instructions()
        .filter(|instruction| instruction.keyword == Keyword::Onbuild)
        .map(|instruction| instruction.lines)
        .collect();
    if triggers.is_empty() {
        return;
    }
    for fix in findings
        .iter_mut()
        .filter_map(|finding| finding.fix.as_mut())
    {
        let touches_trigger = fix.edits.iter().any(|edit| {
            // Overlapping bytes, or an insertion strictly inside the trigger's lines.
            triggers.iter().any(|trigger| {
                edit.span.start < trigger.end
                    && trigger.start < edit.span.end.max(edit.span.start + 1)
                    && !(edit.span.start == edit.span.end && edit.span.start == trigger.start)
            })
        });
        if touches_trigger && fix.applicability == Applicability::Safe {
            fix.applicability = Applicability::Unsafe;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    /// Runs `check` with the model of `source`, an unknown context, the default configuration and
    /// the first rule's documentation.
    fn with_model(
        source: &str,
        check: impl FnOnce(&Model<'_>, &BuildContext, &Config, &'static RuleDoc),
    ) {
        let dockerfile = crate::syntax::parse(source);
        let model = Model::build(&dockerfile);
        let (doc, _) = all().next().expect("rules are registered");
        check(&model, &BuildContext::default(), &Config::default(), doc);
    }

    #[test]
    fn every_rule_reads_the_same_stored_commands_of_a_script() {
        let source = "FROM debian:12\nRUN sudo apt-get install -y curl && cd /x\nONBUILD RUN env A=1 wget u\n";
        with_model(source, |model, context, config, doc| {
            let shared = Shared::default();
            let context_of = || {
                Context::new(
                    model,
                    context,
                    config,
                    doc,
                    Severity::Error,
                    &shared,
                    Vec::new(),
                )
            };
            let (first, second) = (context_of(), context_of());
            let runs = first.runs();
            assert_eq!(runs.runs.len(), 2);
            for run in &runs.runs {
                let (a, b) = (first.commands(run), second.commands(run));
                // Stored once: both contexts hand out the same slice, not copies.
                assert!(matches!((&a, &b), (Cow::Borrowed(_), Cow::Borrowed(_))));
                assert!(std::ptr::eq(a.as_ptr(), b.as_ptr()));
                assert_eq!(names(&a), names(&run.commands()));
            }
            assert_eq!(names(&first.commands(&runs.runs[0])), ["apt-get", "cd"]);
            assert_eq!(names(&first.commands(&runs.runs[1])), ["wget"]);
        });
    }

    fn names(commands: &[runs::Cmd<'_>]) -> Vec<String> {
        commands.iter().map(|c| c.name.to_string()).collect()
    }

    #[test]
    fn the_rules_findings_come_in_rule_order_as_one_list() {
        // Successive rules' findings, each rule's in the order it reported them, appended in turn.
        with_model(
            "FROM debian\nRUN cd /a && cd /b\n",
            |model, context, config, doc| {
                let shared = Shared::default();
                let mut found = Vec::new();
                for (line, message) in [(0, "one"), (1, "two"), (1, "three")] {
                    let mut cx =
                        Context::new(model, context, config, doc, Severity::Info, &shared, found);
                    let span = model
                        .dockerfile
                        .instructions()
                        .nth(line)
                        .expect("two lines")
                        .span;
                    cx.report(span, message);
                    found = cx.into_findings();
                }
                let messages: Vec<&str> = found.iter().map(|d| d.message.as_str()).collect();
                assert_eq!(messages, ["one", "two", "three"]);
            },
        );
    }
}
