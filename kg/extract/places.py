"""Places: provinces, prefecture-level cities, districts and counties.

A name counts only where the segmentation agrees it is a word of its own and
it is not the start of a street, building or company name (湖南路 is a road).
Which of several same-named divisions is meant (铁西区) is left to resolution.
"""
from __future__ import annotations

import re
from functools import lru_cache

import ahocorasick

from kg import lexicon, segment
from kg.extract.base import ArticleFindings, Mention


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
def _not_before() -> re.Pattern:
    return re.compile("|".join(map(re.escape, lexicon.place_words()["not_before"])))


class PlaceExtractor:
    kind = "place"
    after: tuple[str, ...] = ()

    def extract(self, article, found: ArticleFindings):
        g = lexicon.gazetteer()
        for s in article.sentences:
            text = s.text
            matches = find_names(text)
            if not matches:
                continue
            cuts = segment.boundaries(text)
            for a, b, name in matches:
                if a not in cuts or b not in cuts:
                    continue
                if _not_before().match(text, b):
                    continue
                yield Mention("place", name, s.index, a, b, {"codes": g.surfaces[name]})


EXTRACTOR = PlaceExtractor()
