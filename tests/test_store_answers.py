"""Every ready query gives the same answer on the stores users load the exports into as on ``kg query``.

The seeds' committed exports (``exports/graph.nq``, equal byte for byte to what ``kg build seeds/``
writes, see ``test_cli``) are loaded the way ``docs/loading.md`` tells users to, into three real
stores, each started here on a free port of 127.0.0.1 and stopped afterwards:

- **Oxigraph server**: ``oxigraph load`` then ``oxigraph serve-read-only --union-default-graph``
  (Oxigraph's union default graph is a *bag*: a triple stated on two pages matches twice);
- **Apache Jena TDB2**: ``tdb2.tdbloader``, then ``tdb2.tdbquery --set tdb:unionDefaultGraph=true``
  for each query (run through ``.ci/jena`` with Debian's ``libapache-jena-java``);
- **Virtuoso 7** (Debian's ``virtuoso-opensource``): ``virtuoso-t`` on a database of its own,
  loaded with ``ld_dir`` / ``rdf_loader_run`` from ``isql``, queried over ``/sparql`` (all graphs,
  also a bag).

Each answer is compared with ``kg query``'s (the embedded store: the union of the graphs as a set):
the same rows, in the same order of the ``ORDER BY`` keys where the query orders, the same triples
of a CONSTRUCT, the same boolean of an ASK. Literals are compared by value (``"5"^^xsd:int`` is
``"5"^^xsd:integer``). A failure names the query and the store.

A store that cannot run here is skipped with the reason; under CI (``CI=true``) that is a failure,
because ``.ci/run`` installs all three.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.store.sparql import inline_bindings, load_store, parse_binding, run_query

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
NQ = ROOT / "exports" / "graph.nq"
QUERY_DIR = ROOT / "kg" / "queries"
QUERY_FILES = sorted(QUERY_DIR.glob("*.rq"))
JENA = ROOT / ".ci" / "jena"
STORES = ("oxigraph", "jena", "virtuoso")
# a bound run of each query whose binding picks something else than its default on the seeds
BOUND = {"article_mentions.rq": "headline=党和政府的关怀", "entity_mentions.rq": "name=中华全国总工会",
         "post_evidence.rq": "name=徐留平", "union_ancestors.rq": "union=兰州市总工会",
         "union_subgraph.rq": "union=中华全国总工会", "union_under_acftu.rq": "union=北京市西城区总工会",
         "pages_and_articles.rq": "day=2016-01-02",
         "entities_per_graph.rq": "graph=<https://w3id.org/unionkg/id/graph/page/003-c578291eaf5148a9-txt-58f1c3c5>"}
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in ("integer", "int", "long", "short", "byte", "decimal", "nonNegativeInteger",
                             "positiveInteger", "unsignedInt", "unsignedLong")}


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_http(url: str, proc: subprocess.Popen, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except Exception:
            time.sleep(0.3)
    raise RuntimeError(f"{what} did not answer {url} within {seconds:g} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


# ---------------------------------------------------------------------------
# Answers, normalised so that the stores can be compared
# ---------------------------------------------------------------------------


def _term(binding: dict | None):
    """A SPARQL JSON result term as a comparable tuple (None for unbound)."""
    if binding is None:
        return None
    kind, value = binding["type"], binding["value"]
    if kind == "uri":
        return ("iri", value)
    if kind == "bnode":
        return ("bnode",)  # labels are the store's own
    lang = binding.get("xml:lang")
    if lang:
        return ("literal", value, lang.lower())
    datatype = binding.get("datatype", XSD + "string")
    if datatype in NUMERIC:
        try:
            return ("number", Decimal(value).normalize())
        except InvalidOperation:
            pass
    return ("literal", value, datatype)


def _select(document: bytes, ask: bool = False) -> dict:
    parsed = json.loads(document)
    if "boolean" in parsed:
        return {"boolean": bool(parsed["boolean"])}
    if ask and parsed["head"]["vars"] == ["__ASK_RETVAL"]:
        # Virtuoso 7.2 answers ASK as a table of one row, 1 or 0 (docs/loading.md says so)
        rows = parsed["results"]["bindings"]
        return {"boolean": bool(rows) and rows[0]["__ASK_RETVAL"]["value"] not in ("0", "false")}
    names = parsed["head"]["vars"]
    return {"vars": names, "rows": [tuple(_term(row.get(n)) for n in names) for row in parsed["results"]["bindings"]]}


def _construct(document: bytes) -> dict:
    triples = ox.parse(document, format=ox.RdfFormat.N_TRIPLES)
    return {"triples": Counter(str(t) for t in set(triples))}


def _form(text: str, keyword: str) -> bool:
    """Whether the query is of this form (SELECT, ASK, CONSTRUCT): its first keyword after the prologue."""
    body = re.sub(r"#[^\n]*|^\s*(?:PREFIX|BASE)\b[^\n]*", "", text, flags=re.I | re.M)
    return re.match(rf"\s*{keyword}\b", body, re.I) is not None


def _order_keys(text: str) -> list[str] | None:
    """The variables of the top-level ORDER BY (``DESC(?x)`` gives ``x``), or None without one."""
    found = re.search(r"\bORDER\s+BY\b([^{}]*)$", re.sub(r"#[^\n]*", "", text), re.IGNORECASE)
    return re.findall(r"[?$](\w+)", found.group(1)) if found else None


def assert_same_answer(expected: dict, got: dict, text: str, where: str) -> None:
    if "boolean" in expected:
        assert got.get("boolean") == expected["boolean"], f"{where}: ASK answered {got}, kg query {expected}"
        return
    if "triples" in expected:
        missing = expected["triples"] - got["triples"]
        extra = got["triples"] - expected["triples"]
        assert not missing and not extra, (f"{where}: CONSTRUCT differs: {sum(missing.values())} triples "
                                           f"missing, {sum(extra.values())} extra; e.g. {list(missing)[:2]} "
                                           f"{list(extra)[:2]}")
        return
    assert got["vars"] == expected["vars"], f"{where}: columns {got['vars']} instead of {expected['vars']}"
    want, have = Counter(expected["rows"]), Counter(got["rows"])
    assert want == have, (f"{where}: {len(got['rows'])} rows instead of {len(expected['rows'])}; missing "
                          f"{list((want - have).elements())[:3]}, extra {list((have - want).elements())[:3]}")
    keys = _order_keys(text)
    if keys:
        index = [expected["vars"].index(k) for k in keys if k in expected["vars"]]
        assert [tuple(r[i] for i in index) for r in got["rows"]] == \
               [tuple(r[i] for i in index) for r in expected["rows"]], \
            f"{where}: the rows are not in the order of ORDER BY {' '.join(keys)}"


# ---------------------------------------------------------------------------
# The reference and the stores
# ---------------------------------------------------------------------------


# Queries of docs/loading.md: the dataset's description is seen through a union default graph (it is in
# graph/build), and its triples counted so that every store gives graph.nt's number of lines
DOCUMENTED = {
    "loading.md: the dataset's licence": """PREFIX void: <http://rdfs.org/ns/void#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?d ?license { ?d a void:Dataset ; dcterms:license ?license }""",
    "loading.md: counting triples": """SELECT (COUNT(*) AS ?triples) WHERE {
  SELECT DISTINCT ?s ?p ?o WHERE {
    GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "https://w3id.org/unionkg/id/graph/"))
  }
}""",
}


def _cases():
    """(id, text sent to the stores, text kg query gets, bindings kg query gets)."""
    for path in QUERY_FILES:
        text = path.read_text("utf-8")
        yield path.name, text, text, {}
        if path.name in BOUND:
            var, term = parse_binding(BOUND[path.name])
            # the stores get the text kg query runs: the default block with the bound value
            yield f"{path.name} --bind {BOUND[path.name]}", inline_bindings(text, {var: term})[0], text, {var: term}
    for name, text in DOCUMENTED.items():
        yield name, text, text, {}


CASES = list(_cases())


@pytest.fixture(scope="module")
def reference():
    """``kg query``'s answers (the same function, on the same file), as the stores' JSON is read."""
    store = load_store([NQ])
    answers = {}
    for name, _, original, bindings in CASES:
        result = run_query(store, original, bindings)
        if isinstance(result, ox.QueryTriples):
            answers[name] = _construct(ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES))
        else:
            answers[name] = _select(result.serialize(format=ox.QueryResultsFormat.JSON))
    return answers


class _HttpStore:
    """A SPARQL protocol endpoint: POST the query, JSON results or N-Triples back."""

    def __init__(self, url: str, construct_type: str = "application/n-triples"):
        self.url = url
        self.construct_type = construct_type

    def answer(self, text: str) -> dict:
        construct, ask = _form(text, "CONSTRUCT"), _form(text, "ASK")
        accept = self.construct_type if construct else "application/sparql-results+json"
        data = urllib.parse.urlencode({"query": text}).encode("utf-8")
        request = urllib.request.Request(self.url, data=data, headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
        return _construct(body) if construct else _select(body, ask)


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory):
    binary = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not binary:
        _unavailable("the oxigraph server CLI is not installed (pip install oxigraph)")
    folder = tmp_path_factory.mktemp("oxigraph") / "db"
    loaded = subprocess.run([binary, "load", "--location", str(folder), "--file", str(NQ)],
                            capture_output=True, text=True, timeout=300)
    assert loaded.returncode == 0, f"oxigraph load failed: {loaded.stderr[-2000:]}"
    port = _free_port()
    proc = subprocess.Popen([binary, "serve-read-only", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_http(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", proc, 30, "oxigraph serve-read-only")
        yield _HttpStore(f"http://127.0.0.1:{port}/query")
    finally:
        _stop(proc)


class _Tdb2:
    """A TDB2 database queried with ``tdb2.tdbquery --set tdb:unionDefaultGraph=true`` (one JVM a query)."""

    def __init__(self, location: Path, scratch: Path):
        self.location, self.scratch = location, scratch

    def answer(self, text: str) -> dict:
        query = self.scratch / "query.rq"
        query.write_text(text, "utf-8")
        construct = _form(text, "CONSTRUCT")
        done = subprocess.run([str(JENA), "tdb2.tdbquery", "--loc", str(self.location),
                               "--set", "tdb:unionDefaultGraph=true", "--query", str(query),
                               "--results", "nt" if construct else "json"],
                              capture_output=True, timeout=300)
        assert done.returncode == 0, f"tdb2.tdbquery failed: {done.stderr.decode('utf-8', 'replace')[-2000:]}"
        return _construct(done.stdout) if construct else _select(done.stdout)


@pytest.fixture(scope="module")
def jena(tmp_path_factory):
    if not shutil.which("java"):
        _unavailable("no java on PATH (apt-get install -y default-jre-headless)")
    if not Path("/usr/share/java/jena-tdb2.jar").is_file():
        _unavailable("Apache Jena's jars are not installed (apt-get install -y libapache-jena-java unzip)")
    folder = tmp_path_factory.mktemp("tdb2")
    loaded = subprocess.run([str(JENA), "tdb2.tdbloader", "--loc", str(folder / "db"), str(NQ)],
                            capture_output=True, text=True, timeout=600)
    assert loaded.returncode == 0, f"tdb2.tdbloader failed: {loaded.stderr[-2000:]}"
    return _Tdb2(folder / "db", folder)


VIRTUOSO_INI = """[Database]
DatabaseFile       = {db}/virtuoso.db
ErrorLogFile       = {db}/virtuoso.log
LockFile           = {db}/virtuoso.lck
TransactionFile    = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
[TempDatabase]
DatabaseFile       = {db}/virtuoso-temp.db
TransactionFile    = {db}/virtuoso-temp.trx
[Parameters]
ServerPort         = 127.0.0.1:{sql}
DisableUnixSocket  = 1
DirsAllowed        = {data}
NumberOfBuffers    = 10000
MaxDirtyBuffers    = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort         = 127.0.0.1:{http}
ServerRoot         = {db}
Charset            = UTF-8
ServerThreads      = 4
[SPARQL]
ResultSetMaxRows   = 1000000
MaxQueryExecutionTime = 300
"""


def _isql(port: int, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run(["isql-vt", str(port), "dba", "dba", f"exec={sql}"], capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    if not shutil.which("virtuoso-t") or not shutil.which("isql-vt"):
        _unavailable("Virtuoso is not installed (apt-get install -y virtuoso-opensource)")
    home = tmp_path_factory.mktemp("virtuoso")
    db, data = home / "db", home / "data"
    db.mkdir()
    data.mkdir()
    shutil.copy(NQ, data / "graph.nq")
    sql, http = _free_port(), _free_port()
    ini = home / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(db=db, data=data, sql=sql, http=http), "utf-8")
    proc = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=home,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_http(f"http://127.0.0.1:{http}/sparql?query=ASK%7B%7D", proc, 120, "virtuoso-t")
        loaded = _isql(sql, f"ld_dir('{data}', 'graph.nq', 'https://w3id.org/unionkg/id/graph/default'); "
                            "rdf_loader_run(); checkpoint; "
                            "SELECT ll_file, ll_state, ll_error FROM DB.DBA.load_list;")
        assert loaded.returncode == 0 and "graph.nq" in loaded.stdout and " 2 " in loaded.stdout \
            and "NULL" in loaded.stdout, f"Virtuoso's bulk loader failed:\n{loaded.stdout[-2000:]}{loaded.stderr[-2000:]}"
        yield _HttpStore(f"http://127.0.0.1:{http}/sparql", construct_type="text/plain")
    finally:
        if proc.poll() is None:
            _isql(sql, "shutdown;")
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                pass
        _stop(proc)


@pytest.mark.parametrize("store", STORES)
@pytest.mark.parametrize("case", [c[0] for c in CASES])
def test_store_gives_the_rows_of_kg_query(request, reference, store, case):
    text = next(t for name, t, _, _ in CASES if name == case)
    engine = request.getfixturevalue(store)
    where = f"{case} on {store}"
    try:
        got = engine.answer(text)
    except Exception as err:  # an HTTP error, a refused query: say which
        pytest.fail(f"{where}: the store could not answer: {type(err).__name__}: {str(err)[:1500]}")
    assert_same_answer(reference[case], got, text, where)


def test_the_documented_count_is_the_lines_of_graph_nt(reference):
    """The count docs/loading.md gives (every store gives kg query's number, checked above) is the
    number of triples of the union, graph.nt's lines."""
    lines = len(NQ.with_name("graph.nt").read_bytes().splitlines())
    assert reference["loading.md: counting triples"]["rows"] == [(("number", Decimal(lines).normalize()),)]
