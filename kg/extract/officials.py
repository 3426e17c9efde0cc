"""Officials: people named with the offices they hold, read in both orders.

News prints offices three ways, and this module reads all three:

* **before the name**, as a chain of segments joined by 、 (``全国总工会党组书记、副主席王明``):
  each segment is ``[organisation] title``, and a segment without an organisation shares the
  one before it. The chain may be followed by several names (``全国政协副主席王明、李华``):
  each gets its posts. In ``A书记王明和市长李华`` the second chain, printed without its place,
  takes the place or country of the first one (the 美国 of ``美国国务卿A和国防部长B``);
* **after the name** (``王明总书记``, ``王明委员``): the title alone. Its organisation is
  certain for a few titles (``title_forms.tsv``, kind default: 总书记 is the Central
  Committee's); for others (``王明主席``) resolution looks for the same person's post with
  that title elsewhere, and never guesses;
* the organisation part of a segment is read by a small grammar: a known body
  (``organizations.tsv``, central bodies, unions), a country (``countries.tsv``: 法国总统 ->
  法兰西共和国; 奥地利能源部长 -> 奥地利能源部), a place with a government head (河南省长 ->
  河南省人民政府), a title that carries its body (国家主席, 外长), or a run of nouns ending in
  an organisation word (日本经济团体联合会). The run never reaches back over a verb or a
  preposition, so ``…将播出对古巴总理A`` gives 古巴, not the clause before it.

Seats in a body (政协委员, 人大代表), seats in a congress's temporary presidium and past
offices (原部长, 前总统) make no post; their holders are kept as persons. So are workers with
a workplace position (班组长) and people named only with 女士 or 先生.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache


from kg.extract import segment
from kg.knowledge import kinds, lexicon
from kg.extract.base import ArticleFindings, Link, Mention, implied
from kg.extract.organizations import OrganizationAttrs, UnionAttrs, host_of, place_of, template_of
from kg.extract.names import NameSpan, name_after, name_before, names_after
from kg.extract.phrases import (GENERIC_HOSTS, NOT_IN_ORG, ENTERPRISE_END, WordSet, article_enterprise, clause_words,
                                noun_run_start, place_prefix)


@dataclass(slots=True)
class OfficialAttrs:
    """What an official's mention says besides the name: ``bare_title``, a title printed after the
    name with no organisation (王明主席), which resolution reads from the person's other posts."""

    bare_title: str | None = None


@dataclass(slots=True)
class PersonAttrs:
    """A person named without an office: ``role`` is what the text calls them (记者, 摄影, 代表),
    None when it says nothing."""

    role: str | None = None


# the words of official_words.tsv, by kind, in the order of the rows
_OFFICIAL_WORDS = lexicon.words_in_file_order("official_words.tsv")
# punctuation that ends a title chain: grammar of the algorithm, not a lexicon
_CHAIN_STOP = set("，。；：！？“”‘’（）《》「」【】 \t\n,.;:!?()\"'")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff（）()]+(?:[-‐－–][\u4e00-\u9fff（）()]+)*$")  # a bracketed word, a hyphen
_TITLED_PERSON = re.compile(r"(?P<name>[\u4e00-\u9fff])(?P<title>女士|先生|师傅)")
# conjunctions joining two names: function words, grammar of the algorithm, not a lexicon
_CONJUNCTIONS = ("和", "与", "及", "以及", "同", "或", "、")
# words that stand right after a name and belong to the person (王明夫妇, 王明夫人)
_FOLLOWING_A_NAME = _OFFICIAL_WORDS["following_a_name"]
# words an organisation's name may end with, when no lexicon knows the organisation
_ORG_END = re.compile("(?:" + "|".join(map(re.escape, _OFFICIAL_WORDS["org_end"])) + ")$")
# the last word of a body's name inside a longer organisation part
_BOOK_TITLE = re.compile(r"《[^《》]*》")
# national assemblies whose committees are printed bare after a seat in them
_NATIONAL_ASSEMBLIES = _OFFICIAL_WORDS["national_assembly"]
# 原 after a body and before its committee (…有限责任公司原党委书记): an office held before
_FORMER_INSIDE = re.compile(r"(?:公司|集团|局|厅|委|部|院|厂|银行|大学|中心|协会|学会|所|站|馆|社|署|办)原(?=党委|党组|纪委|工会|[\u4e00-\u9fff]{0,6}$)")
# bodies of a state that follow its one-character abbreviation (乌总统办公室, 俄外交部)
_STATE_BODY_WORDS = _OFFICIAL_WORDS["state_body_word"]
# a department of a party's central committee (中央对外部: 对 is part of its name)
_CENTRAL_DEPARTMENT = re.compile(r"中央[\u4e00-\u9fff]{1,6}(?:部|委员会|委|办公室|办公厅)")
# words that take an office away (the posts of that clause are not held after it)
_REMOVAL = re.compile(r"免去|免职|解除[^，。；]{0,20}职务|撤销[^，。；]{0,20}职务|撤职|罢免|开除|被撤换|辞去[^，。；]{0,20}职务")
# the death of the person just named (…副委员长王明同志，因病医治无效，于…在北京逝世): an obituary's offices are past
_DIED = re.compile(r"(?:同志|先生|女士)?(?:[，,]?(?:因病医治无效|因病|在[^，。；]{1,10}|于[^，。；]{1,24}))*[，,]?"
                   r"(?:逝世|去世|病逝|辞世)")
# bodies of a president's office: China has no president, so printed bare (…总统A率总统办公厅主任B) they are a
# foreign state's, the state the clause, the chain or the article is about
_PRESIDENTIAL_OFFICE = re.compile(r"总统(?:行政)?(?:办公厅|办公室|府)")
_PRESIDENTIAL_BODY = re.compile(_PRESIDENTIAL_OFFICE.pattern + "$")
# a hyphen inside a transliterated name (北莱茵-威斯特法伦州): part of the name, not punctuation (grammar of the
# algorithm, not a lexicon)
_NAME_HYPHEN = "-‐－–"
# a clause inside what follows a state and 驻 (阿联酋驻叙利亚大使馆临时代办A14日在大马士革向叙利亚总统B): a date, a
# preposition or a particle, never part of an envoy's title
_CLAUSE_INSIDE = re.compile(r"[\d的了在向对将把被]")
# a party or front named after what it stands for (前进党, 团结党): whatever the words' tags, a body
_PARTY_NAME = re.compile(r"[\u4e00-\u9fff]{1,8}(?:党|阵线|运动)")
_LAST_BODY_WORD = re.compile(r".*(?:党团|党|部|委员会|委|局|会议|(?<![社机都])会|院|联盟|阵线|组织|政府|公司|集团|银行)"
                             r"(?!议|门|员|长|士|校|团)")  # (not 部门, 党员, 党团, 社会)
# words between a body and its title that say the office is new, current or not yet held
_NOT_YET_OR_NOW = _OFFICIAL_WORDS["not_yet_or_now"]
# titles of a state's own offices: after a party's segment they are held at the state (…党主席、总统A)
_STATE_TITLES = frozenset(_OFFICIAL_WORDS["state_title"])
# a state's government described by its standing, between the state and a compound title (德国看守政府外长)
_GOVERNMENT_OF = re.compile(r"(?:看守|临时|过渡|新|联邦|现|本届)?政府")
# a head of state or government joined to the name after it (A主席同B总理, A总统和B总理)
_HEAD_JOINED = re.compile(r"(?P<head>主席|总统|总理|首相|国王|女王|埃米尔)(?P<joined>同|和|与)$")
# level words printed bare before a title (省长, 自治区主席) whose level has a people's government (level_words.tsv)
_GOVERNED_LEVELS = frozenset(w.word for w in lexicon.level_words() if w.bare_for_place and w.government)
# titles that head their body: one holder at a time (two 总书记 in one sentence are not both the CPC's)
_ONE_HOLDER = frozenset(_OFFICIAL_WORDS["one_holder"])
# words that name a kind of body, never one body
_GENERIC_BODIES = frozenset(_OFFICIAL_WORDS["generic_body"])
# a board named by its role alone (顾问委员会主席 at the start of a sentence): any body's, naming none
_ROLE_OF_BODY = re.compile(r"(?:顾问|咨询|执行|专家|学术|管理|监督|评审|组织|筹备|指导)(?:委员会|理事会)")
# organisation parts too vague to name a body without an owner printed before them
_TOO_VAGUE = frozenset(_OFFICIAL_WORDS["too_vague"])
# a short word in brackets inside a name (天津港（集团）有限公司)
_QUOTED_BODY = re.compile(r"“[\u4e00-\u9fff]{2,20}(?:联盟|组织|委员会|协会|基金会|联合会|中心|研究所|研究院)”$")
_LATIN_BRACKETED_START = re.compile(r"[（(][A-Za-z]{2,10}[）)]")
_LATIN_BRACKETED = re.compile(r"(?<=[\u4e00-\u9fff])[（(][A-Za-z]{2,10}[）)]$")  # 国际货币基金组织（IMF）…
_BRACKETED = re.compile(r"(?<=[\u4e00-\u9fff])[（(][\u4e00-\u9fff]{1,4}[）)]$")
# a party committee, discipline committee or party group named after its host (某公司党委)
_COMMITTEE_NAME = lexicon.party_committees()  # 党委 -> 委员会: the end of the full name (中共某公司委员会)
_PARTY_COMMITTEE = re.compile("(?:" + "|".join(map(re.escape, _COMMITTEE_NAME)) + ")$")
# titles of an enterprise's own management, held at the enterprise even after its party committee
_CORPORATE_TITLES = _OFFICIAL_WORDS["corporate_title"]
# other titles of an enterprise's head, which no state has
_CORPORATE_HEADS = _OFFICIAL_WORDS["corporate_head"]
# a body's name that says only what kind of body it is (工作委员会, 领导小组): printed after a verb, the verb is part
# of the body's name (党和国家功勋荣誉表彰工作委员会), not the end of a clause before it
_NAMED_BY_TASK = re.compile(r"(?:工作)?(?:委员会|领导小组|小组|办公室)")
# titles held in a party committee; other titles printed bare after one are its host body's (党委书记、主席)
_PARTY_OFFICE = re.compile(r".*(?:书记|委员|常委)")
# endings of a body inside another (a committee, an office, a department)
_SUB_BODY_END = re.compile("(?:" + "|".join(map(re.escape, _OFFICIAL_WORDS["sub_body_end"])) + ")$")


_LOCAL_PARTY_COMMITTEE = "中共{place}委员会"


@lru_cache(maxsize=1)
def _party_departments() -> dict[str, str]:
    """The departments of a local party committee, printed form -> the name it takes after the committee's
    (统战部 -> 统一战线工作部), from the naming rules of ``organizations.tsv`` ({place}委统战部)."""
    out: dict[str, str] = {}
    for surface, canonical in lexicon.organization_forms():
        if surface.startswith("{place}委") and canonical.startswith(_LOCAL_PARTY_COMMITTEE) and \
                len(canonical) > len(_LOCAL_PARTY_COMMITTEE):
            department = canonical[len(_LOCAL_PARTY_COMMITTEE):]
            out[surface[len("{place}委"):]] = department
            out[department] = department
    return out


@lru_cache(maxsize=1)
def _title_words() -> WordSet:
    return WordSet(_all_titles())


def _title_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, title) of the leftmost-longest, non-overlapping titles in ``text``."""
    return _title_words().spans(text)


@lru_cache(maxsize=1)
def _all_titles() -> tuple[str, ...]:
    titles = set(lexicon.titles()) | {f.printed for f in lexicon.title_forms().get("compound", ())}
    return tuple(sorted(titles, key=lambda t: (-len(t), t)))


@lru_cache(maxsize=1)
def _title_lengths_by_last() -> dict[str, tuple[int, ...]]:
    """The lengths of ``_all_titles()`` by their last character, longest first."""
    out: dict[str, set[int]] = {}
    for t in _all_titles():
        out.setdefault(t[-1], set()).add(len(t))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def _title_set() -> frozenset[str]:
    return frozenset(_all_titles())


def _titles_fitting(text: str, start: int, end: int) -> list[str]:
    """The titles that ``text[start:end]`` ends with, longest first (the order of
    ``_all_titles()``): one look-up per length of title instead of a comparison with each of
    the hundreds of titles that end in the same character (长, 员)."""
    if end <= 0:
        return []
    titles = _title_set()
    return [text[end - n:end] for n in _title_lengths_by_last().get(text[end - 1], ())
            if n <= end - start and text[end - n:end] in titles]


def _forms(kind: str) -> tuple[lexicon.TitleForm, ...]:
    return lexicon.title_forms().get(kind, ())


@lru_cache(maxsize=1)
def _countries_by_code() -> dict[str, lexicon.Country]:
    return {c.iso2: c for c in lexicon.countries()}


def _article_countries(article) -> dict[str, int]:
    """How often the article names each foreign country (by any of its forms): one pass of the
    country pattern over its sentences, made only for a bare title after a foreign name."""
    counts: dict[str, int] = {}
    for sentence in article.sentences:
        for m in _country_pattern().finditer(sentence.text):
            country = _country_named(m.group())
            if country.iso2 != "CN":
                counts[country.iso2] = counts.get(country.iso2, 0) + 1
    return counts


@lru_cache(maxsize=1)
def _before_title_verbs() -> tuple[str, ...]:
    """Verbs that open a clause a title chain follows (会见, 接见 …): two characters or more."""
    return tuple(w for w in lexicon.name_context().get("before_title", ()) if len(w) > 1)


@lru_cache(maxsize=1)
def _foreign_parties() -> tuple[str, ...]:
    """Names of foreign parties themselves (越南共产党), longest first."""
    names = {b.canonical for b in lexicon.bodies() if b.type == "foreign_party" and "中央" not in b.canonical
             and b.canonical.endswith(("党", "阵线", "联盟", "大会"))}
    return tuple(sorted(names, key=len, reverse=True))


def _foreign_party_of(template: str) -> str | None:
    return next((p for p in _foreign_parties() if template.startswith(p)), None)


@lru_cache(maxsize=1)
def _after_name_titles() -> frozenset[str]:
    return frozenset(f.printed for f in _forms("after_name"))


def _after_name(title: str) -> bool:
    return title in _after_name_titles()


@lru_cache(maxsize=1)
def _country_pattern() -> re.Pattern:
    """Any printed form of a state. A form ending in 国 followed by 家 is read without it
    (蒙古国家大呼拉尔: 蒙古's 国家大呼拉尔, not 蒙古国's 家大呼拉尔)."""
    forms = sorted(lexicon.country_forms(), key=lambda f: (-len(f), f))
    return re.compile("|".join(re.escape(f) + "(?!家)|" + re.escape(f[:-1]) + "(?=国家)"
                               if f.endswith("国") and len(f) >= 3 else re.escape(f) for f in forms))


def _country_named(printed: str) -> lexicon.Country:
    """The state a match of ``_country_pattern`` names."""
    forms = lexicon.country_forms()
    return forms[printed] if printed in forms else forms[printed + "国"]


def _implied(sentence: int, start: int, end: int, name: str) -> Mention:
    """An organisation no word of the sentence names, implied by a title (总书记 -> the Central
    Committee, 国家主席 -> the state): the span is the title's, and resolution gives the
    entity no mention of it (the post keeps the sentence as its evidence)."""
    return Mention("organization", "", sentence, start, end, OrganizationAttrs(name, implied=True))


@lru_cache(maxsize=4096)
def _has_verb(text: str) -> bool:
    """``text`` holds a verb of two characters or more (失事, 造成): it is a clause, not a name or a title."""
    return any(len(p.word) > 1 and p.flag.startswith("v") for p in segment.tags(text))


# fields joined inside one ministry's name (国民经济和, 农业、食品与海洋事务): short words, 、, 和 or 与 between
_FIELD = r"(?:(?![、和与])[\u4e00-\u9fff]){2,4}"
_FIELDS = re.compile(_FIELD + r"(?:[、和与]" + _FIELD + r"){0,3}[和与]?")


def _field_list(text: str) -> bool:
    """``text`` lists fields of one ministry after its state (希腊国民经济和财政部长, 爱尔兰农业、食品与海洋事务部长):
    nouns joined by 、, 和 or 与, with no title (希腊总理和财政部长 are two offices), no state and no verb."""
    return any(j in text for j in "、和与") and _FIELDS.fullmatch(text) is not None and \
        not _title_spans(text) and _country_pattern().search(text) is None and \
        all(p.word in "、和与" or p.flag[:1] == "n" or p.flag in ("vn", "b") for p in segment.tags(text))


def _name_run_start(text: str, start: int, end: int) -> int:
    """``noun_run_start``, reading a hyphen between two Han characters as part of a name (德国北莱茵-威斯特法伦州
    内政部: the state 北莱茵-威斯特法伦, not 威斯特法伦 alone)."""
    run = noun_run_start(text, start, end)
    while run - 2 >= start and text[run - 1] in _NAME_HYPHEN and _CJK.match(text[run - 2]):
        before = noun_run_start(text, start, run - 1)
        if before >= run - 1:
            break
        run = before
    return run


@dataclass
class _Post:
    title: str
    org: Mention | None  # None: the organisation is read later (a title printed after the name)
    past: bool = False
    membership: bool = False  # a seat or an honour, not an office: the person is kept, no post is made

    def __post_init__(self):
        if any(self.title.endswith(f.printed) for f in _forms("honorific")):
            self.membership = True  # 古巴革命领袖: an honour, not an office at the state

@dataclass
class _Chain:
    """The posts of one chain of titles and the country or place its organisations are in."""

    start: int
    posts: list[_Post]
    country: lexicon.Country | None = None
    place: str | None = None
    foreign: bool = False

    def party_state(self) -> lexicon.Country | None:
        """The state of the first foreign party the chain's posts are at (越共中央 -> 越南), or None."""
        for post in self.posts:
            state = lexicon.body_country(template_of(post.org) or "") if post.org is not None else None
            if state is not None:
                return state
        return None


@lru_cache(maxsize=4096)
def _last_flag(text: str) -> str:
    """Part of speech of the last word of ``text`` ("" when empty)."""
    flag = ""
    for pair in segment.tags(text):
        flag = pair.flag
    return flag


@dataclass
class _Sentence:
    """One sentence being read: its mentions and the names already given to chains."""

    s: object
    found: ArticleFindings
    claimed: list[NameSpan] = field(default_factory=list)
    han_names: bool = False  # the chain being read stands before Han names (总理 alone is 国务院's)
    transliterated: bool = False  # … before names made of transliteration characters only (穆罕默德)
    # the body each default title was given to, and to whom (总书记 -> the CPC's, once a sentence)
    defaults: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        self.text = self.s.text
        self.places = self.found.of_kind("place", sentence=self.s.index)
        self.orgs = self.found.of_kind(*kinds.bodies(), sentence=self.s.index)

    @cached_property
    def cuts(self) -> set[int]:
        return segment.boundaries(self.text)

    # -- titles -----------------------------------------------------------
    def titles(self):
        """(start, end, title) of every title that ends a word and lies in no place name."""
        quoted = [(m.start(), m.end()) for m in _BOOK_TITLE.finditer(self.text)]
        for a, b, title in _title_spans(self.text):
            if any(qa < a and b < qb for qa, qb in quoted):
                continue  # 《国家主席授勋令》: a title inside the name of a document
            if any(p.start < b and a < p.end and not (p.start <= a and b <= p.end and p.end == b)
                   for p in self.places):
                continue  # 石家庄市长安区: the "title" is inside place names
            if b not in self.cuts and b < len(self.text) and (
                    a not in self.cuts or self._longer_word(a, b) or name_after(self.text, b) is None):
                continue  # 委员会, 书记处, 总统府, 地区长期: the title is part of longer words
            if self.text.startswith(("会议", "办公会", "会", "国", "席", "台"), b) and not self.text.startswith("会长", b):
                continue  # 委员长会议, 外长会: a meeting of the title's holders, not a person
            yield a, b, title

    def _longer_word(self, a: int, b: int) -> bool:
        """The title and the characters after it make a dictionary word (委员会, 主席团)."""
        freq = segment.tokenizer().FREQ
        return any(freq.get(self.text[a:b + k], 0) > 0 for k in (1, 2) if b + k <= len(self.text))

    # -- names around a title --------------------------------------------
    def left_ok(self, i: int) -> bool:
        """A name printed before its title may start here: at the start of the sentence,
        after punctuation, a conjunction or a word that ends where the name starts."""
        if i == 0 or self.text[i - 1] in _CHAIN_STOP or self.text[i - 1] == "、":
            return True
        return i in self.cuts and not any(c.start < i < c.end for c in self.claimed)

    def foreign_named(self) -> bool:
        """The sentence names a foreign state or a foreign party (以阮富仲总书记为首的越共中央, 在意大利，
        总理孔特…): a bare 总书记 or 总理 there is not the Chinese office."""
        if not hasattr(self, "_foreign_named"):
            self._foreign_named = any(
                _country_named(m.group()).iso2 != "CN" for m in _country_pattern().finditer(self.text)) or \
                any(template_of(m) in lexicon.foreign_bodies() for m in self.orgs)
        return self._foreign_named

    def country_before(self, end: int, article: bool = True) -> lexicon.Country | None:
        """The last foreign country the sentence names before ``end``, else the one the article names
        most; a country's name that ends a transliterated place name (在努尔苏丹会见总统A: 苏丹) names
        no country."""
        translit = lexicon.transliteration_chars()
        found = [m for m in _country_pattern().finditer(self.text, 0, end) if m.start() in self.cuts
                 and not (m.start() > 0 and self.text[m.start() - 1] in translit)]  # 努尔苏丹 is a city
        countries = [c for c in (_country_named(m.group()) for m in found) if c.iso2 != "CN"]
        if countries or not article:
            return countries[-1] if countries else None
        counts = _article_countries(self.found.article)  # 对哈萨克斯坦进行访问。…会见总统A: the article's country
        if len(counts) > 1:
            # a record of several items (土耳其举行大选 … 伊朗与埃及…): the country of the nearest sentence before
            for sentence in reversed(self.found.article.sentences[:self.s.index]):
                named = [_country_named(m.group()) for m in _country_pattern().finditer(sentence.text)]
                named = [c for c in named if c.iso2 != "CN"]
                if named:
                    return named[-1]
        return _countries_by_code()[max(counts, key=counts.get)] if counts else None

    def in_mention(self, a: int, b: int) -> bool:
        """[a, b) overlaps a place, an organisation or a country (党委, 海口市, 国务院, 日本
        are no names)."""
        return any(m.start < b and a < m.end for m in self.places + self.orgs) or \
            any(m.start() < b and a < m.end() and m.start() in self.cuts and m.end() in self.cuts
                for m in _country_pattern().finditer(self.text, max(0, a - 8), b + 8))

    def is_claimed(self, a: int, b: int) -> bool:
        return any(c.start < b and a < c.end for c in self.claimed)

    # -- chains before a name ---------------------------------------------
    def chain(self, end: int, previous: _Chain | None) -> _Chain | None:
        """The posts of the chain of segments ending at ``end`` (where the name starts)."""
        text = self.text
        limit = max((c.end for c in self.claimed if c.end <= end), default=0)
        segments = []
        seg_end = end
        while True:
            seg_start = seg_end
            while seg_start > limit and not self._separator(seg_start - 1):
                if text[seg_start - 1] in _CHAIN_STOP:
                    inner = _BRACKETED.search(text, limit, seg_start) or _LATIN_BRACKETED.search(text, limit, seg_start)
                    # (天津港（集团）有限公司, 国际货币基金组织（IMF）货币与资本市场部: part of a name)
                    if inner is None or inner.start() <= limit:
                        inner = _QUOTED_BODY.search(text, limit, seg_start)  # “全球疫苗与免疫联盟”首席执行官
                        if inner is not None and inner.start() >= limit:
                            seg_start = inner.start()
                        break
                    seg_start = inner.start()
                    continue
                seg_start -= 1
            if not _titles_fitting(text, seg_start, seg_end):
                if segments and seg_end + 1 == segments[-1][0]:
                    # 爱尔兰农业、食品与海洋事务部长: the 、 lists fields inside one ministry's name
                    segments[-1] = (self._fields_before(seg_start, *segments[-1]), segments[-1][1])
                    if segments[-1][0] == seg_start and seg_start > limit and self._separator(seg_start - 1):
                        seg_end = seg_start - 1  # (…国务部长兼农业、…部长: the chain goes on before the 兼)
                        continue
                break
            segments.append((seg_start, seg_end))
            if seg_start > limit and self._separator(seg_start - 1):
                seg_end = seg_start - 1
                continue
            break
        if not segments:
            return None
        chain = _Chain(segments[-1][0], [])
        past = False
        org: Mention | None = None
        for seg_start, seg_end in reversed(segments):
            seg_start = self._strip_lead(seg_start, seg_end)
            if seg_start == limit and limit > 0:
                seg_start = self._strip_conjunction(seg_start, seg_end)
            past = past or self._is_past(seg_start)
            if past:
                seg_start = self._strip_past(seg_start)
            listed = seg_start > 0 and self._separator(seg_start - 1)  # a segment after 、 is all organisation
            post = self.segment(seg_start, seg_end, org, chain, previous, listed)
            if post is None:
                continue
            past = past or post.past  # 原党组书记、部长: the past word covers the segments after it
            post.past = past
            org = post.org
            chain.posts.append(post)
        if chain.posts and self._removed_from(chain.start, end):
            for post in chain.posts:
                post.past = True  # 免去A的…职务, 给予…撤职处分: an office the sentence takes away
        if not chain.foreign:
            # 越共中央总书记A、国家主席B: a chain at a foreign party is that state's, and so is the chain listed after it
            state = chain.party_state()
            if state is not None and state.iso2 != "CN":
                chain.country, chain.foreign = state, True
        return chain if chain.posts else None

    def _fields_before(self, piece_start: int, start: int, end: int) -> int:
        """Where the segment ``[start, end)`` printed after a 、 begins when the words before the 、
        are the first fields of its ministry's name after its state (爱尔兰农业、食品与海洋事务部长:
        at 爱尔兰); else ``start``."""
        title = _titles_fitting(self.text, start, end)[0]
        org_end = end - len(title)
        if not title.endswith("部长") or not re.search(r"[和与]", self.text[start:org_end]):
            return start  # (only a ministry's fields: 苏丹总统A、爱沙尼亚总统B are two chains)
        for m in reversed(list(_country_pattern().finditer(self.text, piece_start, start - 1))):
            if m.start() in self.cuts and _field_list(self.text[m.end():org_end]):
                return m.start()
        for m in _PRESIDENTIAL_OFFICE.finditer(self.text, piece_start, start - 1):
            if _field_list(self.text[m.end():org_end]):
                return m.start()  # 总统府规划、监督和评估部长: a ministry in the presidency
        if piece_start > 0 and self.text[piece_start - 1] == "兼" and self._separator(piece_start - 1) and \
                _field_list(self.text[piece_start:org_end]):
            return piece_start  # 科特迪瓦国务部长兼农业、农村发展与粮食生产部长: the fields start after 兼
        return start

    def _removed_from(self, start: int, end: int) -> bool:
        """The clause around ``[start, end)`` removes someone from office."""
        clause_start = max(self.text.rfind(c, 0, start) for c in "，；。：,;") + 1
        ends = [i for i in (self.text.find(c, end) for c in "，；。,;") if i >= 0]
        return _REMOVAL.search(self.text, clause_start, min(ends) if ends else len(self.text)) is not None

    def _separator(self, i: int) -> bool:
        """``i`` separates two segments of a chain: 、, or 兼 after a title (国务委员兼外交部部长)."""
        if self.text[i] == "、":
            return True
        return self.text[i] == "兼" and bool(_titles_fitting(self.text, 0, i))

    def _strip_lead(self, start: int, end: int) -> int:
        """Skip function words (受, 由 …) that open a chain but belong to no organisation."""
        changed = True
        while changed:
            changed = False
            for w in lexicon.name_context()["lead_word"]:
                if self.text.startswith(w, start) and start + len(w) < end and w not in ("原", "前", "时任") and \
                        segment.tokenizer().FREQ.get(self.text[start:start + len(w) + 1], 0) < 1000 and \
                        not self._opens_noun(start, end, w):
                    start += len(w)  # (but 经济统筹部: 经 opens a word of the body's name)
                    changed = True
                    break
        return start

    def _opens_noun(self, start: int, end: int, word: str) -> bool:
        """Whether ``word`` at ``start`` is the head of a longer noun the tagger reads there (对华 in
        对华合作国家委员会, 对外 in 对外友好协会), not a function word of its own."""
        first = segment.tags(self.text[start:end])[0]
        return len(first.word) > len(word) and first.flag[:1] in ("n", "s")

    def _strip_conjunction(self, start: int, end: int) -> int:
        for w in sorted(_CONJUNCTIONS, key=len, reverse=True):
            if self.text.startswith(w, start) and start + len(w) < end:
                return start + len(w)
        return start

    def _is_past(self, start: int) -> bool:
        return any(self.text.startswith(f.printed, start) for f in _forms("past"))

    def _strip_past(self, start: int) -> int:
        for f in _forms("past"):
            if self.text.startswith(f.printed, start):
                return start + len(f.printed)
        return start

    # -- one segment: [organisation] title --------------------------------
    def segment(self, start: int, end: int, shared: Mention | None, chain: _Chain,
                previous: _Chain | None, listed: bool = False) -> _Post | None:
        text = self.text
        fits = _titles_fitting(text, start, end)
        if not fits:
            return None
        org_ends = {m.end for m in self.orgs}
        fits = [t for t in fits if not self._takes_last_field(start, end, t, fits)] or fits
        title = fits[0]
        for t in fits:  # 中央书记处 + 书记, not 中央 + 书记处书记: the split whose organisation is known
            org_end = end - len(t)
            if org_end == start or org_end in org_ends:
                title = t
                break
        org_end = end - len(title)
        if any(text.endswith(f.printed, 0, org_end) for f in _forms("role")):
            # 代表团主席, 陪同部长 (the minister attending a guest): a role for one visit, the person is kept
            # (checked before the verb below, which would read 陪同 as the verb of a clause)
            return _Post(title, None, membership=True)
        verb, verb_word = max(((text.rfind(w, start, org_end) + len(w), w) for w in _before_title_verbs()
                               if text.rfind(w, start, org_end) >= 0), default=(-1, ""))
        if verb > start and verb in self.cuts and verb - len(verb_word) in self.cuts and \
                not any(m.start < verb < m.end for m in self.orgs + self.places) and \
                not (_NAMED_BY_TASK.fullmatch(text, verb, org_end) and
                     noun_run_start(text, start, verb - len(verb_word)) < verb - len(verb_word)):
            # 在努尔苏丹会见首任总统A: the clause before the title is no part of its body (but 纪念活动领导小组: 纪念
            # inside a longer word; …功勋荣誉表彰工作委员会主任: a body named after its task, nouns before the verb)
            start = verb
        # a past word between the organisation and the title: 农业农村部原党组书记
        for f in _forms("past"):
            if text.endswith(f.printed, start, org_end):
                org_end -= len(f.printed)
                chain_past = True
                break
        else:
            chain_past = False
        past_inside = next((w for w in ("时任", "原任", "前任") if w in text[start:org_end]), None) or \
            next(("原" for p in self.places if start <= p.start and p.end < org_end and text[p.end] == "原"), None) or \
            ("原" if _FORMER_INSIDE.search(text, start, org_end) else None)
        if past_inside:  # 响水县时任环保局局长: an office held before
            chain_past = True
            cut = text.index(past_inside, start, org_end)
            text_before = text[start:cut]
            start = cut + len(past_inside) if not text_before else start
        if any(text.startswith(f.printed, m.end()) and m.end() + len(f.printed) in self.cuts
               for f in _forms("past") for m in _country_pattern().finditer(text, start, org_end)):
            chain_past = True  # 厄瓜多尔前经济财政部长: 前 after the state (not 法国前进党, one word)
        for word in _NOT_YET_OR_NOW:  # 菲律宾新任总统, 以色列候任总理: the office, as printed after the word
            if text.endswith(word, start, org_end) and org_end - len(word) > start:
                org_end -= len(word)
                chain_past = chain_past or word == "候任"
                break
        inner = next((t for t in _titles_fitting(text, start + 1, org_end)  # (shorter than org_end - start)
                      if t not in lexicon.government_heads()), None)
        if inner is not None:
            # 乌克兰总统办公室主任顾问: the adviser of the office's head, a title of its own
            title, org_end = inner + title, org_end - len(inner)
        if text.startswith("“", start) and text.endswith("”", start, org_end) and _QUOTED_BODY.fullmatch(text, start, org_end):
            # “全球疫苗与免疫联盟”首席执行官: the body named in quotes
            return _Post(title, Mention("organization", text[start:org_end], self.s.index, start, org_end,
                                        OrganizationAttrs(text[start + 1:org_end - 1])))
        if text[start:org_end] in _TOO_VAGUE and not (text[start:org_end] == "政府" and title in _STATE_TITLES):
            return None  # 大会执行主席, 村委会主任 with no owner printed: no body to name
        post = self._post(start, org_end, title, shared, chain, previous, listed)
        if post is not None and chain_past:
            post.past = True
        if post is not None and any(f.printed in text[start:org_end] for f in _forms("temporary")):
            post.membership = True  # 大会主席团常务委员会委员: a seat for one meeting, not an office
        return post

    def _state_of_foreign_holder(self, start: int, article: bool = True) -> lexicon.Country | None:
        """The state of a bare ministry or house held by people with transliterated names only (以色列安全内阁批准了
        国防部长A的建议, 某国总统A称已与国防部长B…): the foreign state the sentence names before, else the one the
        article is about; a foreign holder is not at China's 国防部 the bare title would give."""
        if not self.transliterated:
            return None
        # (a name that also reads as a Han name, 巴伦, only with the state named in the sentence itself)
        state = self.country_before(start, article=article and not self.han_names)
        return state if state is not None and state.iso2 != "CN" else None

    def _only_foreign_state(self, start: int) -> lexicon.Country | None:
        """The one foreign state the sentence names, else the one the article names, for transliterated names."""
        if not self.transliterated:
            return None
        named = {_country_named(m.group()).iso2 for m in _country_pattern().finditer(self.text)} - {"CN"}
        if not named and not self.han_names:
            named = set(_article_countries(self.found.article))
        return _countries_by_code()[named.pop()] if len(named) == 1 else None

    def _bare_state_organ(self, start: int, end: int, title: str) -> bool:
        """``[start, end)`` is a ministry or a house of parliament by itself, which only a state has: one run of
        nouns naming no state (美交通部, 阿联邦国民议会 name theirs), no body the lexicons know (欧洲议会…委员会,
        北约…) and no committee or agency, which international bodies have too."""
        rest = self.text[start:end]
        if start > 0 and self.text[start - 1] in "》”":
            return False  # 《太阳报》编辑部主任: the department of the paper printed before it
        head = next((f.org for f in _forms("head_of") if f.printed == title), None)
        return (rest.endswith(("议院", "议会", "国会", "代表院", "立法院")) or bool(head) and head == "部"
                or rest.endswith("部") or self._bare_party(start, end)) and \
            _country_pattern().search(rest) is None and rest[0] not in lexicon.country_abbreviations() and \
            segment.tags(rest)[0].flag not in ("j", "ns") and \
            noun_run_start(self.text, start, end) == start and \
            not any(m.start < end and start < m.end for m in self.orgs + self.places)

    def _bare_party(self, start: int, end: int) -> bool:
        """``[start, end)`` names a party by what it stands for alone (社会党, 人民党): a party of the state the
        chain or the article is about. Not a party the lexicons know, nor one named after a place or a people."""
        rest = self.text[start:end]
        return rest.endswith("党") and 3 <= len(rest) <= 8 and _PARTY_NAME.fullmatch(rest) is not None and \
            noun_run_start(self.text, start, end) == start and _country_pattern().search(rest) is None and \
            not any(m.start < end and start < m.end for m in self.orgs + self.places) and \
            segment.tags(rest)[0].flag not in ("j", "ns", "nr", "r")

    def _takes_last_field(self, start: int, end: int, title: str, fits: list[str]) -> bool:
        """``title`` takes the last field of a ministry's name: 波兰内政和行政部长 is 部长 of the 内政和行政部,
        not 行政部长 (a prefixed title) of a 内政和; 经济与财政部长 is not 财政部长 of an 经济与. The words
        before the shorter title, after the state, are fields joined by 和, 与 or 、 (but 希腊总理和财政部长:
        two offices; 总理A和国防部长B: two people)."""
        org_end = end - len(title)
        if org_end == start or self.text[org_end - 1] not in "和与及、":
            return False
        shorter = next((t for t in fits if len(t) < len(title)), None)
        if shorter is None:
            return False
        state = _country_pattern().match(self.text, start, org_end)
        return _field_list(self.text[state.end() if state else start:end - len(shorter)])

    def _post(self, start: int, org_end: int, title: str, shared: Mention | None, chain: _Chain,
              previous: _Chain | None, listed: bool = False) -> _Post | None:
        text, index = self.text, self.s.index
        compound = next((f for f in _forms("compound") if f.printed == title), None)
        country, country_start, rest_start = self._country_at(start, org_end)
        if country is not None:
            chain.country, chain.foreign = country, country.iso2 != "CN"
        if compound is not None:
            # 委内瑞拉外长, 越南国家主席: the state a compound title belongs to is printed right before it
            body = compound.org.replace("{short}", "")  # 财政部 of 财政部长 (外长 does not print its body)
            for m in _country_pattern().finditer(text, start, org_end):
                if _GOVERNMENT_OF.fullmatch(text, m.end(), org_end) and \
                        (m.start() == start or self._only_clause_before(start, m.start())):
                    # 德国看守政府外长: the state's caretaker government, whose foreign minister is the state's
                    country, country_start, rest_start = _country_named(m.group()), m.start(), m.end()
            adjacent = [m for m in _country_pattern().finditer(text, start, org_end) if m.end() == org_end]
            if adjacent:
                country, country_start, rest_start = _country_named(adjacent[-1].group()), \
                    adjacent[-1].start(), org_end
                chain.country, chain.foreign = country, country.iso2 != "CN"
            elif country is not None and rest_start != org_end and compound.printed.startswith(body) and \
                    (_field_list(text[rest_start:org_end]) or noun_run_start(text, rest_start, org_end) == rest_start):
                # 希腊国民经济和财政部长, 秘鲁经济财政部长: the words before 财政部 are part of the ministry's name
                name = country.short + text[rest_start:org_end] + body
                org = Mention("organization", text[country_start:org_end + len(body)], index, country_start,
                              org_end + len(body), OrganizationAttrs(name, country=country.iso2))
                chain.country, chain.foreign = country, country.iso2 != "CN"
                return _Post(compound.title, org)
            elif country is not None and rest_start != org_end and not compound.printed.startswith(body) and \
                    _GOVERNMENT_OF.fullmatch(text, rest_start, org_end):
                pass  # (德国看守政府外长: found above)
            elif country is not None and rest_start != org_end:
                country = None  # 俄罗斯媒体援引…外长: a country further back is not the office's
            clause = None
            if start == org_end:  # 外长A: the state printed in its own chain, else in the clause after its last verb
                clause = self._clause_country(start, chain.start) or \
                    (self._clause_country(start, self._after_last_verb(start)) if not chain.posts else None)
            party_state = chain.party_state()
            if clause is not None and party_state is None and any(
                    p.org is not None and template_of(p.org) in lexicon.chinese_central_bodies()
                    for p in chain.posts):
                clause = None  # 越南各界期待中共中央总书记、国家主席A: the chain is China's, whatever state the clause names
            c = country or (chain.country if chain.foreign else None) or party_state or \
                (clause if clause is not None and clause.iso2 != "CN" else None) or \
                (previous.country if previous and start == org_end and previous.foreign and clause is None
                 and not chain.posts else None) or \
                (self._state_of_foreign_holder(org_end) if country is None and clause is None and not chain.posts
                 else None)  # (中共中央总书记、国家主席A: the chain's own state)
            if c is not None and c.iso2 != "CN" and not chain.foreign:
                chain.country, chain.foreign = c, True  # (外交部长A、经济与财政部长B: the chain after is the state's too)
            name = compound.org.replace("{state}", c.name if c else "中华人民共和国") \
                .replace("{short}", c.short if c and c.iso2 != "CN" else "")
            if c is None and compound.org.startswith("{short}") and name not in lexicon.chinese_central_bodies():
                return _Post(compound.title, None, membership=True)  # 众议长A, no state known: China has no 众议院
            if country is not None:  # 越南国家主席: the state is printed (伊朗外长: only the state, no alias of the ministry)
                org = Mention("organization", text[country_start:rest_start], index, country_start, rest_start,
                              OrganizationAttrs(name, country=country.iso2, state_only=name != country.name))
            else:  # 国家主席, 外长: the organisation is implied by the title
                org = _implied(index, org_end, org_end + len(title), name)
            return _Post(compound.title, org)
        if start == org_end:
            return self._bare(title, start, shared, previous, chain)
        if text[start:org_end] == "政府" and title in _STATE_TITLES:
            # 蒙古人民党主席、政府总理A: the head of the state's government, printed after the party's post
            state = chain.country if chain.foreign else self._clause_country(start) or \
                (lexicon.body_country(template_of(shared) or "") if shared is not None else None)
            if state is not None and state.iso2 != "CN":
                chain.country, chain.foreign = state, True
                return _Post(title, Mention("organization", "", index, start, org_end, OrganizationAttrs(state.name, country=state.iso2, implied=True)))
            return None  # 政府总理 with no state printed or known: no body to name
        government = _name_run_start(text, start, org_end)
        if title in _STATE_TITLES and _GOVERNMENT_OF.fullmatch(text, government, org_end) and \
                (government == start or self._only_clause_before(start, government) and text[government] != "政"):
            # (not 格陵兰岛自治政府总理: a bare 政府 after other words is a territory's or a place's)
            # 要求阻止过渡政府总理A: the head of the government of the state the sentence or article is about
            state = (chain.country if chain.foreign else None) or self._state_of_foreign_holder(org_end)
            if state is not None and state.iso2 != "CN":
                chain.country, chain.foreign = state, True
                return _Post(title, Mention("organization", "", index, government, org_end, OrganizationAttrs(state.name, country=state.iso2, implied=True)))
        presidential = self._presidential_body(start, org_end, chain, previous, title) if country is None else None
        if presidential is not None:
            return self._membership(_Post(title, presidential))
        hosted = self._hosted_body(start, org_end, shared)
        if hosted is not None:
            return self._membership(_Post(title, hosted))
        owned = self._owned_by_shared(start, org_end, shared) or \
            self._owned_by_shared(start, org_end, next((p.org for p in chain.posts if p.org is not None and
                                                        _foreign_party_of(template_of(p.org) or "")), None))
        if owned is not None:
            return self._membership(_Post(title, owned))
        committee = self._committee_of_known(start, org_end)
        if committee is not None:
            return self._membership(_Post(title, committee))
        # a known body ending right before the title (执政党苏格兰民族党领袖: the body, not the description)
        known = [m for m in self.orgs if m.end == org_end and m.start >= start and text[m.start - 1:m.start] != "驻"]
        if known and country is None and previous is not None and previous.foreign and not chain.posts and \
                chain.start > 0 and (text[chain.start - 1] == "、" or text[chain.start - 1] in "，," and self.transliterated) \
                and self._is_department(text[start:org_end], title) and \
                not any(template_of(m) in lexicon.foreign_bodies() for m in known):
            # 乌总统办公室副主任A、国防部副部长B (马来西亚总理A，外交部部长B: transliterated names after a comma): a
            # list of one foreign state's officials, not China's ministry
            chain.country, chain.foreign = previous.country, True
            return self._country_post(previous.country, None, start, org_end, title)
        if known and country is None and chain.foreign and chain.country is not None and chain.posts and \
                start > 0 and self._separator(start - 1) and self._is_department(text[start:org_end], title) and \
                not any(template_of(m) in lexicon.foreign_bodies() for m in known):
            # 越南副总理兼财政部部长A: a ministry printed bare in a chain of one foreign state is that state's, not
            # the Chinese 财政部 the lexicon knows
            return self._country_post(chain.country, None, start, org_end, title)
        if known and (country is None or min(m.start for m in known) <= country_start
                      or all(template_of(m) in lexicon.foreign_bodies() for m in known)):
            # (叙利亚外交部副部长: the country's ministry, not the Chinese 外交部 the lexicon knows)
            return self._membership(_Post(title, min(known, key=lambda m: m.start)))
        # a known body, then words that belong to the title: 联合国也门问题特使, 某组织驻华代表
        for m in self.orgs:
            if start <= m.start and m.end < org_end and (m.start == start or self._only_clause_before(start, m.start)):
                rest = text[m.end:org_end]
                if rest.startswith("驻") or rest.endswith(("问题", "事务")):
                    return _Post(rest + title, m)
        # a place with the head of its government: 河南省长, 省长, 自治区主席
        gov = self._government(start, org_end, title)
        if gov is not None:
            return _Post(title, gov)
        if country is not None:
            return self._country_post(country, country_start, rest_start, org_end, title)
        # a bare department after a chain of another country or place: 美国国务卿A和国防部长B, 泰国副总理兼公共卫生部长
        rest = text[start:org_end]
        if chain.foreign and chain.country is not None and shared is not None and (
                self._is_department(rest, title) or self._bare_party(start, org_end)):
            # (保加利亚政府副总理、社会党主席A: a party printed bare in a chain of one foreign state is that state's)
            return self._country_post(chain.country, None, start, org_end, title)
        party = self._bare_party(start, org_end)
        if self._is_department(rest, title) or party:
            own = self._clause_country(start)
            if own is None and previous is not None and previous.foreign and not party:
                own = previous.country  # 议长A，总理B和外长C: a list of one country's people (a party may be another's)
            if own is None and not chain.posts and self._bare_state_organ(start, org_end, title):
                # 现任国民议会议长A (斯洛伐克 named before); a party only with the one foreign state of its sentence or
                # article (刚果劳动党 in a list of greetings from many states is no party of the one before it)
                own = self._state_of_foreign_holder(start) if not party else self._only_foreign_state(start)
                if own is not None and text[start] == own.short[0] and \
                        self._bare_state_organ(start + 1, org_end, title) and org_end - start > 3:
                    start += 1  # 洪国民议会: the state's one-character abbreviation, printed before its house
            if own is not None and own.iso2 != "CN":
                # 希腊总理高级代表、发展部部长, 巴基斯坦参议院主席A、国民议会议长B: the country printed earlier
                # in the same clause, before the country of the chain before
                chain.country, chain.foreign = own, True
                return self._country_post(own, None, start, org_end, title)
        run = _name_run_start(text, start, org_end)
        if start < run < org_end and not self.han_names and self._is_department(text[run:org_end], title) and \
                _last_flag(text[start:run])[:1] in ("p", "u"):  # (由, 的: not 解放组织执行委员会, one name)
            own = self._clause_country(run, start)
            if own is not None and own.iso2 != "CN":
                # 以色列代表团由战略事务部长A率领: a ministry of the state the clause before it names
                chain.country, chain.foreign = own, True
                return self._country_post(own, None, run, org_end, title)
        sub = self._sub_body(start, org_end)
        if sub is not None:
            return self._membership(_Post(title, sub))
        org = self._unknown_org(start, org_end, title, listed)
        if org is None:
            return None
        return self._membership(_Post(title, org))

    def _presidential_body(self, start: int, end: int, chain: _Chain, previous: _Chain | None,
                           title: str = "") -> Mention | None:
        """总统办公厅, 总统办公室 printed without their state (哈萨克斯坦总统A率总统办公厅主任B, 乌克兰总统A说，
        …、总统办公室主任B): China has no president, so the office is the foreign state's the chain is
        about, else the clause, the chain before, or the sentence or article (``country_before``); so is a
        ministry in the presidency (总统府规划、监督和评估部长: its 部 printed once with the title)."""
        body = _PRESIDENTIAL_BODY.search(self.text, start, end)
        name = body.group() if body is not None else ""
        if body is None and next((f.org for f in _forms("head_of") if f.printed == title), None) == "部":
            body = _PRESIDENTIAL_OFFICE.search(self.text, start, end)
            if body is None or not _field_list(self.text[body.end():end]):
                return None
            name = self.text[body.start():end] + "部"
        if body is None or not (body.start() == start or self._only_clause_before(start, body.start())):
            return None
        state = (chain.country if chain.foreign else None) or self._clause_country(body.start()) or \
            (previous.country if previous is not None and previous.foreign else None) or self.country_before(body.start())
        if state is None or state.iso2 == "CN":
            return None
        chain.country, chain.foreign = state, True
        return Mention("organization", self.text[body.start():end], self.s.index, body.start(), end,
                       OrganizationAttrs(state.short + name, country=state.iso2))

    def _committee_of_known(self, start: int, end: int) -> Mention | None:
        """The party committee of a known body (中国证券监督管理委员会党委, 国资委党委): named as party committees
        are (中共…委员会), with the known body's whole name as its host."""
        committee = _PARTY_COMMITTEE.search(self.text, start, end)
        if committee is None:
            return None
        hosts = [m for m in self.orgs if m.kind == "organization" and m.end == committee.start() and m.start >= start
                 and "{" not in m.attrs.template and not m.attrs.implied
                 and (m.start == start or self._only_clause_before(start, m.start))]
        if not hosts:
            return None
        host = min(hosts, key=lambda m: m.start)
        template = host.attrs.template
        return Mention("organization", self.text[host.start:end], self.s.index, host.start, end,
                       OrganizationAttrs(("中共" if not template.startswith("中共") else "") + template + _COMMITTEE_NAME[committee.group()], host=template))

    def _owned_by_shared(self, start: int, end: int, shared: Mention | None) -> Mention | None:
        """A body printed without its owner, who stands in the segment before: 越共中央政治局委员、
        中央书记处书记 (the Vietnamese party's 中央书记处, not the CPC's), 自治区党委常委、人民政府副主席
        (the region's government)."""
        if shared is None:
            return None
        word = self.text[start:end]
        template = template_of(shared) or ""
        party = _foreign_party_of(template)
        if party and word.startswith("中央") and (not NOT_IN_ORG.search(word) or _CENTRAL_DEPARTMENT.fullmatch(word)):
            return Mention("organization", word, self.s.index, start, end,
                           OrganizationAttrs(party + word))
        if template in _NATIONAL_ASSEMBLIES and word.endswith("委员会") and 4 < len(word) <= 12 and \
                not NOT_IN_ORG.search(word):
            # 全国政协常委、外事委员会副主任: a committee of the assembly named in the segment before
            return Mention("organization", word, self.s.index, start, end, OrganizationAttrs(template + word))
        if not party and template in lexicon.foreign_bodies() and \
                (_SUB_BODY_END.search(word) or word.endswith(("署", "组织", "基金"))):
            if 2 <= len(word) <= 10 and _CJK.match(word) and not NOT_IN_ORG.search(word) and \
                    not any(m.start < end and start < m.end for m in self.orgs + self.places):
                # 联合国副秘书长兼妇女署执行主任: the UN's 妇女署, printed without the UN it shares
                return Mention("organization", word, self.s.index, start, end,
                               OrganizationAttrs(template + word))
        if template == _LOCAL_PARTY_COMMITTEE and place_of(shared) and word in _party_departments() and \
                not any(m.start < end and start < m.end and not (m.start == start and m.end == end)
                        for m in self.orgs + self.places):
            # 省委常委、组织部部长, …、统战部部长: the department of the committee named in the segment before
            return Mention("organization", word, self.s.index, start, end,
                           OrganizationAttrs(template + _party_departments()[word], place_of(shared)))
        if word in ("人民政府", "政府") and place_of(shared):
            return Mention("organization", word, self.s.index, start, end,
                           OrganizationAttrs("{place}人民政府", place_of(shared)))
        return None

    def _hosted_body(self, start: int, end: int, shared: Mention | None) -> Mention | None:
        """工会, 党委 printed bare after a segment at an enterprise (某公司党委副书记、工会主席):
        the enterprise's own union or party committee."""
        word = self.text[start:end]
        host = host_of(shared) if shared is not None else None
        if not host or word not in ("工会", "工会委员会", "党委", "纪委"):
            return None
        if word.startswith("工会"):
            printed = [m for m in self.found.of_kind("union") if (m.attrs.name or "").startswith(host + "工会")]
            attrs = replace(printed[0].attrs) if printed else UnionAttrs(name=host + "工会", enterprise=host)
            prefix = place_prefix(host)
            if prefix and attrs.places is None:
                attrs.places = [prefix]
            return Mention("union", word, self.s.index, start, end, attrs)
        return Mention("organization", word, self.s.index, start, end,
                       OrganizationAttrs("中共" + host + _COMMITTEE_NAME[word], host=host))

    def _membership(self, post: _Post) -> _Post:
        name = (template_of(post.org) or post.org.surface) if post.org is not None else ""
        for f in _forms("membership"):
            if post.title == f.printed and (f.org == "*" or f.org in name or f.org in post.org.surface):
                post.membership = True
        if post.org is not None and any(f.printed in post.org.surface for f in _forms("temporary")):
            post.membership = True  # a seat in a congress's presidium is no office
        if post.title == "领袖" and name.endswith("运动") and not name.endswith(("解放运动", "民族运动")):
            post.membership = True  # 民权运动领袖: a leader of a movement in history, an honour rather than an office
        return post

    def _bare(self, title: str, start: int, shared: Mention | None, previous: _Chain | None,
              chain: _Chain) -> _Post | None:
        """A title with nothing before it: it shares the previous segment's organisation, or
        the place of the chain before (市委书记A和市长B), or is certain by itself."""
        if title in lexicon.government_heads():
            # 省委副书记、省长: the place of the segment before; 市委书记A和市长B: of the chain before
            place = (place_of(shared) if shared is not None else None) or \
                (previous.place if previous is not None else None)
            word = title[-2] if title[-2] in "省市区县州旗" else title[0]
            org = Mention("organization", "", self.s.index, start, start + len(title),
                          OrganizationAttrs("{place}人民政府", place or word, implied=True))
            return _Post(title, org)
        state = chain.country if chain.foreign else \
            lexicon.body_country(template_of(shared) or "") if shared is not None else None
        if state is None and shared is not None and title in _STATE_TITLES:
            # 乍得军事过渡委员会主席、总统A: a body whose name opens with its foreign state
            leading = _country_pattern().match(template_of(shared) or "")
            state = _country_named(leading.group()) if leading is not None and \
                _country_named(leading.group()).iso2 != "CN" else None
        if shared is not None and state is not None and title in _STATE_TITLES:
            # 加纳新爱国党领袖、总统A, 蒙古人民党主席、政府总理B: the head of the state, not of the party
            chain.country, chain.foreign = state, True
            org = Mention("organization", "", self.s.index, start, start + len(title),
                          OrganizationAttrs(state.name, country=state.iso2, implied=True))
            return _Post(title, org)
        if shared is not None and host_of(shared) and (title in _CORPORATE_TITLES or (
                template_of(shared) != host_of(shared) and not _PARTY_OFFICE.fullmatch(title))):
            # 某公司党委书记、董事长, 中国证监会党委书记、主席: the head of the host body itself, not of its committee
            host = host_of(shared)
            return _Post(title, Mention("organization", "", self.s.index, start, start + len(title),
                                        OrganizationAttrs(host, implied=True)))
        if shared is not None:
            return self._membership(_Post(title, shared))
        country = previous.country if previous is not None and previous.foreign else None
        if country is None and not self.han_names:
            country = self.country_before(start)  # 对哈萨克斯坦进行访问，会见总统A: the country named before
        if country is not None:
            # 塞尔维亚总统A，议长B: the country of the chain before
            chain.country, chain.foreign = country, True
            org = Mention("organization", "", self.s.index, start, start + len(title),
                          OrganizationAttrs(country.name, country=country.iso2, implied=True))
            return _Post(title, org)
        default = next((f for f in _forms("default") if f.printed == title and (self.han_names or not f.han_only)),
                       None) if self.country_before(start, article=False) is None else None
        if default is not None:
            return _Post(default.title, _implied(self.s.index, start, start + len(title), default.org))
        return None

    def _only_clause_before(self, start: int, org_start: int) -> bool:
        """What stands between the segment start and a known body is a clause of its own
        (…将播出对, 会见), not a part of the body's name."""
        before = self.text[start:org_start]
        if NOT_IN_ORG.search(before[-1:]) or before.endswith(clause_words()) or before.endswith(("、", "兼")):
            return True
        return _last_flag(before[-12:])[:1] in ("v", "p", "c", "u", "d", "r", "t")  # (the end of a clause is enough)

    def _is_known(self, start: int, end: int) -> bool:
        return any(m.start == start and m.end == end for m in self.orgs)

    def _country_at(self, start: int, end: int) -> tuple[lexicon.Country | None, int, int]:
        """A country named at the start of the organisation part (or after a clause): the
        country, where its name starts and where the rest of the part starts."""
        text = self.text
        previous_end = None
        for m in _country_pattern().finditer(text, start, end):
            # the first country whose rest of the name is a run of nouns (卡塔尔埃米尔A与巴林国王: 巴林;
            # 中国发展论坛的汇丰集团行政总裁: no country's); a later country inside the first one's name is
            # no country of its own (罗马尼亚亲罗马尼亚党: the party of 罗马尼亚)
            if m.start() > 0 and text[m.start() - 1] == "驻":
                continue  # 俄罗斯驻美国大使: the country the ambassador is sent to is part of the title
            if _country_named(m.group()).iso2 == "CN" and any(o.start == m.start() and o.end > m.end() for o in self.orgs):
                continue  # 中国证券监督管理委员会党委: 中国 begins a known body's name, it is not its owner
            between = text[previous_end:m.start()] if previous_end is not None else ""
            if previous_end is not None and not re.search(r"[与和及、，]", between) and not NOT_IN_ORG.search(between) \
                    and not any(w in between for w in clause_words()) and not re.search(r"\d", between) \
                    and not _has_verb(between) and "的" not in text[m.end():end]:
                # (印度航空公司客机失事造成英国…: a clause, not one name; 出席中国—东盟博览会暨中国—东盟…峰会的越南
                # 副总理: the first state's name ends before 的)
                return _country_named(text[first_start:previous_end]), first_start, previous_end
            previous_end, first_start = m.end(), m.start()
            if not (m.start() == start or self._only_clause_before(start, m.start())):
                continue
            if m.end() == end or text.startswith("驻", m.end()) and not _CLAUSE_INSIDE.search(text, m.end(), end) \
                    or _PARTY_NAME.fullmatch(text, m.end(), end) \
                    or _field_list(text[m.end():end]) \
                    or _name_run_start(text, m.end(), end) == m.end() \
                    or (text.startswith(("和", "与"), m.end())  # 中国和哈萨克斯坦合作委员会: two countries' body
                        and _country_pattern().match(text, m.end() + 1) is not None
                        and _country_pattern().match(text, m.end() + 1).end() < end  # (在约旦与美国总统: no body)
                        and noun_run_start(text, m.end() + 1, end) == m.end() + 1):
                return _country_named(m.group()), m.start(), m.end()
        for p in range(start, end - 2):
            # 乌总统办公室副主任: a state's body after its one-character abbreviation
            lead = lexicon.country_abbreviations().get(text[p])
            if lead is not None and text.startswith(_STATE_BODY_WORDS, p + 1) and \
                    (p == start or self._only_clause_before(start, p)) and \
                    noun_run_start(text, p + 1, end) == p + 1 and lead.iso2 in _article_countries(self.found.article):
                return lead, p, p + 1
        abbr = lexicon.country_abbreviations().get(text[end - 1:end]) if end - start >= 1 else None
        if abbr is not None and end - 2 >= start and text[end - 2] == "驻":
            # 俄驻美大使: the employer's abbreviation stands before 驻, the host's after it
            employer = lexicon.country_abbreviations().get(text[end - 3:end - 2]) if end - 3 >= start else None
            if employer is not None and (end - 3 == start or self._only_clause_before(start, end - 3)):
                return employer, end - 3, end - 2
            return None, start, start
        if abbr is not None and (end - 1 == start or self._only_clause_before(start, end - 1)) and \
                abbr.iso2 in _article_countries(self.found.article):
            # 法总统, 乌总统: a one-character abbreviation right before the title, of a country the
            # article names in full (老书记 is a veteran secretary, not Laos's)
            return abbr, end - 1, end
        return None, start, start

    def _country_post(self, country: lexicon.Country, country_start: int | None, rest_start: int, org_end: int,
                      title: str) -> _Post | None:
        """A post at a country, its ministry or another of its bodies. ``country_start`` is
        where the country is printed (None: it is carried over from the chain before)."""
        text, index = self.text, self.s.index
        rest = text[rest_start:org_end]
        head = next((f.org for f in _forms("head_of") if f.printed == title), None)
        if rest.startswith("驻") or rest.endswith("问题") or (rest.endswith("事务") and not head):
            title, rest = rest + title, ""  # 驻美国大使, 也门问题特使: part of the title (but 海洋事务部长 heads a 部)
        if not rest:
            org = Mention("organization", text[country_start:rest_start] if country_start is not None else "",
                          index, rest_start if country_start is None else country_start, rest_start,
                          OrganizationAttrs(country.name, country=country.iso2, implied=country_start is None))
            return _Post(title, org)
        body = None if head and rest.endswith(head) else _LAST_BODY_WORD.search(rest)
        if body and head and rest[:body.end()].endswith("政府"):
            body = None  # 叙利亚过渡政府内政部长: a ministry of the government, 内政 is the ministry's name
        if body and body.end() < len(rest) and len(rest) - body.end() <= 4:
            # 乌干达外交部国务部长, 澳大利亚共产党全国主席, 印度尼西亚专业集团党总主席: the body, then the
            # words that belong to the title
            title, rest = rest[body.end():] + title, rest[:body.end()]
        elif not head and not _ORG_END.search(rest) and not re.search(r"(?:自治区|州|省|邦|区|市|岛)$", rest):
            if len(rest) > 4 and _has_verb(rest):
                return None  # …造成英国重大人员伤亡向英国国王: a clause, no title of the country
            if title in _CORPORATE_TITLES + _CORPORATE_HEADS and country_start is not None and not _has_verb(rest):
                # 沙特阿美董事长: an enterprise named after its state (a state has no 董事长)
                org = Mention("organization", text[country_start:org_end], index, country_start, org_end,
                              OrganizationAttrs(text[country_start:org_end], country=country.iso2))
                return _Post(title, org)
            words = segment.tags(rest)
            joined = [i for i, p in enumerate(words) if p.word in ("与", "和", "及", "、") and p.flag[:1] in "cpx"]
            if joined:
                # 韩国执政党…党首A与国务总理B: the words before 与 are another person's, not B's title;
                # 在德国柏林与乌克兰总统A: the state after 与 is the title's
                tail = "".join(p.word for p in words[joined[-1] + 1:])
                if tail and not _country_pattern().fullmatch(tail):
                    if len(tail) > 4 or _has_verb(tail):
                        return None
                    title = tail + title  # (…与国务总理B: 国务总理)
                elif tail:
                    country_start = rest_start + len("".join(p.word for p in words[:joined[-1] + 1]))
                    country, rest_start = _country_named(tail), org_end
            else:
                title = rest + title  # 伊拉克宗教领袖: a title of the country, not a body
            rest = ""
            org = Mention("organization", text[country_start:rest_start] if country_start is not None else "",
                          index, country_start or rest_start, rest_start,
                          OrganizationAttrs(country.name, country=country.iso2, implied=country_start is None))
            return _Post(title, org)
        shared = bool(head) and not rest.endswith(head)
        if shared:
            rest += head  # 能源部长: 部长 of 能源部, the 部 printed once
        printed = text[country_start:rest_start] if country_start is not None else country.short
        if country.iso2 == "CN" and re.search(r"(?:部|委|局|署|办)$", rest):
            short = ""  # 中国外交部 -> 外交部; 中国佛教协会西藏分会 keeps 中国
        elif country_start is None and rest.startswith((country.name, country.short)):
            short = ""  # 老挝和平与团结委员会 (the state not read apart, 老挝和平 being a word): printed in the name
        else:  # the country as printed (印度尼西亚专业集团党; an abbreviation: its usual short name)
            short = printed if len(printed) > 1 else country.short
        begin = rest_start if country_start is None else country_start
        end = org_end + (1 if shared else 0)
        org = Mention("organization", text[begin:end], index, begin, end,
                      OrganizationAttrs(short + rest, country=country.iso2))
        return self._membership(_Post(title, org))

    def _is_department(self, rest: str, title: str) -> bool:
        """A ministry or house of a state, printed without the state (发展部, 国民议会)."""
        head = next((f.org for f in _forms("head_of") if f.printed == title), None)
        if head and _field_list(rest):
            return True  # 农业、农村发展与粮食生产部长: the fields of one ministry
        return bool(rest) and _CJK.match(rest) is not None and len(rest) <= 10 and (
            bool(head) or rest.endswith(("部", "委", "局", "署", "省", "议会", "参议院", "众议院", "国会", "人民院",
                                         "联邦院", "上议院", "下议院", "立法院", "代表院", "办公厅", "办公室", "委员会", "组织")))

    def _after_last_verb(self, end: int) -> int:
        """Where the clause before ``end`` goes on after its last verb of meeting or greeting
        (…武文赏向中共中央总书记: after 向)."""
        clause_start = max(self.text.rfind(c, 0, end) for c in "，；。：,;") + 1
        return max([clause_start] + [self.text.rfind(w, clause_start, end) + len(w)
                                     for w in _before_title_verbs() + ("向",) if self.text.rfind(w, clause_start, end) >= 0])

    def _clause_country(self, end: int, start: int | None = None) -> lexicon.Country | None:
        """The last state printed in the clause before ``end`` (not one an envoy is sent to: 驻美国),
        or in ``[start, end)`` when given."""
        clause_start = max(self.text.rfind(c, 0, end) for c in "，；。：,;") + 1
        start = clause_start if start is None else max(start, clause_start)
        found = [m for m in _country_pattern().finditer(self.text, start, end)
                 if not (m.start() > 0 and self.text[m.start() - 1] == "驻")]
        return _country_named(found[-1].group()) if found else None

    def _government(self, start: int, end: int, title: str) -> Mention | None:
        """省长 of 河南省: the place's people's government."""
        if not (title in lexicon.government_heads() or title.endswith("主席") or title.endswith("长")):
            return None
        org_text = self.text[start:end]
        places = [m for m in self.places if m.start == start and m.end == end]
        if places or org_text in _GOVERNED_LEVELS:
            if title in lexicon.government_heads() or org_text in ("自治区",) or places and (
                    title.endswith("主席") and places[0].surface.endswith("自治区") or title.endswith("长")):
                # the mention spans place and title (河南省长, 自治区主席): together they name the government
                return Mention("organization", org_text if places else "", self.s.index, start, end + len(title),
                               OrganizationAttrs("{place}人民政府", org_text))
        # 河南省长: the place and the level word are printed together with the title (省 + 长)
        return None

    def _sub_body(self, start: int, end: int) -> Mention | None:
        """A body inside a known one: 全国人大常委会 + 代表资格审查委员会, 某组织 + 奥运会部. Its
        canonical name is the known body's followed by the printed rest."""
        for m in self.orgs:
            if m.kind != "organization" or not (start <= m.start and m.end < end):
                continue
            if m.start != start and not self._only_clause_before(start, m.start):
                continue
            rest = self.text[m.end:end]
            bracket = _LATIN_BRACKETED_START.match(rest)  # 国际货币基金组织（IMF）货币与资本市场部
            rest = rest[bracket.end():] if bracket else rest
            if len(rest) > 14 or not _CJK.match(rest) or not _SUB_BODY_END.search(rest) or \
                    NOT_IN_ORG.search(re.sub(r"(?<=[\u4e00-\u9fff])[与和](?=[\u4e00-\u9fff])", "", rest)):
                continue  # (货币与资本市场部: two fields joined inside the body's name)
            if any(o.start < end and m.end < o.end for o in self.orgs + self.places):
                continue  # the rest is a body or place of its own
            if rest.endswith("工委"):
                rest = rest[:-2] + "工作委员会"  # 全国人大常委会预算工委: its 预算工作委员会, as the body names itself
            return Mention("organization", self.text[m.start:end], self.s.index, m.start, end,
                           replace(m.attrs, template=m.attrs.template + rest))
        return None

    def _unknown_org(self, start: int, end: int, title: str, listed: bool = False) -> Mention | None:
        """An organisation no lexicon knows: the run of nouns before the title, ending in an
        organisation word (日本经济团体联合会, 阜阳技师学院汽车工程系). A segment listed after
        、 is an organisation as a whole (推动…发展领导小组组长), verbs and all."""
        text = self.text
        head = next((f.org for f in _forms("head_of") if f.printed == title), None)
        org_start = start if listed else _name_run_start(text, start, end)
        if not listed and org_start > 0 and text[org_start - 1] in "该此":
            return None  # 该研究中心主席: the body named before, by a word that points back to it
        clause_ends = [i for i in range(start, end) if text[i] == "的" and i in self.cuts and i + 1 in self.cuts]
        if listed and clause_ends:  # (中央党的建设工作领导小组: 的 inside the word 党的建设)
            org_start = clause_ends[-1] + 1  # 、带领员工…的儿童福利院院长: the body after the clause
        if not listed and org_start > start and _NAMED_BY_TASK.fullmatch(text, org_start, end):
            # 党和国家功勋荣誉表彰工作委员会主任: the run goes on over the verb that says the body's task
            task = segment.tags(text[start:org_start])[-1]
            if task.flag.startswith("v") and noun_run_start(text, start, org_start - len(task.word)) < org_start - len(task.word):
                org_start = noun_run_start(text, start, org_start - len(task.word))
        name = text[org_start:end]
        if head and name and not name.endswith(head):
            name += head
        if len(name) < 2 or len(name) > 30 or not _NAME_CHARS.match(name) or not _ORG_END.search(name) or \
                name[0] in "）)":
            return None
        if name in _GENERIC_BODIES or name in _TOO_VAGUE or _ROLE_OF_BODY.fullmatch(name):
            return None  # 应对团队高级顾问, 会议听取了大会副秘书长: a word for any body, naming none
        if any(p.start == org_start and p.end == end for p in self.places):
            return None  # a bare place before a title that heads no government
        committee = _PARTY_COMMITTEE.search(name)
        if committee and name[:committee.start()] in GENERIC_HOSTS:
            # 公司党委: the party committee of the enterprise the article is about
            host = article_enterprise(self.found, name[:committee.start()], self.s.index, org_start)
            if host is None:
                return None
            template = "中共" + host + _COMMITTEE_NAME[committee.group()]
            return Mention("organization", text[org_start:end], self.s.index, org_start, end,
                           OrganizationAttrs(template, host=host))
        if committee and len(name) > len(committee.group()) + 1:
            # 某某有限公司党委: the enterprise's party committee, named as party committees are
            host = name[:committee.start()]
            if host[0] in "省市区县州旗" and not any(p.end == org_start for p in self.places):
                return None  # 区公安分局党委: a body of a place not printed with it
            template = ("中共" if not host.startswith("中共") else "") + host + _COMMITTEE_NAME[committee.group()]
            return Mention("organization", text[org_start:end], self.s.index, org_start, end,
                           OrganizationAttrs(template, host=host))
        end += 1 if head and not text[org_start:end].endswith(head) else 0  # 交通局长: 交通局, 局 printed once
        attrs = OrganizationAttrs(name)
        board = next((w for w in ("董事会", "监事会") if name.endswith(w) and name[:-len(w)] in GENERIC_HOSTS), None)
        if board is not None:
            # 公司董事会主席: the board of the enterprise the article is about
            host = article_enterprise(self.found, name[:-len(board)], self.s.index, org_start)
            if host is None:
                return None
            return Mention("organization", text[org_start:end], self.s.index, org_start, end,
                           OrganizationAttrs(host + board, host=host))
        if name in GENERIC_HOSTS:
            name = article_enterprise(self.found, name, self.s.index, org_start)
            if name is None:
                return None
            attrs.template = name  # 公司董事长: the enterprise the article is about
        if ENTERPRISE_END.search(name):
            attrs.host = name  # a body of it may follow bare (…有限公司董事长、工会主席)
        return Mention("organization", text[org_start:end], self.s.index, org_start, end, attrs)


class OfficialExtractor:
    kind = "official"
    after = ("organization", "place")

    def extract(self, article, found: ArticleFindings):
        for s in article.sentences:
            read = []
            for item in self._officials(s, found):
                yield item  # yielded one by one: a link reads its mentions' ids, set as each is added
                if isinstance(item, Mention) and item.kind in ("official", "person"):
                    read.append((item.start, item.end))
            for person in self._persons(s):  # 刘女士; 快递员王先生 was read with its role already
                if not any(a < person.end and person.start < b for a, b in read):
                    yield person

    def _officials(self, s, found: ArticleFindings):
        sent = _Sentence(s, found)
        previous: _Chain | None = None
        previous_end = -1
        for a, b, title in list(sent.titles()):
            if sent.is_claimed(a, b):
                continue
            before = name_before(sent.text, a, sent.left_ok) if _after_name(title) else None
            if before is not None and not sent.is_claimed(before.start, before.end) \
                    and not sent.in_mention(before.start, before.end):
                yield from self._titled_after(sent, before, title, a, b)
                continue
            foreign = self._foreign_context(sent, a)
            names = []
            for n in names_after(sent.text, b, foreign) or self._foreign_before_next_chain(sent, b, foreign):
                if sent.is_claimed(n.start, n.end) or sent.in_mention(n.start, n.end):
                    break  # 会长A、日本商工会议所会长B: the list ends where a body begins
                names.append(n)
            if not names:
                continue
            linked = previous if previous is not None and self._coordinated(sent.text, previous_end, a) else None
            sent.han_names = not any(n.foreign for n in names)
            sent.transliterated = all(all(c in lexicon.transliteration_chars() for c in n.text.replace("·", ""))
                                      for n in names)
            chain = sent.chain(b, linked) if title not in lexicon.worker_titles() else \
                self._chain_before_work(sent, b, a, linked)
            if chain is None and title in lexicon.worker_titles():
                # a worker named with a workplace position or an occupation (班组长, 快递员, 全国劳模)
                sent.claimed.extend(names)
                for n in names:
                    yield Mention("person", n.text, s.index, n.start, n.end, PersonAttrs(title))
                continue
            if chain is None:
                continue
            chain.place = self._place_of(chain) or (linked.place if linked else None)
            if _DIED.match(sent.text, names[-1].end):
                for post in chain.posts:
                    post.past = True  # 开国总统A逝世, …副委员长A同志逝世: offices of the dead are past
            sent.claimed.extend(names)
            yield from self._emit(sent, names, chain.posts)
            previous, previous_end = chain, names[-1].end

    @staticmethod
    def _foreign_before_next_chain(sent: _Sentence, b: int, foreign: bool) -> list[NameSpan]:
        """A transliterated name read where nothing says the chain is foreign, when the next chain follows it
        after 或, 和 or 与 (…第一副总理、经济部长A或外交部长B): a name, for the conjunction joins two people."""
        if foreign:
            return []
        found = names_after(sent.text, b, True)
        if len(found) != 1 or found[0].end + 1 >= len(sent.text) or sent.text[found[0].end] not in "或和与":
            return []
        rest = sent.text[found[0].end + 1:found[0].end + 17]
        titles = _title_spans(rest)  # (the next chain: 外交部长B, 乌克兰外交部长B)
        return found if titles and not any(c in _CHAIN_STOP for c in rest[:titles[0][0]]) else []

    @staticmethod
    def _chain_before_work(sent: _Sentence, end: int, work_start: int, linked: _Chain | None) -> _Chain | None:
        """市总工会主席、全国劳模王明: the offices printed before a worker's title, if any (the
        worker's title itself is no post)."""
        if work_start == 0 or sent.text[work_start - 1] != "、":
            return None
        chain = sent.chain(work_start - 1, linked)
        return chain if chain is not None and any(not p.past and not p.membership for p in chain.posts) else None

    @staticmethod
    def _foreign_context(sent: _Sentence, a: int) -> bool:
        seg_start = a
        while seg_start > 0 and sent.text[seg_start - 1] not in _CHAIN_STOP:
            seg_start -= 1
        country, _, _ = sent._country_at(seg_start, a)
        if country is not None:
            return country.iso2 != "CN"
        return any(seg_start <= m.start and m.end <= a and template_of(m) in lexicon.foreign_bodies()
                   for m in sent.orgs)

    @staticmethod
    def _coordinated(text: str, previous_end: int, start: int) -> bool:
        """The chain starting near ``start`` follows the previous name with 和, 与, 及, 、 or a
        comma (塞尔维亚总统A，议长B，总理C: one country's people listed in turn)."""
        if previous_end < 0:
            return False
        between = text[previous_end:start]
        for word in _FOLLOWING_A_NAME:
            if between.startswith(word):
                between = between[len(word):]  # A夫妇，议长B
        if between.startswith(("，", ",")):
            between = between[1:]
            return not any(ch in _CHAIN_STOP for ch in between) and len(between) <= 12
        return any(between.startswith(c) for c in _CONJUNCTIONS) and not any(ch in _CHAIN_STOP for ch in between)

    @staticmethod
    def _place_of(chain: _Chain) -> str | None:
        for post in chain.posts:
            if post.org is not None and place_of(post.org):
                return place_of(post.org)
        return None

    def _emit(self, sent: _Sentence, names: list[NameSpan], posts: list[_Post]):
        index = sent.s.index
        current = [p for p in posts if not p.past and not p.membership]
        for n in names:
            if not current:
                role = posts[-1].title if posts else None
                yield Mention("person", n.text, index, n.start, n.end, PersonAttrs(role))
                continue
            person = Mention("official", n.text, index, n.start, n.end, OfficialAttrs())
            yield person
            for post in current:
                if post.org.id < 0:
                    yield post.org
                yield Link("holds-post", person, post.org, index, post.title)

    def _titled_after(self, sent: _Sentence, name: NameSpan, title: str, a: int, b: int):
        """王明总书记, 王明委员: a title printed after the name."""
        index = sent.s.index
        sent.claimed.append(name)
        compound = next((f for f in _forms("compound") if f.printed == title), None)
        if compound is not None:
            org = _implied(index, a, b, compound.org.replace("{state}", "中华人民共和国").replace("{short}", ""))
            person = Mention("official", name.text, index, name.start, name.end, OfficialAttrs())
            yield person
            yield org
            yield Link("holds-post", person, org, index, compound.title)
            return
        counts = _article_countries(sent.found.article)
        transliterated = all(c in lexicon.transliteration_chars() for c in name.text) and \
            sum(counts.values()) >= 2  # 同马塔雷拉总统、孔特总理会谈
        # an article about another country (越南 named three times or more): 范明政总理 may be its premier,
        # so the organisation is read from the same person's posts, not assumed
        transliterated = transliterated or max(counts.values(), default=0) >= 3 or self._counterpart(sent, name)
        default = next((f for f in _forms("default") if f.printed == title
                        and (not f.han_only or not name.foreign and not transliterated)),
                       None) if not sent.foreign_named() else None
        if any(f.printed == title for f in _forms("membership")):
            yield Mention("person", name.text, index, name.start, name.end, PersonAttrs(title))
            return
        before = [m for m in sent.orgs if m.end == name.start and not implied(m)]
        if before:  # 资阳市总工会王明主席: the body printed right before the name
            person = Mention("official", name.text, index, name.start, name.end, OfficialAttrs())
            yield person
            yield Link("holds-post", person, min(before, key=lambda m: m.start), index, title)
            return
        held = self._held_before(sent.found, name.text, default.title if default is not None else title)
        if held is not None:
            # 越共中央总书记A … A总书记同志: the office the article gave the same name before, not the default
            person = Mention("official", name.text, index, name.start, name.end, OfficialAttrs())
            yield person
            yield Link("holds-post", person, held, index, default.title if default else title)
            return
        if default is not None and default.title in _ONE_HOLDER and \
                sent.defaults.setdefault(default.title + default.org, name.text) != name.text:
            # A总书记、国家主席和B总书记、国家主席: one body's one office, given to another name of the
            # sentence already; B leads another party, which the title alone does not say
            default = None
        if default is not None:
            org = _implied(index, a, b, default.org)
            person = Mention("official", name.text, index, name.start, name.end, OfficialAttrs())
            yield person
            yield org
            yield Link("holds-post", person, org, index, default.title)
            return
        # 王明主席: the organisation is read from the same person's posts at resolution
        yield Mention("official", name.text, index, name.start, name.end, OfficialAttrs(bare_title=title))

    @staticmethod
    def _held_before(found: ArticleFindings, name: str, title: str) -> Mention | None:
        """The foreign body at which the article read ``name`` holding ``title`` before (朝鲜劳动党 for
        a later 金A总书记), or None."""
        for link in found.links:
            if link.kind != "holds-post" or link.title != title:
                continue
            person, org = link.source, link.target
            if person.surface == name and lexicon.body_country(template_of(org) or "") is not None:
                return org
        return None

    @staticmethod
    def _counterpart(sent: _Sentence, name: NameSpan) -> bool:
        """The name follows a head of state or government joined to it by 同, 和 or 与 (A主席同B总理, A总统和B总理):
        B is the head's counterpart or a fellow of a foreign head, not China's premier, whatever his name looks
        like. A 主席 with 和 or 与 may be China's two leaders greeted together (转达对A主席和B总理的问候), so
        only where the sentence speaks of two states (两国, 双边)."""
        head = _HEAD_JOINED.search(sent.text, 0, name.start)
        if head is None:
            return False
        return head.group("head") != "主席" or head.group("joined") == "同" or \
            re.search(r"两国|双边", sent.text) is not None

    def _persons(self, s):
        """刘女士, 王先生: people named by surname only; never officials."""
        for m in _TITLED_PERSON.finditer(s.text):
            if m.group("name") in lexicon.surnames():
                yield Mention("person", m.group(), s.index, m.start(), m.end(), PersonAttrs(None))


EXTRACTOR = OfficialExtractor()
