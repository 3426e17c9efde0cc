"""Places: provinces, prefecture-level cities, districts and counties.

A name counts only where the segmentation agrees it is a word of its own and
it is not the start of a street, building or company name (湖南路 is a road).
Which of several same-named divisions is meant (铁西区) is left to resolution.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon, segment
from kg.extract.base import ArticleFindings, Mention


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    g = lexicon.gazetteer()
    common = set(lexicon.place_words().get("common_word", ()))
    names = sorted((s for s in g.surfaces if s not in common), key=lambda s: (-len(s), s))
    return re.compile("|".join(map(re.escape, names)))


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
            matches = list(_pattern().finditer(text))
            if not matches:
                continue
            cuts = segment.boundaries(text)
            for m in matches:
                a, b = m.span()
                if a not in cuts or b not in cuts:
                    continue
                if _not_before().match(text, b):
                    continue
                codes = g.surfaces[m.group()]
                yield Mention("place", m.group(), s.index, a, b, {"codes": codes})


EXTRACTOR = PlaceExtractor()
