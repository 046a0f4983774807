//! Where a lint's memory goes, phase by phase, in bytes per line of the file: the syntax tree,
//! the model, and what the rules hold on top at their peak. Counted by a global allocator that
//! adds up the live bytes asked for (over the system allocator), so the numbers are the
//! program's own, without mimalloc's pages; `benches/scale.sh` measures the release binary's
//! resident peak end to end.
//!
//! `cargo bench --bench memory_phases` runs it on a 5 MB file of `ENV` lines (the shape of
//! `benches/scale.sh`'s 50 MB one) and on the 16,000-instruction mix.

use layerlint::config::Config;
use layerlint::model::Model;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

#[path = "support/mixed.rs"]
mod support;
use support::mixed;

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let live = LIVE.fetch_add(bytes, Relaxed) + bytes;
    PEAK.fetch_max(live, Relaxed);
}

// SAFETY: every call is handed on to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        grew(layout.size());
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        grew(new_size);
        LIVE.fetch_sub(layout.size(), Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// `FROM alpine` and `ENV VAR0000000=value0000000` lines up to `size` bytes.
fn env_lines(size: usize) -> String {
    let mut out = String::from("FROM alpine\n");
    let mut i = 0;
    while out.len() < size {
        out.push_str(&format!("ENV VAR{i:07}=value{i:07}\n"));
        i += 1;
    }
    out
}

fn phases(name: &str, source: &str) {
    let lines = source.lines().count() as f64;
    let per_line = |bytes: usize| bytes as f64 / lines;
    let text = source.to_string();
    let start = LIVE.load(Relaxed);
    let dockerfile = layerlint::syntax::parse_owned(text);
    let parsed = LIVE.load(Relaxed);
    let model = Model::build(&dockerfile);
    let built = LIVE.load(Relaxed);
    PEAK.store(built, Relaxed);
    let config = Config::default();
    let found = layerlint::rules::check_all(&model, &Default::default(), &config, |doc| {
        config.severity_if_on(doc, false)
    });
    let rules = PEAK.load(Relaxed) - built;
    println!(
        "{name}: {lines} lines; bytes per line: file {:.0}, syntax tree {:.1}, model {:.1}, \
         rules at their peak +{:.1} ({} findings)",
        per_line(source.len()),
        per_line(parsed - start),
        per_line(built - parsed),
        per_line(rules),
        found.len()
    );
}

fn main() {
    phases("5 MB of ENV lines", &env_lines(5_000_000));
    phases("16,000 instructions of the mix", &mixed(16_000));
}
