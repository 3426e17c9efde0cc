"""Personal names read from their form and their surroundings (kg.extract.names).

Every sentence here is invented; each reproduces a pattern of real news that an earlier
reader got wrong (names cut short, clauses read as names)."""
from __future__ import annotations

import pytest

from conftest import facts_of
from kg.extract.names import is_plausible_name, name_after, name_before, names_after


def _after(text: str, foreign: bool = False) -> str | None:
    span = name_after(text, 0, foreign)
    return span.text if span else None


@pytest.mark.parametrize("text, name", [
    ("王志明出席会议", "王志明"),
    ("陈竹在参加代表团审议", "陈竹"),        # 在 ends no given name
    ("李向东在车站歇脚", "李向东"),          # but may stand inside one
    ("周敏对《要点》作了说明", "周敏"),
    ("郑立新和市长何伟东出席", "郑立新"),    # 和 before the next title
    ("沈左清作报告", "沈左清"),
    ("石晓磊通报全省进展", "石晓磊"),        # a common verb ends the name
    ("方建国也表示", "方建国"),
])
def test_han_names_end_where_the_sentence_says(text, name):
    assert _after(text) == name


@pytest.mark.parametrize("text, name", [
    ("白玛次仁在参加审议", "白玛次仁"),      # no Han surname: a run closed by a function word
    ("那日图一同走访", "那日图"),
    ("阿不都克力木·买买提出席", "阿不都克力木·买买提"),  # ends before 出席, not before 提出
    ("木合塔尔·吐尔逊委员发言说", "木合塔尔·吐尔逊"),
])
def test_minority_names_with_and_without_a_dot(text, name):
    assert _after(text) == name


@pytest.mark.parametrize("text, name", [
    ("卡洛斯·门多萨表示", "卡洛斯·门多萨"),
    ("安娜·罗西28号晚签署", "安娜·罗西"),
    ("马里奥的独家专访", "马里奥"),          # not cut to the surname reading 马里
    ("博卡里亚尔特举行会谈", "博卡里亚尔特"),
    ("萨尔维当天通电话", "萨尔维"),
    ("阿斯汀到访", "阿斯汀"),
    ("维克托会面", "维克托"),
    ("金成南于5日会见", "金成南"),          # 于 ends a transliterated name
    ("阿巴迪提议成立委员会", "阿巴迪"),      # so do reporting verbs (提议, 呼吁 …)
    ("阿卜杜拉齐兹已同意会面", "阿卜杜拉齐兹"),  # and 已
    ("卡洛·托拉因违反决议被起诉", "卡洛·托拉"),  # and 因
    ("纽拉都曾公开声称", "纽拉"),  # 都 as an adverb (but 阿不都热依木 keeps it)
    ("蒂米尔用毛笔写下", "蒂米尔"),
    ("莱西自2011年以来首次访问", "莱西"),
    ("普金做汇报时说", "普金"),
])
def test_foreign_names_after_a_foreign_title(text, name):
    assert _after(text, foreign=True) == name


@pytest.mark.parametrize("text, name", [
    ("陈强当地时间5日抵达", "陈强"),        # 当地时间 follows a name as 当天 does (not 陈强当)
    ("周明关于人选的提名", "周明"),          # so does 关于 (not 周明关)
])
def test_han_names_before_a_time_phrase_or_about(text, name):
    assert _after(text) == name


@pytest.mark.parametrize("text", ["赵刚监誓。", "钱立新监誓。"])
def test_a_known_han_name_and_a_guessed_verb_are_not_one_name(text):
    assert _after(text) is None  # 赵刚 then 监誓 (a verb the segmenter guesses), not the name 赵刚监誓


@pytest.mark.parametrize("text, name", [
    ("波里斯科夫赴机场热情迎接", "波里斯科夫"),  # a verb of one character after the syllables
    ("马德拉祝两国人民新年幸福", "马德拉"),
    ("萨米诺遇袭受伤", "萨米诺"),
    ("达尼洛夫愿与对方会晤", "达尼洛夫"),
    ("阿尔多夫前一天视察了", "阿尔多夫"),        # a time word
    ("卡米诺共进晚餐", "卡米诺"),                # an adverb
    ("萨米诺原计划今天出庭", "萨米诺"),          # a very common character before a common word (原|计划)
    ("卡洛先科20日称", "卡洛先科"),              # but 先 is a syllable where syllables follow it
    ("伯纳垂在致辞中表示", "伯纳垂"),            # a rarer verb right before 在 is a syllable
    ("塞米扬提交的名单", "塞米扬"),              # 提交 is cut as a word, not at 交
    ("卡尼都、", "卡尼都"),                      # nothing follows: no clause opens
])
def test_a_transliterated_name_ends_where_a_clause_opens(text, name):
    assert _after(text, foreign=True) == name


@pytest.mark.parametrize("text", ["颁授“友谊勋章”", "殿下举行会晤", "非正式会议。", "调兵进入某市", "前不久在成都会晤"])
def test_rare_dictionary_words_after_a_foreign_title_are_no_names(text):
    assert _after(text, foreign=True) is None  # verbs, place words, attributes, idioms of the dictionary


@pytest.mark.parametrize("text, name", [
    ("安德烈·科瓦尔留任。", "安德烈·科瓦尔"),  # a verb of the dictionary ends the last part of a dotted name
    ("卡洛斯·门多萨表示", "卡洛斯·门多萨"),
])
def test_a_dotted_name_ends_before_a_verb(text, name):
    assert _after(text, foreign=True) == name


def test_zai_the_adverb_is_no_syllable():
    assert _after("萨洛维奇再提此事", foreign=True) == "萨洛维奇"
    assert _after("山中早苗再提此事", foreign=True) == "山中早苗"


def test_an_ordinal_ends_a_run_and_a_body_is_no_name():
    assert _after("联席会第5次会议", foreign=True) is None  # 联席会 before 第: a body, not a name
    assert _after("萨洛维奇第二次访华", foreign=True) == "萨洛维奇"


def test_two_function_words_open_no_name():
    assert _after("并将任首相", foreign=True) is None  # (某党新总裁)并将任首相: a conjunction and an adverb


def test_a_common_noun_after_a_foreign_title_is_no_name():
    assert _after("官邸克里姆林宫遭到袭击", foreign=True) is None


@pytest.mark.parametrize("text", ["全票当选国家主席", "发言说，要加强", "亲自领导", "已经宣布", "再次强调",
                                  "强调的", "向大家表示", "主体作用", "的到来",
                                  "都对当地发展作出指示", "访农户、看庄稼", "下麦田，察看长势", "明白这一点",
                                  "人选名单后，由主席团提交", "访俄 强调合作", "看苗情、问收成", "叙问题特使访问",
                                  "联组会。", "时将数以千计的文件", "新闻局3日发布消息", "令人欢欣鼓舞。",
                                  "和多国经贸官员表示", "跟乡亲们说"])
def test_clauses_after_a_title_are_no_names(text):
    assert _after(text) is None


def test_a_list_of_names_after_one_title():
    spans = names_after("胡一华、沈二跃、王三勇出席会议", 0)
    assert [s.text for s in spans] == ["胡一华", "沈二跃", "王三勇"]


def test_a_list_stops_where_the_next_item_carries_a_title_or_runs_on():
    assert [s.text for s in names_after("王一明、李二强主任出席", 0)] == ["王一明"]
    assert [s.text for s in names_after("中村一郎、日中经济协会会长", 0, foreign=True)] == ["中村一郎"]


def test_a_name_before_its_title():
    text = "林建华委员发言说"
    span = name_before(text, 3, lambda i: i == 0)
    assert span is not None and span.text == "林建华"
    assert name_before("代表团委员发言", 3, lambda i: True) is None


def test_plausible_names():
    assert is_plausible_name("王志明")
    assert not is_plausible_name("全票")
    assert not is_plausible_name("主体作用")


@pytest.mark.parametrize("text, foreign, name", [
    ("拜登致唁电", True, "拜登"), ("阿尔维致慰问电", True, "阿尔维"), ("廖岷受国务院委托", False, "廖岷"),
    ("费利佩六世表示", True, "费利佩六世"), ("奥斯汀到访基辅", False, "奥斯汀"),
    ("乌云其其格介绍，今年", False, "乌云其其格"), ("王近平乘专机抵达", False, "王近平"),
])
def test_names_end_before_verbs_and_keep_regnal_numbers(text, foreign, name):
    assert _after(text, foreign) == name


@pytest.mark.parametrize("text, foreign", [("名单草案", False), ("警告西方", True), ("王近平乘专机抵达", True)])
def test_readings_that_are_words_and_clauses_are_no_names(text, foreign):
    assert _after(text, foreign) not in ("名单草案", "警告西方", "王近平乘专机")


def test_a_conjunction_before_a_name_is_not_its_surname():
    span = name_before("习近平和李华总理", 6, lambda i: True)
    assert span is not None and span.text == "李华"


@pytest.mark.parametrize("text, foreign, name", [
    ("霍夫曼时表示", True, "霍夫曼"), ("王建应询介绍", False, "王建"), ("刘佳时隔5年", False, "刘佳"),
    ("白玛次林在参加", False, "白玛次林"),
])
def test_time_and_request_words_end_names(text, foreign, name):
    assert _after(text, foreign) == name


@pytest.mark.parametrize("text", ["遭调查", "应李华总理邀请", "下访接访", "深情地说", "顾问雷格夫表示"])
def test_verbs_adverbs_and_titles_open_no_name(text):
    assert _after(text) is None


def test_a_given_name_may_end_in_he_where_a_verb_follows():
    # 和 ends a given name before a verb (…部长魏凤和作了说明), and is a conjunction before a name
    assert _after("韩玉和作了说明") == "韩玉和"
    assert _after("王一明和李二强出席") == "王一明"


def test_a_dotted_name_ends_where_an_ordinary_word_begins():
    assert _after("伯恩哈德·鲁西喜欢用滑雪的方式往返") == "伯恩哈德·鲁西"


@pytest.mark.parametrize("text, name", [
    ("韩国总统朴在洙热情欢迎代表团。", "朴在洙"),  # an ordinary word glued after a foreign run
    ("所罗门群岛总理约瑟夫·温在会上表示。", "约瑟夫·温"),  # a one-character part after the dot, then 在
])
def test_a_foreign_name_ends_before_the_word_after_it(text, name):
    facts = facts_of(f"## 要闻\n\n{text}\n")
    assert [o["name"] for o in facts["officials"]] == [name]


def test_he_between_two_people_whose_titles_follow_opens_no_name():
    """国家主席和B总书记: 和 joins two people, each with titles after the name; 和B is no name."""
    facts = facts_of("## 要闻\n\n在王明总书记、国家主席和坎贝总书记、国家主席战略引领下，两国关系发展。\n")
    assert not [o for o in facts["officials"] if o["name"].startswith("和")]


@pytest.mark.parametrize("text, name", [("总统汉斯之子亨特·汉斯出席", "汉斯"), ("总统卡洛斯之女玛丽亚出席", "卡洛斯")])
def test_a_transliterated_name_ends_before_a_word_of_kin(text, name):
    """总统A之子B: 之子 starts the son's description; the president's name is A alone."""
    found = name_after(text, 2, foreign=True)
    assert found is not None and found.text == name


@pytest.mark.parametrize("text", ["总统普京未就此作出新指示", "总统普京同来访的客人会谈"])
def test_a_transliterated_name_ends_before_the_adverb_or_preposition_after_it(text):
    """普京未就此…, 普京同…会谈: 未 and 同 are words of the sentence after the name, not its syllables."""
    assert name_after(text, 2, foreign=True).text == "普京"


@pytest.mark.parametrize("text, name", [
    ("伊朗驻某国大使侯赛因·萨法里出席。", "侯赛因·萨法里"),  # 因 before the dot is a syllable, not "because"
    ("挪威国王奥拉夫九世·哈康会见代表团。", "奥拉夫九世·哈康"),  # a regnal number inside a dotted name
])
def test_a_dotted_name_keeps_the_part_after_the_dot(text, name):
    facts = facts_of(f"## 要闻\n\n{text}\n")
    assert [o["name"] for o in facts["officials"]] == [name]


@pytest.mark.parametrize("text, name", [
    ("以色列总理莫拉塔尼亚多次声称要继续行动。", "莫拉塔尼亚"),  # 多次 is a word of the sentence
    ("柬埔寨国王萨哈莫尼登基30周年庆典举行。", "萨哈莫尼"),  # so is 登基 (though tagged as a name)
    ("日本首相岸田文明当选。", "岸田文明"),  # but a given name the dictionary knows stays in the name
])
def test_a_transliterated_name_ends_where_a_common_word_of_the_sentence_begins(text, name):
    facts = facts_of(f"## 要闻\n\n{text}\n")
    assert [o["name"] for o in facts["officials"]] == [name]


def test_common_words_after_a_foreign_title_are_no_name():
    """总统新任期有…: 新, 任期, 有 are words of the sentence from the first character on."""
    facts = facts_of("## 要闻\n\n他希望两国关系在美国总统新任期有一个好的开始。\n")
    assert facts["officials"] == []


@pytest.mark.parametrize("text, name", [
    # a Han name that is also a rare word of the dictionary (a verb, an adjective, a time word) is a name
    ("石家庄市总工会主席付强出席会议。", "付强"),
    ("石家庄市总工会主席严颖出席会议。", "严颖"),
    ("石家庄市总工会主席王佑民出席会议。", "王佑民"),
    # the surname 于 before an adverb-like character
    ("石家庄市总工会主席于又新出席会议。", "于又新"),
    ("石家庄市总工会主席于再清出席会议。", "于再清"),
])
def test_guard_a_han_name_is_not_refused_as_an_ordinary_word(text, name):
    facts = facts_of(text)
    assert name in {o["name"] for o in facts["officials"]}


@pytest.mark.parametrize("text, name", [
    ("某国总统帕斯蒂略表示，", "帕斯蒂略"),  # 略, 相: syllables that end names (-llo, -yan)
    ("某国议长萨尔基相说，", "萨尔基相"),
    ("某国总统卡洛斯·门多萨很可能出席峰会。", "卡洛斯·门多萨"),  # an adverb after a dotted name
])
def test_guard_a_foreign_names_last_syllable_is_kept_and_an_adverb_after_it_is_not(text, name):
    assert _after(text[text.index(name):], foreign=True) == name
