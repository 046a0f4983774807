//! DL3010 copied-archive-extracted: a tar archive `COPY`ed into the image and extracted by a
//! later `RUN` of the same stage. The archive stays in the `COPY`'s layer even if the `RUN`
//! deletes it; `ADD` extracts a local tar archive (plain, gzip, bzip2 or xz) itself, in one
//! layer. zip files are not counted: `ADD` does not extract them.
//!
//! A copied file is matched to the extracting command by its name (the copy's destination name
//! when that is an archive name, else the source's), as hadolint matches it.

use crate::rules::{Context, Rule};
use crate::span::Span;
use crate::syntax::{Args, Keyword};

pub struct CopiedArchiveExtracted;

const TAR_ARCHIVES: &[&str] = &[
    ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tbz2", ".tb2", ".tar.xz", ".txz",
];

fn is_archive(name: &str) -> bool {
    TAR_ARCHIVES.iter().any(|ext| name.ends_with(ext))
}

/// The file name of a path, with quotes dropped; `/` and Windows' `\` both separate.
fn file_name(path: &str) -> String {
    let path = path.trim_matches(['"', '\'']);
    path.rsplit(['/', '\\']).next().unwrap_or(path).to_string()
}

impl Rule for CopiedArchiveExtracted {
    fn check(&self, cx: &mut Context<'_, '_>) {
        let runs = cx.runs();
        // Archives copied in the current stage: (the copy's span, file name, reported yet).
        let mut copied: Vec<(Span, String, bool)> = Vec::new();
        let mut findings: Vec<(Span, String)> = Vec::new();
        // Well-formed instructions only; one before any FROM is (a fragment, linted like a
        // stage: LL001 alone says Docker refuses it).
        for instruction in cx.dockerfile.instructions().filter(|i| !i.malformed) {
            match instruction.keyword {
                Keyword::From => copied.clear(),
                Keyword::Copy
                    if instruction.flag("from").is_none() && instruction.heredocs().is_empty() =>
                {
                    let words: Vec<&str> = match &instruction.args {
                        Args::Words(words) | Args::Json(words) => {
                            words.iter().map(|w| w.text.as_str()).collect()
                        }
                        _ => continue,
                    };
                    let Some((target, sources)) = words.split_last() else {
                        continue;
                    };
                    let target_name = file_name(target);
                    if is_archive(&target_name) {
                        copied.push((instruction.span, target_name, false));
                    } else {
                        for source in sources {
                            let name = file_name(source);
                            if is_archive(&name) {
                                copied.push((instruction.span, name, false));
                            }
                        }
                    }
                }
                Keyword::Run => {
                    for run in runs.of(instruction) {
                        for cmd in cx.commands(run).iter() {
                            if !cmd.is("tar") {
                                continue;
                            }
                            let texts: Vec<String> =
                                cmd.args.iter().map(|w| cmd.text(w).into_owned()).collect();
                            let extracts = texts.iter().enumerate().any(|(at, t)| {
                                t == "--extract"
                                    || t == "--get"
                                    || (t.starts_with('-')
                                        && !t.starts_with("--")
                                        && t.contains('x'))
                                    || (at == 0 && !t.starts_with('-') && t.contains('x'))
                            });
                            if !extracts {
                                continue;
                            }
                            let names: Vec<String> = texts
                                .iter()
                                .map(|t| file_name(t.strip_prefix("--file=").unwrap_or(t)))
                                .collect();
                            for (span, name, reported) in copied.iter_mut() {
                                if !*reported && names.contains(name) {
                                    *reported = true;
                                    let line = cx.dockerfile.line_of(run.file_span(cmd.span).start);
                                    findings.push((
                                        *span,
                                        format!("`{name}` is copied here and extracted on line {line}: `ADD` extracts a local tar archive without keeping it in a layer"),
                                    ));
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        for (span, message) in findings {
            cx.report(span, message);
        }
    }
}
