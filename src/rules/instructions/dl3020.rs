//! DL3020 add-instead-of-copy: `ADD` of local files or folders, which `COPY` does plainly.

use super::{copy_args, unquoted};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rules::{Context, Rule};
use crate::syntax::{Instruction, Keyword};

pub struct AddInsteadOfCopy;

/// The names `ADD` unpacks (hadolint's list: tar and the compressions Docker reads).
const ARCHIVES: &[&str] = &[
    ".tar", ".Z", ".bz2", ".gz", ".lz", ".lzma", ".tZ", ".tb2", ".tbz", ".tbz2", ".tgz", ".tlz",
    ".tpz", ".txz", ".xz",
];

/// Extensions of files that are never a tar archive, so `ADD` copies them as they are.
const PLAIN: &[&str] = &[
    "sh",
    "bash",
    "py",
    "rb",
    "js",
    "mjs",
    "cjs",
    "ts",
    "json",
    "yaml",
    "yml",
    "toml",
    "ini",
    "cfg",
    "conf",
    "config",
    "properties",
    "env",
    "txt",
    "md",
    "html",
    "htm",
    "css",
    "xml",
    "csv",
    "sql",
    "pem",
    "crt",
    "cer",
    "key",
    "pub",
    "jar",
    "war",
    "ear",
    "zip",
    "whl",
    "so",
    "lock",
    "go",
    "mod",
    "sum",
    "java",
    "php",
    "pl",
    "lua",
    "service",
    "template",
    "tmpl",
    "ps1",
    "bat",
    "cmd",
    "exe",
    "dll",
    "msi",
    "rpm",
    "deb",
    "apk",
    "png",
    "jpg",
    "svg",
    "ico",
    "patch",
    "diff",
];

/// Flags only `ADD` has: with them the instruction cannot become a `COPY`.
const ADD_ONLY_FLAGS: &[&str] = &["checksum", "keep-git-dir", "unpack"];

fn is_archive(path: &str) -> bool {
    ARCHIVES.iter().any(|ext| path.ends_with(ext))
}

fn is_remote(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("git@")
}

/// Whether `ADD` copies this local source unchanged for certain: a directory, or a file whose
/// extension no tar archive has (`ADD` recognises a local tar by its content, not its name).
fn certainly_not_archive(path: &str) -> bool {
    if path.ends_with('/') || path == "." || path.ends_with("/.") {
        return true;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty() && PLAIN.contains(&ext.to_ascii_lowercase().as_str())
    })
}

/// A source as the build reads it: with the `ARG`/`ENV` values of the step's scope put in, or
/// `None` when a variable's value is not known here (it may be a URL or an archive).
fn source_value(cx: &Context<'_, '_>, instruction: &Instruction, text: &str) -> Option<String> {
    if !text.contains('$') {
        return Some(text.to_string());
    }
    let step = cx
        .model
        .stages
        .iter()
        .flat_map(|stage| &stage.steps)
        .find(|step| std::ptr::eq(step.instruction, instruction))?;
    let value = step.vars.expand(text, cx.dockerfile.escape)?;
    (!value.contains('$')).then_some(value)
}

impl Rule for AddInsteadOfCopy {
    fn check(&self, cx: &mut Context<'_, '_>) {
        for instruction in cx.dockerfile.instructions() {
            if instruction.keyword != Keyword::Add {
                continue;
            }
            let Some((sources, _)) = copy_args(instruction) else {
                continue;
            };
            let paths: Vec<Option<String>> = sources
                .iter()
                .map(|w| source_value(cx, instruction, unquoted(&w.text)))
                .collect();
            // Through a variable the source is judged by its value; the fix is then unsafe,
            // since an `ARG` may be given another value at build time.
            let through_variable = sources.iter().any(|w| w.text.contains('$'));
            let local: Vec<&str> = paths
                .iter()
                .flatten()
                .map(String::as_str)
                .filter(|p| !is_archive(p) && !is_remote(p))
                .collect();
            if local.is_empty() {
                continue;
            }
            let message = format!(
                "`ADD {}` copies local files: use COPY, which does only that (ADD also fetches \
                 URLs and unpacks archives)",
                local.join(" ")
            );
            let convertible = local.len() == paths.len()
                && !instruction
                    .flags()
                    .iter()
                    .any(|f| ADD_ONLY_FLAGS.contains(&f.name.as_str()));
            let keyword = cx.text(instruction.keyword_span);
            let replacement = if keyword.chars().all(|c| c.is_ascii_lowercase()) {
                "copy"
            } else {
                "COPY"
            };
            let applicability =
                if !through_variable && local.iter().all(|p| certainly_not_archive(p)) {
                    Applicability::Safe
                } else {
                    Applicability::Unsafe
                };
            let diagnostic = cx.report(instruction.span, message);
            if convertible {
                diagnostic.fix = Some(Fix {
                    title: "Replace ADD with COPY".into(),
                    applicability,
                    edits: vec![Edit {
                        span: instruction.keyword_span,
                        content: replacement.into(),
                    }],
                });
            }
        }
    }
}
