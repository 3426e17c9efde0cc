"""The whole pipeline: ingest -> extract -> resolve -> graph -> files.

``build`` is what ``kg build`` runs; ``extract_facts`` is what ``kg extract``
runs. Output files are written to a temporary name and renamed, so an
interrupted build never leaves a half-written file.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kg.cache import ExtractionCache, key_path, read_entry, write_entry
from kg.extract import extract_article, warm_up
from kg.facts import each_page_facts
from kg.graph import build_graph, graph_json_parts
from kg.html import busiest, render_html, subgraph
from kg.ingest import DEFAULT_MAX_BYTES, ArchiveFields, IngestError, Page, read_archive, read_page
from kg import shacl
from kg.rdf import DEFAULT_BASE, to_dataset, write_exports
from kg.resolve import KnowledgeBase, resolve
from kg.store import STORE_DIR, build_store, record_check, swap_in

PAGE_SUFFIXES = (".txt", ".md")
RDF_EXPORTS = ("ttl", "nt", "trig", "nq", "jsonld")
_UMASK = os.umask(0)
os.umask(_UMASK)


@dataclass
class Summary:
    stages: dict = field(default_factory=dict)  # seconds per stage, in order
    triples: int = 0
    reused: int | None = None  # pages taken from the --update cache
    cache_keyless: bool = False  # --update could not read or make the key of its cache: nothing was kept
    store_changed: tuple[int, int] | None = None  # lines (removed, added) when the previous store was reused
    shapes_checked: int | None = None  # nodes checked again when the previous store had passed the shapes
    pages: int = 0
    articles: int = 0
    sentences: int = 0
    entities: Counter = field(default_factory=Counter)
    links: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"pages: {self.pages}", f"articles: {self.articles}", f"sentences: {self.sentences}"]
        out.append("entities: " + ", ".join(f"{k} {v}" for k, v in sorted(self.entities.items())))
        out.append("links: " + ", ".join(f"{k} {v}" for k, v in sorted(self.links.items())))
        if self.triples:
            out.append(f"triples: {self.triples}")
        if self.reused is not None:
            out.append(f"pages reused from the previous build: {self.reused}")
        if self.cache_keyless:
            out.append(f"cache: not kept, as its key {key_path()} can be neither read nor made")
        if self.store_changed is not None:
            out.append("store: the previous one with {} lines removed and {} added".format(*self.store_changed))
        if self.shapes_checked is not None:
            out.append(f"shapes: checked again on the {self.shapes_checked} nodes whose triples or values' types changed")
        if self.stages:
            out.append("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.stages.items()))
        for f in self.failed:
            out.append(f"failed: {f}")
        out.append(f"seconds: {self.seconds:.2f}")
        return out


ARCHIVE_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None  # None: UTF-8, else detected GB18030/Big5, else refused
    max_bytes: int = DEFAULT_MAX_BYTES
    fields: ArchiveFields = ArchiveFields()


class _Clock:
    def __init__(self, summary: Summary):
        self.summary, self.last = summary, time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.summary.stages[stage] = now - self.last
        self.last = now

    def restart(self) -> None:
        """Start the next lap now (the time since was recorded by the stage itself)."""
        self.last = time.perf_counter()


def find_pages(inputs: list[str | Path]) -> list[Path]:
    """Page files and archives named or inside named folders (recursively), sorted by name,
    so that the same inputs in any order give the same build."""
    found = []
    for item in map(Path, inputs):
        if item.is_dir():
            found += [p for p in item.rglob("*") if p.is_file() and not p.name.startswith(".")
                      and p.suffix.lower() in PAGE_SUFFIXES + ARCHIVE_SUFFIXES]
        else:
            found.append(item)
    return sorted(set(found), key=lambda p: (p.name, str(p)))


def iter_pages(paths: list[Path], options: ReadOptions = ReadOptions()):
    """Pages one by one (an archive's records streamed); a failure comes as an IngestError."""
    for path in paths:
        if path.suffix.lower() in ARCHIVE_SUFFIXES:
            if not path.is_file():
                yield IngestError(f"{path}: no such file")
                continue
            yield from read_archive(path, options.fields, options.max_bytes)
            continue
        try:
            yield read_page(path, options.encoding, options.max_bytes)
        except IngestError as err:
            yield err


def read_pages(paths: list[Path], summary: Summary, options: ReadOptions = ReadOptions()) -> list[Page]:
    pages = []
    for item in iter_pages(paths, options):
        if isinstance(item, IngestError):
            summary.failed.append(str(item))
        else:
            pages.append(item)
    return pages


def _extract_page(task: tuple[Page, Path | None]) -> tuple[tuple[Page, list], bool]:
    """One page's findings (in a worker process), and whether they came from the cache: with
    ``--update`` a page whose content was extracted before is read back (if its entry is
    sound, see ``kg.cache``), a new one is kept."""
    page, cached_at = task
    if cached_at is not None:
        findings = read_entry(cached_at, page)
        if findings is not None:
            return (page, findings), True
    findings = [extract_article(a) for a in page.articles]
    if cached_at is not None:
        write_entry(cached_at, page, findings)
    return (page, findings), False


def extract_pages(pages, jobs: int = 1, progress: bool = False, cache: "ExtractionCache | None" = None):
    """Each page with its findings, in input order (so the build is the same whatever ``jobs``
    is), extracted in ``jobs`` worker processes. Results stream: at most a few hundred pages
    are in flight, so an archive is never held in memory whole. Pages whose content is in
    ``cache`` are read back instead of extracted."""
    bar = tqdm(pages, desc="extract", unit="page", file=sys.stderr, disable=not progress, mininterval=0.5)
    tasks = ((page, None if cache is None else cache.path_of(page)) for page in bar)
    pool, window = None, None
    if jobs <= 1:
        done = map(_extract_page, tasks)
    else:
        warm_up()  # load the dictionaries once; forked workers inherit them
        window = threading.BoundedSemaphore(64 * jobs)  # pages read ahead of the consumer

        def fed():
            for task in tasks:
                window.acquire()
                yield task

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        pool = context.Pool(jobs)
        done = pool.imap(_extract_page, fed(), chunksize=4)
    try:
        for result, cached in done:
            if window is not None:
                window.release()
            if cache is not None:
                cache.reused += cached
            yield result
    finally:
        if pool is not None:
            pool.terminate()  # every result is in (or the consumer stopped early): no work is left
            pool.join()


def analyse(pages, jobs: int = 1, progress: bool = False) -> KnowledgeBase:
    return resolve(extract_pages(pages, jobs, progress))


def _counted(extracted, summary: Summary):
    """The extraction results, counted into the summary as they pass."""
    for page, findings in extracted:
        summary.pages += 1
        summary.articles += len(page.articles)
        summary.sentences += sum(len(a.sentences) for a in page.articles)
        yield page, findings


def _pages_only(items, summary: Summary):
    """Pages from ``iter_pages``, failures noted in the summary as they stream past."""
    for item in items:
        if isinstance(item, IngestError):
            summary.failed.append(str(item))
        else:
            yield item


def write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def facts_text(facts: dict) -> str:
    """A page's facts JSON (the format ``../shared/eval/score.py`` reads), indented to be read."""
    return json.dumps(facts, ensure_ascii=False, indent=1) + "\n"


def facts_name(source: str) -> str:
    """File name of a page's facts: the page's stem (an archive record: archive stem and line)."""
    stem = source.replace(".jsonl#", "-").replace(".ndjson#", "-")
    stem = stem[:-len(Path(stem).suffix)] if Path(stem).suffix in PAGE_SUFFIXES else stem
    return re.sub(r"[^\w.-]", "_", stem) + ".json"


def write_facts(kb: KnowledgeBase, facts_dir: Path) -> None:
    for page, facts in each_page_facts(kb):
        write_atomic(facts_dir / facts_name(page), facts_text(facts))


class ShapeViolation(Exception):
    """The RDF export breaks a SHACL shape; the message lists the violations."""


class _StoreAndShapes(threading.Thread):
    """Makes the new store and checks the shapes on it, on the other core while the main
    thread writes the remaining exports (Oxigraph's loading and queries run without holding
    the GIL; the merge of the old and new files for a reused store is Python, a few seconds).
    A store made from a previous one that passed the same checks is checked where it changed."""

    def __init__(self, folder: Path, nquads: Path, ntriples: Path, previous: Path):
        super().__init__(daemon=True)
        self.folder, self.nquads, self.ntriples, self.previous = folder, nquads, ntriples, previous
        self.changed: tuple[int, int] | None = None  # lines (removed, added) if the previous store was reused
        self.checked: int | None = None  # nodes checked, if only those that changed were
        self.seconds: dict[str, float] = {}
        self.found: list = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            clock = time.perf_counter()
            store, difference = build_store(self.folder, self.nquads, self.ntriples, self.previous)
            self.seconds["store"] = time.perf_counter() - clock
            clock = time.perf_counter()
            digest = shacl.digest()
            if difference is not None:
                self.changed = difference.removed, difference.added
            if difference is not None and difference.checked_with == digest:
                nodes = shacl.changed_nodes(store, difference.subjects, difference.retyped)
                self.found, self.checked = shacl.violations(store, only=nodes), len(nodes)
            else:
                self.found = shacl.violations(store)
            self.seconds["shacl"] = time.perf_counter() - clock
            del store
            if not self.found:
                record_check(self.folder, digest)
        except BaseException as err:  # raised again in the main thread (a Rust panic is a BaseException)
            self.error = RuntimeError(f"building the store in {self.folder}: {type(err).__name__}: {err}")


def build(inputs: list[str | Path], out_dir: Path, base: str = DEFAULT_BASE,
          options: ReadOptions = ReadOptions(), jobs: int = 1, progress: bool = False,
          update: bool = False) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    cache = ExtractionCache(out_dir / ".cache") if update else None
    clock = _Clock(summary)
    # pages are resolved as their findings arrive, while the workers extract the next ones
    extracted = extract_pages(_pages_only(iter_pages(find_pages(inputs), options), summary), jobs, progress, cache)
    kb = resolve(_counted(extracted, summary))
    clock.lap("extract+resolve")
    # everything is made in a scratch folder first and moved into place last, each file by
    # rename: a build killed at any moment leaves every previous export whole and readable
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in list(out_dir.glob(".*.tmp")) + list(out_dir.glob("facts/.*.tmp")):
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
            stale.unlink(missing_ok=True)  # left by a build that was killed while writing
    scratch = Path(tempfile.mkdtemp(dir=out_dir, prefix=".build-", suffix=".tmp"))
    try:
        # each stage's data is dropped as soon as the next has what it needs: at archive scale
        # the knowledge base, the graph and the quads do not all fit in memory at once
        made, unchanged = set(), set()  # files to move into place; facts already there as they are
        (scratch / "facts").mkdir()
        for page, facts in each_page_facts(kb):
            name, text = facts_name(page), facts_text(facts)
            if _holds(out_dir / "facts" / name, text):
                unchanged.add(Path("facts") / name)  # a rebuild rewrites only the facts that changed
            else:
                made.add(_write_new(scratch / "facts" / name, text))
        summary.entities = Counter(e.kind for e in kb.entities.values() if e.kind not in ("page", "article"))
        summary.links = Counter(r.kind for r in kb.relations)
        graph = build_graph(kb)
        del kb
        clock.lap("facts")
        dataset = to_dataset(graph, base)
        clock.lap("rdf")
        new = {fmt: scratch / f"graph.{fmt}" for fmt in RDF_EXPORTS}
        summary.stages["export nq"] = write_exports(dataset, {"nq": new["nq"]})["nq"]
        clock.restart()
        dataset.keep_union_only()
        write_exports(dataset, {"nt": new["nt"]})
        clock.lap("export nt")
        summary.triples = len(dataset.triples())
        del dataset  # every other export and the store are read from graph.nq and graph.nt
        clock.restart()
        loader = _StoreAndShapes(scratch / STORE_DIR, new["nq"], new["nt"], previous=out_dir)
        loader.start()
        made.add(_write_new(scratch / "graph.json", graph_json_parts(graph)))
        drawn = subgraph(graph)
        shown = busiest(drawn)
        title = "unionkg" if shown is drawn else f"unionkg · the {shown.number_of_nodes():,} most linked of {drawn.number_of_nodes():,} nodes"
        made.add(_write_new(scratch / "graph.html", render_html(shown, title=title)))
        del graph, drawn, shown
        clock.lap("json+html")
        for fmt, seconds in write_exports(None, {f: new[f] for f in ("ttl", "trig", "jsonld")},
                                          sources={"nq": new["nq"], "nt": new["nt"]}).items():
            summary.stages[f"export {fmt}"] = seconds
        clock.restart()
        loader.join()
        clock.lap("wait for store")
        if loader.error is not None:
            raise loader.error
        summary.stages.update(loader.seconds)
        summary.store_changed, summary.shapes_checked = loader.changed, loader.checked
        if loader.found:
            raise ShapeViolation(shacl.report(loader.found))
        keep = {path.relative_to(scratch) for path in made} | {Path(f"graph.{fmt}") for fmt in RDF_EXPORTS}
        current = keep | unchanged
        for gone in out_dir.glob("facts/*.json"):
            if gone.relative_to(out_dir) not in current:
                gone.unlink()  # the facts of a page that is no longer an input
        (out_dir / "facts").mkdir(exist_ok=True)
        for rel in sorted(keep):
            os.replace(scratch / rel, out_dir / rel)
        swap_in(scratch / STORE_DIR, out_dir / STORE_DIR)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if cache is not None:
        cache.prune()
        summary.reused, summary.cache_keyless = cache.reused, cache.keyless
    clock.lap("write")
    summary.seconds = time.perf_counter() - started
    return summary


def _holds(path: Path, text: str) -> bool:
    """Whether the file at ``path`` already holds exactly ``text`` (its size is compared first)."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def _write_new(path: Path, text) -> Path:
    """A file of the scratch folder (``text``: a string or its pieces), with the usual
    permissions (it is renamed into place)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.writelines([text] if isinstance(text, str) else text)
    return path


def extract_facts(inputs: list[str | Path], facts_dir: Path, options: ReadOptions = ReadOptions(),
                  jobs: int = 1, progress: bool = False) -> Summary:
    summary = Summary()
    extracted = extract_pages(_pages_only(iter_pages(find_pages(inputs), options), summary), jobs, progress)
    write_facts(resolve(_counted(extracted, summary)), facts_dir)
    return summary
