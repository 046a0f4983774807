//! Archives and compressors: `tar`, `unzip`, `gzip`/`gunzip` (and `xz`, `bzip2` alike).
//!
//! What an archive holds is not known, so extracting one records its target directory as a
//! recursive create ("something below here came from this step").

use super::command::Command;
use super::options::{self, Item, Opt, Parsed, Spec};
use super::record::Recorder;
use super::words::Arg;

/// tar's short options that take a value.
const TAR_SHORT_VALUES: &str = "bCfFgHIKLNTVX";

/// `tar -x [-f ARCHIVE] [-C DIR]` creates DIR (or the current directory) recursively;
/// `tar -c -f OUT …` creates OUT. The first argument may be an old-style bundle (`tar xzf a.tgz`).
pub(super) fn tar(command: &Command, rec: &mut Recorder) {
    const TAR: Spec = Spec {
        short: TAR_SHORT_VALUES,
        long: &[
            "after-date",
            "blocking-factor",
            "checkpoint-action",
            "directory",
            "exclude",
            "exclude-from",
            "file",
            "files-from",
            "format",
            "group",
            "index-file",
            "info-script",
            "label",
            "mode",
            "mtime",
            "new-volume-script",
            "newer",
            "newer-mtime",
            "owner",
            "record-size",
            "sort",
            "strip-components",
            "suffix",
            "tape-length",
            "to-command",
            "transform",
            "use-compress-program",
            "volno-file",
            "warning",
            "xform",
        ],
    };
    let (bundle, rest) = old_style_bundle(command.args);
    let mut parsed = options::parse(rest, &TAR);
    parsed.items.splice(0..0, bundle);
    if parsed.has(&["x", "extract", "get"]) {
        let dir = match parsed.value(&["C", "directory"]) {
            Some(dir) => rec.path(command, dir),
            None => cwd_or_unread(command, rec),
        };
        if let Some(dir) = dir {
            rec.create(command, dir, true);
        }
    } else if parsed.has(&["c", "create"]) {
        if let Some(archive) = written_archive(&parsed) {
            if let Some(path) = rec.path(command, archive) {
                rec.create(command, path, false);
            }
        }
    }
}

/// `unzip [-o] ARCHIVE [members] [-d DIR]` creates DIR (or the current directory)
/// recursively; listing, testing and printing to standard output create nothing.
pub(super) fn unzip(command: &Command, rec: &mut Recorder) {
    const UNZIP: Spec = Spec {
        short: "dPx",
        long: &[],
    };
    let parsed = options::parse(command.args, &UNZIP);
    if parsed.has(&["l", "t", "v", "z", "p", "c", "Z"]) || parsed.operands().is_empty() {
        return;
    }
    let dir = match parsed.value(&["d"]) {
        Some(dir) => rec.path(command, dir),
        None => cwd_or_unread(command, rec),
    };
    if let Some(dir) = dir {
        rec.create(command, dir, true);
    }
}

/// A compressor: its usual suffix, and what decompressing turns other suffixes into.
struct Compressor {
    suffix: &'static str,
    /// Suffix pairs for decompressing (`.tgz` → `.tar`).
    decompressed: &'static [(&'static str, &'static str)],
}

const GZIP: Compressor = Compressor {
    suffix: ".gz",
    decompressed: &[
        (".gz", ""),
        (".tgz", ".tar"),
        (".taz", ".tar"),
        ("-gz", ""),
        (".z", ""),
        ("-z", ""),
        ("_z", ""),
    ],
};
const XZ: Compressor = Compressor {
    suffix: ".xz",
    decompressed: &[(".xz", ""), (".txz", ".tar")],
};
const BZIP2: Compressor = Compressor {
    suffix: ".bz2",
    decompressed: &[
        (".bz2", ""),
        (".bz", ""),
        (".tbz2", ".tar"),
        (".tbz", ".tar"),
    ],
};

/// `gzip FILE` replaces FILE with FILE.gz; `gunzip FILE.gz` (or `gzip -d`) the reverse;
/// `-k` keeps the input; `-c`, `-l`, `-t` write nothing. The same for `xz` and `bzip2`.
pub(super) fn compressor(command: &Command, rec: &mut Recorder) {
    const OPTIONS: Spec = Spec {
        short: "S",
        long: &["suffix"],
    };
    let (compressor, decompressing_name) = match command.name {
        "gzip" => (GZIP, false),
        "gunzip" => (GZIP, true),
        "xz" => (XZ, false),
        "unxz" => (XZ, true),
        "bzip2" => (BZIP2, false),
        "bunzip2" => (BZIP2, true),
        _ => return,
    };
    let parsed = options::parse(command.args, &OPTIONS);
    let writes_nothing = ["c", "stdout", "to-stdout", "l", "list", "t", "test"];
    if parsed.has(&writes_nothing) {
        return;
    }
    if parsed.has(&["r", "recursive"]) {
        rec.unread(command.span);
        return;
    }
    let decompress = decompressing_name || parsed.has(&["d", "decompress", "uncompress"]);
    let keep = parsed.has(&["k", "keep"]);
    let suffix = parsed.value(&["S", "suffix"]).and_then(Arg::text);
    for file in parsed.operands() {
        let Some(input) = rec.path(command, file) else {
            continue;
        };
        let output = if decompress {
            decompressed_name(&input, &compressor, suffix)
        } else {
            Some(format!("{input}{}", suffix.unwrap_or(compressor.suffix)))
        };
        // A name without a known suffix is refused by the tool.
        let Some(output) = output else {
            continue;
        };
        rec.create(command, output, false);
        if !keep {
            rec.delete(command, input, false, file.span);
        }
    }
}

fn decompressed_name(input: &str, compressor: &Compressor, custom: Option<&str>) -> Option<String> {
    let custom = custom.map(|suffix| (suffix, ""));
    custom
        .iter()
        .chain(compressor.decompressed)
        .find_map(|&(suffix, replacement)| {
            let stem = input.strip_suffix(suffix)?;
            (!stem.ends_with('/') && !suffix.is_empty()).then(|| format!("{stem}{replacement}"))
        })
}

/// The archive `tar -c` writes, unless it goes to standard output.
fn written_archive(parsed: &Parsed) -> Option<&Arg> {
    parsed
        .value(&["f", "file"])
        .filter(|archive| archive.text() != Some("-"))
}

fn cwd_or_unread(command: &Command, rec: &mut Recorder) -> Option<String> {
    if command.cwd.is_none() {
        rec.unread(command.span);
    }
    command.cwd.map(str::to_string)
}

/// tar's traditional first argument, letters without a dash (`xzf`, `cvf`): each letter that
/// takes a value takes the next argument in turn. Returns the options it gave and the
/// arguments left.
fn old_style_bundle(args: &[Arg]) -> (Vec<Item>, &[Arg]) {
    let Some((first, mut rest)) = args.split_first() else {
        return (Vec::new(), args);
    };
    let letters = first.option_text();
    let is_bundle = !letters.is_empty()
        && letters.chars().all(|c| c.is_ascii_alphabetic())
        && letters.contains(['x', 'c', 't', 'r', 'u', 'A']);
    if !is_bundle {
        return (Vec::new(), args);
    }
    let mut items = Vec::new();
    for letter in letters.chars() {
        let mut value = None;
        if TAR_SHORT_VALUES.contains(letter) {
            if let Some((next, tail)) = rest.split_first() {
                value = Some(next.clone());
                rest = tail;
            }
        }
        items.push(Item::Option(Opt {
            name: letter.to_string(),
            value,
        }));
    }
    (items, rest)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn tar_extracts_into_the_directory_option() {
        let effects = TestEnv::new().run("tar -xzf /tmp/x.tgz -C /opt");
        assert_eq!(paths(&effects.creates), [("/opt", true)]);
        assert_eq!(effects.creates[0].via, "tar");
    }

    #[test]
    fn old_style_tar_extracts_into_the_current_directory() {
        let effects = TestEnv::new().run("cd /src && tar xzf x.tgz");
        assert_eq!(paths(&effects.creates), [("/src", true)]);
        let effects = TestEnv::new().run("tar xfC x.tar /srv");
        assert_eq!(paths(&effects.creates), [("/srv", true)]);
    }

    #[test]
    fn tar_long_options() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("tar --extract --file=x.tar --directory=out --strip-components 1");
        assert_eq!(paths(&effects.creates), [("/w/out", true)]);
    }

    #[test]
    fn tar_create_writes_the_archive() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("tar -czf /tmp/out.tgz -C /app . && tar cf - dir | gzip > b.tgz && tar -tf x.tar");
        assert_eq!(
            paths(&effects.creates),
            [("/tmp/out.tgz", false), ("/w/b.tgz", false)]
        );
    }

    #[test]
    fn unzip_into_a_directory() {
        let effects = TestEnv::new().workdir("/w").run(
            "unzip -q a.zip -d /opt/a && unzip -o b.zip && unzip -l c.zip && unzip -p d.zip x",
        );
        assert_eq!(paths(&effects.creates), [("/opt/a", true), ("/w", true)]);
    }

    #[test]
    fn gzip_replaces_the_file() {
        let effects = TestEnv::new().run("gzip /tmp/a");
        assert_eq!(paths(&effects.creates), [("/tmp/a.gz", false)]);
        assert_eq!(paths(&effects.deletes), [("/tmp/a", false)]);
        let effects = TestEnv::new().run("gzip -k -S .z /tmp/a && gzip -c /b > /b.gz");
        assert_eq!(
            paths(&effects.creates),
            [("/tmp/a.z", false), ("/b.gz", false)]
        );
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn gunzip_reverses_it() {
        let effects = TestEnv::new().run("gunzip /tmp/a.gz /tmp/b.tgz /tmp/c.txt && gzip -d /d.gz");
        assert_eq!(
            paths(&effects.creates),
            [("/tmp/a", false), ("/tmp/b.tar", false), ("/d", false)]
        );
        assert_eq!(
            paths(&effects.deletes),
            [
                ("/tmp/a.gz", false),
                ("/tmp/b.tgz", false),
                ("/d.gz", false)
            ]
        );
    }

    #[test]
    fn xz_and_bzip2_alike() {
        let effects = TestEnv::new().run("xz /a && unxz /b.txz && bzip2 -k /c");
        assert_eq!(
            paths(&effects.creates),
            [("/a.xz", false), ("/b.tar", false), ("/c.bz2", false)]
        );
    }
}
