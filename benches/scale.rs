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

/// `count` instructions: a `FROM`, a `WORKDIR`, then the eight kinds of compare.sh picked by a
/// fixed pseudo-random sequence, so every run lints the same text.
fn mixed(count: usize) -> String {
    let mut out = String::from("FROM debian:bookworm-slim AS base\nWORKDIR /app\n");
    let mut seed: u64 = 42;
    for i in 1..count.saturating_sub(1) {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let p = i.saturating_sub(3);
        let line = match (seed >> 33) % 8 {
            0 => format!("RUN apt-get update && apt-get install -y pkg{i}"),
            1 => format!(
                "RUN curl -fsSLo /tmp/f{i}.tgz https://example.com/f{i}.tgz && tar -xzf /tmp/f{i}.tgz -C /opt"
            ),
            2 => format!("RUN rm -rf /tmp/f{p}.tgz"),
            3 => format!("COPY src{i}/ /app/src{i}/"),
            4 => format!("ENV V{i}=x{i}"),
            5 => format!("RUN chmod -R 755 /app/src{p}"),
            6 => format!("LABEL l{i}=v"),
            _ => format!("RUN pip install pkg{i}"),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

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
