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
