"""``kg build --update`` with a kept resolution (kg/pipeline/update.py): any sequence of updates gives
the files a full build of the same inputs gives, and a killed update leaves the previous build usable."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from test_state import _TEXTS  # invented pages, each reproducing a pattern whose resolution reads across pages

from kg.pipeline import run, update
from kg.pipeline.run import build
from kg.pipeline.update import STATE_FILE

# another text for some pages: a changed page
_CHANGED = {
    "a.txt": "明远机械有限公司工会开展“金秋助学”活动。江苏省总工会主席王明远出席。",
    "c.txt": "全国总工会办公厅印发《关于加强职工服务的实施意见》。",
    "h.txt": "中华全国总工会主席王明远讲话。",
}
EXPORTS = frozenset({"nq", "nt", "json"})  # nt: the union, the store's default graph


def _write_inputs(folder: Path, pages: dict[str, str]) -> None:
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in pages.items():
        (folder / name).write_text(f"## 测试\n\n{text}\n", encoding="utf-8")


def _outputs(folder: Path) -> dict:
    """What a build gives: every file but the cache, the store's database files and the lock, and the
    manifest without the stamp of the resolution an update keeps."""
    found = {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*")
             if p.is_file() and ".cache" not in p.parts and "store" not in p.parts and p.name != ".kg-build.lock"}
    manifest = json.loads(found.pop("manifest.json"))
    manifest.pop("state", None)
    return {**found, "manifest.json": manifest}


def _full(tmp_path: Path, inputs: Path, n: int) -> dict:
    out = tmp_path / f"full{n}"
    build([inputs], out, export=EXPORTS)
    return _outputs(out)


def _random_inputs(rng: random.Random) -> dict[str, str]:
    names = rng.sample(sorted(_TEXTS), rng.randint(1, len(_TEXTS)))
    return {n: (_CHANGED[n] if n in _CHANGED and rng.random() < 0.5 else _TEXTS[n]) for n in sorted(names)}


@pytest.mark.parametrize("seed", range(3))
def test_updates_adding_changing_removing_pages_in_any_order_give_the_full_build(tmp_path, seed):
    rng = random.Random(seed)
    inputs, out = tmp_path / "pages", tmp_path / "out"
    before: dict[str, str] = {}
    for step in range(5):
        pages = _random_inputs(rng)
        _write_inputs(inputs, pages)
        summary = build([inputs], out, update=True, export=EXPORTS)
        if step:  # the pages the state holds as they are now are neither extracted nor resolved again,
            # the previous store is copied and patched
            assert "copy store" in summary.stages and summary.store_changed is not None
            assert summary.reused == sum(before.get(n) == t for n, t in pages.items())
            assert summary.resolved_again == len(set(pages.items()) ^ set(before.items())) - len(
                {n for n in pages if n in before and pages[n] != before[n]})  # a changed page counts once
        assert _outputs(out) == _full(tmp_path, inputs, step), f"step {step}: {sorted(pages)}"
        before = pages


def test_a_page_moved_in_the_build_order_gives_the_full_build(tmp_path):
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "d.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    # b.txt renamed to come first: the same bytes, another name and place
    _write_inputs(inputs, {"0.txt": _TEXTS["b.txt"], "a.txt": _TEXTS["a.txt"], "d.txt": _TEXTS["d.txt"]})
    summary = build([inputs], out, update=True, export=EXPORTS)
    assert summary.reused == 2
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def test_an_update_uses_only_a_state_stamped_by_the_build_in_the_folder(tmp_path):
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["state"]
    # a manifest naming another stamp (a later build without --update writes none): a new state,
    # every page's findings read back from the extraction cache instead
    manifest["state"] = "0" * 64
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    summary = build([inputs], out, update=True, export=EXPORTS)
    assert summary.reused == 2 and summary.resolved_again is None  # from the cache, every page resolved
    assert _outputs(out) == _full(tmp_path, inputs, 0)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "c.txt")})
    summary = build([inputs], out, update=True, export=EXPORTS)
    assert summary.reused == 2 and summary.resolved_again == 1  # the state is stamped again: b.txt taken out
    assert any("1 page(s) resolved again" in line for line in summary.lines())
    assert _outputs(out) == _full(tmp_path, inputs, 1)
    build([inputs], out, export=EXPORTS)  # no --update: no stamp, the next update resolves every page
    assert "state" not in json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert build([inputs], out, update=True, export=EXPORTS).resolved_again is None


def test_a_damaged_state_is_replaced_not_read(tmp_path):
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    (out / ".cache" / STATE_FILE).write_bytes(b"not a database" * 100)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "e.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 0)


_KILLED_UPDATE = """
import os, sys
from pathlib import Path
from kg.pipeline import run, update
def killed(*args, **kwargs):
    os._exit(9)  # as a kill: no finally, no close
update._whole_graph_files = killed  # after the store was patched, before the switch
run.build([Path(sys.argv[1])], Path(sys.argv[2]), update=True, export=frozenset({"nq", "nt", "json"}))
"""


def _killed_update(script: str, tmp_path: Path, then: dict[str, str]) -> tuple[Path, Path, dict]:
    """A build of a.txt, b.txt and c.txt, then an update to ``then`` run by ``script`` in a process it
    kills (exit 9): the input and output folders, and the outputs of the build before it."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    before = _outputs(out)
    _write_inputs(inputs, then)
    done = subprocess.run([sys.executable, "-c", script, str(inputs), str(out)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 9, done.stderr
    return inputs, out, before


def test_a_killed_update_leaves_the_previous_build_and_the_next_update_gives_the_full_build(tmp_path):
    # killed after the state took the changes in, before any file of the new generation was made
    inputs, out, before = _killed_update(_KILLED_UPDATE, tmp_path, {
        "a.txt": _CHANGED["a.txt"], "c.txt": _TEXTS["c.txt"], "d.txt": _TEXTS["d.txt"]})
    assert _outputs(out) == before  # the previous build, whole
    from kg.store.database import open_store
    store = open_store(out / "store")
    assert len(store) > 0
    del store
    summary = build([inputs], out, update=True, export=EXPORTS)
    # every page's findings from the cache (the killed update had extracted the new ones), every page
    # resolved: the state it left was not trusted
    assert summary.reused == 3 and summary.resolved_again is None
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def test_a_failed_update_is_not_trusted_by_the_next(tmp_path, monkeypatch):
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "d.txt")})

    def failing(*args, **kwargs):
        raise run.ShapeViolation("made to fail")
    with monkeypatch.context() as m:
        m.setattr(update, "_whole_graph_files", failing)
        with pytest.raises(run.ShapeViolation):
            build([inputs], out, update=True, export=EXPORTS)
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def _records(rows: list[tuple[str, str, str]]) -> str:
    """An archive of invented records: (date, url, text) each."""
    return "".join(json.dumps({"id": f"r{i}", "title": "测试", "text": text, "date": date, "url": url},
                              ensure_ascii=False) + "\n" for i, (date, url, text) in enumerate(rows))


@pytest.mark.parametrize("epoch", [None, "1700000000"])
def test_an_archive_updated_day_by_day_states_the_dataset_as_a_full_build_does(tmp_path, monkeypatch, epoch):
    """Records with dates and URLs: the description's time (the latest date, or SOURCE_DATE_EPOCH), the
    number of pages and each URL (two records may share one) follow the records put in, changed and
    taken out."""
    if epoch is not None:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    else:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    inputs, out = tmp_path / "pages", tmp_path / "out"
    inputs.mkdir()
    archive = inputs / "news.jsonl"
    days = [("2024-03-01", "https://example.org/1", _TEXTS["a.txt"]),
            ("2024-03-02", "https://example.org/2", _TEXTS["b.txt"]),
            ("2024-03-03", "https://example.org/2", _TEXTS["d.txt"]),  # the same URL as the day before
            ("2024-03-04", "https://example.org/4", _TEXTS["h.txt"])]
    steps = [days[:2], days[:3], days, days[:3],  # a new last record; the latest one taken out
             [days[0], days[2]], [days[0], (days[2][0], days[2][1], _CHANGED["h.txt"])], days[:1]]
    for n, rows in enumerate(steps):
        archive.write_text(_records(rows), encoding="utf-8")
        summary = build([inputs], out, update=True, export=EXPORTS)
        if n:
            assert "copy store" in summary.stages
        assert _outputs(out) == _full(tmp_path, inputs, n), f"step {n}"


def test_a_page_extraction_fails_on_is_left_out_as_a_full_build_leaves_it_out(tmp_path, monkeypatch):
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    real = run.extract_article

    def failing(article):  # an extractor's bug met on one page
        if any("人力资源社会保障部" in s.text for s in article.sentences):
            raise RuntimeError("made to fail")
        return real(article)
    monkeypatch.setattr(run, "extract_article", failing)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "d.txt")})
    summary = build([inputs], out, update=True, export=EXPORTS)
    assert any("d.txt" in line and "extraction failed" in line for line in summary.failed)
    assert not (out / "facts" / "d.json").exists()
    assert _outputs(out) == _full(tmp_path, inputs, 0)
    monkeypatch.setattr(run, "extract_article", real)  # mended: the page is put in
    build([inputs], out, update=True, export=EXPORTS)
    assert (out / "facts" / "d.json").exists()
    assert _outputs(out) == _full(tmp_path, inputs, 1)


_KILLED_AT_THE_SWITCH = """
import os, sys
from pathlib import Path
from kg.pipeline import outdir, run
carry = outdir._carry
def killed(source, target, skip, rel=""):
    if Path(target).name.startswith(".out.kg-"):
        os._exit(9)  # the new generation made beside the folder, the cache moved into it: not switched in
    return carry(source, target, skip, rel)
outdir._carry = killed
run.build([Path(sys.argv[1])], Path(sys.argv[2]), update=True, export=frozenset({"nq", "nt", "json"}))
"""


def test_an_update_killed_at_the_switch_leaves_the_previous_build_and_the_next_update_mends_it(tmp_path):
    inputs, out, before = _killed_update(_KILLED_AT_THE_SWITCH, tmp_path,
                                         {n: _TEXTS[n] for n in ("a.txt", "c.txt", "d.txt")})
    assert _outputs(out) == before  # the previous build, whole (without its cache: moved into the new folder)
    summary = build([inputs], out, update=True, export=EXPORTS)  # cleans up the unfinished generation
    assert summary.resolved_again is None  # no state to trust: every page resolved again
    assert _outputs(out) == _full(tmp_path, inputs, 0)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == []


def test_the_time_goes_when_no_page_has_a_date_any_more_and_follows_every_page_when_source_date_epoch_goes(
        tmp_path, monkeypatch):
    """The dataset's time once the dated records are taken out (none: no triple left behind), and once
    SOURCE_DATE_EPOCH is no longer set (the latest date of every page, not only of those put in)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {"a.txt": _TEXTS["a.txt"]})
    archive = inputs / "news.jsonl"
    archive.write_text(_records([("2024-03-03", "https://example.org/3", _TEXTS["b.txt"])]), encoding="utf-8")
    build([inputs], out, update=True, export=EXPORTS)
    archive.unlink()  # no page has a date now
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 0)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    archive.write_text(_records([("2024-03-03", "https://example.org/3", _TEXTS["b.txt"])]), encoding="utf-8")
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    _write_inputs(inputs, {"a.txt": _TEXTS["a.txt"], "c.txt": _TEXTS["c.txt"]})  # (removes the archive)
    archive.write_text(_records([("2024-03-03", "https://example.org/3", _TEXTS["b.txt"])]), encoding="utf-8")
    (inputs / "c.txt").write_text(f"## 测试\n\n{_CHANGED['c.txt']}\n", encoding="utf-8")  # a page without a date
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 2)


def test_an_update_with_another_base_or_licence_gives_the_full_build(tmp_path):
    """--base and --license are not part of the kept resolution: the store of another --base is made
    whole (every IRI changes), another licence is stated again."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    base = "https://example.org/kg/"
    build([inputs], out, update=True, export=EXPORTS, base=base)
    assert _outputs(out) == _outputs(_full_with(tmp_path / "full0", inputs, base=base))
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "c.txt", "d.txt")})
    build([inputs], out, update=True, export=EXPORTS, base=base, license="https://example.org/licence")
    assert _outputs(out) == _outputs(_full_with(tmp_path / "full1", inputs, base=base,
                                                license="https://example.org/licence"))
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "c.txt", "d.txt", "e.txt")})
    build([inputs], out, update=True, export=EXPORTS)  # back to the defaults
    assert _outputs(out) == _full(tmp_path, inputs, 2)


def _full_with(out: Path, inputs: Path, **options) -> Path:
    build([inputs], out, export=EXPORTS, **options)
    return out


def test_a_state_replaced_by_a_symbolic_link_is_not_opened(tmp_path):
    """SQLite follows a link: a state made a link to a file elsewhere would be written there."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    elsewhere = tmp_path / "elsewhere.db"
    elsewhere.write_bytes(b"")
    (out / ".cache" / STATE_FILE).unlink()
    (out / ".cache" / STATE_FILE).symlink_to(elsewhere)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    assert elsewhere.read_bytes() == b""
    assert not (out / ".cache" / STATE_FILE).is_symlink()
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def test_a_store_the_update_cannot_patch_is_written_whole(tmp_path, monkeypatch):
    """When the patch cannot be made (``_store_patch`` gives None: a post no page shows), the facts and
    merges written so far are dropped and everything is written from the state, as a full build does."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "c.txt")})
    monkeypatch.setattr(update, "_store_patch", lambda *args, **kwargs: None)
    build([inputs], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def test_the_previous_store_left_by_a_build_killed_in_its_last_step_is_removed(tmp_path):
    """A build switching file by file and killed between putting its store in place and removing the
    previous one (``swap_in``) leaves ``.store.old``: the next build removes it rather than carrying it on."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    import shutil
    shutil.copytree(out / "store", out / ".store.old")  # as the kill leaves it
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    assert not (out / ".store.old").exists()
    assert _outputs(out) == _full(tmp_path, inputs, 0)


def test_a_file_the_atomic_writer_left_when_killed_is_removed(tmp_path):
    """A build switching file by file and killed while writing its manifest leaves the writer's temporary
    file (``.kg-XXXXXXXX.tmp``) in the folder: the next build removes it rather than carrying it on."""
    inputs, out = tmp_path / "pages", tmp_path / "out"
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    (out / ".kg-abc_1234.tmp").write_text("{}", encoding="utf-8")  # as the kill leaves it
    _write_inputs(inputs, {n: _TEXTS[n] for n in ("a.txt", "b.txt", "c.txt")})
    build([inputs], out, update=True, export=EXPORTS)
    assert not (out / ".kg-abc_1234.tmp").exists()
    assert _outputs(out) == _full(tmp_path, inputs, 0)
