#!/usr/bin/env bash
# Lints every file of ../shared/corpus in one invocation and prints, per rule, the number of
# findings, the files and the repositories they are in. With --sample N it also prints N findings
# per rule, spread across repositories, with the lines around them (for hand review).
#
#   benches/corpus-findings.sh [--sample N] [RULE...]
set -euo pipefail
cd "$(dirname "$0")/.."
sample=0
if [ "${1:-}" = "--sample" ]; then sample=$2; shift 2; fi
cargo build --release -q
out=$(mktemp)
find ../shared/corpus -type f ! -name MANIFEST.tsv -print0 | sort -z \
  | xargs -0 target/release/layerlint check --format json --fail-level none > "$out"
python3 - "$out" "$sample" "$@" <<'PY'
import json, sys, random, collections
# xargs may split the file list over several runs: read every JSON array in turn.
text, findings, decoder, at = open(sys.argv[1]).read(), [], json.JSONDecoder(), 0
while at < len(text):
    if text[at].isspace():
        at += 1
        continue
    chunk, at = decoder.raw_decode(text, at)
    findings.extend(chunk)
sample, wanted = int(sys.argv[2]), set(sys.argv[3:])
root = "../shared/corpus/"
by_rule = collections.defaultdict(list)
for f in findings:
    f["file"] = f["file"].removeprefix(root)
    by_rule[f["code"]].append(f)
print(f"{'rule':<7} {'findings':>8} {'files':>6} {'repos':>6}")
for code in sorted(by_rule):
    items = by_rule[code]
    files = {f["file"] for f in items}
    repos = {f["file"].split("/")[0] for f in items}
    print(f"{code:<7} {len(items):>8} {len(files):>6} {len(repos):>6}")
if not sample:
    sys.exit(0)
random.seed(7)
for code in sorted(by_rule):
    if wanted and code not in wanted:
        continue
    # One finding per repository first, so the sample spreads across projects.
    per_repo = collections.defaultdict(list)
    for f in by_rule[code]:
        per_repo[f["file"].split("/")[0]].append(f)
    picks, rounds = [], 0
    while len(picks) < sample and any(per_repo.values()):
        for repo in sorted(per_repo):
            if per_repo[repo] and len(picks) < sample:
                picks.append(per_repo[repo].pop(random.randrange(len(per_repo[repo]))))
    print(f"\n===================== {code}: {len(picks)} sampled")
    for i, f in enumerate(picks, 1):
        lines = open(root + f["file"], encoding="utf-8", errors="replace").read().split("\n")
        print(f"\n--- {code} #{i} {f['file']}:{f['line']}\n{f['message']}")
        lo, hi = max(0, f["line"] - 4), min(len(lines), f["end_line"] + 2)
        for n in range(lo, hi):
            mark = ">" if f["line"] <= n + 1 <= f["end_line"] else " "
            print(f"{mark}{n+1:4} | {lines[n][:150]}")
PY
rm -f "$out"
