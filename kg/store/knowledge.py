"""The knowledge base read back from a build's store, for ``kg export --format json|html``.

``kg build`` writes ``graph.json`` and ``graph.html`` from the networkx graph of its knowledge base
(``kg.build.graph.build_graph``). The RDF it loads into the store (``kg.export.rdf``) carries
every field of that graph, so the knowledge base can be read back from the store and the same
graph made from it: ``kg export --format json`` then writes, byte for byte, the ``graph.json`` of
the build, and ``--format html`` its ``graph.html`` (the graph lists mentions, evidence and an
official's posts in one sorted order, ``kg.build.graph.build_graph``, so no order is read). What the RDF carries for it, besides the
names, classes, relations and the sentences and offsets of every mention and evidence:

- the attributes resolution decided, which a relation alone does not always give (a union is
  ``org:subOrganizationOf`` its enterprise's federation without that being its parent):
  ``ukg:province``, ``ukg:parentUnion``, ``ukg:isDepartment``, ``ukg:issuer``, ``ukg:countryCode``,
  ``ukg:divisionCode``, ``ukg:shortName``, ``ukg:continuedOn``, an archive record's ``ukg:recordId``,
  ``ukg:archive`` and ``ukg:recordLine``, and a date that is no calendar day (``ukg:dateText``);
- the text of a mention read outside a sentence (a byline), on the mention itself (its offsets,
  0 and 0, are not written).

Read from the union of the store's named graphs: its default graph, where a build's store keeps
it, else the named graphs themselves (each triple taken once), so that a store without the copy of
the union reads the same; only the properties the reader needs, one pass over each. What the RDF cannot hold is not in the result: the namesakes merged (``merges.tsv``),
and a title an official's name was printed with and no post was made of (resolution drops it
before graph.json is written). A literal with control characters is written with spaces in the
RDF (``kg.export.rdf._zh``), and so reads back with them.
"""
from __future__ import annotations

import pyoxigraph as ox

from kg.export.rdf import CLASS_OF, PREFIXES, RDF, UKG, curie
from kg.knowledge import kinds
from kg.resolve.entities import Entity, Evidence, KnowledgeBase, Relation, evidence_order

__all__ = ["StoreContentError", "read_knowledge_base"]


class StoreContentError(ValueError):
    """The store does not hold what a build of this version writes (an empty store, another
    program's, or one made by an earlier unionkg): ``kg build`` makes it again."""


def _iri(term: str) -> str:
    return term[1:-1]  # an N-Triples term of kg.export.rdf (``<...>``) as the IRI pyoxigraph gives


_UKG, _SKOS, _DCTERMS, _SDO = (PREFIXES[p] for p in ("ukg", "skos", "dcterms", "schema"))
_TYPE, _VALUE = _iri(RDF.type), _iri(RDF.value)
_SUBJECT, _PREDICATE, _OBJECT = (PREFIXES["rdf"] + n for n in ("subject", "predicate", "object"))
_LABEL = PREFIXES["rdfs"] + "label"
_URI_SPACE = PREFIXES["void"] + "uriSpace"
_HOLDS, _POST_IN = PREFIXES["org"] + "holds", PREFIXES["org"] + "postIn"
_DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"
_IS_PART_OF = _DCTERMS + "isPartOf"

# entity class -> kind (a city of level district is a ukg:District)
_KIND_OF_CLASS = {_iri(cls): kind for kind, cls in CLASS_OF.items()} | {_iri(UKG.District): "city"}
# relation property -> kind (a city's located-in is schema:containedInPlace)
_RELATION_OF = {_iri(curie(r.prop)): r.name for r in kinds.RELATION_KINDS} | {_SDO + "containedInPlace": "located-in"}
_MENTION, _EVIDENCE, _SENTENCE = _iri(UKG.Mention), _iri(UKG.Evidence), _iri(UKG.Sentence)

# Each kind's attributes (a field of its class in kg.resolve.entities) -> the property that holds it,
# for the fields that are one value of one property. The others are made below: a page's and an
# article's (from their own triples), a city's level (its class), an official's posts (its org:Post).
_ATTRIBUTES = {
    "province": {"code": _SKOS + "notation", "short": _UKG + "shortName"},
    "city": {"code": _SKOS + "notation"},
    "union": {"province": _UKG + "province", "parent": _UKG + "parentUnion", "department": _UKG + "isDepartment"},
    "organization": {"province": _UKG + "province", "country": _UKG + "countryCode"},
    "enterprise": {"division": _UKG + "divisionCode", "province": _UKG + "province"},
    "person": {"role": _UKG + "personRole", "affiliation": _UKG + "affiliation"},
    "policy": {"date": (_SDO + "legislationDate", _UKG + "dateText"), "issuer": _UKG + "issuer"},
    "page": {"source": _DCTERMS + "identifier", "sha256": _UKG + "sha256", "id": _UKG + "recordId",
             "url": _DCTERMS + "source", "date": (_DCTERMS + "date", _UKG + "dateText"),
             "archive": _UKG + "archive", "line": _UKG + "recordLine"},
    "article": {"index": _UKG + "articleIndex", "headline": _DCTERMS + "title", "kicker": _UKG + "kicker",
                "byline": _UKG + "byline", "dateline": _UKG + "dateline", "type": _UKG + "articleType",
                "continued": _UKG + "continuedOn"},
}
_XSD_INTEGER, _XSD_BOOLEAN = PREFIXES["xsd"] + "integer", PREFIXES["xsd"] + "boolean"
# every property the reader looks at (the build's description, the roles and labels of posts are not read)
_READ = frozenset({_TYPE, _VALUE, _SUBJECT, _PREDICATE, _OBJECT, _LABEL, _URI_SPACE, _HOLDS, _POST_IN, _DERIVED_FROM,
                   _IS_PART_OF, _SKOS + "prefLabel", _SKOS + "altLabel", *_RELATION_OF,
                   *(_UKG + name for name in ("mentionOf", "inSentence", "sentenceIndex", "beginIndex", "endIndex",
                                              "title")),
                   *(prop for fields in _ATTRIBUTES.values() for props in fields.values()
                     for prop in (props if isinstance(props, tuple) else (props,)))})


def _python(term):
    """A term as graph.json holds it: an IRI as itself, an integer or boolean literal as the
    number or truth value, any other literal as its text."""
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        if datatype == _XSD_INTEGER:
            return int(term.value)
        if datatype == _XSD_BOOLEAN:
            return term.value in ("true", "1")
        return term.value
    return term.value


class _Many(list):
    """The values of a property a subject has more than once (one value is kept as it is), each once."""

    def __init__(self, values):
        super().__init__(values)
        self.members = set(values)

    def add(self, value) -> None:
        if value not in self.members:
            self.members.add(value)
            self.append(value)


_ABSENT = object()


class _Triples:
    """The triples of the store's union graph the reader needs (those of ``_READ``), each
    subject's values by property, as ``_python`` gives them (in the store's order, which does
    not matter: every list the result keeps is ordered by an index).

    The union is the store's default graph when it holds one (a build's store keeps it, as
    ``kg.store.database`` says), else made here from the named graphs, each triple once. Held
    compactly, as a year's store has some 600,000 triples: an IRI's text once however often it is
    met, and a property's single value without a list around it."""

    def __init__(self, store: ox.Store, properties):
        self.values: dict[str, dict[str, object]] = {}
        iris: dict[str, str] = {}
        union = ox.DefaultGraph() if next(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), None) else None
        for prop in sorted(properties):
            by_subject = self.values[prop] = {}
            for quad in store.quads_for_pattern(None, ox.NamedNode(prop), None, union):
                subject, obj = quad.subject.value, quad.object
                subject = iris.setdefault(subject, subject)
                if isinstance(obj, ox.Literal):
                    value = _python(obj)
                else:
                    value = obj.value
                    value = iris.setdefault(value, value)
                found = by_subject.get(subject, _ABSENT)
                if found is _ABSENT:
                    by_subject[subject] = value
                elif isinstance(found, _Many):
                    found.add(value)
                elif found != value:
                    by_subject[subject] = _Many((found, value))

    def items(self, prop: str):
        """(subject, its values) of every subject with a value of ``prop``."""
        for subject, found in self.values.get(prop, {}).items():
            yield subject, found if isinstance(found, _Many) else [found]

    def all(self, subject: str, prop: str) -> list:
        found = self.values.get(prop, {}).get(subject, _ABSENT)
        return [] if found is _ABSENT else found if isinstance(found, _Many) else [found]

    def one(self, subject: str, prop: str, default=None):
        """The value of a property a subject has once, else ``default``."""
        found = self.values.get(prop, {}).get(subject, _ABSENT)
        if isinstance(found, _Many):
            raise StoreContentError(f"<{subject}> has {len(found)} values of <{prop}>, where a build writes one")
        return default if found is _ABSENT else found


def read_knowledge_base(store: ox.Store) -> KnowledgeBase:
    """The knowledge base of the build whose store this is, as far as graph.json holds it: its
    entities (with their attributes and provenance) and relations (with their evidence), in the
    order ``kg.resolve.resolve`` gives them; no merges. ``StoreContentError`` when the store is
    not a build's of this version."""
    t = _Triples(store, _READ)
    bases = {v for _, values in t.items(_URI_SPACE) for v in values}
    if len(bases) != 1:
        raise StoreContentError("no build's description (void:uriSpace) in the store: not a store `kg build` made"
                                if not bases else f"the store describes {len(bases)} builds, not one")
    base = bases.pop()

    def local(iri: str) -> str:
        if not iri.startswith(base):
            raise StoreContentError(f"<{iri}> is not under the build's base {base}")
        return iri[len(base):]

    kind_of: dict[str, str] = {}  # entity IRI -> kind
    for subject, classes in t.items(_TYPE):
        for cls in classes:
            kind = _KIND_OF_CLASS.get(cls)
            if kind is not None:
                kind_of[subject] = kind
    entities: dict[str, Entity] = {}
    for iri, kind in kind_of.items():
        name = t.one(iri, _LABEL if kind in ("page", "article") else _SKOS + "prefLabel")
        e = Entity(local(iri), kind, name, set(t.all(iri, _SKOS + "altLabel")))
        for field, props in _ATTRIBUTES.get(kind, {}).items():
            for prop in props if isinstance(props, tuple) else (props,):
                value = t.one(iri, prop)
                if value is not None:
                    setattr(e.attrs, field, local(value) if field in ("province", "parent", "issuer") else value)
        if kind == "city":
            e.attrs.level = "district" if _iri(UKG.District) in t.all(iri, _TYPE) else "city"
        entities[iri] = e
    for iri, e in entities.items():
        if e.kind == "article":
            page = t.one(iri, _IS_PART_OF)
            e.attrs.page, e.attrs.source = local(page), entities[page].attrs.source
    articles = {iri: (e.attrs.source, e.attrs.index) for iri, e in entities.items() if e.kind == "article"}

    def evidence(node: str) -> Evidence:
        """The evidence a mention or evidence node records."""
        article = t.one(node, _DERIVED_FROM)
        if article not in articles:
            raise StoreContentError(f"<{node}> is read from no article of the store")
        sentence = t.one(node, _UKG + "inSentence")
        if sentence is not None:
            number, text = t.one(sentence, _UKG + "sentenceIndex"), t.one(sentence, _VALUE)
            start, end = t.one(node, _UKG + "beginIndex"), t.one(node, _UKG + "endIndex")
        else:  # read outside any sentence (a byline): its text is its own, its offsets 0, 0 unless written
            number, text = -1, t.one(node, _VALUE, "")
            start, end = t.one(node, _UKG + "beginIndex", 0), t.one(node, _UKG + "endIndex", 0)
        if start is None or end is None:
            raise StoreContentError(f"<{node}> lacks its offsets: the store was made by an earlier unionkg; "
                                    "`kg build` makes it again")
        page, index = articles[article]
        return Evidence(page, index, number, start, end, text)

    provenance: dict[str, list] = {}
    for node, of in t.items(_UKG + "mentionOf"):
        for entity in of:
            provenance.setdefault(entity, []).append(evidence(node))
    for iri, found in provenance.items():
        if iri in entities:
            entities[iri].evidence = sorted(found, key=evidence_order)

    posts: dict[str, tuple[str, str]] = {}  # org:Post IRI -> (title, body IRI)
    for post, bodies in t.items(_POST_IN):
        posts[post] = (t.one(post, _UKG + "title"), bodies[0])

    def relation_key(subject: str, prop: str, obj: str) -> tuple | None:
        """(kind, source IRI, target IRI, title) of a relation triple, None for another triple."""
        if subject not in entities:
            return None  # a sentence's dcterms:isPartOf, a post's ...
        if prop == _HOLDS:
            title, body = posts[obj]
            return "holds-post", subject, body, title
        kind = _RELATION_OF.get(prop)
        return None if kind is None else (kind, subject, obj, None)

    relations: dict[tuple, list] = {}
    for prop in {*_RELATION_OF, _HOLDS}:
        for subject, objects in t.items(prop):
            for obj in objects:
                key = relation_key(subject, prop, obj)
                if key is not None:
                    relations.setdefault(key, [])
    for node, subjects in t.items(_SUBJECT):
        key = relation_key(subjects[0], t.one(node, _PREDICATE), t.one(node, _OBJECT))
        if key is None or key not in relations:
            raise StoreContentError(f"<{node}> is the evidence of no relation of the store")
        relations[key].append(evidence(node))

    held: dict[str, list[tuple[str, str]]] = {}  # an official's posts: one per post it holds
    for subject, held_posts in t.items(_HOLDS):
        for post in held_posts:
            title, body = posts[post]
            held.setdefault(subject, []).append((title, local(body)))
    for iri, found in held.items():
        entities[iri].attrs.posts = sorted(found)

    out = [Relation(kind, local(source), local(target), title, sorted(found, key=evidence_order))
           for (kind, source, target, title), found in relations.items()]
    out.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
    by_id = dict(sorted((e.id, e) for e in entities.values()))
    pages = sorted(e.attrs.source for e in by_id.values() if e.kind == "page")
    return KnowledgeBase(by_id, out, pages)
