//! `layerlint layers` against `check` over ../shared/corpus: every file once per iteration, on
//! one core, without a build context. `layers` lints the file as `check` does, then builds the
//! model again and turns it into rows, so the ratio of the two times is what the advisor adds.
//!
//! `cargo bench --bench layers`; compare the `check` and `layers` times of one run.

mod corpus_files;

use criterion::{Criterion, criterion_group, criterion_main};
use layerlint::LintOptions;
use layerlint::advisor::{Builder, Change, plan_source};
use std::hint::black_box;
use std::time::{Duration, Instant};

fn layers_against_check(c: &mut Criterion) {
    let files = corpus_files::load();
    eprintln!("corpus: {} files", files.len());
    let options = LintOptions::default();
    let change = Change {
        paths: vec!["src/main.c".into(), "package.json".into()],
        build_args: vec![("VERSION".into(), "2".into())],
        builder: Builder::BuildKit,
    };
    ratio(&files, &options);
    let mut group = c.benchmark_group("corpus");
    group.sample_size(10);
    group.bench_function("check", |b| {
        b.iter(|| {
            for file in &files {
                black_box(layerlint::lint_with(black_box(file), &options));
            }
        })
    });
    group.bench_function("layers", |b| {
        b.iter(|| {
            for file in &files {
                black_box(plan_source(black_box(file), &options, None, None));
            }
        })
    });
    group.bench_function("layers --changed --build-arg", |b| {
        b.iter(|| {
            for file in &files {
                black_box(plan_source(black_box(file), &options, None, Some(&change)));
            }
        })
    });
    group.finish();
}

/// The ratio layers/check from alternating passes over the corpus, the best of each: on a shared,
/// noisy machine two back-to-back criterion groups can see different loads, alternating passes
/// see the same.
fn ratio(files: &[String], options: &LintOptions) {
    let pass = |layers: bool| {
        let start = Instant::now();
        for file in files {
            if layers {
                black_box(plan_source(black_box(file), options, None, None));
            } else {
                black_box(layerlint::lint_with(black_box(file), options));
            }
        }
        start.elapsed()
    };
    let (mut check, mut layers) = (Duration::MAX, Duration::MAX);
    for _ in 0..7 {
        check = check.min(pass(false));
        layers = layers.min(pass(true));
    }
    eprintln!(
        "best of 7 alternating passes: check {:.0} ms, layers {:.0} ms, layers/check {:.2}",
        check.as_secs_f64() * 1e3,
        layers.as_secs_f64() * 1e3,
        layers.as_secs_f64() / check.as_secs_f64()
    );
}

criterion_group!(benches, layers_against_check);
criterion_main!(benches);
