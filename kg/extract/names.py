"""Personal names in running text: Han names, minority and foreign names (with ``·``).

News prints a name right after a chain of offices (``国务院副总理王明``), right before a
title (``王明委员发言说``, ``王明总书记``) and in lists (``副主席王明、李华``). No list of
people can cover real news, so a name is read from its form and from what stands around it:

* a **Han name** is a surname (``lexicons/surnames.txt``) and one or two given characters; of
  the readings, the one whose end is followed by a clear boundary wins (punctuation, a
  title, a word that follows names such as 表示 or 出席, a time word, a digit), and a given
  name never ends in a function character (``王明在``, ``李华和``);
* any other name (``那日图``, ``博卡里亚尔特``, ``安娜·罗西``) is a run of characters closed by
  such a boundary; outside a foreign context it must be made of the characters common in
  transliterations (``lexicons/ner_persons.tsv``) and be two to four characters long;
* a reading that the segmenter takes for an ordinary word (``全票``, ``发言``, ``亲自``) is
  no name.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.extract import segment
from kg.knowledge import lexicon

__all__ = ["NameSpan", "name_after", "names_after", "name_before", "is_plausible_name"]

_CJK = re.compile(r"[\u4e00-\u9fff]")
# the dot of a transliterated name; a hyphen joins double names (迪亚斯-卡内尔): grammar of the algorithm, not a lexicon
_DOTS = "·•・．-－—"
# characters that end a name run outright (punctuation, digits): grammar of the algorithm, not a lexicon
_HARD_STOP = set("，。；：！？、“”‘’（）《》「」【】()[]<>\"' \t\n,.;:!?") | set("0123456789０１２３４５６７８９")
_REGNAL = re.compile(r"[一二三四五六七八九十]{1,3}世")
# particles no personal name holds (function characters): grammar of the algorithm, not a lexicon
_NEVER_IN_NAME = frozenset("了的着过们吗呢这")
# words that end a body's name: what stands right before them is no personal name
_BODY_AFTER = re.compile("|".join(map(re.escape, lexicon.words_in_file_order("name_context.tsv")["body_after_name"])))
# a kin of the person just named (总统A之子B): the name ends before it
_KIN = re.compile(r"之(?:子|女|妻|夫|母|父|孙|兄|弟|姐|妹)")
# what follows 都 as an adverb (纽兰都曾…), not as a syllable (阿不都热依木); function characters: grammar of the algorithm, not a lexicon
_ADVERB_AFTER_DOU = frozenset("曾是已在要将会有不没表认")
# verbs of travel that open a clause after a title, never a name (外长访俄, 总统抵京); single characters: grammar of the algorithm, not a lexicon
_NEVER_OPENS_NAME = frozenset("访抵赴时")
# function words that end a transliterated or minority name (narrower than for Han names:
# 阿不都热依木 holds 都, 买买提 has no surname): grammar of the algorithm, not a lexicon
_OTHER_STOP = frozenset("的了在和与及是对向为等说将被把从到给也还就又再致受向时遭应地得亦以们称则本于已后获率因或曾用自做作同未很")
# tags of dictionary words that are no names at any frequency: place words, attributes, idioms
# (殿下 is tagged s, 非正式 b, 前不久 i): grammar of the algorithm, not a lexicon
_NO_NAME_WORD_TAGS = ("s", "b", "i", "l")
# surnames ranked above this (of the 500 or so in lexicons/surnames.txt, by frequency) are common ones
_COMMON_SURNAMES = 300
# part-of-speech tags of ordinary words that a name never is (jieba's tag set): grammar of the algorithm, not a lexicon
_NOT_NAME_TAGS = ("v", "d", "a", "r", "p", "c", "u", "m", "q", "t", "f", "vn", "ad", "an", "vd", "z", "y", "e", "o")


@dataclass(frozen=True)
class NameSpan:
    """A personal name found at ``[start, end)`` of a sentence."""

    start: int
    end: int
    text: str
    foreign: bool  # read as a transliterated or minority name rather than surname + given name


@lru_cache(maxsize=1)
def _context() -> dict[str, tuple[str, ...]]:
    return lexicon.name_context()


@lru_cache(maxsize=1)
def _follow_words() -> tuple[str, ...]:
    ctx = _context()
    words = set(ctx.get("follows_name", ())) | set(ctx.get("time_word", ()))
    return tuple(sorted(words, key=lambda w: (-len(w), w)))


@lru_cache(maxsize=1)
def _not_name_end() -> frozenset[str]:
    return frozenset("".join(_context().get("not_name_end", ())))


@lru_cache(maxsize=1)
def _translit() -> frozenset[str]:
    return lexicon.transliteration_chars()


@lru_cache(maxsize=1)
def _surname_rank() -> dict[str, int]:
    return {s: i for i, s in enumerate(lexicon.surnames_by_rank())}


@lru_cache(maxsize=1)
def _surname_set() -> frozenset[str]:
    return frozenset(_surname_rank())


@lru_cache(maxsize=1)
def _titles() -> tuple[str, ...]:
    return lexicon.titles()


@lru_cache(maxsize=1)
def _titles_by_first() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for t in _titles():
        out.setdefault(t[0], []).append(t)
    return {k: tuple(v) for k, v in out.items()}


def _title_at(text: str, i: int) -> bool:
    return i < len(text) and any(text.startswith(t, i) for t in _titles_by_first().get(text[i], ()))


@lru_cache(maxsize=1)
def _long_follow_words() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    for w in _follow_words():
        if len(w) > 1:
            out.setdefault(w[0], []).append(w)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _short_follow_words() -> frozenset[str]:
    return frozenset(w for w in _follow_words() if len(w) == 1)


def boundary(text: str, i: int) -> float:
    """How clearly a name may end at ``i``: 3 for punctuation, a digit, the end of the
    sentence, a title, a following or time word; 2 for a one-character function word
    (在, 和, 对 …); 1.5 where a common word begins (王明|通报); 0 for anything else."""
    if i >= len(text) or text[i] in _HARD_STOP or text[i] in _DOTS:
        return 3
    if _title_at(text, i) or any(text.startswith(w, i) for w in _long_follow_words().get(text[i], ())):
        return 3
    if text[i] in _not_name_end() or text[i] in _short_follow_words():
        return 2
    if _word_starts(text, i):
        return 1.5  # below a function word: 王近平|等 beats 王近|平等
    return 0


def _han_name_shaped(word: str) -> bool:
    """付强, 严颖, 王佑民: two or three characters opened by a common surname, which a rare dictionary
    word of the same characters does not make any less a name."""
    return len(word) in (2, 3) and _surname_rank().get(word[0], 10 ** 6) < _COMMON_SURNAMES


def _is_ordinary_word(word: str) -> bool:
    """全票, 发言, 主体作用: words the dictionary knows as something other than a name."""
    tag = segment.tagger().word_tag_tab.get(word)
    if tag is None or tag.startswith("nr"):
        return False
    freq = segment.tokenizer().FREQ.get(word, 0)
    if freq >= 1000:
        return True  # 普通, 中国: far too common a word to be a name, whatever its tag
    if len(word) >= 4 and freq > 0 and tag not in ("ns", "nz", "j"):
        return True  # four-character dictionary entries are idioms and terms, not names
    if freq > 0 and (tag.startswith("v") or tag in _NOT_NAME_TAGS or tag in _NO_NAME_WORD_TAGS) and \
            not all(c in _translit() for c in word) and not _han_name_shaped(word):
        return True  # 颁授, 调兵, 殿下, 非正式: a rare word of the dictionary, but a verb, a place word or an
        # attribute, and not made of transliteration syllables (a rare noun may be a name: 卡马)
    return freq >= 10 and (tag in _NOT_NAME_TAGS or tag == "n" or tag.startswith("v"))


# words of bodies that no personal name holds (name_context.tsv)
_BODY_WORDS = lexicon.words_in_file_order("name_context.tsv")["body_in_no_name"]


def _idiom(word: str) -> bool:
    """欢欣鼓舞: a four-character idiom of the dictionary."""
    return len(word) == 4 and segment.tagger().word_tag_tab.get(word, "") in ("i", "l")


def _very_common_word(word: str) -> bool:
    """问题, 我们, 发展: a two-character word so common that no name holds it."""
    tag = segment.tagger().word_tag_tab.get(word, "")
    return segment.tokenizer().FREQ.get(word, 0) >= 20000 and not tag.startswith("nr") and tag != "ns"


def _opens_with_common_word(word: str) -> bool:
    """名单草案, 警告西方: a reading of three or more characters that opens with a common word of
    two characters (a noun or a verb), not with a surname and a given name."""
    tokens = segment.tags(word)
    freq = segment.tokenizer().FREQ
    if len(word) < 3 or len(tokens) < 2 or len(tokens[0].word) < 2 or \
            tokens[0].flag.startswith("nr") and freq.get(tokens[0].word, 0) < 5000:  # (明白 is tagged nr)
        return False
    rest = word[len(tokens[0].word):]
    # the rest must be a word too (乌云其木格 opens with 乌云 but goes on in syllables of a name), unless
    # the common word is made of no syllables of transliteration (官邸克里姆林宫)
    first, known = tokens[0].word, freq.get(tokens[0].word, 0)
    no_syllables = not any(c in _translit() for c in first)
    return (tokens[0].flag[:1] in ("n", "v", "a") and tokens[0].flag not in ("nz", "ns", "nt", "nrt")) and \
        (known >= 500 and (freq.get(rest, 0) > 0 or no_syllables) or known >= 50 and no_syllables and tokens[0].flag == "n")


def _starts_with_function_word(word: str) -> bool:
    """亲自领导, 已经宣布, 向大家: the reading opens with an adverb, verb or other function
    word of two or more characters, or with a one-character preposition or particle
    followed by a common word."""
    tokens = segment.tags(word)
    if len(tokens) <= 1 or tokens[0].flag.startswith("nr"):
        return False
    first, freq = tokens[0], segment.tokenizer().FREQ
    if len(first.word) > 1:
        return first.flag in ("d", "v", "vn", "p", "c", "u", "a", "ad", "m", "t") and freq.get(first.word, 0) >= 50
    if first.flag == "v" and freq.get(first.word, 0) >= 50000:
        return freq.get(word[1:], 0) >= 300  # 要带头, 会见面: an auxiliary verb and a verb, not a name
    if first.flag in ("p", "c", "u", "d") and tokens[1].flag in ("p", "c", "d") and len(tokens[1].word) == 1 and \
            not _han_name_shaped(word):
        return True  # 并将任…: a conjunction and an adverb, two function words in a row, open no name
        # (but 于又新: the surname 于, a Han name of three characters)
    return first.flag in ("p", "c", "u", "d") and freq.get(word[1:], 0) >= 1000


@lru_cache(maxsize=8192)
def is_plausible_name(word: str) -> bool:
    """Whether ``word`` can be a personal name at all (its form, not its context)."""
    core = word.replace("·", "")
    if len(core) < 2 or not all(_CJK.match(c) or c in _DOTS for c in word):
        return False
    if any(_very_common_word(core[i:i + 2]) for i in range(len(core) - 1)):
        return False  # 叙问题: 问题 is in no name
    if any(w in core for w in _BODY_WORDS) or any(_idiom(core[i:i + 4]) for i in range(len(core) - 3)):
        return False  # 原党委 (书记), 令人欢欣鼓舞: a body or an idiom is in no name
    return not _is_ordinary_word(core) and not _starts_with_function_word(core) and not _opens_with_common_word(core)


def _rare_surname_function_word(ch: str) -> bool:
    """都, 从, 和: a rare surname that is far more often an adverb, preposition, conjunction or
    direction word; a name it opens must be closed by a clear boundary."""
    tag = segment.tagger().word_tag_tab.get(ch, "")
    return 200 < _surname_rank().get(ch, 0) and tag[:1] in ("d", "p", "c", "f") and \
        segment.tokenizer().FREQ.get(ch, 0) >= 50000


def _han_readings(text: str, pos: int) -> list[tuple[int, float]]:
    """(end, score) of the surname + given-name readings starting at ``pos``."""
    out = []
    for surname in (text[pos:pos + 2], text[pos]):
        if surname not in _surname_rank():
            continue
        for given in (1, 2, 3):
            end = pos + len(surname) + given
            if end > len(text) or not all(_CJK.match(c) for c in text[pos:end]):
                break
            if text[end - 1] in _not_name_end() and not (given == 2 and _he_ends_name(text, end)):
                continue  # 王明在, 李华和: no given name ends so (but 李向东 may)
            score = boundary(text, end)
            if given == 3:
                # four-character names (山本健次) only where nothing shorter reads (王明应询, 蔡明围绕: 王明, 蔡明)
                score = score - 1.6 if score == 3 else 0
            out.append((end, score))
    return out


def _he_ends_name(text: str, end: int) -> bool:
    """魏凤和作了说明: a given name may end in 和 where a verb or punctuation follows it, as a
    conjunction never is (王明和李华)."""
    if text[end - 1] != "和":
        return False
    if end >= len(text) or text[end] in "，。；：！？、":
        return end < len(text)  # (and not at the very end of a clipped reading)
    following = segment.tags(text[end:end + 4])
    return bool(following) and following[0].flag.startswith("v")


def _word_starts(text: str, i: int) -> bool:
    """A common two-character word starts at ``i`` and none straddles ``i`` (王明|通报…, 李华|履职…:
    the name ends where an ordinary word begins)."""
    freq, word = segment.tokenizer().FREQ, text[i:i + 2]
    common = freq.get(word, 0) >= 200 or segment.tagger().word_tag_tab.get(word, "").startswith("v") and freq.get(word, 0) >= 20
    return i > 0 and common and not freq.get(text[i - 1:i + 1], 0)


def _one_unknown_word(run: str) -> bool:
    """乌云其木格 reads as unknown syllables; 王近平乘专机 as a name the segmenter knows, then words."""
    tokens = segment.tags(run)
    # a verb the dictionary knows (接访, 乘专机) is a clause; a verb jieba only guesses (祈耀 of 祈耀明) is
    # syllables of a name
    freq = segment.tokenizer().FREQ
    if len(tokens) >= 2 and len(tokens[0].word) == 1 and (
            tokens[0].flag in ("f", "p", "c") or tokens[0].flag == "v" and (
                tokens[1].flag == "n" and freq.get(tokens[1].word, 0) >= 300 or freq.get(tokens[0].word, 0) >= 10000)):
        return False  # 下麦田, 访农户, 看苗情: a direction or a verb, then its object
    if any(len(t.word) > 1 and freq.get(t.word, 0) >= 500 and not t.flag.startswith(("nr", "ns", "nz"))
           for t in tokens):
        return False  # 人选名单后: common words of the dictionary, not syllables of a name
    if tokens[0].flag.startswith("nr") and len(tokens[0].word) >= 2 and tokens[0].word[0] in _surname_set() and \
            len(tokens) >= 2 and tokens[1].flag.startswith("v") and len(tokens[1].word) >= 2:
        return False  # 王明监誓: a Han name the segmenter knows, then a verb it only guesses
    return not any(t.flag[:1] in ("v", "p") and (len(run) > 4 or len(t.word) > 1 and freq.get(t.word, 0) > 0)
                   for t in tokens) and \
        not (tokens[0].flag.startswith("nr") and 3 <= len(tokens[0].word) < len(run)
             and not all(t.flag.startswith("nr") for t in tokens[1:]))


def _follows_at(text: str, i: int) -> bool:
    return any(text.startswith(w, i) for w in _follow_words() if len(w) > 1)


def _word_at(text: str, i: int) -> bool:
    """A two-character dictionary word starts at ``i`` (会面, 当天, 到访)."""
    return segment.tokenizer().FREQ.get(text[i:i + 2], 0) >= 20


def _dot_at(text: str, i: int) -> bool:
    """A dot joining two parts of a name stands at ``i`` (a Chinese character follows it)."""
    return i + 1 < len(text) and text[i] in _DOTS and bool(_CJK.match(text[i + 1]))


def _word_inside_run(text: str, pos: int, end: int) -> int:
    """Where the segmenter, cutting the whole sentence, sees a common word begin inside the run
    ``[pos, end)`` (``end`` if nowhere): 纳塔尼|多次声称, 西萨莫|登基20周年, 新|任期有. Syllables of a
    transliteration are rare words or none; a word of a thousand uses (多次, 登基, 任期) is the
    sentence going on after the name, whatever tag the dictionary gives it (登基 is tagged nrt),
    unless it is a given name (岸田文明: 文明 is tagged nr) or a place (阿里)."""
    cuts = sorted(b for b in segment.boundaries(text) if pos < b)
    freq, tag = segment.tokenizer().FREQ, segment.tagger().word_tag_tab
    for j, k in zip(cuts, cuts[1:]):
        if j >= end:
            break
        word = text[j:k]
        if k - j >= 2 and freq.get(word, 0) >= 1000 and tag.get(word, "") not in ("nr", "nrfg", "ns"):
            return j
    return end


# tags of one-character words that open a clause after a name: verbs, adverbs, conjunctions,
# prepositions, direction and time words (赴, 祝, 愿, 再, 共, 所, 前, 当; not pronouns: 吾 is a syllable):
# grammar of the algorithm, not a lexicon
_CLAUSE_OPENING_TAGS = ("v", "vn", "d", "c", "p", "f", "t")


def _clause_after_syllables(text: str, pos: int, end: int) -> int:
    """Where a run of transliteration syllables (``lexicons/ner_persons.tsv``) gives way to a word
    of the sentence (``end`` if it does not): 萨米诺|遇袭, 波里斯科夫|赴机场, 卡米诺|共进晚餐, 达尼洛夫|愿与….
    The first character after two or more syllables that is no syllable itself and, standing alone,
    is a verb, an adverb or another function word opens the clause, where no syllable follows it in
    the run (卡洛先科, 塞瓦略夫: 先 and 略 are rarer syllables), the sentence goes on after the run
    (卡尼都、 in a list) and it makes no word with the syllable before it (塞米扬|提交 is cut elsewhere). A name
    that goes on in other characters (山田一雄, 中村早苗: not syllables from the start) is left whole."""
    tag, freq = segment.tagger().word_tag_tab, segment.tokenizer().FREQ
    syllables = _translit()
    j = pos
    while j < end and text[j] in syllables:
        j += 1
    if j - pos < 2 or j >= end:
        return end
    ch = text[j]
    if any(c in syllables for c in text[j:end]) or end >= len(text) or text[end] in _HARD_STOP:
        return end  # 卡洛先科, 塞瓦略夫: syllables go on after it; 卡尼都、: nothing follows it
    if freq.get(text[j - 1:j + 1], 0) > 0:
        return end  # 塞米扬|提交: the character belongs to a word begun inside the run
    if end - j == 1 and text[end] in _not_name_end() and freq.get(ch, 0) < 5000:
        return end  # 伯纳垂在…: a name is what stands before 在; a rarer verb there is a syllable
    if tag.get(ch, "") in _CLAUSE_OPENING_TAGS and freq.get(ch, 0) >= 500:
        return j
    if end - j == 1 and freq.get(ch, 0) >= 10000 and freq.get(text[end:end + 2], 0) >= 1000:
        return j  # 萨米诺原计划…: a very common character before a common word opens the clause (原计划)
    return end


def _verb_ends_last_part(text: str, pos: int, end: int) -> bool:
    """The last part of a dotted name ends in a verb of the dictionary that is not made of
    transliteration syllables (…·科瓦尔留任: 留任), with two or more characters of the part before it."""
    last = text[max(text.rfind(d, pos, end) for d in _DOTS) + 1:end]
    verb = text[end - 2:end]
    freq, tag = segment.tokenizer().FREQ, segment.tagger().word_tag_tab
    return len(last) >= 4 and tag.get(verb, "").startswith("v") and freq.get(verb, 0) >= 20 and \
        not all(c in _translit() for c in verb)


def _other_reading(text: str, pos: int, foreign: bool, max_len: int = 16) -> int | None:
    """End of a name without a Han surname: a run closed by a boundary, parts joined by ·."""
    i, part, total, dotted = pos, 0, 0, False
    while i < len(text):
        ch = text[i]
        if ch in _DOTS and part >= 1 and i + 1 < len(text) and _CJK.match(text[i + 1]):
            i, part, dotted = i + 1, 0, True
            continue
        if not _CJK.match(ch):
            break
        if ch == "第" and part >= 1 and re.match(r"[\d０-９一二三四五六七八九十百]", text[i + 1:i + 2]):
            break  # 理事会第162次会议: 第 opens an ordinal number, the run ends before it
        regnal = _REGNAL.match(text, i) if part >= 1 else None
        if regnal and _dot_at(text, regnal.end()):
            i, part, dotted = regnal.end() + 1, 0, True  # 卡尔十六世·古斯塔夫: the regnal number inside a dotted name
            total += regnal.end() - regnal.start()
            continue
        if ch in _OTHER_STOP and part >= 1 and _dot_at(text, i + 1):
            i, part, total = i + 1, part + 1, total + 1  # 侯赛因·阿克巴里: a syllable before the dot, not 因 (because)
            continue
        if part >= 1 and boundary(text, i) == 3 and not (ch in _translit() and _follows_at(text, i + 1)):
            break  # (but 买买提出席 ends before 出席, not before 提出)
        if part >= 1 and dotted and ch in _OTHER_STOP and boundary(text, i) >= 2:
            break  # 菲勒蒙·扬在会上: a part after the dot may be one character, and 在 follows the name
        if part >= 2 and (ch in _OTHER_STOP or ((foreign or dotted) and ch not in _translit() and _word_at(text, i))
                          or ch == "都" and text[i + 1:i + 2] in _ADVERB_AFTER_DOU):
            break  # 萨尔维与…, 维克托会面, 伯恩哈德·鲁西喜欢: a function word or an ordinary word after the name
        i, part, total = i + 1, part + 1, total + 1
        if total > max_len:
            return None
    if total < 2 or part < 1:
        return None
    if not dotted:
        cut = _word_inside_run(text, pos, i)
        if cut - pos < 2:
            return None  # 新任期有: common words from the start, no syllables of a name
        total -= i - cut
        i = cut  # 纳塔尼多次声称, 西萨莫登基: the name ends where a word of the sentence begins
    if dotted and _verb_ends_last_part(text, pos, i):
        i, total = i - 2, total - 2  # 某国防长安德烈·科瓦尔留任。: the verb after the name is no part of it
    if not dotted:
        cut = _clause_after_syllables(text, pos, i)
        total -= i - cut
        i = cut  # 某国总理米洛遇袭受伤, 总理卡多赴机场, 总统萨里祝…: the name ends where its syllables do
    if foreign and not dotted and total >= 4 and _is_ordinary_word(text[i - 2:i]) and \
            not all(c in _translit() for c in text[i - 2:i]):
        i, total = i - 2, total - 2  # 金在民热情欢迎: the word after the name is no part of it
    regnal = _REGNAL.match(text, i)
    if regnal and foreign:
        i = regnal.end()  # 费利佩六世, 查尔斯三世: the regnal number is part of the name
    if not foreign and not dotted and boundary(text, i) < 2:
        return None
    return i


def name_after(text: str, pos: int, foreign: bool = False) -> NameSpan | None:
    """The personal name starting at ``pos`` (after a title), or None.

    ``foreign`` says the title belongs to a foreign state or body, where names are
    transliterations of any length rather than surname + given name."""
    if pos >= len(text) or not _CJK.match(text[pos]) or text[pos] in _not_name_end() - _surname_set() or \
            text[pos] in _NEVER_OPENS_NAME or \
            any(text.startswith(w, pos) for w in _long_follow_words().get(text[pos], ())) or \
            text[pos] in _short_follow_words() - _surname_set() or \
            any(len(t) > 1 and text.startswith(t, pos) for t in _titles_by_first().get(text[pos], ())):
        return None  # 的到来, 在会上, 称西方: a name never opens with a function or following word (曾, 于 are surnames)
    readings = [(end, score) for end, score in _han_readings(text, pos) if score >= 1.5]
    other = _other_reading(text, pos, foreign)
    kin = _KIN.search(text, pos, other) if other is not None else None
    if kin is not None:
        other = kin.start() if kin.start() - pos >= 2 else None  # 鲍登之子亨特·鲍登: 鲍登, then his son
    if other is not None and any(c in _DOTS for c in text[pos:other]) and other - pos >= 4:
        readings = [(other, 4)]  # 安娜·罗西: the dot joins the parts whatever the first one looks like
    elif other is not None:
        run = text[pos:other].replace("·", "")
        translit = all(c in _translit() for c in run)
        if foreign or (translit and len(run) <= 6):
            # a transliteration read whole beats a short Han reading inside it (梅洛尼, not 梅洛)
            readings.append((other, 3))
        elif not readings and (3 <= len(run) <= 4 or len(run) <= 6 and boundary(text, other) == 3) \
                and _one_unknown_word(run):
            readings.append((other, 2))  # 白玛次仁, 中村一郎, 乌云其木格: only where no Han reading reads
    han_ends = {end for end, _ in _han_readings(text, pos)}
    for end, score in sorted(readings, key=lambda r: (-r[1], -(r[0] - pos))):
        word = text[pos:end]
        if any(c in _NEVER_IN_NAME for c in word):
            continue  # 通了电话: a particle stands in no name
        if text[pos] in "和与同及" and _title_at(text, end):
            continue  # 国家主席和B总书记: 和 joins two people whose titles follow their names, and opens no name
        if _BODY_AFTER.match(text, end):
            continue  # 交通运输部长江航务管理局: 部长 is read inside 交通运输部 + 长江…管理局, and no name follows
        if end not in han_ends and word[-1] in "会组局部署院处厅办委":
            continue  # 联组会, 新闻局: a meeting, a group or a body, not a transliterated name
        if text[pos] in _not_name_end() and (len(word) > 3 or segment.tokenizer().FREQ.get(word[1:], 0) >= 100
                                             or _surname_rank().get(word[1], 999) < 60):
            continue  # 和经济界, 应李华: a surname that is also a function word opens only a short, unusual name
        if _rare_surname_function_word(text[pos]) and (end not in han_ends or boundary(text, end) < 3):
            continue  # 总书记都对当地…: 都 is a rare surname and a very common adverb
        if is_plausible_name(word):
            return NameSpan(pos, end, word, end == other and end not in han_ends)
    return None


def names_after(text: str, pos: int, foreign: bool = False) -> list[NameSpan]:
    """A name at ``pos`` and the names listed after it with 、 (副主席王明、李华、张华):
    the list stops at the first item that is not a bare name."""
    first = name_after(text, pos, foreign)
    if first is None:
        return []
    out = [first]
    while out[-1].end < len(text) and text[out[-1].end] == "、":
        nxt = name_after(text, out[-1].end + 1, foreign)
        if nxt is None:
            break
        after = nxt.end
        if after < len(text) and _title_at(text, after) or \
                any(_title_at(text, k) for k in range(nxt.start + 1, min(after + 2, len(text)))):
            break  # 王明、李华主任: the next item carries its own title (…、农委主任委员B: a body and a title)
        if boundary(text, after) < 2:
            break  # 会长A、日中经济协会…: the next item runs on into other words
        out.append(nxt)
    return out


def name_before(text: str, end: int, left_ok) -> NameSpan | None:
    """The personal name ending at ``end`` (before a title printed after it: 王明委员).

    ``left_ok(i)`` says whether a name may start at ``i`` (after punctuation, at the start
    of the sentence, after a verb such as 会见); the longest plausible reading wins."""
    for start in range(max(0, end - 6), end - 1):
        word = text[start:end]
        if not left_ok(start) or not all(_CJK.match(c) or c in _DOTS for c in word):
            continue
        if word[-1] in _not_name_end():
            return None
        if word[0] in _not_name_end() and end - start > 2:
            continue  # 和李华总理: 和 joins, the name is 李华
        core = word.replace("·", "")
        if word[0] in _DOTS or word[-1] in _DOTS:
            continue
        han = any(word.startswith(s) and 1 <= len(core) - len(s) <= 2 for s in (word[:2], word[:1])
                  if s in _surname_rank())
        other = all(c in _translit() for c in core) and 2 <= len(core) <= 6 or "·" in word
        if (han or other) and is_plausible_name(word):
            return NameSpan(start, end, word, not han)
    return None
