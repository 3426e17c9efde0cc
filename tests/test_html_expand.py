"""The static graph.html shares the explorer's search, in-page expansion, dates and labels
(issue 19 item 4): a page holds more nodes than it draws, a search finds any of them and says
its kind and context (namesakes told apart) and whether it is drawn, a node's neighbours are
added and taken away in the page, and drawn labels never overlap."""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kg.export.html
from kg.build.graph import build_graph
from kg.export.html import open_offline, page_data, subgraph, write_html
from kg.pipeline.run import Summary, analyse, find_pages, read_pages

ROOT = Path(__file__).resolve().parent.parent
DATES = {"000_328a50d97180c723.txt": "2024-01-04", "003_c578291eaf5148a9.txt": "2024-01-05"}


@pytest.fixture(scope="module")
def seeds():
    graph = build_graph(analyse(read_pages(find_pages([ROOT / "seeds"]), Summary())))
    for _, d in graph.nodes(data=True):
        if d["kind"] == "page":
            d["attrs"]["date"] = DATES[d["attrs"]["source"]]
    return graph



def namesakes():
    """Two officials named 王伟, at two unions."""
    g = nx.MultiDiGraph()
    for uid, name in (("union/a", "甲市总工会"), ("union/b", "乙市总工会")):
        g.add_node(uid, kind="union", label=name, aliases=[], attrs={}, provenance=[])
    for oid, union, title in (("official/w1", "union/a", "主席"), ("official/w2", "union/b", "副主席")):
        g.add_node(oid, kind="official", label="王伟", aliases=[], attrs={}, provenance=[])
        g.add_edge(oid, union, key=f"holds-post:{title}", kind="holds-post", title=title, evidence=[])
    return g


def test_a_page_holds_more_than_it_draws(seeds, monkeypatch):
    monkeypatch.setattr(kg.export.html, "DRAWN_LIMIT", 20)
    data = page_data(subgraph(seeds))
    drawn = [n for n in data["nodes"] if n["drawn"]]
    assert len(drawn) == 20 and len(data["nodes"]) > 100
    assert all("x" in n for n in drawn) and not any("x" in n for n in data["nodes"] if not n["drawn"])
    acftu = next(n for n in data["nodes"] if n["label"] == "中华全国总工会")
    assert acftu["drawn"] and acftu["dates"] == ["2024-01-04", "2024-01-05"]
    xu = next(n for n in data["nodes"] if n["label"] == "徐留平")
    assert "中华全国总工会" in xu["context"] and "2024-01-04" in xu["context"]


def test_namesakes_have_their_own_context():
    data = page_data(namesakes())
    contexts = sorted(n["context"] for n in data["nodes"] if n["label"] == "王伟")
    assert contexts == ["乙市总工会副主席 · 0 篇文章 articles", "甲市总工会主席 · 0 篇文章 articles"]


def test_busiest_keeps_the_page_limit(seeds):
    assert kg.export.html.busiest(seeds, limit=10).number_of_nodes() == 10
    assert kg.export.html.busiest(seeds) is seeds  # under PAGE_LIMIT: all of it


@pytest.mark.slow
def test_search_adds_an_undrawn_node_and_expand_collapse(seeds, tmp_path, browser, monkeypatch):
    monkeypatch.setattr(kg.export.html, "DRAWN_LIMIT", 15)
    part = subgraph(seeds)
    page, problems = open_offline(browser, write_html(part, tmp_path / "g.html"))
    try:
        drawn = set(page.evaluate("kgNodes.getIds()"))
        assert len(drawn) == 15
        undrawn = next(n for n, d in sorted(part.nodes(data=True), key=lambda x: x[0])
                       if n not in drawn and d["kind"] == "union" and d["label"] == "兰州市总工会")
        page.fill("#kg-search", "兰州")
        options = page.locator("#kg-results li").all_inner_texts()
        assert any("兰州市总工会" in o and "not drawn yet" in o and "工会 union" in o for o in options), options
        page.press("#kg-search", "Enter")
        assert page.evaluate("window.kgFocused") in part and page.evaluate("kgNodes.get(window.kgFocused)") is not None
        page.fill("#kg-search", "兰州市总工会")  # an exact name focuses at once
        assert page.evaluate("window.kgFocused") == undrawn
        assert "添加" in page.text_content("#kg-status") or "added" in page.text_content("#kg-status") \
            or page.evaluate("kgNodes.get(window.kgFocused)") is not None
        before = set(page.evaluate("kgNodes.getIds()"))
        page.click("#kg-expand")
        after = set(page.evaluate("kgNodes.getIds()"))
        neighbours = set(nx.Graph(part).neighbors(undrawn))
        assert neighbours <= after and after - before == neighbours - before
        assert "2024-01-0" in page.text_content("#kg-details")  # the dates it was reported on
        page.click("#kg-collapse")
        left = set(page.evaluate("kgNodes.getIds()"))
        assert undrawn in left and len(left) < len(after)
        assert "/" in page.text_content("#kg-count")  # drawn / held
    finally:
        page.context.close()
    assert problems == []


@pytest.mark.slow
def test_namesakes_in_the_search_and_labels_apart(seeds, tmp_path, browser):
    page, problems = open_offline(browser, write_html(namesakes(), tmp_path / "n.html"))
    try:
        page.fill("#kg-search", "王伟")
        options = page.locator("#kg-results li").all_inner_texts()
        assert len(options) == 2 and any("甲市总工会主席" in o for o in options) and any("乙市总工会副主席" in o for o in options)
        assert page.get_attribute("#kg-search", "aria-expanded") == "true"
    finally:
        page.context.close()
    assert problems == []
    page, problems = open_offline(browser, write_html(subgraph(seeds), tmp_path / "s.html"))
    try:
        page.evaluate("kgNetwork.moveTo({scale: 0.4})")
        page.wait_for_timeout(200)
        boxes = page.evaluate("KG.labelBoxes")
        assert 5 < len(boxes) < page.evaluate("kgNodes.length")  # some wait for the zoom
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not (a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"]
                            and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]), (a, b)
    finally:
        page.context.close()
    assert problems == []
