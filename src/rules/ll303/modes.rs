//! What a `chmod` or `chown` does to a file whose mode or owner is known, so that LL303 can tell
//! a change that copies the file from one that changes nothing (BuildKit's differ and buildah's
//! vfs driver skip a file whose mode, owner and time are unchanged, so no bytes are added).

/// The new mode of a regular file after `chmod SPEC`, when the old one is `old`. `None` when the
/// spec is not understood, or when the result depends on the umask of the shell (GNU chmod
/// masks a spec without `ugoa` by the umask, busybox does not) and the two answers differ.
pub fn apply_chmod(spec: &str, old: u32) -> Option<u32> {
    if !spec.is_empty() && spec.bytes().all(|b| b.is_ascii_digit()) {
        let mode = u32::from_str_radix(spec, 8).ok()?;
        return (mode <= 0o7777).then_some(mode);
    }
    // GNU chmod's operator with octal bits: `=2775`, `+4000`, `-022`.
    if let Some(op) = spec.chars().next().filter(|c| "=+-".contains(*c)) {
        let digits = &spec[1..];
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            let bits = u32::from_str_radix(digits, 8)
                .ok()
                .filter(|b| *b <= 0o7777)?;
            return Some(match op {
                '=' => bits,
                '+' => (old & 0o7777) | bits,
                _ => old & 0o7777 & !bits,
            });
        }
    }
    let masked = symbolic(spec, old, 0o022)?;
    let unmasked = symbolic(spec, old, 0)?;
    (masked == unmasked).then_some(masked)
}

/// `[ugoa]*([-+=]([rwxXst]*|[ugo]))+`, comma-separated, applied to a regular file.
fn symbolic(spec: &str, old: u32, umask: u32) -> Option<u32> {
    let mut mode = old & 0o7777;
    for clause in spec.split(',') {
        let who_len = clause.bytes().take_while(|b| b"ugoa".contains(b)).count();
        let (who, mut rest) = clause.split_at(who_len);
        let mut mask = 0;
        for c in who.chars() {
            mask |= match c {
                'u' => 0o4700,
                'g' => 0o2070,
                'o' => 0o1007,
                _ => 0o7777,
            };
        }
        let (mask, masked_by_umask) = if who.is_empty() {
            (0o7777, true)
        } else {
            (mask, false)
        };
        if rest.is_empty() {
            return None;
        }
        while let Some(op) = rest.chars().next().filter(|c| "+-=".contains(*c)) {
            rest = &rest[1..];
            let perm_len = rest.bytes().take_while(|b| !b"+-=".contains(b)).count();
            let (perms, tail) = rest.split_at(perm_len);
            rest = tail;
            let mut bits = 0;
            for c in perms.chars() {
                bits |= match c {
                    'r' => 0o444,
                    'w' => 0o222,
                    'x' => 0o111,
                    // Execute only where someone may already execute it (a regular file).
                    'X' if mode & 0o111 != 0 => 0o111,
                    'X' => 0,
                    's' => 0o6000,
                    't' => 0o1000,
                    // Copying another class's bits: spread them over every class.
                    'u' => ((mode >> 6) & 7) * 0o111,
                    'g' => ((mode >> 3) & 7) * 0o111,
                    'o' => (mode & 7) * 0o111,
                    _ => return None,
                };
            }
            let mut bits = bits & mask;
            if masked_by_umask {
                bits &= !umask;
            }
            mode = match op {
                '+' => mode | bits,
                '-' => mode & !bits,
                _ => {
                    // `=` clears what the classes named may hold (all of it without `ugoa`),
                    // except the set-id bits, which GNU chmod keeps on a directory only.
                    let cleared = if masked_by_umask { 0o7777 } else { mask };
                    (mode & !cleared) | bits
                }
            };
        }
        if !rest.is_empty() {
            return None;
        }
    }
    Some(mode)
}

/// An owner or group as written: `root` and `0` name the same account in every image; other
/// names and numbers are compared as written.
fn same_account(a: &str, b: &str) -> Option<bool> {
    let canonical = |s: &str| {
        if s == "root" {
            "0".to_string()
        } else {
            s.to_string()
        }
    };
    let (a, b) = (canonical(a), canonical(b));
    if a == b {
        return Some(true);
    }
    let numeric = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    // A name and a number may be the same account; two different names or numbers are not,
    // and no image names another account for uid 0.
    if numeric(&a) != numeric(&b) && a != "0" && b != "0" {
        return None;
    }
    Some(false)
}

/// The owner a file has: user and group, each `None` when not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    pub user: Option<String>,
    pub group: Option<String>,
}

/// What `chown OWNER` (or `chgrp GROUP`) sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerChange {
    pub user: Option<String>,
    /// `Some(None)`: the user's login group (`chown user:`).
    pub group: Option<Option<String>>,
}

impl OwnerChange {
    /// `user`, `user:group`, `user:`, `:group`, and the old `user.group` spelling (GNU chown
    /// reads it when the whole word is not a user name, BuildKit's `--chown` never does).
    pub fn parse_chown(value: &str) -> Option<OwnerChange> {
        let (user, group) = match value.split_once(':') {
            Some((user, group)) => (user, Some(group)),
            None => match value.split_once('.') {
                Some((user, group)) if !user.is_empty() && !group.is_empty() => (user, Some(group)),
                _ => (value, None),
            },
        };
        if user.is_empty() && group.is_none_or(str::is_empty) {
            return None;
        }
        Some(OwnerChange {
            user: (!user.is_empty()).then(|| user.to_string()),
            group: group.map(|g| (!g.is_empty()).then(|| g.to_string())),
        })
    }

    pub fn chgrp(group: &str) -> OwnerChange {
        OwnerChange {
            user: None,
            group: Some(Some(group.to_string())),
        }
    }

    /// Whether applying it to a file owned by `owner` changes it: `Some(false)` only when
    /// certainly not, `None` when it can't be told.
    pub fn changes(&self, owner: &Owner) -> Option<bool> {
        let mut unknown = false;
        let mut check = |wanted: &str, had: &Option<String>| match had {
            Some(had) => match same_account(wanted, had) {
                Some(same) => !same,
                None => {
                    unknown = true;
                    false
                }
            },
            None => {
                unknown = true;
                false
            }
        };
        let mut changed = false;
        if let Some(user) = &self.user {
            changed |= check(user, &owner.user);
        }
        match &self.group {
            Some(Some(group)) => changed |= check(group, &owner.group),
            Some(None) => unknown = true,
            None => {}
        }
        if changed {
            Some(true)
        } else if unknown {
            None
        } else {
            Some(false)
        }
    }

    /// The owner after the change, for a file owned by `owner`.
    pub fn apply(&self, owner: &Owner) -> Owner {
        Owner {
            user: self.user.clone().or_else(|| owner.user.clone()),
            group: match &self.group {
                Some(Some(group)) => Some(group.clone()),
                Some(None) => None,
                None => owner.group.clone(),
            },
        }
    }
}

/// `--chown=USER[:GROUP]` as a COPY/ADD flag value. BuildKit gives a user named without a
/// group the user's primary group, so a group stays unknown here.
pub fn copy_owner(flag: Option<&str>) -> Owner {
    match flag {
        None => Owner {
            user: Some("0".into()),
            group: Some("0".into()),
        },
        Some(value) => match value.split_once(':') {
            Some((user, group)) => Owner {
                user: Some(user.to_string()),
                group: Some(group.to_string()),
            },
            None => Owner {
                user: Some(value.to_string()),
                group: None,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_with_octal_bits() {
        assert_eq!(apply_chmod("=2775", 0o644), Some(0o2775));
        assert_eq!(apply_chmod("+111", 0o644), Some(0o755));
        assert_eq!(apply_chmod("-022", 0o777), Some(0o755));
    }

    #[test]
    fn octal_and_symbolic_modes() {
        assert_eq!(apply_chmod("755", 0o644), Some(0o755));
        assert_eq!(apply_chmod("0644", 0o755), Some(0o644));
        assert_eq!(apply_chmod("+x", 0o644), Some(0o755));
        assert_eq!(apply_chmod("+x", 0o755), Some(0o755));
        assert_eq!(apply_chmod("a+x", 0o600), Some(0o711));
        assert_eq!(apply_chmod("u+x", 0o644), Some(0o744));
        assert_eq!(apply_chmod("go-w", 0o664), Some(0o644));
        assert_eq!(apply_chmod("a+rX", 0o600), Some(0o644));
        assert_eq!(apply_chmod("a+rX", 0o700), Some(0o755));
        assert_eq!(apply_chmod("u=rwx,go=rx", 0o600), Some(0o755));
        assert_eq!(apply_chmod("-x", 0o755), Some(0o644));
        assert_eq!(apply_chmod("u+s", 0o755), Some(0o4755));
        // +w without `ugoa`: GNU masks it by the umask, busybox does not.
        assert_eq!(apply_chmod("+w", 0o444), None);
        assert_eq!(apply_chmod("+w", 0o666), Some(0o666));
        assert_eq!(apply_chmod("bogus", 0o644), None);
        assert_eq!(apply_chmod("99", 0o644), None);
    }

    #[test]
    fn owners() {
        let root = copy_owner(None);
        let change = |v: &str| OwnerChange::parse_chown(v).unwrap();
        assert_eq!(change("root").changes(&root), Some(false));
        assert_eq!(change("root:root").changes(&root), Some(false));
        assert_eq!(change("0:0").changes(&root), Some(false));
        assert_eq!(change("app").changes(&root), Some(true));
        assert_eq!(change("1000").changes(&root), Some(true));
        assert_eq!(
            change("app.staff"),
            OwnerChange {
                user: Some("app".into()),
                group: Some(Some("staff".into()))
            }
        );
        let app = copy_owner(Some("app:app"));
        assert_eq!(change("app:app").changes(&app), Some(false));
        assert_eq!(change("app").changes(&app), Some(false));
        assert_eq!(change("1000:1000").changes(&app), None);
        // `--chown=app` leaves the group to the user's entry in /etc/passwd.
        assert_eq!(change("app:app").changes(&copy_owner(Some("app"))), None);
        assert_eq!(OwnerChange::chgrp("root").changes(&root), Some(false));
        assert_eq!(
            change("app").apply(&root),
            Owner {
                user: Some("app".into()),
                group: Some("0".into())
            }
        );
    }
}
