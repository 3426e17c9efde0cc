"""Programs: named services, brands, platforms, campaigns and projects.

National programs come from ``lexicons/programs.tsv`` under all their
printed forms. New ones are found by pattern, not by list: a quoted name
with a program word (“春风暖心”服务, “…”三年行动), a quoted name that ends in
one (“职工技能提升站”), a platform a union runs (上海市总工会…平台)
and an action someone launches (开展…三年行动).

Operators are the union bodies of the same sentence (not those that only
name a person's employer); places are the places of that sentence.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kg.knowledge import lexicon
from kg.extract.base import ArticleFindings, Link, Mention
from kg.extract.phrases import WordSet


@dataclass(slots=True)
class ProgramAttrs:
    """What a programme mention says besides its printed name."""

    canonical: str | None = None  # the lexicon's name of a known programme (12351 -> 12351职工服务热线)
    generic: bool = False  # a known kind of programme, not one programme (no operator, no place)
    national: bool = False  # a national programme (一带一路): placed only where the text places it
    core: str | None = None  # the quoted brand (书香园丁 of “书香园丁”读书行动): one brand, several wordings
    alias: str | None = None  # another printed form of the name (the union's name before 平台, 热线)
    unplaced: bool = False  # a quoted label without a programme word: kept, but placed nowhere

_CJK = r"[\u4e00-\u9fff\dA-Za-z+]"
# the programme words of kg/knowledge/lexicons/program_words.tsv, by kind, in the order of the rows
_WORDS = lexicon.words_in_file_order("program_words.tsv")


def _alternatives(kind: str) -> str:
    """The words of a kind as alternatives of a pattern, in the order of the rows (a longer word first)."""
    return "|".join(map(re.escape, _WORDS[kind]))


# the word that makes a name a program: kept in the name (“北疆暖冬”行动), or dropped from it
# because the quoted part is the brand itself (“春风暖心”服务, “筑工惠”职工服务平台)
# (体系 and 机制 are left out: “全覆盖”制度体系 is a slogan, not a programme)
# nouns that make a programme word part of a longer one (服务体系, 平台功能): a system, not a programme
_LONGER_NOUN = _alternatives("longer_noun")
_KEEP = _alternatives("keep_word")
_DROP = _alternatives("drop_word")
_QUOTE = r"“[^“”]{1,30}”"
# a document after a programme word (“大消费”格局行动方案): a policy, which the policy extractor reads
_DOCUMENT = _alternatives("document_word")
_QUOTED_WITH_WORD = re.compile(
    rf"(?P<quotes>(?:{_QUOTE})+)(?P<tail>(?:(?![的和与及、])[\u4e00-\u9fff\dA-Za-z]){{0,10}}?)"
    rf"(?P<word>{_KEEP}|{_DROP})(?!{_KEEP}|{_DROP}|大|周|{_LONGER_NOUN}|{_DOCUMENT})")
_QUOTED_ENDING = re.compile(r"“(?P<name>[^“”]{2,30}?(?:站|平台|热线|之家|驿家|小屋|学院|工匠|工程|行动|计划|品牌|项目|中心|节))”")
# (“…精神”是…的共同行动指南: a guide, not an action)
_QUOTED_IS = re.compile(r"“(?P<name>[^“”]{2,20})”是[^。；]{0,60}?的[^。；，]{0,30}?(?:品牌|行动|工程|项目|平台|服务)"
                        r"(?!指南|纲领|准则|方针|原则|遵循)")
# a quoted name that someone launches or uses as the lever of its work: 推出的“工匠夜校”
_QUOTED_LAUNCHED = re.compile(
    r"(?:推出|打造|创建|创立|发起|开通|上线|开发|建立)了?的?“(?P<name>[^“”]{2,12})”"
    # (not 的: “没有围墙”的养老院 qualifies a noun; not 等 before a kind of show: examples of events)
    r"(?=$|[，。、；：！？）\s]|等(?![^，。；]{0,6}?(?:活动|演出|节目|展览|展演|赛事|体系|模式|场景))|和|与|及|在|已|将|是)"
    # what is built is a programme only when it is a place people come to (建设“朝暖驿家”58家)
    r"|(?:建设|建成|新建|共建)了?的?“(?P<built>[^“”]{2,12}(?:站|家|屋|院|堂|室|中心|基地))”"
    r"|以“(?P<lever>[^“”]{2,12})”(?:行动|活动|品牌)?为(?:抓手|载体|依托|牵引)")
# verbs that launch or build a programme
_LAUNCH_VERB = re.compile(_alternatives("launch_verb"))
_LAUNCH = re.compile(
    rf"(?:开展|实施|启动|推进|深化|发起|推出|搭建|打造|建设|建立|上线|开通)(?!者)了?好?"  # (建设者们: builders)
    rf"(?P<name>{_CJK}{{2,22}}?(?:三年行动|专项行动|行动计划|行动|工程|计划))"
    rf"(?=$|[，。、；：！？）”\s]|的|和|等)")
_NOT_A_NAME_START = _WORDS["not_a_name_start"]


class ProgramExtractor:
    kind = "program"
    after = ("organization", "place", "official", "policy")

    def extract(self, article, found: ArticleFindings):
        for s in article.sentences:
            mentions = self._find(s, found)
            post_orgs = {link.target.id for link in found.links if link.kind == "holds-post" and link.sentence == s.index}
            unions = [u for u in found.of_kind("union", sentence=s.index)
                      if u.id not in post_orgs and not _only_a_source(s.text, u)]
            agents = _introduced_by_you(s.text, unions)  # 由成都市总工会创新实践: the operators named
            places = [p for p in found.of_kind("place", sentence=s.index)
                      if not found.covered(s.index, p.start, p.end, "organization")
                      and not any(u.start <= p.start and p.end <= u.end and u.id in post_orgs
                                  for u in found.of_kind("union", sentence=s.index))]
            places = [p for p in places if not _an_origin(s.text, p) and not _EVENT_AFTER.match(s.text, p.end)
                      and not _a_venue_of_talks(s.text, p)]
            partners = [p for p in places if _a_partner(s.text, p)]
            if partners and len(partners) < len(places):
                places = [p for p in places if p not in partners]  # 内蒙古与广州、深圳等城市合作推出: 内蒙古's
            for m in mentions:
                yield m
                if m.attrs.generic:
                    continue
                venue = [p for p in places if _held_at(s.text, m, p)]
                for u in agents or unions:
                    owner = next((p for p in mentions if p.start == u.end), None)
                    if owner is not None and owner is not m:
                        continue  # 全总“职工之家”APP: the union belongs to the program it stands before
                    yield Link("operated-by", m, u, s.index)
                if m.attrs.national and _EVENT_NAMED.match(s.text, m.end):
                    continue  # “一带一路”国际茶产业发展论坛在湖北举行: a meeting named after it, not the programme
                if m.attrs.unplaced:
                    continue
                crowded = len({p.surface for p in places}) >= 3  # a sentence listing many places
                for p in venue or places:
                    if _inside_a_name(s.text, p) and not (m.start <= p.start and p.end <= m.end):
                        continue  # a place inside another quoted name or a title
                    if (m.attrs.national or crowded and not _located_with_zai(s.text, p)) \
                            and not _same_clause(s.text, p, m):
                        continue  # 共建“一带一路”…，深化巴中关系: a national programme is where the text places it
                    if p.start >= m.end and not _same_clause(s.text, p, m) and not _located_with_zai(s.text, p):
                        continue  # “…”工程，投运后可为山东提供电量: a later clause names whom it serves, not where it is
                    if m.attrs.national and p.start >= m.end and p not in venue and \
                            _CONJOINED.search(s.text, m.end, p.start) and \
                            not (s.text.endswith("在", 0, p.start) and not _CONJOINED.match(s.text, p.start - 2)):
                        continue  # 11所“双一流”建设高校和香港大学, 数字人民币“硬钱包”与香港“八达通”: the place
                        # belongs to the words joined to the programme's, not to the programme (but
                        # “…”工程及配套项目在贵州: 在 places the whole phrase; not …汇报时的讲话和在广东考察时)
                    yield Link("active-in", m, p, s.index)

    def _find(self, s, found: ArticleFindings) -> list[Mention]:
        text = _curly_quotes(s.text)
        out: list[Mention] = []
        strategies: list[tuple[int, int]] = []  # 乡村振兴战略: known, and never a programme

        def add(name: str, a: int, b: int, **fields) -> None:
            attrs = ProgramAttrs(**fields)
            if _THEME.match(text, b) or _THEME.match(text, b + 1):
                return  # 以“…”为主题的年会: the theme of a meeting, not a programme
            if not attrs.canonical and name.endswith("活动") and _PART_OF_A_MEETING.search(text, 0, a):
                return  # 包括开幕式及主论坛、11场分论坛以及“…”活动等: one event of a meeting's programme
            if not attrs.canonical and (_ONE_OCCASION.search(re.sub("[“”]", "", name))
                                               or "，" in name and name.endswith("活动") and not name.endswith("主题活动")):
                return  # “…”体验活动, “…”促销活动, “…过大年”活动, “…，…”活动: one occasion, not a programme
                # (but “…，…”主题活动: a campaign under a slogan, which runs for months)
            if not attrs.canonical and (_ONE_EVENT.search(name) or name.endswith(("活动", *_CONTEST)) and (
                    _HELD.match(text, b) or re.search(r"(?:举行|举办)了?[^，。；]{0,16}$", text[:a]))):
                return  # “…新春团拜”活动, …活动在杭州举行: an event held once
            after = b + 1 if text.startswith("”", b) else b
            if not attrs.canonical and (
                    _DESCRIBED.match(text, after) or _ONE_ROUND.search(name) or _AS_ROLE.match(text, after) or
                    _A_CLAUSE.search(name) or
                    (name.endswith("工程") and _FINISHED.match(text, after)) or _FOR_DAYS.search(text, 0, a)):
                return  # “…平台”的新模式, 第一轮集中收网行动, …恢复工程全部完工: a model, a round, works built
            name = name.replace("“", "").replace("”", "")
            if len(name) < 2 or name.startswith(_NOT_A_NAME_START) or "的" in name:
                return
            if not attrs.canonical and (_GENERIC_CORE.search(attrs.core or name)
                                               or text.endswith(_A_KIND_OF, 0, a) or _ONE_OF_A_KIND.search(text, 0, a)):
                return  # “十四五”…工程, “百日行动”, 百万千瓦级“水光互补”项目: a period, a span or a type
            if any(m.start < b and a < m.end for m in out) or any(x < b and a < y for x, y in strategies):
                return
            if found.covered(s.index, a, b, "policy"):
                return
            out.append(Mention("program", name, s.index, a, b, attrs))

        for canonical, pattern, generic in (lexicon.programs() if _any_program_form().search(text) else ()):
            for m in pattern.finditer(text):
                ext = re.match(rf"{_CJK}{{1,6}}?(?:工程|计划|行动)", text[m.end():])
                if ext and not re.search(r"[和与及、，]", ext.group()):
                    add(m.group() + ext.group(), m.start(), m.end() + ext.end())
                else:
                    add(m.group(), m.start(), m.end(), canonical=canonical, generic=generic)
        for program, a, b in _national_programs(text):
            if not program.reported:
                strategies.append((a, b))
            else:
                add(text[a:b], a, b, canonical=program.canonical, national=True)
        for m in _QUOTED_IS.finditer(text):
            add(m.group("name"), m.start("name"), m.end("name"), core=m.group("name"))
        for m in _QUOTED_WITH_WORD.finditer(text):
            tail, word = m.group("tail"), m.group("word")
            if text.endswith(_CONTEST, 0, m.start()) or _ONE_EVENT.search(m.group("quotes") + tail):
                continue  # 机器人大赛“超变战场”项目, “…研讨会暨媒体行动”: an event of a contest or a meeting
            if m.group("quotes").count("“") >= 3 or _COUNTED_LIST.fullmatch(m.group("quotes")):
                continue  # “十大创新”“十大扩需求”“十强产业”行动: several actions listed, not one name
            if "等" in tail or text.endswith("等", 0, m.start()) or _ENUMERATION.match(tail + word):
                continue  # “五小”等…活动, 包机、包车等“点对点”服务, “…”“…”两大赛项: kinds, not one program
            if tail and _starts_with_verb(tail) and not _LAUNCH_VERB.search(text[max(0, m.start() - 4):m.start()]):
                continue  # “台独”分裂活动, “回归大游行”示威活动: an act described, not a programme launched
            if tail.endswith(_APPRAISAL):
                continue  # “数字新基建”标志性项目: projects appraised, not one named
            if word == "平台" and _INTEGRATION.search(m.group("quotes").replace("”", "") + tail):
                continue  # “四算合一”平台, “…”一体化科创平台: what a system joins, not a programme's name
            keep = re.fullmatch(_KEEP, word) is not None
            name = m.group("quotes") + (tail + word if keep else "")
            core = m.group("quotes").replace("“", "").replace("”", "")
            if len(re.findall(r"[\u4e00-\u9fff]", core + tail)) < 2:
                continue  # “1+6”行动 names nothing by itself
            add(name, m.start(), m.end(), alias=core + tail + word, core=core)
        for m in _QUOTED_ENDING.finditer(text):
            if _EXAMPLES.match(text, m.end()):
                continue  # 以“…”、“大国工程”等为主题: examples of a theme, not programmes
            if _REPROACHED.search(text, 0, m.start()) or _ONE_EVENT.search(m.group("name")):
                continue  # 搞“形象工程”“政绩工程”: a reproach, not a programme
            if _A_GROUP.match(text, m.end()):
                continue  # “劳模工匠”宣讲团: the quoted words say who the group's members are
            stop = _A_STOP.search(m.group("name"))
            if stop and stop.group(1) in lexicon.gazetteer().surfaces:
                continue  # “…中华行·江苏站”: one stop of a touring event, named by its place
            if len(m.group("name")) >= 4:  # “加油站” is a figure of speech, “春风行动” a name
                add(m.group("name"), m.start("name"), m.end("name"))
        for m in _QUOTED_LAUNCHED.finditer(text):
            group = next(g for g in ("name", "built", "lever") if m.group(g))
            # a quoted label with no programme word (打造“智慧口岸”, 打造“陕北好江南”) may be a brand, a
            # slogan or a kind of facility: it is kept, but places nothing (judged wrong 12 times in 14)
            add(m.group(group), m.start(group), m.end(group), core=m.group(group),
                unplaced=group != "built" and not _PROGRAM_END.search(m.group(group)))
        for u in found.of_kind("union", sentence=s.index):
            m = re.match(rf"{_CJK}{{2,16}}?(?:平台|热线)(?=$|[，。、；：！？）”\s]|的|和|等|监测|上线|正式)", text[u.end:])
            if m and not _LAUNCH_VERB.search(m.group()):
                add(m.group(), u.end, u.end + m.end(), alias=u.surface + m.group())
        for m in _LAUNCH.finditer(text):
            name = m.group("name")
            if _LAUNCH_VERB.match(name):
                continue  # 启动实施…行动: the verbs are no part of the name (the second verb's match reads it)
            modifier = re.sub(r"(?:三年行动|专项行动|行动计划|行动|工程|计划)$", "", name)
            if len(modifier) < 5 or re.search("[等和及与]", name) or _ENUMERATION.match(name) or \
                    modifier.endswith(_APPRAISAL) or _ROUTINE.search(name):
                continue  # 发起军事行动, 一把手工程, 新材料等…工程, 九大重点领域研发计划, …一体化重要工程: no name of its own
            add(name, m.start("name"), m.end("name"))
        return out


# a platform or a system described by what it joins (“四算合一”平台: four kinds of computing in one, “…”一体化
# …平台, …大融合平台): the make-up of a technical system, not a programme's name (a campaign that joins
# media, “…”融合传播行动, is still one)
_INTEGRATION = re.compile(_alternatives("integration"))
# the words that end a programme's name (“工匠夜校”: none of them)
_PROGRAM_END = re.compile(rf"(?:{_KEEP}|{_DROP}|站|驿站|之家|驿家|小屋|学院|中心|节|周|月|季|行|赛)$")
# what follows a name that describes a way of working or thinking, not a programme (“…平台”的新模式, “…”的发展思想)
# or a measure, a norm or a function (“科学中心”维度, “一县一中心”的规模, “科技创新中心”首都核心功能)
_DESCRIBED = re.compile(r"的?[^，。；“”]{0,4}?(?:模式|做法|经验|理念|思想|思路|路径|打法|体系|格局|定位"
                        r"|维度|指标|规模|标准|原则|功能)")
# a role a place is given (把“国际科技创新中心”作为…定位): no programme
_AS_ROLE = re.compile(r"作为[^，。；]{0,12}?定位")
# an operation that lasts a few days (为期三天的“…”联合巡航执法行动): one of its kind, not a programme
_FOR_DAYS = re.compile(r"为期[一二三四五六七八九十两\d]{1,3}(?:天|日)的?$")
# a verb of holding inside a "name": a clause (…博物馆举行悼念活动), not a programme's name
_A_CLAUSE = re.compile(r"举行|举办|召开")
# one round of an operation (第一轮集中收网行动), not the programme itself
_ONE_ROUND = re.compile(r"第[一二三四五六七八九十\d]+(?:轮|次|场)")
# construction works reported finished (…恢复工程全部完工): a building site, not a programme
_FINISHED = re.compile(r"(?:已经?|已)?(?:全部|全面|全线|顺利|正式)?(?:完工|竣工|建成|通车|合龙|投运)(?![后时])")
# a contest whose events are quoted (世界机器人大赛“超变战场”项目)
_CONTEST = _WORDS["contest"]
# an activity of one occasion: named by its format (体验活动 a day of trying, 促销活动 a sale, 主场活动 the main
# venue's event of a campaign, 民俗活动 a folk show, 对接活动 a matchmaking fair, 大展活动 an exhibition, 对话活动
# a dialogue), by a festivity (过大年, 贺新春 at the new year, 嘉年华, 奇妙夜, 集市) or as one stop of a touring
# event (“…中华行·江苏站”活动): an event, not a programme
_ONE_OCCASION = re.compile(rf"(?:{_alternatives('occasion_format')})活动$"
                           rf"|·[^·]{{1,5}}站活动$|{_alternatives('festivity')}")
# the parts of a meeting listed before an activity (包括开幕式及主论坛、…分论坛以及“…”活动)
_PART_OF_A_MEETING = re.compile(r"(?:开幕式|闭幕式|主论坛|分论坛)[^。；]{0,30}(?:以及|和|及|、)“?$")
# one stop of a touring event, named by its place (“…中华行·江苏站”)
_A_STOP = re.compile(r"·([^·]{1,5})站$")
# a meeting named inside a quoted name: a one-off event
_ONE_EVENT = re.compile(_alternatives("one_event"))
# an activity the sentence says was held (…活动在杭州举行, 举办了…活动): an event, not a programme
_HELD = re.compile(r"[^，。；]{0,12}?(?:举行|举办|开幕|闭幕|落幕|拉开帷幕|启幕|展开|上演)")
_COUNTED_LIST = re.compile(r"(?:“[一二三四五六七八九十百千万两双][^“”]*”){2,}")
_THEME = re.compile(r"为主题|主题的|的主题")
# what officials are reproached for doing (搞“形象工程”)
_REPROACHED = re.compile(r"(?:搞|热衷于?)(?:“[^“”]*”)*$")
# routine enforcement, unquoted (开展消防产品专项监督检查行动): generic actions, not named programmes
_ROUTINE = re.compile(_alternatives("routine"))
# words that appraise a project rather than name it (推进…一体化重要工程: a description)
_APPRAISAL = _WORDS["appraisal"]


# a place that names a meeting (北京峰会, 杭州亚运会) says where the meeting is, not a programme
_EVENT_AFTER = re.compile(f"(?:{_alternatives('event_after')})")


# a meeting or a contest named after a programme (“一带一路”国际…论坛, …高级别会议, …技能大赛, …竞赛决赛)
_EVENT_NAMED = re.compile(r"[”\"]?[^，。；、“”]{0,12}?(?:论坛|峰会|博览会|大会|研讨会|展览会|洽谈会|交流会|推介会|报告会|宣讲会"
                          r"|座谈会|发布会|现场会|会议|大赛|竞赛|比赛)")
# a word that joins another noun phrase to the one that holds a programme (…高校和香港大学)
_CONJOINED = re.compile(r"[和与及]")


def _inside_a_name(text: str, place) -> bool:
    """“昆明—蒙特利尔全球生物多样性框架”, 《…》: a place inside a quoted name or a title places nothing."""
    for opening, closing in (("“", "”"), ("《", "》")):
        opened = text.rfind(opening, 0, place.start)
        if opened >= 0 and text.rfind(closing, 0, place.start) < opened and text.find(closing, place.end) >= 0:
            return True
    return False


def _a_partner(text: str, place) -> bool:
    """与广州、深圳等城市合作: a place the subject works with, listed after 与 or 同."""
    return re.search(r"[与同](?:[^，。；、]{1,8}、)*$", text[max(0, place.start - 40):place.start]) is not None


def _an_origin(text: str, place) -> bool:
    """来自香港、澳门的青年: where people come from, not where the programme is."""
    return re.search(r"来自(?:[^，。；、]{1,8}、)*$", text[max(0, place.start - 40):place.start]) is not None


_TALKS_AFTER = re.compile(r"[^，。；]{0,16}?(?:签署|签订|会谈|会晤|会见)")


def _a_venue_of_talks(text: str, place) -> bool:
    """双方在北京签署备忘录，正式启动…项目: where a deal is signed or leaders meet is not where the
    programme they launch is carried out."""
    return text.endswith("在", 0, place.start) and _TALKS_AFTER.match(text, place.end) is not None


def _held_at(text: str, program, place) -> bool:
    """…活动在杭州启动: the place printed with 在 right after the programme is where it is held."""
    return re.fullmatch(r"”?[^，。；,;“”]{0,3}?在", text[program.end:place.start]) is not None


# a group of people right after a quoted name (“劳模工匠”宣讲团)
_A_GROUP = re.compile(r"(?:宣讲|代表|志愿服务|服务|突击|攻关)?(?:团|队|小组|班)")
_EXAMPLES = re.compile(r"(?:、?“[^“”]{1,20}”)*等")
# a plan named by its count of fields (九大重点领域研发计划, 十项行动): an enumeration, not a name
_ENUMERATION = re.compile(r"[一二三四五六七八九十百千两\d]+多?(?:大|项|个|类)")
# quoted words that name a period or a span of days, never a programme by themselves
_GENERIC_CORE = re.compile(r"^(?:[一二三四五六七八九十]{2,3}五|[百千万一二三四五六七八九十]+日(?:行动|攻坚)?)$"
                           r"|^[一二三四五六七八九十]{2,3}五"
                           # counted slogans and kinds: “五子”联动, “一个平台”, “宝塔型”体系
                           r"|^[一二三四五六七八九十两双多][\u4e00-\u9fff]$|^[一两二三四五六七八九十][个种条件项期]"
                           r"|^[\u4e00-\u9fff]{1,3}[型式]$|^一[\u4e00-\u9fff]一[\u4e00-\u9fff]$")  # (“一老一幼”)
# words right before a quoted name that make it a kind of thing (第一个百万千瓦级“水光互补”项目)
_A_KIND_OF = ("级", "类", "种")  # single suffix characters: grammar of the algorithm, not a lexicon
# one project counted or measured (一个70万千瓦“光热+光伏”项目, 当地首个“原拆原建”试点项目, 首家“…中心”开业): one of a kind
# and many of a kind (设置了多处“爱心驿站”, 公布40个“最佳实践”项目, 我国最大的“…”储能项目)
_ONE_OF_A_KIND = re.compile(r"(?:(?:一|首|第[一二三四五六七八九十\d]+|\d+)个|多处|一批|最大的?|首座|首家)"
                            r"[\d.万千百亿]*(?:千瓦|兆瓦|吨|亩|平方米)?“?$")


def _located_with_zai(text: str, place) -> bool:
    """…活动，在湖北、贵州等地…, …行动，首批在大连、厦门: the place opens a clause with 在 (where
    something happens), after at most a short adverb."""
    clause_start = max(text.rfind(c, 0, place.start) for c in "，。；,;") + 1
    return re.fullmatch(r"[^，。；、“”]{0,6}?在(?:[^，。；、]{1,10}、)*", text[clause_start:place.start]) is not None


@lru_cache(maxsize=1)
def _any_program_form() -> re.Pattern:
    """Any printed form of a programme of the lexicon: most sentences have none, and one search
    says so before each form is looked for on its own."""
    return re.compile("|".join(f"(?:{pattern.pattern})" for _, pattern, _ in lexicon.programs()))


def _same_clause(text: str, place, program) -> bool:
    """The place and the programme stand in one clause (no comma or semicolon between them)."""
    a, b = sorted((place.end, program.start)) if place.end <= program.start else sorted((program.end, place.start))
    return not re.search(r"[，。；,;]", text[a:b])


def _starts_with_verb(text: str) -> bool:
    from kg.extract import segment

    first = next(iter(segment.tags(text)), None)
    return first is not None and first.flag.startswith("v") and first.flag != "vn"


# quote marks: punctuation, grammar of the algorithm, not a lexicon
_QUOTE_MARKS = "“”‘’「」\"'"
_QUOTE_MARK = re.compile("[" + re.escape(_QUOTE_MARKS) + "]")


@lru_cache(maxsize=1)
def _national_pattern() -> tuple[re.Pattern, dict]:
    by_form = {}
    for program in lexicon.national_programs():
        for form in program.forms:
            by_form.setdefault(form, program)
    forms = sorted(by_form, key=lambda f: (-len(f), f))
    return re.compile("|".join(map(re.escape, forms))), by_form


@lru_cache(maxsize=1)
def _national_forms() -> WordSet:
    """Every form of the national programmes, found in one pass of an automaton: most sentences
    print none, and the automaton says so far faster than the alternation of all forms."""
    return WordSet(_national_pattern()[1])


def _national_programs(text: str):
    """(programme, start, end) of the national programmes and strategies printed in ``text``,
    quote marks inside a name ignored (“放管服”改革 is 放管服改革)."""
    quoted = _QUOTE_MARK.search(text) is not None
    bare = _QUOTE_MARK.sub("", text) if quoted else text
    if not _national_forms().spans(bare):
        return  # no form anywhere in the sentence
    kept = [i for i, ch in enumerate(text) if ch not in _QUOTE_MARKS] if quoted else range(len(text))
    pattern, by_form = _national_pattern()
    for m in pattern.finditer(bare):
        a, b = kept[m.start()], kept[m.end() - 1] + 1
        if a > 0 and text[a - 1] in "“\"" and b < len(text) and text[b] in "”\"":
            a, b = a - 1, b + 1  # the quote marks around the whole name are part of the mention
        elif _inside_longer_quote(text, a, b):
            continue  # “巾帼建功标兵”: the quoted name is another one that begins with the programme's
        yield by_form[m.group()], a, b


def _inside_longer_quote(text: str, a: int, b: int) -> bool:
    """The programme's name is part of a longer quoted name (“巾帼建功标兵”, “数字新基建”)."""
    opened, closed = text.rfind("“", 0, a), text.find("”", b)
    return opened >= 0 and text.rfind("”", 0, a) < opened and closed >= b and \
        text.find("“", b, closed) < 0 and not (opened == a - 1 and closed == b)


_SOURCE = re.compile(r"从$")
_GUIDED = re.compile(r"在[^，。；]{0,30}?(?:指导|领导|帮助|支持)下")


def _only_a_source(text: str, union: Mention) -> bool:
    """记者从X获悉 names where the news came from; 在X指导下 names who guided, not who runs it."""
    if text.endswith("从", 0, union.start) and re.match(r"(?:了解到|获悉|得知|获得)", text[union.end:]):
        return True
    return any(g.start() <= union.start < g.end() for g in _GUIDED.finditer(text))


def _introduced_by_you(text: str, unions: list[Mention]) -> list[Mention]:
    """Unions introduced by 由 (由A主办, 由A创新实践、B在全省推广), and those listed with them."""
    named = []
    for u in unions:
        if text.endswith("由", 0, u.start) or (named and re.fullmatch(r"[^，。；]{0,8}?[、和与及]", text[named[-1].end:u.start])):
            named.append(u)
    return named


def _curly_quotes(text: str) -> str:
    """ASCII "…" pairs as “…” (same length), so one set of patterns reads both."""
    if '"' not in text:
        return text
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out)


EXTRACTOR = ProgramExtractor()
