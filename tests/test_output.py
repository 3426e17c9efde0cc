"""The output folder of ``kg build`` (``kg/pipeline/outdir.py``): every page its own facts file and IRI,
only the build's own files ever removed, one generation visible at a time (even to a build
killed while it switches), and one build at a time."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.cli.commands import main
from kg.ingest.pages import parse_page
from kg.pipeline.outdir import LOCK, MANIFEST
from kg.pipeline.run import facts_name, page_local
from kg.resolve.entities import resolve
from kg.store.database import open_store

pytestmark = pytest.mark.slow  # each test builds into output folders with kg build

ROOT = Path(__file__).resolve().parent.parent
PAGE = "## 湖北省总工会开展送温暖活动\n\n本报讯(记者周敏)湖北省总工会党组书记、常务副主席{name}带队开展送温暖活动。\n"
UKG_PAGE = "https://w3id.org/unionkg/ontology#Page"


def page(folder: Path, name: str, official: str = "张建国") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PAGE.format(name=official), encoding="utf-8")
    return path


def record(official: str) -> str:
    body = PAGE.format(name=official).split("\n\n", 1)[1]
    return json.dumps({"title": "湖北省总工会开展送温暖活动", "text": body}, ensure_ascii=False) + "\n"


def kg(*args) -> int:
    return main([*map(str, args), "--jobs", "1", "--quiet"])


def facts_in(folder: Path) -> dict[str, dict]:
    return {p.name: json.loads(p.read_text("utf-8")) for p in folder.glob("*.json")}


def officials(facts: dict) -> set[str]:
    return {o["name"] for o in facts["officials"]}


def page_iris(nquads: Path) -> set[str]:
    return {q.subject.value for q in ox.parse(path=str(nquads))
            if q.predicate.value.endswith("#type") and q.object.value == UKG_PAGE}


# ---------------------------------------------------------------------------
# 4. Every page its own facts file and its own page IRI
# ---------------------------------------------------------------------------


@pytest.fixture
def namesakes(tmp_path) -> list[Path]:
    """Inputs whose facts would all have gone to three files: same name in two folders (with
    other content, and with the same bytes), page.txt beside page.md, news-1.txt beside line 1
    of news.jsonl."""
    src = tmp_path / "src"
    inputs = [page(src / "a", "p.txt", "张建国"), page(src / "b", "p.txt", "李明"),
              page(src / "c", "q.txt", "王芳"), page(src / "d", "q.txt", "王芳"),
              page(src, "page.txt", "赵强"), page(src, "page.md", "钱伟"), page(src, "news-1.txt", "孙丽")]
    (src / "news.jsonl").write_text(record("周涛") + record("吴刚"), encoding="utf-8")
    return inputs + [src / "news.jsonl"]


EXPECTED = {  # facts file -> (source, official); the first in name order keeps the usual name
    "p.json": ("p.txt", "张建国"), "p~2.json": ("p.txt", "李明"),
    "q.json": ("q.txt", "王芳"), "q~2.json": ("q.txt", "王芳"),
    "page.json": ("page.md", "钱伟"), "page~2.json": ("page.txt", "赵强"),
    "news-1.json": ("news-1.txt", "孙丽"), "news-1~2.json": ("news.jsonl#1", "周涛"),
    "news-2.json": ("news.jsonl#2", "吴刚"),
}


def test_pages_of_the_same_name_each_get_their_facts_file_and_iri(tmp_path, namesakes, capsys):
    out = tmp_path / "out"
    assert kg("build", *namesakes, "--out", out) == 0
    err = capsys.readouterr().err
    facts = facts_in(out / "facts")
    assert {name: (f["source"], *officials(f)) for name, f in facts.items()} == EXPECTED
    assert facts["p~2.json"]["input"] == str(namesakes[1])  # a renamed page's facts say where it was read
    assert "input" not in facts["p.json"]  # the usual facts are unchanged
    mapping = json.loads((out / MANIFEST).read_text("utf-8"))["facts"]
    assert mapping["p~2.json"] == {"source": "p.txt", "input": str(namesakes[1]), "page": "p.txt~2"}
    assert mapping["news-1~2.json"] == {"source": "news.jsonl#1", "input": str(namesakes[-1]), "line": 1}
    assert mapping["page.json"] == {"source": "page.md", "input": str(namesakes[5])}
    assert len(page_iris(out / "graph.nq")) == 9  # nine pages, nine IRIs (q.txt twice, same bytes too)
    assert f"note: {namesakes[1]}: facts in p~2.json, as p.json is another input's" in err
    # kg extract names them the same way
    assert kg("extract", *namesakes, "--facts-dir", tmp_path / "d") == 0
    assert {name: (f["source"], *officials(f)) for name, f in facts_in(tmp_path / "d").items()} == EXPECTED


def test_usual_facts_names_are_kept(tmp_path):
    """Without a collision, names are those the shared scorer matches: <stem>.json for a page,
    <archive stem>-<LINE>.json for a record."""
    assert kg("extract", ROOT / "seeds", "--facts-dir", tmp_path / "seeds") == 0
    assert sorted(p.name for p in (tmp_path / "seeds").iterdir()) == \
        ["000_328a50d97180c723.json", "003_c578291eaf5148a9.json"]
    archive = tmp_path / "news_dev.jsonl"
    archive.write_text(record("周涛") + "\n" + record("吴刚"), encoding="utf-8")
    assert kg("extract", archive, "--facts-dir", tmp_path / "news") == 0
    facts = facts_in(tmp_path / "news")
    assert {n: f["source"] for n, f in facts.items()} == {"news_dev-1.json": "news_dev.jsonl#1",
                                                          "news_dev-3.json": "news_dev.jsonl#3"}


def test_page_local_names_the_iri_resolution_gives():
    """``PageNames`` tells apart pages whose IRIs would meet by the same formula as resolution."""
    kb = resolve([(parse_page(PAGE.format(name="张建国"), "工会.txt", "ab" * 32), [])])
    assert {e.id for e in kb.entities.values() if e.kind == "page"} == {page_local("工会.txt", "ab" * 32)}
    assert page_local("工会.txt", "ab" * 32) == page_local("公会.txt", "ab" * 32)  # the same pinyin


def test_names_whose_iris_would_meet_are_told_apart(tmp_path):
    src = tmp_path / "src"
    inputs = [page(src, "工会.txt"), page(src, "公会.txt")]  # same bytes, same pinyin
    assert kg("build", *inputs, "--out", tmp_path / "out") == 0
    assert len(page_iris(tmp_path / "out" / "graph.nq")) == 2
    assert sorted(facts_in(tmp_path / "out" / "facts")) == ["公会.json", "工会.json"]


def test_long_names_are_built(tmp_path):
    """A 251-byte name, a long Chinese name, and a 254-byte .md and 255-byte .txt name of the same
    stem (which plus .json is too long for a file name): each page is built, its facts file
    named within 255 bytes."""
    src = tmp_path / "src"
    inputs = [page(src, "a" * 247 + ".txt"), page(src, "工会" * 41 + ".txt"), page(src, "b" * 251 + ".md"),
              page(src, "b" * 251 + ".txt")]
    assert kg("build", *inputs, "--out", tmp_path / "out") == 0
    names = sorted(facts_in(tmp_path / "out" / "facts"))
    assert len(names) == 4 and all(len(n.encode("utf-8")) <= 255 for n in names)
    assert "a" * 247 + ".json" in names and "工会" * 41 + ".json" in names
    assert facts_name("b" * 251 + ".md") != facts_name("b" * 250 + "c.md")  # cut names stay apart


# ---------------------------------------------------------------------------
# 5. Only the files a build wrote are ever removed
# ---------------------------------------------------------------------------


def test_a_build_removes_only_what_builds_wrote(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    x, y = page(src, "x.txt", "张建国"), page(src, "y.txt", "李明")
    assert kg("build", x, y, "--out", out) == 0
    (out / "facts" / "mine.json").write_text('{"my": "notes"}', encoding="utf-8")
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "data.txt").write_text("mine too", encoding="utf-8")
    mine = page(src, "mine.txt", "王芳")
    assert kg("build", x, mine, "--out", out) == 0  # y.txt is no longer an input; mine.txt is
    assert sorted(facts_in(out / "facts")) == ["mine.json", "mine~2.json", "x.json"]
    assert (out / "facts" / "mine.json").read_text("utf-8") == '{"my": "notes"}'  # the user's, untouched
    assert officials(json.loads((out / "facts" / "mine~2.json").read_text("utf-8"))) == {"王芳"}
    assert (out / "notes.txt").read_text("utf-8") == "mine" and (out / "sub" / "data.txt").exists()
    assert "as mine.json is a file kept in the folder" in capsys.readouterr().err


def test_a_folder_built_before_manifests_keeps_the_files_no_build_rewrites(tmp_path):
    """Without a manifest, the files a build writes are known by name; other facts files may be
    the user's, and are kept."""
    src, out = tmp_path / "src", tmp_path / "out"
    x = page(src, "x.txt")
    assert kg("build", x, "--out", out) == 0
    (out / MANIFEST).unlink()
    (out / "facts" / "x.json").write_text("old", encoding="utf-8")
    (out / "facts" / "old.json").write_text("kept", encoding="utf-8")
    assert kg("build", x, "--out", out) == 0
    assert officials(json.loads((out / "facts" / "x.json").read_text("utf-8"))) == {"张建国"}  # rewritten
    assert (out / "facts" / "old.json").read_text("utf-8") == "kept"


def test_a_manifest_the_build_did_not_write_is_refused(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / MANIFEST).write_text('{"my": "own manifest"}', encoding="utf-8")
    assert kg("build", page(tmp_path, "x.txt"), "--out", out) == 2
    assert "not a manifest written by kg build" in capsys.readouterr().err
    assert (out / MANIFEST).read_text("utf-8") == '{"my": "own manifest"}'


# ---------------------------------------------------------------------------
# 6. One generation visible: a build killed at every step of its switch
# ---------------------------------------------------------------------------

# Runs ``kg build`` and kills it (SIGKILL) at the N-th call, in the main thread, of one kind of
# step: "moves" (what moves, links or swaps files and folders, and each removal of a folder),
# or "removals" (each file or empty folder removed, as when the old build's folder goes).
KILLER = r"""
import os, shutil, signal, sys, threading
kind, n, count = sys.argv[1], int(sys.argv[2]), [0]
def killing(module, name, what):
    real = getattr(module, name)
    def call(*args, **kwargs):
        if what == kind and threading.current_thread() is threading.main_thread():
            count[0] += 1
            if count[0] == n:
                os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(module, name, call)
for name in ("replace", "rename", "link"):
    killing(os, name, "moves")
for name in ("unlink", "rmdir"):
    killing(os, name, "removals")
killing(shutil, "rmtree", "moves")
import kg.pipeline.outdir
killing(kg.pipeline.outdir, "_exchange", "moves")
from kg.cli.commands import main
sys.exit(main(sys.argv[3:]))
"""


def snapshot(out: Path) -> tuple:
    """What a reader sees in the folder: every file's bytes (the lock aside, which names its
    holder) and the number of quads in the store."""
    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*")
             if p.is_file() and "store" not in p.relative_to(out).parts and p.name != LOCK}
    store = len(open_store(out / "store")) if (out / "store").exists() else None
    return files, store


@pytest.mark.slow
def test_a_build_killed_while_switching_leaves_one_generation(tmp_path):
    src = tmp_path / "src"
    old_pages = [page(src / "old", "x.txt", "张建国"), page(src / "old", "y.txt", "李明")]
    new_pages = [page(src / "new", "x.txt", "王芳"), page(src / "new", "z.txt", "赵强"), old_pages[1]]
    pristine = tmp_path / "pristine"
    assert kg("build", *old_pages, "--out", pristine) == 0
    (pristine / "notes.txt").write_text("the user's", encoding="utf-8")
    old = snapshot(pristine)
    expected = tmp_path / "expected"
    shutil.copytree(pristine, expected)
    assert kg("build", *new_pages, "--out", expected) == 0
    new = snapshot(expected)
    assert old != new and new[0]["notes.txt"] == b"the user's"
    out = tmp_path / "out"
    args = ["build", *map(str, new_pages), "--out", str(out), "--jobs", "1", "--quiet"]
    # every move; removals at a few points (the old build's folder has some 40 files)
    steps = [("moves", n) for n in range(1, 100)] + [("removals", n) for n in (1, 3, 8, 15, 25, 40, 60, 100)]
    finished = set()
    for kind, n in steps:
        if kind in finished:
            continue
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(pristine, out)
        done = subprocess.run([sys.executable, "-c", KILLER, kind, str(n), *args], capture_output=True, text=True,
                              cwd=ROOT, timeout=300)
        if done.returncode == 0:
            finished.add(kind)  # the build got through: every step of this kind was a kill point
            assert n > 5 or kind == "removals"
            assert snapshot(out) == new
            continue
        assert done.returncode == -signal.SIGKILL, done.stderr
        assert snapshot(out) in (old, new), f"killed at {kind} {n}: neither the old nor the new build"
        assert kg("build", *new_pages, "--out", out) == 0  # the next build cleans up after it
        assert snapshot(out) == new, f"killed at {kind} {n}: the next build is not the new one"
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")], "a new or old folder left"
    assert "moves" in finished


# ---------------------------------------------------------------------------
# 7. One build at a time, and the lock says who holds it
# ---------------------------------------------------------------------------

# Runs ``kg build``, and when it makes the RDF (its scratch files under way) touches a file and
# waits a few seconds.
PAUSER = r"""
import sys, time
from pathlib import Path
import kg.pipeline.run
real = kg.pipeline.run.quad_table
def paused(*args, **kwargs):
    Path(sys.argv[1]).touch()
    time.sleep(float(sys.argv[2]))
    return real(*args, **kwargs)
kg.pipeline.run.quad_table = paused
from kg.cli.commands import main
sys.exit(main(sys.argv[3:]))
"""


def _start_paused(tmp_path, pages, out, seconds):
    signal_file = tmp_path / f"paused-{time.monotonic_ns()}"
    proc = subprocess.Popen([sys.executable, "-c", PAUSER, str(signal_file), str(seconds), "build",
                             *map(str, pages), "--out", str(out), "--jobs", "1", "--quiet"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not signal_file.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    return proc


def test_a_second_build_into_the_same_folder_stops_naming_the_first(tmp_path, capsys):
    src, out = tmp_path / "src", tmp_path / "out"
    first, second = [page(src, "x.txt", "张建国")], [page(src, "y.txt", "李明")]
    proc = _start_paused(tmp_path, first, out, 4)
    assert kg("build", *second, "--out", out) == 2
    err = capsys.readouterr().err
    assert f"{out} is being built by another kg build (pid {proc.pid} on " in err and "x.txt" in err
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 0, stderr  # the first build was not disturbed
    assert sorted(facts_in(out / "facts")) == ["x.json"]
    assert kg("build", *second, "--out", out) == 0  # once it has ended, the folder is free
    assert sorted(facts_in(out / "facts")) == ["y.json"]


def test_a_killed_build_does_not_keep_the_folder_locked(tmp_path):
    src, out = tmp_path / "src", tmp_path / "out"
    proc = _start_paused(tmp_path, [page(src, "x.txt")], out, 60)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert kg("build", page(src, "y.txt", "李明"), "--out", out) == 0
    assert sorted(facts_in(out / "facts")) == ["y.json"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]  # its new folder was removed


def test_a_build_writes_the_merge_log_a_reviewer_reads(tmp_path):
    """Namesakes taken as one person are listed in merges.tsv with the articles and the reason."""
    (tmp_path / "a.txt").write_text("## 甲\n\n四川省总工会主席李明华出席会议。\n", encoding="utf-8")
    (tmp_path / "b.txt").write_text("## 乙\n\n四川省总工会党组书记、主席李明华讲话。\n", encoding="utf-8")
    assert main(["build", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--out", str(tmp_path / "out")]) == 0
    lines = (tmp_path / "out" / "merges.tsv").read_text("utf-8").splitlines()
    assert lines[0].startswith("# merged\tentity\tarticles")
    name, entity, count, seen, why = lines[1].split("\t")
    assert (name, count, seen, why) == ("李明华", "2", "a.txt#1 b.txt#1", "posts at 四川省总工会")
    assert entity.startswith("official/") and len(lines) == 2
    assert "merges.tsv" in json.loads((tmp_path / "out" / MANIFEST).read_text("utf-8"))["files"]
