//! Which of the builds a compose or bake file declares for a Dockerfile `layers` shows: the table
//! is one build's, so with several the user names one (`--build NAME`), else the first is shown
//! and the others are listed.

use layerlint::files::Input;
use layerlint::project::builds::{Build, Builds};

/// The build of `input` to show: the one `--build NAME` names (an error when none is called
/// that), else the first found; `None` when no compose or bake file names the file.
pub fn choose<'b>(
    input: &Input,
    builds: &'b Builds,
    named: Option<&str>,
) -> Result<Option<&'b Build>, String> {
    let found = match input {
        Input::Path(path) => builds.of(path),
        Input::Stdin => &[],
    };
    let Some(name) = named else {
        if found.len() > 1 {
            eprintln!(
                "note: {} builds of this file; shown as {} (choose another with --build NAME: {})",
                found.len(),
                found[0].via(),
                names(found)
            );
        }
        return Ok(found.first());
    };
    if let Some(build) = found.iter().find(|build| build.is_named(name)) {
        return Ok(Some(build));
    }
    Err(if found.is_empty() {
        format!("--build {name}: no compose service or bake target builds this file")
    } else {
        format!(
            "--build {name}: no compose service or bake target of that name builds this file (its builds: {})",
            names(found)
        )
    })
}

/// `compose.yaml service api; docker-bake.hcl target web`.
fn names(builds: &[Build]) -> String {
    builds.iter().map(Build::via).collect::<Vec<_>>().join("; ")
}
