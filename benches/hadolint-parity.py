#!/usr/bin/env python3
"""Differential run: layerlint's DL findings against hadolint 2.15.1's on the whole corpus.

    benches/hadolint-parity.py [--sample N] [--seed S] [--per-repo K] [--rule DLxxxx ...]
                               [--only hadolint|layerlint] [--json OUT] [--self-test]

hadolint's findings come from ../shared/peers/hadolint-2.15.1.json (`hadolint -f json --no-fail
FILE`, default config, one call per corpus file). layerlint runs once over every corpus file with
`check --format json --fail-level none --no-config` (release build; LAYERLINT_BIN overrides).

Matching. hadolint reports a rule once per instruction, at the instruction's first line; layerlint
reports where the problem is (one finding per command or package word, on a continuation line, or
inside a heredoc). So both sides are reduced to keys (file, code, first line of the instruction
holding the finding): an instruction counts once per rule, however many findings either tool
makes in it. Per rule the script counts keys found by both, by hadolint only and by layerlint
only. A layerlint-only key is "near" when hadolint reports the same rule somewhere in the same
file, "far" otherwise (the target is no far key without a documented reason).

Left out: ShellCheck codes (SC*), layerlint's own rules (LL*), and the files hadolint could not
parse (it reports DL1000 and nothing else for them; counted apart).

--sample N prints, per rule and side, up to N disagreements spread over repositories (at most
--per-repo, default 2, per repository; seeded), each with the instruction's text, for reading by hand.
"""
import argparse
import collections
import json
import os
import pathlib
import random
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
PEER = SHARED / "peers" / "hadolint-2.15.1.json"
BINARY = os.environ.get("LAYERLINT_BIN", str(ROOT / "target" / "release" / "layerlint"))

HEREDOC = re.compile(r"<<(-?)\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")


def instruction_starts(text):
    """For each line (1-based index), the first line of the instruction it belongs to, or 0 for
    blank and comment lines outside any instruction. Follows line continuations (the escape
    character of a `# escape=` directive too), comment and blank lines inside a continuation,
    and heredoc bodies (`<<EOF`, `<<-EOF`, quoted words, several per line)."""
    lines = text.splitlines()
    escape = "\\"
    for line in lines:
        directive = re.match(r"\s*#\s*escape\s*=\s*(\S)", line, re.I)
        if directive:
            escape = directive.group(1)
            break
        if not re.match(r"\s*#\s*\w+\s*=", line):
            break
    owner = [0] * (len(lines) + 1)
    start = 0  # the open instruction's first line, 0 when none is open
    pending = []  # heredoc words still to read
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if pending:
            owner[number] = start
            body = line.lstrip("\t") if pending[0][0] else line
            if body.rstrip("\r") == pending[0][1]:
                pending.pop(0)
                if not pending:
                    start = 0
            continue
        if start == 0:
            if not stripped or stripped.startswith("#"):
                continue
            start = number
        elif not stripped or stripped.startswith("#"):
            owner[number] = start
            continue
        owner[number] = start
        if line.rstrip().endswith(escape):
            continue
        pending = [(m.group(1) == "-", m.group(3)) for m in HEREDOC.finditer(line)]
        if not pending:
            start = 0
    return owner


def self_test():
    """Checks the instruction reader on the shapes that matter for matching (run with
    --self-test): continuations with comment and blank lines, heredocs (two on one line, `<<-`
    with tabs), and a `# escape=` directive."""
    text = "FROM a\n# c\nRUN a \\\n  # x\n\n  b\nRUN <<EOF cat <<-EOT\nx\nEOF\n\ty\n\tEOT\nCOPY a b\n"
    want = [0, 1, 0, 3, 3, 3, 3, 7, 7, 7, 7, 7, 12]
    got = instruction_starts(text)
    assert got == want, (got, want)
    text = "# escape=`\nFROM a\nRUN a `\n  b\nRUN c \\\n"
    assert instruction_starts(text) == [0, 0, 2, 3, 3, 5], instruction_starts(text)
    print("self-test passed")


def run_layerlint(files):
    out = subprocess.run(
        [BINARY, "check", "--format", "json", "--fail-level", "none", "--no-config",
         *[str(CORPUS / f) for f in files]],
        capture_output=True, text=True, check=False,
    )
    if not out.stdout.strip():
        sys.exit(f"layerlint printed nothing: {out.stderr[:2000]}")
    return json.loads(out.stdout)


def wanted(code):
    return code.startswith("DL") and code != "DL1000"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sample", type=int, default=0)
    ap.add_argument("--seed", type=int, default=10)
    ap.add_argument("--per-repo", type=int, default=2)
    ap.add_argument("--rule", nargs="*", default=[])
    ap.add_argument("--only", choices=["hadolint", "layerlint"])
    ap.add_argument("--json")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        return self_test()

    peer = json.loads(PEER.read_text())["files"]
    failed = sorted(f for f, items in peer.items() if any(i["code"] == "DL1000" for i in items))
    files = sorted(f for f in peer if f not in set(failed) and (CORPUS / f).is_file())
    missing = sorted(f for f in peer if not (CORPUS / f).is_file())
    starts = {f: instruction_starts((CORPUS / f).read_text(errors="replace")) for f in files}

    def key(file, code, line):
        owner = starts[file]
        first = owner[line] if 0 < line < len(owner) else 0
        return (file, code, first or line)

    hadolint, layerlint = {}, {}
    for f in files:
        for item in peer[f]:
            if wanted(item["code"]):
                hadolint.setdefault(key(f, item["code"], item["line"]), []).append(item)
    prefix = str(CORPUS) + "/"
    for item in run_layerlint(files):
        f = str(pathlib.Path(item["file"]).resolve()).removeprefix(prefix)
        if wanted(item["code"]) and f in starts:
            layerlint.setdefault(key(f, item["code"], item["line"]), []).append(item)

    codes = sorted({k[1] for k in hadolint} | {k[1] for k in layerlint})
    hadolint_files = {(k[0], k[1]) for k in hadolint}
    rows = []
    for code in codes:
        h = {k for k in hadolint if k[1] == code}
        l = {k for k in layerlint if k[1] == code}
        only_l = l - h
        far = {k for k in only_l if (k[0], code) not in hadolint_files}
        rows.append({
            "rule": code, "both": len(h & l), "only_hadolint": len(h - l),
            "only_layerlint": len(only_l), "far": len(far),
            "reproduced": (len(h & l) / len(h)) if h else None,
        })

    print(f"files: {len(files)} linted by both; {len(failed)} hadolint could not parse (DL1000, "
          f"left out); {len(missing)} listed by the peer run but not in the corpus")
    print()
    print("| rule | both | only hadolint | only layerlint (far) | hadolint's reproduced |")
    print("|---|---:|---:|---:|---:|")
    total = collections.Counter()
    for r in rows:
        pct = "–" if r["reproduced"] is None else f"{100 * r['reproduced']:.1f}%"
        print(f"| {r['rule']} | {r['both']} | {r['only_hadolint']} | {r['only_layerlint']} "
              f"({r['far']}) | {pct} |")
        for k in ("both", "only_hadolint", "only_layerlint", "far"):
            total[k] += r[k]
    all_h = total["both"] + total["only_hadolint"]
    print(f"| all | {total['both']} | {total['only_hadolint']} | {total['only_layerlint']} "
          f"({total['far']}) | {100 * total['both'] / all_h:.1f}% |")

    if args.json:
        pathlib.Path(args.json).write_text(json.dumps({"failed": failed, "rows": rows}, indent=1))

    if not args.sample:
        return
    rng = random.Random(args.seed)
    sides = [("hadolint", hadolint, layerlint), ("layerlint", layerlint, hadolint)]
    for code in codes:
        if args.rule and code not in args.rule:
            continue
        for side, mine, other in sides:
            if args.only and side != args.only:
                continue
            keys = sorted(k for k in mine if k[1] == code and k not in other)
            if not keys:
                continue
            rng.shuffle(keys)
            per_repo, picked = collections.Counter(), []
            for k in keys:
                repo = k[0].split("/")[0]
                if per_repo[repo] < args.per_repo:
                    per_repo[repo] += 1
                    picked.append(k)
                if len(picked) == args.sample:
                    break
            print(f"\n===== {code}: only {side} ({len(keys)}), {len(picked)} sampled")
            for f, _, first in picked:
                owner = starts[f]
                lines = (CORPUS / f).read_text(errors="replace").splitlines()
                body = [i for i in range(1, len(owner)) if owner[i] == first] or [first]
                msg = mine[(f, code, first)][0]["message"]
                print(f"--- {f}:{first}  [{msg}]")
                for i in body[:25]:
                    print(f"  {i:>4} | {lines[i - 1][:160]}")
                if len(body) > 25:
                    print(f"       … {len(body) - 25} more lines")


if __name__ == "__main__":
    main()
