"""Resolution: one entity per real thing, stable ids, evidence traceable to the page."""
from __future__ import annotations

from conftest import SEEDS, SOURCE_000, SOURCE_003, entities, entity, facts_of, kb_of, names

from kg.extract import extract_article
from kg.ingest.pages import normalise_char, read_page
from kg.pipeline.run import analyse
from kg.resolve.entities import resolve


def _printed(page_text: str, ev) -> str:
    return "".join(normalise_char(c) for c in page_text[ev.start:ev.end])


# ---------------------------------------------------------------------------
# Officials with the same name
# ---------------------------------------------------------------------------


def test_same_name_at_different_organisations_in_one_sentence_stays_two():
    _, kb = kb_of("## 交流\n\n本报讯(记者赵磊)江苏省总工会主席王军、安徽省人大常委会副主任王军出席座谈会。\n")
    wangs = entities(kb, "official", "王军")
    assert len(wangs) == 2
    assert len({e.id for e in wangs}) == 2
    assert sorted(tuple(kb.entities[o].name for _, o in e.attrs.posts) for e in wangs) == [
        ("安徽省人民代表大会常务委员会",), ("江苏省总工会",)]


def test_same_name_at_different_organisations_in_two_articles_stays_two():
    facts = facts_of(
        "## 江苏工会座谈\n\n本报讯(记者赵磊)江苏省总工会主席王军出席座谈会。\n\n"
        "## 安徽人大调研\n\n本报讯(记者钱进)安徽省人大常委会副主任王军到企业调研。\n")
    wangs = [o for o in facts["officials"] if o["name"] == "王军"]
    assert len(wangs) == 2
    assert sorted(o["posts"][0]["org"] for o in wangs) == ["安徽省人民代表大会常务委员会", "江苏省总工会"]


def test_same_name_at_the_same_organisation_in_two_articles_is_one():
    _, kb = kb_of(
        "## 一\n\n本报讯(记者赵磊)江苏省总工会主席王军出席座谈会。\n\n"
        "## 二\n\n本报讯(记者钱进)江苏省总工会主席王军在会上讲话。\n")
    wang = entity(kb, "official", "王军")
    assert sorted({ev.article for ev in wang.evidence}) == [1, 2]
    posts = [r for r in kb.relations if r.kind == "holds-post" and r.source == wang.id]
    assert len(posts) == 1 and len(posts[0].evidence) == 2


def test_seed_officials_are_one_entity_per_person(seed_kb):
    for name in ("徐留平", "李公乐", "蔡奇"):
        assert len(entities(seed_kb, "official", name)) == 1


# ---------------------------------------------------------------------------
# Context: bare level words
# ---------------------------------------------------------------------------


def test_bare_sheng_zong_gonghui_falls_back_to_the_dateline():
    facts = facts_of("## 全委会议\n\n本报长沙3月5日电(记者周敏)省总工会近日召开全委会议。\n")
    assert names(facts["union_bodies"]) == ["湖南省总工会"]


def test_bare_sheng_zong_gonghui_without_any_place_is_dropped():
    facts = facts_of("## 全委会议\n\n本报讯(记者周敏)省总工会近日召开全委会议。\n")
    assert facts["union_bodies"] == []


def test_abbreviations_across_seed_articles_resolve_to_distinct_federations(facts000):
    unions = {u["name"]: set(u["aliases"]) for u in facts000["union_bodies"]}
    assert "省总工会" in unions["河南省总工会"]
    assert "省总" in unions["广东省总工会"]
    assert "省总工会" not in unions["广东省总工会"]
    assert "省总" not in unions["河南省总工会"]


# ---------------------------------------------------------------------------
# Ids and evidence
# ---------------------------------------------------------------------------


def test_entity_ids_are_stable_across_runs_and_page_order(seed_pages, seed_kb):
    again = analyse([read_page(SEEDS / SOURCE_003), read_page(SEEDS / SOURCE_000)])
    assert set(again.entities) == set(seed_kb.entities)
    for eid, e in seed_kb.entities.items():
        assert again.entities[eid].name == e.name


def test_place_ids_are_division_codes(seed_kb):
    for e in seed_kb.entities.values():
        if e.kind == "province":
            assert e.id == f"province/{e.attrs.code}" and e.attrs.code.endswith("0000")
        if e.kind == "city":
            assert e.id == f"city/{e.attrs.code}"


def test_official_evidence_points_at_the_printed_name(seed_kb, seed_pages):
    texts = {p.source: p.text for p in seed_pages}
    officials = entities(seed_kb, "official")
    assert len(officials) >= 10
    for e in officials:
        assert e.evidence
        for ev in e.evidence:
            assert _printed(texts[ev.page], ev) == e.name
            assert e.name in ev.text


def test_union_evidence_points_at_a_printed_form(seed_kb, seed_pages):
    texts = {p.source: p.text for p in seed_pages}
    for e in entities(seed_kb, "union"):
        for ev in e.evidence:
            assert _printed(texts[ev.page], ev) in {e.name} | e.aliases


def test_relations_point_at_existing_entities(seed_kb):
    for r in seed_kb.relations:
        assert r.source in seed_kb.entities, r
        assert r.target in seed_kb.entities, r


def test_every_union_parent_is_a_union(seed_kb):
    for e in entities(seed_kb, "union"):
        parent = e.attrs.parent
        if parent:
            assert seed_kb.entities[parent].kind == "union"
        elif e.name != "中华全国总工会":
            assert e.attrs.province  # only unplaced qualifier unions lack a parent


def test_resolve_accepts_findings_directly():
    page, _ = kb_of("## 部署\n\n本报讯(记者张明)全总近日部署工作。\n")
    kb = resolve([(page, [extract_article(a) for a in page.articles])])
    assert [e.name for e in kb.entities.values() if e.kind == "union"] == ["中华全国总工会"]
    assert kb.pages == ["t.txt"]


def test_a_title_whose_organisation_cannot_be_read_makes_a_person_not_an_official():
    # 市委 with no city anywhere in the article: the post cannot be placed
    _, kb = kb_of("## 会议\n\n本报讯(记者张明)市委书记王强出席会议。\n")
    kinds = {e.kind for e in kb.entities.values() if e.name == "王强"}
    assert kinds == {"person"}


# One node per person across articles, never by a guess passed on (issue: facts that hold on real news)


def test_a_national_official_named_with_different_bodies_is_one_person():
    _, kb = kb_of("## 甲\n\n全国人大常委会副委员长王建明出席会议。\n\n## 乙\n\n全国总工会主席王建明讲话。\n")
    officials = [e for e in kb.entities.values() if e.kind == "official" and e.name == "王建明"]
    assert len(officials) == 1
    assert {t for t, _ in officials[0].attrs.posts} == {"副委员长", "主席"}
    merge = next(m for m in kb.merges if m.name == "王建明")
    assert merge.reasons == ("posts at national bodies only",) and len(merge.seen_in) == 2


def test_namesakes_at_bodies_of_two_provinces_stay_two_people():
    _, kb = kb_of("## 甲\n\n四川省总工会主席李明华出席。\n\n## 乙\n\n浙江省总工会主席李明华讲话。\n")
    assert len([e for e in kb.entities.values() if e.kind == "official" and e.name == "李明华"]) == 2
    assert not [m for m in kb.merges if m.name == "李明华"]


def test_namesakes_sharing_a_body_are_one_person_and_the_log_says_why():
    _, kb = kb_of("## 甲\n\n四川省总工会主席李明华出席。\n\n## 乙\n\n四川省总工会党组书记、主席李明华讲话。\n")
    assert len([e for e in kb.entities.values() if e.kind == "official" and e.name == "李明华"]) == 1
    assert next(m for m in kb.merges if m.name == "李明华").reasons == ("posts at 四川省总工会",)


# ---------------------------------------------------------------------------
# Each page resolved on its own, folded into the build's knowledge in order
# ---------------------------------------------------------------------------

def _pages(*texts: str):
    from kg import api

    return [api.read_text(f"## 测试{i}\n\n{text}\n", f"p{i}.txt") for i, text in enumerate(texts)]


def test_a_pages_knowledge_is_its_own_whatever_the_other_pages_say():
    """resolve_page is a pure function of the page: the same page resolved alone or after another gives
    the same entities, attributes and relations."""
    from kg.resolve.entities import resolve_page

    a, b = _pages("国务院办公厅印发《关于加强职工服务的实施意见》。", "人力资源社会保障部印发《关于加强职工服务的实施意见》。")
    alone = resolve_page(b, [extract_article(x) for x in b.articles])
    resolve([(p, [extract_article(x) for x in p.articles]) for p in (a, b)])
    again = resolve_page(b, [extract_article(x) for x in b.articles])
    assert alone == again
    policy = next(e for e in alone.entities.values() if e.kind == "policy")
    assert alone.entities[policy.attrs.issuer].name == "人力资源和社会保障部"


def test_the_first_page_keeps_a_first_read_attribute_and_the_relation_it_made():
    """A policy's issuer is the first page's (in the build's order); the issued-by relation comes from
    that page alone. Aliases and evidence come from every page; a later page's place of a union body
    replaces an earlier one's only where it reads one."""
    a, b = _pages("国务院办公厅印发《关于加强职工服务的实施意见》。", "人力资源社会保障部印发《关于加强职工服务的实施意见》。")
    for order in ((a, b), (b, a)):
        kb = resolve([(p, [extract_article(x) for x in p.articles]) for p in order])
        policy = next(e for e in kb.entities.values() if e.kind == "policy")
        issued = [r for r in kb.relations if r.kind == "issued-by"]
        first = "国务院办公厅" if order[0] is a else "人力资源和社会保障部"
        assert kb.entities[policy.attrs.issuer].name == first
        assert [(kb.entities[r.target].name, {ev.page for ev in r.evidence}) for r in issued] == \
            [(first, {order[0].source})]
        assert {ev.page for ev in policy.evidence} == {a.source, b.source}


def _resolved(*pages):
    return resolve([(p, [extract_article(x) for x in p.articles]) for p in pages])


def _union(kb, name):
    return next(e for e in kb.entities.values() if e.kind == "union" and e.name == name)


_PLACED = "四川省成都市的明远机械有限公司工会开展“金秋助学”活动。"  # invented: the union placed by its page
_UNPLACED = "明远机械有限公司工会开展“金秋助学”活动。"  # the same union, no place on its page


def test_a_programme_is_active_in_its_operators_province_whichever_page_places_it():
    """A page names a programme run by a union it does not place; another page places the union. The
    programme is active in that province (from the page naming it), whether the placing page comes before
    or after it: the read is made once every page is folded (Deferred), not from the pages before."""
    placed, unplaced = _pages(_PLACED, _UNPLACED)
    for order in ((placed, unplaced), (unplaced, placed)):
        kb = _resolved(*order)
        active = [r for r in kb.relations if r.kind == "active-in"]
        assert [(kb.entities[r.target].name, sorted({ev.page for ev in r.evidence})) for r in active] == \
            [("四川省", sorted({placed.source, unplaced.source}))]


def test_an_enterprise_union_is_under_its_enterprises_federation_whichever_page_places_the_enterprise():
    """The federation of the enterprise's place is the union's parent (general knowledge, no evidence),
    whether the page placing the enterprise comes first or last."""
    placed, unplaced = _pages(_PLACED, _UNPLACED)
    for order in ((placed, unplaced), (unplaced, placed)):
        kb = _resolved(*order)
        union = _union(kb, "明远机械有限公司工会")
        parents = [kb.entities[r.target].name for r in kb.relations
                   if r.kind == "sub-organization-of" and r.source == union.id]
        assert parents == ["四川省总工会"]  # (the enterprise is placed in its province, 四川省)


def test_a_union_department_is_in_its_unions_province_whichever_page_places_the_union():
    placed, department = _pages("四川省明远集团总工会开展活动。", "明远集团总工会法律工作部开展“送法进企业”活动。")
    for order in ((placed, department), (department, placed)):
        kb = _resolved(*order)
        dept = _union(kb, "集团总工会法律工作部")
        assert dept.attrs.department and kb.entities[dept.attrs.province].name == "四川省"
        assert ("located-in", dept.id, dept.attrs.province) in {(r.kind, r.source, r.target) for r in kb.relations}


def test_a_union_read_in_two_provinces_on_two_pages_is_in_the_first_pages_one():
    """One place and one parent per union body (the shapes allow one of each): the first page in the build
    that places it decides, and the located-in relation is that page's alone, in either order."""
    sichuan, jiangsu = _pages("四川省明远集团总工会开展活动。", "江苏省明远集团总工会开展活动。")
    for order in ((sichuan, jiangsu), (jiangsu, sichuan)):
        kb = _resolved(*order)
        union = next(e for e in kb.entities.values() if e.kind == "union" and e.name.endswith("集团总工会"))
        first = "四川省" if order[0] is sichuan else "江苏省"
        assert kb.entities[union.attrs.province].name == first
        assert [kb.entities[r.target].name for r in kb.relations
                if r.kind == "located-in" and r.source == union.id] == [first]


def test_a_bare_short_name_is_read_on_its_own_page():
    """常委会 after a body the page names in full is that body, by the short forms the lexicon knows of it
    (全国人民代表大会常务委员会: 全国人大常委会), not by an alias another page happened to print."""
    full, short = _pages("全国人民代表大会常务委员会召开会议，常委会副委员长李明远主持。",
                         "全国人大常委会委员长张建华出席。")
    for pages in ((full,), (short, full), (full, short)):
        kb = _resolved(*pages)
        li = next(e for e in kb.entities.values() if e.kind == "official" and e.name == "李明远")
        assert [(t, kb.entities[o].name) for t, o in li.attrs.posts] == [("副委员长", "全国人民代表大会常务委员会")]


def test_the_fold_leaves_each_pages_knowledge_as_it_was():
    """Folding copies what it keeps: a page's knowledge can be folded again (an update re-folds an entity
    from the pages naming it) and gives the same result."""
    from kg.resolve.entities import resolve_page

    pages = _pages(_PLACED, _UNPLACED, "四川省总工会主席王明远讲话。", "四川省总工会主席王明远出席。")
    parts = [resolve_page(p, [extract_article(x) for x in p.articles]) for p in pages]
    before = [repr(part) for part in parts]
    _resolved(*pages)
    assert [repr(resolve_page(p, [extract_article(x) for x in p.articles])) for p in pages] == before


def test_a_byline_persons_affiliation_is_the_last_one_printed():
    """A page that prints no affiliation for the same reporter (a byline of its own line) keeps the one
    another page printed (本报), in either order."""
    with_unit, without = _pages("本报讯 (记者 陈明远)四川省总工会召开会议。", "(记者陈明远)\n\n四川省总工会召开会议。")
    for order in ((with_unit, without), (without, with_unit)):
        kb = _resolved(*order)
        assert [(e.name, e.attrs.role, e.attrs.affiliation, len(e.evidence)) for e in kb.entities.values()
                if e.kind == "person"] == [("陈明远", "记者", "本报", 2)]


def test_namesakes_without_a_post_anywhere_keep_every_mention():
    """A name with a bare title whose body is never read (王明主席 on two pages) is a person, not an
    official; its namesakes with no post join no one and share the id of the name: one person, with
    the evidence of both pages (the second used to replace the first), and the merge log says why."""
    from kg import api

    pages = [api.read_text(f"## 测试{i}\n\n{text}\n", f"p{i}.txt") for i, text in
             enumerate(("王明主席出席了会议。", "王明主席出席了座谈会。"))]
    kb = resolve([(p, [extract_article(x) for x in p.articles]) for p in pages])
    wang = [e for e in kb.entities.values() if e.name == "王明"]
    assert [(e.kind, sorted({ev.page for ev in e.evidence})) for e in wang] == [("person", ["p0.txt", "p1.txt"])]
    assert [(m.entity, m.seen_in, m.reasons[-1]) for m in kb.merges] == \
        [(wang[0].id, (("p0.txt", 1), ("p1.txt", 1)), "no post anywhere: one person of this name")]
    from kg.export.facts import page_facts

    assert [names(page_facts(kb, p.source)["persons"]) for p in pages] == [["王明"], ["王明"]]
