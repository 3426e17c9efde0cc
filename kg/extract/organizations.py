"""Organisations: union bodies (the main kind) and party / state bodies.

A union name is read backwards from its ending (总工会, 工会, the shortened
省总 / 市总, 全总): the place names right before it, an industry word for an
industrial union (江苏省教育工会), or a bare level word (省总工会, 自治区总工会)
that resolution reads in the article's place. A department written after a
union (上海市总工会法律工作部) is a mention of its own.

Party and state bodies come from the printed forms in
``lexicons/organizations.tsv`` (河南省人大常委会, 自治区党委, 中宣部 ...).
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon
from kg.extract.base import ArticleFindings, Mention

_LEVELS = ("自治区", "自治州", "省", "市", "区", "县", "州", "旗")


@lru_cache(maxsize=1)
def _union_anchor() -> re.Pattern:
    words = lexicon.union_words()
    national = "|".join(map(re.escape, words["national"]))
    not_after = "|".join(map(re.escape, words["not_after_abbreviation"]))
    return re.compile(
        rf"(?P<national>{national})(?!工会)"
        rf"|(?P<full>总工会|工会)"
        rf"|(?<=[省市区县州旗])(?P<abbr>总)(?!工会|{not_after})")


@lru_cache(maxsize=1)
def _department() -> re.Pattern:
    suffixes = "|".join(map(re.escape, lexicon.union_words()["department_suffix"]))
    # a department name is a few characters of nouns: no verb or particle inside (召开书记处会议)
    return re.compile(rf"(?:(?![召开举行印发制定组织联合与和的在对向将])[\u4e00-\u9fff]){{0,6}}?(?:{suffixes})")


@lru_cache(maxsize=1)
def _organization_forms() -> tuple[re.Pattern, dict, re.Pattern]:
    """Printed forms split in two: literal names (中宣部) in one alternation, and forms
    with a place ({place}人大常委会) by their ending, the place checked afterwards."""
    literal, endings = {}, {}
    for surface, canonical in lexicon.organization_forms():
        if "{place}" in surface:
            prefix, ending = surface.split("{place}")
            endings.setdefault(ending, []).append((prefix, canonical))
        else:
            literal.setdefault(surface, canonical)
    by_length = lambda forms: "|".join(map(re.escape, sorted(forms, key=lambda f: (-len(f), f))))
    return re.compile(by_length(literal)), (literal, endings), re.compile(by_length(endings))


def _place_chain(found: ArticleFindings, sentence: int, end: int) -> list[Mention]:
    """Place mentions that end exactly at ``end`` and run backwards without a gap."""
    chain = []
    places = {m.end: m for m in found.of_kind("place", sentence=sentence)}
    while end in places:
        chain.insert(0, places[end])
        end = places[end].start
    return chain


def _bare_level(text: str, end: int) -> str | None:
    for level in _LEVELS:
        if text.endswith(level, 0, end):
            return level
    return None


class OrganizationExtractor:
    kind = "organization"
    after = ("place",)

    def extract(self, article, found: ArticleFindings):
        for s in article.sentences:
            unions = list(self._unions(s, found))
            yield from unions
            taken = [(m.start, m.end) for m in unions]
            for m in self._organizations(s, found):
                if not any(x < m.end and m.start < y for x, y in taken):
                    taken.append((m.start, m.end))
                    yield m

    def _organizations(self, s, found: ArticleFindings):
        text = s.text
        literal_re, (literal, endings), ending_re = _organization_forms()
        places = {m.end: m for m in found.of_kind("place", sentence=s.index)}
        out = []
        for m in ending_re.finditer(text):
            a, b = m.span()
            place = places.get(a)
            start = place.start if place else None
            word = None if place else _bare_level(text, a)
            if word is not None and places.get(a - len(word)) is not None and \
                    places[a - len(word)].surface + word in lexicon.gazetteer().surfaces:
                # 四川省委 cut 四川/省委 by the segmenter: the place is 四川 with its level word
                place = places[a - len(word)]
                start, word = place.start, None
            elif word is not None and not _generic_before(text, a - len(word)):
                start = a - len(word)
            if start is None:
                continue
            for prefix, canonical in sorted(endings[m.group()], key=lambda pc: -len(pc[0])):
                if text.endswith(prefix, 0, start):
                    out.append(Mention("organization", text[start - len(prefix):b], s.index, start - len(prefix), b,
                                       {"template": canonical, "place": place.surface if place else word}))
                    break
        for m in literal_re.finditer(text):
            if not any(o.start < m.end() and m.start() < o.end for o in out):
                out.append(Mention("organization", m.group(), s.index, m.start(), m.end(),
                                   {"template": literal[m.group()], "place": None}))
        return sorted(out, key=lambda o: o.start)

    def _unions(self, s, found: ArticleFindings):
        text = s.text
        words = lexicon.union_words()
        last_end = 0
        for m in _union_anchor().finditer(text):
            a, b = m.span()
            if a < last_end:
                continue
            attrs: dict = {}
            if m.group("national"):
                attrs["level"] = "national"
                start = a
                if text.startswith("中华", max(0, a - 2)) and m.group() == "全国总工会":
                    start = a - 2
            else:
                suffix = m.group()
                chain = _place_chain(found, s.index, a)
                industry = None
                if not chain and suffix == "工会":
                    industry = next((w for w in words["industry"] if text.endswith(w, 0, a)), None)
                    if industry:
                        chain = _place_chain(found, s.index, a - len(industry))
                if suffix == "总工会" and not chain and text.endswith("全国", 0, a):
                    continue  # 全国总工会 is caught as national
                if industry and not chain and text.endswith("中国", 0, a - len(industry)):
                    start = a - len(industry) - 2  # 中国海员建设工会: a national industrial union
                    attrs["national_industry"] = True
                elif chain:
                    start = chain[0].start
                    attrs["places"] = [(p.surface, p.attrs["codes"]) for p in chain]
                if "national_industry" in attrs or chain:
                    pass
                else:
                    level = _bare_level(text, a - len(industry or ""))
                    if level is not None and _generic_before(text, a - len(industry or "") - len(level)):
                        continue  # 各市总工会, 全省总工会系统: a kind of body, not one body
                    if level is not None:
                        start = a - len(industry or "") - len(level)
                        attrs["bare_level"] = level
                    elif suffix == "总工会":
                        qualifier = _qualifier(text, a)
                        if not qualifier:
                            continue
                        start = a - len(qualifier)
                        attrs["qualifier"] = qualifier
                    else:
                        continue
                if industry:
                    attrs["industry"] = industry
                if suffix == "工会" and not industry:
                    attrs["loose"] = True  # 宁夏回族自治区工会: the federation, named loosely
                if suffix == "工会" and "bare_level" in attrs and not industry:
                    continue  # 市工会 alone is too vague
                attrs["level"] = "local"
            last_end = b
            mention = Mention("union", text[start:b], s.index, start, b, attrs)
            yield mention
            dept = _department().match(text, b)
            if dept and m.group() != "工会":
                yield Mention("union", text[start:dept.end()], s.index, start, dept.end(),
                              {**attrs, "department": dept.group()})
                last_end = dept.end()


def _generic_before(text: str, pos: int) -> bool:
    """全省总…, 各市总… are not unions: a generic word stands before the level word."""
    return any(text.endswith(q, 0, pos) for q in lexicon.union_words()["generic_qualifier"])


_QUALIFIER = re.compile(r"[\u4e00-\u9fff]{2,4}$")


def _qualifier(text: str, end: int) -> str | None:
    """The word before an unplaced 总工会 (基地总工会), unless it is generic (各级, 基层)."""
    from kg import segment

    words = list(segment.tokenizer().cut(text[max(0, end - 8):end]))
    if not words:
        return None
    word = words[-1]
    if not _QUALIFIER.match(word) or word in lexicon.union_words()["generic_qualifier"]:
        return None
    if any(word.endswith(q) for q in lexicon.union_words()["generic_qualifier"]):
        return None
    return word


EXTRACTOR = OrganizationExtractor()
