//! Commands that create the paths they name: `mkdir`, `dd of=`, `tee`.

use super::command::Command;
use super::options::{self, Spec, part_of};
use super::record::Recorder;

/// `mkdir [-p] [-m MODE] DIR…` creates each directory (empty, so not recursive; the parents
/// `-p` makes are not recorded).
pub(super) fn mkdir(command: &Command, rec: &mut Recorder) {
    const MKDIR: Spec = Spec {
        short: "m",
        long: &["mode", "context"],
    };
    let parsed = options::parse(command.args, &MKDIR);
    for arg in parsed.operands() {
        if let Some(path) = rec.path(command, arg) {
            rec.create(command, path, false);
        }
    }
}

/// `dd if=… of=PATH` writes PATH; its other operands read or tune.
pub(super) fn dd(command: &Command, rec: &mut Recorder) {
    for arg in command.args {
        if let Some(target) = arg.option_text().strip_prefix("of=") {
            let target = part_of(arg, target);
            if let Some(path) = rec.path(command, &target) {
                rec.create(command, path, false);
            }
        }
    }
}

/// `tee [-a] FILE…` writes every file it names. A `-` meant standard output in older GNU tee
/// and a file named `-` in newer ones, so it is left out.
pub(super) fn tee(command: &Command, rec: &mut Recorder) {
    let parsed = options::parse(command.args, &Spec::NONE);
    for arg in parsed
        .operands()
        .into_iter()
        .filter(|arg| arg.text() != Some("-"))
    {
        if let Some(path) = rec.path(command, arg) {
            rec.create(command, path, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn mkdir_creates_each_directory() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("mkdir -p /a/b -m 0755 rel");
        assert_eq!(
            paths(&effects.creates),
            [("/a/b", false), ("/app/rel", false)]
        );
        assert!(effects.creates.iter().all(|c| c.via == "mkdir"));
    }

    #[test]
    fn mkdir_span_is_the_command() {
        let script = "true && mkdir -p /a/b";
        let effects = TestEnv::new().run(script);
        assert_eq!(&script[effects.creates[0].span.range()], "mkdir -p /a/b");
    }

    #[test]
    fn dd_creates_its_output() {
        let effects = TestEnv::new()
            .run("dd if=/dev/zero bs=1024 count=1024 of=/data/one; dd if=/x of=/dev/null");
        assert_eq!(paths(&effects.creates), [("/data/one", false)]);
    }

    #[test]
    fn tee_creates_each_file() {
        let effects = TestEnv::new()
            .workdir("/etc")
            .run("echo x | tee -a apt/sources.list /tmp/copy >/dev/null");
        assert_eq!(
            paths(&effects.creates),
            [("/etc/apt/sources.list", false), ("/tmp/copy", false)]
        );
    }
}
