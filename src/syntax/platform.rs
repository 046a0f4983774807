//! Platform strings (`FROM --platform=linux/arm64`) as containerd's parser, which BuildKit uses,
//! reads them: what it surely rejects, and the operating systems a one-part platform can name.

/// The operating systems Go knows: a one-part platform that is one of them names an operating
/// system (for the builder's architecture); any other one part must be an architecture.
pub const SYSTEMS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// The architectures Go knows, with the spellings containerd normalises to them.
const ARCHITECTURES: &[&str] = &[
    "386",
    "i386",
    "i486",
    "i586",
    "i686",
    "amd64",
    "x86_64",
    "x86-64",
    "amd64p32",
    "arm",
    "armhf",
    "armel",
    "armbe",
    "arm64",
    "aarch64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

/// Why containerd's parser rejects `value`, when it surely does; `None` when it is accepted or
/// the case is not judged.
pub fn problem(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        return Some("the platform is empty");
    }
    if value.contains('*') {
        return Some("wildcards are not supported");
    }
    let parts: Vec<&str> = value.split('/').collect();
    if parts.len() > 3 {
        return Some("expected os[/arch[/variant]]");
    }
    // Newer parsers accept an OS version in parentheses on the first part: not judged.
    if value.contains('(') {
        return None;
    }
    let component = |part: &&str| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c))
    };
    if !parts.iter().all(component) {
        return Some("each part must be letters, digits, `_`, `.` or `-`");
    }
    if let [single] = parts.as_slice() {
        let lower = single.to_ascii_lowercase();
        if !SYSTEMS.contains(&lower.as_str()) && !ARCHITECTURES.contains(&lower.as_str()) {
            return Some("a single part must be a known operating system or architecture");
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::problem;

    #[test]
    fn accepted_and_refused() {
        for good in [
            "linux/amd64",
            "linux/arm/v7",
            "arm64",
            "windows",
            "x86_64",
            "Linux/AMD64",
        ] {
            assert_eq!(problem(good), None, "{good}");
        }
        for bad in [
            "",
            "linux/",
            "/amd64",
            "linux/amd64,linux/arm64",
            "foo",
            "a/b/c/d",
            "linux/*",
        ] {
            assert!(problem(bad).is_some(), "{bad}");
        }
    }
}
