"""The command line, run as a user would: a real process, real files."""
import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_kg

pytestmark = pytest.mark.slow  # each test runs kg as a process

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def test_build_prints_summary_and_writes_files(tmp_path):
    done = run_kg("build", str(SEEDS), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    lines = dict(line.split(": ", 1) for line in done.stdout.splitlines())
    assert lines["pages"] == "2"
    assert lines["articles"] == "16"
    assert "official" in lines["entities"] and "holds-post" in lines["links"]
    assert float(lines["seconds"]) > 0
    facts = sorted(p.name for p in (tmp_path / "facts").iterdir())
    assert facts == ["000_328a50d97180c723.json", "003_c578291eaf5148a9.json"]
    graph = json.loads((tmp_path / "graph.json").read_text("utf-8"))
    assert {"nodes", "edges"} <= graph.keys()


def test_committed_exports_are_what_build_writes(tmp_path):
    """Determinism: rebuilding the seeds gives byte-identical files to the committed exports/."""
    done = run_kg("build", str(SEEDS), "--out", str(tmp_path))
    assert done.returncode == 0, done.stderr
    committed = ROOT / "exports"
    for rel in ["graph.json", "graph.html", "graph.ttl", "graph.nt", "graph.trig", "graph.nq", "graph.jsonld", "merges.tsv",
                "facts/000_328a50d97180c723.json", "facts/003_c578291eaf5148a9.json"]:
        assert filecmp.cmp(committed / rel, tmp_path / rel, shallow=False), f"{rel} differs from exports/"


def test_extract_writes_only_facts(tmp_path):
    out = tmp_path / "facts"
    done = run_kg("extract", str(SEEDS / "000_328a50d97180c723.txt"), "--facts-dir", str(out))
    assert done.returncode == 0, done.stderr
    assert [p.name for p in out.iterdir()] == ["000_328a50d97180c723.json"]
    facts = json.loads((out / "000_328a50d97180c723.json").read_text("utf-8"))
    assert facts["source"] == "000_328a50d97180c723.txt"
    assert {o["name"] for o in facts["officials"]} >= {"徐留平", "李公乐", "蔡奇"}
    assert not (tmp_path / "graph.json").exists()


def test_missing_input_is_named_and_fails(tmp_path):
    done = run_kg("extract", str(tmp_path / "nope.txt"), "--facts-dir", str(tmp_path / "f"))
    assert done.returncode == 1
    assert "nope.txt" in done.stderr


def test_view_writes_one_html_file(tmp_path):
    out = tmp_path / "g.html"
    done = run_kg("view", str(SEEDS), "-o", str(out), "--focus", "全总")
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "中华全国总工会" in html
    assert "http://" not in html and "https://" not in html


def test_view_reads_the_graph_json_a_build_wrote(tmp_path):
    """graph.json (edges under "edges") read back by kg view, with every warning an error."""
    out = tmp_path / "g.html"
    done = subprocess.run([sys.executable, "-W", "error", "-m", "kg", "view", str(ROOT / "exports" / "graph.json"),
                           "-o", str(out), "--focus", "徐留平"], cwd=ROOT, capture_output=True, text=True,
                          encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    html = out.read_text("utf-8")
    assert "徐留平" in html and "中华全国总工会" in html


def test_view_reads_a_builds_store_as_its_graph_json(tmp_path):
    """A build that wrote no graph.json (--export none): kg view of its store draws the same page as kg
    view of the graph.json a full build wrote; a folder that is no store is read as pages."""
    assert run_kg("build", str(SEEDS), "--out", str(tmp_path / "b"), "--export", "none").returncode == 0
    assert not (tmp_path / "b" / "graph.json").exists()
    from_store, from_json = tmp_path / "s.html", tmp_path / "j.html"
    done = run_kg("view", str(tmp_path / "b" / "store"), "-o", str(from_store))
    assert done.returncode == 0, done.stderr
    assert run_kg("view", str(ROOT / "exports" / "graph.json"), "-o", str(from_json)).returncode == 0
    assert from_store.read_bytes() == from_json.read_bytes()


# modules `kg --help` must not load: each costs tens to hundreds of milliseconds on import
HEAVY = ("networkx", "numpy", "pyoxigraph", "jieba", "rjieba", "starlette", "uvicorn", "charset_normalizer",
         "kg.ingest", "kg.export.rdf", "kg.pipeline")


def test_help_loads_no_heavy_module():
    """`kg --help` and a subcommand's help import only the argument parser's light modules (the
    time itself is measured by hand, never in a test: the README's install section gives it)."""
    for args in (["--help"], ["build", "--help"], ["query", "--help"], ["view", "--help"], ["export", "--help"]):
        code = ("import sys\nfrom kg.cli import main\ntry:\n    main(%r)\nexcept SystemExit:\n    pass\n"
                "print(' '.join(m for m in %r if m in sys.modules))" % (args, HEAVY))
        done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[-1] == "", f"kg {' '.join(args)} imports {done.stdout.splitlines()[-1]}"


def test_the_help_choices_are_the_modules_own():
    """kg.defaults repeats the format names kg.export.rdf has, so that the parser need not import kg.export.rdf."""
    from kg.defaults import RDF_FORMATS
    from kg.export.rdf import FORMATS

    assert RDF_FORMATS == tuple(sorted(FORMATS))


def test_export_reads_standard_input_and_writes_standard_output(tmp_path):
    """`--input -` and `-o -`: RDF through a pipe (N-Quads unless --input-format says otherwise),
    graph.json to GraphML likewise; no file called "-" is made."""
    exports = ROOT / "exports"
    to_file = run_kg("export", "--format", "nt", "--input", str(exports / "graph.nq"), "-o", str(tmp_path / "a.nt"))
    assert to_file.returncode == 0, to_file.stderr
    for args, source in [(["--format", "nt", "--input", "-", "-o", "-"], "graph.nq"),
                         (["--format", "nt", "--input", "-"], "graph.nt"),
                         (["--format", "nt", "--input", "-", "--input-format", "ttl", "-o", "-"], "graph.ttl")]:
        piped = subprocess.run([sys.executable, "-m", "kg", "export", *args], cwd=tmp_path,
                               input=(exports / source).read_bytes(), capture_output=True, timeout=300)
        assert piped.returncode == 0, piped.stderr.decode()
        assert piped.stdout == (tmp_path / "a.nt").read_bytes(), (args, source)
    graphml = subprocess.run([sys.executable, "-m", "kg", "export", "--format", "graphml", "--input", "-", "-o", "-"],
                             cwd=tmp_path, input=(exports / "graph.json").read_bytes(), capture_output=True, timeout=300)
    assert graphml.returncode == 0, graphml.stderr.decode()
    assert graphml.stdout.startswith(b"<?xml") and "徐留平".encode() in graphml.stdout
    assert not (tmp_path / "-").exists()
    bad = subprocess.run([sys.executable, "-m", "kg", "export", "--format", "ttl", "--input", "-"], cwd=tmp_path,
                         input=b"not rdf\n", capture_output=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.decode().startswith("kg export: standard input: cannot parse as N-Quads")


# ---------------------------------------------------------------------------
# `-`: a page or an archive on standard input (in-process, so the extractor loads once)
# ---------------------------------------------------------------------------

STDIN_PAGE = "## 浙江部署\n\n浙江省总工会党组书记、常务副主席王建平出席会议。\n"


def _with_stdin(monkeypatch, data: bytes) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_build_reads_a_page_from_standard_input(tmp_path, monkeypatch, capsys):
    """`kg build -`: the page is known as stdin.txt (its facts file, its IRI), "-" is where it was
    read (manifest); the RDF is what the same bytes in a file of that name give."""
    from kg.cli.commands import main

    _with_stdin(monkeypatch, STDIN_PAGE.encode("utf-8"))
    assert main(["build", "-", "--out", str(tmp_path / "piped"), "--jobs", "1", "--quiet"]) == 0
    out = capsys.readouterr()
    assert "pages: 1" in out.out and "failed" not in out.err
    piped = tmp_path / "piped"
    assert [p.name for p in (piped / "facts").iterdir()] == ["stdin.json"]
    manifest = json.loads((piped / "manifest.json").read_text("utf-8"))
    assert manifest["facts"]["stdin.json"] == {"source": "stdin.txt", "input": "-"}
    assert "王建平" in (piped / "graph.json").read_text("utf-8")
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "stdin.txt").write_text(STDIN_PAGE, encoding="utf-8")
    assert main(["build", str(tmp_path / "pages"), "--out", str(tmp_path / "filed"), "--jobs", "1", "--quiet"]) == 0
    for name in ("graph.nq", "graph.json", "facts/stdin.json"):
        assert (piped / name).read_bytes() == (tmp_path / "filed" / name).read_bytes(), name


def test_extract_reads_an_archive_from_standard_input(tmp_path, monkeypatch, capsys):
    """Input that starts with { is an archive (stdin.jsonl); its bad records are named by "-" and
    their line, on standard error, in extract as in build."""
    from kg.cli.commands import main

    archive = (json.dumps({"id": "r1", "title": "会议", "text": STDIN_PAGE}, ensure_ascii=False) + "\nnot json\n")
    _with_stdin(monkeypatch, archive.encode("utf-8"))
    assert main(["extract", "-", "--facts-dir", str(tmp_path / "facts"), "--jobs", "1"]) == 1  # a record failed
    out = capsys.readouterr()
    assert out.out == "" and out.err.startswith("failed: -:2: not a JSON record")
    assert [p.name for p in (tmp_path / "facts").iterdir()] == ["stdin-1.json"]
    _with_stdin(monkeypatch, archive.encode("utf-8"))
    assert main(["build", "-", "--stdin-name", "news.jsonl", "--out", str(tmp_path / "out"), "--jobs", "1",
                 "--quiet", "--keep-going"]) == 0
    out = capsys.readouterr()
    assert "failed:" not in out.out and "failed: -:2: not a JSON record" in out.err
    assert [p.name for p in (tmp_path / "out" / "facts").iterdir()] == ["news-1.json"]


def test_standard_input_errors_are_messages(tmp_path, monkeypatch, capsys):
    """Empty standard input fails as an empty file does (issue 14 saw a SHACL violation), and a
    --stdin-name that is no page's name, or - twice, is refused before anything is read."""
    from kg.cli.commands import main

    _with_stdin(monkeypatch, b"")
    assert main(["build", "-", "--out", str(tmp_path / "out"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == ["failed: -: empty file", "kg build: no page could be read; nothing was written"]
    assert not (tmp_path / "out").exists()
    for args, said in [(["-", "--stdin-name", "../x.txt"], "--stdin-name '../x.txt': a file name"),
                       (["-", "--stdin-name", "page.html"], "ending in .txt, .md, .jsonl, .ndjson"),
                       (["-", "-"], "given more than once"),
                       ([str(SEEDS), "--stdin-name", "x.txt"], "not among the inputs")]:
        _with_stdin(monkeypatch, STDIN_PAGE.encode("utf-8"))
        assert main(["extract", *args, "--facts-dir", str(tmp_path / "f")]) == 2
        assert said in capsys.readouterr().err
    assert not (tmp_path / "f").exists()


def test_build_into_a_closed_pipe_is_no_traceback(tmp_path):
    """`kg build ... | head` (a reader gone before the summary is printed): the build is done and
    exits 0, with no BrokenPipeError traceback."""
    import os

    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "kg", "build", str(SEEDS / "000_328a50d97180c723.txt"),
                               "--out", str(tmp_path / "out"), "--quiet"], cwd=ROOT, stdout=write,
                              stderr=subprocess.PIPE, text=True, encoding="utf-8", timeout=300)
    finally:
        os.close(write)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (tmp_path / "out" / "graph.nq").is_file()


def test_view_writes_standard_output(tmp_path):
    """`kg view ... -o -`: the page alone on standard output (the count on standard error), the
    same bytes as the file; no file called "-"."""
    graph = str(ROOT / "exports" / "graph.json")
    to_file = run_kg("view", graph, "-o", str(tmp_path / "g.html"), "--focus", "徐留平", cwd=tmp_path)
    assert to_file.returncode == 0, to_file.stderr
    piped = subprocess.run([sys.executable, "-m", "kg", "view", graph, "-o", "-", "--focus", "徐留平"], cwd=ROOT,
                           capture_output=True, timeout=300)
    assert piped.returncode == 0, piped.stderr.decode()
    assert piped.stdout == (tmp_path / "g.html").read_bytes()
    assert piped.stderr.decode().startswith("standard output: ") and not (ROOT / "-").exists()


def test_export_from_the_store_is_the_file_the_build_wrote(tmp_path):
    """`kg export` reads the build's store (--store, default exports/store) and writes every RDF format
    byte for byte as `kg build` does, RDF/XML as a conversion of graph.nq does; --export chose none."""
    out = tmp_path / "exports"
    assert run_kg("build", str(SEEDS), "--out", str(out), "--export", "none").returncode == 0
    assert not list(out.glob("graph.*"))
    committed = ROOT / "exports"
    for fmt in ("nq", "nt", "ttl", "trig", "jsonld", "json", "html"):
        done = run_kg("export", "--format", fmt, "--store", str(out / "store"), "-o", str(tmp_path / f"g.{fmt}"))
        assert done.returncode == 0, done.stderr
        assert filecmp.cmp(committed / f"graph.{fmt}", tmp_path / f"g.{fmt}", shallow=False), fmt
    piped = subprocess.run([sys.executable, "-m", "kg", "export", "--format", "json", "-o", "-"], cwd=tmp_path,
                           capture_output=True, timeout=300)  # exports/store of the working folder
    assert piped.returncode == 0 and piped.stdout == (committed / "graph.json").read_bytes(), piped.stderr.decode()
    piped = subprocess.run([sys.executable, "-m", "kg", "export", "--format", "xml"], cwd=tmp_path,
                           capture_output=True, timeout=300)  # exports/store of the working folder, to standard output
    converted = run_kg("export", "--format", "xml", "--input", str(committed / "graph.nq"))
    assert piped.returncode == 0 and converted.returncode == 0, piped.stderr.decode()
    assert piped.stdout.decode() == converted.stdout
    for args, said in [(["--store", str(tmp_path / "nowhere")], "no store there"),
                       (["--store", str(out / "store"), "--input", str(committed / "graph.nq")], "give one"),
                       (["--store", str(out / "store"), "--format", "graphml"], "from a graph.json"),
                       (["--format", "json", "--store", str(tmp_path / "nowhere")], "no store there"),
                       (["--format", "html", "--input", str(committed / "graph.json")], "not from a file"),
                       (["--format", "json", "--store", str(tmp_path)], "cannot open the store")]:
        fmt = [] if "--format" in args else ["--format", "nt"]
        done = run_kg("export", *fmt, *args)
        assert done.returncode == 2 and said in done.stderr, (args, done.stderr)
    bad = run_kg("build", str(SEEDS), "--out", str(out), "--export", "nq,xml")
    assert bad.returncode == 2 and "'xml' is not a whole-graph file" in bad.stderr
