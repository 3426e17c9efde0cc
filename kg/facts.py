"""Facts JSON: one page's entities and relations in the scoring format.

The format is ``../shared/eval/SCHEMA.md``: officials with posts, union bodies
with parent and province, provinces, policies with issuer and date, programs
with operators and provinces. Extra keys (persons, cities, organizations,
articles) are informative and ignored by the scorer.
"""
from __future__ import annotations

from kg.resolve import Entity, KnowledgeBase, Relation


def _names(e: Entity) -> list[str]:
    return sorted(a for a in e.aliases if a != e.name)


def facts_by_page(kb: KnowledgeBase) -> dict[str, dict]:
    return dict(each_page_facts(kb))


def each_page_facts(kb: KnowledgeBase):
    """(page, facts) for every page, from one pass over the entities and relations (not one
    per page); made one page at a time, so an archive's facts are never all in memory."""
    entities_on: dict[str, list[Entity]] = {p: [] for p in kb.pages}
    relations_on: dict[str, list[Relation]] = {p: [] for p in kb.pages}
    for e in kb.entities.values():
        for page in {ev.page for ev in e.evidence}:
            entities_on.setdefault(page, []).append(e)
    for r in kb.relations:
        for page in {ev.page for ev in r.evidence}:
            relations_on.setdefault(page, []).append(r)
    articles: dict[str, list[Entity]] = {}
    for e in kb.entities.values():
        if e.kind == "article":
            articles.setdefault(e.attrs.get("source"), []).append(e)
    for page in kb.pages:
        yield page, _page_facts(kb, page, entities_on.pop(page, []), relations_on.pop(page, []),
                                articles.pop(page, []))


def page_facts(kb: KnowledgeBase, page: str) -> dict:
    return facts_by_page(kb)[page]


def _page_facts(kb: KnowledgeBase, page: str, here: list[Entity], rels: list[Relation],
                articles: list[Entity]) -> dict:
    ents = kb.entities

    def of(kind: str) -> list[Entity]:
        return sorted((e for e in here if e.kind == kind), key=lambda e: (e.evidence[0].article,
                                                                          e.evidence[0].sentence, e.name))

    def name(eid: str | None) -> str | None:
        return ents[eid].name if eid in ents else None

    by_source: dict[str, list[Relation]] = {}
    for r in rels:
        by_source.setdefault(r.source, []).append(r)

    officials = []
    for e in of("official"):
        posts = [{"title": r.attrs["title"], "org": name(r.target)}
                 for r in by_source.get(e.id, []) if r.kind == "holds-post"]
        if posts:
            officials.append({"name": e.name, "posts": posts})

    unions = [{"name": e.name, "aliases": _names(e), "parent": name(e.attrs.get("parent")),
               "province": name(e.attrs.get("province"))} for e in of("union")]

    province_ids = {e.id for e in of("province")}
    for e in here:
        if e.kind in ("union", "organization") and e.attrs.get("province"):
            province_ids.add(e.attrs["province"])
        if e.kind == "city":
            province_ids.add(f"province/{e.attrs['code'][:2]}0000")
    provinces = []
    for pid in sorted(province_ids):
        p = ents[pid]
        aliases = set(p.aliases) | ({p.attrs["short"]} if p.attrs.get("short") else set())
        provinces.append({"name": p.name, "aliases": sorted(aliases - {p.name})})

    policies = [{"name": e.name, "aliases": _names(e), "issuer": name(e.attrs.get("issuer")),
                 "date": e.attrs.get("date")} for e in of("policy")]

    programs = []
    for e in of("program"):
        mine = by_source.get(e.id, [])
        operators = sorted({name(r.target) for r in mine if r.kind == "operated-by"})
        places = sorted({name(r.target) for r in mine if r.kind == "active-in"})
        programs.append({"name": e.name, "aliases": _names(e), "operators": operators, "provinces": places})

    return {
        "source": page,
        "officials": officials,
        "union_bodies": unions,
        "provinces": provinces,
        "policies": policies,
        "programs": programs,
        "persons": [{"name": e.name, "role": e.attrs.get("role"), "affiliation": e.attrs.get("affiliation"),
                     "article": e.evidence[0].article} for e in of("person")],
        "cities": [{"name": e.name, "aliases": _names(e),
                    "province": ents[f"province/{e.attrs['code'][:2]}0000"].name} for e in of("city")],
        "organizations": [{"name": e.name, "aliases": _names(e)} for e in of("organization")],
        "articles": [{"headline": a.attrs["headline"], "kicker_or_subhead": a.attrs["kicker"],
                      "byline": a.attrs["byline"], "dateline": a.attrs["dateline"], "type": a.attrs["type"],
                      "continued": a.attrs["continued"]} for a in sorted(articles, key=lambda a: a.attrs["index"])],
    }


MERGE_LOG_HEADER = "# merged\tentity\tarticles\tseen in (page#article)\twhy\n"


def merge_log_text(kb: KnowledgeBase) -> str:
    """The merge log: one line per person whose namesakes resolution took as one, with the
    pages and articles merged and the evidence that joined them (a shared body, posts at national
    bodies only), so that a reviewer can check each merge. Lines are sorted, so the same input
    gives the same bytes.

    >>> from kg.resolve import Merge
    >>> kb = KnowledgeBase({}, [], [], [Merge("王明", "official/wang-ming-1a2b3c4d", (("p.txt", 1), ("q.txt", 2)),
    ...                                   ("posts at 中华全国总工会",))])
    >>> print(merge_log_text(kb), end="")  # doctest: +NORMALIZE_WHITESPACE
    # merged	entity	articles	seen in (page#article)	why
    王明	official/wang-ming-1a2b3c4d	2	p.txt#1 q.txt#2	posts at 中华全国总工会
    """
    lines = sorted(f"{m.name}\t{m.entity}\t{len(m.seen_in)}\t{' '.join(f'{p}#{a}' for p, a in m.seen_in)}\t"
                   f"{'; '.join(m.reasons)}\n" for m in kb.merges)
    return MERGE_LOG_HEADER + "".join(lines)
