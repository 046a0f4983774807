//! Lint and fix time against the size of one file, in process: generated files with the
//! instruction mix of `benches/compare.sh`, from 500 to 50,000 instructions.
//!
//! `cargo bench --bench scale` reports each size's time and, as throughput, instructions per
//! second: linear cost shows as the same throughput at every size. `benches/scale.sh` measures
//! the release binary end to end, with peak memory.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use layerlint::fix::fix_source;
use layerlint::{Applicability, LintOptions};
use std::hint::black_box;
use std::time::Duration;

#[path = "support/mixed.rs"]
mod support;
use support::mixed;

fn scale(c: &mut Criterion) {
    let options = LintOptions::default();
    for (name, sizes) in [
        ("lint", &[500, 2_000, 8_000, 16_000, 50_000][..]),
        ("fix", &[500, 2_000, 8_000, 16_000][..]),
    ] {
        let mut group = c.benchmark_group(name);
        group
            .sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(4));
        for &size in sizes {
            let source = mixed(size);
            group.throughput(Throughput::Elements(size as u64));
            group.bench_with_input(BenchmarkId::from_parameter(size), &source, |b, source| {
                b.iter(|| match name {
                    "lint" => {
                        black_box(layerlint::lint_with(black_box(source), &options));
                    }
                    _ => {
                        black_box(fix_source(black_box(source), &options, Applicability::Safe));
                    }
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scale);
criterion_main!(benches);
