//! The value a word of a `RUN` script has when the model can tell it: quotes removed, variables
//! with known values expanded, a leading `~` replaced by the home directory.
//!
//! Expansion is done on the word's text and the result is read again as a shell word, so quoting
//! keeps its meaning (`"$DIR"/*` stays one pattern; an unquoted `$X` holding a blank becomes two
//! words, which the model then refuses to read). Anything uncertain gives no value: an unknown
//! variable, a command substitution, a value the re-reading could misinterpret.

use std::borrow::Cow;

use super::state::Shell;
use crate::model::paths;
use crate::span::Span;
use crate::syntax::shell::{self, Command, Script, Word};
use crate::syntax::vars::references;

/// One word of a command, as the program will receive it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Arg {
    /// Where the word is in the file.
    pub span: Span,
    /// The word as written, quotes and `$` included (package specs are kept as written); read
    /// only in place of an unknown value, so kept (and allocated) only when `value` is `None`.
    pub raw: String,
    /// The value after quote removal and expansion; `None` when it depends on something the
    /// model does not know.
    pub value: Option<String>,
    /// Whether `value` can stand for a path: any glob characters in it are unquoted, so they
    /// form a pattern, rather than quoted characters that belong to a file name.
    pub path_like: bool,
}

impl Arg {
    /// The value, when it is known.
    pub fn text(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// The value, when it is known and names a path or a pattern.
    pub fn path_text(&self) -> Option<&str> {
        self.value.as_deref().filter(|_| self.path_like)
    }

    /// The value as a program sees it when reading options: the raw text stands in for an
    /// unknown value, so `-o$FILE` is still recognised as the option `-o`.
    pub fn option_text(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.raw)
    }

    /// The value, or the text as written when the value is unknown (for package specs).
    pub fn as_written(&self) -> &str {
        self.value.as_deref().unwrap_or(&self.raw)
    }
}

/// Reads a word of a script as the program will see it. `span` is the word's span in the file.
pub(super) fn read_arg(word: Word, source: &str, span: Span, shell: &Shell) -> Arg {
    let (value, path_like) =
        match static_value(word, source).or_else(|| expanded_value(word, source, shell)) {
            Some((value, path_like)) => (Some(value), path_like),
            None => (None, false),
        };
    Arg {
        span,
        raw: match value {
            Some(_) => String::new(),
            None => word.text(source).to_string(),
        },
        value,
        path_like,
    }
}

/// Whether a word runs commands the model does not look into (`$(…)` or backticks; `$((…))` is
/// arithmetic and runs nothing).
pub(super) fn runs_commands(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.contains(&b'`')
        || bytes
            .windows(3)
            .any(|w| w[0] == b'$' && w[1] == b'(' && w[2] != b'(')
        || bytes.ends_with(b"$(")
}

/// The value of a word without expansions, and whether it can name a path.
fn static_value(word: Word, source: &str) -> Option<(String, bool)> {
    let literal = word.literal(source)?;
    let path_like = if word.has_glob() {
        // Quoted glob characters come back escaped in the pattern; the model's patterns have
        // no escapes, so such a word cannot be represented.
        word.pattern(source)
            .is_some_and(|pattern| pattern == literal)
    } else {
        !paths::is_glob(&literal)
    };
    Some((literal.into_owned(), path_like))
}

fn expanded_value(word: Word, source: &str, shell: &Shell) -> Option<(String, bool)> {
    let text = with_home(word.text(source), shell)?;
    if !values_are_plain(&text, shell) {
        return None;
    }
    let expanded = shell.vars.expand(&text, '\\')?;
    let script = shell::split(&expanded);
    let word = single_word(&script)?;
    static_value(word, &script.source)
}

/// Replaces a leading `~` or `~/` with the home directory; `~user` is not known.
fn with_home<'t>(text: &'t str, shell: &Shell) -> Option<Cow<'t, str>> {
    match text.strip_prefix('~') {
        None => Some(Cow::Borrowed(text)),
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            let home = shell.home().filter(|home| is_plain(home))?;
            Some(Cow::Owned(format!("{home}{rest}")))
        }
        Some(_) => None,
    }
}

/// Whether every variable the text refers to holds a value that reads the same when spliced
/// into shell text (no quotes, escapes or expansions of its own).
fn values_are_plain(text: &str, shell: &Shell) -> bool {
    references(text, '\\').iter().all(|reference| {
        let name = text.get(reference.name.clone()).unwrap_or("");
        shell
            .vars
            .get(name)
            .and_then(|var| var.value.as_deref())
            .is_none_or(is_plain)
    })
}

fn is_plain(value: &str) -> bool {
    !value.contains(['\'', '"', '\\', '$', '`'])
}

/// The one word a re-read expansion consists of, or `None` if it split into several words, an
/// operator, a comment or anything else.
fn single_word(script: &Script) -> Option<Word> {
    let [item] = script.body.items.as_slice() else {
        return None;
    };
    let [pipeline] = item.pipelines.as_slice() else {
        return None;
    };
    if item.terminator.is_some() || pipeline.negated {
        return None;
    }
    let [Command::Simple(simple)] = pipeline.commands.as_slice() else {
        return None;
    };
    if !simple.redirects.is_empty() {
        return None;
    }
    match (simple.assignments.as_slice(), simple.words.as_slice()) {
        ([], [word]) | ([word], []) => Some(*word),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::TestEnv;
    use super::*;

    fn read(text: &str, shell: &Shell) -> Arg {
        let script = shell::split(text);
        let word = script
            .simple_commands()
            .next()
            .and_then(|command| command.command.words.first().copied())
            .expect("a word");
        read_arg(word, &script.source, word.span, shell)
    }

    fn shell() -> Shell {
        TestEnv::new()
            .var("DIR", Some("/opt"))
            .var("SPACED", Some("a b"))
            .var("STAR", Some("*"))
            .var("QUOTE", Some("it's"))
            .var("UNKNOWN", None)
            .shell()
    }

    #[test]
    fn literal_words_need_no_expansion() {
        let arg = read("'/tmp/a b'", &shell());
        assert_eq!(arg.text(), Some("/tmp/a b"));
        assert!(arg.path_like);
        let arg = read("/var/lib/apt/lists/*", &shell());
        assert_eq!(arg.path_text(), Some("/var/lib/apt/lists/*"));
    }

    #[test]
    fn quoted_glob_characters_are_not_patterns() {
        let arg = read("'/tmp/*'", &shell());
        assert_eq!(arg.text(), Some("/tmp/*"));
        assert_eq!(arg.path_text(), None);
    }

    #[test]
    fn known_variables_expand_and_keep_quoting() {
        let shell = shell();
        assert_eq!(read("$DIR/x", &shell).text(), Some("/opt/x"));
        assert_eq!(read("\"${DIR}\"/*", &shell).path_text(), Some("/opt/*"));
        assert_eq!(read("\"$SPACED\"", &shell).text(), Some("a b"));
        // Unquoted, the value splits into two words: not one path.
        assert_eq!(read("$SPACED", &shell).text(), None);
        // Quoted, a `*` from a variable is a file name, unquoted a pattern.
        assert_eq!(read("\"$STAR\"", &shell).path_text(), None);
        assert_eq!(read("/tmp/$STAR", &shell).path_text(), Some("/tmp/*"));
    }

    #[test]
    fn unknown_or_unsafe_values_give_nothing() {
        let shell = shell();
        for text in [
            "$UNKNOWN/x",
            "$UNDECLARED",
            "$QUOTE",
            "$(pwd)/x",
            "`pwd`",
            "$1",
            "~app/x",
        ] {
            assert_eq!(read(text, &shell).text(), None, "{text}");
        }
    }

    #[test]
    fn tilde_is_the_home_directory() {
        let shell = shell();
        assert_eq!(read("~", &shell).text(), Some("/root"));
        assert_eq!(read("~/.cache", &shell).text(), Some("/root/.cache"));
    }

    #[test]
    fn command_substitutions_are_noticed() {
        assert!(runs_commands("$(date)"));
        assert!(runs_commands("x`date`"));
        assert!(!runs_commands("$((1 + 2))"));
        assert!(!runs_commands("$HOME"));
    }
}
