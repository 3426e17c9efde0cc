"""kg.store.knowledge: the knowledge base read back from a build's store makes the graph the build
drew, so that ``kg export --format json|html`` writes graph.json and graph.html byte for byte as
``kg build`` does (issue 17). Invented pages and names throughout."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build.graph import build_graph, graph_json
from kg.export.html import whole_graph_html
from kg.export.rdf import to_dataset
from kg.resolve.entities import (ArticleInfo, Entity, Evidence, KnowledgeBase, OfficialInfo, OrganizationInfo,
                                 PageInfo, PersonInfo, PolicyInfo, ProvinceInfo, Relation, UnionInfo)
from kg.store.knowledge import StoreContentError, read_knowledge_base

SENTENCES = ("本报讯 四川省总工会党组书记、主席李明华出席会议。", "李明华说，要把《职工关爱办法》落到实处。",
             "四川省总工会办公室近日发文。")


def _store(kb: KnowledgeBase, union: bool = True) -> ox.Store:
    """An in-memory store as a build makes it: the named graphs, and their union as the default graph
    (``union``; without it, the reader makes the union from the named graphs)."""
    store = ox.Store()
    store.load("".join(to_dataset(kb).nquad_lines()).encode(), format=ox.RdfFormat.N_QUADS)
    if union:
        store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def _ev(sentence: int, start: int, end: int) -> Evidence:
    return Evidence("news.jsonl#7", 1, sentence, start, end, SENTENCES[sentence])


def _knowledge_base() -> KnowledgeBase:
    """One archive record's page with every field graph.json can hold: evidence lists and posts out of
    any sorted order, a byline, a department, a policy date that is no day, another state's body."""
    page, art = "page/news-jsonl-7-00000000", "article/news-jsonl-7-00000000-001"
    prov, union, dept, national = ("province/510000", "union/si-chuan-sheng-zong-gong-hui-1",
                                   "union/si-chuan-sheng-zong-gong-hui-ban-gong-shi-2", "union/quan-zong-3")
    official, person, policy, foreign = ("official/li-ming-hua-4", "person/chen-xiao-5", "policy/guan-ai-6",
                                         "organization/wai-jiao-bu-7")
    byline = Evidence("news.jsonl#7", 1, -1, 0, 0, "本报记者 陈晓")
    page8, art8 = "page/news-jsonl-8-11111111", "article/news-jsonl-8-11111111-001"
    later = Evidence("news.jsonl#8", 1, 0, 0, 3, "李明华主席到场。")  # the official's triples in two page graphs
    entities = [
        Entity(page, "page", "news.jsonl#7", attrs=PageInfo("news.jsonl#7", "0" * 64, id="n-7", date="2025-01-02",
                                                             url="https://example.org/7", archive="news.jsonl",
                                                             line=7)),
        Entity(art, "article", "四川省总工会召开会议",
               attrs=ArticleInfo(page=page, source="news.jsonl#7", index=1, headline="四川省总工会召开会议",
                                 byline="本报记者 陈晓", dateline="本报讯", type="news", continued="下转第3版")),
        Entity(page8, "page", "news.jsonl#8", attrs=PageInfo("news.jsonl#8", "1" * 64)),
        Entity(art8, "article", "news.jsonl#8#1", attrs=ArticleInfo(page=page8, source="news.jsonl#8", index=1,
                                                                    type="news")),
        Entity(prov, "province", "四川省", {"川"}, ProvinceInfo("510000", "四川"), [_ev(0, 4, 7)]),
        Entity(national, "union", "中华全国总工会", {"全总"}),
        Entity(union, "union", "四川省总工会", set(), UnionInfo(province=prov, parent=national),
               [_ev(2, 120, 126), _ev(0, 4, 10)]),
        Entity(dept, "union", "四川省总工会办公室", {"办公室"}, UnionInfo(province=prov, parent=union, department=True),
               [_ev(2, 120, 129)]),
        Entity(official, "official", "李明华", set(), OfficialInfo(posts=[("党组书记", union), ("主席", union)]),
               [_ev(1, 60, 63), _ev(0, 19, 22), later]),
        Entity(person, "person", "陈晓", set(), PersonInfo(role="记者", affiliation="本报"), [byline]),
        Entity(policy, "policy", "职工关爱办法", set(), PolicyInfo(date="2025-13-01", issuer=union), [_ev(1, 70, 76)]),
        Entity(foreign, "organization", "外交部", set(), OrganizationInfo(country="IR"), [_ev(1, 80, 83)]),
    ]
    relations = [
        Relation("holds-post", official, union, "党组书记", [_ev(0, 19, 22)]),
        Relation("holds-post", official, union, "主席", [later, _ev(1, 60, 63), _ev(0, 19, 22)]),
        Relation("issued-by", policy, union, None, [_ev(1, 70, 76)]),
        Relation("located-in", union, prov),
        Relation("located-in", dept, prov),
        Relation("mentioned-in", official, art),
        Relation("mentioned-in", person, art),
        Relation("mentioned-in", official, art8),
        Relation("part-of", art, page),
        Relation("part-of", art8, page8),
        Relation("sub-organization-of", dept, union, None, [_ev(2, 120, 129)]),
        Relation("sub-organization-of", union, national),
    ]
    return KnowledgeBase({e.id: e for e in sorted(entities, key=lambda e: e.id)}, relations, ["news.jsonl#7", "news.jsonl#8"])


@pytest.mark.parametrize("union", [True, False], ids=["union in the default graph", "named graphs only"])
def test_every_field_of_graph_json_comes_back_from_the_store(union):
    kb = _knowledge_base()
    expected = build_graph(kb)
    got = build_graph(read_knowledge_base(_store(kb, union)))
    assert graph_json(got) == graph_json(expected)
    assert whole_graph_html(got) == whole_graph_html(expected)
    nodes = {n["id"]: n for n in json.loads(graph_json(got))["nodes"]}
    # sorted: graph.json's order depends on what was read, not on the order pages came in (issue 17)
    assert nodes["official/li-ming-hua-4"]["attrs"]["posts"] == [["主席", "union/si-chuan-sheng-zong-gong-hui-1"],
                                                                 ["党组书记", "union/si-chuan-sheng-zong-gong-hui-1"]]
    assert [(p["page"], p["sentence"]) for p in nodes["official/li-ming-hua-4"]["provenance"]] == [
        ("news.jsonl#7", 0), ("news.jsonl#7", 1), ("news.jsonl#8", 0)]
    assert nodes["person/chen-xiao-5"]["provenance"] == [{"page": "news.jsonl#7", "article": 1, "sentence": -1,
                                                          "start": 0, "end": 0, "text": "本报记者 陈晓"}]
    assert nodes["policy/guan-ai-6"]["attrs"]["date"] == "2025-13-01"
    assert nodes["page/news-jsonl-7-00000000"]["attrs"]["line"] == 7


def test_a_store_without_a_build_or_from_an_earlier_build_is_refused():
    with pytest.raises(StoreContentError, match="not a store `kg build` made"):
        read_knowledge_base(ox.Store())
    store = _store(_knowledge_base())
    store.update("DELETE WHERE { ?m <https://w3id.org/unionkg/ontology#beginIndex> ?i }")
    with pytest.raises(StoreContentError, match="earlier unionkg"):
        read_knowledge_base(store)


NEWS = [  # two invented archive records
    {"id": "rec-0001", "url": "https://example.org/news/1", "date": "2025-03-02", "title": "四川省总工会召开全委会议",
     "text": "本报讯(记者陈晓明) 四川省总工会党组书记、主席李建华在成都市出席会议。浙江省总工会办公室近日发文，"
             "部署“送温暖”活动。（下转第3版）\n\n## 技能比武\n\n本报讯 湖北省宜昌市华峡精工机械有限公司工会举办职工技能比武。"},
    {"id": 42, "url": "https://example.org/news/2", "date": "2025-03-03", "title": "河南省总工会开通12351热线",
     "text": "本报讯 河南省总工会副主席王明远说，12351热线为职工服务。四川省总工会主席李建华到场。"},
]


@pytest.mark.slow  # builds on disk
def test_graph_json_and_html_from_a_builds_store_are_the_builds_files(tmp_path):
    from kg.pipeline.run import build
    from kg.store.database import open_store

    archive = tmp_path / "news.jsonl"
    archive.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in NEWS), encoding="utf-8")
    out = tmp_path / "out"
    build([archive], out)
    graph = build_graph(read_knowledge_base(open_store(out / "store")))
    assert graph_json(graph).encode() == (out / "graph.json").read_bytes()
    assert whole_graph_html(graph).encode() == (out / "graph.html").read_bytes()
    nodes = {(n["kind"], n["label"]): n["attrs"] for n in json.loads(graph_json(graph))["nodes"]}
    # what the test is about is in the graph: each of these fields came back from the store
    assert nodes["page", "news.jsonl#1"]["id"] == "rec-0001" and nodes["page", "news.jsonl#2"]["line"] == 2
    assert nodes["article", "四川省总工会召开全委会议"]["continued"] == "下转第3版"
    assert nodes["union", "浙江省总工会办公室"]["department"] is True
    assert nodes["enterprise", "湖北省宜昌市华峡精工机械有限公司"]["division"] == "420500"
    assert [title for title, _ in nodes["official", "李建华"]["posts"]] == ["主席", "党组书记"]  # sorted


@pytest.mark.slow
def test_the_seeds_graph_json_and_html_come_back_from_their_store(tmp_path):
    from kg.pipeline.run import build
    from kg.store.database import open_store

    root = Path(__file__).resolve().parent.parent
    build([root / "seeds"], tmp_path / "out", export={"nq"})
    graph = build_graph(read_knowledge_base(open_store(tmp_path / "out" / "store")))
    assert graph_json(graph).encode() == (root / "exports" / "graph.json").read_bytes()
    assert whole_graph_html(graph).encode() == (root / "exports" / "graph.html").read_bytes()
