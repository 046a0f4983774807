//! The label-schema rules (DL3049–DL3056, DL3058): the labels of the file checked against the
//! `label-schema` of the configuration (label name → `text`, `url`, `rfc3339`, `semver`, `hash`,
//! `spdx` or `email`), and `strict-labels`.

use super::unquoted;
use crate::rules::Context;
use crate::span::Span;
use crate::syntax::{Args, Dockerfile, Keyword};

/// One `key=value` of a LABEL, quotes removed.
pub struct Label {
    pub key: String,
    pub value: String,
    pub key_span: Span,
    pub span: Span,
}

pub fn labels(dockerfile: &Dockerfile) -> Vec<Label> {
    let mut found = Vec::new();
    for instruction in dockerfile.instructions() {
        if instruction.keyword != Keyword::Label {
            continue;
        }
        let Args::KeyValues(pairs, _) = &instruction.args else {
            continue;
        };
        for pair in pairs {
            found.push(Label {
                key: unquoted(&pair.key.text).to_string(),
                value: strip_quotes(&pair.value.text).to_string(),
                key_span: pair.key.span,
                span: pair.key.span.cover(pair.value.span),
            });
        }
    }
    found
}

fn strip_quotes(value: &str) -> &str {
    let bytes = value.as_bytes();
    if bytes.len() >= 2
        && (bytes[0] == b'"' || bytes[0] == b'\'')
        && bytes[0] == bytes[bytes.len() - 1]
    {
        &value[1..value.len() - 1]
    } else {
        value
    }
}

/// Reports every label whose schema type is `kind` and whose (non-empty, variable-free) value
/// `valid` rejects.
pub fn check_values(
    cx: &mut Context<'_, '_>,
    kind: &str,
    what: &str,
    valid: impl Fn(&str) -> bool,
) {
    let schema = cx.config.label_schema.clone();
    for label in labels(cx.dockerfile) {
        let Some(expected) = schema.get(&label.key) else {
            continue;
        };
        if !expected.eq_ignore_ascii_case(kind)
            || label.value.is_empty()
            || label.value.contains('$')
            || valid(&label.value)
        {
            continue;
        }
        cx.report(
            label.span,
            format!(
                "label `{}` is `{}`, which is not {what} (the label schema asks for `{kind}`)",
                label.key, label.value
            ),
        );
    }
}

pub fn is_url(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !value.contains(char::is_whitespace)
}

/// `2024-05-01T12:30:00Z`, `2021-03-10T10:26:33.564595127+01:00` (RFC 3339 date-time).
pub fn is_rfc3339(value: &str) -> bool {
    let b = value.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range.clone())
            .is_some_and(|s| s.len() == range.len() && s.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b't' | b' '))
        && digits(11..13)
        && b.get(13) == Some(&b':')
        && digits(14..16)
        && b.get(16) == Some(&b':')
        && digits(17..19))
    {
        return false;
    }
    let number = |r: std::ops::Range<usize>| value[r].parse::<u32>().unwrap_or(99);
    if !(1..=12).contains(&number(5..7))
        || !(1..=31).contains(&number(8..10))
        || number(11..13) > 23
        || number(14..16) > 59
        || number(17..19) > 60
    {
        return false;
    }
    let mut rest = &value[19..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return false;
        }
        rest = &fraction[len..];
    }
    match rest.as_bytes() {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|c| c.is_ascii_digit()),
        _ => false,
    }
}

/// Semantic Versioning 2.0: `MAJOR.MINOR.PATCH[-pre][+build]`, no leading zeros.
pub fn is_semver(value: &str) -> bool {
    let (rest, build) = match value.split_once('+') {
        Some((rest, build)) => (rest, Some(build)),
        None => (value, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((core, pre)) => (core, Some(pre)),
        None => (rest, None),
    };
    let numeric = |p: &str| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
    };
    let identifiers = |text: &str, numbers_strict: bool| {
        text.split('.').all(|id| {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && (!numbers_strict || !id.bytes().all(|b| b.is_ascii_digit()) || numeric(id))
        })
    };
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| numeric(p))
        && pre.is_none_or(|p| identifiers(p, true))
        && build.is_none_or(|b| identifiers(b, false))
}

/// A git commit id, abbreviated (at least 7 hex digits) or full (40, or 64 for SHA-256).
pub fn is_git_hash(value: &str) -> bool {
    (7..=64).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `local@domain.tld`, loosely after RFC 5322's addr-spec (one `@`, no spaces, a dotted domain).
pub fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.rsplit_once('@') else {
        return false;
    };
    let atom = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c);
    !local.is_empty()
        && local.chars().all(atom)
        && !local.starts_with('.')
        && !local.ends_with('.')
        && domain.contains('.')
        && domain.split('.').all(|label| {
            !label.is_empty()
                && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// An SPDX license expression: identifiers (the common SPDX list, `LicenseRef-…`, `+` for "or
/// later") joined by `AND`, `OR`, `WITH` and parentheses.
pub fn is_spdx(value: &str) -> bool {
    let spaced = value.replace('(', " ( ").replace(')', " ) ");
    let mut expect_id = true;
    let mut depth = 0i32;
    let mut after_with = false;
    for token in spaced.split_whitespace() {
        match token {
            "(" if expect_id => depth += 1,
            ")" if !expect_id => {
                depth -= 1;
                if depth < 0 {
                    return false;
                }
            }
            "AND" | "OR" | "WITH" if !expect_id => {
                after_with = token == "WITH";
                expect_id = true;
            }
            id if expect_id => {
                let known = if after_with {
                    EXCEPTIONS.iter().any(|e| e.eq_ignore_ascii_case(id))
                } else {
                    let base = id.strip_suffix('+').unwrap_or(id);
                    base.starts_with("LicenseRef-")
                        || base.starts_with("DocumentRef-")
                        || LICENSES.iter().any(|l| l.eq_ignore_ascii_case(base))
                };
                if !known {
                    return false;
                }
                after_with = false;
                expect_id = false;
            }
            _ => return false,
        }
    }
    !expect_id && depth == 0
}

const LICENSES: &[&str] = &[
    "0BSD",
    "AFL-3.0",
    "AGPL-1.0",
    "AGPL-3.0",
    "AGPL-3.0-only",
    "AGPL-3.0-or-later",
    "Apache-1.0",
    "Apache-1.1",
    "Apache-2.0",
    "APSL-2.0",
    "Artistic-1.0",
    "Artistic-2.0",
    "BlueOak-1.0.0",
    "BSD-1-Clause",
    "BSD-2-Clause",
    "BSD-2-Clause-Patent",
    "BSD-3-Clause",
    "BSD-3-Clause-Clear",
    "BSD-4-Clause",
    "BSL-1.0",
    "BUSL-1.1",
    "CC-BY-3.0",
    "CC-BY-4.0",
    "CC-BY-SA-3.0",
    "CC-BY-SA-4.0",
    "CC-BY-NC-4.0",
    "CC-BY-NC-SA-4.0",
    "CC-BY-ND-4.0",
    "CC0-1.0",
    "CDDL-1.0",
    "CDDL-1.1",
    "CECILL-2.1",
    "CPL-1.0",
    "ECL-2.0",
    "EFL-2.0",
    "EPL-1.0",
    "EPL-2.0",
    "EUPL-1.1",
    "EUPL-1.2",
    "FTL",
    "GFDL-1.3",
    "GFDL-1.3-only",
    "GFDL-1.3-or-later",
    "GPL-1.0",
    "GPL-1.0-only",
    "GPL-1.0-or-later",
    "GPL-2.0",
    "GPL-2.0-only",
    "GPL-2.0-or-later",
    "GPL-3.0",
    "GPL-3.0-only",
    "GPL-3.0-or-later",
    "HPND",
    "ICU",
    "IJG",
    "ISC",
    "LGPL-2.0",
    "LGPL-2.0-only",
    "LGPL-2.0-or-later",
    "LGPL-2.1",
    "LGPL-2.1-only",
    "LGPL-2.1-or-later",
    "LGPL-3.0",
    "LGPL-3.0-only",
    "LGPL-3.0-or-later",
    "Libpng",
    "libtiff",
    "LPL-1.02",
    "LPPL-1.3c",
    "MIT",
    "MIT-0",
    "MIT-CMU",
    "MPL-1.0",
    "MPL-1.1",
    "MPL-2.0",
    "MPL-2.0-no-copyleft-exception",
    "MS-PL",
    "MS-RL",
    "MulanPSL-2.0",
    "NCSA",
    "ODbL-1.0",
    "OFL-1.1",
    "OpenSSL",
    "OSL-3.0",
    "PHP-3.0",
    "PHP-3.01",
    "PostgreSQL",
    "PSF-2.0",
    "Python-2.0",
    "Ruby",
    "SSPL-1.0",
    "Unicode-3.0",
    "Unicode-DFS-2016",
    "Unlicense",
    "UPL-1.0",
    "Vim",
    "W3C",
    "WTFPL",
    "X11",
    "Zlib",
    "ZPL-2.1",
];

const EXCEPTIONS: &[&str] = &[
    "Autoconf-exception-3.0",
    "Bison-exception-2.2",
    "Classpath-exception-2.0",
    "GCC-exception-3.1",
    "LLVM-exception",
    "OpenJDK-assembly-exception-1.0",
    "Qt-LGPL-exception-1.1",
    "openvpn-openssl-exception",
    "Linux-syscall-note",
    "Font-exception-2.0",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_formats() {
        assert!(is_rfc3339("2021-03-10T10:26:33.564595127+01:00"));
        assert!(is_rfc3339("2024-05-01T12:30:00Z"));
        assert!(!is_rfc3339("2024-05-01"));
        assert!(!is_rfc3339("not-date"));
        assert!(is_semver("2.0.1-rc1"));
        assert!(is_semver("1.0.0+build.5"));
        assert!(!is_semver("1.0"));
        assert!(!is_semver("01.0.0"));
        assert!(is_spdx("MIT"));
        assert!(is_spdx(
            "(MIT OR Apache-2.0) AND GPL-2.0-or-later WITH Classpath-exception-2.0"
        ));
        assert!(!is_spdx("not-spdx"));
        assert!(!is_spdx("MIT OR"));
        assert!(is_email("abcd@google.com"));
        assert!(!is_email("not-email"));
        assert!(is_url("https://example.com/x"));
        assert!(!is_url("not-url"));
        assert!(is_git_hash("2dbfae9"));
        assert!(!is_git_hash("not-git-hash"));
    }
}
