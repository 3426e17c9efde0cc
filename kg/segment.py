"""The project's own jieba tokenizer, taught the lexicons' words.

A private ``jieba.Tokenizer`` (no global state) knows every place name,
office title and union word, so that a match is accepted only where the
segmentation agrees it is a word of its own.
"""
from __future__ import annotations

import logging
import re
from functools import lru_cache

import jieba
import jieba.posseg

from kg import lexicon

jieba.setLogLevel(logging.WARNING)


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.initialize()
    g = lexicon.gazetteer()
    for surface in g.surfaces:
        tk.add_word(surface, 2000, "ns")
    for title in lexicon.titles():
        tk.add_word(title, 2000, "n")
    for word in ("总工会", "工会", "人大常委会", "政协", "党组", "书记处"):
        tk.add_word(word, 5000, "nt")
    # the default dictionary holds some bodies as one word (湖北省总工会, 上海市委); forget them so
    # the place inside stays a word of its own
    body = re.compile(r"(?:总工会|工会|人大常委会|政协|党委|省委|市委|区委|县委|政府)$")
    places = g.surfaces
    for word in [w for w, f in tk.FREQ.items() if f and body.search(w)]:
        if any(word.startswith(p) and len(p) < len(word) for p in (word[:2], word[:3], word[:4], word[:5], word[:7])
               if p in places):
            tk.del_word(word)
    return tk


@lru_cache(maxsize=1)
def tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


def boundaries(text: str) -> set[int]:
    """Character offsets where a word starts or ends."""
    out = {0, len(text)}
    pos = 0
    for word in tokenizer().cut(text, HMM=True):
        pos += len(word)
        out.add(pos)
    return out
