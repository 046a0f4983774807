//! The generated Dockerfile of the size benchmarks (benches/scale.rs, benches/server_latency.rs)
//! and of tests/hostile_size.rs.

/// `count` instructions: a `FROM`, a `WORKDIR`, then the eight kinds of compare.sh picked by a
/// fixed pseudo-random sequence, so every run lints the same text.
pub fn mixed(count: usize) -> String {
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
