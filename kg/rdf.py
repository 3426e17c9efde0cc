"""RDF: the graph in standard vocabularies, one named graph per page.

The model (``ontology.ttl`` beside this file) reuses W3C ORG for posts, SKOS
for names, PROV-O and DCTERMS for provenance and schema.org for places,
policies and programs. Every IRI is minted by ``mint`` (ASCII, validated,
under a configurable base, never a blank node). A triple read from a page
goes into that page's named graph; triples from general knowledge (the
division table, the union hierarchy) go into the ``graph/knowledge`` graph;
the build activity is in the default graph.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
from rdflib import RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from kg import __version__

UKG = Namespace("https://w3id.org/unionkg/ontology#")
SDO = Namespace("https://schema.org/")
DEFAULT_BASE = "https://w3id.org/unionkg/id/"
ONTOLOGY = Path(__file__).parent / "ontology.ttl"
SHAPES = Path(__file__).parent / "shapes.ttl"
PREFIXES = {"ukg": UKG, "org": ORG, "skos": SKOS, "prov": PROV, "dcterms": DCTERMS, "schema": SDO,
            "rdf": RDF, "rdfs": RDFS, "xsd": XSD}

CLASS_OF = {"official": UKG.Official, "person": UKG.Person, "union": UKG.UnionBody,
            "organization": UKG.Organization, "province": UKG.Province, "policy": UKG.Policy,
            "program": UKG.Program, "page": UKG.Page, "article": UKG.Article}
_LOCAL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~/-]*$")
_BASE = re.compile(r"^(?:https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~/%-]*)?|urn:[A-Za-z0-9][A-Za-z0-9-]*:[A-Za-z0-9._~:/%-]*)[/#:]$")


class IRIError(ValueError):
    """A base or identifier that cannot make a valid IRI."""


def check_base(base: str) -> str:
    if not _BASE.match(base):
        raise IRIError(f"--base must be an ASCII http(s) or urn IRI ending in '/', '#' or ':': {base!r}")
    return base


def mint(base: str, local: str) -> URIRef:
    """The only way the export makes an IRI: ASCII, no spaces or brackets, under ``base``."""
    if not _LOCAL.match(local) or "//" in local or local.endswith("/"):
        raise IRIError(f"cannot mint an IRI from {local!r}")
    return URIRef(base + local)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _zh(text: str) -> Literal:
    """A Chinese literal; control characters (which XML and some stores refuse) become spaces."""
    return Literal(_CONTROL.sub(" ", text), lang="zh")


def _digest(*parts: str, n: int = 12) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


class _Quads:
    def __init__(self, base: str):
        self.base = base
        self.quads: set[tuple] = set()
        self.knowledge = mint(base, "graph/knowledge")

    def iri(self, local: str) -> URIRef:
        return mint(self.base, local)

    def add(self, s, p, o, graphs) -> None:
        for g in graphs:
            self.quads.add((s, p, o, g))


class RdfData:
    """The export as sorted pyoxigraph quads (default graph first, then graph by graph):
    Oxigraph writes every format from it; rdflib sees it only for SHACL validation."""

    def __init__(self, quads):
        order = lambda q: (not isinstance(q[3], ox.DefaultGraph), str(q[3]), str(q[0]), str(q[1]), str(q[2]))
        self.quads = [ox.Quad(s, p, o, g) for s, p, o, g in sorted(set(quads), key=order)]

    @classmethod
    def from_file(cls, path) -> "RdfData":
        return cls((q.subject, q.predicate, q.object, q.graph_name) for q in ox.parse(path=str(path)))

    def triples(self) -> list[ox.Triple]:
        """The union graph: every distinct triple once, sorted."""
        return sorted({q.triple for q in self.quads}, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))

    def __len__(self) -> int:
        return len(self.quads)


def _ox(term):
    """rdflib term -> pyoxigraph term (None is the default graph)."""
    if term is None:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_dataset(graph: nx.MultiDiGraph, base: str = DEFAULT_BASE) -> "RdfData":
    """The networkx graph as an RDF dataset (named graph per page)."""
    check_base(base)
    q = _Quads(base)
    pages = {d["attrs"]["source"]: n for n, d in graph.nodes(data=True) if d["kind"] == "page"}
    articles = {(d["attrs"]["source"], d["attrs"]["index"]): n
                for n, d in graph.nodes(data=True) if d["kind"] == "article"}
    page_graph = {src: q.iri(f"graph/{node}") for src, node in pages.items()}

    def graphs_of(evidence: list[dict]) -> list[URIRef]:
        found = sorted({page_graph[ev["page"]] for ev in evidence if ev["page"] in page_graph})
        return found or [q.knowledge]

    def sentence(ev: dict) -> URIRef | None:
        art = articles.get((ev["page"], ev["article"]))
        if art is None or ev["sentence"] < 0:
            return None
        s = q.iri(f"{art}/s{ev['sentence']}")
        g = [page_graph[ev["page"]]]
        q.add(s, RDF.type, UKG.Sentence, g)
        q.add(s, RDF.value, _zh(ev["text"]), g)
        q.add(s, UKG.sentenceIndex, Literal(ev["sentence"]), g)
        q.add(s, DCTERMS.isPartOf, q.iri(art), g)
        return s

    for node, d in graph.nodes(data=True):
        _node_triples(q, graph, node, d, graphs_of, sentence, page_graph, articles)
    for s, o, key, d in graph.edges(keys=True, data=True):
        _edge_triples(q, graph, s, o, d, graphs_of, sentence, articles)
    _build_activity(q, graph, pages, page_graph)

    return RdfData([(_ox(s), _ox(p), _ox(o), _ox(g)) for s, p, o, g in q.quads])


def _node_triples(q: _Quads, graph, node, d, graphs_of, sentence, page_graph, articles) -> None:
    kind, a = d["kind"], d["attrs"]
    s = q.iri(node)
    gs = graphs_of(d["provenance"])
    if kind == "page":
        gs = [page_graph[a["source"]]]
        q.add(s, RDF.type, UKG.Page, gs)
        q.add(s, DCTERMS.identifier, Literal(a["source"]), gs)
        q.add(s, UKG.sha256, Literal(a["sha256"]), gs)
        q.add(s, RDFS.label, Literal(a["source"]), gs)
        if a.get("url"):
            q.add(s, DCTERMS.source, Literal(a["url"], datatype=XSD.anyURI), gs)
        if a.get("date") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", a["date"]):
            q.add(s, DCTERMS.date, Literal(a["date"], datatype=XSD.date), gs)
        return
    if kind == "article":
        gs = [page_graph[a["source"]]]
        q.add(s, RDF.type, UKG.Article, gs)
        q.add(s, DCTERMS.isPartOf, q.iri(a["page"]), gs)
        q.add(s, UKG.articleIndex, Literal(a["index"]), gs)
        q.add(s, RDFS.label, _zh(d["label"]), gs)
        if a.get("headline"):
            q.add(s, DCTERMS.title, _zh(a["headline"]), gs)
        for key, prop in (("kicker", UKG.kicker), ("byline", UKG.byline), ("dateline", UKG.dateline)):
            if a.get(key):
                q.add(s, prop, _zh(a[key]), gs)
        q.add(s, UKG.articleType, Literal(a["type"]), gs)
        return
    cls = CLASS_OF.get(kind)
    if kind == "city":
        cls = UKG.District if a.get("level") == "district" else UKG.City
    q.add(s, RDF.type, cls, gs)
    q.add(s, SKOS.prefLabel, _zh(d["label"]), gs)
    q.add(s, RDFS.label, _zh(d["label"]), gs)
    for alias in d["aliases"]:
        q.add(s, SKOS.altLabel, _zh(alias), gs)
    if kind in ("province", "city"):
        q.add(s, SKOS.notation, Literal(a["code"], datatype=UKG.DivisionCode), gs)
    if kind == "policy" and a.get("date"):
        q.add(s, SDO.legislationDate, Literal(a["date"], datatype=XSD.date), gs)
    if kind == "person":
        if a.get("role"):
            q.add(s, UKG.personRole, _zh(a["role"]), gs)
        if a.get("affiliation"):
            q.add(s, UKG.affiliation, _zh(a["affiliation"]), gs)
    for ev in d["provenance"]:
        m = q.iri(f"mention/{_digest(node, ev['page'], str(ev['article']), str(ev['sentence']), str(ev['start']), str(ev['end']), n=16)}")
        g = [graphs_of([ev])[0]]
        q.add(m, RDF.type, UKG.Mention, g)
        q.add(m, UKG.mentionOf, s, g)
        _where_read(q, m, ev, g, articles, sentence)


_EDGE_PROPERTY = {"sub-organization-of": ORG.subOrganizationOf, "issued-by": SDO.legislationPassedBy,
                  "operated-by": UKG.operatedBy, "active-in": UKG.activeIn,
                  "mentioned-in": UKG.mentionedIn, "part-of": DCTERMS.isPartOf}


def _edge_triples(q: _Quads, graph, source, target, d, graphs_of, sentence, articles) -> None:
    s, o = q.iri(source), q.iri(target)
    kind, evidence = d["kind"], d.get("evidence", [])
    if kind == "part-of":
        return  # written with the article
    if kind == "mentioned-in":
        page = graph.nodes[target]["attrs"]["source"]
        q.add(s, UKG.mentionedIn, o, graphs_of([{"page": page}]))
        return
    gs = graphs_of(evidence)
    local_o = target  # evidence ids hash local names only, so --base changes nothing but the base
    if kind == "holds-post":
        local_o = f"post/{_digest(source, d['title'], target, n=16)}"
        post = q.iri(local_o)
        role = q.iri(f"role/{_digest(d['title'], n=12)}")
        q.add(post, RDF.type, ORG.Post, gs)
        q.add(post, ORG.postIn, o, gs)
        q.add(post, ORG.role, role, gs)
        q.add(post, UKG.title, _zh(d["title"]), gs)
        label = f"{graph.nodes[target]['label']}{d['title']}"
        q.add(post, SKOS.prefLabel, _zh(label), gs)
        q.add(post, RDFS.label, _zh(label), gs)
        q.add(role, RDF.type, ORG.Role, gs)
        q.add(role, SKOS.prefLabel, _zh(d["title"]), gs)
        q.add(role, RDFS.label, _zh(d["title"]), gs)
        p, o = ORG.holds, post
    elif kind == "located-in":
        p = SDO.containedInPlace if graph.nodes[source]["kind"] == "city" else SDO.location
    else:
        p = _EDGE_PROPERTY[kind]
    q.add(s, p, o, gs)
    for ev in evidence:
        e = q.iri(f"evidence/{_digest(source, str(p), local_o, ev['page'], str(ev['article']), str(ev['sentence']), str(ev['start']), n=16)}")
        g = graphs_of([ev])
        for triple in ((RDF.type, UKG.Evidence), (RDF.subject, s), (RDF.predicate, p), (RDF.object, o)):
            q.add(e, *triple, g)
        _where_read(q, e, ev, g, articles, sentence)


def _where_read(q: _Quads, resource, ev: dict, graphs, articles, sentence) -> None:
    """A mention's or evidence's article, sentence and offsets into the original page."""
    art = articles.get((ev["page"], ev["article"]))
    if art:
        q.add(resource, PROV.wasDerivedFrom, q.iri(art), graphs)
    sent = sentence(ev)
    if sent is not None:
        q.add(resource, UKG.inSentence, sent, graphs)
        q.add(resource, UKG.beginIndex, Literal(ev["start"]), graphs)
        q.add(resource, UKG.endIndex, Literal(ev["end"]), graphs)


def _build_activity(q: _Quads, graph, pages: dict, page_graph: dict) -> None:
    sums = sorted(graph.nodes[n]["attrs"]["sha256"] for n in pages.values())
    build = q.iri(f"build/{_digest(__version__, *sums, n=16)}")
    agent = q.iri("agent/unionkg")
    default = [None]
    q.add(build, RDF.type, PROV.Activity, default)
    q.add(build, RDFS.label, Literal(f"unionkg {__version__} build of {len(pages)} pages"), default)
    q.add(build, UKG.toolVersion, Literal(__version__), default)
    q.add(build, PROV.wasAssociatedWith, agent, default)
    q.add(agent, RDF.type, PROV.SoftwareAgent, default)
    q.add(agent, RDFS.label, Literal("unionkg"), default)
    for src, node in sorted(pages.items()):
        q.add(build, PROV.used, q.iri(node), default)
        q.add(page_graph[src], PROV.wasDerivedFrom, q.iri(node), default)
        q.add(page_graph[src], PROV.wasGeneratedBy, build, default)


def union_graph(data: RdfData) -> Graph:
    """The union graph as an rdflib Graph (for pySHACL)."""
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    g.parse(data=ox.serialize(data.triples(), format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return g


FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
           "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
_PREFIX_STRINGS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def serialize(data: RdfData, fmt: str) -> str:
    """Deterministic text of the dataset (TriG, N-Quads) or of its union graph (the other formats)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt in ("trig", "nq"):
        items = data.quads
    else:
        items = data.triples()
    prefixes = _PREFIX_STRINGS if fmt in ("ttl", "trig", "xml") else None
    text = ox.serialize(items, format=FORMATS[fmt], prefixes=prefixes).decode("utf-8")
    if fmt == "jsonld":
        return _jsonld(text)
    return text


def _jsonld(expanded: str) -> str:
    """Oxigraph's expanded JSON-LD under an inline @context of the prefixes, keys compacted."""
    def compact(iri: str) -> str:
        for prefix, ns in _PREFIX_STRINGS.items():
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z][\w-]*", iri[len(ns):]):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    nodes = json.loads(expanded)
    for node in nodes:
        for key in [k for k in node if not k.startswith("@")]:
            node[compact(key)] = node.pop(key)
        if "@type" in node:
            types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
            node["@type"] = [compact(t) for t in types]
    doc = {"@context": _PREFIX_STRINGS, "@graph": nodes}  # in the order of the sorted triples: stable
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def validate(data: RdfData) -> tuple[bool, str]:
    """SHACL validation of the union graph against ``shapes.ttl``."""
    from pyshacl import validate as shacl

    shapes = Graph().parse(SHAPES, format="turtle")
    ontology = Graph().parse(ONTOLOGY, format="turtle")
    conforms, _, text = shacl(union_graph(data), shacl_graph=shapes, ont_graph=ontology,
                              inference="none", allow_warnings=True)
    return conforms, text
