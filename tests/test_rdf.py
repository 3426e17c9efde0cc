"""The RDF exports: every file re-parsed by two independent parsers, the model's invariants, determinism.

The seeds are built once per module by a real ``kg build`` into a temporary
folder (twice, with different ``PYTHONHASHSEED``), so the tests check what the
current code writes; ``test_committed_exports_are_current`` then checks that
the committed ``exports/`` are that output.
"""
from __future__ import annotations

import filecmp
import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from pyshacl import validate as shacl
from rdflib import RDF, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, SKOS

from conftest import run_kg
from kg import __version__
from kg.export.rdf import DEFAULT_BASE, FORMATS, ONTOLOGY, SHAPES

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
UKG = Namespace("https://w3id.org/unionkg/ontology#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed XSD warns when pytest inspects it
EXPORTS = ("ttl", "nt", "trig", "nq", "jsonld")
QUAD_FORMATS = ("trig", "nq")
RDFLIB_FORMAT = {"ttl": "turtle", "nt": "nt", "trig": "trig", "nq": "nquads", "jsonld": "json-ld", "xml": "xml"}
OX_FORMAT = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
             "nq": ox.RdfFormat.N_QUADS, "jsonld": ox.RdfFormat.JSON_LD, "xml": ox.RdfFormat.RDF_XML}
OTHER_BASE = "https://example.org/kg/"
BUILD_GRAPH = URIRef(DEFAULT_BASE + "graph/build")
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
# the only predicates whose objects are IRIs of other sites: a licence, a vocabulary, a media type
EXTERNAL_OBJECTS = {DCTERMS.license, VOID.vocabulary, DCAT.mediaType}
# rdflib 7.6 warns about its own use of ConjunctiveGraph/default_context when parsing TriG, N-Quads, JSON-LD
pytestmark = [pytest.mark.slow,  # the seeds built with kg build (a process) in several ways
              pytest.mark.filterwarnings("ignore:.*is deprecated, use:DeprecationWarning")]


def build(out: Path, *args, inputs=(str(SEEDS),), hashseed: str = "0") -> Path:
    env = {**os.environ, "PYTHONHASHSEED": hashseed}
    done = run_kg("build", *inputs, "--out", str(out), *args, env=env)
    assert done.returncode == 0, done.stderr
    return out


# ---------------------------------------------------------------------------
# Parsing: rdflib and pyoxigraph, terms compared as rdflib terms
# ---------------------------------------------------------------------------


def _plain(term):
    """RDF 1.1: a literal without datatype is an xsd:string; rdflib keeps the two apart, so fold them."""
    if isinstance(term, Literal) and term.datatype == XSD.string and not term.language:
        return Literal(str(term))
    return term


def _from_ox(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.DefaultGraph):
        return None
    raise TypeError(f"unexpected term {term!r}")


def rdflib_quads(path: Path, fmt: str) -> set[tuple]:
    """(s, p, o, graph IRI or None) as parsed by rdflib."""
    if fmt in QUAD_FORMATS:
        ds = Dataset()
        ds.parse(path, format=RDFLIB_FORMAT[fmt])
        default = ds.default_graph.identifier
        return {(s, p, _plain(o), None if g == default else g) for s, p, o, g in ds.quads((None, None, None, None))}
    g = Graph().parse(path, format=RDFLIB_FORMAT[fmt])
    return {(s, p, _plain(o), None) for s, p, o in g}


def ox_quads(path: Path, fmt: str) -> set[tuple]:
    """(s, p, o, graph IRI or None) as parsed by pyoxigraph."""
    return {tuple(_from_ox(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
            for q in ox.parse(path=str(path), format=OX_FORMAT[fmt])}


def union(quads: set[tuple]) -> Graph:
    g = Graph()
    for s, p, o, _ in quads:
        g.add((s, p, o))
    return g


def by_graph(quads: set[tuple]) -> dict:
    out = defaultdict(set)
    for s, p, o, g in quads:
        out[g].add((s, p, o))
    return dict(out)


# ---------------------------------------------------------------------------
# Fixtures: the seeds built by the current code
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("build1"), hashseed="1")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("build2"), hashseed="4242")


@pytest.fixture(scope="module")
def reference(built) -> set[tuple]:
    """The dataset: the quads of graph.nq as pyoxigraph reads them."""
    return ox_quads(built / "graph.nq", "nq")


@pytest.fixture(scope="module")
def store(built) -> ox.Store:
    st = ox.Store()
    st.load(path=str(built / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    return st


def select(store: ox.Store, query: str, union_graph: bool = True) -> list[dict]:
    prefixes = ("PREFIX ukg: <https://w3id.org/unionkg/ontology#> PREFIX org: <http://www.w3.org/ns/org#> "
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX prov: <http://www.w3.org/ns/prov#> "
                "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX schema: <https://schema.org/> ")
    results = store.query(prefixes + query, use_default_graph_as_union=union_graph)
    names = [v.value for v in results.variables]
    return [{n: (None if s[n] is None else _from_ox(s[n])) for n in names} for s in results]


# ---------------------------------------------------------------------------
# Every export, two parsers, the same triples
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORTS)
def test_export_reads_the_same_in_rdflib_and_pyoxigraph(built, reference, fmt):
    path = built / f"graph.{fmt}"
    with_rdflib, with_ox = rdflib_quads(path, fmt), ox_quads(path, fmt)
    assert len(with_ox) > 1000
    assert isomorphic(union(with_rdflib), union(with_ox))
    assert isomorphic(union(with_ox), union(reference)), f"graph.{fmt} is not the dataset's union graph"
    if fmt in QUAD_FORMATS:
        assert by_graph(with_rdflib) == by_graph(with_ox)
        assert by_graph(with_ox) == by_graph(reference), f"graph.{fmt} has other named graphs than graph.nq"
    else:
        assert {g for *_, g in with_rdflib | with_ox} == {None}


@pytest.mark.parametrize("fmt", EXPORTS)
def test_no_blank_nodes(built, fmt):
    path = built / f"graph.{fmt}"
    for quads in (rdflib_quads(path, fmt), ox_quads(path, fmt)):
        blank = [q for q in quads if any(isinstance(t, BNode) for t in q)]
        assert not blank, f"graph.{fmt}: {len(blank)} quads with a blank node, e.g. {blank[0]}"


# ---------------------------------------------------------------------------
# IRIs
# ---------------------------------------------------------------------------

_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def _vocabulary() -> set[URIRef]:
    onto = Graph().parse(ONTOLOGY, format="turtle")
    return {s for s in onto.subjects() if isinstance(s, URIRef)} | {RDF.type}


def _check_iris(quads: set[tuple], base: str) -> None:
    vocabulary = _vocabulary()
    for s, p, o, g in quads:
        for term in (s, p, o, g, getattr(o, "datatype", None)):
            if isinstance(term, URIRef):
                assert term.isascii() and _IRI.fullmatch(term), f"not an ASCII IRI: {term!r}"
        # everything the graph describes, and every graph, is minted under the base
        assert s.startswith(base), f"subject outside {base}: {s}"
        assert g is None or g.startswith(base), f"graph outside {base}: {g}"
        assert p in vocabulary, f"predicate not declared in ontology.ttl: {p}"
        if isinstance(o, URIRef) and not o.startswith(base) and p not in EXTERNAL_OBJECTS:
            assert p in (RDF.type, RDF.predicate) and o in vocabulary, f"object outside {base}: {s} {p} {o}"
        if isinstance(o, Literal) and o.datatype is not None:
            assert o.datatype in vocabulary or str(o.datatype).startswith(str(XSD)), o.datatype


@pytest.mark.parametrize("fmt", EXPORTS)
def test_every_iri_is_ascii_and_under_the_base(built, fmt):
    _check_iris(ox_quads(built / f"graph.{fmt}", fmt), DEFAULT_BASE)


@pytest.fixture(scope="module")
def other_base(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("other-base"), "--base", OTHER_BASE)


def test_base_option_moves_every_iri(other_base):
    moved = ox_quads(other_base / "graph.nq", "nq")
    _check_iris(moved, OTHER_BASE)
    assert not any(str(t).startswith(DEFAULT_BASE) for q in moved for t in q if t is not None)
    for fmt in EXPORTS:
        text = (other_base / f"graph.{fmt}").read_text("utf-8")
        assert DEFAULT_BASE not in text, f"graph.{fmt} still has the default base"


def test_base_option_changes_only_the_base(other_base, reference):
    """The same dataset with the base swapped: local names (ids, digests) do not depend on the base."""
    def rebase(t):
        if isinstance(t, URIRef) and t.startswith(DEFAULT_BASE):
            return URIRef(OTHER_BASE + t[len(DEFAULT_BASE):])
        if t == Literal(DEFAULT_BASE):  # the dataset's void:uriSpace
            return Literal(OTHER_BASE)
        return t

    moved = ox_quads(other_base / "graph.nq", "nq")
    expected = {tuple(rebase(t) for t in q) for q in reference}
    extra, missing = sorted(moved - expected), sorted(expected - moved)
    assert not extra and not missing, (f"{len(extra)} quads differ beyond the base, e.g. {extra[:1]}"
                                       f" instead of {missing[:1]}")


BAD_BASES = ["not a url", "https://例子.org/kg/", "https://example.org/kg/é/", "ftp://example.org/kg/",
             "https://example.org/a b/", "https://example.org/kg", ""]


@pytest.mark.parametrize("base", BAD_BASES)
def test_invalid_base_is_refused(capsys, tmp_path, base):
    from kg.cli.commands import main

    out = tmp_path / "out"
    code = main(["build", str(SEEDS), "--out", str(out), "--base", base])
    err = capsys.readouterr().err
    assert code != 0
    assert "--base" in err and repr(base) in err
    assert not out.exists() or not any(out.iterdir()), "an invalid base must write nothing"


def test_invalid_base_is_refused_by_the_command(tmp_path):
    done = run_kg("build", str(SEEDS), "--out", str(tmp_path / "out"), "--base", "not a url")
    assert done.returncode != 0 and "--base" in done.stderr and "Traceback" not in done.stderr


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


def test_every_pref_and_alt_label_is_chinese(reference):
    labels = [(s, p, o) for s, p, o, _ in reference if p in (SKOS.prefLabel, SKOS.altLabel)]
    assert len([1 for _, p, _ in labels if p == SKOS.prefLabel]) > 50
    wrong = [(s, p, o) for s, p, o in labels if not isinstance(o, Literal) or o.language != "zh"]
    assert not wrong, wrong[:5]


def test_provinces_carry_their_division_code(store):
    rows = select(store, "SELECT ?p (COUNT(DISTINCT ?code) AS ?n) (SAMPLE(?code) AS ?c) "
                         "WHERE { ?p a ukg:Province . OPTIONAL { ?p skos:notation ?code } } GROUP BY ?p")
    assert len(rows) >= 5
    for row in rows:
        assert int(row["n"]) == 1, f"{row['p']} has {row['n']} notations"
        code = row["c"]
        assert code.datatype == UKG.DivisionCode and re.fullmatch(r"[1-9][0-9]0000", str(code)), code
        assert str(row["p"]).endswith(f"/province/{code}")


def test_each_page_has_its_own_named_graph(reference):
    graphs = by_graph(reference)
    pages = {s for s, p, o, _ in reference if p == RDF.type and o == UKG.Page}
    assert len(pages) == 2
    page_graph = {}
    for page in pages:
        holding = [g for g, triples in graphs.items() if (page, RDF.type, UKG.Page) in triples]
        assert len(holding) == 1 and holding[0] is not None, f"{page} is described in {holding}"
        page_graph[page] = holding[0]
        assert (holding[0], PROV.wasDerivedFrom, page) in graphs[BUILD_GRAPH]
    assert len(set(page_graph.values())) == len(pages), "two pages share a named graph"
    for page, g in page_graph.items():
        articles = {s for s, p, o in graphs[g] if p == RDF.type and o == UKG.Article}
        assert articles, f"no article in {g}"
        assert all((a, DCTERMS.isPartOf, page) in graphs[g] for a in articles)
        for other, og in page_graph.items():
            if other != page:
                assert not any(s in articles for s, _, _ in graphs[og]), f"{g}'s articles leak into {og}"
    # no default graph: the build's provenance and the dataset description are in graph/build (a store
    # whose default graph is the union of the named graphs shows it), the rest is page graphs and general knowledge
    assert set(graphs) == {BUILD_GRAPH, *page_graph.values(), URIRef(DEFAULT_BASE + "graph/knowledge")}


def test_the_build_is_a_prov_activity_that_used_the_pages(reference):
    default = by_graph(reference)[BUILD_GRAPH]
    builds = [s for s, p, o in default if p == RDF.type and o == PROV.Activity]
    assert len(builds) == 1
    build_iri = builds[0]
    assert [o for s, p, o in default if s == build_iri and p == UKG.toolVersion] == [Literal(__version__)]
    used = {o for s, p, o in default if s == build_iri and p == PROV.used}
    described = {s: {p: o for s2, p, o, _ in reference if s2 == s} for s in used}
    files = {}
    for page, props in described.items():
        assert props[RDF.type] == UKG.Page
        files[str(props[DCTERMS.identifier])] = str(props[UKG.sha256])
    assert files == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SEEDS.glob("*.txt")}
    for s, p, o in default:
        if p == PROV.wasGeneratedBy:
            assert o == build_iri


def _description(quads) -> tuple[URIRef, dict]:
    """The one void:Dataset of a build and its properties (predicate -> set of objects)."""
    described = by_graph(quads)[BUILD_GRAPH]
    datasets = {s for s, p, o in described if p == RDF.type and o == VOID.Dataset}
    assert len(datasets) == 1, datasets
    dataset = datasets.pop()
    props = defaultdict(set)
    for s, p, o in described:
        if s == dataset:
            props[p].add(o)
    return dataset, props


def test_the_dataset_describes_itself(reference):
    """VoID and DCAT in graph/build: licence (CC BY 4.0 unless --license), rights of the quoted
    text, the build that made it, the pages it was read from, vocabularies, IRI space, files."""
    dataset, props = _description(reference)
    assert props[RDF.type] == {VOID.Dataset, DCAT.Dataset}
    assert props[DCTERMS.license] == {URIRef("https://creativecommons.org/licenses/by/4.0/")}
    assert len(props[DCTERMS.rights]) == 1 and "publishers" in str(next(iter(props[DCTERMS.rights])))
    assert {t.language for t in props[DCTERMS.title]} == {"zh", "en"}
    builds = {s for s, p, o, _ in reference if p == RDF.type and o == PROV.Activity}
    assert props[PROV.wasGeneratedBy] == builds
    pages = {s for s, p, o, _ in reference if p == RDF.type and o == UKG.Page}
    assert props[PROV.hadPrimarySource] == pages and len(pages) == 2
    assert DCTERMS.source not in props  # the seeds are files: no URL
    # the seeds have no date and the build ran without SOURCE_DATE_EPOCH: no time, never the clock's
    assert DCTERMS.modified not in props or "SOURCE_DATE_EPOCH" in os.environ
    assert props[VOID.uriSpace] == {Literal(DEFAULT_BASE)}
    assert URIRef("http://www.w3.org/ns/org#") in props[VOID.vocabulary]
    files = {str(o) for s, p, o, _ in reference if p == DCTERMS.title and s in props[DCAT.distribution]}
    assert files == {f"graph.{fmt}" for fmt in EXPORTS}


def test_the_data_alone_has_the_reused_vocabularies_classes(reference):
    """Without ontology.ttl, ORG and schema.org consumers find the entities: each has the classes
    its ukg: class is under (union bodies are org:Organization, officials schema:Person, ...)."""
    types = defaultdict(set)
    for s, p, o, _ in reference:
        if p == RDF.type:
            types[s].add(o)
    sdo = Namespace("https://schema.org/")
    expected = {UKG.UnionBody: {ORG.FormalOrganization, ORG.Organization},
                UKG.Organization: {ORG.FormalOrganization, ORG.Organization},
                UKG.Official: {sdo.Person}, UKG.Person: {sdo.Person},
                UKG.Province: {sdo.AdministrativeArea, sdo.Place}, UKG.City: {sdo.AdministrativeArea, sdo.Place}}
    for cls, above in expected.items():
        having = [s for s, ts in types.items() if cls in ts]
        assert having, cls
        for s in having:
            assert above <= types[s], f"{s} is a {cls} but not {above - types[s]}"
            assert len([t for t in types[s] if str(t).startswith(str(UKG))]) == 1  # still one ukg: class


ARCHIVE = [{"id": "a1", "url": "https://example.org/news/1", "date": "2024-03-02", "title": "四川省总工会召开会议",
            "text": "四川省总工会召开全委会议。四川省委副书记、省长黄明出席会议。"},
           {"id": "a2", "url": "https://example.org/news/2", "date": "2024-05-17", "title": "湖北省总工会送温暖",
            "text": "湖北省总工会开展送温暖活动。"}]


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("archive") / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ARCHIVE), "utf-8")
    return path


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    return {**env, **extra}


def test_time_is_the_latest_page_date_and_sources_are_the_urls(tmp_path, archive):
    done = run_kg("build", str(archive), "--out", str(tmp_path / "out"), "--quiet", env=_env())
    assert done.returncode == 0, done.stderr
    _, props = _description(ox_quads(tmp_path / "out" / "graph.nq", "nq"))
    assert props[DCTERMS.modified] == {Literal("2024-05-17", datatype=XSD.date)}
    assert {str(u) for u in props[DCTERMS.source]} == {r["url"] for r in ARCHIVE}


def test_source_date_epoch_and_license_are_stated_and_builds_stay_identical(tmp_path, archive):
    outs = []
    for name in ("one", "two"):
        out = tmp_path / name
        done = run_kg("build", str(archive), "--out", str(out), "--quiet", "--license",
                      "https://spdx.org/licenses/CC0-1.0", env=_env(SOURCE_DATE_EPOCH="1700000000"))
        assert done.returncode == 0, done.stderr
        outs.append(out)
    _, props = _description(ox_quads(outs[0] / "graph.nq", "nq"))
    assert props[DCTERMS.modified] == {Literal("2023-11-14T22:13:20Z", datatype=XSD.dateTime)}
    assert props[DCTERMS.license] == {URIRef("https://spdx.org/licenses/CC0-1.0")}
    for fmt in EXPORTS:
        assert (outs[0] / f"graph.{fmt}").read_bytes() == (outs[1] / f"graph.{fmt}").read_bytes(), fmt


@pytest.mark.parametrize("args, env, said", [
    (["--license", "CC-BY-4.0"], {}, "--license"),
    (["--license", "https://example.org/a licence"], {}, "--license"),
    ([], {"SOURCE_DATE_EPOCH": "yesterday"}, "SOURCE_DATE_EPOCH"),
    ([], {"SOURCE_DATE_EPOCH": "-5"}, "SOURCE_DATE_EPOCH")])
def test_a_bad_license_or_source_date_epoch_is_refused_before_anything_is_written(tmp_path, archive, args, env, said):
    out = tmp_path / "out"
    done = run_kg("build", str(archive), "--out", str(out), "--quiet", *args, env=_env(**env))
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not out.exists() or not any(out.iterdir())


# ---------------------------------------------------------------------------
# Provenance: offsets point at the entity's text in the original file
# ---------------------------------------------------------------------------

_DROP = re.compile(r"[\s\"'“”‘’「」『』《》〈〉]")


def _normal(text: str) -> str:
    """NFKC (full-width and ASCII forms meet), without whitespace (layout breaks) or quotation marks.

    The programs extractor also drops the 等 of an enumeration right after a quoted name
    (printed “五小”等群众性创新创造活动, named 五小群众性创新创造活动): that one 等 is dropped too.
    """
    text = re.sub(r"(?<=[”\"』」])等", "", unicodedata.normalize("NFKC", text))
    return _DROP.sub("", text)


_HEAD = re.compile(r"(?P<place>.+?)(?:副)?(?:主席|[省市区县州旗]?长)")


def _implied_government(printed: str, labels: list[str]) -> bool:
    """自治区主席 or 省长 printed names the government it heads (the officials extractor's rule):
    the mention spans place and title, the entity is that place's 人民政府."""
    m = _HEAD.fullmatch(_normal(printed))
    return bool(m) and any(label.endswith("人民政府") and m["place"] in label for label in labels)


def _page_texts() -> dict[str, str]:
    out = {}
    for path in SEEDS.glob("*.txt"):
        text = path.read_bytes().decode("utf-8")
        out[path.name] = text[1:] if text.startswith("\ufeff") else text
    return out


def test_every_mention_points_at_its_entity_in_the_original_file(store):
    texts = _page_texts()
    rows = select(store, """
        SELECT ?m ?e ?b ?end ?file (GROUP_CONCAT(DISTINCT ?label; separator="\\u0001") AS ?labels) WHERE {
          ?m a ukg:Mention ; ukg:mentionOf ?e ; ukg:beginIndex ?b ; ukg:endIndex ?end ;
             prov:wasDerivedFrom/dcterms:isPartOf/dcterms:identifier ?file .
          ?e skos:prefLabel|skos:altLabel ?label .
        } GROUP BY ?m ?e ?b ?end ?file""")
    assert len(rows) > 100
    wrong = []
    for row in rows:
        text = texts[str(row["file"])]
        b, e = int(row["b"]), int(row["end"])
        assert 0 <= b < e <= len(text), (row["m"], b, e)
        printed = text[b:e]
        labels = str(row["labels"]).split("\u0001")
        if _normal(printed) not in {_normal(label) for label in labels} and not _implied_government(printed, labels):
            wrong.append((str(row["e"]), printed, labels))
    assert not wrong, f"{len(wrong)} of {len(rows)} mentions do not point at their entity: {wrong[:10]}"


def test_every_mention_with_a_sentence_has_offsets_and_every_offset_is_in_the_file(store):
    texts = _page_texts()
    missing = select(store, "SELECT ?m WHERE { ?m a ukg:Mention ; ukg:inSentence ?s "
                            "FILTER NOT EXISTS { ?m ukg:beginIndex ?b ; ukg:endIndex ?e } }")
    assert not missing
    rows = select(store, "SELECT ?x ?b ?e ?file WHERE { ?x ukg:beginIndex ?b ; ukg:endIndex ?e ; "
                         "prov:wasDerivedFrom/dcterms:isPartOf/dcterms:identifier ?file }")
    assert any(str(r["x"]).startswith(DEFAULT_BASE + "evidence/") for r in rows)
    for r in rows:
        assert 0 <= int(r["b"]) < int(r["e"]) <= len(texts[str(r["file"])]), r


# ---------------------------------------------------------------------------
# SHACL
# ---------------------------------------------------------------------------


def _shacl(graph: Graph) -> tuple[bool, Graph]:
    conforms, results, _ = shacl(graph, shacl_graph=Graph().parse(SHAPES, format="turtle"),
                                 ont_graph=Graph().parse(ONTOLOGY, format="turtle"), inference="none",
                                 allow_warnings=True)
    return conforms, results


SH = Namespace("http://www.w3.org/ns/shacl#")


def _violations(results: Graph) -> set[tuple]:
    return {(results.value(r, SH.focusNode), results.value(r, SH.resultPath))
            for r in results.subjects(RDF.type, SH.ValidationResult)}


def test_export_conforms_to_the_shapes(reference):
    conforms, results = _shacl(union(reference))
    assert conforms, _violations(results)


def test_an_official_without_post_breaks_the_shapes(reference):
    g = union(reference)
    ghost = URIRef(DEFAULT_BASE + "official/test-ghost")
    g.add((ghost, RDF.type, UKG.Official))
    g.add((ghost, SKOS.prefLabel, Literal("测试", lang="zh")))
    conforms, results = _shacl(g)
    assert not conforms
    assert _violations(results) == {(ghost, ORG.holds)}


def test_a_post_in_two_organisations_breaks_the_shapes(reference):
    g = union(reference)
    post = sorted(g.subjects(RDF.type, ORG.Post))[0]
    other = next(o for o in sorted(g.subjects(RDF.type, UKG.UnionBody)) if (post, ORG.postIn, o) not in g)
    g.add((post, ORG.postIn, other))
    conforms, results = _shacl(g)
    assert not conforms
    assert _violations(results) == {(post, ORG.postIn)}


# ---------------------------------------------------------------------------
# Determinism
# ---------------------------------------------------------------------------


def _files(folder: Path) -> list[str]:
    """Every export file; not the store, a database whose files differ while its content does not
    (``test_store_holds_the_export`` checks the content), nor the build's lock file."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).parts[0] != "store" and p.name != ".kg-build.lock")


def test_store_holds_the_export(built, reference):
    """The build's on-disk store: the named graphs of graph.nq, and their union (with the
    default graph's triples) as a set in the default graph."""
    from kg.store.database import open_store

    store = open_store(built / "store")
    got = {tuple(_from_ox(t) for t in (q.subject, q.predicate, q.object, q.graph_name)) for q in store}
    named = {q for q in got if q[3] is not None}
    default = {q[:3] for q in got if q[3] is None}
    assert named == {q for q in reference if q[3] is not None}
    assert default == {q[:3] for q in reference} == {q[:3] for q in ox_quads(built / "graph.nt", "nt")}


def test_rebuild_with_another_hash_seed_is_byte_identical(built, rebuilt):
    assert _files(built) == _files(rebuilt)
    assert {f"graph.{fmt}" for fmt in EXPORTS} <= set(_files(built))
    for rel in _files(built):
        assert filecmp.cmp(built / rel, rebuilt / rel, shallow=False), f"{rel} differs between two builds"


def test_committed_exports_are_current(built):
    """exports/ is what `kg build seeds/` writes now (rebuild it after changing the model)."""
    committed = ROOT / "exports"
    stale = [f"graph.{fmt}" for fmt in EXPORTS
             if not filecmp.cmp(committed / f"graph.{fmt}", built / f"graph.{fmt}", shallow=False)]
    assert not stale, f"{stale} differ from a fresh build: run `kg build seeds/`"


# ---------------------------------------------------------------------------
# Identity: two officials with one name
# ---------------------------------------------------------------------------


def test_same_name_at_different_organisations_gets_two_iris(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "wang.txt").write_text(
        "## 江苏工会座谈\n\n本报讯(记者赵磊)江苏省总工会主席王军出席座谈会。\n\n"
        "## 安徽人大调研\n\n本报讯(记者钱进)安徽省人大常委会副主任王军到企业调研。\n", "utf-8")
    out = build(tmp_path / "out", inputs=(str(pages),))
    st = ox.Store()
    st.load(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS)
    rows = select(st, 'SELECT DISTINCT ?o ?org WHERE { ?o a ukg:Official ; skos:prefLabel "王军"@zh ; '
                      'org:holds/org:postIn/skos:prefLabel ?org }')
    assert sorted(str(r["org"]) for r in rows) == ["安徽省人民代表大会常务委员会", "江苏省总工会"]
    assert len({r["o"] for r in rows}) == 2, "two people named 王军 share one IRI"


# ---------------------------------------------------------------------------
# kg export: every format round-trips
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_kg_export_round_trips(built, reference, tmp_path, fmt):
    from kg.cli.commands import main

    out = tmp_path / f"out.{fmt}"
    assert main(["export", "--format", fmt, "--input", str(built / "graph.nq"), "-o", str(out)]) == 0
    for quads in (ox_quads(out, fmt), rdflib_quads(out, fmt)):
        assert isomorphic(union(quads), union(reference)), f"kg export --format {fmt} changed the triples"
        if fmt in QUAD_FORMATS:
            assert by_graph(quads) == by_graph(reference)
    back = tmp_path / f"back.{fmt}.nq"
    assert main(["export", "--format", "nq", "--input", str(out), "-o", str(back)]) == 0
    expected = reference if fmt in QUAD_FORMATS else {(s, p, o, None) for s, p, o, _ in reference}
    assert ox_quads(back, "nq") == expected


def test_kg_export_xml_as_a_command(built, reference, tmp_path):
    out = tmp_path / "graph.rdf"
    done = run_kg("export", "--format", "xml", "--input", str(built / "graph.nq"), "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert isomorphic(union(ox_quads(out, "xml")), union(reference))
    assert isomorphic(union(rdflib_quads(out, "xml")), union(reference))


# ---------------------------------------------------------------------------
# Awkward text: every writer escapes what it must and keeps the rest
# ---------------------------------------------------------------------------

# the same page as in test_stores.py (there validated by Jena)
AWKWARD_PAGE = ("## 江苏工会“暖心”行动 \"引号\" 反斜杠\\n 与\t制表符\u2028段落分隔😀\n\n"
                "本报讯(记者赵磊)江苏省总工会主席王军说：\"工会要\\服务职工\"，<b>&amp;</b> {x} \u0085下一行\x1e。\n\n"
                "安徽省人大常委会副主任王军到企业调研\u00a0，启动“12351”热线。\r\n")


@pytest.fixture(scope="module")
def awkward(tmp_path_factory) -> Path:
    pages = tmp_path_factory.mktemp("awkward-pages")
    (pages / "awkward.txt").write_bytes(AWKWARD_PAGE.encode("utf-8"))
    return build(tmp_path_factory.mktemp("awkward"), inputs=(str(pages),))


@pytest.mark.parametrize("fmt", EXPORTS)
def test_awkward_text_reads_back_the_same_from_every_export(awkward, fmt):
    reference = ox_quads(awkward / "graph.nq", "nq")
    values = {str(o) for _, p, o, _ in reference if p == RDF.value}
    assert any('"引号"' in v and "\\n" in v and "😀" in v for v in values), values
    assert any("\\服务职工" in v for v in values), values
    path = awkward / f"graph.{fmt}"
    with_rdflib, with_ox = rdflib_quads(path, fmt), ox_quads(path, fmt)
    assert isomorphic(union(with_rdflib), union(reference)), f"rdflib reads graph.{fmt} differently"
    assert isomorphic(union(with_ox), union(reference)), f"pyoxigraph reads graph.{fmt} differently"
    if fmt in QUAD_FORMATS:
        assert by_graph(with_ox) == by_graph(reference) == by_graph(with_rdflib)


# ---------------------------------------------------------------------------
# Every format carries every literal the others do; RDF/XML refuses what XML 1.0 cannot carry
# ---------------------------------------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
TRICKY = st.sampled_from(["\r", "\r\n", "\n", "\t", "\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ufffe",
                          "\uffff", "\ufdd0", "😀", '"', "'", "<", ">", "&", "\\", "]]>", " ", "\u3000", "工会"])
LITERAL_TEXT = st.lists(st.one_of(TRICKY, st.text(max_size=6)), max_size=12).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=LITERAL_TEXT, kind=st.sampled_from(["plain", "zh", "typed"]))
def test_every_format_reads_back_every_literal_or_refuses_it_in_xml(text, kind):
    """A literal written in each format and read back by Oxigraph (and the RDF/XML by rdflib,
    whose XML parser is strict) is the same literal; only RDF/XML may refuse, and only for a
    character XML 1.0 cannot carry (a carriage return it must keep: it used to become \\n)."""
    from kg.export.rdf import RdfData, XmlError, serialize

    literal = {"plain": ox.Literal(text), "zh": ox.Literal(text, language="zh"),
               "typed": ox.Literal(text, datatype=ox.NamedNode("https://w3id.org/unionkg/ontology#Code"))}[kind]
    data = RdfData([("", "<https://w3id.org/unionkg/id/s>", "<https://w3id.org/unionkg/ontology#p>", str(literal))])
    for fmt in sorted(FORMATS):
        if fmt == "xml" and NOT_XML.search(text):
            with pytest.raises(XmlError, match=r"U\+[0-9A-F]{4}, which XML 1.0 cannot carry"):
                serialize(data, fmt)
            continue
        written = serialize(data, fmt).encode("utf-8")
        assert [q.object for q in ox.parse(input=written, format=OX_FORMAT[fmt])] == [literal], fmt
        if fmt == "xml":
            [(_, _, back)] = list(Graph().parse(data=written, format="xml"))
            assert str(back) == text


def test_kg_export_xml_keeps_a_carriage_return_and_refuses_a_control_character(tmp_path, capsys):
    """Through the commands: a page's file name with a carriage return keeps it in RDF/XML; one
    with U+0001 (which graph.nq writes as \\u0001) cannot be RDF/XML, and says so."""
    from kg.cli.commands import main

    pages = tmp_path / "pages"
    pages.mkdir()
    text = "## 湖北省总工会开展送温暖活动\n\n湖北省总工会党组书记、常务副主席张建国带队开展送温暖活动。\n"
    (pages / "a\rb.txt").write_text(text, encoding="utf-8")
    assert main(["build", str(pages / "a\rb.txt"), "--out", str(tmp_path / "cr"), "--jobs", "1", "--quiet"]) == 0
    out = tmp_path / "cr.rdf"
    assert main(["export", "--format", "xml", "--input", str(tmp_path / "cr" / "graph.nq"), "-o", str(out)]) == 0
    identifiers = {str(o) for o in Graph().parse(out, format="xml").objects(None, DCTERMS.identifier)}
    assert identifiers == {"a\rb.txt"}
    (pages / "c\x01d.txt").write_text(text, encoding="utf-8")
    assert main(["build", str(pages / "c\x01d.txt"), "--out", str(tmp_path / "c1"), "--jobs", "1", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["export", "--format", "xml", "--input", str(tmp_path / "c1" / "graph.nq"),
                 "-o", str(tmp_path / "c1.rdf")]) == 2
    assert "the literal holds U+0001, which XML 1.0 cannot carry" in capsys.readouterr().err
    assert not (tmp_path / "c1.rdf").exists()
