"""``kg query`` run as a user would: a real process on the seeds export.

The process runs in the parent of a freshly built ``exports`` folder, so the
default ``--data exports/graph.nq`` is what it reads unless a test says otherwise.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rdflib import Graph

from test_queries import QUERIES, seed_export
from conftest import run_kg

pytestmark = pytest.mark.slow  # kg query runs as a process, over stores of built seeds

ACFTU_IRI = "https://w3id.org/unionkg/id/union/zhong-hua-quan-guo-zong-gong-hui-99ea4e8e"


@pytest.fixture(scope="module")
def workdir():
    return seed_export().parent


def kg_query(workdir, *args):
    return run_kg("query", *args, cwd=workdir, timeout=120)


def width(line: str) -> int:
    """Display columns, counted here independently of kg.store.sparql: East Asian wide/fullwidth take two."""
    return sum(2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in line)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------
# Output formats
# ---------------------------------------------------------------------------


def test_table_aligns_chinese(workdir):
    done = kg_query(workdir, QUERIES / "officials_posts.rq")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["official", "|", "title", "|", "organisation", "|", "kind"]
    assert set(lines[1]) <= {"-", "+"}
    assert len({width(line) for line in lines}) == 1, "\n".join(lines)
    row = next(line for line in lines if "书记处第一书记" in line)
    assert [c.strip() for c in row.split("|")] == ["徐留平", "书记处第一书记", "中华全国总工会", "union"]
    # the columns line up: every "|" of every line sits at the same display column
    bars = {tuple(width(line[:i]) for i, c in enumerate(line) if c == "|") for line in lines[2:] + lines[:1]}
    assert len(bars) == 1
    assert done.stderr.strip() == f"({len(lines) - 2} rows)"  # the count goes to stderr, stdout is only the table


def test_csv_parses(workdir):
    done = kg_query(workdir, QUERIES / "officials_posts.rq", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(io.StringIO(done.stdout)))
    assert rows[0] == ["official", "title", "organisation", "kind"]
    assert ["徐留平", "党组书记", "中华全国总工会", "union"] in rows


def test_tsv_parses(workdir):
    done = kg_query(workdir, QUERIES / "officials_posts.rq", "--format", "tsv")
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert rows[0] == ["?official", "?title", "?organisation", "?kind"]
    assert ['"徐留平"@zh', '"副主席"@zh', '"中华全国总工会"@zh', '"union"'] in rows  # W3C TSV: terms in Turtle syntax
    assert all(len(r) == 4 for r in rows)


def test_json_is_sparql_results(workdir):
    done = kg_query(workdir, QUERIES / "officials_posts.rq", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["head"]["vars"] == ["official", "title", "organisation", "kind"]
    bindings = data["results"]["bindings"]
    assert {"type": "literal", "value": "徐留平", "xml:lang": "zh"} in [b["official"] for b in bindings]


def test_ask(workdir):
    done = kg_query(workdir, QUERIES / "union_under_acftu.rq")
    assert (done.returncode, done.stdout) == (0, "true\n")
    done = kg_query(workdir, QUERIES / "union_under_acftu.rq", "--format", "json", "--bind", "union=中华全国总工会")
    assert json.loads(done.stdout) == {"head": {}, "boolean": False}


def test_construct_prints_turtle_ntriples_jsonld_or_rdfxml(workdir):
    done = kg_query(workdir, QUERIES / "union_subgraph.rq")
    assert done.returncode == 0, done.stderr
    turtle = Graph().parse(data=done.stdout, format="turtle")
    graphs = {}
    for fmt, parser in [("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"), ("json", "json-ld"), ("xml", "xml")]:
        done = kg_query(workdir, QUERIES / "union_subgraph.rq", "--format", fmt)
        assert done.returncode == 0, (fmt, done.stderr)
        graphs[fmt] = set(Graph().parse(data=done.stdout, format=parser))
    assert len(turtle) > 10 and all(g == set(turtle) for g in graphs.values()), graphs.keys()
    assert any(str(o) == "北京市西城区总工会" for o in turtle.objects())


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_graph_is_not_written_as_csv(workdir, fmt):
    """A CONSTRUCT's graph has no table: --format csv is refused with the formats that fit, not
    answered with N-Triples under another name."""
    done = kg_query(workdir, QUERIES / "union_subgraph.rq", "--format", fmt)
    assert (done.returncode, done.stdout) == (2, "")
    assert f"--format {fmt} is for the table of a SELECT" in done.stderr
    assert "ttl, nt, jsonld or xml" in done.stderr and "union_subgraph.rq" in done.stderr


@pytest.mark.parametrize("fmt", ["ttl", "nt", "jsonld"])
def test_a_table_is_not_written_as_a_graph_format(workdir, fmt):
    done = kg_query(workdir, QUERIES / "officials_posts.rq", "--format", fmt)
    assert (done.returncode, done.stdout) == (2, "")
    assert "table, csv, tsv, json or xml" in done.stderr


def _xml_bindings(text: str) -> tuple[list[str], list[dict]]:
    """(variables, rows) of a W3C SPARQL Query Results XML document, each row as the JSON format's
    binding objects, read with ElementTree alone."""
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
    names = [v.get("name") for v in root.findall("r:head/r:variable", ns)]
    rows = []
    for result in root.findall("r:results/r:result", ns):
        row = {}
        for binding in result.findall("r:binding", ns):
            (term,) = list(binding)
            kind = term.tag.split("}")[1]
            value = {"type": {"uri": "uri", "bnode": "bnode", "literal": "literal"}[kind], "value": term.text or ""}
            lang = term.get("{http://www.w3.org/XML/1998/namespace}lang")
            if lang:
                value["xml:lang"] = lang
            if term.get("datatype"):
                value["datatype"] = term.get("datatype")
            row[binding.get("name")] = value
        rows.append(row)
    return names, rows


def test_xml_results_give_the_bindings_json_gives(workdir):
    for query in ["officials_posts.rq", "unions_by_province.rq", "pages_and_articles.rq"]:
        xml = kg_query(workdir, QUERIES / query, "--format", "xml")
        assert xml.returncode == 0, xml.stderr
        data = json.loads(kg_query(workdir, QUERIES / query, "--format", "json").stdout)
        names, rows = _xml_bindings(xml.stdout)
        assert names == data["head"]["vars"]
        assert rows == data["results"]["bindings"] and len(rows) > 3, query


def test_xml_results_of_ask(workdir):
    done = kg_query(workdir, QUERIES / "union_under_acftu.rq", "--format", "xml")
    assert done.returncode == 0, done.stderr
    root = ET.fromstring(done.stdout)
    assert root.find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


def test_xml_results_escape_markup_and_keep_carriage_returns():
    """Markup characters in IRIs and literals, a carriage return (which an XML parser would read
    as a line feed if written as it is), a typed literal and an unbound variable; a character
    XML 1.0 cannot carry is refused, naming the row and variable."""
    import pyoxigraph as ox

    from kg.store.sparql import QueryError, render

    store = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    store.add(ox.Quad(ox.NamedNode("http://example.org/a?b=1&c=2"), p,
                      ox.Literal('</literal> & "x" \'y\'\r\n]]> 工会', language="zh")))
    store.add(ox.Quad(ox.BlankNode("b1"), p, ox.Literal("2", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    out, _ = render(store.query("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o"), "xml")
    names, rows = _xml_bindings(out)
    assert names == ["s", "o", "unbound"]
    expected = json.loads(store.query("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?o").serialize(
        format=ox.QueryResultsFormat.JSON))["results"]["bindings"]
    assert rows == expected
    assert any(r["o"]["value"] == '</literal> & "x" \'y\'\r\n]]> 工会' for r in rows)
    store.add(ox.Quad(ox.NamedNode("http://example.org/c"), p, ox.Literal("bell\x07")))
    with pytest.raises(QueryError, match=r"row \d, \?o: the value holds U\+0007.*json, csv or tsv"):
        render(store.query("SELECT ?s ?o WHERE { ?s ?p ?o }"), "xml")


def test_query_text_from_standard_input(workdir):
    """``kg query -`` reads the query from standard input; its errors name standard input."""
    text = (QUERIES / "officials_posts.rq").read_text("utf-8")
    piped = subprocess.run([sys.executable, "-m", "kg", "query", "-", "--format", "csv"], cwd=workdir, input=text,
                           capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == kg_query(workdir, QUERIES / "officials_posts.rq", "--format", "csv").stdout
    assert "徐留平" in piped.stdout
    bad = subprocess.run([sys.executable, "-m", "kg", "query", "-"], cwd=workdir, input="SELECT ?x WHERE {",
                         capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert bad.returncode == 2 and bad.stderr.startswith("kg query: standard input: SPARQL syntax error")
    both = subprocess.run([sys.executable, "-m", "kg", "query", "-", "-e", "ASK {}"], cwd=workdir, input="ASK {}",
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert both.returncode == 2 and "not both" in both.stderr


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


def test_syntax_error_names_the_file(workdir, tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# broken\nSELECT ?x WHERE { ?x ?p }\n", encoding="utf-8")
    done = kg_query(workdir, bad)
    assert done.returncode == 2 and done.stdout == ""
    assert str(bad) in done.stderr and "syntax error" in done.stderr and "error at " in done.stderr


def test_syntax_error_in_expression(workdir):
    done = kg_query(workdir, "-e", "SELECT ?x WHERE { ?x ?p ")
    assert done.returncode == 2 and "syntax error" in done.stderr


def test_update_refused_without_flag(workdir):
    data = workdir / "exports" / "graph.nq"
    before = digest(data)
    for text in ('INSERT DATA { <urn:a> <urn:b> "c" }', "PREFIX x: <urn:x#> delete where { ?s ?p ?o }",
                 "LOAD <http://example.org/x.ttl>"):
        done = kg_query(workdir, "-e", text)
        assert done.returncode == 2, text
        assert "update" in done.stderr and "--update" in done.stderr, done.stderr
    assert digest(data) == before


def test_update_runs_in_memory_only(workdir):
    data = workdir / "exports" / "graph.nq"
    before = digest(data)
    done = kg_query(workdir, "-e", "DROP ALL", "--update")
    assert done.returncode == 0, done.stderr
    assert "applied in memory" in done.stdout and "0 after" in done.stdout
    assert digest(data) == before


def test_query_mentioning_update_words_is_not_an_update(workdir):
    done = kg_query(workdir, "-e", 'SELECT ?copy WHERE { BIND("DROP ALL; INSERT" AS ?copy) } # DELETE',
                    "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["copy", "DROP ALL; INSERT"]


def test_missing_data_file(workdir):
    done = kg_query(workdir, QUERIES / "places.rq", "--data", "no/such/graph.nq")
    assert done.returncode == 2 and "no/such/graph.nq" in done.stderr and "no such data file" in done.stderr


def test_missing_query_file(workdir):
    done = kg_query(workdir, "no_such.rq")
    assert done.returncode == 2 and "no_such.rq" in done.stderr


def test_a_ready_query_runs_by_name(workdir):
    """``kg query union_ancestors`` finds the query shipped in the package (an installed user has no
    queries/ folder); a file of that name in the working folder still comes first."""
    by_name = kg_query(workdir, "union_ancestors", "--bind", "union=北京市西城区总工会", "--format", "csv")
    by_file = kg_query(workdir, QUERIES / "union_ancestors.rq", "--bind", "union=北京市西城区总工会", "--format", "csv")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == by_file.stdout and "北京市总工会" in by_name.stdout
    assert kg_query(workdir, "union_ancestors.rq", "--bind", "union=北京市西城区总工会", "--format", "csv").stdout \
        == by_name.stdout
    done = kg_query(workdir, "no_such_query")
    assert done.returncode == 2 and "no_such_query" in done.stderr and "union_ancestors" in done.stderr


# ---------------------------------------------------------------------------
# Bindings
# ---------------------------------------------------------------------------


def test_bind_chinese_literal(workdir):
    done = kg_query(workdir, QUERIES / "post_evidence.rq", "--bind", "name=李公乐", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert rows and {r["name"] for r in rows} == {"李公乐"}
    assert ("主席", "河南省总工会") in {(r["title"], r["organisation"]) for r in rows}


def test_bind_iri_and_plain_literal(workdir):
    done = kg_query(workdir, "-e", "SELECT ?u ?label { ?u skos:prefLabel ?label }", "--bind", f"u=<{ACFTU_IRI}>",
                    "--format", "csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == [f"{ACFTU_IRI},中华全国总工会"]
    done = kg_query(workdir, "-e", "SELECT DISTINCT ?code ?label { ?p a ukg:Province ; skos:notation ?n ; "
                    "skos:prefLabel ?label FILTER(STR(?n) = ?code) }", "--bind", 'code="110000"', "--format", "csv")
    assert done.stdout.splitlines()[1:] == ["110000,北京市"]


@pytest.mark.parametrize("value", ['" } ; DROP ALL #', '") } UNION { ?s ?p ?o } #', "'> . } DELETE WHERE { ?s ?p ?o } #"])
def test_bind_is_not_injectable(workdir, value):
    data = workdir / "exports" / "graph.nq"
    before = digest(data)
    for query, var in (("entity_mentions.rq", "name"), ("article_mentions.rq", "headline")):
        done = kg_query(workdir, QUERIES / query, "--bind", f"{var}={value}", "--format", "json")
        assert done.returncode == 0, done.stderr
        data_json = json.loads(done.stdout)
        assert data_json["results"]["bindings"] == [], "the value must only ever be compared, never parsed"
    assert digest(data) == before


def test_bind_needs_a_selected_variable(workdir):
    done = kg_query(workdir, QUERIES / "places.rq", "--bind", "name=徐留平")
    assert done.returncode == 2 and "?name" in done.stderr and "--bind" in done.stderr


def test_bad_bind_syntax(workdir):
    done = kg_query(workdir, QUERIES / "places.rq", "--bind", "no-equals-sign")
    assert done.returncode == 2 and "VAR=VALUE" in done.stderr


@pytest.mark.parametrize("query", sorted(QUERIES.glob("*.rq")), ids=lambda p: p.name)
def test_the_build_store_answers_like_the_export_file(workdir, query):
    """``kg query`` reads ``exports/store`` when it exists; every ready query gives the same CSV
    there as on graph.nq loaded into memory (N-Triples for a CONSTRUCT)."""
    assert (workdir / "exports" / "store").is_dir()
    fmt = "nt" if "CONSTRUCT" in query.read_text("utf-8") else "csv"
    from_store = kg_query(workdir, query, "--format", fmt)
    from_file = kg_query(workdir, query, "--format", fmt, "--data", "exports/graph.nq")
    assert from_store.returncode == from_file.returncode == 0, from_store.stderr + from_file.stderr
    assert from_store.stdout == from_file.stdout
    assert len(from_store.stdout.splitlines()) >= 1


def test_a_broken_store_is_a_clear_error(tmp_path):
    (tmp_path / "exports" / "store").mkdir(parents=True)
    (tmp_path / "exports" / "store" / "CURRENT").write_text("garbage")
    done = kg_query(tmp_path, "-e", "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert done.returncode == 2 and "cannot open the store" in done.stderr and "Traceback" not in done.stderr


def _damage_in_place(store, min_size: int) -> int:
    """Overwrite 16 bytes in the middle of each SST file of at least ``min_size`` bytes, as a bad
    disk or a stray write would: same size, same names. Returns how many files were hit."""
    rng = random.Random(0)
    hit = 0
    for sst in sorted(store.glob("*.sst")):
        data = bytearray(sst.read_bytes())
        if len(data) < min_size:
            continue
        middle = len(data) // 2
        data[middle:middle + 16] = bytes(rng.randrange(256) for _ in range(16))
        sst.write_bytes(bytes(data))
        assert sst.stat().st_size == len(data)
        hit += 1
    return hit


# Runs a command under a limit of 2 GB of address space and writes its exit code and peak memory
# (of it and its children) to a file. A process of its own, small when it forks: a process's
# peak memory counts its parent's at the fork, and pytest's would hide the command's.
_LAUNCH = """
import json, os, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, (2 * 2 ** 30, 2 * 2 ** 30))
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
with open(sys.argv[1], "w") as f:
    json.dump([os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024], f)
"""


def _query_bounded(workdir, *args):
    """``kg query`` in a process of at most 2 GB of address space (so that this test can never
    take the machine's memory, whatever the code under test does): its exit code, output and
    the peak memory of it and its children in MB."""
    with open(workdir / "out.txt", "w+b") as out, open(workdir / "err.txt", "w+b") as err:
        subprocess.run([sys.executable, "-c", _LAUNCH, workdir / "ran.json", sys.executable, "-m", "kg", "query",
                        *map(str, args)], cwd=workdir, stdout=out, stderr=err, timeout=300, check=True)
        out.seek(0), err.seek(0)
        code, peak_mb = json.loads((workdir / "ran.json").read_text())
        return code, out.read().decode(), err.read().decode(), peak_mb


@pytest.mark.parametrize("query", ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ?o }"])
@pytest.mark.parametrize("damage", ["data blocks", "every file"])
def test_a_store_damaged_in_place_is_one_line_and_bounded_memory(tmp_path, query, damage):
    """SST files overwritten in the middle: an unreadable block (a traceback before), or a read that
    allocates without end (24 GB before, or a Rust abort with its backtrace under a limit). Now
    one line that says to rebuild, exit code 2, and the memory the --max-memory limit allows."""
    shutil.copytree(seed_export(), tmp_path / "exports")
    store = tmp_path / "exports" / "store"
    healthy = _query_bounded(tmp_path, "-e", query, "--max-memory", "256M", "--format", "csv")
    assert healthy[0] == 0 and len(healthy[1].splitlines()) > 1, healthy  # the limits leave a sound store be
    assert _damage_in_place(store, 10_000 if damage == "data blocks" else 0) >= 3
    code, out, err, peak_mb = _query_bounded(tmp_path, "-e", query, "--max-memory", "256M", "--format", "csv")
    assert code == 2 and out == "", (code, err)
    assert len(err.splitlines()) == 1 and err.startswith(f"kg query: {Path('exports') / 'store'}: "), err
    assert "is probably damaged" in err or "cannot open the store" in err, err
    assert "rebuild it with `kg build PAGES... --out exports`" in err, err
    assert "Traceback" not in err and "backtrace" not in err
    assert peak_mb < 400, peak_mb  # the 256 MB limit, and the interpreter around it (a sound store: ~50 MB)


def test_max_memory_takes_sizes_and_refuses_nonsense(workdir):
    done = kg_query(workdir, "-e", "ASK {}", "--max-memory", "lots")
    assert done.returncode == 2 and "--max-memory" in done.stderr and "not a size" in done.stderr
    from kg.store.sparql import memory_limit, parse_size
    assert parse_size("512M") == 512 * 2 ** 20 and parse_size("1.5G") == 3 * 2 ** 29 and parse_size("2000") == 2000
    assert memory_limit("0") is None and memory_limit(None) > 0


def test_ready_query_defaults_become_inline_values():
    import pyoxigraph as ox

    from kg.store.sparql import inline_bindings

    text = 'SELECT ?name WHERE { OPTIONAL { VALUES ?name { "王明"@zh } } ?e ?p ?name }'
    assert inline_bindings(text, None) == ('SELECT ?name WHERE { VALUES ?name { "王明"@zh } ?e ?p ?name }', {})
    hostile = ox.Literal('"} } ; DROP ALL #', language="zh")
    out, rest = inline_bindings(text, {ox.Variable("name"): hostile})
    assert rest == {} and out == 'SELECT ?name WHERE { VALUES ?name { "\\"} } ; DROP ALL #"@zh } ?e ?p ?name }'
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/e"), ox.NamedNode("http://x/p"), hostile))
    assert [row["name"] for row in store.query(out)] == [hostile]  # the value, matched as one literal
    other = {ox.Variable("other"): ox.Literal("x")}
    assert inline_bindings(text, other)[1] == other  # no default block: stays a substitution


def test_a_store_option_that_is_not_a_store_folder_is_named(workdir, tmp_path):
    """--store naming a file, or a folder that is not there, is an error, not an answer quietly
    taken from exports/graph.nq."""
    a_file = tmp_path / "store"
    a_file.write_text("not a store", encoding="utf-8")
    done = kg_query(workdir, "-e", "ASK {}", "--store", a_file)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"kg query: --store {a_file}: not a folder; a store is the folder `kg build` writes (exports/store)\n"
    done = kg_query(workdir, "-e", "ASK {}", "--store", tmp_path / "missing")
    assert done.returncode == 2 and f"--store {tmp_path / 'missing'}: no such folder" in done.stderr
    done = kg_query(workdir, "-e", "ASK { ?s ?p ?o }")  # the default store of the folder still answers
    assert done.returncode == 0 and done.stdout == "true\n", done.stderr


def test_plain_values_default_is_replaced_by_the_binding():
    """The shipped queries give defaults as plain ``VALUES ?var { term }`` (Virtuoso reads the older
    ``OPTIONAL { VALUES … }`` differently); ``--bind`` replaces that term, and a VALUES of several
    terms is never touched."""
    import pyoxigraph as ox

    from kg.store.sparql import inline_bindings

    text = 'SELECT ?name WHERE { VALUES ?name { "王明"@zh } VALUES ?c { <x:a> <x:b> } ?e ?c ?name }'
    assert inline_bindings(text, None)[0] == text
    out, rest = inline_bindings(text, {ox.Variable("name"): ox.Literal("李四", language="zh"),
                                       ox.Variable("c"): ox.NamedNode("x:z")})
    assert out == 'SELECT ?name WHERE { VALUES ?name { "李四"@zh } VALUES ?c { <x:a> <x:b> } ?e ?c ?name }'
    assert rest == {ox.Variable("c"): ox.NamedNode("x:z")}  # several terms: a substitution, as before


def test_shipped_queries_use_plain_values_defaults():
    for path in (Path(__file__).resolve().parent.parent / "kg" / "queries").glob("*.rq"):
        text = path.read_text("utf-8")
        assert "OPTIONAL { VALUES" not in text, f"{path.name}: use plain VALUES for a default"


def test_a_query_larger_than_the_memory_limit_on_a_sound_store_says_so(tmp_path):
    """A sound store and a query that needs more memory than --max-memory (every pair of triples
    of the seeds, sorted: some 13 million rows): one line that names the limit and --max-memory,
    not only the advice to rebuild a store that is sound. Under the limit a Rust allocation
    may fail, or RocksDB may fail to start a thread (a C++ std::system_error): both are the limit."""
    shutil.copytree(seed_export(), tmp_path / "exports")
    code, out, err, _ = _query_bounded(tmp_path, "-e", "SELECT * { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?f ?b ?e",
                                       "--max-memory", "150M", "--format", "csv")
    assert code == 2 and len(err.splitlines()) == 1, err
    assert "needed more than the memory limit of 150 MB (--max-memory)" in err, err
    assert "a higher --max-memory" in err and "Traceback" not in err


def test_data_from_standard_input(workdir):
    """``--data -`` loads N-Quads (or N-Triples) from standard input: the same rows as the file;
    standard input cannot hold the query and the data at once."""
    query = QUERIES / "officials_posts.rq"
    from_file = kg_query(workdir, query, "--format", "csv", "--data", "exports/graph.nq")
    for export in ("graph.nq", "graph.nt"):
        piped = subprocess.run([sys.executable, "-m", "kg", "query", str(query), "--format", "csv", "--data", "-"],
                               cwd=workdir, input=(workdir / "exports" / export).read_bytes(), capture_output=True,
                               timeout=120)
        assert piped.returncode == 0, piped.stderr.decode()
        assert piped.stdout.decode("utf-8").replace("\r\n", "\n") == from_file.stdout and "徐留平" in from_file.stdout
    both = subprocess.run([sys.executable, "-m", "kg", "query", "-", "--data", "-"], cwd=workdir, input=b"ASK {}",
                          capture_output=True, timeout=120)
    assert both.returncode == 2 and b"the query (-) or the data (--data -), not both" in both.stderr
    bad = subprocess.run([sys.executable, "-m", "kg", "query", "-e", "ASK {}", "--data", "-"], cwd=workdir,
                         input=b"@prefix x: <http://x/> .\n", capture_output=True, timeout=120)
    assert bad.returncode == 2 and b"standard input: cannot parse as N-Quads (or N-Triples)" in bad.stderr


def test_a_graph_result_holding_a_line_separator_stays_valid_turtle():
    """A literal may hold U+2028 or U+0085 as it is (ingest keeps them); the Turtle of a CONSTRUCT
    result must not be cut there (str.splitlines would)."""
    import pyoxigraph as ox

    from kg.store.sparql import graph_text

    text = "行\u2028分\u0085段"
    triple = ox.Triple(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal(text))
    for fmt in ("ttl", "table"):
        parsed = list(ox.parse(graph_text([triple], fmt).encode("utf-8"), format=ox.RdfFormat.TURTLE))
        assert [q.object.value for q in parsed] == [text], fmt
