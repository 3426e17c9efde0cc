"""Federated queries (SERVICE) and LOAD reach no server unless --allow-service is given.

A listener on 127.0.0.1 stands in for the server a hostile query would call: it records every
connection and answers as a SPARQL endpoint would, so that the one run that is allowed to call
it shows the test can see a request when one is made.
"""
from __future__ import annotations

import json
import socket
import threading

import pyoxigraph as ox
import pytest

from test_queries import seed_export

from conftest import run_kg
from kg.store.sparql import QueryError, network_keyword, run_query, run_update

pytestmark = pytest.mark.slow  # kg query runs as a process, over stores of built seeds

ANSWER = json.dumps({"head": {"vars": ["x"]},
                     "results": {"bindings": [{"x": {"type": "literal", "value": "from-the-service"}}]}}).encode()


class Listener:
    """A SPARQL endpoint stub on a free local port, in a thread; ``requests`` lists what came in."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.server.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}/sparql"
        self.requests: list[bytes] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(5)
                request = b""
                try:
                    while b"\r\n\r\n" not in request and (chunk := conn.recv(65536)):
                        request += chunk
                    head, _, body = request.partition(b"\r\n\r\n")
                    length = next((int(line.split(b":")[1]) for line in head.split(b"\r\n")
                                   if line.lower().startswith(b"content-length:")), 0)
                    while len(body) < length and (chunk := conn.recv(65536)):
                        body += chunk
                    conn.sendall(b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\n"
                                 b"content-length: %d\r\nconnection: close\r\n\r\n%s" % (len(ANSWER), ANSWER))
                except OSError:
                    pass
                self.requests.append(request)

    def close(self) -> list[bytes]:
        """Stop (taking any connection already queued) and give what came in."""
        if self.stopping.is_set():
            return self.requests
        self.stopping.set()
        self.thread.join()
        self.server.setblocking(False)
        try:
            while True:
                conn, _ = self.server.accept()
                self.requests.append(b"(queued)")
                conn.close()
        except OSError:
            pass
        self.server.close()
        return self.requests


@pytest.fixture
def listener():
    heard = Listener()
    yield heard
    heard.close()


@pytest.fixture(scope="module")
def workdir():
    return seed_export().parent


def kg_query(workdir, *args):
    return run_kg("query", *args, cwd=workdir, timeout=120)


# every way of writing a request that Oxigraph runs (each checked to reach the listener without the guard)
FEDERATED = [
    "SELECT ?x WHERE { SERVICE <URL> { ?s ?p ?x } }",
    "select ?x where { service <URL> { ?s ?p ?x } }",
    "SELECT ?x WHERE { SERVICE SILENT <URL> { ?s ?p ?x } }",
    "SELECT ?x WHERE { SERVICESILENT <URL> { ?s ?p ?x } }",
    "SELECT ?x WHERE { ?s ?p ?o .SERVICE <URL> { ?s ?p ?x } }",
    "ASK { FILTER EXISTS { SERVICE <URL> { ?s ?p ?o } } }",
    "SELECT ?x WHERE { # a comment ended by a carriage return\rSERVICE <URL> { ?s ?p ?x } }",
    # "<?b)SERVICE#>" looks like an IRI to a naive scanner; Oxigraph reads "<" as less-than
    "SELECT ?x WHERE { BIND(1 AS ?a) BIND(2 AS ?b) FILTER(?a<?b)SERVICE#>\n<URL> { ?s ?p ?x } }",
    'SELECT ?x WHERE { BIND("a literal"AS ?l)SERVICE <URL> { ?s ?p ?x } }',
]


@pytest.mark.parametrize("text", FEDERATED)
@pytest.mark.parametrize("where", ["store", "data"])
def test_federated_query_is_refused_and_sends_nothing(workdir, listener, text, where):
    extra = ["--data", "exports/graph.nq"] if where == "data" else []
    done = kg_query(workdir, "-e", text.replace("URL", listener.url), *extra)
    assert listener.close() == []
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("kg query: -e: refused: this text uses SERVICE")
    assert "--allow-service" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_federated_query_file_and_updates_are_refused(workdir, listener, tmp_path):
    rq = tmp_path / "remote.rq"
    rq.write_text(FEDERATED[0].replace("URL", listener.url), encoding="utf-8")
    by_file = kg_query(workdir, rq)
    update = kg_query(workdir, "-e", f"INSERT {{ ?s ?p ?x }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?x }} }}",
                      "--update")
    load = kg_query(workdir, "-e", f"LOAD <{listener.url}>", "--update")
    assert listener.close() == []
    assert by_file.returncode == 2 and f"{rq}: refused: this text uses SERVICE" in by_file.stderr
    assert update.returncode == 2 and "SERVICE" in update.stderr and "--allow-service" in update.stderr
    assert load.returncode == 2 and "uses LOAD" in load.stderr and "--allow-service" in load.stderr


def test_allow_service_lets_the_query_reach_the_service(workdir, listener):
    done = kg_query(workdir, "-e", FEDERATED[0].replace("URL", listener.url), "--allow-service", "--format", "csv")
    requests = listener.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["x", "from-the-service"]
    assert len(requests) == 1 and requests[0].startswith(b"POST /sparql ")


def test_the_word_service_in_a_literal_iri_or_comment_is_not_a_request(workdir, listener):
    text = (f'SELECT ?x WHERE {{ VALUES ?x {{ "SERVICE <{listener.url}> {{ }}" }} '
            f'OPTIONAL {{ ?x <https://schema.org/Service> ?service }} }} # SERVICE <{listener.url}> {{}}')
    done = kg_query(workdir, "-e", text, "--format", "csv")
    assert listener.close() == []
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1] == f"SERVICE <{listener.url}> {{ }}"


def test_functions_that_run_queries_refuse_requests_too(listener):
    store = ox.Store()
    with pytest.raises(QueryError, match="--allow-service"):
        run_query(store, FEDERATED[0].replace("URL", listener.url))
    with pytest.raises(QueryError, match="--allow-service"):
        run_update(store, f"LOAD <{listener.url}>")
    assert listener.close() == []


@pytest.mark.parametrize("text", [t.replace("URL", "http://127.0.0.1:9/x") for t in FEDERATED] + [
    "SELECT * { \\u0053ERVICE <http://x/> { } }",  # SPARQL allows \u escapes anywhere
    "PREFIX : <http://127.0.0.1:9/> SELECT * { SERVICE:x { } }",  # the keyword, then the IRI :x
    'SELECT * { ?s ?p """a\\"""" SERVICE <http://x/> { } }',  # an escaped quote ends no long string
    'SELECT * { ?s ?p "x".SERVICE <http://x/> { } }',
    "LOAD <http://x/data.ttl>",
    "load silent <http://x/data.ttl> into graph <urn:g>",
])
def test_network_keyword_finds_every_spelling(text):
    assert network_keyword(text) in ("SERVICE", "LOAD")


@pytest.mark.parametrize("text", [
    'SELECT * { ?s ?p "SERVICE <http://x/> { }" }',
    "SELECT * { ?s ?p 'LOAD <http://x/>' }",
    'SELECT * { ?s ?p """SERVICE\n<http://x/> {}""" }',
    "SELECT * { ?s ?p ?o } # SERVICE <http://x/> {}",
    "SELECT ?service ?load { ?service <https://schema.org/Service> ?load }",
    "SELECT * { ?s a schema:Service ; ex:download ?o FILTER(?o = <http://x/load#1>) }",
    "SELECT * { ?s ?p ?o FILTER(?o < 3 && ?o IN (<https://schema.org/Service>)) }",
])
def test_network_keyword_leaves_words_in_strings_iris_names_and_comments(text):
    assert network_keyword(text) is None


def test_a_service_that_fails_while_results_are_read_is_not_called_a_damaged_store(workdir):
    """An allowed SERVICE whose server is gone fails while the results are read: one line that
    says so, not a traceback, and not the advice to rebuild a store that is sound."""
    closed = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{closed.getsockname()[1]}/sparql"
    closed.close()
    done = kg_query(workdir, "--allow-service", "-e", f"SELECT ?x WHERE {{ SERVICE <{url}> {{ ?s ?p ?x }} }}")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("kg query: -e: the query failed while its results were read (")
    assert "SERVICE" in done.stderr and "damaged" not in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
