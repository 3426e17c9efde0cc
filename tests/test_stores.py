"""Other stores' parsers accept the exports: Apache Jena's riot validates every file.

Jena is run from Debian's ``libapache-jena-java`` jars by ``.ci/jena`` (in this repository, so the
tests run in any clone), or by the riot command in ``$JENA_RIOT``. When it cannot run, the tests are
skipped with the reason, except under CI (``CI=true``), where that is a failure: CI must install Jena
(``apt-get install -y libapache-jena-java unzip default-jre-headless``).

Validated: the seeds' exports as ``kg build`` writes them now, ``kg export --format xml``, and a
page full of awkward characters (quotes, backslashes, tab, U+2028, NEL, emoji, markup).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # Apache Jena (a JVM) reads every export

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
JENA = ROOT / ".ci" / "jena"  # runs a Jena command from Debian's jars by its class name
RIOT = [os.environ["JENA_RIOT"]] if os.environ.get("JENA_RIOT") else [str(JENA), "riotcmd.riot"]
EXPORTS = ("ttl", "nt", "trig", "nq", "jsonld")
# the same awkward page as in test_rdf.py: every character class a literal writer must escape or keep
AWKWARD_PAGE = ("## 江苏工会“暖心”行动 \"引号\" 反斜杠\\n 与\t制表符\u2028段落分隔😀\n\n"
                "本报讯(记者赵磊)江苏省总工会主席王军说：\"工会要\\服务职工\"，<b>&amp;</b> {x} \u0085下一行\x1e。\n\n"
                "安徽省人大常委会副主任王军到企业调研\u00a0，启动“12351”热线。\r\n")


def _cannot_run() -> str | None:
    """Why Jena's riot cannot run here, or None when it can."""
    command = Path(RIOT[0])
    if not command.is_file() or not os.access(command, os.X_OK):
        return f"{command} is missing or not executable"
    if not shutil.which("java"):
        return "no java on PATH"
    if RIOT[0] == str(JENA) and not shutil.which("unzip"):
        return "no unzip on PATH (.ci/jena needs it: apt-get install -y unzip)"
    if not Path("/usr/share/java/jena-core.jar").is_file():
        return "Apache Jena's jars are not installed (apt-get install -y libapache-jena-java unzip)"
    return None


@pytest.fixture(scope="module")
def riot(tmp_path_factory):
    """A function validating one file with riot; probed once on a tiny file."""
    reason = _cannot_run()
    if reason is None:
        probe = tmp_path_factory.mktemp("riot-probe") / "probe.nt"
        probe.write_text('<https://example.org/s> <https://example.org/p> "探针"@zh .\n', "utf-8")
        try:
            done = _riot(probe)
            if done.returncode != 0:
                reason = f"riot fails on a valid file: {(done.stderr or done.stdout).strip()[-500:]}"
        except (OSError, subprocess.TimeoutExpired) as err:
            reason = f"riot cannot run: {err}"
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but Jena cannot run: {reason}")
        pytest.skip(f"Jena cannot run: {reason}")
    return _riot


def _riot(path: Path) -> subprocess.CompletedProcess:
    syntax = ["--syntax=jsonld10"] if path.suffix == ".jsonld" else []
    return subprocess.run([*RIOT, "--validate", *syntax, str(path)], capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=300)


def _assert_valid(riot, path: Path) -> None:
    done = riot(path)
    said = (done.stdout + done.stderr).strip()
    assert done.returncode == 0 and "ERROR" not in said and "WARN" not in said, \
        f"Jena riot rejects {path.name}:\n{said[-3000:]}"


def _build(out: Path, *inputs: Path) -> Path:
    done = subprocess.run([sys.executable, "-m", "kg", "build", *map(str, inputs), "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def seeds_built(tmp_path_factory):
    return _build(tmp_path_factory.mktemp("seeds"), SEEDS)


@pytest.fixture(scope="module")
def awkward_built(tmp_path_factory):
    pages = tmp_path_factory.mktemp("awkward-pages")
    (pages / "awkward.txt").write_bytes(AWKWARD_PAGE.encode("utf-8"))
    return _build(tmp_path_factory.mktemp("awkward"), pages)


@pytest.mark.parametrize("fmt", EXPORTS)
def test_jena_validates_the_seed_exports(riot, seeds_built, fmt):
    _assert_valid(riot, seeds_built / f"graph.{fmt}")


def test_jena_validates_rdf_xml_from_kg_export(riot, seeds_built, tmp_path):
    out = tmp_path / "graph.rdf"
    done = subprocess.run([sys.executable, "-m", "kg", "export", "--format", "xml", "--input",
                           str(seeds_built / "graph.nq"), "-o", str(out)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)
    assert done.returncode == 0, done.stderr
    _assert_valid(riot, out)


@pytest.mark.parametrize("fmt", EXPORTS)
def test_jena_validates_exports_of_awkward_text(riot, awkward_built, fmt):
    _assert_valid(riot, awkward_built / f"graph.{fmt}")


def test_jena_shacl_finds_the_data_alone_conforms(riot, seeds_built):
    """Jena's SHACL engine on graph.ttl without kg/knowledge/ontology.ttl (as a consumer loads it) and on the
    shapes of kg/knowledge/shapes.ttl: it conforms (36 violations when the data had only ukg: classes)."""
    done = subprocess.run([str(JENA), "shacl.shacl", "validate", "--shapes",
                           str(ROOT / "kg" / "knowledge" / "shapes.ttl"), "--data", str(seeds_built / "graph.ttl")],
                          capture_output=True, text=True, encoding="utf-8", errors="replace", timeout=300)
    report = done.stdout + done.stderr
    assert done.returncode == 0 and "sh:conforms  true" in report and "sh:focusNode" not in report, report[-3000:]


def test_jena_rejects_a_broken_file(riot, tmp_path):
    """The check can fail: riot is not just exiting 0."""
    bad = tmp_path / "bad.nq"
    bad.write_text('<https://example.org/s> <https://example.org/p> "cut\n', "utf-8")
    assert riot(bad).returncode != 0
