"""Union bodies and party / state organisations: names, abbreviations, hierarchy."""
from __future__ import annotations

import pytest
from conftest import entity, facts_of, findings_of, kb_of, names, one, posts_of


# ---------------------------------------------------------------------------
# Seeds, page 000
# ---------------------------------------------------------------------------


def test_national_union_and_its_abbreviations(facts000):
    acftu = one(facts000["union_bodies"], "中华全国总工会")
    assert {"全国总工会", "全总"} <= set(acftu["aliases"])
    assert acftu["parent"] is None
    assert acftu["province"] is None


def test_bare_sheng_zong_gonghui_in_henan_article_is_henan_federation(facts000):
    henan = one(facts000["union_bodies"], "河南省总工会")
    assert "省总工会" in henan["aliases"]
    assert henan["parent"] == "中华全国总工会"
    assert henan["province"] == "河南省"


def test_bare_sheng_zong_in_guangdong_article_is_guangdong_federation(facts000):
    gd = one(facts000["union_bodies"], "广东省总工会")
    assert "省总" in gd["aliases"]
    assert gd["parent"] == "中华全国总工会"
    assert gd["province"] == "广东省"


def test_no_union_is_named_by_a_bare_abbreviation(facts000, facts003):
    for facts in (facts000, facts003):
        for u in names(facts["union_bodies"]):
            assert u not in ("省总工会", "市总工会", "省总", "市总", "自治区总工会", "全总")


def test_ningxia_federation_from_zizhiqu_zong_gonghui(facts000):
    nx = one(facts000["union_bodies"], "宁夏回族自治区总工会")
    assert "自治区总工会" in nx["aliases"]
    assert nx["province"] == "宁夏回族自治区"
    assert nx["parent"] == "中华全国总工会"


def test_state_bodies_get_canonical_names(facts000):
    orgs = {o["name"]: o["aliases"] for o in facts000["organizations"]}
    assert "河南省人大常委会" in orgs["河南省人民代表大会常务委员会"]
    assert "中央书记处" in orgs["中共中央书记处"]
    assert "自治区党委" in orgs["中共宁夏回族自治区委员会"]
    assert "中共中央政治局" in orgs


# ---------------------------------------------------------------------------
# Seeds, page 003
# ---------------------------------------------------------------------------


def test_xicheng_district_union(facts003):
    xc = one(facts003["union_bodies"], "北京市西城区总工会")
    assert xc["parent"] == "北京市总工会"
    assert "西城区总工会" in xc["aliases"]
    assert xc["province"] == "北京市"
    assert one(facts003["union_bodies"], "北京市总工会")["parent"] == "中华全国总工会"


def test_tiexi_district_union_is_under_shenyang(facts003):
    tx = one(facts003["union_bodies"], "沈阳市铁西区总工会")
    assert tx["parent"] == "沈阳市总工会"
    assert tx["province"] == "辽宁省"
    assert one(facts003["union_bodies"], "沈阳市总工会")["parent"] == "辽宁省总工会"
    assert not [u for u in names(facts003["union_bodies"]) if u.endswith("铁西区总工会") and u != "沈阳市铁西区总工会"]


def test_industrial_union_hangs_under_provincial_federation(facts003):
    sd = one(facts003["union_bodies"], "山东省建设工会")
    assert sd["parent"] == "山东省总工会"
    assert sd["province"] == "山东省"


def test_department_after_a_union_is_its_own_body(facts003):
    dept = one(facts003["union_bodies"], "北京市总工会权益工作部")
    assert dept["parent"] == "北京市总工会"
    assert dept["province"] == "北京市"


def test_department_surface_is_not_an_alias_of_the_parent_union_seed(facts000, facts003):
    assert "市总工会权益工作部" not in one(facts003["union_bodies"], "北京市总工会")["aliases"]
    assert "辽宁省总工会基层工作部" not in one(facts003["union_bodies"], "辽宁省总工会")["aliases"]
    assert "全总书记处" not in one(facts000["union_bodies"], "中华全国总工会")["aliases"]


# ---------------------------------------------------------------------------
# Synthetic pages
# ---------------------------------------------------------------------------


def test_zizhiqu_zong_gonghui_read_from_dateline():
    facts = facts_of("## 技能大赛开幕\n\n本报银川3月5日电(记者王晓东)自治区总工会近日举办职工技能大赛。\n")
    nx = one(facts["union_bodies"], "宁夏回族自治区总工会")
    assert nx["aliases"] == ["自治区总工会"]
    assert nx["province"] == "宁夏回族自治区"


def test_bare_shi_zong_gonghui_is_the_city_of_the_article():
    facts = facts_of(
        "## 服务热线开通\n\n本报讯(记者梁文)广州市召开职工服务工作会议。会上，市总工会介绍了有关情况。\n")
    gz = one(facts["union_bodies"], "广州市总工会")
    assert "市总工会" in gz["aliases"]
    assert gz["parent"] == "广东省总工会"
    assert gz["province"] == "广东省"


def test_bare_sheng_zong_gonghui_reads_the_nearest_province_before_it():
    facts = facts_of(
        "## 交流\n\n本报讯(记者张明)河南省和湖南省的职工代表参加交流，省总工会有关负责人介绍情况。\n")
    assert names(facts["union_bodies"]) == ["湖南省总工会"]
    assert "省总工会" in one(facts["union_bodies"], "湖南省总工会")["aliases"]


def test_industrial_union_in_another_province():
    facts = facts_of("## 教师节\n\n本报南京9月9日电(记者张明)江苏省教育工会日前召开会议。\n")
    edu = one(facts["union_bodies"], "江苏省教育工会")
    assert edu["parent"] == "江苏省总工会"
    assert edu["province"] == "江苏省"


def test_quanzong_alone_is_the_national_federation():
    facts = facts_of("## 部署\n\n本报讯(记者张明)全总近日部署冬季送温暖工作。\n")
    assert names(facts["union_bodies"]) == ["中华全国总工会"]
    assert one(facts["union_bodies"], "中华全国总工会")["aliases"] == ["全总"]


def test_county_union_hangs_under_its_city():
    _, kb = kb_of("## 走访\n\n本报讯(记者张明)河北省沧州市东光县总工会近日走访企业。\n")
    dg = entity(kb, "union", "沧州市东光县总工会")
    assert "河北省沧州市东光县总工会" in dg.aliases
    city = kb.entities[dg.attrs.parent]
    assert city.name == "沧州市总工会"
    assert kb.entities[city.attrs.parent].name == "河北省总工会"
    assert kb.entities[dg.attrs.province].name == "河北省"


def test_generic_qualifiers_make_no_union():
    text = "## 部署\n\n本报讯(记者张明)全省各级工会和基层工会要做好服务工作。\n"
    assert facts_of(text)["union_bodies"] == []
    assert all(f.of_kind("union") == [] for f in findings_of(text))


@pytest.mark.parametrize("generic", ["各市总工会", "各县总工会"])
def test_ge_shi_zong_gonghui_phrase_is_not_a_union(generic):
    assert facts_of(f"## 部署\n\n本报讯(记者张明){generic}要做好服务工作。\n")["union_bodies"] == []


def test_provincial_party_and_state_bodies_in_context():
    facts = facts_of("## 会议\n\n本报长沙3月5日电(记者张明)湖南省人大常委会和省委有关部门负责人出席会议。\n")
    orgs = {o["name"]: o["aliases"] for o in facts["organizations"]}
    assert orgs["湖南省人民代表大会常务委员会"] == ["湖南省人大常委会"]
    assert orgs["中共湖南省委员会"] == ["省委"]


def test_department_surface_is_not_an_alias_of_the_parent_union_synthetic():
    facts = facts_of("## 发文\n\n本报讯(记者陈晓)浙江省总工会办公室近日发文。\n")
    assert one(facts["union_bodies"], "浙江省总工会办公室")["parent"] == "浙江省总工会"
    assert "浙江省总工会办公室" not in one(facts["union_bodies"], "浙江省总工会")["aliases"]


@pytest.mark.parametrize("name, province", [("湖北省总工会", "湖北省"), ("上海市总工会", "上海市")])
def test_federation_whose_full_name_is_a_jieba_word_alone(name, province):
    facts = facts_of(f"## 会议\n\n本报讯(记者张明){name}近日召开全委会议。\n")
    assert one(facts["union_bodies"], name)["province"] == province


def test_federation_whose_full_name_is_a_jieba_word_next_to_another_province():
    facts = facts_of("## 合作\n\n本报讯(记者张明)湖北省总工会与河南省人社厅签署合作协议。\n")
    assert "河南省总工会" not in names(facts["union_bodies"])
    assert one(facts["union_bodies"], "湖北省总工会")["province"] == "湖北省"


# Union bodies real union news names (invented sentences; issue: facts that hold on real news)


def test_a_street_union_carries_its_district_and_city():
    facts = facts_of("## 暖心\n\n本报讯(记者张明)北京市朝阳区望京街道总工会为骑手办实事。\n")
    union = one(facts["union_bodies"], "北京市朝阳区望京街道总工会")
    assert (union["parent"], union["province"]) == ("北京市朝阳区总工会", "北京市")


def test_an_enterprise_union_keeps_its_printed_name_and_the_province_in_it():
    facts = facts_of("## 慰问\n\n本报讯(记者张明)天津港(集团)有限公司工会组织慰问。\n")
    union = one(facts["union_bodies"], "天津港（集团）有限公司工会")
    assert (union["parent"], union["province"]) == (None, "天津市")


def test_a_generic_hospital_is_no_enterprise_union():
    facts = facts_of("## 拨款\n\n本报成都3月5日电(记者张明)省总工会向人民医院工会拨付资金。\n")
    assert names(facts["union_bodies"]) == ["四川省总工会"]


@pytest.mark.parametrize("text, name", [
    ("英国铁路、海事及运输工会今天发起罢工。", "英国铁路、海事及运输工会"),
    ("德国服务业联合工会当天组织罢工。", "德国服务业联合工会"),
])
def test_a_union_of_another_country_has_no_parent_or_province(text, name):
    union = one(facts_of(f"## 国际\n\n{text}\n")["union_bodies"], name)
    assert (union["parent"], union["province"]) == (None, None)


def test_a_federation_with_a_name_of_its_own_is_not_the_places_zong_gonghui():
    facts = facts_of("## 澳门\n\n澳门工会联合总会举行文艺汇演。\n")
    assert names(facts["union_bodies"]) == ["澳门工会联合总会"]
    assert one(facts["union_bodies"], "澳门工会联合总会")["province"] == "澳门特别行政区"


def test_a_province_prefix_distributes_over_a_list_of_bodies():
    facts = facts_of("## 公益\n\n它由广东省妇联、工会、团委等部门共同开展。\n")
    assert one(facts["union_bodies"], "广东省总工会")["province"] == "广东省"


def test_a_department_joining_two_fields_with_he():
    facts = facts_of("## 产改\n\n全国总工会劳动和经济工作部部长王建明作了说明。\n")
    assert posts_of(facts, "王建明") == {("部长", "中华全国总工会劳动和经济工作部")}


def test_a_bodys_name_before_zong_gonghui_is_no_union():
    facts = facts_of("## 提案\n\n他所在的全国政协总工会界别提交提案。\n")
    assert "全国政协总工会" not in names(facts["union_bodies"])


def test_one_zong_gonghui_after_a_list_of_places_is_each_places_union():
    facts = facts_of("## 协作\n\n成都市、德阳市、眉山市总工会联合开展职工服务。青岛、烟台、威海三市总工会签订协议。\n")
    unions = {u["name"]: u["parent"] for u in facts["union_bodies"]}
    assert unions == {"成都市总工会": "四川省总工会", "德阳市总工会": "四川省总工会", "眉山市总工会": "四川省总工会",
                      "青岛市总工会": "山东省总工会", "烟台市总工会": "山东省总工会", "威海市总工会": "山东省总工会"}


def test_a_street_named_alone_is_in_the_district_read_before():
    facts = facts_of("## 驿站\n\n成都市武侯区玉林街道一处驿站开门。驿站由武侯区总工会和玉林街道总工会共同建设。\n")
    union = one(facts["union_bodies"], "成都市武侯区玉林街道总工会")
    assert (union["parent"], union["province"]) == ("成都市武侯区总工会", "四川省")
    assert "街道总工会" not in names(facts["union_bodies"])


def test_a_town_named_alone_is_in_the_county_level_city_read_before():
    facts = facts_of("## 渔港\n\n在荣成市石岛渔港，石岛镇总工会主席王丽华说，渔船船员有了工会。\n")
    union = one(facts["union_bodies"], "荣成市石岛镇总工会")
    assert (union["parent"], union["province"]) == ("荣成市总工会", "山东省")
    assert posts_of(facts, "王丽华") == {("主席", "荣成市石岛镇总工会")}


def test_a_bare_shi_after_a_county_level_city_is_that_city():
    facts = facts_of("## 观摩\n\n灵武市总工会组织职工观摩，市总工会副主席杨晓兰说，比赛要贴近生产。\n")
    assert posts_of(facts, "杨晓兰") == {("副主席", "灵武市总工会")}


def test_an_enterprise_named_in_full_is_what_a_later_bare_jituan_means():
    facts = facts_of("## 送温暖\n\n在北大荒农垦集团有限公司，集团党委常委、工会主席孟庆华介绍，集团工会今年将走访职工。\n")
    assert posts_of(facts, "孟庆华") == {("常委", "中共北大荒农垦集团有限公司委员会"),
                                       ("主席", "北大荒农垦集团有限公司工会")}
    assert "北大荒农垦集团有限公司工会" in names(facts["union_bodies"])


def test_a_bare_meng_zong_gonghui_is_the_leagues():
    facts = facts_of("## 驿站\n\n锡林郭勒盟总工会主席乌日图介绍，盟总工会今年新建驿站18个。\n")
    assert names(facts["union_bodies"]) == ["锡林郭勒盟总工会"]


@pytest.mark.parametrize("text, body", [
    ("希腊国民经济和财政部发表声明。", "希腊国民经济和财政部"),
    ("法国经济与财政部发表声明。", "法国经济与财政部"),
    ("秘鲁经济财政部发布报告。", "秘鲁经济财政部"),
])
def test_a_foreign_ministry_ending_in_a_chinese_ministrys_name_is_the_states(text, body):
    """希腊国民经济和财政部: the words between the state and 财政部 are the ministry's fields, and the body
    is Greece's, never China's 财政部."""
    facts = facts_of("## 国际\n\n" + text + "\n")
    assert names(facts["organizations"]) == [body]
