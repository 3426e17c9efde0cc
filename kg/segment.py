"""The project's own jieba tokenizer, taught the lexicons' words.

A private ``jieba.Tokenizer`` (no global state) knows every place name,
office title and union word, so that a match is accepted only where the
segmentation agrees it is a word of its own.
"""
from __future__ import annotations

import logging
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
