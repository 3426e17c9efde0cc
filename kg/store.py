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
from pathlib import Path

import pyoxigraph as ox

STORE_DIR = "store"


def build_store(folder: Path, nquads: Path, ntriples: Path) -> ox.Store:
    """A new store in ``folder`` (made, must not exist) from the export files."""
    folder.mkdir(parents=True)
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)  # into the default graph
    store.flush()
    return store


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
