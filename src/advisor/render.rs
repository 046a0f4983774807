//! The plan as text: a table for a terminal, Markdown for a pull request or a CI summary, and
//! JSON for programs (schema in docs/layers-json.md; version 1).

use super::cache::{Builder, Verdict};
use super::plan::{Plan, StagePlan, StageRebuild, StepKind, StepPlan};
use serde::Serialize;
use std::fmt::Write;

/// What the rendering needs besides the plan.
pub struct Header<'a> {
    /// The Dockerfile as named on the command line.
    pub file: &'a str,
    /// The build context directory, when there is one.
    pub context: Option<&'a str>,
    /// With a simulation: the changed paths and build arguments, and whose rules.
    pub simulation: Option<Simulated<'a>>,
    /// The compose service or bake target whose build this is, when one names the file.
    pub build: Option<Built<'a>>,
}

/// A build a compose or bake file declares: who declares it, and the arguments and target it
/// passes (the context is [`Header::context`]).
#[derive(Clone, Copy, Serialize)]
pub struct Built<'a> {
    pub via: &'a str,
    pub args: &'a std::collections::BTreeMap<String, String>,
    pub target: Option<&'a str>,
}

#[derive(Clone, Copy, Serialize)]
pub struct Simulated<'a> {
    pub builder: Builder,
    pub changed: &'a [String],
    pub build_args: &'a [(String, String)],
}

/// The JSON document.
pub fn json(plan: &Plan, header: &Header<'_>) -> String {
    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        file: &'a str,
        context: Option<&'a str>,
        target: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        build: Option<Built<'a>>,
        #[serde(skip_serializing_if = "Option::is_none")]
        simulation: Option<SimulationJson<'a>>,
        stages: &'a [StagePlan],
    }
    #[derive(Serialize)]
    struct SimulationJson<'a> {
        builder: Builder,
        changed: &'a [String],
        build_args: std::collections::BTreeMap<&'a str, &'a str>,
    }
    let document = Document {
        version: 1,
        file: header.file,
        context: header.context,
        target: plan.target,
        build: header.build,
        simulation: header.simulation.map(|s| SimulationJson {
            builder: s.builder,
            changed: s.changed,
            build_args: s
                .build_args
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect(),
        }),
        stages: &plan.stages,
    };
    // Serialising plain data cannot fail.
    serde_json::to_string_pretty(&document).unwrap_or_default() + "\n"
}

/// One row's cells, shared by the table and the Markdown.
struct Cells {
    line: String,
    step: String,
    kind: String,
    does: String,
    reads: String,
    findings: String,
    cache: String,
}

/// The table's column titles, in the order of [`Cells::into_array`].
const TITLES: [&str; 7] = [
    "LINE",
    "STEP",
    "KIND",
    "DOES",
    "CACHE KEY READS",
    "FINDINGS",
    "CACHE",
];
const FINDINGS: usize = 5;
const CACHE: usize = 6;

impl Cells {
    fn into_array(self) -> [String; 7] {
        [
            self.line,
            self.step,
            self.kind,
            self.does,
            self.reads,
            self.findings,
            self.cache,
        ]
    }
}

fn cells(row: &StepPlan) -> Cells {
    let mut does: Vec<String> = Vec::new();
    does.extend(row.sets.iter().cloned());
    let list = |label: &str, paths: &[String]| -> Option<String> {
        (!paths.is_empty()).then(|| format!("{label} {}", short_list(paths, 3)))
    };
    does.extend(list("+", &row.adds));
    does.extend(list("-", &row.deletes));
    does.extend(list("~", &row.changes));
    if !row.caches.is_empty() {
        does.push(format!("cache {}", short_list(&row.caches, 2)));
    }
    if row.unknown {
        does.push("unknown (part of it cannot be read)".into());
    }
    if row.kind == StepKind::Layer && does.is_empty() {
        does.push("nothing the model can name".into());
    }
    let inputs = &row.inputs;
    let mut reads: Vec<String> = Vec::new();
    if row.instruction == "RUN" {
        reads.push("the command".into());
    }
    for read in &inputs.context {
        let what = if read.mount { "mount" } else { "context" };
        let count = match (&read.files, read.truncated) {
            (Some(files), false) if files.len() == 1 => " (1 file)".to_string(),
            (Some(files), false) => format!(" ({} files)", files.len()),
            (Some(files), true) => format!(" ({}+ files)", files.len()),
            (None, _) => String::new(),
        };
        reads.push(format!("{what} {}{count}", read.source));
    }
    reads.extend(inputs.stages.iter().map(|s| format!("from {s}")));
    reads.extend(inputs.remote.iter().map(|u| format!("url {u}")));
    if !inputs.args.is_empty() {
        reads.push(format!("ARG {}", short_list(&inputs.args, 4)));
    }
    if !inputs.env.is_empty() {
        reads.push(format!("ENV {}", short_list(&inputs.env, 4)));
    }
    if !inputs.heredocs.is_empty() {
        reads.push(format!("heredoc {}", inputs.heredocs.join(", ")));
    }
    Cells {
        line: row.line.to_string(),
        step: format!("{} {}", row.instruction, row.text),
        kind: match row.kind {
            StepKind::Layer => "layer".into(),
            StepKind::Config => "config".into(),
        },
        does: does.join("; "),
        reads: reads.join("; "),
        findings: row.findings.join(" "),
        cache: row.cache.as_ref().map(verdict_text).unwrap_or_default(),
    }
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::NotBuilt => "not built".into(),
        Verdict::Cached => "cached".into(),
        Verdict::Rebuilds {
            cause: Some(cause), ..
        } => format!("REBUILDS: {cause}"),
        Verdict::Rebuilds {
            after_line: Some(line),
            ..
        } => format!("rebuilds (after line {line})"),
        Verdict::Rebuilds { .. } => "rebuilds".into(),
        Verdict::May { cause } => format!("may rebuild: {cause}"),
    }
}

fn short_list(items: &[String], shown: usize) -> String {
    if items.len() <= shown {
        items.join(", ")
    } else {
        format!(
            "{} and {} more",
            items[..shown].join(", "),
            items.len() - shown
        )
    }
}

fn stage_title(stage: &StagePlan, target: usize) -> String {
    let name = stage
        .name
        .as_deref()
        .map_or_else(String::new, |n| format!(" {n}"));
    let role = if stage.index == target {
        "the target"
    } else if stage.built {
        "needed by the target"
    } else {
        "not built for this target"
    };
    format!(
        "stage {}{name}: FROM {} (line {}), {role}",
        stage.index, stage.base, stage.line
    )
}

fn rebuild_note(rebuild: &StageRebuild) -> String {
    format!(
        "{} ({} layer{} rebuilt)",
        rebuild.reason,
        rebuild.rebuilt_layers,
        if rebuild.rebuilt_layers == 1 { "" } else { "s" }
    )
}

/// The terminal table, one per stage; `color` adds ANSI colours.
pub fn human(plan: &Plan, header: &Header<'_>, color: bool, width: usize) -> String {
    let paint = |code: &str, text: &str| {
        if color && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    let _ = writeln!(out, "{}", paint("1", &format!("layers of {}", header.file)));
    if let Some(build) = &header.build {
        let _ = writeln!(out, "{}", build_line(build));
    }
    if let Some(sim) = &header.simulation {
        let _ = writeln!(out, "{}", simulation_line(sim));
    }
    let simulated = header.simulation.is_some();
    for stage in &plan.stages {
        out.push('\n');
        let _ = writeln!(out, "{}", paint("1", &stage_title(stage, plan.target)));
        if !stage.built {
            continue;
        }
        let columns = if simulated { 7 } else { 6 };
        let rows: Vec<[String; 7]> = stage.steps.iter().map(|r| cells(r).into_array()).collect();
        let mut caps = column_caps(columns, width);
        if simulated {
            // The verdict is what the user ran the simulation for: it is cut only when very long.
            if let Some(last) = caps.last_mut() {
                *last = 100;
            }
        }
        let widths: Vec<usize> = (0..columns)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([TITLES[i].len()])
                    .max()
                    .unwrap_or(0)
                    .min(caps[i])
            })
            .collect();
        let mut line = String::new();
        for (title, w) in TITLES.iter().zip(&widths) {
            let _ = write!(line, "{title:<w$}  ", w = *w);
        }
        let _ = writeln!(out, "{}", paint("2", line.trim_end()));
        for (row, step) in rows.iter().zip(&stage.steps) {
            let mut line = String::new();
            for (i, w) in widths.iter().enumerate() {
                let padded = format!("{:<w$}", fit(&row[i], *w), w = *w);
                let code = match i {
                    FINDINGS => "33",
                    CACHE => match &step.cache {
                        Some(Verdict::Cached) => "32",
                        Some(Verdict::Rebuilds { .. }) => "31",
                        Some(Verdict::May { .. }) => "33",
                        _ => "2",
                    },
                    _ if step.kind == StepKind::Config => "2",
                    _ => "",
                };
                let painted = if code.is_empty() {
                    padded
                } else {
                    paint(code, &padded)
                };
                let _ = write!(line, "{painted}  ");
            }
            let _ = writeln!(out, "{}", line.trim_end());
        }
        if let Some(rebuild) = &stage.rebuild {
            let _ = writeln!(
                out,
                "{}",
                paint("31", &format!("→ {}", rebuild_note(rebuild)))
            );
        }
    }
    out
}

/// `built as compose.yaml service api (build args: A=1; target: prod)`.
fn build_line(build: &Built<'_>) -> String {
    let mut parts = Vec::new();
    if !build.args.is_empty() {
        let args: Vec<String> = build.args.iter().map(|(n, v)| format!("{n}={v}")).collect();
        parts.push(format!("build args: {}", args.join(", ")));
    }
    if let Some(target) = build.target {
        parts.push(format!("target: {target}"));
    }
    if parts.is_empty() {
        format!("built as {}", build.via)
    } else {
        format!("built as {} ({})", build.via, parts.join("; "))
    }
}

fn simulation_line(sim: &Simulated<'_>) -> String {
    let mut parts = Vec::new();
    if !sim.changed.is_empty() {
        parts.push(format!("changed: {}", sim.changed.join(", ")));
    }
    if !sim.build_args.is_empty() {
        let args: Vec<String> = sim
            .build_args
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        parts.push(format!("build args: {}", args.join(", ")));
    }
    if parts.is_empty() {
        parts.push("nothing changed".into());
    }
    let builder = match sim.builder {
        Builder::BuildKit => "BuildKit",
        Builder::Buildah => "buildah",
    };
    format!("cache simulation ({builder}'s rules): {}", parts.join("; "))
}

/// The widest each column may grow, for a terminal `width` wide.
fn column_caps(columns: usize, width: usize) -> Vec<usize> {
    let width = width.max(80);
    // LINE, STEP, KIND are narrow or fixed; the wide ones share what is left.
    let fixed = [5, (width / 4).clamp(20, 48), 6];
    let rest = width.saturating_sub(fixed.iter().sum::<usize>() + 2 * columns);
    let wide = columns - fixed.len();
    let share = (rest / wide.max(1)).max(12);
    let mut caps = fixed.to_vec();
    for i in 0..wide {
        // FINDINGS is short; give it less and the others more.
        caps.push(if i == 2 {
            share.min(16)
        } else {
            share + share / 4
        });
    }
    caps
}

fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// GitHub-flavoured Markdown: a heading and a table per stage.
pub fn markdown(plan: &Plan, header: &Header<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Layers of `{}`\n", header.file);
    if let Some(build) = &header.build {
        let _ = writeln!(out, "{}\n", escape_md(&build_line(build)));
    }
    if let Some(sim) = &header.simulation {
        let _ = writeln!(out, "{}\n", simulation_line(sim));
    }
    let simulated = header.simulation.is_some();
    for stage in &plan.stages {
        let _ = writeln!(out, "### {}\n", escape_md(&stage_title(stage, plan.target)));
        if !stage.built {
            continue;
        }
        let mut titles = vec![
            "Line",
            "Step",
            "Kind",
            "Does",
            "Cache key reads",
            "Findings",
        ];
        if simulated {
            titles.push("Cache");
        }
        let _ = writeln!(out, "| {} |", titles.join(" | "));
        let _ = writeln!(out, "|{}", "---|".repeat(titles.len()));
        for row in &stage.steps {
            let c = cells(row);
            let mut values = vec![
                c.line,
                format!("`{}`", c.step.replace('`', "'")),
                c.kind,
                c.does,
                c.reads,
                c.findings,
            ];
            if simulated {
                values.push(c.cache);
            }
            let values: Vec<String> = values
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    if i == 1 {
                        v.replace('|', "\\|")
                    } else {
                        escape_md(v)
                    }
                })
                .collect();
            let _ = writeln!(out, "| {} |", values.join(" | "));
        }
        out.push('\n');
        if let Some(rebuild) = &stage.rebuild {
            let _ = writeln!(out, "**Rebuilds:** {}\n", escape_md(&rebuild_note(rebuild)));
        }
    }
    out
}

/// Keeps a cell's text from breaking the table or turning into markup (as `check`'s Markdown
/// report does).
fn escape_md(text: &str) -> String {
    crate::report::markdown::escape_cell(text)
}
