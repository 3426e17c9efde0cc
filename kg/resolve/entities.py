"""Resolve: mentions -> entities, one per real thing, with canonical names.

Abbreviations are read in context: 全总 -> 中华全国总工会; a bare 省总工会
is the federation of the province the article is about at that point (the
nearest province named before it, else the article's main province, else
its dateline). Places, union bodies, organisations, officials, policies and
programs become entities with stable ids; links become relations; every
entity and relation keeps the evidence (page, article, sentence, offsets).
"""
from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Iterable, Protocol

from pypinyin import lazy_pinyin

from kg.knowledge import kinds, lexicon
from kg.knowledge.kinds import first, merge_input
from kg.extract import ArticleFindings, Link, Mention
from kg.extract.base import implied
from kg.ingest.pages import Page

NATIONAL_UNION = "中华全国总工会"
# level words printed bare before a body (市总工会): the place they stand for is the article's (level_words.tsv)
_LEVEL_OF_WORD = {w.word: w.level for w in lexicon.level_words() if w.bare_for_place}


@dataclass(frozen=True, slots=True)
class Evidence(Mapping):
    """Where a fact was read: page, article, sentence and original-file offsets.

    It is also a read-only mapping (``ev["page"]``, ``ev.get("text")``), the shape the graph's
    node and edge attributes have when read back from graph.json: the graph keeps these
    objects instead of a dict copy of each (an archive has millions)."""

    page: str
    article: int
    sentence: int
    start: int  # original-file offsets of the mention (or sentence)
    end: int
    text: str  # the sentence, as read

    def __getitem__(self, key: str):
        if key not in _EVIDENCE_FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self):
        return iter(_EVIDENCE_FIELDS)

    def __len__(self) -> int:
        return len(_EVIDENCE_FIELDS)

    def as_dict(self) -> dict:
        return {"page": self.page, "article": self.article, "sentence": self.sentence,
                "start": self.start, "end": self.end, "text": self.text}


_EVIDENCE_FIELDS = ("page", "article", "sentence", "start", "end", "text")


def evidence_order(ev: Evidence) -> tuple:
    """The one order graph.json lists an entity's mentions and a relation's evidence in (by page name,
    article, sentence and offsets): a function of the evidence alone, so that neither the order in
    which pages came nor the store that read them back changes it."""
    return ev.page, ev.article, ev.sentence, ev.start, ev.end, ev.text


# What resolution knows of an entity besides its name and aliases, one dataclass per kind (the
# class ``kg/knowledge/kinds.py`` names as the kind's ``entity_attributes``); a field that was not
# read stays None (and is left out of graph.json and the RDF). Ids of other entities are strings.
#
# Each page is resolved on its own (``resolve_page``) and the pages' knowledge is folded in the
# build's order (``_Builder.absorb``): a field a later page reads replaces the earlier value, but
# for a field made with ``first()``, where the first page that reads it keeps it, and the relation
# that value made (``MADE_WITH``: a policy's issued-by) comes from that page alone.


@dataclass(slots=True)
class PageInfo:
    source: str | None = None  # the page's name in the build (file name, or archive.jsonl#LINE)
    sha256: str | None = None  # of the page's bytes as read
    id: Any = None  # an archive record's own fields, as the record gives them
    url: Any = None
    date: Any = None
    archive: Any = None
    line: int | None = None  # the record's line in its archive


@dataclass(slots=True)
class ArticleInfo:
    page: str | None = None  # the page entity's id
    source: str | None = None
    index: int | None = None  # the article's place on its page
    headline: str | None = None
    kicker: str | None = None
    byline: str | None = None
    dateline: str | None = None
    type: str | None = None
    continued: str | None = None  # the page it goes on to (下转第3版)


@dataclass(slots=True)
class ProvinceInfo:
    code: str | None = None  # the division code (110000)
    short: str | None = None  # the one-character short name (京)


@dataclass(slots=True)
class CityInfo:
    code: str | None = None
    level: str | None = None  # city | district


@dataclass(slots=True)
class UnionInfo:
    """A union body's place and parent are each one (the shapes allow one ``schema:location`` and one
    ``org:subOrganizationOf``): the first page that reads them decides, and its relations are the union's
    (a name without a place, 集团总工会, can be read in two provinces on two pages)."""
    province: str | None = first()  # the province entity's id
    parent: str | None = first()  # the union it is a sub-organisation of
    department: bool | None = None  # a department of its parent (法律工作部), not a union of its own
    MADE_WITH: ClassVar[dict[str, str]] = {"province": "located-in", "parent": "sub-organization-of"}


@dataclass(slots=True)
class OrganizationInfo:
    """An organisation's province is one, the first read (as a union's)."""
    province: str | None = first()
    country: str | None = None  # ISO code of another state's body
    MADE_WITH: ClassVar[dict[str, str]] = {"province": "located-in"}


@dataclass(slots=True)
class OfficialInfo:
    posts: list[tuple[str, str]] | None = merge_input()  # (title, body id), in reading order
    # (title, evidence) of a title printed after the name with no body (王明主席), read in _merge_officials
    bare_titles: list[tuple[str, "Evidence"]] | None = merge_input()


@dataclass(slots=True)
class PersonInfo:
    role: str | None = None  # 记者, 摄影, 通讯员 ...
    affiliation: str | None = None


@dataclass(slots=True)
class PolicyInfo:
    date: str | None = first()  # YYYY-MM-DD issued, the first read
    issuer: str | None = first()  # the issuing body's id, the first read
    MADE_WITH: ClassVar[dict[str, str]] = {"issuer": "issued-by"}


@dataclass(slots=True)
class ProgramInfo:
    """A programme carries nothing besides its name, aliases and links."""


def attribute_fields(info) -> dict:
    """An entity's attributes as a dict of the fields that were read (not None), in field order:
    what graph.json and the RDF write."""
    return {f.name: value for f in dataclasses.fields(info) if (value := getattr(info, f.name)) is not None}


@lru_cache(maxsize=None)
def _info_class(kind: str) -> type:
    return kinds.function(kinds.entity_kind(kind).entity_attributes)


@dataclass
class Entity:
    id: str
    kind: str  # page | article | province | city | union | organization | enterprise | official | person | policy | program
    name: str
    aliases: set[str] = field(default_factory=set)
    attrs: Any = None  # the kind's attributes (PageInfo, UnionInfo, ...), made empty when None
    evidence: list[Evidence] = field(default_factory=list)

    def __post_init__(self):
        if self.attrs is None:
            self.attrs = _info_class(self.kind)()


@dataclass
class Relation:
    kind: str  # holds-post | sub-organization-of | located-in | issued-by | operated-by | active-in | mentioned-in | part-of
    source: str
    target: str
    title: str | None = None  # the office of a holds-post relation
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True)
class Merge:
    """Namesakes resolution took for one person, and why (for a reviewer to read)."""

    name: str
    entity: str  # the merged entity's id
    seen_in: tuple[tuple[str, int], ...]  # (page, article) of every mention merged
    reasons: tuple[str, ...]


@dataclass
class PageKnowledge:
    """One page resolved on its own (``resolve_page``): its entities, each with this page's
    evidence, aliases and attributes, and its relations; officials not yet merged across pages.
    A pure function of the page and its findings: the unit a build folds into its knowledge base
    (``resolve``), whatever the other pages say."""

    source: str
    entities: dict[str, Entity]
    relations: dict[tuple, Relation]
    deferred: list[Deferred] = field(default_factory=list)


@dataclass(frozen=True)
class Deferred:
    """A read a page cannot make alone, as it needs what other pages say of an entity it names (the
    province of a union another page places). The page records it; the build makes it once every page
    is folded (``_Builder.settle``), so that neither a page's knowledge nor the result depends on which
    pages came before it. ``read`` names the function making it (``module:function``, called with the
    entities folded from every page, a fresh builder to write what it adds into, and this record:
    ``settled``)."""

    read: str
    source: str  # entity ids
    target: str
    evidence: Evidence | None = None


@dataclass
class KnowledgeBase:
    entities: dict[str, Entity]
    relations: list[Relation]
    pages: list[str]
    merges: list[Merge] = field(default_factory=list)


@lru_cache(maxsize=1 << 16)
def slug(text: str) -> str:
    """ASCII slug from a Chinese name (pinyin), for readable identifiers. Kept for the names
    met again and again (an entity's id is made at each mention; pinyin took a third of the
    resolution of an archive)."""
    # (pinyin leaves ASCII as it is, but takes 25 us to say so: a page's name, of an archive's records, is ASCII)
    s = text if text.isascii() else "-".join(lazy_pinyin(text))
    s = re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")
    return s[:60].rstrip("-") or "x"


def entity_id(kind: str, key: str, name: str) -> str:
    digest = hashlib.sha1(f"{kind}\x1f{key}".encode("utf-8")).hexdigest()[:8]
    return f"{kind}/{slug(name)}-{digest}"


def _copied(value):
    """A copy of an attribute's value, or of a kind's attributes, sharing nothing that can change."""
    if isinstance(value, list):
        return list(value)
    if dataclasses.is_dataclass(value):
        return type(value)(**{f.name: _copied(getattr(value, f.name)) for f in dataclasses.fields(value)})
    return value


class _Builder:
    def __init__(self):
        self.g = lexicon.gazetteer()
        self.entities: dict[str, Entity] = {}
        self.relations: dict[tuple, Relation] = {}
        self.seen: set[tuple] = set()  # (entity id or relation key, evidence): evidence kept once, in O(1)
        self.merges: list[Merge] = []
        self.deferred: list[Deferred] = []  # reads of other pages' knowledge, made after the fold (settle)
        self.deferred_from: list[tuple[str, int]] = []  # (page, its read's number) of each, when folded
        self.renamed: dict[str, str] = {}  # an official before the merge -> the merged entity's id
        self.bare_posts: list[tuple[str, str, str, Evidence]] = []  # the merge's posts from bare titles (official, title, body, evidence)

    # -- entities ---------------------------------------------------------
    def entity(self, kind: str, key: str, name: str, evidence: Evidence | None = None,
               alias: str | None = None, eid: str | None = None) -> Entity:
        eid = eid or entity_id(kind, key, name)
        e = self.entities.get(eid)
        if e is None:
            e = self.entities[eid] = Entity(eid, kind, name)
        if alias and alias != e.name:
            e.aliases.add(alias)
        if evidence is not None and (eid, evidence) not in self.seen:
            self.seen.add((eid, evidence))
            e.evidence.append(evidence)
        return e

    def absorb(self, part: PageKnowledge) -> None:
        """Fold one page's knowledge into the build's (pages in the build's order): aliases and
        evidence added, an attribute the page reads replacing the one before unless the field is
        ``first()``-kept; the relations a kept value's page made with it (``MADE_WITH``) are the
        only ones of their kind from that entity. The page's own objects are copied, never changed,
        so that a page's knowledge can be folded again (an update folds an entity anew from the
        pages that name it)."""
        dropped: set[tuple[str, str]] = set()  # (relation kind, source id) made with a value not kept
        for eid, e in part.entities.items():
            have = self.entities.get(eid)
            if have is None:
                have = self.entities[eid] = Entity(eid, e.kind, e.name, set(e.aliases), _copied(e.attrs))
            else:
                have.aliases |= e.aliases
                for f in dataclasses.fields(e.attrs):
                    value = getattr(e.attrs, f.name)
                    if value is None:
                        continue
                    if not f.metadata.get(kinds.FOLD_FIRST):
                        setattr(have.attrs, f.name, _copied(value))
                    elif getattr(have.attrs, f.name) is None:
                        setattr(have.attrs, f.name, _copied(value))
                    elif f.name in getattr(e.attrs, "MADE_WITH", {}):
                        dropped.add((e.attrs.MADE_WITH[f.name], eid))
            for ev in e.evidence:
                if (eid, ev) not in self.seen:
                    self.seen.add((eid, ev))
                    have.evidence.append(ev)
        for key, r in part.relations.items():
            if (r.kind, r.source) in dropped:
                continue
            have = self.relations.get(key)
            if have is None:
                have = self.relations[key] = Relation(r.kind, r.source, r.target, r.title)
            for ev in r.evidence:
                if (key, ev) not in self.seen:
                    self.seen.add((key, ev))
                    have.evidence.append(ev)
        self.deferred.extend(part.deferred)
        self.deferred_from.extend((part.source, seq) for seq in range(len(part.deferred)))

    def settle(self) -> list[tuple[str, int, PageKnowledge]]:
        """Make the reads the pages left for the folded knowledge (``Deferred``), each as a part folded
        after every page (``settled``): all read the pages' fold, none reads what another one adds.
        Returns (page, read's number, part) of each."""
        parts = [(source, seq, settled(d, self.entities)) for (source, seq), d in zip(self.deferred_from, self.deferred)]
        self.deferred, self.deferred_from = [], []
        for _, _, part in parts:
            self.absorb(part)
        return parts

    def defer(self, read: str, source: str, target: str, evidence: Evidence | None = None) -> None:
        """Leave a read for the folded knowledge (``Deferred``)."""
        self.deferred.append(Deferred(read, source, target, evidence))

    def relate(self, kind: str, source: str, target: str, evidence: Evidence | None = None,
               title: str | None = None) -> None:
        if source == target:
            return
        key = (kind, source, target, title)
        r = self.relations.get(key)
        if r is None:
            r = self.relations[key] = Relation(kind, source, target, title)
        if evidence is not None and (key, evidence) not in self.seen:
            self.seen.add((key, evidence))
            r.evidence.append(evidence)

    def division(self, code: str, evidence: Evidence | None = None, alias: str | None = None) -> Entity:
        d = self.g.divisions[code]
        if d.level == "province":
            e = self.entity("province", code, d.name, evidence, alias, eid=f"province/{code}")
            e.attrs.code, e.attrs.short = code, self.g.province_short.get(code)
            return e
        e = self.entity("city", code, d.name, evidence, alias, eid=f"city/{code}")
        e.attrs.code, e.attrs.level = code, d.level
        parent = d.city if d.level == "district" and d.city else d.province
        if parent != code:
            self.relate("located-in", e.id, self.division(parent).id)
        return e

    def union(self, name: str, code: str | None, evidence: Evidence | None = None,
              alias: str | None = None, parent: str | None = None) -> Entity:
        e = self.entity("union", name, name, evidence, alias)
        if code:
            prov = self.division(self.g.divisions[code].province)
            e.attrs.province = prov.id
            self.relate("located-in", e.id, prov.id)
        if parent:
            e.attrs.parent = parent
            self.relate("sub-organization-of", e.id, parent)
        return e

    def place_union(self, code: str, evidence: Evidence | None = None, alias: str | None = None) -> Entity:
        """The 总工会 of a province, city, district or county, with its parents."""
        d = self.g.divisions[code]
        if d.level == "province":
            national = self.union(NATIONAL_UNION, None)
            return self.union(f"{d.name}总工会", code, evidence, alias, national.id)
        if d.level == "city":
            parent = self.place_union(d.province)
            return self.union(f"{d.name}总工会", code, evidence, alias, parent.id)
        city = d.city or d.province
        parent = self.place_union(city)
        e = self.union(f"{self.place_name(code)}总工会", code, evidence, alias, parent.id)
        if self.place_name(code) == d.name:
            e.aliases.add(f"{self.g.divisions[city].name}{d.name}总工会")  # 银川市灵武市总工会
        return e

    def place_name(self, code: str) -> str:
        """The name a body of this place carries: a district or county with its city (成都市武侯区,
        赣州市于都县), a county-level city alone (灵武市), a city or province as it is."""
        d = self.g.divisions[code]
        if d.level != "district" or d.name.endswith("市"):
            return d.name
        return f"{self.g.divisions[d.city or d.province].name}{d.name}"


class _Context:
    """Where an article is: its place mentions in reading order."""

    def __init__(self, builder: _Builder, page: Page, findings: ArticleFindings):
        self.b, self.g = builder, builder.g
        article = findings.article
        self.codes: dict[int, str] = {}
        places = findings.of_kind("place")
        sure = {m.attrs.codes[0] for m in places if len(m.attrs.codes) == 1}
        areas = {self.g.divisions[c].province for c in sure} | {self.g.divisions[c].city for c in sure} | sure
        for m in places:
            codes = m.attrs.codes
            best = next((c for c in codes if self.g.divisions[c].city in areas), None) or \
                next((c for c in codes if self.g.divisions[c].province in areas), None) or codes[0]
            self.codes[m.id] = best
        self.order = sorted(((m.sentence, m.start, self.codes[m.id]) for m in places))
        self.organizations: list[Entity] = []  # the article's organisations so far, in reading order
        self.dateline = None
        if article.dateline_place:
            cands = self.g.surfaces.get(article.dateline_place, ())
            self.dateline = cands[0] if cands else None

    def _level_ok(self, code: str, word: str) -> bool:
        d = self.g.divisions[code]
        if word == "省":
            return d.level == "province" and d.name.endswith("省")
        if word == "自治区":
            return d.level == "province" and d.name.endswith("自治区")
        if word == "市":  # a prefecture-level city, a municipality, or a county-level city (灵武市)
            return d.name.endswith("市") and d.level in ("city", "district") or self.g.is_municipality(code)
        if word in ("州", "自治州"):
            return d.level == "city" and d.name.endswith("州")
        if word == "盟":
            return d.level == "city" and d.name.endswith("盟")
        if word == "县级":  # any county-level division: a district, a county, a county-level city, a banner
            return d.level == "district"
        return d.level == "district" and d.name.endswith(word)

    def _lift(self, code: str, word: str) -> str | None:
        """The division at the level ``word`` names, containing ``code``."""
        d = self.g.divisions[code]
        for c in (code, d.city, d.province):
            if c and c in self.g.divisions and self._level_ok(c, word):
                return c
        return None

    def place(self, word: str, sentence: int, start: int) -> str | None:
        """The division a bare 省 / 市 / 自治区 / 区 means at this point of the article."""
        before = [c for (s, a, c) in self.order if (s, a) < (sentence, start)]
        for code in reversed(before):
            lifted = self._lift(code, word)
            if lifted:
                return lifted
        counts = Counter(filter(None, (self._lift(c, word) for (_, _, c) in self.order)))
        if counts:
            return counts.most_common(1)[0][0]
        if self.dateline:
            return self._lift(self.dateline, word)
        return None

    def main_province(self) -> str | None:
        counts = Counter(self.g.divisions[c].province for (_, _, c) in self.order)
        if counts:
            return counts.most_common(1)[0][0]
        return self.g.divisions[self.dateline].province if self.dateline else None


def _evidence(page: Page, findings: ArticleFindings, m: Mention) -> Evidence:
    s = findings.article.sentences[m.sentence]
    spans = s.original_spans(m.start, m.end) or [(s.start, s.start)]
    return Evidence(page.source, findings.article.index, m.sentence, spans[0][0], spans[-1][1], s.text)


class Keeper(Protocol):
    """What keeps the parts of a resolution for a later update (``kg.pipeline.state``): told each page's
    knowledge in the build's order, the entities deferred reads read as the pages' fold left them, each
    read's part, and the result with the officials' merged ids."""

    def page(self, page: Page, knowledge: PageKnowledge) -> None: ...

    def folded(self, entities: Mapping[str, Entity], read: Iterable[str]) -> None: ...

    def settled(self, source: str, seq: int, part: PageKnowledge) -> None: ...

    def finish(self, kb: "KnowledgeBase", renamed: Mapping[str, str],
               bare_posts: list[tuple[str, str, str, "Evidence"]]) -> None: ...

    def abort(self) -> None: ...


def resolve(pages: Iterable[tuple[Page, list[ArticleFindings]]], keeper: Keeper | None = None) -> KnowledgeBase:
    """The knowledge base of all pages, read once and in order (``pages`` may be a stream:
    nothing keeps a page after its articles are resolved): each page resolved on its own, folded
    into the build's knowledge in order, then the officials merged across pages. A ``keeper`` is
    told every part (a build that can be updated keeps them)."""
    try:
        return _resolve(pages, keeper)
    except BaseException:
        if keeper is not None:
            keeper.abort()  # what it kept of a resolution that did not finish is dropped
        raise


def _resolve(pages: Iterable[tuple[Page, list[ArticleFindings]]], keeper: Keeper | None) -> KnowledgeBase:
    b = _Builder()
    sources = []
    for page, articles in pages:
        sources.append(page.source)
        part = resolve_page(page, articles)
        if keeper is not None:
            keeper.page(page, part)
        b.absorb(part)
    if keeper is not None:
        keeper.folded(b.entities, {eid for d in b.deferred for eid in (d.source, d.target)})
    for source, seq, part in b.settle():
        if keeper is not None:
            keeper.settled(source, seq, part)
    _merge_officials(b)
    relations = sorted(b.relations.values(), key=lambda r: (r.kind, r.source, r.target, r.title or ""))
    entities = dict(sorted(b.entities.items()))
    for item in (*entities.values(), *relations):
        # evidence in one order that depends on nothing but the evidence (not on the order pages came in,
        # nor on which namesake a merged official's mentions came from): what an update can keep
        item.evidence.sort(key=evidence_order)
    kb = KnowledgeBase(entities, relations, sources, sorted(b.merges, key=lambda m: (m.name, m.entity)))
    if keeper is not None:
        keeper.finish(kb, b.renamed, b.bare_posts)
    return kb


def fold(parts: Iterable[PageKnowledge]) -> tuple[dict[str, Entity], dict[tuple, Relation]]:
    """The entities and relations folded from ``parts`` in their order (the build's fold, without the
    deferred reads or the merge): what an update folds again for the entities a changed page names."""
    b = _Builder()
    for part in parts:
        b.absorb(part)
    return b.entities, b.relations


def merge_namesakes(parts: Iterable[PageKnowledge], bodies: Mapping[str, Entity]
                    ) -> tuple[dict[str, Entity], dict[tuple, Relation], list[Merge], dict[str, str],
                               list[tuple[str, str, str, Evidence]]]:
    """The officials of one name merged as ``resolve`` merges them: ``parts`` hold every namesake
    (officials before the merge, each of one page) and the relations naming them, in the build's order;
    ``bodies`` the resolved bodies of their posts (read only). Gives the entities and relations the
    merge makes, its log, the merged id of each official before the merge, and the posts it read from bare
    titles (official before the merge, title, body, evidence). The parts are the
    merge's to change (an update reads them fresh from its state): a namesake and its relations are
    each of one page, so they are taken as they are rather than folded and copied."""
    b = _Builder()
    for part in parts:
        for eid, e in part.entities.items():
            if eid in b.entities:  # (not met: an official before the merge is one page's)
                b.absorb(PageKnowledge(part.source, {eid: e}, {}))
            else:
                b.entities[eid] = e
        for key, r in part.relations.items():
            if key in b.relations:
                b.absorb(PageKnowledge(part.source, {}, {key: r}))
            else:
                b.relations[key] = r
    b.entities.update((eid, e) for eid, e in bodies.items() if eid not in b.entities)
    _merge_officials(b)
    made = {eid: e for eid, e in b.entities.items() if eid not in bodies}
    return made, b.relations, b.merges, b.renamed, b.bare_posts


def page_id(source: str, sha256: str) -> str:
    """The id of the page known as ``source`` in the build, of these bytes (its IRI's local name)."""
    return f"page/{slug(source)}-{sha256[:8]}"


def resolve_page(page: Page, articles: list[ArticleFindings]) -> PageKnowledge:
    """One page's knowledge, from its findings alone (see ``PageKnowledge``)."""
    b = _Builder()
    page_entity = b.entity("page", page.source, page.source, eid=page_id(page.source, page.sha256))
    page_entity.attrs = PageInfo(page.source, page.sha256, **{k: v for k, v in page.meta.items()
                                                              if k in ("id", "url", "date", "archive", "line")})
    for findings in articles:
        _resolve_article(b, page, page_entity, findings)
    return PageKnowledge(page.source, b.entities, b.relations, b.deferred)


def _resolve_article(b: _Builder, page: Page, page_entity: Entity, findings: ArticleFindings) -> None:
    article = findings.article
    art = b.entity("article", f"{page.source}#{article.index}", article.headline or f"{page.source}#{article.index}",
                   eid=f"{page_entity.id.replace('page/', 'article/')}-{article.index:03d}")
    art.attrs = ArticleInfo(page=page_entity.id, source=page.source, index=article.index, headline=article.headline,
                            kicker=article.kicker, byline=article.byline, dateline=article.dateline, type=article.type,
                            continued=article.continued)
    b.relate("part-of", art.id, page_entity.id)
    ctx = _Context(b, page, findings)
    resolved: dict[int, Entity] = {}

    for m in findings.mentions:
        ev = _evidence(page, findings, m)
        e = _resolve_mention(b, ctx, m, ev, findings)
        if e is None:
            continue
        resolved[m.id] = e
        if not implied(m):  # a body no text names (总书记's party) is not mentioned
            b.relate("mentioned-in", e.id, art.id)

    for p in article.persons:
        byline = Evidence(page.source, article.index, -1, 0, 0, article.byline or "")
        e = b.entity("person", f"{p.name}\x1f{p.role}", p.name, byline)
        e.attrs.role, e.attrs.affiliation = p.role, p.affiliation
        b.relate("mentioned-in", e.id, art.id)

    for resolver in _article_resolvers():
        resolver(b, page, findings, resolved, art.id)  # _resolve_programs
    _resolve_links(b, page, findings, resolved)


def _resolve_mention(b: _Builder, ctx: _Context, m: Mention, ev: Evidence, findings: ArticleFindings):
    """The entity a mention names, by the resolver ``kg/knowledge/kinds.py`` registers for its kind (a kind
    nobody registered raises ``UnknownKind`` naming it, instead of being dropped); None for the
    kinds resolved with the whole article (programs, ``_resolve_programs``). A kind that refines
    the mention's kind (``EntityKind.refines``) takes the mentions it accepts."""
    for accepts, refined in _refinements().get(m.kind, ()):
        if accepts(m):
            return refined(b, ctx, m, ev, findings)  # an organisation named as an enterprise, say
    resolver = _mention_resolvers().get(m.kind)
    if resolver is None:
        kinds.mention_kind(m.kind)  # raises for an unregistered kind
        return None  # resolved with the whole article
    return resolver(b, ctx, m, ev, findings)


@lru_cache(maxsize=1)
def _mention_resolvers() -> dict:
    """Mention kind -> the function resolving one mention of it, as ``kg/knowledge/kinds.py`` names them
    (kinds resolved with the whole article left out)."""
    return {mention: kinds.function(name) for mention, name in kinds.mention_kinds().items()
            if mention not in kinds.whole_article()}


@lru_cache(maxsize=1)
def _refinements() -> dict:
    """Mention kind -> ((accepts, resolver), ...) of the kinds ``kg/knowledge/kinds.py`` says refine it."""
    return {mention: tuple((kinds.function(accepts), kinds.function(resolver)) for accepts, resolver in found)
            for mention, found in kinds.refinements().items()}


@lru_cache(maxsize=1)
def _article_resolvers() -> tuple:
    """The functions resolving all mentions of an article of a kind at once, in registry order."""
    return tuple(kinds.function(kinds.mention_kind(mention)) for mention in kinds.whole_article())


def _resolve_place(b: _Builder, ctx: _Context, m: Mention, ev: Evidence, findings: ArticleFindings) -> Entity:
    return b.division(ctx.codes[m.id], ev, alias=m.surface)


def _resolve_official(b: _Builder, ctx: _Context, m: Mention, ev: Evidence, findings: ArticleFindings) -> Entity:
    e = b.entity("official", f"{m.surface}\x1f{findings.article.index}\x1f{ev.page}\x1f{m.start}", m.surface, ev)
    if m.attrs.bare_title:
        # 王明主席: the organisation is read from the same person's posts (_merge_officials)
        if e.attrs.bare_titles is None:
            e.attrs.bare_titles = []
        e.attrs.bare_titles.append((m.attrs.bare_title, ev))
    return e


def _resolve_person(b: _Builder, ctx: _Context, m: Mention, ev: Evidence, findings: ArticleFindings) -> Entity:
    return b.entity("person", f"{m.surface}\x1f{m.attrs.role}", m.surface, ev)


def _resolve_policy(b: _Builder, ctx: _Context, m: Mention, ev: Evidence, findings: ArticleFindings) -> Entity:
    e = b.entity("policy", m.attrs.title, m.attrs.title, ev, alias=m.surface)
    if m.attrs.short:
        e.aliases.add(m.attrs.short)
    if m.attrs.date and not e.attrs.date:
        e.attrs.date = m.attrs.date
    return e


def _resolve_union(b: _Builder, ctx: _Context, m: Mention, ev: Evidence,
                   findings: ArticleFindings | None = None) -> Entity | None:
    g, a = b.g, m.attrs
    printed = m.surface[:len(m.surface) - len(a.department or "")]
    dept_ev, ev = ev, (None if a.department else ev)  # the union itself has its own mention
    if a.name and a.foreign:
        base = b.union(a.name, None, ev, alias=printed)  # another country's union: no parent here
    elif a.level == "national":
        base = b.union(NATIONAL_UNION, None, ev, alias=printed)
    elif a.national_industry:
        national = b.union(NATIONAL_UNION, None)
        base = b.union(f"中国{a.industry}工会", None, ev, alias=printed, parent=national.id)
    else:
        code = None
        if a.places is not None:
            chain_codes = []
            for surface, codes in a.places:
                cands = [c for c in codes if not chain_codes or g.divisions[c].province == g.divisions[chain_codes[-1]].province]
                chain_codes.append(next((c for c in cands if c in set(ctx.codes.values())), (cands or codes)[0]))
            code = chain_codes[-1]
        elif a.bare_level is not None:
            code = ctx.place(a.bare_level, m.sentence, m.start)
            if code is None:
                return None
        elif a.unit:
            # 玉林街道总工会: a street or town of the district or county the article names before it
            code = ctx.place("区", m.sentence, m.start) or ctx.place("县", m.sentence, m.start) or \
                ctx.place("县级", m.sentence, m.start)  # (荣成市俚岛镇, 某旗某镇: a county-level city's or banner's)
            if code is None:
                return None
        if a.enterprise and code is None:
            code = ctx.main_province()  # an enterprise's union: in the province the article is about
        if a.unit and code is not None:
            # 朝阳区望京街道总工会: a street's or zone's union, under its district's
            parent = b.place_union(code)
            suffix = "总工会" if printed.endswith("总工会") else "工会"
            base = b.union(parent.name[:-len("总工会")] + a.unit + suffix, code, ev, alias=printed, parent=parent.id)
        elif a.name:
            # 澳门工会联合总会, 某某有限公司工会: a body with a name of its own, in its place, parent unknown
            base = b.union(a.name, code, ev, alias=printed)
        elif a.industry:
            if code is None:
                return None
            place = g.divisions[code]
            parent = b.place_union(code)
            base = b.union(f"{place.name}{a.industry}工会", code, ev, alias=printed, parent=parent.id)
        elif code is not None:
            # a union listed by its place alone (成都市、德阳市总工会) has no printed name of its own
            base = b.place_union(code, ev, alias=None if a.listed else printed)
        else:
            province = ctx.main_province()
            base = b.union(f"{a.qualifier}总工会", province, ev, alias=printed)
    if a.department:
        dept = b.union(f"{base.name}{a.department}", (base.attrs.province or "").replace("province/", "") or None,
                       dept_ev, alias=m.surface, parent=base.id)
        dept.attrs.department = True
        if not base.attrs.province:  # another page may place the union: read once every page is folded
            b.defer("kg.resolve.entities:settle_department_province", dept.id, base.id)
        if m.surface != base.name:
            dept.aliases.add(a.department)
        return dept
    return base


def _resolve_organization(b: _Builder, ctx: _Context, m: Mention, ev: Evidence,
                          findings: ArticleFindings | None = None) -> Entity | None:
    g, template, place = b.g, m.attrs.template, m.attrs.place
    if m.attrs.implied:
        ev = None  # 总书记 names no organisation: the post has the evidence, the body no mention
    code = None
    if place is not None:
        if place in _LEVEL_OF_WORD:
            code = ctx.place(place, m.sentence, m.start)
        else:
            codes = g.surfaces.get(place, ())
            code = next((c for c in codes if c in set(ctx.codes.values())), codes[0] if codes else None)
        if code is None:
            return None
    if code is None and "{place}" not in template and not m.attrs.implied and m.surface == template:
        # 常委会, 党组 after 全国人大常委会 or 省政府党组: the short name stands for the body the article named
        # in full before it (as printed on this page, or in a form the lexicon knows it by: the page's
        # knowledge is its own); 常委会法制工作委员会: a body of that body
        for short in ((m.surface,) if len(m.surface) <= 3 else (m.surface[:3],) if m.surface.startswith("常委会") else ()):
            earlier = next((e for e in reversed(ctx.organizations)
                            if any(len(n) > len(short) and n.endswith(short)
                                   for n in (e.name, *e.aliases, *lexicon.printed_forms(e.name)))), None)
            if earlier is not None:
                name = earlier.name + m.surface[len(short):]
                e = b.entity("organization", name, name, ev, alias=m.surface if name != earlier.name else None)
                if name != earlier.name:
                    ctx.organizations.append(e)
                return e
    name = template.replace("{place}", b.place_name(code) if code else "")
    e = b.entity("organization", name, name, ev, alias=None if m.attrs.state_only else m.surface)
    ctx.organizations.append(e)
    if m.attrs.country:
        e.attrs.country = m.attrs.country
    if code:
        prov = b.division(g.divisions[code].province)
        e.attrs.province = prov.id
        b.relate("located-in", e.id, prov.id)
    return e


def _resolve_links(b: _Builder, page: Page, findings: ArticleFindings, resolved: dict[int, Entity]) -> None:
    """Each link between two resolved mentions becomes relations, by the resolver ``kg/knowledge/kinds.py``
    registers for its kind (an unregistered kind, or one with no resolver, raises naming it)."""
    for link in findings.links:
        resolver = _link_resolvers().get(link.kind) or _no_link_resolver(link.kind)
        src, dst = resolved.get(link.source.id), resolved.get(link.target.id)
        if src is None or dst is None:
            continue
        ev = _evidence(page, findings, link.source)
        resolver(b, src, dst, ev, link)


@lru_cache(maxsize=1)
def _link_resolvers() -> dict:
    return {r.name: kinds.function(r.resolver) for r in kinds.RELATION_KINDS if r.resolver}


def _no_link_resolver(kind: str):
    kinds.relation_kind(kind)  # raises for a kind nobody registered
    raise kinds.UnknownKind(f"link kind {kind!r} has no resolver in kg/knowledge/kinds.py RELATION_KINDS: "
                            f"extractors may not write it as a Link")


def _link_holds_post(b: _Builder, src: Entity, dst: Entity, ev: Evidence, link: Link) -> None:
    if src.attrs.posts is None:
        src.attrs.posts = []
    post = (link.title, dst.id)
    if post not in src.attrs.posts:
        src.attrs.posts.append(post)
    b.relate("holds-post", src.id, dst.id, ev, title=link.title)


def _link_issued_by(b: _Builder, src: Entity, dst: Entity, ev: Evidence, link: Link) -> None:
    if not src.attrs.issuer:
        src.attrs.issuer = dst.id
        b.relate("issued-by", src.id, dst.id, ev)


def _link_operated_by(b: _Builder, src: Entity, dst: Entity, ev: Evidence, link: Link) -> None:
    operator = dst
    while operator.attrs.department and operator.attrs.parent:
        operator = b.entities[operator.attrs.parent]
    b.relate("operated-by", src.id, operator.id, ev)
    if operator.attrs.province:
        b.relate("active-in", src.id, operator.attrs.province, ev)
    else:  # another page may place the union: read once every page is folded
        b.defer("kg.resolve.entities:settle_active_in", src.id, operator.id, ev)


def settled(d: Deferred, folded: Mapping[str, Entity]) -> PageKnowledge:
    """What one deferred read adds to the knowledge folded from every page (``folded``, only read): a part
    folded after every page, made by the function the read names (``d.read``, called with the folded
    entities and a fresh builder it writes into). An update makes it again when the page leaving it, or
    an entity it reads, changes."""
    out = _Builder()
    kinds.function(d.read)(folded, out, d)
    return PageKnowledge("", out.entities, out.relations)


def settle_active_in(folded: Mapping[str, Entity], out: _Builder, d: Deferred) -> None:
    """A programme is active in the province of the union operating it, when a page places the union
    (``Deferred``: the page naming the programme did not)."""
    operator = folded.get(d.target)
    if operator is not None and operator.attrs.province:
        out.relate("active-in", d.source, operator.attrs.province, d.evidence)


def settle_department_province(folded: Mapping[str, Entity], out: _Builder, d: Deferred) -> None:
    """A union department is in its union's province, when a page places the union (``Deferred``)."""
    department, union = folded.get(d.source), folded.get(d.target)
    if department is not None and union is not None and not department.attrs.province and union.attrs.province:
        placed = out.entity(department.kind, department.name, department.name, eid=department.id)
        placed.attrs.province = union.attrs.province
        out.relate("located-in", department.id, union.attrs.province)


def _link_active_in(b: _Builder, src: Entity, dst: Entity, ev: Evidence, link: Link) -> None:
    province = dst.id if dst.kind == "province" else f"province/{b.g.divisions[dst.attrs.code].province}"
    b.relate("active-in", src.id, province, ev)


def _resolve_programs(b: _Builder, page: Page, findings: ArticleFindings, resolved: dict[int, Entity],
                      article_id: str) -> None:
    """One entity per program per article: a short form that ends a longer one is its alias."""
    progs = findings.of_kind("program")
    names = {m.id: m.attrs.canonical or m.surface for m in progs}
    # one brand under several wordings in an article (“书香园丁”读书行动, “书香园丁”教职工读书行动)
    by_core: dict[str, list[str]] = {}
    for m in progs:
        if m.attrs.core:
            by_core.setdefault(m.attrs.core, []).append(names[m.id])
    for m in progs:
        name = names[m.id]
        longer = [n for n in names.values() if n != name and n.endswith(name) and len(name) >= 2
                  and not m.attrs.canonical]
        canonical = max(longer, key=len) if longer else name
        wordings = by_core.get(m.attrs.core, [])
        if len(set(wordings)) > 1:  # the wording printed most often, then the shortest
            canonical = min(set(wordings), key=lambda w: (-wordings.count(w), len(w), w))
        ev = _evidence(page, findings, m)
        e = b.entity("program", canonical, canonical, ev, alias=m.surface)
        if m.attrs.alias:
            e.aliases.add(m.attrs.alias)
        if name != canonical:
            e.aliases.add(name)
        resolved[m.id] = e
        b.relate("mentioned-in", e.id, article_id)


def _merge_officials(b: _Builder) -> None:
    """One official per person: the same name with a shared organisation is the same person.

    A title printed after a name with no organisation (王明主席) becomes a post only where the
    same name holds a post with that title: in the same article, else on the same page, else
    anywhere in the build (the most frequent such organisation). Nothing is guessed."""
    groups: dict[str, list[Entity]] = {}
    for e in list(b.entities.values()):
        if e.kind == "official":
            groups.setdefault(e.name, []).append(e)
    renamed: dict[str, str] = {}
    bare_posts: list[tuple[str, str, str, Evidence]] = []  # (old id, title, org id, evidence)
    for name, group in groups.items():
        index = None
        for e in group:
            for title, ev in e.attrs.bare_titles or ():
                index = index if index is not None else _PostIndex(group)
                org = index.org_with_title(title, ev)
                if org is not None:
                    if e.attrs.posts is None:
                        e.attrs.posts = []
                    if (title, org) not in e.attrs.posts:
                        e.attrs.posts.append((title, org))
                        index.add(e, title, org)
                    bare_posts.append((e.id, title, org, ev))
        for cluster, reasons in _same_person(b, group):
            # the person's id: the name and the first, in id order, of the bodies of its posts (two people
            # of one name never share one, or they would be one), so that it does not move when a page
            # naming the person is added or taken away, unless that page brings or takes that body
            bodies = sorted({o for e in cluster for _, o in e.attrs.posts or ()})
            # a title whose organisation could not be resolved leaves a name without a post:
            # that is a person, not an official (every official holds at least one post)
            kind = "official" if bodies else "person"
            new_id = entity_id(kind, f"{name}\x1f{bodies[0] if bodies else ''}", name)
            # namesakes without a post join no one, and all get the id of the name alone: they are one
            # person, whose evidence gathers every cluster's (a later cluster used to replace an earlier)
            merged = b.entities.get(new_id)
            joined = merged is not None and merged.kind == kind
            if not joined:
                merged = Entity(new_id, kind, name)
            seen: set[Evidence] = set(merged.evidence)
            for e in cluster:
                merged.aliases |= e.aliases
                for v in e.evidence:
                    if v not in seen:
                        seen.add(v)
                        merged.evidence.append(v)
                for post in e.attrs.posts or ():
                    if merged.attrs.posts is None:
                        merged.attrs.posts = []
                    if post not in merged.attrs.posts:
                        merged.attrs.posts.append(post)
                del b.entities[e.id]
                renamed[e.id] = new_id
            b.entities[new_id] = merged
            if joined:  # one line for the person in the merge log, with every reason
                earlier = [m for m in b.merges if m.entity == new_id]
                b.merges = [m for m in b.merges if m.entity != new_id]
                reasons = [r for m in earlier for r in m.reasons] + list(reasons) + ["no post anywhere: one person of this name"]
            if len(cluster) > 1 or joined:
                b.merges.append(Merge(name, new_id, tuple(sorted({(v.page, v.article) for v in merged.evidence})),
                                      tuple(dict.fromkeys(reasons))))
    # one pass over the relations for all merged officials
    for key, r in list(b.relations.items()):
        if r.source in renamed or r.target in renamed:
            del b.relations[key]
            src, dst = renamed.get(r.source, r.source), renamed.get(r.target, r.target)
            for ev in r.evidence or [None]:
                b.relate(r.kind, src, dst, ev, r.title)
    for old, title, org, ev in bare_posts:
        b.relate("holds-post", renamed.get(old, old), org, ev, title=title)
    b.renamed.update(renamed)
    b.bare_posts.extend(bare_posts)


def _same_person(b: _Builder, namesakes: list[Entity]) -> list[tuple[list[Entity], list[str]]]:
    """The namesakes grouped into people, with the reasons each group was joined.

    Two mentions of one name are one person when they hold a post at the same organisation, or
    when every post of both is at a national or central body (a name at the top of the state
    names one person). A mention without a post of its own joins the first such person. Links
    are direct evidence, never a guess passed on: a group is the connected set of these links."""
    order = sorted(namesakes, key=lambda x: (x.evidence[0].page, x.evidence[0].article, x.evidence[0].sentence)
                   if x.evidence else ("", 0, 0))
    parent = list(range(len(order)))
    reasons: dict[int, list[str]] = {}

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def join(i: int, j: int, why: str) -> None:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
            reasons.setdefault(min(ri, rj), []).extend(reasons.pop(max(ri, rj), []) + [why])

    orgs = [{o for _, o in e.attrs.posts or ()} for e in order]
    first_at: dict[str, int] = {}
    for i, held in enumerate(orgs):
        for org in sorted(held):
            if org in first_at:
                join(i, first_at[org], f"posts at {b.entities[org].name}")
            else:
                first_at[org] = i
    national = [i for i, held in enumerate(orgs) if held and all(_is_national(b, o) for o in held)]
    for i in national[1:]:
        join(i, national[0], "posts at national bodies only")
    with_posts = [i for i, held in enumerate(orgs) if held]
    for i, held in enumerate(orgs):
        if not held and with_posts:
            join(i, with_posts[0], "no post of its own")
    groups: dict[int, list[Entity]] = {}
    for i, e in enumerate(order):
        groups.setdefault(root(i), []).append(e)
    return [(members, list(dict.fromkeys(reasons.get(r, [])))) for r, members in groups.items()]


def _is_national(b: _Builder, org: str) -> bool:
    e = b.entities.get(org)
    return e is not None and is_national_body(e)


def is_national_body(e: Entity) -> bool:
    """A Chinese body with no province of its own: central, national or the ACFTU (namesakes whose
    posts are all at such bodies are one person)."""
    # every body kind has a province; only an organisation may be another state's
    return not getattr(e.attrs, "province", None) and (e.kind != "organization" or (e.attrs.country or "CN") == "CN")


class _PostIndex:
    """Where namesakes hold each title, counted per piece of evidence: by article, by page and in
    the whole build (one pass over the group, not one per bare title)."""

    def __init__(self, namesakes: list[Entity]):
        self.by_article: dict[tuple[str, str, int], Counter] = {}
        self.by_page: dict[tuple[str, str], Counter] = {}
        self.anywhere: dict[str, Counter] = {}
        for other in namesakes:
            for post_title, org in other.attrs.posts or ():
                self.add(other, post_title, org)

    def add(self, holder: Entity, title: str, org: str) -> None:
        for v in holder.evidence:
            self.by_article.setdefault((title, v.page, v.article), Counter())[org] += 1
            self.by_page.setdefault((title, v.page), Counter())[org] += 1
            self.anywhere.setdefault(title, Counter())[org] += 1

    def org_with_title(self, title: str, ev: Evidence) -> str | None:
        """The organisation at which a namesake holds ``title``: in the same article, else on the
        same page, else the most frequent one in the build; None when none holds it."""
        counts = self.by_article.get((title, ev.page, ev.article)) or self.by_page.get((title, ev.page)) \
            or self.anywhere.get(title)
        if not counts:
            return None
        return min(counts, key=lambda org: (-counts[org], org))
