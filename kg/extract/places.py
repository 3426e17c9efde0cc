"""Places: provinces, prefecture-level cities, districts and counties.

A name counts only where the segmentation agrees it is a word of its own and
it is not the start of a street, building or company name (湖南路 is a road).
Which of several same-named divisions is meant (铁西区) is left to resolution.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from kg.extract import segment
from kg.knowledge import lexicon
from kg.extract.base import ArticleFindings, Mention


@dataclass(slots=True)
class PlaceAttrs:
    """What a place mention says: the divisions (codes) its printed name may be, more than one
    for a name several divisions share (铁西区); resolution picks one in the article's context."""

    codes: tuple[str, ...]


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    """Every place name in one Aho-Corasick automaton: one pass over a sentence finds the
    leftmost-longest names, however many thousands the gazetteer holds."""
    g = lexicon.gazetteer()
    common = set(lexicon.place_words().get("common_word", ()))
    automaton = ahocorasick.Automaton()
    for name in sorted(s for s in g.surfaces if s not in common):
        automaton.add_word(name, name)
    automaton.make_automaton()
    return automaton


def find_names(text: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of the leftmost-longest, non-overlapping place names in ``text``."""
    return [(end + 1 - len(name), end + 1, name) for end, name in _automaton().iter_long(text)]


@lru_cache(maxsize=1)
def _titles() -> re.Pattern:
    titles = set(lexicon.titles()) | {f.printed for f in lexicon.title_forms().get("compound", ())}
    return re.compile("|".join(map(re.escape, sorted(titles, key=lambda t: (-len(t), t)))))


def _title_spans_outside_places(text: str, matches: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Spans of the titles that do not start inside a place name. A place starting inside one
    of them is a misreading (外长沙…: 外长, not 长沙), while a title starting inside a place
    is no title (石家庄市长安区: 石家庄市, 长安区)."""
    return [m.span() for m in _titles().finditer(text) if not any(a < m.start() < b for a, b, _ in matches)]


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    return frozenset(lexicon.place_words().get("common_word", ()))


@lru_cache(maxsize=1)
def _common_districts() -> frozenset[str]:
    """District names that are ordinary nouns (老城区, 郊区): a district only right after its city."""
    return frozenset(lexicon.place_words().get("common_district", ()))


@lru_cache(maxsize=1)
def _not_before() -> re.Pattern:
    return re.compile("|".join(map(re.escape, lexicon.place_words()["not_before"])))


def _place_words_cut(text: str, matches: list[tuple[int, int, str]], cuts: set[int]) -> set[int]:
    """Cuts inside words the segmenter keeps whole but that are only places and place words:
    广西南宁 (广西 + 南宁), 台湾地区 (台湾 + 地区)."""
    suffixes = lexicon.place_words().get("place_suffix", ())
    extra: set[int] = set()
    ordered = sorted(cuts)
    for start, end in zip(ordered, ordered[1:]):
        inner = [(a, b) for a, b, _ in matches if start <= a and b <= end]
        if not inner or (inner[0][0], inner[-1][1]) == (start, end) and len(inner) == 1:
            continue
        pos, ok = start, True
        for a, b in inner:
            if a != pos:
                ok = False
                break
            pos = b
        rest = text[pos:end]
        if ok and (rest == "" or rest in suffixes):
            extra.update(b for _, b in inner)
    return extra


def _full_name(name: str) -> bool:
    """An official name with its level word (湖北省, 宁夏回族自治区, 郑州市): it names the place
    whatever word the segmenter glued after it."""
    g = lexicon.gazetteer()
    return len(name) >= 3 and name.endswith(("省", "自治区", "特别行政区", "市")) and \
        any(g.divisions[c].name == name for c in g.surfaces.get(name, ()))


def _country_pairs(article) -> frozenset[str]:
    """Two-character words made of the abbreviations of a country the article names and of China
    (巴中, 中巴 where 巴基斯坦 is named), which are that pair of states, not a place of China."""
    text = "".join(s.text for s in article.sentences)
    named = {c.abbr for form, c in lexicon.country_forms().items() if c.abbr and c.iso2 != "CN" and form in text}
    return frozenset(f"{a}中" for a in named) | frozenset(f"中{a}" for a in named)


class PlaceExtractor:
    kind = "place"
    after: tuple[str, ...] = ()

    def extract(self, article, found: ArticleFindings):
        g = lexicon.gazetteer()
        pairs = None  # read only when a two-character name with 中 is found
        for s in article.sentences:
            text = s.text
            matches = find_names(text)
            if not matches:
                continue
            cuts = segment.boundaries(text)
            cuts |= _place_words_cut(text, matches, cuts)
            inside_titles = _title_spans_outside_places(text, matches)
            for a, b, name in matches:
                if any(ta < a < tb for ta, tb in inside_titles):
                    continue  # 奥地利外长沙…: 长沙 starts inside the title 外长
                full = a in cuts and _full_name(name)  # 广东省妇联, 湖北省博物馆: a full name needs no cut after it
                if not full and (a not in cuts or b not in cuts):
                    # 四川省委: the segmenter cuts 四川/省委, so read the longest place name that fits
                    b = max((k for k in range(b - 1, a + 1, -1) if k in cuts and text[a:k] in g.surfaces
                             and text[a:k] not in _common_words()), default=None) if a in cuts else None
                    if b is None:
                        continue
                    name = text[a:b]
                if _not_before().match(text, b):
                    continue
                if name in _common_districts() and not any(pb == a for _, pb, _ in matches):
                    continue  # 关心老城区: the old town; 呼和浩特市新城区: the district
                if len(name) == 2 and "中" in name and pairs is None:
                    pairs = _country_pairs(article)
                if pairs and name in pairs:
                    continue  # 巴中关系 where 巴基斯坦 is named: Pakistan and China, not 巴中市
                yield Mention("place", name, s.index, a, b, PlaceAttrs(g.surfaces[name]))


EXTRACTOR = PlaceExtractor()
