"""The project's own jieba tokenizer, taught the lexicons' words.

A private ``jieba.Tokenizer`` (no global state) knows every place name,
office title and union word, so that a match is accepted only where the
segmentation agrees it is a word of its own.

Word boundaries of whole sentences come from jieba-rs (``rjieba``), the Rust port of jieba
with the same dictionary, the same words added and removed and the same HMM for unknown
words: it cuts about ten times faster, and a year of news is cut sentence by sentence. It
differs from jieba only inside runs of Latin letters and digits (F-16, XBB.1.5), which no
extractor reads. Part-of-speech tags and word frequencies still come from jieba itself.
"""
from __future__ import annotations

import logging
import os
import re
from functools import lru_cache

import jieba
import jieba.posseg
import rjieba

from kg import lexicon

# jieba logs a failure to write its cache with a traceback (logging.exception); the cache only
# saves a second or so, so its failure is no message at all
jieba.setLogLevel(logging.CRITICAL)


@lru_cache(maxsize=1)
def _changes() -> tuple[tuple[tuple[str, int, str], ...], tuple[str, ...]]:
    """(word, frequency, tag) added to jieba's dictionary, and the words removed from it."""
    g = lexicon.gazetteer()
    added = [(surface, 2000, "ns") for surface in g.surfaces]
    added += [(title, 2000, "n") for title in lexicon.titles()]
    added += [(word, 5000, "nt") for word in ("总工会", "工会", "人大常委会", "政协", "党组", "书记处")]
    # the default dictionary holds some bodies as one word (湖北省总工会, 上海市委); forget them so
    # the place inside stays a word of its own
    body = re.compile(r"(?:总工会|工会|人大常委会|政协|党委|省委|市委|区委|县委|政府)$")
    places, base = g.surfaces, _base_tokenizer()
    removed = [w for w, f in base.FREQ.items() if f and body.search(w)
               and any(w.startswith(p) and len(p) < len(w) for p in (w[:2], w[:3], w[:4], w[:5], w[:7]) if p in places)]
    return tuple(added), tuple(w for w in removed if w not in {a[0] for a in added})


def _jieba_cache_folder() -> str:
    """Where jieba keeps the prefix table of its dictionary (``jieba.cache``, marshal data it
    trusts): the user's own ``$XDG_CACHE_HOME/unionkg`` (``~/.cache/unionkg``), beside the key of
    the ``--update`` cache. jieba's default is the shared temporary folder, where any user of
    the machine can leave a ``jieba.cache`` that changes every word cut (and one the user
    cannot read or replace made jieba print a traceback on every build). A folder that cannot
    be made leaves jieba nothing to read: it builds the table again, a second or so."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    folder = os.path.join(base, "unionkg")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        pass
    return folder


@lru_cache(maxsize=1)
def _base_tokenizer() -> jieba.Tokenizer:
    tk = jieba.Tokenizer()
    tk.tmp_dir = _jieba_cache_folder()
    tk.initialize()
    return tk


@lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    tk = _base_tokenizer()
    added, removed = _changes()
    for word, freq, tag in added:
        tk.add_word(word, freq, tag)
    for word in removed:
        tk.del_word(word)
    return tk


@lru_cache(maxsize=1)
def _rust() -> rjieba.Jieba:
    """jieba-rs with the same dictionary changes as ``tokenizer()`` (frequency 0 removes a word)."""
    rs = rjieba.Jieba()
    added, removed = _changes()
    for word, freq, tag in added:
        rs.add_word(word, freq, tag)
    for word in removed:
        rs.add_word(word, 0, None)
    return rs


@lru_cache(maxsize=1)
def tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=16384)
def tags(text: str) -> tuple[jieba.posseg.pair, ...]:
    """jieba's words of ``text`` with their part of speech (``.word``, ``.flag``), remembered: the
    same name or clause is tagged again and again across a year of news."""
    return tuple(tagger().cut(text))


def boundaries(text: str) -> set[int]:
    """Character offsets where a word starts or ends (a new set: callers may add to it)."""
    return set(_boundaries(text))


@lru_cache(maxsize=256)
def _boundaries(text: str) -> frozenset[int]:
    out = {0, len(text)}
    pos = 0
    for word in _rust().cut(text, True):
        pos += len(word)
        out.add(pos)
    return frozenset(out)
