"""Build, the fourth stage: the knowledge base -> a networkx ``MultiDiGraph`` (``graph.json``).

``graph`` makes the graph (nodes: entities with their provenance; edges: relations with their
evidence), writes and reads it as node-link JSON, and turns a graph read back into the knowledge
base it was made from (``knowledge_base``).

Previous stage: ``kg.resolve``; next: ``kg.export`` (graph.json and the HTML from the graph; the
facts and the RDF from the knowledge base itself) and ``kg.store``.
"""
from __future__ import annotations

from kg.build.graph import build_graph, graph_from_json, knowledge_base, read_graph_json

__all__ = ["build_graph", "graph_from_json", "read_graph_json", "knowledge_base"]
