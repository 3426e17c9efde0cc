"""Bad input through the real CLI: a clear message naming the file, the rest still built."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_328a50d97180c723.txt"
PAGE = "## 湖北省总工会开展送温暖活动\n\n本报讯(记者周敏)湖北省总工会党组书记、常务副主席张建国带队开展送温暖活动。\n"


def kg(*args):
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=300, cwd=ROOT)


def build(tmp_path, *inputs, extra=()):
    out = tmp_path / "out"
    done = kg("build", *inputs, "--out", out, *extra)
    return done, out


def officials(out: Path, name: str) -> set[str]:
    return {o["name"] for o in json.loads((out / "facts" / name).read_text("utf-8"))["officials"]}


@pytest.fixture
def good(tmp_path):
    f = tmp_path / "good.txt"
    f.write_text(PAGE, encoding="utf-8")
    return f


def test_gb18030_page_is_decoded_not_mojibake(tmp_path, good):
    f = tmp_path / "gb.txt"
    f.write_bytes(SEED.read_text("utf-8").encode("gb18030"))
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    assert {"徐留平", "李公乐"} <= officials(out, "gb.json")


def test_big5_page_is_decoded(tmp_path):
    f = tmp_path / "big5.txt"
    f.write_bytes("## 廣東省總工會打造熱線服務平台\n\n本報訊(記者葉小鐘)廣東省總工會著力打造12351熱線服務平台，為職工辦實事。\n"
                  .encode("big5"))
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    facts = json.loads((out / "facts" / "big5.json").read_text("utf-8"))
    assert facts["articles"][0]["headline"] == "廣東省總工會打造熱線服務平台"


def test_undecodable_file_is_refused_and_the_rest_built(tmp_path, good):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("café résumé naïve ".encode("latin-1") * 20)
    done, out = build(tmp_path, bad, good)
    assert done.returncode == 1
    assert "latin.txt: not UTF-8" in done.stdout and "--encoding" in done.stdout
    assert officials(out, "good.json") == {"张建国"}
    done = kg("build", bad, "--out", tmp_path / "o2", "--encoding", "latin-1")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("name,content", [
    ("bom.txt", "\ufeff" + PAGE),
    ("crlf.txt", PAGE.replace("\n", "\r\n")),
    ("spaces.txt", PAGE.replace("本报讯", "\u3000本报讯").replace("张建国", "张\u200b建国")),
    ("nfkc.txt", PAGE.replace("带队开展送温暖活动", "带队开展送温暖活动，慰问１２３名职工")),
])
def test_text_variants_are_read(tmp_path, name, content):
    f = tmp_path / name
    f.write_bytes(content.encode("utf-8"))
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    facts = json.loads((out / "facts" / name.replace(".txt", ".json")).read_text("utf-8"))
    assert facts["articles"][0]["headline"] == "湖北省总工会开展送温暖活动"
    assert "湖北省总工会" in {u["name"] for u in facts["union_bodies"]}


@pytest.mark.parametrize("name,content,reason", [
    ("empty.txt", b"", "empty file"),
    ("blank.txt", b"  \n\n ", "empty file"),
    ("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "binary file (a PNG image)"),
    ("nul.txt", "工会\x00工会".encode("utf-8"), "binary file (NUL byte"),
    ("page.txt", "<!DOCTYPE html><html><body><p>工会</p></body></html>".encode("utf-8"), "an HTML document"),
])
def test_unusable_file_is_named_with_reason(tmp_path, good, name, content, reason):
    f = tmp_path / name
    f.write_bytes(content)
    done, out = build(tmp_path, f, good)
    assert done.returncode == 1
    assert f"{f}: {reason}" in done.stdout
    assert officials(out, "good.json") == {"张建国"}, "the good page is still built"


def test_missing_and_unreadable_paths(tmp_path, good):
    locked = tmp_path / "locked.txt"
    locked.write_text(PAGE, encoding="utf-8")
    locked.chmod(0)
    done, out = build(tmp_path, tmp_path / "missing.txt", locked, good)
    locked.chmod(0o644)
    assert done.returncode == 1
    assert f"{tmp_path / 'missing.txt'}: no such file" in done.stdout
    if done.stdout.count("failed:") == 2:  # root can read a mode-0 file; others cannot
        assert "locked.txt: cannot read" in done.stdout
    assert officials(out, "good.json") == {"张建国"}


def test_keep_going_exits_zero_and_still_lists_failures(tmp_path, good):
    done, _ = build(tmp_path, tmp_path / "missing.txt", good, extra=["--keep-going"])
    assert done.returncode == 0
    assert "missing.txt: no such file" in done.stdout


def test_archive_with_broken_line_and_missing_text(tmp_path):
    archive = tmp_path / "news.jsonl"
    lines = [json.dumps({"title": "湖北省总工会开展送温暖活动", "id": "n1", "url": "https://example.org/n1",
                         "date": "2024-01-05", "text": PAGE.split("\n\n", 1)[1]}, ensure_ascii=False),
             "{not json",
             json.dumps({"title": "无正文"}, ensure_ascii=False),
             json.dumps({"title": "四川", "text": "四川省委副书记、省长黄明出席会议。"}, ensure_ascii=False)]
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done, out = build(tmp_path, archive)
    assert done.returncode == 1
    assert f"{archive}:2: not a JSON record" in done.stdout
    assert f"{archive}:3: record has no 'text' text" in done.stdout
    assert officials(out, "news-1.json") == {"张建国"}
    assert officials(out, "news-4.json") == {"黄明"}
    graph = (out / "graph.ttl").read_text("utf-8")
    assert '"https://example.org/n1"^^xsd:anyURI' in graph and '"2024-01-05"^^xsd:date' in graph


def test_archive_field_names_are_configurable(tmp_path):
    archive = tmp_path / "custom.jsonl"
    archive.write_text(json.dumps({"headline": "湖北", "body": PAGE.split("\n\n", 1)[1]}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    done, out = build(tmp_path, archive, extra=["--field", "title=headline", "--field", "text=body"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert officials(out, "custom-1.json") == {"张建国"}


def test_huge_page_is_refused_with_the_limit(tmp_path, good):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.seek(100 * 1024 * 1024 - 1)
        f.write(b"\n")  # a sparse 100 MB file: no disk used
    line = tmp_path / "line.txt"
    line.write_bytes(("工会" * (10 * 1024 * 1024 // 6)).encode("utf-8"))
    done, out = build(tmp_path, huge, line, good)
    assert done.returncode == 1
    assert "huge.txt: too large for one page (104,857,600 bytes" in done.stdout
    assert "line.txt: too large for one page" in done.stdout
    assert officials(out, "good.json") == {"张建国"}


def test_markup_looking_text_is_just_text(tmp_path):
    f = tmp_path / "markup.txt"
    f.write_text("## <script>alert(1)</script>工会新闻\n\n本报讯(记者周敏)《<img src=x onerror=alert(1)>办法》"
                 "和“未闭合的引号，以及《未闭合的书名号。" + "《" + "很长的标题" * 200 + "》。"
                 "湖北省总工会党组书记、常务副主席张建国出席。\n", encoding="utf-8")
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    facts = json.loads((out / "facts" / "markup.json").read_text("utf-8"))
    assert facts["articles"][0]["headline"] == "<script>alert(1)</script>工会新闻"
    assert officials(out, "markup.json") == {"张建国"}
    import rdflib
    graph = rdflib.Graph().parse(out / "graph.ttl")
    titles = {str(o) for o in graph.objects(None, rdflib.URIRef("http://purl.org/dc/terms/title"))}
    assert "<script>alert(1)</script>工会新闻" in titles  # kept as a literal, escaped by the serialiser


def test_input_order_does_not_change_exports(tmp_path):
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    a = kg("build", *seeds, "--out", tmp_path / "a")
    b = kg("build", *reversed(seeds), "--out", tmp_path / "b")
    assert a.returncode == b.returncode == 0
    for name in ["graph.json", "graph.ttl", "graph.nq", "graph.trig", "graph.jsonld", "graph.nt"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
