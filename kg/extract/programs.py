"""Programs: named services, brands, platforms, campaigns and projects.

National programs come from ``lexicons/programs.tsv`` under all their
printed forms. New ones are found by pattern, not by list: a quoted name
with a program word (“流动暖新”服务, “…”三年行动), a quoted name that ends in
one (“农民工素质和技能提升站”), a platform a union runs (北京市总工会…平台)
and an action someone launches (开展…三年行动).

Operators are the union bodies of the same sentence (not those that only
name a person's employer); places are the places of that sentence.
"""
from __future__ import annotations

import re

from kg import lexicon
from kg.extract.base import ArticleFindings, Link, Mention

_CJK = r"[\u4e00-\u9fff\dA-Za-z+]"
# the word that makes a name a program, and whether it stays in the name
_KEEP = "三年行动|专项行动|行动计划|行动|工程|计划|活动|项目|工作机制|机制|体系|工作法|平台|热线"
_DROP = "品牌|服务"
_BOUNDARY = r"(?=$|[，。、；：！？）”\s]|建设|等|是|的|和|与|及|中|，)"
_QUOTED_WITH_WORD = re.compile(
    rf"(?P<quotes>(?:“[^“”]{{1,30}}”)+)(?P<tail>{_CJK}{{0,10}}?)(?P<word>{_KEEP}|{_DROP}){_BOUNDARY}")
_QUOTED_ENDING = re.compile(r"“(?P<name>[^“”]{2,30}?(?:站|平台|热线|之家|工程|行动|计划|品牌|项目|中心))”")
_QUOTED_IS = re.compile(r"“(?P<name>[^“”]{2,20})”是[^。；]{0,60}?的[^。；，]{0,30}?(?:品牌|行动|工程|项目|平台|服务)")
_LAUNCH_VERB = re.compile("开展|实施|启动|推进|深化|发起|推出|搭建|打造|建设|建立|上线|开通|组建|协同|联合")
_LAUNCH = re.compile(
    rf"(?:开展|实施|启动|推进|深化|发起|推出|搭建|打造|建设|建立|上线|开通)了?"
    rf"(?P<name>{_CJK}{{2,22}}?(?:三年行动|专项行动|行动计划|行动|工程|计划|平台|热线))"
    rf"(?=$|[，。、；：！？）”\s]|的|和|等)")
_NOT_A_NAME_START = ("本", "该", "此", "这", "各", "上述", "有关", "相关", "一批", "一系列")


class ProgramExtractor:
    kind = "program"
    after = ("organization", "place", "official", "policy")

    def extract(self, article, found: ArticleFindings):
        for s in article.sentences:
            mentions = self._find(s, found)
            post_orgs = {link.target for link in found.links if link.kind == "holds-post" and link.sentence == s.index}
            unions = [u for u in found.of_kind("union", sentence=s.index) if u.id not in post_orgs]
            places = [p for p in found.of_kind("place", sentence=s.index)
                      if not found.covered(s.index, p.start, p.end, "organization")
                      and not any(u.start <= p.start and p.end <= u.end and u.id in post_orgs
                                  for u in found.of_kind("union", sentence=s.index))]
            for m in mentions:
                yield m
                if m.attrs.get("generic"):
                    continue
                for u in unions:
                    yield Link("operated-by", m.id, u.id, s.index, {})
                for p in places:
                    yield Link("active-in", m.id, p.id, s.index, {})

    def _find(self, s, found: ArticleFindings) -> list[Mention]:
        text = s.text
        out: list[Mention] = []

        def add(name: str, a: int, b: int, **attrs) -> None:
            name = name.replace("“", "").replace("”", "")
            if len(name) < 2 or name.startswith(_NOT_A_NAME_START) or "的" in name:
                return
            if any(m.start < b and a < m.end for m in out):
                return
            if found.covered(s.index, a, b, "policy"):
                return
            out.append(Mention("program", name, s.index, a, b, attrs))

        for canonical, pattern, generic in lexicon.programs():
            for m in pattern.finditer(text):
                ext = re.match(rf"{_CJK}{{1,6}}?(?:工程|计划|行动)", text[m.end():])
                if ext and not re.search(r"[和与及、，]", ext.group()):
                    add(m.group() + ext.group(), m.start(), m.end() + ext.end())
                else:
                    add(m.group(), m.start(), m.end(), canonical=canonical, generic=generic)
        for m in _QUOTED_IS.finditer(text):
            add(m.group("name"), m.start("name"), m.end("name"))
        for m in _QUOTED_ENDING.finditer(text):
            add(m.group("name"), m.start("name"), m.end("name"))
        for m in _QUOTED_WITH_WORD.finditer(text):
            tail = m.group("tail").replace("等", "")
            word = m.group("word")
            alias = m.group("quotes") + tail + word
            if re.fullmatch(_DROP, word):
                tail = re.sub(rf"(?:{_DROP})+$", "", tail)
            if len(re.findall(r"[\u4e00-\u9fff]", m.group("quotes") + tail)) < 2:
                continue  # “1+6”行动 names nothing by itself
            name = m.group("quotes") + tail + (word if re.fullmatch(_KEEP, word) else "")
            add(name, m.start(), m.end(), alias=alias.replace("“", "").replace("”", ""))
        for u in found.of_kind("union", sentence=s.index):
            m = re.match(rf"{_CJK}{{2,16}}?(?:平台|热线)(?=$|[，。、；：！？）”\s]|的|和|等|监测|上线|正式)", text[u.end:])
            if m and not _LAUNCH_VERB.search(m.group()):
                add(m.group(), u.end, u.end + m.end(), alias=u.surface + m.group())
        for m in _LAUNCH.finditer(text):
            add(m.group("name"), m.start("name"), m.end("name"))
        return out


EXTRACTOR = ProgramExtractor()
