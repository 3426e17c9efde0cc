"""Archive-scale behaviour on small inputs: streamed records, worker processes, same output."""
import json
from pathlib import Path

import pytest
from conftest import run_kg

pytestmark = pytest.mark.slow  # archive-sized builds, several worker processes

ROOT = Path(__file__).resolve().parent.parent


def kg(*args):
    return run_kg(*args, timeout=600)


def test_jobs_do_not_change_the_output(tmp_path):
    inputs = [ROOT / "seeds", ROOT / "tests" / "pages"]
    one = kg("build", *inputs, "--out", tmp_path / "j1", "--jobs", "1")
    three = kg("build", *inputs, "--out", tmp_path / "j3", "--jobs", "3")
    assert one.returncode == three.returncode == 0, one.stderr + three.stderr
    files = sorted(p.relative_to(tmp_path / "j1") for p in (tmp_path / "j1").rglob("*")
                   if p.is_file() and "store" not in p.parts)  # a database: same content, not same bytes
    assert len(files) >= 10
    for rel in files:
        assert (tmp_path / "j1" / rel).read_bytes() == (tmp_path / "j3" / rel).read_bytes(), rel


def test_archive_records_keep_their_provenance_with_jobs(tmp_path):
    archive = tmp_path / "news.jsonl"
    with archive.open("w", encoding="utf-8") as f:
        for i in range(30):
            f.write(json.dumps({"id": f"r{i}", "url": f"https://example.org/{i}", "date": "2024-05-01",
                                "title": f"第{i}条", "text": f"四川省总工会召开第{i}次会议。四川省委副书记、省长黄明出席。"},
                               ensure_ascii=False) + "\n")
    done = kg("build", archive, "--out", tmp_path / "out", "--jobs", "2", "--quiet")
    assert done.returncode == 0, done.stderr
    assert "pages: 30" in done.stdout
    graph = json.loads((tmp_path / "out" / "graph.json").read_text("utf-8"))
    pages = [n for n in graph["nodes"] if n["kind"] == "page"]
    assert len(pages) == 30 and {n["attrs"]["id"] for n in pages} == {f"r{i}" for i in range(30)}
    officials = [n for n in graph["nodes"] if n["kind"] == "official"]
    assert [n["label"] for n in officials] == ["黄明"]  # one person across 30 records
    assert len({(p["page"], p["article"]) for p in officials[0]["provenance"]}) == 30


def _files(folder: Path) -> dict:
    """A build's files (not its cache or store), the manifest without the stamp of the resolution an update keeps."""
    found = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and ".cache" not in p.parts and "store" not in p.parts}
    manifest = json.loads(found.pop(Path("manifest.json")))
    manifest.pop("state", None)
    return {**found, Path("manifest.json"): manifest}


def test_update_adds_changes_and_removes_pages_like_a_full_build(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for seed in (ROOT / "seeds").glob("*.txt"):
        (pages / seed.name).write_bytes(seed.read_bytes())
    out = tmp_path / "out"

    runs = iter(range(10))

    def update_then_compare(expect_reused: int):
        done = kg("build", pages, "--out", out, "--update", "--quiet")
        assert done.returncode == 0, done.stderr
        assert f"pages reused from the previous build: {expect_reused}" in done.stdout
        full_dir = tmp_path / f"full{next(runs)}"  # a fresh full build each time
        full = kg("build", pages, "--out", full_dir, "--quiet")
        assert full.returncode == 0, full.stderr
        assert _files(out) == _files(full_dir)
        return out

    update_then_compare(0)
    # add a page
    (pages / "new.txt").write_text("## 湖北\n\n本报讯(记者周敏)湖北省总工会党组书记、常务副主席张建国出席。\n", encoding="utf-8")
    update_then_compare(2)
    assert "张建国" in (out / "facts" / "new.json").read_text("utf-8")
    # change it: the new content is extracted, the old facts are gone
    (pages / "new.txt").write_text("## 四川\n\n本报讯(记者周敏)四川省委副书记、省长黄明出席。\n", encoding="utf-8")
    update_then_compare(2)
    facts = (out / "facts" / "new.json").read_text("utf-8")
    assert "黄明" in facts and "张建国" not in facts
    # remove a seed: what only it supported is gone, nothing is duplicated
    (pages / "003_c578291eaf5148a9.txt").unlink()
    update_then_compare(2)
    graph = (out / "graph.json").read_text("utf-8")
    assert "邵英男" not in graph and "徐留平" in graph
    assert not (out / "facts" / "003_c578291eaf5148a9.json").exists()
    assert len(list((out / ".cache").glob("*.json"))) == 2  # the removed page's extraction is forgotten


def _record_pages(n: int, pulled: list):
    """``n`` small archive-like pages, counting in ``pulled`` how many were read so far."""
    from kg.ingest.pages import parse_page
    for i in range(n):
        pulled.append(i)
        yield parse_page(f"## 第{i}条\n\n四川省总工会召开第{i}次会议。\n", f"news.jsonl#{i + 1}")


def test_extraction_streams_with_bounded_read_ahead():
    """An archive is never read whole before results come out: with workers, the pages read
    ahead of the consumer stay within a window (64 per job); in one process, one at a time."""
    from kg.pipeline.run import extract_pages
    for jobs, window in ((1, 1), (2, 128)):
        pulled: list = []
        results = extract_pages(_record_pages(1000, pulled), jobs=jobs)
        first_page, findings = next(results)
        assert first_page.source == "news.jsonl#1" and findings
        assert len(pulled) <= window + 8, (jobs, len(pulled))  # + one chunk being handed over
        rest = list(results)
        assert len(rest) == 999 and len(pulled) == 1000
        assert [p.source for p, _ in rest[:2]] == ["news.jsonl#2", "news.jsonl#3"]  # input order


def test_a_rebuild_rewrites_only_the_facts_that_changed(tmp_path):
    from kg.pipeline.run import build
    pages, out = tmp_path / "pages", tmp_path / "out"
    pages.mkdir()
    texts = {"a.txt": "## 四川\n\n本报讯 四川省总工会主席王小明出席会议。\n",
             "b.txt": "## 河南\n\n本报讯 河南省总工会副主席李华出席会议。\n",
             "c.txt": "## 北京\n\n本报讯 北京市总工会在西城区建设工会驿站。\n"}
    for name, text in texts.items():
        (pages / name).write_text(text, encoding="utf-8")
    build([pages], out)
    facts = out / "facts"
    inode = {p.name: p.stat().st_ino for p in facts.glob("*.json")}
    assert sorted(inode) == ["a.json", "b.json", "c.json"]
    (pages / "b.txt").write_text(texts["b.txt"].replace("李华", "张伟"), encoding="utf-8")
    (facts / "c.json").write_text("{}\n", encoding="utf-8")  # edited by hand: put right again
    (pages / "d.txt").write_text("## 湖北\n\n本报讯 湖北省总工会召开会议。\n", encoding="utf-8")
    build([pages], out)
    fresh = tmp_path / "fresh"
    build([pages], fresh)
    assert {p.name: p.read_bytes() for p in facts.glob("*.json")} == \
        {p.name: p.read_bytes() for p in (fresh / "facts").glob("*.json")}
    assert (facts / "a.json").stat().st_ino == inode["a.json"]  # unchanged: not written again
    assert (facts / "b.json").stat().st_ino != inode["b.json"] and "张伟" in (facts / "b.json").read_text("utf-8")
    assert (facts / "c.json").stat().st_ino != inode["c.json"]
    (pages / "a.txt").unlink()
    build([pages], out)
    assert sorted(p.name for p in facts.glob("*.json")) == ["b.json", "c.json", "d.json"]
