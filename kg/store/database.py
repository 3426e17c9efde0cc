"""The build's Oxigraph store on disk (``exports/store``), which ``kg query`` reads.

Loading an archive's N-Quads into memory for every query would take longer
than the query, so ``kg build`` also bulk-loads its export into an embedded
on-disk Oxigraph store: the named graphs of ``graph.nq`` and, as the default
graph, their union as a set (``graph.nt``), the same dataset ``kg query``
builds in memory from files (see ``kg.store.sparql``). The store is made in a
temporary folder and swapped in only when complete, so a killed build leaves
the previous store whole.

A rebuild of the same folder (``kg build --update`` adding a page to an archive)
changes few quads of millions. When the previous store still holds the export
files in the folder (its stamp says which), the new store starts as a copy of it
(hard links to its immutable files) and only the difference between the old and
the new files is applied, instead of bulk-loading everything again.
"""
from __future__ import annotations

import heapq
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pyoxigraph as ox

from kg.export.rdf import RDF

STORE_DIR = "store"


# Lines per bulk load. Oxigraph's bulk loader holds what it is given in memory while it sorts
# it: the 4.4 M quads of ten years of news in one call need 2 GB, in calls of 250,000 lines
# 0.44 GB (and twice the time, which the build hides behind its other exports).
BATCH_LINES = 250_000


# The files a store was loaded from, identified by inode, size and modification time (a rename
# keeps all three), and the bytes of lines removed since it was last loaded whole: written into
# the store folder, which Oxigraph leaves alone. STAMP_FORMAT changes when the store holds
# something else, so that an older store is loaded again rather than patched.
STAMP = "unionkg-loaded-from.json"
STAMP_FORMAT = 1
RDF_TYPE = RDF.type.encode()  # as graph.nt writes it

# A difference larger than this many lines is not applied: bulk-loading is then faster.
MAX_DIFFERENCE = 500_000
# Oxigraph never deletes a string it has stored, so a store patched again and again grows:
# once the lines removed since the last full load pass this share of the files (and this many
# bytes, for a small store a full load is cheap anyway), it is loaded whole.
MAX_REMOVED_SHARE = 0.25
MAX_REMOVED_BYTES = 64 * 2 ** 20


@dataclass
class Difference:
    """What a store made from the previous one changed. The subjects of the changed union-graph
    lines are what a shape check of the new store needs to look at again, if the previous store
    passed the same checks (``checked_with``)."""

    removed: int  # lines
    added: int
    subjects: set[str] = field(default_factory=set)  # N-Triples terms, of changed graph.nt lines
    retyped: set[str] = field(default_factory=set)  # ... of those whose rdf:type line changed
    checked_with: str | None = None  # what ``record_check`` noted in the previous store


def build_store(folder: Path, nquads: Path, ntriples: Path,
                previous: Path | None = None) -> tuple[ox.Store, Difference | None]:
    """A new store in ``folder`` (made, must not exist) from the export files, and what changed
    when it was made from the previous store (None: loaded whole).
    ``previous``: the folder of the build being replaced; if its store holds its ``graph.nq``
    and ``graph.nt``, the new store is that store plus their difference to the new files."""
    made = _updated(previous, folder, nquads, ntriples) if previous is not None else None
    if made is None:
        folder.mkdir(parents=True)
        store, difference, removed_bytes = ox.Store(str(folder)), None, 0
        _bulk_load(store, nquads, ox.RdfFormat.N_QUADS)
        _bulk_load(store, ntriples, ox.RdfFormat.N_TRIPLES)  # into the default graph
    else:
        store, difference, removed_bytes = made
    store.flush()
    stamp = {"format": STAMP_FORMAT, "nq": _identity(nquads), "nt": _identity(ntriples), "removed_bytes": removed_bytes}
    _write_stamp(folder, stamp)
    return store, difference


def record_check(folder: Path, checked_with: str) -> None:
    """Note in the store's stamp that it passed the checks ``checked_with`` names (a digest),
    so that the next store made from it need only check what changed."""
    stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    _write_stamp(folder, {**stamp, "checked": checked_with})


def record_state(folder: Path, state: str) -> None:
    """Note in the store's stamp the stamp of the resolution state it was made with
    (``kg.pipeline.update``): an update patches a store only when it is that of the state it reads."""
    stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    _write_stamp(folder, {**stamp, "state": state})


def read_stamp(folder: Path) -> dict | None:
    """The store's stamp (what it was loaded from, what checks it passed), None without a readable one."""
    try:
        stamp = json.loads((folder / STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return stamp if isinstance(stamp, dict) else None


def write_stamp(folder: Path, stamp: dict) -> None:
    """Write the stamp of a store made by patching another (``kg.pipeline.update``)."""
    _write_stamp(folder, {**stamp, "format": STAMP_FORMAT})


def _write_stamp(folder: Path, stamp: dict) -> None:
    tmp = folder / f".{STAMP}.tmp"
    tmp.write_text(json.dumps(stamp), encoding="utf-8")
    os.replace(tmp, folder / STAMP)


def _bulk_load(store: ox.Store, path: Path, fmt: ox.RdfFormat) -> None:
    """Load a line-based RDF file (N-Quads, N-Triples) in batches of ``BATCH_LINES`` lines."""
    with open(path, "rb") as f:
        while lines := list(islice(f, BATCH_LINES)):
            store.bulk_load(input=b"".join(lines), format=fmt)


def _identity(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_ino, st.st_size, st.st_mtime_ns]


def _updated(previous: Path, folder: Path, nquads: Path, ntriples: Path):
    """The previous store copied to ``folder`` with the difference applied, the ``Difference``
    and the bytes removed since its last full load; None (and nothing made)
    when the previous store does not hold the previous files, cannot be read, or the difference
    (or what was removed since the last full load) is too large."""
    old_store, old_nq, old_nt = previous / STORE_DIR, previous / "graph.nq", previous / "graph.nt"
    recover(old_store)
    try:
        stamp = json.loads((old_store / STAMP).read_text(encoding="utf-8"))
        if [stamp.get(k) for k in ("format", "nq", "nt")] != [STAMP_FORMAT, _identity(old_nq), _identity(old_nt)]:
            return None
        removed_before = int(stamp["removed_bytes"])
        checked_with = stamp.get("checked")
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None  # no previous store (or build), or one made before this stamp
    removed, added = [], []
    difference = Difference(0, 0, checked_with=checked_with if isinstance(checked_with, str) else None)
    try:
        for old, new, key, named_only in ((old_nq, nquads, _quad_key, True), (old_nt, ntriples, _triple_key, False)):
            for line, is_added, sort_key in _changed_lines(old, new, key):
                if named_only and not sort_key[0]:
                    continue  # the default graph of the store is graph.nt, the union, diffed next
                (added if is_added else removed).append(line)
                if len(removed) + len(added) > MAX_DIFFERENCE:
                    return None
                if not named_only:  # a union-graph line: ``kg.export.rdf`` writes "<s> <p> o ."
                    subject, predicate, _ = line.split(b" ", 2)
                    term = subject.decode("utf-8")
                    difference.subjects.add(term)
                    if predicate == RDF_TYPE:
                        difference.retyped.add(term)
    except _Unsorted:
        return None
    difference.removed, difference.added = len(removed), len(added)
    removed_bytes = removed_before + sum(map(len, removed))
    if removed_bytes > max(MAX_REMOVED_BYTES, MAX_REMOVED_SHARE * (nquads.stat().st_size + ntriples.stat().st_size)):
        return None
    store = None
    try:
        ox.Store.read_only(str(old_store)).backup(str(folder))
        store = ox.Store(str(folder))
        for quad in ox.parse(input=b"".join(removed), format=ox.RdfFormat.N_QUADS):
            store.remove(quad)
        store.extend(ox.parse(input=b"".join(added), format=ox.RdfFormat.N_QUADS))
    except Exception:  # a damaged previous store (RocksDB reports it as RuntimeError), a full disk
        del store  # closed before its folder goes; the store is then loaded whole
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return store, difference, removed_bytes


def _graph_of(line: bytes) -> bytes | None:
    """The graph IRI of an N-Quads line as ``kg.export.rdf`` writes it (terms separated by one space,
    no blank nodes), None for the default graph. The last ``<…>`` term is the graph when it is
    a whole IRI and three terms come before it (else it is the object, or inside a literal)."""
    end = len(line) - 3 if line.endswith(b" .\n") else len(line) - 2
    at = line.rfind(b" <", 0, end)
    if at < 0 or not line.startswith(b">", end - 1):
        return None
    graph = line[at + 1:end]
    if b" " in graph or b'"' in graph or len(line[:at].split(b" ", 2)) < 3:
        return None
    return graph


def _quad_key(line: bytes) -> tuple[bytes, bytes]:
    """Where a line of graph.nq sorts: ``kg.export.rdf`` sorts quads by graph (the default graph
    first), then subject, predicate and object, which within a graph is the order of the lines."""
    return _graph_of(line) or b"", line


def _triple_key(line: bytes) -> bytes:
    """Where a line of graph.nt sorts: triples sorted by subject, predicate and object are
    sorted as lines (every term ends before a character that sorts after the space)."""
    return line


class _Unsorted(Exception):
    """An export file is not in the order ``kg.export.rdf`` writes (edited by hand?): load it whole."""


def _changed_lines(old: Path, new: Path, key):
    """(line, added?, its key) for each line only in ``old`` (removed) or only in ``new`` (added), by
    merging the two files in their sort order (``key``). Most lines are the same in both and
    pass with one comparison; keys are computed only where the files differ. Applying the
    lines to a store assumes one spelling per quad, as ``kg.export.rdf`` writes (Oxigraph stores
    ``"05"^^xsd:integer`` as ``"5"``: removing one spelling would remove the other)."""
    with open(old, "rb") as old_file, open(new, "rb") as new_file:
        a, b = next(old_file, None), next(new_file, None)
        last_a = last_b = None
        while a is not None or b is not None:
            if a == b:
                a, b = next(old_file, None), next(new_file, None)
                continue
            key_a = None if a is None else key(a)
            key_b = None if b is None else key(b)
            if (key_a is not None and last_a is not None and key_a < last_a) or \
                    (key_b is not None and last_b is not None and key_b < last_b):
                raise _Unsorted(f"{old} or {new}")
            if key_b is None or (key_a is not None and key_a < key_b):  # (equal keys: equal lines)
                yield a, False, key_a
                last_a, a = key_a, next(old_file, None)
            else:
                yield b, True, key_b
                last_b, b = key_b, next(new_file, None)


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
    """The store of a finished build, read-only (several ``kg query`` may read it at once).
    Opening checks little: a store damaged in place may open and then fail, or allocate without
    end, while it is read; ``kg query`` therefore opens and reads it in a child process with a
    memory limit (``kg.store.sparql.query_command``)."""
    recover(folder)
    return ox.Store.read_only(str(folder))



class StoreRdf:
    """The build's RDF read back from its store, as ``kg.export.rdf.RdfData`` gives it to the
    writers (``nquad_lines``, ``ntriple_lines``): the same lines in the same order, so every
    format ``kg export`` writes from a store is byte for byte the file ``kg build`` writes.

    Streamed in bounded memory. N-Quads: the named graphs in the order of their names, each
    dumped by Oxigraph and its lines sorted in memory (a page's graph holds some hundred quads;
    the largest are ``graph/build``, a few per page, and ``graph/knowledge``). N-Triples: the union
    (the store's default graph, a set) dumped by Oxigraph into a temporary file and sorted there
    in runs of ``SORT_RUN_LINES`` lines merged (``_sorted_lines``).

    Sorting lines sorts them as ``RdfData`` sorts quads, term by term: a term's N-Triples text
    ends with ``>``, ``"``, a language tag or a datatype, so where one term's text is a prefix of
    another's the longer goes on with ``>``-free IRI characters, ``@``, ``^``, ``-`` or a digit,
    all after the space that ends the shorter in its line (an IRI's text ends at its only ``>``, so
    it is never a prefix of another term; every character below U+0021 in a literal is escaped, so
    none sorts before that space). UTF-8 and Python's strings both sort by code point. (A build
    mints no blank node, whose label a store would not keep.)"""

    SORT_RUN_LINES = 1_000_000

    def __init__(self, store: ox.Store, scratch: Path | None = None):
        self.store = store
        self.scratch = scratch  # folder of the temporary files (default: the system's)

    def nquad_lines(self):
        for name, lines in named_graph_lines(self.store):
            tail = f"<{name}> .\n"
            for line in lines:
                yield line[:-2] + tail  # "s p o .\n" -> "s p o <graph> .\n"

    def ntriple_lines(self):
        with tempfile.TemporaryDirectory(dir=self.scratch, prefix=".kg-union-") as folder:
            dumped = Path(folder) / "union.nt"
            self.store.dump(str(dumped), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
            yield from _sorted_lines(dumped, Path(folder), self.SORT_RUN_LINES)


def named_graph_lines(store: ox.Store):
    """Each named graph of ``store`` in the order of its N-Triples text (``<IRI>``, as ``RdfData`` sorts
    graphs), as (IRI, its N-Triples lines sorted, each ending with a line feed): what ``StoreRdf`` and
    ``kg push --store`` send. Split at line feeds only: a literal may hold U+2028, U+0085 ... as they
    are, where ``str.splitlines`` would cut."""
    for text in sorted(str(g) for g in store.named_graphs()):
        dumped = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(text[1:-1])).decode("utf-8")
        yield text[1:-1], [line + "\n" for line in sorted(dumped.split("\n")[:-1])]


def _sorted_lines(path: Path, folder: Path, run_lines: int):
    """The lines of a text file in sorted order, in bounded memory: runs of ``run_lines`` lines
    sorted and written to ``folder``, then merged. Lines end at line feeds only (the file is read
    with ``newline="\\n"``), whatever else a literal holds."""
    runs: list[Path] = []
    with open(path, encoding="utf-8", newline="\n") as f:
        while True:
            run = list(islice(f, run_lines))
            if not run:
                break
            run.sort()
            runs.append(folder / f"run-{len(runs)}.nt")
            with open(runs[-1], "w", encoding="utf-8", newline="\n") as out:
                out.writelines(run)
            del run
    path.unlink()
    files = [open(r, encoding="utf-8", newline="\n") for r in runs]
    try:
        yield from heapq.merge(*files)
    finally:
        for f in files:
            f.close()
