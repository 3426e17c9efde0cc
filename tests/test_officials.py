"""Officials: a name after a chain of offices; each segment one post."""
from __future__ import annotations

import pytest
from conftest import facts_of, kb_of, names, one, posts_of

ACFTU = "中华全国总工会"


# ---------------------------------------------------------------------------
# Seeds, page 000
# ---------------------------------------------------------------------------


def test_xu_liuping_has_exactly_three_posts_at_acftu(facts000):
    posts = one(facts000["officials"], "徐留平")["posts"]
    assert len(posts) == 3
    assert {(p["title"], p["org"]) for p in posts} == {
        ("党组书记", ACFTU), ("副主席", ACFTU), ("书记处第一书记", ACFTU)}


def test_li_gongle_posts_include_bare_provincial_federation(facts000):
    assert posts_of(facts000, "李公乐") == {
        ("副主任", "河南省人民代表大会常务委员会"), ("主席", "河南省总工会")}
    assert "省总工会" in one(facts000["union_bodies"], "河南省总工会")["aliases"]


def test_cai_qi_posts(facts000):
    assert posts_of(facts000, "蔡奇") == {("常委", "中共中央政治局"), ("书记", "中共中央书记处")}


def test_zhang_yupu_is_chairman_of_the_regional_government(facts000):
    posts = posts_of(facts000, "张雨浦")
    assert ("主席", "宁夏回族自治区人民政府") in posts
    assert ("副书记", "中共宁夏回族自治区委员会") in posts
    assert len(posts) == 2


def test_shen_zuoquan_is_chairman_of_the_regional_federation(facts000):
    assert ("主席", "宁夏回族自治区总工会") in posts_of(facts000, "沈左权")


def test_wang_dongming_posts_after_shou_lead_word(facts000):
    # 受全国人大常委会副委员长、中华全国总工会主席王东明委托: 受 is no part of the organisation
    assert posts_of(facts000, "王东明") == {("副委员长", "全国人民代表大会常务委员会"), ("主席", ACFTU)}


def test_concatenated_byline_gives_two_reporters_who_are_not_officials(facts000):
    persons = {p["name"]: p for p in facts000["persons"]}
    for name in ("马学礼", "李静楠"):
        assert persons[name]["role"] == "记者"
        assert persons[name]["affiliation"] == "本报"
        assert name not in names(facts000["officials"])
    assert persons["马学礼"]["article"] == persons["李静楠"]["article"]
    assert "马学礼李静楠" not in persons


def test_no_reporter_of_either_seed_is_an_official(seed_facts):
    for facts in seed_facts:
        reporters = {p["name"] for p in facts["persons"] if p["role"] in ("记者", "通讯员", "摄影")}
        assert len(reporters) >= 8
        assert reporters.isdisjoint(names(facts["officials"]))


def test_person_named_by_surname_and_nvshi_is_a_person_not_an_official(facts000):
    yang = one(facts000["persons"], "杨女士")
    assert yang["role"] is None
    assert "杨女士" not in names(facts000["officials"])


def test_every_seed_official_has_a_post(seed_facts):
    for facts in seed_facts:
        assert facts["officials"]
        for o in facts["officials"]:
            assert o["posts"], o["name"]
            assert all(p["title"] and p["org"] for p in o["posts"]), o


def test_page_003_officials(facts003):
    assert posts_of(facts003, "邵英男") == {("部长", "北京市总工会权益工作部")}
    assert posts_of(facts003, "李书磊") == {("委员", "中共中央政治局"), ("部长", "中共中央宣传部")}


# ---------------------------------------------------------------------------
# Synthetic pages (invented people, other provinces)
# ---------------------------------------------------------------------------


def test_bare_zizhiqu_federation_chairman_in_yinchuan_dateline():
    facts = facts_of(
        "## 宁夏职工技能大赛开幕\n\n"
        "本报银川3月5日电(记者王晓东)3月4日，自治区总工会主席张德华在开幕式上致辞。\n")
    assert posts_of(facts, "张德华") == {("主席", "宁夏回族自治区总工会")}
    assert "王晓东" not in names(facts["officials"])
    assert one(facts["persons"], "王晓东")["role"] == "记者"


def test_provincial_party_deputy_secretary_and_governor():
    facts = facts_of(
        "## 四川召开职工代表座谈会\n\n"
        "本报成都3月5日电(记者刘建国)四川省委副书记、省长李明远出席会议并讲话。\n")
    assert posts_of(facts, "李明远") == {("副书记", "中共四川省委员会"), ("省长", "四川省人民政府")}
    assert names(facts["officials"]) == ["李明远"]


def test_two_posts_at_one_provincial_federation():
    facts = facts_of(
        "## 浙江部署全年工会工作\n\n"
        "本报杭州3月5日电(记者陈晓)浙江省总工会党组书记、常务副主席王建平出席会议。\n")
    assert posts_of(facts, "王建平") == {("党组书记", "浙江省总工会"), ("常务副主席", "浙江省总工会")}


def test_bare_sheng_zong_gonghui_chairman_in_hunan():
    facts = facts_of(
        "## 湖南省总工会召开全委会议\n\n"
        "本报长沙3月5日电(记者周敏)湖南省总工会近日召开全委会议。"
        "会上，省总工会党组书记、主席刘志强作工作报告。\n")
    assert posts_of(facts, "刘志强") == {("党组书记", "湖南省总工会"), ("主席", "湖南省总工会")}


def test_shou_weituo_chain_and_national_union_posts():
    facts = facts_of(
        "## 慰问\n\n本报讯(记者赵磊)受全国总工会主席张建华委托，"
        "全国总工会副主席刘晓明带队赴云南看望慰问一线职工。\n")
    assert posts_of(facts, "张建华") == {("主席", ACFTU)}
    assert posts_of(facts, "刘晓明") == {("副主席", ACFTU)}


def test_city_mayor_is_at_the_city_government():
    facts = facts_of("## 调研\n\n本报讯(记者赵磊)贵阳市副市长陈立新到企业调研。\n")
    assert posts_of(facts, "陈立新") == {("副市长", "贵阳市人民政府")}


def test_surname_with_xiansheng_is_a_person_not_an_official():
    facts = facts_of("## 维权\n\n本报讯(记者赵磊)快递员王先生拨打热线求助，市总工会律师为他答疑。\n")
    assert one(facts["persons"], "王先生")["role"] is None
    assert facts["officials"] == []


def test_name_before_gongtong_is_not_over_read():
    facts = facts_of(
        "## 签约\n\n本报讯(记者赵磊)江苏省总工会主席王军与安徽省总工会主席李强共同出席签约仪式。\n")
    assert posts_of(facts, "王军") == {("主席", "江苏省总工会")}
    assert posts_of(facts, "李强") == {("主席", "安徽省总工会")}


def test_government_entity_does_not_take_the_title_as_alias(facts000):
    _, kb = kb_of("## 座谈\n\n本报成都3月5日电(记者刘建国)四川省委副书记、省长李明远出席会议。\n")
    gov = [e for e in kb.entities.values() if e.name == "四川省人民政府"]
    assert len(gov) == 1
    assert "省长" not in gov[0].aliases
    assert "自治区主席" not in one(facts000["organizations"], "宁夏回族自治区人民政府")["aliases"]


def test_name_and_title_broken_by_the_layout_are_rejoined():
    facts = facts_of("## 内蒙古工会送温暖\n\n本报呼和浩特1月15日电(记者李娜)自治区党委常委、自治区总工会主席那日\n\n"
                     "苏一同走访慰问困难职工。浙江省总工会党组书\n\n记、常务副主席王海出席。\n")
    posts = {o["name"]: {(p["title"], p["org"]) for p in o["posts"]} for o in facts["officials"]}
    assert posts["那日苏"] == {("常委", "中共内蒙古自治区委员会"), ("主席", "内蒙古自治区总工会")}
    assert posts["王海"] == {("党组书记", "浙江省总工会"), ("常务副主席", "浙江省总工会")}


def test_title_inside_a_place_name_makes_no_official():
    facts = facts_of("## 驿站\n\n本报讯(记者张明)外卖骑手李向东在石家庄市长安区建设大街的一处驿站里歇脚。\n")
    assert facts["officials"] == []


# ---------------------------------------------------------------------------
# Patterns of real news (issue: facts that hold on real news). Invented people and sentences,
# each reproducing one pattern an earlier reader got wrong.
# ---------------------------------------------------------------------------


def _posts(text: str) -> dict[str, set[tuple[str, str]]]:
    facts = facts_of("## 要闻\n\n" + text + "\n")
    return {o["name"]: {(p["title"], p["org"]) for p in o["posts"]} for o in facts["officials"]}


def test_a_title_printed_after_the_name_is_read_with_its_certain_organisation():
    assert _posts("王志明总书记全票当选国家主席。") == {"王志明": {("总书记", "中国共产党中央委员会")}}


def test_a_seat_printed_after_the_name_makes_a_person_not_an_official():
    facts = facts_of("## 大会发言\n\n林建华委员发言说，要加强基层治理。陈晓梅委员代表民进中央发言。\n")
    assert facts["officials"] == []
    assert {"林建华", "陈晓梅"} <= set(names(facts["persons"]))
    assert "发言说" not in names(facts["persons"])


def test_a_bare_title_takes_the_post_the_same_person_holds_elsewhere():
    posts = _posts("国家主席王志明会见来宾。王志明主席指出，双方要加强合作。")
    assert posts == {"王志明": {("主席", "中华人民共和国")}}


def test_a_bare_title_without_such_a_post_is_not_guessed():
    facts = facts_of("## 会见\n\n王志明主席指出，双方要加强合作。\n")
    assert facts["officials"] == []


def test_an_organisation_never_runs_back_over_the_clause_before_it():
    assert _posts("栏目将播出对古巴总理马里奥的独家专访。") == {"马里奥": {("总理", "古巴共和国")}}


@pytest.mark.parametrize("text, first, second", [
    ("北京市委书记郑立新和市长何伟东出席。",
     ("郑立新", {("书记", "中共北京市委员会")}), ("何伟东", {("市长", "北京市人民政府")})),
    ("广东省委书记周建平和省长刘国华出席。",
     ("周建平", {("书记", "中共广东省委员会")}), ("刘国华", {("省长", "广东省人民政府")})),
    ("美国国务卿卡尔森和国防部长奥尔特加到访。",
     ("卡尔森", {("国务卿", "美利坚合众国")}), ("奥尔特加", {("部长", "美国国防部")})),
])
def test_two_people_joined_by_he_keep_their_own_posts(text, first, second):
    posts = _posts(text)
    assert posts == dict([first, second])


def test_a_one_character_abbreviation_names_a_country_only_where_the_article_names_it():
    # 老 before 书记 is "veteran", not 老挝 (Laos), when the article never names Laos
    posts = _posts("老书记赵一鸣的事迹感人。")
    assert not any(org.startswith("老挝") for held in posts.values() for _, org in held)


@pytest.mark.parametrize("text", ["古巴革命领袖何塞·马蒂尼斯表示祝贺。", "伊拉克宗教领袖萨德里宣布退出政坛。"])
def test_an_honour_is_no_office(text):
    # 革命领袖 or 宗教领袖 is an honour: the person is kept, no post at the state is made
    assert _posts(text) == {}


def test_a_country_name_ending_in_guo_gives_way_to_guojia():
    # 蒙古国家大呼拉尔: 蒙古's 国家大呼拉尔, not 蒙古国's 家大呼拉尔
    posts = _posts("蒙古国家大呼拉尔副主席巴特尔扎布会见代表团。")
    assert {title for title, _ in posts["巴特尔扎布"]} == {"国家大呼拉尔副主席"}


@pytest.mark.parametrize("text, name, post", [
    # the clause before a title chain is cut at its verb (援引)
    ("据俄罗斯媒体援引俄罗斯第一副总理别洛诺夫的表态报道说。", "别洛诺夫", ("第一副总理", "俄罗斯联邦")),
    # a ministry or a house of parliament printed bare takes the country printed earlier in the clause
    ("尼日利亚副总统谢卡马，希腊总理高级代表、发展部部长斯克里斯出席。", "斯克里斯", ("部长", "希腊发展部")),
    ("巴基斯坦参议院主席桑吉尼、国民议会议长阿什兰出席。", "阿什兰", ("议长", "巴基斯坦国民议会")),
    # a party named after what it stands for is a body of the country printed before it
    ("塞尔维亚前进党主席、总统武奇科表示。", "武奇科", ("总统", "塞尔维亚共和国")),
    # the government's head after a post in a foreign party the lexicon knows
    ("蒙古人民党主席、政府总理奥云巴特出席。", "奥云巴特", ("总理", "蒙古国")),
    # a body named in quotes right before the title
    ("“全球海洋保护联盟”首席执行官约翰·史密斯说。", "约翰·史密斯", ("首席执行官", "全球海洋保护联盟")),
    # a body listed after a foreign country's body takes the country
    ("阿富汗民族联盟主席、民族和解高级委员会主席阿卜杜勒表示。", "阿卜杜勒", ("主席", "阿富汗民族和解高级委员会")),
    # the clause before a title is cut at 出席
    ("王一明在巴西首都巴西利亚出席巴西新任总统卢科就职仪式。", "卢科", ("总统", "巴西联邦共和国")),
    # a company of a foreign country, then words of the title
    ("韩一明会见美国维卡公司全球执行董事长艾克森。", "艾克森", ("全球执行董事长", "美国维卡公司")),
    # two fields joined by 和 inside a committee's name
    ("俄罗斯联邦委员会国防和安全委员会主席邦达洛夫说。", "邦达洛夫", ("主席", "俄罗斯联邦委员会国防和安全委员会")),
    # a foreign party's central body, its party named two segments before
    ("越共中央政治局委员、某国家政治学院院长、中央理论委员会主席阮春明出席。", "阮春明",
     ("主席", "越南共产党中央理论委员会")),
    # a compound title first in its chain: the state printed earlier in the clause
    ("尼加拉瓜总统奥特加和副总统穆里罗委派议长波拉多、外长蒙卡多到使馆吊唁。", "蒙卡多", ("部长", "尼加拉瓜外交部")),
    # 经 of 经济 is no lead word to strip
    ("印度尼西亚专业集团党总主席、经济统筹部长艾尔朗多发来贺电。", "艾尔朗多", ("部长", "印尼经济统筹部")),
    # a house of parliament listed after a foreign party
    ("尼泊尔共产党（联合马列）领导人、联邦院主席迪姆希多表示。", "迪姆希多", ("主席", "尼泊尔联邦院")),
    # a long dotted name
    ("巴西联邦共和国总统路易斯·伊纳西奥·卢拉·达席尔瓦发来贺电。", "路易斯·伊纳西奥·卢拉·达席尔瓦",
     ("总统", "巴西联邦共和国")),
    # a verb and a noun joined by 和 inside a committee's name
    ("德国联邦议院气候保护和能源委员会主席克劳斯·恩斯多近日表示。", "克劳斯·恩斯多",
     ("主席", "德国联邦议院气候保护和能源委员会")),
    # a state's body after its one-character abbreviation, and a ministry listed after it
    ("据乌克兰媒体报道，包括乌总统办公室副主任季莫申卡、国防部副部长沙波瓦洛斯在内的官员辞职。", "沙波瓦洛斯",
     ("副部长", "乌克兰国防部")),
    # a compound title after a post in a foreign party the lexicon knows
    ("在会见古共中央第一书记、国家主席迪亚斯-卡内多时，王志明指出。", "迪亚斯-卡内多", ("主席", "古巴共和国")),
    # 复信 ends the clause before a body
    ("国家主席王志明复信费城交响乐团总裁马思多。", "马思多", ("总裁", "费城交响乐团")),
    # a title the lexicon knows before 兼 (国务资政兼…部长)
    ("韩一明会见了新加坡国务资政兼国家安全统筹部长张志明。", "张志明", ("部长", "新加坡国家安全统筹部")),
    # a state's title after a party's post
    ("朝鲜劳动党总书记、国务委员长金正明出席阅兵式。", "金正明", ("国务委员长", "朝鲜民主主义人民共和国")),
    # 党团 is one word
    ("德国联盟党联邦议会党团副主席瓦德富多表示。", "瓦德富多", ("副主席", "德国联盟党联邦议会党团")),
    # a committee of the CPPCC printed bare after a seat in it
    ("会议确定，全国政协常委、外事委员会副主任刘一明为新闻发言人。", "刘一明",
     ("副主任", "中国人民政治协商会议全国委员会外事委员会")),
    # 国务部长 is a title of its own, not 部长 of a 国务部
    ("会见由土库曼斯坦总统顾问别格利多、国务部长巴巴耶多等组成的代表团。", "巴巴耶多", ("国务部长", "土库曼斯坦")),
    # 会 of 社会 ends no body
    ("希腊劳工和社会福利部长乔治斯说。", "乔治斯", ("部长", "希腊劳工和社会福利部")),
    # a department of a foreign party's central committee, 对 and all
    ("越共中央书记处书记、中央对外部部长黎怀明出席。", "黎怀明", ("部长", "越南共产党中央对外部")),
    # 在约旦与美国总统: two countries without a body of their own
    ("三国宣布取消原定于18日在约旦与美国总统拜多举行的会谈。", "拜多", ("总统", "美利坚合众国")),
    # a reporting verb jieba tags as a noun (质问) ends the clause before the body
    ("一位记者日前在一场活动中质问美国众议院民主党领袖杰弗逊。", "杰弗逊", ("领袖", "美国众议院民主党")),
    # 会议 ends a body (部长会议, 协商会议)
    ("阿曼协商会议主席马瓦里表示。", "马瓦里", ("主席", "阿曼协商会议")),
])
def test_foreign_bodies_in_lists_and_chains(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text", [
    "杨一明宣读《国家主席授勋令》。",  # a title inside a document's name
    "给予该县县长钱二宝撤销党内职务、政务撤职处分。",  # an office taken away
    "会上，区公安分局党委书记赵一鸣介绍情况。",  # a body of a place not printed with it
])
def test_no_current_post(text):
    assert not any(held for held in _posts(text).values())


def test_a_compound_title_in_a_chinese_chain_is_chinas_after_a_foreign_sender():
    posts = _posts("越南国家主席武文明向中共中央总书记、国家主席王志明发来贺电。")
    assert posts["王志明"] == {("总书记", "中国共产党中央委员会"), ("主席", "中华人民共和国")}


def test_a_premier_named_after_in_an_article_about_another_country_is_not_assumed_chinas():
    posts = _posts("越南是重要邻国。王志明同越南领导人会谈。越南各界热烈欢迎。王志明还分别同武文明国家主席、范明正总理会见。")
    assert ("总理", "国务院") not in posts.get("范明正", set())


def test_a_body_of_the_standing_committee_the_article_named():
    posts = _posts("十三届全国人大常委会第三十次会议举行。常委会法制工作委员会主任沈一鸣作了说明。")
    assert posts["沈一鸣"] == {("主任", "全国人民代表大会常务委员会法制工作委员会")}


def test_the_npcs_committees_printed_without_its_name_in_an_article_on_the_npc():
    posts = _posts("十四届全国人大一次会议举行。会议听取了教科文卫委主任委员赵一鸣、华侨委主任委员钱二宝、"
                   "农委主任委员孙三立分别作的报告。")
    assert posts == {"赵一鸣": {("主任委员", "全国人民代表大会教育科学文化卫生委员会")},
                     "钱二宝": {("主任委员", "全国人民代表大会华侨委员会")},
                     "孙三立": {("主任委员", "全国人民代表大会农业与农村委员会")}}


def test_a_bare_title_in_a_record_of_several_items_takes_the_nearest_country_before():
    posts = _posts("土耳其举行总统选举。土耳其媒体关注经济问题。选前民调显示，现任总统埃尔多根与其他候选人支持率接近。"
                   "苏丹冲突持续。苏丹各方同意停火。")
    assert posts["埃尔多根"] == {("总统", "土耳其共和国")}


def test_a_leader_of_a_movement_in_history_holds_no_office():
    assert _posts("纪念美国民权运动领袖马丁·路德·克发表演讲60周年。") == {}


@pytest.mark.parametrize("text", [
    "陕西某粮农集团有限责任公司原党委书记、董事长王东明违规销售储备粮。",  # 原 inside the body: a former office
    "某部环境评估中心原党委委员、副主任赵明远接受审查。",  # (after a 中心, and over the segment after it)
])
def test_a_former_office_inside_the_body_is_past(text):
    assert not any(held for held in _posts(text).values())


def test_a_post_at_a_former_body_is_past():
    assert not any(held for held in _posts("吉林省原林业局党组书记、局长胡东明受贿案一审宣判。").values())


def test_a_deputy_of_a_compound_title_is_a_deputy():
    # 副外长 is 副部长 of the state's foreign ministry, not its 部长
    assert _posts("伊朗副外长卡里米表示欢迎。") == {"卡里米": {("副部长", "伊朗外交部")}}


def test_a_foreign_ministry_printed_with_its_state_is_not_chinas():
    facts = facts_of("## 要闻\n\n伊朗外交部发表声明。\n")
    assert names(facts["organizations"]) == ["伊朗外交部"]


def test_a_short_body_name_stands_for_the_body_the_article_named_in_full():
    posts = _posts("十四届全国人大常委会第三次会议举行。常委会委员赵一鸣、钱二宝提出询问。")
    assert posts["赵一鸣"] == {("委员", "全国人民代表大会常务委员会")}
    assert posts["钱二宝"] == {("委员", "全国人民代表大会常务委员会")}


def test_a_place_printed_in_the_mention_beats_the_articles_context():
    facts = facts_of("## 四川召开会议\n\n四川各地代表参加。陕西省委书记赵一鸣主持会议。\n")
    assert posts_of(facts, "赵一鸣") == {("书记", "中共陕西省委员会")}


@pytest.mark.parametrize("text, name, post", [
    ("越共中央政治局委员阮文明会见代表团。", "阮文明", ("委员", "越南共产党中央政治局")),
    ("农工党中央主席张晓东出席。", "张晓东", ("主席", "中国农工民主党中央委员会")),
    ("越南国家主席武文明会见代表团。", "武文明", ("主席", "越南社会主义共和国")),
    ("法国议会通过法案。法总统马尔丹签署法令。", "马尔丹", ("总统", "法兰西共和国")),
    ("奥地利外长沙弗里德表示，", "沙弗里德", ("部长", "奥地利外交部")),
    ("奥地利能源部长格鲁伯表示，", "格鲁伯", ("部长", "奥地利能源部")),
    ("英国驻欧盟大使蒂姆·卡特递交信函。", "蒂姆·卡特", ("驻欧盟大使", "大不列颠及北爱尔兰联合王国")),
    ("联合国也门问题特使汉斯·伯格发表声明。", "汉斯·伯格", ("也门问题特使", "联合国")),
    ("朝鲜国务委员长金哲男会见代表团。", "金哲男", ("国务委员长", "朝鲜民主主义人民共和国")),
])
def test_foreign_states_and_parties_keep_their_own_names(text, name, post):
    assert _posts(text) == {name: {post}}


def test_a_country_word_is_no_mention_of_china():
    facts = facts_of("## 论坛\n\n来自100多个国家的代表参加会议。\n")
    assert "中华人民共和国" not in names(facts["organizations"])


def test_seats_of_a_temporary_presidium_and_past_offices_make_no_post():
    facts = facts_of("## 大会\n\n大会主席团常务主席、执行主席李明华主持会议。农业农村部原党组书记、部长唐明德被开除党籍。\n")
    assert facts["officials"] == []
    assert {"李明华", "唐明德"} <= set(names(facts["persons"]))


def test_one_title_shared_by_a_list_of_names():
    assert _posts("全国政协副主席胡一华、沈二跃、王三勇出席会议。") == {
        n: {("副主席", "中国人民政治协商会议全国委员会")} for n in ("胡一华", "沈二跃", "王三勇")}


def test_a_foreign_body_not_in_any_lexicon_is_read_up_to_the_verb_before_it():
    posts = _posts("总理李华明会见日本经济协作联合会会长中村一郎、日中交流协会会长山本健次率领的代表团。")
    assert posts["中村一郎"] == {("会长", "日本经济协作联合会")}
    assert posts["山本健次"] == {("会长", "日中交流协会")}
    assert posts["李华明"] == {("总理", "国务院")}


def test_a_body_printed_before_the_name_of_a_title_after_it():
    assert _posts("资阳市总工会王晓琳主席表示，要做好服务。") == {"王晓琳": {("主席", "资阳市总工会")}}


def test_an_enterprises_party_committee_and_its_chair():
    assert _posts("天津港(集团)有限公司党委书记、董事长丁振华出席。") == {
        "丁振华": {("书记", "中共天津港（集团）有限公司委员会"), ("董事长", "天津港（集团）有限公司")}}


@pytest.mark.parametrize("name", ["于海涛", "曾志强", "任嘉怡", "向东明"])
def test_surnames_that_are_also_function_words(name):
    assert _posts(f"荣成市总工会主席{name}介绍，服务站已经建成。") == {name: {("主席", "荣成市总工会")}}


def test_a_district_body_carries_its_city():
    facts = facts_of("## 驿站\n\n成都市武侯区人大常委会副主任孙佩兰出席。\n")
    assert posts_of(facts, "孙佩兰") == {("副主任", "成都市武侯区人民代表大会常务委员会")}


@pytest.mark.parametrize("text, name, post", [
    ("据报道，俄罗斯驻美国大使安东尼表示。", "安东尼", ("驻美国大使", "俄罗斯联邦")),
    ("卡塔尔埃米尔塔米尔与巴林国王哈马迪通电话。", "哈马迪", ("国王", "巴林王国")),
    ("出席中国发展高层论坛年会的汇丰集团行政总裁祈耀明表示。", "祈耀明", ("行政总裁", "汇丰集团")),
    ("泰国正大集团资深董事长谢国明会见客人。", "谢国明", ("资深董事长", "泰国正大集团")),
    ("巴基斯坦发生恐怖袭击事件向巴基斯坦总统阿尔维致慰问电。", "阿尔维", ("总统", "巴基斯坦伊斯兰共和国")),
])
def test_the_country_nearest_the_title_whose_rest_is_a_name(text, name, post):
    assert post in _posts(text)[name]


def test_a_foreign_partys_bodies_carry_the_party_through_the_chain():
    assert _posts("越共中央政治局委员、中央书记处书记、中央内政部部长潘庭明出席。") == {"潘庭明": {
        ("委员", "越南共产党中央政治局"), ("书记", "越南共产党中央书记处"), ("部长", "越南共产党中央内政部")}}


def test_a_bare_government_after_the_regions_committee_is_the_regions():
    assert ("副主席", "新疆维吾尔自治区人民政府") in _posts(
        "新疆维吾尔自治区党委常委、人民政府副主席玉苏甫·买买提出席。")["玉苏甫·买买提"]


def test_a_chinese_body_not_a_ministry_keeps_its_zhongguo():
    assert _posts("中国佛教协会西藏分会会长扎西明出席。") == {"扎西明": {("会长", "中国佛教协会西藏分会")}}


@pytest.mark.parametrize("text, name, post", [
    ("乌干达外交部国务部长奥凯洛表示。", "奥凯洛", ("国务部长", "乌干达外交部")),
    ("乌克兰总统办公室主任顾问波多利克表示。", "波多利克", ("主任顾问", "乌克兰总统办公室")),
    ("斐济代总理海尤特表示。", "海尤特", ("代总理", "斐济共和国")),
    ("古巴国家主席迪亚斯-卡内罗表示感谢。", "迪亚斯-卡内罗", ("主席", "古巴共和国")),
    ("菲律宾新任总统马科特就职。", "马科特", ("总统", "菲律宾共和国")),
    ("俄驻美大使安东诺维当天表示。", "安东诺维", ("驻美大使", "俄罗斯联邦")),
    ("英国政府财政大臣亨特里公布预算。", "亨特里", ("大臣", "英国财政部")),
    ("以色列总理、外交部长拉皮多主持会议。", "拉皮多", ("部长", "以色列外交部")),
    ("会议听取了宪法和法律委员会副主任委员王明宁作的汇报。", "王明宁", ("副主任委员", "宪法和法律委员会")),
])
def test_foreign_titles_their_bodies_and_names(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text", ["欧盟外长会未就能源禁运达成共识。", "大会执行主席王君明在主席台就座。",
                                  "村党委书记、村委会主任陆秀明介绍。"])
def test_meetings_presidiums_and_bodies_with_no_owner_make_no_post(text):
    facts = facts_of(f"## 新闻\n\n{text}\n")
    assert all(p["org"] not in ("大会", "村委会") for o in facts["officials"] for p in o["posts"])
    assert "会未" not in names(facts["officials"])


@pytest.mark.parametrize("text, name, post", [
    ("阿富汗民族联盟主席阿卜杜勒表示。", "阿卜杜勒", ("主席", "阿富汗民族联盟")),
    ("日本自民党新总裁岸田文明当选。", "岸田文明", ("总裁", "日本自由民主党")),
    ("罗马尼亚亲罗马尼亚党主席蓬塔斯致贺。", "蓬塔斯", ("主席", "罗马尼亚亲罗马尼亚党")),
    ("泰国副总理兼公共卫生部长阿努丁表示。", "阿努丁", ("部长", "泰国公共卫生部")),
    ("加纳新爱国党领袖、总统阿库福-阿尔多表示。", "阿库福-阿尔多", ("总统", "加纳共和国")),
    ("美国药管局生物制品评价与研究中心主任彼得·马克表示。", "彼得·马克", ("主任", "美国药管局生物制品评价与研究中心")),
])
def test_parties_and_states_in_one_chain(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text", ["习近平总书记、国家主席同通伦总书记、国家主席通了电话。",
                                  "白宫新冠疫情应对团队高级顾问安迪·斯拉维表示。", "贝内特在就任以色列总理后呼吁美国。"])
def test_particles_generic_bodies_and_time_words_make_no_post(text):
    facts = facts_of(f"## 新闻\n\n{text}\n")
    assert not any(o["name"] in ("通了电话", "后呼吁") for o in facts["officials"])
    assert all(p["org"] != "团队" for o in facts["officials"] for p in o["posts"])


@pytest.mark.parametrize("text, name, post", [
    ("叙利亚外交部副部长费萨尔·梅克达表示。", "费萨尔·梅克达", ("副部长", "叙利亚外交部")),
    ("澳大利亚共产党全国主席莫利诺表示。", "莫利诺", ("全国主席", "澳大利亚共产党")),
    ("印度尼西亚专业集团党总主席艾尔朗表示。", "艾尔朗", ("总主席", "印度尼西亚专业集团党")),
    ("中国残联主席张海明代表残联致辞。", "张海明", ("主席", "中国残疾人联合会")),
])
def test_a_countrys_own_bodies_before_the_lexicons(text, name, post):
    assert post in _posts(text)[name]


def test_the_country_an_article_is_about_beats_a_country_inside_a_citys_name():
    facts = facts_of("## 访问\n\n委员长对哈萨克斯坦进行访问。哈萨克斯坦各界欢迎。在努尔苏丹会见首任总统纳扎尔和总统托卡耶维。\n")
    assert posts_of(facts, "托卡耶维") == {("总统", "哈萨克斯坦共和国")}
    assert "纳扎尔" not in names(facts["officials"])


@pytest.mark.parametrize("text", ["以阮富明总书记为首的越共中央坚强领导下，越南党和人民取得成就。",
                                  "在欧洲疫情最严重的意大利，总理孔特里8日签署法令。"])
def test_a_bare_title_in_a_foreign_sentence_is_not_the_chinese_office(text):
    facts = facts_of(f"## 国际\n\n{text}\n")
    assert all(p["org"] not in ("中国共产党中央委员会", "国务院") for o in facts["officials"] for p in o["posts"])


@pytest.mark.parametrize("text", ["德国在担任欧盟轮值主席国期间将推动合作。", "主席团常务主席王晨明出席会议。"])
def test_a_country_holding_a_chair_and_a_presidium_make_no_post(text):
    facts = facts_of(f"## 国际\n\n{text}\n")
    assert all(p["org"] not in ("欧洲联盟", "主席团") for o in facts["officials"] for p in o["posts"])
    assert "国期间" not in names(facts["officials"])


@pytest.mark.parametrize("text", ["会议听取了大会副秘书长姜信明作的汇报。", "会议由大会执行主席、主席团常务主席李干明主持。",
                                  "大会执行主席马逢明、黄楚明在主席台执行主席席就座。"])
def test_a_sessions_roles_are_no_posts(text):
    facts = facts_of(f"## 会议\n\n{text}\n")
    assert facts["officials"] == []


def test_the_country_named_in_the_sentence_not_the_one_the_article_names_most():
    facts = facts_of("## 选举\n\n美国官员表示关注。美国媒体报道。根据土耳其最高选举委员会公布的数据，现任总统埃尔多安得票率最高。\n")
    assert posts_of(facts, "埃尔多安") == {("总统", "土耳其共和国")}


def test_an_academic_divisions_member_is_a_person():
    facts = facts_of("## 学习\n\n中国社会科学院学部委员王巍明作报告。\n")
    assert facts["officials"] == [] and "王巍明" in names(facts["persons"])


@pytest.mark.parametrize("text, name, post", [
    ("中国和哈萨克斯坦合作委员会中方主席韩正明会见客人。", "韩正明", ("中方主席", "中国和哈萨克斯坦合作委员会")),
    ("俄罗斯联邦总检察院第一副总检察长布克斯曼说。", "布克斯曼", ("第一副总检察长", "俄罗斯联邦总检察院")),
    ("俄罗斯媒体援引委内瑞拉外长阿雷亚萨的话报道。", "阿雷亚萨", ("部长", "委内瑞拉外交部")),
])
def test_bodies_joined_with_he_and_countries_after_a_clause(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text", ["响水县时任环保局局长温劲明被立案调查。", "现任董事会主席卡尔霍恩将担任首席执行官。",
                                  "俄罗斯总统普京本月初表示。", "同马塔雷拉总统、孔特总理举行会谈，就中意关系交换意见。"])
def test_past_offices_generic_boards_and_foreign_premiers_make_no_chinese_post(text):
    facts = facts_of(f"## 新闻\n\n意大利总统访华。意大利各界关注。{text}\n")
    assert all(p["org"] not in ("国务院", "董事会") for o in facts["officials"] for p in o["posts"])
    assert "温劲明" not in names(facts["officials"]) and "普京本" not in names(facts["officials"])


@pytest.mark.parametrize("text, name, post", [
    ("智利体育事务部长罗哈斯出席。", "罗哈斯", ("部长", "智利体育事务部")),
    # a ministry whose name lists fields with 、: the whole name, never a crash
    ("他会见了新西兰渔业、海洋与气候事务部长罗伯逊。", "罗伯逊", ("部长", "新西兰渔业、海洋与气候事务部")),
])
def test_a_minister_of_a_shiwu_ministry_heads_the_ministry(text, name, post):
    """部长 after X事务 heads X事务部 (not 也门问题特使's kind of title); a country carried to the
    second field of a 、 list once gave an organisation mention without a start, which stopped
    the whole build."""
    assert post in _posts(text)[name]


def test_dui_hua_opens_a_body_s_name_and_a_role_board_alone_names_no_body():
    """对 is stripped before a chain (…将播出对古巴总理), but 对华/对外 open a noun the tagger reads
    (对华合作国家委员会); a board named by its role alone (顾问委员会) is any body's."""
    assert ("主席", "对华合作国家委员会") in \
        _posts("塞尔维亚总统夫妇，对华合作国家委员会主席、前总统彼得罗维奇夫妇热情迎接。")["彼得罗维奇"]
    assert _posts("顾问委员会主席约翰·史密斯等发言。") == {}
    assert _posts("北京大学光华管理学院顾问委员会主席约翰·史密斯等发言。")["约翰·史密斯"] == \
        {("主席", "北京大学光华管理学院顾问委员会")}


def test_a_title_read_across_two_bodies_names_no_one():
    """部长 inside 农业农村部 + 长江…管理局: what stands before 管理局 is part of a body, not a name."""
    assert _posts("记者从农业农村部长江流域渔政管理局获悉，禁渔成效明显。") == {}


def test_two_fields_joined_with_he_stay_in_a_body_s_name_whatever_their_tags():
    """城市和小城镇: the tagger may read the second field as a name (nr); it is still a noun of the body."""
    assert _posts("中国农村和小城镇发展研究中心主任王立华介绍。")["王立华"] == {("主任", "中国农村和小城镇发展研究中心")}


def test_a_state_s_organisation_after_its_vice_president_keeps_the_state():
    """伊朗副总统兼X组织主席: a 组织 of the state is one of its departments, printed without it."""
    assert ("主席", "伊朗环境保护组织") in _posts("伊朗副总统兼环境保护组织主席萨拉里出席开幕式。")["萨拉里"]


def test_a_country_s_abbreviation_paired_with_zhong_stays_in_a_body_s_name():
    """朝中友好: 朝 is a state's abbreviation before 中 here, not the preposition 朝 (towards)."""
    assert _posts("朝鲜最高人民会议朝中友好议员团委员长金成男表示。")["金成男"] == \
        {("委员长", "朝鲜最高人民会议朝中友好议员团")}


@pytest.mark.parametrize("text", ["建立四学联动机制，党组织书记带学，党员干部领学。", "基层党组织书记王明远讲党课。"])
def test_a_party_organisation_of_any_kind_names_no_body(text):
    """党组织 is a kind of body (any unit's party branch), like 单位 or 部门: no post at it, and a
    verb after its 书记 (带学) is no person."""
    assert _posts(text) == {}


def test_a_second_general_secretary_in_a_sentence_is_not_the_cpcs():
    """A body's one head is one person: the second bare 总书记 of a sentence leads another party,
    which the title alone does not name, so no post is guessed for him."""
    posts = _posts("在王志明总书记、国家主席和宋达伦总书记、国家主席共同引领下，两国关系不断发展。")
    assert posts["王志明"] == {("总书记", "中国共产党中央委员会")}
    assert ("总书记", "中国共产党中央委员会") not in posts.get("宋达伦", set())
    assert _posts("王志明副总理、李华强副总理出席。") == {
        "王志明": {("副总理", "国务院")}, "李华强": {("副总理", "国务院")}}


def test_a_clause_between_two_countries_is_no_title_and_no_body():
    """…就甲国航空公司客机失事造成乙国人员伤亡向乙国国王A致慰问电: the clause is no part of a title, and the
    first country of the sentence is not the king's; the country right before the title is."""
    posts = _posts("主席就印度航空公司客机失事造成英国重大人员伤亡向英国国王亨利九世致慰问电。")
    assert posts == {"亨利九世": {("国王", "大不列颠及北爱尔兰联合王国")}}


@pytest.mark.parametrize("text, name, post", [
    ("他会见了希腊国民经济和财政部长帕帕斯。", "帕帕斯", ("部长", "希腊国民经济和财政部")),
    ("秘鲁经济财政部长胡安·罗萨斯表示。", "胡安·罗萨斯", ("部长", "秘鲁经济财政部")),
    ("他会见了爱尔兰农业、食品与海洋事务部长奥莱利。", "奥莱利", ("部长", "爱尔兰农业、食品与海洋事务部")),
    ("美国国务卿布朗、国防部长格林出席。", "格林", ("部长", "美国国防部")),
])
def test_a_foreign_ministry_keeps_every_field_of_its_name(text, name, post):
    """希腊国民经济和财政部长: the ministry is 国民经济和财政部 of Greece, not the 财政部 a compound title
    names alone (China's); the fields before a 、 belong to the ministry too."""
    assert _posts(text)[name] == {post}


def test_two_offices_joined_by_he_are_no_ministry():
    assert ("部长", "希腊总理和财政部") not in _posts("他会见了希腊总理和财政部长帕帕斯。").get("帕帕斯", set())


@pytest.mark.parametrize("text, name", [
    ("他会见了秘鲁前经济财政部长胡安·罗萨斯。", "胡安·罗萨斯"),  # 前 after the state
    ("韩国代总统金明洙1日宣布辞去代总统及总理职务。", "金明洙"),  # the offices he gives up
    ("第八届全国人民代表大会常务委员会副委员长王振国同志，因病医治无效，于2025年1月8日在北京逝世。", "王振国"),
    ("主席就纳米比亚开国总统努纳马逝世致唁电。", "努纳马"),  # an obituary; 开国 is a past office
])
def test_past_offices_of_the_retired_the_resigned_and_the_dead_make_no_post(text, name):
    facts = facts_of("## 要闻\n\n" + text + "\n")
    assert name not in names(facts["officials"])
    assert name in names(facts["persons"])


def test_a_party_named_qianjin_is_no_past_office():
    assert _posts("法国前进党主席让·杜邦出席。") == {"让·杜邦": {("主席", "法国前进党")}}


def test_a_body_printed_bare_after_an_international_organisation_is_its_own():
    """联合国副秘书长兼妇女署执行主任: the 妇女署 is the UN's, shared from the segment before (a bare 妇女署
    names no body); a body the lexicon knows by its short form keeps its own name."""
    assert _posts("联合国副秘书长兼妇女署执行主任玛丽亚·洛佩斯出席。")["玛丽亚·洛佩斯"] == {
        ("副秘书长", "联合国"), ("执行主任", "联合国妇女署")}
    assert ("署长", "联合国开发计划署") in _posts("联合国副秘书长兼开发计划署署长汉斯·穆勒出席。")["汉斯·穆勒"]


@pytest.mark.parametrize("text, name", [
    ("市第一人民医院主任护师吴晓岚介绍经验。", "吴晓岚"),
    ("市第一人民医院副主任医师吴晓岚介绍经验。", "吴晓岚"),
    ("某报社主任记者吴晓岚介绍经验。", "吴晓岚"),
    ("某公司高级工程师吴晓岚介绍经验。", "吴晓岚"),
])
def test_a_professional_rank_is_no_office(text, name):
    """主任护师 is a rank (职称), not the office 主任 followed by the name 护师吴晓岚: the holder is a
    person with no post."""
    facts = facts_of(f"## 要闻\n\n{text}\n")
    assert facts["officials"] == []
    assert name in names(facts["persons"])


@pytest.mark.parametrize("text, name, post", [
    ("德国看守政府外长安娜莉娜说，", "安娜莉娜", ("部长", "德国外交部")),  # the state's caretaker government
    # one state's officials listed with commas, transliterated names: not China's ministry
    ("马来西亚总理安瓦尔，外交部部长穆罕默德，陪同部长等高级官员迎接。", "穆罕默德", ("部长", "马来西亚外交部")),
    ("主席会见美国总统拜伦，外交部部长王文明参加。", "王文明", ("部长", "外交部")),  # a Han name: China's
])
def test_a_compound_title_after_a_states_government_and_a_list_of_one_states_officials(text, name, post):
    assert _posts(text)[name] == {post}


@pytest.mark.parametrize("text, name, post", [
    ("副总理会见沙特阿美董事长鲁达尼。", "鲁达尼", ("董事长", "沙特阿美")),  # a state has no 董事长
    ("阿曼石油首席执行官哈米德等先后发言。", "哈米德", ("首席执行官", "阿曼石油")),
])
def test_an_enterprise_named_after_its_state_holds_its_heads_titles(text, name, post):
    assert _posts(text)[name] == {post}


@pytest.mark.parametrize("text, name, post", [
    # China has no president: a bare president's office is the foreign state's the sentence or article is about
    ("离开时，哈萨克斯坦总统卡米诺率总统办公厅主任别尔坦等到机场送行。", "别尔坦", ("主任", "哈萨克斯坦总统办公厅")),
    ("乌克兰总统萨文科10日说，乌代表团团长、总统办公室主任科瓦连科当天辞职。", "科瓦连科", ("主任", "乌克兰总统办公室")),
    ("李明访问白俄罗斯。会见总统办公厅主任别尔坦时，李明表示，愿保持交往。", "别尔坦", ("主任", "白俄罗斯总统办公厅")),
    # a ministry after a clause naming its state (由 …率领)
    ("以色列代表团由战略事务部长埃尔达德率领。", "埃尔达德", ("部长", "以色列战略事务部")),
    # a hyphen inside the name of a state of a federation is part of the name
    ("德国北莱茵-威斯特法伦州内政部长施密特24日表示。", "施密特", ("部长", "德国北莱茵-威斯特法伦州内政部")),
    # a title with a prefix (行政部长) does not take the last field of the ministry's name
    ("波兰内政和行政部长科瓦尔斯基3日宣布。", "科瓦尔斯基", ("部长", "波兰内政和行政部")),
    # a ministry of a state's government: 内政 names the ministry, not a title
    ("叙利亚过渡政府内政部长阿卜杜勒25日发表声明。", "阿卜杜勒", ("部长", "叙利亚过渡政府内政部")),
])
def test_a_foreign_body_keeps_its_state_and_its_whole_name(text, name, post):
    assert post in _posts(text)[name]


def test_a_ministry_of_fields_after_jian_keeps_its_first_field():
    """科特迪瓦国务部长兼农业、农村发展与粮食生产部长: the 、 lists fields of one ministry after 兼."""
    assert _posts("科特迪瓦国务部长兼农业、农村发展与粮食生产部长库阿西表示。")["库阿西"] == {
        ("国务部长", "科特迪瓦共和国"), ("部长", "科特迪瓦农业、农村发展与粮食生产部")}


@pytest.mark.parametrize("text, name, post", [
    ("巴勒斯坦解放组织执行委员会秘书长纳比勒今天说。", "纳比勒", ("秘书长", "巴勒斯坦委员会")),  # one name, no clause
    ("以色列内阁授权总理奥伦和国防部长莫尔登决定。", "莫尔登", ("部长", "以色列总理奥伦和国防部")),  # two people
])
def test_no_state_body_is_made_of_a_name_or_of_two_people(text, name, post):
    assert post not in _posts(text).get(name, set())


@pytest.mark.parametrize("text, name, post", [
    # a chain at a foreign party is that state's, and so is the chain listed after it
    ("主席同越共中央总书记阮文安、国家主席黎明就建交互致贺电。", "黎明", ("主席", "越南社会主义共和国")),
    ("会见老挝人民革命党中央总书记坎平、总理宋巴。", "宋巴", ("总理", "老挝人民民主共和国")),
    # a chain at a Chinese central body is China's, whatever state the clause names before it
    ("越南各界热切期待中共中央总书记、国家主席王明对越南进行国事访问。", "王明", ("主席", "中华人民共和国")),
    # 国防大臣, 财政大臣, 内政大臣: a minister's title that carries its ministry, as 外交大臣 does
    ("伊朗总统会见到访的沙特国防大臣法赫德时表示，", "法赫德", ("大臣", "沙特国防部")),
    ("英国财政大臣布朗宁说，", "布朗宁", ("大臣", "英国财政部")),
    # short forms of central bodies (中央农办, 首规委)
    ("中央财办副主任、中央农办副主任王明在青海宣讲。", "王明", ("副主任", "中央农村工作领导小组办公室")),
    ("中共中央政治局委员、首规委主任李华主持会议。", "李华", ("主任", "首都规划建设委员会")),
])
def test_the_state_of_a_chain_from_its_party_and_bodies_named_by_their_title_or_short_form(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, post", [
    # one body with two names: the party's name where printed so, the state's where printed bare
    ("中国共产党中央军事委员会副主席张明简历", "张明", ("副主席", "中国共产党中央军事委员会")),
    ("中共中央政治局委员、中央军委副主席张又明出席。", "张又明", ("副主席", "中华人民共和国中央军事委员会")),
])
def test_the_partys_and_the_states_military_commission_as_printed(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, post", [
    # 纪念 inside the word 纪念活动 is no verb opening a clause
    ("中共中央政治局常委、纪念活动领导小组组长王志远出席。", "王志远", ("组长", "纪念活动领导小组")),
    ("纪念活动领导小组副组长王志远、李海涛参加活动。", "李海涛", ("副组长", "纪念活动领导小组")),
    # 的 inside the word 党的建设 ends no clause
    ("中共中央政治局常委、中央党的建设工作领导小组组长王志远主持会议。", "王志远", ("组长", "中央党的建设工作领导小组")),
    # a body named after its task: the verb (表彰, 执行) is part of its name when nouns stand before it
    ("中共中央政治局常委、党和国家功勋荣誉表彰工作委员会主任王志远出席。", "王志远",
     ("主任", "党和国家功勋荣誉表彰工作委员会")),
    ("阿尔法国家解放组织执行委员会秘书长纳比勒今天说。", "纳比勒", ("秘书长", "阿尔法国家解放组织执行委员会")),
])
def test_a_chinese_body_is_not_cut_at_a_word_inside_its_name(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, posts", [
    # 中国 begins the known body's name; the party committee is named as party committees are, and the
    # body's own titles after it are the body's
    ("中国证券监督管理委员会党委书记、主席王志远在某地作报告。", "王志远",
     {("书记", "中共中国证券监督管理委员会委员会"), ("主席", "中国证券监督管理委员会")}),
    ("中国人民银行党委委员、副行长王志远作报告。", "王志远",
     {("委员", "中共中国人民银行委员会"), ("副行长", "中国人民银行")}),
])
def test_the_party_committee_of_a_known_body_keeps_the_bodys_whole_name(text, name, posts):
    assert _posts(text)[name] == posts


def test_a_verb_before_a_body_named_by_its_kind_alone_still_ends_the_clause():
    assert _posts("他会见工作委员会主任王志远。").get("王志远", set()) == set()


@pytest.mark.parametrize("text, posts", [
    # 或 separates two people as 和 does: the titles before A are A's only
    ("乌克兰第一副总理、经济部长萨文科或外交部长科瓦连科代表政府签署协议。", {
        "萨文科": {("第一副总理", "乌克兰"), ("部长", "乌克兰经济部")}, "科瓦连科": {("部长", "乌克兰外交部")}}),
    # …and where nothing before the title says the chain is foreign, a transliterated name before 或 and the
    # next chain is read all the same
    ("乌克兰政府发布政府令，授权乌第一副总理、经济部长萨文科或外交部长科瓦连科签署协议。", {
        "萨文科": {("副总理", "乌克兰"), ("部长", "乌克兰经济部")}, "科瓦连科": {("部长", "乌克兰外交部")}}),
    ("授权国务院副总理王志远或商务部部长李海涛签署协议。", {
        "王志远": {("副总理", "国务院")}, "李海涛": {("部长", "商务部")}}),
])
def test_huo_separates_two_people(text, posts):
    assert _posts(text) == posts


@pytest.mark.parametrize("text, name", [
    # the counterpart of China's head of state met with 同 is no premier of China's 国务院, whatever his name looks like
    ("今年6月，主席同林志成总理举行友好会见，就下阶段两国关系发展作出战略规划。", "林志成"),
    ("他表示，在王志远主席和林志成总理战略引领下，两国确立了伙伴关系新定位。", "林志成"),
    ("副主席分别会见阿尔瓦多总统和林志成总理。", "林志成"),  # a president's fellow: China has no president
])
def test_a_bare_premier_joined_to_a_foreign_head_is_not_chinas(text, name):
    assert ("总理", "国务院") not in _posts(text).get(name, set())


def test_chinas_leaders_greeted_together_keep_the_premiers_default():
    """转达对A主席和B总理的问候: no two states are spoken of, B is China's premier."""
    assert _posts("来宾转达了对王志远主席和林志成总理的诚挚问候。")["林志成"] == {("总理", "国务院")}


@pytest.mark.parametrize("text, name, post", [
    # a body the lexicon knows as China's, printed bare after 、 or 兼 in a chain of one foreign state: the state's
    ("越南副总理兼财政部部长胡文明等出席开幕式。", "胡文明", ("部长", "越南财政部")),
    ("韩国副总理兼教育部长朴振浩表示。", "朴振浩", ("部长", "韩国教育部")),
    ("副主席会见由越南共产党中央政治局委员、河内市委书记丁文明率领的代表团。", "丁文明", ("书记", "越南河内市委")),
])
def test_a_known_chinese_body_in_a_foreign_chain_is_the_foreign_states(text, name, post):
    assert post in _posts(text)[name]
    assert not any(org in ("财政部", "教育部") or org.startswith("中共") for _, org in _posts(text)[name])


@pytest.mark.parametrize("text, name, post", [
    # a bare ministry or house held by a transliterated name: the foreign state the sentence names, else the article's
    ("以色列安全内阁22日晚批准了国防部长卡尔曼的建议。", "卡尔曼", ("部长", "以色列国防部")),
    ("委内瑞拉举行阅兵。总统还称已与国防部长洛萨诺及军方高层审查国家防御计划。", "洛萨诺", ("部长", "委内瑞拉国防部")),
    ("斯洛伐克公布计票结果，在第二轮投票中，国民议会议长佩特罗维奇得票最多。", "佩特罗维奇", ("议长", "斯洛伐克国民议会")),
    ("泰国国会主席兼下议院议长万塔诺出席。", "万塔诺", ("议长", "泰国下议院")),
    # the state's one-character abbreviation before its house is not printed twice
    ("在中国驻洪都拉斯大使馆举行的招待会上，洪国民议会议长雷东达等高度评价。", "雷东达", ("议长", "洪都拉斯国民议会")),
])
def test_a_bare_state_organ_of_a_foreign_holder_is_the_foreign_states(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, post", [
    # international bodies have committees and agencies too: no state is guessed for them
    ("此外，欧盟委员会宣布推迟对美反制措施，欧洲议会贸易委员会主席朗克对此表示质疑。", "朗克", ("主席", "欧洲议会贸易委员会")),
    ("北约军事委员会主席鲍尔斯14日称，允许乌克兰使用远程武器是合理的。", "鲍尔斯", ("主席", "北大西洋公约组织军事委员会")),
    ("外交部长王志远会见法国客人。", "王志远", ("部长", "外交部")),  # a Han name: China's
])
def test_no_state_is_guessed_for_an_international_body_or_a_chinese_minister(text, name, post):
    assert post in _posts(text)[name]


def test_the_chain_after_a_foreign_compound_title_is_the_same_states():
    """外交部长A、经济与财政部长B (法国 named in the sentence): B's ministry is the state's too."""
    assert _posts("再度出任法国总理的杜瓦尔公布了名单，包括外交部长马尔丹、经济与财政部长莱斯屈等人留任。")["莱斯屈"] == {
        ("部长", "法国经济与财政部")}


@pytest.mark.parametrize("text, name, post", [
    # X工委 inside a known body: its X工作委员会, as the body names itself
    ("受委员长会议委托，全国人大常委会预算工委主任王志远作了说明。", "王志远",
     ("主任", "全国人民代表大会常务委员会预算工作委员会")),
    ("会议听取了全国人大常委会代表工委主任王志远作的报告。", "王志远", ("主任", "全国人民代表大会常务委员会代表工作委员会")),
    # a state named inside an event's name is not the owner of what follows the event's 的
    ("副主席在南宁会见来华出席第22届中国—东盟博览会暨中国—东盟商务与投资峰会的越南副总理梅文明。", "梅文明",
     ("副总理", "越南社会主义共和国")),
    # the cabinet's office, bare after 兼 in a chain of one foreign state
    ("副主席分别会见来华出席博览会的缅甸总理纽温、柬埔寨副首相兼内阁办公厅大臣翁赛维。", "翁赛维", ("大臣", "柬埔寨内阁办公厅")),
])
def test_a_body_after_its_owner_or_an_event_is_named_whole(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, post", [
    # a party named by what it stands for, bare in a chain of one foreign state or held by a foreign name
    ("埃及总统特使、副总理瓦齐尔，保加利亚政府副总理、社会党主席扎菲罗等出席。", "扎菲罗", ("主席", "保加利亚社会党")),
    ("法国总统府13日宣布，总统当天任命民主运动党主席贝鲁斯为新总理。", "贝鲁斯", ("主席", "法国民主运动党")),
    ("习近平抵达金边。柬埔寨国王率王室成员，人民党主席、参议院主席洪萨等迎接。", "洪萨", ("主席", "柬埔寨人民党")),
])
def test_a_bare_party_of_a_foreign_chain_or_holder_is_the_states(text, name, post):
    assert post in _posts(text)[name]


def test_a_chinese_democratic_party_in_a_chinese_chain_is_unchanged():
    assert _posts("全国人大常委会副委员长、民革中央主席王志远出席。")["王志远"] == {
        ("副委员长", "全国人民代表大会常务委员会"), ("主席", "中国国民党革命委员会中央委员会")}


def test_a_department_after_a_seat_in_a_local_party_committee_is_the_committees():
    assert _posts("浙江省委常委、组织部部长王志远出席。")["王志远"] == {
        ("常委", "中共浙江省委员会"), ("部长", "中共浙江省委员会组织部")}


@pytest.mark.parametrize("text, name", [
    ("该研究中心主席万巴表示，经济前景正在恶化。", "万巴"),  # 该: the body named before, not a name
    ("该党团第一副主席金加当天表示。", "金加"),
    ("组委会主席、体育总局局长王志远赠送纪念徽章。", "王志远"),  # 组委会 of an event named elsewhere
])
def test_a_body_named_by_a_pointing_word_or_its_kind_alone_makes_no_post(text, name):
    assert not any(org in ("研究中心", "党团", "组委会") for _, org in _posts(text).get(name, set()))


def test_the_head_of_a_transitional_government_of_a_foreign_name_is_the_states():
    assert _posts("帮派武装袭击该机场，要求阻止过渡政府总理罗塞尔·亨利回国。海地局势动荡。")["罗塞尔·亨利"] == {
        ("总理", "海地共和国")}


def test_a_ministry_in_a_foreign_presidency_keeps_its_fields_and_its_state():
    """总统府规划、监督和评估部长 (南非 named before): the presidency's ministry, its first field kept."""
    assert _posts("南非非国大第二副总书记，总统府规划、监督和评估部长拉莫豪在致辞中表示。")["拉莫豪"] == {
        ("部长", "南非总统府规划、监督和评估部")}


@pytest.mark.parametrize("text, name, post", [
    # 众议长, 参议长: a speaker of a house, at that house of the state, not at the state
    ("埃及众议长贾希德表示，", "贾希德", ("议长", "埃及众议院")),
    ("菲律宾参议长埃斯库多说，", "埃斯库多", ("议长", "菲律宾参议院")),
    ("加拿大众议院议长罗塔宣布辞职。", "罗塔", ("议长", "加拿大众议院")),
    # a state not read apart from a body whose name opens with it (老挝和平 is a word)
    ("老挝国会副主席、老挝和平与团结委员会主席宋坎在会上发言。", "宋坎", ("主席", "老挝和平与团结委员会")),
])
def test_a_house_of_parliament_and_a_body_named_after_its_state(text, name, post):
    assert post in _posts(text)[name]


@pytest.mark.parametrize("text, name, post", [
    # a role for one visit or meeting is no office: 陪同部长 (the minister attending a guest), 代表团主席
    ("专机抵达时，某国总理安达，外交部部长穆罕，陪同部长、交通部部长陆福等迎接。", "陆福", ("部长", "某国")),
    ("专机抵达时，马来西亚总理安达，外交部部长穆罕，陪同部长、交通部部长陆福等迎接。", "陆福", ("部长", "马来西亚")),
    ("法方代表团主席勒梅表示，", "勒梅", ("主席", "法方代表团")),
    # a house of parliament with no state known: China has none
    ("共和党籍众议院议长约翰森7日说，", "约翰森", ("议长", "众议院")),
])
def test_no_post_for_a_role_of_one_visit_or_a_house_of_no_known_state(text, name, post):
    assert post not in _posts(text).get(name, set())


def test_the_minister_after_a_role_of_one_visit_keeps_his_ministry():
    posts = _posts("专机抵达时，马来西亚总理安达，外交部部长穆罕，陪同部长、交通部部长陆福等迎接。")
    assert posts["陆福"] == {("部长", "马来西亚交通部")}


def test_a_bare_party_takes_no_state_from_the_article_alone():
    """A record of greetings from many states: 刚果劳动党主席 is not a party of the state the record names most."""
    posts = _posts("发来贺电的还有古巴国家主席迪亚诺、纳米比亚总统姆本加。刚果劳动党主席、总统萨苏表示祝贺。")
    assert not any(org.startswith("纳米比亚") for _, org in posts.get("萨苏", set()))


def test_a_state_title_after_a_body_named_with_its_state_is_the_states():
    assert _posts("乍得军事过渡委员会主席、总统穆罕纳表示，愿深化友谊。")["穆罕纳"] == {
        ("主席", "乍得军事过渡委员会"), ("总统", "乍得共和国")}


def test_a_bare_party_in_a_list_of_many_states_takes_no_neighbours_state():
    posts = _posts("贺电来自南非非国大主席、总统拉马福，纳米比亚总统姆本加，刚果劳动党主席萨苏等。")
    assert not any(org.startswith("纳米比亚") for _, org in posts.get("萨苏", set()))


@pytest.mark.parametrize("text, name, post", [
    # words before 与 in front of a state's title are another person's or another clause's, never part of the title
    ("韩国执政党国民力量党党首韩东明与国务总理韩德明今天会谈后表示。", "韩德明", ("国务总理", "大韩民国")),
    ("欧洲多国领导人15日在德国柏林与乌克兰总统泽连科及美国代表举行会谈。", "泽连科", ("总统", "乌克兰")),
    ("波黑塞族共和国总理维什科维在致辞中说。", "维什科维", ("塞族共和国总理", "波斯尼亚和黑塞哥维那")),  # 共和国 is no 和
])
def test_a_clause_before_yu_is_no_part_of_a_states_title(text, name, post):
    assert _posts(text)[name] == {post}


def test_an_envoys_title_after_zhu_holds_no_clause():
    """阿联酋驻叙利亚大使馆临时代办A14日在大马士革向叙利亚总统B: B is Syria's president, not the UAE's clause."""
    assert _posts("据报纸消息，阿联酋驻叙利亚大使馆临时代办努阿米14日在大马士革向叙利亚总统巴萨姆转交了邀请函。")["巴萨姆"] == {
        ("总统", "阿拉伯叙利亚共和国")}


def test_a_department_of_a_paper_printed_before_it_takes_no_state():
    posts = _posts("塞内加尔媒体关注。《太阳报》编辑部主任姆博拉表示赞赏。")
    assert not any(org.startswith("塞内加尔") for _, org in posts.get("姆博拉", set()))


def test_a_title_after_a_name_is_the_office_the_article_gave_the_same_name_before():
    """越共中央总书记A … A总书记同志: the foreign party's general secretary, not China's by default."""
    posts = _posts("越共中央总书记阮文安致电。展望明年，我愿同阮文安总书记同志保持密切联系。")
    assert posts["阮文安"] == {("总书记", "越南共产党中央委员会")}
    assert _posts("王明总书记强调，要加强合作。")["王明"] == {("总书记", "中国共产党中央委员会")}
