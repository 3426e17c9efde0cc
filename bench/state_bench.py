"""The resolution state at archive scale (issue 17; docs/store-first.md, "The resolution state").

Resolves an archive (default: the ten-year 新闻联播 archive of ../shared/benchmarks) with and without
keeping the state (``kg.pipeline.state.StateKeeper``), then, one page at a time, adds the archive's last
``--hold`` records (a new day: placed after every other page) and takes out and puts back ``--moves``
random pages and ``--busy`` pages naming 习近平 (the name with the most namesakes), timing each ``apply``
and the ``knowledge_for`` of the pages it reports. Findings are kept in ``WORK/.cache`` (the build's
extraction cache), so a second run reads them back instead of extracting.

    .venv/bin/python bench/state_bench.py --work /tmp/state_bench

Timings are of this machine with whatever else runs on it (the load average is printed); they are
not checked by any test. Peak memory includes the findings of every page, held for the two resolutions.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline.cache import ExtractionCache, cache_key  # noqa: E402
from kg.pipeline.run import PageNames, Summary, _pages_only, extract_pages, iter_pages  # noqa: E402
from kg.pipeline.state import ResolutionState, StateKeeper, page_position  # noqa: E402
from kg.resolve.entities import resolve, resolve_page  # noqa: E402

ARCHIVES = ROOT.parent / "shared" / "benchmarks" / "xinwenlianbo"


def _position(page) -> str:
    return page_position(page.meta["input"], page.meta.get("line"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="*", help=f"archives or pages (default: {ARCHIVES}/xwlb_*.jsonl)")
    ap.add_argument("--work", required=True, help="folder for the extraction cache and the state")
    ap.add_argument("--hold", type=int, default=5, help="the archive's last records, added one at a time")
    ap.add_argument("--moves", type=int, default=5, help="random pages taken out and put back")
    ap.add_argument("--busy", type=int, default=2, help="pages naming 习近平 taken out and put back")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    inputs = [Path(p) for p in args.inputs] or sorted(ARCHIVES.glob("xwlb_*.jsonl"))
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    summary, names = Summary(), PageNames()
    pages = [names.assign(p, summary) for p in _pages_only(iter_pages(inputs), summary)]
    held, pages = pages[-args.hold:], pages[:-args.hold]
    cache = ExtractionCache(work / ".cache")
    t = time.perf_counter()
    extracted = list(extract_pages(pages, jobs=args.jobs, cache=cache))
    print(f"extract {len(pages):,} pages: {time.perf_counter() - t:.1f} s (read back from the cache: {cache.reused:,})")
    t = time.perf_counter()
    kb = resolve(iter(extracted))
    print(f"resolve: {time.perf_counter() - t:.1f} s, {len(kb.entities):,} entities, {len(kb.relations):,} relations")
    del kb
    db = work / "state.sqlite"
    for f in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        f.unlink(missing_ok=True)
    state = ResolutionState(db, cache_key())
    t = time.perf_counter()
    resolve(iter(extracted), StateKeeper(state))
    print(f"resolve keeping the state: {time.perf_counter() - t:.1f} s; state {db.stat().st_size / 1e9:.2f} GB")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6:.2f} GB")
    by_source = {p.source: p for p in pages}
    del extracted

    def timed(label: str, added, removed=()):
        t = time.perf_counter()
        changes = state.apply(added, removed)
        applied = time.perf_counter() - t
        t = time.perf_counter()
        state.knowledge_for(sorted(changes.pages))
        read = time.perf_counter() - t
        print(f"  {label}: apply {applied * 1000:.0f} ms, {len(changes.pages)} page(s) reported, "
              f"knowledge_for {read * 1000:.0f} ms")
        return applied

    print("adding the last records, one at a time:")
    adds = [timed(f"add {page.source} ({len(page.text)} chars)",
                  [(_position(page), page.sha256, resolve_page(page, findings))])
            for page, findings in extract_pages(held, jobs=1)]
    rng = random.Random(1)
    chosen = rng.sample(sorted(by_source), args.moves)
    chosen += [s for s in sorted(by_source) if "习近平" in by_source[s].text][:args.busy]
    print("taking out and putting back:")
    outs, backs = [], []
    for page, findings in extract_pages([by_source[s] for s in chosen], jobs=1):
        outs.append(timed(f"take out {page.source}", [], [page.source]))
        backs.append(timed(f"put back {page.source}", [(_position(page), page.sha256, resolve_page(page, findings))]))
    print(f"add: median {statistics.median(adds) * 1000:.0f} ms; take out: median {statistics.median(outs) * 1000:.0f} ms, "
          f"max {max(outs) * 1000:.0f} ms; put back: median {statistics.median(backs) * 1000:.0f} ms, "
          f"max {max(backs) * 1000:.0f} ms")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
