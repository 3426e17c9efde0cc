"""Build, the fourth stage: the knowledge base -> a networkx ``MultiDiGraph`` (``graph.json``).

``graph`` makes the graph (nodes: entities with their provenance; edges: relations with their
evidence) and writes and reads it as node-link JSON.

Previous stage: ``kg.resolve``; next: ``kg.export`` (facts, RDF, HTML) and ``kg.store``.
"""
from __future__ import annotations

from kg.build.graph import build_graph, graph_from_json, read_graph_json

__all__ = ["build_graph", "graph_from_json", "read_graph_json"]
