//! Compose files: each service's `build` section names a Dockerfile, its context, its build
//! arguments and its target stage.
//!
//! As Compose reads them: `build: DIR` is the context alone; `build.context` defaults to the
//! project directory (the compose file's own); `build.dockerfile` is relative to the context and
//! defaults to `Dockerfile`; `build.args` is a map or a list of `NAME=VALUE`, and a name without a
//! value takes it from the environment, which a linter does not know, so that argument is left
//! out. `${VAR}` interpolation is not evaluated: a context or Dockerfile that uses it is skipped
//! with a note, and an argument whose value uses it is left out.

use super::{Declared, Parsed, scalar, unevaluated};
use crate::model::BuildArgs;
use serde_yaml::Value;

/// The names Compose looks for in a directory, in its order of preference.
pub const NAMES: [&str; 4] = [
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Reads a compose file's builds. `Err` when the text is not a compose file at all.
pub fn parse(text: &str) -> Result<Parsed, String> {
    // The YAML parser's time grows fast with nesting (a minute for 100,000 `[`): deep text is
    // refused first, by the cheap scan configuration files go through.
    crate::config::check_nesting(text)
        .map_err(|(line, depth)| format!("nesting deeper than {depth} levels at line {line}"))?;
    let document: Value = serde_yaml::from_str(text).map_err(|err| err.to_string())?;
    let mut parsed = Parsed::default();
    let services = match document.get("services") {
        None | Some(Value::Null) => return Ok(parsed),
        Some(Value::Mapping(services)) => services,
        Some(_) => return Err("`services` is not a mapping".to_string()),
    };
    for (name, service) in services {
        let name = scalar(name).unwrap_or_else(|| "?".to_string());
        let via = format!("service {name}");
        let Some(build) = service.get("build") else {
            continue;
        };
        match service_build(build) {
            Ok(Some(declared)) => parsed.declared.push(Declared { via, ..declared }),
            Ok(None) => {}
            Err(why) => parsed.skipped.push(format!("{via}: {why}")),
        }
    }
    Ok(parsed)
}

/// One service's `build`: `Ok(None)` when it names no Dockerfile on disk (an inline one).
fn service_build(build: &Value) -> Result<Option<Declared>, String> {
    let (context, section) = match build {
        Value::String(dir) => (dir.clone(), None),
        Value::Mapping(_) => {
            let context = match build.get("context") {
                None | Some(Value::Null) => ".".to_string(),
                Some(value) => scalar(value).ok_or("`build.context` is not a string")?,
            };
            (context, Some(build))
        }
        _ => return Err("`build` is neither a directory nor a mapping".to_string()),
    };
    let field = |key: &str| section.and_then(|s| s.get(key)).filter(|v| !v.is_null());
    if field("dockerfile_inline").is_some() {
        return Ok(None);
    }
    let dockerfile = match field("dockerfile") {
        None => "Dockerfile".to_string(),
        Some(value) => scalar(value).ok_or("`build.dockerfile` is not a string")?,
    };
    for (what, text) in [("context", &context), ("dockerfile", &dockerfile)] {
        if unevaluated(text) {
            return Err(format!(
                "`build.{what}: {text}` uses interpolation, which layerlint does not evaluate"
            ));
        }
    }
    let target = match field("target") {
        None => None,
        Some(value) => Some(scalar(value).ok_or("`build.target` is not a string")?),
    };
    let args = match field("args") {
        None => BuildArgs::new(),
        Some(value) => args(value)?,
    };
    Ok(Some(Declared {
        via: String::new(),
        context,
        dockerfile,
        args,
        target,
    }))
}

/// `args` as a map (`NAME: VALUE`) or a list (`- NAME=VALUE`). Arguments whose value is not known
/// here (from the environment, or interpolated) are left out, so the `ARG`'s default stands.
fn args(value: &Value) -> Result<BuildArgs, String> {
    let pairs: Vec<(String, Option<String>)> = match value {
        Value::Mapping(map) => map
            .iter()
            .filter_map(|(name, value)| Some((scalar(name)?, scalar(value))))
            .collect(),
        Value::Sequence(items) => items
            .iter()
            .filter_map(scalar)
            .map(|item| match item.split_once('=') {
                Some((name, value)) => (name.to_string(), Some(value.to_string())),
                None => (item, None),
            })
            .collect(),
        _ => return Err("`build.args` is neither a mapping nor a list".to_string()),
    };
    Ok(pairs
        .into_iter()
        .filter_map(|(name, value)| Some((name, value.filter(|v| !unevaluated(v))?)))
        .map(|(name, value)| (name, value.replace("$$", "$")))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn declared(text: &str) -> Parsed {
        parse(text).unwrap_or_else(|err| panic!("{err}"))
    }

    #[test]
    fn the_short_and_long_forms_give_context_dockerfile_args_and_target() {
        let parsed = declared(
            "services:\n  web:\n    build: ./web\n  api:\n    build:\n      context: .\n      dockerfile: docker/api/Dockerfile\n      target: runtime\n      args:\n        PORT: 8080\n        DEBUG: false\n        FROM_ENV:\n  worker:\n    build:\n      dockerfile: worker.Dockerfile\n      args:\n        - APP=worker\n        - HOME_DIR\n  db:\n    image: postgres\n",
        );
        assert!(parsed.skipped.is_empty(), "{:?}", parsed.skipped);
        let [web, api, worker] = parsed.declared.as_slice() else {
            panic!("{:?}", parsed.declared);
        };
        assert_eq!(
            (
                web.via.as_str(),
                web.context.as_str(),
                web.dockerfile.as_str()
            ),
            ("service web", "./web", "Dockerfile")
        );
        assert_eq!(api.context, ".");
        assert_eq!(api.dockerfile, "docker/api/Dockerfile");
        assert_eq!(api.target.as_deref(), Some("runtime"));
        assert_eq!(api.arg_pairs(), [("DEBUG", "false"), ("PORT", "8080")]);
        assert_eq!(worker.context, ".");
        assert_eq!(worker.args.get("APP").map(String::as_str), Some("worker"));
        assert!(!worker.args.contains_key("HOME_DIR"));
    }

    #[test]
    fn interpolation_is_named_not_guessed() {
        let parsed = declared(
            "services:\n  a:\n    build:\n      context: ${SRC}\n  b:\n    build:\n      context: b\n      args:\n        V: ${VERSION}\n        P: a$$b\n",
        );
        assert_eq!(parsed.skipped.len(), 1, "{:?}", parsed.skipped);
        assert!(parsed.skipped[0].contains("service a"));
        let [b] = parsed.declared.as_slice() else {
            panic!("{:?}", parsed.declared);
        };
        assert!(!b.args.contains_key("V"));
        assert_eq!(b.args.get("P").map(String::as_str), Some("a$b"));
    }

    #[test]
    fn malformed_files_are_errors_and_odd_services_are_skipped() {
        assert!(parse("services: [\n").is_err());
        assert!(parse("services: 3\n").is_err());
        let deep = format!("services: {}", "[".repeat(100_000));
        // The scan's message, not the parser's: refused before parsing.
        assert!(parse(&deep).is_err_and(|e| e.contains("nesting deeper than 64 levels")));
        assert!(declared("version: '3'\n").declared.is_empty());
        let parsed = declared(
            "services:\n  a:\n    build: 3\n  b:\n    build:\n      dockerfile_inline: FROM x\n",
        );
        assert!(parsed.declared.is_empty());
        assert_eq!(parsed.skipped.len(), 1);
    }
}
