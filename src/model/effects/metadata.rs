//! Commands that change metadata: `chmod`, `chown`, `chgrp`, `touch`. On a file from an earlier
//! layer such a change copies the whole file into the new one, so each is recorded as a touch
//! (recursive with `-R`), pointing at the word that names the path.

use super::command::Command;
use super::options::{self, Spec};
use super::record::Recorder;
use super::words::Arg;

/// `chmod [-R] MODE PATH…` or `chmod [-R] --reference=FILE PATH…`. A mode may start with a
/// dash (`chmod -x file`, `chmod -R -w dir`), so options are told from modes by their letters.
pub(super) fn chmod(command: &Command, rec: &mut Recorder) {
    let mut recursive = false;
    let mut mode_given = false;
    let mut paths: Vec<&Arg> = Vec::new();
    let mut args = command.args.iter();
    while let Some(arg) = args.next() {
        let text = arg.option_text();
        if text == "--" {
            paths.extend(args.by_ref());
            break;
        }
        if let Some(long) = text.strip_prefix("--") {
            recursive |= long == "recursive";
            mode_given |= long.starts_with("reference");
            if long == "reference" {
                args.next();
            }
        } else if !mode_given && (!text.starts_with('-') || is_mode(text)) {
            mode_given = true;
        } else if text.starts_with('-') {
            recursive |= text.contains('R');
        } else {
            paths.push(arg);
        }
    }
    touch_all(command, rec, &paths, recursive);
}

/// `chown [-R] OWNER[:GROUP] PATH…` and `chgrp [-R] GROUP PATH…`; with `--reference=FILE`
/// there is no owner operand.
pub(super) fn chown(command: &Command, rec: &mut Recorder) {
    const CHOWN: Spec = Spec {
        short: "",
        long: &["from", "reference"],
    };
    let parsed = options::parse(command.args, &CHOWN);
    let recursive = parsed.has(&["R", "recursive"]);
    let operands = parsed.operands();
    let skip = usize::from(!parsed.has(&["reference"]));
    touch_all(
        command,
        rec,
        operands.get(skip..).unwrap_or_default(),
        recursive,
    );
}

/// `touch [-c] FILE…` changes the times of an existing file or creates a missing one; which it
/// is the rules decide, so it is recorded both ways (`-c` never creates).
pub(super) fn touch(command: &Command, rec: &mut Recorder) {
    const TOUCH: Spec = Spec {
        short: "drt",
        long: &["date", "reference", "time"],
    };
    let parsed = options::parse(command.args, &TOUCH);
    let creates = !parsed.has(&["c", "no-create"]);
    for arg in parsed.operands() {
        if let Some(path) = rec.path(command, arg) {
            if creates {
                rec.create(command, path.clone(), false);
            }
            rec.touch(command, path, false, arg.span);
        }
    }
}

fn touch_all(command: &Command, rec: &mut Recorder, paths: &[&Arg], recursive: bool) {
    for arg in paths {
        if let Some(path) = rec.path(command, arg) {
            rec.touch(command, path, recursive, arg.span);
        }
    }
}

/// Whether a dash word is a symbolic mode (`-x`, `-rwx`, `-w,u+r`) rather than options.
fn is_mode(text: &str) -> bool {
    let letters = text.strip_prefix('-').unwrap_or(text);
    !letters.is_empty()
        && letters
            .chars()
            .all(|c| "rwxXstugoa".contains(c) || c.is_ascii_digit() || ",+=-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn chmod_recursive_touches_the_tree() {
        let script = "chmod -R 0777 /data";
        let effects = TestEnv::new().run(script);
        assert_eq!(paths(&effects.touches), [("/data", true)]);
        assert_eq!(&script[effects.touches[0].span.range()], "/data");
        assert_eq!(effects.touches[0].via, "chmod");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn chmod_modes_that_look_like_options() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("chmod -x a && chmod -R -w /b && chmod 755 -R /c");
        assert_eq!(
            paths(&effects.touches),
            [("/w/a", false), ("/b", true), ("/c", true)]
        );
        let effects = TestEnv::new().run("chmod +x /usr/local/bin/*.sh && chmod u+s,g-w /d");
        assert_eq!(
            paths(&effects.touches),
            [("/usr/local/bin/*.sh", false), ("/d", false)]
        );
    }

    #[test]
    fn chmod_reference_forms() {
        let effects =
            TestEnv::new().run("chmod --reference=/etc/a /x && chmod --reference /etc/b -R /y");
        assert_eq!(paths(&effects.touches), [("/x", false), ("/y", true)]);
    }

    #[test]
    fn chown_and_chgrp() {
        let effects = TestEnv::new().workdir("/app").run(
            "chown -R app:app /app && chown --reference=/etc/x . && chgrp -R staff /srv /opt && chown --from=root app f",
        );
        assert_eq!(
            paths(&effects.touches),
            [
                ("/app", true),
                ("/app", false),
                ("/srv", true),
                ("/opt", true),
                ("/app/f", false)
            ]
        );
    }

    #[test]
    fn touch_touches_and_creates() {
        let effects = TestEnv::new().run("touch /a && touch -c /b && touch -d '2020-01-01' /c");
        assert_eq!(paths(&effects.creates), [("/a", false), ("/c", false)]);
        assert_eq!(
            paths(&effects.touches),
            [("/a", false), ("/b", false), ("/c", false)]
        );
    }

    #[test]
    fn conditional_touch_still_may_create() {
        let effects = TestEnv::new().run("[ -f /a ] || touch /a");
        assert_eq!(paths(&effects.creates), [("/a", false)]);
        assert!(effects.touches.is_empty());
    }
}
