//! Bake files (`docker buildx bake`): each `target` block names a context, a Dockerfile, build
//! arguments and a target stage.
//!
//! As bake reads them: `context` defaults to `.`, `dockerfile` to `Dockerfile` and is relative to
//! the context; `inherits` copies the fields of other targets, the target's own fields winning.
//! In HCL, expressions are evaluated with the `variable` blocks' defaults; what needs more (a
//! variable set in the environment, a `function`, another target's field) is not evaluated: a
//! context or Dockerfile that needs it skips the target with a note, and such an argument is
//! left out.

use super::{Declared, Parsed, scalar};
use crate::model::BuildArgs;
use hcl::eval::{Context, Evaluate};
use std::collections::BTreeMap;

/// The names bake looks for.
pub const NAMES: [&str; 2] = ["docker-bake.hcl", "docker-bake.json"];

/// One target's fields as written, before `inherits` and defaults.
#[derive(Clone, Debug, Default)]
struct Fields {
    context: Option<Result<String, String>>,
    dockerfile: Option<Result<String, String>>,
    target: Option<Result<String, String>>,
    args: BTreeMap<String, Option<String>>,
    inherits: Vec<String>,
}

/// Reads an HCL bake file. `Err` when it is not HCL.
pub fn parse_hcl(text: &str) -> Result<Parsed, String> {
    let body = hcl::parse(text).map_err(|err| match err {
        // Its own rendering draws the line over several; the warning is one line.
        hcl::Error::Parse(err) => format!(
            "line {}, column {}: {}",
            err.location().line(),
            err.location().column(),
            err.message()
        ),
        other => other.to_string(),
    })?;
    let mut context = Context::new();
    for block in body.blocks().filter(|b| b.identifier() == "variable") {
        let Some(name) = block.labels().first() else {
            continue;
        };
        let default = block
            .body()
            .attributes()
            .find(|a| a.key() == "default")
            .and_then(|a| a.expr().evaluate(&Context::new()).ok());
        if let Some(value) = default {
            context.declare_var(name.as_str().to_string(), value);
        }
    }
    let evaluate = |expr: &hcl::Expression| -> Result<String, String> {
        match expr.evaluate(&context) {
            Ok(value) => scalar(&value).ok_or_else(|| "not a string".to_string()),
            Err(err) => Err(format!("not evaluated ({err})")),
        }
    };
    let mut targets = BTreeMap::new();
    for block in body.blocks().filter(|b| b.identifier() == "target") {
        let Some(name) = block.labels().first() else {
            continue;
        };
        let mut fields = Fields::default();
        for attribute in block.body().attributes() {
            let expr = attribute.expr();
            match attribute.key() {
                "context" => fields.context = Some(evaluate(expr)),
                "dockerfile" => fields.dockerfile = Some(evaluate(expr)),
                "target" => fields.target = Some(evaluate(expr)),
                "inherits" => {
                    if let Ok(hcl::Value::Array(names)) = expr.evaluate(&context) {
                        fields.inherits = names.iter().filter_map(scalar).collect();
                    }
                }
                "args" => {
                    if let hcl::Expression::Object(pairs) = expr {
                        for (key, value) in pairs {
                            let key = match key {
                                hcl::ObjectKey::Identifier(id) => id.to_string(),
                                hcl::ObjectKey::Expression(e) => match evaluate(e) {
                                    Ok(key) => key,
                                    Err(_) => continue,
                                },
                                _ => continue,
                            };
                            fields.args.insert(key, evaluate(value).ok());
                        }
                    }
                }
                _ => {}
            }
        }
        targets.insert(name.as_str().to_string(), fields);
    }
    Ok(declared(&targets))
}

/// Reads a JSON bake file: `{"target": {"NAME": {"context": …, "args": {…}}}}`.
pub fn parse_json(text: &str) -> Result<Parsed, String> {
    let document: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let mut targets = BTreeMap::new();
    let Some(found) = document.get("target") else {
        return Ok(Parsed::default());
    };
    let found = found
        .as_object()
        .ok_or("`target` is not an object".to_string())?;
    for (name, target) in found {
        let text = |key: &str| {
            target
                .get(key)
                .map(|v| v.as_str().map(str::to_string).ok_or("not a string".into()))
        };
        let args = target
            .get("args")
            .and_then(serde_json::Value::as_object)
            .map(|args| args.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
            .unwrap_or_default();
        let inherits = target
            .get("inherits")
            .and_then(serde_json::Value::as_array)
            .map(|names| {
                names
                    .iter()
                    .filter_map(|n| n.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        targets.insert(
            name.clone(),
            Fields {
                context: text("context"),
                dockerfile: text("dockerfile"),
                target: text("target"),
                args,
                inherits,
            },
        );
    }
    Ok(declared(&targets))
}

/// Every target with its inherited fields and bake's defaults applied.
fn declared(targets: &BTreeMap<String, Fields>) -> Parsed {
    let mut parsed = Parsed::default();
    for name in targets.keys() {
        let via = format!("target {name}");
        let fields = resolve(targets, name, 0);
        let field = |value: Option<Result<String, String>>, what: &str, default: Option<&str>| {
            match value {
                Some(Ok(text)) if !super::unevaluated(&text) => Ok(Some(text)),
                Some(Ok(text)) => Err(format!("`{what} = \"{text}\"` is not evaluated")),
                Some(Err(why)) => Err(format!("`{what}`: {why}")),
                None => Ok(default.map(str::to_string)),
            }
        };
        let fields = (
            field(fields.context, "context", Some(".")),
            field(fields.dockerfile, "dockerfile", Some("Dockerfile")),
            field(fields.target, "target", None),
            fields.args,
        );
        match fields {
            (Ok(Some(context)), Ok(Some(dockerfile)), Ok(target), args) => {
                parsed.declared.push(Declared {
                    via,
                    context,
                    dockerfile,
                    args: known(args),
                    target,
                });
            }
            (Err(why), ..) | (_, Err(why), ..) | (_, _, Err(why), _) => {
                parsed.skipped.push(format!("{via}: {why}"));
            }
            _ => {}
        }
    }
    parsed
}

/// A target's fields over those it inherits (in order, later ones winning), to a bounded depth
/// so that a cycle ends.
fn resolve(targets: &BTreeMap<String, Fields>, name: &str, depth: usize) -> Fields {
    let Some(own) = targets.get(name) else {
        return Fields::default();
    };
    if depth > 16 {
        return own.clone();
    }
    let mut merged = Fields::default();
    for parent in &own.inherits {
        let parent = resolve(targets, parent, depth + 1);
        merged.context = parent.context.or(merged.context);
        merged.dockerfile = parent.dockerfile.or(merged.dockerfile);
        merged.target = parent.target.or(merged.target);
        merged.args.extend(parent.args);
    }
    merged.context = own.context.clone().or(merged.context);
    merged.dockerfile = own.dockerfile.clone().or(merged.dockerfile);
    merged.target = own.target.clone().or(merged.target);
    merged.args.extend(own.args.clone());
    merged
}

/// The arguments whose value is known here.
fn known(args: BTreeMap<String, Option<String>>) -> BuildArgs {
    args.into_iter()
        .filter_map(|(name, value)| Some((name, value.filter(|v| !super::unevaluated(v))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hcl_targets_with_defaults_variables_and_inherits() {
        let parsed = parse_hcl(
            r#"
variable "APP" { default = "api" }
variable "TAG" {}
function "up" {
  params = [s]
  result = upper(s)
}
target "_common" {
  args = { BASE = "alpine:3.20" }
}
target "api" {
  inherits = ["_common"]
  dockerfile = "docker/${APP}/Dockerfile"
  target = "runtime"
  args = { PORT = 8080, IMAGE_TAG = "${TAG}", NAME = up("x") }
}
target "odd" {
  context = up("x")
}
"#,
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let api = parsed
            .declared
            .iter()
            .find(|d| d.via == "target api")
            .unwrap_or_else(|| panic!("{parsed:?}"));
        assert_eq!(api.context, ".");
        assert_eq!(api.dockerfile, "docker/api/Dockerfile");
        assert_eq!(api.target.as_deref(), Some("runtime"));
        assert_eq!(api.arg_pairs(), [("BASE", "alpine:3.20"), ("PORT", "8080")]);
        let common = parsed.declared.iter().find(|d| d.via == "target _common");
        assert_eq!(common.map(|c| c.dockerfile.as_str()), Some("Dockerfile"));
        assert_eq!(parsed.skipped.len(), 1, "{:?}", parsed.skipped);
        assert!(parsed.skipped[0].starts_with("target odd: `context`"));
    }

    #[test]
    fn json_targets() {
        let parsed = parse_json(
            r#"{"target": {"web": {"context": "web", "args": {"V": "1", "N": null}, "target": "prod"}}}"#,
        )
        .unwrap_or_else(|err| panic!("{err}"));
        let [web] = parsed.declared.as_slice() else {
            panic!("{parsed:?}");
        };
        assert_eq!(
            (web.context.as_str(), web.dockerfile.as_str()),
            ("web", "Dockerfile")
        );
        assert_eq!(web.target.as_deref(), Some("prod"));
        assert_eq!(web.args.len(), 1);
    }

    #[test]
    fn malformed_files_are_errors() {
        assert!(parse_hcl("target \"a\" {").is_err());
        assert!(parse_json("{").is_err());
        assert!(parse_json(r#"{"target": 1}"#).is_err());
        let cycle = parse_hcl("target \"a\" {\n inherits = [\"a\"]\n}\n");
        assert_eq!(cycle.map(|p| p.declared.len()).ok(), Some(1));
    }
}
