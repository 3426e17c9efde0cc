"""The SPARQL translation of shapes.ttl finds exactly what pySHACL finds.

The committed seed export conforms under both; a copy broken in every way the
shapes can catch gives the same (focus node, path, constraint) results from
both validators.
"""
from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as pyshacl_validate
from rdflib import Graph
from rdflib.namespace import SH

from kg.store import shacl
from kg.export.rdf import ONTOLOGY, SHAPES

ROOT = Path(__file__).resolve().parent.parent
NQ = ROOT / "exports" / "graph.nq"
UKG = "https://w3id.org/unionkg/ontology#"
ORIGINAL_CHECKS = shacl.checks
COMPONENT = {"minCount": "MinCount", "maxCount": "MaxCount", "class": "Class", "datatype": "Datatype",
             "languageIn": "LanguageIn", "pattern": "Pattern"}


def union_store(lines: list[str]) -> ox.Store:
    store = ox.Store()
    store.load("".join(lines).encode(), format=ox.RdfFormat.N_QUADS)
    store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return store


def ours(lines: list[str]) -> set[tuple]:
    return {(v.focus[1:-1], v.check.path[1:-1], COMPONENT[v.check.constraint.split()[0][3:]])
            for v in shacl.violations(union_store(lines))}


def theirs(lines: list[str]) -> set[tuple]:
    data = Graph()
    for q in ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_QUADS):
        data.parse(data=f"{q.subject} {q.predicate} {q.object} .\n", format="nt")
    conforms, results, _ = pyshacl_validate(data, shacl_graph=Graph().parse(SHAPES), ont_graph=Graph().parse(ONTOLOGY),
                                            inference="none", allow_warnings=True)
    out = set()
    for r in results.subjects(SH.focusNode, None):
        component = str(results.value(r, SH.sourceConstraintComponent)).split("#")[1]
        out.add((str(results.value(r, SH.focusNode)), str(results.value(r, SH.resultPath)),
                 component.removesuffix("ConstraintComponent")))
    return out


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    return NQ.read_text("utf-8").splitlines(keepends=True)


def test_every_constraint_of_the_shapes_becomes_a_query():
    found = shacl.checks()
    assert len(found) > 80
    assert {c.constraint.split()[0] for c in found} == {f"sh:{n}" for n in COMPONENT}
    holds = [c for c in found if c.shape.endswith("#Official>") and c.path.endswith("#holds>")]
    assert sorted(c.constraint.split()[0] for c in holds) == ["sh:class", "sh:minCount"]


@pytest.mark.slow
def test_seed_export_conforms_under_both(seed_lines):
    assert ours(seed_lines) == set() == theirs(seed_lines)


@pytest.mark.slow
def test_the_data_alone_conforms_under_pyshacl():
    """graph.ttl as a consumer loads it, without ontology.ttl and without inference: every entity
    carries the ORG and schema.org classes its class is under, so sh:class org:FormalOrganization
    holds on the data itself (before that was so, pySHACL and Jena reported 36 violations)."""
    data = Graph().parse(NQ.with_name("graph.ttl"), format="turtle")
    conforms, results, text = pyshacl_validate(data, shacl_graph=Graph().parse(SHAPES), inference="none")
    assert conforms, text[:3000]


@pytest.mark.slow
def test_broken_export_gives_the_same_violations_as_pyshacl(seed_lines):
    lines = list(seed_lines)
    holds = next(i for i, line in enumerate(lines) if line.split(" ")[1] == "<http://www.w3.org/ns/org#holds>")
    official = lines[holds].split(" ")[0]
    lines = [line for line in lines if not (line.startswith(official + " <http://www.w3.org/ns/org#holds>"))]
    graph = " <https://w3id.org/unionkg/id/graph/broken> .\n"
    article = next(line.split(" ")[0] for line in lines if f"<{UKG}Article>" in line)
    page = next(line.split(" ")[0] for line in lines if f"<{UKG}Page>" in line)
    province = next(line.split(" ")[0] for line in lines if f"<{UKG}Province>" in line)
    program = next(line.split(" ")[0] for line in lines if f"<{UKG}Program>" in line)
    lines += [
        f'{province} <http://www.w3.org/2004/02/skos/core#prefLabel> "second name"@en' + graph,  # max 1, zh only
        f'{article} <{UKG}articleIndex> "7"' + graph,  # a string, not an integer
        f'{page} <{UKG}sha256> "not a digest"' + graph,  # pattern and maxCount
        f"{program} <{UKG}operatedBy> {province}" + graph,  # a province is no organisation
    ]
    found = ours(lines)
    assert found == theirs(lines)
    components = {c for _, _, c in found}
    assert components == {"MinCount", "MaxCount", "LanguageIn", "Datatype", "Pattern", "Class"}
    assert (official[1:-1], "http://www.w3.org/ns/org#holds", "MinCount") in found


def test_an_unsupported_shape_is_refused(tmp_path):
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.read_text("utf-8") + """
ukgsh:Odd a sh:NodeShape ; sh:targetClass ukg:Policy ;
    sh:property [ sh:path ukg:x ; sh:minLength 3 ] .
""", encoding="utf-8")
    with pytest.raises(shacl.ShapesError, match="minLength"):
        shacl.checks(shapes)


def test_report_names_shape_constraint_and_nodes(seed_lines):
    lines = [line for line in seed_lines if line.split(" ")[1] != "<http://www.w3.org/ns/org#holds>"]
    text = shacl.report(shacl.violations(union_store(lines)))
    assert "an official holds at least one post" in text and "sh:minCount" in text
    assert text.startswith("13 SHACL violations:")  # the seeds' 13 officials


@pytest.mark.slow
def test_a_violating_build_exits_3_and_writes_nothing(tmp_path, monkeypatch, capsys):
    from kg.cli.commands import main

    strict = tmp_path / "strict.ttl"
    strict.write_text(SHAPES.read_text("utf-8") + """
ukgsh:NoProvinces a sh:NodeShape ; sh:targetClass ukg:Province ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ; sh:message "no province allowed" ] .
""", encoding="utf-8")
    monkeypatch.setattr(shacl, "checks", lambda: ORIGINAL_CHECKS(strict))
    out = tmp_path / "out"
    assert main(["build", str(ROOT / "seeds"), "--out", str(out), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "violates kg/knowledge/shapes.ttl" in err and "no province allowed" in err and "province/110000" in err
    assert not list(out.glob("graph.*")) and not (out / "store").exists() and not list(out.glob(".*"))


def _union_triples(lines: list[str]) -> set[tuple[str, str, str]]:
    return {(str(q.subject), str(q.predicate), str(q.object))
            for q in ox.parse("".join(lines).encode(), format=ox.RdfFormat.N_QUADS)}


def _store_of(triples: set[tuple[str, str, str]]) -> ox.Store:
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in sorted(triples)).encode(), format=ox.RdfFormat.N_TRIPLES)
    return store


def _found(found) -> set[tuple]:
    return {(v.check.shape, v.check.path, v.check.constraint, v.focus) for v in found}


@pytest.mark.slow
def test_checking_the_changed_nodes_finds_what_a_full_check_finds(seed_lines):
    """A store that passed the checks, changed in ways that break a shape at the changed node
    itself or at a node that only points to it: the nodes ``changed_nodes`` names have exactly
    the violations of a check of the whole store."""
    before = _union_triples(seed_lines)
    rdf_type, org, ukg = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", "http://www.w3.org/ns/org#", UKG
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"

    def typed(cls: str) -> list[str]:
        return sorted(s for s, p, o in before if p == rdf_type and o == f"<{cls}>")

    official, post, union = typed(UKG + "Official")[0], typed(org + "Post")[0], typed(UKG + "UnionBody")[0]
    province = next(o for s, p, o in sorted(before) if s == union and p == "<https://schema.org/location>")
    article = typed(UKG + "Article")[0]
    mention = "<https://w3id.org/unionkg/id/mention/new>"
    changes = {
        "an official loses its posts": (
            {t for t in before if t[0] == official and t[1] == f"<{org}holds>"}, set()),
        "a post held by an official is no longer a post": ({(post, rdf_type, f"<{org}Post>")}, set()),
        "a union's province becomes a city": (
            {(province, rdf_type, f"<{ukg}Province>")}, {(province, rdf_type, f"<{ukg}City>")}),
        "a union gets a second name": (set(), {(union, label, '"另一个名字"@zh')}),
        "an article its sentences are part of is gone": ({t for t in before if t[0] == article}, set()),
        "a new mention of nothing, at a text offset": (set(), {
            (mention, rdf_type, f"<{ukg}Mention>"), (mention, f"<{ukg}beginIndex>", '"7"')}),
    }
    for change, (removed, added) in changes.items():
        after = (before - removed) | added
        store = _store_of(after)
        changed = removed ^ added
        subjects = {s for s, _, _ in changed}
        retyped = {s for s, p, _ in changed if p == rdf_type}
        nodes = shacl.changed_nodes(store, subjects, retyped)
        everywhere = _found(shacl.violations(store))
        assert everywhere, change
        assert _found(shacl.violations(store, only=nodes)) == everywhere, change
    assert not shacl.violations(_store_of(before))  # the store before every change passed


def test_the_digest_names_the_checks(tmp_path, monkeypatch):
    before = shacl.digest()
    assert before == shacl.digest() and len(before) == 64
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(SHAPES.read_text("utf-8").replace("sh:maxCount 1", "sh:maxCount 2", 1), encoding="utf-8")
    monkeypatch.setattr(shacl, "checks", lambda: ORIGINAL_CHECKS(shapes))
    assert shacl.digest() != before


def _seed_store(folder: Path) -> Path:
    """A store as `kg build` leaves it: the seeds' named graphs, and their union in the default graph."""
    store = ox.Store(str(folder))
    store.bulk_load(path=str(NQ), format=ox.RdfFormat.N_QUADS)
    store.bulk_load(path=str(ROOT / "exports" / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    return folder


def test_kg_check_checks_the_whole_store_on_demand(tmp_path, monkeypatch, capsys):
    """`kg check` runs every shape over the whole store (a build checks only what it changed): 0 when it
    conforms, 3 and the report when it does not, 2 without a store."""
    from kg.cli.commands import main

    folder = _seed_store(tmp_path / "store")
    assert main(["check", "--store", str(folder)]) == 0
    assert "conforms to kg/knowledge/shapes.ttl" in capsys.readouterr().out
    strict = tmp_path / "strict.ttl"
    strict.write_text(SHAPES.read_text("utf-8") + """
ukgsh:NoProvinces a sh:NodeShape ; sh:targetClass ukg:Province ;
    sh:property [ sh:path skos:prefLabel ; sh:maxCount 0 ; sh:message "no province allowed" ] .
""", encoding="utf-8")
    monkeypatch.setattr(shacl, "checks", lambda: ORIGINAL_CHECKS(strict))
    assert main(["check", "--store", str(folder)]) == 3
    err = capsys.readouterr().err
    assert "violates kg/knowledge/shapes.ttl" in err and "no province allowed" in err and "province/110000" in err
    assert main(["check", "--store", str(tmp_path / "nowhere")]) == 2
    assert "no store there" in capsys.readouterr().err


def test_a_node_with_many_values_is_checked_on_the_values_a_change_added(monkeypatch):
    """The build's prov:used has a value per page (each must be a ukg:Page): an update's check reads the
    values it added and those whose type changed, not every page, and still finds what a full check finds."""
    monkeypatch.setattr(shacl, "MANY_VALUES", 2)
    ukg, prov = "https://w3id.org/unionkg/ontology#", "http://www.w3.org/ns/prov#"
    rdf_type = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
    build = "<https://example.org/build>"
    pages = [f"<https://example.org/page/{n}>" for n in range(4)]
    lines = [f"{build} {rdf_type} <{prov}Activity> .", f'{build} <{ukg}toolVersion> "1" .']
    lines += [f"{build} <{prov}used> {p} ." for p in pages] + [f"{p} {rdf_type} <{ukg}Page> ." for p in pages]
    lines += [f'{p} <http://purl.org/dc/terms/identifier> "{n}" .' for n, p in enumerate(pages)]
    lines += [f'{p} <{ukg}sha256> "{"0" * 64}" .' for p in pages]
    lines = [line[:-1] + "<https://example.org/g> .\n" for line in lines]  # (quads of one named graph)
    assert shacl.violations(union_store(lines)) == []
    stranger = "<https://example.org/zz-not-a-page>"  # (after the pages: not among the values kept for counting)
    added = f"{build} <{prov}used> {stranger} <https://example.org/g> .\n"
    store = union_store(lines + [added])
    nodes = shacl.changed_nodes(store, {build}, set())
    found = shacl.violations(store, only=nodes, added={(build, f"<{prov}used>", stranger)})
    assert [(v.check.constraint, v.value) for v in found] == [(f"sh:class <{ukg}Page>", stranger)]
    assert [(v.check.constraint, v.value) for v in shacl.violations(store)] == [(f"sh:class <{ukg}Page>", stranger)]
    # a page that is no longer a page (its type changed): the build points to it, and it is looked at
    store = union_store([line for line in lines if not line.startswith(f"{pages[2]} {rdf_type}")])
    nodes = shacl.changed_nodes(store, {pages[2]}, {pages[2]})
    found = shacl.violations(store, only=nodes, added=set())
    assert (f"sh:class <{ukg}Page>", pages[2]) in {(v.check.constraint, v.value) for v in found}
