"""How far does one new page reach? (issue 17, a measurement, not a test)

For a random sample of pages P of an archive (the ten-year 新闻联播 corpus by default), what
differs between the build of all pages but P and the build of all pages: the entities P names
(new to the build, or existing), the existing ones P gives a new alias, the other pages whose
facts file changes, the namesake groups of officials P joins and whether a merged official's id
changes, bare titles (王明主席) read elsewhere that resolve to another body, "first read" /
"last written" attributes that change, and the quads of other pages' graphs that change.
Only figures are printed: no text of the corpus.

    .venv/bin/python bench/update_reach.py                  # ten years, 300 pages, seed 17
    .venv/bin/python bench/update_reach.py --check          # the method against brute force first
    .venv/bin/python bench/update_reach.py --appended       # each page added after all the others

By default P is added at its place in the build order (the build of all pages); ``--appended``
adds it after all the others, as a new day's page comes: then it is never the first read nor an
entity's first evidence, but it is the last write, and its officials are merged after the others.

Method. Re-resolving 54,265 pages for each sampled page would take 300 x 94 s; instead each
page is resolved ALONE once (``_Builder`` + ``_resolve_article``, the resolver's own code,
before ``_merge_officials``) and kept as a compact partial (entity id -> aliases, first
evidence, the attribute values the page writes), while the full knowledge base is resolved
from the same stream. Resolution is page-local except in these places, which the method
recomputes per sampled page with and without P:

- ids: every entity id but an official's is made from what the page prints (kind, name, place),
  so the full build's entities are the union of the partials' (checked: ``check_partials``);
  an entity P names is new when no other partial holds it.
- aliases: an entity's aliases are the union of the partials'; P adds the aliases no other
  partial has (per (entity, alias) page counts). Every page whose facts list the entity with
  its aliases (union bodies, policies, programmes, cities, organisations, enterprises; a
  province in the ``provinces`` section of every page naming it or a body or city in it)
  changes, and every graph holding the entity's triples gains an ``skos:altLabel`` quad.
- first read / last written: a policy's date and issuer, an enterprise's division and province
  are the first page's (build order) that sets them; a union's and an organisation's province
  and a union's parent, a byline person's role and affiliation, the last page's. Recomputed
  from the per-page values without P.
- evidence[0]: a page's facts sort each kind by the entity's FIRST evidence in the build (a
  person's ``article`` is read from it): when P holds it, the next page's takes its place;
  the pages of that kind where the order (or a person's article) changes are counted.
- officials: all pre-merge officials of a name (one per mention, page-local, with their posts
  and bare titles) are merged again with the resolver's ``_merge_officials`` on a small
  builder, with and without P's; compared are the merged ids (an id of the build without P that
  the build with P no longer has is an official whose id changes), each other page's officials
  and persons sections as far as P's names go (posts printed there, order) and bare-title posts.

The premise is checked on every run (``check_partials``, "partials vs build"). On ten years it
fails for one mention at 0941d01..bebcd86: a short name (证监会) ``_resolve_organization`` reads
as a body named earlier in the article when one of that body's names ends with it, and those
names are all the aliases the build has given the body so far: another coupling, not counted.

A page Q (not P) "changes" when its facts file differs. Quads: the exact quads are not built
for ten years; counted are the entity-level triples times the page graphs holding them
(+1 altLabel per graph per new alias, 2 per changed policy date or issuer) and, for an
official whose id changes, every quad naming it (its triples in each of its graphs, 6 per
mention, 7 per post per graph and 9 per post evidence), removed and added (x2); quads of P's
own graph and of the build description (which lists every page) are not counted. ``--check``
compares all this, page set by page set, with two real resolutions (all, and all but P) of a
small archive, and the quad estimate with the real quad difference.
"""
from __future__ import annotations

import argparse
import copy
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.facts import each_page_facts  # noqa: E402
from kg.export.rdf import RdfData, quad_table, reused_superclasses, CLASS_OF  # noqa: E402
from kg.ingest.pages import IngestError  # noqa: E402
from kg.pipeline.cache import ExtractionCache  # noqa: E402
from kg.pipeline.run import PageNames, extract_pages, find_pages, iter_pages  # noqa: E402
from kg.resolve import entities as R  # noqa: E402

CORPUS = Path("/work/shared/benchmarks/xinwenlianbo")
NO_ENTITY_KINDS = ("page", "article", "official")  # officials are handled per name group
ALIASES_PRINTED = ("union", "policy", "program", "city", "organization", "enterprise")  # province: own section
PAGE_LOCAL_RELATIONS = ("mentioned-in", "holds-post")  # written in their page's graph (holds-post: per name group)
# attribute fields per kind, and whether the first page to set one keeps it ("first") or the last ("last")
WRITTEN = {"policy": ("first", ("date", "issuer")), "enterprise": ("first", ("division", "province")),
           "union": ("last", ("province", "parent")), "organization": ("last", ("province",)),
           "person": ("last", ("role", "affiliation"))}


def _bare(ev: R.Evidence) -> R.Evidence:
    return R.Evidence(ev.page, ev.article, ev.sentence, ev.start, ev.end, "")


@dataclass
class Partial:
    """What one page resolved alone holds, compactly."""
    index: int
    source: str
    entities: dict  # id -> (kind, frozenset aliases, first evidence key (article, sentence) or None, written values)
    officials: list  # pre-merge official entities (evidence without text)
    posts: list  # their holds-post relations (kind, source, target, title, [evidence])
    relations: dict  # the other relations' keys (kind, source, target, title) -> read with evidence here


def _first_read_or_local(b, r, official_ids) -> bool:
    """Relations left out of the per-relation counts: those written in their page's graph only
    (an article's part-of its page, mentioned-in, an official's posts: per name group) and those
    made once, at the first read (a policy's issued-by, an enterprise's located-in: see WRITTEN)."""
    return (r.kind in PAGE_LOCAL_RELATIONS or r.source in official_ids or r.source.startswith("article/")
            or r.kind == "issued-by" or (r.kind == "located-in" and r.source.startswith("enterprise/")))


def resolve_alone(index: int, page, findings) -> Partial:
    b = R._Builder()
    page_entity = b.entity("page", page.source, page.source, eid=f"page/{R.slug(page.source)}-{page.sha256[:8]}")
    for found in findings:
        R._resolve_article(b, page, page_entity, found)
    entities, officials = {}, []
    for eid, e in b.entities.items():
        if e.kind == "official":
            off = R.Entity(e.id, e.kind, e.name, set(e.aliases), None, [_bare(v) for v in e.evidence])
            off.attrs.posts = list(e.attrs.posts) if e.attrs.posts else None
            off.attrs.bare_titles = [(t, _bare(v)) for t, v in e.attrs.bare_titles] if e.attrs.bare_titles else None
            officials.append(off)
            continue
        if e.kind in NO_ENTITY_KINDS:
            continue
        first = (e.evidence[0].article, e.evidence[0].sentence) if e.evidence else None
        written = None
        if e.kind in WRITTEN:
            fields = WRITTEN[e.kind][1]
            if e.kind == "person" and not any(v.sentence == -1 for v in e.evidence):
                written = None  # only a byline writes a person's role and affiliation
            else:
                written = tuple(getattr(e.attrs, f) for f in fields)
        entities[eid] = (e.kind, frozenset(e.aliases), first, written)
    official_ids = {o.id for o in officials}
    posts = [(r.kind, r.source, r.target, r.title, [_bare(v) for v in r.evidence])
             for r in b.relations.values() if r.kind == "holds-post" and r.source in official_ids]
    relations = {key: bool(r.evidence) for key, r in b.relations.items() if not _first_read_or_local(b, r, official_ids)}
    return Partial(index, page.source, entities, officials, posts, relations)


@dataclass
class Archive:
    """The partials of every page and the indexes the method reads, and the full knowledge base's
    facts-relevant views (provinces each page lists)."""
    partials: list = field(default_factory=list)
    present: dict = field(default_factory=lambda: defaultdict(list))  # id -> page indexes holding it
    alias_pages: Counter = field(default_factory=Counter)  # (id, alias) -> pages
    evidence_pages: dict = field(default_factory=lambda: defaultdict(list))  # id -> [(page, first key)] in order
    written: dict = field(default_factory=lambda: defaultdict(list))  # id -> [(page, values)]
    officials: dict = field(default_factory=lambda: defaultdict(list))  # name -> [(page, official)]
    posts: dict = field(default_factory=lambda: defaultdict(list))  # official id -> relations
    on_page: dict = field(default_factory=lambda: defaultdict(list))  # page -> ids with evidence there
    kind_of: dict = field(default_factory=dict)
    official_pages: dict = field(default_factory=lambda: defaultdict(list))  # page -> [(kind, first key, name)]
    merged: dict = field(default_factory=dict)  # name -> its officials merged with every page (made once)
    relation_pages: Counter = field(default_factory=Counter)  # relation key -> pages holding it
    relation_evidence: Counter = field(default_factory=Counter)  # relation key -> pages giving evidence
    kb: R.KnowledgeBase | None = None

    def add(self, part: Partial) -> None:
        self.partials.append(part)
        i = part.index
        for eid, (kind, aliases, first, written) in part.entities.items():
            self.kind_of[eid] = kind
            self.present[eid].append(i)
            for a in aliases:
                self.alias_pages[eid, a] += 1
            if first is not None:
                self.evidence_pages[eid].append((i, first))
                self.on_page[i].append(eid)
            if written is not None:
                self.written[eid].append((i, written))
        for key, read in part.relations.items():
            self.relation_pages[key] += 1
            self.relation_evidence[key] += read
        for off in part.officials:
            self.officials[off.name].append((i, off))
        for rel in part.posts:
            self.posts[rel[1]].append(rel)


def collect(pages_and_findings, progress: bool = False) -> Archive:
    """Every page resolved alone, and the full knowledge base resolved from the same stream."""
    archive = Archive()

    def tee():
        for i, (page, findings) in enumerate(pages_and_findings):
            archive.add(resolve_alone(i, page, findings))
            if progress and i % 5000 == 0:
                print(f"  resolved {i:,} pages", file=sys.stderr)
            yield page, findings

    archive.kb = R.resolve(tee())
    index = {part.source: part.index for part in archive.partials}
    for eid, e in archive.kb.entities.items():  # the merged officials (and persons made of them)
        if e.kind in ("official", "person") and eid not in archive.present and e.evidence:
            first = (e.evidence[0].article, e.evidence[0].sentence)
            for page in dict.fromkeys(v.page for v in e.evidence):
                archive.official_pages[index[page]].append((e.kind, first, e.name))
    return archive


def check_partials(archive: Archive) -> list[str]:
    """The method's premise: the full build's non-official entities are those of the partials,
    with the union of their aliases and their evidence pages."""
    problems = []
    kb = archive.kb
    index = {p.source: p.index for p in archive.partials}
    for eid, e in kb.entities.items():
        if e.kind in NO_ENTITY_KINDS or (e.kind == "person" and eid not in archive.present):
            continue  # persons merged from officials come from the official groups
        if eid not in archive.present:
            problems.append(f"{eid}: in the build, in no partial")
            continue
        pages = sorted({index[v.page] for v in e.evidence})
        if pages != [i for i, _ in archive.evidence_pages.get(eid, [])]:
            problems.append(f"{eid}: evidence pages differ")
    by_entity = defaultdict(set)
    for (eid, a), _ in archive.alias_pages.items():
        by_entity[eid].add(a)
    for eid, aliases in by_entity.items():
        e = kb.entities.get(eid)
        if e is None or e.aliases != aliases:
            problems.append(f"{eid}: aliases differ")
    for eid in archive.present:
        if eid not in kb.entities:
            problems.append(f"{eid}: in a partial, not in the build")
    officials = {e for e, x in kb.entities.items() if x.kind in ("official", "person") and e not in archive.present}
    built = {(r.kind, r.source, r.target, r.title): bool(r.evidence) for r in kb.relations
             if not _first_read_or_local(None, r, officials)}
    union = {key: archive.relation_evidence[key] > 0 for key in archive.relation_pages}
    for key in built.keys() ^ union.keys():
        problems.append(f"{key}: relation in {'the build' if key in built else 'a partial'} only")
    for key in built.keys() & union.keys():
        if built[key] != union[key]:
            problems.append(f"{key}: relation with evidence in one, none in the other")
    return problems


# -- officials -----------------------------------------------------------------------------------

def merge_group(archive: Archive, name: str, without: int | None, last: int | None = None):
    """The resolver's ``_merge_officials`` run on one name's pre-merge officials (and their posts),
    leaving out page ``without``'s: (old id -> merged id, merged entities, holds-post relations)."""
    b = R._Builder()
    members = [off for i, off in archive.officials[name] if i != without and i != last] + \
        [off for i, off in archive.officials[name] if i == last]  # page ``last`` read after all others
    for off in members:
        twin = copy.copy(off)
        twin.aliases = set(off.aliases)
        twin.attrs = R.OfficialInfo(list(off.attrs.posts) if off.attrs.posts else None,
                                    list(off.attrs.bare_titles) if off.attrs.bare_titles else None)
        b.entities[twin.id] = twin
        for kind, src, dst, title, evidence in archive.posts.get(off.id, ()):
            for ev in evidence:
                b.relate(kind, src, dst, ev, title)
    for off in members:  # the bodies they hold posts at (read by _same_person and _is_national);
        for _, org in off.attrs.posts or ():  # a bare title resolves to one of these too
            b.entities.setdefault(org, archive.kb.entities[org])
    member_of = {}
    before = {off.id: off for off in members}
    R._merge_officials(b)
    # (the builder holds only the members and bodies: every official or person in it is a merged one; a
    # merged person's id can be a person mention's too, when its role is empty: the build then keeps one)
    merged = {eid: e for eid, e in b.entities.items() if e.kind in ("official", "person")}
    for eid, e in merged.items():
        for v in e.evidence:
            member_of[v] = eid
    # namesakes that hold no post and join nobody each become a person of the same id (name, no
    # body): the build keeps the last of them and drops the others' evidence; they map to that id
    lost = R.entity_id("person", f"{name}\x1f", name)
    renamed = {oid: member_of.get(off.evidence[0], lost) for oid, off in before.items() if off.evidence}
    return renamed, merged, [r for r in b.relations.values() if r.kind == "holds-post"]


def official_entries(merged: dict, relations: list, index: dict) -> dict:
    """Per page: what the page's facts say of this name's officials (or persons merged from
    them): kind, the first evidence's key (order, a person's article) and the posts printed there."""
    posts_on = defaultdict(list)
    for r in sorted(relations, key=lambda r: (r.kind, r.source, r.target, r.title or "")):
        for page in dict.fromkeys(v.page for v in r.evidence):
            posts_on[page, r.source].append((r.title, r.target))
    entries = defaultdict(list)
    for eid, e in merged.items():
        first = (e.evidence[0].article, e.evidence[0].sentence) if e.evidence else None
        for page in dict.fromkeys(v.page for v in e.evidence):
            posts = tuple(posts_on.get((page, eid), ()))
            if e.kind == "official" and not posts:
                continue  # an official without a post on a page is not printed there
            entries[index[page]].append((e.kind, first, posts))
    return {p: sorted(v) for p, v in entries.items()}


def printed(archive: Archive, q: int, mine: dict) -> dict:
    """The officials and persons sections of page q as far as the names in ``mine`` go ({name:
    entries on q}): each section's entries in the facts' order (first evidence, name), these names'
    with what they print (posts; a person's article), the other names' as placeholders."""
    sections = {}
    for kind in ("official", "person"):
        items = [(first, name, posts) for name, entries in mine.items() for k, first, posts in entries if k == kind]
        items += [(first, other, None) for k, first, other in archive.official_pages.get(q, ())
                  if k == kind and other not in mine]
        if kind == "person":
            items += [(archive.evidence_pages[x][0][1], archive.kb.entities[x].name, None)
                      for x in archive.on_page.get(q, ()) if archive.kind_of[x] == "person"]
        items.sort(key=lambda item: (item[0], item[1]))
        sections[kind] = [(other, posts, first[0] if kind == "person" and posts is not None else None)
                          for first, other, posts in items]
    return sections


def bare_readings(relations: list, bare_evidence: set) -> set:
    return {(v, r.title, r.target) for r in relations for v in r.evidence if v in bare_evidence}


def node_quads(e: R.Entity) -> int:
    """The entity-level triples of an entity (type and reused classes, labels, aliases, code, date, role)."""
    cls = CLASS_OF.get(e.kind)
    extra = {"province": 1, "city": 1}.get(e.kind, 0)
    if e.kind == "policy":
        extra = int(bool(e.attrs.date))
    elif e.kind == "person":
        extra = int(bool(e.attrs.role)) + int(bool(e.attrs.affiliation))
    return 1 + len(reused_superclasses().get(cls, ())) + 2 + len(e.aliases - {e.name}) + extra


def official_quads(e: R.Entity, relations: list) -> int:
    """The quads naming an official (see the module docstring): an estimate."""
    graphs = len({v.page for v in e.evidence}) or 1
    total = node_quads(e) * graphs + 6 * len(e.evidence) + len({(v.page, v.article) for v in e.evidence})
    for r in relations:
        if r.source == e.id:
            total += 7 * (len({v.page for v in r.evidence}) or 1) + 9 * len(r.evidence)
    return total


# -- one page's reach ----------------------------------------------------------------------------

def _value(entries: list, i_without: int | None, rule: str, k: int):
    values = [(i, v[k]) for i, v in entries if i != i_without and v[k] is not None]
    if not values:
        return None
    return values[0][1] if rule == "first" else values[-1][1]


def _provinces_listed(archive: Archive, q: int, override: dict) -> set:
    """The provinces page q's facts list (kg.export.facts._provinces), with attribute values
    ``override`` gives ({id: province}) in place of the build's."""
    found = set()
    for eid in archive.on_page[q]:
        kind = archive.kind_of[eid]
        if kind == "province":
            found.add(eid)
        elif kind in ("union", "organization"):
            prov = override[eid] if eid in override else archive.kb.entities[eid].attrs.province
            if prov:
                found.add(prov)
        elif kind == "city":
            found.add(f"province/{archive.kb.entities[eid].attrs.code[:2]}0000")
    return found


def _listing_pages(archive: Archive, province: str) -> set:
    pages = set()
    for q, eids in archive.on_page.items():
        if province in _provinces_listed(archive, q, {}):
            pages.add(q)
    return pages


def reach(archive: Archive, p: int, appended: bool = False) -> dict:
    """What adding page p changes: at its place in the build order, or ``appended`` after every
    other page (a new day's page: never the first read nor the first evidence, the last write)."""
    part = archive.partials[p]
    kb = archive.kb
    changed: dict[int, str] = {}  # other pages whose facts change -> the first reason found

    def mark(pages, why: str) -> None:
        for q in pages:
            changed.setdefault(q, why)

    quads = 0
    out = Counter()
    province_override = {}
    for eid, (kind, aliases, first, written) in part.entities.items():
        named = first is not None
        elsewhere = len(archive.present[eid]) > 1
        if named:
            out["named new" if not elsewhere else "named existing"] += 1
        graphs = [q for q, _ in archive.evidence_pages.get(eid, []) if q != p]
        if not graphs and ((elsewhere and named) or (not elsewhere and not named)):
            # an entity no page gives evidence for has its triples in the knowledge graph: one P
            # brings (new, not named) or takes out of it (existing, named only by P)
            out["knowledge graph quads"] += node_quads(kb.entities[eid])
        if not elsewhere:
            continue
        new_aliases = [a for a in aliases if archive.alias_pages[eid, a] == 1]
        if new_aliases:
            out["new alias"] += 1
            if graphs or not named:
                quads += len(new_aliases) * (len(graphs) or 1)
            if kind in ALIASES_PRINTED:
                mark(graphs, f"alias of {eid}")
            elif kind == "province":
                mark(_listing_pages(archive, eid), f"alias of {eid}")
        if kind in WRITTEN and written is not None:
            rule, fields = WRITTEN[kind]
            entries = archive.written[eid]
            moved = False
            for k, name in enumerate(fields):
                in_order = [x for x in entries if x[0] != p] + [x for x in entries if x[0] == p] if appended else entries
                old, new = _value(entries, p, rule, k), _value(in_order, None, rule, k)
                if old == new:
                    continue
                moved = True
                if kind == "organization":  # printed only in the provinces section
                    for q in graphs:
                        if _provinces_listed(archive, q, {eid: old}) != _provinces_listed(archive, q, {}):
                            mark([q], f"province of {eid}")
                    continue
                mark(graphs, f"{name} of {eid}")  # the entity's entry prints the value (a name, a date)
                if kind == "policy":
                    quads += 2 * (len(graphs) or 1) if name == "date" else 2
                elif kind == "person":
                    quads += 2 * (len(graphs) or 1)
                elif kind == "enterprise" and name == "division":
                    quads += 2  # its located-in, in the knowledge graph
            out["first/last read"] += moved
        evidence = archive.evidence_pages.get(eid, [])
        if named and evidence and evidence[0][0] == p and len(evidence) > 1 and not appended:
            old_first = evidence[1][1]
            out["first evidence moves"] += 1
            for q in graphs:
                if kind == "person" and old_first[0] != first[0]:
                    mark([q], f"article of {eid}")
                    continue
                if kind == "province":
                    continue  # the provinces section is sorted by id
                same_kind = [x for x in archive.on_page[q] if archive.kind_of[x] == kind]

                def key(x, without=None):  # (first evidence without page ``without``, name)
                    pages = archive.evidence_pages[x]
                    return (*(pages[1][1] if pages[0][0] == without else pages[0][1]), kb.entities[x].name)
                if sorted(same_kind, key=key) != sorted(same_kind, key=lambda x: key(x, p)):
                    mark([q], f"order of {eid}")
    for key, read in part.relations.items():
        # a relation no page gives evidence for is one quad of the knowledge graph
        others, others_read = archive.relation_pages[key] - 1, archive.relation_evidence[key] - read
        if (others == 0 and not read) or (others > 0 and read and others_read == 0):
            out["knowledge graph quads"] += 1
    index = {part.source: part.index for part in archive.partials}
    names = dict.fromkeys(off.name for off in part.officials)
    official_pages: set[int] = set()
    touched = {}  # name -> (entries per page with P, without P)
    for name in names:
        out["official names"] += 1
        if all(i == p for i, _ in archive.officials[name]):
            out["official names new"] += 1
            continue
        if appended:  # P's mentions read last: merged anew for each page
            renamed_all, merged_all, rel_all = merge_group(archive, name, None, last=p)
            archive.merged[name, p] = (renamed_all, merged_all, rel_all, official_entries(merged_all, rel_all, index), 0)
            name_key = (name, p)
        elif name not in archive.merged:  # the same for every sampled page: made once
            renamed_all, merged_all, rel_all = merge_group(archive, name, None)
            mismatch = sum(1 for eid, e in merged_all.items()  # the small merge gives the build's officials
                           if eid not in kb.entities or len(kb.entities[eid].evidence) != len(e.evidence))
            archive.merged[name] = (renamed_all, merged_all, rel_all, official_entries(merged_all, rel_all, index),
                                    mismatch)
        renamed_all, merged_all, rel_all, entries_all, mismatch = archive.merged.pop(name_key) if appended \
            else archive.merged[name]
        out["_merge mismatch"] += mismatch
        renamed_minus, merged_minus, rel_minus = merge_group(archive, name, p)
        moved_ids = set(merged_minus) - set(merged_all)  # ids of merged officials the new page makes disappear
        if moved_ids:
            out["official ids change"] += 1
            out["officials whose id changes"] += len(moved_ids)
            for mid in moved_ids:
                e = merged_minus[mid]
                official_pages.update(index[v.page] for v in e.evidence)
                quads += 2 * official_quads(e, rel_minus)
        entries_minus = official_entries(merged_minus, rel_minus, index)
        touched[name] = (entries_all, entries_minus)
        bare = {v for i, off in archive.officials[name] if i != p for _, v in off.attrs.bare_titles or ()}
        out["bare titles read otherwise"] += len(bare_readings(rel_all, bare) ^ bare_readings(rel_minus, bare)) // 2 \
            if bare else 0
    # a page's officials and persons sections, with every name P touches as it is without P
    differing = {q for both in touched.values() for q in set(both[0]) | set(both[1]) if both[0].get(q) != both[1].get(q)}
    for q in differing - {p}:
        with_p = printed(archive, q, {name: both[0].get(q, []) for name, both in touched.items()})
        without_p = printed(archive, q, {name: both[1].get(q, []) for name, both in touched.items()})
        if with_p != without_p:
            mark([q], "officials " + " ".join(name for name, both in touched.items() if both[0].get(q) != both[1].get(q)))
    official_pages.discard(p)
    changed.pop(p, None)
    out["pages of moved officials"] = len(official_pages)
    out["other facts files"] = len(changed)
    out["quads (other graphs)"] = quads + out["knowledge graph quads"]
    out["_changed"], out["_why"] = set(changed), changed
    return out


FIGURES = ("named new", "named existing", "new alias", "other facts files", "official names",
           "official ids change", "pages of moved officials", "bare titles read otherwise", "first/last read",
           "first evidence moves", "knowledge graph quads", "quads (other graphs)", "seconds to recompute")


def table(results: list[dict]) -> str:
    rows = [f"{'figure (per page)':<28} {'median':>8} {'p90':>8} {'max':>8} {'mean':>9} {'pages > 0':>10}"]
    for name in FIGURES:
        values = sorted(r.get(name, 0) for r in results)
        p90 = values[min(len(values) - 1, int(0.9 * len(values)))]
        rows.append(f"{name:<28} {statistics.median(values):>8g} {p90:>8,g} {values[-1]:>8,g} "
                    f"{statistics.mean(values):>9,.1f} {sum(1 for v in values if v > 0):>10}")
    own = sum(1 for r in results if not r["other facts files"] and not r["quads (other graphs)"])
    rows.append(f"pages whose reach is their own page only: {own}/{len(results)} ({own / len(results):.0%})")
    return "\n".join(rows)


# -- reading the archive ---------------------------------------------------------------------------

def read(paths, jobs: int, cache_dir: Path | None, limit: int | None = None, progress: bool = False):
    names = PageNames()
    pages = (names.assign(p) for p in iter_pages(paths) if not isinstance(p, IngestError))
    if limit:
        pages = (p for _, p in zip(range(limit), pages))
    cache = ExtractionCache(cache_dir) if cache_dir else None
    return extract_pages(pages, jobs, progress, cache, [])


# -- brute force ------------------------------------------------------------------------------------

def brute_force(pairs: list, p: int, alone: dict, appended: bool = False) -> dict:
    """Resolve all pages and all but page p, and compare the facts and quads of the other pages."""
    full = R.resolve(pairs[:p] + pairs[p + 1:] + [pairs[p]] if appended else pairs)
    minus = R.resolve(pairs[:p] + pairs[p + 1:])
    source = pairs[p][0].source
    index = {page.source: i for i, (page, _) in enumerate(pairs)}
    facts_full, facts_minus = dict(each_page_facts(full)), dict(each_page_facts(minus))
    changed = {index[q] for q in facts_minus if facts_minus[q] != facts_full[q]}
    new = {e for e, x in full.entities.items() if x.kind not in NO_ENTITY_KINDS
           and any(v.page == source for v in x.evidence) and e not in minus.entities} & set(alone)
    own_graph = next(e.id for e in full.entities.values() if e.kind == "page" and e.attrs.source == source)

    def quads(kb):
        return {q for q in RdfData.of(quad_table(kb)).quads if own_graph not in q[0] and "graph/build" not in q[0]}
    diff = quads(full) ^ quads(minus)
    moved = {e for e, x in minus.entities.items() if x.kind in ("official", "person") and e not in full.entities}
    return {"changed": changed, "named new": len(new), "quads": len(diff), "officials moved": len(moved)}


def run_check(paths, jobs: int, cache_dir: Path | None, records: int, sample: int, seed: int,
              widest_pages: int, appended: bool = False) -> bool:
    pairs = list(read(paths, jobs, cache_dir, records))
    archive = collect(pairs)
    problems = check_partials(archive)
    print(f"check: {len(pairs):,} pages of {paths[0].name}; partials vs build: {len(problems)} differences")
    for line in problems[:10]:
        print("   ", line)
    ok = not problems
    rng = random.Random(seed)
    chosen = sorted(rng.sample(range(len(pairs)), sample))
    # and the pages whose reach the method finds widest (officials moved, other facts files):
    # a random sample of a small archive meets few of the cases that matter most
    reaches = {p: reach(archive, p, appended) for p in range(len(pairs))}
    widest = sorted((p for p in reaches if p not in chosen),
                    key=lambda p: (-reaches[p]["officials whose id changes"], -reaches[p]["other facts files"],
                                   -reaches[p]["bare titles read otherwise"], p))[:widest_pages]
    print(f"  {sample} pages at random (seed {seed}), then the {widest_pages} of widest reach")
    for p in chosen + widest:
        method = reach(archive, p, appended)
        truth = brute_force(pairs, p, archive.partials[p].entities, appended)
        same = (not method["_merge mismatch"] and method["_changed"] == truth["changed"]
                and method["named new"] == truth["named new"]
                and method["officials whose id changes"] == truth["officials moved"])
        ok &= same
        print(f"  page {p:>5}: other facts files {len(method['_changed']):>5} (brute force {len(truth['changed']):>5})"
              f"{'' if method['_changed'] == truth['changed'] else ' DIFFER: ' + str([(q, method['_why'].get(q)) for q in sorted(method['_changed'] ^ truth['changed'])][:8])}"
              f"; named new {method['named new']:>3} ({truth['named new']:>3}); official ids moved "
              f"{method['officials whose id changes']:>2} ({truth['officials moved']:>2}); quads estimated "
              f"{method['quads (other graphs)']:>6}, real {truth['quads']:>6}")
    print("check:", "the method gives the brute force's figures" if ok else "DIFFERENCES (above)")
    return ok


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="*", help=f"archives (default: {CORPUS}/xwlb_*.jsonl)")
    ap.add_argument("--n", type=int, default=300, help="pages sampled (default 300)")
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/update_reach_cache"),
                    help="extraction cache folder (a second run reads the pages' findings back)")
    ap.add_argument("--check", action="store_true", help="first check the method against brute force on a small archive")
    ap.add_argument("--check-records", type=int, default=2000)
    ap.add_argument("--check-pages", type=int, default=20)
    ap.add_argument("--check-widest", type=int, default=20, help="and the pages of widest reach (default 20)")
    ap.add_argument("--check-only", action="store_true")
    ap.add_argument("--appended", action="store_true",
                    help="add each sampled page after all the others (a new day's page) rather than at its place")
    args = ap.parse_args(argv)
    paths = find_pages(args.inputs or sorted(CORPUS.glob("xwlb_*.jsonl")))
    if args.check or args.check_only:
        ok = run_check(paths[-1:], args.jobs, args.cache, args.check_records, args.check_pages, args.seed,
                       args.check_widest, args.appended)
        if args.check_only:
            return 0 if ok else 1
    started = time.perf_counter()
    archive = collect(read(paths, args.jobs, args.cache, progress=False), progress=True)
    print(f"{len(archive.partials):,} pages read and resolved (alone and together) in {time.perf_counter() - started:.0f} s")
    problems = check_partials(archive)
    print(f"partials vs build: {len(problems)} differences" + "".join(f"\n    {x}" for x in problems[:10]))
    rng = random.Random(args.seed)
    sample = sorted(rng.sample(range(len(archive.partials)), min(args.n, len(archive.partials))))
    started = time.perf_counter()
    results = []
    for p in sample:
        began = time.perf_counter()
        results.append(reach(archive, p, args.appended))
        # the work an update would do under today's model for this page: mostly merging its names'
        # namesake groups again (this script's way, not a design; the "with P" merges are made once)
        results[-1]["seconds to recompute"] = round(time.perf_counter() - began, 2)
    print(f"{len(sample)} pages sampled (seed {args.seed}), reach computed in {time.perf_counter() - started:.0f} s\n")
    print(table(results))
    mismatched = sum(r["_merge mismatch"] for r in results)
    print(f"officials merged again per name vs the build: {mismatched} differences")
    return 0


if __name__ == "__main__":
    sys.exit(main())
