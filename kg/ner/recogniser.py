"""Named-entity recognition: persons (PER), places (LOC) and organisations (ORG).

``recognise(text)`` returns ``(start, end, label)`` spans over ``text``. It reads
the project's own jieba segmentation (``kg.extract.segment.tagger()``, taught every
division name and office title) and corrects it with rules built on general
knowledge kept as data in ``kg/knowledge/lexicons``:

* ``ner_places.tsv`` - countries, world regions and cities, seas, rivers,
  mountains, one-character abbreviations (中美, 访华), place and facility endings;
* ``ner_orgs.tsv`` - well-known bodies (国务院, 新华社, 联合国), organisation and
  team endings (…委员会, …公司, …队), ordinary words that only look like them;
* ``ner_persons.tsv`` - titles around names, transliteration characters;
* ``ner_words.tsv`` - words split off names and places (…同志, …地区), words around
  names and inside or before organisation names (…报道, 中央, 会见), endings;
* ``level_words.tsv`` - the level words of Chinese divisions (省, 县, 乡, 自治县);
* and the project's gazetteer (``kg.knowledge.lexicon.gazetteer()``), surnames and titles.

Persons: the tagger's names (nr) that look like names (a surname and a short
given name that is not an ordinary word, or a transliteration; jieba's
dictionary also tags 文明, 多云 as nr), a surname joined to the given name the
tagger cut off (陈/建宇), a name read after a title, transliterated names
joined across ``·``. Places: known names, the tagger's ns words that carry a
place ending, one-character abbreviations in 中美/访华/京剧-like words, a name
before 镇/乡/村. Organisations: known bodies, and every word with an
organisation ending (the tagger's nt words only then), extended to the left
over place names, other organisations and nouns as long as the name opens
with a place, a body or a proper noun (北京市 劳动争议 仲裁 委员会); teams
(中国队); a Chinese people's government (县政府, 河南省人民政府), while a foreign
country's 政府 is left a place and a word, as in Chinese news annotation.
Buildings and sites (美术馆, 大厦, 体育馆) are places. Spans do not overlap; the
outer one wins, as in flat NER annotation (中国共产党 is one ORG, not a LOC in it).

Speed: the cost is jieba's own part-of-speech tagging plus a linear pass of
dictionary look-ups over its tokens.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import segment
from kg.knowledge import lexicon

Span = tuple[int, int, str]

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
# the dot of a transliterated name: punctuation, grammar of the algorithm, not a lexicon
_DOT = frozenset("·•．・")


_kinds = lexicon.words_in_file_order  # a kind<TAB>value lexicon as kind -> values in file order
# the words of ner_words.tsv, by kind, in the order of the rows
_WORDS = _kinds("ner_words.tsv")


@dataclass(frozen=True)
class _Lexicon:
    places: frozenset[str]          # words that are places by themselves
    divisions: frozenset[str]       # Chinese divisions (gazetteer surfaces)
    abbr: frozenset[str]            # one-character abbreviations (中, 美, 京)
    abbr_single: frozenset[str]     # the ones that stand alone before 总统, 方 (俄总统, 中方)
    abbr_word: frozenset[str]       # 京剧, 华侨: the first character is a place
    abbr_follow: frozenset[str]     # 关系, 两国 after 中美
    abbr_verb: frozenset[str]       # 访, 驻 before 华
    abbr_object: frozenset[str]     # 华, 京 after 访
    not_abbr: frozenset[str]
    place_suffix: frozenset[str]
    not_place: frozenset[str]
    currency: frozenset[str]
    facility_suffix: frozenset[str]
    not_before_place: frozenset[str]
    orgs: frozenset[str]            # organisations by themselves
    org_suffix: frozenset[str]
    org_suffix_max: int
    team_suffix: frozenset[str]
    not_org: frozenset[str]
    known: dict[str, str]           # known place and organisation names -> tag (ns / nt)
    known_prefixes: frozenset[str]
    titles: frozenset[str]
    title_max: int
    translit: frozenset[str]
    not_person: frozenset[str]
    surnames: frozenset[str]
    follows_name: frozenset[str]


@lru_cache(maxsize=1)
def _lex() -> _Lexicon:
    g = lexicon.gazetteer()
    common = set(lexicon.place_words().get("common_word", ()))
    pl = _kinds("ner_places.tsv")
    org = _kinds("ner_orgs.tsv")
    per = _kinds("ner_persons.tsv")
    divisions = {s for s in g.surfaces if s not in common}
    places = set(divisions)
    for kind in ("country", "region", "city", "water", "mountain", "landmark"):
        places.update(pl.get(kind, ()))
    places -= set(pl.get("not_place", ()))
    titles = set(lexicon.titles()) | set(per.get("title", ()))
    org_suffix = set(org.get("suffix", ()))
    orgs = set(org.get("known", ()) + org.get("company", ()) + org.get("media", ()))
    known = {w: "ns" for w in places}
    known.update({w: "nt" for w in orgs})
    return _Lexicon(
        places=frozenset(places),
        divisions=frozenset(divisions),
        abbr=frozenset(pl.get("abbr", ())),
        abbr_single=frozenset(pl.get("abbr_single", ())),
        abbr_word=frozenset(pl.get("abbr_word", ())),
        abbr_follow=frozenset(pl.get("abbr_follow", ())),
        abbr_verb=frozenset(pl.get("abbr_verb", ())),
        abbr_object=frozenset(pl.get("abbr_verb_object", ())),
        not_abbr=frozenset(pl.get("not_abbr", ())),
        place_suffix=frozenset(pl.get("suffix", ())),
        not_place=frozenset(pl.get("not_place", ())),
        currency=frozenset(pl.get("currency", ())),
        facility_suffix=frozenset(pl.get("facility", ())),
        not_before_place=frozenset(lexicon.place_words().get("not_before", ())) - {"大学", "银行", "集团", "公司", "队"},
        orgs=frozenset(orgs),
        known=known,
        known_prefixes=frozenset(w[:k] for w in known for k in range(1, len(w))),
        org_suffix=frozenset(org_suffix),
        org_suffix_max=max(map(len, org_suffix)),
        team_suffix=frozenset(org.get("team", ())),
        not_org=frozenset(org.get("not_org", ())),
        titles=frozenset(titles),
        title_max=max(map(len, titles)),
        translit=frozenset("".join(per.get("translit", ()))),
        not_person=frozenset(per.get("not_person", ())),
        surnames=frozenset(lexicon.surnames()),
        follows_name=frozenset(lexicon.name_context().get("follows_name", ())),
    )


# ---------------------------------------------------------------------------
# tokens
# ---------------------------------------------------------------------------

class _Tok:
    __slots__ = ("w", "f", "s", "e")

    def __init__(self, w: str, f: str, s: int, e: int) -> None:
        self.w, self.f, self.s, self.e = w, f, s, e

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"{self.w}/{self.f}"


# part-of-speech tags (this and the next two): grammar of the algorithm, not a lexicon
_NAME_FLAGS = frozenset(("nr", "nrfg", "nrt"))
# flags of words an organisation name may be built from (left of its ending)
_EXTEND_FLAGS = frozenset(("n", "nz", "nt", "ns", "nr", "nrt", "nrfg", "vn", "j", "b", "an", "eng", "ng", "l", "abbr"))
_GIVEN_BAD_FLAGS = frozenset(("x", "m", "q", "p", "c", "u", "uj", "ul", "uz", "ug", "uv", "ud", "r", "f", "t",
                              "eng", "y", "e", "o", "zg", "mq", "abbr"))
# words split off the end of a token when the rest is a name or a place (邓小平理论, 荷兰人, 东北地区)
_NAME_TAILS = _WORDS["name_tail"]
_PLACE_TAILS = _WORDS["place_tail"]


def _word_tag(word: str) -> str | None:
    return segment.tagger().word_tag_tab.get(word)


def _freq(word: str) -> int:
    return segment.tokenizer().FREQ.get(word, 0)


def _is_abbr_run(w: str, lx: _Lexicon) -> bool:
    """中美, 印巴, 中日韩: a word made of two or three place abbreviations."""
    return 2 <= len(w) <= 3 and w not in lx.not_abbr and w not in lx.places and \
        all(c in lx.abbr for c in w) and len(set(w)) == len(w)


def _split(w: str, f: str, lx: _Lexicon) -> list[tuple[str, str]]:
    """Cut a word the tagger glued together into its entity and the rest:
    司法部长 -> 司法部 + 长, 江主席 -> 江 + 主席, 邓小平理论 -> 邓小平 + 理论, 中美关系 -> 中美 + 关系,
    访华 -> 访 + 华, 荷兰人 -> 荷兰 + 人."""
    n = len(w)
    if n < 2 or w in lx.orgs or w in lx.places:
        return [(w, f)]
    # place abbreviations: 中美关系, 俄总统, 访华, 驻华大使
    if w in lx.abbr_word:
        return [(w[0], "abbr"), (w[1:], "nabbr")]
    for k in range(min(3, n - 1), 0, -1):
        head, rest = w[:k], w[k:]
        if rest in lx.abbr_follow and (k == 1 and head in lx.abbr_single or k > 1 and _is_abbr_run(head, lx)):
            return [(head, "abbr"), (rest, "nabbr")]
    if n <= 4 and w[0] in lx.abbr_verb and w[1] in lx.abbr_object and w not in lx.not_abbr and \
            (n == 2 or _freq(w[2:]) > 0) and _word_tag(w) not in ("nr", "ns", "nt"):
        return [(w[0], "v"), (w[1], "abbr")] + ([(w[2:], "n")] if n > 2 else [])
    if n < 3:
        return [(w, f)]
    # a title glued to an organisation or a name: 司法部长, 公司总裁, 江主席
    for k in range(min(lx.title_max, n - 1), 0, -1):
        t = w[n - k:]
        if t not in lx.titles and t != "长":
            continue
        head = w[:n - k]
        tag = _word_tag(head)
        if t == "长" and len(head) >= 2 and head[-2] == "副":
            return [(head[:-2], "nt"), (head[-2:] + t, "n")] if len(head) > 2 else [(w, f)]
        if head in lx.orgs or tag == "nt" or _org_suffix(head, lx) or (t == "长" and head[-1] in "部局厅署"):
            return [(head, "nt"), (t, "n")]
        if t == "长":
            continue
        if tag in _NAME_FLAGS or (len(head) == 1 and head in lx.surnames):
            return [(head, "nr"), (t, "n")]
        if head in lx.places or tag == "ns":
            return [(head, "ns"), (t, "n")]
    for tail in _NAME_TAILS:
        if w.endswith(tail) and n - len(tail) >= 2:
            head = w[:-len(tail)]
            if _word_tag(head) in _NAME_FLAGS and head not in lx.places:
                return [(head, "nr"), (tail, "n")]
    if f != "nt" and _word_tag(w) != "nt":
        # a place glued to an ordinary word: 中国京剧, 中国式
        for k in range(n - 1, 1, -1):
            head, rest = w[:k], w[k:]
            if head in lx.places and (_freq(rest) > 0 or rest in lx.abbr_word):
                return [(head, "ns")] + _split(rest, _word_tag(rest) or "n", lx)
    for tail in _PLACE_TAILS:
        if w.endswith(tail) and n - len(tail) >= 2:
            head = w[:-len(tail)]
            if head in lx.places:
                return [(head, "ns"), (tail, "n")]
    return [(w, f)]


def _org_suffix(word: str, lx: _Lexicon) -> str | None:
    """The organisation ending (two characters or more) that ``word`` ends with."""
    for k in range(min(lx.org_suffix_max, len(word)), 1, -1):
        if word[-k:] in lx.org_suffix:
            return word[-k:]
    return None


def _merged(pairs: list[tuple[str, str]], lx: _Lexicon) -> list[tuple[str, str]]:
    """Join tokens that together spell a known place or organisation (中兴/通讯, 雅鲁藏布/江)."""
    out = []
    i, n = 0, len(pairs)
    while i < n:
        w = pairs[i][0]
        best = None
        if w in lx.known_prefixes:
            acc = w
            for j in range(i + 1, min(n, i + 4)):
                acc += pairs[j][0]
                if acc in lx.known:
                    best = (j, acc)
                if acc not in lx.known_prefixes:
                    break
        if best is not None:
            out.append((best[1], lx.known[best[1]]))
            i = best[0] + 1
        else:
            out.append(pairs[i])
            i += 1
    return out


def _tokens(text: str, lx: _Lexicon) -> list[_Tok]:
    out: list[_Tok] = []
    pos = 0
    for w, f in _merged([(p.word, p.flag) for p in segment.tagger().cut(text)], lx):
        if w in _HEAD_TITLES and out and out[-1].f in ("n", "nz", "vn", "j", "ns") and \
                out[-1].w not in lx.titles and not _is_org_head(out[-1], lx) and _CJK.match(out[-1].w):
            # 农林/部长 is the minister of a 农林部
            out.append(_Tok(w[0], "n", pos, pos + 1))
            out.append(_Tok(w[1:], "n", pos + 1, pos + len(w)))
            pos += len(w)
            continue
        for piece, flag in _split(w, f, lx):
            out.append(_Tok(piece, flag, pos, pos + len(piece)))
            pos += len(piece)
    return out


_HEAD_TITLES = frozenset(_WORDS["head_title"])


# ---------------------------------------------------------------------------
# persons
# ---------------------------------------------------------------------------

# endings of foreign place names (肯特郡, 俄亥俄州): a word so ending is no person
_FOREIGN_PLACE_END = frozenset(_WORDS["foreign_place_end"])
_NOT_GIVEN_END = frozenset(_WORDS["not_given_end"])


def _translit(word: str, lx: _Lexicon) -> bool:
    return all(c in lx.translit for c in word)


# function characters after a name: grammar of the algorithm, not a lexicon
_WEAK_FOLLOWERS = frozenset("也还就是的等同和与及在为对到向率作")


def _supported(toks: list[_Tok], i: int, j: int, lx: _Lexicon, strong: bool = False) -> bool:
    """Context that marks tokens i..j as a person's name: a title or 记者 before it, or a title,
    a verb of saying or a list comma after it (``strong``: not a mere 也, 和, 的 after it)."""
    if i > 0:
        p = toks[i - 1].w
        if p in lx.titles or p in ("记者", "通讯员") or (not strong and p == "、") or \
                (p[-1] in "长员" and _CJK.match(p)):
            return True
    if j + 1 < len(toks):
        q = toks[j + 1].w
        if q in lx.titles or (q in lx.follows_name and q not in _WEAK_FOLLOWERS) or \
                (not strong and (q == "、" or q in _WEAK_FOLLOWERS)):
            return True
    return False


def _plausible_person(w: str, toks: list[_Tok], i: int, j: int, lx: _Lexicon) -> bool:
    """Whether a word the tagger calls a name (nr) looks like one: a surname and a short given name
    that is not an ordinary word, or a transliteration; else only with a title or verb of saying around."""
    if w in lx.places or w in lx.orgs or w in lx.not_person:
        return False
    if w[-1] in _FOREIGN_PLACE_END and len(w) >= 3:
        return False
    if _translit(w, lx):
        if len(w) >= 3:
            return True
        return _supported(toks, i, j, lx, strong=_freq(w) >= 100)
    surname = w[:2] if w[:2] in lx.surnames else w[0] if w[0] in lx.surnames else None
    if surname is None or len(w) - len(surname) not in (1, 2):
        return len(w) == 3 and _freq(w) < 100 and _supported(toks, i, j, lx)
    given = w[len(surname):]
    oov = _freq(w) == 0
    common = given[-1] in _NOT_GIVEN_END or w[-1] in _FOREIGN_PLACE_END or \
        (_freq(given) >= 60 and (_word_tag(given) or "x")[:2] not in ("nr", "r", "m") and
         (not oov or w[0] in _FUNCTION_CHARS))
    if len(w) == 2:
        if oov and w[1] not in "老某总家氏" and not common and w[0] not in _FUNCTION_CHARS:
            return True
        return _supported(toks, i, j, lx, strong=_freq(w) >= 100 or common)
    return not common or _supported(toks, i, j, lx, strong=True)


def _given_name(toks: list[_Tok], i: int, lx: _Lexicon) -> int | None:
    """End of the given name after the one-character surname at token ``i``, or None."""
    n = len(toks)
    if i + 1 >= n:
        return None
    a = toks[i + 1]
    if not _CJK.match(a.w) or a.f in _GIVEN_BAD_FLAGS or a.w in lx.follows_name or a.w in lx.titles \
            or a.w in lx.places:
        return None
    if len(a.w) == 2:
        # an ordinary word after a rare surname is no given name (岩/忧郁); after 梁, 王 it may be (梁/广大)
        return None if a.f in ("a", "ad", "z") and _freq(a.w) >= 100 and toks[i].w not in _COMMON_SURNAMES else a.e
    if len(a.w) == 1:
        if i + 2 < n:
            b = toks[i + 2]
            if len(b.w) == 1 and _CJK.match(b.w) and b.f not in _GIVEN_BAD_FLAGS and b.w not in lx.follows_name:
                return b.e
        return a.e
    return None


_COMMON_SURNAMES = frozenset(lexicon.surnames_by_rank()[:100])
# function characters: grammar of the algorithm, not a lexicon
_FUNCTION_CHARS = frozenset("的了是在和与等也都就又还把被给对从向到为以及或而并将已曾说着过")


def _name_piece(tok: _Tok, lx: _Lexicon) -> bool:
    """A piece of a transliterated name: a name word or a word of transliteration characters."""
    return _CJK.match(tok.w) is not None and (tok.f in _NAME_FLAGS or _translit(tok.w, lx))


def _boundary(toks: list[_Tok], k: int, lx: _Lexicon) -> bool:
    """Whether a name may end right before token ``k``: punctuation, a title, a verb of saying."""
    if k >= len(toks):
        return True
    q = toks[k].w
    return not _CJK.match(q) or q in lx.titles or q in lx.follows_name or q[0] in "说称" or q in _NAME_ENDERS


_NAME_ENDERS = frozenset(_WORDS["name_ender"])


def _persons(text: str, toks: list[_Tok], lx: _Lexicon, out: list) -> None:
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        # transliterated names across · (维姆·杜伊森贝赫, 莉萨·科斯/马斯)
        if i + 2 < n and toks[i + 1].w in _DOT and _name_piece(t, lx):
            j = i
            while j + 2 < n and toks[j + 1].w in _DOT and (_name_piece(toks[j + 2], lx) or toks[j + 2].f == "ns"):
                j += 2
                while j + 1 < n and _name_piece(toks[j + 1], lx) and toks[j + 1].w not in lx.titles:
                    j += 1
            # the part before the dot may itself be cut (卡莱/维·海米莱)
            k = i
            while k > 0 and _name_piece(toks[k - 1], lx) and len(toks[k - 1].w) <= 2 and \
                    toks[k - 1].w not in lx.titles and toks[k - 1].w not in lx.places:
                k -= 1
            out.append((toks[k].s, toks[j].e, "PER", 3))
            i = j + 1
            continue
        if t.f in _NAME_FLAGS and _CJK.match(t.w):
            j = i
            # a foreign name the tagger cut into several pieces (尤尔/科夫)
            while j + 1 < n and toks[j + 1].f in _NAME_FLAGS and _translit(toks[j].w + toks[j + 1].w, lx):
                j += 1
            w = text[t.s:toks[j].e]
            if len(w) == 1:
                # a lone surname the tagger could not join with the given name (李/岚清)
                given = _given_name(toks, i, lx) if w in lx.surnames else None
                if given is not None:
                    out.append((t.s, given, "PER", 2))
                elif i + 1 < n and toks[i + 1].w in lx.titles and w in lx.surnames:
                    out.append((t.s, t.e, "PER", 2))  # 江主席
                i += 1
                continue
            if len(w) == 2 and j == i and w[0] in lx.surnames and j + 1 < n and len(toks[j + 1].w) == 1 and \
                    _CJK.match(toks[j + 1].w) and toks[j + 1].w not in _FUNCTION_CHARS and \
                    toks[j + 1].w not in lx.follows_name and toks[j + 1].f not in _GIVEN_BAD_FLAGS and \
                    (_boundary(toks, j + 2, lx) or _supported(toks, i, i, lx, strong=True)) and _freq(w) < 200:
                j += 1  # a three-character name cut after two (张玉/来)
                out.append((t.s, toks[j].e, "PER", 2))
                i = j + 1
                continue
            if _plausible_person(w, toks, i, j, lx):
                out.append((t.s, toks[j].e, "PER", 2))
            i = j + 1
            continue
        if t.w in lx.titles and i + 1 < n:
            # a name right after a title (国务委员罗干, 总统库马拉通加)
            nxt = toks[i + 1]
            if nxt.f not in _NAME_FLAGS and _CJK.match(nxt.w) and nxt.w not in lx.places and nxt.w not in lx.orgs:
                if len(nxt.w) == 1 and nxt.w in lx.surnames and nxt.f not in ("c", "p"):
                    given = _given_name(toks, i + 1, lx)
                    if given is not None:
                        out.append((nxt.s, given, "PER", 2))
                elif len(nxt.w) >= 2 and _translit(nxt.w, lx):
                    out.append((nxt.s, nxt.e, "PER", 2))
                elif 2 <= len(nxt.w) <= 3 and nxt.w[0] in lx.surnames and _odd_word(nxt):
                    if _boundary(toks, i + 2, lx):
                        out.append((nxt.s, nxt.e, "PER", 2))
                    elif len(nxt.w) == 2 and i + 2 < n and len(toks[i + 2].w) == 1 and \
                            toks[i + 2].w not in _FUNCTION_CHARS and _boundary(toks, i + 3, lx):
                        out.append((nxt.s, toks[i + 2].e, "PER", 2))  # 总裁 宋朝/弟
                elif 4 <= len(nxt.w) <= 5 and _freq(nxt.w) < 50 and _boundary(toks, i + 2, lx):
                    out.append((nxt.s, nxt.e, "PER", 2))  # 首相 桥本龙太郎
        elif 2 <= len(t.w) <= 3 and t.w[0] in lx.surnames and _odd_word(t) and t.w not in lx.places and \
                i + 1 < n and toks[i + 1].w in _STRONG_AFTER_NAME:
            out.append((t.s, t.e, "PER", 2))  # 周恩来/t 思想
        i += 1


_STRONG_AFTER_NAME = frozenset(_WORDS["strong_after_name"])


def _odd_word(tok: _Tok) -> bool:
    """A word the dictionary tags oddly for an ordinary word (a name tagged t, ns, nz) or does not know."""
    return tok.f in ("t", "ns", "nz", "i", "l", "nr", "nrt", "nrfg", "m") or _freq(tok.w) < 50


# ---------------------------------------------------------------------------
# places
# ---------------------------------------------------------------------------

# one-character level words that end a place name (level_words.tsv)
_ONE_CHAR_PLACE_ENDS = frozenset(w.word for w in lexicon.level_words() if w.ner_level)


def _is_place(tok: _Tok, lx: _Lexicon) -> bool:
    w = tok.w
    if w in lx.places:
        return True
    if tok.f != "ns" or len(w) < 2 or w in lx.not_place or w[-2:] in lx.not_place:
        return False
    # the tagger's ns words: only with a place ending (…县, …乡) or as a foreign name
    if len(w) >= 3 and (w[-1] in lx.place_suffix or w[-2:] in lx.place_suffix):
        return True
    return len(w) >= 3 and _translit(w, lx)


def _places(text: str, toks: list[_Tok], lx: _Lexicon, out: list) -> None:
    n = len(toks)
    i = 0
    while i < n:
        t = toks[i]
        w = t.w
        if t.f == "abbr":
            for k in range(len(w)):
                out.append((t.s + k, t.s + k + 1, "LOC", 2))
            i += 1
            continue
        if _is_abbr_run(w, lx) and t.f in ("ns", "j", "nz", "t", "n", "nt") and _freq(w) <= 120:
            for k in range(len(w)):
                out.append((t.s + k, t.s + k + 1, "LOC", 2))
            i += 1
            continue
        if len(w) == 1 and w in lx.abbr_object and i > 0 and toks[i - 1].w in lx.abbr_verb and \
                t.f not in ("p", "c", "d", "u", "uj", "ul", "f") and (i + 1 >= n or len(toks[i + 1].w) > 1 or
                                                                    not _CJK.match(toks[i + 1].w)):
            out.append((t.s, t.e, "LOC", 2))  # 在/京 召开, 来/日 后
            i += 1
            continue
        if len(w) == 1 and w in lx.abbr and t.f in ("ns", "j", "f", "nr", "n", "v", "p", "m", "q"):
            # a run of one-character abbreviations (中/美, 印/巴), or one before 两国, 总统 …
            j = i
            while j + 1 < n and len(toks[j + 1].w) == 1 and toks[j + 1].w in lx.abbr and \
                    toks[j + 1].w != toks[j].w:
                j += 1
            nxt = toks[j + 1].w if j + 1 < n else ""
            if (j > i and any(toks[k].f in ("ns", "j") for k in range(i, j + 1))) or \
                    (t.f in ("ns", "j") and w in lx.abbr_single and nxt in lx.abbr_follow):
                for k in range(i, j + 1):
                    out.append((toks[k].s, toks[k].e, "LOC", 2))
                i = j + 1
                continue
        if _is_place(t, lx):
            nxt = toks[i + 1].w if i + 1 < n else ""
            if nxt not in lx.not_before_place and nxt not in lx.currency:
                out.append((t.s, t.e, "LOC", 1))
        i += 1
    # a name before a one-character place ending: 网市/镇, 沙矶头/村
    for i in range(1, n):
        t = toks[i]
        if t.w in _ONE_CHAR_PLACE_ENDS:
            p = toks[i - 1]
            if _CJK.match(p.w) and 1 <= len(p.w) <= 3 and p.f in ("ns", "nr", "nz", "n", "j", "ng", "nrt") and \
                    p.w not in lx.titles:
                out.append((p.s, t.e, "LOC", 1))


# ---------------------------------------------------------------------------
# organisations
# ---------------------------------------------------------------------------

_CONGRESS = re.compile(r"^(?:中共|党的)?十[一二三四五六七八九]?大$")
# characters of direction (东部, 中部): grammar of the algorithm, not a lexicon
_DIRECTIONS = frozenset("东南西北中上下内外前后")


def _is_org_head(tok: _Tok, lx: _Lexicon) -> bool:
    """A word that ends an organisation name: a known body, or a word with an organisation ending.
    The tagger's nt words count only so (it calls 社会科学, 音乐会 nt too)."""
    w = tok.w
    if w in lx.not_org or tok.f == "nabbr" or any(w[-k:] in lx.not_org for k in range(2, len(w))):
        return False
    if w in lx.orgs or w in lx.org_suffix or _CONGRESS.match(w):
        return True
    if _org_suffix(w, lx):
        return not (w[-1] == "部" and all(c in _DIRECTIONS for c in w[:-1]))
    if tok.f == "nt" and (w[-1] in lx.org_suffix or _team_word(w, lx)):
        return True
    # a word ending in a one-character suffix: 监督局, 文化厅, 蝶阀厂 (2 characters only when unknown: 教委)
    return w[-1] in _ONE_CHAR_SUFFIX and _CJK.match(w) is not None and \
        (len(w) >= 3 or (len(w) == 2 and (_freq(w) == 0 or w[-1] == "委")))


_ONE_CHAR_SUFFIX = frozenset(_WORDS["one_char_org_suffix"])


def _team_word(w: str, lx: _Lexicon) -> bool:
    return any(w.endswith(x) for x in lx.team_suffix)


def _generic_head(w: str, lx: _Lexicon) -> bool:
    """保险公司, 党组织: an ending after an ordinary word, which names no body by itself."""
    if w in lx.orgs:
        return False
    suffix = _org_suffix(w, lx) or (w[-1] if w[-1] in _ONE_CHAR_SUFFIX else None)
    if suffix is None or suffix == w:
        return False
    stem = w[:-len(suffix)]
    tag = _word_tag(stem)
    if stem in lx.places or stem in lx.orgs or stem in lx.abbr:
        return False
    if tag is None:
        return len(stem) == 1 and stem not in lx.abbr
    return tag[0] in "nvabdl" and tag not in ("ns", "nt", "nz", "nr", "nrt", "nrfg")


def _bare(w: str, f: str, lx: _Lexicon) -> bool:
    """公司, 委员会, 队: an organisation ending that names nothing without a word before it."""
    return (w in lx.org_suffix or w in lx.team_suffix) and w not in lx.orgs or \
        ((f != "nt" or w.endswith("组织")) and _generic_head(w, lx))


_TEAM_WORDS = frozenset(_WORDS["team_word"])
# endings that, after ordinary words, still name one body (语文出版社, 中古史研究所)
_SELF_NAMING = frozenset(_WORDS["self_naming"])
# endings of committees and offices, whose names may hold verbs (残疾人工作协调委员会)
_COMMITTEE = _WORDS["committee"]


# words that may open an organisation name although they are no name themselves (中央 党校, 国家 统计局)
_ORG_OPENERS = frozenset(_WORDS["org_opener"])
_ORG_STOP = frozenset(_WORDS["org_stop"])
_NUMERAL = re.compile(r"^(?:第?[一二三四五六七八九十百零〇两]+|第[0-9]+)$")
# 第九届, 第十五次: the ordinal of a congress or a committee's term (第九届全国人民代表大会)
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百0-9０-９]+[届次]$")
_CONGRESS_ENDS = _WORDS["congress_end"]


def _anchor(tok: _Tok, lx: _Lexicon) -> bool:
    """A token that can open an organisation name: a place, an organisation, a name, a proper noun."""
    w, f = tok.w, tok.f
    if w in _ORG_STOP:
        return False
    return (w in lx.places or w in lx.orgs or w in _ORG_OPENERS or f in ("ns", "nt", "nz", "j", "eng", "abbr")
            or (f in _NAME_FLAGS and _freq(w) < 300) or _is_org_head(tok, lx) or w in _LEVELS
            or (len(w) >= 2 and _freq(w) == 0 and _CJK.match(w) is not None and w[0] not in _NOT_OPENING))


# characters that open no unknown name word: 正由, 还同, 任乡 are the tagger's leftovers (function characters:
# grammar of the algorithm, not a lexicon)
_NOT_OPENING = frozenset("的了是在和与等也都就又还把被给对从向到为以及或而并将已曾说着过正任愿办同由据让使令请")


# one-character level words that may open an organisation name (市 政府), as they end a place name
_LEVELS = _ONE_CHAR_PLACE_ENDS
# level words of a people's government (县政府, 特区政府)
_GOV_LEVELS = frozenset(w.word for w in lexicon.level_words() if w.government)


def _extend_left(toks: list[_Tok], i: int, lx: _Lexicon, loose: bool, facility: bool = False) -> int:
    """Index of the first token of the name that ends with token ``i``: the run of name-building words
    before it, cut back so that it starts with an anchor; ``i`` when there is none.
    ``loose`` (for a bare ending such as 委员会) lets verbs stand inside the name (扶贫 委员会)."""
    end = toks[i].e
    best = i
    j = i - 1
    while j >= 0 and end - toks[j].s <= 24:
        p = toks[j]
        if p.w in lx.not_org or p.w in lx.titles or p.w in _ORG_STOP or not _CJK.match(p.w) and p.f != "eng":
            break
        if _anchor(p, lx):
            best = j
            if facility and (p.w in lx.places or p.f == "ns"):
                break  # 上海 | 虹口体育馆: a building takes one place name at most
        elif not (p.f in _EXTEND_FLAGS or p.w == "中外" or (loose and p.f == "v" and len(p.w) == 2)
                  or _NUMERAL.match(p.w)):
            if _ORDINAL.match(p.w) and toks[i].w.endswith(_CONGRESS_ENDS):
                best = j  # 第九届 全国人民代表大会: the ordinal opens the name
                j -= 1
                continue
            break
        j -= 1
    return best


def _organisations(text: str, toks: list[_Tok], lx: _Lexicon, out: list) -> None:
    n = len(toks)
    for i, t in enumerate(toks):
        w = t.w
        if w in lx.team_suffix and w not in lx.orgs:
            # 中国队, 巴西女队, 四川全兴队, 德国男子网球队: a place or a name before
            start = j = i
            while j > 0 and t.e - toks[j - 1].s <= 12:
                p = toks[j - 1]
                if p.w in _ORG_STOP or p.w in lx.titles or p.w in _ORG_OPENERS and p.w != "国家":
                    break
                if _anchor(p, lx):
                    start = j - 1
                elif not (p.w in _TEAM_WORDS or p.w[-1] in "球棋"):
                    break
                j -= 1
            if start < i:
                out.append((toks[start].s, t.e, "ORG", 4))
            continue
        if w.endswith("政府"):
            # 县政府, 郑州市政府, 河南省人民政府: a Chinese people's government (a foreign country's
            # 政府 stays a place and a word, as in the newspaper's own annotation)
            stem = w[:-4] if w.endswith("人民政府") else w[:-2]
            if stem in _GOV_LEVELS:
                start = i - 1 if i > 0 and toks[i - 1].w in lx.divisions else i
                out.append((toks[start].s, t.e, "ORG", 4))
            elif not stem and i > 0 and (toks[i - 1].w in lx.divisions or toks[i - 1].w in _GOV_LEVELS):
                start = i - 2 if i > 1 and toks[i - 1].w in _GOV_LEVELS and toks[i - 2].w in lx.divisions else i - 1
                out.append((toks[start].s, t.e, "ORG", 4))
            continue
        facility = _facility(w, lx)
        if not facility and not _is_org_head(t, lx):
            continue
        if w == "组织" and i > 0 and _is_org_head(toks[i - 1], lx):
            continue  # 基金会 组织 (实施): the verb, or the body already named
        bare = _bare(w, t.f, lx) or facility == w
        start = _extend_left(toks, i, lx, loose=bare and w.endswith(_COMMITTEE), facility=bool(facility))
        if start == i and i > 0 and w in _SELF_NAMING:
            # 语文出版社: a publisher, a research institute … named by ordinary words
            j = i
            while j > 0 and toks[j - 1].f in ("n", "vn", "nz", "j") and toks[j - 1].w not in lx.not_org and \
                    toks[j - 1].w not in lx.titles and t.e - toks[j - 1].s <= 12:
                j -= 1
            start = j
        if start == i:
            if bare:
                continue
            if not facility and w not in lx.orgs and t.f != "nt" and len(w) < 3:
                continue
        out.append((toks[start].s, t.e, "LOC" if facility else "ORG", 4))


def _facility(w: str, lx: _Lexicon) -> str | None:
    """The building or site ending (美术馆, 大厦, 广场) of ``w``, if any."""
    for k in range(min(4, len(w)), 1, -1):
        if w[-k:] in lx.facility_suffix:
            return w[-k:]
    return None


# ---------------------------------------------------------------------------

def recognise(text: str) -> list[Span]:
    """Entity spans ``(start, end, label)`` in ``text``, label PER, LOC or ORG, sorted by start."""
    if not text:
        return []
    lx = _lex()
    toks = _tokens(text, lx)
    cands: list[tuple[int, int, str, int]] = []  # start, end, label, priority
    _persons(text, toks, lx, cands)
    _places(text, toks, lx, cands)
    _organisations(text, toks, lx, cands)
    return _resolve(cands, len(text))


def _resolve(cands: list[tuple[int, int, str, int]], size: int) -> list[Span]:
    """Non-overlapping spans: longer first, then higher priority."""
    cands.sort(key=lambda c: (-(c[1] - c[0]), -c[3], c[0]))
    taken = bytearray(size)
    out: list[Span] = []
    for s, e, label, _ in cands:
        if any(taken[s:e]):
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append((s, e, label))
    out.sort()
    return out
