//! The lint options for one open document, found as `layerlint check` finds them for a file on
//! disk: the nearest `.layerlint.yaml` / `.hadolint.yaml` (else hadolint's personal
//! configuration), hadolint's `HADOLINT_*` variables on top, and as its build context the first
//! build a compose or bake file around it declares (its context and build arguments), else the
//! file's directory.
//!
//! Nothing is cached: the files are looked up on every lint (well under a millisecond), so an
//! edited configuration, compose file or `.dockerignore` is read the next time the document is linted, and a
//! watched-file notification needs only to re-lint.

use crate::LintOptions;
use crate::config::{self, Config};
use crate::project::BuildContext;
use crate::project::builds::Builds;
use std::path::Path;

/// The options for a document at `path` (`None`: not a file, so the defaults and no context).
/// `Err` is the message of a configuration that cannot be used: as with `check`, the file is then
/// not linted, since findings under settings the user did not ask for would be wrong.
pub fn options_for(path: Option<&Path>) -> Result<LintOptions, String> {
    let Some(path) = path else {
        return Ok(LintOptions::default());
    };
    let dir = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let found =
        config::discover(dir).or_else(|| config::user_files::UserDirs::from_process().find());
    let mut config = match found {
        None => Config::default(),
        Some(file) => {
            config::load(&file).map_err(|err| format!("{}: {}", err.path, err.message))?
        }
    };
    // The notes this returns (a variable with a value layerlint cannot use) are for a terminal;
    // the variable is left out either way.
    let _notes = config::environment::apply(&mut config, |name| std::env::var(name).ok());
    // As `check --fix` does for a file several builds use: the first build, since an editor shows
    // one set of findings per file.
    let builds = Builds::around(&[path]);
    Ok(match builds.of(path).first() {
        Some(build) => LintOptions {
            build_context: BuildContext::for_dockerfile(&build.context, path),
            config,
            build_args: build.args.clone(),
            target: build.target.clone(),
        },
        None => LintOptions {
            build_context: BuildContext::for_dockerfile(dir, path),
            config,
            ..LintOptions::default()
        },
    })
}
