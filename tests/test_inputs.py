"""What each input gave the last update (kg/pipeline/inputs.py): an unchanged input is not read again,
an archive grown at its end is read from where it ended, and the result is a full build's."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from test_update import _CHANGED, _TEXTS, _full, _outputs, _records, EXPORTS

from kg.pipeline import inputs, run
from kg.pipeline.inputs import MEMO_FILE
from kg.pipeline.run import build


def _page(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"## 测试\n\n{text}\n", encoding="utf-8")


def _reads(monkeypatch) -> list[str]:
    """The inputs the build reads whole (page files and archives), in order."""
    read, real = [], run.iter_pages

    def counted(paths, options=run.ReadOptions()):
        read.extend(Path(p).name for p in paths)
        return real(paths, options)
    monkeypatch.setattr(run, "iter_pages", counted)
    return read


def _archive_starts(monkeypatch) -> list[tuple[int, int]]:
    """Where each archive read from an offset began (byte, line)."""
    starts, real = [], inputs.read_archive

    def counted(path, *args, start=(0, 0), **kwargs):
        starts.append(start)
        return real(path, *args, start=start, **kwargs)
    monkeypatch.setattr(inputs, "read_archive", counted)
    return starts


def test_an_update_reads_only_the_inputs_that_changed(tmp_path, monkeypatch):
    pages, out = tmp_path / "pages", tmp_path / "out"
    for name in ("a.txt", "b.txt", "c.txt"):
        _page(pages, name, _TEXTS[name])
    build([pages], out, update=True, export=EXPORTS)
    read = _reads(monkeypatch)
    _page(pages, "d.txt", _TEXTS["d.txt"])  # a new page
    _page(pages, "a.txt", _CHANGED["a.txt"])  # a changed one
    summary = build([pages], out, update=True, export=EXPORTS)
    assert sorted(read) == ["a.txt", "d.txt"]
    assert (summary.pages, summary.articles) == (4, 4)
    assert _outputs(out) == _full(tmp_path, pages, 0)
    read.clear()
    (pages / "b.txt").unlink()  # a removed one: nothing to read
    summary = build([pages], out, update=True, export=EXPORTS)
    assert read == [] and summary.pages == 3
    assert _outputs(out) == _full(tmp_path, pages, 1)


def test_an_archive_grown_at_its_end_is_read_from_where_it_ended(tmp_path, monkeypatch):
    pages, out = tmp_path / "pages", tmp_path / "out"
    pages.mkdir()
    archive = pages / "news.jsonl"
    rows = [("2024-03-01", "https://example.org/1", _TEXTS["a.txt"]),
            ("2024-03-02", "https://example.org/2", _TEXTS["b.txt"])]
    archive.write_text(_records(rows), encoding="utf-8")
    build([pages], out, update=True, export=EXPORTS)
    size, read, starts = archive.stat().st_size, _reads(monkeypatch), _archive_starts(monkeypatch)
    with open(archive, "a", encoding="utf-8") as f:  # a new day's record at the end
        f.write(_records(rows + [("2024-03-03", "https://example.org/3", _TEXTS["d.txt"])]).splitlines(True)[2])
    summary = build([pages], out, update=True, export=EXPORTS)
    assert read == [] and starts == [(size, 2)]
    assert summary.pages == 3 and summary.resolved_again == 1
    assert _outputs(out) == _full(tmp_path, pages, 0)
    # an earlier record changed: not a file grown at its end, read whole
    starts.clear(), read.clear()
    archive.write_text(_records([rows[0], (rows[1][0], rows[1][1], _CHANGED["h.txt"]),
                                 ("2024-03-03", "https://example.org/3", _TEXTS["d.txt"])]), encoding="utf-8")
    build([pages], out, update=True, export=EXPORTS)
    assert read == ["news.jsonl"] and starts == []
    assert _outputs(out) == _full(tmp_path, pages, 1)


def test_an_unread_page_whose_name_another_input_takes_is_read_again(tmp_path, monkeypatch):
    pages, out = tmp_path / "pages", tmp_path / "out"
    _page(pages / "x", "a.txt", _TEXTS["a.txt"])
    _page(pages / "x", "b.txt", _TEXTS["b.txt"])
    build([pages], out, update=True, export=EXPORTS)
    read = _reads(monkeypatch)
    _page(pages / "w", "a.txt", _TEXTS["e.txt"])  # comes first: takes the name a.txt, x/a.txt is a.txt~2
    summary = build([pages], out, update=True, export=EXPORTS)
    assert sorted(read) == ["a.txt", "a.txt"]  # the new page, and x/a.txt under its new name
    assert summary.pages == 3
    assert _outputs(out) == _full(tmp_path, pages, 0)
    assert json.loads((out / "facts" / "a~2.json").read_text(encoding="utf-8"))["input"].endswith("x/a.txt")


def test_a_memo_not_written_by_this_users_build_is_not_used(tmp_path, monkeypatch):
    pages, out = tmp_path / "pages", tmp_path / "out"
    for name in ("a.txt", "b.txt"):
        _page(pages, name, _TEXTS[name])
    build([pages], out, update=True, export=EXPORTS)
    memo = out / ".cache" / MEMO_FILE
    mac, body = memo.read_bytes().split(b"\n", 1)
    memo.write_bytes(b"0" * len(mac) + b"\n" + body.replace(b'"a.txt"', b'"z.txt"'))  # edited, MAC made up
    read = _reads(monkeypatch)
    _page(pages, "c.txt", _TEXTS["c.txt"])
    build([pages], out, update=True, export=EXPORTS)
    assert sorted(read) == ["a.txt", "b.txt", "c.txt"]  # every input read
    assert _outputs(out) == _full(tmp_path, pages, 0)
    shutil.rmtree(out / ".cache")  # no memo, no state, no cache: every page extracted, the same result
    build([pages], out, update=True, export=EXPORTS)
    assert _outputs(out) == _full(tmp_path, pages, 1)


def test_an_empty_archive_that_grows_is_read_whole_and_no_longer_said_empty(tmp_path, monkeypatch):
    """What reading an archive said of the whole file (it had no record) is not replayed for the file grown."""
    pages, out = tmp_path / "pages", tmp_path / "out"
    _page(pages, "a.txt", _TEXTS["a.txt"])
    archive = pages / "news.jsonl"
    archive.write_text("\n", encoding="utf-8")
    summary = build([pages], out, update=True, export=EXPORTS)
    assert any("empty archive" in line for line in summary.failed)
    with open(archive, "a", encoding="utf-8") as f:
        f.write(_records([("2024-03-01", "https://example.org/1", _TEXTS["b.txt"])]))
    read = _reads(monkeypatch)
    summary = build([pages], out, update=True, export=EXPORTS)
    assert summary.failed == [] and read == ["news.jsonl"]
    assert _outputs(out) == _full(tmp_path, pages, 0)


def test_a_fifo_put_in_place_of_the_memo_is_not_waited_on(tmp_path):
    import signal

    pages, out = tmp_path / "pages", tmp_path / "out"
    for name in ("a.txt", "b.txt"):
        _page(pages, name, _TEXTS[name])
    build([pages], out, update=True, export=EXPORTS)
    memo = out / ".cache" / MEMO_FILE
    memo.unlink()
    os.mkfifo(memo)
    _page(pages, "c.txt", _TEXTS["c.txt"])

    class Waited(Exception):  # (not an OSError, which the memo's reading takes for a memo it cannot use)
        pass

    def waited(*args):
        raise Waited("the build waited on the FIFO")
    before = signal.signal(signal.SIGALRM, waited)
    signal.alarm(20)
    try:
        build([pages], out, update=True, export=EXPORTS)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    assert _outputs(out) == _full(tmp_path, pages, 0)
