"""Graph: the knowledge base as a MultiDiGraph and its deterministic JSON."""
from __future__ import annotations

import json
import warnings

import networkx as nx
import pytest
from conftest import SEEDS, SOURCE_000, SOURCE_003, kb_of

from kg.graph import build_graph, graph_from_json, graph_json
from kg.ingest import read_page
from kg.pipeline import analyse

EVIDENCE_KEYS = {"page", "article", "sentence", "start", "end", "text"}


@pytest.fixture(scope="module")
def seed_graph(seed_kb):
    return build_graph(seed_kb)


def test_every_node_has_kind_label_and_provenance(seed_graph, seed_kb):
    assert seed_graph.number_of_nodes() == len(seed_kb.entities)
    for node, data in seed_graph.nodes(data=True):
        assert data["kind"] in {"page", "article", "province", "city", "union", "organization",
                                "official", "person", "policy", "program"}, node
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
