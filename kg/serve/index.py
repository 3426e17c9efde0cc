"""What the explorer needs of the store, held in memory: every entity with its names, kind,
context, provinces and the dates it was mentioned on, and the links between entities.

Read once when the server starts (a handful of SPARQL queries over the union graph; about
a minute of CPU on ten years of news, see ``docs/performance.md``), so that search, expansion
and the filters never touch the store. Entity pages and evidence do (``kg.serve.pages``).

Search (``GraphIndex.search``) matches a canonical name, an alias, their pinyin (full,
without tones: ``quanzong``; or initials: ``qz``) and traditional characters (the query is
converted to simplified with OpenCC's ``t2s`` first), exact matches before prefixes before
substrings, then the best-connected first.
"""
from __future__ import annotations

import bisect
import re
import threading
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.knowledge import kinds
from kg.export.rdf import PREFIXES

UKG = PREFIXES["ukg"]
# an entity's class -> its kind, as kg/knowledge/kinds.py registers them (a district is a city)
TYPE_KIND = {UKG + k.rdf_class: k.name for k in kinds.ENTITY_KINDS if k.drawn} | {UKG + "District": "city"}
RECENT_ARTICLES = 200  # articles an entity's page lists
KIND_ORDER = kinds.drawn()

# entity -> entity predicates, as the relation names of graph.json
RELATIONS = {
    "http://www.w3.org/ns/org#subOrganizationOf": "sub-organization-of",
    "https://schema.org/location": "located-in",
    "https://schema.org/containedInPlace": "located-in",
    "https://schema.org/legislationPassedBy": "issued-by",
    UKG + "operatedBy": "operated-by",
    UKG + "activeIn": "active-in",
}
HOLDS = "http://www.w3.org/ns/org#holds"

# what a relation is called seen from either end (Chinese · English)
RELATION_NAMES = {
    ("holds-post", "out"): "职务 · posts",
    ("holds-post", "in"): "任职人员 · office holders",
    ("sub-organization-of", "out"): "上级 · parent bodies",
    ("sub-organization-of", "in"): "下级 · child bodies",
    ("located-in", "out"): "所在地 · places",
    ("located-in", "in"): "位于此地 · located here",
    ("operated-by", "out"): "主办 · operated by",
    ("operated-by", "in"): "项目 · programs",
    ("active-in", "out"): "开展地区 · active in",
    ("active-in", "in"): "项目 · programs here",
    ("issued-by", "out"): "发布机构 · issued by",
    ("issued-by", "in"): "政策 · policies",
}


@dataclass
class Entity:
    iri: str
    kind: str
    label: str
    aliases: list[str] = field(default_factory=list)
    articles: int = 0  # articles it is mentioned in
    dates: list[str] = field(default_factory=list)  # sorted distinct days of those articles' pages
    provinces: set[str] = field(default_factory=set)  # IRIs
    context: str = ""
    keys: list[tuple[str, str]] = field(default_factory=list)  # (normalised name, how it matched)
    # (day, article IRI) of its latest RECENT_ARTICLES articles, the latest first: an entity's page
    # lists them without reading every article of a name mentioned ten thousand times
    recent: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Link:
    other: str
    relation: str  # graph.json's kind
    direction: str  # "out": this entity is the subject
    title: str = ""  # a post's title
    via: str = ""  # the post IRI of a holds-post link


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower()


_ASCII_QUERY = re.compile(r"[a-z0-9 ']+")


class _Converter:
    """Traditional -> simplified characters (OpenCC ``t2s``), or identity without OpenCC."""

    def __init__(self):
        self._lock = threading.Lock()
        try:
            import opencc
            self._cc = opencc.OpenCC("t2s")
        except Exception:  # noqa: BLE001 - the search still works without it, on simplified text
            self._cc = None

    def __call__(self, text: str) -> str:
        if self._cc is None or text.isascii():
            return text
        with self._lock:
            return self._cc.convert(text)


def _pinyin_of(names: list[str]) -> dict[str, tuple[str, str]]:
    """name -> (full pinyin without tones or spaces, initials), for names with Chinese in them."""
    from pypinyin import Style, lazy_pinyin

    out = {}
    for name in names:
        if name.isascii():
            continue
        syllables = [s for s in lazy_pinyin(name, style=Style.NORMAL, errors="ignore") if s.isascii()]
        if syllables:
            out[name] = ("".join(syllables).lower(), "".join(s[0] for s in syllables).lower())
    return out


class GraphIndex:
    """Entities and links of a store, for search, expansion and filters."""

    def __init__(self, store: ox.Store):
        self.entities: dict[str, Entity] = {}
        self.links: dict[str, list[Link]] = defaultdict(list)
        self.provinces: list[tuple[str, str]] = []  # (IRI, name), sorted by name
        self.first_date = self.last_date = None
        self._t2s = _Converter()
        self._load(store)

    # ---------------------------------------------------------------- loading

    def _rows(self, store: ox.Store, text: str):
        return store.query(text, prefixes=PREFIXES)

    def _load(self, store: ox.Store) -> None:
        types = " ".join(f"<{t}>" for t in TYPE_KIND)
        for s, t, label in self._rows(store, f"SELECT ?s ?t ?l {{ VALUES ?t {{ {types} }} ?s a ?t ; skos:prefLabel ?l }}"):
            if s.value not in self.entities:
                self.entities[s.value] = Entity(s.value, TYPE_KIND[t.value], label.value)
        for s, alt in self._rows(store, "SELECT ?s ?a { ?s skos:altLabel ?a }"):
            e = self.entities.get(s.value)
            if e is not None and alt.value != e.label and alt.value not in e.aliases:
                e.aliases.append(alt.value)
        preds = " ".join(f"<{p}>" for p in RELATIONS)
        seen = set()
        for s, p, o in self._rows(store, f"SELECT ?s ?p ?o {{ VALUES ?p {{ {preds} }} ?s ?p ?o }}"):
            self._add_link(s.value, o.value, RELATIONS[p.value], "", "", seen)
        posts = defaultdict(list)
        for s, post, o, title in self._rows(store, "SELECT ?s ?post ?o ?t { ?s org:holds ?post . "
                                                   "?post org:postIn ?o ; ukg:title ?t }"):
            self._add_link(s.value, o.value, "holds-post", title.value, post.value, seen)
            posts[s.value].append((title.value, o.value))
        articles, dates = defaultdict(dict), defaultdict(set)
        for s, a, d in self._rows(store, "SELECT ?s ?a ?d { ?s ukg:mentionedIn ?a "
                                         "OPTIONAL { ?a dcterms:isPartOf/dcterms:date ?d } }"):
            day = d.value if d is not None else ""
            if day >= articles[s.value].get(a.value, ""):
                articles[s.value][a.value] = day
            if d is not None:
                dates[s.value].add(d.value)
        for iri, found in articles.items():
            if iri in self.entities:
                self.entities[iri].articles = len(found)
                latest = sorted(found.items(), key=lambda item: item[0])  # by IRI, then the latest day first
                latest.sort(key=lambda item: item[1], reverse=True)
                self.entities[iri].recent = [(day, a) for a, day in latest[:RECENT_ARTICLES]]
        all_dates = set()
        for iri, days in dates.items():
            if iri in self.entities:
                self.entities[iri].dates = sorted(days)
                all_dates |= days
        if all_dates:
            self.first_date, self.last_date = min(all_dates), max(all_dates)
        extra = {}
        for s, p, v in self._rows(store, "SELECT ?s ?p ?v { VALUES ?p { ukg:personRole ukg:affiliation "
                                         "schema:legislationDate } ?s ?p ?v }"):
            extra.setdefault(s.value, {})[p.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = v.value
        for links in self.links.values():
            links.sort(key=lambda l: (-self.rank(l.other), l.other, l.relation, l.title))
        self._provinces()
        self._contexts(posts, extra)
        names = sorted({n for e in self.entities.values() for n in (e.label, *e.aliases)})
        pinyin = _pinyin_of(names)
        for e in self.entities.values():
            keys = []
            for name in (e.label, *e.aliases):
                keys.append((norm(name), name))
                if name in pinyin:
                    full, initials = pinyin[name]
                    keys.append((full, name))
                    if len(initials) >= 2:
                        keys.append((initials, name))
            e.keys = keys
        # every key on one line of one string, searched by the regex engine, not a Python loop
        self._key_iri, self._key_name, starts, lines = [], [], [], []
        at = 0
        for e in self.entities.values():
            for key, name in e.keys:
                if not key or "\n" in key:
                    continue
                self._key_iri.append(e.iri)
                self._key_name.append(name)
                starts.append(at)
                lines.append(key)
                at += len(key) + 1
        self._starts = starts
        self._haystack = "\n".join(lines) + "\n"

    def _add_link(self, s: str, o: str, relation: str, title: str, via: str, seen: set) -> None:
        if s not in self.entities or o not in self.entities or (s, o, relation, title) in seen:
            return
        seen.add((s, o, relation, title))
        self.links[s].append(Link(o, relation, "out", title, via))
        if o != s:
            self.links[o].append(Link(s, relation, "in", title, via))

    def _provinces(self) -> None:
        """Each entity's provinces: a place's own (through its city), a body's place, an
        official's bodies', a program's and a policy's too."""
        ents = self.entities
        self.provinces = sorted(((i, e.label) for i, e in ents.items() if e.kind == "province"), key=lambda p: p[1])

        def placed(iri: str, depth: int = 0) -> set[str]:
            e = ents[iri]
            if e.kind == "province":
                return {iri}
            if depth > 8:
                return set()
            out = set()
            for link in self.links.get(iri, ()):
                if link.direction == "out" and link.relation in ("located-in", "active-in"):
                    out |= placed(link.other, depth + 1)
            return out

        own = {iri: placed(iri) for iri in ents}
        for iri, e in ents.items():
            found = set(own[iri])
            if e.kind in ("official", "program", "policy", "person"):
                for link in self.links.get(iri, ()):
                    if link.direction == "out" and link.relation in ("holds-post", "operated-by", "issued-by"):
                        found |= own[link.other]
            e.provinces = found

    def _contexts(self, posts: dict, extra: dict) -> None:
        """A short line that tells two namesakes apart: a post, a parent, a place, an issuer."""
        ents = self.entities
        for iri, e in ents.items():
            bits = []
            out = [l for l in self.links.get(iri, ()) if l.direction == "out"]
            if e.kind == "official":
                bits += [f"{ents[o].label}{t}" for t, o in posts.get(iri, [])[:2]]
            elif e.kind == "person":
                more = extra.get(iri, {})
                bits += [v for v in (more.get("affiliation"), more.get("personRole")) if v]
            elif e.kind == "policy":
                bits += [ents[l.other].label for l in out if l.relation == "issued-by"][:1]
                if extra.get(iri, {}).get("legislationDate"):
                    bits.append(extra[iri]["legislationDate"])
            else:
                rel = {"union": "sub-organization-of", "program": "operated-by"}.get(e.kind, "located-in")
                bits += [ents[l.other].label for l in out if l.relation == rel][:1]
            if not bits and e.provinces and e.kind != "province":
                bits.append("、".join(sorted(ents[p].label for p in e.provinces)[:2]))
            if e.dates:
                bits.append(e.dates[0] if e.dates[0] == e.dates[-1] else f"{e.dates[0]}…{e.dates[-1]}")
            bits.append(f"{e.articles} 篇文章 articles")
            e.context = " · ".join(bits)

    # ---------------------------------------------------------------- asking

    def rank(self, iri: str) -> int:
        e = self.entities.get(iri)
        return (e.articles if e else 0) + len(self.links.get(iri, ()))

    def search(self, query: str, limit: int = 20, kinds: set[str] | None = None) -> tuple[list[dict], int]:
        """(results, how many matched): exact names, then prefixes, then substrings; the
        best-connected first within each. ``query`` may be pinyin or traditional characters."""
        q = norm(query)
        if not q:
            return [], 0
        simple = norm(self._t2s(q))
        if _ASCII_QUERY.fullmatch(q):
            q = q.replace(" ", "").replace("'", "")
        best: dict[str, tuple[int, str]] = {}
        for one in {q, simple}:
            if "\n" in one:
                continue
            for found in re.finditer(re.escape(one), self._haystack):
                pos = found.start()
                k = bisect.bisect_right(self._starts, pos) - 1
                start = self._starts[k]
                if pos == start:
                    level = 0 if self._haystack[found.end()] == "\n" else 1
                elif len(one) > 1 or not one.isascii():
                    level = 2
                else:
                    continue  # one Latin letter inside a pinyin: too loose
                iri = self._key_iri[k]
                if level < best.get(iri, (9, ""))[0]:
                    best[iri] = (level, self._key_name[k])
        hits = [(level, -self.rank(iri), self.entities[iri].label, iri, name)
                for iri, (level, name) in best.items()
                if level < 9 and (not kinds or self.entities[iri].kind in kinds)]
        hits.sort()
        return [dict(self.node(iri), matched=name, match=("exact", "prefix", "part")[level])
                for level, _, _, iri, name in hits[:limit]], len(hits)

    def node(self, iri: str) -> dict:
        e = self.entities[iri]
        return {"id": iri, "kind": e.kind, "label": e.label, "aliases": e.aliases, "context": e.context,
                "articles": e.articles, "links": len(self.links.get(iri, ())),
                "first": e.dates[0] if e.dates else None, "last": e.dates[-1] if e.dates else None,
                "provinces": sorted(e.provinces)}

    def edge(self, iri: str, link: Link) -> dict:
        s, o = (iri, link.other) if link.direction == "out" else (link.other, iri)
        return {"id": f"{s} {link.relation} {o} {link.title}", "from": s, "to": o, "kind": link.relation,
                "label": link.title or link.relation, "via": link.via}

    def neighbours(self, iri: str, limit: int = 40, offset: int = 0, kinds: set[str] | None = None) -> dict:
        """The entity's links (best-connected neighbours first), ``limit`` at a time."""
        links = [l for l in self.links.get(iri, ()) if not kinds or self.entities[l.other].kind in kinds]
        others = list(dict.fromkeys(l.other for l in links))  # best-connected first, as links are sorted
        chosen = set(others[offset:offset + limit])
        return {"nodes": [self.node(o) for o in others[offset:offset + limit]],
                "edges": [self.edge(iri, l) for l in links if l.other in chosen],
                "total": len(others), "shown": min(len(others), offset + limit)}

    def hops(self, iri: str, hops: int, limit: int = 300, per_node: int = 40,
             kinds: set[str] | None = None) -> dict:
        """Everything within ``hops`` links of the entity (breadth first, at most ``per_node``
        neighbours of each and ``limit`` nodes in all), with every link between them."""
        seen, frontier, cut = {iri: None}, [iri], False
        for _ in range(max(0, hops)):
            nxt: dict[str, None] = {}
            for n in frontier:
                shown = 0
                for l in self.links.get(n, ()):
                    if kinds and self.entities[l.other].kind not in kinds:
                        continue
                    if l.other in seen or l.other in nxt:
                        continue
                    if shown >= per_node or len(seen) + len(nxt) >= limit:
                        cut = True
                        break
                    nxt[l.other] = None
                    shown += 1
            seen.update(nxt)
            frontier = list(nxt)
        return dict(self.between(list(seen)), cut=cut)

    def between(self, iris: list[str]) -> dict:
        wanted = [i for i in dict.fromkeys(iris) if i in self.entities]
        inside = set(wanted)
        edges = [self.edge(i, l) for i in wanted for l in self.links.get(i, ())
                 if l.direction == "out" and l.other in inside]
        return {"nodes": [self.node(i) for i in wanted], "edges": edges}

    def passes(self, iri: str, province: str | None = None, start: str | None = None,
               end: str | None = None, kinds: set[str] | None = None) -> bool:
        """Whether the entity is kept by the filters: of a kind, in (or about) a province,
        mentioned in an article of a page dated within [start, end]."""
        e = self.entities.get(iri)
        if e is None:
            return False
        if kinds and e.kind not in kinds:
            return False
        if province and province != iri and province not in e.provinces:
            return False
        if start or end:
            lo = bisect.bisect_left(e.dates, start or "")
            if lo >= len(e.dates) or (end and e.dates[lo] > end):
                return False
        return True
