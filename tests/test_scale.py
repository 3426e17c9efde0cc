"""Archive-scale behaviour on small inputs: streamed records, worker processes, same output."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def kg(*args):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=600, cwd=ROOT)


def test_jobs_do_not_change_the_output(tmp_path):
    inputs = [ROOT / "seeds", ROOT / "tests" / "pages"]
    one = kg("build", *inputs, "--out", tmp_path / "j1", "--jobs", "1")
    three = kg("build", *inputs, "--out", tmp_path / "j3", "--jobs", "3")
    assert one.returncode == three.returncode == 0, one.stderr + three.stderr
    files = sorted(p.relative_to(tmp_path / "j1") for p in (tmp_path / "j1").rglob("*") if p.is_file())
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
