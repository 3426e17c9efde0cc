"""The lexicons: one strict loader, general knowledge only."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from kg.knowledge import lexicon

SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"


def test_a_row_with_a_missing_cell_names_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "bad.tsv").write_text("# comment\nkind\tvalue\nfollows\t表示\nbroken\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon._rows.cache_clear()
    try:
        with pytest.raises(lexicon.LexiconError, match=r"bad\.tsv:4: 1 cells where the header names 2"):
            lexicon._rows("bad.tsv")
        with pytest.raises(lexicon.LexiconError, match="missing"):
            lexicon._rows("absent.tsv")
    finally:
        lexicon._rows.cache_clear()


@pytest.mark.parametrize("text, error", [
    ("王\n李\n", r"words\.txt:1: no header line"),  # a word list whose header was forgotten loses no word
    ("# only a comment\n", r"words\.txt: no header line"),
    ("word\n", r"words\.txt: no rows under the header"),
    ("word\n王\n 李\n", r"words\.txt:3: a cell with spaces around it"),
    ("word\tword\n王\t李\n", r"words\.txt:1: no header line"),  # a column named twice
    ("kind\tvalue\n王\t李\n", r"words\.txt: a word list has one column; the header names 2"),
])
def test_a_word_list_needs_its_header_and_clean_rows(tmp_path, monkeypatch, text, error):
    (tmp_path / "words.txt").write_text(text, encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon._rows.cache_clear()
    try:
        with pytest.raises(lexicon.LexiconError, match=error):
            lexicon._lines("words.txt")
        with pytest.raises(lexicon.LexiconError, match="missing"):
            lexicon._lines("absent.txt")
    finally:
        lexicon._rows.cache_clear()


def test_no_module_reads_a_lexicon_file_but_the_loader():
    """kg.knowledge.lexicon._rows is the one reader: no other module opens a file of kg/knowledge/lexicons
    (kg/pipeline/cache.py hashes their bytes, to know when the extraction's knowledge changed)."""
    package = lexicon.LEXICON_DIR.parents[1]  # kg/, every module of every package
    for path in sorted(package.rglob("*.py")):
        if path.relative_to(package).as_posix() in ("knowledge/lexicon.py", "pipeline/cache.py"):
            continue
        text = path.read_text(encoding="utf-8")
        assert "LEXICON_DIR" not in text and '"lexicons"' not in text, f"{path.relative_to(package)} reads a lexicon itself"


def _sources_table() -> dict[str, str]:
    """File -> source, from the table of SOURCES.md (a row may name several files)."""
    table = {}
    for line in (lexicon.LEXICON_DIR / "SOURCES.md").read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 3 and "`" in cells[0]:
            for name in re.findall(r"`([^`]+)`", cells[0]):
                table[name] = cells[2]
    return table


def test_every_lexicon_loads_and_says_where_its_knowledge_comes_from():
    table = _sources_table()
    files = sorted(p.name for p in lexicon.LEXICON_DIR.iterdir() if p.suffix in (".tsv", ".txt"))
    for name in files:
        assert lexicon._rows(name), name
        if name.endswith(".txt"):
            assert lexicon._lines(name), name
        assert table.get(name), f"{name} has no source in the table of kg/knowledge/lexicons/SOURCES.md"
    assert sorted(table) == files, "SOURCES.md names files that are not in kg/knowledge/lexicons"


def test_countries_and_bodies_resolve_their_printed_forms():
    assert lexicon.country_forms()["美国"].name == "美利坚合众国"
    assert lexicon.country_abbreviations()["法"].name == "法兰西共和国"
    forms = dict(lexicon.organization_forms())
    assert forms["人社部"] == "人力资源和社会保障部"
    assert forms["越共中央政治局"] == "越南共产党中央政治局"
    assert forms["{place}人大常委会"] == "{place}人民代表大会常务委员会"
    assert "国家" not in forms  # 来自100多个国家 names no state


def _gold_person_names() -> set[str]:
    names = set()
    for path in list(SHARED.glob("gold/*.json")) + list(SHARED.glob("news/gold/*.json")):
        facts = json.loads(path.read_text(encoding="utf-8"))
        names |= {o["name"] for o in facts.get("officials", [])}
        names |= {p["name"] for p in facts.get("persons", []) if isinstance(p, dict) and p.get("name")}
    return {n for n in names if len(n) >= 2}


def test_no_lexicon_or_module_holds_a_person_named_in_a_gold_file():
    if not SHARED.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("../shared/eval is missing under CI")
        pytest.skip("../shared is not beside this clone")
    people = _gold_person_names()
    assert people
    package = lexicon.LEXICON_DIR.parent
    for path in sorted(package.rglob("*")):
        if path.suffix not in (".py", ".tsv", ".txt", ".md", ".ttl", ".html"):
            continue
        text = path.read_text(encoding="utf-8")
        found = sorted(n for n in people if n in text)
        assert not found, f"{path.relative_to(package)} names people of the gold files: {found}"


# The word lists moved out of the extractors' code (issue 15): each module reads its kinds at import, so a
# kind missing or empty in its file would silently switch a rule off; every one is required here.
_KINDS_READ_BY_MODULES = {
    "official_words.tsv": ("state_title", "one_holder", "corporate_title", "corporate_head", "generic_body",
                           "too_vague", "state_body_word", "national_assembly", "not_yet_or_now",
                           "following_a_name", "generic_host", "office_standing", "org_end",
                           "sub_body_end"),
    "program_words.tsv": ("keep_word", "drop_word", "longer_noun", "document_word", "not_a_name_start", "contest",
                          "appraisal", "occasion_format", "festivity", "one_event", "event_after", "routine",
                          "integration", "launch_verb"),
    "ner_words.tsv": ("name_tail", "place_tail", "head_title", "name_ender", "strong_after_name", "team_word",
                      "self_naming", "committee", "org_opener", "org_stop", "congress_end", "foreign_place_end",
                      "not_given_end", "one_char_org_suffix"),
    "segment_words.tsv": ("body_word", "joined_body_end"),
}


@pytest.mark.parametrize("name, kinds", sorted(_KINDS_READ_BY_MODULES.items()))
def test_every_kind_a_module_reads_is_present_and_not_empty(name, kinds):
    in_order, by_kind = lexicon.words_in_file_order(name), lexicon.words_by_kind(name)
    for kind in kinds:
        assert in_order.get(kind), f"{name} has no row of kind {kind}"
        assert sorted(in_order[kind]) == sorted(by_kind[kind]), kind
        assert len(set(in_order[kind])) == len(in_order[kind]), f"{name}: a word of kind {kind} is listed twice"
    assert set(in_order) == set(kinds), f"{name} holds kinds no module reads: {sorted(set(in_order) - set(kinds))}"


def test_party_committees_name_the_end_of_their_full_name():
    assert lexicon.party_committees() == {"党委": "委员会", "纪委": "纪律检查委员会", "党组": "党组"}


def test_words_in_file_order_keep_the_rows_order_and_name_a_bad_row(tmp_path, monkeypatch):
    (tmp_path / "words.tsv").write_text("# comment\nkind\tvalue\nend\t新\nend\t新任\nend\t现任\n", encoding="utf-8")
    (tmp_path / "bad.tsv").write_text("kind\tvalue\nend\t新\nend\t新任\textra\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon._rows.cache_clear()
    lexicon.words_in_file_order.cache_clear()
    try:
        assert lexicon.words_in_file_order("words.tsv") == {"end": ("新", "新任", "现任")}
        with pytest.raises(lexicon.LexiconError, match=r"bad\.tsv:3: 3 cells where the header names 2"):
            lexicon.words_in_file_order("bad.tsv")
    finally:
        lexicon._rows.cache_clear()
        lexicon.words_in_file_order.cache_clear()


def test_level_words_keep_their_order_and_their_readers():
    words = lexicon.level_words()
    bare = [w.word for w in words if w.bare_for_place]
    assert bare[:2] == ["自治区", "自治州"] and {"省", "市", "县", "盟", "旗"} <= set(bare)
    for i, word in enumerate(bare):  # a longer word is tried before the shorter one it ends with
        assert not any(word.endswith(shorter) for shorter in bare[:i]), word
    assert {w.word for w in words if w.ner_level} == set("省市县区乡镇村州")
    assert {"自治县", "特区"} <= {w.word for w in words if w.government}
    assert {w.word for w in words if w.bare_for_place and w.government} == {"省", "自治区", "市", "自治州", "州", "区", "县", "旗"}
    assert {w.level for w in words} == {"province", "city", "district", "township", "village", "special"}


def test_a_level_word_flag_other_than_yes_or_no_is_refused(tmp_path, monkeypatch):
    (tmp_path / "level_words.tsv").write_text(
        "word\tlevel\tbare_for_place\tner_level\tgovernment\n省\tprovince\tYes\tyes\tyes\n", encoding="utf-8")
    monkeypatch.setattr(lexicon, "LEXICON_DIR", tmp_path)
    lexicon._rows.cache_clear()
    lexicon.level_words.cache_clear()
    try:
        with pytest.raises(lexicon.LexiconError, match=r"level_words\.tsv: 省: bare_for_place is 'Yes'"):
            lexicon.level_words()
    finally:
        lexicon._rows.cache_clear()
        lexicon.level_words.cache_clear()


def test_words_of_bodies_no_name_holds_are_listed():
    assert {"党委", "支部", "工会"} <= set(lexicon.words_in_file_order("name_context.tsv")["body_in_no_name"])
    assert {"管理局", "办事处"} <= set(lexicon.words_in_file_order("name_context.tsv")["body_after_name"])
