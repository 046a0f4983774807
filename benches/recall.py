#!/usr/bin/env python3
"""Scores layerlint's recall against hand-made lists of layer problems.

    benches/recall.py docs/review/recall-truth-seed21.tsv [more.tsv ...]

Each list (file, line, code, note; `# clean:` lines name files without problems) was written by
reading sampled corpus files by hand, before looking at any finding. A problem counts as found
when a finding of the same code in the same file lies on the instruction that starts at its
line. Prints recall overall and per code, and each miss.
"""
import collections
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
BINARY = os.environ.get("LAYERLINT_BIN", str(ROOT / "target" / "release" / "layerlint"))


def instruction_lines(path, start):
    """The lines of the instruction that starts at `start` (continuations and heredocs)."""
    lines = path.read_text(errors="replace").splitlines()
    end = start
    heredoc = None
    while end <= len(lines):
        text = lines[end - 1]
        if heredoc:
            if text.strip() == heredoc:
                heredoc = None
                if not lines[end - 1].rstrip().endswith("\\"):
                    break
            end += 1
            continue
        if "<<" in text and end == start:
            word = text.split("<<", 1)[1].strip().lstrip("-").strip("'\"").split()[0:1]
            if word:
                heredoc = word[0].strip("'\"")
                end += 1
                continue
        if text.rstrip().endswith("\\") or text.lstrip().startswith("#") and end > start:
            end += 1
            continue
        break
    return set(range(start, end + 1))


def main():
    truth = []
    for tsv in sys.argv[1:]:
        for row in pathlib.Path(tsv).read_text().splitlines()[1:]:
            if not row.strip() or row.startswith("#"):
                continue
            file, line, code = row.split("\t")[:3]
            truth.append((file, int(line), code))
    files = sorted({f for f, _, _ in truth})
    out = subprocess.run(
        [BINARY, "check", "--format", "json", "--fail-level", "none", *[str(CORPUS / f) for f in files]],
        capture_output=True, text=True, check=False,
    ).stdout
    findings = collections.defaultdict(list)
    for f in json.loads(out or "[]"):
        rel = str(pathlib.Path(f["file"]).resolve().relative_to(CORPUS))
        findings[(rel, f["code"])].append(f)
    per_code = collections.defaultdict(lambda: [0, 0])
    misses = []
    for file, line, code in truth:
        span = instruction_lines(CORPUS / file, line)
        hit = any(
            set(range(f["line"], f.get("end_line", f["line"]) + 1)) & span
            for f in findings[(file, code)]
        )
        per_code[code][1] += 1
        per_code[code][0] += hit
        if not hit:
            misses.append(f"{code} {file}:{line}")
    found = sum(v[0] for v in per_code.values())
    print(f"recall {found}/{len(truth)} = {found / len(truth):.0%}")
    for code in sorted(per_code):
        print(f"  {code}: {per_code[code][0]}/{per_code[code][1]}")
    for miss in misses:
        print(f"  missed {miss}")


if __name__ == "__main__":
    main()
