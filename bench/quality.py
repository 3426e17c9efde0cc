"""Extraction quality on every gold set at hand, in one table.

Each set is extracted in-process (``kg.pipeline.extract_facts``) into a temporary folder and
scored with the shared scorer (``../shared/eval/score.py``), the one the project is reviewed
with. Sets:

* ``seeds``: the two seed pages, gold in ``../shared/eval/gold``;
* ``news``: 60 real news records, ``../shared/eval/news`` (internal evaluation only);
* ``own``, ``blind``, ``holdout``, ``blind2``: the project's own test pages in ``tests/pages*``
  (invented text with expected facts, written by someone who had not read the extractors; the
  holdout set was never used to change the rules, blind2 was written for real union news'
  patterns: street and enterprise unions, title chains, several places' unions as operators).

usage::

    .venv/bin/python bench/quality.py                 # the table
    .venv/bin/python bench/quality.py --detail news   # per kind and relation for one set
    .venv/bin/python bench/quality.py --errors news   # every miss and spurious fact of one set
    .venv/bin/python bench/quality.py --add dev2 ../eval_private/dev2/gold ../eval_private/dev2/news_dev2.jsonl

Sets whose files are absent (a clone without ``../shared``) are skipped with a note.
"""
from __future__ import annotations

import argparse
import importlib.util
import io
import json
import sys
import tempfile
import time
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from kg.pipeline.run import extract_facts  # noqa: E402

# name -> (gold folder, inputs)
SETS = {
    "seeds": (SHARED / "eval" / "gold", lambda: sorted((ROOT / "seeds").glob("*.txt"))),
    "news": (SHARED / "eval" / "news" / "gold", lambda: [SHARED / "eval" / "news" / "news_dev.jsonl"]),
    "own": (ROOT / "tests" / "pages", lambda: sorted((ROOT / "tests" / "pages").glob("*.txt"))),
    "blind": (ROOT / "tests" / "pages_blind", lambda: sorted((ROOT / "tests" / "pages_blind").glob("*.txt"))),
    "holdout": (ROOT / "tests" / "pages_holdout", lambda: sorted((ROOT / "tests" / "pages_holdout").glob("*.txt"))),
    "blind2": (ROOT / "tests" / "pages_blind2", lambda: sorted((ROOT / "tests" / "pages_blind2").glob("*.txt"))),
}


def _scorer():
    path = SHARED / "eval" / "score.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location("shared_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_set(name: str, scorer, errors: bool = False) -> tuple[dict, str, float] | None:
    """The scorer's JSON result, its printed report and the extraction time of one set."""
    gold, inputs = SETS[name]
    paths = inputs()
    if not gold.is_dir() or not paths or not all(p.exists() for p in paths):
        return None
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        extract_facts(paths, Path(tmp))
        seconds = time.perf_counter() - start
        report = io.StringIO()
        with redirect_stdout(report):
            scorer.main([str(gold), tmp] + (["--show-errors"] if errors else []))
        as_json = io.StringIO()
        with redirect_stdout(as_json):
            scorer.main([str(gold), tmp, "--json"])
    # --json prints the JSON object, then the closing ``overall:`` line
    text = as_json.getvalue().strip().rsplit("\n", 1)[0]
    return json.loads(text), report.getvalue(), seconds


def _micro(rows: dict, kinds: list[str]) -> tuple[float, float, float]:
    tp = sum(rows[k]["tp"] for k in kinds)
    fp = sum(rows[k]["fp"] for k in kinds)
    fn = sum(rows[k]["fn"] for k in kinds)
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sets", nargs="*", default=list(SETS), help=f"which sets (default: all of {', '.join(SETS)})")
    ap.add_argument("--detail", action="store_true", help="print the scorer's table of each set")
    ap.add_argument("--errors", action="store_true", help="print every miss and spurious fact of each set")
    ap.add_argument("--add", nargs=3, action="append", default=[], metavar=("NAME", "GOLD", "INPUT"),
                    help="score another gold folder too (a private set kept outside the project)")
    args = ap.parse_args(argv)
    for name, gold, inputs in args.add:
        SETS[name] = (Path(gold), lambda inputs=inputs: [Path(inputs)])
        if args.sets == list(SETS)[:-1] or name not in args.sets and not argv:
            args.sets.append(name)
    scorer = _scorer()
    if scorer is None:
        print(f"no scorer at {SHARED / 'eval' / 'score.py'}: nothing to measure")
        return 1
    print(f"{'set':8} {'ent P':>6} {'ent R':>6} {'ent F1':>6}   {'rel P':>6} {'rel R':>6} {'rel F1':>6}   {'s':>5}")
    for name in args.sets:
        result = run_set(name, scorer, args.errors)
        if result is None:
            print(f"{name:8} (files absent: skipped)")
            continue
        data, report, seconds = result
        rows = data["rows"]
        ep, er, ef = _micro(rows, scorer.KINDS)
        rp, rr, rf = _micro(rows, scorer.RELATIONS)
        print(f"{name:8} {ep:6.3f} {er:6.3f} {ef:6.3f}   {rp:6.3f} {rr:6.3f} {rf:6.3f}   {seconds:5.1f}")
        if args.detail or args.errors:
            print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
