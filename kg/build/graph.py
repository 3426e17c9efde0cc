"""Graph: the resolved knowledge base as a networkx MultiDiGraph.

Node ids are the stable entity identifiers the RDF export uses. Nodes carry
kind, canonical label, aliases and provenance; edges carry their kind (and a
post's title) and the evidence sentences they were read from.

``graph.json`` is networkx's node-link format with the edges under ``"edges"``, the key
networkx 3.6 reads by default: ``nx.node_link_graph(json.load(f))`` loads it as it is,
without arguments or warnings (3.4 and 3.5 need ``edges="edges"``: their default is the old
key ``"links"``, with a FutureWarning). ``read_graph_json`` reads it, and a ``graph.json`` of
an earlier build (``"links"``), on every networkx kg supports.
"""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import networkx as nx

from kg.knowledge import kinds
from kg.resolve.entities import Entity, Evidence, KnowledgeBase, Relation, attribute_fields, evidence_order

# graph.json's key for the edges: networkx's own default from 3.6 on (it was "links" before)
EDGES_KEY = "edges"


def _jsonable(value):
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in sorted(value.items())}
    return value


def build_graph(kb: KnowledgeBase) -> nx.MultiDiGraph:
    """The graph of a knowledge base: an entity's mentions and a relation's evidence in one sorted order
    (``evidence_order``), and the lists only the merge reads (an official's posts, ``kinds.merge_input``)
    sorted, so that the graph depends on what was read, not on the order pages came in."""
    g = nx.MultiDiGraph()
    for eid, e in kb.entities.items():
        g.add_node(eid, kind=e.kind, label=e.name, aliases=sorted(e.aliases - {e.name}),
                   attrs=_jsonable(_sorted_merge_inputs(e.attrs)),
                   provenance=sorted(e.evidence, key=evidence_order))
    for r in kb.relations:
        key = r.kind if r.title is None else f"{r.kind}:{r.title}"
        g.add_edge(r.source, r.target, key=key, kind=r.kind, **({} if r.title is None else {"title": r.title}),
                   evidence=sorted(r.evidence, key=evidence_order))
    return g


def _sorted_merge_inputs(attrs) -> dict:
    fields = attribute_fields(attrs)
    for f in dataclasses.fields(attrs):
        if f.metadata.get(kinds.NOT_ON_PAGES) and isinstance(fields.get(f.name), list):
            fields[f.name] = sorted(fields[f.name])
    return fields


def knowledge_base(g: nx.MultiDiGraph) -> KnowledgeBase:
    """The knowledge base a graph was made from (the inverse of ``build_graph``), for a graph read
    back from graph.json: each node's ``attrs`` become its kind's attributes class (pairs, which
    JSON turned into lists, tuples again), its provenance ``Evidence``. The namesakes merged
    (``merges.tsv``) are not in a graph: the result has none. An unknown kind raises
    ``UnknownKind`` naming it."""
    def evidence(items) -> list[Evidence]:
        return [ev if isinstance(ev, Evidence) else Evidence(**ev) for ev in items]

    def value(v):
        return [tuple(x) if isinstance(x, list) else x for x in v] if isinstance(v, list) else v

    entities = {}
    for node, d in sorted(g.nodes(data=True)):
        e = Entity(node, d["kind"], d["label"], set(d.get("aliases", ())), evidence=evidence(d.get("provenance", ())))
        for name, v in d.get("attrs", {}).items():
            setattr(e.attrs, name, value(v))  # a field the kind's class lacks raises AttributeError
        entities[node] = e
    relations = sorted((Relation(d["kind"], source, target, d.get("title"), evidence(d.get("evidence", ())))
                        for source, target, d in g.edges(data=True)),
                       key=lambda r: (r.kind, r.source, r.target, r.title or ""))
    pages = sorted(e.attrs.source for e in entities.values() if e.kind == "page")
    return KnowledgeBase(entities, relations, pages)


def graph_json_parts(g: nx.MultiDiGraph):
    """Node-link JSON in pieces, sorted so the same graph always gives the same bytes, one node
    or link per line (readable with grep, and written by json's C encoder, which indenting would
    bypass). Written piece by piece, an archive's graph never becomes one string."""
    data = nx.node_link_data(g, edges=EDGES_KEY)
    data["nodes"] = sorted(data["nodes"], key=lambda n: n["id"])
    data[EDGES_KEY] = sorted(data[EDGES_KEY], key=lambda e: (e["source"], e["target"], e["key"]))

    def dumps(value) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=Evidence.as_dict)

    yield "{\n"
    for i, (key, value) in enumerate(sorted(data.items())):
        yield ",\n" if i else ""
        if key in ("nodes", EDGES_KEY):
            if not value:
                yield f"{dumps(key)}: []"
                continue
            yield f"{dumps(key)}: [\n"
            for j, item in enumerate(value):
                yield (",\n" if j else "") + dumps(item)
            yield "\n]"
        else:
            yield f"{dumps(key)}: {dumps(value)}"
    yield "\n}\n"


def graph_json(g: nx.MultiDiGraph) -> str:
    return "".join(graph_json_parts(g))


def write_graph(g: nx.MultiDiGraph, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.writelines(graph_json_parts(g))


def graph_from_json(data: dict) -> nx.MultiDiGraph:
    """The graph of a ``graph.json``'s data: this build's (``"edges"``) or an earlier one's
    (``"links"``), read with the key named, so that no networkx version warns."""
    key = EDGES_KEY if EDGES_KEY in data or "links" not in data else "links"
    return nx.node_link_graph(data, directed=True, multigraph=True, edges=key)


def read_graph_json(path: Path) -> nx.MultiDiGraph:
    """The graph a ``graph.json`` holds (``kg view``, ``kg export --format graphml``)."""
    with open(path, encoding="utf-8") as f:
        return graph_from_json(json.load(f))
