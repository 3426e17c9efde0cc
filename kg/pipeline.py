"""The whole pipeline: ingest -> extract -> resolve -> graph -> files.

``build`` is what ``kg build`` runs; ``extract_facts`` is what ``kg extract``
runs. Output files are written to a temporary name and renamed, so an
interrupted build never leaves a half-written file.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kg.extract import extract_article
from kg.facts import page_facts
from kg.graph import build_graph, graph_json
from kg.ingest import IngestError, Page, read_page
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


def find_pages(inputs: list[str | Path]) -> list[Path]:
    """Page files named or inside named folders (recursively), sorted by name for a stable order."""
    found = []
    for item in map(Path, inputs):
        if item.is_dir():
            found += [p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES]
        else:
            found.append(item)
    return sorted(set(found), key=lambda p: (p.name, str(p)))


def read_pages(paths: list[Path], summary: Summary) -> list[Page]:
    pages = []
    for path in paths:
        try:
            pages.append(read_page(path))
        except IngestError as err:
            summary.failed.append(str(err))
    return pages


def analyse(pages: list[Page]) -> KnowledgeBase:
    return resolve([(page, [extract_article(a) for a in page.articles]) for page in pages])


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


def write_facts(kb: KnowledgeBase, pages: list[Page], facts_dir: Path) -> None:
    for page in pages:
        write_atomic(facts_dir / f"{Path(page.source).stem}.json", facts_json(kb, page.source))


class ShapeViolation(Exception):
    """The RDF export breaks a SHACL shape; the message is pySHACL's report."""


def build(inputs: list[str | Path], out_dir: Path, base: str = DEFAULT_BASE) -> Summary:
    started = time.perf_counter()
    summary = Summary()
    pages = read_pages(find_pages(inputs), summary)
    kb = analyse(pages)
    graph = build_graph(kb)
    dataset = to_dataset(graph, base)
    conforms, report = validate(dataset)
    if not conforms:
        raise ShapeViolation(report)
    write_facts(kb, pages, out_dir / "facts")
    write_atomic(out_dir / "graph.json", graph_json(graph))
    for fmt in RDF_EXPORTS:
        write_atomic(out_dir / f"graph.{fmt}", serialize(dataset, fmt))
    summary.pages = len(pages)
    summary.articles = sum(len(p.articles) for p in pages)
    summary.sentences = sum(len(a.sentences) for p in pages for a in p.articles)
    summary.entities = Counter(e.kind for e in kb.entities.values() if e.kind not in ("page", "article"))
    summary.links = Counter(r.kind for r in kb.relations)
    summary.seconds = time.perf_counter() - started
    return summary


def extract_facts(inputs: list[str | Path], facts_dir: Path) -> Summary:
    summary = Summary()
    pages = read_pages(find_pages(inputs), summary)
    write_facts(analyse(pages), pages, facts_dir)
    summary.pages = len(pages)
    return summary
