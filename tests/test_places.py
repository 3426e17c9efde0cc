"""Places: divisions found where the segmentation agrees, resolved in context."""
from __future__ import annotations

from conftest import entities, entity, facts_of, findings_of, kb_of, located_in, names, one

from kg.knowledge.lexicon import gazetteer


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------


def test_huiji_district_is_located_in_zhengzhou_in_henan(seed_kb):
    huiji = entity(seed_kb, "city", "惠济区")
    assert huiji.id == "city/410108"
    assert huiji.attrs.level == "district"
    assert located_in(seed_kb, huiji.id) == ["city/410100"]
    zhengzhou = seed_kb.entities["city/410100"]
    assert zhengzhou.kind == "city" and zhengzhou.name == "郑州市"
    assert located_in(seed_kb, zhengzhou.id) == ["province/410000"]
    assert seed_kb.entities["province/410000"].name == "河南省"


def test_huiji_district_is_listed_as_a_henan_city_on_page_000(facts000):
    assert one(facts000["cities"], "惠济区")["province"] == "河南省"
    assert one(facts000["cities"], "郑州市")["province"] == "河南省"


def test_tiexi_district_is_the_shenyang_one_on_page_003(seed_kb, facts003):
    # 铁西区 exists in 沈阳, 鞍山, 四平 ...; 沈阳 in the article picks 210106.
    assert len(gazetteer().surfaces["铁西区"]) > 1
    tiexi = entity(seed_kb, "city", "铁西区")
    assert tiexi.id == "city/210106"
    assert located_in(seed_kb, tiexi.id) == ["city/210100"]
    assert one(facts003["cities"], "铁西区")["province"] == "辽宁省"


def test_seed_provinces(facts000, facts003):
    assert set(names(facts000["provinces"])) == {"天津市", "河南省", "广东省", "广西壮族自治区", "甘肃省", "宁夏回族自治区"}
    assert {"北京市", "辽宁省", "黑龙江省", "山东省", "甘肃省"} <= set(names(facts003["provinces"]))


def test_heilongjiang_is_named_by_its_short_forms(facts003):
    hlj = one(facts003["provinces"], "黑龙江省")
    assert {"龙江", "黑龙江"} & set(hlj["aliases"])


def test_city_short_name_is_an_alias(facts000):
    assert "深圳" in one(facts000["cities"], "深圳市")["aliases"]
    assert one(facts000["cities"], "深圳市")["province"] == "广东省"


# ---------------------------------------------------------------------------
# Synthetic pages
# ---------------------------------------------------------------------------

ROAD = "## 小区新貌\n\n本报讯(记者张明)他住在湖南路的一个小区。\n"
PROVINCE = "## 外出务工\n\n本报讯(记者张明)他来自湖南，在外务工多年。\n"


def test_street_name_does_not_yield_a_province():
    facts = facts_of(ROAD)
    assert "湖南省" not in names(facts["provinces"])
    assert facts["provinces"] == []
    for f in findings_of(ROAD):
        assert [m.surface for m in f.of_kind("place")] == []


def test_bare_province_short_name_does_yield_the_province():
    # control for the test above: the same word outside a street name counts
    facts = facts_of(PROVINCE)
    assert one(facts["provinces"], "湖南省")["aliases"] == ["湖南"]


def test_common_word_city_name_is_not_a_city():
    # 朝阳 is a city in 辽宁 but also "the morning sun"
    facts = facts_of("## 出发\n\n本报讯(记者张明)工人们迎着朝阳出发。\n")
    assert facts["cities"] == [] and facts["provinces"] == []


def test_common_word_city_name_with_shi_is_the_city():
    facts = facts_of("## 走访\n\n本报讯(记者张明)朝阳市总工会近日走访企业。\n")
    assert one(facts["cities"], "朝阳市")["province"] == "辽宁省"


def test_province_beats_city_of_the_same_short_name():
    facts = facts_of("## 开幕\n\n本报讯(记者张明)吉林职工技能大赛开幕。\n")
    assert names(facts["provinces"]) == ["吉林省"]
    assert facts["cities"] == []


def test_tiexi_district_is_read_in_its_city_context_anshan():
    # the seed rule generalises: 鞍山 in the dateline and sentence picks 鞍山's 铁西区
    page, kb = kb_of("## 走访企业\n\n本报鞍山3月5日电(记者郑华)鞍山市铁西区总工会近日走访辖区企业。\n")
    tiexi = entity(kb, "city", "铁西区")
    assert tiexi.id == "city/210303"
    assert located_in(kb, tiexi.id) == ["city/210300"]
    assert kb.entities["city/210300"].name == "鞍山市"


def test_district_chain_in_another_province():
    _, kb = kb_of("## 调研\n\n本报讯(记者刘洋)调研组来到成都市武侯区，看望慰问一线职工。\n")
    wuhou = entity(kb, "city", "武侯区")
    chengdu = entity(kb, "city", "成都市")
    assert located_in(kb, wuhou.id) == [chengdu.id]
    assert [kb.entities[p].name for p in located_in(kb, chengdu.id)] == ["四川省"]
    assert entities(kb, "province", "四川省")


def test_company_and_shop_names_do_not_yield_provinces():
    facts = facts_of("## 慰问\n\n本报讯(记者张明)慰问组在呼和浩特市新城区一家山西面馆里慰问环卫工人，"
                     "海南航空贵阳基地的代表作交流发言。\n")
    provinces = {p["name"] for p in facts["provinces"]}
    assert "山西省" not in provinces and "海南省" not in provinces
    assert {"内蒙古自治区", "贵州省"} <= provinces


def test_district_names_that_are_ordinary_nouns_are_no_places():
    """老城区 (old town) and 郊区 (suburbs) are also districts' names (of 洛阳, 阳泉 …): alone they
    name none, so a programme in the sentence gets no province from them."""
    facts = facts_of("## 要闻\n\n党中央十分关心老城区和棚户区改造，市民从郊区赶来。\n")
    assert facts["cities"] == [] and all(p["provinces"] == [] for p in facts["programs"])
    assert names(facts_of("## 要闻\n\n河南洛阳市老城区开展棚户区改造。\n")["cities"]) == ["洛阳市", "老城区"]
    unions = facts_of("## 要闻\n\n呼和浩特市新城区总工会开展活动。\n")["union_bodies"]
    assert [(u["name"], u["parent"]) for u in unions] == [("呼和浩特市新城区总工会", "呼和浩特市总工会")]


def test_divisions_created_since_2016_are_places_with_their_city():
    """即墨市 became 即墨区 of 青岛 in 2017; 杭州's 临平区 dates from 2021 (divisions_since_2016.tsv)."""
    g = gazetteer()
    assert g.divisions["370215"].name == "即墨区" and g.divisions["370215"].city == "370200"
    facts = facts_of("即墨区总工会推行师徒制，区总工会主席韩文梅介绍了经验。\n杭州市临平区总工会开展送温暖活动。")
    unions = {u["name"]: u for u in facts["union_bodies"]}
    assert unions["青岛市即墨区总工会"]["parent"] == "青岛市总工会"
    assert unions["杭州市临平区总工会"]["province"] == "浙江省"
