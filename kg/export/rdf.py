"""RDF: the graph in standard vocabularies, one named graph per page.

The model (``kg/knowledge/ontology.ttl``) reuses W3C ORG for posts, SKOS
for names, PROV-O and DCTERMS for provenance and schema.org for places,
policies and programs. Every IRI is minted by ``mint`` (ASCII, validated,
under a configurable base, never a blank node). A triple read from a page
goes into that page's named graph; triples from general knowledge (the
division table, the union hierarchy) go into the ``graph/knowledge`` graph;
the build activity and the dataset's description (VoID and DCAT: licence,
sources, time) go into the ``graph/build`` graph. The default graph is empty:
every triple is in a named graph, so a store whose default graph is the union
of the named graphs (Jena's ``tdb:unionDefaultGraph``, Oxigraph's
``--union-default-graph``, Virtuoso) still shows the provenance.

Each entity also carries the classes of the reused vocabularies its class is
under in ``ontology.ttl`` (a union body is an ``org:FormalOrganization`` and an
``org:Organization``, a province a ``schema:AdministrativeArea`` and a
``schema:Place``), so that the data alone, without the ontology, answers ORG or
schema.org queries and meets the shapes' ``sh:class`` constraints.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import tempfile
import time
from array import array
from collections.abc import Iterable
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np
import pyoxigraph as ox

from kg import __version__
from kg.defaults import DEFAULT_BASE, DEFAULT_LICENSE
from kg.ingest.pages import valid_date  # an xsd:date is only ever a day of the calendar, in ASCII digits
from kg.knowledge import ONTOLOGY, SHAPES, kinds  # the model's files (ONTOLOGY, SHAPES: importable from here too)

if TYPE_CHECKING:  # (not imported: kg query and kg serve read these modules without resolution's imports)
    from kg.resolve.entities import Entity, Evidence, KnowledgeBase, Relation

PREFIXES = {
    "ukg": "https://w3id.org/unionkg/ontology#",
    "org": "http://www.w3.org/ns/org#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
}


class _Vocabulary:
    """The terms of one namespace, written as N-Triples: ``UKG.Official`` is ``<...#Official>``."""

    def __init__(self, namespace: str):
        self._ns = namespace

    def __getattr__(self, name: str) -> str:
        return f"<{self._ns}{name}>"


UKG, ORG, SKOS, PROV, DCTERMS, SDO, RDF, RDFS, XSD, VOID, DCAT = (
    _Vocabulary(PREFIXES[p]) for p in ("ukg", "org", "skos", "prov", "dcterms", "schema", "rdf", "rdfs", "xsd",
                                       "void", "dcat"))



def curie(name: str) -> str:
    """A CURIE of ``PREFIXES`` (``org:holds``) as an N-Triples term."""
    prefix, _, local = name.partition(":")
    return f"<{PREFIXES[prefix]}{local}>"


# Each entity kind's class and each relation kind's property, as kg/knowledge/kinds.py registers them
# (a city of level district is a ukg:District, a city's located-in schema:containedInPlace)
CLASS_OF = {k.name: getattr(UKG, k.rdf_class) for k in kinds.ENTITY_KINDS}
_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/-]*$")
_BASE = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/%-]*)?|urn:[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9._~:/%-]*)[/#:]$")


class IRIError(ValueError):
    """A base or identifier that cannot make a valid IRI."""


def check_base(base: str) -> str:
    if not _BASE.match(base):
        raise IRIError(f"--base must be an ASCII http(s) or urn IRI ending in '/', '#' or ':': {base!r}")
    return base


_LICENSE = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/%#?=&;:+,!$'()*@-]*)?"
                      r"|urn:[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9._~:/%-]+)$")


def check_license(license: str) -> str:
    """The licence IRI of ``--license``: an ASCII http(s) or urn IRI (SPDX's
    ``https://spdx.org/licenses/CC0-1.0`` or a Creative Commons deed, say)."""
    if not _LICENSE.match(license):
        raise IRIError(f"--license must be the IRI of a licence, an ASCII http(s) or urn IRI such as "
                       f"{DEFAULT_LICENSE} (the default): {license!r}")
    return license


class TimeError(IRIError):
    """SOURCE_DATE_EPOCH is set but is no number of seconds (refused before anything is read or
    written, like a bad --base or --license)."""


def dataset_time(page_dates, environ=os.environ) -> str | None:
    """The time the dataset description states (``dcterms:modified``), as an N-Triples literal:
    ``SOURCE_DATE_EPOCH`` (https://reproducible-builds.org/specs/source-date-epoch/) when it is
    set, as an xsd:dateTime in UTC; else the latest date of the input pages, as an xsd:date;
    else None (pages read from plain files have no date). Never the clock: the same inputs give
    the same bytes."""
    epoch = environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch != "":
        if not epoch.isascii() or not epoch.isdigit():
            raise TimeError(f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC, "
                            f"not {epoch!r}")
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(epoch)))
        return literal(stamp, XSD.dateTime)
    dates = [d for d in page_dates if isinstance(d, str) and valid_date(d)]
    return literal(max(dates), XSD.date) if dates else None


def mint(base: str, local: str) -> str:
    """The only way the export makes an IRI (an N-Triples ``<...>`` term): ASCII, no spaces
    or brackets, under ``base``."""
    if not _LOCAL.match(local) or "//" in local or local.endswith("/"):
        raise IRIError(f"cannot mint an IRI from {local!r}")
    return f"<{base}{local}>"


# Terms are written as N-Triples text straight away, exactly as Oxigraph writes them (tested),
# so that millions of quads never become Python RDF objects: Oxigraph parses the text once.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ESCAPES = {c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F)} | {
    0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r", 0x22: '\\"', 0x5C: "\\\\"}
_RARE = re.compile("[^\x00-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd]")  # noncharacters, beyond the BMP


def _quoted(text: str) -> str:
    if _RARE.search(text):
        return str(ox.Literal(text))  # Oxigraph's own escaping decides the rare cases
    return f'"{text.translate(_ESCAPES)}"'


def literal(value, datatype: str | None = None) -> str:
    """A literal as N-Triples: ints are xsd:integer, other values plain strings unless ``datatype``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f'"{value}"^^{XSD.integer}'
    return _quoted(str(value)) + (f"^^{datatype}" if datatype else "")


def _zh(text: str) -> str:
    """A Chinese literal; control characters (which XML and some stores refuse) become spaces."""
    return _quoted(_CONTROL.sub(" ", text)) + "@zh"


def _digest(*parts: str, n: int = 12) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


_U32 = next(code for code in "IL" if array(code).itemsize == 4)  # an array of 32-bit numbers


class _Terms:
    """Quads as numbers: each distinct term (an N-Triples string) is kept once and numbered, and
    a quad is four numbers in an array. Ten years of news make 7.7 million quads of 1.7 million
    terms: as tuples of strings in a set they took some 2 GB, as numbers 16 bytes each."""

    def __init__(self):
        self.ids: dict[str, int] = {"": 0}  # "" is the default graph's name
        self.terms: list[str] = [""]
        self.rows = array(_U32)  # graph, subject, predicate, object; a quad added twice is there twice

    def number(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.terms)
            self.terms.append(term)
        return found

    def add_quad(self, g: str, s: str, p: str, o: str) -> None:
        number = self.number
        self.rows.extend((number(g), number(s), number(p), number(o)))


class _Quads(_Terms):
    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.knowledge = mint(base, "graph/knowledge")
        self.build = mint(base, "graph/build")
        self._iris: dict[str, str] = {}

    def iri(self, local: str) -> str:
        term = self._iris.get(local)
        if term is None:
            term = self._iris[local] = mint(self.base, local)
        return term

    def add(self, s, p, o, graphs) -> None:
        number = self.number
        s, p, o = number(s), number(p), number(o)
        for g in graphs:
            self.rows.extend((number(g), s, p, o))


_LINES_PER_CHUNK = 100_000


def _sorted_unique(rows: np.ndarray) -> np.ndarray:
    """The rows of a 2-D array of term ranks, sorted (first column first) and each once."""
    if not len(rows):
        return rows
    rows = rows[np.lexsort(rows.T[::-1])]
    keep = np.empty(len(rows), dtype=bool)
    keep[0] = True
    np.any(rows[1:] != rows[:-1], axis=1, out=keep[1:])
    return rows[keep]


class RdfData:
    """The export as N-Quads terms, sorted (default graph first, then graph by graph, each by
    subject, predicate, object) and each quad once: every file is written from this one order,
    so it is stable.

    Held as numbers, not strings (see ``_Terms``): the distinct terms sorted once (``terms``),
    and each quad as the four ranks of its terms in a numpy array, so that sorting the quads
    by their numbers sorts them by their text, and the union graph's triples are the sorted
    distinct rows of three of its columns."""

    def __init__(self, quads=()):
        """``quads``: any iterable of (graph, subject, predicate, object) terms (graph "" for the
        default graph), in any order, repeats allowed."""
        table = _Terms()
        for quad in quads:
            table.add_quad(*quad)
        self._take(table)

    @classmethod
    def of(cls, table: _Terms) -> "RdfData":
        """The data of a table of numbered quads (``quad_table``), which is emptied."""
        data = cls.__new__(cls)
        data._take(table)
        return data

    def _take(self, table: _Terms) -> None:
        terms, rows = table.terms, table.rows
        table.ids = table.terms = table.rows = None  # only what is made here is kept
        order = sorted(range(len(terms)), key=terms.__getitem__)
        rank = np.empty(len(terms), dtype=np.uint32)
        rank[np.asarray(order, dtype=np.uint32)] = np.arange(len(terms), dtype=np.uint32)
        self.terms: list[str] = [terms[i] for i in order]  # by rank: "" (the default graph) is rank 0
        del order, terms
        self._quads = _sorted_unique(rank[np.frombuffer(rows, dtype=np.uint32).reshape(-1, 4)])
        del rows, rank
        self._triples: np.ndarray | None = None

    @classmethod
    def from_file(cls, path) -> "RdfData":
        def graph(q):
            return "" if isinstance(q.graph_name, ox.DefaultGraph) else str(q.graph_name)
        return cls((graph(q), str(q.subject), str(q.predicate), str(q.object)) for q in ox.parse(path=str(path)))

    def _lines(self, rows: np.ndarray, line):
        terms = self.terms
        for start in range(0, len(rows), _LINES_PER_CHUNK):
            for row in rows[start:start + _LINES_PER_CHUNK].tolist():
                yield line(terms, row)

    def nquad_lines(self):
        return self._lines(self._quads, lambda t, r: f"{t[r[1]]} {t[r[2]]} {t[r[3]]} {t[r[0]]} .\n" if r[0]
                           else f"{t[r[1]]} {t[r[2]]} {t[r[3]]} .\n")

    def _union(self) -> np.ndarray:
        if self._triples is None:
            self._triples = _sorted_unique(np.ascontiguousarray(self._quads[:, 1:]))
        return self._triples

    def triple_count(self) -> int:
        """Triples in the union graph."""
        return len(self._union())

    def triples(self) -> list[tuple[str, str, str]]:
        """The union graph: every distinct triple once, sorted (as strings: for small data)."""
        t = self.terms
        return [(t[s], t[p], t[o]) for s, p, o in self._union().tolist()]

    @property
    def quads(self) -> list[tuple[str, str, str, str]]:
        """Every quad (graph, subject, predicate, object), sorted (as strings: for small data)."""
        t = self.terms
        return [(t[g], t[s], t[p], t[o]) for g, s, p, o in self._quads.tolist()]

    def keep_union_only(self) -> None:
        """Drop the quads once the N-Quads are written, keeping the union triples."""
        self._union()
        self._quads = self._quads[:0]

    def ntriple_lines(self):
        return self._lines(self._union(), lambda t, r: f"{t[r[0]]} {t[r[1]]} {t[r[2]]} .\n")

    def __len__(self) -> int:
        return len(self._quads)


def to_dataset(kb: KnowledgeBase, base: str = DEFAULT_BASE, license: str = DEFAULT_LICENSE) -> "RdfData":
    """The knowledge base as an RDF dataset (named graph per page)."""
    return RdfData.of(quad_table(kb, base, license))


def quad_table(kb: KnowledgeBase, base: str = DEFAULT_BASE, license: str = DEFAULT_LICENSE) -> _Terms:
    """The quads of the resolved knowledge base, numbered and not yet sorted (``RdfData.of``
    sorts them): a build drops the knowledge base in between, so that the two are never in
    memory with the sorting. ``license`` is the IRI the dataset description states
    (``check_license``); its time comes from ``SOURCE_DATE_EPOCH`` or the pages' dates
    (``dataset_time``)."""
    check_base(base)
    check_license(license)
    check_kinds()
    q = _Quads(base)
    entities = kb.entities
    pages = {e.attrs.source: e for e in entities.values() if e.kind == "page"}
    articles = {(e.attrs.source, e.attrs.index): e.id for e in entities.values() if e.kind == "article"}
    page_graph = {src: q.iri(f"graph/{e.id}") for src, e in pages.items()}

    def graphs_of(evidence) -> list[str]:
        return graphs_of_pages(ev.page for ev in evidence)

    def graphs_of_pages(pages) -> list[str]:
        found = sorted({page_graph[p] for p in pages if p in page_graph})
        return found or [q.knowledge]

    def sentence(ev: Evidence) -> str | None:
        art = articles.get((ev.page, ev.article))
        if art is None or ev.sentence < 0:
            return None
        s = q.iri(f"{art}/s{ev.sentence}")
        g = [page_graph[ev.page]]
        q.add(s, RDF.type, UKG.Sentence, g)
        q.add(s, RDF.value, _zh(ev.text), g)
        q.add(s, UKG.sentenceIndex, literal(ev.sentence), g)
        q.add(s, DCTERMS.isPartOf, q.iri(art), g)
        return s

    for e in entities.values():
        _node_triples(q, e, graphs_of, sentence, page_graph, articles)
    for r in kb.relations:
        _edge_triples(q, entities, r, graphs_of, graphs_of_pages, sentence, articles)
    _build_description(q, pages, page_graph, license)
    return q


def knowledge_graph_quads(entities: Iterable[Entity], relations: Iterable[Relation], lookup: dict[str, Entity],
                          base: str = DEFAULT_BASE) -> "RdfData":
    """The quads ``graph/knowledge`` holds of these entities and relations, which no page shows (no
    evidence): what ``quad_table`` writes of them there. ``lookup``: the entities the relations name (a
    relation's triple depends on their kinds). An update writes these again for what it changed
    (``kg.pipeline.update``)."""
    check_base(base)
    check_kinds()
    q = _Quads(base)

    def knowledge(_) -> list[str]:
        return [q.knowledge]

    for e in entities:
        if e.evidence or e.kind in ("page", "article"):
            raise ValueError(f"{e.id}: a page shows it; its triples are in the page's graph")
        _node_triples(q, e, knowledge, None, {}, {})
    for r in relations:
        if r.evidence or r.kind in ("mentioned-in", "holds-post"):
            raise ValueError(f"{r.kind} {r.source} {r.target}: not a relation graph/knowledge holds alone")
        _edge_triples(q, lookup, r, knowledge, knowledge, None, {})
    return RdfData.of(q)


def _node_triples(q: _Quads, e: Entity, graphs_of, sentence, page_graph, articles) -> None:
    kind, a, node = e.kind, e.attrs, e.id
    s = q.iri(node)
    gs = graphs_of(e.evidence)
    if kind == "page":
        gs = [page_graph[a.source]]
        q.add(s, RDF.type, UKG.Page, gs)
        q.add(s, DCTERMS.identifier, literal(a.source), gs)
        q.add(s, UKG.sha256, literal(a.sha256), gs)
        q.add(s, RDFS.label, literal(a.source), gs)
        if a.url:
            q.add(s, DCTERMS.source, literal(a.url, XSD.anyURI), gs)
        if isinstance(a.date, str) and valid_date(a.date):
            q.add(s, DCTERMS.date, literal(a.date, XSD.date), gs)
        elif a.date is not None:
            q.add(s, UKG.dateText, literal(a.date), gs)
        # an archive record's own fields (kg.ingest.pages checks them: an id is text, a line a number)
        if a.id is not None:
            q.add(s, UKG.recordId, literal(a.id), gs)
        if a.archive is not None:
            q.add(s, UKG.archive, literal(a.archive), gs)
        if a.line is not None:
            q.add(s, UKG.recordLine, literal(a.line), gs)
        return
    if kind == "article":
        gs = [page_graph[a.source]]
        q.add(s, RDF.type, UKG.Article, gs)
        q.add(s, DCTERMS.isPartOf, q.iri(a.page), gs)
        q.add(s, UKG.articleIndex, literal(a.index), gs)
        q.add(s, RDFS.label, _zh(e.name), gs)
        if a.headline is not None:
            q.add(s, DCTERMS.title, _zh(a.headline), gs)
        for text, prop in ((a.kicker, UKG.kicker), (a.byline, UKG.byline), (a.dateline, UKG.dateline),
                           (a.continued, UKG.continuedOn)):
            if text is not None:
                q.add(s, prop, _zh(text), gs)
        q.add(s, UKG.articleType, literal(a.type), gs)
        return
    cls = CLASS_OF.get(kind) or getattr(UKG, kinds.entity_kind(kind).rdf_class)  # raises for an unknown kind
    if kind == "city" and a.level == "district":
        cls = UKG.District
    q.add(s, RDF.type, cls, gs)
    for above in reused_superclasses().get(cls, ()):
        q.add(s, RDF.type, above, gs)
    q.add(s, SKOS.prefLabel, _zh(e.name), gs)
    q.add(s, RDFS.label, _zh(e.name), gs)
    for alias in sorted(e.aliases - {e.name}):
        q.add(s, SKOS.altLabel, _zh(alias), gs)
    if kind in ("province", "city"):
        q.add(s, SKOS.notation, literal(a.code, UKG.DivisionCode), gs)
    if kind == "province" and a.short is not None:
        q.add(s, UKG.shortName, _zh(a.short), gs)
    if kind == "policy":
        if isinstance(a.date, str) and valid_date(a.date):
            q.add(s, SDO.legislationDate, literal(a.date, XSD.date), gs)
        elif a.date is not None:  # 2024年13月 is no date: kept as read
            q.add(s, UKG.dateText, literal(a.date), gs)
        if a.issuer is not None:
            q.add(s, UKG.issuer, q.iri(a.issuer), gs)
    if kind in ("union", "organization", "enterprise") and a.province is not None:
        q.add(s, UKG.province, q.iri(a.province), gs)
    if kind == "union":
        if a.parent is not None:
            q.add(s, UKG.parentUnion, q.iri(a.parent), gs)
        if a.department is not None:
            q.add(s, UKG.isDepartment, literal("true" if a.department else "false", XSD.boolean), gs)
    if kind == "organization" and a.country is not None:
        q.add(s, UKG.countryCode, literal(a.country), gs)
    if kind == "enterprise" and a.division is not None:
        q.add(s, UKG.divisionCode, literal(a.division, UKG.DivisionCode), gs)
    if kind == "person":
        if a.role is not None:
            q.add(s, UKG.personRole, _zh(a.role), gs)
        if a.affiliation is not None:
            q.add(s, UKG.affiliation, _zh(a.affiliation), gs)
    for ev in e.evidence:
        m = q.iri(f"mention/{_digest(node, ev.page, str(ev.article), str(ev.sentence), str(ev.start), str(ev.end), n=16)}")
        g = [graphs_of([ev])[0]]
        q.add(m, RDF.type, UKG.Mention, g)
        q.add(m, UKG.mentionOf, s, g)
        _where_read(q, m, ev, g, articles, sentence)


_EDGE_PROPERTY = {r.name: curie(r.prop) for r in kinds.RELATION_KINDS}


def _edge_triples(q: _Quads, entities: dict[str, Entity], r: Relation, graphs_of, graphs_of_pages, sentence,
                  articles) -> None:
    source, target, title = r.source, r.target, r.title
    s, o = q.iri(source), q.iri(target)
    kind, evidence = r.kind, r.evidence
    if kind == "part-of" and entities[source].kind == "article":
        return  # written with the article
    if kind == "mentioned-in":
        q.add(s, UKG.mentionedIn, o, graphs_of_pages([entities[target].attrs.source]))
        return
    gs = graphs_of(evidence)
    local_o = target  # evidence ids hash local names only, so --base changes nothing but the base
    if kind == "holds-post":
        local_o = f"post/{_digest(source, title, target, n=16)}"
        post = q.iri(local_o)
        role = q.iri(f"role/{_digest(title, n=12)}")
        q.add(post, RDF.type, ORG.Post, gs)
        q.add(post, ORG.postIn, o, gs)
        q.add(post, ORG.role, role, gs)
        q.add(post, UKG.title, _zh(title), gs)
        label = f"{entities[target].name}{title}"
        q.add(post, SKOS.prefLabel, _zh(label), gs)
        q.add(post, RDFS.label, _zh(label), gs)
        q.add(role, RDF.type, ORG.Role, gs)
        q.add(role, SKOS.prefLabel, _zh(title), gs)
        q.add(role, RDFS.label, _zh(title), gs)
        p, o = _EDGE_PROPERTY[kind], post
    elif kind == "located-in" and entities[source].kind == "city":
        p = SDO.containedInPlace
    else:
        p = _EDGE_PROPERTY.get(kind) or curie(kinds.relation_kind(kind).prop)  # raises for an unknown kind
    q.add(s, p, o, gs)
    for ev in evidence:
        e = q.iri(f"evidence/{_digest(source, p[1:-1], local_o, ev.page, str(ev.article), str(ev.sentence), str(ev.start), n=16)}")
        g = graphs_of([ev])
        for triple in ((RDF.type, UKG.Evidence), (RDF.subject, s), (RDF.predicate, p), (RDF.object, o)):
            q.add(e, *triple, g)
        _where_read(q, e, ev, g, articles, sentence)


def _where_read(q: _Quads, resource, ev: Evidence, graphs, articles, sentence) -> None:
    """A mention's or evidence's article, sentence and offsets into the original page (nothing of
    where it stands among the entity's other mentions: a page's graph says only what the page says,
    and graph.json lists them in one sorted order). Read outside any sentence (a byline), it carries
    the text it was read from itself, and no offsets (a byline's are 0, 0: none) unless it has some."""
    art = articles.get((ev.page, ev.article))
    if art:
        q.add(resource, PROV.wasDerivedFrom, q.iri(art), graphs)
    sent = sentence(ev)
    if sent is not None:
        q.add(resource, UKG.inSentence, sent, graphs)
    elif ev.text:
        q.add(resource, RDF.value, _zh(ev.text), graphs)
    if sent is not None or ev.start or ev.end:
        q.add(resource, UKG.beginIndex, literal(ev.start), graphs)
        q.add(resource, UKG.endIndex, literal(ev.end), graphs)



@functools.lru_cache(maxsize=1)
def check_kinds() -> None:
    """Refuse a kind whose RDF class or property ``ontology.ttl`` does not declare (run once, when
    the first export starts): an entity kind of ``kg/knowledge/kinds.py`` without its class would be typed
    with a class the vocabulary lacks, a relation kind without its property likewise."""
    declared = {str(quad.subject) for quad in ox.parse(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE)
                if quad.predicate.value == PREFIXES["rdf"] + "type"}
    for kind in kinds.ENTITY_KINDS:
        if CLASS_OF[kind.name] not in declared:
            raise kinds.UnknownKind(f"entity kind {kind.name!r}: its class ukg:{kind.rdf_class} is not declared "
                                    f"in {ONTOLOGY.name}")
    for relation in kinds.RELATION_KINDS:
        if _EDGE_PROPERTY[relation.name] not in declared:
            raise kinds.UnknownKind(f"relation kind {relation.name!r}: its property {relation.prop} is not "
                                    f"declared in {ONTOLOGY.name}")


@functools.lru_cache(maxsize=1)
def reused_superclasses() -> dict[str, tuple[str, ...]]:
    """Each ``ukg:`` class -> the classes of other vocabularies it is under in ``ontology.ttl``
    (``rdfs:subClassOf``, transitively), as N-Triples terms in order. The entities of the export
    are typed with these too: ``ukg:UnionBody`` gives ``org:FormalOrganization`` and
    ``org:Organization``, ``ukg:Official`` ``schema:Person``, ``ukg:City`` ``schema:AdministrativeArea``
    and ``schema:Place``. ``ukg:`` classes above a class are left out (queries that read the one
    ``ukg:`` class of an entity keep one row)."""
    parents: dict[str, set[str]] = {}
    for quad in ox.parse(path=str(ONTOLOGY), format=ox.RdfFormat.TURTLE):
        if quad.predicate.value == PREFIXES["rdfs"] + "subClassOf" and isinstance(quad.object, ox.NamedNode):
            parents.setdefault(quad.subject.value, set()).add(quad.object.value)
    out = {}
    for cls in parents:
        if not cls.startswith(PREFIXES["ukg"]):
            continue
        seen, todo = set(), list(parents[cls])
        while todo:
            c = todo.pop()
            if c not in seen:
                seen.add(c)
                todo.extend(parents.get(c, ()))
        out[f"<{cls}>"] = tuple(sorted(f"<{c}>" for c in seen if not c.startswith(PREFIXES["ukg"])))
    return out


# The files of a build and their media types (DCAT distributions of the dataset)
_DISTRIBUTIONS = (("graph.nq", "application/n-quads"), ("graph.trig", "application/trig"),
                  ("graph.ttl", "text/turtle"), ("graph.nt", "application/n-triples"),
                  ("graph.jsonld", "application/ld+json"))
_VOCABULARIES = ("ukg", "org", "skos", "prov", "dcterms", "schema")


def _build_description(q: _Quads, pages: dict[str, Entity], page_graph: dict, license: str) -> None:
    """The ``graph/build`` graph: the build (a ``prov:Activity`` that used each page, by a
    ``prov:SoftwareAgent``), each page graph's page and build, and the dataset as a
    ``void:Dataset`` and ``dcat:Dataset``: title, description, licence (``license``) and rights,
    time (``dataset_time``), sources (each page, ``prov:hadPrimarySource``, and the URL of each page
    that has one, ``dcterms:source``), vocabularies, IRI space and the files it is written in."""
    # the build's and the dataset's IRIs do not change when a page is added or taken away: the dataset is
    # the one of this IRI space (``void:uriSpace``, the base), made by this version of the tool; an
    # update then changes a few triples of the description, not one per page (issue 17)
    for src, page in sorted(pages.items()):
        _page_provenance(q, page, page_graph[src])
    _dataset_description(q, len(pages), dataset_time(e.attrs.date for e in pages.values()), license)


def _description_nodes(q: _Quads) -> tuple[str, str, str]:
    """The build, its agent and the dataset: IRIs that do not change when a page is added or taken away
    (the dataset is the one of this IRI space, ``void:uriSpace``, made by this version of the tool)."""
    return q.iri(f"build/{_digest(__version__, n=16)}"), q.iri("agent/unionkg"), q.iri("dataset")


def _page_provenance(q: _Quads, page: Entity, graph: str) -> None:
    """The build used the page, the page's graph was made from it by the build, the dataset has it as a
    primary source (and its URL, if it has one)."""
    build, _, dataset = _description_nodes(q)
    g = [q.build]
    node = q.iri(page.id)
    q.add(build, PROV.used, node, g)
    q.add(graph, PROV.wasDerivedFrom, node, g)
    q.add(graph, PROV.wasGeneratedBy, build, g)
    q.add(dataset, PROV.hadPrimarySource, node, g)  # not wasDerivedFrom: that names a page's graph
    if page.attrs.url:
        q.add(dataset, DCTERMS.source, literal(page.attrs.url, XSD.anyURI), g)


def description_quads(page_count: int, when: str | None, base: str = DEFAULT_BASE,
                      license: str = DEFAULT_LICENSE) -> "RdfData":
    """The description of a dataset of ``page_count`` pages but what it says of each page: the build, its
    agent, the dataset's title, licence, time (``when``, as ``dataset_time`` gives it), vocabularies and
    files (an update states it again for the new number of pages)."""
    q = _Quads(base)
    _dataset_description(q, page_count, when, license)
    return RdfData.of(q)


def page_provenance_quads(pages: Iterable[Entity], base: str = DEFAULT_BASE) -> "RdfData":
    """What the description says of each of these pages (``_page_provenance``)."""
    q = _Quads(base)
    for page in pages:
        _page_provenance(q, page, q.iri(f"graph/{page.id}"))
    return RdfData.of(q)


def _dataset_description(q: _Quads, page_count: int, when: str | None, license: str) -> None:
    build, agent, dataset = _description_nodes(q)
    g = [q.build]
    q.add(build, RDF.type, PROV.Activity, g)
    q.add(build, RDFS.label, literal(f"unionkg {__version__} build of {page_count} pages"), g)
    q.add(build, UKG.toolVersion, literal(__version__), g)
    q.add(build, PROV.wasAssociatedWith, agent, g)
    q.add(agent, RDF.type, PROV.SoftwareAgent, g)
    q.add(agent, RDFS.label, literal("unionkg"), g)
    q.add(dataset, RDF.type, VOID.Dataset, g)
    q.add(dataset, RDF.type, DCAT.Dataset, g)
    q.add(dataset, DCTERMS.title, _zh("unionkg: 工会新闻知识图谱"), g)
    q.add(dataset, DCTERMS.title, '"unionkg: a knowledge graph of Chinese trade-union news"@en', g)
    q.add(dataset, DCTERMS.description, literal(
        f"Officials and their posts, union bodies, organisations, places, policies and programmes read "
        f"from {page_count} pages of news by unionkg {__version__}; every fact is in the named graph of "
        f"the page it was read from, with the article, sentence and character offsets.") + "@en", g)
    q.add(dataset, DCTERMS.license, f"<{license}>", g)
    q.add(dataset, DCTERMS.rights, literal(
        "The licence is that of the graph. The sentences and headlines it quotes are the publishers' "
        "and stay under their terms.") + "@en", g)
    if when is not None:
        q.add(dataset, DCTERMS.modified, when, g)
    q.add(dataset, PROV.wasGeneratedBy, build, g)
    q.add(dataset, VOID.uriSpace, literal(q.base), g)
    for prefix in _VOCABULARIES:
        q.add(dataset, VOID.vocabulary, f"<{PREFIXES[prefix]}>", g)
    for name, media in _DISTRIBUTIONS:
        file = q.iri(f"dataset/{name}")
        q.add(dataset, DCAT.distribution, file, g)
        q.add(file, RDF.type, DCAT.Distribution, g)
        q.add(file, DCTERMS.title, literal(name), g)
        q.add(file, DCAT.mediaType, f"<https://www.iana.org/assignments/media-types/{media}>", g)


FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
           "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
_CHUNK = 20_000  # lines per write


def _write_lines(lines, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        chunk = []
        for line in lines:
            chunk.append(line)
            if len(chunk) >= _CHUNK:
                f.write("".join(chunk))
                chunk.clear()
        f.write("".join(chunk))


def write_exports(data: RdfData | None, targets: dict[str, Path],
                  sources: dict[str, Path] | None = None) -> dict[str, float]:
    """Write each format of ``targets`` (format -> path); return seconds per format.

    TriG, N-Quads and the build's store keep the named graphs; Turtle, N-Triples,
    JSON-LD and RDF/XML hold the union graph. N-Quads and N-Triples are written
    from the sorted terms of ``data``; the others are streamed from those two files
    (``sources``: already written, then ``data`` may be None; else temporary files
    when they are not asked for): Oxigraph writes Turtle, TriG and RDF/XML, and
    JSON-LD is written here."""
    unknown = set(targets) - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown RDF format {sorted(unknown)[0]!r}; choose one of {', '.join(FORMATS)}")
    seconds: dict[str, float] = {}
    written = dict(sources or {})  # nq / nt files the other formats are streamed from
    scratch = []
    try:
        for fmt, lines, readers in (("nq", lambda: data.nquad_lines(), {"trig"}),
                                    ("nt", lambda: data.ntriple_lines(), {"ttl", "xml", "jsonld"})):
            if fmt in targets:
                path = targets[fmt]
            elif fmt not in written and readers & set(targets):
                fd, name = tempfile.mkstemp(dir=next(iter(targets.values())).parent, prefix=".source.", suffix=".tmp")
                os.close(fd)
                path = Path(name)
                scratch.append(path)
            else:
                continue
            clock = time.perf_counter()
            _write_lines(lines(), path)
            written[fmt] = path
            seconds[fmt] = time.perf_counter() - clock
        for fmt, origin in (("trig", "nq"), ("ttl", "nt")):
            if fmt in targets:
                clock = time.perf_counter()
                items = ox.parse(path=str(written[origin]), format=FORMATS[origin])
                ox.serialize(items, output=str(targets[fmt]), format=FORMATS[fmt], prefixes=PREFIXES)
                seconds[fmt] = time.perf_counter() - clock
        if "xml" in targets:
            clock = time.perf_counter()
            _write_rdf_xml(written["nt"], targets["xml"])
            seconds["xml"] = time.perf_counter() - clock
        if "jsonld" in targets:
            clock = time.perf_counter()
            _write_jsonld(written["nt"], targets["jsonld"])
            seconds["jsonld"] = time.perf_counter() - clock
    finally:
        for path in scratch:
            path.unlink(missing_ok=True)
    return {fmt: seconds[fmt] for fmt in targets}


class XmlError(ValueError):
    """A literal holds a character XML 1.0 cannot carry at all (not even as ``&#N;``): C0
    controls other than tab, line feed and carriage return, U+FFFE, U+FFFF. RDF/XML cannot
    hold the graph; every other format can."""


# Characters outside XML 1.0's Char production (surrogates cannot be in an RDF literal at all)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_checked(triples):
    """The triples, each literal checked for what XML 1.0 cannot carry (``XmlError``)."""
    for triple in triples:
        value = triple.object
        if isinstance(value, ox.Literal):
            bad = _NOT_XML.search(value.value)
            if bad:
                raise XmlError(f"{triple.subject} {triple.predicate}: the literal holds U+{ord(bad.group()):04X}, "
                               f"which XML 1.0 cannot carry; RDF/XML cannot hold this graph (the other "
                               f"formats can)")
        yield triple


def _write_rdf_xml(ntriples: Path, path: Path) -> None:
    """RDF/XML of the union graph, written by Oxigraph from the N-Triples and refused
    (``XmlError``) when a literal holds a character XML 1.0 cannot carry. Oxigraph writes a
    carriage return as it is, which every XML parser reads as a line feed: each one is
    written ``&#13;`` instead (a carriage return in the document can only come from a
    literal), so the literal reads back as it was."""
    fd, raw = tempfile.mkstemp(dir=path.parent, prefix=".kg-xml-", suffix=".tmp")
    os.close(fd)
    try:
        ox.serialize(_xml_checked(ox.parse(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)), output=raw,
                     format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        with open(raw, "rb") as source, open(path, "wb") as target:
            while chunk := source.read(1 << 20):
                target.write(chunk.replace(b"\r", b"&#13;"))  # one byte, never inside a UTF-8 sequence
    except BaseException:
        Path(path).unlink(missing_ok=True)
        raise
    finally:
        Path(raw).unlink(missing_ok=True)


def serialize(data: RdfData, fmt: str) -> str:
    """One format as text (``kg export``, tests)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"graph.{fmt}"
        write_exports(data, {fmt: path})
        return path.read_text(encoding="utf-8")


def _compact(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and _NAME.fullmatch(iri, len(ns)):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


_NAME = re.compile(r"[A-Za-z][\w-]*")
_LITERAL = re.compile(r'("(?:[^"\\]|\\.)*")(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?\Z', re.S)


def _json_value(term: str) -> dict:
    if term.startswith("<"):
        return {"@id": term[1:-1]}
    quoted, lang, datatype = _LITERAL.match(term).groups()
    if "\\U" in quoted:  # JSON has no \U escape: let Oxigraph read the rare literal that uses one
        value = next(ox.parse(f"<x:s> <x:p> {term} .", format=ox.RdfFormat.N_TRIPLES)).object.value
    else:
        value = json.loads(quoted)  # the N-Triples escapes we write are JSON escapes
    if lang:
        return {"@language": lang, "@value": value}
    if datatype:
        return {"@type": datatype, "@value": value}
    return {"@value": value}


def _write_jsonld(ntriples: Path, path: Path) -> None:
    """JSON-LD 1.0 of the union graph, one node object per subject and per line, in sorted
    order, keys compacted by an inline @context of the prefixes. Read line by line from our
    own sorted N-Triples (``<s> <p> o .``: subject and predicate are IRIs without spaces), so
    it is written node by node at any size."""
    def triples():
        with open(ntriples, encoding="utf-8") as f:
            for line in f:
                s, p, o = line.split(" ", 2)
                yield s, p, o[:-3]

    def nodes():
        subject, node = None, None
        for s, p, o in triples():
            if s != subject:
                if node is not None:
                    yield node
                subject, node = s, {"@id": s[1:-1]}
            node.setdefault(_compact(p[1:-1]), []).append(_json_value(o))
        if node is not None:
            yield node

    def lines():  # a generator: the file is written as the nodes come, never held whole
        yield json.dumps({"@context": PREFIXES}, ensure_ascii=False, sort_keys=True)[:-1] + ',\n"@graph": ['
        for i, node in enumerate(nodes()):
            yield ("\n" if i == 0 else ",\n") + json.dumps(node, ensure_ascii=False, sort_keys=True)
        yield "\n]}\n"

    _write_lines(lines(), path)
