//! Absolute paths inside the image, and the glob patterns the model keeps them as.
//!
//! Paths are plain strings, always absolute and normalised (`/a/b`, no `.`/`..`, no trailing
//! slash except the root). A path may hold glob characters (`*`, `?`, `[…]`) when a command
//! named a pattern (`rm -rf /var/lib/apt/lists/*`); matching treats `*` as not crossing `/`,
//! as the shell does.

/// Joins `path` onto the directory `cwd` (absolute) and normalises the result.
pub fn resolve(cwd: &str, path: &str) -> String {
    if path.starts_with('/') {
        normalize(path)
    } else {
        normalize(&format!("{}/{}", cwd.trim_end_matches('/'), path))
    }
}

/// Removes `.`, `..`, repeated and trailing slashes. `..` above the root stays at the root.
pub fn normalize(path: &str) -> String {
    // Most paths are normal already: copied as they are, without splitting and joining.
    if is_normal(path) {
        return path.to_string();
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

/// Absolute, with no empty, `.` or `..` component (so no repeated or trailing slash): what
/// [`normalize`] makes of it is itself.
fn is_normal(path: &str) -> bool {
    path == "/"
        || path
            .strip_prefix('/')
            .is_some_and(|rest| rest.split('/').all(|part| !matches!(part, "" | "." | "..")))
}

/// Whether the text holds glob characters.
pub fn is_glob(path: &str) -> bool {
    first_glob_byte(path).is_some()
}

/// The offset of the first glob character; they are ASCII, so a byte scan finds them.
fn first_glob_byte(path: &str) -> Option<usize> {
    path.bytes().position(|b| matches!(b, b'*' | b'?' | b'['))
}

/// The parent directory (`/` for top-level entries and for the root).
pub fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// The last component.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Whether `path` is `dir` or lies below it.
pub fn is_within(path: &str, dir: &str) -> bool {
    dir == "/"
        || path == dir
        || (path.starts_with(dir) && path.as_bytes().get(dir.len()) == Some(&b'/'))
}

/// Whether the pattern (which may be a plain path) matches `path`, component by component.
pub fn matches(pattern: &str, path: &str) -> bool {
    // Most patterns are plain paths: compare them directly.
    if !is_glob(pattern) {
        return pattern == path;
    }
    let mut pattern_parts = pattern.split('/').filter(|p| !p.is_empty());
    let mut path_parts = path.split('/').filter(|p| !p.is_empty());
    loop {
        match (pattern_parts.next(), path_parts.next()) {
            (None, None) => return true,
            (Some(p), Some(s)) if component_matches(p, s) => {}
            _ => return false,
        }
    }
}

/// Whether a deletion of `pattern` (recursive or not) removes `path`: the pattern matches the
/// path itself or, for a recursive deletion, one of its ancestors.
pub fn removes(pattern: &str, recursive: bool, path: &str) -> bool {
    // A plain path removes itself and, recursively, what lies below it.
    let Some(first_glob) = first_glob_byte(pattern) else {
        return path == pattern || (recursive && is_within(path, pattern));
    };
    // Whatever the pattern matches (the path or one of its ancestors) starts with the pattern's
    // literal prefix: most paths fail that test and need no glob matching.
    if !path.starts_with(&pattern[..first_glob]) {
        return false;
    }
    if matches(pattern, path) {
        return true;
    }
    if !recursive {
        return false;
    }
    let mut current = path;
    while current != "/" {
        current = parent(current);
        if matches(pattern, current) {
            return true;
        }
    }
    false
}

/// Shell glob on one path component: `*`, `?`, `[abc]`, `[a-z]`, `[!x]`; a leading `.` is not
/// matched by a wildcard, as in the shell.
fn component_matches(pattern: &str, text: &str) -> bool {
    if text.starts_with('.') && !pattern.starts_with('.') && is_glob(pattern) {
        return false;
    }
    glob(pattern.as_bytes(), text.as_bytes())
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let (mut star, mut star_text) = (None, 0);
    while t < text.len() {
        if p < pattern.len() {
            match pattern[p] {
                b'*' => {
                    star = Some(p);
                    star_text = t;
                    p += 1;
                    continue;
                }
                b'?' => {
                    p += 1;
                    t += 1;
                    continue;
                }
                b'[' => {
                    if let Some((matched, next)) = class(&pattern[p..], text[t]) {
                        if matched {
                            p += next;
                            t += 1;
                            continue;
                        }
                    } else if text[t] == b'[' {
                        p += 1;
                        t += 1;
                        continue;
                    }
                }
                c if c == text[t] => {
                    p += 1;
                    t += 1;
                    continue;
                }
                _ => {}
            }
        }
        match star {
            Some(s) => {
                p = s + 1;
                star_text += 1;
                t = star_text;
            }
            None => return false,
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

/// Matches one byte against a `[…]` class at the start of `pattern`; returns whether it matched
/// and the class's length, or `None` when the bracket is not a class.
fn class(pattern: &[u8], byte: u8) -> Option<(bool, usize)> {
    let mut i = 1;
    let negated = matches!(pattern.get(1), Some(b'!' | b'^'));
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < pattern.len() {
        let c = pattern[i];
        if c == b']' && !first {
            return Some((matched != negated, i + 1));
        }
        first = false;
        if pattern.get(i + 1) == Some(&b'-') && pattern.get(i + 2).is_some_and(|&e| e != b']') {
            matched |= (c..=pattern[i + 2]).contains(&byte);
            i += 3;
        } else {
            matched |= c == byte;
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_and_normalize() {
        assert_eq!(resolve("/app", "src/../lib/./x"), "/app/lib/x");
        assert_eq!(resolve("/app/", "/etc//hosts/"), "/etc/hosts");
        assert_eq!(resolve("/", ".."), "/");
        assert_eq!(parent("/a/b"), "/a");
        assert_eq!(parent("/a"), "/");
        assert_eq!(file_name("/a/b.tgz"), "b.tgz");
    }

    #[test]
    fn a_normal_path_is_kept_and_any_other_rewritten() {
        for (path, normal) in [
            ("/", "/"),
            ("/a/b", "/a/b"),
            ("/...", "/..."),
            ("/a/.b", "/a/.b"),
            ("", "/"),
            ("a/b", "/a/b"),
            ("//a", "/a"),
            ("/a/", "/a"),
            ("/a/./b", "/a/b"),
            ("/a/b/..", "/a"),
            ("/..", "/"),
        ] {
            assert_eq!(is_normal(path), path == normal, "{path}");
            assert_eq!(normalize(path), normal, "{path}");
        }
    }

    #[test]
    fn within() {
        assert!(is_within("/data/one", "/data"));
        assert!(is_within("/data", "/data"));
        assert!(!is_within("/database", "/data"));
        assert!(is_within("/anything", "/"));
    }

    #[test]
    fn globs_match_one_component_each() {
        assert!(matches(
            "/var/lib/apt/lists/*",
            "/var/lib/apt/lists/partial"
        ));
        assert!(!matches("/var/lib/apt/lists/*", "/var/lib/apt/lists/a/b"));
        assert!(matches("/tmp/*.tgz", "/tmp/tool.tgz"));
        assert!(!matches("/tmp/*", "/tmp/.hidden"));
        assert!(matches("/tmp/file-[0-9]?", "/tmp/file-3x"));
        assert!(matches("/tmp/[!a]b", "/tmp/cb"));
        assert!(!matches("/tmp/[!a]b", "/tmp/ab"));
        assert!(matches("/opt/app", "/opt/app"));
    }

    #[test]
    fn recursive_removal_covers_descendants() {
        assert!(removes("/data", true, "/data/one"));
        assert!(!removes("/data", false, "/data/one"));
        assert!(removes(
            "/var/lib/apt/lists/*",
            true,
            "/var/lib/apt/lists/partial/x"
        ));
        assert!(removes("/tmp/*.tgz", false, "/tmp/tool.tgz"));
        assert!(!removes("/tmp/*.tgz", true, "/opt/tool.tgz"));
    }
}
