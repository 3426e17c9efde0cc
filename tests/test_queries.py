"""Every shipped query in ``queries/`` on the seeds export: specific rows, and the same answer from rdflib.

The seeds are built once per session into a temporary ``exports`` folder (so the
tests check the current pipeline, not a possibly stale committed export). Each
query has its own check below; ``test_every_query_has_a_check`` makes sure a new
``.rq`` file cannot be added without one.
"""
from __future__ import annotations

import atexit
import functools
import json
import shutil
import tempfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset

from kg.pipeline.run import build
from kg.store.sparql import load_store, parse_binding, run_query

# rdflib 7 warns about its own deprecated Dataset API (default_context, contexts), also used by kg.export.rdf
pytestmark = [pytest.mark.filterwarnings(r"ignore:Dataset\..*deprecated:DeprecationWarning"),
              pytest.mark.filterwarnings(r"ignore:ConjunctiveGraph is deprecated:DeprecationWarning")]

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "kg" / "queries"  # shipped in the package; the repository's queries/ links here
ALL_QUERIES = sorted(QUERIES.glob("*.rq"))
SEED_000 = ROOT / "seeds" / "000_328a50d97180c723.txt"
ACFTU = "中华全国总工会"
ORG = "http://www.w3.org/ns/org#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
UKG = "https://w3id.org/unionkg/ontology#"


@functools.cache
def seed_export() -> Path:
    """``<tmp>/exports`` built from the seeds, once per process (test_sparql.py reuses it)."""
    root = Path(tempfile.mkdtemp(prefix="unionkg-sparql-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    build([ROOT / "seeds"], root / "exports")
    return root / "exports"


@pytest.fixture(scope="session")
def store() -> ox.Store:
    return load_store([seed_export() / "graph.nq"])


@pytest.fixture(scope="session")
def rdflib_ds() -> Dataset:
    ds = Dataset(default_union=True)  # rdflib's way to query the union of the named graphs
    ds.parse(seed_export() / "graph.trig", format="trig")
    return ds


def text_of(name: str) -> str:
    return (QUERIES / name).read_text(encoding="utf-8")


def _value(term) -> str | None:
    return None if term is None else term.value


def select(store, query: str, **bind: str) -> list[dict[str, str | None]]:
    """Rows of a SELECT query file as {variable: lexical value or IRI}; ``bind`` goes through --bind parsing."""
    bindings = dict(parse_binding(f"{k}={v}") for k, v in bind.items())
    result = run_query(store, text_of(query), bindings)
    names = [v.value for v in result.variables]
    return [{n: _value(s[n]) for n in names} for s in result]


def construct(store, query: str, **bind: str) -> set[tuple[str, str, str]]:
    bindings = dict(parse_binding(f"{k}={v}") for k, v in bind.items())
    return {(t.subject.value, t.predicate.value, t.object.value) for t in run_query(store, text_of(query), bindings)}


def ask(store, query: str, **bind: str) -> bool:
    bindings = dict(parse_binding(f"{k}={v}") for k, v in bind.items())
    return bool(run_query(store, text_of(query), bindings))


def tuples(rows: list[dict], *cols: str) -> set[tuple]:
    return {tuple(r[c] for c in cols) for r in rows}


def iri_of(store, label: str) -> str:
    """The one entity whose skos:prefLabel is ``label``."""
    found = {s["e"].value for s in run_query(store, 'SELECT DISTINCT ?e ?l { ?e skos:prefLabel ?l }',
                                             {ox.Variable("l"): ox.Literal(label, language="zh")})}
    assert len(found) == 1, (label, found)
    return found.pop()


@functools.cache
def page_text() -> str:
    return SEED_000.read_text(encoding="utf-8")


def printed(row: dict) -> str:
    """The page text at a row's [begin, end) offsets, without the line breaks of the page layout."""
    return "".join(page_text()[int(row["begin"]):int(row["end"])].split())


# ---------------------------------------------------------------------------
# The files themselves
# ---------------------------------------------------------------------------


def test_queries_are_documented():
    assert len(ALL_QUERIES) >= 12
    readme = (QUERIES / "README.md").read_text(encoding="utf-8")
    for path in ALL_QUERIES:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 10, f"{path.name} must start with a '# ' question"
        assert path.name in readme, f"{path.name} is not listed in queries/README.md"


def test_every_query_has_a_check():
    assert sorted(CHECKS) == [p.name for p in ALL_QUERIES]


@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.name)
def test_query(store, path):
    CHECKS[path.name](store)


# ---------------------------------------------------------------------------
# One check per query
# ---------------------------------------------------------------------------


def check_officials_posts(store):
    rows = tuples(select(store, "officials_posts.rq"), "official", "title", "organisation", "kind")
    assert {("徐留平", "党组书记", ACFTU, "union"), ("徐留平", "副主席", ACFTU, "union"),
            ("徐留平", "书记处第一书记", ACFTU, "union")} <= rows
    assert ("王东明", "主席", ACFTU, "union") in rows
    assert ("王东明", "副委员长", "全国人民代表大会常务委员会", "organisation") in rows
    assert ("李公乐", "主席", "河南省总工会", "union") in rows


def check_union_hierarchy(store):
    rows = select(store, "union_hierarchy.rq")
    parent = {r["union"]: r["parent"] for r in rows}
    level = {r["union"]: int(r["level"]) for r in rows}
    chain, u = ["北京市西城区总工会"], "北京市西城区总工会"
    while u in parent:
        u = parent[u]
        chain.append(u)
    assert chain == ["北京市西城区总工会", "北京市总工会", ACFTU]
    assert level["北京市西城区总工会"] == 2 and level["北京市总工会"] == 1
    assert (parent["沈阳市铁西区总工会"], level["沈阳市铁西区总工会"]) == ("沈阳市总工会", 3)
    assert parent["河南省总工会"] == ACFTU
    assert ACFTU not in parent  # the top of the hierarchy is nobody's child


def check_union_ancestors(store):
    rows = tuples(select(store, "union_ancestors.rq"), "union", "ancestor", "steps")
    assert rows == {("北京市西城区总工会", "北京市总工会", "1"), ("北京市西城区总工会", ACFTU, "2")}
    rows = tuples(select(store, "union_ancestors.rq", union="沈阳市铁西区总工会"), "ancestor", "steps")
    assert rows == {("沈阳市总工会", "1"), ("辽宁省总工会", "2"), (ACFTU, "3")}


def check_unions_by_province(store):
    rows = select(store, "unions_by_province.rq")
    assert ("北京市", "110000", "北京市西城区总工会") in tuples(rows, "province", "code", "union")
    assert ("广东省", "440000", "广东省总工会") in tuples(rows, "province", "code", "union")
    beijing = [r for r in rows if r["province"] == "北京市"]
    assert {r["unions"] for r in beijing} == {str(len(beijing))}  # the count is of the rows listed
    assert {"北京市总工会", "北京市大兴区总工会"} <= {r["union"] for r in beijing}


def check_programs(store):
    rows = tuples(select(store, "programs.rq"), "program", "operator", "province")
    assert ("12351工会服务职工热线", "广东省总工会", "广东省") in rows
    assert {("流动暖新", "沈阳市总工会", "辽宁省"), ("流动暖新", "辽宁省总工会", "辽宁省")} <= rows
    assert ("送温暖", ACFTU, "河南省") in rows


def check_policies(store):
    rows = tuples(select(store, "policies.rq"), "policy", "issuer", "date", "short_name")
    assert ("全国总工会广泛应用人工智能行动", ACFTU, "2023-12-22", None) in rows
    assert ("甘肃省保障农民工工资支付工作考核办法", "甘肃省人民政府办公厅", None, "办法") in rows
    assert any(p == "12351广东职工热线管理规则" for p, *_ in rows)


def check_article_mentions(store):
    default = select(store, "article_mentions.rq")  # every article with 工会 in its headline
    assert default and all("工会" in r["title"] for r in default)
    rows = select(store, "article_mentions.rq", headline="三字诀")
    assert {r["title"] for r in rows} == {"“统、分、督”三字诀让温暖直达职工"}
    found = tuples(rows, "kind", "entity")
    assert {("UnionBody", "广东省总工会"), ("Program", "12351工会服务职工热线"),
            ("Policy", "12351广东职工热线管理规则"), ("City", "深圳市")} <= found
    for r in rows:
        if r["sentence"] is not None:  # offsets point into the page file, inside the evidence sentence
            assert printed(r) in r["sentence"], r
    hotline = [r for r in rows if r["entity"] == "12351工会服务职工热线" and r["begin"] == "694"]
    assert hotline and "深圳职工杨女士致电12351热线反映" in hotline[0]["sentence"]
    bound = select(store, "article_mentions.rq", headline="党和政府的关怀")
    assert {r["title"] for r in bound} == {"让职工群众更直接更深刻感受到党和政府的关怀及工会组织的温暖"}
    assert {("Official", "徐留平"), ("Official", "王东明"), ("Program", "送温暖")} <= tuples(bound, "kind", "entity")


def check_hotline_12351_provinces(store):
    rows = select(store, "hotline_12351_provinces.rq")
    assert ("12351工会服务职工热线", "广东省", "active in") in tuples(rows, "program", "province", "via")
    assert {r["province"] for r in rows} == {"广东省"}


def check_officials_in_several_articles(store):
    # the only official named in two seed articles is the one printed as 习近平总书记 in five of them
    assert tuples(select(store, "officials_in_several_articles.rq"), "official", "articles") == {("习近平", "5")}
    # the same query with the threshold lowered shows it does count articles per official
    text = text_of("officials_in_several_articles.rq").replace("> 1)", "> 0)")
    assert "> 0)" in text
    counts = {s["official"].value: s["articles"].value for s in run_query(store, text)}
    assert counts["徐留平"] == "1" and len(counts) >= 10


def check_entities_in_several_articles(store):
    rows = select(store, "entities_in_several_articles.rq")
    unions = tuples([r for r in rows if r["kind"] == "UnionBody"], "entity", "articles")
    assert unions == {(ACFTU, "4")}
    found = tuples(rows, "kind", "entity", "articles")
    assert {("Program", "劳模创新工作室", "3"), ("Program", "12351工会服务职工热线", "2"),
            ("Province", "甘肃省", "2")} <= found
    assert all(int(r["articles"]) > 1 for r in rows)
    assert {(r["entity"], r["articles"]) for r in rows if r["kind"] == "Official"} == {("习近平", "5")}


def check_union_subgraph(store):
    xicheng, beijing, acftu = iri_of(store, "北京市西城区总工会"), iri_of(store, "北京市总工会"), iri_of(store, ACFTU)
    triples = construct(store, "union_subgraph.rq")
    assert (xicheng, ORG + "subOrganizationOf", beijing) in triples
    assert (beijing, ORG + "subOrganizationOf", acftu) in triples
    assert (beijing, SKOS + "prefLabel", "北京市总工会") in triples
    assert (beijing, SKOS + "altLabel", "北京市总") in triples
    assert not any(s == acftu and p == ORG + "subOrganizationOf" for s, p, _ in triples)
    guangdong = iri_of(store, "广东省总工会")
    triples = construct(store, "union_subgraph.rq", union="广东省总工会")
    assert (iri_of(store, "12351工会服务职工热线"), UKG + "operatedBy", guangdong) in triples
    assert (guangdong, ORG + "subOrganizationOf", acftu) in triples
    assert (xicheng, ORG + "subOrganizationOf", beijing) not in triples


def check_union_under_acftu(store):
    assert ask(store, "union_under_acftu.rq") is True  # 河南省总工会
    assert ask(store, "union_under_acftu.rq", union="北京市西城区总工会") is True
    assert ask(store, "union_under_acftu.rq", union=ACFTU) is False
    assert ask(store, "union_under_acftu.rq", union="不存在的工会") is False


def check_entity_mentions(store):
    rows = select(store, "entity_mentions.rq")
    assert {r["file"] for r in rows} == {SEED_000.name}
    assert {"12351热线", "12351平台", "12351广东省总工会服务职工热线"} <= {printed(r) for r in rows}
    assert all(printed(r) in r["sentence"] for r in rows)
    rows = select(store, "entity_mentions.rq", name="徐留平")
    assert rows and all(printed(r) == "徐留平" for r in rows)
    assert select(store, "entity_mentions.rq", name="全总")  # an alias finds the entity too


def check_places(store):
    rows = tuples(select(store, "places.rq"), "place", "kind", "code", "city", "province")
    assert ("西城区", "district", "110102", None, "北京市") in rows
    assert ("铁西区", "district", "210106", "沈阳市", "辽宁省") in rows
    assert ("深圳市", "city", "440300", None, "广东省") in rows
    assert ("兰州市", "city", "620100", None, "甘肃省") in rows


def check_post_evidence(store):
    assert select(store, "post_evidence.rq") == []  # the default is a made-up name
    rows = select(store, "post_evidence.rq", name="徐留平")
    assert tuples(rows, "title", "organisation") == {("党组书记", ACFTU), ("副主席", ACFTU), ("书记处第一书记", ACFTU)}
    assert all(printed(r) == "徐留平" and "徐留平" in r["sentence"] for r in rows)
    assert ("主席", "河南省总工会") in tuples(select(store, "post_evidence.rq", name="李公乐"), "title", "organisation")


def check_pages_and_articles(store):
    rows = select(store, "pages_and_articles.rq")  # pages read from files have no date: all are listed
    assert len(rows) == 16 and {r["date"] for r in rows} == {None}
    assert select(store, "pages_and_articles.rq", day="2024-06-04") == []  # a bound day needs a dated page
    keyed = {(r["file"], r["index"]): r for r in rows}
    second = keyed[(SEED_000.name, "2")]
    assert (second["type"], second["headline"]) == ("news", "“统、分、督”三字诀让温暖直达职工")
    assert second["kicker"] == "广东省总工会聚合资源打造12351热线服务平台——" and int(second["entities"]) >= 5
    assert keyed[("003_c578291eaf5148a9.txt", "6")]["type"] == "photo"


def check_entities_per_graph(store):
    knowledge = "https://w3id.org/unionkg/id/graph/knowledge"
    rows = select(store, "entities_per_graph.rq")  # the default: the graph of general knowledge
    assert {r["graph"] for r in rows} == {knowledge}
    assert ("UnionBody", knowledge) in tuples(rows, "kind", "graph")
    page_graph = {s["g"].value for s in run_query(
        store, 'SELECT ?g ?f { ?g prov:wasDerivedFrom ?p . ?p dcterms:identifier ?f }',
        {ox.Variable("f"): ox.Literal(SEED_000.name)})}
    assert len(page_graph) == 1
    graph = page_graph.pop()
    rows = select(store, "entities_per_graph.rq", graph=f"<{graph}>")
    assert {r["graph"] for r in rows} == {graph}
    counts = {r["kind"]: int(r["entities"]) for r in rows}
    assert set(counts) >= {"Official", "UnionBody", "Program", "Province"} and counts["Official"] >= 10


@pytest.mark.slow
def test_pages_and_articles_on_an_archive(tmp_path):
    """On dated archive records: the latest day by default, any day when bound, nothing for a day not there."""
    records = [("2024-01-01", "第一条", "四川省总工会召开全委会议。"), ("2024-01-02", "第三条", "成都市总工会开展送温暖活动。"),
               ("2024-01-01", "第二条", "河南省总工会发布通知。")]
    archive = tmp_path / "news.jsonl"
    archive.write_text("".join(json.dumps({"title": title, "text": text, "date": date}, ensure_ascii=False) + "\n"
                               for date, title, text in records), encoding="utf-8")
    build([archive], tmp_path / "exports")
    archive_store = load_store([tmp_path / "exports" / "graph.nq"])
    rows = select(archive_store, "pages_and_articles.rq")
    assert tuples(rows, "date", "file", "headline") == {("2024-01-02", "news.jsonl#2", "第三条")} and len(rows) == 1
    rows = select(archive_store, "pages_and_articles.rq", day="2024-01-01")
    assert [(r["date"], r["file"], r["headline"]) for r in rows] == [("2024-01-01", "news.jsonl#1", "第一条"),
                                                                  ("2024-01-01", "news.jsonl#3", "第二条")]
    assert int(rows[0]["entities"]) >= 1  # 四川省总工会 (and 四川)
    assert select(archive_store, "pages_and_articles.rq", day="2024-01-03") == []
    ds = Dataset(default_union=True)
    ds.parse(tmp_path / "exports" / "graph.trig", format="trig")
    text = text_of("pages_and_articles.rq")
    assert _rdflib_answer(ds, text) == _oxigraph_answer(archive_store, text)


CHECKS = {name.removeprefix("check_") + ".rq": fn for name, fn in dict(globals()).items()
          if name.startswith("check_")}


# ---------------------------------------------------------------------------
# Oxigraph and rdflib agree
# ---------------------------------------------------------------------------


def _rdflib_answer(ds: Dataset, text: str):
    result = ds.query(text)
    if result.type == "ASK":
        return result.askAnswer
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return {tuple(str(t) for t in triple) for triple in result}
    return {tuple(None if t is None else str(t) for t in row) for row in result}


def _oxigraph_answer(store: ox.Store, text: str):
    result = run_query(store, text)
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    if isinstance(result, ox.QueryTriples):
        return {(t.subject.value, t.predicate.value, t.object.value) for t in result}
    names = [v.value for v in result.variables]
    return {tuple(_value(s[n]) for n in names) for s in result}


def test_default_graph_is_the_union_as_a_set(store, rdflib_ds):
    """A triple stated on both pages counts once, as in rdflib and in SPARQL's definition of a graph."""
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    n = int(next(iter(run_query(store, count)))["n"].value)
    assert n == len(set(rdflib_ds.triples((None, None, None)))) == int(next(iter(rdflib_ds.query(count)))[0])
    in_graphs = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } } }"
    assert int(next(iter(run_query(store, in_graphs)))["n"].value) == n


@pytest.mark.slow
@pytest.mark.parametrize("path", ALL_QUERIES, ids=lambda p: p.name)
def test_rdflib_agrees(store, rdflib_ds, path):
    text = path.read_text(encoding="utf-8")
    assert _rdflib_answer(rdflib_ds, text) == _oxigraph_answer(store, text)
