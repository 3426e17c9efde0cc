"""kg.ner: persons, places and organisations in invented sentences, and the benchmark against jieba.

The sentences below are made up for these tests; none is taken from the
benchmark data. The last test runs bench/ner_bench.py on the first 300
sentences of the People's Daily dev split when ../shared holds it.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

from kg.extract import segment
from kg.ner import recogniser as ner

ROOT = Path(__file__).resolve().parents[1]


def spans(text: str) -> set[tuple[str, str]]:
    """(surface, label) of every entity found in ``text``."""
    return {(text[a:b], label) for a, b, label in ner.recognise(text)}


def labelled(text: str, label: str) -> set[str]:
    return {s for s, lab in spans(text) if lab == label}


# --- persons -----------------------------------------------------------------

def test_a_name_the_segmenter_splits_is_one_person():
    text = "省长陈建宇昨天在郑州表示，要把好事办好。"
    words = list(segment.tokenizer().cut(text))
    assert "陈" in words and "陈建宇" not in words  # jieba cuts the surname off
    assert "陈建宇" in labelled(text, "PER")


def test_a_surname_and_a_given_name_read_as_ordinary_words():
    text = "该片由吴天亮执导，去年秋天开机。"
    assert labelled(text, "PER") == {"吴天亮"}


def test_a_title_before_a_name_is_not_part_of_the_person():
    text = "国务院副总理孙立平在北京会见了巴西外长。"
    people = labelled(text, "PER")
    assert people == {"孙立平"}
    assert not any("副总理" in p for p in people)
    assert ("国务院", "ORG") in spans(text)


def test_a_reporter_and_a_foreign_name_across_the_dot():
    text = "记者王晓峰报道：美国宇航员约翰·麦克莱恩今天说，任务已经完成。"
    assert labelled(text, "PER") == {"王晓峰", "约翰·麦克莱恩"}


def test_ordinary_words_the_dictionary_tags_as_names_are_not_persons():
    # jieba's dictionary tags 文明, 多云 and 小雨 as names (nr)
    text = "这个具有悠久文明的城市明天多云转小雨。"
    assert labelled(text, "PER") == set()


# --- places ------------------------------------------------------------------

def test_countries_and_provinces_are_places():
    text = "中国和巴西的代表团昨天抵达河南省，随后前往广东。"
    places = labelled(text, "LOC")
    assert {"中国", "巴西", "河南省", "广东"} <= places


def test_a_street_named_after_a_province_is_no_province():
    text = "他在北京市湖南路开了一家小店。"
    found = ner.recognise(text)
    a = text.index("湖南")
    assert (a, a + 2, "LOC") not in found
    assert not any(s <= a < e and label == "LOC" for s, e, label in found)
    assert ("北京市", "LOC") in spans(text)


def test_one_character_abbreviations_of_countries():
    text = "双方重申将推动中美关系健康发展，欢迎他年内访华。"
    places = {(text[a:b], a) for a, b, label in ner.recognise(text) if label == "LOC"}
    assert ("中", text.index("中美")) in places
    assert ("美", text.index("中美") + 1) in places
    assert ("华", text.index("访华") + 1) in places


# --- organisations -------------------------------------------------------------

def test_state_and_union_bodies_are_organisations():
    text = "国务院办公厅、县政府和省总工会联合下发通知。"
    orgs = labelled(text, "ORG")
    assert {"国务院办公厅", "县政府", "省总工会"} <= orgs


def test_an_organisation_takes_the_place_before_it_whole():
    text = "郑州市劳动争议仲裁委员会和河南省总工会今天签署协议。"
    orgs = labelled(text, "ORG")
    assert {"郑州市劳动争议仲裁委员会", "河南省总工会"} <= orgs
    assert labelled(text, "LOC") == set()  # 郑州市 and 河南省 are inside the organisations


def test_news_agencies_and_the_place_of_a_dateline():
    text = "新华社北京5月3日电外交部发言人今天表示欢迎。"
    assert spans(text) >= {("新华社", "ORG"), ("北京", "LOC"), ("外交部", "ORG")}


def test_a_foreign_country_government_is_a_place_and_a_word():
    # the annotation convention of Chinese news NER: 美国 is a place, 政府 is no entity
    text = "美国政府认为这项协议是公平的。"
    assert spans(text) == {("美国", "LOC")}


def test_spans_are_sorted_and_do_not_overlap():
    text = "国务院副总理孙立平昨天在北京人民大会堂会见了联合国秘书长。"
    found = ner.recognise(text)
    assert found == sorted(found)
    assert all(e1 <= s2 for (_, e1, _), (s2, _, _) in zip(found, found[1:]))
    assert ner.recognise("") == []


# --- the benchmark -------------------------------------------------------------

def _bench():
    spec = importlib.util.spec_from_file_location("ner_bench", ROOT / "bench" / "ner_bench.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_beats_plain_jieba_on_the_first_300_dev_sentences():
    bench = _bench()
    path = bench.PD_DEFAULT / "example.dev"
    if not path.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"benchmark data missing in CI: {path}")
        pytest.skip(f"benchmark data not present: {path}")
    data = bench.read_bio(path)[:300]
    result = bench.run(data)
    for label in bench.LABELS:
        ours, jieba = result["ours"][label][2], result["jieba"][label][2]
        assert ours > jieba, f"{label}: ours F1 {ours:.3f} does not beat jieba {jieba:.3f}"
