"""Archive-scale benchmark of ``kg build``: one command, one table.

    .venv/bin/python bench/build_bench.py --mb 2                 # the first 2 MB of item text
    .venv/bin/python bench/build_bench.py --mb 10 --json         # the same table as JSON
    .venv/bin/python bench/build_bench.py                        # the whole corpus (about 78 MB)

On the same records (the first ``--mb`` million UTF-8 bytes of item ``text`` of the
新闻联播 corpus, in file and date order, written as one JSON-lines file in a temporary
folder) it measures, in one run:

* single-core ``jieba.lcut`` over the item texts (a fresh ``jieba.Tokenizer()``,
  initialised before the clock starts): the baseline;
* ``python -m kg build --export LIST`` as a subprocess for every ``--jobs-list`` value: wall
  seconds, throughput in characters of item text per second, ratio to the baseline, the build's
  own stage and export timings, and peak resident memory (see ``run_build``); ``--export none``
  by default, the store and the facts only (issue 17's full build);
* ``kg export --format nq`` from the last build's store: quads per second and peak memory;
* every ``queries/*.rq`` with Oxigraph on the build's on-disk store and with rdflib on the
  exported N-Quads;
* ``kg build --update`` after adding one new page to an already cached build.

Targets from the issue are printed next to the figures. The corpus is only read;
nothing of it is written outside the temporary folder (or ``--keep DIR``).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_CORPUS = ROOT.parent / "shared" / "benchmarks" / "xinwenlianbo"
CORPUS_BYTES = 78_204_585  # UTF-8 bytes of item text in the whole corpus (its README)
RDFLIB_LIMIT = 60.0  # seconds (default of --rdflib-limit); a longer rdflib query is stopped, shown as ">60 s"
GB = 1024 ** 3

# A page of our own in the seeds' style (not from any corpus), added for the --update run.
NEW_PAGE = """\
# 四川省总工会部署“技能强省”职工培训行动

本报记者 林晓川

本报讯 四川省总工会日前召开全省工会职工技能培训工作推进会，部署开展“技能强省”职工培训行动。
会议提出，今年将依托劳模和工匠人才创新工作室，组织一线职工参加技能培训和岗位练兵，
帮助更多农民工提升技能。成都市总工会、绵阳市总工会负责同志作交流发言。
"""


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


def select_records(corpus: Path, mb: float | None, out: Path) -> tuple[list[str], int]:
    """Write the first ``mb`` million UTF-8 bytes of item text (all when None) to ``out`` as
    JSON lines (title, text, date, url, id); return the item texts and their byte count."""
    limit = None if mb is None else mb * 1_000_000
    texts, size = [], 0
    with out.open("w", encoding="utf-8") as dst:
        for path in sorted(corpus.glob("xwlb_*.jsonl")):
            with path.open(encoding="utf-8") as src:
                for line in src:
                    if limit is not None and size >= limit:
                        return texts, size
                    item = json.loads(line)
                    record = {"title": item["title"], "text": item["text"], "date": item["date"],
                              "url": item["url"], "id": f"{item['date']}-{item['num']}"}
                    dst.write(json.dumps(record, ensure_ascii=False) + "\n")
                    texts.append(item["text"])
                    size += len(item["text"].encode("utf-8"))
    return texts, size


# ---------------------------------------------------------------------------
# Baseline
# ---------------------------------------------------------------------------


def jieba_baseline(texts: list[str], repeat: int = 2) -> dict:
    """Single-core ``lcut`` over every text with a fresh, already initialised tokenizer;
    the fastest of ``repeat`` passes (the stricter baseline)."""
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        words = sum(len(tokenizer.lcut(t)) for t in texts)
        runs.append(time.perf_counter() - started)
    chars = sum(map(len, texts))
    return {"seconds": min(runs), "runs": runs, "chars": chars, "words": words, "chars_per_s": chars / min(runs)}


# ---------------------------------------------------------------------------
# Builds
# ---------------------------------------------------------------------------


def _vmhwm_kb(pid: int) -> int | None:
    """Peak resident set (VmHWM) of a live process, in KiB."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _children(pid: int) -> list[int]:
    try:
        found = []
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                found += [int(c) for c in f.read().split()]
        return found
    except OSError:
        return []


class MemoryWatch(threading.Thread):
    """Samples VmHWM of a process and of its child processes (the --jobs workers) every 0.2 s."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid, self.parent_kb, self.worker_kb, self.workers = pid, 0, {}, set()
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.2):
            self.parent_kb = max(self.parent_kb, _vmhwm_kb(self.pid) or 0)
            for child in _children(self.pid):
                self.workers.add(child)
                self.worker_kb[child] = max(self.worker_kb.get(child, 0), _vmhwm_kb(child) or 0)


def parse_summary(stdout: str) -> dict:
    """Triples, stage seconds, reused pages and pages from ``kg build``'s summary."""
    out: dict = {"stages": {}}
    for line in stdout.splitlines():
        key, _, value = line.partition(": ")
        if key in ("triples", "pages", "articles", "sentences"):
            out[key] = int(value)
        elif key == "pages reused from the previous build":
            out["reused"] = int(value)
        elif key == "seconds":
            out["build_seconds"] = float(value)
        elif key == "store":
            out["store"] = value  # how the store was made from the previous one
        elif key == "stages":
            for item in value.split(", "):
                m = re.fullmatch(r"(.+) ([\d.]+)s", item)
                if m:
                    out["stages"][m.group(1)] = float(m.group(2))
    return out


def run_build(inputs: list[Path], out: Path, jobs: int, timeout: float, update: bool = False,
              repo: Path = ROOT, export: str = "all") -> dict:
    """``python -m kg build`` as a subprocess: wall seconds, its summary, and peak memory.

    Peak memory: ``os.wait4`` gives the largest ru_maxrss of the build process and of every
    worker it waited for (``max_rss_gb``: the largest single process, whichever it was); the
    sampler attributes it (``parent_gb``: the main process, ``worker_gb``: the largest worker).
    ``repo`` is the checkout whose ``kg`` runs (``python -m`` puts the working folder first).
    """
    cmd = [sys.executable, "-m", "kg", "build", *map(str, inputs), "--out", str(out), "--quiet",
           "--jobs", str(jobs)] + (["--update"] if update else []) + (["--export", export] if export != "all" else [])
    return _run_measured(cmd, out.parent / f"{out.name}.log", timeout, repo, jobs=jobs)


def run_export(store: Path, target: Path, timeout: float, repo: Path = ROOT) -> dict:
    """``python -m kg export --format nq`` from a build's store into ``target``: wall seconds,
    quads written and per second, peak memory."""
    cmd = [sys.executable, "-m", "kg", "export", "--format", "nq", "--store", str(store), "-o", str(target)]
    result = _run_measured(cmd, target.parent / "export.log", timeout, repo)
    if "error" not in result:
        with open(target, "rb") as f:
            result["quads"] = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))
        result["quads_per_s"] = result["quads"] / result["seconds"]
    return result


def _run_measured(cmd: list[str], log: Path, timeout: float, repo: Path, **extra) -> dict:
    started = time.perf_counter()
    with open(log, "w+", encoding="utf-8") as f:
        proc = subprocess.Popen(cmd, cwd=repo, stdout=f, stderr=subprocess.STDOUT, start_new_session=True)
        watch = MemoryWatch(proc.pid)
        watch.start()
        timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        timer.cancel()
        watch.done.set()
        watch.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        f.seek(0)
        stdout = f.read()
    result = {"command": " ".join(["python", *cmd[1:]]), **extra, "seconds": seconds, "load_after": _load(),
              "returncode": proc.returncode, "max_rss_gb": usage.ru_maxrss * 1024 / GB,
              "parent_gb": watch.parent_kb * 1024 / GB,
              "worker_gb": max(watch.worker_kb.values(), default=0) * 1024 / GB,
              "workers_seen": len(watch.workers), **parse_summary(stdout)}
    if proc.returncode != 0:
        result["error"] = "timed out" if proc.returncode == -signal.SIGKILL else stdout[-2000:]
    return result


# ---------------------------------------------------------------------------
# Queries
# ---------------------------------------------------------------------------


class _Late(Exception):
    pass


def _limited(fn, seconds: float):
    """Call ``fn`` with a wall-clock limit (SIGALRM; rdflib's engine is pure Python, so it stops)."""
    def ring(*_):
        raise _Late()
    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bench_queries(built: Path, queries: Path, repeat: int, rdflib_limit: float = RDFLIB_LIMIT,
                  nquads: Path | None = None, rdflib: bool = True) -> dict:
    """Seconds of every query with Oxigraph on the build's on-disk store (what ``kg query``
    reads): its first run, with the store's files possibly not yet in the page cache, and the
    median of ``repeat`` runs after it, as a user who queries the archive again sees it. Then
    with rdflib on the build's N-Quads (``nquads``, default its graph.nq) loaded in memory (median of up to ``repeat``; one run
    when it takes over 5 s; stopped at ``rdflib_limit``), after Oxigraph so that rdflib's
    memory does not push the store's files out of the page cache first."""
    from rdflib import Dataset

    from sparql_bench import oxigraph_run, rdflib_run, timed
    from kg.store.database import open_store

    warnings.filterwarnings("ignore", category=DeprecationWarning)
    started = time.perf_counter()
    store = open_store(built / "store")
    ox_load = time.perf_counter() - started
    rows, texts = [], {}
    for path in sorted(queries.glob("*.rq")):
        texts[path.name] = text = path.read_text(encoding="utf-8")
        first, n_ox = timed(lambda: oxigraph_run(store, text), 1)
        t_ox, _ = timed(lambda: oxigraph_run(store, text), max(repeat, 1))
        rows.append({"query": path.name, "rows": n_ox, "oxigraph_first_s": first, "oxigraph_s": t_ox})
    del store
    if not rdflib:
        for row in rows:
            row.update(rows_rdflib=None, rdflib_s=None)
        return {"oxigraph_load_s": ox_load, "rdflib_load_s": None, "rdflib_limit_s": 0, "repeat": repeat, "rows": rows}
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(nquads or built / "graph.nq"), format="nquads")
    rdf_load = time.perf_counter() - started
    for row in rows:
        text = texts[row["query"]]
        times, n_rdf = [], None
        try:
            for _ in range(repeat):
                started = time.perf_counter()
                n_rdf = _limited(lambda: rdflib_run(ds, text), rdflib_limit)
                times.append(time.perf_counter() - started)
                if times[-1] > 5:
                    break
            t_rdf = sorted(times)[len(times) // 2]
        except _Late:
            t_rdf = None
        row.update(rows_rdflib=n_rdf, rdflib_s=t_rdf)
    return {"oxigraph_load_s": ox_load, "rdflib_load_s": rdf_load, "rdflib_limit_s": rdflib_limit,
            "repeat": repeat, "rows": rows}


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def targets(report: dict) -> list[dict]:
    """The issue's targets with the measured figure and PASS/FAIL."""
    out = []
    two = next((b for b in report["builds"] if b["jobs"] == 2 and "error" not in b), None)
    export = report.get("export_option", "all")
    if two:
        out.append({"target": f"build --jobs 2 --export {export} / jieba.lcut >= 0.6 (issue 17: store + facts)",
                    "value": f"{two['ratio']:.2f}", "result": _verdict(two["ratio"] >= 0.6)})
    peak = max((max(b["max_rss_gb"], b["parent_gb"], b["worker_gb"]) for b in report["builds"]), default=0)
    whole = report["input"]["text_bytes"] >= CORPUS_BYTES
    out.append({"target": "peak memory of a full build < 2 GB (ten-year corpus)",
                "value": f"{peak:.2f} GB" + ("" if whole else f" at {report['input']['text_bytes'] / 1e6:.1f} MB"),
                "result": _verdict(peak < 2) + ("" if whole else " at this size")})
    ex = report.get("export")
    if ex and "error" not in ex:
        out.append({"target": "kg export --format nq from the store >= 300,000 quads/s, peak < 1 GB",
                    "value": f"{ex['quads_per_s']:,.0f} quads/s, {ex['max_rss_gb']:.2f} GB",
                    "result": _verdict(ex["quads_per_s"] >= 300_000 and ex["max_rss_gb"] < 1)})
    if report.get("queries"):
        rows = report["queries"]["rows"]
        worst = max(rows, key=lambda r: r["oxigraph_s"])
        value = f"slowest {worst['oxigraph_s']:.3f} s ({worst['query']})"
        if "oxigraph_first_s" in worst:
            cold = max(rows, key=lambda r: r["oxigraph_first_s"])
            value += f"; first runs: slowest {cold['oxigraph_first_s']:.3f} s ({cold['query']})"
        cold_ok = all(r.get("oxigraph_first_s", 0) < 2 for r in rows)
        out.append({"target": "every query < 1 s with Oxigraph, first run after opening < 2 s", "value": value,
                    "result": _verdict(worst["oxigraph_s"] < 1 and cold_ok)})
    if report.get("update"):
        up = report["update"]["timed"]
        out.append({"target": "--update with one new page < 2 s",
                    "value": f"{up['seconds']:.2f} s" + (" (build failed)" if "error" in up else ""),
                    "result": _verdict(up["seconds"] < 2 and "error" not in up)})
    return out


def table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).ljust(w) if i == 0 else str(x).rjust(w) for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)]) + "\n"


def render(report: dict) -> str:
    inp, base = report["input"], report["jieba"]
    out = [f"input: {inp['records']:,} records, {inp['text_chars']:,} chars ({inp['text_bytes'] / 1e6:.1f} MB) of item text "
           f"from {inp['corpus']}\nkg from {report['repo']}; load average before: {report['load_before']}, "
           f"after: {report['load_after']}\n",
           f"jieba.lcut baseline (1 core, best of {len(base.get('runs', [0]))}): {base['seconds']:.1f} s, "
           f"{base['chars_per_s']:,.0f} chars/s\n\n"]
    builds = [b for b in report["builds"]]
    stages = []
    for b in builds:
        stages += [s for s in b.get("stages", {}) if s not in stages]
    header = ["kg build", *[f"--jobs {b['jobs']}" for b in builds]]
    rows = [["wall s", *[f"{b['seconds']:.1f}" for b in builds]],
            ["load average after", *[b.get("load_after", "?").split()[0] for b in builds]],
            ["chars/s", *[f"{b['chars_per_s']:,.0f}" for b in builds]],
            ["ratio to jieba", *[f"{b['ratio']:.2f}" for b in builds]],
            ["triples", *[f"{b.get('triples', 0):,}" for b in builds]],
            ["peak RSS largest process GB", *[f"{b['max_rss_gb']:.2f}" for b in builds]],
            ["  main process GB", *[f"{b['parent_gb']:.2f}" for b in builds]],
            ["  largest worker GB", *[f"{b['worker_gb']:.2f}" if b["workers_seen"] else "-" for b in builds]]]
    rows += [[f"stage {s} s", *[f"{b.get('stages', {}).get(s, 0):.2f}" for b in builds]] for s in stages]
    out.append(table(header, rows))
    for b in builds:
        if "error" in b:
            out.append(f"build --jobs {b['jobs']} FAILED: {b['error']}\n")
    ex = report.get("export")
    if ex:
        out.append(f"\nkg export --format nq from the --jobs {ex.get('of_jobs', '?')} build's store: "
                   + (f"FAILED: {ex['error']}\n" if "error" in ex else
                      f"{ex['seconds']:.1f} s, {ex['quads']:,} quads, {ex['quads_per_s']:,.0f} quads/s, "
                      f"peak RSS {ex['max_rss_gb']:.2f} GB\n"))
    if report.get("queries"):
        q = report["queries"]
        rdf_said = (f"rdflib on its N-Quads (loaded in {q['rdflib_load_s']:.1f} s)" if q.get("rdflib_load_s") is not None
                    else "rdflib not run (--no-rdflib)")
        out.append(f"\nqueries on the --jobs {q['jobs']} build: Oxigraph on its store (opened in "
                   f"{q['oxigraph_load_s']:.2f} s; its first run, then the median of {q.get('repeat', '?')} more), "
                   f"{rdf_said}\n")
        rows = []
        for r in q["rows"]:
            rdf = f"{r['rdflib_s']:.4f}" if r["rdflib_s"] is not None else \
                (f">{q.get('rdflib_limit_s', RDFLIB_LIMIT):.0f} s" if q.get("rdflib_load_s") is not None else "-")
            ratio = f"{r['rdflib_s'] / r['oxigraph_s']:.0f}x" if r["rdflib_s"] is not None and r["oxigraph_s"] else "-"
            first = f"{r['oxigraph_first_s']:.4f}" if "oxigraph_first_s" in r else "-"
            rows.append([r["query"], str(r["rows"]) + ("" if r["rows_rdflib"] in (None, r["rows"]) else f" (rdflib {r['rows_rdflib']})"),
                         rdf, first, f"{r['oxigraph_s']:.4f}", ratio])
        out.append(table(["query", "rows", "rdflib s", "oxigraph first s", "oxigraph s", "rdflib/ox"], rows))
    if report.get("update"):
        up = report["update"]
        first, timed_ = up["first"], up["timed"]
        out.append(f"\n--update --jobs 2: first (cache fill, untimed target) {first['seconds']:.1f} s; "
                   f"then one new page: {timed_['seconds']:.2f} s, pages reused {timed_.get('reused')}"
                   + (f"; store: {timed_['store']}" if "store" in timed_ else "") + "\n  stages: "
                   + ", ".join(f"{k} {v:.2f}s" for k, v in timed_.get("stages", {}).items()) + "\n")
        for name, b in (("first", first), ("timed", timed_)):
            if "error" in b:
                out.append(f"--update ({name}) FAILED: {b['error']}\n")
    out.append("\n" + table(["target", "measured", "result"], [[t["target"], t["value"], t["result"]] for t in report["targets"]]))
    return "".join(out)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, help="first N million UTF-8 bytes of item text (default: all)")
    parser.add_argument("--corpus", default=str(DEFAULT_CORPUS), help="folder of xwlb_*.jsonl")
    parser.add_argument("--jobs-list", default="1,2", help="--jobs values to build with (default 1,2)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per query and engine (median; Oxigraph's come after a first run, shown apart)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds allowed per build")
    parser.add_argument("--no-queries", action="store_true", help="skip the query timings")
    parser.add_argument("--no-rdflib", action="store_true", help="time the queries with Oxigraph only (rdflib takes "
                                                                 "minutes to load ten years)")
    parser.add_argument("--rdflib-limit", type=float, default=RDFLIB_LIMIT,
                        help="seconds after which an rdflib query is stopped (default 60)")
    parser.add_argument("--no-update", action="store_true", help="skip the --update timing")
    parser.add_argument("--export", default="none", help="kg build's --export (default none: the store and the facts)")
    parser.add_argument("--repo", default=str(ROOT), help="checkout whose kg is built (default: this one)")
    parser.add_argument("--keep", help="keep the input, builds and logs in this folder")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--from-json", metavar="FILE", help="print the table of a report saved with --json, run nothing")
    args = parser.parse_args(argv)
    if args.from_json:
        print(render(json.loads(Path(args.from_json).read_text(encoding="utf-8"))), end="")
        return 0

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="build_bench."))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report: dict = {"load_before": _load(), "repo": str(Path(args.repo).resolve()), "export_option": args.export}
        archive = work / "input.jsonl"
        texts, size = select_records(Path(args.corpus), args.mb, archive)
        chars = sum(map(len, texts))
        report["input"] = {"corpus": args.corpus, "mb": args.mb, "records": len(texts), "text_chars": chars,
                           "text_bytes": size}
        report["jieba"] = jieba_baseline(texts)
        del texts
        report["builds"] = []
        for jobs in [int(j) for j in args.jobs_list.split(",")]:
            out = work / f"build-j{jobs}"
            shutil.rmtree(out, ignore_errors=True)
            b = run_build([archive], out, jobs, args.timeout, repo=Path(args.repo), export=args.export)
            b["chars_per_s"] = chars / b["seconds"]
            b["ratio"] = b["chars_per_s"] / report["jieba"]["chars_per_s"]
            report["builds"].append(b)
            print(f"build --jobs {jobs}: {b['seconds']:.1f} s", file=sys.stderr)
        # the --update run comes before the queries: a build forked from this process once it holds
        # rdflib's graph would count that memory in its own peak (ru_maxrss before exec)
        if not args.no_update:
            out = work / "update"
            shutil.rmtree(out, ignore_errors=True)
            first = run_build([archive], out, 2, args.timeout, update=True, repo=Path(args.repo), export=args.export)
            page = work / "new_page.txt"
            page.write_text(NEW_PAGE, encoding="utf-8")
            report["update"] = {"first": first, "timed": run_build([archive, page], out, 2, args.timeout,
                                                                   update=True, repo=Path(args.repo), export=args.export)}
        done = [b for b in report["builds"] if "error" not in b]
        nquads = None
        if done:
            last = done[-1]
            nquads = work / "exported.nq"
            report["export"] = {"of_jobs": last["jobs"], **run_export(work / f"build-j{last['jobs']}" / "store", nquads,
                                                                      args.timeout, repo=Path(args.repo))}
            print(f"export: {report['export']['seconds']:.1f} s", file=sys.stderr)
        if done and not args.no_queries:
            last = done[-1]
            report["queries"] = {"jobs": last["jobs"], **bench_queries(work / f"build-j{last['jobs']}", ROOT / "queries",
                                                                        args.repeat, args.rdflib_limit, nquads,
                                                                        rdflib=not args.no_rdflib)}
            print("queries done", file=sys.stderr)
        report["load_after"] = _load()
        report["targets"] = targets(report)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, ensure_ascii=False, indent=1) if args.json else render(report), end="\n" if args.json else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
