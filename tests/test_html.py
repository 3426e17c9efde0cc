"""The interactive HTML graph: what it draws, that it is self-contained and safe, and how it behaves.

Browser tests drive Debian's chromium headless with every request but the page
itself refused. They skip (with the reason) when the browser cannot start,
except under CI=true, where that is a failure.
"""
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from kg.build.graph import build_graph
from kg.export.html import find_node, open_offline, page_data, render_html, subgraph, write_html
from kg.cli.view import view_main
from kg.pipeline.run import Summary, analyse, find_pages, read_pages

ROOT = Path(__file__).resolve().parent.parent
EVIL = "<img src=x onerror=window.__xss=1>"


@pytest.fixture(scope="module")
def seeds():
    return build_graph(analyse(read_pages(find_pages([ROOT / "seeds"]), Summary())))



@pytest.fixture
def open_page(browser):
    """Open a written page offline; after the test, fail if anything was refused, failed or logged an error."""
    opened = []

    def _open(path):
        page, problems = open_offline(browser, path)
        opened.append((page, problems))
        return page

    yield _open
    for page, problems in opened:
        page.context.close()
        assert problems == []


def evil_graph():
    """A tiny graph whose name, alias, sentence and headline are all markup."""
    ev = {"page": "p.txt", "article": 1, "sentence": 0, "start": 0, "end": 5, "text": f"句子{EVIL}</script>\u2028"}
    g = nx.MultiDiGraph()
    g.add_node("union/evil", kind="union", label=f"坏{EVIL}", aliases=[EVIL + "别名"], attrs={}, provenance=[ev])
    g.add_node("province/1", kind="province", label="某省", aliases=[], attrs={"code": "1"}, provenance=[ev])
    g.add_node("article/x", kind="article", label=EVIL, aliases=[],
               attrs={"source": "p.txt", "index": 1, "headline": f"标题{EVIL}"}, provenance=[])
    g.add_edge("union/evil", "province/1", key="located-in", kind="located-in", evidence=[ev])
    return g


# ---------------------------------------------------------------- without a browser

def test_default_subgraph_leaves_out_pages_and_articles(seeds):
    part = subgraph(seeds)
    kinds = {d["kind"] for _, d in part.nodes(data=True)}
    assert "page" not in kinds and "article" not in kinds and "union" in kinds
    assert set(part) == {n for n, d in seeds.nodes(data=True) if d["kind"] not in ("page", "article")}
    assert part.number_of_edges() == seeds.subgraph(part).number_of_edges()


def test_focus_is_a_neighbourhood_found_by_alias(seeds):
    centre = find_node(seeds, "全总")
    assert seeds.nodes[centre]["label"] == "中华全国总工会"
    part = subgraph(seeds, focus="全总", depth=1)
    undirected = nx.Graph(subgraph(seeds)).to_undirected()
    assert set(part) == {centre, *undirected[centre]}
    assert len(subgraph(seeds, focus="全总", depth=2)) > len(part)
    with pytest.raises(LookupError):
        subgraph(seeds, focus="没有这个名字")


def test_kinds_and_province_filters(seeds):
    unions = subgraph(seeds, kinds=["union"])
    assert len(unions) and {d["kind"] for _, d in unions.nodes(data=True)} == {"union"}
    beijing = {d["label"] for _, d in subgraph(seeds, province="北京").nodes(data=True)}
    assert {"北京市", "北京市总工会", "西城区", "北京市西城区总工会"} <= beijing
    assert "甘肃省" not in beijing and "兰州市总工会" not in beijing
    assert subgraph(seeds, province="110000").nodes == subgraph(seeds, province="北京市").nodes
    with pytest.raises(ValueError):
        subgraph(seeds, kinds=["planet"])


def test_hover_data_names_articles_and_evidence(seeds):
    data = page_data(subgraph(seeds))
    quanzong = next(n for n in data["nodes"] if n["label"] == "中华全国总工会")
    assert "全总" in quanzong["aliases"] and quanzong["kind"] == "union"
    assert any("000_328a50d97180c723.txt" in a and "《" in a for a in quanzong["articles"])  # headline, not just an index
    posts = [e for e in data["edges"] if e["kind"] == "holds-post"]
    assert posts and all(e["label"] and e["label"] != "holds-post" for e in posts)  # a post edge shows its title
    assert all(e["sentence"] for e in posts)


def test_same_graph_same_bytes_and_no_web_address(seeds, tmp_path):
    part = subgraph(seeds)
    backwards = nx.MultiDiGraph(headlines=part.graph["headlines"])  # the same graph, built in another order
    backwards.add_nodes_from(reversed(list(part.nodes(data=True))))
    backwards.add_edges_from(reversed(list(part.edges(keys=True, data=True))))
    a = write_html(part, tmp_path / "a.html")
    b = write_html(backwards, tmp_path / "b.html")
    assert a.read_bytes() == b.read_bytes()
    text = a.read_text("utf-8")
    assert not re.search(r"(?i)https?://", text)
    assert "<link" not in text and not re.search(r"<script[^>]*\ssrc=", text)


def test_markup_in_data_stays_data():
    g = evil_graph()
    g.nodes["union/evil"]["aliases"].append("见 http://example.org")
    page = render_html(g, title=f"标题{EVIL} https://x")
    assert EVIL not in page and "</script>\u2028" not in page and "\u2028" not in page
    assert not re.search(r"(?i)https?://", page)
    raw = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S).group(1)
    data = json.loads(raw)
    assert {n["label"] for n in data["nodes"]} == {f"坏{EVIL}", "某省", EVIL}
    assert "见 http://example.org" in data["nodes"][2]["aliases"]


def test_physics_off_above_300_nodes():
    big = nx.MultiDiGraph()
    for i in range(301):
        big.add_node(f"person/{i}", kind="person", label=f"人{i}", aliases=[], attrs={}, provenance=[])
    assert page_data(big)["physics"] is False
    big.remove_node("person/0")
    assert page_data(big)["physics"] is True


def test_view_command(tmp_path, capsys):
    out = tmp_path / "view.html"
    assert view_main([str(ROOT / "seeds"), "-o", str(out), "--focus", "全总", "--depth", "1"]) == 0
    assert "nodes" in capsys.readouterr().out and out.stat().st_size > 100_000
    assert view_main([str(ROOT / "seeds"), "-o", str(out), "--focus", "没有这个名字"]) == 2


# ---------------------------------------------------------------- in the browser

def js_graph(page):
    nodes = page.evaluate("kgNodes.getIds()")
    edges = page.evaluate("kgEdges.get().map(e => [e.from, e.to, e.key])")
    drawn = page.evaluate("[Object.keys(kgNetwork.body.nodes).length, Object.keys(kgNetwork.body.edges).length]")
    return nodes, edges, drawn


@pytest.mark.slow
@pytest.mark.parametrize("filters", [{}, {"focus": "全总", "depth": 2}, {"province": "北京"}, {"kinds": ["union"]}])
def test_page_holds_exactly_the_graph(seeds, tmp_path, open_page, filters):
    part = subgraph(seeds, **filters)
    page = open_page(write_html(part, tmp_path / "g.html"))
    nodes, edges, drawn = js_graph(page)
    assert sorted(nodes) == sorted(part) and drawn == [len(part), part.number_of_edges()]
    assert sorted(map(tuple, edges)) == sorted(part.edges(keys=True))


@pytest.mark.slow
def test_search_by_alias_focuses_the_node(seeds, tmp_path, open_page):
    page = open_page(write_html(subgraph(seeds), tmp_path / "g.html"))
    target = find_node(seeds, "中华全国总工会")
    page.fill("#kg-search", "全总")
    assert page.evaluate("kgNetwork.getSelectedNodes()") == [target]
    centre, node = page.evaluate("[kgNetwork.getViewPosition(), kgNetwork.getPosition(window.kgFocused)]")
    assert abs(centre["x"] - node["x"]) < 1 and abs(centre["y"] - node["y"]) < 1
    assert "中华全国总工会" in page.text_content("#kg-details")
    page.fill("#kg-search", "兰州")  # a part of a name: Enter takes the best match
    page.press("#kg-search", "Enter")
    assert "兰州" in seeds.nodes[page.evaluate("kgNetwork.getSelectedNodes()[0]")]["label"]


@pytest.mark.slow
def test_unticking_a_kind_hides_its_nodes(seeds, tmp_path, open_page):
    part = subgraph(seeds)
    page = open_page(write_html(part, tmp_path / "g.html"))
    officials = {n for n, d in part.nodes(data=True) if d["kind"] == "official"}
    visible = "new Set(kgNetwork.body.nodeIndices)"
    page.uncheck("input[data-kind=official]")
    shown = set(page.evaluate(f"Array.from({visible})"))
    assert officials and not (officials & shown) and shown == set(part) - officials
    page.check("input[data-kind=official]")
    assert set(page.evaluate(f"Array.from({visible})")) == set(part)


@pytest.mark.slow
def test_physics_switch(seeds, tmp_path, open_page):
    page = open_page(write_html(subgraph(seeds), tmp_path / "g.html"))
    assert page.is_checked("#kg-physics") and page.evaluate("kgNetwork.physics.physicsEnabled")
    page.uncheck("#kg-physics")
    assert page.evaluate("kgNetwork.physics.physicsEnabled") is False


@pytest.mark.slow
def test_markup_is_shown_as_text_never_run(tmp_path, open_page):
    page = open_page(write_html(evil_graph(), tmp_path / "evil.html"))
    # hover the node: vis-network's tooltip is a DOM element filled with textContent
    at = page.evaluate("kgNetwork.canvasToDOM(kgNetwork.getPosition('union/evil'))")
    box = page.locator("#kg-graph").bounding_box()
    page.mouse.move(box["x"] + at["x"], box["y"] + at["y"])
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tip = page.text_content("div.vis-tooltip")
    assert f"坏{EVIL}" in tip and EVIL + "别名" in tip and f"标题{EVIL}" in tip and f"句子{EVIL}" in tip
    # search the alias: the details panel shows the same text
    page.fill("#kg-search", EVIL + "别名")
    assert f"坏{EVIL}" in page.text_content("#kg-details")
    # click the link: its evidence sentence, literally
    mid = page.evaluate("""(() => { const a = kgNetwork.getPosition('union/evil'), b = kgNetwork.getPosition('province/1');
                           return kgNetwork.canvasToDOM({x: (a.x + b.x) / 2, y: (a.y + b.y) / 2}); })()""")
    page.mouse.click(box["x"] + mid["x"], box["y"] + mid["y"])
    assert f"句子{EVIL}</script>" in page.text_content("#kg-details")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("typeof window.__xss") == "undefined"


@pytest.mark.slow
def test_empty_graph_still_opens(tmp_path, open_page):
    page = open_page(write_html(nx.MultiDiGraph(), tmp_path / "empty.html"))
    assert page.evaluate("kgNodes.length") == 0 and "0 节点" in page.text_content("#kg-count")
