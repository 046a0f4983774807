//! Commands that fetch files: `curl -o/-O`, `wget [-O|-P]`, `git clone`.
//!
//! A name chosen by the server (`curl -J`, `wget --content-disposition`) or a recursive fetch
//! is not known, so those are marked unread rather than guessed.

use super::command::Command;
use super::options::{self, Item, Spec};
use super::record::Recorder;
use super::words::Arg;
use crate::model::paths;

/// Where one of curl's transfers goes.
enum Output<'p> {
    /// `-o FILE`
    File(&'p Arg),
    /// `-O`: the last part of the URL's path.
    RemoteName,
}

/// `curl [-o FILE | -O]… URL…`: each `-o`/`-O` goes with the URL in the same position;
/// `--remote-name-all` gives `-O` to the rest; transfers without one go to standard output.
pub(super) fn curl(command: &Command, rec: &mut Recorder) {
    const CURL: Spec = Spec {
        short: "AbcCdDeEFHKmoPQrtTuUwxXyYz",
        long: &[
            "cacert",
            "capath",
            "cert",
            "ciphers",
            "config",
            "connect-timeout",
            "continue-at",
            "cookie",
            "cookie-jar",
            "data",
            "data-ascii",
            "data-binary",
            "data-raw",
            "data-urlencode",
            "dns-servers",
            "dump-header",
            "expect100-timeout",
            "form",
            "form-string",
            "header",
            "interface",
            "keepalive-time",
            "key",
            "limit-rate",
            "max-filesize",
            "max-redirs",
            "max-time",
            "netrc-file",
            "noproxy",
            "output",
            "output-dir",
            "pinnedpubkey",
            "proto",
            "proto-default",
            "proto-redir",
            "proxy",
            "proxy-user",
            "quote",
            "range",
            "referer",
            "request",
            "resolve",
            "retry",
            "retry-delay",
            "retry-max-time",
            "speed-limit",
            "speed-time",
            "stderr",
            "telnet-option",
            "time-cond",
            "trace",
            "trace-ascii",
            "upload-file",
            "url",
            "user",
            "user-agent",
            "write-out",
        ],
    };
    let parsed = options::parse(command.args, &CURL);
    let mut outputs = Vec::new();
    let mut urls = Vec::new();
    for item in &parsed.items {
        match item {
            Item::Operand(url) => urls.push(url),
            Item::Option(option) => match (option.name.as_str(), &option.value) {
                ("o" | "output", Some(file)) => outputs.push(Output::File(file)),
                ("O" | "remote-name", _) => outputs.push(Output::RemoteName),
                ("url", Some(url)) => urls.push(url),
                _ => {}
            },
        }
    }
    let all_remote = parsed.has(&["remote-name-all"]);
    let header_names = parsed.has(&["J", "remote-header-name"]);
    let output_dir = match parsed.value(&["output-dir"]) {
        Some(dir) => match rec.path(command, dir) {
            Some(dir) => Some(dir),
            None => return,
        },
        None => command.cwd.map(str::to_string),
    };
    for (index, url) in urls.into_iter().enumerate() {
        let output = match outputs.get(index) {
            Some(output) => output,
            None if all_remote => &Output::RemoteName,
            None => continue,
        };
        let path = match output {
            Output::File(file) if file.text() == Some("-") => continue,
            Output::File(file) => rec.path_in(output_dir.as_deref(), file),
            Output::RemoteName if header_names => {
                rec.unread(command.span);
                None
            }
            Output::RemoteName => remote_name_in(output_dir.as_deref(), url, rec),
        };
        if let Some(path) = path {
            rec.create(command, path, false);
        }
    }
}

/// `wget URL…` saves each into the current directory (or `-P DIR`) under the URL's name;
/// `-O FILE` writes them all to FILE (`-O -` to standard output); `-o`/`-a LOG` write a log.
pub(super) fn wget(command: &Command, rec: &mut Recorder) {
    const WGET: Spec = Spec {
        short: "aABDeiIlOoPQRtTUwX",
        long: &[
            "accept",
            "append-output",
            "base",
            "bind-address",
            "body-data",
            "body-file",
            "ca-certificate",
            "ca-directory",
            "certificate",
            "connect-timeout",
            "cut-dirs",
            "default-page",
            "directory-prefix",
            "dns-timeout",
            "domains",
            "exclude-directories",
            "exclude-domains",
            "execute",
            "header",
            "http-password",
            "http-user",
            "include-directories",
            "input-file",
            "level",
            "limit-rate",
            "load-cookies",
            "max-redirect",
            "method",
            "output-document",
            "output-file",
            "password",
            "post-data",
            "post-file",
            "private-key",
            "progress",
            "quota",
            "read-timeout",
            "referer",
            "reject",
            "restrict-file-names",
            "save-cookies",
            "timeout",
            "tries",
            "user",
            "user-agent",
            "wait",
            "waitretry",
        ],
    };
    let parsed = options::parse(command.args, &WGET);
    for log in parsed.values(&["o", "output-file", "a", "append-output"]) {
        if let Some(path) = rec.path(command, log) {
            rec.create(command, path, false);
        }
    }
    if let Some(document) = parsed.value(&["O", "output-document"]) {
        if document.text() != Some("-") {
            if let Some(path) = rec.path(command, document) {
                rec.create(command, path, false);
            }
        }
        return;
    }
    let unknown_names = [
        "r",
        "recursive",
        "m",
        "mirror",
        "p",
        "page-requisites",
        "i",
        "input-file",
        "x",
        "force-directories",
        "content-disposition",
        "trust-server-names",
    ];
    if parsed.has(&unknown_names) {
        rec.unread(command.span);
        return;
    }
    let dir = match parsed.value(&["P", "directory-prefix"]) {
        Some(dir) => match rec.path(command, dir) {
            Some(dir) => Some(dir),
            None => return,
        },
        None => command.cwd.map(str::to_string),
    };
    for url in parsed.operands() {
        let Some(text) = url.text() else {
            rec.unread(url.span);
            continue;
        };
        // wget names a URL ending in `/` after its default page.
        let name = url_file_name(text).unwrap_or("index.html");
        match &dir {
            Some(dir) => rec.create(command, paths::resolve(dir, name), false),
            None => rec.unread(url.span),
        }
    }
}

/// `git [-C DIR] clone [options] URL [DIR]` creates DIR, or the repository's name in the
/// current directory (`NAME.git` for a bare clone), with everything below it.
pub(super) fn git(command: &Command, rec: &mut Recorder) {
    const GIT: Spec = Spec {
        short: "Cc",
        long: &[
            "config-env",
            "exec-path",
            "git-dir",
            "namespace",
            "super-prefix",
            "work-tree",
        ],
    };
    const CLONE: Spec = Spec {
        short: "bcjou",
        long: &[
            "branch",
            "bundle-uri",
            "config",
            "depth",
            "filter",
            "jobs",
            "origin",
            "reference",
            "reference-if-able",
            "ref-format",
            "separate-git-dir",
            "server-option",
            "shallow-exclude",
            "shallow-since",
            "template",
            "upload-pack",
        ],
    };
    let (global, rest) = options::parse_leading(command.args, &GIT);
    let Some((subcommand, args)) = rest.split_first() else {
        return;
    };
    if subcommand.text() != Some("clone") {
        return;
    }
    let mut cwd = command.cwd.map(str::to_string);
    for dir in global.values(&["C"]) {
        cwd = rec.path_in(cwd.as_deref(), dir);
    }
    let parsed = options::parse(args, &CLONE);
    let operands = parsed.operands();
    let path = match operands.as_slice() {
        [_, dir, ..] => rec.path_in(cwd.as_deref(), dir),
        [url] => {
            let bare = parsed.has(&["bare", "mirror"]);
            match url.text().and_then(|url| repository_name(url, bare)) {
                Some(name) => rec.path_in(cwd.as_deref(), &named(url, &name)),
                None => {
                    rec.unread(url.span);
                    None
                }
            }
        }
        [] => None,
    };
    if let Some(path) = path {
        rec.create(command, path, true);
    }
}

/// The file name `-O` gives a URL, in `dir`.
fn remote_name_in(dir: Option<&str>, url: &Arg, rec: &mut Recorder) -> Option<String> {
    let name = url
        .text()
        .and_then(url_file_name)
        .filter(|name| !name.contains(['{', '[']));
    match (name, dir) {
        (Some(name), Some(dir)) => Some(paths::resolve(dir, name)),
        _ => {
            rec.unread(url.span);
            None
        }
    }
}

/// The last segment of a URL's path, without query or fragment; `None` when it is empty (or
/// would step out of the directory).
fn url_file_name(url: &str) -> Option<&str> {
    let without_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = without_scheme
        .find(['?', '#'])
        .unwrap_or(without_scheme.len());
    let location = without_scheme.get(..end)?;
    let (_, path) = location.split_once('/')?;
    let name = path.rsplit('/').next()?;
    (!matches!(name, "" | "." | "..")).then_some(name)
}

/// The directory `git clone` makes for a URL: its last component without `.git`.
fn repository_name(url: &str, bare: bool) -> Option<String> {
    let trimmed = url.trim_end_matches('/');
    let trimmed = trimmed.strip_suffix("/.git").unwrap_or(trimmed);
    let last = trimmed.rsplit(['/', ':']).next()?;
    let name = last.strip_suffix(".git").unwrap_or(last);
    if name.is_empty() || name == "." || name == ".." {
        return None;
    }
    Some(if bare {
        format!("{name}.git")
    } else {
        name.to_string()
    })
}

/// An argument standing for a name derived from another argument (for resolving it).
fn named(from: &Arg, name: &str) -> Arg {
    Arg {
        span: from.span,
        // The value is known: the text as written is never read.
        raw: String::new(),
        value: Some(name.to_string()),
        path_like: !paths::is_glob(name),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{TestEnv, paths};
    use super::*;

    #[test]
    fn curl_remote_name_in_the_current_directory() {
        let effects = TestEnv::new()
            .workdir("/tmp")
            .run("curl -fsSLO https://x/y/tool.tgz");
        assert_eq!(paths(&effects.creates), [("/tmp/tool.tgz", false)]);
        assert_eq!(effects.creates[0].via, "curl");
        let effects = TestEnv::new()
            .workdir("/tmp")
            .run("curl -fsSLO https://x/y/tool.tgz?sig=1");
        assert_eq!(paths(&effects.creates), [("/tmp/tool.tgz", false)]);
    }

    #[test]
    fn curl_output_file() {
        let effects = TestEnv::new().run("curl -fsSL -o /tmp/a https://example.com/get");
        assert_eq!(paths(&effects.creates), [("/tmp/a", false)]);
        let effects = TestEnv::new().run("curl --output=/tmp/b -H 'A: b' https://x/c");
        assert_eq!(paths(&effects.creates), [("/tmp/b", false)]);
    }

    #[test]
    fn curl_pairs_outputs_with_urls() {
        let effects = TestEnv::new()
            .workdir("/d")
            .run("curl -o one https://x/1 -O https://x/2.tgz https://x/stdout");
        assert_eq!(
            paths(&effects.creates),
            [("/d/one", false), ("/d/2.tgz", false)]
        );
        let effects = TestEnv::new()
            .workdir("/d")
            .run("curl --remote-name-all https://x/a https://x/b");
        assert_eq!(paths(&effects.creates), [("/d/a", false), ("/d/b", false)]);
    }

    #[test]
    fn curl_output_dir() {
        let effects = TestEnv::new()
            .workdir("/w")
            .run("curl --output-dir /dl -O https://x/a.zip -o b https://x/b");
        assert_eq!(
            paths(&effects.creates),
            [("/dl/a.zip", false), ("/dl/b", false)]
        );
    }

    #[test]
    fn curl_to_stdout_or_unknown_names_creates_nothing() {
        let effects = TestEnv::new().run("curl -fsSL https://x/i.sh | sh; curl -o - https://x/a");
        assert!(effects.creates.is_empty());
        let effects = TestEnv::new().run("curl -OJ https://x/download");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 1);
        let effects = TestEnv::new().run("curl -O https://x/file[1-3].txt");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn wget_saves_under_the_url_name() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("wget -q https://x/a.tar.gz && wget https://x/");
        assert_eq!(
            paths(&effects.creates),
            [("/src/a.tar.gz", false), ("/src/index.html", false)]
        );
    }

    #[test]
    fn wget_directory_prefix() {
        let effects = TestEnv::new().run("wget -P /downloads https://x/a.zip");
        assert_eq!(paths(&effects.creates), [("/downloads/a.zip", false)]);
        let effects = TestEnv::new().run("wget --directory-prefix=/d -nv https://x/b.zip");
        assert_eq!(paths(&effects.creates), [("/d/b.zip", false)]);
    }

    #[test]
    fn wget_output_document() {
        let effects = TestEnv::new().run("wget -O /tmp/x https://x/a");
        assert_eq!(paths(&effects.creates), [("/tmp/x", false)]);
        let effects = TestEnv::new().run("wget -qO- https://x/a.tgz | tar -xz -C /opt");
        assert_eq!(effects.creates.len(), 1);
        assert_eq!(paths(&effects.creates), [("/opt", true)]);
        assert_eq!(effects.creates[0].via, "tar");
        let effects = TestEnv::new().run("wget -O - https://x/a");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn wget_recursive_is_unread() {
        let effects = TestEnv::new().run("wget -r https://x/");
        assert!(effects.creates.is_empty());
        assert_eq!(effects.unread.len(), 1);
    }

    #[test]
    fn git_clone_into_the_repository_name() {
        let effects = TestEnv::new()
            .workdir("/src")
            .run("git clone https://github.com/a/b.git");
        assert_eq!(paths(&effects.creates), [("/src/b", true)]);
        let effects = TestEnv::new()
            .workdir("/src")
            .run("git clone --depth 1 -b main git@github.com:a/c && git clone --bare https://h/d/");
        assert_eq!(
            paths(&effects.creates),
            [("/src/c", true), ("/src/d.git", true)]
        );
    }

    #[test]
    fn git_clone_into_a_directory() {
        let effects = TestEnv::new().run("git clone https://github.com/a/b.git /src/x");
        assert_eq!(paths(&effects.creates), [("/src/x", true)]);
        let effects = TestEnv::new().run("git -C /opt clone --branch v1 https://h/r.git sub");
        assert_eq!(paths(&effects.creates), [("/opt/sub", true)]);
        let effects = TestEnv::new().run("git -c http.sslVerify=false pull && git status");
        assert!(effects.creates.is_empty());
    }

    #[test]
    fn url_names() {
        assert_eq!(url_file_name("https://x/y/tool.tgz"), Some("tool.tgz"));
        assert_eq!(url_file_name("https://x/y/a.zip#frag"), Some("a.zip"));
        assert_eq!(url_file_name("https://x"), None);
        assert_eq!(url_file_name("https://x/"), None);
        assert_eq!(url_file_name("https://x/.."), None);
        assert_eq!(url_file_name("x.org/a/b"), Some("b"));
        assert_eq!(
            repository_name("https://h/a/b.git/", false).as_deref(),
            Some("b")
        );
        assert_eq!(
            repository_name("/srv/repo/.git", false).as_deref(),
            Some("repo")
        );
        assert_eq!(repository_name("", false), None);
    }
}
