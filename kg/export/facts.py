"""Facts JSON: one page's entities and relations in the scoring format.

The format is ``../shared/eval/SCHEMA.md``: officials with posts, union bodies
with parent and province, provinces, policies with issuer and date, programs
with operators and provinces. Extra keys (persons, cities, organizations,
articles) are informative and ignored by the scorer. Each kind's section, its key and the
function writing it, is named in ``kg/knowledge/kinds.py``.
"""
from __future__ import annotations

import json
from functools import lru_cache

from kg.knowledge import kinds
from kg.resolve.entities import Entity, Evidence, KnowledgeBase, Relation


def _names(e: Entity) -> list[str]:
    return sorted(a for a in e.aliases if a != e.name)


def facts_by_page(kb: KnowledgeBase) -> dict[str, dict]:
    return dict(each_page_facts(kb))


def each_page_facts(kb: KnowledgeBase):
    """(page, facts) for every page, from one pass over the entities and relations (not one
    per page); made one page at a time, so an archive's facts are never all in memory."""
    entities_on: dict[str, list[tuple[Entity, Evidence]]] = {p: [] for p in kb.pages}
    relations_on: dict[str, list[Relation]] = {p: [] for p in kb.pages}
    for e in kb.entities.values():
        for page, first in _first_evidence_by_page(e.evidence).items():
            entities_on.setdefault(page, []).append((e, first))
    for r in kb.relations:
        for page in {ev.page for ev in r.evidence}:
            relations_on.setdefault(page, []).append(r)
    articles: dict[str, list[Entity]] = {}
    for e in kb.entities.values():
        if e.kind == "article":
            articles.setdefault(e.attrs.source, []).append(e)
    for page in kb.pages:
        yield page, _page_facts(kb, page, entities_on.pop(page, []), relations_on.pop(page, []),
                                articles.pop(page, []))


def _first_evidence_by_page(evidence: list[Evidence]) -> dict[str, Evidence]:
    """Each page's first evidence of an entity: what the page's facts are ordered by (the page's own
    reading, whatever other pages of the build say of the entity)."""
    first: dict[str, Evidence] = {}
    for ev in evidence:
        first.setdefault(ev.page, ev)
    return first


def page_facts(kb: KnowledgeBase, page: str) -> dict:
    return facts_by_page(kb)[page]


def _page_facts(kb: KnowledgeBase, page: str, here: list[tuple[Entity, Evidence]], rels: list[Relation],
                articles: list[Entity]) -> dict:
    """The page's facts: one section per entity kind, each written by the function ``kg/knowledge/kinds.py``
    names for it, in the order of ``kinds.FACTS_SECTIONS``; each kind's entities in the order the page
    first names them."""
    by_kind: dict[str, list[tuple[Entity, Evidence]]] = {}
    for e, first in here:
        by_kind.setdefault(e.kind, []).append((e, first))
    for kind, found in by_kind.items():
        kinds.entity_kind(kind)  # an entity of a kind nobody registered raises here, naming it
        found.sort(key=lambda pair: (pair[1].article, pair[1].sentence, pair[0].name))
    first_here = {e.id: first for e, first in here}
    by_kind = {kind: [e for e, _ in found] for kind, found in by_kind.items()}
    by_source: dict[str, list[Relation]] = {}
    for r in rels:
        by_source.setdefault(r.source, []).append(r)
    page_facts = _Page(kb, page, [e for e, _ in here], by_kind, by_source, articles, first_here)
    return {section: write(page_facts) for section, write in _writers()}


class _Page:
    """What the sections of one page's facts are made from."""

    def __init__(self, kb: KnowledgeBase, page: str, here: list[Entity], by_kind: dict[str, list[Entity]],
                 by_source: dict[str, list[Relation]], articles: list[Entity], first_here: dict[str, Evidence]):
        self.kb, self.ents, self.page, self.here = kb, kb.entities, page, here
        self.by_kind, self.by_source, self.articles = by_kind, by_source, articles
        self.first_here = first_here  # entity id -> its first evidence on this page

    def of(self, kind: str) -> list[Entity]:
        """The page's entities of ``kind``, in reading order."""
        return self.by_kind.get(kind, [])

    def name(self, eid: str | None) -> str | None:
        return self.ents[eid].name if eid in self.ents else None


def _officials(p: _Page) -> list[dict]:
    officials = []
    for e in p.of("official"):
        posts = [{"title": r.title, "org": p.name(r.target)}
                 for r in p.by_source.get(e.id, []) if r.kind == "holds-post"]
        if posts:
            officials.append({"name": e.name, "posts": posts})
    return officials


def _union_bodies(p: _Page) -> list[dict]:
    return [{"name": e.name, "aliases": _names(e), "parent": p.name(e.attrs.parent),
             "province": p.name(e.attrs.province)} for e in p.of("union")]


def _provinces(p: _Page) -> list[dict]:
    """The provinces named, and those of the bodies and cities named."""
    province_ids = {e.id for e in p.of("province")}
    for e in p.here:
        if e.kind in ("union", "organization") and e.attrs.province:
            province_ids.add(e.attrs.province)
        if e.kind == "city":
            province_ids.add(f"province/{e.attrs.code[:2]}0000")
    provinces = []
    for pid in sorted(province_ids):
        e = p.ents[pid]
        aliases = set(e.aliases) | ({e.attrs.short} if e.attrs.short else set())
        provinces.append({"name": e.name, "aliases": sorted(aliases - {e.name})})
    return provinces


def _policies(p: _Page) -> list[dict]:
    return [{"name": e.name, "aliases": _names(e), "issuer": p.name(e.attrs.issuer),
             "date": e.attrs.date} for e in p.of("policy")]


def _programs(p: _Page) -> list[dict]:
    programs = []
    for e in p.of("program"):
        mine = p.by_source.get(e.id, [])
        operators = sorted({p.name(r.target) for r in mine if r.kind == "operated-by"})
        places = sorted({p.name(r.target) for r in mine if r.kind == "active-in"})
        programs.append({"name": e.name, "aliases": _names(e), "operators": operators, "provinces": places})
    return programs


def _persons(p: _Page) -> list[dict]:
    return [{"name": e.name, "role": e.attrs.role, "affiliation": e.attrs.affiliation,
             "article": p.first_here[e.id].article} for e in p.of("person")]


def _cities(p: _Page) -> list[dict]:
    return [{"name": e.name, "aliases": _names(e),
             "province": p.ents[f"province/{e.attrs.code[:2]}0000"].name} for e in p.of("city")]


def _organizations(p: _Page) -> list[dict]:
    return [{"name": e.name, "aliases": _names(e)} for e in p.of("organization")]


def _articles(p: _Page) -> list[dict]:
    return [{"headline": a.attrs.headline, "kicker_or_subhead": a.attrs.kicker,
             "byline": a.attrs.byline, "dateline": a.attrs.dateline, "type": a.attrs.type,
             "continued": a.attrs.continued} for a in sorted(p.articles, key=lambda a: a.attrs.index)]


def _source(p: _Page) -> str:
    return p.page


@lru_cache(maxsize=1)
def _writers() -> tuple:
    """(section, the function writing it) in the order of ``kinds.FACTS_SECTIONS``, as ``kg/knowledge/kinds.py``
    names them."""
    writer = {k.facts: kinds.function(k.facts_writer) for k in kinds.ENTITY_KINDS}
    return tuple((section, writer[section]) for section in kinds.FACTS_SECTIONS)


MERGE_LOG_HEADER = "# merged\tentity\tarticles\tseen in (page#article)\twhy\n"


def merge_log_text(kb: KnowledgeBase) -> str:
    """The merge log: one line per person whose namesakes resolution took as one, with the
    pages and articles merged and the evidence that joined them (a shared body, posts at national
    bodies only), so that a reviewer can check each merge. Lines are sorted, so the same input
    gives the same bytes.

    >>> from kg.resolve.entities import Merge
    >>> kb = KnowledgeBase({}, [], [], [Merge("王明", "official/wang-ming-1a2b3c4d", (("p.txt", 1), ("q.txt", 2)),
    ...                                   ("posts at 中华全国总工会",))])
    >>> print(merge_log_text(kb), end="")  # doctest: +NORMALIZE_WHITESPACE
    # merged	entity	articles	seen in (page#article)	why
    王明	official/wang-ming-1a2b3c4d	2	p.txt#1 q.txt#2	posts at 中华全国总工会
    """
    lines = sorted(f"{m.name}\t{m.entity}\t{len(m.seen_in)}\t{' '.join(f'{p}#{a}' for p, a in m.seen_in)}\t"
                   f"{'; '.join(m.reasons)}\n" for m in kb.merges)
    return MERGE_LOG_HEADER + "".join(lines)


def facts_text(facts: dict) -> str:
    """A page's facts JSON (the format ``../shared/eval/score.py`` reads), indented to be read."""
    return json.dumps(facts, ensure_ascii=False, indent=1) + "\n"
