"""Policies: 《》 titles that are rules or plans, their short names, issuers and dates."""
from __future__ import annotations

import pytest
from conftest import entity, facts_of, kb_of, names, one

from kg.ingest.pages import normalise_char

GANSU = "甘肃省保障农民工工资支付工作考核办法"
AI_ACTION = "全国总工会广泛应用人工智能行动"


# ---------------------------------------------------------------------------
# Seeds
# ---------------------------------------------------------------------------


def test_gansu_measures_short_name_issuer(facts000):
    policy = one(facts000["policies"], GANSU)
    assert policy["aliases"] == ["办法"]
    assert policy["issuer"] == "甘肃省人民政府办公厅"
    assert "办法" not in names(facts000["policies"])


def test_later_short_references_are_evidence_of_the_full_policy(seed_kb, seed_pages):
    policy = entity(seed_kb, "policy", GANSU)
    shorts = [ev for ev in policy.evidence if GANSU not in ev.text]
    assert len(shorts) >= 3  # 《办法》明确了…, 《办法》提出…, 《办法》规定…
    text = seed_pages[0].text
    for ev in policy.evidence:
        printed = "".join(normalise_char(c) for c in text[ev.start:ev.end])
        assert printed in (GANSU, "办法")


def test_ai_action_issuer_and_date(facts000):
    policy = one(facts000["policies"], AI_ACTION)
    assert policy["issuer"] == "中华全国总工会"
    assert policy["date"] == "2023-12-22"


def test_issuer_is_not_the_guiding_organisation(facts000):
    # 在广东省总的指导下，平台制定《12351广东职工热线管理规则》: the union guides, it does not issue
    rules = one(facts000["policies"], "12351广东职工热线管理规则")
    assert rules["issuer"] != "广东省总工会"
    assert rules["issuer"] is None


def test_policy_titles_are_unique_per_page(seed_facts):
    for facts in seed_facts:
        titles = names(facts["policies"])
        assert len(titles) == len(set(titles))


# ---------------------------------------------------------------------------
# Synthetic pages
# ---------------------------------------------------------------------------

HUBEI = (
    "## 湖北出台职工权益保障新规\n\n"
    "本报讯(记者周丽)日前，《湖北省职工劳动权益保障办法》(以下简称《办法》)由湖北省人民政府办公厅印发。"
    "记者注意到，《办法》明确了工会的监督职责。\n\n"
    "《办法》还规定，用人单位应当按时足额支付劳动报酬。\n"
)


def test_short_name_declared_then_referenced():
    facts = facts_of(HUBEI)
    assert names(facts["policies"]) == ["湖北省职工劳动权益保障办法"]
    policy = facts["policies"][0]
    assert policy["aliases"] == ["办法"]
    assert policy["issuer"] == "湖北省人民政府办公厅"
    assert policy["date"] is None


def test_short_name_references_attach_to_the_full_title():
    _, kb = kb_of(HUBEI)
    policy = entity(kb, "policy", "湖北省职工劳动权益保障办法")
    assert sorted({ev.sentence for ev in policy.evidence}) == [1, 2, 3]
    assert not [e for e in kb.entities.values() if e.kind == "policy" and e.name == "办法"]


def test_issuer_before_verb_and_full_date():
    facts = facts_of(
        "## 浙江出台方案\n\n本报讯(记者陈晓)2024年3月1日，浙江省人民政府办公厅印发"
        "《浙江省新就业形态劳动者权益保障实施方案》，明确了二十条措施。\n")
    policy = one(facts["policies"], "浙江省新就业形态劳动者权益保障实施方案")
    assert policy["issuer"] == "浙江省人民政府办公厅"
    assert policy["date"] == "2024-03-01"


def test_union_as_issuer_in_another_province():
    facts = facts_of(
        "## 新规\n\n本报讯(记者陈晓)近日，陕西省总工会制定《陕西省职工互助保障活动管理办法》。\n")
    assert one(facts["policies"], "陕西省职工互助保障活动管理办法")["issuer"] == "陕西省总工会"


def test_date_without_issue_verb_is_not_a_policy_date():
    facts = facts_of(
        "## 宣讲\n\n本报讯(记者陈晓)2024年5月6日，工会干部走进车间宣讲《劳动合同法》。\n")
    law = one(facts["policies"], "劳动合同法")
    assert law["date"] is None
    assert law["issuer"] is None


def test_newspaper_title_is_not_a_policy():
    facts = facts_of(
        "## 转载\n\n本报讯(记者陈晓)《工人日报》刊发了《关于加强新就业形态劳动者权益保障的指导意见》。\n")
    assert names(facts["policies"]) == ["关于加强新就业形态劳动者权益保障的指导意见"]


def test_bare_short_title_in_another_article_is_not_a_new_policy():
    facts = facts_of(
        HUBEI + "\n## 工会落实新规\n\n本报讯(记者钱进)记者注意到，各地工会正在学习《办法》。\n")
    assert "办法" not in names(facts["policies"])


def test_songs_books_and_shows_in_book_title_marks_are_not_policies():
    facts = facts_of("## 文化\n\n本报讯(记者张明)职工合唱团演唱了《咱们工人有力量》，工会向职工赠送《平凡的世界》，"
                     "纪录片《她们的力量》开播；江苏省总工会印发《江苏省职工书屋建设管理办法》。\n")
    assert [p["name"] for p in facts["policies"]] == ["江苏省职工书屋建设管理办法"]
    assert facts["policies"][0]["issuer"] == "江苏省总工会"


def test_a_title_opening_with_its_issuers_names_the_first():
    facts = facts_of("## 表彰\n\n大会宣读了《中国侨联、国务院侨办关于表彰先进个人的决定》。\n")
    assert one(facts["policies"], "中国侨联、国务院侨办关于表彰先进个人的决定")["issuer"] == "中华全国归国华侨联合会"


def test_the_subject_clause_before_the_verb_issues_the_first_body_printed():
    facts = facts_of("## 发布\n\n工业和信息化部、国家发展改革委等七部门，联合发布了我国首个《关于推动制造业节能发展的指导意见》。\n")
    assert one(facts["policies"], "关于推动制造业节能发展的指导意见")["issuer"] == "工业和信息化部"


def test_a_congress_with_its_term_printed_adopts_the_regulation():
    facts = facts_of("## 条例\n\n本报讯《浙江省职工权益保障条例》已于11月29日经浙江省第十四届人民代表大会常务委员会第十三次会议审议通过。\n")
    assert one(facts["policies"], "浙江省职工权益保障条例")["issuer"] == "浙江省人民代表大会常务委员会"


def test_a_leading_group_of_a_central_body_is_the_issuer_in_full():
    facts = facts_of("## 措施\n\n国务院促进中小企业发展工作领导小组办公室印发《助力中小企业稳增长若干措施》。\n")
    assert one(facts["policies"], "助力中小企业稳增长若干措施")["issuer"] == "国务院促进中小企业发展工作领导小组办公室"


def test_the_subject_is_the_body_opening_an_earlier_clause_and_no_other():
    facts = facts_of("## 会议\n\n12月22日，全国总工会召开会议，启动了应用行动，并制定了《全总应用数字技术行动方案》。"
                     "全会讨论并通过了中央纪律检查委员会的工作报告，讨论并通过了《职工代表工作条例》。\n")
    assert one(facts["policies"], "全总应用数字技术行动方案")["issuer"] == "中华全国总工会"
    assert one(facts["policies"], "职工代表工作条例")["issuer"] is None


def test_a_body_that_presents_a_document_is_not_its_issuer():
    facts = facts_of("## 要闻\n\n国务院新闻办举行吹风会，民政部、商务部等部门介绍，日前印发的《关于促进养老消费的行动方案》。\n")
    assert one(facts["policies"], "关于促进养老消费的行动方案")["issuer"] is None
    facts = facts_of("## 要闻\n\n中国证监会相关负责人介绍，刚刚印发的《关于推动资金入市的实施方案》。\n")
    assert one(facts["policies"], "关于推动资金入市的实施方案")["issuer"] is None


def test_the_general_office_of_a_central_body_issues_in_its_own_name():
    facts = facts_of("## 要闻\n\n近日，中央纪委办公厅印发《关于节日期间严格落实规定的通知》。\n")
    assert one(facts["policies"], "关于节日期间严格落实规定的通知")["issuer"] == "中共中央纪律检查委员会办公厅"
    facts = facts_of("## 要闻\n\n近日，教育部办公厅印发《关于做好招生工作的通知》。\n")
    assert one(facts["policies"], "关于做好招生工作的通知")["issuer"] == "教育部办公厅"
