//! Commands that remove the paths they name: `rm`, `rmdir`. Patterns stay patterns
//! (`rm -rf /var/lib/apt/lists/*` removes `/var/lib/apt/lists/*`).

use super::command::Command;
use super::options::{self, Spec};
use super::record::Recorder;

/// `rm [-r|-R|--recursive] [-f] PATH…`; each deletion points at the word naming it.
pub(super) fn rm(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &Spec::NONE);
    let recursive = parsed.has(&["r", "R", "recursive"]);
    for arg in parsed.operands() {
        if let Some(path) = rec.path(command, arg) {
            rec.delete(command, path, recursive, arg.span);
        }
    }
}

/// `rmdir [-p] DIR…` removes empty directories (the parents `-p` removes are not recorded).
pub(super) fn rmdir(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &Spec::NONE);
    for arg in parsed.operands() {
        if let Some(path) = rec.path(command, arg) {
            rec.delete(command, path, false, arg.span);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn rm_keeps_globs_and_points_at_the_word() {
        let script = "rm -f /tmp/*.tgz";
        let effects = TestEnv::new().run(script);
        assert_eq!(paths(&effects.deletes), [("/tmp/*.tgz", false)]);
        assert_eq!(&script[effects.deletes[0].span.range()], "/tmp/*.tgz");
        assert_eq!(effects.deletes[0].via, "rm");
    }

    #[test]
    fn rm_recursive_spellings() {
        for script in [
            "rm -rf /x",
            "rm -R /x",
            "rm --recursive --force /x",
            "rm /x -r",
        ] {
            let effects = TestEnv::new().run(script);
            assert_eq!(paths(&effects.deletes), [("/x", true)], "{script}");
        }
    }

    #[test]
    fn rm_relative_to_the_directory() {
        let effects = TestEnv::new().run("cd /tmp && rm -rf build ../var/x -- -odd");
        assert_eq!(
            paths(&effects.deletes),
            [("/tmp/build", true), ("/var/x", true), ("/tmp/-odd", true)]
        );
    }

    #[test]
    fn quoted_glob_characters_are_not_patterns() {
        let effects = TestEnv::new().run("rm -f '/tmp/*'");
        assert!(effects.deletes.is_empty());
        assert_eq!(effects.unread.len(), 1);
    }

    #[test]
    fn rmdir_removes_directories() {
        let effects = TestEnv::new().workdir("/a").run("rmdir -p b /c");
        assert_eq!(paths(&effects.deletes), [("/a/b", false), ("/c", false)]);
    }
}
