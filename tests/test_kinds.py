"""The kinds registry (kg/knowledge/kinds.py): every kind has every part, and a kind nobody registered
raises, naming it, wherever it first appears (issue 15). The pages are invented."""
from __future__ import annotations

import dataclasses
import json
import importlib

import pytest

from kg import api
from kg.export import facts, html, rdf
from kg.knowledge import kinds
from kg.build.graph import graph_from_json, graph_json, knowledge_base
from kg.resolve import entities as resolve
from kg.resolve.entities import Relation
from kg.extract import extractors
from kg.extract.base import Link, Mention, attributes_class
from kg.extract.organizations import OrganizationAttrs

PAGE = "# 河南省总工会召开全委会议\n\n本报讯 河南省总工会党组书记、主席李明远出席会议，部署“职工之家”建设。\n"
_VIS_SHAPES = {"dot", "diamond", "triangle", "triangleDown", "square", "star", "hexagon", "box", "ellipse",
               "circle", "text", "database"}


def _kb(text: str = PAGE):
    page = api.read_text(text, "kinds.txt")
    return page, api.resolve_pages([(page, api.extract_page(page))])


@pytest.mark.parametrize("kind", kinds.ENTITY_KINDS, ids=lambda k: k.name)
def test_every_entity_kind_has_every_part(kind):
    module = kind.extractor.partition(":")[0]
    importlib.import_module(module)  # its extractor's module
    if ":" in kind.extractor:
        assert callable(kinds.function(kind.extractor))
    assert callable(kinds.function(kind.resolver))  # its resolver
    assert kind.rdf_class and rdf.CLASS_OF[kind.name] == f"<{rdf.PREFIXES['ukg']}{kind.rdf_class}>"
    assert kind.facts in kinds.FACTS_SECTIONS and callable(kinds.function(kind.facts_writer))
    if kind.refines is not None:
        assert kind.refines in kinds.mention_kinds() and callable(kinds.function(kind.accepts))
    assert html.KINDS[kind.name] == (kind.shape, kind.colour, kind.legend)
    assert kind.shape in _VIS_SHAPES and kind.colour.startswith("#") and len(kind.colour) == 7


def test_every_class_and_property_is_in_the_ontology():
    rdf.check_kinds.cache_clear()
    rdf.check_kinds()  # raises naming a kind whose class or property ontology.ttl lacks


@pytest.mark.parametrize("relation", kinds.RELATION_KINDS, ids=lambda r: r.name)
def test_every_relation_kind_has_its_property_and_link_resolver(relation):
    assert rdf._EDGE_PROPERTY[relation.name] == rdf.curie(relation.prop)
    if relation.resolver:
        assert callable(kinds.function(relation.resolver))


def test_every_extractor_writes_a_registered_kind():
    assert {ex.kind for ex in extractors()} <= set(kinds.mention_kinds())
    assert set(kinds.bodies()) <= set(kinds.mention_kinds())


def test_the_facts_of_a_page_have_every_section_in_order():
    page, kb = _kb()
    out = facts.page_facts(kb, page.source)
    assert tuple(out) == kinds.FACTS_SECTIONS
    assert out["union_bodies"][0]["name"] == "河南省总工会"


@pytest.mark.parametrize("field", ["extractor", "resolver", "rdf_class", "facts", "facts_writer", "shape", "colour",
                                   "legend", "accepts"])
def test_a_kind_lacking_a_part_is_refused_naming_it(monkeypatch, field):
    broken = dataclasses.replace(kinds.ENTITY_KINDS[0], **{"name": "factory", "facts": "factories",
                                                           "refines": "organization", "accepts": "kg.x:y", field: ""})
    if field == "accepts":
        broken = dataclasses.replace(broken, accepts=None)  # refines a kind, but accepts nothing
    monkeypatch.setattr(kinds, "ENTITY_KINDS", (*kinds.ENTITY_KINDS, broken))
    monkeypatch.setattr(kinds, "FACTS_SECTIONS", (*kinds.FACTS_SECTIONS, broken.facts))
    with pytest.raises(ValueError, match="factory"):
        kinds.check()


def test_a_relation_kind_without_its_property_is_refused(monkeypatch):
    monkeypatch.setattr(kinds, "RELATION_KINDS", (*kinds.RELATION_KINDS, kinds.RelationKind("owned-by", "")))
    with pytest.raises(ValueError, match="owned-by"):
        kinds.check()


def test_an_unknown_kind_raises_naming_it():
    for lookup in (kinds.entity_kind, kinds.mention_kind, kinds.relation_kind):
        with pytest.raises(kinds.UnknownKind, match="'factory'"):
            lookup("factory")


def test_a_mention_of_an_unknown_kind_is_not_dropped_silently():
    page = api.read_text(PAGE, "kinds.txt")
    found = api.extract_page(page)
    with pytest.raises(kinds.UnknownKind, match="'factory'"):
        found[0].add(Mention("factory", "职工之家", 1, 0, 2, OrganizationAttrs("职工之家")))
    # one that gets past ``add`` (written into the list by hand) is refused by resolution, not dropped
    found[0].mentions.append(Mention("factory", "职工之家", 1, 0, 2, OrganizationAttrs("职工之家"),
                                     id=len(found[0].mentions)))
    with pytest.raises(kinds.UnknownKind, match="'factory'"):
        resolve.resolve([(page, found)])


def test_a_mention_whose_attributes_are_not_its_kinds_class_is_refused_naming_both():
    """Each mention kind's attributes are the dataclass the registry names (a union's are
    ``UnionAttrs``): an extractor that gives another, or a dict, fails where it adds it."""
    page = api.read_text(PAGE, "kinds.txt")
    found = api.extract_page(page)
    with pytest.raises(TypeError, match="union mention '某市总工会' with attributes of class OrganizationAttrs, "
                                        "not UnionAttrs"):
        found[0].add(Mention("union", "某市总工会", 1, 0, 5, OrganizationAttrs("某市总工会")))
    with pytest.raises(TypeError, match="class dict, not PlaceAttrs"):
        found[0].add(Mention("place", "某市", 1, 0, 2, {"codes": ("110000",)}))


def test_every_mention_kind_names_a_dataclass_of_its_extractor_module():
    for kind in kinds.ENTITY_KINDS:
        cls = kinds.function(kind.attributes)
        assert dataclasses.is_dataclass(cls), kind.name
        if kind.mention is not None:
            assert cls is attributes_class(kind.mention)
            module = kind.extractor.partition(":")[0]
            assert cls.__module__ == module, (kind.name, cls.__module__)


def test_a_link_of_an_unknown_kind_raises_naming_it():
    page = api.read_text(PAGE, "kinds.txt")
    found = api.extract_page(page)
    found[0].add(Link("owned-by", found[0].mentions[0], found[0].mentions[1], 1))
    with pytest.raises(kinds.UnknownKind, match="'owned-by'"):
        resolve.resolve([(page, found)])


def test_rdf_refuses_an_entity_or_relation_of_an_unknown_kind():
    _, kb = _kb()
    union = next(e for e in kb.entities.values() if e.kind == "union")
    union.kind = "factory"
    with pytest.raises(kinds.UnknownKind, match="'factory'"):
        rdf.quad_table(kb)
    union.kind = "union"
    target = next(e for e in kb.entities.values() if e is not union)
    kb.relations.append(Relation("owned-by", union.id, target.id))
    with pytest.raises(kinds.UnknownKind, match="'owned-by'"):
        rdf.quad_table(kb)


def test_a_graph_read_back_from_graph_json_makes_the_same_rdf_as_its_knowledge_base():
    """``kg.to_oxigraph`` takes a graph too (one read from graph.json): it is turned back into the
    knowledge base it was made from, field by field."""
    _, kb = _kb()
    text = graph_json(api.to_networkx(kb))
    again = knowledge_base(graph_from_json(json.loads(text)))
    assert len(api.to_oxigraph(again)) == len(api.to_oxigraph(kb))
    assert set(api.to_oxigraph(again)) == set(api.to_oxigraph(kb))
    with pytest.raises(kinds.UnknownKind, match="'factory'"):
        knowledge_base(graph_from_json(json.loads(text.replace('"kind": "union"', '"kind": "factory"'))))


def test_facts_refuse_an_entity_of_an_unknown_kind():
    page, kb = _kb()
    union = next(e for e in kb.entities.values() if e.kind == "union")
    union.kind = "factory"
    with pytest.raises(kinds.UnknownKind, match="'factory'"):
        facts.page_facts(kb, page.source)


def test_an_extractor_of_a_kind_the_registry_lacks_is_refused_at_start_up(monkeypatch):
    registered = kinds.mention_kinds()
    monkeypatch.setattr(kinds, "mention_kinds", lambda: {k: v for k, v in registered.items() if k != "enterprise"})
    with pytest.raises(kinds.UnknownKind, match="'enterprise'"):
        extractors.__wrapped__()  # (the listing itself is cached once a process)


def test_a_link_to_a_mention_not_added_first_is_refused_naming_it():
    """An extractor's link holds its mentions; adding it before one of them is an error, not a
    link to mention -1 that resolution would drop without a word."""
    page = api.read_text(PAGE, "kinds.txt")
    found = api.extract_page(page)
    stray = Mention("organization", "某公司", 1, 0, 2, OrganizationAttrs("某公司"))
    with pytest.raises(ValueError, match="某公司"):
        found[0].add(Link("holds-post", found[0].mentions[0], stray, 1, "主席"))
