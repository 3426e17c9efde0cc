"""The public Python API: pages in, a knowledge base, a networkx graph or an RDF dataset out.

The same stages ``kg build`` runs, one call each::

    read_text / read_files  ->  extract_page  ->  resolve_pages  ->  to_networkx
                                                                   ->  to_oxigraph / to_rdflib

``import kg`` gives every name here (``kg.read_text``, ``kg.resolve_pages`` …) without
loading this module until one is used, so ``import kg`` stays instant. The names differ
from the stages' packages on purpose: ``kg.extract``, ``kg.resolve`` and ``kg.build`` are
packages, and a function of ``kg`` called that would be replaced by its package as soon
as the package is imported.

Every example below is a test (``tests/test_api.py`` runs this module's doctests); the
pages in them are invented.
"""
from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from kg.extract import ArticleFindings, extract_article
from kg.ingest.pages import IngestError, Page, parse_page
from kg.export.rdf import DEFAULT_BASE
from kg.resolve.entities import KnowledgeBase, resolve

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph
    import rdflib

__all__ = ["read_text", "read_files", "extract_page", "resolve_pages", "to_networkx", "to_oxigraph", "to_rdflib"]

# An invented page for the examples.
_EXAMPLE = "# 河南省总工会召开全委会议\n\n本报讯 河南省总工会党组书记、主席李明远出席会议并讲话，部署“职工之家”建设。\n"


def read_text(text: str, source: str = "page.txt") -> Page:
    """A page from its text, as ``kg`` reads a UTF-8 page file called ``source``.

    The page is split into articles and sentences; its ``sha256`` is that of the text's
    UTF-8 bytes (the file's, had it been saved as UTF-8), so a page read from text and the
    same page read from a file are one page to every later stage. Empty text is refused.

    >>> page = read_text("# 河南省总工会召开全委会议\\n\\n本报讯 河南省总工会主席李明远出席会议。\\n", "demo.txt")
    >>> page.source, [(a.headline, a.dateline) for a in page.articles]
    ('demo.txt', [('河南省总工会召开全委会议', '本报讯')])
    >>> [s.text for s in page.articles[0].sentences]
    ['河南省总工会召开全委会议', '河南省总工会主席李明远出席会议。']
    >>> read_text("  \\n")
    Traceback (most recent call last):
    kg.ingest.pages.IngestError: page.txt: empty page
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise IngestError(f"{source}: empty page")
    return parse_page(text, source, hashlib.sha256(text.encode("utf-8")).hexdigest())


def read_files(paths: Iterable[str | Path]) -> list[Page]:
    """The pages of these files and folders, as ``kg build`` reads them: ``.txt``/``.md``
    pages, ``.jsonl`` archives (a page per record), folders searched for both.

    Two inputs of one name get distinct names (``~2``), as in a build. A file that cannot
    be read raises ``IngestError`` naming every file that failed and why: nothing is
    skipped without a word.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_text(_EXAMPLE, "utf-8")
    >>> [(p.source, p.sha256 == read_text(_EXAMPLE, "a.txt").sha256) for p in read_files([folder])]
    [('a.txt', True)]
    >>> read_files([folder / "missing.txt"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.ingest.pages.IngestError: .../missing.txt: no such file
    """
    from kg.pipeline.run import Summary, find_pages, read_pages

    summary = Summary()
    pages = read_pages(find_pages([Path(p) for p in paths], summary.failed), summary)
    if summary.failed:
        raise IngestError("; ".join(summary.failed))
    return pages


def extract_page(page: Page) -> list[ArticleFindings]:
    """What each article of the page says: its mentions (a name, its kind and where it is
    printed) and the links between them, before names are resolved to entities.

    >>> findings = extract_page(read_text(_EXAMPLE))
    >>> sorted({(m.kind, m.surface) for m in findings[0].mentions})
    [('official', '李明远'), ('place', '河南省'), ('program', '职工之家'), ('union', '河南省总工会')]
    >>> [(link.kind, link.source.surface, link.title) for link in findings[0].links]
    [('holds-post', '李明远', '党组书记'), ('holds-post', '李明远', '主席')]
    """
    return [extract_article(article) for article in page.articles]


def resolve_pages(pages: Iterable[Page | tuple[Page, list[ArticleFindings]]]) -> KnowledgeBase:
    """The knowledge base of these pages: mentions resolved to entities (one entity per
    union, official, place … however often and however it is named) and relations, each
    with the sentences it was read from.

    ``pages`` are pages (extracted here) or ``(page, extract_page(page))`` pairs, read once
    and in order: a generator of pages keeps only one in memory at a time.

    >>> kb = resolve_pages([read_text(_EXAMPLE)])
    >>> sorted((e.kind, e.name) for e in kb.entities.values() if e.kind not in ("page", "article"))
    [('official', '李明远'), ('program', '职工之家'), ('province', '河南省'), ('union', '中华全国总工会'), ('union', '河南省总工会')]
    >>> sorted({r.kind for r in kb.relations})
    ['holds-post', 'located-in', 'mentioned-in', 'part-of', 'sub-organization-of']
    """
    def extracted():
        for item in pages:
            yield (item, extract_page(item)) if isinstance(item, Page) else item

    return resolve(extracted())


def to_networkx(kb: KnowledgeBase) -> "nx.MultiDiGraph":
    """The knowledge base as the networkx graph ``graph.json`` holds: a node per entity (with
    ``kind``, ``label``, ``aliases``, ``attrs``, ``provenance``), an edge per relation.

    >>> graph = to_networkx(resolve_pages([read_text(_EXAMPLE)]))
    >>> graph.number_of_nodes(), graph.number_of_edges()
    (7, 9)
    >>> sorted(d["label"] for _, d in graph.nodes(data=True) if d["kind"] == "official")
    ['李明远']
    """
    from kg.build.graph import build_graph

    return build_graph(kb)


def _nquads(source: "KnowledgeBase | nx.MultiDiGraph", base: str) -> bytes:
    from kg.build.graph import knowledge_base
    from kg.export.rdf import to_dataset

    kb = source if isinstance(source, KnowledgeBase) else knowledge_base(source)
    return "".join(to_dataset(kb, base).nquad_lines()).encode("utf-8")


def to_oxigraph(source: "KnowledgeBase | nx.MultiDiGraph", base: str = DEFAULT_BASE) -> "pyoxigraph.Dataset":
    """The RDF dataset ``kg build`` exports (``graph.nq``: a named graph per page), as a
    ``pyoxigraph.Dataset``. ``source`` is a knowledge base or the graph ``to_networkx`` made;
    ``base`` starts every minted IRI.

    >>> dataset = to_oxigraph(resolve_pages([read_text(_EXAMPLE)]))
    >>> import pyoxigraph as ox
    >>> store = ox.Store()
    >>> store.extend(dataset)
    >>> sorted(str(s["name"]) for s in store.query(
    ...     'SELECT ?name { GRAPH ?g { ?u a <https://w3id.org/unionkg/ontology#UnionBody> ; '
    ...     '<http://www.w3.org/2004/02/skos/core#prefLabel> ?name } }'))
    ['"中华全国总工会"@zh', '"河南省总工会"@zh']
    """
    import pyoxigraph as ox

    return ox.Dataset(ox.parse(_nquads(source, base), format=ox.RdfFormat.N_QUADS))


def to_rdflib(source: "KnowledgeBase | nx.MultiDiGraph", base: str = DEFAULT_BASE) -> "rdflib.Dataset":
    """The same dataset as ``to_oxigraph``, as an ``rdflib.Dataset`` (rdflib is not a
    dependency of kg: ``pip install rdflib``, or the ``test`` extra, provides it).

    >>> kb = resolve_pages([read_text(_EXAMPLE)])
    >>> dataset = to_rdflib(kb)
    >>> len(dataset) == len(to_oxigraph(kb))  # the same quads
    True
    >>> from rdflib import SKOS
    >>> sorted(str(o) for s, _, o, _ in dataset.quads((None, SKOS.prefLabel, None, None)) if "/official/" in s)
    ['李明远']
    """
    try:
        import rdflib
    except ImportError:
        raise ImportError("kg.to_rdflib needs rdflib (pip install rdflib); kg.to_oxigraph needs nothing more") from None
    dataset = rdflib.Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's parser warns about its own use of default_context
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"rdflib\.")
        dataset.parse(data=_nquads(source, base), format="nquads")
    return dataset
