//! Image references as Docker accepts them in `FROM`: `[host[:port]/]path[:tag][@digest]`.
//!
//! A template placeholder (`alpine:%%TAG%%`) or a typo (`FROM Ubuntu`) is not a valid
//! reference, and Docker stops the build on it; checking here turns that into an LL001.

/// Why a reference is invalid, or `None` when Docker would accept it.
pub fn problem(reference: &str) -> Option<&'static str> {
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (reference, None),
    };
    if let Some(digest) = digest {
        if !valid_digest(digest) {
            return Some("invalid digest");
        }
    }
    // A tag follows the last ':' that comes after the last '/'.
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].rfind(':') {
        Some(colon) => (
            &rest[..last_slash + colon],
            Some(&rest[last_slash + colon + 1..]),
        ),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        if !valid_tag(tag) {
            return Some("invalid tag");
        }
    }
    if name.is_empty() {
        return Some("missing repository name");
    }
    let mut components: Vec<&str> = name.split('/').collect();
    if components.len() > 1 && looks_like_host(components[0]) {
        if !valid_host(components[0]) {
            return Some("invalid registry host");
        }
        components.remove(0);
    }
    if components
        .iter()
        .any(|c| c.chars().any(|ch| ch.is_ascii_uppercase()))
    {
        return Some("repository name must be lowercase");
    }
    if !components.iter().all(|c| valid_path_component(c)) {
        return Some("invalid reference format");
    }
    None
}

/// Docker treats the first component as a registry when it has a `.` or `:`, or is `localhost`.
fn looks_like_host(component: &str) -> bool {
    component.contains('.')
        || component.contains(':')
        || component == "localhost"
        || component.chars().any(|c| c.is_ascii_uppercase())
}

fn valid_host(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !name.ends_with(']') || host.starts_with('[') => (name, Some(port)),
        _ => (host, None),
    };
    if port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    if name.starts_with('[') && name.ends_with(']') {
        return name[1..name.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_hexdigit() || b == b':');
    }
    !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or one or more `-`.
fn valid_path_component(component: &str) -> bool {
    let bytes = component.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && !alnum(bytes[i]) {
            i += 1;
        }
        let separator = &component[start..i];
        if !(separator == "."
            || separator == "_"
            || separator == "__"
            || separator.bytes().all(|b| b == b'-'))
        {
            return false;
        }
    }
    true
}

/// `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
fn valid_tag(tag: &str) -> bool {
    let bytes = tag.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// `algorithm:hex` with at least 32 hex digits.
fn valid_digest(digest: &str) -> bool {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return false;
    };
    !algorithm.is_empty()
        && algorithm
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'.'))
        && algorithm.as_bytes()[0].is_ascii_alphabetic()
        && hex.len() >= 32
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_references() {
        for reference in [
            "scratch",
            "alpine",
            "alpine:3.20",
            "library/ubuntu:22.04",
            "ghcr.io/owner/repo/sub:v1.2.3-rc_1",
            "localhost:5000/app",
            "registry.example.com:443/a/b__c/d-e.f",
            "mcr.microsoft.com/dotnet/sdk:8.0-jammy",
            "python@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "node:20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "[::1]:5000/img",
        ] {
            assert_eq!(problem(reference), None, "{reference}");
        }
    }

    #[test]
    fn rejects_placeholders_and_typos() {
        assert_eq!(problem("alpine:%%TAG%%"), Some("invalid tag"));
        assert_eq!(problem("Ubuntu"), Some("repository name must be lowercase"));
        assert_eq!(problem("{{ .base }}"), Some("invalid reference format"));
        assert_eq!(problem("a//b"), Some("invalid reference format"));
        assert_eq!(problem("img@sha256:short"), Some("invalid digest"));
        assert_eq!(problem(":tag"), Some("missing repository name"));
    }
}
