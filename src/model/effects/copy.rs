//! Commands that put sources at a destination: `cp`, `mv`, `ln`, `install`.
//!
//! They share one rule for where a source lands: inside the destination when it is a directory
//! given as such (`-t DIR`, a trailing `/`, or several sources), else at the destination itself.
//! Whether a destination without a trailing `/` is an existing directory is not known, so
//! `cp -r src /app` is taken to create `/app`, as written.

use super::command::Command;
use super::options::{self, Parsed, Spec};
use super::record::Recorder;
use super::words::Arg;
use crate::model::paths;

/// The options these commands share that take a value.
const COPY: Spec = Spec {
    short: "tS",
    long: &["target-directory", "suffix"],
};

/// `cp [-r|-R|-a] SRC… DEST` creates what lands at the destination; recursive for a
/// recursive copy.
pub(super) fn cp(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &COPY);
    if parsed.has(&["parents"]) {
        // The sources' own directories are recreated below DEST: not followed.
        rec.unread(command.span);
        return;
    }
    let recursive = parsed.has(&["r", "R", "a", "recursive", "archive"]);
    for landing in landings(command, &parsed, rec, false) {
        rec.create(command, landing.path, recursive);
    }
}

/// `mv SRC… DEST` removes each source and creates it at the destination.
pub(super) fn mv(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &COPY);
    for landing in landings(command, &parsed, rec, false) {
        if let Some(source) = rec.path(command, landing.source) {
            rec.delete(command, source, true, landing.source.span);
        }
        rec.create(command, landing.path, true);
    }
}

/// `ln [-s] TARGET LINK` creates LINK; `ln TARGET` alone links into the current directory.
pub(super) fn ln(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &COPY);
    for landing in landings(command, &parsed, rec, true) {
        rec.create(command, landing.path, false);
    }
}

/// `install [-m MODE] SRC… DEST` copies like `cp`; `install -d DIR…` creates directories.
pub(super) fn install(command: &Command, rec: &mut Recorder) {
    const INSTALL: Spec = Spec {
        short: "gmoSt",
        long: &[
            "group",
            "mode",
            "owner",
            "suffix",
            "target-directory",
            "strip-program",
        ],
    };
    let parsed = options::parse(command.args, &INSTALL);
    if parsed.has(&["d", "directory"]) {
        for arg in parsed.operands() {
            if let Some(path) = rec.path(command, arg) {
                rec.create(command, path, false);
            }
        }
        return;
    }
    for landing in landings(command, &parsed, rec, false) {
        rec.create(command, landing.path, false);
    }
}

/// A source and the absolute path it lands at.
struct Landing<'p> {
    source: &'p Arg,
    path: String,
}

/// Where each source lands. With `lone_into_cwd`, a single operand lands in the current
/// directory (`ln -s /opt/tool/bin/tool`).
fn landings<'p>(
    command: &Command,
    parsed: &'p Parsed,
    rec: &mut Recorder,
    lone_into_cwd: bool,
) -> Vec<Landing<'p>> {
    let operands = parsed.operands();
    if let Some(dir) = parsed.value(&["t", "target-directory"]) {
        let Some(dir) = rec.path(command, dir) else {
            return Vec::new();
        };
        return into_dir(&dir, &operands, rec);
    }
    match operands.split_last() {
        None => Vec::new(),
        Some((only, [])) if lone_into_cwd => match command.cwd {
            Some(cwd) => into_dir(cwd, &[*only], rec),
            None => {
                rec.unread(only.span);
                Vec::new()
            }
        },
        Some((_, [])) => Vec::new(),
        Some((dest, sources)) => {
            // `dir/`, `dir/.`, `.` and `..` can only name a directory.
            let named_as_dir = dest.text().is_some_and(|text| {
                text.ends_with('/')
                    || matches!(paths::file_name(text), "." | "..")
                    || text == "."
                    || text == ".."
            });
            let into =
                (sources.len() > 1 || named_as_dir) && !parsed.has(&["T", "no-target-directory"]);
            let Some(dest_path) = rec.path(command, dest) else {
                return Vec::new();
            };
            match sources {
                _ if into => into_dir(&dest_path, sources, rec),
                [source] => vec![Landing {
                    source,
                    path: dest_path,
                }],
                _ => Vec::new(),
            }
        }
    }
}

fn into_dir<'p>(dir: &str, sources: &[&'p Arg], rec: &mut Recorder) -> Vec<Landing<'p>> {
    let mut landings = Vec::new();
    for source in sources {
        match source_name(source) {
            Some(name) => landings.push(Landing {
                source,
                path: paths::resolve(dir, name),
            }),
            None => rec.unread(source.span),
        }
    }
    landings
}

/// The name a source keeps inside a target directory; `.`, `..` and `/` copy their contents
/// into the directory itself (the empty name).
fn source_name(source: &Arg) -> Option<&str> {
    let text = source.path_text()?;
    let name = paths::file_name(text.trim_end_matches('/'));
    Some(if name == "." || name == ".." {
        ""
    } else {
        name
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn a_destination_ending_in_dot_is_a_directory() {
        let effects = TestEnv::new().run("cp /tmp/a.conf /etc/app/. && cp /tmp/b.conf .");
        let created: Vec<_> = paths(&effects.creates)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(created, ["/etc/app/a.conf", "/b.conf"]);
    }

    #[test]
    fn cp_into_a_directory_named_with_a_slash() {
        let effects = TestEnv::new().workdir("/build").run("cp -r src /app/");
        assert_eq!(paths(&effects.creates), [("/app/src", true)]);
    }

    #[test]
    fn cp_several_sources_into_a_directory() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("cp a b/c.txt /x/*.conf /dst");
        assert_eq!(
            paths(&effects.creates),
            [
                ("/dst/a", false),
                ("/dst/c.txt", false),
                ("/dst/*.conf", false)
            ]
        );
    }

    #[test]
    fn cp_to_a_plain_destination_creates_it() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("cp -a conf.d /etc/app && cp x y");
        assert_eq!(
            paths(&effects.creates),
            [("/etc/app", true), ("/w/y", false)]
        );
    }

    #[test]
    fn cp_target_directory_option_and_no_target_directory() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("cp -t /opt a b && cp --target-directory=/srv c && cp -T d /e/");
        assert_eq!(
            paths(&effects.creates),
            [
                ("/opt/a", false),
                ("/opt/b", false),
                ("/srv/c", false),
                ("/e", false)
            ]
        );
    }

    #[test]
    fn cp_of_a_directory_contents() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("cp -r . /app/ && cp -r dist/ /www/");
        assert_eq!(
            paths(&effects.creates),
            [("/app", true), ("/www/dist", true)]
        );
    }

    #[test]
    fn cp_parents_is_not_followed() {
        let effects = TestEnv::new().run("cp --parents a/b /dst");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 1);
    }

    #[test]
    fn mv_deletes_the_source_and_creates_the_destination() {
        let script = "mv /tmp/tool-1.0 /opt/tool";
        let effects = TestEnv::new().run(script);
        assert_eq!(paths(&effects.deletes), [("/tmp/tool-1.0", true)]);
        assert_eq!(&script[effects.deletes[0].span.range()], "/tmp/tool-1.0");
        assert_eq!(paths(&effects.creates), [("/opt/tool", true)]);
        let effects = TestEnv::new().workdir("/w").run("mv a b /bin/");
        assert_eq!(paths(&effects.deletes), [("/w/a", true), ("/w/b", true)]);
        assert_eq!(
            paths(&effects.creates),
            [("/bin/a", true), ("/bin/b", true)]
        );
    }

    #[test]
    fn ln_creates_the_link() {
        let effects = TestEnv::new()
            .workdir("/usr/local/bin")
            .run("ln -sf /opt/node/bin/node /usr/bin/node && ln -s ../lib/x && ln -s a b /l/");
        assert_eq!(
            paths(&effects.creates),
            [
                ("/usr/bin/node", false),
                ("/usr/local/bin/x", false),
                ("/l/a", false),
                ("/l/b", false)
            ]
        );
    }

    #[test]
    fn install_copies_or_makes_directories() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("install -m 0755 tool /usr/local/bin/ && install -d -m 700 /var/app /run/app && install -o root a /b");
        assert_eq!(
            paths(&effects.creates),
            [
                ("/usr/local/bin/tool", false),
                ("/var/app", false),
                ("/run/app", false),
                ("/b", false)
            ]
        );
    }

    #[test]
    fn unknown_sources_are_unread() {
        let effects = TestEnv::new().run("cp $SRC /dst/ && cp a $DEST");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 2);
    }
}
