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
from dataclasses import dataclass, replace
from functools import lru_cache

from kg.extract import segment
from kg.knowledge import lexicon
from kg.extract.base import ArticleFindings, Mention
from kg.extract.phrases import GENERIC_HOSTS, NOT_IN_ORG, WordSet, article_enterprise, noun_run_start, place_prefix

# A place as a union or enterprise mention keeps it: (printed name, the divisions it may be).
PrintedPlace = tuple[str, tuple[str, ...]]


@dataclass(slots=True)
class UnionAttrs:
    """What a union mention says about the body it names, read from the span and its sentence;
    resolution (``kg.resolve.entities._resolve_union``) makes the body and its parents from it.
    A field left at its default was not read."""

    level: str = "local"  # "national" (全总, 中华全国总工会) or "local"
    places: list[PrintedPlace] | None = None  # the places printed before it (四川省成都市武侯区总工会)
    national_industry: bool = False  # 中国海员建设工会: a national industrial union
    industry: str | None = None  # 教育 of 江苏省教育工会
    bare_level: str | None = None  # 省 of a bare 省总工会: the province the article is about there
    unit: str | None = None  # 望京街道 of 朝阳区望京街道总工会: a street's or zone's union
    foreign: str | None = None  # the ISO code of another country's union (英国火车司机工会)
    enterprise: str | None = None  # the enterprise an enterprise's union belongs to
    qualifier: str | None = None  # 基地 of 基地总工会: a body named by its own word, no place
    name: str | None = None  # a body with a name of its own (澳门工会联合总会, 某某有限公司工会)
    loose: bool = False  # 宁夏回族自治区工会: the federation, named loosely
    listed: bool = False  # 成都市 of 成都市、德阳市总工会: one of places listed before one 总工会
    department: str | None = None  # 法律工作部 of 上海市总工会法律工作部: a department of the union


@dataclass(slots=True)
class OrganizationAttrs:
    """What a party or state body's mention says: ``template``, its canonical name with
    ``{place}`` where the place goes (``中共{place}委员会``), and ``place``, the place printed or
    a bare level word (省, 市) that resolution reads in the article's place."""

    template: str
    place: str | None = None
    country: str | None = None  # the ISO code of another state's body (伊朗外交部)
    enterprise: bool = False  # the name of an enterprise (北大荒农垦集团有限公司)
    implied: bool = False  # no body printed: 总书记 names the party's central committee
    state_only: bool = False  # the printed span is the state's name only: it is no alias of the body
    host: str | None = None  # the enterprise of a post (…有限公司董事长): a body of it may follow bare


# Reading a body mention that may be a union's or an organisation's (a post's body, the body a
# segment of a chain shares): the organisation's fields, None for a union, which has none of them.

def template_of(m: Mention) -> str | None:
    """The canonical form an organisation mention names (``OrganizationAttrs.template``)."""
    return m.attrs.template if m.kind == "organization" else None


def place_of(m: Mention) -> str | None:
    """The place printed with an organisation mention (``OrganizationAttrs.place``)."""
    return m.attrs.place if m.kind == "organization" else None


def host_of(m: Mention) -> str | None:
    """The enterprise an organisation mention is a body of (``OrganizationAttrs.host``)."""
    return m.attrs.host if m.kind == "organization" else None


# level words printed bare before a body (市总工会), standing for the article's place: a longer word first
_LEVELS = tuple(w.word for w in lexicon.level_words() if w.bare_for_place)


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
    # a department name is a few characters of nouns: no verb or particle inside (召开书记处会议), but
    # two fields may be joined by 和 (劳动和经济工作部)
    word = r"(?:(?![召开举行印发制定组织联合与和的在对向将])[\u4e00-\u9fff])"
    return re.compile(rf"{word}{{0,6}}?(?:和{word}{{1,4}}?)?(?:{suffixes})")


@lru_cache(maxsize=1)
def _organization_forms() -> tuple[WordSet, dict, re.Pattern]:
    """Printed forms split in two: literal names (中宣部) in one word set, and forms
    with a place ({place}人大常委会) by their ending, the place checked afterwards."""
    literal, endings = {}, {}
    for surface, canonical in lexicon.organization_forms():
        if "{place}" in surface:
            prefix, ending = surface.split("{place}")
            endings.setdefault(ending, []).append((prefix, canonical))
        else:
            literal.setdefault(surface, canonical)
    by_length = lambda forms: "|".join(map(re.escape, sorted(forms, key=lambda f: (-len(f), f))))
    return WordSet(literal), (literal, endings), re.compile(by_length(endings))


@lru_cache(maxsize=1)
def _npc_committee_tails() -> tuple[WordSet, dict[str, str]]:
    """The NPC's committees by their forms without 全国人大 (全国人大教科文卫委 -> 教科文卫委), as lists
    of committee heads in reports of an NPC session print them."""
    tails = {}
    for surface, canonical in lexicon.organization_forms():
        if surface.startswith("全国人大") and not surface.startswith("全国人大常委会") and len(surface) >= 6:
            tails.setdefault(surface[4:], canonical)
    return WordSet(tails), tails


def _names_the_npc(article) -> bool:
    return any("全国人大" in s.text or "全国人民代表大会" in s.text for s in article.sentences)


def _foreign_country_before(text: str, start: int) -> tuple[str, "lexicon.Country"] | None:
    """(the form as printed, the state) of a foreign state printed right before ``start``."""
    forms = lexicon.country_forms()
    for k in range(min(start, 10), 1, -1):
        country = forms.get(text[start - k:start])
        if country is not None and country.iso2 != "CN":
            return text[start - k:start], country
    return None


# what the fields of a ministry's name are tagged (nouns, 临时政府 as a body; tags: grammar of the algorithm, not a lexicon), and words that
# are no field (official_words.tsv)
_FIELD_FLAGS = frozenset({"n", "nz", "vn", "b", "nt"})
_NOT_A_FIELD = frozenset(lexicon.words_by_kind("official_words.tsv")["office_standing"])


def _foreign_ministry_before(text: str, start: int) -> tuple[int, str, "lexicon.Country"] | None:
    """(where the state is printed, the fields after it, the state) of a foreign ministry whose name ends in a
    Chinese ministry's (希腊国民经济和财政部, 秘鲁经济财政部: not China's 财政部): a state, then short nouns,
    with 、, 和 or 与 between them and no title."""
    for j in range(start - 2, max(0, start - 13), -1):
        fields = text[j:start]
        if not re.fullmatch(r"[\u4e00-\u9fff、]+", fields) or fields[0] in "、和与":
            break
        country = _foreign_country_before(text, j)
        if country is None:
            continue
        titles = lexicon.titles()
        if any(p.word in titles or p.word in _NOT_A_FIELD for p in segment.tags(fields)) or \
                not all(p.word in "、和与" or p.flag in _FIELD_FLAGS for p in segment.tags(fields)):
            return None  # (黎巴嫩四国农业部, 俄亥俄州环保部: a place; 以色列新任国家安全部: the office is new)
        return j - len(country[0]), fields, country[1]
    return None


# a leading group or joint conference of a body, named after its task (…促进中小企业发展工作领导小组办公室)
_LEADING_GROUP = re.compile(r"[\u4e00-\u9fff]{0,20}?(?:领导小组办公室|领导小组|工作小组|联席会议办公室|联席会议|联防联控机制|工作机制)")
# the term of a congress or committee printed between its place and its name (第十四届)
_TERM = re.compile(r"第[一二三四五六七八九十百零〇\d]{1,4}届$")


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
        names_the_npc = _names_the_npc(article)  # (once an article, not once a sentence)
        for s in article.sentences:
            unions = list(self._unions(s, found))
            yield from unions
            taken = [(m.start, m.end) for m in unions]
            for m in self._organizations(s, found, names_the_npc):
                if not any(x < m.end and m.start < y for x, y in taken):
                    taken.append((m.start, m.end))
                    yield m

    def _organizations(self, s, found: ArticleFindings, names_the_npc: bool):
        text = s.text
        literal_words, (literal, endings), ending_re = _organization_forms()
        places = {m.end: m for m in found.of_kind("place", sentence=s.index)}
        out = []
        for m in ending_re.finditer(text):
            a, b = m.span()
            term = _TERM.search(text, 0, a)
            if term is not None and term.end() == a and places.get(term.start()) is not None:
                a = term.start()  # 浙江省第十四届人民代表大会常务委员会: the term is no part of the name
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
                                       OrganizationAttrs(canonical, place.surface if place else word)))
                    break
        cuts = None
        for start, end, word in literal_words.spans(text):
            if len(word) <= 2:
                cuts = cuts if cuts is not None else segment.boundaries(text)
                if start not in cuts or end not in cuts:
                    continue  # 央视网消息: 央视 inside a longer word names no body
            country = _foreign_country_before(text, start) if literal[word] not in lexicon.foreign_bodies() else None
            if country is None and word.endswith("部") and start > 2 and literal[word] not in lexicon.foreign_bodies():
                ministry = _foreign_ministry_before(text, start)  # 希腊国民经济和财政部: Greece's ministry
                if ministry is not None and not any(o.start < end and ministry[0] < o.end for o in out):
                    begin, fields, state = ministry
                    out.append(Mention("organization", text[begin:end], s.index, begin, end,
                                       OrganizationAttrs(state.short + fields + word, country=state.iso2)))
                    continue
            if country is not None and not any(o.start < end and start - len(country[0]) < o.end for o in out):
                # 伊朗外交部: the ministry of the state printed before it, not China's
                out.append(Mention("organization", text[start - len(country[0]):end], s.index, start - len(country[0]),
                                   end, OrganizationAttrs(country[1].short + word, country=country[1].iso2)))
                continue
            if not any(o.start < end and start < o.end for o in out):
                template = literal[word]
                group = _LEADING_GROUP.match(text, end)
                if group and not any(o.start < group.end() and end < o.end for o in out):
                    # 国务院促进中小企业发展工作领导小组办公室: a group of the body, named after what it does
                    end, template = group.end(), template + group.group()
                elif text.startswith("办公厅", end) and not template.endswith("办公厅"):
                    end, template = end + 3, template + "办公厅"  # 中央纪委办公厅: the body's general office
                out.append(Mention("organization", text[start:end], s.index, start, end, OrganizationAttrs(template)))
        if names_the_npc:
            for start, end, tail in _npc_committee_tails()[0].spans(text):
                if (start == 0 or text[start - 1] in "、，。；：了（(“") and \
                        not any(o.start < end and start < o.end for o in out):
                    # 教科文卫委主任委员A in an article on the NPC: its committee, printed without 全国人大
                    out.append(Mention("organization", tail, s.index, start, end,
                                       OrganizationAttrs(_npc_committee_tails()[1][tail])))
        for m in _ENTERPRISE.finditer(text):
            start = noun_run_start(text, max(0, m.start() - 20), m.end())
            name = text[start:m.end()]
            if len(name) >= 6 and not any(o.start < m.end() and start < o.end for o in out):
                # 北大荒农垦集团有限公司: an enterprise, which 公司 and 集团 later in the article mean
                out.append(Mention("organization", name, s.index, start, m.end(),
                                   OrganizationAttrs(name, enterprise=True)))
        return sorted(out, key=lambda o: o.start)

    def _unions(self, s, found: ArticleFindings):
        text = s.text
        words = lexicon.union_words()
        last_end = 0
        for m in _union_anchor().finditer(text):
            a, b = m.span()
            if a < last_end:
                continue
            attrs = UnionAttrs()
            if m.group("national"):
                attrs.level = "national"
                start = a
                if text.startswith("中华", max(0, a - 2)) and m.group() == "全国总工会":
                    start = a - 2
            else:
                suffix = m.group()
                count = _COUNT.search(text, 0, a)  # 青岛、烟台…日照五市总工会: the count of the places listed
                chain = _place_chain(found, s.index, count.start() if count else a)
                if count and len(_listed_places(found, s.index, text, chain[0].start if chain else a)) + 1 < 2:
                    chain = _place_chain(found, s.index, a)  # no list before the count word: no count
                elif count and chain:
                    a = count.start()
                industry = None
                if not chain and suffix == "工会":
                    industry = next((w for w in words["industry"] if text.endswith(w, 0, a)), None)
                    if industry:
                        chain = _place_chain(found, s.index, a - len(industry))
                if suffix == "总工会" and not chain and text.endswith("全国", 0, a):
                    continue  # 全国总工会 is caught as national
                if industry and not chain and text.endswith("中国", 0, a - len(industry)):
                    start = a - len(industry) - 2  # 中国海员建设工会: a national industrial union
                    attrs.national_industry = True
                elif chain:
                    start = chain[0].start
                    attrs.places = [(p.surface, p.attrs.codes) for p in chain]
                if attrs.national_industry or chain:
                    pass
                else:
                    level = _bare_level(text, a - len(industry or ""))
                    if level is not None and _generic_before(text, a - len(industry or "") - len(level)):
                        continue  # 各市总工会, 全省总工会系统: a kind of body, not one body
                    if level is not None:
                        start = a - len(industry or "") - len(level)
                        attrs.bare_level = level
                    elif (unit := _unit_before(found, s.index, text, a)) is not None:
                        start, unit_chain, attrs.unit = unit  # 朝阳区望京街道总工会: a street's union
                        attrs.places = [(p.surface, p.attrs.codes) for p in unit_chain]
                    elif (unit := _UNIT_ALONE.search(text, max(0, a - 8), a)) is not None:
                        start, attrs.unit = unit.start(), unit.group()  # 玉林街道总工会: in the district read before
                    elif (foreign := _foreign_union(text, a)) is not None:
                        start, attrs.foreign = foreign
                    elif suffix == "工会" and (enterprise := _enterprise_before(text, a)) is not None:
                        start = enterprise  # 天津港(集团)有限公司工会: an enterprise's union, named as printed
                        attrs.enterprise = text[start:a]
                    elif suffix == "工会" and (host := _generic_host(found, s.index, text, a)) is not None:
                        start, attrs.enterprise = host  # 公司工会: the union of the article's enterprise
                    elif suffix == "工会" and (listed := _listed_after_place(found, s.index, text, a)):
                        attrs.places = [(p.surface, p.attrs.codes) for p in listed]
                        start = a  # 广东省妇联、工会、团委: the province prefix distributes
                    elif suffix == "总工会":
                        qualifier = _qualifier(text, a)
                        if not qualifier:
                            continue
                        start = a - len(qualifier)
                        attrs.qualifier = qualifier
                    else:
                        continue
                if industry:
                    attrs.industry = industry
                if attrs.foreign is not None:
                    b = _federation_end(text, b)
                    attrs.name = text[start:b]  # a foreign union keeps its own name, with no parent
                elif attrs.enterprise is not None:
                    b += 3 if text.startswith("委员会", b) else 0  # …有限公司工会委员会: the same body as …工会
                    attrs.name = attrs.enterprise + "工会"
                    inside = [(p.surface, p.attrs.codes) for p in found.of_kind("place", sentence=s.index)
                              if start <= p.start and p.end <= a][:1]
                    if not inside:  # 天津港…: a place name opening the enterprise's name, even glued to a word
                        prefix = place_prefix(text[start:a])
                        inside = [prefix] if prefix else []
                    if inside:
                        attrs.places = inside  # 天津港…公司工会: in 天津
                elif suffix == "工会" and chain and _federation_end(text, b) > b:
                    b = _federation_end(text, b)  # 澳门工会联合总会: a federation named so, not the 总工会
                    attrs.name = text[start:b]
                elif suffix == "工会" and not industry:
                    attrs.loose = True  # 宁夏回族自治区工会: the federation, named loosely
                if suffix == "工会" and attrs.bare_level is not None and not industry:
                    continue  # 市工会 alone is too vague
                attrs.level = "local"
            last_end = b
            mention = Mention("union", text[start:b], s.index, start, b, attrs)
            yield mention
            if attrs.places and not attrs.industry and attrs.unit is None and attrs.name is None:
                # 成都市、德阳市、眉山市总工会: one union of each place listed before the last
                for listed in _listed_places(found, s.index, text, start):
                    yield Mention("union", text[listed[0].start:listed[-1].end], s.index, listed[0].start,
                                  listed[-1].end, replace(attrs, places=[(p.surface, p.attrs.codes) for p in listed],
                                                          listed=True))
            dept = _department().match(text, b)
            if dept and m.group() != "工会":
                yield Mention("union", text[start:dept.end()], s.index, start, dept.end(),
                              replace(attrs, department=dept.group()))
                last_end = dept.end()


_FEDERATION = re.compile(r"联合总会|联合会|总会|联盟")
# a count of the places listed before one body (五市总工会): a pattern of the algorithm, its level characters those
# a count is printed with
_COUNT = re.compile(r"[二三四五六七八九十两]{1,2}个?(?:市|县|区|州|盟|省)$")


def _listed_places(found: ArticleFindings, sentence: int, text: str, end: int) -> list[list[Mention]]:
    """The place chains listed with 、, 和, 及 or 与 right before ``end`` (成都市、德阳市、眉山市
    before 资阳市), nearest last."""
    out: list[list[Mention]] = []
    while end > 0 and text[end - 1] in "、和及与":
        chain = _place_chain(found, sentence, end - 1)
        if not chain:
            break
        out.insert(0, chain)
        end = chain[0].start
    return out


def _federation_end(text: str, end: int) -> int:
    """Where a union's name ends when 工会 is followed by a federation word (工会联合总会)."""
    m = _FEDERATION.match(text, end)
    return m.end() if m else end


# a street or town named alone (玉林街道, 贡江镇): its district is the one the article names before it
_UNIT_ALONE = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,4}(?:街道|镇|乡)$|(?<=[，、和与及])[\u4e00-\u9fff]{2,4}(?:街道|镇|乡)$")
_UNIT = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:街道|镇|乡|社区|开发区|高新区|经开区|新区|园区|工业园|工业园区|产业园)$")
_ENTERPRISE_BEFORE = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团|厂|医院|大学|学院|学校|研究院|研究所|银行|矿)$")
# an enterprise named in full, wherever it stands (what a later bare 公司 or 集团 means)
_ENTERPRISE = re.compile(r"(?:有限责任公司|股份有限公司|集团有限公司|有限公司|集团)(?![\u4e00-\u9fff）)])|(?:有限责任公司|股份有限公司|有限公司)")


def _unit_before(found: ArticleFindings, sentence: int, text: str, anchor: int):
    """A street, town, park or zone named between a place and 总工会 (朝阳区望京街道总工会):
    (start, the place chain, the unit's name), or None."""
    places = {m.end: m for m in found.of_kind("place", sentence=sentence)}
    for end in sorted(places, reverse=True):
        if end >= anchor or anchor - end > 10:
            continue
        unit = text[end:anchor]
        if _UNIT.fullmatch(unit) and not NOT_IN_ORG.search(unit):
            chain = _place_chain(found, sentence, end)
            return chain[0].start, chain, unit
    return None


def _generic_host(found: ArticleFindings, sentence: int, text: str, anchor: int) -> tuple[int, str] | None:
    """公司工会, 集团工会: (start, the enterprise the article named before), or None."""
    word = next((w for w in GENERIC_HOSTS if text.endswith(w, 0, anchor)), None)
    if word is None:
        return None
    host = article_enterprise(found, word, sentence, anchor - len(word))
    return (anchor - len(word), host) if host else None


def _enterprise_before(text: str, anchor: int) -> int | None:
    """Where the name of an enterprise or institution ending right before 工会 begins
    (天津港(集团)有限公司工会, 某某医院工会), or None."""
    if not _ENTERPRISE_BEFORE.search(text, 0, anchor):
        return None
    start = noun_run_start(text, max(0, anchor - 24), anchor)
    name = text[start:anchor]
    return start if len(name) >= 5 and not _ENTERPRISE_BEFORE.fullmatch(name) else None


def _foreign_union(text: str, anchor: int) -> tuple[int, str] | None:
    """A union of another country (英国火车司机工会, 德国服务业联合工会): a country named a few
    nouns before 工会, with nothing but nouns and 、/和/及 between. (start, ISO code) or None."""
    countries = lexicon.country_forms()
    window = text[max(0, anchor - 16):anchor]
    for i in range(len(window)):
        for form in (window[i:i + k] for k in range(2, 8)):
            country = countries.get(form)
            if country is None or country.iso2 == "CN":
                continue
            rest = window[i + len(form):]
            if re.fullmatch(r"[\u4e00-\u9fff、]{0,12}", rest) and not re.search(r"[的了在是将对向为]|工会", rest):
                return anchor - len(window) + i, country.iso2
    return None


def _listed_after_place(found: ArticleFindings, sentence: int, text: str, anchor: int) -> list[Mention]:
    """广东省妇联、工会、团委: a bare 工会 in a list of bodies whose first item opens with a place;
    the place chain, else nothing."""
    if anchor == 0 or text[anchor - 1] != "、":
        return []
    places = sorted(found.of_kind("place", sentence=sentence), key=lambda m: m.end)
    for place in reversed([p for p in places if p.end < anchor]):
        if re.fullmatch(r"(?:[\u4e00-\u9fff]{1,6}、)+", text[place.end:anchor]):
            chain = _place_chain(found, sentence, place.end)
            return chain
        break
    return []


def _generic_before(text: str, pos: int) -> bool:
    """全省总…, 各市总… are not unions: a generic word stands before the level word."""
    return any(text.endswith(q, 0, pos) for q in lexicon.union_words()["generic_qualifier"])


_QUALIFIER = re.compile(r"[\u4e00-\u9fff]{2,4}$")


def _qualifier(text: str, end: int) -> str | None:
    """The word before an unplaced 总工会 (基地总工会), unless it is generic (各级, 基层)."""
    from kg.extract import segment

    words = list(segment.tokenizer().cut(text[max(0, end - 8):end]))
    if not words:
        return None
    word = words[-1]
    if not _QUALIFIER.match(word) or word in lexicon.union_words()["generic_qualifier"]:
        return None
    if word in dict(lexicon.organization_forms()):
        return None  # 全国政协总工会界别: a body's name, then the ACFTU
    if any(word.endswith(q) for q in lexicon.union_words()["generic_qualifier"]):
        return None
    return word


EXTRACTOR = OrganizationExtractor()
