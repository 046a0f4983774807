#!/usr/bin/env bash
# How lint time and memory grow with the size of one Dockerfile: the release binary on generated
# files with the instruction mix of benches/compare.sh (500 to 50,000 instructions), `--diff` on
# them, and the hostile shapes of tests/hostile_size.rs at full size, with peak memory. Each time
# is the CPU time (user + system) of the best of a few runs, so the figures hold on a shared
# machine; the process's start-up (about 1 ms) is included.
#
#   benches/scale.sh [RUNS]     (default 5 runs per timing)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
cargo build --release -q
python3 - "$runs" <<'PY'
import os, random, resource, subprocess, sys, tempfile
runs = int(sys.argv[1])
layerlint = os.path.abspath("target/release/layerlint")
work = tempfile.mkdtemp(prefix="layerlint-scale-")

def mixed(n):
    random.seed(42)
    lines = ["FROM debian:bookworm-slim AS base", "WORKDIR /app"]
    kinds = ["RUN apt-get update && apt-get install -y pkg{i}",
             "RUN curl -fsSLo /tmp/f{i}.tgz https://example.com/f{i}.tgz && tar -xzf /tmp/f{i}.tgz -C /opt",
             "RUN rm -rf /tmp/f{p}.tgz", "COPY src{i}/ /app/src{i}/", "ENV V{i}=x{i}",
             "RUN chmod -R 755 /app/src{p}", "LABEL l{i}=v", "RUN pip install pkg{i}"]
    i = 0
    while len(lines) < n:
        i += 1
        lines.append(random.choice(kinds).format(i=i, p=max(i - 3, 0)))
    return "\n".join(lines) + "\n"

def write(name, text):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write(text)
    return path

def cpu(args):
    """CPU seconds (user + system) of one run: on a machine shared with other builds, this moves
    far less than the wall clock."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

def best(args, count=None):
    return min(cpu(args) for _ in range(count or runs))

def peak_mb(args):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1]) / 1024

# layerlint's own work, without ShellCheck (a separate program, whose cost is its own: the last
# column is the same lint with it, once, CPU of the ShellCheck processes included).
with_shellcheck = [layerlint, "check", "--fail-level", "none", "--format", "json"]
check = with_shellcheck + ["--no-shellcheck"]
print(f"{'instructions':>12} {'lint ms':>9} {'µs/instr':>9} {'--diff ms':>10} {'µs/instr':>9} {'peak MB':>8} {'+ShellCheck ms':>15}")
base = None
for n in [500, 1000, 2000, 4000, 8000, 16000, 32000, 50000]:
    path = write(f"mix-{n}", mixed(n))
    lint = best(check + [path])
    diff = best([layerlint, "check", "--diff", "--no-shellcheck", "--fail-level", "none", path])
    shellchecked = best(with_shellcheck + [path], 1)
    per = lint / n * 1e6
    base = base or per
    print(f"{n:>12,} {lint*1000:>9.1f} {per:>9.2f} {diff*1000:>10.1f} {diff/n*1e6:>9.2f} {peak_mb(check + [path]):>8.1f} {shellchecked*1000:>15.0f}   lint per instruction {per/base:.2f}x the 500's")

# The peer on the same files, where it finishes: hadolint's own cost grows faster than linearly
# on this mix (its 2,000 took about 100 s here), so only the small sizes are compared.
hadolint = os.path.expanduser("~/.cache/layerlint-peers/bin/hadolint")
if os.access(hadolint, os.X_OK):
    for n in [500, 1000]:
        path = os.path.join(work, f"mix-{n}")
        # hadolint runs ShellCheck too: compared with ShellCheck on.
        ours = best(with_shellcheck + [path])
        theirs = best([hadolint, "--no-fail", path], 1)
        print(f"hadolint on {n:,}: {theirs*1000:.0f} ms, layerlint with ShellCheck {ours*1000:.1f} ms: {theirs/ours:.0f}x faster")
else:
    print("hadolint not installed (../shared/tools/install-peers.sh): no peer ratio")

def env_lines(size):
    out, i = [], 0
    total = len("FROM alpine\n")
    out.append("FROM alpine\n")
    while total < size:
        line = f"ENV VAR{i:07d}=value{i:07d}\n"
        out.append(line)
        total += len(line)
        i += 1
    return "".join(out), i

hostile = {
    "ENV A=$A$A x28 (343 B)": "FROM alpine\nENV A=aaaaaaaaaaaaaaaa\n" + "ENV A=$A$A\n" * 28,
    "40,000 ENV lines": "FROM alpine\n" + "".join(f"ENV VAR{i:06d}=value{i:06d}\n" for i in range(40000)),
    "100,000-link ARG chain": "FROM alpine\nARG A0=x\n" + "".join(f"ARG A{i}=$A{i-1}\n" for i in range(1, 100000)),
    "50,000 stages": "".join(f"FROM alpine AS s{i}\nRUN echo {i}\n" for i in range(50000)),
    "50,000-stage FROM chain": "FROM alpine AS s0\n" + "".join(f"FROM s{i-1} AS s{i}\nRUN echo {i}\n" for i in range(1, 50000)),
    # Each stage adds a variable to all it inherits: a copy of the scope per stage is quadratic.
    "20,000-stage FROM chain, one ENV each": "FROM busybox AS s0\nENV V0=0\n" + "".join(f"FROM s{i-1} AS s{i}\nENV V{i}={i}\n" for i in range(1, 20000)),
    # Each stage built FROM the one two back: no base ends right before the stage built on it,
    # so every stage goes on from its base's point; a copy of the scope every few stages is
    # quadratic in the chain.
    "20,000-stage chain two back, one ENV each": "FROM busybox AS s0\nENV V0=0\nFROM busybox AS s1\nENV V1=1\n" + "".join(f"FROM s{i-2} AS s{i}\nENV V{i}={i}\n" for i in range(2, 20000)),
    # The same, the odd stages redeclaring X and the even ones reading theirs: every lookup
    # passes all the newer, out-of-scope X of the other chain.
    "20,000-stage chain two back, reading X": "FROM busybox AS s0\nENV V0=0 X=even\nFROM busybox AS s1\n" + "".join(
        f"FROM s{i-2} AS s{i}\n" + (f"ENV V{i}={i} X={i}\n" if i % 2 else f"ENV V{i}=$X\nRUN echo \"$X\" > /v{i}\n") for i in range(2, 20000)),
    "40,000 WORKDIR+RUN pairs": "FROM alpine\n" + "".join(f"WORKDIR /w{i}\nRUN touch f{i}\n" for i in range(40000)),
    "one RUN of 8,000 ifs": "FROM alpine\nRUN K=/keep" + "".join(
        f" \\\n && if [ -f /c{i} ]; then X{i}=v{i}; K=/keep; fi" for i in range(8000)) + " && touch $K/f\n",
}
text, count = env_lines(50 * 1000 * 1000)
hostile[f"50 MB of ENV lines ({count:,})"] = text
print(f"\n{'hostile input':<32} {'bytes':>11} {'lint ms':>9} {'peak MB':>8}")
for name, text in hostile.items():
    path = write("hostile", text)
    seconds = best(check + [path], 1 if len(text) > 10_000_000 else runs)
    print(f"{name:<32} {len(text):>11,} {seconds*1000:>9.0f} {peak_mb(check + [path]):>8.1f}")
    os.remove(path)
PY
