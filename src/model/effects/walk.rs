//! Walking a script in the order the shell runs it, carrying its state along.
//!
//! A `cd` changes the directory for what follows at the same level; `( … )`, each stage of a
//! pipeline and a background job (`&`) run in a subshell, so nothing they change leaks out.
//! Commands inside `if`/`for`/`while`/`until`/`case`, after `||` or in the background may not
//! run: each is walked as a branch of its own (its metadata changes are not recorded, its
//! deletes are recorded with their branch) and whatever they change in the shell is forgotten
//! afterwards. Function bodies are not walked;
//! calling a function marks the call unread.

use super::builtins;
use super::command::{Call, Command as KnownCommand};
use super::record::Recorder;
use super::state::{EnvValue, Shell};
use super::table;
use super::words::{Arg, read_arg, runs_commands};
use super::wrappers::{self, Wrapped};
use crate::model::layer::{Guard, PathEffect};
use crate::span::Span;
use crate::syntax::shell::{
    self, AndOr, Command, CompoundKind, Connector, List, Pipeline, Redirect, Script, SimpleCommand,
    Terminator, Word,
};

/// How deep `sh -c '… sh -c "…"'` may nest before the model stops reading.
const MAX_NESTED_SCRIPTS: usize = 16;

/// A script being walked, and how its spans map into the file.
#[derive(Clone, Copy)]
struct Text<'s> {
    script: &'s Script,
    at: &'s dyn Fn(Span) -> Span,
}

impl Text<'_> {
    fn source(&self) -> &str {
        &self.script.source
    }

    fn arg(&self, word: &Word, shell: &Shell) -> Arg {
        read_arg(*word, self.source(), (self.at)(word.span), shell)
    }
}

pub(super) struct Walker<'r, 'e> {
    rec: &'r mut Recorder<'e>,
    nesting: usize,
}

impl<'r, 'e> Walker<'r, 'e> {
    pub fn new(rec: &'r mut Recorder<'e>) -> Walker<'r, 'e> {
        Walker { rec, nesting: 0 }
    }

    /// Walks a whole script; `at` maps its spans into the file.
    pub fn script(
        &mut self,
        script: &Script,
        at: &dyn Fn(Span) -> Span,
        shell: &mut Shell,
        guard: Guard,
    ) {
        let text = Text { script, at };
        self.list(text, &script.body, shell, guard);
    }

    fn list(&mut self, text: Text, list: &List, shell: &mut Shell, guard: Guard) {
        for item in &list.items {
            if shell.ended {
                break;
            }
            if matches!(item.terminator, Some((Terminator::Background, _))) {
                // A background job runs in a subshell and may not finish before the step does.
                let mut job = shell.clone();
                self.and_or(text, item, &mut job, Guard::Never);
            } else {
                self.and_or(text, item, shell, guard);
            }
        }
    }

    fn and_or(&mut self, text: Text, item: &AndOr, shell: &mut Shell, guard: Guard) {
        for (index, pipeline) in item.pipelines.iter().enumerate() {
            if shell.ended {
                break;
            }
            let after_or = index
                .checked_sub(1)
                .and_then(|before| item.connectors.get(before))
                .is_some_and(|&(connector, _)| connector == Connector::Or);
            if after_or {
                let before = shell.mark();
                let branch = self.rec.branch(guard);
                self.pipeline(text, pipeline, shell, branch);
                shell.settle(&before);
                shell.close(before);
            } else {
                self.pipeline(text, pipeline, shell, guard);
            }
        }
    }

    fn pipeline(&mut self, text: Text, pipeline: &Pipeline, shell: &mut Shell, guard: Guard) {
        if let [command] = pipeline.commands.as_slice() {
            self.command(text, command, shell, guard);
            return;
        }
        // Every stage of a pipeline runs in a subshell of its own.
        for command in &pipeline.commands {
            let mut stage = shell.clone();
            self.command(text, command, &mut stage, guard);
        }
    }

    fn command(&mut self, text: Text, command: &Command, shell: &mut Shell, guard: Guard) {
        match command {
            Command::Simple(simple) => self.simple(text, simple, shell, guard),
            Command::Subshell {
                body, redirects, ..
            } => {
                self.redirects(text, redirects, shell);
                let mut subshell = shell.clone();
                self.list(text, body, &mut subshell, guard);
            }
            Command::Group {
                body, redirects, ..
            } => {
                self.redirects(text, redirects, shell);
                self.list(text, body, shell, guard);
            }
            Command::Compound {
                kind,
                words,
                lists,
                redirects,
                ..
            } => {
                self.redirects(text, redirects, shell);
                let source = &text.source()[command.span().range()];
                let exhaustive = match kind {
                    CompoundKind::If => lists.len() % 2 == 1,
                    CompoundKind::Case => has_catch_all(source),
                    _ => false,
                };
                self.compound(text, *kind, words, lists, shell, guard, exhaustive);
            }
            Command::FunctionDef { name, .. } => {
                if let Some(name) = text.script.literal(name) {
                    shell.define_function(&name);
                }
            }
            Command::Opaque { span } => self.rec.unread((text.at)(*span)),
        }
    }

    /// Each inner list may run or not, once or many times: walk it as a branch of its own, then
    /// forget what it changed before walking the next. When one of the branches surely runs (an
    /// `if` with an `else`, a `case` with a `*)` clause), a file every branch that goes on
    /// deletes is deleted whenever the compound runs.
    #[allow(clippy::too_many_arguments)]
    fn compound(
        &mut self,
        text: Text,
        kind: CompoundKind,
        words: &[Word],
        lists: &[List],
        shell: &mut Shell,
        guard: Guard,
        exhaustive: bool,
    ) {
        // `for x in $(ls)`, `case $(uname) in`: substitutions the model does not look into.
        for word in words {
            if runs_commands(word.text(text.source())) {
                self.rec.unread((text.at)(word.span));
            }
        }
        let before = shell.mark();
        if kind == CompoundKind::For {
            if let Some(variable) = words.first().and_then(|w| text.script.literal(w)) {
                shell.forget(&variable);
            }
        }
        // The deletes of each body that goes on (`None` for a condition, or a body that exits).
        let mut bodies: Vec<Option<Vec<PathEffect>>> = Vec::new();
        for (index, list) in lists.iter().enumerate() {
            let mark = self.rec.guarded_mark();
            let branch = self.rec.branch(guard);
            self.list(text, list, shell, branch);
            let is_body = match kind {
                CompoundKind::If => index % 2 == 1 || index + 1 == lists.len(),
                _ => true,
            };
            if is_body {
                bodies.push(
                    (!shell.ended && !shell.failed).then(|| self.rec.guarded_since(mark, branch)),
                );
            }
            shell.settle(&before);
        }
        shell.close(before);
        if exhaustive {
            let mut going_on = bodies.into_iter().flatten();
            if let Some(first) = going_on.next() {
                let rest: Vec<_> = going_on.collect();
                for delete in first {
                    let everywhere = rest.iter().all(|body| {
                        body.iter()
                            .any(|d| d.path == delete.path && d.recursive == delete.recursive)
                    });
                    if everywhere {
                        self.rec.delete_under(guard, delete);
                    }
                }
            }
        }
    }

    /// `> file`, `>> file`, `&> file` … create their target.
    fn redirects(&mut self, text: Text, redirects: &[Redirect], shell: &Shell) {
        for redirect in redirects {
            if !redirect.writes_file(text.source()) {
                continue;
            }
            let target = text.arg(&redirect.target, shell);
            if let Some(path) = self.rec.path_in(shell.cwd(), &target) {
                let operator_span = Span {
                    start: redirect.span.start,
                    end: redirect.target.span.start.max(redirect.span.start),
                };
                let operator = text.script.text(operator_span).trim();
                let span = (text.at)(redirect.span);
                self.rec.create_at(operator, path, false, span);
            }
        }
    }

    fn simple(&mut self, text: Text, simple: &SimpleCommand, shell: &mut Shell, guard: Guard) {
        self.note_substitutions(text, simple);
        self.redirects(text, &simple.redirects, shell);
        if simple.words.is_empty() {
            // Bare assignments change the shell, each seeing the ones before it.
            for word in &simple.assignments {
                let arg = text.arg(word, shell);
                builtins::assign(shell, &arg, false);
            }
            return;
        }
        let overrides = simple
            .assignments
            .iter()
            .filter_map(|word| builtins::assignment(&text.arg(word, shell)))
            .map(|(name, value)| (name, value.map_or(EnvValue::Unknown, EnvValue::Known)))
            .collect();
        let words: Vec<Arg> = simple.words.iter().map(|w| text.arg(w, shell)).collect();
        let call = Call {
            words: &words,
            span: (text.at)(simple.span),
            cwd: shell.cwd().map(str::to_string),
            overrides,
            inherit_env: true,
            guard,
            in_shell: true,
        };
        self.call(&call, shell);
    }

    /// Command substitutions run commands the model does not look into.
    fn note_substitutions(&mut self, text: Text, simple: &SimpleCommand) {
        let words = simple
            .assignments
            .iter()
            .chain(&simple.words)
            .chain(simple.redirects.iter().map(|r| &r.target));
        for word in words {
            if runs_commands(word.text(text.source())) {
                self.rec.unread((text.at)(word.span));
            }
        }
    }

    fn call(&mut self, call: &Call, shell: &mut Shell) {
        let Some(name) = call.name() else {
            // A computed command name (`$CC …`): nothing is known about what it runs.
            self.rec.unread(call.span);
            return;
        };
        if call.in_shell && shell.is_function(name) {
            self.rec.unread(call.span);
            return;
        }
        if call.in_shell && builtins::run(self.rec, call, name, shell) {
            return;
        }
        let replaces_shell = call.in_shell && name == "exec";
        match wrappers::unwrap(name, call) {
            Wrapped::No => table::apply(&KnownCommand::new(name, call, shell), self.rec),
            Wrapped::Nothing => {}
            Wrapped::Unread(span) => self.rec.unread(span),
            Wrapped::Runs(inner) => {
                self.call(&inner, shell);
                shell.ended |= replaces_shell;
            }
            Wrapped::Script { text, word } => {
                self.nested_script(&text, word, call, shell);
                shell.ended |= replaces_shell;
            }
        }
    }

    /// `sh -c '…'`: the string is split and walked in a child shell. Offsets inside the string
    /// don't map one to one into the file, so every effect points at the whole string.
    fn nested_script(&mut self, source: &str, word: Span, call: &Call, shell: &Shell) {
        if self.nesting >= MAX_NESTED_SCRIPTS {
            self.rec.unread(word);
            return;
        }
        let script = shell::split(source);
        let mut child = shell.child(call.cwd.clone(), &call.overrides);
        let at = move |_: Span| word;
        self.nesting += 1;
        self.script(&script, &at, &mut child, call.guard);
        self.nesting -= 1;
    }
}

/// Whether a `case` has a clause every subject matches (`*)`, `(*)`, `a|*)`), read from its
/// text: the tree keeps the clauses' bodies, not their patterns.
fn has_catch_all(case: &str) -> bool {
    case.match_indices("*)").any(|(at, _)| {
        let before = case[..at].trim_end_matches([' ', '\t', '\n', '\\']);
        before.ends_with(";;")
            || before.ends_with(" in")
            || before.ends_with('\n')
            || before.ends_with('(')
            || before.ends_with('|')
            || before.ends_with(";&")
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};

    #[test]
    fn cd_changes_the_directory_for_what_follows() {
        let effects = TestEnv::new().run("cd /tmp && rm -rf build");
        assert_eq!(paths(&effects.deletes), [("/tmp/build", true)]);
    }

    #[test]
    fn a_subshell_keeps_its_cd() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("(cd /tmp && touch x); rm y");
        assert_eq!(paths(&effects.creates), [("/tmp/x", false)]);
        assert_eq!(paths(&effects.touches), [("/tmp/x", false)]);
        assert_eq!(paths(&effects.deletes), [("/app/y", false)]);
    }

    #[test]
    fn pipeline_stages_and_background_jobs_keep_their_cd() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("cd /tmp | cat; cd /opt & mkdir a");
        assert_eq!(paths(&effects.creates), [("/app/a", false)]);
    }

    #[test]
    fn pushd_and_popd_follow_the_stack() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("pushd /src && mkdir a && popd && mkdir b");
        assert_eq!(
            paths(&effects.creates),
            [("/src/a", false), ("/app/b", false)]
        );
    }

    #[test]
    fn an_unknown_cd_makes_relative_paths_unread() {
        let effects = TestEnv::new().run("cd $UNKNOWN && rm -rf build && rm -rf /abs");
        assert_eq!(paths(&effects.deletes), [("/abs", true)]);
        assert_eq!(effects.unread.len(), 1);
        for script in ["cd - && mkdir x", "cd && mkdir x", "cd /opt/* && mkdir x"] {
            let effects = TestEnv::new().run(script);
            assert!(effects.creates.is_empty(), "{script}");
            assert_eq!(effects.unread.len(), 1, "{script}");
        }
    }

    #[test]
    fn conditional_deletes_and_touches_are_not_recorded() {
        let effects = TestEnv::new().run("if [ -f x ]; then rm -rf /y; mkdir /z; fi");
        assert!(effects.deletes.is_empty());
        assert_eq!(paths(&effects.creates), [("/z", false)]);
        let effects = TestEnv::new().run("test -d /a || rm -rf /b; false || chmod 0 /c");
        assert!(effects.deletes.is_empty());
        assert!(effects.touches.is_empty());
        let effects = TestEnv::new().run("for f in a b; do rm -rf /x; done; rm -rf /w &");
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn conditional_deletes_keep_their_branch() {
        use crate::model::Guard;
        let effects =
            TestEnv::new().run("if [ -f x ]; then apt-get update; rm -rf /l; fi; rm -rf /w &");
        let [(delete, scope)] = effects.guarded_deletes.as_slice() else {
            panic!("{:?}", effects.guarded_deletes);
        };
        assert_eq!(delete.path, "/l");
        // The update ran in that branch, so the delete runs whenever it did, and not otherwise.
        let update = effects.caches[0].guard;
        assert!(effects.runs_whenever(Guard::Scope(*scope), update));
        assert!(!effects.runs_whenever(Guard::Scope(*scope), Guard::Always));
        // A delete in a nested branch does not run whenever its outer branch does.
        let effects = TestEnv::new().run("if a; then apt-get update; if b; then rm -rf /l; fi; fi");
        let (_, inner) = effects.guarded_deletes[0];
        assert!(!effects.runs_whenever(Guard::Scope(inner), effects.caches[0].guard));
    }

    #[test]
    fn a_delete_on_every_branch_that_goes_on_is_certain() {
        let deleted = |script: &str| -> Vec<(String, bool)> {
            let effects = TestEnv::new().run(script);
            paths(&effects.deletes)
                .into_iter()
                .map(|(path, recursive)| (path.to_string(), recursive))
                .collect()
        };
        let x = || vec![("/x".to_string(), true)];
        assert_eq!(
            deleted("if a; then rm -rf /x /y; elif b; then rm -rf /x; else rm -f /x; fi"),
            Vec::<(String, bool)>::new(),
            "-f and -rf remove the same file, but an `rm -f /x` of a directory would fail: kept apart"
        );
        assert_eq!(
            deleted("if a; then rm -rf /x /y; elif b; then rm -rf /x; else rm -rf /x; fi"),
            x()
        );
        // Without an else, no branch may run.
        assert!(deleted("if a; then rm -rf /x; elif b; then rm -rf /x; fi").is_empty());
        // A branch that fails the build is never committed.
        assert_eq!(
            deleted("case \"$ARCH\" in a) rm -rf /x ;; b) rm -rf /x ;; *) exit 1 ;; esac"),
            x()
        );
        // Without a catch-all clause, no clause may match.
        assert!(deleted("case \"$ARCH\" in a) rm -rf /x ;; b) rm -rf /x ;; esac").is_empty());
        assert!(deleted("case $x in a*) rm -rf /x ;; b) rm -rf /x ;; esac").is_empty());
        // Inside a condition, the delete keeps the outer branch: the outer `if`'s condition is
        // branch 1, its body branch 2.
        let effects = TestEnv::new().run("if c; then if a; then rm -rf /x; else rm -rf /x; fi; fi");
        assert!(effects.deletes.is_empty());
        assert_eq!(effects.guarded_deletes.last().map(|(_, s)| *s), Some(2));
    }

    #[test]
    fn a_cd_that_may_not_have_run_is_forgotten() {
        let effects = TestEnv::new()
            .workdir("/app")
            .run("if true; then cd /tmp; fi; mkdir a; false || cd /x && mkdir b");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 2);
        // The branch itself sees its own cd.
        let effects = TestEnv::new().run("if true; then cd /tmp && mkdir a; fi");
        assert_eq!(paths(&effects.creates), [("/tmp/a", false)]);
    }

    #[test]
    fn function_bodies_are_not_walked_and_calls_are_unread() {
        let effects = TestEnv::new().run("f() { rm -rf /z; }");
        assert_eq!(effects, Default::default());
        let effects = TestEnv::new().run("rm() { :; }; rm -rf /z");
        assert!(effects.deletes.is_empty());
        assert_eq!(effects.unread.len(), 1);
    }

    #[test]
    fn variables_follow_assignments_and_exports() {
        let effects = TestEnv::new().run("export DIR=/opt; mkdir $DIR/x");
        assert_eq!(paths(&effects.creates), [("/opt/x", false)]);
        let effects = TestEnv::new().run("D=/srv B=$D/b; mkdir \"$B\" ${D}/c");
        assert_eq!(
            paths(&effects.creates),
            [("/srv/b", false), ("/srv/c", false)]
        );
        let effects = TestEnv::new().run("for D in /a /b; do mkdir $D; done");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 1);
        let effects = TestEnv::new().run("D=/a; read D; mkdir $D");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn prefix_assignments_do_not_change_the_shell() {
        let effects = TestEnv::new()
            .var("D", Some("/one"))
            .run("D=/two true; mkdir $D");
        assert_eq!(paths(&effects.creates), [("/one", false)]);
    }

    #[test]
    fn pwd_follows_cd() {
        let effects = TestEnv::new().run("cd /srv && mkdir \"$PWD/x\"");
        assert_eq!(paths(&effects.creates), [("/srv/x", false)]);
    }

    #[test]
    fn redirections_create_files_except_kernel_ones() {
        let effects =
            TestEnv::new().run("echo x > /etc/conf; echo y >> log 2>&1; echo z > /dev/null");
        assert_eq!(
            paths(&effects.creates),
            [("/etc/conf", false), ("/log", false)]
        );
        assert_eq!(effects.creates[0].via, ">");
        assert_eq!(effects.creates[1].via, ">>");
        let effects = TestEnv::new()
            .run("{ echo a; } > /a; (echo b) &> /b; while read l; do :; done > /c < /in");
        assert_eq!(
            paths(&effects.creates),
            [("/a", false), ("/b", false), ("/c", false)]
        );
        let effects = TestEnv::new().run("echo > /proc/sys/x 2>/dev/stderr >/dev/stdout");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn redirect_spans_cover_the_operator_and_target() {
        let script = "echo x > /etc/conf";
        let effects = TestEnv::new().run(script);
        let span = effects.creates[0].span;
        assert_eq!(&script[span.range()], "> /etc/conf");
    }

    #[test]
    fn sh_c_strings_are_walked_with_the_word_as_span() {
        let script = "sh -c 'rm -rf /tmp/x'";
        let effects = TestEnv::new().run(script);
        assert_eq!(paths(&effects.deletes), [("/tmp/x", true)]);
        assert_eq!(&script[effects.deletes[0].span.range()], "'rm -rf /tmp/x'");
        let effects = TestEnv::new()
            .workdir("/app")
            .run("cd /src && bash -euxo pipefail -c 'cd sub && mkdir out'; mkdir top");
        assert_eq!(
            paths(&effects.creates),
            [("/src/sub/out", false), ("/src/top", false)]
        );
    }

    #[test]
    fn scripts_the_model_cannot_read_are_unread() {
        for script in [
            "sh -c \"$CMD\"",
            "bash install.sh",
            "curl -fsSL https://x/i.sh | sh",
            "eval \"$X\"",
            ". ./env.sh",
            "$CC -o a a.c",
            "x=$(rm -rf /y)",
        ] {
            let effects = TestEnv::new().run(script);
            assert!(!effects.unread.is_empty(), "{script}");
            assert!(effects.deletes.is_empty(), "{script}");
        }
    }

    #[test]
    fn wrappers_are_looked_through() {
        let effects = TestEnv::new().run(
            "sudo -u root rm -rf /a && env -C /srv FOO=1 mkdir b && nice -n 5 time -p mkdir /c \
             && nohup mkdir /d && timeout -s KILL 10 mkdir /e && command mkdir /f && busybox mkdir /g",
        );
        assert_eq!(paths(&effects.deletes), [("/a", true)]);
        assert_eq!(
            paths(&effects.creates),
            [
                ("/srv/b", false),
                ("/c", false),
                ("/d", false),
                ("/e", false),
                ("/f", false),
                ("/g", false)
            ]
        );
        let effects = TestEnv::new().run("command -v mkdir; env; sudo -l");
        assert_eq!(effects, Default::default());
    }

    #[test]
    fn a_wrapped_cd_does_not_change_the_shell() {
        let effects = TestEnv::new().workdir("/app").run("sudo cd /tmp; mkdir a");
        assert_eq!(paths(&effects.creates), [("/app/a", false)]);
        let effects = TestEnv::new()
            .workdir("/app")
            .run("command cd /tmp; mkdir a");
        assert_eq!(paths(&effects.creates), [("/tmp/a", false)]);
    }

    #[test]
    fn nothing_runs_after_exit_or_exec() {
        let effects = TestEnv::new().run("mkdir /a; exit 0; rm -rf /a");
        assert!(effects.deletes.is_empty());
        let effects = TestEnv::new().run("exec mkdir /a; rm -rf /b");
        assert_eq!(paths(&effects.creates), [("/a", false)]);
        assert!(effects.deletes.is_empty());
        // A conditional exit does not stop the walk; a redirect-only exec does not either.
        let effects = TestEnv::new().run("true || exit 1; exec > /log; rm -rf /c");
        assert_eq!(paths(&effects.deletes), [("/c", true)]);
        // A build that commits the layer never ran a failing exit, wherever it stands.
        let effects = TestEnv::new().run("ldd /x | grep missing && exit 1 || :; rm -rf /d");
        assert_eq!(paths(&effects.deletes), [("/d", true)]);
        let effects = TestEnv::new().run("test -f /x && exit; rm -rf /e");
        assert!(effects.deletes.is_empty());
    }

    #[test]
    fn mounted_targets_are_never_recorded() {
        let effects = TestEnv::new()
            .mount("/root/.cache")
            .run("mkdir -p /root/.cache/x && rm -rf /root/.cache/y && touch /root/.cache/z");
        assert_eq!(effects, Default::default());
    }

    #[test]
    fn opaque_text_is_unread() {
        let effects = TestEnv::new().run("rm -rf /a; echo 'unterminated");
        assert_eq!(paths(&effects.deletes), [("/a", true)]);
        assert_eq!(effects.unread.len(), 1);
    }
}
