"""The resolution state (kg/pipeline/state.py): an update gives what resolving every page gives."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from kg import api
from kg.extract import extract_article
from kg.pipeline.state import ResolutionState, StateError, page_position
from kg.resolve.entities import resolve, resolve_page

# invented pages, each reproducing a pattern whose resolution reads across pages
_TEXTS = {
    "a.txt": "四川省成都市的明远机械有限公司工会开展“金秋助学”活动。四川省总工会主席王明远出席。",
    "b.txt": "明远机械有限公司工会开展“金秋助学”活动。王明远主席讲话。",
    "c.txt": "国务院办公厅印发《关于加强职工服务的实施意见》。",
    "d.txt": "人力资源社会保障部印发《关于加强职工服务的实施意见》。四川省总工会党组书记、主席王明远强调。",
    "e.txt": "明远集团总工会法律工作部开展“送法进企业”活动。江苏省总工会主席王明远出席。",
    "f.txt": "四川省明远集团总工会开展活动。本报讯 (记者 陈明远)会议召开。",
    "g.txt": "(记者陈明远)\n\n全国人民代表大会常务委员会召开会议，常委会副委员长李明远主持。",
    "h.txt": "中华全国总工会主席李明远讲话。全国总工会书记处书记王明远出席。",
}


def _page(name: str, text: str | None = None):
    return api.read_text(f"## 测试\n\n{text or _TEXTS[name]}\n", name)


def _knowledge(page):
    return resolve_page(page, [extract_article(a) for a in page.articles])


def _full(pages):
    ordered = sorted(pages, key=lambda p: page_position(p.source, None))
    return resolve([(p, [extract_article(a) for a in p.articles]) for p in ordered])


def _entry(page):
    return page_position(page.source, None), page.sha256, _knowledge(page)


def _same(state: ResolutionState, pages) -> None:
    got, want = state.knowledge_base(), _full(pages)
    assert got.pages == want.pages
    assert sorted(got.entities) == sorted(want.entities)
    for eid, e in want.entities.items():
        assert got.entities[eid] == e, eid
    assert got.relations == want.relations
    assert got.merges == want.merges


def _state():
    return ResolutionState(None, key=b"k" * 32)


def test_a_state_built_in_one_step_is_the_full_resolution():
    pages = [_page(n) for n in _TEXTS]
    state = _state()
    state.apply(_entry(p) for p in pages)
    _same(state, pages)


@pytest.mark.parametrize("seed", range(4))
def test_pages_added_one_at_a_time_in_any_order_give_the_full_resolution(seed):
    pages = [_page(n) for n in _TEXTS]
    random.Random(seed).shuffle(pages)
    state = _state()
    for i, p in enumerate(pages):
        state.apply([_entry(p)])
        _same(state, pages[:i + 1])


def test_a_changed_page_and_a_removed_page_give_the_full_resolution_of_what_remains():
    pages = {n: _page(n) for n in _TEXTS}
    state = _state()
    state.apply(_entry(p) for p in pages.values())
    pages["a.txt"] = _page("a.txt", "明远机械有限公司工会开展“金秋助学”活动。江苏省总工会主席王明远出席。")
    changes = state.apply([_entry(pages["a.txt"])], removed=["d.txt"])
    del pages["d.txt"]
    _same(state, pages.values())
    assert {"a.txt", "d.txt"} <= changes.pages
    for name in list(pages):  # and every page removed in turn, down to none
        state.apply([], removed=[name])
        del pages[name]
        if pages:
            _same(state, pages.values())
    assert state.knowledge_base().entities == {}


def test_an_update_reports_the_pages_whose_outputs_change():
    pages = [_page(n) for n in ("a.txt", "c.txt")]
    state = _state()
    state.apply(_entry(p) for p in pages)
    changes = state.apply([_entry(_page("b.txt"))])
    assert "b.txt" in changes.pages and "c.txt" not in changes.pages


def test_a_row_written_with_another_key_is_refused():
    state = _state()
    state.apply([_entry(_page("c.txt"))])
    other = ResolutionState.__new__(ResolutionState)
    other.db, other.key = state.db, b"x" * 32
    with pytest.raises(StateError, match="not written by this user's builds"):
        other.knowledge_base()


def test_a_full_builds_state_updates_as_one_made_page_by_page():
    """A full build keeps its resolution as it makes it (StateKeeper); updates of that state equal the
    full resolution of the pages after them."""
    from kg.pipeline.state import StateKeeper

    pages = {n: _page(n) for n in _TEXTS}
    first = [pages[n] for n in ("a.txt", "c.txt", "d.txt", "e.txt", "h.txt")]
    state = _state()
    ordered = sorted(first, key=lambda p: page_position(p.source, None))
    kb = resolve([(p, [extract_article(a) for a in p.articles]) for p in ordered], StateKeeper(state))
    assert state.knowledge_base() == kb
    state.apply(_entry(pages[n]) for n in ("b.txt", "f.txt", "g.txt"))
    _same(state, pages.values())
    changed = _page("h.txt", "全国总工会书记处书记王明远出席。")
    state.apply([_entry(changed)], removed=["c.txt"])
    pages["h.txt"] = changed
    del pages["c.txt"]
    _same(state, pages.values())


def test_a_pages_facts_and_graph_from_its_part_of_the_state_are_those_of_the_whole():
    """knowledge_for(page) holds what the page's facts and named graph are made from: both equal those
    made from the whole knowledge base, for every page, after updates."""
    from kg.export.facts import page_facts
    from kg.export.rdf import to_dataset

    pages = {n: _page(n) for n in _TEXTS}
    state = _state()
    state.apply(_entry(p) for n, p in pages.items() if n != "b.txt")
    state.apply([_entry(pages["b.txt"])])
    whole = state.knowledge_base()
    quads = to_dataset(whole).quads
    for source in pages:
        part = state.knowledge_for([source])
        assert part.pages == [source]
        assert page_facts(part, source) == page_facts(whole, source), source
        page_iri = next(s for g, s, p, o in quads if o == f'"{source}"' and p.endswith("identifier>"))
        graph = next(g for g, s, p, o in quads if s == page_iri and g.endswith(page_iri[page_iri.index("page/"):]))
        mine = [q for q in to_dataset(part).quads if q[0] == graph]
        assert mine == [q for q in quads if q[0] == graph], source


def test_pages_an_update_does_not_report_keep_their_facts_and_graphs():
    """Changes.pages is every page whose facts or named graph change: the others' are the same before and
    after (a page naming 四川省总工会 once more leaves the other pages naming it alone)."""
    from kg.export.facts import page_facts
    from kg.export.rdf import to_dataset

    def outputs(state, source):
        part = state.knowledge_for([source])
        page = next(e for e in part.entities.values() if e.kind == "page" and e.attrs.source == source)
        graph = [q for q in to_dataset(part).quads if q[0].endswith(f"graph/{page.id}>")]
        assert graph
        return page_facts(part, source), graph

    pages = {n: _page(n) for n in _TEXTS}
    state = _state()
    state.apply(_entry(p) for n, p in pages.items() if n not in ("b.txt", "h.txt"))
    reached = set()
    for update in ([_entry(pages["b.txt"])], [_entry(pages["h.txt"])],
                   [_entry(_page("zz.txt", "四川省总工会召开会议。"))],
                   [_entry(_page("zy.txt", "全总召开会议。"))],  # an alias every page naming the body shows
                   [_entry(_page("0.txt", "国家发展改革委印发《关于加强职工服务的实施意见》。"))]):  # a first issuer
        before = {s: outputs(state, s) for s in state.pages()}
        changes = state.apply(update)
        added = {k.source for _, _, k in update}
        for source, was in before.items():
            if source not in changes.pages:
                assert outputs(state, source) == was, source
            elif outputs(state, source) != was:
                reached.add(source)
        assert len(changes.pages) < len(state.pages())
    assert {"h.txt", "c.txt", "d.txt"} <= reached  # the alias reached h.txt, the earlier issuer c.txt and d.txt


ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "xinwenlianbo" / "xwlb_2025.jsonl"


@pytest.mark.slow
@pytest.mark.skipif(not ARCHIVE.exists(), reason="needs ../shared/benchmarks (real news records)")
def test_real_records_updated_in_any_order_equal_resolving_them(tmp_path):
    """300 real records (read from ../shared, never copied): a kept full build of half, the rest added in
    batches and one at a time, twenty taken out; the state's knowledge base equals resolve() of the
    pages then present, and the facts and named graphs of thirty pages from knowledge_for equal the
    whole's."""
    from kg.export.facts import facts_by_page, page_facts
    from kg.export.rdf import to_dataset
    from kg.pipeline.run import PageNames, Summary, _pages_only, extract_pages, iter_pages
    from kg.pipeline.state import StateKeeper

    rng = random.Random(17)
    summary, names = Summary(), PageNames()
    pages = [names.assign(p, summary) for p in _pages_only(iter_pages([ARCHIVE]), summary)]
    extracted = sorted(extract_pages(rng.sample(pages, 300), jobs=1),
                       key=lambda pf: page_position(pf[0].meta["input"], pf[0].meta.get("line")))
    entry = {p.source: (page_position(p.meta["input"], p.meta.get("line")), p.sha256, resolve_page(p, f))
             for p, f in extracted}
    order = list(entry)
    rng.shuffle(order)
    first = set(order[:150])
    state = ResolutionState(tmp_path / "state.sqlite", key=b"k" * 32)
    resolve([pf for pf in extracted if pf[0].source in first], StateKeeper(state))
    state.apply(entry[s] for s in order[150:280])
    for s in order[280:]:
        state.apply([entry[s]])
    gone = set(rng.sample(order, 20))
    state.apply([], removed=sorted(gone))
    want = resolve([pf for pf in extracted if pf[0].source not in gone])
    got = state.knowledge_base()
    assert got.pages == want.pages and got.merges == want.merges
    assert got.entities == want.entities
    assert got.relations == want.relations
    facts, quads = facts_by_page(want), to_dataset(want).quads
    for source in rng.sample(want.pages, 30):
        part = state.knowledge_for([source])
        assert page_facts(part, source) == facts[source]
        page = next(e for e in part.entities.values() if e.kind == "page" and e.attrs.source == source)
        graph = f"graph/{page.id}>"
        assert [q for q in to_dataset(part).quads if q[0].endswith(graph)] == [q for q in quads if q[0].endswith(graph)]


def test_a_page_joining_two_namesakes_into_one_person_rewrites_the_pages_whose_person_changed():
    """Two people of one name, each on a page of its own; a third page names one person holding posts at
    both bodies: the namesake whose person changes (the person keeps the id of the first body in id
    order, 江苏省总工会's) has its page reported and its outputs made from the new person; the other
    page's outputs do not change, and it is not reported. Taking the third page out splits them again."""
    from kg.export.facts import page_facts
    from kg.export.rdf import to_dataset

    def outputs(source):
        part = state.knowledge_for([source])
        page = next(e for e in part.entities.values() if e.kind == "page" and e.attrs.source == source)
        return page_facts(part, source), [q for q in to_dataset(part).quads if q[0].endswith(f"graph/{page.id}>")]

    pages = [_page("j1.txt", "四川省总工会主席赵明远出席会议。"), _page("j2.txt", "江苏省总工会主席赵明远出席会议。")]
    bridge = _page("j3.txt", "四川省总工会主席、江苏省总工会副主席赵明远出席会议。")
    state = _state()
    state.apply(_entry(p) for p in pages)
    _same(state, pages)
    assert len([e for e in state.knowledge_base().entities.values() if e.name == "赵明远"]) == 2
    for update, removed, present in (([_entry(bridge)], [], [*pages, bridge]), ([], ["j3.txt"], pages)):
        before = {p.source: outputs(p.source) for p in pages}
        changes = state.apply(update, removed)
        _same(state, present)
        assert "j1.txt" in changes.pages and outputs("j1.txt") != before["j1.txt"]
        assert "j2.txt" not in changes.pages and outputs("j2.txt") == before["j2.txt"]
    assert len([e for e in state.knowledge_base().entities.values() if e.name == "赵明远"]) == 2


def test_positions_sort_as_the_build_orders_its_inputs():
    """page_position sorts as kg.pipeline.run.find_pages orders files (by name, then path; a name that
    begins another first) and then records by line, and is ASCII even for a name that is not UTF-8."""
    inputs = [("b/a.txt", None), ("a\tb", None), ("a", None), ("z/a.txt", None), ("x\udcff.txt", None),
              ("news.jsonl", 2), ("news.jsonl", 10), ("统计.txt", None)]
    by_build = sorted(inputs, key=lambda i: (Path(i[0]).name, i[0], i[1] or 0))
    assert sorted(inputs, key=lambda i: page_position(*i)) == by_build
    assert all(page_position(*i).isascii() for i in inputs)


def test_a_provinces_new_alias_reaches_the_pages_naming_its_bodies():
    """A page's facts list the provinces of the bodies it names, with their aliases: a page printing a new
    alias of 四川省 (巴蜀) changes the facts of a page that names only a union of 四川, which is reported."""
    from kg.export.facts import page_facts

    state = _state()
    state.apply([_entry(_page("p.txt", "成都市总工会召开会议。"))])
    changes = state.apply([_entry(_page("q.txt", "巴蜀各地工会开展活动。"))])
    provinces = page_facts(state.knowledge_for(["p.txt"]), "p.txt")["provinces"]
    assert provinces == [{"name": "四川省", "aliases": ["四川", "巴蜀"]}]
    assert "p.txt" in changes.pages


def test_a_full_build_that_fails_leaves_the_state_empty_and_usable():
    """resolve() raising part way through a kept build: the keeper's half is rolled back, and the state
    can be built or updated afterwards."""
    from kg.pipeline.state import StateKeeper

    a, b = _page("a.txt"), _page("c.txt")

    def pages():
        yield a, [extract_article(x) for x in a.articles]
        raise RuntimeError("extraction failed on the next page")

    state = _state()
    with pytest.raises(RuntimeError):
        resolve(pages(), StateKeeper(state))
    assert state.pages() == {} and not state.db.in_transaction
    state.apply([_entry(b)])
    _same(state, [b])


def test_pages_moved_or_replaced_at_their_place_keep_no_evidence_of_their_deferred_reads():
    """A page whose programme's province is a deferred read (its union placed by another page), taken out
    while another page is put in at its place, or moved in the build's order, or replaced by a page with
    a read of its own at the same place: the state equals resolve() each time (the reads' evidence is
    written on the page that now holds it, none on the one that left)."""
    def entry(page, position):
        return position, page.sha256, _knowledge(page)

    p = _page("p.txt", "华光集团总工会开展“职工法律援助”活动。")  # the operator not placed here: a deferred read
    s = _page("s.txt", "四川省华光集团总工会召开会议。")
    r = _page("r.txt", "四川省总工会开展“职工法律援助”活动。")  # the same active-in, read directly
    x = _page("x.txt", "江苏省总工会召开会议。")
    y = _page("y.txt", "华光集团总工会开展“职工法律援助”活动。会议召开。")
    state = _state()
    state.apply([entry(p, "1"), entry(s, "2"), entry(r, "3")])
    state.apply([entry(x, "1")], removed=["p.txt"])  # another page at p.txt's place
    assert state.knowledge_base() == resolve([(q, [extract_article(a) for a in q.articles]) for q in (x, s, r)])
    state.apply([entry(p, "4")])
    state.apply([entry(p, "0")])  # moved to the front
    assert state.knowledge_base() == resolve([(q, [extract_article(a) for a in q.articles]) for q in (p, x, s, r)])
    state.apply([entry(y, "0")], removed=["p.txt"])  # a page with a read of its own at the same place
    assert state.knowledge_base() == resolve([(q, [extract_article(a) for a in q.articles]) for q in (y, x, s, r)])


# -- every row carries a MAC of all its columns --------------------------------------------------

_ALL = ("pages", "knowledge_base", "knowledge_for", "apply")
_SECRETARIAT = "(SELECT entity FROM final_entities WHERE entity LIKE 'union/%shu-ji-chu%')"  # 全国总工会书记处
# table, the row (WHERE), how it is changed in place (SET), how a copy of it is changed into a forged row
# that keeps the real row's MAC (SET; None: a forged row under a key nothing asks for is never read), the
# operations that read the row changed, and those that read the forged row. "apply" takes every page out;
# a page's own rows go unread when it is taken out, so some rows are read by taking another page out.
# :a, :b, :h are the positions of a.txt, b.txt, h.txt. Each change is one an attacker could want: a page
# or relation added, evidence dropped, another row's value pasted in.
_TAMPERS = [
    ("pages", "source = 'c.txt'", "sha256 = 'x'", "source = 'z.txt', position = position || '0'", _ALL, _ALL),
    ("entity_parts", "position = :a AND evidence IS NOT NULL", "evidence = NULL", "entity = 'union/forged'",
     ("knowledge_for", "apply"), ("knowledge_for", "apply")),
    ("relation_parts", "position = :a AND evidence IS NOT NULL", "evidence = NULL", "relation = relation || ' '",
     ("knowledge_for", "apply"), ("knowledge_for", "apply")),
    ("deferred", "position = :b AND seq = 1", "item = (SELECT item FROM deferred WHERE seq = 0 LIMIT 1)", "seq = 7",
     ("apply",), ("apply",)),
    ("deferred_reads", "entity LIKE 'union/ming-yuan-%' AND position = :b", "seq = 7", "seq = 7",
     ("remove a.txt",), ("remove a.txt",)),
    ("folded", "entity = 'province/510000'", "value = (SELECT value FROM folded WHERE entity = 'province/320000')",
     None, ("apply",), ()),
    ("official_names", "position = :a", "outcome = NULL", "entity = 'official/forged'", ("apply",), ("apply",)),
    # a post at 全国总工会书记处, national while h.txt names it: taking h.txt out reads the posts there
    ("official_posts", "position = :a", f"body = {_SECRETARIAT}", f"body = {_SECRETARIAT}",
     ("remove h.txt",), ("remove h.txt",)),
    ("merged", "name = '王明远'", "value = (SELECT value FROM merged WHERE name = '李明远')", "name = '赵明远'",
     ("knowledge_base", "apply"), ("knowledge_base",)),
    ("final_entities", "entity = 'province/510000'",
     "head = (SELECT head FROM final_entities WHERE entity = 'province/320000')", "entity = 'province/990000'",
     ("knowledge_base", "knowledge_for", "apply"), ("knowledge_base",)),
    ("final_entity_evidence", "page = 'a.txt'",
     "evidence = (SELECT evidence FROM final_entity_evidence WHERE page = 'b.txt' LIMIT 1)", "page = 'z.txt'",
     ("knowledge_base", "knowledge_for", "apply"), ("knowledge_base", "apply")),
    ("final_references", "entity LIKE 'union/%' AND province = 'province/510000'", "entity = 'union/forged'",
     "entity = 'union/forged'", ("apply",), ("apply",)),
    ("final_relations", "relation LIKE '[\"located-in\",\"city/%'", "target = 'province/320000'",
     "relation = relation || ' '", ("knowledge_base", "knowledge_for", "apply"), ("knowledge_base",)),
    ("final_relation_evidence", "page = 'a.txt'",
     "evidence = (SELECT evidence FROM final_relation_evidence WHERE page = 'b.txt' LIMIT 1)", "page = 'z.txt'",
     ("knowledge_base", "knowledge_for", "apply"), ("knowledge_base", "apply")),
    ("renamed", "entity = (SELECT entity FROM official_names WHERE position = :a)", "final = 'official/forged'", None,
     ("knowledge_for",), ()),
]
_CASES = [(table, how, op) for table, _, _, forged, changed_ops, forged_ops in _TAMPERS
          for how, ops in (("changed", changed_ops), ("forged", forged_ops if forged else ())) for op in ops]


@pytest.fixture(scope="module")
def kept_state(tmp_path_factory):
    """A state file of the invented pages, as a build writes it."""
    path = tmp_path_factory.mktemp("state") / "state.sqlite"
    state = ResolutionState(path, key=b"k" * 32)
    state.apply(_entry(_page(n)) for n in _TEXTS)
    state.close()
    return path


def _edited(kept_state, path: Path, *statements: str) -> list[str]:
    """A copy of the kept state at ``path``, with the SQL ``statements`` run on it (:a, :b, :h the
    positions of a.txt, b.txt, h.txt); the sources its pages table holds then."""
    import shutil
    import sqlite3

    shutil.copy(kept_state, path)
    db = sqlite3.connect(path)
    positions = {n: page_position(f"{n}.txt", None) for n in "abh"}
    for statement in statements:
        assert db.execute(statement, positions if ":" in statement else ()).rowcount != 0, statement
    db.commit()
    sources = [s for (s,) in db.execute("SELECT source FROM pages")]
    db.close()
    return sources


@pytest.mark.parametrize(("table", "how", "op"), _CASES, ids=["-".join(c) for c in _CASES])
def test_a_changed_or_forged_row_is_refused_by_what_reads_it(kept_state, tmp_path, table, how, op):
    """A row changed in place (one column) or a copy of a row with a column changed (a forged row with a
    real row's MAC) is refused, naming its table, by every operation that reads it."""
    where, changed, forged = next((w, c, f) for t, w, c, f, _, _ in _TAMPERS if t == table)
    row = f"rowid = (SELECT rowid FROM {table} WHERE {where} LIMIT 1)"
    path = tmp_path / "state.sqlite"
    if how == "changed":
        sources = _edited(kept_state, path, f"UPDATE {table} SET {changed} WHERE {row}")
    else:
        sources = _edited(kept_state, path, f"CREATE TEMP TABLE forged AS SELECT * FROM {table} WHERE {row}",
                          f"UPDATE forged SET {forged}", f"INSERT INTO {table} SELECT * FROM forged")
    state = ResolutionState(path, key=b"k" * 32)
    with pytest.raises(StateError, match=f"a row of {table} "):
        if op == "pages":
            state.pages()
        elif op == "knowledge_base":
            state.knowledge_base()
        elif op == "knowledge_for":
            state.knowledge_for(sources)
        elif op == "apply":
            state.apply([], removed=sources)
        else:  # remove one page
            state.apply([], removed=[op.split()[1]])


def test_every_column_of_every_table_is_in_its_rows_mac(kept_state, tmp_path):
    """Each column of one row of each table set to NULL, or from NULL to an empty text (NULL is not ''):
    reading the table refuses the row."""
    import sqlite3

    db = sqlite3.connect(kept_state)
    tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    columns = [(t, c) for t in tables for _, c, *_ in db.execute(f"PRAGMA table_info({t})") if c != "mac"]
    db.close()
    assert len(columns) == 50  # every column of the state's sixteen tables
    for table, column in columns:
        path = tmp_path / f"{table}.{column}.sqlite"
        _edited(kept_state, path, f"UPDATE {table} SET {column} = CASE WHEN {column} IS NULL THEN '' ELSE NULL END "
                                  f"WHERE rowid = (SELECT min(rowid) FROM {table})")
        with pytest.raises(StateError, match="format" if table == "meta" else f"a row of {table} "):
            state = ResolutionState(path, key=b"k" * 32)  # (meta's rows are read on opening)
            list(state._select(table))


def test_a_row_moved_to_a_table_of_the_same_shape_is_refused(kept_state, tmp_path):
    """The table's name is in the MAC: a final entity's row put in place of its fold's is refused."""
    path = tmp_path / "state.sqlite"
    _edited(kept_state, path, "DELETE FROM folded WHERE entity = 'province/510000'",
            "INSERT INTO folded SELECT * FROM final_entities WHERE entity = 'province/510000'")
    with pytest.raises(StateError, match="a row of folded "):
        ResolutionState(path, key=b"k" * 32).apply([], removed=["a.txt"])


@pytest.mark.parametrize("sql", [
    "UPDATE meta SET value = '7'",
    "INSERT INTO meta VALUES (x'00', 'other', '')",
    "CREATE TRIGGER forget AFTER INSERT ON pages BEGIN DELETE FROM final_entity_evidence; END",
    "CREATE VIEW seen AS SELECT * FROM pages",
    "DROP INDEX entity_parts_by_position",
])
def test_a_state_of_another_format_or_shape_is_refused_on_opening(kept_state, tmp_path, sql):
    path = tmp_path / "state.sqlite"
    _edited(kept_state, path, sql)
    with pytest.raises(StateError):
        ResolutionState(path, key=b"k" * 32)


def test_a_file_that_is_not_a_state_is_refused(tmp_path):
    path = tmp_path / "state.sqlite"
    path.write_bytes(b"not SQLite at all" * 100)
    with pytest.raises(StateError, match="cannot be read"):
        ResolutionState(path, key=b"k" * 32)
