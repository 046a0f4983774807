//! The text of every readable file under ../shared/corpus, shared by the benchmarks.

use std::path::{Path, PathBuf};

pub fn load() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    let mut stack: Vec<PathBuf> = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.file_name().is_some_and(|n| n != "MANIFEST.tsv") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    files.push(text);
                }
            }
        }
    }
    files
}
