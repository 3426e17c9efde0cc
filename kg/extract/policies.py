"""Policies: documents in 《》 that are rules, plans, measures or actions.

The issuer is read from ``由…印发``, ``…印发的《…》`` or ``…制定《…》`` in a
sentence that mentions the document; the date from a full date in that
sentence; a short name from ``(以下简称《办法》)``, after which 《办法》 in
the same article means the full title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.knowledge import kinds, lexicon
from kg.extract.base import ArticleFindings, Link, Mention, implied


@dataclass(slots=True)
class PolicyAttrs:
    """What a policy mention says: the full ``title`` (a short name printed later in the article
    stands for it), the ``short`` name it is given (以下简称《办法》) and the ``date`` it was
    issued, when the sentence says both."""

    title: str
    short: str | None = None
    date: str | None = None  # YYYY-MM-DD

_TITLE = re.compile(r"《([^《》]{1,120})》")
_SHORT = re.compile(r"[（(]?以下简称[“《]([^”》]{1,30})[”》][）)]?")
_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
# a body that speaks of a document in its own clause (A、B等部门介绍，…印发的《…》) presents it
_PRESENTS = re.compile(r"[^，。；：《》]{0,12}?(?:介绍|解读|表示|指出|透露|答记者问|回答)[^，。；：《》]{0,4}[，：]")
# 在…指导下: an organisation that guides is not the one that issues
_GUIDANCE = re.compile(r"在[^，。；]{0,30}?(?:指导|领导|帮助|支持|推动)下")


@lru_cache(maxsize=1)
def _issue_verbs() -> re.Pattern:
    return re.compile("|".join(map(re.escape, lexicon.policy_words()["issue_verb"])))


def is_policy(title: str) -> bool:
    words = lexicon.policy_words()
    core = re.sub(r"[（(][^（）()]*[）)]$", "", title).strip()
    generic = re.sub(r"^(?:实施|工作|行动|管理|有关|相关|这一|该|本)", "", core)
    if generic in words["policy_suffix"]:
        return False  # 《办法》, 《实施方案》: a short name, meaningless without its full title
    if any(core.endswith(w) for w in words["policy_suffix"]):
        return True
    return False


class PolicyExtractor:
    kind = "policy"
    after = ("organization", "place")

    def extract(self, article, found: ArticleFindings):
        short_names: dict[str, str] = {}
        for s in article.sentences:
            text = s.text
            for m in _TITLE.finditer(text):
                title = m.group(1).strip()
                full = short_names.get(title)
                if full is None and not is_policy(title):
                    continue
                attrs = PolicyAttrs(full or title)
                short = _SHORT.match(text, m.end())
                if short and full is None:
                    short_names[short.group(1)] = title
                    attrs.short = short.group(1)
                date = _DATE.search(text)
                if date and _issue_verbs().search(text):
                    y, mo, d = map(int, date.groups())
                    attrs.date = f"{y:04d}-{mo:02d}-{d:02d}"
                mention = Mention("policy", title, s.index, m.start(1), m.end(1), attrs)
                yield mention
                issuer = self._issuer(s, found, m.start(), m.end())
                if issuer is not None:
                    yield Link("issued-by", mention, issuer, s.index)

    def _issuer(self, s, found: ArticleFindings, start: int, end: int):
        text = s.text
        orgs = [o for o in found.of_kind(*kinds.bodies(), sentence=s.index)
                if not any(g.start() <= o.start < g.end() for g in _GUIDANCE.finditer(text))
                and not implied(o)]
        # 《中国侨联、国务院侨办关于…的决定》: the title opens with its issuers, the first printed wins
        opening = min((o for o in orgs if o.start == start + 1), key=lambda o: -o.end, default=None)
        if opening is not None and re.match(r"(?:[、和及与][^《》]{1,20}?)*关于", text[opening.end:end]):
            return opening
        # 《X》…由 ORG 印发, 《X》…经 ORG …会议审议通过
        after = re.match(r"[^。；]{0,40}?[由经]", text[end:])
        if after:
            pos = end + after.end()
            org = max((o for o in orgs if o.start == pos), key=lambda o: o.end, default=None)
            gap = re.match(r"[^，。；《》]{0,24}?(?=" + _issue_verbs().pattern + ")", text[org.end:]) if org else None
            if org and gap:
                return org  # 由重庆市总工会于2024年1月10日印发
        # ORG …印发(了|的)《X》: the subject of the verb's clause, else the nearest organisation before it
        verb = None
        for v in _issue_verbs().finditer(text, 0, start):
            # 印发了《…》, 联合发布了我国首个《…》: a few words may stand between the verb and the title
            if re.fullmatch(r"(?:了|的|并|出台|下发|印发)*|了[^，。；：《》、]{1,8}", text[v.end():start]):
                verb = v
        if verb is None:
            return None
        clause_start = max(text.rfind(p, 0, verb.start()) for p in "，。；：") + 1
        before = [o for o in orgs if o.end <= verb.start() and not (start < o.start < end)]
        in_clause = [o for o in before if o.start >= clause_start]
        if in_clause:
            return min(in_clause, key=lambda o: (o.start, -o.end))  # 全国总工会办公厅, not 全国总工会
        if not before:
            return None
        # A、B等七部门，联合发布了《…》; 全国总工会召开会议，…，并制定了《…》: the subject is the body that
        # opens the nearest clause before that opens with a body (…通过了A的报告，通过了《…》: none)
        for clause in sorted({max(text.rfind(p, 0, o.start) for p in "，。；：") + 1 for o in before}, reverse=True):
            opening = [o for o in before if o.start == clause]
            if opening:
                body = min(opening, key=lambda o: -o.end)
                if _PRESENTS.match(text, body.end):
                    return None  # A等部门介绍，日前印发的《…》: A presents the document; who issued it is not said
                return body
        return None


EXTRACTOR = PolicyExtractor()
