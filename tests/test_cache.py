"""The --update cache is data that cannot run code, and an entry that is not sound is
extracted again: never trusted, never the end of the build."""
from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

import pytest

from conftest import run_kg
from kg.pipeline import codec
from kg.pipeline import cache
from kg.pipeline.cache import ExtractionCache, read_entry, write_entry
from kg.extract import extract_article
from kg.extract.base import Link, Mention
from kg.ingest.pages import Article, Page, Sentence, read_page
from kg.pipeline.run import build
from kg.pipeline.update import STATE_FILE

pytestmark = pytest.mark.slow  # each test builds with --update, some with worker processes

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def own_key(tmp_path, monkeypatch):
    """Each test with its own key folder (and no key read by an earlier test in this process)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache.cache_key.cache_clear()
    yield
    cache.cache_key.cache_clear()


def _outputs(folder: Path) -> dict:
    """The files a build writes (not the cache, the store's database files or the lock, which
    names its last holder; the manifest without the stamp of the resolution an update build keeps)."""
    found = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and ".cache" not in p.parts and "store" not in p.parts and p.name != ".kg-build.lock"}
    manifest = json.loads(found.pop(Path("manifest.json")))
    manifest.pop("state", None)
    return {**found, Path("manifest.json"): manifest}


class _Touch:
    """What a hostile pickle does when it is loaded: runs a command."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


# ---------------------------------------------------------------------------
# The codec
# ---------------------------------------------------------------------------


def test_codec_round_trips_the_findings_and_pages_of_the_seeds():
    cache.findings_types()  # registers the findings' classes
    for path in sorted(SEEDS.glob("*.txt")):
        page = read_page(path)
        assert codec.decode(codec.encode(page)) == page
        findings = [extract_article(a) for a in page.articles]
        assert sum(len(found.mentions) for found in findings) > 20 and any(found.links for found in findings)
        for found in findings:
            back = codec.decode(codec.encode(vars(found)))
            assert back == vars(found)
            assert type(back["article"]) is Article and type(back["article"].sentences[0]) is Sentence
            assert type(back["article"].sentences[0].pieces) is tuple  # not turned into lists


def test_codec_keeps_tuples_lists_and_dict_keys_apart():
    value = {"a": (1, [2, (3.5, None)], ()), 4: [True, False], (1, "x"): {"nested": ["", "\ud800"]}}
    back = codec.decode(codec.encode(value))
    assert back == value
    assert type(back["a"]) is tuple and type(back["a"][1]) is list and type(back["a"][1][1]) is tuple
    assert list(back) == ["a", 4, (1, "x")]  # key types and order kept


@pytest.mark.parametrize("text", [
    '{"@": "system", "command": "touch x"}',  # not a registered class: never looked up elsewhere
    '{"@": "os.system"}',
    '{"@": "Mention", "kind": "place"}',  # fields missing
    '{"@": "Mention", "kind": "place", "surface": "x", "sentence": "0", "start": 0, "end": 1,'
    ' "attrs": {"@": "dict", "items": []}, "id": 0}',  # a string where the annotation says int
    '{"@": "Mention", "kind": "place", "surface": "x", "sentence": true, "start": 0, "end": 1,'
    ' "attrs": {"@": "dict", "items": []}, "id": 0}',  # a bool is not an int here
    '{"@": "Mention", "kind": "place", "surface": "x", "sentence": 0, "start": 0, "end": 1,'
    ' "attrs": {"@": "dict", "items": []}, "id": 0, "extra": 1}',  # a field it does not have
    '{"@": "dict", "items": [[[1], 2]]}',  # an unhashable key
    '{"@": "tuple", "items": [1], "more": 2}',
    '{"plain": "object"}',  # only tagged objects are written
    '{"@": "dict", "items": [["a", 1]',  # cut short
    "[" * 100_000 + "]" * 100_000,  # deeper than the parser's recursion
    "",
])
def test_codec_refuses_what_it_did_not_write(text):
    cache.findings_types()
    with pytest.raises(codec.CodecError):
        codec.decode(text)


def test_codec_encodes_only_plain_data_and_registered_classes():
    with pytest.raises(TypeError, match="register"):
        codec.encode({"x": {1, 2}})
    with pytest.raises(TypeError, match="register"):
        codec.encode(_Touch(Path("/nonexistent")))


def test_cache_entry_round_trip_binds_the_findings_to_the_page(tmp_path):
    for path in sorted(SEEDS.glob("*.txt")):
        page = read_page(path)
        findings = [extract_article(a) for a in page.articles]
        entry = tmp_path / f"{path.stem}.json"
        write_entry(entry, page, findings)
        again = read_page(path)  # the page as a later build reads it
        back = read_entry(entry, again)
        assert back is not None and len(back) == len(findings)
        for old, new, article in zip(findings, back, again.articles):
            assert new.article is article
            assert new.mentions == old.mentions and new.links == old.links
            assert all(type(m) is Mention for m in new.mentions) and all(type(k) is Link for k in new.links)
        other = read_page(SEEDS / "003_c578291eaf5148a9.txt" if "000" in path.name else SEEDS / "000_328a50d97180c723.txt")
        assert read_entry(entry, other) is None  # another page's entry is not used


# ---------------------------------------------------------------------------
# Hostile and damaged entries in a real --update build
# ---------------------------------------------------------------------------


def test_planted_and_damaged_cache_entries_run_nothing_and_are_extracted_again(tmp_path):
    pages, out, full = tmp_path / "pages", tmp_path / "out", tmp_path / "full"
    pages.mkdir()
    for seed in SEEDS.glob("*.txt"):
        (pages / seed.name).write_bytes(seed.read_bytes())
    assert build([pages], full).reused is None
    assert build([pages], out, update=True).reused == 0
    entries = sorted((out / ".cache").glob("*.json"))
    assert len(entries) == 2
    assert build([pages], out, update=True).reused == 2  # sound entries are used
    marker = tmp_path / "ran"

    def forget_resolution():
        """Without the resolution the last build kept, every page's findings are read from the cache
        (with it, an unchanged page is neither extracted nor read: kg.pipeline.update)."""
        (out / ".cache" / STATE_FILE).unlink()

    def planted(first: bytes, second: bytes | None = None):
        """Put these bytes in the two entries, build again: nothing ran, both pages extracted,
        the output that of a full build, the entries sound again after it."""
        entries[0].write_bytes(first)
        if second is not None:
            entries[1].write_bytes(second)
        forget_resolution()
        summary = build([pages], out, update=True)
        assert not marker.exists()
        assert summary.reused == (0 if second is not None else 1)
        assert _outputs(out) == _outputs(full)
        assert build([pages], out, update=True).reused == 2

    hostile = pickle.dumps(_Touch(marker))
    planted(hostile, hostile)
    good = entries[0].read_bytes()
    mac, body = good.split(b"\n", 1)
    planted(good[: len(good) // 2])  # cut short
    planted(good.replace(b'"kind":"', b'"kind":"x', 1))  # one finding edited: the MAC no longer fits
    planted(b"0" * 64 + b"\n" + body)  # a made-up MAC
    planted(body)  # no MAC at all
    # written with the right key (as if it leaked): still only data, still checked
    key = cache.cache_key()
    for crafted in (body.replace(b'"@":"Mention"', b'"@":"posix.system"', 1),  # not an allowed class
                    body.replace(b'"sentence":', b'"sentence":"', 1),  # ill-formed JSON
                    body.replace(f'["format",{cache.CACHE_FORMAT}]'.encode(),
                                 f'["format",{cache.CACHE_FORMAT - 1}]'.encode()),  # another layout
                    body.replace(b'"mentions",[', b'"mentions",[1,', 1)):  # not a finding
        assert crafted != body
        planted(cache._mac(key, crafted) + b"\n" + crafted)
    # a symlink to a file of the user's and a FIFO in an entry's place: not followed, not waited on
    entries[0].unlink()
    entries[0].symlink_to(SEEDS / "000_328a50d97180c723.txt")
    forget_resolution()
    assert build([pages], out, update=True).reused == 1
    entries[0].unlink()
    os.mkfifo(entries[0])
    forget_resolution()
    assert build([pages], out, update=True).reused == 1
    assert _outputs(out) == _outputs(full)


def test_old_pickle_entries_are_never_loaded_and_are_removed(tmp_path):
    out = tmp_path / "out"
    (out / ".cache").mkdir(parents=True)
    marker = tmp_path / "ran"
    old = out / ".cache" / ("ab" * 32 + ".pickle")
    old.write_bytes(pickle.dumps(_Touch(marker)))
    summary = build([SEEDS], out, update=True)
    assert summary.reused == 0 and not marker.exists() and not old.exists()


def test_without_a_key_nothing_is_kept_and_the_build_is_the_same(tmp_path, monkeypatch):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(not_a_folder))
    cache.cache_key.cache_clear()
    out, full = tmp_path / "out", tmp_path / "full"
    build([SEEDS], full)
    for _ in range(2):
        summary = build([SEEDS], out, update=True)
        assert summary.reused == 0 and summary.cache_keyless
        assert any("cache: not kept" in line for line in summary.lines())
    assert not list((out / ".cache").glob("*.json"))
    assert _outputs(out) == _outputs(full)


def test_update_with_workers_reads_the_cache_like_one_process(tmp_path):
    """Workers read and write the cache through the same key as the main process."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg")}

    def kg(*args):
        return run_kg(*args, env=env, timeout=600)

    for expect in (0, 2):
        done = kg("build", SEEDS, "--out", tmp_path / "out", "--update", "--jobs", "2", "--quiet")
        assert done.returncode == 0, done.stderr
        assert f"pages reused from the previous build: {expect}" in done.stdout


# ---------------------------------------------------------------------------
# What extraction depends on is part of every entry's key
# ---------------------------------------------------------------------------


def test_the_extraction_digest_follows_code_lexicons_and_libraries(tmp_path, monkeypatch):
    """A copy of the package: any change to an extractor, a lexicon (edited, added, removed)
    or the version of jieba or rjieba gives another digest; other modules do not count."""
    import shutil
    import importlib.metadata

    package = tmp_path / "kg"
    shutil.copytree(cache.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    seen = {cache.extraction_digest(package)}
    assert cache.extraction_digest(package) in seen  # the same files give the same digest

    def changed() -> bool:
        digest = cache.extraction_digest(package)
        new = digest not in seen
        seen.add(digest)
        return new

    with open(package / "knowledge" / "lexicons" / "titles.txt", "a", encoding="utf-8") as f:
        f.write("新职务\n")
    assert changed()
    (package / "knowledge" / "lexicons" / "extra.tsv").write_text("x\ty\n", encoding="utf-8")
    assert changed()
    (package / "knowledge" / "lexicons" / "extra.tsv").unlink()
    assert not changed()  # back to the files of the step before
    (package / "knowledge" / "lexicons" / "surnames.txt").unlink()
    assert changed()
    for name in ("extract/officials.py", "extract/segment.py", "ingest/pages.py", "knowledge/lexicon.py"):
        with open(package / name, "a", encoding="utf-8") as f:
            f.write("\n# changed\n")
        assert changed(), name
    with open(package / "export" / "rdf.py", "a", encoding="utf-8") as f:
        f.write("\n# not read by extraction\n")
    assert not changed()
    real = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "9.9" if name == "rjieba" else real(name))
    assert changed()


def test_a_changed_extraction_extracts_every_page_again(tmp_path, monkeypatch):
    """The --update cache of a build made with other lexicons is not used: every page is
    extracted again (and kept under the new key), then reused while nothing changes."""
    out = tmp_path / "out"
    assert build([SEEDS], out, update=True).reused == 0
    assert build([SEEDS], out, update=True).reused == 2
    monkeypatch.setattr(cache, "_extraction_digest", lambda: "0" * 64)  # as after a lexicon edit
    assert build([SEEDS], out, update=True).reused == 0
    assert build([SEEDS], out, update=True).reused == 2
    assert len(list((out / ".cache").glob("*.json"))) == 2  # the stale entries were removed
