"""The kinds registry: every kind of entity and relation, and what each stage does with it.

Why one table: a kind used to be spelled out in ten places (a branch in ``resolve``, a class
in ``rdf.CLASS_OF``, a section in ``facts``, a style in ``html.KINDS``, tuples of kinds in the
extractors, a property in ``rdf._EDGE_PROPERTY``), and a place that missed it failed quietly:
a mention dropped without a word, ``rdf:type None`` written into the N-Quads, a ``KeyError``
deep in an export. Here each kind names all its parts at once, in the spirit of rdflib's
plugin table: the stages read them from here, ``check()`` refuses an entry that lacks one at
import time, and ``entity_kind`` / ``mention_kind`` / ``relation_kind`` raise ``UnknownKind``
naming a kind nobody registered. ``tests/test_kinds.py`` checks that every part exists: the
extractor module, the resolver function, the RDF class in ``ontology.ttl``, the facts section
in the facts of a page, the property of every relation.

The entries are plain strings (functions as ``"module:name"``), so that this module imports
nothing of ``kg`` and every stage may import it.

Adding a kind: see ``docs/kinds.md``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from functools import lru_cache

__all__ = ["EntityKind", "RelationKind", "UnknownKind", "ENTITY_KINDS", "RELATION_KINDS", "FACTS_SECTIONS",
           "entity_kind", "mention_kind", "relation_kind", "mention_kinds", "mention_attributes", "bodies", "refinements", "whole_article", "drawn", "function", "check", "first", "merge_input"]


class UnknownKind(ValueError):
    """A kind of entity, mention or relation that is not in the registry (``kg/knowledge/kinds.py``)."""


@dataclass(frozen=True)
class EntityKind:
    """One kind of entity and every stage's part of it.

    ``mention``: the mention kind extractors write for it (``place`` for provinces and cities;
    ``None`` for pages and articles, which are read from the page itself). ``extractor``: the
    module (or ``module:function``) that finds it. ``attributes``: the dataclass
    (``module:Class``) a mention of it carries as ``Mention.attrs``: what its extractor read
    from the span, field by field (``ArticleFindings.add`` refuses a mention with another).
    ``entity_attributes``: the dataclass (``module:Class``, default module ``kg.resolve.entities``) of
    what resolution knows of an entity of the kind besides its name (``Entity.attrs``: a union's
    province and parent, an official's posts). ``resolver``: the function of ``kg.resolve.entities``
    (or ``module:function``) that makes its mentions entities. ``rdf_class``: its class, a local
    name in the ``ukg:`` namespace of ``ontology.ttl``. ``facts``: its key in a page's facts JSON,
    ``facts_writer`` the function (``module:function``, given the page's ``kg.export.facts._Page``) that
    writes that section.
    ``shape``, ``colour`` and ``legend``: how ``graph.html`` and ``kg serve`` draw it. ``body``:
    an organisation a post is held at, a policy issued by or a program operated by.
    ``whole_article``: its resolver is called once an article, with all its mentions, after the
    other mentions (``resolve._resolve_programs`` merges a program's wordings of one article).
    ``refines`` and ``accepts``: a kind read from another kind's mentions too: a mention of kind
    ``refines`` that ``accepts`` accepts is resolved by this kind's resolver instead (an
    organisation named as an enterprise is an enterprise, whichever extractor found it)."""

    name: str
    mention: str | None
    extractor: str
    attributes: str
    entity_attributes: str
    resolver: str
    rdf_class: str
    facts: str
    facts_writer: str
    shape: str
    colour: str
    legend: str
    body: bool = False
    whole_article: bool = False  # its resolver takes all its mentions of an article at once
    drawn: bool = True  # pages and articles are not drawn unless asked for
    refines: str | None = None  # a mention kind some of whose mentions are of this kind ...
    accepts: str | None = None  # ... those this function (module:function, mention -> bool) accepts


FOLD_FIRST = "kg.fold.first"  # the metadata key of a first()-kept attribute


def first():
    """An entity attribute (a field of a kind's ``entity_attributes``) that the first page, in the
    build's order, that reads it keeps; a later page's value replaces the earlier one otherwise
    (``kg.resolve.entities._Builder.absorb``). A policy's date and issuer, an enterprise's place."""
    return field(default=None, metadata={FOLD_FIRST: True})


NOT_ON_PAGES = "kg.not_on_pages"  # the metadata key of a merge_input() attribute


def merge_input():
    """An entity attribute that resolution reads (the merge of namesakes) but that neither a page's facts
    nor its named graph show (only the whole graph's ``graph.json``): its change reaches no page's outputs
    (``kg.pipeline.state.Changes``). An official's posts (the facts and the RDF read the relations) and
    bare titles."""
    return field(default=None, metadata={NOT_ON_PAGES: True})


@dataclass(frozen=True)
class RelationKind:
    """One kind of relation: ``prop`` is the RDF property it is written as (a CURIE of
    ``rdf.PREFIXES``); ``link``: extractors write it as a ``Link`` between two mentions, and
    ``resolver`` (a function of ``kg.resolve.entities``, or ``module:function``) makes that link a
    relation; ``None`` for relations resolution makes itself (located-in, mentioned-in ...)."""

    name: str
    prop: str
    resolver: str | None = None


# In the order graph.html's legend and kg serve list them.
ENTITY_KINDS: tuple[EntityKind, ...] = (
    EntityKind("union", "union", "kg.extract.organizations", "kg.extract.organizations:UnionAttrs", "UnionInfo",
               "_resolve_union", "UnionBody", "union_bodies",
               "kg.export.facts:_union_bodies", "dot", "#d62728", "工会 union", body=True),
    EntityKind("organization", "organization", "kg.extract.organizations",
               "kg.extract.organizations:OrganizationAttrs", "OrganizationInfo",
               "_resolve_organization", "Organization",
               "organizations", "kg.export.facts:_organizations", "hexagon", "#9467bd", "机构 organization", body=True),
    EntityKind("enterprise", "enterprise", "kg.extract.enterprises", "kg.extract.enterprises:EnterpriseAttrs",
               "kg.extract.enterprises:EnterpriseInfo", "kg.extract.enterprises:resolve", "Enterprise",
               "enterprises", "kg.extract.enterprises:facts", "hexagon", "#8c564b", "企业 enterprise",
               refines="organization", accepts="kg.extract.enterprises:names_an_enterprise"),
    EntityKind("official", "official", "kg.extract.officials", "kg.extract.officials:OfficialAttrs", "OfficialInfo",
               "_resolve_official", "Official", "officials",
               "kg.export.facts:_officials", "diamond", "#1f77b4", "官员 official"),
    EntityKind("person", "person", "kg.extract.officials", "kg.extract.officials:PersonAttrs", "PersonInfo",
               "_resolve_person", "Person", "persons",
               "kg.export.facts:_persons", "triangleDown", "#8c8c8c", "人物 person"),
    EntityKind("province", "place", "kg.extract.places", "kg.extract.places:PlaceAttrs", "ProvinceInfo",
               "_resolve_place", "Province", "provinces",
               "kg.export.facts:_provinces", "square", "#2ca02c", "省份 province"),
    EntityKind("city", "place", "kg.extract.places", "kg.extract.places:PlaceAttrs", "CityInfo",
               "_resolve_place", "City", "cities",
               "kg.export.facts:_cities", "triangle", "#17becf", "市县区 city"),
    EntityKind("policy", "policy", "kg.extract.policies", "kg.extract.policies:PolicyAttrs", "PolicyInfo",
               "_resolve_policy", "Policy", "policies",
               "kg.export.facts:_policies", "star", "#ff7f0e", "政策 policy"),
    EntityKind("program", "program", "kg.extract.programs", "kg.extract.programs:ProgramAttrs", "ProgramInfo",
               "_resolve_programs", "Program", "programs",
               "kg.export.facts:_programs", "star", "#e377c2", "项目 program", whole_article=True),
    EntityKind("page", None, "kg.ingest.pages:parse_page", "kg.ingest.pages:Page", "PageInfo",
               "resolve", "Page", "source",
               "kg.export.facts:_source", "box", "#c7c7c7", "版面 page", drawn=False),
    EntityKind("article", None, "kg.ingest.pages:parse_page", "kg.ingest.pages:Article", "ArticleInfo",
               "_resolve_article", "Article", "articles",
               "kg.export.facts:_articles", "ellipse", "#dbdb8d", "文章 article", drawn=False),
)

# The keys of a page's facts JSON, in the order they are written (the scored sections of
# ../shared/eval/SCHEMA.md first, then the informative ones).
FACTS_SECTIONS: tuple[str, ...] = ("source", "officials", "union_bodies", "provinces", "policies", "programs",
                                   "persons", "cities", "organizations", "enterprises",
                                   "articles")

RELATION_KINDS: tuple[RelationKind, ...] = (
    RelationKind("holds-post", "org:holds", "_link_holds_post"),  # through an org:Post (rdf._edge_triples)
    RelationKind("issued-by", "schema:legislationPassedBy", "_link_issued_by"),
    RelationKind("operated-by", "ukg:operatedBy", "_link_operated_by"),
    RelationKind("active-in", "ukg:activeIn", "_link_active_in"),
    RelationKind("sub-organization-of", "org:subOrganizationOf"),
    RelationKind("located-in", "schema:location"),  # a city's: schema:containedInPlace (rdf._edge_triples)
    RelationKind("mentioned-in", "ukg:mentionedIn"),
    RelationKind("part-of", "dcterms:isPartOf", "kg.extract.enterprises:resolve_part_of"),  # a union's enterprise
)

_ENTITY = {k.name: k for k in ENTITY_KINDS}
_RELATION = {k.name: k for k in RELATION_KINDS}


def entity_kind(name: str) -> EntityKind:
    """The registry entry of an entity kind; ``UnknownKind`` naming it when there is none."""
    kind = _ENTITY.get(name)
    if kind is None:
        raise UnknownKind(f"unknown entity kind {name!r}: register it in kg/knowledge/kinds.py ENTITY_KINDS "
                          f"(known: {', '.join(_ENTITY)})")
    return kind


def mention_kinds() -> dict[str, str]:
    """Each mention kind extractors may write -> the resolver of its mentions."""
    return {k.mention: k.resolver for k in ENTITY_KINDS if k.mention is not None}


def mention_attributes() -> dict[str, str]:
    """Each mention kind extractors may write -> the class of its attributes (``module:Class``)."""
    return {k.mention: k.attributes for k in ENTITY_KINDS if k.mention is not None}


def mention_kind(name: str) -> str:
    """The resolver of a mention kind; ``UnknownKind`` naming it when no entity kind has it."""
    resolver = mention_kinds().get(name)
    if resolver is None:
        raise UnknownKind(f"unknown mention kind {name!r}: no entity kind in kg/knowledge/kinds.py ENTITY_KINDS is "
                          f"written as it (known: {', '.join(mention_kinds())})")
    return resolver


def relation_kind(name: str) -> RelationKind:
    """The registry entry of a relation (or link) kind; ``UnknownKind`` naming it when there is none."""
    kind = _RELATION.get(name)
    if kind is None:
        raise UnknownKind(f"unknown relation kind {name!r}: register it in kg/knowledge/kinds.py RELATION_KINDS "
                          f"(known: {', '.join(_RELATION)})")
    return kind


@lru_cache(maxsize=1)
def bodies() -> tuple[str, ...]:
    """The mention kinds of bodies (a post's organisation, a policy's issuer), in registry order."""
    return tuple(k.mention for k in ENTITY_KINDS if k.body)


def refinements() -> dict[str, tuple[tuple[str, str], ...]]:
    """Mention kind -> (accepts, resolver) of each kind that refines it, in registry order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for k in ENTITY_KINDS:
        if k.refines is not None and k.accepts is not None:
            out.setdefault(k.refines, []).append((k.accepts, k.resolver))
    return {m: tuple(v) for m, v in out.items()}


def whole_article() -> tuple[str, ...]:
    """The mention kinds resolved once an article, all at once (see ``EntityKind``)."""
    return tuple(k.mention for k in ENTITY_KINDS if k.whole_article and k.mention is not None)


def drawn() -> tuple[str, ...]:
    """The entity kinds drawn and listed by default (not pages and articles)."""
    return tuple(k.name for k in ENTITY_KINDS if k.drawn)


def function(spec: str, default_module: str = "kg.resolve.entities"):
    """The function a registry entry names: ``"module:name"``, or ``"name"`` of ``default_module``."""
    module, _, name = spec.rpartition(":") if ":" in spec else (default_module, ":", spec)
    found = getattr(importlib.import_module(module), name, None)
    if not callable(found):
        raise UnknownKind(f"kg/knowledge/kinds.py names {spec!r}, which is no function of {module}")
    return found


def check() -> None:
    """Refuse a registry that lacks a part: an empty field, a kind or facts section twice, a
    facts section not in ``FACTS_SECTIONS``, two resolvers for one mention kind. Run at import
    (cheap: no module is imported here; ``tests/test_kinds.py`` imports every part)."""
    names = [k.name for k in ENTITY_KINDS]
    if len(set(names)) != len(names):
        raise ValueError(f"kg/knowledge/kinds.py: an entity kind is registered twice: {names}")
    for k in ENTITY_KINDS:
        missing = [f for f in ("extractor", "attributes", "entity_attributes", "resolver", "rdf_class", "facts", "facts_writer", "shape", "colour",
                               "legend") if not getattr(k, f)]
        if (k.refines is None) != (k.accepts is None):
            missing.append("accepts" if k.accepts is None else "refines")
        if missing:
            raise ValueError(f"kg/knowledge/kinds.py: entity kind {k.name!r} lacks {', '.join(missing)}")
    sections = [k.facts for k in ENTITY_KINDS]
    if sorted(sections) != sorted(FACTS_SECTIONS):
        raise ValueError(f"kg/knowledge/kinds.py: FACTS_SECTIONS {FACTS_SECTIONS} and the kinds' sections {sections} differ")
    resolvers: dict[str, str] = {}
    attributes: dict[str, str] = {}
    for k in ENTITY_KINDS:
        if k.mention is not None and resolvers.setdefault(k.mention, k.resolver) != k.resolver:
            raise ValueError(f"kg/knowledge/kinds.py: mention kind {k.mention!r} has two resolvers")
        if k.mention is not None and attributes.setdefault(k.mention, k.attributes) != k.attributes:
            raise ValueError(f"kg/knowledge/kinds.py: mention kind {k.mention!r} has two attributes classes")
    for r in RELATION_KINDS:
        if not r.prop or ":" not in r.prop:
            raise ValueError(f"kg/knowledge/kinds.py: relation kind {r.name!r} lacks its RDF property")
    if len(_RELATION) != len(RELATION_KINDS):
        raise ValueError("kg/knowledge/kinds.py: a relation kind is registered twice")


check()
