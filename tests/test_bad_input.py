"""Bad input through the real CLI: a clear message naming the file, the rest still built."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_kg

from kg.extract.organizations import OrganizationAttrs

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_328a50d97180c723.txt"
PAGE = "## 湖北省总工会开展送温暖活动\n\n本报讯(记者周敏)湖北省总工会党组书记、常务副主席张建国带队开展送温暖活动。\n"


def kg(*args):
    return run_kg(*args)


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


@pytest.mark.slow
def test_gb18030_page_is_decoded_not_mojibake(tmp_path, good):
    f = tmp_path / "gb.txt"
    f.write_bytes(SEED.read_text("utf-8").encode("gb18030"))
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    assert {"徐留平", "李公乐"} <= officials(out, "gb.json")


@pytest.mark.slow
def test_big5_page_is_decoded(tmp_path):
    f = tmp_path / "big5.txt"
    f.write_bytes("## 廣東省總工會打造熱線服務平台\n\n本報訊(記者葉小鐘)廣東省總工會著力打造12351熱線服務平台，為職工辦實事。\n"
                  .encode("big5"))
    done, out = build(tmp_path, f)
    assert done.returncode == 0, done.stderr
    facts = json.loads((out / "facts" / "big5.json").read_text("utf-8"))
    assert facts["articles"][0]["headline"] == "廣東省總工會打造熱線服務平台"


@pytest.mark.slow
def test_undecodable_file_is_refused_and_the_rest_built(tmp_path, good):
    bad = tmp_path / "latin.txt"
    bad.write_bytes("café résumé naïve ".encode("latin-1") * 20)
    done, out = build(tmp_path, bad, good)
    assert done.returncode == 1
    assert "latin.txt: not UTF-8" in done.stderr and "--encoding" in done.stderr
    assert officials(out, "good.json") == {"张建国"}
    done = kg("build", bad, "--out", tmp_path / "o2", "--encoding", "latin-1")
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
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


@pytest.mark.slow
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
    assert f"{f}: {reason}" in done.stderr
    assert officials(out, "good.json") == {"张建国"}, "the good page is still built"


@pytest.mark.slow
def test_missing_and_unreadable_paths(tmp_path, good):
    locked = tmp_path / "locked.txt"
    locked.write_text(PAGE, encoding="utf-8")
    locked.chmod(0)
    done, out = build(tmp_path, tmp_path / "missing.txt", locked, good)
    locked.chmod(0o644)
    assert done.returncode == 1
    assert f"{tmp_path / 'missing.txt'}: no such file" in done.stderr
    if done.stderr.count("failed:") == 2:  # root can read a mode-0 file; others cannot
        assert "locked.txt: cannot read" in done.stderr
    assert officials(out, "good.json") == {"张建国"}


@pytest.mark.slow
def test_keep_going_exits_zero_and_still_lists_failures(tmp_path, good):
    done, _ = build(tmp_path, tmp_path / "missing.txt", good, extra=["--keep-going"])
    assert done.returncode == 0
    assert "missing.txt: no such file" in done.stderr


@pytest.mark.slow
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
    assert f"{archive}:2: not a JSON record" in done.stderr
    assert f"{archive}:3: record has no 'text' text" in done.stderr
    assert officials(out, "news-1.json") == {"张建国"}
    assert officials(out, "news-4.json") == {"黄明"}
    graph = (out / "graph.ttl").read_text("utf-8")
    assert '"https://example.org/n1"^^xsd:anyURI' in graph and '"2024-01-05"^^xsd:date' in graph


@pytest.mark.slow
def test_archive_field_names_are_configurable(tmp_path):
    archive = tmp_path / "custom.jsonl"
    archive.write_text(json.dumps({"headline": "湖北", "body": PAGE.split("\n\n", 1)[1]}, ensure_ascii=False) + "\n",
                       encoding="utf-8")
    done, out = build(tmp_path, archive, extra=["--field", "title=headline", "--field", "text=body"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert officials(out, "custom-1.json") == {"张建国"}


@pytest.mark.slow
def test_huge_page_is_refused_with_the_limit(tmp_path, good):
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as f:
        f.seek(100 * 1024 * 1024 - 1)
        f.write(b"\n")  # a sparse 100 MB file: no disk used
    line = tmp_path / "line.txt"
    line.write_bytes(("工会" * (10 * 1024 * 1024 // 6)).encode("utf-8"))
    done, out = build(tmp_path, huge, line, good)
    assert done.returncode == 1
    assert "huge.txt: too large for one page (104,857,600 bytes" in done.stderr
    assert "line.txt: too large for one page" in done.stderr
    assert officials(out, "good.json") == {"张建国"}


@pytest.mark.slow
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


@pytest.mark.slow
def test_input_order_does_not_change_exports(tmp_path):
    seeds = sorted((ROOT / "seeds").glob("*.txt"))
    a = kg("build", *seeds, "--out", tmp_path / "a")
    b = kg("build", *reversed(seeds), "--out", tmp_path / "b")
    assert a.returncode == b.returncode == 0
    for name in ["graph.json", "graph.ttl", "graph.nq", "graph.trig", "graph.jsonld", "graph.nt"]:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name


# ---------------------------------------------------------------------------
# One bad input never sinks the rest, never hangs; messages, not tracebacks (issue 14, 8-13)
# ---------------------------------------------------------------------------

import os  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import tempfile  # noqa: E402

from kg.cli.commands import main  # noqa: E402


def run(*args) -> int:
    return main([*map(str, args), "--jobs", "1", "--quiet"])


@pytest.fixture
def no_hang():
    """A command that would block fails the test after 60 s instead of hanging it."""
    def stop(*_):
        raise TimeoutError("the command blocked")

    before = signal.signal(signal.SIGALRM, stop)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, before)


def record(**fields) -> str:
    return json.dumps({"title": "湖北省总工会开展送温暖活动", "text": PAGE.split("\n\n", 1)[1], **fields},
                      ensure_ascii=False)


@pytest.mark.slow
@pytest.mark.parametrize("command", ["build", "extract"])
def test_failures_go_to_standard_error_in_both_commands(tmp_path, good, capsys, command):
    target = ["--out", tmp_path / "out"] if command == "build" else ["--facts-dir", tmp_path / "facts"]
    assert run(command, tmp_path / "missing.txt", good, *target) == 1
    out, err = capsys.readouterr()
    assert f"failed: {tmp_path / 'missing.txt'}: no such file" in err and "failed:" not in out


def test_a_lone_surrogate_in_a_record_is_replaced_and_the_rest_built(tmp_path, capsys):
    archive = tmp_path / "news.jsonl"
    lone = "\\ud800"  # as JSON writes a lone surrogate: a \u escape
    archive.write_text(record(url="https://example.org/@").replace("@", lone).replace("周敏", f"周{lone}敏") + "\n"
                       + record(title="四川@").replace("@", lone) + "\n", encoding="utf-8")
    assert run("build", archive, "--out", tmp_path / "out") == 0
    err = capsys.readouterr().err
    assert f"warning: {archive}:1: 1 lone surrogate in 'text' replaced by U+FFFD" in err
    assert f"warning: {archive}:1: field 'url' holds a lone surrogate: left out" in err
    assert f"warning: {archive}:2: 1 lone surrogate in 'title' replaced by U+FFFD" in err
    assert officials(tmp_path / "out", "news-1.json") == {"张建国"} == officials(tmp_path / "out", "news-2.json")


@pytest.mark.parametrize("command", ["build", "extract"])
def test_inputs_that_all_fail_say_why_and_write_nothing(tmp_path, capsys, command):
    empty, folder, archive = tmp_path / "empty.txt", tmp_path / "nothing", tmp_path / "bad.jsonl"
    empty.write_bytes(b"")
    folder.mkdir()
    archive.write_text("{not json\n", encoding="utf-8")
    target = tmp_path / "target"
    option = "--out" if command == "build" else "--facts-dir"
    assert run(command, empty, folder, archive, option, target) == 1
    err = capsys.readouterr().err
    assert f"failed: {empty}: empty file" in err
    assert f"failed: {folder}: no page files (.txt, .md) or archives (.jsonl, .ndjson) in this folder" in err
    assert f"failed: {archive}:1: not a JSON record" in err
    assert f"kg {command}: no page could be read; nothing was written" in err and "SHACL" not in err
    assert not target.exists()


@pytest.mark.slow
def test_a_fifo_and_a_device_are_refused_and_the_rest_built(tmp_path, good, capsys, no_hang):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    pages = tmp_path / "pages"  # a FIFO inside a folder is named too
    pages.mkdir()
    os.mkfifo(pages / "also.jsonl")
    shutil.copy(good, pages / "good2.txt")
    assert run("build", fifo, "/dev/urandom", pages, good, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"failed: {fifo}: a named pipe (FIFO), not a page file; only regular files are read" in err
    assert "failed: /dev/urandom: a character device, not a page file" in err
    assert f"failed: {pages / 'also.jsonl'}: a named pipe (FIFO), not a JSON-lines archive" in err
    assert officials(tmp_path / "out", "good.json") == {"张建国"} == officials(tmp_path / "out", "good2.json")


def test_record_fields_are_checked_and_only_valid_dates_are_typed(tmp_path, capsys):
    archive = tmp_path / "news.jsonl"
    archive.write_text("\n".join([record(date="2024-13-45", url=["x"]), record(date="２０２４-０１-０５", id={"a": 1}),
                                  record(date="2024-01-05", url="https://example.org/n3", id=7)]) + "\n",
                       encoding="utf-8")
    assert run("build", archive, "--out", tmp_path / "out") == 0  # each record is built, with what is valid
    err = capsys.readouterr().err
    assert f"warning: {archive}:1: field 'date' is not a calendar date written YYYY-MM-DD ('2024-13-45')" in err
    assert f"warning: {archive}:1: field 'url' is an array, not text: left out" in err
    assert f"warning: {archive}:2: field 'id' is an object, not text: left out" in err
    nquads = (tmp_path / "out" / "graph.nq").read_text("utf-8")
    # the one valid date is typed (on its article, and as the dataset's latest date); the invalid one nowhere
    assert set(re.findall(r'"([^"]*)"\^\^<http://www.w3.org/2001/XMLSchema#date>', nquads)) == {"2024-01-05"}
    assert "['x']" not in nquads and "2024-13-45" not in nquads and "２０２４" not in nquads
    assert '"https://example.org/n3"^^<http://www.w3.org/2001/XMLSchema#anyURI>' in nquads


@pytest.mark.slow
def test_errors_replace_reads_a_gb18030_page_with_bad_bytes(tmp_path, capsys):
    text = SEED.read_text("utf-8")
    f = tmp_path / "gb.txt"
    f.write_bytes(text[:100].encode("gb18030") + b"\xff" + text[100:].encode("gb18030"))
    assert run("build", f, "--out", tmp_path / "strict") == 1
    assert "--errors replace to read it with its bad bytes replaced" in capsys.readouterr().err
    assert run("build", f, "--out", tmp_path / "out", "--errors", "replace") == 0
    err = capsys.readouterr().err
    assert f"warning: {f}: 1 undecodable byte sequence replaced by U+FFFD (read as GB18030, --errors replace)" in err
    assert {"徐留平", "李公乐"} <= officials(tmp_path / "out", "gb.json")


def test_utf16_pages_without_bom_and_an_archive_with_a_bom(tmp_path):
    le, be = tmp_path / "le.txt", tmp_path / "be.txt"
    le.write_bytes(PAGE.encode("utf-16-le"))
    be.write_bytes(PAGE.encode("utf-16-be"))
    archive = tmp_path / "bom.jsonl"
    archive.write_bytes(b"\xef\xbb\xbf" + (record() + "\n").encode("utf-8"))
    assert run("build", le, be, archive, "--out", tmp_path / "out") == 0
    for name in ("le.json", "be.json", "bom-1.json"):
        assert officials(tmp_path / "out", name) == {"张建国"}, name


def test_an_out_that_is_a_file_is_refused_before_any_page_is_read(tmp_path, good, capsys, monkeypatch):
    import kg.pipeline.run

    def never(*args, **kwargs):
        raise AssertionError("pages were read before --out was checked")

    monkeypatch.setattr(kg.pipeline.run, "iter_pages", never)
    a_file = tmp_path / "exports"
    a_file.write_text("mine", encoding="utf-8")
    assert run("build", good, "--out", a_file) == 2
    assert capsys.readouterr().err == f"kg build: --out {a_file}: exists and is not a folder\n"
    assert run("extract", good, "--facts-dir", a_file) == 2
    assert capsys.readouterr().err == f"kg extract: --facts-dir {a_file}: exists and is not a folder\n"
    assert a_file.read_text("utf-8") == "mine"


def _as_another_user(args: list, cwd: Path):
    """``kg ARGS`` run by a user other than the folder's owner: as root, nobody (file modes do not
    stop root); else this user (the test then takes write permission away)."""
    command = [sys.executable, "-m", "kg", *map(str, args), "--jobs", "1", "--quiet"]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("needs setpriv to run as another user")
        command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                   "--bounding-set=-all", *command]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(cwd), "XDG_CACHE_HOME": str(cwd)}
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=cwd, env=env)


@pytest.mark.slow
def test_a_folder_that_cannot_be_written_is_a_message(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="kg-ro-"))  # outside pytest's own folder, which others cannot enter
    try:
        base.chmod(0o755)
        page = base / "good.txt"
        page.write_text(PAGE, encoding="utf-8")
        page.chmod(0o644)
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        locked.chmod(0o555)
        for out, said in ((locked, f"kg build: --out {locked}: cannot write in the folder (Permission denied)"),
                          (locked / "new", f"kg build: --out {locked / 'new'}: cannot make the folder (Permission denied)")):
            done = _as_another_user(["build", page, "--out", out], base)
            assert done.returncode == 2 and done.stderr.strip() == said, done.stderr
        done = _as_another_user(["extract", page, "--facts-dir", locked], base)
        assert done.returncode == 2 and "cannot write in the folder" in done.stderr and "Traceback" not in done.stderr
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.mark.slow
def test_a_full_disk_is_a_message_and_leaves_the_previous_build_whole(tmp_path, good):
    """The files the build may write are capped (RLIMIT_FSIZE, as a full disk would stop them):
    one line on stderr, exit 2, the previous build unchanged and nothing of the new one left."""
    import resource

    out = tmp_path / "out"
    assert run("build", good, "--out", out) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".kg-build.lock"}

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails (EFBIG) instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))

    done = subprocess.run([sys.executable, "-m", "kg", "build", str(SEED), "--out", str(out), "--jobs", "1", "--quiet"],
                          capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=ROOT,
                          preexec_fn=small_files)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"kg build: cannot write the build into {out}: File too large") or \
        done.stderr.startswith("kg build: building the store"), done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != ".kg-build.lock"}
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    assert not list(out.glob(".build-*"))


def test_folders_behind_symbolic_links_are_read_and_broken_links_named(tmp_path, good, capsys):
    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(good, real / "linked.txt")
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "through").symlink_to(real, target_is_directory=True)
    (pages / "again").symlink_to(real, target_is_directory=True)  # the same folder twice: read once, no failure
    (pages / "loop").symlink_to(pages, target_is_directory=True)
    (pages / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    shutil.copy(good, pages / "here.txt")
    assert run("build", pages, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"failed: {pages / 'dangling.txt'}: dangling symbolic link (to {tmp_path / 'gone.txt'})" in err
    assert f"failed: {pages / 'loop'}: a symbolic link back to a folder above it (a loop): not followed" in err
    assert officials(tmp_path / "out", "linked.json") == {"张建国"} == officials(tmp_path / "out", "here.json")
    assert err.count("failed:") == 2 and sorted(p.name for p in (tmp_path / "out" / "facts").iterdir()) == \
        ["here.json", "linked.json"]


def test_a_page_an_extractor_fails_on_is_named_and_the_rest_built(tmp_path, good, capsys, monkeypatch):
    """An extractor that raises on one page, or gives a mention outside its sentence (a mention
    without offsets once stopped the build of ten years of news in resolution), fails that page
    only."""
    import kg.pipeline.run
    from kg.extract.base import Mention

    real = kg.pipeline.run.extract_article

    def flawed(article):
        found = real(article)
        if "四川" in article.headline:
            raise KeyError("a bug met on this page")
        if "湖南" in article.headline:
            found.add(Mention("organization", "湖南", 0, None, 2, OrganizationAttrs("湖南省")))
        return found

    monkeypatch.setattr(kg.pipeline.run, "extract_article", flawed)
    raising, offsetless = tmp_path / "sichuan.txt", tmp_path / "hunan.txt"
    raising.write_text(PAGE.replace("湖北省总工会开展", "四川省总工会开展"), encoding="utf-8")
    offsetless.write_text(PAGE.replace("湖北省总工会开展", "湖南省总工会开展"), encoding="utf-8")
    assert run("build", raising, offsetless, good, "--out", tmp_path / "out") == 1
    err = capsys.readouterr().err
    assert f"failed: {raising}: extraction failed (KeyError: 'a bug met on this page')" in err
    assert f"failed: {offsetless}: extraction failed (the organization mention '湖南' at offsets None-2" in err
    assert sorted(p.name for p in (tmp_path / "out" / "facts").iterdir()) == ["good.json"]


# jieba keeps the prefix table of its dictionary in `<tmp>/jieba.cache` by default: one file in
# /tmp for every user of the machine. Reads the tokenizer's frequency of a word, and where
# the cache went.
_JIEBA = """
import os, sys
from kg.extract import segment
tk = segment._base_tokenizer()
print(tk.FREQ.get("工会", 0), tk.total, sorted(os.listdir(sys.argv[1])))
"""


@pytest.mark.slow
def test_jieba_cache_is_the_users_own_and_quiet(tmp_path):
    """Another user's ``jieba.cache`` in the shared temporary folder is never read (a planted one
    changed every word cut; one the user cannot read or replace made jieba print a traceback
    on every build): the cache is kept in the user's own cache folder, and a cache folder that
    cannot be made is no message at all."""
    import marshal

    shared = tmp_path / "tmp"
    shared.mkdir()
    (shared / "jieba.cache").write_bytes(marshal.dumps(({"工会": 1}, 1)))  # planted: one word
    env = {**os.environ, "TMPDIR": str(shared), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", _JIEBA, str(shared)], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    freq, total, left = done.stdout.split(" ", 2)
    assert int(total) > 1_000_000 and int(freq) > 1, "the planted cache was read"
    assert (tmp_path / "cache" / "unionkg" / "jieba.cache").is_file() and eval(left) == ["jieba.cache"]
    assert done.stderr == ""
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", _JIEBA, str(shared)], capture_output=True, text=True,
                          env={**env, "XDG_CACHE_HOME": str(a_file)}, cwd=ROOT, timeout=300)
    assert done.returncode == 0 and done.stderr == "", done.stderr  # built again, without a traceback
    assert int(done.stdout.split()[0]) > 1


@pytest.mark.slow
def test_a_full_disk_in_extract_is_a_message_and_leaves_no_cut_file(tmp_path, good):
    """``kg extract`` with the files it may write capped (as a full disk would stop them): one line,
    exit 2; each facts file is whole or absent (the small page's, written first, fits; the seed's
    does not)."""
    import resource

    first = tmp_path / "0.txt"  # before 000_….txt in name order
    shutil.copy(good, first)

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    facts = tmp_path / "facts"
    done = subprocess.run([sys.executable, "-m", "kg", "extract", str(first), str(SEED), "--facts-dir", str(facts),
                           "--jobs", "1"], capture_output=True, text=True, encoding="utf-8", timeout=300, cwd=ROOT,
                          preexec_fn=small_files, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert done.returncode == 2, done.stderr
    assert done.stderr == f"kg extract: cannot write the facts into {facts}: File too large\n" or \
        done.stderr.startswith(f"kg extract: cannot write the facts into {facts}: File too large ("), done.stderr
    assert sorted(p.name for p in facts.iterdir()) == ["0.json"]
    assert officials(facts.parent, "0.json") == {"张建国"}
