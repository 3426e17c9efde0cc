"""Time every ``queries/*.rq`` with rdflib's in-memory engine and with Oxigraph, on the same data.

    .venv/bin/python bench/sparql_bench.py                      # the seeds export, 5 repetitions
    .venv/bin/python bench/sparql_bench.py --copies 20 --repeat 3   # 20 disjoint copies of it

Both engines get the same quads and the same view of them: the default graph is
the union of the named graphs (rdflib ``Dataset(default_union=True)``, Oxigraph
via ``kg.store.sparql.load_store``). ``--copies N`` makes a larger graph without
inventing text: N copies of the export whose instance IRIs are moved under
``…/id/copy<k>/``, so the copies share labels but no nodes. Each cell is the
median of ``--repeat`` runs, results fully read; the ratio is rdflib / Oxigraph.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.store.sparql import format_table, load_store, run_query  # noqa: E402

ID_BASE = "https://w3id.org/unionkg/id/"


def synthetic_copies(source: Path, copies: int, out: Path) -> Path:
    """N-Quads of ``copies`` disjoint copies of ``source`` (instance IRIs renamed per copy)."""
    quads = list(ox.parse(path=str(source)))

    def moved(term, k):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID_BASE):
            return ox.NamedNode(f"{ID_BASE}copy{k}/{term.value[len(ID_BASE):]}")
        return term

    def all_copies():
        for k in range(copies):
            for q in quads:
                graph = q.graph_name if isinstance(q.graph_name, ox.DefaultGraph) else moved(q.graph_name, k)
                yield ox.Quad(moved(q.subject, k), q.predicate, moved(q.object, k), graph)

    ox.serialize(all_copies(), str(out), format=ox.RdfFormat.N_QUADS)
    return out


def timed(fn, repeat: int) -> tuple[float, object]:
    """Median seconds of ``repeat`` calls, and the last answer."""
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), answer


def oxigraph_run(store: ox.Store, text: str) -> int:
    result = run_query(store, text)
    if isinstance(result, ox.QueryBoolean):
        return 1
    return len(list(result))


def rdflib_run(ds: Dataset, text: str) -> int:
    result = ds.query(text)
    if result.type == "ASK":
        return 1
    return len(list(result))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(ROOT / "exports" / "graph.nq"), help="N-Quads or TriG export")
    parser.add_argument("--copies", type=int, default=1, help="query N disjoint copies of the data (default 1)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per query and engine (median is shown)")
    parser.add_argument("--queries", default=str(ROOT / "queries"), help="folder of .rq files")
    args = parser.parse_args(argv)

    import warnings
    warnings.filterwarnings("ignore", category=DeprecationWarning)  # rdflib 7 warns about its own Dataset API

    data = Path(args.data)
    if args.copies > 1:
        import tempfile
        data = synthetic_copies(data, args.copies, Path(tempfile.mkdtemp()) / f"copies{args.copies}.nq")

    started = time.perf_counter()
    store = load_store([data])
    ox_load = time.perf_counter() - started
    started = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(str(data), format="nquads" if data.suffix == ".nq" else "trig")
    rdf_load = time.perf_counter() - started
    triples = int(next(iter(run_query(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")))["n"].value)
    print(f"data: {data.name} ({args.copies} cop{'y' if args.copies == 1 else 'ies'}), {triples} distinct triples; "
          f"load: rdflib {rdf_load:.2f} s, Oxigraph {ox_load:.2f} s; median of {args.repeat} runs")

    rows, totals = [], [0.0, 0.0]
    for path in sorted(Path(args.queries).glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        t_rdf, n_rdf = timed(lambda: rdflib_run(ds, text), args.repeat)
        t_ox, n_ox = timed(lambda: oxigraph_run(store, text), args.repeat)
        totals[0] += t_rdf
        totals[1] += t_ox
        rows.append([path.name, str(n_ox) + ("" if n_ox == n_rdf else f" (rdflib {n_rdf})"),
                     f"{t_rdf:.5f}", f"{t_ox:.5f}", f"{t_rdf / t_ox:.0f}x" if t_ox else "-"])
    rows.append(["total", "", f"{totals[0]:.5f}", f"{totals[1]:.5f}", f"{totals[0] / totals[1]:.0f}x"])
    print(format_table(["query", "rows", "rdflib s", "oxigraph s", "rdflib/oxigraph"], rows), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
