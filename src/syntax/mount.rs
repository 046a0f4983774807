//! `RUN --mount=type=cache,target=/root/.cache,sharing=locked`: the options of a mount.
//!
//! Docker reads the value as one CSV record (fields split on commas, double quotes protect
//! commas), each field `key=value` or a bare `key` (such as `readonly`).

use super::ast::{Flag, Instruction};

/// The kinds of mount `RUN --mount` accepts; `bind` when no `type` is given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MountKind {
    Bind,
    Cache,
    Tmpfs,
    Secret,
    Ssh,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mount {
    pub kind: MountKind,
    /// Every field in order, keys lower-cased; `None` for a bare key.
    pub options: Vec<(String, Option<String>)>,
}

impl Mount {
    pub fn parse(value: &str) -> Mount {
        let options = csv_fields(value)
            .into_iter()
            .filter(|field| !field.is_empty())
            .map(|field| match field.split_once('=') {
                Some((key, value)) => (key.trim().to_ascii_lowercase(), Some(value.to_string())),
                None => (field.trim().to_ascii_lowercase(), None),
            })
            .collect::<Vec<_>>();
        let kind = match options
            .iter()
            .find(|(k, _)| k == "type")
            .and_then(|(_, v)| v.as_deref())
        {
            None | Some("bind") => MountKind::Bind,
            Some("cache") => MountKind::Cache,
            Some("tmpfs") => MountKind::Tmpfs,
            Some("secret") => MountKind::Secret,
            Some("ssh") => MountKind::Ssh,
            Some(_) => MountKind::Other,
        };
        Mount { kind, options }
    }

    /// The first value of any of `keys` (Docker accepts aliases such as `target`/`dst`).
    pub fn get(&self, keys: &[&str]) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| keys.contains(&k.as_str()))
            .and_then(|(_, v)| v.as_deref())
    }

    /// Where the mount appears inside the container.
    pub fn target(&self) -> Option<&str> {
        self.get(&["target", "dst", "destination"])
    }

    /// Where its content comes from (a path in the context, or in the `from` stage or image).
    pub fn source(&self) -> Option<&str> {
        self.get(&["source", "src"])
    }

    pub fn from(&self) -> Option<&str> {
        self.get(&["from"])
    }
}

impl Mount {
    /// What Docker would refuse in this mount, if anything.
    pub fn problem(&self) -> Option<String> {
        if self.kind == MountKind::Other {
            let kind = self.get(&["type"]).unwrap_or("");
            return Some(format!(
                "unsupported mount type {kind:?}: use bind, cache, tmpfs, secret or ssh"
            ));
        }
        for (key, value) in &self.options {
            let allowed = match key.as_str() {
                "type" | "from" | "source" | "src" | "target" | "dst" | "destination" | "id"
                | "mode" | "uid" | "gid" => value.is_some(),
                "readonly" | "ro" | "readwrite" | "rw" => true,
                "required" => matches!(self.kind, MountKind::Secret | MountKind::Ssh),
                "env" => self.kind == MountKind::Secret,
                "size" => self.kind == MountKind::Tmpfs,
                "sharing" => {
                    if !matches!(
                        value.as_deref().map(str::to_ascii_lowercase).as_deref(),
                        Some("shared" | "private" | "locked")
                    ) {
                        return Some(format!(
                            "unsupported sharing value {:?}: use shared, private or locked",
                            value.as_deref().unwrap_or("")
                        ));
                    }
                    self.kind == MountKind::Cache
                }
                _ => false,
            };
            if !allowed {
                return Some(match value {
                    Some(_) => format!("unexpected key '{key}' for this mount"),
                    None => format!("invalid mount field '{key}': it must be a key=value pair"),
                });
            }
        }
        None
    }
}

impl Instruction {
    /// The `--mount` flags of a `RUN`, parsed.
    pub fn mounts(&self) -> impl Iterator<Item = (&Flag, Mount)> {
        self.flags()
            .iter()
            .filter(|f| f.name == "mount")
            .map(|f| (f, Mount::parse(f.value.as_deref().unwrap_or(""))))
    }
}

/// Splits one CSV record: commas separate fields, a double-quoted field may hold commas, and a
/// doubled quote inside quotes is one quote.
fn csv_fields(record: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = record.chars().peekable();
    while let Some(c) = chars.next() {
        let field = fields.last_mut().expect("starts with one field");
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(String::new()),
            _ => field.push(c),
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_mount_options() {
        let mount = Mount::parse("type=cache,target=/root/.cache/pip,sharing=locked,id=pip");
        assert_eq!(mount.kind, MountKind::Cache);
        assert_eq!(mount.target(), Some("/root/.cache/pip"));
        assert_eq!(mount.get(&["sharing"]), Some("locked"));
    }

    #[test]
    fn bind_is_the_default_and_aliases_work() {
        let mount = Mount::parse("from=build,src=/out,dst=/in,readonly");
        assert_eq!(mount.kind, MountKind::Bind);
        assert_eq!(mount.source(), Some("/out"));
        assert_eq!(mount.target(), Some("/in"));
        assert_eq!(mount.from(), Some("build"));
        assert!(mount.options.contains(&("readonly".to_string(), None)));
    }

    #[test]
    fn problems_docker_would_refuse() {
        assert_eq!(
            Mount::parse("type=cache,target=/x,sharing=locked").problem(),
            None
        );
        assert_eq!(Mount::parse("type=secret,id=npm,required").problem(), None);
        assert_eq!(
            Mount::parse("from=build,source=/out,target=/in,rw").problem(),
            None
        );
        assert!(
            Mount::parse("type=cache,target=/test,z")
                .problem()
                .unwrap()
                .contains("'z'")
        );
        assert!(
            Mount::parse("type=tmpfs,target=/etc/ssl,tmpcopyup")
                .problem()
                .is_some()
        );
        assert!(
            Mount::parse("type=volume,target=/x")
                .problem()
                .unwrap()
                .contains("unsupported mount type")
        );
        assert!(
            Mount::parse("type=bind,target=/x,size=1m")
                .problem()
                .is_some()
        );
    }

    #[test]
    fn quoted_fields_keep_commas() {
        let mount = Mount::parse(r#"type=secret,"id=a,b",target=/run/x"#);
        assert_eq!(mount.kind, MountKind::Secret);
        assert_eq!(mount.get(&["id"]), Some("a,b"));
    }
}
