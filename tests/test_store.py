"""The build's on-disk store: a rebuild of the same folder applies the difference to the
previous store, and the store it leaves is the one a build from nothing would make."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.store import shacl
from kg.pipeline.run import ShapeViolation, build
from kg.export.rdf import SHAPES, RdfData, write_exports
from kg.store.database import STAMP, StoreRdf, _changed_lines, _graph_of, _quad_key, _triple_key, _Unsorted, open_store

pytestmark = pytest.mark.slow  # on-disk stores of builds

ORIGINAL_CHECKS = shacl.checks
PAGES = {
    "a.txt": "## 四川省总工会召开全委会议\n\n本报讯 四川省总工会主席王小明在成都市出席会议，部署“送温暖”活动。\n",
    "b.txt": "## 河南省总工会开通12351热线\n\n本报讯 河南省总工会副主席李华说，12351热线为职工服务。\n",
    "c.txt": "## 北京市总工会建设工会驿站\n\n本报讯 北京市总工会在西城区建设工会驿站，服务户外劳动者。\n",
}


def quads(store_dir: Path) -> set[tuple[str, str, str, str]]:
    store = open_store(store_dir)
    return {(str(q.subject), str(q.predicate), str(q.object), str(q.graph_name)) for q in store}


def fresh(pages: dict[str, str], root: Path) -> set:
    """The store of a build from nothing of these pages."""
    folder = root / f"fresh-{len(list(root.glob('fresh-*')))}"
    write_pages(folder / "pages", pages)
    build([folder / "pages"], folder / "exports")
    return quads(folder / "exports" / "store")


def write_pages(folder: Path, pages: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        if old.name not in pages:
            old.unlink()
    for name, text in pages.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("update", [True, False], ids=["--update", "plain rebuild"])
def test_rebuild_changes_the_previous_store_into_a_fresh_builds(tmp_path, update):
    inputs, out = tmp_path / "pages", tmp_path / "exports"
    steps = [("first build", {"a.txt": PAGES["a.txt"], "b.txt": PAGES["b.txt"]}),
             ("add a page", PAGES),
             ("change a page", {**PAGES, "b.txt": PAGES["b.txt"].replace("李华", "张伟")}),
             ("remove a page", {"a.txt": PAGES["a.txt"], "c.txt": PAGES["c.txt"]}),
             ("nothing changed", {"a.txt": PAGES["a.txt"], "c.txt": PAGES["c.txt"]})]
    for step, pages in steps:
        write_pages(inputs, pages)
        summary = build([inputs], out, update=update)
        if step == "first build":
            assert summary.store_changed is None  # nothing to start from: loaded whole
            assert summary.shapes_checked is None  # every node checked
        else:
            assert summary.store_changed is not None, step
            assert (summary.store_changed == (0, 0)) == (step == "nothing changed"), step
            assert (summary.shapes_checked == 0) == (step == "nothing changed"), step
        assert quads(out / "store") == fresh(pages, tmp_path), step


def test_a_store_that_does_not_hold_the_files_is_loaded_whole(tmp_path):
    inputs, out = tmp_path / "pages", tmp_path / "exports"
    write_pages(inputs, {"a.txt": PAGES["a.txt"]})
    build([inputs], out)
    assert (out / "store" / STAMP).is_file()
    # graph.nq no longer the file the store was loaded from (a copy put back, an edit): its
    # difference to the new file says nothing about the store
    nq = out / "graph.nq"
    nq.write_bytes(nq.read_bytes())
    write_pages(inputs, PAGES)
    summary = build([inputs], out)
    assert summary.store_changed is None
    assert quads(out / "store") == fresh(PAGES, tmp_path)
    (out / "store" / STAMP).unlink()  # a store made before stamps
    summary = build([inputs], out)
    assert summary.store_changed is None and quads(out / "store") == fresh(PAGES, tmp_path)


def test_graph_of_a_line():
    g = b"<https://w3id.org/unionkg/id/graph/page/a>"
    assert _graph_of(b"<s> <p> <o> " + g + b" .\n") == g
    assert _graph_of(b"<s> <p> <o> .\n") is None  # the object, in the default graph
    assert _graph_of(b'<s> <p> "x <y> z"@zh ' + g + b" .\n") == g
    assert _graph_of(b'<s> <p> "x <y> z"@zh .\n') is None
    assert _graph_of(b'<s> <p> "a <b> c"^^<http://www.w3.org/2001/XMLSchema#string> .\n') is None
    assert _graph_of(b'<s> <p> "a <b>"^^<http://www.w3.org/2001/XMLSchema#string> ' + g + b" .\n") == g
    assert _graph_of(b'<s> <p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n') is None


def test_changed_lines_of_two_sorted_files(tmp_path):
    old, new = tmp_path / "old.nq", tmp_path / "new.nq"
    old.write_bytes(b"<b> <p> <o> .\n<a> <p> <o> <g1> .\n<b> <p> <o> <g1> .\n<a> <p> <o> <g2> .\n")
    new.write_bytes(b"<a> <p> <o> .\n<b> <p> <o> .\n<a> <p> <o> <g1> .\n<c> <p> <o> <g1> .\n<a> <p> <o> <g3> .\n")
    assert sorted(line[:2] for line in _changed_lines(old, new, _quad_key)) == [
        (b"<a> <p> <o> .\n", True),  # the default graph comes first, whatever the subject
        (b"<a> <p> <o> <g2> .\n", False), (b"<a> <p> <o> <g3> .\n", True),
        (b"<b> <p> <o> <g1> .\n", False), (b"<c> <p> <o> <g1> .\n", True)]
    assert list(_changed_lines(old, old, _quad_key)) == []


def test_a_file_out_of_order_is_refused(tmp_path):
    old, new = tmp_path / "old.nt", tmp_path / "new.nt"
    old.write_bytes(b"<a> <p> <o> .\n<c> <p> <o> .\n")
    new.write_bytes(b"<a> <p> <o> .\n<d> <p> <o> .\n<b> <p> <o> .\n")
    with pytest.raises(_Unsorted):
        list(_changed_lines(old, new, _triple_key))
    new.write_bytes(b"<a> <p> <o> <g2> .\n<a> <p> <o> <g1> .\n")
    with pytest.raises(_Unsorted):
        list(_changed_lines(old, new, _quad_key))


def test_a_damaged_previous_store_is_replaced_by_a_full_load(tmp_path):
    inputs, out = tmp_path / "pages", tmp_path / "exports"
    write_pages(inputs, {"a.txt": PAGES["a.txt"]})
    build([inputs], out)
    sst = sorted((out / "store").glob("*.sst"))
    assert sst
    sst[0].unlink()  # RocksDB refuses to open it (a RuntimeError, not an OSError)
    write_pages(inputs, PAGES)
    summary = build([inputs], out)
    assert summary.store_changed is None
    assert quads(out / "store") == fresh(PAGES, tmp_path)


def test_removed_lines_add_up_until_a_full_load(tmp_path, monkeypatch):
    """Oxigraph keeps the strings of removed quads: a store patched too often is loaded whole."""
    import json

    from kg.store import database as store_module

    inputs, out = tmp_path / "pages", tmp_path / "exports"
    write_pages(inputs, PAGES)
    build([inputs], out)
    stamp = lambda: json.loads((out / "store" / STAMP).read_text(encoding="utf-8"))
    assert stamp()["removed_bytes"] == 0
    write_pages(inputs, {"a.txt": PAGES["a.txt"], "b.txt": PAGES["b.txt"]})
    assert build([inputs], out).store_changed is not None
    removed = stamp()["removed_bytes"]
    assert removed > 0
    write_pages(inputs, {"a.txt": PAGES["a.txt"]})
    assert build([inputs], out).store_changed is not None
    assert stamp()["removed_bytes"] > removed  # added up
    monkeypatch.setattr(store_module, "MAX_REMOVED_SHARE", 0.0)
    monkeypatch.setattr(store_module, "MAX_REMOVED_BYTES", removed)  # passed by the next removal
    write_pages(inputs, {"a.txt": PAGES["a.txt"], "c.txt": PAGES["c.txt"]})
    summary = build([inputs], out)
    assert summary.store_changed is None and stamp()["removed_bytes"] == 0
    assert quads(out / "store") == fresh({"a.txt": PAGES["a.txt"], "c.txt": PAGES["c.txt"]}, tmp_path)


NO_DISTRICTS = """
ukgsh:NoDistricts a sh:NodeShape ; sh:targetClass ukg:District ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ; sh:message "no district allowed" ] .
"""


def test_a_reused_store_is_checked_where_it_changed(tmp_path, monkeypatch):
    """Shapes no page breaks until a page naming a district comes: the reused store checks
    only the changed nodes, and finds it; the store that passed is kept."""
    strict = tmp_path / "strict.ttl"
    strict.write_text(SHAPES.read_text("utf-8") + NO_DISTRICTS, encoding="utf-8")
    monkeypatch.setattr(shacl, "checks", lambda: ORIGINAL_CHECKS(strict))
    inputs, out = tmp_path / "pages", tmp_path / "exports"
    write_pages(inputs, {"a.txt": PAGES["a.txt"], "b.txt": PAGES["b.txt"]})
    build([inputs], out)
    passed = quads(out / "store")
    write_pages(inputs, PAGES)  # c.txt names 西城区
    with pytest.raises(ShapeViolation, match="no district allowed") as raised:
        build([inputs], out)
    assert "1 SHACL violation:" in str(raised.value) and "city/110102" in str(raised.value)
    assert quads(out / "store") == passed
    write_pages(inputs, {"a.txt": PAGES["a.txt"]})
    summary = build([inputs], out)  # the kept store, checked where b.txt was removed
    assert summary.shapes_checked and summary.store_changed


def test_changed_shapes_check_the_whole_store(tmp_path, monkeypatch):
    inputs, out = tmp_path / "pages", tmp_path / "exports"
    write_pages(inputs, {"a.txt": PAGES["a.txt"]})
    build([inputs], out)
    looser = tmp_path / "looser.ttl"
    looser.write_text(SHAPES.read_text("utf-8").replace("sh:maxCount 1", "sh:maxCount 2", 1), encoding="utf-8")
    monkeypatch.setattr(shacl, "checks", lambda: ORIGINAL_CHECKS(looser))
    write_pages(inputs, PAGES)
    summary = build([inputs], out)
    assert summary.store_changed is not None and summary.shapes_checked is None
    summary = build([inputs], out)  # now the store passed these shapes
    assert summary.shapes_checked == 0


# ---------------------------------------------------------------------------
# The RDF read back from a store (StoreRdf): `kg export` without the files
# ---------------------------------------------------------------------------

# Terms whose text is a prefix of another's, in every position: a literal of the same one with a
# language or a datatype, an IRI of a longer one. (No blank nodes: a build mints none, and a store
# would give them labels of its own.)
TRICKY = [
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p>", '"abc"'),
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p>", '"abc"@zh'),
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p>", '"abc"@zh-cn'),
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p>", '"abc"^^<http://www.w3.org/2001/XMLSchema#token>'),
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p>", '"ab"'),
    ("<http://ex/g1>", "<http://ex/a/b>", "<http://ex/p>", "<http://ex/a>"),
    ("<http://ex/g1>", "<http://ex/a>", "<http://ex/p/q>", "<http://ex/a/b>"),
    ("<http://ex/g1>", "<http://ex/b1>", "<http://ex/p>", "<http://ex/b12>"),
    ("<http://ex/g1>", "<http://ex/b12>", "<http://ex/p>", '"一\\n二"'),
    ("<http://ex/g2>", "<http://ex/a>", "<http://ex/p>", '"abc"'),  # the same triple in another graph
    ("<http://ex/g2>", "<http://ex/ä>", "<http://ex/p>", '"\U0001F600"'),
    ("<http://ex/g10>", "<http://ex/a>", "<http://ex/p>", '"x"'),
    # characters str.splitlines would cut a line at, written as they are inside a literal (U+001C escaped,
    # as N-Triples writes a control character)
    ("<http://ex/g10>", "<http://ex/b>", "<http://ex/p>", '"行\u2028分\u2029段\u0085换\\u001C页"'),
]


def _store_of(rows: list[tuple[str, str, str, str]], folder: Path):
    """An on-disk store holding ``rows`` in their named graphs and, as kg.store.database loads it, their
    union as a set in the default graph."""
    import pyoxigraph as ox

    text = "".join(f"{s} {p} {o} {g} .\n" for g, s, p, o in rows)
    store = ox.Store(str(folder))
    store.load(text.encode(), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    store.flush()
    del store
    return open_store(folder)


@pytest.mark.parametrize("run_lines", [StoreRdf.SORT_RUN_LINES, 2], ids=["one run", "runs of two lines, merged"])
def test_a_store_gives_back_the_lines_rdfdata_sorts(tmp_path, monkeypatch, run_lines):
    """Sorting N-Triples lines sorts them term by term, whatever term's text is a prefix of another's:
    the store's lines are RdfData's, graph by graph and for the union."""
    monkeypatch.setattr(StoreRdf, "SORT_RUN_LINES", run_lines)
    expected = RdfData(TRICKY)
    got = StoreRdf(_store_of(TRICKY, tmp_path / "store"), tmp_path)
    assert list(got.nquad_lines()) == list(expected.nquad_lines())
    assert list(got.ntriple_lines()) == list(expected.ntriple_lines())
    assert [p.name for p in tmp_path.iterdir()] == ["store"]  # the sorted runs are gone


def test_every_format_from_a_builds_store_is_the_file_the_build_wrote(tmp_path):
    write_pages(tmp_path / "pages", PAGES)
    build([tmp_path / "pages"], tmp_path / "exports")
    rdf = StoreRdf(open_store(tmp_path / "exports" / "store"), tmp_path)
    for fmt in ("nq", "nt", "ttl", "trig", "jsonld"):
        write_exports(rdf, {fmt: tmp_path / f"again.{fmt}"})
        assert (tmp_path / f"again.{fmt}").read_bytes() == (tmp_path / "exports" / f"graph.{fmt}").read_bytes(), fmt


def test_a_build_writes_the_whole_graph_files_asked_for_and_removes_the_others(tmp_path):
    """--export: the facts, merges.tsv and the store always; the whole-graph files asked for; a file of the
    previous build not asked for again is gone with it, never left older than the store."""
    write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "exports"
    build([tmp_path / "pages"], out)
    assert {p.name for p in out.glob("graph.*")} == {f"graph.{f}" for f in ("ttl", "nt", "trig", "nq", "jsonld", "json", "html")}
    full = (out / "graph.nq").read_bytes()
    build([tmp_path / "pages"], out, export={"ttl", "json"})
    assert {p.name for p in out.glob("graph.*")} == {"graph.ttl", "graph.json"}
    build([tmp_path / "pages"], out, export=set())
    assert not list(out.glob("graph.*")) and not list(out.glob(".*.tmp"))
    assert {p.name for p in out.iterdir()} >= {"facts", "store", "merges.tsv", "manifest.json"}
    write_exports(StoreRdf(open_store(out / "store"), tmp_path), {"nq": tmp_path / "from-store.nq"})
    assert (tmp_path / "from-store.nq").read_bytes() == full
    with pytest.raises(ValueError, match="'xml'"):
        build([tmp_path / "pages"], out, export={"xml"})


def test_a_users_file_named_like_a_whole_graph_file_is_refused_not_overwritten(tmp_path):
    """After a build without graph.ttl, a graph.ttl in the folder is the user's: a build asked for it stops
    before reading a page, names it, and leaves everything as it was."""
    from kg.pipeline.outdir import OutputError

    write_pages(tmp_path / "pages", PAGES)
    out = tmp_path / "exports"
    build([tmp_path / "pages"], out, export=set())
    (out / "graph.ttl").write_text("my own notes\n", encoding="utf-8")
    before = sorted(p.name for p in out.iterdir())
    with pytest.raises(OutputError, match="graph.ttl: a file this build would write"):
        build([tmp_path / "pages"], out, export={"ttl"})
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "my own notes\n"
    assert sorted(p.name for p in out.iterdir()) == before
    build([tmp_path / "pages"], out, export={"nq"})  # a file not asked for is kept, as any file of the user's
    assert (out / "graph.ttl").read_text(encoding="utf-8") == "my own notes\n" and (out / "graph.nq").is_file()
