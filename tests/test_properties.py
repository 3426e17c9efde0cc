"""Property-based tests: arbitrary text never breaks ingest or extraction, offsets are exact,
and what is exported always re-parses."""
import re
import unicodedata

import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.extract import extract_article
from kg.ingest.pages import _normalise, parse_page
from kg.export.rdf import serialize, to_dataset
from kg.resolve.entities import resolve

# text that looks like the pages: headings, bylines, Chinese, punctuation of both widths, markup
FRAGMENTS = st.sampled_from([
    "## ", "# ", "### ", "\n", "\n\n", "\r\n", "本报讯(记者张明)", "新华社北京1月3日电", "（下转第3版）",
    "湖北省总工会", "省总工会", "全总", "党组书记、副主席", "主席", "李公乐", "《", "》", "“", "”", "以下简称",
    "12351热线", "“流动暖新”服务", "。", "，", ",", "(", ")", "\u3000", "\u200b", "\ufeff", "１２", "<script>",
    "&amp;", "\\", "\"", "印发", "2024年1月5日", "铁西区", "沈阳", "记者马学礼李静楠", "新华社记者孙凡越摄",
])
PAGES = st.one_of(st.text(max_size=300), st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.slow
@SETTINGS
@given(PAGES)
def test_ingest_offsets_point_at_the_sentence_text(text):
    page = parse_page(text, "p.txt")
    for article in page.articles:
        for s in article.sentences:
            spans = s.original_spans(0, len(s.text))
            assert "".join(_normalise(text[a:b]) for a, b in spans) == s.text


@pytest.mark.slow
@SETTINGS
@given(PAGES)
def test_extraction_never_raises_and_mentions_are_exact(text):
    page = parse_page(text, "p.txt")
    findings = [extract_article(a) for a in page.articles]
    for f in findings:
        for m in f.mentions:
            s = f.article.sentences[m.sentence]
            if m.surface:  # constructed government mentions carry the place only
                printed = "".join(_normalise(text[a:b]) for a, b in s.original_spans(m.start, m.end))
                if m.kind == "program":  # a program is named without its quote marks: “五小”活动 -> 五小
                    printed = re.sub('[“”"]', "", printed)
                assert m.surface in printed


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PAGES)
def test_every_export_reparses(text):
    page = parse_page(text, "p.txt", "0" * 64)
    kb = resolve([(page, [extract_article(a) for a in page.articles])])
    ds = to_dataset(kb)
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld")):
        g = rdflib.Graph().parse(data=serialize(ds, fmt), format=parser)
        assert len(g) == len(ds.triples())
    for fmt, parser in (("trig", "trig"), ("nq", "nquads")):
        d = rdflib.Dataset().parse(data=serialize(ds, fmt), format=parser)
        assert len(list(d.quads())) == len(ds.quads)


def _plain(text: str) -> str:
    """As the scorer compares names: NFKC, without quote and book-title marks."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch not in "“”‘’《》\"'" and not ch.isspace())


def test_evidence_offsets_name_the_entity_in_the_seed():
    from pathlib import Path

    seed = Path(__file__).resolve().parent.parent / "seeds" / "003_c578291eaf5148a9.txt"
    text = seed.read_text("utf-8")
    page = parse_page(text, seed.name)
    kb = resolve([(page, [extract_article(a) for a in page.articles])])
    checked = 0
    for e in kb.entities.values():
        if e.kind not in ("union", "province", "program", "policy", "official"):
            continue
        for ev in e.evidence:
            printed = _plain(text[ev.start:ev.end])
            names = {_plain(n) for n in {e.name} | e.aliases}
            assert printed in names or any(printed in n or n in printed for n in names), (e.name, printed)
            checked += 1
    assert checked > 50
