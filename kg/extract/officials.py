"""Officials: a person's name with the chain of offices printed before it.

``全国总工会党组书记、副主席、书记处第一书记王明`` is one chain of three
segments joined by 、; each segment is ``[organisation] title`` and a segment
without an organisation shares the one before it. Each segment becomes one
post (title at organisation). Persons without office (reporters in bylines,
``刘女士``) are kept as persons and never as officials.
"""
from __future__ import annotations

import re
from functools import lru_cache

from kg import lexicon, segment
from kg.extract.base import ArticleFindings, Link, Mention

_CHAIN_STOP = set("，。；：！？“”‘’（）《》「」【】 \t\n,.;:!?()")
_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_TITLED_PERSON = re.compile(r"(?P<name>[\u4e00-\u9fff])(?P<title>女士|先生|师傅)")


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, lexicon.titles())))


def _surname_at(text: str, pos: int) -> str | None:
    return next((s for s in lexicon.surnames() if text.startswith(s, pos)), None)


def _name_follows(text: str, i: int) -> bool:
    if i >= len(text) or text[i] in _CHAIN_STOP or text[i] == "、":
        return True
    return any(text.startswith(w, i) for w in lexicon.name_context()["follows_name"])


def read_name(text: str, pos: int) -> str | None:
    """The personal name starting at ``pos``, or None when none stands there."""
    surname = _surname_at(text, pos)
    if surname is None:
        return _read_other_name(text, pos)
    return _read_han_name(text, pos, surname) or _read_other_name(text, pos)


def _read_han_name(text: str, pos: int, surname: str) -> str | None:
    if any(text.startswith(w, pos) for w in lexicon.name_context()["not_a_name"]):
        return None
    short, long_ = pos + len(surname) + 1, pos + len(surname) + 2
    followers = lexicon.name_context()["follows_name"]
    if any(len(w) > 1 and text.startswith(w, short) for w in followers) or \
            (short < len(text) and text[short] in lexicon.name_context()["ends_name"]) or \
            (short + 1 < len(text) and text[short] in _FUNCTION_AFTER_NAME and not _name_follows(text, short + 1)):
        end = short
    elif _name_follows(text, long_) and long_ <= len(text):
        end = long_
    elif _name_follows(text, short):
        end = short
    else:
        first = next(iter(segment.tokenizer().cut(text[pos:pos + 6])), "")
        if len(first) not in (short - pos, long_ - pos):
            return None
        end = pos + len(first)
    name = text[pos:end]
    if not _CJK.match(name) or len(name) < 2 or _is_common_word(name):
        return None
    return name


# one-character words that often follow a name (周敏对《要点》作了说明); read as the end of a
# two-character name unless what comes after them itself ends a name
_FUNCTION_AFTER_NAME = frozenset("对在向为与就也还被于将")
_SPEECH = ("表示", "介绍", "指出", "强调", "说", "一同", "一起", "带队", "出席", "作报告", "讲话", "主持")


def _read_other_name(text: str, pos: int) -> str | None:
    """A name without a Han surname (那日苏, 次仁旺堆): two to four characters after the
    title, read only when a reporting verb or a comma closes it."""
    for end in range(pos + 2, min(pos + 4, len(text)) + 1):
        name = text[pos:end]
        if not _CJK.match(name) or any(ch in "的了是在和与及等为会各要将" for ch in name):
            return None
        closed = end == len(text) or text[end] in "，、" or any(text.startswith(w, end) for w in _SPEECH)
        if closed and not _is_common_word(name):
            return name
    return None


def _is_common_word(word: str) -> bool:
    """关于, 成长: words the dictionary knows as something other than a name."""
    tag = segment.tagger().word_tag_tab.get(word)
    return tag is not None and not tag.startswith("nr") and segment.tokenizer().FREQ.get(word, 0) > 50


def _strip_lead(text: str, start: int, end: int) -> int:
    """Skip function words (受, 由, 时任 …) that open a chain but belong to no organisation."""
    changed = True
    while changed:
        changed = False
        for w in lexicon.name_context()["lead_word"]:
            if text.startswith(w, start) and start + len(w) < end:
                start += len(w)
                changed = True
                break
    return start


def _title_suffix(text: str, start: int, end: int) -> str | None:
    return next((t for t in lexicon.titles() if end - start >= len(t) and text.endswith(t, start, end)), None)


def _best_title(text: str, start: int, end: int, org_ends: set[int]) -> str:
    """The title ending the segment: the longest one whose organisation part is
    a known organisation (中央书记处 + 书记, not 中央 + 书记处书记), else the longest."""
    fits = [t for t in lexicon.titles() if end - start >= len(t) and text.endswith(t, start, end)]
    for t in fits:
        org_end = end - len(t)
        if org_end == _strip_lead(text, start, org_end) == start or org_end in org_ends:
            return t
    return fits[0]


class OfficialExtractor:
    kind = "official"
    after = ("organization", "place")

    def extract(self, article, found: ArticleFindings):
        for s in article.sentences:
            yield from self._persons(s)
            places = found.of_kind("place", sentence=s.index)
            for tm in _title_pattern().finditer(s.text):
                if any(p.start < tm.end() and tm.start() < p.end for p in places):
                    continue  # 石家庄市长安区: the "title" is inside place names
                name = read_name(s.text, tm.end())
                if name is None:
                    continue
                posts = self._chain(s, found, tm.end())
                if not posts:
                    continue
                a = tm.end()
                if tm.group() in lexicon.worker_titles():
                    # a team leader or foreman: a worker with a position, not an official
                    yield Mention("person", name, s.index, tm.end(), tm.end() + len(name), {"role": tm.group()})
                    continue
                person = Mention("official", name, s.index, a, a + len(name), {})
                yield person
                for title, org in posts:
                    if org.id < 0:
                        yield org
                    yield Link("holds-post", person.id, org.id, s.index, {"title": title})

    def _chain(self, s, found: ArticleFindings, end: int) -> list[tuple[str, Mention]]:
        """Posts of the title chain that ends at ``end``, left to right."""
        text = s.text
        segments = []  # (start, end) of each 、-separated segment, right to left
        seg_end = end
        while True:
            seg_start = seg_end
            while seg_start > 0 and text[seg_start - 1] not in _CHAIN_STOP and text[seg_start - 1] != "、":
                seg_start -= 1
            if _title_suffix(text, seg_start, seg_end) is None:
                break
            segments.append((seg_start, seg_end))
            if seg_start > 0 and text[seg_start - 1] == "、":
                seg_end = seg_start - 1
                continue
            break
        posts: list[tuple[str, Mention]] = []
        org = None
        ends = {m.end for m in found.of_kind("union", "organization", sentence=s.index)}
        for seg_start, seg_end in reversed(segments):
            title = _best_title(text, seg_start, seg_end, ends)
            org_end = seg_end - len(title)
            org_start = _strip_lead(text, seg_start, org_end)
            if org_start < org_end:
                org = self._organization(s, found, org_start, org_end, title)
            elif title in lexicon.government_heads():
                org = Mention("organization", "", s.index, seg_start, seg_end,
                              {"template": "{place}人民政府", "place": title[-2] if title[-2] in "省市区县州旗" else title[0]})
            if org is None:
                continue  # a bare title with nothing before it: no post
            posts.append((title, org))
        return posts

    def _organization(self, s, found: ArticleFindings, start: int, end: int, title: str) -> Mention | None:
        text = s.text
        candidates = [m for m in found.of_kind("union", "organization", sentence=s.index)
                      if m.end == end and m.start >= start]
        places = [m for m in found.of_kind("place", sentence=s.index) if m.start == start and m.end == end]
        org_text = text[start:end]
        places_printed = {p.surface for p in places}
        if places or org_text in ("省", "市", "区", "县", "自治区", "自治州", "州", "旗"):
            if title in lexicon.government_heads() or title.endswith("主席") or title.endswith("长"):
                return Mention("organization", org_text if org_text in places_printed else "", s.index,
                               start, end + len(title),
                               {"template": "{place}人民政府", "place": org_text})
        if candidates:
            return min(candidates, key=lambda m: m.start)
        if end - start < 2 or end - start > 40 or not _CJK.match(org_text):
            return None
        return Mention("organization", org_text, s.index, start, end, {"template": org_text, "place": None})

    def _persons(self, s):
        """刘女士, 王先生: people named by surname only; never officials."""
        for m in _TITLED_PERSON.finditer(s.text):
            if _surname_at(m.group("name"), 0):
                yield Mention("person", m.group(), s.index, m.start(), m.end(), {"role": None})


EXTRACTOR = OfficialExtractor()
