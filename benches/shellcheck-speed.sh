#!/usr/bin/env bash
# The whole corpus in one invocation: layerlint with ShellCheck, layerlint without it, and
# hadolint 2.15.1 (which always runs ShellCheck), on the same files in the same session, so the
# ratios hold on a noisy machine. Needs `shellcheck` on PATH (or SHELLCHECK_DIR=dir holding it);
# installs hadolint with ../shared/tools/install-peers.sh.
#
#   benches/shellcheck-speed.sh [RUNS]     (default 2 runs of each layerlint measure, 1 of hadolint)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-2}
cargo build --release -q
if [ -n "${SHELLCHECK_DIR:-}" ]; then
  PATH="$SHELLCHECK_DIR:$PATH"
fi
command -v shellcheck >/dev/null || { echo "no shellcheck on PATH" >&2; exit 1; }
hadolint=$(bash ../shared/tools/install-peers.sh | sed -n 's/^hadolint: //p')
layerlint=$PWD/target/release/layerlint
cd ../shared/corpus
mapfile -t files < <(find . -type f ! -name MANIFEST.tsv | sed 's|^\./||' | sort)
echo "files: ${#files[@]}; $(shellcheck --version | sed -n 's/^version: /shellcheck /p'); $(nproc) cores"

# "wall cpu" seconds of one run (output discarded); cpu is user + system, children included
# (ShellCheck's processes), which a machine shared with other work disturbs less than wall time.
measure() {
  /usr/bin/time -f "%e %U %S" -o /tmp/shellcheck-speed.$$ "$@" >/dev/null 2>&1 || true
  awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' /tmp/shellcheck-speed.$$
  rm -f /tmp/shellcheck-speed.$$
}
# The run with the least wall time of $runs.
best() {
  for _ in $(seq "$runs"); do measure "$@"; done | sort -n | head -1
}
read -r with_wall with_cpu < <(best "$layerlint" check --fail-level none --quiet --format json "${files[@]}")
read -r without_wall without_cpu < <(best "$layerlint" check --no-shellcheck --fail-level none --quiet --format json "${files[@]}")
read -r peer_wall peer_cpu < <(measure "$hadolint" --no-fail -f json "${files[@]}")
ratio() { echo "scale=3; $1 / $2" | bc -l; }
echo "                              wall s    cpu s   wall, of hadolint's   cpu, of hadolint's"
printf 'layerlint with ShellCheck:    %7.2f  %7.2f   %8.3f             %8.3f   (target < 0.5)\n' \
  "$with_wall" "$with_cpu" "$(ratio "$with_wall" "$peer_wall")" "$(ratio "$with_cpu" "$peer_cpu")"
printf 'layerlint without ShellCheck: %7.2f  %7.2f   %8.3f             %8.3f\n' \
  "$without_wall" "$without_cpu" "$(ratio "$without_wall" "$peer_wall")" "$(ratio "$without_cpu" "$peer_cpu")"
printf 'hadolint 2.15.1:              %7.2f  %7.2f\n' "$peer_wall" "$peer_cpu"
