"""SHACL validation as SPARQL on Oxigraph, fast enough for archive-sized graphs.

``shapes.ttl`` uses a small part of SHACL Core: node shapes with
``sh:targetClass`` and property shapes with an IRI ``sh:path`` and
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype``,
``sh:languageIn`` and ``sh:pattern``. Each constraint becomes one SPARQL query
(the min and max count of a property share one) that selects the focus nodes
(and values) violating it, and runs in Rust on
the build's Oxigraph store. pySHACL needed a third of the build time for
this (tests check that both report the same focus nodes). A shapes file with
any other constraint is refused rather than half-checked.

A store made from a previous one that passed the same checks needs only the
nodes whose results can have changed checked again (``changed_nodes``): a
node's result depends on its own triples and on the types of its values.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from kg.knowledge import ONTOLOGY, SHAPES

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
CHECKED = {"minCount", "maxCount", "class", "datatype", "languageIn", "pattern", "flags"}
IGNORED = {"path", "message", "name", "description", "order", "group"}  # no constraint of their own
EXAMPLES = 5  # violating nodes shown per constraint


class ShapesError(ValueError):
    """The shapes use a SHACL feature this checker does not implement."""


@dataclass(frozen=True)
class Check:
    shape: str  # the node shape
    path: str
    constraint: str  # e.g. "sh:minCount 1"
    message: str
    query: str  # selects the violating focus nodes (min and max count of one property share one)
    fewer_than: int | None = None  # a count check: the focus has fewer values than this
    more_than: int | None = None  # ... or more than this

    def broken_by(self, row) -> bool:
        """Whether a row of ``query`` violates this constraint (the other count may be the one)."""
        if self.fewer_than is None and self.more_than is None:
            return True
        n = int(row["n"].value)
        return (self.fewer_than is not None and n < self.fewer_than) or (self.more_than is not None and n > self.more_than)


@dataclass(frozen=True)
class Violation:
    check: Check
    focus: str
    value: str | None


def _objects(quads, s, p: str) -> list:
    return [q.object for q in quads if q.subject == s and q.predicate.value == SH + p]


def _subclasses(ontology: list) -> dict[str, set[str]]:
    """Every class -> itself and its subclasses, transitively."""
    parents: dict[str, set[str]] = {}
    for q in ontology:
        if q.predicate.value == SUBCLASS:
            parents.setdefault(q.subject.value, set()).add(q.object.value)
    below: dict[str, set[str]] = {}
    for cls in parents:
        todo, seen = [cls], set()
        while todo:
            c = todo.pop()
            for parent in parents.get(c, ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        for parent in seen:
            below.setdefault(parent, set()).add(cls)
    return below


@lru_cache(maxsize=4)
def checks(shapes: Path = SHAPES, ontology: Path = ONTOLOGY) -> tuple[Check, ...]:
    """One SPARQL check per constraint of the shapes file."""
    quads = list(ox.parse(path=str(shapes), format=ox.RdfFormat.TURTLE))
    below = _subclasses(list(ox.parse(path=str(ontology), format=ox.RdfFormat.TURTLE)))

    def values(classes) -> str:
        found = sorted({c.value for c in classes} | {s for c in classes for s in below.get(c.value, ())})
        return " ".join(f"<{c}>" for c in found)

    out = []
    node_shapes = sorted({q.subject for q in quads if q.predicate.value == SH + "targetClass"}, key=str)
    for shape in node_shapes:
        targets = values(_objects(quads, shape, "targetClass"))
        focus = f"?focus {RDF_TYPE} ?target . VALUES ?target {{ {targets} }}"
        for prop in _objects(quads, shape, "property"):
            used = {q.predicate.value[len(SH):] for q in quads if q.subject == prop and q.predicate.value.startswith(SH)}
            unknown = used - CHECKED - IGNORED
            if unknown:
                raise ShapesError(f"{shapes}: {shape}: sh:{sorted(unknown)[0]} is not supported by kg.store.shacl")
            paths = _objects(quads, prop, "path")
            if len(paths) != 1 or not isinstance(paths[0], ox.NamedNode):
                raise ShapesError(f"{shapes}: {shape}: only a single IRI sh:path is supported")
            path = str(paths[0])
            message = " ".join(m.value for m in _objects(quads, prop, "message"))
            counts = {name: [int(t.value) for t in _objects(quads, prop, name)] for name in ("minCount", "maxCount")}
            for name in sorted(used & CHECKED - {"flags"}):
                for term in _objects(quads, prop, name):
                    if name in counts:  # one query counts the values for both bounds
                        bound = int(term.value)
                        out.append(Check(str(shape), path, f"sh:{name} {term}", message,
                                         _count_query(focus, path, counts["minCount"], counts["maxCount"]),
                                         fewer_than=bound if name == "minCount" else None,
                                         more_than=bound if name == "maxCount" else None))
                        continue
                    out.append(Check(str(shape), path, f"sh:{name} {term}", message,
                                     _query(name, term, focus, path, quads, prop, values)))
    return tuple(out)


def _count_query(focus: str, path: str, minima: list[int], maxima: list[int]) -> str:
    """The focus nodes with fewer values than a sh:minCount or more than a sh:maxCount of the
    property, with their number of values: one pass over the property for both bounds."""
    broken = [f"COUNT(DISTINCT ?v) < {n}" for n in minima] + [f"COUNT(DISTINCT ?v) > {n}" for n in maxima]
    values = f"OPTIONAL {{ ?focus {path} ?v }}" if minima else f"?focus {path} ?v"
    return (f"SELECT ?focus (COUNT(DISTINCT ?v) AS ?n) (SAMPLE(?v) AS ?value) WHERE {{ {focus} {values} }} "
            f"GROUP BY ?focus HAVING ({' || '.join(broken)})")


def _query(name: str, term, focus: str, path: str, quads, prop, values) -> str:
    where = f"SELECT DISTINCT ?focus ?value WHERE {{ {focus} ?focus {path} ?value . "
    if name == "class":
        return where + f"FILTER NOT EXISTS {{ ?value {RDF_TYPE} ?c . VALUES ?c {{ {values([term])} }} }} }}"
    if name == "datatype":
        return where + f"FILTER(!isLiteral(?value) || datatype(?value) != {term}) }}"
    if name == "languageIn":
        tags = [t.value for t in _list(quads, term)]
        ok = " || ".join(f'langMatches(lang(?value), "{t}")' for t in tags) or "false"
        return where + f"FILTER(!isLiteral(?value) || !({ok})) }}"
    if name == "pattern":
        flags = _objects(quads, prop, "flags")
        extra = f", {flags[0]}" if flags else ""
        return where + f"FILTER(isBlank(?value) || !regex(str(?value), {term}{extra})) }}"
    raise ShapesError(f"sh:{name} is not supported")


def _list(quads, head) -> list:
    first, rest = "http://www.w3.org/1999/02/22-rdf-syntax-ns#first", "http://www.w3.org/1999/02/22-rdf-syntax-ns#rest"
    items = []
    while not (isinstance(head, ox.NamedNode) and head.value.endswith("#nil")):
        items += [q.object for q in quads if q.subject == head and q.predicate.value == first]
        nxt = [q.object for q in quads if q.subject == head and q.predicate.value == rest]
        if not nxt:
            break
        head = nxt[0]
    return items


class ShapeViolation(Exception):
    """The RDF export breaks a SHACL shape; the message lists the violations (``report``)."""


def digest() -> str:
    """Names the checks (their queries decide every result): a store that passed checks of the
    same digest need not be checked again where it did not change."""
    return hashlib.sha256("\n".join(c.query for c in checks()).encode("utf-8")).hexdigest()


def changed_nodes(store: ox.Store, subjects: set[str], retyped: set[str]) -> set[str]:
    """The nodes of ``store`` whose results can differ from the store it was made from, given
    the subjects of its changed union-graph triples and those among them whose rdf:type
    changed: those subjects, and the nodes with a value whose type changed (``sh:class``)."""
    found = set(subjects)
    for term in retyped:
        found.update(str(q.subject) for q in store.quads_for_pattern(None, None, _node(term), ox.DefaultGraph()))
    return found


# A node with more values of one property than this (the build's prov:used, the dataset's
# prov:hadPrimarySource: one per page) is checked, for that property, on the values a change added
# (when the caller says which) and as many others as its counts need: the others passed before.
MANY_VALUES = 1000


def violations(store: ox.Store, only: set[str] | None = None,
               added: set[tuple[str, str, str]] | None = None) -> list[Violation]:
    """Every violation of the shapes in ``store``, whose default graph is the union of its
    graphs; with ``only`` (N-Triples terms), the violations of those nodes, of a store that passed the
    same checks before the change whose added union triples are ``added`` (N-Triples terms; None: not
    known, every value of every node in ``only`` is checked)."""
    if only is not None:
        return [v for v in violations(_around(store, only, added)) if v.focus in only]
    found, answers = [], {}
    for check in checks():
        if check.query not in answers:
            answers[check.query] = list(store.query(check.query))
        found += [Violation(check, str(row["focus"]), None if row["value"] is None else str(row["value"]))
                  for row in answers[check.query] if check.broken_by(row)]
    return found


def _around(store: ox.Store, nodes: set[str], added: set[tuple[str, str, str]] | None = None) -> ox.Store:
    """An in-memory store of what decides the results of ``nodes``: their values of rdf:type and of the
    properties the shapes constrain, and the types of those values (the checks' queries on a few nodes
    of a large store, run there with VALUES, would still read the whole of each property). Of a
    property with more than ``MANY_VALUES`` values, when ``added`` says what the change added, only the
    values it added, those that are themselves changed nodes (a value whose type changed is one), and
    as many others as the property's counts need."""
    near = ox.Store()
    default = ox.DefaultGraph()
    rdf_type = _node(RDF_TYPE)
    new_values: dict[tuple[str, str], set[str]] = {}
    for s, p, o in added or ():
        new_values.setdefault((s, p), set()).add(o)
    for term in nodes:
        node = _node(term)
        for prop in _checked_properties():
            triples = list(store.quads_for_pattern(node, prop, None, default))
            if prop != rdf_type and len(triples) > MANY_VALUES:
                if added is None:  # every value, their types read in one join
                    near.extend(triples)
                    near.extend(ox.Quad(row["v"], rdf_type, row["t"]) for row in store.query(
                        f"SELECT ?v ?t WHERE {{ {term} {prop} ?v . ?v {RDF_TYPE} ?t }}"))
                    continue
                wanted = new_values.get((term, str(prop)), set()) | nodes
                triples = triples[:_values_counted(str(prop))] + [q for q in triples if str(q.object) in wanted]
            near.extend(triples)
            for value in {q.object for q in triples if isinstance(q.object, ox.NamedNode)}:
                near.extend(store.quads_for_pattern(value, rdf_type, None, default))
    return near


@lru_cache(maxsize=None)
def _values_counted(path: str) -> int:
    """How many values of ``path`` its count checks need to see: one more than its largest sh:maxCount,
    and at least its largest sh:minCount (and one)."""
    bounds = [1] + [c.more_than + 1 for c in checks() if c.path == path and c.more_than is not None] + \
        [c.fewer_than for c in checks() if c.path == path and c.fewer_than is not None]
    return max(bounds)


@lru_cache(maxsize=1)
def _checked_properties() -> tuple[ox.NamedNode, ...]:
    """rdf:type and every property a shape constrains."""
    return tuple(sorted({_node(RDF_TYPE)} | {_node(c.path) for c in checks()}, key=str))


def _node(term: str) -> ox.NamedNode:
    """A node of ``kg.export.rdf``'s export (always an IRI) from its N-Triples term."""
    return ox.NamedNode(term[1:-1])


def report(found: list[Violation]) -> str:
    """The violations grouped by constraint, a few examples each."""
    lines = [f"{len(found)} SHACL violation{'s' if len(found) != 1 else ''}:"]
    by_check: dict[Check, list[Violation]] = {}
    for v in found:
        by_check.setdefault(v.check, []).append(v)
    for check, items in by_check.items():
        lines.append(f"- {check.shape} {check.path} {check.constraint}: {len(items)} node(s)"
                     + (f" ({check.message})" if check.message else ""))
        for v in sorted(items, key=lambda v: (v.focus, v.value or ""))[:EXAMPLES]:
            lines.append(f"    focus {v.focus}" + (f" value {v.value}" if v.value else ""))
    return "\n".join(lines)


def check_command(args) -> int:
    """``kg check [--store DIR]``: every shape of ``kg/knowledge/shapes.ttl`` over the whole of a build's
    store, on demand (a build checks only the nodes its change reached, ``changed_nodes``). Exit 0 when
    it conforms, 3 with the report when it does not (as ``kg build``), 2 when there is no store to read."""
    import sys

    from kg.store.database import open_store

    folder = Path(args.store)
    if not folder.is_dir():
        print(f"kg check: {folder}: no store there (run `kg build` first; its store is <out>/store)", file=sys.stderr)
        return 2
    try:
        store = open_store(folder)
    except OSError as err:  # not a store, or one damaged: RocksDB names what it could not open
        print(f"kg check: {folder}: cannot open the store ({err}); `kg build` makes it again", file=sys.stderr)
        return 2
    found = violations(store)
    if found:
        print(f"kg check: {folder} violates kg/knowledge/shapes.ttl.\n{report(found)}", file=sys.stderr)
        return 3
    print(f"kg check: {folder} conforms to kg/knowledge/shapes.ttl ({len(checks())} checks over the whole store)")
    return 0

