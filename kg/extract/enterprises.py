"""Enterprises (企业): companies, groups, works, mines, banks and hospitals, and their unions.

The first kind added through the kinds registry (``kg/knowledge/kinds.py``, issue 15): everything the
kind needs is here, beside its registry entry, its lexicon (``lexicons/enterprises.tsv``, the
endings of enterprises' names and where they come from) and its class in ``ontology.ttl`` and
``shapes.ttl``.

- ``EXTRACTOR`` reads the unions the union extractor found at an enterprise (天津港(集团)有限公司工会,
  or 公司工会 for the enterprise the article named before): each gives a mention of the enterprise
  (its name as printed inside the union's, or implied when only 公司 is printed) and a ``part-of``
  link from the union to it.
- ``names_an_enterprise`` is the registry's ``accepts`` of the kind: a body any extractor found
  whose full name ends as an enterprise's (某某机械股份有限公司董事长: the body of the post) is an
  enterprise, not an organisation, unless a lexicon knows it as a body of a state, a party or an
  international organisation (中国人民银行, 世界银行, 二十国集团).
- ``resolve`` makes one entity per name, in its province: the place its name opens with, else
  the province the article is about (as its union's).
- ``resolve_part_of`` links the union to its enterprise, and ``settle_parent``, once every page
  is folded (the place may be read on another page), to the local federation of the
  enterprise's place as its parent body (general knowledge, without evidence: a grassroots union
  is led by the federation of where it is). The facts' ``parent`` of the union stays null, as
  ``../shared/eval/SCHEMA.md`` asks when the text does not make the parent certain.
- ``facts`` writes the ``enterprises`` section of a page's facts (the scorer ignores it).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar

from kg.knowledge import lexicon
from kg.knowledge.kinds import first
from kg.extract.base import ArticleFindings, Link, Mention
from kg.extract.organizations import PrintedPlace
from kg.extract.phrases import GENERIC_HOSTS, place_prefix


@dataclass(slots=True)
class EnterpriseAttrs:
    """What an enterprise mention says: its full ``name``, the ``places`` its name opens with
    (湖北省荆州市第一人民医院: 湖北省, 荆州市) and whether it is ``implied``: named earlier in the
    article, not printed here (公司工会)."""

    name: str
    places: list[PrintedPlace] = field(default_factory=list)
    implied: bool = False


@dataclass(slots=True)
class EnterpriseInfo:
    """What resolution knows of an enterprise: the division it is in (``division``, read once,
    where the enterprise is first met) and that division's province (its entity id), with the
    ``located-in`` relation of that page."""

    division: str | None = first()
    province: str | None = first()
    MADE_WITH: ClassVar[dict[str, str]] = {"division": "located-in"}

__all__ = ["EXTRACTOR", "EnterpriseAttrs", "EnterpriseInfo", "names_an_enterprise", "enterprise_name", "resolve", "resolve_part_of", "settle_parent", "facts"]


@lru_cache(maxsize=1)
def _suffixes() -> tuple[str, ...]:
    return lexicon.words_by_kind("enterprises.tsv")["suffix"]


@lru_cache(maxsize=1)
def _known_bodies() -> frozenset[str]:
    """The bodies the lexicons know by name (of a state, a party, an international organisation)."""
    return frozenset(body.canonical for body in lexicon.bodies())


def enterprise_name(name: str) -> bool:
    """True when ``name`` is an enterprise's full name: two characters or more before an ending
    of ``enterprises.tsv``, and no body the lexicons know.

    >>> enterprise_name("天津港(集团)有限公司"), enterprise_name("某某人民医院"), enterprise_name("公司")
    (True, True, False)
    >>> enterprise_name("中国人民银行"), enterprise_name("某某大学")
    (False, False)
    """
    suffix = next((s for s in _suffixes() if name.endswith(s)), None)
    return suffix is not None and len(name) >= len(suffix) + 2 and name not in GENERIC_HOSTS \
        and name not in _known_bodies()


def names_an_enterprise(m: Mention) -> bool:
    """The registry's ``accepts``: an organisation mention whose body is an enterprise (a name of
    its own, not a rule with a place, not a foreign state's body)."""
    a = m.attrs
    return "{place}" not in a.template and a.place is None and not a.country and enterprise_name(a.template)


class EnterpriseExtractor:
    kind = "enterprise"
    after = ("organization", "official")  # the unions both find at enterprises

    def extract(self, article, found: ArticleFindings):
        for union in found.of_kind("union"):
            name = union.attrs.enterprise
            if name is None or union.attrs.department or not enterprise_name(name):
                continue
            places = list(union.attrs.places or ())
            if union.surface.startswith(name):  # 天津港(集团)有限公司工会: the enterprise as printed
                places = _opening_places(found, union.sentence, union.start, union.start + len(name)) or places
                mention = Mention("enterprise", name, union.sentence, union.start, union.start + len(name),
                                  EnterpriseAttrs(name, places))
            else:  # 公司工会, 工会 after 某公司党委书记: the enterprise named before, not printed here
                mention = Mention("enterprise", union.surface, union.sentence, union.start, union.end,
                                  EnterpriseAttrs(name, places, implied=True))
            yield mention
            yield Link("part-of", union, mention, union.sentence)


EXTRACTOR = EnterpriseExtractor()


def _opening_places(found: ArticleFindings, sentence: int, start: int, end: int) -> list:
    """The places printed one after the other at the start of a name (湖北省荆州市第一人民医院:
    湖北省, 荆州市), as (surface, codes); the union extractor keeps the first only."""
    chain = []
    for p in sorted(found.of_kind("place", sentence=sentence), key=lambda p: p.start):
        if p.start == start and p.end <= end:
            chain.append((p.surface, p.attrs.codes))
            start = p.end
    return chain


def _division(ctx, places) -> str | None:
    """The division a chain of (printed place, candidate codes) names, read as the union resolver
    reads a union's places: each in the province of the one before, one the article names first."""
    g, chain = ctx.g, []
    named = set(ctx.codes.values())
    for _, codes in places:
        cands = [c for c in codes if not chain or g.divisions[c].province == g.divisions[chain[-1]].province]
        chain.append(next((c for c in cands if c in named), (cands or list(codes))[0]))
    return chain[-1] if chain else None


def resolve(b, ctx, m: Mention, ev, findings):
    """One enterprise entity per full name; its province (``located-in``) is read once, where it is
    first met: the place its name opens with, else the province the article is about."""
    a = m.attrs
    named_as_body = m.kind == "organization"  # an organisation mention the registry gave this kind
    name = a.template if named_as_body else a.name
    implied = a.implied  # (both attributes classes have it: 公司工会's, 某公司党委书记、总经理's)
    alias = None if implied or m.surface in (name, *GENERIC_HOSTS) or len(m.surface) < 2 else m.surface
    e = b.entity("enterprise", name, name, None if implied else ev, alias=alias)
    if named_as_body:
        ctx.organizations.append(e)  # as an organisation mention's body is (resolve._resolve_organization)
    if e.attrs.division is None:
        prefix = place_prefix(name)
        places = None if named_as_body else a.places
        code = _division(ctx, places or ([prefix] if prefix else [])) or ctx.main_province()
        if code is not None:
            province = b.division(b.g.divisions[code].province)
            e.attrs.division, e.attrs.province = code, province.id
            b.relate("located-in", e.id, province.id)
    return e


def resolve_part_of(b, union, enterprise, ev, link: Link) -> None:
    """A union ``part-of`` its enterprise (read), and ``sub-organization-of`` the federation of the
    enterprise's place (general knowledge, no evidence) unless it has a parent already."""
    if union.kind != "union" or enterprise.kind != "enterprise":
        return
    b.relate("part-of", union.id, enterprise.id, ev)
    # the enterprise's place and the union's parent may come from other pages: read once every page is folded
    b.defer("kg.extract.enterprises:settle_parent", union.id, enterprise.id)


def settle_parent(folded, out, d) -> None:
    """The federation of its enterprise's place is the parent of a union part of an enterprise, unless
    a page gives it one (the enterprise's place as the build keeps it: the first page's). ``folded``: the
    entities folded from every page (read); ``out``: the builder of what this read adds."""
    union, enterprise = folded.get(d.source), folded.get(d.target)
    code = enterprise.attrs.division if enterprise is not None else None
    if code and union is not None and not union.attrs.parent:
        out.relate("sub-organization-of", union.id, out.place_union(code).id)


def facts(p) -> list[dict]:
    """The ``enterprises`` section of a page's facts: name, other names printed, province."""
    return [{"name": e.name, "aliases": sorted(a for a in e.aliases if a != e.name),
             "province": p.name(e.attrs.province)} for e in p.of("enterprise")]
