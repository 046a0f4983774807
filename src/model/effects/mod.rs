//! File and package effects of a `RUN` script, command by command.
//!
//! The shell splitter gives the commands; a table of known commands says what each creates,
//! deletes or touches, which caches it fills and which package-manager work it does. `cd` is
//! followed through the script, relative paths are resolved, variables are expanded where their
//! values are known, and an unknown command has no effect: the model never guesses.
//!
//! - [`walk`] walks the script in order with the shell's state ([`state`]): directory,
//!   variables, subshells, conditionals; [`builtins`] are the commands that change that state,
//!   [`wrappers`] the ones that run another (`sudo`, `env`, `sh -c` …).
//! - [`words`] reads a word's value, [`options`] a command's options; [`command`] is what a
//!   handler sees, [`record`] where it writes (and the checks every effect shares).
//! - [`table`] sends each known command to its handler: [`create`], [`copy`], [`remove`],
//!   [`metadata`], [`download`], [`archive`], [`packages`].
//!
//! Spans: a create points at the whole command (a redirection at the redirection), a delete or
//! a metadata change at the word that names the path, a package op, a cache and a package
//! manager's clean-up at the whole command. Effects of a `sh -c '…'` string all point at the
//! string.
//!
//! What may not happen is not claimed: deletes and metadata changes are recorded only for
//! commands that surely run (not inside `if`/`for`/`while`/`case`, after `||`, in the
//! background); creates are recorded wherever they may happen. Anything the model could not
//! read (a path with an unknown variable, a relative path after an unknown `cd`, a command
//! substitution, `sh script.sh`) is listed in [`Effects::unread`].

mod archive;
mod builtins;
mod command;
mod copy;
mod create;
mod download;
mod metadata;
mod options;
mod packages;
mod record;
mod remove;
mod state;
mod table;
mod walk;
mod words;
mod wrappers;

use super::layer::{Effects, Guard};
use super::vars::Vars;
use crate::span::Span;
use crate::syntax::shell::Script;

/// What a script runs in.
pub struct ShellEnv<'a> {
    /// The working directory when the script starts (absolute), when the model knows it. An
    /// image the model does not know may set its own `WORKDIR`: then only absolute paths are
    /// read, and a relative one marks its word unread.
    pub workdir: Option<&'a str>,
    /// `ARG`s and `ENV`s in scope (the script sees both as environment variables).
    pub vars: &'a Vars,
    /// The home directory of the user running it (`/root` unless `USER`/`HOME` say otherwise).
    pub home: &'a str,
    /// Targets of `RUN --mount` (cache, bind, tmpfs, secret): nothing written there is committed.
    pub mounted: &'a [String],
    /// The Dockerfile's escape character. Inside the script the shell's own escape, `\`, is
    /// what counts, so word values are read with that.
    pub escape: char,
}

/// The effects of one script. `file_span` maps a span of the script text to the file.
pub fn script_effects(
    script: &Script,
    env: &ShellEnv,
    file_span: &dyn Fn(Span) -> Span,
) -> Effects {
    let mut recorder = record::Recorder::new(env);
    let mut shell = state::Shell::new(env);
    walk::Walker::new(&mut recorder).script(script, file_span, &mut shell, Guard::Always);
    recorder.finish()
}

/// Helpers for the tests of every part: a script run in a chosen environment, with spans left
/// relative to the script so tests can slice it.
#[cfg(test)]
mod testing {
    use super::state::Shell;
    use super::words::{Arg, read_arg};
    use super::{ShellEnv, script_effects};
    use crate::model::layer::{Effects, PathEffect};
    use crate::model::vars::{VarKind, Vars};
    use crate::syntax::shell;

    /// The caches a run filled, in order.
    pub fn caches(effects: &Effects) -> Vec<crate::model::Cache> {
        effects.caches.iter().map(|c| c.cache).collect()
    }

    pub struct TestEnv {
        workdir: String,
        vars: Vars,
        home: String,
        mounted: Vec<String>,
    }

    impl TestEnv {
        pub fn new() -> TestEnv {
            TestEnv {
                workdir: "/".into(),
                vars: Vars::default(),
                home: "/root".into(),
                mounted: Vec::new(),
            }
        }

        pub fn workdir(mut self, dir: &str) -> TestEnv {
            self.workdir = dir.into();
            self
        }

        /// An `ENV` (a `None` value: an `ARG` without a default).
        pub fn var(mut self, name: &str, value: Option<&str>) -> TestEnv {
            let kind = if value.is_some() {
                VarKind::Env
            } else {
                VarKind::Arg
            };
            self.vars.set(name, value.map(str::to_string), kind);
            self
        }

        pub fn mount(mut self, target: &str) -> TestEnv {
            self.mounted.push(target.into());
            self
        }

        pub fn env(&self) -> ShellEnv<'_> {
            ShellEnv {
                workdir: Some(&self.workdir),
                vars: &self.vars,
                home: &self.home,
                mounted: &self.mounted,
                escape: '\\',
            }
        }

        pub fn run(&self, script: &str) -> Effects {
            script_effects(&shell::split(script), &self.env(), &|span| span)
        }

        pub fn shell(&self) -> Shell {
            Shell::new(&self.env())
        }
    }

    /// Each effect's path and whether it is recursive.
    pub fn paths(effects: &[PathEffect]) -> Vec<(&str, bool)> {
        effects
            .iter()
            .map(|effect| (effect.path.as_str(), effect.recursive))
            .collect()
    }

    /// The words of a one-command script after its name, read in a default shell.
    pub fn args(text: &str) -> Vec<Arg> {
        let script = shell::split(&format!("cmd {text}"));
        let shell = TestEnv::new().shell();
        script
            .simple_commands()
            .next()
            .map(|command| {
                command
                    .args()
                    .iter()
                    .map(|word| read_arg(*word, &script.source, word.span, &shell))
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{TestEnv, paths};
    use crate::model::layer::{Cache, Manager, PackageAction};
    use crate::syntax::{parse, script::run_scripts};
    use proptest::prelude::*;

    #[test]
    fn the_worked_example_of_layer_rules() {
        let steps = [
            "mkdir /data",
            "dd if=/dev/zero bs=1024 count=1024 of=/data/one",
            "chmod -R 0777 /data",
            "rm /data/one",
        ];
        let effects: Vec<_> = steps.iter().map(|s| TestEnv::new().run(s)).collect();
        assert_eq!(paths(&effects[0].creates), [("/data", false)]);
        assert_eq!(paths(&effects[1].creates), [("/data/one", false)]);
        assert_eq!(paths(&effects[2].touches), [("/data", true)]);
        assert_eq!(paths(&effects[3].deletes), [("/data/one", false)]);
    }

    #[test]
    fn a_typical_build_step() {
        let effects = TestEnv::new().workdir("/app").var("NODE_VERSION", Some("20.1.0")).run(
            "set -eux; \\\n\
             apt-get update && apt-get install -y --no-install-recommends curl xz-utils; \\\n\
             curl -fsSLO https://nodejs.org/dist/v$NODE_VERSION/node-v$NODE_VERSION-linux-x64.tar.xz; \\\n\
             tar -xJf node-v$NODE_VERSION-linux-x64.tar.xz -C /usr/local --strip-components=1; \\\n\
             rm node-v$NODE_VERSION-linux-x64.tar.xz; \\\n\
             apt-get purge -y --auto-remove curl; rm -rf /var/lib/apt/lists/*",
        );
        assert_eq!(
            paths(&effects.creates),
            [
                ("/app/node-v20.1.0-linux-x64.tar.xz", false),
                ("/usr/local", true)
            ]
        );
        assert_eq!(
            paths(&effects.deletes),
            [
                ("/app/node-v20.1.0-linux-x64.tar.xz", false),
                ("/var/lib/apt/lists/*", true)
            ]
        );
        let actions: Vec<_> = effects.packages.iter().map(|op| op.action).collect();
        assert_eq!(
            actions,
            [
                PackageAction::Update,
                PackageAction::Install,
                PackageAction::Remove
            ]
        );
        assert!(effects.unread.is_empty());
    }

    #[test]
    fn spans_map_into_the_file() {
        let source = "FROM debian\nRUN apt-get update \\\n && rm -rf /var/lib/apt/lists/*\n";
        let dockerfile = parse(source);
        let scripts = run_scripts(&dockerfile);
        let run = &scripts[0];
        let script = run.script.as_ref().expect("a POSIX script");
        let env = TestEnv::new();
        let effects = super::script_effects(script, &env.env(), &|span| run.file_span(span));
        assert_eq!(dockerfile.text(effects.packages[0].span), "apt-get update");
        assert_eq!(effects.packages[0].manager, Manager::Apt);
        assert_eq!(effects.packages[0].action, PackageAction::Update);
        assert_eq!(effects.caches[0].cache, Cache::AptLists);
        assert_eq!(
            dockerfile.text(effects.deletes[0].span),
            "/var/lib/apt/lists/*"
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            "\\",
            "'",
            "cp",
            "cp -t",
            "tar x",
            "tar -C",
            "curl -o",
            "wget -P",
            "git clone",
            "git -C",
            "mv a",
            "ln",
            "sh -c",
            "sudo",
            "env -u",
            "timeout 5",
            "python -m",
            "uv pip",
            "apt-get",
            "yum group",
            "cd /a; popd; popd; pushd; pushd +1; cd",
            "chmod --reference",
            "gzip -S",
            "dd of=",
            "rm ''",
            "mkdir $(",
            "x=${a:-${b:-}}; mkdir $x",
            "for ((i=0;i<3;i++)); do mkdir /x$i; done",
            "echo é > /tmp/é && rm -rf 'é'*",
            "exec",
            "exit; exit",
            "case x in a) rm -rf /a;; esac",
        ];
        for input in inputs {
            let _ = TestEnv::new().run(input);
            let _ = TestEnv::new().workdir("relative").run(input);
        }
    }

    /// Pieces of scripts that reach the handlers more often than random text would.
    fn script_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("cd ".to_string()),
            Just("rm -rf ".to_string()),
            Just("cp -r ".to_string()),
            Just("tar xzf ".to_string()),
            Just("curl -fsSLO ".to_string()),
            Just("apt-get install -y ".to_string()),
            Just("pip install -r ".to_string()),
            Just("sh -c '".to_string()),
            Just("sudo env -C ".to_string()),
            Just(" && ".to_string()),
            Just(" || ".to_string()),
            Just("; ".to_string()),
            Just(" | ".to_string()),
            Just("( ".to_string()),
            Just(" )".to_string()),
            Just(" > ".to_string()),
            Just("$X".to_string()),
            Just("~/".to_string()),
            Just("/a/*".to_string()),
            Just("\"".to_string()),
            Just("if x; then ".to_string()),
            Just("; fi".to_string()),
            "[ -~]{0,8}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        #[test]
        fn any_script_gives_spans_inside_it(pieces in prop::collection::vec(script_piece(), 0..12)) {
            let script = pieces.concat();
            let effects = TestEnv::new().var("X", Some("/x y")).workdir("/w").run(&script);
            let spans = effects
                .creates
                .iter()
                .chain(&effects.deletes)
                .chain(&effects.touches)
                .map(|effect| effect.span)
                .chain(effects.packages.iter().map(|op| op.span))
                .chain(effects.unread.iter().copied());
            for span in spans {
                prop_assert!(span.end as usize <= script.len(), "{span:?} in {script:?}");
            }
            for effect in effects.creates.iter().chain(&effects.deletes) {
                prop_assert!(effect.path.starts_with('/'), "{effect:?}");
            }
        }
    }
}
