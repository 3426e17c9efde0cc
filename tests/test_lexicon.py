"""The lexicons: one strict loader, general knowledge only."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from kg import lexicon

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


def test_every_lexicon_loads_and_says_where_its_knowledge_comes_from():
    sources = (lexicon.LEXICON_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for path in sorted(lexicon.LEXICON_DIR.glob("*.tsv")):
        assert lexicon._rows(path.name), path.name
        assert f"`{path.name}`" in sources, f"{path.name} has no entry in SOURCES.md"
    for path in sorted(lexicon.LEXICON_DIR.glob("*.txt")):
        assert lexicon._lines(path.name), path.name
        assert f"`{path.name}`" in sources, f"{path.name} has no entry in SOURCES.md"


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
