"""Graph: the knowledge base as a MultiDiGraph and its deterministic JSON."""
from __future__ import annotations

import json
import warnings
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from conftest import SEEDS, SOURCE_000, SOURCE_003, kb_of

from kg.knowledge import kinds
from kg.build.graph import build_graph, graph_from_json, graph_json
from kg.ingest.pages import read_page
from kg.pipeline.run import analyse

EVIDENCE_KEYS = {"page", "article", "sentence", "start", "end", "text"}


@pytest.fixture(scope="module")
def seed_graph(seed_kb):
    return build_graph(seed_kb)


def test_every_node_has_kind_label_and_provenance(seed_graph, seed_kb):
    assert seed_graph.number_of_nodes() == len(seed_kb.entities)
    for node, data in seed_graph.nodes(data=True):
        assert data["kind"] in {k.name for k in kinds.ENTITY_KINDS}, node  # kg/knowledge/kinds.py
        assert isinstance(data["label"], str) and data["label"], node
        assert isinstance(data["provenance"], list), node
        for ev in data["provenance"]:
            assert set(ev) == EVIDENCE_KEYS


def test_nodes_read_from_text_have_provenance(seed_graph):
    for node, data in seed_graph.nodes(data=True):
        if data["kind"] in ("official", "person", "policy", "program", "organization"):
            assert data["provenance"], node
            assert all(ev["page"] in (SOURCE_000, SOURCE_003) for ev in data["provenance"])


def test_every_edge_has_a_kind(seed_graph, seed_kb):
    assert seed_graph.number_of_edges() == len(seed_kb.relations)
    kinds = set()
    for u, v, key, data in seed_graph.edges(keys=True, data=True):
        assert data["kind"], (u, v, key)
        assert key.split(":")[0] == data["kind"]
        kinds.add(data["kind"])
    assert {"holds-post", "sub-organization-of", "located-in", "issued-by", "operated-by",
            "active-in", "mentioned-in", "part-of"} <= kinds


def test_every_official_holds_a_titled_post(seed_graph):
    officials = [n for n, d in seed_graph.nodes(data=True) if d["kind"] == "official"]
    assert len(officials) >= 10
    for node in officials:
        posts = [d for _, _, d in seed_graph.out_edges(node, data=True) if d["kind"] == "holds-post"]
        assert posts, seed_graph.nodes[node]["label"]
        assert all(isinstance(d["title"], str) and d["title"] for d in posts)


def test_holds_post_edges_of_xu_liuping(seed_graph):
    xu = next(n for n, d in seed_graph.nodes(data=True) if d["kind"] == "official" and d["label"] == "徐留平")
    edges = {(seed_graph.nodes[v]["label"], d["title"]) for _, v, d in seed_graph.out_edges(xu, data=True)
             if d["kind"] == "holds-post"}
    assert edges == {("中华全国总工会", "党组书记"), ("中华全国总工会", "副主席"), ("中华全国总工会", "书记处第一书记")}
    # three parallel edges between the same two nodes, told apart by their key
    target = next(v for _, v, d in seed_graph.out_edges(xu, data=True) if d["kind"] == "holds-post")
    assert len(seed_graph.get_edge_data(xu, target)) == 3


def test_node_ids_are_ascii(seed_graph):
    for node in seed_graph.nodes:
        assert node.isascii() and node.isprintable(), node
        assert " " not in node


def test_graph_json_is_byte_identical_for_the_same_input(seed_graph):
    again = build_graph(analyse([read_page(SEEDS / SOURCE_000), read_page(SEEDS / SOURCE_003)]))
    first, second = graph_json(seed_graph), graph_json(again)
    assert first.encode("utf-8") == second.encode("utf-8")
    assert graph_json(seed_graph) == first


def test_graph_json_round_trips(seed_graph):
    data = json.loads(graph_json(seed_graph))
    assert len(data["nodes"]) == seed_graph.number_of_nodes()
    assert len(data["edges"]) == seed_graph.number_of_edges()
    ids = [n["id"] for n in data["nodes"]]
    assert ids == sorted(ids)
    assert all(link["source"] in ids and link["target"] in ids for link in data["edges"])


def test_graph_json_loads_with_networkx_defaults(seed_graph):
    """``nx.node_link_graph(data)`` without arguments, as a user calls it, and without a warning.
    networkx 3.4 and 3.5 warn at that call whatever the data and read "links": there the user
    names the key (``edges="edges"``), as the README says."""
    data = json.loads(graph_json(seed_graph))
    defaults_read_edges = tuple(map(int, nx.__version__.split(".")[:2])) >= (3, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = nx.node_link_graph(data) if defaults_read_edges else nx.node_link_graph(data, edges="edges")
    assert isinstance(loaded, nx.MultiDiGraph)
    assert sorted(loaded.nodes) == sorted(seed_graph.nodes)
    assert sorted(loaded.edges(keys=True)) == sorted(seed_graph.edges(keys=True))
    xu = next(n for n, d in loaded.nodes(data=True) if d["label"] == "徐留平")
    assert {d["title"] for _, _, d in loaded.out_edges(xu, data=True) if d["kind"] == "holds-post"} \
        == {"党组书记", "副主席", "书记处第一书记"}


def test_a_graph_json_of_an_earlier_build_still_reads(seed_graph):
    """kg's own reader takes the old key ("links") too: a graph.json kept from an earlier build."""
    data = json.loads(graph_json(seed_graph))
    data["links"] = data.pop("edges")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        old, new = graph_from_json(data), graph_from_json(json.loads(graph_json(seed_graph)))
    assert sorted(old.edges(keys=True)) == sorted(new.edges(keys=True)) == sorted(seed_graph.edges(keys=True))


def test_synthetic_graph_has_the_chain_of_posts():
    _, kb = kb_of("## 浙江部署\n\n本报杭州3月5日电(记者陈晓)浙江省总工会党组书记、常务副主席王建平出席会议。\n")
    g = build_graph(kb)
    wang = next(n for n, d in g.nodes(data=True) if d["label"] == "王建平")
    assert g.nodes[wang]["kind"] == "official"
    titles = sorted(d["title"] for _, v, d in g.out_edges(wang, data=True) if d["kind"] == "holds-post")
    assert titles == ["党组书记", "常务副主席"]
    union = next(v for _, v, d in g.out_edges(wang, data=True) if d["kind"] == "holds-post")
    assert g.nodes[union]["label"] == "浙江省总工会"
    parents = [g.nodes[v]["label"] for _, v, d in g.out_edges(union, data=True) if d["kind"] == "sub-organization-of"]
    assert parents == ["中华全国总工会"]
    assert all(n.isascii() for n in g.nodes)


# ---------------------------------------------------------------------------
# kg export --format graphml | gexf: what Gephi, Cytoscape and networkx open
# ---------------------------------------------------------------------------

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://www.gexf.net/1.2draft"


@pytest.fixture(scope="module")
def graph_file(seed_graph, tmp_path_factory):
    path = tmp_path_factory.mktemp("graph") / "graph.json"
    path.write_text(graph_json(seed_graph), encoding="utf-8")
    return path


def _export(graph_file, fmt, out):
    from kg.cli.commands import main

    assert main(["export", "--format", fmt, "--input", str(graph_file), "-o", str(out)]) == 0
    return out


def test_graphml_opens_in_networkx_with_every_node_edge_and_attribute(seed_graph, graph_file, tmp_path):
    out = _export(graph_file, "graphml", tmp_path / "g.graphml")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = nx.read_graphml(out)
    assert back.is_directed() and back.is_multigraph()
    assert sorted(back.nodes) == sorted(seed_graph.nodes)
    assert {d["label"] for _, d in back.nodes(data=True)} == {d["label"] for _, d in seed_graph.nodes(data=True)}
    assert back.number_of_edges() == seed_graph.number_of_edges()
    # every value a scalar: lists and dicts as their JSON text, read back to the same value
    read = graph_from_json(json.loads(graph_file.read_text("utf-8")))
    for node, data in back.nodes(data=True):
        original = read.nodes[node]
        assert data["kind"] == original["kind"]
        assert json.loads(data["aliases"]) == original["aliases"]
        assert json.loads(data["attrs"]) == original["attrs"]
        assert json.loads(data["provenance"]) == original["provenance"]
    assert sum(len(json.loads(d["provenance"])) for _, d in back.nodes(data=True)) > 100
    edges = sorted((u, v, d["key"], d["kind"], d.get("title")) for u, v, d in back.edges(data=True))
    assert edges == sorted((u, v, k, d["kind"], d.get("title")) for u, v, k, d in seed_graph.edges(keys=True, data=True))
    xu = next(n for n, d in back.nodes(data=True) if d["label"] == "徐留平")
    assert {d["title"] for _, _, d in back.out_edges(xu, data=True) if d["kind"] == "holds-post"} \
        == {"党组书记", "副主席", "书记处第一书记"}


def test_graphml_is_well_formed_graphml(graph_file, tmp_path):
    """Parsed with ElementTree: GraphML's namespace, every data element's key declared for its
    element kind with a GraphML type, ids unique, every edge's ends among the nodes."""
    root = ET.parse(_export(graph_file, "graphml", tmp_path / "g.graphml")).getroot()
    ns = {"g": GRAPHML_NS}
    assert root.tag == f"{{{GRAPHML_NS}}}graphml"
    keys = {k.get("id"): k for k in root.findall("g:key", ns)}
    assert all(k.get("attr.type") in ("boolean", "int", "long", "float", "double", "string") for k in keys.values())
    (graph,) = root.findall("g:graph", ns)
    assert graph.get("edgedefault") == "directed"
    nodes = [n.get("id") for n in graph.findall("g:node", ns)]
    edges = graph.findall("g:edge", ns)
    assert len(set(nodes)) == len(nodes) and len({e.get("id") for e in edges}) == len(edges)
    assert all(e.get("source") in set(nodes) and e.get("target") in set(nodes) for e in edges)
    for kind, elements in (("node", graph.findall("g:node", ns)), ("edge", edges)):
        for element in elements:
            for data in element.findall("g:data", ns):
                assert keys[data.get("key")].get("for") == kind


def test_gexf_opens_in_networkx_and_is_gexf_1_2(seed_graph, graph_file, tmp_path):
    out = _export(graph_file, "gexf", tmp_path / "g.gexf")
    root = ET.parse(out).getroot()
    ns = {"x": GEXF_NS}
    assert root.tag == f"{{{GEXF_NS}}}gexf" and root.get("version") == "1.2"
    assert root.find("x:meta", ns).get("lastmodifieddate") is None  # no date: the same graph, the same bytes
    (graph,) = root.findall("x:graph", ns)
    assert graph.get("defaultedgetype") == "directed"
    attributes = {c.get("class"): {a.get("id") for a in c.findall("x:attribute", ns)}
                  for c in graph.findall("x:attributes", ns)}
    for kind in ("node", "edge"):
        for element in graph.iter(f"{{{GEXF_NS}}}{kind}"):
            assert {v.get("for") for v in element.iter(f"{{{GEXF_NS}}}attvalue")} <= attributes[kind]
    edge_ids = [e.get("id") for e in graph.iter(f"{{{GEXF_NS}}}edge")]
    assert len(set(edge_ids)) == len(edge_ids) == seed_graph.number_of_edges()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = nx.read_gexf(out)
    assert sorted(back.nodes) == sorted(seed_graph.nodes)
    assert {d["label"] for _, d in back.nodes(data=True)} == {d["label"] for _, d in seed_graph.nodes(data=True)}
    assert sorted(back.edges(keys=True)) == sorted(seed_graph.edges(keys=True))
    assert all(json.loads(d["aliases"]) == seed_graph.nodes[n]["aliases"] for n, d in back.nodes(data=True))


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_formats_are_byte_identical_for_the_same_graph(graph_file, tmp_path, fmt):
    first = _export(graph_file, fmt, tmp_path / f"a.{fmt}").read_bytes()
    assert _export(graph_file, fmt, tmp_path / f"b.{fmt}").read_bytes() == first


def test_graph_formats_want_a_graph_json(graph_file, tmp_path, capsys):
    from kg.cli.commands import main

    nq = tmp_path / "graph.nq"
    nq.write_text("<https://e.org/a> <https://e.org/p> <https://e.org/b> .\n", encoding="utf-8")
    assert main(["export", "--format", "gexf", "--input", str(nq)]) == 2
    assert "is written from the graph.json" in capsys.readouterr().err
    assert main(["export", "--format", "nt", "--input", str(graph_file)]) == 2
    assert "a graph.json converts to --format graphml or gexf" in capsys.readouterr().err
    bad = tmp_path / "bad.json"
    bad.write_text('{"nodes": 1}', encoding="utf-8")
    assert main(["export", "--format", "graphml", "--input", str(bad)]) == 2
    assert 'not a graph.json: it has no "nodes" and "edges" lists' in capsys.readouterr().err
