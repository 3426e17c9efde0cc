"""``kg export``: the build's data in another format, from a file or standard input, to a file
or standard output.

Two kinds of format, each from its own source:

- RDF (``ttl``, ``nt``, ``trig``, ``nq``, ``jsonld``, ``xml``), read from the store ``kg build`` made
  (``--store``, default ``exports/store``) and streamed in bounded memory, each format byte for byte
  the file ``kg build`` writes (``kg.store.database.StoreRdf``); or converted from an RDF file
  (``--input``) and written as ``kg build`` writes its exports (``kg.export.rdf``);
- the build's ``graph.json`` and ``graph.html`` (``json``, ``html``), read from its store only: the
  knowledge base read back from the store's RDF (``kg.store.knowledge``) makes the graph the build
  drew, and each file is byte for byte the build's (the graph is held in memory, as the build holds it);
- the property-graph formats GraphML and GEXF 1.2 (``graphml``, ``gexf``: what Gephi, Cytoscape,
  yEd and networkx open), written by networkx from a ``graph.json`` (default
  ``exports/graph.json``).

Without ``--input`` and ``--store``, RDF comes from ``exports/store``, or from ``exports/graph.nq`` when
there is no store (a folder copied without it).
``-`` names standard input (``--input -``) and standard output (``-o -``, also the default). RDF
on standard input is read as N-Quads, which takes N-Triples too, unless ``--input-format`` names
another format; a file's format comes from its extension unless ``--input-format`` is given.

GraphML and GEXF attribute values are typed scalars, so each node and edge attribute is written
by one rule (``scalar_attributes``): strings, numbers and booleans as they are, a missing value
(None) left out, a list or a dict (a node's ``aliases``, ``attrs`` and ``provenance``, an edge's
``evidence``) as its JSON text, which ``json.loads`` turns back into the value. An edge's kg key
(``holds-post:党组书记``) is kept as its ``key`` attribute (``networkx_key`` in GEXF, networkx's
name for it there); edge ids are ``e0``, ``e1``, ... in graph.json's order, as GraphML and Gephi
want an id unique in the file. Attributes that GEXF
gives a meaning of its own (``start``, ``end``, ``weight``, ...) would be written ``kg_NAME``;
no attribute of kg's has such a name today. GEXF's ``lastmodifieddate`` is left out, so the
same graph always gives the same bytes.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import sys
import tempfile
from pathlib import Path

from kg.defaults import RDF_FORMATS

GRAPH_FORMATS = ("gexf", "graphml")
STORE_GRAPH_FORMATS = ("html", "json")  # graph.json and graph.html, from a store only
DEFAULT_RDF_INPUT = "exports/graph.nq"
DEFAULT_STORE = "exports/store"
DEFAULT_GRAPH_INPUT = "exports/graph.json"
STDIO = "-"
# GEXF reads these attribute names as parts of its own model (networkx's writer moves them)
_GEXF_RESERVED = frozenset({"id", "label", "weight", "type", "start", "end", "spells", "viz", "pid"})


class ExportError(Exception):
    """What the user must fix (a missing or unreadable input, a format that does not fit): exit 2."""


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", required=True, choices=sorted(RDF_FORMATS + GRAPH_FORMATS + STORE_GRAPH_FORMATS),
                   help="an RDF format (jsonld, nq, nt, trig, ttl, xml: RDF/XML) from the store or an RDF file; "
                        "json or html (the build's graph.json, graph.html) from the store; or a graph format "
                        "(graphml, gexf) from a graph.json")
    p.add_argument("--store", help=f"the store `kg build` made, read for an RDF format, json or html (default: "
                                   f"{DEFAULT_STORE}; for an RDF format without it, {DEFAULT_RDF_INPUT})")
    p.add_argument("--input", help=f"file to convert instead, or - for standard input ({DEFAULT_GRAPH_INPUT} "
                                   f"for graphml and gexf)")
    p.add_argument("--input-format", choices=RDF_FORMATS,
                   help="the RDF format of --input (default: from its extension; nq for standard input, "
                        "which reads N-Triples too)")
    p.add_argument("-o", "--output", help="file to write, or - for standard output (the default)")


def export_command(args: argparse.Namespace) -> int:
    """``kg export``: 0 when written, 2 with one line on standard error for anything the user must fix."""
    try:
        store = _store_to_read(args)
        if store is not None:
            return _from_store(store, args.format, args.output)
        data = _graph_bytes(args) if args.format in GRAPH_FORMATS else _rdf_bytes(args)
    except ExportError as err:
        print(f"kg export: {err}", file=sys.stderr)
        return 2
    return _write(data, args.output)


def _store_to_read(args) -> Path | None:
    """The store an RDF format is read from: ``--store``, else ``exports/store`` unless ``--input``
    names a file (or there is no store and ``exports/graph.nq`` is read, as before stores)."""
    if args.format in STORE_GRAPH_FORMATS:
        if args.input is not None or args.input_format:
            raise ExportError(f"--format {args.format} is written from the store `kg build` made (--store, default "
                              f"{DEFAULT_STORE}), not from a file")
        store = Path(args.store if args.store is not None else DEFAULT_STORE)
        if not store.is_dir():
            raise ExportError(f"{store}: no store there (run `kg build` first; its store is <out>/store)")
        return store
    if args.store is not None:
        if args.input is not None:
            raise ExportError("--store and --input name two sources; give one")
        if args.format in GRAPH_FORMATS:
            raise ExportError(f"--format {args.format} is written from a graph.json (--input), not from a store")
        if args.input_format:
            raise ExportError("--input-format names the format of --input; a store needs none")
        store = Path(args.store)
        if not store.is_dir():
            raise ExportError(f"{store}: no store there (run `kg build` first; its store is <out>/store)")
        return store
    if args.input is not None or args.format in GRAPH_FORMATS or args.input_format:
        return None
    store = Path(DEFAULT_STORE)
    return store if store.is_dir() or not Path(DEFAULT_RDF_INPUT).is_file() else None


def _from_store(folder: Path, fmt: str, output: str | None) -> int:
    """Write ``fmt`` from the store at ``folder`` into ``output`` (a file, replaced in one step once
    whole, or standard output), streamed through a temporary file: nothing is held whole."""
    from kg.export.files import atomic_path
    from kg.export.rdf import write_exports
    from kg.store.database import StoreRdf, open_store

    try:
        store = open_store(folder)
    except OSError as err:  # not a store, or one damaged: RocksDB names what it could not open
        raise ExportError(f"{folder}: cannot open the store ({err}); `kg build` makes it again") from None
    target = None if output in (None, STDIO) else Path(output)

    def write(path: Path) -> None:
        if fmt in STORE_GRAPH_FORMATS:
            return _write_graph_file(store, folder, fmt, path)
        try:
            write_exports(StoreRdf(store, path.parent), {fmt: path})
        except ValueError as err:  # XmlError: a literal XML 1.0 cannot carry
            raise ExportError(f"{folder}: cannot write it as {fmt}: {err}") from None

    try:
        if target is not None:
            with atomic_path(target) as tmp:
                write(tmp)
            return 0
        with tempfile.TemporaryDirectory(prefix=".kg-export-") as scratch:
            made = Path(scratch) / f"graph.{fmt}"
            write(made)
            return _copy_to_standard_output(made)
    except OSError as err:
        print(f"kg export: cannot write {output or 'standard output'}: {err.strerror or err}", file=sys.stderr)
        return 2


def _write_graph_file(store, folder: Path, fmt: str, path: Path) -> None:
    """graph.json (``fmt`` json) or graph.html (html) of the build whose store is ``store``, into
    ``path``: the graph of the knowledge base read back from the store, written as the build writes it."""
    from kg.build.graph import build_graph, write_graph
    from kg.export.html import whole_graph_html
    from kg.store.knowledge import StoreContentError, read_knowledge_base

    try:
        kb = read_knowledge_base(store)
    except StoreContentError as err:
        raise ExportError(f"{folder}: cannot read the build's graph from the store: {err}") from None
    graph = build_graph(kb)
    del kb
    if fmt == "json":
        write_graph(graph, path)
        return
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(whole_graph_html(graph))


def _copy_to_standard_output(path: Path) -> int:
    with open(path, "rb") as f:
        return _to_standard_output(iter(lambda: f.read(1 << 20), b""))


def _to_standard_output(chunks) -> int:
    """The bytes of ``chunks`` to standard output: 0, or 2 with one line on standard error."""
    try:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    except BrokenPipeError:  # `kg export ... | head`: the reader has seen enough
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except OSError as err:
        print(f"kg export: cannot write to standard output: {err.strerror or err}", file=sys.stderr)
        return 2
    return 0


def _input(args, default: str) -> str:
    return args.input if args.input is not None else default


def _read_input(name: str, read: bool = True) -> bytes:
    """The bytes of ``--input`` (``-``: standard input); ``ExportError`` when it is missing or
    unreadable. ``read=False`` only checks the file (Oxigraph then streams it itself)."""
    if name == STDIO:
        return sys.stdin.buffer.read()
    path = Path(name)
    if not path.is_file():
        raise ExportError(f"{path}: no such file (run `kg build` first, or give --input)")
    try:
        with open(path, "rb") as f:
            return f.read() if read else b""
    except OSError as err:
        raise ExportError(f"{path}: cannot read it ({err.strerror or err})") from None


def _shown(name: str) -> str:
    return "standard input" if name == STDIO else name


def _rdf_bytes(args) -> bytes:
    import pyoxigraph as ox

    from kg.export.rdf import FORMATS, RdfData, serialize

    name = _input(args, DEFAULT_RDF_INPUT)
    if args.input is None and not Path(name).is_file():
        if Path(DEFAULT_STORE).is_dir():  # (only --input-format sends a store's reader here)
            raise ExportError(f"--input-format names the format of --input, and without --input {DEFAULT_RDF_INPUT} "
                              f"is read, which is not there; drop --input-format to read {DEFAULT_STORE}")
        raise ExportError(f"no store at {DEFAULT_STORE} and no {DEFAULT_RDF_INPUT}: run `kg build` first, or give "
                          "--store or --input")
    if args.input_format:
        fmt = FORMATS[args.input_format]
    elif name == STDIO:
        fmt = ox.RdfFormat.N_QUADS
    else:
        fmt = ox.RdfFormat.from_extension(Path(name).suffix.lstrip(".").lower())
        if fmt is None:
            raise ExportError(f"{name}: not a known RDF file extension (.nq, .trig, .ttl, .nt, .jsonld, .rdf, "
                              ".xml); name its format with --input-format")
    if name == STDIO:
        quads = ox.parse(_read_input(name), format=fmt)
    else:
        _read_input(name, read=False)
        quads = ox.parse(path=name, format=fmt)

    def graph(quad):
        return "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)

    try:
        data = RdfData((graph(q), str(q.subject), str(q.predicate), str(q.object)) for q in quads)
    except (SyntaxError, ValueError, OSError) as err:
        hint = "; a graph.json converts to --format graphml or gexf" if name.endswith(".json") else ""
        raise ExportError(f"{_shown(name)}: cannot parse as {fmt.name}: {err}{hint}") from None
    if not data.triple_count() and name.endswith(".json") and not args.input_format:
        # JSON-LD by its extension, and no triple in it: most likely a graph.json
        raise ExportError(f"{name}: no RDF in it (read as JSON-LD); a graph.json converts to --format graphml "
                          "or gexf, and --input-format jsonld reads a JSON-LD file even without triples")
    try:
        return serialize(data, args.format).encode("utf-8")
    except ValueError as err:  # XmlError: a literal XML 1.0 cannot carry; an IRI RDF/XML cannot split
        raise ExportError(f"{_shown(name)}: cannot write it as {args.format}: {err}") from None


def _graph_bytes(args) -> bytes:
    if args.input_format:
        raise ExportError(f"--input-format names an RDF format; --format {args.format} is written from a graph.json")
    name = _input(args, DEFAULT_GRAPH_INPUT)
    if name != STDIO and not name.endswith(".json"):
        raise ExportError(f"{name}: --format {args.format} is written from the graph.json `kg build` writes "
                          f"(--input {DEFAULT_GRAPH_INPUT}), not from an RDF file")
    raw = _read_input(name)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExportError(f"{_shown(name)}: not a graph.json: {err}") from None
    if not (isinstance(data, dict) and isinstance(data.get("nodes"), list)
            and isinstance(data.get("edges", data.get("links")), list)):
        raise ExportError(f"{_shown(name)}: not a graph.json: it has no \"nodes\" and \"edges\" lists "
                          "(networkx's node-link format, as `kg build` writes it)")
    from kg.build.graph import graph_from_json

    try:
        graph = graph_from_json(data)
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        raise ExportError(f"{_shown(name)}: not a graph.json: a node or edge is not as networkx writes it "
                          f"({type(err).__name__}: {err})") from None
    return graph_document(graph, args.format)


def scalar_attributes(data: dict, reserved: frozenset = frozenset()) -> dict:
    """An attribute dict GraphML and GEXF can hold: scalars kept, None left out, a list or a dict as
    its JSON text (keys sorted, characters as they are); a name in ``reserved`` written ``kg_NAME``."""
    out = {}
    for name, value in data.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple, dict)):
            value = json.dumps(value, ensure_ascii=False, sort_keys=True)
        elif not isinstance(value, (str, int, float, bool)):
            value = str(value)
        out[f"kg_{name}" if name in reserved else name] = value
    return out


def graph_document(graph, fmt: str) -> bytes:
    """The graph (kg's MultiDiGraph, as read from graph.json) as a GraphML or GEXF 1.2 document."""
    import networkx as nx

    reserved = _GEXF_RESERVED - {"label"} if fmt == "gexf" else frozenset()
    flat = nx.MultiDiGraph()
    for node, data in graph.nodes(data=True):
        flat.add_node(node, **scalar_attributes(data, reserved))
    for number, (u, v, key, data) in enumerate(graph.edges(keys=True, data=True)):
        if fmt == "graphml":  # the multigraph's key is written as the edge's id, its data as attributes
            flat.add_edge(u, v, f"e{number}")
            flat.edges[u, v, f"e{number}"].update(scalar_attributes({**data, "key": key}))
        else:  # networkx's GEXF writer takes the id from the data and writes the key as networkx_key
            flat.add_edge(u, v, key, **scalar_attributes(data, reserved), id=f"e{number}")
    out = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, out, encoding="utf-8", prettyprint=True)
        return out.getvalue()
    from networkx.readwrite.gexf import GEXFWriter

    from kg import __version__

    writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
    meta = writer.xml.find("meta")
    meta.attrib.pop("lastmodifieddate", None)  # today's date: the same graph must give the same bytes
    meta.find("creator").text = f"unionkg {__version__}"
    writer.add_graph(flat)
    writer.write(out)
    return out.getvalue()


def _write(data: bytes, output: str | None) -> int:
    if output in (None, STDIO):
        return _to_standard_output([data])
    from kg.export.files import write_atomic

    try:
        write_atomic(Path(output), data.decode("utf-8"))
    except OSError as err:
        print(f"kg export: cannot write {output}: {err.strerror or err}", file=sys.stderr)
        return 2
    return 0
