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
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from kg import segment
from kg.extract import extract_article
from kg.facts import page_facts
from kg.graph import build_graph, graph_json
from kg.html import render_html, subgraph
from kg.ingest import DEFAULT_MAX_BYTES, ArchiveFields, IngestError, Page, read_archive, read_page
from kg.rdf import DEFAULT_BASE, serialize, to_dataset, validate
from kg.resolve import KnowledgeBase, resolve

PAGE_SUFFIXES = (".txt", ".md")
RDF_EXPORTS = ("ttl", "nt", "trig", "nq", "jsonld")
_UMASK = os.umask(0)
os.umask(_UMASK)


@dataclass
class Summary:
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


def _extract_page(page: Page) -> tuple[Page, list]:
    return page, [extract_article(a) for a in page.articles]


def extract_pages(pages, jobs: int = 1, progress: bool = False) -> list[tuple[Page, list]]:
    """Extraction of every page, in ``jobs`` worker processes; results keep the input order,
    so the build is the same whatever ``jobs`` is."""
    bar = tqdm(pages, desc="extract", unit="page", file=sys.stderr, disable=not progress, mininterval=0.5)
    if jobs <= 1:
        return [_extract_page(p) for p in bar]
    segment.tokenizer()  # load the dictionary once; forked workers inherit it
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with context.Pool(jobs) as pool:
        return list(pool.imap(_extract_page, bar, chunksize=4))


def analyse(pages, jobs: int = 1, progress: bool = False) -> KnowledgeBase:
    return resolve(extract_pages(pages, jobs, progress))


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


def facts_json(kb: KnowledgeBase, page: str) -> str:
    return json.dumps(page_facts(kb, page), ensure_ascii=False, indent=1) + "\n"


def facts_name(source: str) -> str:
    """File name of a page's facts: the page's stem (an archive record: archive stem and line)."""
    stem = source.replace(".jsonl#", "-").replace(".ndjson#", "-")
    stem = stem[:-len(Path(stem).suffix)] if Path(stem).suffix in PAGE_SUFFIXES else stem
    return re.sub(r"[^\w.-]", "_", stem) + ".json"


def write_facts(kb: KnowledgeBase, pages: list[Page], facts_dir: Path) -> None:
    for page in pages:
        write_atomic(facts_dir / facts_name(page.source), facts_json(kb, page.source))


class ShapeViolation(Exception):
    """The RDF export breaks a SHACL shape; the message is pySHACL's report."""


def build(inputs: list[str | Path], out_dir: Path, base: str = DEFAULT_BASE,
          options: ReadOptions = ReadOptions(), jobs: int = 1, progress: bool = False) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    extracted = extract_pages(_pages_only(iter_pages(find_pages(inputs), options), summary), jobs, progress)
    pages = [page for page, _ in extracted]
    kb = resolve(extracted)
    graph = build_graph(kb)
    dataset = to_dataset(graph, base)
    conforms, report = validate(dataset)
    if not conforms:
        raise ShapeViolation(report)
    # everything is made first and written last, each file by rename: a build killed at
    # any moment leaves every previous export whole and readable
    outputs = {Path("facts") / facts_name(p.source): facts_json(kb, p.source) for p in pages}
    outputs[Path("graph.json")] = graph_json(graph)
    outputs[Path("graph.html")] = render_html(subgraph(graph), title="unionkg")
    for fmt in RDF_EXPORTS:
        outputs[Path(f"graph.{fmt}")] = serialize(dataset, fmt)
    for stale in list(out_dir.glob(".*.tmp")) + list(out_dir.glob("facts/.*.tmp")):
        stale.unlink(missing_ok=True)  # left by a build that was killed while writing
    for rel, text in outputs.items():
        write_atomic(out_dir / rel, text)
    summary.pages = len(pages)
    summary.articles = sum(len(p.articles) for p in pages)
    summary.sentences = sum(len(a.sentences) for p in pages for a in p.articles)
    summary.entities = Counter(e.kind for e in kb.entities.values() if e.kind not in ("page", "article"))
    summary.links = Counter(r.kind for r in kb.relations)
    summary.seconds = time.perf_counter() - started
    return summary


def extract_facts(inputs: list[str | Path], facts_dir: Path, options: ReadOptions = ReadOptions(),
                  jobs: int = 1, progress: bool = False) -> Summary:
    summary = Summary()
    extracted = extract_pages(_pages_only(iter_pages(find_pages(inputs), options), summary), jobs, progress)
    pages = [page for page, _ in extracted]
    write_facts(resolve(extracted), pages, facts_dir)
    summary.pages = len(pages)
    return summary
