#!/usr/bin/env python3
"""Draws a seeded sample of findings for a hand review, and prints each with its lines and fix.

    benches/review-sample.py --seed S [--per-repo 3] [--size N] RULE...

Lints ../shared/corpus with the release binary (build it first; $LAYERLINT_BIN names another), takes every finding of each
RULE, keeps at most --per-repo per repository (so one big repository cannot fill the sample),
shuffles with the seed and prints --size of them: the finding, the lines it names with three
lines of context, and the fix's rewrite. The same seed and the same binary draw the same sample,
so a review in docs/corpus-review.md can be drawn again.

    benches/review-sample.py --files --seed S --size N

draws a seeded sample of corpus files instead (one per repository first, then a second round),
for a recall review: read them by hand, list the layer problems, then compare with the findings.
"""
import argparse
import collections
import json
import os
import pathlib
import random
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BINARY = pathlib.Path(os.environ.get("LAYERLINT_BIN", ROOT / "target" / "release" / "layerlint"))


def corpus_files():
    return sorted(
        p for p in CORPUS.rglob("*") if p.is_file() and p.name != "MANIFEST.tsv"
    )


def lint(files):
    findings = []
    # One invocation per chunk keeps the command line short.
    for at in range(0, len(files), 500):
        chunk = [str(p) for p in files[at : at + 500]]
        out = subprocess.run(
            [str(BINARY), "check", "--format", "json", "--fail-level", "none", *chunk],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        findings.extend(json.loads(out or "[]"))
    return findings


def repo_of(path):
    return pathlib.Path(path).resolve().relative_to(CORPUS).parts[0]


def show(finding):
    path = pathlib.Path(finding["file"])
    lines = path.read_text(errors="replace").splitlines()
    rel = path.resolve().relative_to(CORPUS)
    print(f"=== {finding['code']} {rel}:{finding['line']}")
    print(f"    {finding['message']}")
    wanted = {finding["line"]} | {label["line"] for label in finding.get("labels", [])}
    shown = set()
    for line in sorted(wanted):
        for n in range(max(1, line - 3), min(len(lines), finding.get("end_line", line) + 3) + 1):
            if n not in shown:
                shown.add(n)
                mark = ">" if n in wanted else " "
                print(f"  {mark}{n:4} | {lines[n - 1]}")
    fix = finding.get("fix")
    if fix:
        print(f"  fix ({fix['applicability']}): {fix['title']}")
        for edit in fix["edits"]:
            print(f"    at {edit['line']}:{edit['column']}-{edit['end_line']}:{edit['end_column']}:")
            for text in edit["content"].splitlines() or [""]:
                print(f"      {text}")
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--per-repo", type=int, default=3)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--files", action="store_true")
    parser.add_argument("rules", nargs="*")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    files = corpus_files()
    if args.files:
        by_repo = collections.defaultdict(list)
        for path in files:
            by_repo[repo_of(path)].append(path)
        rounds = []
        for repo in sorted(by_repo):
            picked = by_repo[repo][:]
            rng.shuffle(picked)
            rounds.append(picked)
        chosen = []
        for depth in range(max(len(r) for r in rounds)):
            layer = [r[depth] for r in rounds if depth < len(r)]
            rng.shuffle(layer)
            chosen.extend(layer)
        for path in chosen[: args.size]:
            print(path.relative_to(CORPUS))
        return
    findings = lint(files)
    for rule in args.rules:
        mine = [f for f in findings if f["code"] == rule]
        mine.sort(key=lambda f: (f["file"], f["line"]))
        rng.shuffle(mine)
        kept, per_repo = [], collections.Counter()
        for finding in mine:
            repo = repo_of(finding["file"])
            if per_repo[repo] < args.per_repo:
                per_repo[repo] += 1
                kept.append(finding)
        print(f"##### {rule}: {len(mine)} findings in {len({repo_of(f['file']) for f in mine})} repositories; showing {min(args.size, len(kept))}\n")
        for finding in kept[: args.size]:
            show(finding)


if __name__ == "__main__":
    sys.exit(main())
