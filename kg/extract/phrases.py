"""Where the name of an organisation that no lexicon knows begins.

Such a name is a run of nouns ending in an organisation word (日本经济团体联合会,
天津港(集团)有限公司); it never reaches back over a verb, a preposition or a particle
(``…会见日本…``, ``…将播出对古巴…``), whatever jieba's tags say of the nouns themselves. The
officials extractor (an organisation before a title) and the union extractor (an enterprise
before 工会) both read names so.
"""
from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from kg.extract import segment
from kg.knowledge import lexicon

__all__ = ["noun_run_start", "clause_words", "place_prefix", "ENTERPRISE_END", "GENERIC_HOSTS", "article_enterprise",
           "WordSet"]

# jieba tags of words that are never part of an organisation's name: prepositions, conjunctions,
# particles, adverbs, pronouns, times, verbs (jieba tags nouns too loosely to list what may be): grammar of the algorithm, not a lexicon
_NOT_ORG_TAGS = ("p", "c", "u", "d", "r", "t", "y", "e", "o", "ad", "v")
# one-character words that stand between a clause and an organisation and belong to neither (function
# characters: grammar of the algorithm, not a lexicon)
NOT_IN_ORG = re.compile(r"[的了在对向将把被和与及或从为是兼]")


# what a name may be made of: Han characters, Latin letters, digits and brackets (天津港(集团)有限公司)
_PART_OF_NAME = re.compile(r"[\u4e00-\u9fffA-Za-z0-9（）()·]+")


@lru_cache(maxsize=1)
def _name_words() -> frozenset[str]:
    """Verbs that are ordinary parts of enterprise names (控股, 投资, 发展): inside a name
    they are no clause."""
    return frozenset(lexicon.name_context().get("in_org_name", ()))


@lru_cache(maxsize=1)
def clause_words() -> tuple[str, ...]:
    """Verbs and prepositions that end the clause before an organisation (会见, 同, 陪同 …)."""
    ctx = lexicon.name_context()
    return tuple(sorted(set(ctx.get("follows_name", ())) | set(ctx.get("before_title", ())), key=len, reverse=True))


class WordSet:
    """A fixed set of words found in one Aho-Corasick pass: the leftmost-longest, non-overlapping
    occurrences, as an alternation of the words sorted longest first would find them, at a
    cost that does not grow with the number of words (thousands of titles or body names)."""

    def __init__(self, words):
        self._automaton = ahocorasick.Automaton()
        for word in words:
            self._automaton.add_word(word, word)
        self._automaton.make_automaton()

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, word) of every occurrence in ``text``, left to right."""
        return [(end + 1 - len(word), end + 1, word) for end, word in self._automaton.iter_long(text)]


def noun_run_start(text: str, start: int, end: int) -> int:
    """Where the run of nouns that ends at ``end`` begins, not before ``start``. 驻 joins a body
    to where it is stationed (…驻中华全国总工会机关纪检监察组) and stays inside the run.

    Only the last ``_NAME_WINDOW`` characters are tagged when the run ends inside them (tagging a
    long clause costs far more than the name at its end); the whole span otherwise."""
    if end - start > _NAME_WINDOW:
        window = end - _NAME_WINDOW
        found = _noun_run_start(text, window, end)
        if found > window + 1:
            return found
    return _noun_run_start(text, start, end)


_NAME_WINDOW = 24  # characters: longer than the names of bodies a run ends in, in practice


def _noun_run_start(text: str, start: int, end: int) -> int:
    tokens = segment.tags(text[start:end])
    keep = len(tokens)
    while keep > 0:
        token = tokens[keep - 1]
        if not _PART_OF_NAME.fullmatch(token.word):
            break  # punctuation: 仪式上，X公司 starts after the comma
        noun = not token.flag.startswith(_NOT_ORG_TAGS) or token.flag == "vn" or token.word == "驻" \
            or token.word in _name_words() \
            or (token.word in lexicon.country_abbreviations() and keep < len(tokens) and tokens[keep].word == "中")
        # (朝中友好议员团: 朝 is North Korea's abbreviation paired with China's, not the preposition)
        if token.word in ("和", "与") and keep >= 2 and keep < len(tokens) and \
                all(len(t.word) > 1 and (t.flag[:1] == "n" or t.flag in ("vn", "an", "v")) for t in (tokens[keep - 2], tokens[keep])) \
                and not ENTERPRISE_END.search(tokens[keep - 2].word) and not tokens[keep - 2].word.endswith(("会", "局", "部", "委")):
            keep -= 1  # 宪法和法律委员会: two fields joined inside a name (not two bodies: 市总工会与X公司)
            continue
        if not noun or NOT_IN_ORG.fullmatch(token.word) or token.word in clause_words():
            break
        keep -= 1
    while keep < len(tokens) and tokens[keep].word == "驻":
        keep += 1
    return start + sum(len(t.word) for t in tokens[:keep])


def place_prefix(name: str) -> tuple[str, tuple[str, ...]] | None:
    """The place name that opens an enterprise's or body's name, even glued to the next word
    (天津港(集团)有限公司 -> 天津): (the place as printed, its division codes), or None."""
    g = lexicon.gazetteer()
    for k in range(min(len(name), 7), 1, -1):
        if name[:k] in g.surfaces:
            return name[:k], g.surfaces[name[:k]]
    return None


# endings of an enterprise's or institution's name (what its union, party committee and chair belong to)
ENTERPRISE_END = re.compile(r"(?:有限责任公司|股份有限公司|有限公司|公司|集团|厂|医院|大学|学院|学校|银行)$")
# a bare word that means the enterprise the article is about (公司党委, 集团工会)
GENERIC_HOSTS = lexicon.words_in_file_order("official_words.tsv")["generic_host"]


def article_enterprise(found, word: str, sentence: int, start: int) -> str | None:
    """The enterprise a bare 公司 / 集团 means at this point of the article: the last one named
    before it whose name ends so (企业 and 厂: the last one of any kind), or None."""
    names = []
    for m in found.mentions:
        if (m.sentence, m.start) >= (sentence, start):
            continue
        if m.kind == "union":
            name = m.attrs.enterprise  # 某公司工会: its enterprise
        elif m.kind == "organization":  # 某公司董事长's company, or an enterprise named as a body
            name = m.attrs.host or (m.attrs.template if m.attrs.enterprise else None)
        else:
            continue
        if name is not None and name not in GENERIC_HOSTS and (word in ("企业", "厂") or word in name):
            names.append(((m.sentence, m.start), name))
    return max(names)[1] if names else None
