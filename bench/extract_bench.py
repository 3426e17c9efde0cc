"""Extraction throughput of this checkout against a baseline commit, measured in the same run.

Issue 16 asks that extraction stay within 15% of its speed before the real-news work (commit a33d31b):
a ratio new/old of at least 0.85 in characters per second. This machine is shared and its load moves,
so a single timing says little; the two checkouts are timed in alternating pairs, each run a fresh
process, and the figure is the ratio of the median CPU times (also the median of the per-pair ratios).

What is timed: ``kg.pipeline.extract_facts(..., jobs=1)`` (the code behind ``kg extract --jobs 1``:
reading, extraction, resolution and one facts file per record) over the first ``--bytes`` UTF-8 bytes
of item text of a 新闻联播 year (written as JSON lines to a temporary folder, never into the project),
after a warm-up on five records, so jieba and the lexicons are loaded before the clock starts.

usage::

    .venv/bin/python bench/extract_bench.py                      # a33d31b, 6 pairs, 3 MB of 2023
    .venv/bin/python bench/extract_bench.py --baseline HEAD~5 --pairs 3

Both sides run from clean ``git worktree`` checkouts (HEAD's committed code, not the working tree) in a
temporary folder, removed at the end. Needs ``../shared/benchmarks/xinwenlianbo``; a33d31b read its
divisions from the ``cpca`` package, so that baseline needs ``.venv/bin/pip install cpca`` (MIT) first.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "benchmarks" / "xinwenlianbo"

# one timed run, in a fresh interpreter whose kg is the checkout's; prints the CPU seconds
_RUN = """
import sys, time, tempfile
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from kg.pipeline import extract_facts
with tempfile.TemporaryDirectory() as out:
    extract_facts([Path(sys.argv[3])], Path(out) / "warm")
    start = time.process_time()
    extract_facts([Path(sys.argv[2])], Path(out) / "facts", jobs=1)
    print(time.process_time() - start)
"""


def write_slice(year: int, limit: int, folder: Path) -> tuple[Path, Path, int, int]:
    """The timed text (first ``limit`` bytes of item text) and five warm-up records; items, characters."""
    data, warm = folder / f"xwlb_{year}_slice.jsonl", folder / "warm.jsonl"
    items = chars = size = 0
    with open(CORPUS / f"xwlb_{year}.jsonl", encoding="utf-8") as source, \
            open(data, "w", encoding="utf-8") as timed, open(warm, "w", encoding="utf-8") as first:
        for line in source:
            record = json.loads(line)
            text = record.get("text") or ""
            if items < 5:
                first.write(line)
            size += len(text.encode("utf-8"))
            if size > limit:
                break
            timed.write(line)
            items += 1
            chars += len(text)
    return data, warm, items, chars


def checkout(commit: str, folder: Path) -> Path:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(folder), commit], check=True)
    return folder


def cpu_seconds(tree: Path, data: Path, warm: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _RUN, str(tree), str(data), str(warm)],
                         capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    if out.returncode:
        raise SystemExit(f"the run of {tree} failed:\n{out.stderr}")
    return float(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="a33d31b", help="commit to compare with (default a33d31b)")
    ap.add_argument("--pairs", type=int, default=6)
    ap.add_argument("--bytes", type=int, default=3_000_000, help="UTF-8 bytes of item text timed")
    ap.add_argument("--year", type=int, default=2023)
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"skipped: {CORPUS} is absent", file=sys.stderr)
        return 0
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          check=True, capture_output=True, text=True).stdout.strip()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        data, warm, items, chars = write_slice(args.year, args.bytes, folder)
        trees = {}
        try:
            trees["old"] = checkout(args.baseline, folder / "old")
            trees["new"] = checkout(head, folder / "new")
            times: dict[str, list[float]] = {"old": [], "new": []}
            for pair in range(args.pairs):
                order = ("old", "new") if pair % 2 == 0 else ("new", "old")
                for side in order:
                    times[side].append(cpu_seconds(trees[side], data, warm))
                load = os.getloadavg()[0]
                print(f"pair {pair + 1}: {args.baseline} {times['old'][-1]:.2f} s, {head} {times['new'][-1]:.2f} s "
                      f"CPU (ratio {times['old'][-1] / times['new'][-1]:.3f}, load {load:.1f})", flush=True)
        finally:
            for tree in trees.values():
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False)
    old, new = statistics.median(times["old"]), statistics.median(times["new"])
    per_pair = statistics.median(o / n for o, n in zip(times["old"], times["new"]))
    print(f"\n{items} items, {chars:,} characters of {args.year}; {args.pairs} alternating pairs, CPU seconds")
    print(f"{args.baseline}: best {min(times['old']):.2f}, median {old:.2f}  ({chars / old:,.0f} chars/s)")
    print(f"{head}: best {min(times['new']):.2f}, median {new:.2f}  ({chars / new:,.0f} chars/s)")
    print(f"speed ratio new/old: {old / new:.3f} by the medians, {per_pair:.3f} median of the pairs (target >= 0.85)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
