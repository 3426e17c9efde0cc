"""Facts JSON: one page's entities and relations in the scoring format.

The format is ``../shared/eval/SCHEMA.md``: officials with posts, union bodies
with parent and province, provinces, policies with issuer and date, programs
with operators and provinces. Extra keys (persons, cities, organizations,
articles) are informative and ignored by the scorer.
"""
from __future__ import annotations

from kg.resolve import Entity, Evidence, KnowledgeBase


def _on(evidence: list[Evidence], page: str) -> bool:
    return any(ev.page == page for ev in evidence)


def _names(e: Entity) -> list[str]:
    return sorted(a for a in e.aliases if a != e.name)


def page_facts(kb: KnowledgeBase, page: str) -> dict:
    ents = kb.entities
    here = {eid: e for eid, e in ents.items() if _on(e.evidence, page)}
    rels = [r for r in kb.relations if _on(r.evidence, page)]

    def of(kind: str) -> list[Entity]:
        return sorted((e for e in here.values() if e.kind == kind), key=lambda e: (e.evidence[0].article,
                                                                                   e.evidence[0].sentence, e.name))

    def name(eid: str | None) -> str | None:
        return ents[eid].name if eid in ents else None

    officials = []
    for e in of("official"):
        posts = [{"title": r.attrs["title"], "org": name(r.target)}
                 for r in rels if r.kind == "holds-post" and r.source == e.id]
        if posts:
            officials.append({"name": e.name, "posts": posts})

    unions = [{"name": e.name, "aliases": _names(e), "parent": name(e.attrs.get("parent")),
               "province": name(e.attrs.get("province"))} for e in of("union")]

    province_ids = {e.id for e in of("province")}
    for e in here.values():
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
        operators = sorted({name(r.target) for r in rels if r.kind == "operated-by" and r.source == e.id})
        places = sorted({name(r.target) for r in rels if r.kind == "active-in" and r.source == e.id})
        programs.append({"name": e.name, "aliases": _names(e), "operators": operators, "provinces": places})

    articles = sorted((e for e in ents.values() if e.kind == "article" and e.attrs.get("source") == page),
                      key=lambda e: e.attrs["index"])
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
                      "continued": a.attrs["continued"]} for a in articles],
    }
