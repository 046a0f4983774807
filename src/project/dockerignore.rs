//! `.dockerignore`: which files of the build context the builder leaves out.
//!
//! The semantics are Docker's (its `dockerignore` reader and `patternmatcher`), not git's, and
//! they differ from `.gitignore` in ways that matter here: a pattern is matched against the
//! whole path from the context root (`node_modules` does not match `web/node_modules`; that
//! takes `**/node_modules`), there is no directory-only trailing `/`, and a pattern that matches
//! a directory excludes everything below it. So this is hand-written rather than borrowed from
//! the `ignore` crate.
//!
//! Reading a file, line by line:
//! - a line that starts with `#` (before any trimming) is a comment;
//! - surrounding whitespace is trimmed, and blank lines are skipped;
//! - `!` makes the line an exception that re-includes what it matches;
//! - the pattern is cleaned like Go's `filepath.Clean` (`./a//b/` is `a/b`), and a leading `/`
//!   is dropped, since every path is relative to the context root anyway.
//!
//! Matching: `*` is any run of characters but `/`, `?` one character but `/`, `[...]` a class
//! (`[^...]` negated), `\` escapes the next character, and `**` any number of directories
//! (`**/` may match nothing). The last pattern that matches a path, or one of its parent
//! directories, decides.

/// A parsed ignore file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DockerIgnore {
    /// The file the patterns came from (`.dockerignore`, `Dockerfile.dev.dockerignore`), for
    /// messages.
    origin: String,
    patterns: Vec<Pattern>,
    /// Patterns Docker refuses (an unclosed `[`, a trailing `\`, a lone `!`). A build with one
    /// fails, so they exclude nothing here; they are kept so that a rule can point at them.
    invalid: Vec<String>,
}

/// One line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pattern {
    /// `!pattern`: re-include what an earlier line excluded.
    exception: bool,
    /// The cleaned text, without the `!`.
    text: String,
    matcher: Matcher,
}

impl DockerIgnore {
    /// Parses the text of an ignore file; `origin` names the file in messages.
    pub fn parse(origin: &str, text: &str) -> DockerIgnore {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let lines = text
            .lines()
            // A `#` counts only in the very first column: Docker checks before trimming.
            .filter(|line| !line.starts_with('#'));
        DockerIgnore::from_patterns(origin, lines)
    }

    /// Builds the list from patterns with no comments among them (`COPY --exclude` values use
    /// the same matcher).
    pub fn from_patterns<'p>(
        origin: &str,
        patterns: impl IntoIterator<Item = &'p str>,
    ) -> DockerIgnore {
        let mut ignore = DockerIgnore {
            origin: origin.to_string(),
            ..DockerIgnore::default()
        };
        for raw in patterns {
            ignore.push(raw);
        }
        ignore
    }

    fn push(&mut self, raw: &str) {
        let raw = raw.trim();
        if raw.is_empty() {
            return;
        }
        let (exception, body) = match raw.strip_prefix('!') {
            Some(rest) => (true, rest.trim()),
            None => (false, raw),
        };
        let text = clean(body);
        let text = match text.strip_prefix('/') {
            Some(relative) if !relative.is_empty() => relative.to_string(),
            _ => text,
        };
        match (body.is_empty(), Matcher::compile(&text)) {
            (false, Some(matcher)) => self.patterns.push(Pattern {
                exception,
                text,
                matcher,
            }),
            _ => self.invalid.push(raw.to_string()),
        }
    }

    /// The file these patterns came from.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The patterns in order, as cleaned, with `!` on exceptions.
    pub fn patterns(&self) -> impl Iterator<Item = String> + '_ {
        self.patterns.iter().map(|p| {
            if p.exception {
                format!("!{}", p.text)
            } else {
                p.text.clone()
            }
        })
    }

    /// Lines Docker would refuse (the build fails on them).
    pub fn invalid(&self) -> &[String] {
        &self.invalid
    }

    /// Whether the builder leaves `path` (relative to the context root, `/`-separated) out of
    /// the context. The root itself is never excluded.
    pub fn excludes(&self, path: &str) -> bool {
        let path = clean(path.trim_start_matches('/'));
        if path == "." || path.starts_with("../") || path == ".." {
            return false;
        }
        let parents = parent_dirs(&path);
        let mut excluded = false;
        for pattern in &self.patterns {
            // An exclusion can only change an included path and an exception an excluded one;
            // skipping the others is also what makes the last matching line decide.
            if pattern.exception != excluded {
                continue;
            }
            let hit = pattern.matcher.matches(&path)
                || parents.iter().any(|dir| pattern.matcher.matches(dir));
            if hit {
                excluded = !pattern.exception;
            }
        }
        excluded
    }
}

/// `a`, `a/b` for `a/b/c`: a pattern that matches a directory covers what is inside it.
fn parent_dirs(path: &str) -> Vec<&str> {
    path.match_indices('/').map(|(i, _)| &path[..i]).collect()
}

/// Go's `filepath.Clean` for `/`-separated paths: no empty or `.` components, `..` folded into
/// its parent where there is one, no trailing slash; `.` for an empty result.
pub fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            // `..` above the root is the root; above a relative start it is kept.
            ".." if rooted => {}
            other => parts.push(other),
        }
    }
    match (rooted, parts.is_empty()) {
        (true, _) => format!("/{}", parts.join("/")),
        (false, true) => ".".to_string(),
        (false, false) => parts.join("/"),
    }
}

/// How one pattern matches. Docker turns most patterns into a regular expression but takes
/// shortcuts for the plain ones, and one shortcut (`**` first, then only literal text) is
/// looser than the expression would be: `**foo` matches any path ending in `foo`, as in Docker.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Matcher {
    /// No special characters: the whole path must be equal.
    Exact(String),
    /// Literal text then `**` at the end: the path starts with the text.
    Prefix(String),
    /// `**` then literal text: the path ends with the text (`**/foo` also matches `foo`).
    Suffix(String),
    Glob(Vec<Token>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    Char(char),
    /// `?`
    One,
    /// `*`
    Star,
    /// `**` (with a following `/`, which it eats) before more pattern: any prefix that is empty
    /// or ends in `/`.
    Dirs,
    /// `**` at the end: anything at all.
    Rest,
    Class {
        negated: bool,
        ranges: Vec<(char, char)>,
    },
}

impl Matcher {
    /// `None` for a pattern Docker rejects.
    fn compile(pattern: &str) -> Option<Matcher> {
        let tokens = tokenize(pattern)?;
        let literal = |tokens: &[Token]| -> Option<String> {
            tokens
                .iter()
                .map(|t| match t {
                    Token::Char(c) => Some(*c),
                    _ => None,
                })
                .collect()
        };
        // Escapes make Docker use its expression even for literal text; they are rare enough
        // that the general matcher serves them.
        let has_escape = pattern.contains('\\');
        let matcher = match tokens.as_slice() {
            _ if has_escape => Matcher::Glob(tokens),
            [Token::Dirs, rest @ ..] if literal(rest).is_some() => {
                Matcher::Suffix(pattern.get(2..).unwrap_or("").to_string())
            }
            [Token::Rest] => Matcher::Suffix(String::new()),
            [init @ .., Token::Rest] if literal(init).is_some() => {
                Matcher::Prefix(literal(init).unwrap_or_default())
            }
            _ => match literal(&tokens) {
                Some(text) => Matcher::Exact(text),
                None => Matcher::Glob(tokens),
            },
        };
        Some(matcher)
    }

    fn matches(&self, path: &str) -> bool {
        match self {
            Matcher::Exact(text) => path == text,
            Matcher::Prefix(text) => path.starts_with(text.as_str()),
            Matcher::Suffix(text) => {
                path.ends_with(text.as_str()) || text.strip_prefix('/') == Some(path)
            }
            Matcher::Glob(tokens) => glob_matches(tokens, path),
        }
    }
}

/// Splits a pattern into tokens, checking it the way Go's `filepath.Match` does (Docker refuses
/// a pattern that fails that check).
fn tokenize(pattern: &str) -> Option<Vec<Token>> {
    let mut tokens = Vec::new();
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        let token = match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                if chars.peek() == Some(&'/') {
                    chars.next();
                }
                if chars.peek().is_none() {
                    Token::Rest
                } else {
                    Token::Dirs
                }
            }
            '*' => Token::Star,
            '?' => Token::One,
            '\\' => Token::Char(chars.next()?),
            '[' => class(&mut chars)?,
            other => Token::Char(other),
        };
        tokens.push(token);
    }
    Some(tokens)
}

/// The rest of a `[...]` class, after the `[`. `None` when it is malformed: empty, unclosed, or
/// with an unescaped `-` or `]` where a character belongs.
fn class(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<Token> {
    let negated = chars.next_if_eq(&'^').is_some();
    let mut ranges = Vec::new();
    loop {
        if !ranges.is_empty() && chars.next_if_eq(&']').is_some() {
            return Some(Token::Class { negated, ranges });
        }
        let low = class_char(chars)?;
        let high = if chars.next_if_eq(&'-').is_some() {
            class_char(chars)?
        } else {
            low
        };
        ranges.push((low, high));
    }
}

fn class_char(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<char> {
    match chars.next()? {
        '-' | ']' => None,
        '\\' => chars.next(),
        c => Some(c),
    }
}

/// Whether the whole of `path` matches `tokens`. Dynamic programming over (token, position)
/// rather than backtracking, so that a pattern with many stars stays linear in the path per
/// token instead of exponential.
fn glob_matches(tokens: &[Token], path: &str) -> bool {
    let chars: Vec<char> = path.chars().collect();
    let n = chars.len();
    // `next[j]`: whether tokens[i + 1..] match chars[j..]; starts as "no tokens left".
    let mut next: Vec<bool> = (0..=n).map(|j| j == n).collect();
    for token in tokens.iter().rev() {
        let mut here = vec![false; n + 1];
        // For `Dirs`: whether some k > j has chars[k - 1] == '/' and next[k].
        let mut after_a_slash = false;
        for j in (0..=n).rev() {
            let c = chars.get(j).copied();
            here[j] = match token {
                Token::Char(want) => c == Some(*want) && next[j + 1],
                Token::One => c.is_some_and(|c| c != '/') && next[j + 1],
                Token::Class { negated, ranges } => {
                    c.is_some_and(|c| in_class(c, ranges) != *negated) && next[j + 1]
                }
                Token::Star => next[j] || (c.is_some_and(|c| c != '/') && here[j + 1]),
                Token::Rest => true,
                Token::Dirs => {
                    after_a_slash |= c == Some('/') && next[j + 1];
                    next[j] || after_a_slash
                }
            };
        }
        next = here;
    }
    next[0]
}

fn in_class(c: char, ranges: &[(char, char)]) -> bool {
    ranges.iter().any(|&(low, high)| low <= c && c <= high)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ignore(text: &str) -> DockerIgnore {
        DockerIgnore::parse(".dockerignore", text)
    }

    #[test]
    fn a_star_stays_within_one_directory() {
        let list = ignore("*.md\n");
        assert!(list.excludes("README.md"));
        assert!(list.excludes("CHANGELOG.md"));
        assert!(!list.excludes("docs/guide.md"));
        assert!(!list.excludes("README.mdx"));
    }

    #[test]
    fn a_later_exception_re_includes() {
        let list = ignore("*.md\n!README.md\n");
        assert!(!list.excludes("README.md"));
        assert!(list.excludes("CHANGELOG.md"));
        // …and a later exclusion wins over the exception again.
        let list = ignore("*.md\n!README.md\nREADME*\n");
        assert!(list.excludes("README.md"));
    }

    #[test]
    fn double_star_matches_any_number_of_directories() {
        let list = ignore("**/node_modules\n");
        assert!(list.excludes("node_modules"));
        assert!(list.excludes("web/node_modules"));
        assert!(list.excludes("a/b/node_modules/left-pad/index.js"));
        assert!(!list.excludes("node_modules_backup"));
        let list = ignore("docs/**/*.png\n");
        assert!(list.excludes("docs/a.png"));
        assert!(list.excludes("docs/x/y/a.png"));
        assert!(!list.excludes("a.png"));
    }

    #[test]
    fn a_pattern_is_anchored_at_the_context_root() {
        let list = ignore("node_modules\n");
        assert!(list.excludes("node_modules/x/index.js"));
        assert!(!list.excludes("web/node_modules"));
    }

    #[test]
    fn a_leading_slash_is_dropped() {
        let list = ignore("/build\n");
        assert!(list.excludes("build"));
        assert!(list.excludes("build/out.o"));
        assert!(!list.excludes("src/build"));
        assert_eq!(list.patterns().collect::<Vec<_>>(), ["build"]);
    }

    #[test]
    fn a_trailing_slash_is_cleaned_away() {
        let list = ignore("dist/\n./tmp//cache/\n");
        assert!(list.excludes("dist"));
        assert!(list.excludes("dist/app.js"));
        assert!(list.excludes("tmp/cache/x"));
        assert_eq!(list.patterns().collect::<Vec<_>>(), ["dist", "tmp/cache"]);
    }

    #[test]
    fn comments_blank_lines_and_whitespace() {
        let list = ignore("# build outputs\n\n   \n  target  \r\n#.env\n !.keep \n");
        assert_eq!(list.patterns().collect::<Vec<_>>(), ["target", "!.keep"]);
        assert!(list.excludes("target/debug"));
        assert!(!list.excludes(".env"));
        // `#` is a comment only in the first column: Docker checks before trimming.
        let list = ignore("  #notes\n");
        assert!(list.excludes("#notes"));
    }

    #[test]
    fn dot_git_is_not_dot_github() {
        let list = ignore(".git\n");
        assert!(list.excludes(".git"));
        assert!(list.excludes(".git/HEAD"));
        assert!(!list.excludes(".github"));
        assert!(!list.excludes(".github/workflows/ci.yml"));
        assert!(!list.excludes(".gitignore"));
        let list = ignore(".git*\n");
        assert!(list.excludes(".github"));
    }

    #[test]
    fn the_plain_shortcuts_behave_as_in_docker() {
        // `**` then literal text: a suffix test, looser than a path-component match.
        assert!(ignore("**.log\n").excludes("a/b/x.log"));
        assert!(ignore("**foo\n").excludes("barfoo"));
        // Literal text then `**`: a prefix test.
        assert!(ignore("tmp**\n").excludes("tmpfile"));
        assert!(ignore("logs/**\n").excludes("logs/a/b"));
        assert!(!ignore("logs/**\n").excludes("logs"));
        assert!(ignore("**\n").excludes("anything/at/all"));
    }

    #[test]
    fn classes_question_marks_and_escapes() {
        let list = ignore("file[0-9].txt\nx?y\nlit\\*\n[^a]b\n");
        assert!(list.excludes("file7.txt"));
        assert!(!list.excludes("filex.txt"));
        assert!(list.excludes("x_y"));
        assert!(!list.excludes("x/y"));
        assert!(list.excludes("lit*"));
        assert!(!list.excludes("literal"));
        assert!(list.excludes("cb"));
        assert!(!list.excludes("ab"));
    }

    #[test]
    fn malformed_patterns_exclude_nothing_and_are_kept_aside() {
        let list = ignore("[abc\n!\nok\\\n[]x\n[a-]\n");
        assert_eq!(list.patterns().count(), 0);
        assert_eq!(list.invalid(), ["[abc", "!", "ok\\", "[]x", "[a-]"]);
        assert!(!list.excludes("a"));
    }

    #[test]
    fn patterns_are_cleaned_like_go_paths() {
        assert_eq!(clean("./a//b/../c/"), "a/c");
        assert_eq!(clean(""), ".");
        assert_eq!(clean("../x"), "../x");
        assert_eq!(clean("/../x"), "/x");
        assert_eq!(clean("/"), "/");
        let list = ignore("!/keep\n/\n");
        assert_eq!(list.patterns().collect::<Vec<_>>(), ["!keep", "/"]);
    }

    #[test]
    fn an_allow_list_excludes_everything_else() {
        let list = ignore("*\n!src\n!package.json\n");
        assert!(list.excludes(".git"));
        assert!(list.excludes(".git/HEAD"));
        assert!(!list.excludes("src/index.js"));
        assert!(!list.excludes("package.json"));
    }

    #[test]
    fn an_excluded_directory_can_have_an_exception_inside() {
        let list = ignore(".git\n!.git/HEAD\n");
        assert!(list.excludes(".git/objects/ab/cd"));
        assert!(!list.excludes(".git/HEAD"));
    }

    #[test]
    fn the_root_and_paths_outside_it_are_never_excluded() {
        let list = ignore("*\n");
        assert!(!list.excludes("."));
        assert!(!list.excludes(""));
        assert!(!list.excludes("../x"));
        assert!(list.excludes("./x"));
    }

    #[test]
    fn many_stars_do_not_blow_up() {
        let list = ignore(&format!("{}b\n", "*a".repeat(30)));
        assert!(!list.excludes(&"a".repeat(200)));
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_first_pattern() {
        assert!(ignore("\u{feff}.git\n").excludes(".git"));
    }
}
