"""Bounded fuzz runs over the CLI's input path, and a build killed in the middle.

The first run feeds arbitrary bytes and text-like pages to ``kg extract`` in-process: it may
refuse an input (exit 1, a message naming the file) but must never raise. The second builds
generated archives (fields of every JSON type, lone surrogates, BOMs, control characters,
broken lines) and pages under generated names (long, Chinese, control characters, not UTF-8)
with ``kg build``. Both run in every test run (the second is marked ``slow``: some 30 s);
run them longer with ``KG_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kg.cli.commands import main
from kg.store.database import open_store

pytestmark = pytest.mark.slow  # builds killed and fuzzed command lines

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("KG_FUZZ_EXAMPLES", "60"))

PIECES = st.sampled_from(["## ", "\n\n", "本报讯(记者张明)", "湖北省总工会", "主席", "李公乐", "《", "》", "“",
                          "”", "<script>", "\x00", "\ufeff", "\r\n", "省总", "12351热线", "（下转第3版）", "、"])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=10)), max_size=40).map("".join)
CONTENTS = st.one_of(st.binary(max_size=400), TEXTS.map(lambda t: t.encode("utf-8")),
                     TEXTS.map(lambda t: t.encode("gb18030", errors="ignore")),
                     TEXTS.map(lambda t: t.encode("utf-16")))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                       HealthCheck.function_scoped_fixture])
@given(content=CONTENTS, suffix=st.sampled_from([".txt", ".md", ".jsonl"]))
def test_cli_input_path_never_raises(tmp_path_factory, content, suffix, capsys):
    folder = tmp_path_factory.mktemp("fuzz")
    page = folder / f"page{suffix}"
    page.write_bytes(content)
    code = main(["extract", str(page), "--facts-dir", str(folder / "facts")])
    out = capsys.readouterr()
    assert code in (0, 1)
    if code == 1:
        assert str(page) in out.err  # the refusal names the file
    for facts in (folder / "facts").glob("*.json") if (folder / "facts").exists() else []:
        json.loads(facts.read_text("utf-8"))


# Archives as careless and hostile producers write them: fields of any JSON type (NaN and 1e999
# included), strings with lone surrogates, control characters and markup, a BOM, broken lines.
JSON_TEXT = st.lists(st.one_of(PIECES, st.text(max_size=8), st.sampled_from(
    ["\ud800", "\udfff", "\x01", "\x1b", "\r", "\u2028", "\ufffe", "２０２４", "٢٠٢٤"])), max_size=20).map("".join)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), JSON_TEXT,
              st.sampled_from(["2024-01-05", "2024-13-45", "2023-02-29", "https://example.org/x", "not a url"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=6)
FIELDS = st.sampled_from(["title", "text", "date", "url", "id", "other"])
RECORDS = st.lists(st.one_of(
    st.dictionaries(FIELDS, JSON_VALUES, max_size=6).map(lambda r: json.dumps(r, ensure_ascii=False, allow_nan=True)),
    st.builds(lambda title, text, extra: json.dumps({"title": title, "text": text, **extra}, ensure_ascii=False),
              JSON_TEXT, TEXTS, st.dictionaries(FIELDS, JSON_VALUES, max_size=3)),
    st.sampled_from(["{not json", "[1, 2]", "", "\x00", '"text"', "[" * 3000 + "]" * 3000])), min_size=1, max_size=6)
# File names: Chinese, very long (up to the 255-byte limit), with control characters, or not UTF-8 at all
NAMES = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)), min_size=1, max_size=40),
    st.sampled_from(["工会" * 40, "a" * 249, "\x01\r\n", "-rf", "..x", "新闻\u2028"]),
    st.binary(min_size=1, max_size=30).filter(lambda b: b"/" not in b and b"\x00" not in b).map(os.fsdecode))


# A build takes about a second: shrinking a failure could take many minutes, so this run
# reports the failing example as generated, and its time stays bounded by the examples.
BOUNDED = [Phase.explicit, Phase.reuse, Phase.generate]


@pytest.mark.slow
@settings(max_examples=max(10, EXAMPLES // 2), deadline=None, phases=BOUNDED,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(records=RECORDS, bom=st.booleans(), name=NAMES, suffix=st.sampled_from([".jsonl", ".ndjson"]),
       page=TEXTS, page_name=NAMES)
def test_cli_build_over_generated_archives_never_raises(tmp_path_factory, records, bom, name, suffix, page,
                                                         page_name, capsys):
    """``kg build`` of a generated archive and page ends with 0 or 1 (never a traceback, never a
    SHACL failure from bad input), says on stderr why each thing failed or was changed, and
    writes exports that parse and one facts file per built page."""
    folder = tmp_path_factory.mktemp("fuzz-build")
    inputs = []
    for stem, suffix_, data in ((name, suffix, ("\ufeff" if bom else "") + "\n".join(records) + "\n"),
                                (page_name, ".txt", page)):
        path = folder / "in" / (stem + suffix_)
        try:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data.encode("utf-8", "surrogatepass"))
        except (OSError, ValueError):  # a name this file system cannot hold: nothing to test with it
            continue
        inputs.append(str(path))
    if not inputs:
        return
    out = folder / "out"
    code = main(["build", *inputs, "--out", str(out), "--jobs", "1", "--quiet"])
    said = capsys.readouterr()
    assert code in (0, 1), said.err
    assert "Traceback" not in said.err and "SHACL" not in said.err
    for line in said.err.splitlines():
        assert line.startswith(("failed: ", "warning: ", "note: ", "kg build: no page could be read")), line
    if "nothing was written" in said.err:
        assert not out.exists()
        return
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    pages = int(dict(line.split(": ", 1) for line in said.out.splitlines() if ": " in line)["pages"])
    assert len(manifest["facts"]) == pages == len(list((out / "facts").glob("*.json")))
    for facts in (out / "facts").glob("*.json"):
        json.loads(facts.read_text("utf-8"))
    quads = list(ox.parse(path=str(out / "graph.nq"), format=ox.RdfFormat.N_QUADS))
    assert quads and all(q.subject.value.isascii() for q in quads)
    json.loads((out / "graph.jsonld").read_text("utf-8"))


def _export_files(folder):
    """Export files by content; not the store (a database: same content, other bytes), nor the
    lock file (which names the build that holds it)."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "store" not in p.relative_to(folder).parts and p.name != ".kg-build.lock"}


def test_killed_build_leaves_previous_exports_whole(tmp_path):
    """Build once; then kill bigger builds at different moments: every export stays whole."""
    out = tmp_path / "out"
    first = subprocess.run([sys.executable, "-m", "kg", "build", str(ROOT / "seeds"), "--out", str(out)],
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    before = _export_files(out)
    bigger = tmp_path / "bigger"
    bigger.mkdir()
    text = (ROOT / "seeds" / "003_c578291eaf5148a9.txt").read_text("utf-8")
    for i in range(40):
        (bigger / f"p{i:03d}.txt").write_text(text.replace("兰州", "兰州" * (i % 3 + 1)), encoding="utf-8")
    complete = tmp_path / "complete"
    done = subprocess.run([sys.executable, "-m", "kg", "build", str(bigger), "--out", str(complete)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    after = _export_files(complete)
    old_size, new_size = len(open_store(out / "store")), len(open_store(complete / "store"))
    for delay in (0.5, 2.0, 4.0):
        proc = subprocess.Popen([sys.executable, "-m", "kg", "build", str(bigger), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        for rel, old in before.items():
            now = (out / rel).read_bytes()
            assert now == old or now == after.get(rel), f"{rel} is neither the old nor the new export"
        json.loads((out / "graph.json").read_text("utf-8"))
        rdflib.Graph().parse(out / "graph.ttl")
        rdflib.Dataset().parse(out / "graph.nq", format="nquads")
        assert len(open_store(out / "store")) in (old_size, new_size)  # the old or the new store, whole
