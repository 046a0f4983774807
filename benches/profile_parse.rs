//! A plain loop that parses the whole corpus five times, for instruction-count profiling:
//! `cargo bench --bench profile_parse --no-run` then run the binary under
//! `valgrind --tool=callgrind`. Instruction counts repeat exactly, unlike timings on a shared machine.

use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut files = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                files.push(text);
            }
        }
    }
    for _ in 0..5 {
        for file in &files {
            std::hint::black_box(layerlint::syntax::parse(file));
        }
    }
}
