"""The build's Oxigraph store on disk (``exports/store``), which ``kg query`` reads.

Loading an archive's N-Quads into memory for every query would take longer
than the query, so ``kg build`` also bulk-loads its export into an embedded
on-disk Oxigraph store: the named graphs of ``graph.nq`` and, as the default
graph, their union as a set (``graph.nt``), the same dataset ``kg query``
builds in memory from files (see ``kg.sparql``). The store is made in a
temporary folder and swapped in only when complete, so a killed build leaves
the previous store whole.
"""
from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

STORE_DIR = "store"


# Lines per bulk load. Oxigraph's bulk loader holds what it is given in memory while it sorts
# it: the 4.4 M quads of ten years of news in one call need 2 GB, in calls of 250,000 lines
# 0.44 GB (and twice the time, which the build hides behind its other exports).
BATCH_LINES = 250_000


def build_store(folder: Path, nquads: Path, ntriples: Path) -> ox.Store:
    """A new store in ``folder`` (made, must not exist) from the export files."""
    folder.mkdir(parents=True)
    store = ox.Store(str(folder))
    _bulk_load(store, nquads, ox.RdfFormat.N_QUADS)
    _bulk_load(store, ntriples, ox.RdfFormat.N_TRIPLES)  # into the default graph
    store.flush()
    return store


def _bulk_load(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Load a line-based RDF file (N-Quads, N-Triples) in batches of ``BATCH_LINES`` lines."""
    with open(path, "rb") as f:
        while lines := list(islice(f, BATCH_LINES)):
            store.bulk_load(input=b"".join(lines), format=fmt)


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover(target: Path) -> None:
    """Put back the previous store if a build was killed between the two renames of ``swap_in``."""
    if not target.exists() and _old(target).is_dir():
        _old(target).rename(target)


def swap_in(new: Path, target: Path) -> None:
    """Replace the store at ``target`` by the one at ``new``."""
    recover(target)
    shutil.rmtree(_old(target), ignore_errors=True)
    if target.exists():
        target.rename(_old(target))
    new.rename(target)
    shutil.rmtree(_old(target), ignore_errors=True)


def open_store(folder: Path) -> ox.Store:
    """The store of a finished build, read-only (several ``kg query`` may read it at once)."""
    recover(folder)
    return ox.Store.read_only(str(folder))
