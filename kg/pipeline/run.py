"""The whole pipeline: ingest -> extract -> resolve -> graph -> files.

``build`` is what ``kg build`` runs; ``extract_facts`` is what ``kg extract``
runs. Output files are written to a temporary name and renamed, so an
interrupted build never leaves a half-written file.
"""
from __future__ import annotations

import ctypes
import functools
import hashlib
import itertools
import json
import multiprocessing
import os
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from kg.defaults import WHOLE_GRAPH_FILES
from kg.pipeline.cache import ExtractionCache, cache_key, key_path, read_entry, write_entry
from kg.extract import extract_article, warm_up
from kg.extract.base import Mention, attributes_class
from kg.knowledge import kinds
from kg.export.facts import each_page_facts, facts_text, merge_log_text
from kg.export.files import holds, write_atomic, write_new  # write_atomic: the one atomic writer, importable from here
from kg.export.html import write_graph_files
from kg.ingest.pages import DEFAULT_MAX_BYTES, ArchiveFields, IngestError, Page, read_archive, read_page
from kg.store import shacl
from kg.store.shacl import ShapeViolation  # (importable from here)
from kg.pipeline.inputs import ARCHIVE_SUFFIXES, InputMemo, UnreadPage, archive_from, read_inputs
from kg.pipeline.update import KeptResolution, write_update
from kg.pipeline.outdir import CACHE_DIR, FACTS_DIR, MERGE_LOG, BuildLock, Generation, OutputError, check_output, remove_if_unused
from kg.export.rdf import DEFAULT_BASE, DEFAULT_LICENSE, RdfData, check_license, dataset_time, quad_table, write_exports
from kg.resolve.entities import KnowledgeBase, page_id, resolve
from kg.store.database import STORE_DIR, build_store, record_check, record_state

PAGE_SUFFIXES = (".txt", ".md")
RDF_EXPORTS = ("ttl", "nt", "trig", "nq", "jsonld")
# WHOLE_GRAPH_FILES (kg.defaults): the whole-graph files a build can write, each as graph.<name>:
# RDF_EXPORTS, json and html; --export chooses (all by default)


@dataclass
class Summary:
    stages: dict = field(default_factory=dict)  # seconds per stage, in order
    triples: int = 0
    reused: int | None = None  # pages taken from the --update cache
    cache_keyless: bool = False  # --update could not read or make the key of its cache: nothing was kept
    # --update: the pages resolved again with the resolution the previous build kept (None: every page
    # was resolved, as no kept resolution could be used; see kg.pipeline.update)
    resolved_again: int | None = None
    store_changed: tuple[int, int] | None = None  # lines (removed, added) when the previous store was reused
    shapes_checked: int | None = None  # nodes checked again when the previous store had passed the shapes
    pages: int = 0
    articles: int = 0
    sentences: int = 0
    entities: Counter = field(default_factory=Counter)
    links: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)  # inputs not built, each "FILE[:LINE]: reason"
    warnings: list[str] = field(default_factory=list)  # built, with something replaced or left out
    renamed: list[str] = field(default_factory=list)  # pages whose facts file has another name than usual
    file_by_file: bool = False  # the new files were moved in one by one (no one-step switch here)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        out = [f"pages: {self.pages}", f"articles: {self.articles}", f"sentences: {self.sentences}"]
        out.append("entities: " + ", ".join(f"{k} {v}" for k, v in sorted(self.entities.items())))
        out.append("links: " + ", ".join(f"{k} {v}" for k, v in sorted(self.links.items())))
        if self.triples:
            out.append(f"triples: {self.triples}")
        if self.reused is not None:
            out.append(f"pages reused from the previous build: {self.reused}")
        if self.resolved_again is not None:
            out.append(f"resolution: {self.resolved_again} page(s) resolved again, the rest as the previous build left it")
        if self.cache_keyless:
            out.append(f"cache: not kept, as its key {key_path()} can be neither read nor made")
        if self.store_changed is not None:
            out.append("store: the previous one with {} lines removed and {} added".format(*self.store_changed))
        if self.shapes_checked is not None:
            out.append(f"shapes: checked again on the {self.shapes_checked} nodes whose triples or values' types changed")
        if self.renamed:
            out.append(f"facts: {len(self.renamed)} page(s) under another file name, as their usual one was "
                       f"taken (see {MANIFEST_NOTE})")
        if self.file_by_file:
            out.append("switch: file by file (the folder above --out cannot hold the new folder, or cannot swap "
                       "it in one step); a reader during the moves may see old and new files")
        if self.stages:
            out.append("stages: " + ", ".join(f"{k} {v:.2f}s" for k, v in self.stages.items()))
        out.append(f"seconds: {self.seconds:.2f}")
        return out

    def problems(self) -> list[str]:
        """The lines for standard error: what was not built, what was built with a change, and
        pages whose facts got another name."""
        out = [f"failed: {f}" for f in self.failed] + [f"warning: {w}" for w in self.warnings]
        shown = self.renamed[:MAX_RENAMED_SHOWN]
        out += [f"note: {r}" for r in shown]
        if len(self.renamed) > len(shown):
            out.append(f"note: ... and {len(self.renamed) - len(shown)} more pages under another facts file name")
        return out


FEW_PAGES = 64  # per job: an update with fewer pages to extract extracts them in its own process
MANIFEST_NOTE = "manifest.json"
MAX_RENAMED_SHOWN = 20
NAME_MAX = 255  # bytes in a file name (Linux, macOS)


@dataclass(frozen=True)
class ReadOptions:
    encoding: str | None = None  # None: UTF-8, else detected GB18030/Big5, else refused
    max_bytes: int = DEFAULT_MAX_BYTES
    fields: ArchiveFields = ArchiveFields()
    errors: str = "strict"  # "replace": undecodable bytes become U+FFFD, with a warning
    # (path, name): an input known by another name in messages and the manifest. Standard input
    # (``kg build -``) is copied to a file named like a page or an archive, and shown as "-".
    shown: tuple[tuple[str, str], ...] = ()


class NothingToBuild(Exception):
    """No input gave a page: every one failed, or none was found. Nothing is written."""


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


def find_pages(inputs: list[str | Path], failed: list[str] | None = None) -> list[Path]:
    """Page files and archives named or inside named folders (recursively), sorted by name,
    so that the same inputs in any order give the same build. Folders reached through a
    symbolic link are walked too (each real folder once); what cannot be used is named in
    ``failed``: a folder with no page in it, a dangling link, a loop of links, a file in a
    folder that has a page's suffix but is not a regular file. The same file reached by two
    paths is read once."""
    failed = [] if failed is None else failed
    found: list[Path] = []
    for item in map(Path, inputs):
        if item.is_dir():
            before = len(found)
            _walk(item, found, failed, set())
            if len(found) == before:
                failed.append(f"{item}: no page files ({', '.join(PAGE_SUFFIXES)}) or archives "
                              f"({', '.join(ARCHIVE_SUFFIXES)}) in this folder")
        else:
            found.append(item)  # anything else is named by read_page / read_archive when it is read
    seen, unique = set(), []
    for path in sorted(found, key=lambda p: (p.name, str(p))):
        try:
            info = path.stat()
            identity = (info.st_dev, info.st_ino) if os.path.isfile(path) else str(path)
        except OSError:
            identity = str(path)
        if identity not in seen:
            seen.add(identity)
            unique.append(path)
    return unique


def _walk(folder: Path, found: list[Path], failed: list[str], visited: set, above: tuple = ()) -> None:
    """The page files under ``folder``; ``visited``: the real folders read so far (a folder reached
    again through another link is not read twice), ``above``: those on the way down to this one
    (a link back to one of them is a loop, and named)."""
    try:
        info = folder.stat()
        here = (info.st_dev, info.st_ino)
        if here in above:
            failed.append(f"{folder}: a symbolic link back to a folder above it (a loop): not followed")
            return
        if here in visited:
            return
        visited.add(here)
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as err:
        failed.append(f"{folder}: cannot read the folder ({err.strerror or err})")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows a symbolic link
        except OSError:
            is_dir = False
        if is_dir:
            _walk(path, found, failed, visited, above + (here,))
        elif path.suffix.lower() not in PAGE_SUFFIXES + ARCHIVE_SUFFIXES:
            continue
        elif entry.is_symlink() and not path.exists():
            failed.append(f"{path}: dangling symbolic link (to {os.readlink(path)})")
        else:
            found.append(path)  # a FIFO, a device, a socket too: read_page names what it is


def iter_pages(paths: list[Path], options: ReadOptions = ReadOptions()):
    """Pages one by one (an archive's records streamed); a failure comes as an IngestError.
    Each page notes the path it was read from (``meta["input"]``), or the name ``options.shown``
    gives that path, which then also replaces the path at the head of its messages."""
    shown = dict(options.shown)
    for path in paths:
        if str(path) in shown:
            yield from map(_renamed(str(path), shown[str(path)]), iter_pages([path], replace(options, shown=())))
            continue
        if path.suffix.lower() in ARCHIVE_SUFFIXES:
            for item in read_archive(path, options.fields, options.max_bytes, options.errors):
                if isinstance(item, Page):
                    item.meta["input"] = str(path)
                yield item
            continue
        try:
            page = read_page(path, options.encoding, options.max_bytes, options.errors)
        except IngestError as err:
            yield err
            continue
        page.meta["input"] = str(path)
        yield page


def _renamed(path: str, name: str):
    """A function that shows a page or failure read from ``path`` under ``name`` instead."""
    def head(text: str) -> str:
        return name + text[len(path):] if text.startswith(path) else text

    def renamed(item):
        if isinstance(item, Page):
            item.meta["input"] = name
            item.warnings = [head(w) for w in item.warnings]
            return item
        return IngestError(head(str(item)))
    return renamed


def read_pages(paths: list[Path], summary: Summary, options: ReadOptions = ReadOptions()) -> list[Page]:
    """Every page at once (``kg view``), each under a name of its own (``PageNames``)."""
    names = PageNames()
    return [names.assign(page, summary) for page in _pages_only(iter_pages(paths, options), summary)]


class PageNames:
    """Distinct names for the pages of one build: the key that resolution and the RDF know a
    page by, and the name of its facts file.

    A page is known by its file name (an archive's record by ``archive.jsonl#LINE``) and its
    facts file is named after it (``page.json``, ``archive-LINE.json``). Two inputs can share
    those: ``a/p.txt`` and ``b/p.txt``, ``page.txt`` and ``page.md``, ``news-1.txt`` and line 1
    of ``news.jsonl``. The first in the build's order keeps them; each later one is known as
    ``NAME~2`` (``~3``, ...) and its facts file is ``STEM~2.json``, names no single input
    has (a facts file name never has a ``~`` otherwise). Facts names in ``taken`` (a user's
    files in the facts folder) count as used. Page IRIs are made from the key and the
    checksum; two keys whose IRIs would still meet (``工会.txt`` and ``公会.txt`` of the same
    bytes have the same pinyin; two long names of the same beginning) are told apart the
    same way (``_other_keys``)."""

    def __init__(self, taken=lambda name: False):
        self.keys: set[str] = set()
        self.iris: set[str] = set()
        self.files: set[str] = set()
        self.taken = taken
        self.pages: dict[str, tuple[str, str, dict]] = {}  # key -> (facts file, source, where read)

    def assign(self, page: Page, summary: Summary | None = None) -> Page:
        source = page.source
        candidates = _other_keys(source)
        key = source
        while key in self.keys or page_local(key, page.sha256) in self.iris:
            key = next(candidates)
        self.keys.add(key)
        self.iris.add(page_local(key, page.sha256))
        plain = facts_name(source)
        name, n = plain, 1
        while name in self.files or self.taken(name):
            n += 1
            name = facts_name(source, n)
        self.files.add(name)
        # the path as given (a byte of it that is not UTF-8 shown as U+FFFD, as in a page's name)
        where = {"input": str(page.meta.get("input", source)).encode("utf-8", "surrogateescape").decode("utf-8", "replace")}
        if "line" in page.meta:
            where["line"] = page.meta["line"]
        if key != source:
            where["page"] = key
        self.pages[key] = (name, source, where)
        if (name != plain or key != source) and summary is not None:
            read = where["input"] + (f":{where['line']}" if "line" in where else "")
            said = []
            if name != plain:
                why = "a file kept in the folder" if self.taken(plain) else "another input's"
                said.append(f"facts in {name}, as {plain} is {why}")
            if key != source:
                said.append(f"known in the graph as {key!r}, as another input is {source!r}"
                            if source in self.keys else f"known in the graph as {key!r}, as another page of "
                            f"the same bytes would have the same IRI")
            summary.renamed.append(f"{read}: {'; '.join(said)}")
        page.source = key
        return page

    def facts(self, key: str, facts: dict) -> tuple[str, dict]:
        """The facts file name of the page known as ``key`` and its facts, whose ``source`` is the
        page's own name (a renamed page's facts also say where it was read)."""
        name, source, where = self.pages[key]
        if name == facts_name(source) and key == source:
            return name, {**facts, "source": source}
        return name, {"source": source, "input": where["input"], **({"line": where["line"]} if "line" in where else {}),
                      **{k: v for k, v in facts.items() if k != "source"}}

    def manifest(self) -> dict:
        return {"facts": {name: {"source": source, **where} for name, source, where in
                          sorted(self.pages.values())}}


def _other_keys(source: str):
    """Keys for a later page called ``source``: ``NAME~2``, ``NAME~3``, ... and, as an IRI is made
    from the first 60 characters of the name's slug (a long name's ``~n`` falls past them),
    ``~2~NAME``, ``~3~NAME``, ... in turn, which always differ there."""
    n = 1
    while True:
        n += 1
        yield f"{source}~{n}"
        yield f"~{n}~{source}"


def page_local(key: str, sha256: str) -> str:
    """The local name of a page's IRI, as ``kg.resolve`` makes it."""
    return page_id(key, sha256)


def _extract_page(task: tuple[Page, Path | None]) -> tuple[tuple[Page, list | IngestError], bool]:
    """One page's findings (in a worker process), and whether they came from the cache: with
    ``--update`` a page whose content was extracted before is read back (if its entry is
    sound, see ``kg.pipeline.cache``), a new one is kept. A page an extractor fails on (it raises, or
    gives a mention outside its sentence) comes back as an IngestError instead of findings:
    that page fails, named, and the build goes on."""
    page, cached_at = task
    if cached_at is not None:
        findings = read_entry(cached_at, page)
        if findings is not None and _ill_formed(page, findings) is None:
            return (page, findings), True
    try:
        findings = [extract_article(a) for a in page.articles]
    except Exception as err:  # a bug of an extractor, met on this page
        return (page, IngestError(f"{_where(page)}: extraction failed ({type(err).__name__}: {err}); "
                                  f"please report it with this page")), False
    problem = _ill_formed(page, findings)
    if problem is not None:
        return (page, IngestError(f"{_where(page)}: extraction failed ({problem}); please report it with this page")), False
    if cached_at is not None:
        write_entry(cached_at, page, findings)
    return (page, findings), False


def _where(page: Page) -> str:
    """The input a page was read from, as failure lines name it (``FILE`` or ``FILE:LINE``)."""
    where = str(page.meta.get("input", page.source))
    return f"{where}:{page.meta['line']}" if "line" in page.meta else where


def _ill_formed(page: Page, findings: list) -> str | None:
    """What makes findings unusable by resolution, which would stop the whole build on them: a
    mention of a kind the registry does not know or whose attributes are not of its kind's class,
    a mention whose sentence or offsets are not in its article, a link to no mention."""
    if len(findings) != len(page.articles):
        return f"findings for {len(findings)} articles of {len(page.articles)}"
    for article, found in zip(page.articles, findings):
        sentences = article.sentences
        for m in found.mentions:
            try:
                expected = attributes_class(m.kind)  # (cached: this runs for every mention of every cached page)
            except kinds.UnknownKind:
                expected = None
            if type(m.attrs) is not expected:
                return f"a {m.kind!r} mention {m.surface[:40]!r} with attributes of class {type(m.attrs).__name__}"
            if type(m.sentence) is not int or not 0 <= m.sentence < len(sentences):
                return f"a {m.kind} mention in sentence {m.sentence!r} of article {article.index}, which has {len(sentences)}"
            size = len(sentences[m.sentence].text)
            if type(m.start) is not int or type(m.end) is not int or not 0 <= m.start <= m.end <= size:
                return (f"the {m.kind} mention {m.surface[:40]!r} at offsets {m.start!r}-{m.end!r} of a sentence "
                        f"of {size} characters")
        for link in found.links:
            ends = (link.source, link.target)
            if not all(type(m) is Mention and type(m.id) is int and 0 <= m.id < len(found.mentions)
                       and found.mentions[m.id] == m for m in ends):
                return f"a {link.kind} link to a mention that is not one of the article's {len(found.mentions)}"
    return None


def extract_pages(pages, jobs: int = 1, progress: bool = False, cache: "ExtractionCache | None" = None,
                  failed: list[str] | None = None):
    """Each page with its findings, in input order (so the build is the same whatever ``jobs``
    is), extracted in ``jobs`` worker processes. Results stream: at most a few hundred pages
    are in flight, so an archive is never held in memory whole. Pages whose content is in
    ``cache`` are read back instead of extracted. A page extraction fails on is named in
    ``failed`` and left out (without ``failed``, its IngestError is raised)."""
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
            if isinstance(result[1], IngestError):
                if failed is None:
                    raise result[1]
                failed.append(str(result[1]))
                continue
            yield result
    finally:
        if pool is not None:
            pool.terminate()  # every result is in (or the consumer stopped early): no work is left
            pool.join()


def analyse(pages, jobs: int = 1, progress: bool = False, failed: list[str] | None = None) -> KnowledgeBase:
    return resolve(extract_pages(pages, jobs, progress, failed=failed))


def _counted(extracted, summary: Summary):
    """The extraction results, counted into the summary as they pass."""
    for page, findings in extracted:
        _count(page, summary)
        yield page, findings


def _count(page: Page, summary: Summary) -> None:
    summary.pages += 1
    if isinstance(page, UnreadPage):  # (an input unchanged since the last update: its counts as noted then)
        summary.articles += page.article_count
        summary.sentences += page.sentence_count
        return
    summary.articles += len(page.articles)
    summary.sentences += sum(len(a.sentences) for a in page.articles)



def _pages_only(items, summary: Summary):
    """Pages from ``iter_pages``, failures and warnings noted in the summary as they stream past."""
    for item in items:
        if isinstance(item, IngestError):
            summary.failed.append(str(item))
        else:
            summary.warnings.extend(item.warnings)
            yield item


def facts_name(source: str, n: int = 1) -> str:
    """File name of a page's facts: the page's stem (an archive record: archive stem and line),
    with ``~n`` after it for the n-th page of that name (see ``PageNames``). A name longer
    than a file name may be (255 bytes) keeps its beginning and a digest of the whole."""
    stem = source.replace(".jsonl#", "-").replace(".ndjson#", "-")
    stem = stem[:-len(Path(stem).suffix)] if Path(stem).suffix in PAGE_SUFFIXES else stem
    stem = re.sub(r"[^\w.-]", "_", stem) or "_"
    tail = ".json" if n == 1 else f"~{n}.json"
    if len((stem + tail).encode("utf-8")) > NAME_MAX:
        digest = "~" + hashlib.sha1(stem.encode("utf-8")).hexdigest()[:12]
        room = NAME_MAX - len((digest + tail).encode("utf-8"))
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore") + digest
    return stem + tail


def write_facts(kb: KnowledgeBase, facts_dir: Path, names: "PageNames | None" = None) -> None:
    for page, facts in each_page_facts(kb):
        name, facts = names.facts(page, facts) if names is not None else (facts_name(page), facts)
        write_atomic(facts_dir / name, facts_text(facts))


class StoreError(Exception):
    """Oxigraph could not make the store (RocksDB reports a full disk as an error of its own);
    nothing was written."""


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
        except OSError as err:  # a full disk: the main thread says so as for any other file
            self.error = err
        except BaseException as err:  # raised again in the main thread (a Rust panic is a BaseException)
            self.error = StoreError(f"building the store in {self.folder}: {type(err).__name__}: {err}")


def build(inputs: list[str | Path], out_dir: Path, base: str = DEFAULT_BASE,
          options: ReadOptions = ReadOptions(), jobs: int = 1, progress: bool = False,
          update: bool = False, license: str = DEFAULT_LICENSE,
          export: frozenset[str] | set[str] = frozenset(WHOLE_GRAPH_FILES)) -> Summary:
    """Build the graph of ``inputs`` into ``out_dir``. Raises ``OutputError`` (the folder cannot
    be used or written: nothing changed in it), ``NothingToBuild`` (no page could be read:
    nothing written) and ``ShapeViolation`` (nothing written); ``IRIError`` for a ``license``
    that is no IRI or a ``SOURCE_DATE_EPOCH`` that is no number (before anything is read).
    ``license`` is stated in the dataset description (``kg.export.rdf``). ``export``: the
    whole-graph files written (names of ``WHOLE_GRAPH_FILES``, each ``graph.<name>``); the facts,
    ``merges.tsv`` and the store are always made. A whole-graph file of the previous build that is
    not asked for this time is removed with that build, never left older than the store (``kg
    export`` writes any of them, and RDF/XML, from the store)."""
    unknown = set(export) - set(WHOLE_GRAPH_FILES)
    if unknown:
        raise ValueError(f"unknown whole-graph file {sorted(unknown)[0]!r}: choose among {', '.join(WHOLE_GRAPH_FILES)}")
    check_license(license)
    dataset_time(())  # SOURCE_DATE_EPOCH, checked now rather than after minutes of extraction
    started = time.perf_counter()
    summary = Summary()
    made = check_output(out_dir, probe=False)  # before minutes of extraction (the lock writes a file there)
    try:
        with BuildLock(out_dir):
            _build_locked(inputs, out_dir, base, options, jobs, progress, update, summary, license, frozenset(export))
    except (NothingToBuild, ShapeViolation, StoreError, OutputError):
        if made:
            remove_if_unused(out_dir)  # "nothing was written": not even the folder
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def _build_locked(inputs, out_dir: Path, base: str, options: ReadOptions, jobs: int, progress: bool,
                  update: bool, summary: Summary, license: str = DEFAULT_LICENSE,
                  export: frozenset[str] = frozenset(WHOLE_GRAPH_FILES)) -> None:
    cache = ExtractionCache(out_dir / CACHE_DIR) if update else None
    clock = _Clock(summary)
    paths = find_pages(inputs, summary.failed)
    generation = kept = None
    try:
        # the new generation of the folder is made first: the names of the user's own facts files
        # in it are then known, and no page's facts take one
        generation = Generation(out_dir)
        for name in sorted(f"graph.{n}" for n in export):
            if os.path.lexists(out_dir / name) and name not in generation.previous:
                # not a file of the previous build (it did not ask for it): the user's, which a build keeps
                raise OutputError(f"{out_dir / name}: a file this build would write (--export), which the previous "
                                  f"build did not write; move it out of {out_dir} or do not ask for it")
        names = PageNames(generation.taken)
        kept = _kept_resolution(cache, paths, options, generation.state_stamp)
        read = functools.partial(iter_pages, options=options)
        if kept is not None:  # an input unchanged since the last update is not read again
            memo = InputMemo.load(cache.folder, cache_key(), None if kept.fresh else generation.state_stamp)
            kept.memo, shown = InputMemo(), dict(options.shown)
            items = read_inputs(paths, read, memo, kept.memo, memoised=lambda path: str(path) not in shown,
                                archive_reader=archive_from(options.fields, options.max_bytes, options.errors))
        else:
            items = read(paths)
        # pages are resolved as their findings arrive, while the workers extract the next ones
        pages = (names.assign(page, summary) for page in _pages_only(items, summary))
        if kept is None:
            kb = resolve(_counted(extract_pages(pages, jobs, progress, cache, summary.failed), summary))
        elif kept.fresh:
            kb = kept.resolve_all(_counted(extract_pages(pages, jobs, progress, cache, summary.failed), summary))
        else:
            # a page the state holds as it is now is neither extracted nor resolved again
            changed = kept.changed_pages(pages, cache, lambda page: _count(page, summary), read, summary.failed)
            # a day's few pages are extracted here rather than in worker processes started for them
            first = list(itertools.islice(changed, FEW_PAGES * jobs))
            workers = jobs if len(first) == FEW_PAGES * jobs else 1
            extracted = extract_pages(itertools.chain(first, changed), workers, progress, cache, summary.failed)
            kept.resolve_changes(_counted(extracted, summary))
            kb = None
        clock.lap("extract+resolve")
        if not summary.pages:
            raise NothingToBuild("no page could be read" if summary.failed else "no page was found in the inputs",
                                 summary.problems())
        stamp = kept.seal() if kept is not None else None
        facts_files = None
        if kb is None:  # an update of the previous build: its outputs changed where the update changed them
            facts_files = write_update(kept, names, generation, base, license, export, summary, stamp)
            clock.restart()
            if facts_files is None:  # the previous store cannot be patched: everything is written
                kb = kept.state.knowledge_base()
        if facts_files is None:
            held = [kb]
            del kb  # only ``held`` holds it: the writing drops it as soon as its quads are made
            facts_files = _write_generation(held, names, generation, base, summary, clock, license, export)
            if stamp is not None:
                record_state(generation.folder / STORE_DIR, stamp)
        manifest = names.manifest()
        if cache is not None:
            cache.prune()  # before the switch: the new folder gets the pruned cache
            summary.reused, summary.cache_keyless = cache.reused, cache.keyless
        if kept is not None:
            summary.reused += len(kept.unchanged)
            if not kept.fresh:
                summary.resolved_again = kept.resolved_again
            manifest["state"] = stamp
            kept.memo.save(cache.folder, cache_key(), stamp)
            kept.finish(stamp)  # closed before the switch: no open SQLite file is linked in
            kept = None
        exports = {f"graph.{name}" for name in export} | {MERGE_LOG, STORE_DIR}
        generation.commit(exports | facts_files, manifest)
        summary.file_by_file = not generation.exchange
        generation = None
    except OSError as err:
        raise OutputError(_write_failed(out_dir, err)) from None
    finally:
        if kept is not None:
            kept.close()  # not stamped: the next update does not trust what this one changed
        if generation is not None:
            generation.discard()  # a failed build leaves the folder as it was
    clock.lap("write")


def _kept_resolution(cache: ExtractionCache | None, paths: list[Path], options: ReadOptions,
                     stamp: str | None) -> KeptResolution | None:
    """The resolution state of an ``--update`` build (``kg.pipeline.update``), None without ``--update``, when
    the cache has no key to sign it with, or when an input's path is not UTF-8 (the state keeps pages by
    their names as SQLite text)."""
    if cache is None or cache.keyless:
        return None
    try:
        for path in paths:
            str(path).encode("utf-8")
    except UnicodeEncodeError:
        return None
    return KeptResolution.open(cache, cache_key(), options, stamp)


def _write_failed(out_dir: Path, err: OSError) -> str:
    where = f" ({err.filename})" if err.filename else ""
    return f"cannot write the build into {out_dir}: {err.strerror or err}{where}; the folder holds the previous build, unchanged"


def _write_generation(held: list[KnowledgeBase], names: PageNames, generation: Generation, base: str,
                      summary: Summary, clock: _Clock, license: str = DEFAULT_LICENSE,
                      export: frozenset[str] = frozenset(WHOLE_GRAPH_FILES)) -> set[str]:
    """Every file of the build into the new generation's folder; returns the facts files
    (relative paths). ``held`` holds the knowledge base, and is emptied once its quads are made.
    The whole-graph files not in ``export`` are not written, but for graph.nq and graph.nt, which
    the store is loaded from: those are removed once it is."""
    scratch = generation.folder
    # each stage's data is dropped as soon as the next has what it needs: at archive scale
    # the knowledge base, the graph and the quads do not all fit in memory at once
    kb = held.pop()
    facts_files = set()
    for page, facts in each_page_facts(kb):
        name, facts = names.facts(page, facts)
        rel = f"{FACTS_DIR}/{name}"
        text = facts_text(facts)
        if not (holds(generation.out / rel, text) and not generation.taken(name) and generation.keep(rel)):
            write_new(scratch / rel, text)  # (a rebuild writes only the facts that changed)
        facts_files.add(rel)
    write_new(scratch / MERGE_LOG, merge_log_text(kb))
    summary.entities = Counter(e.kind for e in kb.entities.values() if e.kind not in ("page", "article"))
    summary.links = Counter(r.kind for r in kb.relations)
    clock.lap("facts")
    if export & {"json", "html"}:
        # graph.json and graph.html first: the graph can then go before the quads are made
        write_graph_files(kb, scratch, export)
        clock.lap("json+html")
    table = quad_table(kb, base, license)
    del kb  # the last reference: the knowledge base goes before its quads are sorted
    dataset = RdfData.of(table)
    del table
    clock.lap("rdf")
    new = {fmt: scratch / f"graph.{fmt}" for fmt in RDF_EXPORTS}
    summary.stages["export nq"] = write_exports(dataset, {"nq": new["nq"]})["nq"]
    clock.restart()
    dataset.keep_union_only()
    write_exports(dataset, {"nt": new["nt"]})
    clock.lap("export nt")
    summary.triples = dataset.triple_count()
    del dataset  # every other export and the store are read from graph.nq and graph.nt
    _give_back_memory()
    clock.restart()
    loader = _StoreAndShapes(scratch / STORE_DIR, new["nq"], new["nt"], previous=generation.out)
    loader.start()
    try:
        for fmt, seconds in write_exports(None, {f: new[f] for f in ("ttl", "trig", "jsonld") if f in export},
                                          sources={"nq": new["nq"], "nt": new["nt"]}).items():
            summary.stages[f"export {fmt}"] = seconds
        clock.restart()
    finally:
        loader.join()  # never leave the thread writing into a folder that is being removed
    clock.lap("wait for store")
    if loader.error is not None:
        raise loader.error
    for fmt in ("nq", "nt"):
        if fmt not in export:
            new[fmt].unlink()  # the store holds them now (the next build loads it whole, having no files to diff)
    summary.stages.update(loader.seconds)
    summary.store_changed, summary.shapes_checked = loader.changed, loader.checked
    if loader.found:
        raise ShapeViolation(shacl.report(loader.found))
    return facts_files


def _give_back_memory() -> None:
    """Hand the memory freed by the stages before back to the system (glibc keeps freed blocks
    for reuse; the store thread's Oxigraph then grows into what Python has given back)."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass  # not glibc


def extract_facts(inputs: list[str | Path], facts_dir: Path, options: ReadOptions = ReadOptions(),
                  jobs: int = 1, progress: bool = False) -> Summary:
    """Facts JSON only, one file per page into ``facts_dir`` (a file of the same name there is
    replaced: that is the folder the user named for them). Raises ``OutputError`` when
    ``facts_dir`` cannot be used, ``NothingToBuild`` when no page could be read."""
    summary = Summary()
    made = check_output(facts_dir, "--facts-dir")
    names = PageNames()
    pages = (names.assign(page, summary) for page in
             _pages_only(iter_pages(find_pages(inputs, summary.failed), options), summary))
    kb = resolve(_counted(extract_pages(pages, jobs, progress, failed=summary.failed), summary))
    if not summary.pages:
        if made:
            remove_if_unused(facts_dir)
        raise NothingToBuild("no page could be read" if summary.failed else "no page was found in the inputs",
                             summary.problems())
    try:
        write_facts(kb, facts_dir, names)
    except OSError as err:
        where = f" ({err.filename})" if err.filename else ""
        raise OutputError(f"cannot write the facts into {facts_dir}: {err.strerror or err}{where}") from None
    return summary
