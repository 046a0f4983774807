//! Reading a command's options the way `getopt_long` does: bundled short letters (`-xzf`), long
//! names with `=value` or a separate value, `--` ending the options, a lone `-` an operand.
//!
//! Which options take a value is given per command, so a value (`-o FILE`, `-C /opt`) is never
//! mistaken for an operand. A long option given as `--name=value` carries its value whether or
//! not it is listed (optional values such as `--backup=numbered` only come that way).

use super::words::Arg;

/// The options of one command that take a value.
pub(super) struct Spec {
    /// Short letters that take a value (`-oFILE`, `-o FILE`).
    pub short: &'static str,
    /// Long names, without the dashes, that take a value (`--output FILE`).
    pub long: &'static [&'static str],
}

impl Spec {
    pub const NONE: Spec = Spec {
        short: "",
        long: &[],
    };
}

/// One option: its letter or long name without dashes (`o`, `output`), and its value if it
/// takes one. The name is empty when it could not be read (`-$FLAGS`).
#[derive(Clone, Debug)]
pub(super) struct Opt {
    pub name: String,
    pub value: Option<Arg>,
}

#[derive(Clone, Debug)]
pub(super) enum Item {
    Option(Opt),
    Operand(Arg),
}

/// A command line read into options and operands, in their order.
#[derive(Clone, Debug, Default)]
pub(super) struct Parsed {
    pub items: Vec<Item>,
}

impl Parsed {
    pub fn options(&self) -> impl Iterator<Item = &Opt> {
        self.items.iter().filter_map(|item| match item {
            Item::Option(option) => Some(option),
            Item::Operand(_) => None,
        })
    }

    pub fn operands(&self) -> Vec<&Arg> {
        self.items
            .iter()
            .filter_map(|item| match item {
                Item::Operand(arg) => Some(arg),
                Item::Option(_) => None,
            })
            .collect()
    }

    /// Whether any of the names (letters or long names) was given.
    pub fn has(&self, names: &[&str]) -> bool {
        self.options()
            .any(|option| names.contains(&option.name.as_str()))
    }

    /// The values given to any of the names, in order.
    pub fn values(&self, names: &[&str]) -> Vec<&Arg> {
        self.options()
            .filter(|option| names.contains(&option.name.as_str()))
            .filter_map(|option| option.value.as_ref())
            .collect()
    }

    /// The last value given to any of the names (the one that wins for most programs).
    pub fn value(&self, names: &[&str]) -> Option<&Arg> {
        self.values(names).pop()
    }
}

/// Reads all of `args`; options may follow operands, as GNU programs allow.
pub(super) fn parse(args: &[Arg], spec: &Spec) -> Parsed {
    read(args, spec, false).0
}

/// Reads the options before the first operand (a wrapper's own options, a tool's global options)
/// and returns the arguments from that operand on.
pub(super) fn parse_leading<'a>(args: &'a [Arg], spec: &Spec) -> (Parsed, &'a [Arg]) {
    let (parsed, rest) = read(args, spec, true);
    (parsed, args.get(rest..).unwrap_or_default())
}

/// Reads options and operands; with `stop_at_operand`, stops at the first operand and returns
/// its index (or `args.len()`).
fn read(args: &[Arg], spec: &Spec, stop_at_operand: bool) -> (Parsed, usize) {
    let mut parsed = Parsed::default();
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        let text = arg.option_text();
        if text == "--" {
            index += 1;
            if stop_at_operand {
                return (parsed, index);
            }
            let rest = args.get(index..).unwrap_or_default();
            parsed.items.extend(rest.iter().cloned().map(Item::Operand));
            return (parsed, args.len());
        }
        if let Some(long) = text.strip_prefix("--") {
            index += read_long(arg, long, args.get(index + 1), spec, &mut parsed);
        } else if let Some(letters) = text.strip_prefix('-').filter(|l| !l.is_empty()) {
            index += read_short(arg, letters, args.get(index + 1), spec, &mut parsed);
        } else if stop_at_operand {
            return (parsed, index);
        } else {
            parsed.items.push(Item::Operand(arg.clone()));
            index += 1;
        }
    }
    (parsed, args.len())
}

/// Reads `--name[=value]`; returns how many arguments it used.
fn read_long(arg: &Arg, long: &str, next: Option<&Arg>, spec: &Spec, parsed: &mut Parsed) -> usize {
    let (name, value, used) = match long.split_once('=') {
        Some((name, value)) => (name, Some(part_of(arg, value)), 1),
        None if spec.long.contains(&long) => (long, next.cloned(), 1 + usize::from(next.is_some())),
        None => (long, None, 1),
    };
    parsed.items.push(Item::Option(Opt {
        name: name.to_string(),
        value,
    }));
    used
}

/// Reads a group of short letters; the first letter that takes a value takes the rest of the
/// group, or the next argument. Returns how many arguments it used.
fn read_short(
    arg: &Arg,
    letters: &str,
    next: Option<&Arg>,
    spec: &Spec,
    parsed: &mut Parsed,
) -> usize {
    for (at, letter) in letters.char_indices() {
        if !spec.short.contains(letter) {
            parsed.items.push(Item::Option(Opt {
                name: letter.to_string(),
                value: None,
            }));
            continue;
        }
        let rest = letters.get(at + letter.len_utf8()..).unwrap_or("");
        let (value, used) = if rest.is_empty() {
            (next.cloned(), 1 + usize::from(next.is_some()))
        } else {
            (Some(part_of(arg, rest)), 1)
        };
        parsed.items.push(Item::Option(Opt {
            name: letter.to_string(),
            value,
        }));
        return used;
    }
    1
}

/// An option's value written inside the option's own word (`--file=x.tgz`, `-C/opt`). Its value
/// is unknown when the word's was.
pub(super) fn part_of(arg: &Arg, text: &str) -> Arg {
    let known = arg.value.is_some();
    Arg {
        span: arg.span,
        // Only an unknown value is read through the text as written.
        raw: if known {
            String::new()
        } else {
            text.to_string()
        },
        value: known.then(|| text.to_string()),
        path_like: !crate::model::paths::is_glob(text) || arg.path_like,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::args;
    use super::*;

    const TAR: Spec = Spec {
        short: "fC",
        long: &["file", "directory"],
    };

    fn names(parsed: &Parsed) -> Vec<String> {
        parsed.options().map(|o| o.name.clone()).collect()
    }

    fn texts(args: &[&Arg]) -> Vec<String> {
        args.iter().map(|a| a.as_written().to_string()).collect()
    }

    #[test]
    fn bundled_letters_and_values() {
        let parsed = parse(&args("-xzf /tmp/x.tgz -C/opt member"), &TAR);
        assert_eq!(names(&parsed), ["x", "z", "f", "C"]);
        assert_eq!(parsed.value(&["f"]).and_then(Arg::text), Some("/tmp/x.tgz"));
        assert_eq!(parsed.value(&["C"]).and_then(Arg::text), Some("/opt"));
        assert_eq!(texts(&parsed.operands()), ["member"]);
    }

    #[test]
    fn long_options_with_and_without_equals() {
        let parsed = parse(
            &args("--extract --file=a.tar --directory /srv --strip-components=1"),
            &TAR,
        );
        assert!(parsed.has(&["x", "extract"]));
        assert_eq!(parsed.value(&["file"]).and_then(Arg::text), Some("a.tar"));
        assert_eq!(
            parsed.value(&["directory"]).and_then(Arg::text),
            Some("/srv")
        );
        assert_eq!(
            parsed.value(&["strip-components"]).and_then(Arg::text),
            Some("1")
        );
        assert!(parsed.operands().is_empty());
    }

    #[test]
    fn double_dash_and_lone_dash_are_operands() {
        let parsed = parse(&args("-f - -- -weird"), &TAR);
        assert_eq!(parsed.value(&["f"]).and_then(Arg::text), Some("-"));
        assert_eq!(texts(&parsed.operands()), ["-weird"]);
        let parsed = parse(&args("-r - x"), &Spec::NONE);
        assert_eq!(texts(&parsed.operands()), ["-", "x"]);
    }

    #[test]
    fn leading_options_stop_at_the_first_operand() {
        let words = args("-u app -E pip install -q x");
        let sudo = Spec {
            short: "u",
            long: &[],
        };
        let (parsed, rest) = parse_leading(&words, &sudo);
        assert_eq!(names(&parsed), ["u", "E"]);
        let rest: Vec<&str> = rest.iter().map(Arg::as_written).collect();
        assert_eq!(rest, ["pip", "install", "-q", "x"]);
    }

    #[test]
    fn a_missing_value_is_no_panic() {
        let parsed = parse(&args("-C"), &TAR);
        assert!(parsed.has(&["C"]));
        assert_eq!(parsed.value(&["C"]), None);
        let parsed = parse(&args("--file"), &TAR);
        assert!(parsed.has(&["file"]));
    }

    #[test]
    fn options_with_unknown_values_keep_their_names() {
        let parsed = parse(&args("-f$ARCHIVE --directory=$DIR"), &TAR);
        assert_eq!(names(&parsed), ["f", "directory"]);
        assert_eq!(parsed.value(&["f"]).and_then(Arg::text), None);
        assert_eq!(parsed.value(&["directory"]).and_then(Arg::text), None);
    }
}
