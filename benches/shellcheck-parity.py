#!/usr/bin/env python3
"""ShellCheck findings of layerlint against hadolint 2.15.1's on the corpus.

hadolint reports an SC finding on the line where its RUN instruction starts, and at most one per
RUN: its findings are a set ordered by line alone, so of ShellCheck's comments on a script only
the last (in ShellCheck's order) is kept. layerlint reports every comment, on the line and column
of the script where ShellCheck found it. So each layerlint finding is counted on the line of the
RUN (or ONBUILD) instruction that holds it, and per code the table says:

  both        hadolint's finding on that RUN, and layerlint's of the same code on it
  only hadolint   hadolint's finding with no layerlint finding of its code on that RUN
  hidden      layerlint's on a RUN where hadolint reports another SC code (hadolint's one per RUN)
  only layerlint  layerlint's on a RUN where hadolint reports no SC finding at all

and how many findings layerlint reports in all (one per place in the script). With --samples N,
up to N disagreements per code and side are printed.

usage: benches/shellcheck-parity.py [--samples N] [--layerlint JSON]
  (without --layerlint it runs target/release/layerlint on ../shared/corpus)
"""
import argparse
import collections
import json
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(ROOT, "..", "shared", "corpus")
PEERS = os.path.join(ROOT, "..", "shared", "peers", "hadolint-2.15.1.json")
# A line that starts an instruction that runs a script (a heuristic good enough for counting: a
# heredoc body line starting with RUN would fool it, and none in the corpus does).
STARTS_RUN = re.compile(r"^\s*(RUN|ONBUILD)\s", re.IGNORECASE)


def layerlint_findings(path):
    if path:
        return json.load(open(path))
    files = sorted(
        os.path.relpath(os.path.join(d, f), CORPUS)
        for d, _, fs in os.walk(CORPUS)
        for f in fs
        if f != "MANIFEST.tsv"
    )
    binary = os.path.join(ROOT, "target", "release", "layerlint")
    out = subprocess.run(
        [binary, "check", "--fail-level", "none", "--quiet", "--format", "json", *files],
        cwd=CORPUS,
        capture_output=True,
        check=True,
    )
    return json.loads(out.stdout)


WINDOWS_FROM = re.compile(r"^\s*FROM\s+.*(windows|nanoserver|servercore|ltsc20)", re.IGNORECASE)
NOT_POSIX_SHELL = re.compile(r"^\s*SHELL\s*\[\s*\"[^\"]*(powershell|pwsh|cmd)", re.IGNORECASE)


def not_posix(lines, line):
    """Whether the RUN on `line` runs in a Windows stage or under a PowerShell/cmd SHELL (by the
    text: the stage's FROM names a Windows image, or a SHELL before it names one of those), or
    a `# hadolint shell=powershell` pragma is in the file."""
    if any("hadolint shell=powershell" in l for l in lines):
        return True
    for number in range(line, 0, -1):
        text = lines[number - 1]
        if NOT_POSIX_SHELL.match(text):
            return True
        if re.match(r"^\s*FROM\s", text, re.IGNORECASE):
            return bool(WINDOWS_FROM.match(text))
    return False


def run_line(lines, line):
    """The 1-based line of the RUN that holds `line`."""
    for number in range(line, 0, -1):
        if STARTS_RUN.match(lines[number - 1]):
            return number
    return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=0)
    parser.add_argument("--layerlint")
    args = parser.parse_args()

    hadolint = set()
    unparsed = set()
    for name, findings in json.load(open(PEERS))["files"].items():
        for f in findings:
            if f["code"].startswith("SC"):
                hadolint.add((name, f["line"], f["code"]))
            if f["code"] == "DL1000":
                unparsed.add(name)
    flagged_runs = {(name, line) for name, line, _ in hadolint}

    ours = set()
    reported = collections.Counter()
    where = collections.defaultdict(list)
    texts = {}
    for f in layerlint_findings(args.layerlint):
        if not f["code"].startswith("SC"):
            continue
        name = f["file"]
        if name not in texts:
            texts[name] = open(os.path.join(CORPUS, name), encoding="utf-8", errors="replace").read().splitlines()
        line = run_line(texts[name], f["line"])
        key = (name, line, f["code"])
        ours.add(key)
        reported[f["code"]] += 1
        where[key].append(f'{f["line"]}:{f["column"]} {f["message"]}')

    def lines_of(name):
        if name not in texts:
            texts[name] = open(os.path.join(CORPUS, name), encoding="utf-8", errors="replace").read().splitlines()
        return texts[name]

    # Why a finding is on one side only, when the text says.
    why = collections.Counter()
    # both, only hadolint, hidden, only layerlint
    table = collections.defaultdict(lambda: [0, 0, 0, 0])
    only = {"hadolint": collections.defaultdict(list), "layerlint": collections.defaultdict(list)}
    for key in hadolint | ours:
        row = table[key[2]]
        if key in hadolint and key in ours:
            row[0] += 1
        elif key in hadolint:
            row[1] += 1
            only["hadolint"][key[2]].append(key)
            if not_posix(lines_of(key[0]), key[1]):
                why["only hadolint: a Windows/PowerShell/cmd script layerlint does not check"] += 1
        elif key[:2] in flagged_runs:
            row[2] += 1
        else:
            row[3] += 1
            only["layerlint"][key[2]].append(key)
            if key[0] in unparsed:
                why["only layerlint: a file hadolint could not parse (DL1000)"] += 1
            elif not_posix(lines_of(key[0]), key[1]):
                why["only layerlint: under a `# hadolint shell=powershell` pragma"] += 1

    totals = [sum(r[i] for r in table.values()) for i in range(4)]
    print(f"{'code':<8} {'both':>6} {'only hadolint':>14} {'hidden':>7} {'only layerlint':>15} {'layerlint findings':>19}")
    for code, row in sorted(table.items(), key=lambda kv: -sum(kv[1])):
        b, h, x, l = row
        print(f"{code:<8} {b:>6} {h:>14} {x:>7} {l:>15} {reported[code]:>19}")
    b, h, x, l = totals
    print(f"{'all':<8} {b:>6} {h:>14} {x:>7} {l:>15} {sum(reported.values()):>19}")
    if b + h:
        print(f"hadolint's SC findings reproduced on the same RUN: {b}/{b + h} = {b / (b + h):.1%}")
    our_runs = {key[:2] for key in ours}
    print(
        f"RUNs with an SC finding: both {len(our_runs & flagged_runs)}, only hadolint "
        f"{len(flagged_runs - our_runs)}, only layerlint {len(our_runs - flagged_runs)}"
    )

    for reason, count in why.most_common():
        print(f"{reason}: {count}")

    for side in ("hadolint", "layerlint"):
        for code, keys in sorted(only[side].items()):
            for name, line, _ in sorted(keys)[: args.samples]:
                detail = "; ".join(where.get((name, line, code), [])) if side == "layerlint" else ""
                print(f"only {side}: {code} {name}:{line} {detail}")


if __name__ == "__main__":
    sys.exit(main())
