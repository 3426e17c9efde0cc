"""Changing a build's store in place of loading it again: quads taken out and put in, with the default
graph kept the union of the named graphs as a set (issue 17, ``kg build --update``).

The store's default graph is a copy of the union of its named graphs (``kg.store.database``: Oxigraph's
union of named graphs is a bag). A patch therefore takes a triple out of the default graph only when no
named graph holds it any more, and puts in the default graph every triple it puts in a named graph.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> s, p = ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p")
>>> a, b = ox.NamedNode("http://e/a"), ox.NamedNode("http://e/b")
>>> store.extend([ox.Quad(s, p, ox.Literal("x"), g) for g in (a, b, ox.DefaultGraph())])
>>> patch = StorePatch(store)
>>> patch.remove(ox.Quad(s, p, ox.Literal("x"), a))
>>> change = patch.apply()
>>> len(store), change.union_removed   # the triple is still in graph b: the union keeps it
(2, 0)
>>> patch = StorePatch(store)
>>> patch.remove(ox.Quad(s, p, ox.Literal("x"), b))
>>> patch.apply().union_removed, len(store)
(1, 0)
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

__all__ = ["StorePatch", "PatchResult"]

_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_DEFAULT = ox.DefaultGraph()


@dataclass
class PatchResult:
    """What a patch changed: quads of named graphs taken out and put in, triples of the union (the
    default graph) taken out and put in, and the subjects of those triples as N-Triples terms (what a
    shape check of the changed store looks at again; ``retyped``: those whose ``rdf:type`` changed)."""

    removed: int = 0
    added: int = 0
    union_removed: int = 0
    union_added: int = 0
    subjects: set[str] = field(default_factory=set)
    retyped: set[str] = field(default_factory=set)
    union_added_triples: set[tuple[str, str, str]] = field(default_factory=set)  # N-Triples terms


class StorePatch:
    """Quads to take out of and put in the named graphs of ``store``, applied in one step (``apply``).
    A quad both taken out and put in stays; a quad put in twice is there once."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.removed: set[ox.Quad] = set()
        self.added: set[ox.Quad] = set()

    def remove(self, quad: ox.Quad) -> None:
        self.removed.add(quad)

    def add(self, quad: ox.Quad) -> None:
        self.added.add(quad)

    def remove_graph(self, graph: ox.NamedNode) -> None:
        """Take out every quad of a named graph."""
        self.removed.update(self.store.quads_for_pattern(None, None, None, graph))

    def remove_matching(self, subject=None, predicate=None, object=None, graph: ox.NamedNode | None = None) -> None:
        """Take out the quads of a named graph (every named graph: None) that match the pattern."""
        self.removed.update(q for q in self.store.quads_for_pattern(subject, predicate, object, graph)
                            if not isinstance(q.graph_name, ox.DefaultGraph))

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        self.added.update(quads)

    def apply(self) -> PatchResult:
        store = self.store
        # what changes: quads taken out that are there, quads put in that are not
        gone = {q for q in self.removed - self.added if q in store}
        new = {q for q in self.added - self.removed if q not in store}
        if any(isinstance(q.graph_name, ox.DefaultGraph) for q in new | gone):
            raise ValueError("a patch changes named graphs; the default graph follows them")
        for quad in gone:
            store.remove(quad)
        store.extend(new)
        result = PatchResult(removed=len(gone), added=len(new))
        changed = []
        for triple in {(q.subject, q.predicate, q.object) for q in gone}:
            if not any(not isinstance(q.graph_name, ox.DefaultGraph) for q in store.quads_for_pattern(*triple)):
                store.remove(ox.Quad(*triple, _DEFAULT))
                result.union_removed += 1
                changed.append(triple)
        for triple in {(q.subject, q.predicate, q.object) for q in new}:
            union = ox.Quad(*triple, _DEFAULT)
            if union not in store:
                store.add(union)
                result.union_added += 1
                result.union_added_triples.add(tuple(map(str, triple)))
                changed.append(triple)
        for subject, predicate, _ in changed:
            result.subjects.add(str(subject))
            if predicate == _RDF_TYPE:
                result.retyped.add(str(subject))
        self.removed, self.added = set(), set()
        return result
