"""Resolve, the third stage: the mentions and links of every article -> one knowledge base.

``entities`` makes mentions entities with canonical names, aliases and stable ids (全总 ->
中华全国总工会; a bare 省总工会 read in the article's province), builds the union hierarchy,
merges officials across articles and turns links into relations, each with its evidence.

Previous stage: ``kg.extract``; next: ``kg.build`` (the graph) and ``kg.export``.
"""
from __future__ import annotations

from kg.resolve.entities import Entity, Evidence, KnowledgeBase, Relation, attribute_fields, resolve

# each kind's attributes class (``Entity.attrs``: ``PageInfo``, ``UnionInfo``, ...) is in
# ``kg.resolve.entities`` (the enterprise's in ``kg.extract.enterprises``), named by ``kg/knowledge/kinds.py``
__all__ = ["resolve", "KnowledgeBase", "Entity", "Relation", "Evidence", "attribute_fields"]
