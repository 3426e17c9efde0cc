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

from kg import lexicon, segment

__all__ = ["noun_run_start", "clause_words"]

# jieba tags of words that are never part of an organisation's name: prepositions, conjunctions,
# particles, adverbs, pronouns, times, verbs (jieba tags nouns too loosely to list what may be)
_NOT_ORG_TAGS = ("p", "c", "u", "d", "r", "t", "y", "e", "o", "ad", "v")
# one-character words that stand between a clause and an organisation and belong to neither
NOT_IN_ORG = re.compile(r"[的了在对向将把被和与及或从为是]")


@lru_cache(maxsize=1)
def clause_words() -> tuple[str, ...]:
    """Verbs and prepositions that end the clause before an organisation (会见, 同, 陪同 …)."""
    ctx = lexicon.name_context()
    return tuple(sorted(set(ctx.get("follows_name", ())) | set(ctx.get("before_title", ())), key=len, reverse=True))


def noun_run_start(text: str, start: int, end: int) -> int:
    """Where the run of nouns that ends at ``end`` begins, not before ``start``. 驻 joins a body
    to where it is stationed (…驻中华全国总工会机关纪检监察组) and stays inside the run."""
    tokens = list(segment.tagger().cut(text[start:end]))
    keep = len(tokens)
    while keep > 0:
        token = tokens[keep - 1]
        noun = not token.flag.startswith(_NOT_ORG_TAGS) or token.flag == "vn" or token.word == "驻"
        if not noun or NOT_IN_ORG.fullmatch(token.word) or token.word in clause_words():
            break
        keep -= 1
    while keep < len(tokens) and tokens[keep].word == "驻":
        keep += 1
    return start + sum(len(t.word) for t in tokens[:keep])
