"""SPARQL over the RDF export: ``kg query``.

Queries run on the on-disk Oxigraph store that ``kg build`` writes
(``exports/store``, see ``kg.store.database``), or, with ``--data`` (or without a
store), on an embedded in-memory store loaded from the export files. N-Quads and TriG keep their named graphs (one per page, plus
``graph/knowledge``), and the default graph that queries see is the *union*
of all graphs, so a plain ``?s ?p ?o`` pattern finds every fact while
``GRAPH ?g { ... }`` still reads one page's graph. The union is copied into
the store's default graph when loading rather than asked for with
``use_default_graph_as_union=True``: Oxigraph's on-the-fly union is a bag (a
triple stated on two pages would match twice, and COUNT would disagree with
rdflib and with SPARQL's definition of a graph as a set), the copy is a set.

User values reach a query only as RDF terms, never as text of the user's: a
term written by Oxigraph's own serialiser replaces the default of the ready
queries' ``VALUES ?var { default }`` block (see ``inline_bindings``; Oxigraph
then joins from the value), and any other
binding goes through Oxigraph's ``substitutions`` (SEP-0007). A value such as
``" } ; DROP ALL #`` is just a string that matches nothing. A substituted
variable must appear in the SELECT list (or the CONSTRUCT template).

Updates (INSERT, DELETE, LOAD, ...) are refused unless ``--update`` is given,
and even then they only change the in-memory store, never the files.

A query or update that would make Oxigraph send requests to other servers (``SERVICE``,
a federated query; ``LOAD <url>``) is refused unless ``--allow-service`` is given: a
``.rq`` file from elsewhere must not reach the network, or services on this machine, by
itself. See ``network_keyword`` for how the keyword is found.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import resource
import signal
import sys
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from kg.export.rdf import PREFIXES  # the export's, available to every query (a PREFIX line overrides them)

DEFAULT_DATA = "exports/graph.nq"
DEFAULT_STORE = "exports/store"
UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY")
RESULT_FORMATS = {"csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV,
                  "json": ox.QueryResultsFormat.JSON}
# --format of a CONSTRUCT or DESCRIBE result, a graph (json: JSON-LD, as jsonld; table: Turtle, as ttl)
GRAPH_FORMATS = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
                 "xml": ox.RdfFormat.RDF_XML}
# every --format of kg query: a table of results takes the first five, a graph the last four and table, json
QUERY_FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")
SPARQL_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"


class QueryError(Exception):
    """A problem the user can fix (missing file, bad query, bad --bind); ``kg query`` exits 2."""


class ReadError(QueryError):
    """The data could not be read while a query ran: a damaged store (RocksDB's ``Corruption``),
    a failed disk, a SERVICE call that failed."""


def one_line(err: BaseException, limit: int = 300) -> str:
    """An error's message on one line (RocksDB's run over several sentences), cut at ``limit``."""
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= limit else text[:limit - 1] + "…"


# ---------------------------------------------------------------------------
# Loading and running
# ---------------------------------------------------------------------------


def load_store(paths: Iterable[str | Path], standard_input: bytes | None = None) -> ox.Store:
    """An in-memory store with every quad of the given RDF files (format from the extension);
    ``-`` is standard input (``standard_input``, else read now), N-Quads or N-Triples.

    Every named graph's triples are also put in the default graph, which so becomes
    the union of all graphs (see the module docstring for why not Oxigraph's union flag).
    """
    store = ox.Store()
    for path in map(Path, paths):
        if str(path) == "-":
            if standard_input is None:
                standard_input = sys.stdin.buffer.read()
            try:
                store.load(standard_input, format=ox.RdfFormat.N_QUADS)
            except (SyntaxError, ValueError) as err:
                raise QueryError(f"standard input: cannot parse as N-Quads (or N-Triples): {err}") from None
            continue
        if not path.is_file():
            raise QueryError(f"{path}: no such data file (run `kg build` first, or give --data)")
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower())
        if fmt is None:
            raise QueryError(f"{path}: unknown RDF format; use .nq, .trig, .ttl, .nt, .jsonld or .rdf")
        try:
            store.load(path=str(path), format=fmt)
        except (SyntaxError, ValueError) as err:
            raise QueryError(f"{path}: cannot parse as {fmt.name}: {err}") from None
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")  # default graph := union, as a set
    return store


def _open_built_store(folder: Path) -> ox.Store:
    """The store of ``kg build`` (read-only; its default graph is already the union)."""
    from kg.store.database import open_store

    try:
        return open_store(folder)
    except (OSError, RuntimeError) as err:
        raise QueryError(f"{folder}: cannot open the store ({one_line(err)}): {rebuild_advice(folder)}, "
                         "or give --data") from None


def rebuild_advice(folder: Path) -> str:
    """What to run to make the store at ``folder`` again: a build into the folder that holds it."""
    return f"rebuild it with `kg build PAGES... --out {folder.parent}`"


def parse_binding(text: str) -> tuple[ox.Variable, ox.NamedNode | ox.Literal]:
    """``VAR=VALUE`` -> (variable, term): ``<iri>`` is an IRI, ``"x"`` a plain string, else ``"x"@zh``."""
    name, sep, value = text.partition("=")
    name = name.strip().lstrip("?$")
    if not sep or not re.fullmatch(r"\w+", name):
        raise QueryError(f"--bind {text!r}: expected VAR=VALUE, e.g. --bind name=王明")
    if value.startswith("<") and value.endswith(">") and len(value) > 2:
        try:
            return ox.Variable(name), ox.NamedNode(value[1:-1])
        except ValueError as err:
            raise QueryError(f"--bind {text!r}: not a valid IRI: {err}") from None
    if len(value) >= 2 and value.startswith('"') and value.endswith('"'):
        return ox.Variable(name), ox.Literal(value[1:-1])
    return ox.Variable(name), ox.Literal(value, language="zh")


def update_keyword(text: str) -> str | None:
    """The first update keyword (INSERT, DROP, ...) of a SPARQL text, or None for a query.

    Strings, IRIs, comments, variables and prefixed names are blanked first, so a
    query that merely *mentions* "DROP" in a literal or uses ``?copy`` is still a query.
    """
    cleaned = re.sub(
        r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
        r'|<[^<>"{}|^`\\\s]*>|#[^\n]*|[?$]\w+|[\w.-]*:[\w.-]*',
        " ", text)
    found = re.search(r"\b(" + "|".join(UPDATE_KEYWORDS) + r")\b", cleaned, re.IGNORECASE)
    return found.group(1).upper() if found else None


# What is not SPARQL code, at the start of where it is matched, as Oxigraph reads it: strings
# (with their escapes), comments (to the end of the line: LF or CR), IRIs, variables, language
# tags, prefixed names and blank nodes. A prefix starting with SERVICE or LOAD stays code:
# Oxigraph reads ``SERVICE:x`` as the keyword and the IRI ``:x``. A local name ends before a
# dot, so that ``ex:o.SERVICE`` is read as code too (Oxigraph's own reading of it is a syntax
# error, so this costs nothing but a refusal of a query that could not run).
_NOT_CODE = re.compile(r"""
    "{3}(?:[^"\\]|\\[\s\S]|"(?!""))*"{3}
  | '{3}(?:[^'\\]|\\[\s\S]|'(?!''))*'{3}
  | "(?:[^"\\\n\r]|\\[\s\S])*"
  | '(?:[^'\\\n\r]|\\[\s\S])*'
  | \#[^\n\r]*
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | [?$]\w+
  | @[A-Za-z]+(?:-[A-Za-z0-9]+)*
  | (?<![\w.-])(?!service|load)[\w.-]*:(?:[\w:%-]|\\[\s\S])*
""", re.VERBOSE | re.IGNORECASE)
_NETWORK = re.compile(r"SERVICE|LOAD", re.IGNORECASE)
# IRI-like text that, read as code after a less-than operator, could hold a network keyword or
# start a comment or string that hides one
_MAY_HIDE = re.compile(r"[#']|SERVICE|LOAD", re.IGNORECASE)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Code that ends in one of these has no operand last, so a "<" after it starts an IRI
_BEFORE_NO_OPERATOR = frozenset("(,=!&|+-*/<>{};^")
_DEEP = 32  # parentheses counted up to here; deeper is "inside parentheses" for the rest of the text


def network_keyword(text: str) -> str | None:
    """``SERVICE`` or ``LOAD`` when the query or update may make Oxigraph send a request to another
    server (a federated query, or an update loading a URL), else None.

    Read like a tokenizer, not searched as a substring: the word in a string, an IRI, a comment,
    a variable or a prefixed name is not the keyword. Where the reading is ambiguous it errs on
    the side of finding one, so that no way of writing the keyword slips through:

    - the keyword is found inside a word too (Oxigraph runs ``SERVICESILENT <…>``);
    - ``<…>`` with no space in it is an IRI or, inside parentheses after an operand, a
      less-than operator (``FILTER(?a<?b)SERVICE#>``): both readings are followed when the
      text between the brackets could matter as code (it has the keyword, a ``#`` or a quote);
    - ``\\u0053ERVICE``: the text is read both as written and with its ``\\u`` escapes
      replaced, as SPARQL allows them anywhere.

    So an IRI spelled out in full with "service" or "load" in it, inside parentheses right
    after an operand (``(?t <https://schema.org/Service>)``, a collection), and a prefix whose
    name begins with one of them (``service:x``) are taken for the keyword: write the IRI with a
    prefix (``schema:Service``), name the prefix otherwise, or allow requests (``--allow-service``).
    """
    return _network_keyword(text) or _network_keyword(_UNICODE_ESCAPE.sub(_unescape, text))


def _unescape(escape: re.Match) -> str:
    try:
        return chr(int(escape.group(1) or escape.group(2), 16))
    except ValueError:  # past U+10FFFF: not a character, left as written
        return escape.group()


def _network_keyword(text: str) -> str | None:
    """``network_keyword`` of one text: every reading of it walked at once, each state of the
    walk (position, parentheses open, whether an operand came last) visited once."""
    todo, seen = [(0, 0, False)], set()
    while todo:
        pos, depth, after_operand = todo.pop()
        while (pos, depth, after_operand) not in seen:
            seen.add((pos, depth, after_operand))
            token = _NOT_CODE.search(text, pos)
            code = text[pos:len(text) if token is None else token.start()]
            found = _NETWORK.search(code)
            if found:
                return found.group().upper()
            if depth < _DEEP:
                depth = min(_DEEP, max(0, depth + code.count("(") - code.count(")")))
            if code.strip():
                after_operand = code.rstrip()[-1] not in _BEFORE_NO_OPERATOR
            if token is None:
                break
            if (token.group("iri") and depth > 0 and after_operand
                    and _MAY_HIDE.search(token.group())):
                todo.append((token.start() + 1, depth, False))  # the "<" an operator: what follows is code
            if not token.group().startswith("#"):  # a comment is only space
                after_operand = True
            pos = token.end()
    return None


# ``VALUES ?name { one term }``: the ready queries' way of giving a default. The older form
# ``OPTIONAL { VALUES ?name { one term } }`` is still read (queries written for earlier versions),
# but Virtuoso joins such an OPTIONAL differently (it returned every article's mentions), so the
# shipped queries use plain VALUES, which every engine reads alike.
_DEFAULT_BLOCK = re.compile(r"(?P<optional>OPTIONAL\s*\{\s*)?VALUES\s*[?$](?P<name>\w+)\s*\{\s*(?P<term>"
                            r'"[^"\\{}]*"(?:@[A-Za-z-]+)?|<[^<>{}\s]*>|[^{}"\'\s]+'
                            r")\s*\}(?(optional)\s*\})")


def inline_bindings(text: str, bindings: dict | None) -> tuple[str, dict]:
    """Turn the ready queries' ``VALUES ?var { default }`` (or ``OPTIONAL { VALUES ?var { default } }``)
    into ``VALUES ?var { value }``,
    with the bound value (or the default), so Oxigraph joins from it: its ``substitutions``
    evaluate the whole query first and filter after (3 s instead of 0.2 s on 3.4 M characters
    of news). The value is written by Oxigraph's own term serialiser, a single escaped RDF
    term: no text of the user's can end the block. Bindings without such a block stay
    substitutions."""
    rest = dict(bindings or {})

    def inlined(block: re.Match) -> str:
        name, default = block.group("name"), block.group("term").strip()
        value = rest.pop(ox.Variable(name), None)
        return f"VALUES ?{name} {{ {default if value is None else value} }}"

    return _DEFAULT_BLOCK.sub(inlined, text), rest


def refuse_requests(text: str, allow_service: bool) -> None:
    """Raise ``QueryError`` for a query or update that may make Oxigraph send a request to another
    server (``network_keyword``), unless that is allowed. pyoxigraph has no option to turn
    federation off, so the text is read before Oxigraph runs it."""
    keyword = None if allow_service else network_keyword(text)
    if keyword:
        raise QueryError(f"refused: this text uses {keyword}, which makes Oxigraph send requests to other "
                         "servers; add --allow-service to allow that")


def run_query(store: ox.Store, text: str, bindings: dict | None = None, allow_service: bool = False):
    """Run a read-only query (on a store from ``load_store``, its default graph is the union of all graphs).

    Returns pyoxigraph's ``QuerySolutions`` (SELECT), ``QueryBoolean`` (ASK) or
    ``QueryTriples`` (CONSTRUCT/DESCRIBE). Raises ``QueryError`` for a query
    that does not parse or a binding the query cannot take, and for a federated query
    (``SERVICE``) unless ``allow_service``; ``ReadError`` when the store cannot be read.
    Results are read as they are iterated: a damaged store may raise RocksDB's
    ``RuntimeError`` then too (``render`` turns it into ``ReadError``).
    """
    refuse_requests(text, allow_service)
    text, bindings = inline_bindings(text, bindings)
    try:
        return store.query(text, prefixes=PREFIXES, substitutions=bindings or None)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from None
    except (RuntimeError, OSError) as err:
        if bindings and "projection" in str(err):
            raise QueryError(f"cannot bind: {err}; a --bind variable must be in the SELECT list "
                             "(or the CONSTRUCT template)") from None
        raise ReadError(one_line(err)) from None


def run_update(store: ox.Store, text: str, allow_service: bool = False) -> None:
    """Run a SPARQL update on the (in-memory) store; ``LOAD`` and ``SERVICE`` only if ``allow_service``."""
    refuse_requests(text, allow_service)
    try:
        store.update(text, prefixes=PREFIXES)
    except SyntaxError as err:
        raise QueryError(f"SPARQL syntax error: {err}") from None
    except (RuntimeError, OSError) as err:
        raise QueryError(f"the update failed: {err}") from None


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns of ``text``: wide (W) and fullwidth (F) characters take two, combining marks none."""
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def term_text(term, prefixes: dict[str, str] = PREFIXES) -> str:
    """A term as a table cell: a literal's lexical form, an IRI compacted with a known prefix."""
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        text = term.value
    elif isinstance(term, ox.NamedNode):
        text = f"<{term.value}>"
        for prefix, ns in prefixes.items():
            local = term.value[len(ns):]
            if term.value.startswith(ns) and re.fullmatch(r"[\w.-]*", local):
                text = f"{prefix}:{local}"
                break
    elif isinstance(term, ox.BlankNode):
        text = f"_:{term.value}"
    else:
        text = str(term)
    return re.sub(r"\s*[\r\n\t]+\s*", " ", text)  # one cell, one line


def format_table(columns: list[str], rows: list[list[str]]) -> str:
    """Aligned text table; every line has the same display width (Chinese counts double)."""
    widths = [display_width(c) for c in columns]
    for row in rows:
        widths = [max(w, display_width(cell)) for w, cell in zip(widths, row)]

    def line(cells: list[str]) -> str:
        return " " + " | ".join(_pad(c, w) for c, w in zip(cells, widths)) + " "

    out = [line(columns), "-" + "-+-".join("-" * w for w in widths) + "-"]
    out += [line(row) for row in rows]
    return "\n".join(out) + "\n"


def solutions_rows(solutions: ox.QuerySolutions) -> tuple[list[str], list[list]]:
    """(variable names, rows of terms or None) of a SELECT result."""
    names = [v.value for v in solutions.variables]
    return names, [[solution[n] for n in names] for solution in solutions]


def graph_text(triples: Iterable[ox.Triple], fmt: str) -> str:
    """CONSTRUCT/DESCRIBE output, sorted so it is stable.

    ``table`` and ``ttl`` give Turtle with the export's prefixes (for reading), ``json`` and
    ``jsonld`` expanded JSON-LD, ``nt`` N-Triples (one triple per line, for line tools), ``xml``
    RDF/XML. ``csv`` and ``tsv`` hold tables, not graphs: ``QueryError`` names the formats
    that fit, rather than giving N-Triples under another name.
    """
    if fmt not in GRAPH_FORMATS and fmt not in ("table", "json"):
        raise QueryError(f"--format {fmt} is for the table of a SELECT (or ASK) query; this query gives "
                         f"a graph (CONSTRUCT or DESCRIBE): use --format ttl, nt, jsonld or xml (RDF/XML), "
                         f"or table (Turtle)")
    ordered = sorted(triples, key=str)
    if fmt in ("table", "ttl"):
        text = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
        lines = text.split("\n")  # (not splitlines: a literal may hold U+2028, U+0085 ... as they are)
        if lines[-1] == "":
            lines.pop()
        head = sorted(line for line in lines if line.startswith("@prefix"))  # Oxigraph's order varies
        return "\n".join(head + [""] + lines[len(head):]) + "\n"
    if fmt in ("json", "jsonld"):
        return ox.serialize(ordered, format=ox.RdfFormat.JSON_LD).decode("utf-8") + "\n"
    if fmt == "xml":
        from kg.export.rdf import XmlError, _xml_checked

        try:
            text = ox.serialize(_xml_checked(ordered), format=ox.RdfFormat.RDF_XML, prefixes=PREFIXES)
        except XmlError as err:
            raise QueryError(f"--format xml: {err}") from None
        # a carriage return can only come from a literal, and an XML parser would read it as a line feed
        return text.decode("utf-8").replace("\r", "&#13;") + "\n"
    return ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


# Characters outside XML 1.0's Char production (no escape can carry them), and what must be escaped
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_XML_TEXT = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}
_XML_ATTRIBUTE = {**_XML_TEXT, '"': "&quot;", "\t": "&#9;", "\n": "&#10;"}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _xml_escaped(text: str, table: dict[str, str]) -> str:
    return re.sub("[&<>\"\r\t\n]", lambda m: table.get(m.group(), m.group()), text)


def _xml_term(term) -> str:
    """One RDF term as the W3C SPARQL Query Results XML Format writes it: ``<uri>``, ``<bnode>``,
    ``<literal>`` with ``xml:lang`` or ``datatype`` (none for a plain string), ``<triple>`` (RDF 1.2)."""
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_escaped(term.value, _XML_TEXT)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_escaped(term.value, _XML_TEXT)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attribute = f' xml:lang="{_xml_escaped(term.language, _XML_ATTRIBUTE)}"'
        elif term.datatype.value != _XSD_STRING:
            attribute = f' datatype="{_xml_escaped(term.datatype.value, _XML_ATTRIBUTE)}"'
        else:
            attribute = ""
        return f"<literal{attribute}>{_xml_escaped(term.value, _XML_TEXT)}</literal>"
    if isinstance(term, ox.Triple):
        return (f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
                f"</predicate><object>{_xml_term(term.object)}</object></triple>")
    raise QueryError(f"--format xml cannot write the term {term}")


def results_xml(names: list[str], rows: list[list]) -> str:
    """A SELECT result in the W3C SPARQL Query Results XML Format (one element a line).

    Written here rather than by Oxigraph, which writes a carriage return as it is (an XML
    parser reads it as a line feed) and a control character XML 1.0 cannot carry as it is
    (no parser reads the document): here the first is ``&#13;`` and the second a
    ``QueryError`` that names the row and variable and the formats that can carry it."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">', "<head>"]
    out += [f'<variable name="{_xml_escaped(n, _XML_ATTRIBUTE)}"/>' for n in names]
    out += ["</head>", "<results>"]
    for number, row in enumerate(rows, 1):
        out.append("<result>")
        for name, term in zip(names, row):
            if term is None:
                continue
            written = _xml_term(term)
            bad = _NOT_XML.search(written)
            if bad:
                raise QueryError(f"row {number}, ?{name}: the value holds U+{ord(bad.group()):04X}, which XML 1.0 "
                                 "cannot carry; use --format json, csv or tsv")
            out.append(f'<binding name="{_xml_escaped(name, _XML_ATTRIBUTE)}">{written}</binding>')
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def boolean_xml(value: bool) -> str:
    """An ASK result in the W3C SPARQL Query Results XML Format."""
    return "\n".join(['<?xml version="1.0" encoding="UTF-8"?>', f'<sparql xmlns="{SPARQL_RESULTS_NS}">',
                      "<head/>", f"<boolean>{'true' if value else 'false'}</boolean>", "</sparql>"]) + "\n"


def render(result, fmt: str) -> tuple[str, str]:
    """(standard output, note for standard error) of a query result in ``fmt`` (``QUERY_FORMATS``);
    ``ReadError`` when the results cannot be read (the store is read as they are), ``QueryError``
    for a format that does not fit the result (a graph as csv, a table as ttl)."""
    try:
        return _render(result, fmt)
    except (RuntimeError, OSError) as err:
        raise ReadError(one_line(err)) from None


def _render(result, fmt: str) -> tuple[str, str]:
    if isinstance(result, ox.QueryTriples):
        triples = set(result)
        return graph_text(triples, fmt), f"{len(triples)} triples"
    if fmt in GRAPH_FORMATS and fmt != "xml":
        raise QueryError(f"--format {fmt} is for the graph of a CONSTRUCT or DESCRIBE query; this query gives "
                         f"a table (SELECT) or true/false (ASK): use --format table, csv, tsv, json or xml")
    if isinstance(result, ox.QueryBoolean):
        if fmt == "json":
            return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n", ""
        if fmt == "xml":
            return boolean_xml(bool(result)), ""
        return ("true" if bool(result) else "false") + "\n", ""
    if fmt == "xml":
        names, rows = solutions_rows(result)
        return results_xml(names, rows), ""
    if fmt in RESULT_FORMATS:
        text = result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
        return text if text.endswith("\n") or not text else text + "\n", ""
    names, rows = solutions_rows(result)
    cells = [[term_text(t) for t in row] for row in rows]
    return format_table(names, cells), f"{len(rows)} row{'s' if len(rows) != 1 else ''}"


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


@dataclass
class _Source:
    text: str
    name: str  # the file name, or "-e" for an expression


def _read_source(args) -> _Source:
    if args.query_file and args.expression:
        raise QueryError("give either a query file or -e/--expression, not both")
    if args.expression:
        return _Source(args.expression, "-e")
    if args.query_file == "-":  # `kg query -`: the query text on standard input
        raw = getattr(args, "stdin_query", None)
        try:
            return _Source((sys.stdin.buffer.read() if raw is None else raw).decode("utf-8-sig"), "standard input")
        except UnicodeDecodeError:
            raise QueryError("standard input: not UTF-8 text") from None
    if not args.query_file:
        raise QueryError("no query: give a .rq file or -e 'SELECT ...'")
    path = Path(args.query_file)
    if not path.is_file():
        from kg import READY_QUERIES, ready_query

        shipped = ready_query(args.query_file)  # a ready query by name: `kg query union_ancestors`
        if shipped is None:
            names = ", ".join(sorted(p.stem for p in READY_QUERIES.glob("*.rq")))
            raise QueryError(f"{path}: no such query file, nor a ready query of that name ({names})")
        path = shipped
    try:
        return _Source(path.read_text(encoding="utf-8"), str(path))
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not UTF-8 text") from None


# Exit code of the query's process when Python itself ran out of memory under the limit
_OUT_OF_MEMORY = 75


def query_command(args) -> int:
    """``kg query``: 0 on success, 2 for anything the user must fix (named on standard error).

    The query runs in a child process whose memory is bounded (``--max-memory``, by default
    half of the machine's memory), and this process turns the child's end into the exit code
    and one line on standard error. Why a child and not a limit on this process: a store whose
    files are damaged in place (same size, so nothing notices on opening) can make Oxigraph
    allocate without end while it reads them (24 GB before the kernel killed it), and Rust
    aborts the process when an allocation fails under a limit, with a backtrace on standard
    error: nothing in the process can catch that, so a process that outlives it says what
    happened. The limit is RLIMIT_DATA (private writable memory: the heap and anonymous
    mappings), not RLIMIT_AS: RocksDB's threads reserve address space they never use, and a
    limit on address space low enough to matter stops a healthy store from opening.
    """
    try:
        limit = memory_limit(args.max_memory)
    except ValueError as err:
        print(f"kg query: --max-memory: {err}", file=sys.stderr)
        return 2
    reads_stdin = [what for what, given in (("the query", args.query_file == "-" and not args.expression),
                                             ("the data", "-" in (args.data or []))) if given]
    if len(reads_stdin) > 1:
        print("kg query: standard input can hold the query (-) or the data (--data -), not both", file=sys.stderr)
        return 2
    if reads_stdin:  # read here: the child's standard input is closed (multiprocessing)
        setattr(args, "stdin_query" if reads_stdin == ["the query"] else "stdin_data", sys.stdin.buffer.read())
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
    fd, captured = tempfile.mkstemp(prefix="kg-query-", suffix=".stderr")
    os.close(fd)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        child = context.Process(target=_query_child, args=(args, limit, captured))
        child.start()
        try:
            child.join()
        except KeyboardInterrupt:
            child.terminate()
            child.join()
            return 130
        with open(captured, encoding="utf-8", errors="replace") as f:
            said = f.read()
    finally:
        os.unlink(captured)
    if child.exitcode in (0, 1, 2):
        sys.stderr.write(said)
        return child.exitcode
    print(f"kg query: {_died(args, child.exitcode, said, limit)}", file=sys.stderr)
    return 2


def _died(args, exitcode: int, said: str, limit: int | None) -> str:
    """One line for a query process that did not finish: out of memory (under ``limit``) or
    killed. A store damaged in place is the likely cause of a crash, and rebuilding it the
    cure; past the memory limit, a query that is simply that large is as likely, so the line
    names both. Under the limit a Rust allocation fails ("memory allocation of"), Python's
    (MemoryError), C++'s (std::bad_alloc), or RocksDB cannot start a thread, whose stack the
    limit counts too (std::system_error "Resource temporarily unavailable")."""
    out_of_memory = exitcode == _OUT_OF_MEMORY or any(
        sign in said for sign in ("memory allocation of", "MemoryError", "std::bad_alloc", "Cannot allocate memory")) \
        or bool(limit and "std::system_error" in said and "Resource temporarily unavailable" in said)
    if out_of_memory:
        how = f"needed more than the memory limit of {_size_text(limit)} (--max-memory)" if limit else "ran out of memory"
    else:
        how = f"stopped ({_signal_name(-exitcode)})" if exitcode < 0 else f"ended with exit code {exitcode}"
    store = Path(args.store or DEFAULT_STORE)
    if not args.data and store.is_dir():
        if out_of_memory and limit:
            return (f"{store}: the query {how}: give a higher --max-memory if it is that large; if it is not, "
                    f"the store is probably damaged: {rebuild_advice(store)}")
        return f"{store}: reading the store {how}; it is probably damaged: {rebuild_advice(store)}"
    return f"loading {', '.join(args.data or [DEFAULT_DATA])} and running the query {how}"


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _query_child(args, limit: int | None, captured: str) -> None:
    """The query, in the child process: standard error into ``captured`` (the parent passes it on,
    or says in one line why the child died), memory bounded by ``limit`` bytes."""
    fd = os.open(captured, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)  # Python's messages and a Rust abort's backtrace alike
    os.close(fd)
    if limit:
        _, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))
    try:
        code = _run_query_command(args)
    except MemoryError:
        code = _OUT_OF_MEMORY
    sys.stdout.flush()
    sys.exit(code)


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?", re.IGNORECASE)
_UNITS = {"": 1, "K": 2 ** 10, "M": 2 ** 20, "G": 2 ** 30, "T": 2 ** 40}


def parse_size(text: str) -> int:
    """``4G``, ``512M``, ``1.5GB``, ``2000000`` -> bytes (units of 1024); ``ValueError`` otherwise."""
    found = _SIZE.fullmatch(text.strip())
    if not found:
        raise ValueError(f"not a size: {text!r} (e.g. 4G, 512M, 0 for no limit)")
    return int(float(found.group(1)) * _UNITS[found.group(2).upper()])


def memory_limit(given: str | None) -> int | None:
    """Bytes a query's process may use: ``given`` (``--max-memory``; 0 for no limit), else half
    of the machine's physical memory, which leaves the rest of the machine alone whatever
    the store holds while a healthy store's largest query needs far less."""
    if given is not None:
        return parse_size(given) or None
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2
    except (ValueError, OSError, AttributeError):
        return None


def _size_text(size: int) -> str:
    return f"{size / 2 ** 30:.1f} GB" if size >= 2 ** 30 else f"{size / 2 ** 20:.0f} MB"


def _check_store_option(args) -> None:
    """``--store``: a folder (the default, ``exports/store``, may be missing: the export files are
    then loaded). A store given by name that is missing, or anything that is not a folder,
    is said so rather than quietly answered from ``exports/graph.nq``."""
    given = args.store is not None
    if not given:
        args.store = DEFAULT_STORE
    store = Path(args.store)
    if args.data:
        if given:
            raise QueryError("give either --store or --data, not both")
        return
    if store.exists() and not store.is_dir():
        raise QueryError(f"--store {store}: not a folder; a store is the folder `kg build` writes (exports/store)")
    if given and not store.exists():
        raise QueryError(f"--store {store}: no such folder (build one with `kg build PAGES... --out "
                         f"{store.parent}`)")


def _run_query_command(args) -> int:
    """What ``kg query`` does, in the process ``query_command`` bounds: 0 on success, 2 for
    anything the user must fix (named on standard error)."""
    try:
        source = _read_source(args)
        bindings = dict(parse_binding(b) for b in (args.bind or []))
        keyword = update_keyword(source.text)
        if keyword and not args.update:
            raise QueryError(f"this is a SPARQL update ({keyword}); kg query only reads. Add --update to run it "
                             "on an in-memory copy of the data (the data files are never written)")
        if keyword and bindings:
            raise QueryError("--bind applies to queries, not to updates")
        try:
            refuse_requests(source.text, args.allow_service)
        except QueryError as err:
            raise QueryError(f"{source.name}: {err}") from None
        paths = args.data or [DEFAULT_DATA]
        _check_store_option(args)
        if not args.data and not keyword and Path(args.store).is_dir():
            store, paths = _open_built_store(Path(args.store)), [args.store]
        else:
            store = load_store(paths, getattr(args, "stdin_data", None))
        try:
            if keyword:
                before = len(store)
                run_update(store, source.text, args.allow_service)
                print(f"update ({keyword}) applied in memory: {before} quads before, {len(store)} after; "
                      f"{', '.join(map(str, paths))} not changed")
                return 0
            out, note = render(run_query(store, source.text, bindings, args.allow_service), args.format)
        except ReadError as err:
            if network_keyword(source.text):  # a SERVICE that failed or answered nonsense, not the store
                raise QueryError(f"{source.name}: the query failed while its results were read ({err}); "
                                 "it calls another server (SERVICE), whose answer is the likely cause") from None
            if paths == [args.store]:
                raise QueryError(f"{args.store}: the store cannot be read ({err}); it is probably damaged: "
                                 f"{rebuild_advice(Path(args.store))}") from None
            raise QueryError(f"{source.name}: cannot read the results: {err}") from None
        except QueryError as err:
            raise QueryError(f"{source.name}: {err}") from None
    except QueryError as err:
        print(f"kg query: {err}", file=sys.stderr)
        return 2
    try:
        sys.stdout.write(out)
        sys.stdout.flush()
    except BrokenPipeError:  # `kg query ... | head`: the reader has seen enough
        sys.stdout = open(os.devnull, "w")
        return 0
    if note and args.format == "table":
        print(f"({note})", file=sys.stderr)
    return 0
