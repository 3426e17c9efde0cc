"""Programs: national ones from the lexicon, local ones by pattern; operators and provinces."""
from __future__ import annotations

import pytest
from conftest import facts_of, names, one

HOTLINE = "12351工会服务职工热线"


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------


def test_12351_hotline_is_one_program(facts000):
    hotline = [p for p in facts000["programs"]
               if "12351" in p["name"] or any("12351" in a for a in p["aliases"])]
    assert len(hotline) == 1
    program = hotline[0]
    assert program["name"] == HOTLINE
    assert {"12351热线", "12351平台"} <= set(program["aliases"])
    assert program["operators"] == ["广东省总工会"]
    assert program["provinces"] == ["广东省"]


def test_12351_rules_are_a_policy_not_a_program(facts000):
    assert "12351广东职工热线管理规则" in names(facts000["policies"])
    assert "12351广东职工热线管理规则" not in names(facts000["programs"])


def test_liudong_nuanxin_operators_and_province(facts003):
    program = one(facts003["programs"], "流动暖新")
    assert set(program["operators"]) == {"沈阳市总工会", "辽宁省总工会"}
    assert program["provinces"] == ["辽宁省"]


def test_chan_gai_is_short_for_industrial_workforce_reform(facts003):
    reform = one(facts003["programs"], "产业工人队伍建设改革")
    assert "产改" in reform["aliases"]
    assert "产改" not in names(facts003["programs"])


def test_generic_facilities_get_no_operator(facts003):
    for name in ("工会驿站", "职工书屋", "司机之家"):
        program = one(facts003["programs"], name)
        assert program["operators"] == [] and program["provinces"] == []


def test_program_names_are_unique_per_page(seed_facts):
    for facts in seed_facts:
        progs = names(facts["programs"])
        assert len(progs) == len(set(progs))
        aliases = {a for p in facts["programs"] for a in p["aliases"]}
        assert aliases.isdisjoint(progs)


# ---------------------------------------------------------------------------
# Synthetic pages
# ---------------------------------------------------------------------------

BRAND = ("## 江西工会打造服务品牌\n\n"
         "本报讯(记者孙浩)近年来，江西省总工会打造“赣工暖心”服务品牌，惠及职工十万余人。\n")


def test_quoted_service_brand_found_by_pattern_with_its_operator():
    facts = facts_of(BRAND)
    brand = [p for p in facts["programs"] if p["name"].startswith("赣工暖心")]
    assert len(brand) == 1
    assert brand[0]["operators"] == ["江西省总工会"]
    assert brand[0]["provinces"] == ["江西省"]
    assert "赣工暖心服务品牌" in brand[0]["aliases"]


def test_quoted_service_brand_is_named_by_the_quoted_name():
    assert names(facts_of(BRAND)["programs"]) == ["赣工暖心"]


def test_quoted_name_is_brand_pattern():
    facts = facts_of("## 驿站\n\n本报讯(记者陈晓)“暖蜂驿站”是杭州市总工会为快递小哥打造的服务品牌。\n")
    program = one(facts["programs"], "暖蜂驿站")
    assert program["operators"] == ["杭州市总工会"]
    assert program["provinces"] == ["浙江省"]


def test_employer_of_an_official_is_not_an_operator():
    facts = facts_of("## 品牌\n\n本报讯(记者陈晓)四川省总工会主席李明远介绍了“川工e家”品牌。\n")
    program = one(facts["programs"], "川工e家")
    assert program["operators"] == []
    facts = facts_of("## 品牌\n\n本报讯(记者陈晓)近年来，四川省总工会打造“川工e家”品牌。\n")
    assert one(facts["programs"], "川工e家")["operators"] == ["四川省总工会"]


def test_12351_in_another_province_is_the_national_hotline():
    facts = facts_of("## 热线\n\n本报讯(记者陈晓)四川省总工会开通12351职工服务热线，为职工提供法律咨询。\n")
    program = one(facts["programs"], HOTLINE)
    assert program["aliases"] == ["12351职工服务热线"]
    assert program["operators"] == ["四川省总工会"]
    assert program["provinces"] == ["四川省"]


def test_platform_named_right_after_its_union():
    facts = facts_of("## 平台\n\n本报讯(记者陈晓)贵州省总工会职工法律服务平台正式上线。\n")
    program = one(facts["programs"], "职工法律服务平台")
    assert "贵州省总工会职工法律服务平台" in program["aliases"]
    assert program["operators"] == ["贵州省总工会"]


def test_launched_action_found_by_pattern():
    facts = facts_of("## 行动\n\n本报讯(记者陈晓)今年以来，云南省总工会开展新就业形态劳动者入会集中行动。\n")
    program = one(facts["programs"], "新就业形态劳动者入会集中行动")
    assert program["operators"] == ["云南省总工会"]
    assert program["provinces"] == ["云南省"]


def test_generic_facility_in_synthetic_page_has_no_operator():
    facts = facts_of("## 工会驿站\n\n本报讯(记者陈晓)福建省总工会今年新建工会驿站200家。\n")
    station = one(facts["programs"], "工会驿站")
    assert station["operators"] == [] and station["provinces"] == []


# Quoted words that are no programmes (a judge's reading of a year of news)


@pytest.mark.parametrize("text", [
    "国家“十四五”水安全重点工程近日在银川启动。",
    "这是全球第一个百万千瓦级“水光互补”项目。",
    "宁夏通过“探访行动”“网格机制”等措施，筑牢防线。",
    "黑龙江启动夏季避暑游“百日行动”。",
    "西宁机场为返乡旅客提供了包车、专线等“门到门”服务。",  # a kind summing up a list
    "这条公路是推进两市同城化重要工程。",  # an appraisal, not a name
    "全区全面推进“六子”联动发展。",  # a counted slogan
    "希望该市发挥好“一个枢纽”“一个窗口”的作用。",
    "该县打造“金字塔型”农村技术服务体系。",  # a kind of system
    "该市推出多部门联办“一件事”主题服务系统。",  # counted
    "“三期工程”成为企业转型的生动诠释。",  # a phase
    "湖南重点推进100个“数字新基建”标志性项目。",  # appraised, and a national programme inside a longer name
    "部分干部搞“形象工程”“政绩工程”问题突出。",  # a reproach
    "在重庆、江苏等地，消防部门开展消防产品专项监督检查行动。",  # routine enforcement
    "在江西，孩子们体验世界机器人大赛“超变战场”项目。",  # an event of a contest
    "辽宁重点谈到了社区养老、“一老一幼”服务等问题。",  # a category of services
    "山东加快实施“十大创新”“十大扩需求”“十强产业”行动。",  # several actions listed
    "新春佳节，某区举行了富有特色的“醒狮新春团拜”活动。",  # an event held once
    "四川成都举行了一场“迎大运·健康跑”活动。",
    "“推动乡村振兴浙江实践研讨会暨媒体行动”今天在杭州举行。",  # a meeting
    "黑龙江设置了“非遗+旅游”项目体验展等活动。",  # a programme word inside a longer noun
])
def test_periods_kinds_and_examples_in_quotes_are_no_programmes(text):
    assert facts_of(f"## 新闻\n\n{text}\n")["programs"] == []


@pytest.mark.parametrize("text, name", [
    ("年内选树“齐鲁工匠”1000名。", "齐鲁工匠"),
    ("推动“爱心妈咪小屋”提档升级。", "爱心妈咪小屋"),
    ("全区建设“朝暖驿家”58家。", "朝暖驿家"),
])
def test_quoted_brands_of_craftsmen_rooms_and_stations(text, name):
    assert name in names(facts_of(f"## 新闻\n\n{text}\n")["programs"])


def test_a_national_programme_is_in_a_place_only_in_the_same_clause():
    facts = facts_of("## 会谈\n\n巴方愿同中方推进共建“一带一路”，不断深化巴中战略伙伴关系。巴基斯坦总统会见代表。\n")
    assert one(facts["programs"], "一带一路")["provinces"] == []
    assert facts["provinces"] == []


def test_a_plan_named_by_its_count_of_fields_is_no_programme():
    facts = facts_of("## 新闻\n\n广东围绕新一代信息技术等实施九大重点领域研发计划。\n")
    assert facts["programs"] == []


def test_a_programme_held_at_a_place_is_there_not_where_its_guests_come_from():
    facts = facts_of("## 新闻\n\n“青春同行”港澳学子川西行活动在成都启动，来自香港、澳门的200名学生参加。\n")
    assert one(facts["programs"], "青春同行港澳学子川西行活动")["provinces"] == ["四川省"]


def test_a_place_that_names_a_meeting_does_not_place_a_programme():
    facts = facts_of("## 新闻\n\n双方以中非合作论坛北京峰会和“一带一路”建设为契机，深化合作。\n")
    assert one(facts["programs"], "一带一路")["provinces"] == []


def test_a_meeting_named_after_a_national_programme_does_not_place_it():
    facts = facts_of("## 新闻\n\n“一带一路”国际竹产业发展论坛在湖北举行。\n")
    assert one(facts["programs"], "一带一路")["provinces"] == []


def test_in_a_sentence_of_many_places_a_programme_is_where_its_clause_says():
    facts = facts_of("## 新闻\n\n上海、浙江开展“红色足迹”主题阅读活动，江苏宿迁、山东临沂、四川广元等地分别开展诵读活动。\n")
    assert one(facts["programs"], "红色足迹主题阅读活动")["provinces"] == ["上海市", "浙江省"]


def test_a_place_opened_by_zai_after_the_programme_is_where_it_happens():
    facts = facts_of("## 新闻\n\n全国妇联开展“巾帼心向党”主题活动，在湖北、贵州、福建等地，妇女讲述奋斗故事。\n")
    assert set(one(facts["programs"], "巾帼心向党主题活动")["provinces"]) == {"湖北省", "贵州省", "福建省"}


def test_places_a_programme_is_made_with_are_not_where_it_is():
    facts = facts_of("## 新闻\n\n内蒙古与广州、深圳、上海等城市合作推出“草原互游计划”。\n")
    assert one(facts["programs"], "草原互游计划")["provinces"] == ["内蒙古自治区"]


def test_a_place_inside_another_quoted_name_places_nothing():
    facts = facts_of("## 新闻\n\n在大会的“生态日”主题活动上，中国宣布牵头发起“昆明—日内瓦生态框架”实施倡议。\n")
    assert all(p["provinces"] == [] for p in facts["programs"])


def test_the_theme_of_a_meeting_is_no_programme():
    facts = facts_of("## 新闻\n\n以“推动高质量防治，助力健康行动”为主题的学术年会在山西太原举行。\n")
    assert facts["programs"] == []


@pytest.mark.parametrize("text", [
    "有了这种“联合创新+转化平台”的新模式，王明的发明很快在深圳落地。",  # a way of working described
    "广东海关同步开展打击走私第二轮集中收网行动。",  # one round of an operation
    "四川“8·15”特大暴雨水毁桥梁恢复工程全部完工。",  # works reported finished
    "为庆祝建城百年，“2024灯影耀江城”活动7日晚在武汉拉开帷幕。",  # an event whose curtain rose
    "四地海事部门共同启动了为期三天的“海安2030”渤海海域联合巡航执法行动。",  # an operation of three days
    "眼下，贵州黎平县正在举行“山歌”大赛。",  # a contest being held
    "选手围绕“育婴员”“保育员”两大赛项同台竞技。",  # two kinds of event counted
    "明确把“国际科技创新中心”作为北京城市战略定位之一。",  # a role given to a place
    "河北崇礼打造“世界级赛事+全民活动”的旅游体系。",  # a system described
    "今天上午，沈阳“九·一八”历史博物馆举行纪念活动，各界人士缅怀同胞。",  # a clause with 举行
])
def test_a_model_a_round_and_finished_works_are_no_programmes(text):
    assert facts_of(f"## 要闻\n\n{text}\n")["programs"] == []


def test_a_programme_launched_is_still_one():
    facts = facts_of("## 要闻\n\n四川省总工会开展“金秋助学”行动。\n")
    assert names(facts["programs"]) == ["金秋助学"]
    facts = facts_of("## 要闻\n\n要把产业工人队伍建设改革作为一项基础性工作抓紧抓实。\n")
    assert names(facts["programs"]) == ["产业工人队伍建设改革"]
    # a programme every reader knows stays one in any phrase (共建“一带一路”大格局)
    assert names(facts_of("## 要闻\n\n更加深度融入共建“一带一路”大格局。\n")["programs"]) == ["一带一路"]


def test_works_to_be_finished_are_still_named():
    facts = facts_of("## 要闻\n\n作为首个深水项目，“海蓝一号”大气田三期工程建成后，产量将增至30亿立方米。\n")
    assert any("海蓝一号大气田三期工程" in [p["name"], *p["aliases"]] for p in facts["programs"])


@pytest.mark.parametrize("text", [
    "江南主题街区推出“花好月正圆”等演艺活动，吸引不少游客。",  # examples of a show, not one programme
    "山东持续打造“没有台阶”的图书馆。",  # quoted words that qualify a noun
    "不久前，“广交首发新时尚”系列活动在广州各大商圈展开。",  # an event series under way
    "浙江按照“一镇一站点”的规模推进建设。",  # a norm
    "规划里始终贯穿着“以群众为中心”的发展思想。",  # a way of thinking
    "湖北支持企业建立了“智慧车间”等标杆梯度体系。",  # examples of a kind of system
    "上海在“创新中心”维度中排名第一。",  # a measure of an index
    "在青海，一个50万千瓦“风电+储能”项目加紧建设。",  # one project of a kind, counted
    "在湖南长沙，当地首个“原址重建”试点项目已经开工。",  # the first of a kind
    "在江西，首家“数码新品首发中心”在南昌开业。",  # the first shop of a kind
    "今年，山西出台构建“大服务”格局行动方案。",  # a document, not an action
    "在江苏苏州等地，当地设置了多处“清凉驿站”，供快递员歇脚。",  # many of a kind of facility
    "上海公布城市更新30个“优秀案例”项目。",  # a designation counted
    "我国最大的“风电+氢能”储能项目在内蒙古建设完工。",  # the largest of a kind
    "江西省组建了由劳模组成的“大国工匠”宣讲团。",  # who a group's members are
])
def test_examples_attributes_and_events_under_way_are_no_programmes(text):
    assert facts_of(f"## 要闻\n\n{text}\n")["programs"] == []


def test_a_later_clause_places_a_programme_only_with_zai():
    # a later clause names whom the works serve, not where they are
    facts = facts_of("## 要闻\n\n该工程是首个“风光水储一体化”能源基地外送工程，投运后每年可为湖北提供电量。\n")
    assert all(p["provinces"] == [] for p in facts["programs"])
    # 首批在大连、厦门: a later clause that opens with 在 after a short adverb does
    facts = facts_of("## 要闻\n\n中国海员建设工会启动“船员安心”关爱行动，首批在大连、厦门两地港口设立服务站。\n")
    assert one(facts["programs"], "船员安心关爱行动")["provinces"] == ["福建省", "辽宁省"]


def test_a_quoted_label_without_a_programme_word_places_nothing():
    # 打造“…”: a slogan, a goal or a kind of facility as often as a brand; kept, but placed nowhere
    facts = facts_of("## 要闻\n\n福建加快港口基础设施建设，打造“智慧港口”。\n")
    assert one(facts["programs"], "智慧港口")["provinces"] == []
    # a name that ends in a programme word still places it
    facts = facts_of("## 要闻\n\n福建推出“闽工驿站”，服务户外劳动者。\n")
    assert one(facts["programs"], "闽工驿站")["provinces"] == ["福建省"]


def test_a_guide_is_no_action():
    facts = facts_of("## 要闻\n\n“丝路精神”是各国应对挑战的优势所在，已成为成员国的共同行动指南。\n")
    assert facts["programs"] == []


@pytest.mark.parametrize("text", [
    "首批试点包括8所“双一流”建设高校和香港1所高校。",  # the place belongs to the words joined by 和
    "该行推出数字人民币“钱包卡”与澳门“通行卡”联通。",  # …与: another thing's place
    "第五届“一带一路”青年创意大赛将在成都举办。",  # a contest named after the programme
    "推动“四好农村路”高质量发展现场会在江西召开。",  # a meeting about it
])
def test_a_national_programme_is_not_placed_by_the_words_after_it(text):
    facts = facts_of(f"## 要闻\n\n{text}\n")
    assert facts["programs"] and all(p["provinces"] == [] for p in facts["programs"])


def test_a_national_programme_carried_out_in_a_place_is_there():
    facts = facts_of("## 要闻\n\n2030年全国“三下乡”集中示范活动在江西举行。\n")
    assert one(facts["programs"], "三下乡")["provinces"] == ["江西省"]


@pytest.mark.parametrize("text", [
    "某县文化馆推出的“我来学剪纸”体验活动，吸引了不少孩子。",  # a day of trying a craft
    "在某市，各大商场开展“满城欢购”促销活动。",  # a sale
    "2030年全国“节能宣传日”主场活动今天在江西南昌举行。",  # the main venue's event of a campaign
    "在某县，表演队伍展示了非遗“舞板凳”民俗活动。",  # a folk show
    "某市商务部门开展“好物上网”出口转内销对接活动。",  # a matchmaking fair
    "在某古镇，“老街过大年”活动营造了浓浓年味。",  # a festivity of the new year
    "某市推出“夜游奇妙夜”活动，吸引游客打卡。",
    "在滑雪场上，运动员和孩子们开展“大手牵小手，冰上同欢乐”活动。",  # a slogan with a comma: one outing
])
def test_activities_of_one_occasion_are_no_programmes(text):
    assert facts_of(f"## 要闻\n\n{text}\n")["programs"] == []


def test_a_campaign_named_activity_is_still_a_programme():
    facts = facts_of("## 要闻\n\n某省总工会持续开展“工会送清凉”活动，慰问一线职工。\n")
    assert names(facts["programs"]) == ["工会送清凉活动"]


@pytest.mark.parametrize("text", [
    "某市数据中心集群建成涵盖多种算力的“三算合一”平台。",  # what a computing system joins
    "某中心将打造“政产学研”一体化创新平台。",
    "某省加快建设“天地海空”一体化大融合平台。",
    "某市健全“大联动一体化”数字平台，让治理更智能。",
])
def test_a_platform_described_by_what_it_joins_is_no_programme(text):
    assert facts_of(f"## 要闻\n\n{text}\n")["programs"] == []


def test_a_campaign_that_joins_media_is_still_a_programme():
    facts = facts_of("## 要闻\n\n某台“丰收田野”融合传播行动今天在北京发布。\n")
    assert names(facts["programs"]) == ["丰收田野融合传播行动"]


@pytest.mark.parametrize("text", [
    "多家机构共同发起的“从长安到罗马”中国书画大展活动今天发布。",  # an exhibition
    "某台与某会共同主办的“投资某地·企业家”对话活动今天在北京启动。",  # a dialogue
    "今天，“好物中华行·江西站”活动在南昌开启。",  # one stop of a touring event
])
def test_exhibitions_dialogues_and_stops_are_no_programmes(text):
    assert facts_of(f"## 要闻\n\n{text}\n")["programs"] == []


def test_an_activity_listed_among_a_meetings_parts_is_no_programme():
    facts = facts_of("## 要闻\n\n大会将在某市举办，包括开幕式及主论坛、8场分论坛以及“清风点亮网络”互动活动等。\n")
    assert facts["programs"] == []
    # a campaign launched at a festival's opening is still one
    facts = facts_of("## 要闻\n\n某节开幕式暨“四季乡音”活动启动仪式今天（5月6日）在广西南宁举行。\n")
    assert names(facts["programs"]) == ["四季乡音活动"]


def test_builders_launch_nothing():
    # 建设者们: 建设 inside the word for builders is no verb of launching
    facts = facts_of("## 要闻\n\n在某省，建设者们正争分夺秒进行船坞主体工程的施工。\n")
    assert facts["programs"] == []


def test_where_a_deal_is_signed_does_not_place_the_programme_it_launches():
    facts = facts_of("## 要闻\n\n两国在北京签署备忘录，正式启动某国中文教学“千校计划”。\n")
    assert one(facts["programs"], "千校计划")["provinces"] == []


def test_a_programme_conjoined_with_its_works_is_placed_by_zai():
    facts = facts_of("## 算力\n\n今年以来，“东数西算”工程及配套项目在贵州加快建设。\n")
    assert one(facts["programs"], "东数西算工程")["provinces"] == ["贵州省"]


def test_a_campaign_under_a_slogan_with_a_comma_is_a_programme():
    facts = facts_of("## 劳动竞赛\n\n某市总工会持续开展“建功新时代，奋进新征程”主题活动，覆盖全市职工。\n")
    assert "建功新时代，奋进新征程主题活动" in names(facts["programs"])
