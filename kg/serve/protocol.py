"""The SPARQL 1.1 Protocol's side of ``kg serve``: reading a request, choosing the format.

A query comes as ``GET /sparql?query=…``, ``POST`` of a form (``query=…``) or ``POST`` of
``application/sparql-query``; ``default-graph-uri`` and ``named-graph-uri`` may pick the
dataset (without them the default graph is the union of the page graphs). An update
(``update=…``, ``application/sparql-update``, or an update's text sent as a query) is
refused with 403: the server only reads. So is a query that would make Oxigraph send a
request elsewhere (``SERVICE``). The answer's format is chosen by ``Accept`` (or
``format=json|xml|csv|tsv|ttl|nt|jsonld|rdfxml``, for links and browsers).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl

import pyoxigraph as ox

from kg.store.sparql import QueryError, network_keyword, update_keyword

# short name -> (content type, pyoxigraph format); the first is the default
RESULT_FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv; charset=utf-8", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values; charset=utf-8", ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {
    "ttl": ("text/turtle; charset=utf-8", ox.RdfFormat.TURTLE),
    "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    "jsonld": ("application/ld+json", ox.RdfFormat.JSON_LD),
    "rdfxml": ("application/rdf+xml", ox.RdfFormat.RDF_XML),
}
# other names clients use for the same formats
ALIASES = {
    "application/json": "json", "text/json": "json", "application/xml": "xml", "text/xml": "xml",
    "text/plain": "nt", "application/x-turtle": "ttl", "application/turtle": "ttl", "application/jsonld": "jsonld",
    "text/tsv": "tsv", "application/csv": "csv",
}


@dataclass
class Answer:
    """What a client gets: a status, a content type and the body (and how long the query ran)."""
    status: int
    content_type: str
    body: bytes
    seconds: float = 0.0


class Job:
    """What a worker is asked: the query text and how the client wants the answer."""

    def __init__(self, text: str, accept: str, default_graphs=(), named_graphs=(), fmt: str | None = None):
        self.text, self.accept, self.fmt = text, accept, fmt
        self.default_graphs, self.named_graphs = list(default_graphs), list(named_graphs)


def error(status: int, message: str) -> Answer:
    return Answer(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode("utf-8"))


def parse_accept(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (ties keep their order)."""
    ranges = []
    for i, part in enumerate((accept or "*/*").split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for param in bits[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        ranges.append((media, q, i))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(m, q) for m, q, _ in ranges if q > 0]


def choose_format(accept: str | None, formats: dict, forced: str | None = None) -> str | None:
    """The short name of the format to answer in, or None (406)."""
    if forced:
        forced = ALIASES.get(forced, forced)
        if forced in formats:
            return forced
        # a format for the other kind of result (format=json with a CONSTRUCT): the Accept header decides
    for media, _ in parse_accept(accept):
        if media in ("*/*", "application/*", "text/*"):
            for name, (ct, _) in formats.items():
                if media == "*/*" or ct.startswith(media[:-1]):
                    return name
            continue
        for name, (ct, _) in formats.items():
            if media == ct.split(";")[0]:
                return name
        if ALIASES.get(media) in formats:
            return ALIASES[media]
    return None


_FORMAT_NAMES = {"turtle": "ttl", "n3": "ttl", "ntriples": "nt", "n-triples": "nt", "json-ld": "jsonld",
                 "rdf": "rdfxml", "rdf+xml": "rdfxml", "tab": "tsv"}


def _format_name(value: str) -> str | None:
    """``format=``/``output=`` as a short name (json, ttl …), from a name or a content type; None
    (the Accept header decides) for anything else."""
    value = value.strip().lower().split(";")[0]
    value = _FORMAT_NAMES.get(value, ALIASES.get(value, value))
    for formats in (RESULT_FORMATS, GRAPH_FORMATS):
        for name, (ct, _) in formats.items():
            if value in (name, ct.split(";")[0]):
                return name
    return None


class Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def read_request(method: str, params: list[tuple[str, str]], content_type: str, body: bytes,
                 accept: str | None) -> Job:
    """The ``Job`` a protocol request asks for, or ``Refused`` (status and message)."""
    media = (content_type or "").split(";")[0].strip().lower()
    params = list(params)
    text = None
    if method == "POST":
        if media == "application/sparql-update":
            raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
        if media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise Refused(400, "the query is not UTF-8 text") from None
        elif media in ("application/x-www-form-urlencoded", ""):
            try:
                params += parse_qsl(body.decode("utf-8"), keep_blank_values=True)
            except UnicodeDecodeError:
                raise Refused(400, "the form is not UTF-8 text") from None
        else:
            raise Refused(415, f"unsupported content type {media!r}: send application/sparql-query or a form "
                               "(application/x-www-form-urlencoded) with query=…")
    elif method != "GET":
        raise Refused(405, "use GET or POST")
    if any(k == "update" for k, _ in params):
        raise Refused(403, "this endpoint is read-only: SPARQL updates are refused")
    queries = [v for k, v in params if k == "query"]
    if text is None:
        if len(queries) != 1:
            raise Refused(400, "give exactly one query (query=…)" if queries else
                          "no query: send query=… (GET or a POST form) or POST application/sparql-query")
        text = queries[0]
    elif queries:
        raise Refused(400, "give the query either in the body or as query=…, not both")
    keyword = update_keyword(text)
    if keyword and _looks_like_update(text):
        raise Refused(403, f"this endpoint is read-only: SPARQL updates ({keyword}) are refused")
    keyword = network_keyword(text)
    if keyword:
        raise Refused(403, f"refused: this query uses {keyword}, which would make the server send requests to "
                           "other servers")
    fmt = next((_format_name(v) for k, v in params if k in ("format", "output")), None)
    return Job(text, accept or "*/*", [v for k, v in params if k == "default-graph-uri"],
               [v for k, v in params if k == "named-graph-uri"], fmt)


_QUERY_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)


def _looks_like_update(text: str) -> bool:
    """An update keyword before any query form (blanked strings and IRIs, as ``update_keyword``
    reads them): ``SELECT ?copy`` or a DELETE in a literal is a query."""
    cleaned = re.sub(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|[\w.-]*:[\w.-]*',
                     " ", text)
    form = _QUERY_FORM.search(cleaned)
    update = update_keyword(text)
    if update is None:
        return False
    found = re.search(r"\b" + update + r"\b", cleaned, re.IGNORECASE)
    return form is None or (found is not None and found.start() < form.start())


__all__ = ["RESULT_FORMATS", "GRAPH_FORMATS", "error", "choose_format", "read_request", "Refused", "QueryError"]
