"""Enterprises, the kind added through the registry (kg/extract/enterprises.py, issue 15): an
enterprise in its province, its union part of it and under the local federation, in the graph,
RDF (with the shapes), HTML and facts. The pages are invented."""
from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg import api
from kg.export import facts, html
from kg.knowledge import kinds
from kg.store import shacl

PAGE = """# 机械厂职工技能比武开赛

本报讯 近日，天津港（集团）有限公司工会举办职工技能比武。公司工会负责人表示，比武将持续三天。

# 人民医院工会慰问一线职工

本报讯 湖北省荆州市第一人民医院工会走访慰问一线医护人员。荆州长江机械股份有限公司董事长赵立新参加活动。

# 金融工作会议召开

本报讯 中国人民银行行长钱平出席会议。
"""


@pytest.fixture(scope="module")
def built():
    page = api.read_text(PAGE, "enterprises.txt")
    return page, api.resolve_pages([page])


def _one(kb, kind: str, name: str):
    found = [e for e in kb.entities.values() if e.kind == kind and e.name == name]
    assert len(found) == 1, (kind, name, sorted((e.kind, e.name) for e in kb.entities.values()))
    return found[0]


def _relations(kb, source, kind: str) -> list[str]:
    return [kb.entities[r.target].name for r in kb.relations if r.source == source.id and r.kind == kind]


def test_an_enterprise_union_is_part_of_its_enterprise_and_under_the_local_federation(built):
    _, kb = built
    port = _one(kb, "enterprise", "天津港（集团）有限公司")
    assert _relations(kb, port, "located-in") == ["天津市"]
    union = _one(kb, "union", "天津港（集团）有限公司工会")
    assert _relations(kb, union, "part-of") == ["天津港（集团）有限公司"]
    assert _relations(kb, union, "sub-organization-of") == ["天津市总工会"]
    # the parent is general knowledge, not read: no evidence, and no parent in the facts
    parent = next(r for r in kb.relations if r.source == union.id and r.kind == "sub-organization-of")
    assert parent.evidence == [] and union.attrs.parent is None
    hospital = _one(kb, "enterprise", "湖北省荆州市第一人民医院")
    assert _relations(kb, hospital, "located-in") == ["湖北省"]
    assert _relations(kb, _one(kb, "union", "湖北省荆州市第一人民医院工会"), "sub-organization-of") == ["荆州市总工会"]


def test_a_body_any_extractor_finds_named_as_an_enterprise_is_one_and_a_known_body_is_not(built):
    _, kb = built
    machine = _one(kb, "enterprise", "荆州长江机械股份有限公司")
    chair = _one(kb, "official", "赵立新")
    assert [(title, kb.entities[org].name) for title, org in chair.attrs.posts] == [("董事长", machine.name)]
    assert _relations(kb, machine, "located-in") == ["湖北省"]
    _one(kb, "organization", "中国人民银行")
    assert not [e for e in kb.entities.values() if e.kind == "enterprise" and "银行" in e.name]


def test_the_facts_have_an_enterprises_section_and_keep_the_scored_ones(built):
    page, kb = built
    out = facts.page_facts(kb, page.source)
    assert list(out) == list(kinds.FACTS_SECTIONS)
    assert {e["name"]: e["province"] for e in out["enterprises"]} == {
        "天津港（集团）有限公司": "天津市", "湖北省荆州市第一人民医院": "湖北省", "荆州长江机械股份有限公司": "湖北省"}
    assert "荆州长江机械股份有限公司" not in {o["name"] for o in out["organizations"]}
    unions = {u["name"]: u for u in out["union_bodies"]}
    assert unions["天津港（集团）有限公司工会"]["parent"] is None  # not certain from the text (SCHEMA.md)
    assert {"name": "赵立新", "posts": [{"title": "董事长", "org": "荆州长江机械股份有限公司"}]} in out["officials"]


def test_rdf_types_the_enterprise_links_its_union_and_meets_the_shapes(built):
    _, kb = built
    store = ox.Store()
    store.extend(api.to_oxigraph(kb))
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    ukg = "https://w3id.org/unionkg/ontology#"
    rows = {(str(r["union"]), str(r["firm"])) for r in store.query(
        f"SELECT ?union ?firm {{ ?u a <{ukg}UnionBody> ; <http://purl.org/dc/terms/isPartOf> ?e ; "
        f"<http://www.w3.org/2004/02/skos/core#prefLabel> ?union . ?e a <{ukg}Enterprise> , "
        f"<http://www.w3.org/ns/org#FormalOrganization> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?firm }}")}
    assert ('"天津港（集团）有限公司工会"@zh', '"天津港（集团）有限公司"@zh') in rows
    assert not shacl.violations(store), shacl.report(shacl.violations(store))


def test_html_draws_enterprises_in_their_own_style(built):
    assert html.KINDS["enterprise"] == ("hexagon", "#8c564b", "企业 enterprise")
    _, kb = built
    assert "企业 enterprise" in html.render_html(api.to_networkx(kb))
