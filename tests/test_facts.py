"""Facts JSON (kg/export/facts.py): one page's facts are read from that page."""
from __future__ import annotations

from kg import api
from kg.export.facts import page_facts
from kg.extract import extract_article
from kg.resolve.entities import resolve


def _kb(*texts: str):
    pages = [api.read_text(f"## 测试{i}\n\n{text}\n", f"p{i}.txt") for i, text in enumerate(texts)]
    return resolve([(p, [extract_article(x) for x in p.articles]) for p in pages])


def test_a_pages_entities_are_listed_in_the_order_the_page_names_them():
    """Each kind's entities follow the page's own reading (article, sentence), not the place another
    page of the build first named them: the earlier page names 四川省总工会 in its first sentence, the
    later one names 成都市总工会 before it."""
    kb = _kb("四川省总工会召开会议。", "会议召开。成都市总工会出席。四川省总工会出席。")
    assert [u["name"] for u in page_facts(kb, "p1.txt")["union_bodies"]] == ["成都市总工会", "四川省总工会"]
    assert [u["name"] for u in page_facts(kb, "p0.txt")["union_bodies"]] == ["四川省总工会"]


def test_a_reporters_article_is_the_one_on_this_page():
    """The earlier page has the reporter in its second article, this page in its first."""
    kb = _kb("会议召开。\n\n## 另一篇\n\n本报讯 (记者 陈明远)会议召开。", "本报讯 (记者 陈明远)四川省总工会召开会议。")
    assert [(p["name"], p["article"]) for p in page_facts(kb, "p0.txt")["persons"]] == [("陈明远", 2)]
    assert [(p["name"], p["article"]) for p in page_facts(kb, "p1.txt")["persons"]] == [("陈明远", 1)]
