"""A bounded fuzz run over the CLI's input path, and a build killed in the middle.

The fuzz run feeds arbitrary bytes and text-like pages to ``kg extract`` in-process: it may
refuse an input (exit 1, a message naming the file) but must never raise. Run longer with
``KG_FUZZ_EXAMPLES=5000 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.cli import main
from kg.store import open_store

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


def _export_files(folder):
    """Export files by content; not the store (a database: same content, other bytes)."""
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
            if p.is_file() and "store" not in p.relative_to(folder).parts}


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
