"""``kg push`` against a real Oxigraph server (SPARQL 1.1 Graph Store Protocol), run as a user would.

Every test that needs a server starts its own ``oxigraph serve`` on a free port of
127.0.0.1 with an empty store in a temporary folder, and stops it afterwards.
The server's answers (SPARQL protocol over HTTP, union default graph) must be
those of the embedded pyoxigraph store loaded from the same file: the queries
in ``queries/*.rq`` and a few of our own. Failure handling (closed port, HTTP
error, timeout, a failure half-way through) is checked against the real server
where it can be and against a small scripted HTTP server otherwise.
"""
from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run_kg

pytestmark = pytest.mark.slow  # builds the seeds and pushes them to servers in other processes

ROOT = Path(__file__).resolve().parent.parent
EXPORTS = ROOT / "exports"
NQ = EXPORTS / "graph.nq"
TRIG = EXPORTS / "graph.trig"
QUERY_FILES = sorted((ROOT / "kg" / "queries").glob("*.rq"))

PREFIXES = """PREFIX ukg: <https://w3id.org/unionkg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX schema: <https://schema.org/>
"""
OWN_QUERIES = {
    "officials-with-posts": PREFIXES + """
SELECT ?official ?name ?title ?org ?orgName WHERE {
  ?official a ukg:Official ; skos:prefLabel ?name ; org:holds ?post .
  ?post ukg:title ?title ; org:postIn ?org .
  ?org skos:prefLabel ?orgName .
}""",
    "union-hierarchy": PREFIXES + """
SELECT ?union ?name ?parent ?parentName ?province WHERE {
  ?union a ukg:UnionBody ; skos:prefLabel ?name .
  OPTIONAL { ?union org:subOrganizationOf ?parent . ?parent skos:prefLabel ?parentName }
  OPTIONAL { ?union schema:location/skos:prefLabel ?province }
}""",
    "triples-per-named-graph": """
SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g""",
    "build-used-every-page": PREFIXES + """
ASK { ?build a prov:Activity ; ukg:toolVersion ?v ; prov:used ?page . ?page ukg:sha256 ?sum }""",
    "hierarchy-as-graph": PREFIXES + """
CONSTRUCT { ?u org:subOrganizationOf ?p ; skos:prefLabel ?n } WHERE {
  ?u a ukg:UnionBody ; skos:prefLabel ?n ; org:subOrganizationOf ?p }""",
}
QUERIES = [pytest.param(text, id=name) for name, text in OWN_QUERIES.items()] + [
    pytest.param(path, id=f"queries/{path.name}") for path in QUERY_FILES]


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def kg_push(exported: Path, *args) -> subprocess.CompletedProcess:
    """`python -m kg push ...` run in the snapshot's folder, where the default --input is the snapshot."""
    return run_kg("push", *args, cwd=exported.parent.parent)


def kg_main(capsys, *args) -> tuple[int, str, str]:
    """The same command in this process (fast: no interpreter start); exit code, stdout, stderr."""
    from kg.cli.commands import main

    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def kg_inproc(capsys, *args) -> subprocess.CompletedProcess:
    code, out, err = kg_main(capsys, *args)
    return subprocess.CompletedProcess(["kg", *args], code, out, err)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
    if not found:
        reason = "the oxigraph server CLI is not installed (pip install oxigraph)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    return found


def file_quads(path: Path) -> set[str]:
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    return {str(q) for q in ox.parse(path=str(path), format=fmt)}


class Oxigraph:
    """One ``oxigraph serve`` process on 127.0.0.1 with its own empty store."""

    def __init__(self, location: Path):
        self.binary = oxigraph_binary()
        self.location = location
        self.proc = None
        self.log = location.parent / f"{location.name}.log"

    def start(self) -> "Oxigraph":
        for _ in range(5):  # another process may take the port between free_port() and bind
            self.port = free_port()
            self.base = f"http://127.0.0.1:{self.port}"
            with open(self.log, "wb") as log:
                self.proc = subprocess.Popen(
                    [self.binary, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"],
                    stdout=log, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and self.proc.poll() is None:
                try:
                    with urllib.request.urlopen(self.base + "/", timeout=1) as resp:
                        if resp.status == 200:
                            return self
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.05)
            self.stop()
        raise AssertionError(f"oxigraph serve did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.proc = None

    @property
    def store(self) -> str:
        return self.base + "/store"

    def _post(self, path: str, form: dict, accept: str) -> bytes:
        req = urllib.request.Request(self.base + path, data=urllib.parse.urlencode(form).encode("ascii"),
                                     headers={"Content-Type": "application/x-www-form-urlencoded",
                                              "Accept": accept})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.read()

    def select(self, query: str, union: bool = True):
        """SPARQL protocol POST to /query; the results parsed from application/sparql-results+json."""
        form = {"query": query, **({"union-default-graph": ""} if union else {})}
        body = self._post("/query", form, "application/sparql-results+json")
        return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)

    def construct(self, query: str, union: bool = True) -> list:
        form = {"query": query, **({"union-default-graph": ""} if union else {})}
        body = self._post("/query", form, "application/n-triples")
        return list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))

    def get(self, query: str, union: bool = True):
        """The same, with the SPARQL protocol's GET form."""
        params = {"query": query, **({"union-default-graph": ""} if union else {})}
        req = urllib.request.Request(self.base + "/query?" + urllib.parse.urlencode(params),
                                     headers={"Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return ox.parse_query_results(resp.read(), format=ox.QueryResultsFormat.JSON)

    def update(self, update: str) -> None:
        self._post("/update", {"update": update}, "*/*")

    def count(self) -> int:
        """Triples in all graphs, the default graph included (no union: each graph counted)."""
        rows = list(self.select("SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
                                union=False))
        return int(rows[0]["n"].value)

    def quads(self) -> set[str]:
        """The whole dataset, read back with a Graph Store Protocol GET of /store as N-Quads."""
        req = urllib.request.Request(self.store, headers={"Accept": "application/n-quads"})
        with urllib.request.urlopen(req, timeout=60) as resp:
            return {str(q) for q in ox.parse(resp.read(), format=ox.RdfFormat.N_QUADS)}


@pytest.fixture
def server(tmp_path):
    srv = Oxigraph(tmp_path / "oxigraph-store")
    try:
        yield srv.start()
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def pushed(tmp_path_factory, exported):
    """One server, pushed to once, for the read-only query tests."""
    srv = Oxigraph(tmp_path_factory.mktemp("pushed") / "oxigraph-store")
    try:
        srv.start()
        done = kg_push(exported, "--endpoint", srv.store, "--input", str(exported))
        assert done.returncode == 0, done.stderr
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """A snapshot of exports/graph.nq and graph.trig (built if missing) in a folder of its own:
    a rebuild of exports/ while the tests run cannot change the data under them."""
    work = tmp_path_factory.mktemp("work")
    (work / "exports").mkdir()
    if NQ.is_file() and TRIG.is_file():
        for path in (NQ, TRIG):
            shutil.copyfile(path, work / "exports" / path.name)
    else:
        done = run_kg("build", str(ROOT / "seeds"), "--out", str(work / "exports"), timeout=300)
        assert done.returncode == 0, done.stderr
    return work / "exports" / "graph.nq"


@pytest.fixture(scope="module")
def embedded(exported):
    store = ox.Store()
    store.load(path=str(exported), format=ox.RdfFormat.N_QUADS)
    return store


def graphs_in(path: Path) -> Counter:
    """Triples per graph of an RDF dataset file (None: the default graph)."""
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.N_QUADS
    out = Counter()
    for q in set(ox.parse(path=str(path), format=fmt)):
        out[None if isinstance(q.graph_name, ox.DefaultGraph) else q.graph_name.value] += 1
    return out


def canonical_solutions(results) -> Counter:
    """A multiset of solutions, each a sorted tuple of (variable, N-Triples term); order-free."""
    out = Counter()
    for solution in results:
        row = []
        for var in results.variables:
            term = solution[var]
            if isinstance(term, ox.BlankNode):
                term = "_:b"
            row.append((var.value, "" if term is None else str(term)))
        out[tuple(row)] += 1
    return out


# ---------------------------------------------------------------------------
# Push, then query over HTTP: the same answers as the embedded store
# ---------------------------------------------------------------------------


def test_push_sends_every_graph_and_reports_it(server, exported):
    done = kg_push(exported, "--endpoint", server.store)  # --input defaults to exports/graph.nq
    assert done.returncode == 0, done.stderr
    expected = graphs_in(exported)
    lines = done.stdout.splitlines()
    assert len(lines) == len(expected) + 1
    for name, n in expected.items():
        label = f"<{name}>" if name else "default graph"
        assert f"PUT {label} {n} triples: HTTP 201" in lines or f"PUT {label} {n} triples: HTTP 204" in lines, \
            (label, lines)
    assert lines[-1] == f"replace: {len(expected)} graphs, {sum(expected.values())} triples sent to {server.store}"
    # the build's exports have no default graph (the build and its description are in graph/build);
    # the named graphs go in IRI order
    assert None not in expected
    assert [line.split()[1] for line in lines[:-1]] == [f"<{name}>" for name in sorted(expected)]


def test_server_holds_exactly_the_file(server, exported):
    assert kg_push(exported, "--endpoint", server.store, "--input", str(exported)).returncode == 0
    assert server.quads() == file_quads(exported)
    assert server.count() == sum(graphs_in(exported).values())


def test_trig_input_gives_the_same_dataset(server, exported):
    done = kg_push(exported, "--endpoint", server.store, "--input", str(exported.with_suffix(".trig")))
    assert done.returncode == 0, done.stderr
    assert server.quads() == file_quads(exported)


@pytest.mark.parametrize("query", QUERIES)
def test_server_answers_like_the_embedded_store(pushed, embedded, query):
    text = query.read_text("utf-8") if isinstance(query, Path) else query
    local = embedded.query(text, use_default_graph_as_union=True)
    if isinstance(local, ox.QueryBoolean):
        assert bool(pushed.select(text)) == bool(local)
    elif isinstance(local, ox.QueryTriples):
        remote = {str(t) for t in pushed.construct(text)}
        assert remote == {str(t) for t in local}
    else:
        expected = canonical_solutions(local)
        assert canonical_solutions(pushed.select(text)) == expected
        assert canonical_solutions(pushed.get(text)) == expected  # SPARQL protocol GET form too
        if isinstance(query, str):  # our own queries must find something, or they test nothing
            assert expected, "the query found nothing in the seeds export"


def test_known_seed_facts_are_on_the_server(pushed):
    rows = pushed.select(OWN_QUERIES["officials-with-posts"])
    posts = {(r["name"].value, r["title"].value, r["orgName"].value) for r in rows}
    assert {("徐留平", "党组书记", "中华全国总工会"), ("李公乐", "主席", "河南省总工会")} <= posts
    rows = pushed.select(OWN_QUERIES["union-hierarchy"])
    parents = {r["name"].value: r["parentName"].value for r in rows if r["parentName"] is not None}
    assert parents["河南省总工会"] == "中华全国总工会"
    assert parents["北京市西城区总工会"] == "北京市总工会"
    assert "中华全国总工会" not in parents


# ---------------------------------------------------------------------------
# Modes: replace is PUT (the graph becomes the new content), add is POST
# ---------------------------------------------------------------------------


def _a_page_graph(path: Path) -> str:
    return sorted(n for n in graphs_in(path) if n and "/graph/page/" in n)[0]


EXTRA = "<https://example.org/extra> <https://example.org/p> \"只在服务器上\"@zh"


def test_replace_twice_is_the_same_and_drops_what_was_not_pushed(server, exported):
    total = sum(graphs_in(exported).values())
    assert kg_push(exported, "--endpoint", server.store).returncode == 0
    assert server.count() == total
    page_graph = _a_page_graph(exported)
    server.update(f"INSERT DATA {{ GRAPH <{page_graph}> {{ {EXTRA} }} }}")
    assert server.count() == total + 1
    again = kg_push(exported, "--endpoint", server.store, "--mode", "replace")
    assert again.returncode == 0, again.stderr
    assert "HTTP 204" in again.stdout  # the graphs existed: replaced, not created
    assert server.count() == total
    assert server.quads() == file_quads(exported)


def test_add_doubles_nothing_and_keeps_extra_triples(server, exported):
    total = sum(graphs_in(exported).values())
    assert kg_push(exported, "--endpoint", server.store).returncode == 0
    page_graph = _a_page_graph(exported)
    server.update(f"INSERT DATA {{ GRAPH <{page_graph}> {{ {EXTRA} }} }}")
    for _ in range(2):
        done = kg_push(exported, "--endpoint", server.store, "--mode", "add")
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0].startswith("POST ")
        assert done.stdout.splitlines()[-1].startswith("add: ")
        assert server.count() == total + 1
    assert server.quads() == file_quads(exported) | {f"{EXTRA} <{page_graph}>"}


def test_add_into_an_empty_store_gives_the_file(server, exported):
    assert kg_push(exported, "--endpoint", server.store, "--mode", "add").returncode == 0
    assert server.quads() == file_quads(exported)


def test_a_failed_put_leaves_the_old_graph(server, exported):
    """What `kg push` relies on: one PUT is applied whole or not at all (Oxigraph checked here)."""
    assert kg_push(exported, "--endpoint", server.store).returncode == 0
    before = server.quads()
    page_graph = _a_page_graph(exported)
    broken = b'<https://example.org/s> <https://example.org/p> "new" .\n<https://example.org/s> <https://example.org/p> "cut'
    req = urllib.request.Request(f"{server.store}?graph={urllib.parse.quote(page_graph, safe='')}", data=broken,
                                 method="PUT", headers={"Content-Type": "application/n-triples"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(req, timeout=30)
    assert refused.value.code == 400
    assert server.quads() == before


# ---------------------------------------------------------------------------
# Failures: a clear message naming the endpoint and the graph, non-zero exit
# ---------------------------------------------------------------------------


def test_closed_port_fails_naming_the_endpoint_and_graph(exported):
    endpoint = f"http://127.0.0.1:{free_port()}/store"
    done = kg_push(exported, "--endpoint", endpoint, "--timeout", "10")
    assert done.returncode == 1
    first = sorted(n for n in graphs_in(exported) if n)[0]
    assert endpoint in done.stderr and f"<{first}>" in done.stderr
    assert "connection refused" in done.stderr
    assert "no graph was replaced" in done.stderr
    assert done.stdout == ""


def test_wrong_path_is_an_http_error_naming_the_endpoint_and_graph(server, exported):
    endpoint = server.base + "/no-such-endpoint"
    done = kg_push(exported, "--endpoint", endpoint)
    assert done.returncode == 1
    first = sorted(n for n in graphs_in(exported) if n)[0]
    assert endpoint in done.stderr and f"<{first}>" in done.stderr and "HTTP 404" in done.stderr
    assert server.count() == 0


@pytest.mark.parametrize("endpoint", [
    "ftp://127.0.0.1/store", "file:///tmp/store", "127.0.0.1:7878/store", "localhost/store",
    "http:///store", "not a url", "http://127.0.0.1:99999/store", "http://127.0.0.1:7878/store#frag",
    "javascript:alert(1)", ""])
def test_refuses_endpoints_that_are_not_http_urls(capsys, endpoint):
    code, out, err = kg_main(capsys, "push", "--endpoint", endpoint)
    assert code == 2
    assert "--endpoint" in err and out == ""


def test_refuses_a_timeout_that_is_not_positive(capsys, exported):
    code, _, err = kg_main(capsys, "push", "--endpoint", "http://127.0.0.1:9/store", "--input", str(exported),
                           "--timeout", "0")
    assert code == 2 and "--timeout" in err


def test_refusal_runs_as_a_command_too():
    done = run_kg("push", "--endpoint", "ftp://127.0.0.1/store")
    assert done.returncode == 2 and "http://" in done.stderr and "Traceback" not in done.stderr


def test_missing_or_unreadable_input_is_named(capsys, tmp_path):
    code, _, err = kg_main(capsys, "push", "--endpoint", "http://127.0.0.1:9/store",
                           "--input", str(tmp_path / "none.nq"))
    assert code == 2 and "none.nq" in err
    bad = tmp_path / "bad.nq"
    bad.write_text("<https://example.org/s> <https://example.org/p> \"cut\n", "utf-8")
    code, _, err = kg_main(capsys, "push", "--endpoint", "http://127.0.0.1:9/store", "--input", str(bad))
    assert code == 2 and "bad.nq" in err


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_a_union_export_is_refused(capsys, fmt):
    """graph.ttl, .nt and .jsonld are the union of every graph: pushed into the default graph of a store
    whose default graph is the union, every triple would count twice. Refused before any request."""
    code, out, err = kg_main(capsys, "push", "--endpoint", "http://127.0.0.1:9/store",
                             "--input", str(EXPORTS / f"graph.{fmt}"))
    assert code == 2 and f"graph.{fmt}" in err and "graph.nq or graph.trig" in err and out == ""


# ---------------------------------------------------------------------------
# A scripted server: what exactly is sent, failures half-way, timeouts
# ---------------------------------------------------------------------------


class Scripted:
    """A tiny HTTP server answering each request with the next scripted (status, headers, delay)."""

    def __init__(self, script):
        self.script = list(script)
        self.requests: list[dict] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                outer.requests.append({"method": self.command, "path": self.path, "headers": dict(self.headers),
                                       "body": body})
                status, headers, delay = outer.script.pop(0) if outer.script else (500, {}, 0)
                time.sleep(delay)
                payload = b"" if status in (201, 204) else f"scripted {status}".encode()
                try:
                    self.send_response(status)
                    for k, v in headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_PUT = do_POST = do_GET = _any

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/gsp"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_exact_requests_sent(capsys, exported):
    expected = graphs_in(exported)
    with Scripted([(201, {}, 0)] * len(expected)) as srv:
        done = kg_inproc(capsys, "push", "--endpoint", srv.url + "?token=abc", "--input", str(exported))
    assert done.returncode == 0, done.stderr
    assert len(srv.requests) == len(expected)
    seen = Counter()
    for req in srv.requests:
        assert req["method"] == "PUT"
        assert req["headers"]["Content-Type"] == "application/n-triples"
        path, _, query = req["path"].partition("?")
        assert path == "/gsp"
        params = urllib.parse.parse_qs(query, keep_blank_values=True)
        assert params.pop("token") == ["abc"]  # a query string already in the endpoint is kept
        assert list(params) in (["graph"], ["default"])
        name = params["graph"][0] if "graph" in params else None
        triples = list(ox.parse(req["body"], format=ox.RdfFormat.N_TRIPLES))  # UTF-8 N-Triples
        seen[name] = len(triples)
        assert req["body"].decode("utf-8")
    assert seen == expected
    assert not any("default" in req["path"] for req in srv.requests)  # the exports have no default graph


def test_a_default_graph_goes_last(capsys, tmp_path):
    """A file with a default graph (not kg build's, whose default graph is empty): it is sent last, to ?default."""
    mixed = tmp_path / "mixed.nq"
    mixed.write_text('<https://example.org/s> <https://example.org/p> "default" .\n'
                     '<https://example.org/s> <https://example.org/p> "named" <https://example.org/g> .\n', "utf-8")
    with Scripted([(201, {}, 0)] * 2) as srv:
        done = kg_inproc(capsys, "push", "--endpoint", srv.url, "--input", str(mixed))
    assert done.returncode == 0, done.stderr
    assert [r["path"] for r in srv.requests] == ["/gsp?graph=https%3A%2F%2Fexample.org%2Fg", "/gsp?default"]
    assert done.stdout.splitlines()[1] == "PUT default graph 1 triples: HTTP 201"


def test_failure_half_way_reports_what_was_replaced(capsys, exported):
    names = sorted(graphs_in(exported))  # named graphs only: the exports have no default graph
    assert len(names) >= 4
    with Scripted([(204, {}, 0), (204, {}, 0), (500, {}, 0)]) as srv:
        done = kg_inproc(capsys, "push", "--endpoint", srv.url, "--input", str(exported))
    assert done.returncode == 1
    assert len(srv.requests) == 3  # stops at the first failure
    assert srv.url in done.stderr and "HTTP 500" in done.stderr
    failed_line = next(line for line in done.stderr.splitlines() if "failed" in line)
    assert f"<{names[2]}>" in failed_line
    replaced = next(line for line in done.stderr.splitlines() if "already replaced" in line)
    assert f"(2 of {len(names)})" in replaced and f"<{names[0]}>" in replaced and f"<{names[1]}>" in replaced
    unsent = next(line for line in done.stderr.splitlines() if "not sent" in line)
    assert f"<{names[3]}>" in unsent
    assert done.stdout.count("HTTP 204") == 2  # the graphs that were replaced are also reported


def test_timeout_fails_naming_the_endpoint(capsys, exported):
    with Scripted([(204, {}, 3)]) as srv:
        started = time.monotonic()
        done = kg_inproc(capsys, "push", "--endpoint", srv.url, "--input", str(exported), "--timeout", "0.5")
        assert time.monotonic() - started < 30
    assert done.returncode == 1
    assert srv.url in done.stderr and "timeout" in done.stderr


def test_redirect_is_not_followed(capsys, exported):
    with Scripted([(307, {"Location": "http://127.0.0.1:1/elsewhere"}, 0)]) as srv:
        done = kg_inproc(capsys, "push", "--endpoint", srv.url, "--input", str(exported))
    assert done.returncode == 1 and "redirected" in done.stderr and len(srv.requests) == 1


def test_unsupported_media_type_falls_back_to_turtle(capsys, exported):
    n = len(graphs_in(exported))
    with Scripted([(415, {}, 0)] + [(204, {}, 0)] * n) as srv:
        done = kg_inproc(capsys, "push", "--endpoint", srv.url, "--input", str(exported), "--mode", "add")
    assert done.returncode == 0, done.stderr
    types = [r["headers"]["Content-Type"] for r in srv.requests]
    assert types == ["application/n-triples"] + ["text/turtle"] * n
    assert all(r["method"] == "POST" for r in srv.requests)


def test_credentials_in_the_url_are_sent_and_never_printed(capsys, exported):
    with Scripted([(204, {}, 0), (500, {}, 0)]) as srv:
        endpoint = srv.url.replace("http://", "http://writer:s3cret@")
        done = kg_inproc(capsys, "push", "--endpoint", endpoint, "--input", str(exported))
    assert done.returncode == 1
    assert srv.requests[0]["headers"]["Authorization"] == "Basic d3JpdGVyOnMzY3JldA=="
    assert "s3cret" not in done.stdout + done.stderr


def test_standard_input_is_read_as_n_quads(exported, monkeypatch):
    """`kg push --input -`: N-Quads on standard input give the graphs the file gives; what does
    not parse is named "standard input"."""
    import io

    from kg.store.push import PushError, read_dataset

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(exported.read_bytes())))
    assert read_dataset(Path("-")) == read_dataset(exported)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"@prefix x: <http://x/> .\n")))
    with pytest.raises(PushError, match="^standard input: cannot parse as"):
        read_dataset(Path("-"))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(PushError, match="^standard input: no triples to push"):
        read_dataset(Path("-"))


def test_the_store_gives_the_payloads_of_its_graph_nq(tmp_path):
    """kg push --store (and without a graph.nq, after kg build --export none): the store's named graphs,
    the same bodies as the build's graph.nq gives; its default graph (the union kept for queries) is
    not sent. The command says so too."""
    from test_queries import seed_export

    from kg.store.push import PushError, read_dataset, read_store

    exports = seed_export()
    assert read_store(exports / "store") == read_dataset(exports / "graph.nq")
    with pytest.raises(PushError, match="no store there"):
        read_store(tmp_path / "nowhere")
    done = run_kg("push", "--endpoint", "http://127.0.0.1:9/store", "--store", str(exports / "store"),
                  "--input", str(exports / "graph.nq"))
    assert done.returncode == 2 and "give one" in done.stderr
