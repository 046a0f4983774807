//! Parse throughput over ../shared/corpus: every file parsed once per iteration, on one core.
//!
//! `cargo bench --bench parse` prints bytes per second (criterion's throughput) and the time per
//! iteration; divide by the file count it prints for the time per file.

mod corpus_files;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use layerlint::syntax;
use std::hint::black_box;

fn parse_corpus(c: &mut Criterion) {
    let files = corpus_files::load();
    let bytes: usize = files.iter().map(String::len).sum();
    eprintln!("corpus: {} files, {} bytes", files.len(), bytes);
    let mut group = c.benchmark_group("parse");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(30);
    group.bench_function("corpus", |b| {
        b.iter(|| {
            for file in &files {
                black_box(syntax::parse(black_box(file)));
            }
        })
    });
    group.bench_function("corpus+lint", |b| {
        b.iter(|| {
            for file in &files {
                black_box(layerlint::lint(black_box(file)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, parse_corpus);
criterion_main!(benches);
