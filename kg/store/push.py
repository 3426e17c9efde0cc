"""``kg push``: send the dataset to a SPARQL 1.1 Graph Store Protocol endpoint.

Each graph of the N-Quads/TriG input is sent in one request
(https://www.w3.org/TR/sparql11-http-rdf-update/): a named graph to
``ENDPOINT?graph=<iri>``, the default graph to ``ENDPOINT?default``. In
``replace`` mode the request is a PUT (the graph becomes exactly the new
content); in ``add`` mode it is a POST (the triples are added; RDF graphs are
sets, so pushing the same data twice adds nothing). The body is N-Triples in
UTF-8 (sorted, so the same input always sends the same bytes).

The dataset is read from an N-Quads or TriG file (``--input``, default
``exports/graph.nq``) or from the store ``kg build`` made (``--store``; also when there is no
``exports/graph.nq``, after a build with ``--export`` that did not ask for it): the same graphs, the
same bytes. Named graphs go first, in IRI order, and the default graph, if the file has
one, last (``kg build``'s exports have none: the build and the dataset
description are in the ``graph/build`` graph). Only N-Quads and TriG are
pushed: a Turtle, N-Triples or JSON-LD export is the union of all graphs, and
in the default graph of a store that unites its graphs it would count twice.
The first failed request
stops the push: nothing after it is sent, and the report says which graphs
already have their new content, which one failed and which were not sent.

Only the standard library is used for HTTP. Credentials may be given in the
URL (``https://user:password@host/...``, sent as HTTP Basic); they are never
printed.
"""
from __future__ import annotations

import base64
import http.client
import socket
import ssl
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"  # N-Triples is a subset of Turtle: the same body, for servers that refuse N-Triples
_BODY_SNIPPET = 300


class PushError(Exception):
    """A usage problem (endpoint, input) found before any request is sent."""


@dataclass
class Endpoint:
    url: str  # without credentials
    shown: str  # what messages print (the same, never a password)
    authorization: str | None


@dataclass
class GraphPayload:
    name: str | None  # graph IRI, None for the default graph
    triples: int
    body: bytes

    @property
    def label(self) -> str:
        return f"<{self.name}>" if self.name is not None else "default graph"


def check_endpoint(text: str) -> Endpoint:
    """An absolute http(s) URL with a host; anything else is refused before any request."""
    if not text or text != text.strip() or any(c.isspace() for c in text):
        raise PushError(f"--endpoint must be an http:// or https:// URL without spaces, not {text!r}")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError as err:
        raise PushError(f"--endpoint {text!r} is not a valid URL: {err}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise PushError(f"--endpoint must be an http:// or https:// URL, not {text!r}"
                        " (e.g. http://127.0.0.1:7878/store)")
    if not parts.hostname:
        raise PushError(f"--endpoint {text!r} has no host")
    if parts.fragment:
        raise PushError(f"--endpoint {text!r} must not have a #fragment")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{port}" if port is not None else "")
    url = urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
    authorization = None
    if parts.username is not None:
        user = urllib.parse.unquote(parts.username)
        password = urllib.parse.unquote(parts.password or "")
        token = base64.b64encode(f"{user}:{password}".encode("utf-8")).decode("ascii")
        authorization = f"Basic {token}"
    return Endpoint(url, url, authorization)


def graph_url(endpoint: Endpoint, graph: str | None) -> str:
    """``ENDPOINT?graph=<iri>`` (percent-encoded) or ``ENDPOINT?default``."""
    param = "default" if graph is None else "graph=" + urllib.parse.quote(graph, safe="")
    return endpoint.url + ("&" if urllib.parse.urlsplit(endpoint.url).query else "?") + param


DEFAULT_INPUT = "exports/graph.nq"
DEFAULT_STORE = "exports/store"


def read_dataset(path: Path) -> list[GraphPayload]:
    """The graphs of an RDF file, named graphs in IRI order then the default graph, as N-Triples
    bodies; ``-`` is N-Quads on standard input."""
    import pyoxigraph as ox

    if str(path) == "-":
        data = sys.stdin.buffer.read()
        return _payloads(_graphs(lambda: ox.parse(data, format=ox.RdfFormat.N_QUADS), "standard input",
                                 ox.RdfFormat.N_QUADS), "standard input")
    if not path.is_file():
        raise PushError(f"{path}: no such file (run `kg build` first, or give --input)")
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if fmt is None:
        raise PushError(f"{path}: unknown RDF format; give an .nq (N-Quads) or .trig (TriG) file")
    if fmt not in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):
        # graph.ttl, .nt, .jsonld (and RDF/XML) hold the union of every graph without the graphs' names:
        # pushed, it would all land in the default graph, and a store whose default graph is the union
        # of its graphs would then hold every triple twice (counts double)
        raise PushError(f"{path}: this {fmt.name} file holds one graph, not the dataset (kg's graph.ttl, .nt and "
                        ".jsonld are the union of all graphs, without their names); pushed, it would fill the "
                        "default graph with a second copy of every triple. Push graph.nq or graph.trig, which "
                        "keep the graphs")
    return _payloads(_graphs(lambda: ox.parse(path=str(path), format=fmt), path, fmt), path)


def read_store(folder: Path) -> list[GraphPayload]:
    """The named graphs of the store ``kg build`` made, in IRI order, as N-Triples bodies: the same
    payloads as its graph.nq gives (each graph's lines sorted; its default graph, the union the store
    keeps for queries, is not part of the dataset and is not sent)."""
    from kg.store.database import named_graph_lines, open_store

    if not folder.is_dir():
        raise PushError(f"{folder}: no store there (run `kg build` first, or give --input)")
    try:
        store = open_store(folder)
    except OSError as err:
        raise PushError(f"{folder}: cannot open the store ({err}); `kg build` makes it again") from None
    out = sorted((GraphPayload(name, len(lines), "".join(lines).encode("utf-8"))
                  for name, lines in named_graph_lines(store)), key=lambda graph: graph.name)  # in IRI order
    if not out:
        raise PushError(f"{folder}: no triples to push")
    return out


def _graphs(parse, path, fmt) -> dict[str | None, list]:
    """The triples of each graph (None: the default graph) of the quads ``parse()`` gives, read as
    they are parsed; a file that cannot be opened or parsed is a ``PushError`` naming ``path``."""
    import pyoxigraph as ox

    graphs: dict[str | None, list] = {}
    try:
        for quad in parse():
            name = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
            if isinstance(name, ox.BlankNode):
                raise PushError(f"{path}: a graph named by a blank node ({name}) cannot be addressed over HTTP")
            graphs.setdefault(None if name is None else name.value, []).append(quad.triple)
    except SyntaxError as err:  # pyoxigraph raises SyntaxError for malformed input
        raise PushError(f"{path}: cannot parse as {fmt}: {err}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PushError(f"{path}: cannot read: {err}") from None
    return graphs


def _payloads(graphs: dict[str | None, list], path) -> list[GraphPayload]:
    import pyoxigraph as ox

    if not graphs:
        raise PushError(f"{path}: no triples to push")
    order = sorted(n for n in graphs if n is not None) + ([None] if None in graphs else [])
    out = []
    for name in order:
        triples = sorted(set(graphs[name]), key=str)
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        out.append(GraphPayload(name, len(triples), body))
    return out


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirected PUT/POST must not silently turn into a GET (urllib's default): make it an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect())


class RequestFailed(Exception):
    def __init__(self, reason: str, sent: bool):
        super().__init__(reason)
        self.reason = reason
        self.sent = sent  # False: the server never saw the request, the graph is untouched


class _HTTPStatus(RequestFailed):
    def __init__(self, status: int, reason: str):
        super().__init__(reason, sent=True)
        self.status = status


def send(endpoint: Endpoint, method: str, graph: GraphPayload, content_type: str, timeout: float) -> int:
    """One Graph Store Protocol request; the HTTP status, or RequestFailed."""
    req = urllib.request.Request(graph_url(endpoint, graph.name), data=graph.body, method=method)
    req.add_header("Content-Type", content_type)
    req.add_header("Accept", "*/*")
    req.add_header("User-Agent", "unionkg-push")
    if endpoint.authorization:
        req.add_header("Authorization", endpoint.authorization)
    try:
        with _OPENER.open(req, timeout=timeout) as resp:
            resp.read()
            return resp.status
    except urllib.error.HTTPError as err:
        try:
            detail = err.read(_BODY_SNIPPET * 4).decode("utf-8", "replace").strip()
        except Exception:  # the body of an error response is best effort
            detail = ""
        detail = " ".join(detail.split())[:_BODY_SNIPPET]
        if 300 <= err.code < 400:
            where = err.headers.get("Location", "?")
            raise _HTTPStatus(err.code, f"HTTP {err.code} {err.reason}: redirected to {where}; "
                                        "give that URL as --endpoint") from None
        raise _HTTPStatus(err.code, f"HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as err:
        reason = err.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            raise RequestFailed(f"no answer within {timeout:g} s (timeout)", sent=True) from None
        if isinstance(reason, ConnectionRefusedError):
            raise RequestFailed("connection refused (is the server running on that host and port?)",
                                sent=False) from None
        if isinstance(reason, socket.gaierror):
            raise RequestFailed(f"cannot resolve the host name ({reason})", sent=False) from None
        if isinstance(reason, ssl.SSLError):
            raise RequestFailed(f"TLS error ({reason})", sent=False) from None
        raise RequestFailed(f"{reason}", sent=True) from None
    except (TimeoutError, socket.timeout):
        raise RequestFailed(f"no answer within {timeout:g} s (timeout)", sent=True) from None
    except (ConnectionError, http.client.HTTPException, OSError) as err:
        raise RequestFailed(f"{type(err).__name__}: {err}", sent=True) from None


def push(graphs: list[GraphPayload], endpoint: Endpoint, mode: str, timeout: float, out=None, err=None) -> int:
    """Send each graph in one request; 0, or 1 at the first failed request (130 if interrupted)."""
    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    method = "PUT" if mode == "replace" else "POST"
    done = "replaced" if mode == "replace" else "added"
    content_type = N_TRIPLES
    finished: list[GraphPayload] = []
    for i, graph in enumerate(graphs):
        try:
            try:
                status = send(endpoint, method, graph, content_type, timeout)
            except _HTTPStatus as refused:
                if refused.status != 415 or content_type != N_TRIPLES:
                    raise
                content_type = TURTLE  # 415 Unsupported Media Type: the same bytes are valid Turtle
                status = send(endpoint, method, graph, content_type, timeout)
        except RequestFailed as failure:
            _report_failure(graphs, i, finished, failure, endpoint, method, done, err)
            return 1
        except KeyboardInterrupt:
            failure = RequestFailed("interrupted", sent=True)
            _report_failure(graphs, i, finished, failure, endpoint, method, done, err)
            return 130
        finished.append(graph)
        print(f"{method} {graph.label} {graph.triples} triples: HTTP {status}", file=out, flush=True)
    total = sum(g.triples for g in graphs)
    print(f"{mode}: {len(graphs)} graphs, {total} triples {'sent' if mode == 'replace' else 'added'} "
          f"to {endpoint.shown}", file=out, flush=True)
    return 0


def _report_failure(graphs, i, finished, failure: RequestFailed, endpoint: Endpoint, method: str,
                    done: str, err) -> None:
    graph = graphs[i]
    print(f"kg push: {method} of {graph.label} ({graph.triples} triples) to {endpoint.shown} failed: "
          f"{failure.reason}", file=err)
    if not failure.sent:
        state = "the server never received that request: the graph is unchanged"
    elif isinstance(failure, _HTTPStatus):
        state = ("the server refused that request: the graph keeps its old content on a server that "
                 "applies each request atomically (Oxigraph does)")
    elif method == "PUT":
        state = "unknown whether the server applied that request; re-running `kg push` is safe (PUT replaces)"
    else:
        state = "unknown whether the server added those triples; re-running `kg push --mode add` is safe (RDF sets)"
    print(f"kg push: {state}.", file=err)
    if finished:
        print(f"kg push: already {done} ({len(finished)} of {len(graphs)}): "
              + ", ".join(g.label for g in finished), file=err)
    else:
        print(f"kg push: no graph was {done} (0 of {len(graphs)}).", file=err)
    rest = graphs[i + 1:]
    if rest:
        print(f"kg push: not sent ({len(rest)}), unchanged on the server: "
              + ", ".join(g.label for g in rest), file=err)
    err.flush()


def push_command(args) -> int:
    try:
        endpoint = check_endpoint(args.endpoint)
        if not args.timeout or args.timeout <= 0:
            raise PushError(f"--timeout must be a positive number of seconds, not {args.timeout}")
        if args.store is not None and args.input is not None:
            raise PushError("--store and --input name two sources; give one")
        if args.store is not None or (args.input is None and not Path(DEFAULT_INPUT).is_file()):
            graphs = read_store(Path(args.store or DEFAULT_STORE))
        else:
            graphs = read_dataset(Path(args.input or DEFAULT_INPUT))
    except PushError as err:
        print(f"kg push: {err}", file=sys.stderr)
        return 2
    return push(graphs, endpoint, args.mode, args.timeout)
