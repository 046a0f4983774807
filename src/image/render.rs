//! The three views of a measured image: a table for people, Markdown for a pull-request comment,
//! JSON for programs (its schema is docs/image-json.md).

use super::Image;
use super::attribute::Attribution;
use serde::Serialize;
use std::fmt::Write as _;

/// Everything one run reports.
#[derive(Serialize)]
pub struct Report<'a> {
    /// The schema's version (docs/image-json.md).
    pub version: u32,
    /// The archive as named on the command line.
    pub image: &'a str,
    #[serde(flatten)]
    pub measured: &'a Image,
    /// With `--dockerfile`: its name and how the layers map to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dockerfile: Option<Dockerfile<'a>>,
    /// The CI limits exceeded (empty when none, or no limit was set).
    pub gate_failures: &'a [String],
}

#[derive(Serialize)]
pub struct Dockerfile<'a> {
    pub file: &'a str,
    #[serde(flatten)]
    pub attribution: &'a Attribution,
}

/// Sizes in decimal units with three significant-ish digits: `19.9 MB`, `312 kB`, `0 B`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "kB", "MB", "GB", "TB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else if value < 100.0 {
        format!("{value:.1} {}", UNITS[unit])
    } else {
        format!("{value:.0} {}", UNITS[unit])
    }
}

pub fn json(report: &Report<'_>) -> String {
    serde_json::to_string_pretty(report).expect("the report serialises") + "\n"
}

/// The line of each layer, when the Dockerfile was matched.
fn line_of(report: &Report<'_>, layer: usize) -> Option<String> {
    let matched = report
        .dockerfile
        .as_ref()?
        .attribution
        .matches
        .iter()
        .find(|m| m.layer == layer)?;
    Some(format!(
        "{}{}",
        matched.line,
        if matched.sure { "" } else { "?" }
    ))
}

fn created_by(text: Option<&str>, width: usize) -> String {
    let text = text
        .unwrap_or("-")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.strip_prefix("/bin/sh -c ").unwrap_or(&text);
    if text.chars().count() > width {
        let cut: String = text.chars().take(width - 1).collect();
        format!("{cut}…")
    } else {
        text.to_string()
    }
}

fn summary(image: &Image) -> String {
    let t = &image.totals;
    format!(
        "{} of files in all layers, {} in the final filesystem: {} wasted ({:.1} %), efficiency {:.1} %",
        bytes(t.total_bytes),
        bytes(t.final_bytes),
        bytes(t.wasted_bytes),
        t.wasted_percent,
        100.0 * t.efficiency
    )
}

/// The cells of a layer's row after its index: line, stored, files, added, changed, deleted,
/// wasted, created by.
fn row(report: &Report<'_>, layer: &super::Layer) -> [String; 8] {
    let t = &layer.tally;
    [
        line_of(report, layer.index).unwrap_or_default(),
        bytes(layer.stored_bytes),
        bytes(t.file_bytes),
        t.added.to_string(),
        t.changed.to_string(),
        t.deleted.to_string(),
        bytes(t.wasted_bytes),
        created_by(layer.created_by.as_deref(), 60),
    ]
}

/// The Dockerfile part as (line, sentence) pairs: the measured findings, the missed waste, then
/// the waste no Dockerfile can avoid.
type Sentences = (
    Vec<(usize, String)>,
    Vec<(usize, String)>,
    Vec<(usize, String)>,
);

fn sentences(attribution: &Attribution, code: impl Fn(&str) -> String) -> Sentences {
    let costs = attribution
        .costs
        .iter()
        .map(|c| {
            (
                c.line,
                format!("{}: {} {}", code(&c.code), bytes(c.bytes), c.what),
            )
        })
        .collect();
    let listed = |list: &[super::attribute::Missed]| {
        list.iter()
            .map(|m| (m.line, format!("{} {}", bytes(m.bytes), m.what)))
            .collect()
    };
    (
        costs,
        listed(&attribution.missed),
        listed(&attribution.unavoidable),
    )
}

pub fn human(report: &Report<'_>) -> String {
    let image = report.measured;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}, {} layers)",
        report.image,
        image.format,
        image.layers.len()
    );
    let line_header = if report.dockerfile.is_some() {
        "line"
    } else {
        ""
    };
    let header = [
        line_header,
        "stored",
        "files",
        "added",
        "changed",
        "deleted",
        "wasted",
        "created by",
    ]
    .map(str::to_string);
    let mut write_row = |index: &str, c: &[String; 8]| {
        let _ = writeln!(
            out,
            "{index:>3} {:>5} {:>9} {:>9} {:>6} {:>7} {:>7} {:>9}  {}",
            c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]
        );
    };
    write_row("#", &header);
    for layer in &image.layers {
        write_row(&layer.index.to_string(), &row(report, layer));
    }
    let _ = writeln!(out, "\n{}", summary(image));
    if !image.largest_waste.is_empty() {
        let _ = writeln!(out, "\nlargest waste:");
        for item in &image.largest_waste {
            let _ = writeln!(
                out,
                "  {:>9}  /{}  {} (in layer {}, by layer {}; charged to layer {})",
                bytes(item.bytes),
                item.path,
                serde_json::to_value(item.kind)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default(),
                item.stored_in,
                item.superseded_by,
                item.paid_by
            );
        }
    }
    if let Some(dockerfile) = &report.dockerfile {
        let a = dockerfile.attribution;
        if a.matches.iter().any(|m| !m.sure) {
            let _ = writeln!(
                out,
                "\nline numbers ending in ? are paired by position only: the history does not show the instruction"
            );
        }
        let (costs, missed, unavoidable) = sentences(a, str::to_string);
        let mut sections = vec![
            (
                "findings of `check`, measured in the image:",
                costs,
                "(none with a measurable cost)",
            ),
            ("waste no rule reported:", missed, "(none)"),
        ];
        if !unavoidable.is_empty() {
            sections.push(("waste no Dockerfile can avoid:", unavoidable, ""));
        }
        for (title, lines, none) in sections {
            let _ = writeln!(out, "\n{title}");
            if lines.is_empty() {
                let _ = writeln!(out, "  {none}");
            }
            for (line, sentence) in lines {
                let _ = writeln!(out, "  {}:{line}: {sentence}", dockerfile.file);
            }
        }
    }
    for failure in report.gate_failures {
        let _ = writeln!(out, "\nFAIL: {failure}");
    }
    out
}

pub fn markdown(report: &Report<'_>) -> String {
    let image = report.measured;
    let mut out = String::new();
    let _ = writeln!(out, "### `{}`\n\n{}\n", report.image, summary(image));
    let _ = writeln!(
        out,
        "| # | line | stored | files | added | changed | deleted | wasted | created by |\n|--:|--:|--:|--:|--:|--:|--:|--:|---|"
    );
    for layer in &image.layers {
        let [
            line,
            stored,
            files,
            added,
            changed,
            deleted,
            wasted,
            created,
        ] = row(report, layer);
        let created = created.replace(['|', '`'], "'");
        let _ = writeln!(
            out,
            "| {} | {line} | {stored} | {files} | {added} | {changed} | {deleted} | {wasted} | `{created}` |",
            layer.index
        );
    }
    if let Some(dockerfile) = &report.dockerfile {
        let (costs, missed, unavoidable) =
            sentences(dockerfile.attribution, |code| format!("**{code}**"));
        let mut sections = vec![
            ("Findings, measured", costs),
            ("Waste no rule reported", missed),
        ];
        if !unavoidable.is_empty() {
            sections.push(("Waste no Dockerfile can avoid", unavoidable));
        }
        for (title, lines) in sections {
            let _ = writeln!(out, "\n**{title}**\n");
            if lines.is_empty() {
                let _ = writeln!(out, "- none");
            }
            for (line, sentence) in lines {
                let _ = writeln!(out, "- line {line}: {sentence}");
            }
        }
    }
    for failure in report.gate_failures {
        let _ = writeln!(out, "\n**FAIL**: {failure}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::bytes;

    #[test]
    fn sizes_print_in_decimal_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(999), "999 B");
        assert_eq!(bytes(19_900_000), "19.9 MB");
        assert_eq!(bytes(312_000_000), "312 MB");
    }
}
