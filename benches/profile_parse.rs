//! A plain loop that parses the whole corpus five times, for instruction-count profiling:
//! `cargo bench --bench profile_parse --no-run` then run the binary under
//! `valgrind --tool=callgrind`. Instruction counts repeat exactly, unlike timings on a shared machine.

mod corpus_files;

fn main() {
    let files = corpus_files::load();
    for _ in 0..5 {
        for file in &files {
            std::hint::black_box(layerlint::syntax::parse(file));
        }
    }
}
