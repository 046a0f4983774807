//! `layerlint image`: measure an image archive, map it to its Dockerfile, gate CI on its waste.

use super::Exit;
use super::args::{ImageArgs, LayersFormat};
use super::check::build_context;
use super::output::is_closed_pipe;
use layerlint::advisor::plan_source;
use layerlint::files::{self, Input};
use layerlint::image::gate::{Gate, parse_bytes};
use layerlint::image::render::{self, Dockerfile, Report};
use layerlint::image::{self, Limits, attribute};
use std::io::Write;
use std::path::Path;

/// dive's CI file, read from the current directory when there.
const DIVE_CI: &str = ".dive-ci";

pub fn run(args: &ImageArgs) -> Exit {
    match measure(args) {
        Ok(true) => Exit::Clean,
        Ok(false) => Exit::Findings,
        Err(message) => {
            eprintln!("error: {message}");
            Exit::Trouble
        }
    }
}

/// Prints the report; `Ok(false)` when a CI limit is exceeded.
fn measure(args: &ImageArgs) -> Result<bool, String> {
    let gate = gate(args)?;
    let limits = Limits {
        max_layer_bytes: args
            .max_layer_bytes
            .as_deref()
            .map(parse_bytes)
            .transpose()
            .map_err(|e| format!("--max-layer-bytes: {e}"))?,
    };
    let measured =
        image::read(&args.image, limits).map_err(|e| format!("{}: {e}", args.image.display()))?;
    let (file_name, attribution) = match &args.dockerfile {
        Some(path) => {
            let input = Input::Path(path.clone());
            let file = files::load(&input, None).map_err(|err| err.to_string())?;
            let options = super::layers::options(&input, build_context(&input, None))?;
            let plan = plan_source(&file.text, &options, args.target.as_deref(), None).ok_or_else(
                || match &args.target {
                    Some(target) => format!("--target {target}: no such stage in {}", file.name),
                    None => format!("{}: no FROM, so no image", file.name),
                },
            )?;
            (file.name, Some(attribute::attribute(&measured, &plan)))
        }
        None => (String::new(), None),
    };
    let failures = gate.failures(&measured.totals);
    let shown = args.image.display().to_string();
    let report = Report {
        version: 1,
        image: &shown,
        measured: &measured,
        dockerfile: attribution.as_ref().map(|attribution| Dockerfile {
            file: &file_name,
            attribution,
        }),
        gate_failures: &failures,
    };
    let text = match args.format {
        LayersFormat::Human => render::human(&report),
        LayersFormat::Json => render::json(&report),
        LayersFormat::Markdown => render::markdown(&report),
    };
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(err) if !is_closed_pipe(&err) => return Err(format!("cannot write the output: {err}")),
        _ => {}
    }
    Ok(failures.is_empty())
}

/// The limits: flags first, then the CI file named by --ci-config, else ./.dive-ci if present.
fn gate(args: &ImageArgs) -> Result<Gate, String> {
    let max_wasted_bytes = args
        .max_wasted_bytes
        .as_deref()
        .map(parse_bytes)
        .transpose()
        .map_err(|e| format!("--max-wasted-bytes: {e}"))?;
    if let Some(p) = args.max_wasted_percent
        && !(0.0..=100.0).contains(&p)
    {
        return Err(format!(
            "--max-wasted-percent: {p} is not between 0 and 100"
        ));
    }
    if let Some(e) = args.min_efficiency
        && !(0.0..=1.0).contains(&e)
    {
        return Err(format!("--min-efficiency: {e} is not between 0 and 1"));
    }
    let flags = Gate {
        max_wasted_bytes,
        max_wasted_percent: args.max_wasted_percent,
        min_efficiency: args.min_efficiency,
    };
    let file = match &args.ci_config {
        Some(path) => Some(path.as_path()),
        None => Some(Path::new(DIVE_CI)).filter(|p| p.is_file()),
    };
    let from_file = match file {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
            Gate::from_dive_ci(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Gate::default(),
    };
    Ok(flags.or(from_file))
}
