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

from kg.knowledge import lexicon

# jieba logs a failure to write its cache with a traceback (logging.exception); the cache only
# saves a second or so, so its failure is no message at all
jieba.setLogLevel(logging.CRITICAL)


@lru_cache(maxsize=1)
def _changes() -> tuple[tuple[tuple[str, int, str], ...], tuple[str, ...]]:
    """(word, frequency, tag) added to jieba's dictionary, and the words removed from it."""
    g = lexicon.gazetteer()
    added = [(surface, 2000, "ns") for surface in g.surfaces]
    added += [(title, 2000, "n") for title in lexicon.titles()]
    words = lexicon.words_in_file_order("segment_words.tsv")
    added += [(word, 5000, "nt") for word in words["body_word"]]
    # the default dictionary holds some bodies as one word (湖北省总工会, 上海市委); forget them so
    # the place inside stays a word of its own
    body = re.compile("(?:" + "|".join(map(re.escape, words["joined_body_end"])) + ")$")
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
def _predecessors() -> dict[tuple[str, str], tuple[tuple[tuple[str, str], float], ...]]:
    """For each state of jieba.posseg's HMM, the states that may precede it and the
    log-probability of that transition."""
    out: dict[tuple[str, str], list[tuple[tuple[str, str], float]]] = {}
    for before, after in jieba.posseg.trans_P.items():
        for state, p in after.items():
            out.setdefault(state, []).append((before, p))
    return {state: tuple(pairs) for state, pairs in out.items()}


def _viterbi(obs: str) -> tuple[float, list[tuple[str, str]]]:
    """``jieba.posseg.viterbi`` over the same tables, with the same result, faster.

    jieba scores every (state, previous state) pair of each character, though a state can only
    follow the few states with a transition to it (about 20 of 256): the others score minus
    infinity and can never be the best while one transition exists, which jieba's own choice of
    states guarantees. Here only those transitions are scored, each sum made in jieba's order
    ((previous + transition) + emission) and ties broken as jieba's ``max`` over (score, state)
    breaks them, so the path is the same, bit for bit."""
    states, start_p, trans_p, emit_p = (jieba.posseg.char_state_tab_P, jieba.posseg.start_P,
                                        jieba.posseg.trans_P, jieba.posseg.emit_P)
    preds = _predecessors()
    all_states = trans_p.keys()
    first = obs[0]
    v = {y: start_p[y] + emit_p[y].get(first, _MIN_FLOAT) for y in states.get(first, all_states)}
    mem_path = [dict.fromkeys(v, "")]
    for t in range(1, len(obs)):
        prev_states = [x for x in mem_path[t - 1] if len(trans_p[x]) > 0]
        prev_states_expect_next = {y for x in prev_states for y in trans_p[x]}
        obs_states = set(states.get(obs[t], all_states)) & prev_states_expect_next
        if not obs_states:
            obs_states = prev_states_expect_next if prev_states_expect_next else all_states
        char, prev_v, new_v, path = obs[t], v, {}, {}
        for y in obs_states:
            em = emit_p[y].get(char, _MIN_FLOAT)
            prob, state = max([(prev_v[y0] + p + em, y0) for y0, p in preds.get(y, ()) if y0 in prev_v])
            new_v[y] = prob
            path[y] = state
        v = new_v
        mem_path.append(path)
    prob, state = max((v[y], y) for y in mem_path[-1])
    route = [None] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = mem_path[i][state]
    return prob, route


_MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's score of a character a state never emits (algorithm, not a lexicon)


class _Tagger(jieba.posseg.POSTokenizer):
    """jieba's part-of-speech tagger, its HMM for unknown words run by ``_viterbi``: the same
    words and tags, in about a third of the time (the HMM was a tenth of extraction's time)."""

    def _POSTokenizer__cut(self, sentence):  # jieba's private ``__cut``, as jieba writes it
        prob, pos_list = _viterbi(sentence)
        begin, nexti = 0, 0
        for i, char in enumerate(sentence):
            pos = pos_list[i][0]
            if pos == "B":
                begin = i
            elif pos == "E":
                yield jieba.posseg.pair(sentence[begin:i + 1], pos_list[i][1])
                nexti = i + 1
            elif pos == "S":
                yield jieba.posseg.pair(char, pos_list[i][1])
                nexti = i + 1
        if nexti < len(sentence):
            yield jieba.posseg.pair(sentence[nexti:], pos_list[nexti][1])


@lru_cache(maxsize=1)
def tagger() -> jieba.posseg.POSTokenizer:
    return _Tagger(tokenizer())


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
