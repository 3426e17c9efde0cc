"""``kg build --update`` with a kept resolution: only new, changed and removed pages are extracted and
resolved again (issue 17; docs/store-first.md).

An update build keeps its resolution state (``kg.pipeline.state``) in the output folder's cache,
``.cache/state.sqlite``. The next update reads every input page, but a page the state holds with the same
source, place in the build's order and checksum is neither extracted nor resolved again: only the new and
changed pages are, and ``ResolutionState.apply`` puts them in and takes the removed ones out, making
again only what they touch. What it gives equals resolving every page (tests/test_state.py,
tests/test_update.py).

A state is read only when it holds the resolution of the build in the folder:

- its **basis** is that of this build: the tool's version, the digest of the code and data a page's
  resolution depends on (extraction, ingest, lexicons, kinds, resolution, the state's own code) and the
  read options (an encoding, the archive fields: the same bytes read otherwise are other pages);
- its **stamp** is the one the folder's manifest names. A build marks the state unfinished before it
  changes it and stamps it (a digest of the basis and of every page it holds) only once all outputs are
  made; the manifest of the new generation carries that stamp. An update killed in between leaves a
  state whose stamp no manifest names, and the next update resolves every page again (and keeps a new
  state) rather than trusting it.

Anything else (no state, another basis or stamp, a state that fails its checks, ``StateError``) starts a
new state, kept by a full resolution (``StateKeeper``). The state is closed before the new generation
is switched in, so no open SQLite file is linked into it.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kg import __version__
from kg.export.facts import each_page_facts, facts_text, merge_log_text
from kg.export.files import holds, write_new
from kg.export.html import write_graph_files
from kg.export.rdf import (RdfData, dataset_time, description_quads, knowledge_graph_quads, mint,
                           page_provenance_quads, to_dataset, write_exports)
from kg.ingest.pages import Page, valid_date
from kg.pipeline.cache import PACKAGE, ExtractionCache, extraction_digest
from kg.pipeline.inputs import InputMemo, UnreadPage, read_again
from kg.pipeline.outdir import FACTS_DIR, MERGE_LOG, Generation
from kg.pipeline.state import Changes, ResolutionState, StateError, StateKeeper, page_position
from kg.resolve.entities import KnowledgeBase, page_id, resolve, resolve_page
from kg.store import shacl
from kg.store.database import STORE_DIR, StoreRdf, read_stamp, recover, write_stamp
from kg.store.patch import StorePatch
from kg.store.shacl import ShapeViolation

__all__ = ["KeptResolution", "STATE_FILE", "resolution_basis"]

STATE_FILE = "state.sqlite"
# What a page's resolution depends on besides the page (paths under kg/, as ``extraction_digest`` reads them)
# (extraction's own, ``kg.pipeline.cache.EXTRACTION_SOURCES``, are in the cache's digest, which the basis takes)
RESOLUTION_SOURCES = ("knowledge", "resolve", "pipeline/state.py", "pipeline/codec.py")
_UNFINISHED = "unfinished"


def resolution_basis(extraction: str, read_options: object) -> str:
    """The digest of what the kept resolution of a page depends on besides its bytes: the tool's version,
    the code and data of extraction (``extraction``: the cache's ``extraction_digest``) and resolution, and
    how the inputs are read (``read_options``, a dataclass whose ``repr`` names every option)."""
    text = f"{__version__}\x1f{extraction}\x1f{extraction_digest(PACKAGE, RESOLUTION_SOURCES)}\x1f{read_options!r}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class KeptResolution:
    """The resolution state of an update build, open for this build.

    ``fresh``: the state is new (no usable one was kept): the build resolves every page and keeps it
    (``resolve_all``); else ``resolve_changes`` extracts and resolves only the pages that changed."""

    state: ResolutionState
    basis: str
    fresh: bool
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (position, sha256) kept
    unchanged: set[str] = field(default_factory=set)  # sources of this build's pages the state holds as they are
    changes: Changes | None = None
    memo: InputMemo | None = None  # what each input gave this build (kg.pipeline.inputs), kept with the state
    resolved_again: int = 0  # pages put in or taken out
    resolved: set[str] = field(default_factory=set)  # the sources of this build's pages (not those failing)

    @classmethod
    def open(cls, cache: ExtractionCache, key: bytes, read_options: object,
             expected_stamp: str | None) -> "KeptResolution":
        """The state kept in the output folder's ``cache`` if it holds the build the folder's manifest
        stamps (``expected_stamp``), else a new one in its place."""
        cache.folder.mkdir(parents=True, exist_ok=True)
        path = cache.folder / STATE_FILE
        basis = resolution_basis(cache.extraction, read_options)
        state = None
        try:
            if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
                # a symbolic link (SQLite would follow it, and write where it points) or a FIFO put there
                raise StateError("the state is not a regular file")
            state = ResolutionState(path, key)
            stamp = state.stamp()
            if expected_stamp is not None and stamp == expected_stamp and stamp.startswith(basis):
                return cls(state, basis, fresh=False, known=state.pages())
        except (StateError, OSError, ValueError, UnicodeError, sqlite3.DatabaseError):
            pass  # not a state this build can read: a new one is made in its place
        if state is not None:
            state.close()
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                      path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        path.touch(mode=0o600)  # as the cache's entries: what the user's pages say, for the user alone
        state = ResolutionState(path, key)
        state.mark(_UNFINISHED)
        return cls(state, basis, fresh=True)

    def resolve_all(self, extracted: Iterable[tuple[Page, list]]) -> KnowledgeBase:
        """Every page resolved (``kg.resolve.entities.resolve``), its resolution kept in the new state."""
        return resolve(extracted, keeper=StateKeeper(self.state))

    def changed_pages(self, pages: Iterable[Page], cache: ExtractionCache | None = None,
                      on_unchanged: Callable[[Page], None] = lambda page: None,
                      read: Callable | None = None, failed: list[str] | None = None) -> Iterator[Page]:
        """The pages that are not in the state as they are now (new, changed, moved in the build's order),
        to be extracted; each of the others is given to ``on_unchanged`` and its cache entry is noted as
        used (kept, so that a later full resolution still finds it). A page not read again
        (``kg.pipeline.inputs.UnreadPage``) that must be extracted is read now with ``read``; if its input
        no longer has it, that is said in ``failed``."""
        for page in pages:
            if self.known.get(page.source) == (_position(page), page.sha256):
                self.unchanged.add(page.source)
                on_unchanged(page)
                if cache is not None:
                    cache.path_of(page)
                continue
            if isinstance(page, UnreadPage):
                found = read_again(page, read)
                if found is None:
                    if failed is not None:
                        failed.append(f"{page.meta['input']}: changed while it was read; build again")
                    continue
                page = found
            yield page

    def resolve_changes(self, extracted_pages: Iterable[tuple[Page, list]]) -> None:
        """Put the extracted pages (``changed_pages``, extracted) in the state and take out the kept pages
        this build no longer has (removed, or failing now): ``changes`` says what changed."""
        self.state.mark(_UNFINISHED)
        added, extracted = [], set()
        for page, findings in extracted_pages:
            extracted.add(page.source)
            added.append((_position(page), page.sha256, resolve_page(page, findings)))
        removed = set(self.known) - self.unchanged - extracted
        self.resolved_again = len(added) + len(removed - extracted)
        self.resolved = self.unchanged | extracted
        self.changes = self.state.apply(added, removed)

    def seal(self) -> str:
        """The stamp of the state as it is now: a digest of its basis and of every page it holds (the same
        pages resolved with the same code give the same stamp)."""
        digest = hashlib.sha256(self.basis.encode("ascii"))
        for source, (position, sha256) in sorted(self.state.pages().items()):
            digest.update(f"{source}\x1f{position}\x1f{sha256}\x1e".encode("utf-8", "surrogatepass"))
        return f"{self.basis}:{digest.hexdigest()}"

    def finish(self, stamp: str) -> None:
        """Mark the state as holding the build of this stamp (``seal``), once every output is made, and
        close it; the stamp goes into the new generation's manifest."""
        self.state.mark(stamp)
        self.state.close()

    def close(self) -> None:
        """Close the state without stamping it (the build failed: the next update does not trust it)."""
        self.state.close()


def _position(page: Page) -> str:
    return page_position(page.meta.get("input") or page.source, page.meta.get("line"))


# -- writing the update's generation ------------------------------------------------------------------

_DCTERMS_SOURCE = ox.NamedNode("http://purl.org/dc/terms/source")
_DCTERMS_DATE = ox.NamedNode("http://purl.org/dc/terms/date")
_DCTERMS_MODIFIED = ox.NamedNode("http://purl.org/dc/terms/modified")
_VOID_URI_SPACE = ox.NamedNode("http://rdfs.org/ns/void#uriSpace")


def write_update(kept: KeptResolution, names, generation: Generation, base: str, license: str,
                 export: frozenset[str], summary, stamp: str) -> set[str] | None:
    """The new generation of an update from the state (``kept``, applied): the facts of the pages whose
    facts change (``Changes.pages``, and pages whose facts file or where they were read changed), the
    others linked from the previous build; ``merges.tsv``; the previous store copied and patched where
    the update changed it, checked against the shapes where it changed; the whole-graph files asked for,
    from the patched store. Returns the facts files, or None when the previous store cannot be patched
    (it is missing, damaged, or not the one of the state read): the caller then writes everything from
    the knowledge base, as a full build does. ``names``: the build's ``PageNames``."""
    clock = time.perf_counter()
    state, changes = kept.state, kept.changes
    previous_store = generation.out / STORE_DIR
    recover(previous_store)
    previous = read_stamp(previous_store)
    if previous is None or previous.get("state") != generation.state_stamp:
        return None
    scratch = generation.folder
    try:
        ox.Store.read_only(str(previous_store)).backup(str(scratch / STORE_DIR))
    except (OSError, RuntimeError, ValueError):
        shutil.rmtree(scratch / STORE_DIR, ignore_errors=True)
        return None
    summary.stages["copy store"] = time.perf_counter() - clock

    # the facts: of the pages whose facts change, else the previous build's file
    clock = time.perf_counter()
    facts_files, to_write = set(), []
    for key, (name, source, where) in names.pages.items():
        if key not in kept.resolved:
            continue  # (it failed: no facts, as in a full build)
        rel = f"{FACTS_DIR}/{name}"
        facts_files.add(rel)
        if not (key not in changes.pages and generation.previous_facts.get(name) == {"source": source, **where}
                and not generation.taken(name) and generation.keep(rel)):
            to_write.append(key)
    part = state.knowledge_for(to_write)
    for page, facts in each_page_facts(part):
        name, facts = names.facts(page, facts)
        rel, text = f"{FACTS_DIR}/{name}", facts_text(facts)
        if not (holds(generation.out / rel, text) and not generation.taken(name) and generation.keep(rel)):
            write_new(scratch / rel, text)
    merge_log = merge_log_text(KnowledgeBase({}, [], [], state.merges()))
    if not (holds(generation.out / MERGE_LOG, merge_log) and generation.keep(MERGE_LOG)):
        write_new(scratch / MERGE_LOG, merge_log)
    entity_counts, relation_counts = state.counts()
    summary.entities = Counter({k: n for k, n in entity_counts.items() if k not in ("page", "article")})
    summary.links = Counter(relation_counts)
    summary.stages["facts"] = time.perf_counter() - clock

    clock = time.perf_counter()
    store = ox.Store(str(scratch / STORE_DIR))
    try:
        patch = _store_patch(store, kept, part, base, license)
        if patch is None:
            store = None  # (closed before its files go; the ``finally`` below drops it again)
            shutil.rmtree(scratch / STORE_DIR, ignore_errors=True)
            for rel in facts_files | {MERGE_LOG}:  # written or linked above: the caller writes them all
                (scratch / rel).unlink(missing_ok=True)
            return None
        result = patch.apply()
        store.flush()
        summary.store_changed = (result.removed + result.union_removed, result.added + result.union_added)
        summary.stages["store"] = time.perf_counter() - clock
        clock = time.perf_counter()
        digest = shacl.digest()
        if previous.get("checked") == digest:
            nodes = shacl.changed_nodes(store, result.subjects, result.retyped)
            found = shacl.violations(store, only=nodes, added=result.union_added_triples)
            summary.shapes_checked = len(nodes)
        else:
            found = shacl.violations(store)
        summary.stages["shacl"] = time.perf_counter() - clock
        if found:
            raise ShapeViolation(shacl.report(found))
        write_stamp(scratch / STORE_DIR, {"nq": None, "nt": None, "removed_bytes": previous.get("removed_bytes", 0),
                                          "checked": digest, "state": stamp})
        clock = time.perf_counter()
        _whole_graph_files(store, kept, scratch, export)
        summary.stages["export"] = time.perf_counter() - clock
    finally:
        del store
    return facts_files


def _store_patch(store: ox.Store, kept: KeptResolution, part: KnowledgeBase, base: str,
                 license: str) -> StorePatch | None:
    """What the update changes in the store: the named graphs of the pages whose outputs change
    (replaced by those made from ``part``, what those pages' outputs are made from), what
    ``graph/knowledge`` holds of the entities and relations that changed, and the description of the
    dataset in ``graph/build`` (each page's provenance, the number of pages, the time). None when the
    change is of a kind this patch does not make (the store is then made whole)."""
    state, changes = kept.state, kept.changes
    patch = StorePatch(store)

    def node(local: str) -> ox.NamedNode:
        return ox.NamedNode(mint(base, local)[1:-1])

    knowledge, build = node("graph/knowledge"), node("graph/build")
    dataset = node("dataset")
    if next(store.quads_for_pattern(dataset, _VOID_URI_SPACE, ox.Literal(base), build), None) is None:
        return None  # a store minted under another --base: every IRI changes, it is made whole
    # the pages' graphs: each page whose outputs change, as it was (taken out) and as it is (put in)
    taken_out, old_dates, old_urls = set(), set(), set()
    for source in sorted(changes.pages | set(part.pages)):
        if source not in kept.known:
            continue
        old = page_id(source, kept.known[source][1])
        graph, page = node(f"graph/{old}"), node(old)
        for q in store.quads_for_pattern(page, None, None, graph):
            if q.predicate == _DCTERMS_DATE:
                old_dates.add(q.object.value)
            elif q.predicate == _DCTERMS_SOURCE:
                old_urls.add(q.object)
        patch.remove_graph(graph)
        patch.remove_matching(None, None, page, build)
        patch.remove_matching(graph, None, None, build)
        taken_out.add(graph)
    pages = [e for e in part.entities.values() if e.kind == "page"]
    wanted = {node(f"graph/{e.id}") for e in pages}
    for q in _quads(to_dataset(part, base, license)):
        if q.graph_name in wanted:
            patch.add(q)
    patch.extend(_quads(page_provenance_quads(pages, base)))
    for url in old_urls:  # the dataset's source, unless another page has that URL too
        if not any(q.graph_name not in taken_out and not isinstance(q.graph_name, ox.DefaultGraph)
                   and q.graph_name != build for q in store.quads_for_pattern(None, _DCTERMS_SOURCE, url, None)):
            patch.remove(ox.Quad(dataset, _DCTERMS_SOURCE, url, build))
    # graph/knowledge: what no page shows of the entities changed and of the relations from them
    sources = set(changes.entities) | {key[1] for key in changes.relations}
    for eid in sources:
        patch.remove_matching(node(eid), None, None, knowledge)
    entities, relations, lookup = state.unevidenced(sources)
    if any(r.kind == "holds-post" for r in relations):
        return None  # a post no page shows: its post and role nodes are not patched here
    patch.extend(_quads(knowledge_graph_quads(entities, relations, {**lookup, **{e.id: e for e in entities}}, base)))
    # graph/build: the description of the dataset, for the pages it has now
    when = _dataset_time(store, dataset, build, pages, old_dates, state)
    described = _quads(description_quads(len(kept.resolved), when, base, license))
    # (by subject and property: the dataset and the build also have a triple per page, which stay)
    # (the time too when there is none now: no page has a date any more)
    for subject, predicate in {(q.subject, q.predicate) for q in described} | {(dataset, _DCTERMS_MODIFIED)}:
        patch.removed.update(store.quads_for_pattern(subject, predicate, None, build))
    patch.extend(described)
    return patch


def _dataset_time(store: ox.Store, dataset: ox.NamedNode, build: ox.NamedNode, pages: list, old_dates: set[str],
                  state: ResolutionState) -> str | None:
    """The dataset's time (``kg.export.rdf.dataset_time``) once the update is made: the latest date of its
    pages, found from the time stated before and the dates of the pages put in, unless a page taken out
    had that date (then from every page's date)."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return dataset_time(())
    stated = next((q.object.value for q in store.quads_for_pattern(dataset, _DCTERMS_MODIFIED, None, build)), None)
    if stated is not None and (stated in old_dates or not valid_date(stated)):
        # (a page taken out had it, or it was SOURCE_DATE_EPOCH's time and is not a page's date)
        return dataset_time(state.page_dates())
    return dataset_time([stated, *(e.attrs.date for e in pages)])


def _quads(data: RdfData) -> list[ox.Quad]:
    return list(ox.parse(input="".join(data.nquad_lines()).encode("utf-8"), format=ox.RdfFormat.N_QUADS))


def _whole_graph_files(store: ox.Store, kept: KeptResolution, scratch: Path, export: frozenset[str]) -> None:
    """The whole-graph files asked for, from the patched store (RDF) and the state (graph.json, graph.html),
    byte for byte what a full build writes."""
    targets = {fmt: scratch / f"graph.{fmt}" for fmt in export if fmt not in ("json", "html")}
    if targets:
        write_exports(StoreRdf(store, scratch), targets)
    if export & {"json", "html"}:
        write_graph_files(kept.state.knowledge_base(), scratch, export)
