"""What each input gave the last ``--update`` build, so that an update does not read ten years of
archives again to add a day (issue 17; docs/store-first.md).

An update build notes, for every input file, its identity (device, inode, size and modification
time, as ``make`` and ``rsync`` compare files), the SHA-256 and line count of the bytes it read, and
what it gave: each page's name, checksum, line, number of articles and sentences and warnings, and
each failure. The next update gives the pages of an input whose identity is unchanged without
reading it (``UnreadPage``: everything the build needs of a page the resolution state holds as it is),
and of an archive that only grew at its end (its old bytes, ending with a line end, are a prefix of
the new ones) reads only the new records. An unread page the state does not hold as it is (another
input now takes its name) is read after all (``read_again``).

The memo is kept in the output folder's cache (``.cache/inputs.memo``), signed with the cache's
key and tied to the resolution state's stamp (``kg.pipeline.update``): one that is not this user's,
or of another build, is not used (every input is read).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.export.files import write_atomic
from kg.ingest.pages import IngestError, Page, read_archive

__all__ = ["InputMemo", "UnreadPage", "read_inputs", "read_again", "MEMO_FILE"]

MEMO_FILE = "inputs.memo"
MEMO_FORMAT = 1
_MAX_MEMO_BYTES = 1 << 30
ARCHIVE_SUFFIXES = (".jsonl", ".ndjson")  # the inputs read as JSON-lines archives (kg.pipeline.run)


@dataclass
class UnreadPage(Page):
    """A page of an input unchanged since the last update, not read again: its name, checksum, where it
    was read (``meta``: input and line) and its counts, which is all a build needs of a page the
    resolution state holds as it is."""

    article_count: int = 0
    sentence_count: int = 0


class InputMemo:
    """Input path (as given) -> what reading it gave (see the module's docstring)."""

    def __init__(self, entries: dict[str, dict] | None = None):
        self.entries: dict[str, dict] = entries if entries is not None else {}

    @classmethod
    def load(cls, folder: Path, key: bytes, stamp: str | None) -> "InputMemo":
        """The memo kept in ``folder`` if it is signed with ``key`` and of the build stamped ``stamp``; else
        an empty one (every input is read)."""
        if stamp is None:
            return cls()
        try:
            # (no link followed, no FIFO waited on: as the cache's entries)
            fd = os.open(folder / MEMO_FILE, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as f:
                if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
                    return cls()
                data = f.read(_MAX_MEMO_BYTES + 1)
            mac, body = data.split(b"\n", 1)
            if len(data) > _MAX_MEMO_BYTES or not hmac.compare_digest(mac, _mac(key, body)):
                return cls()
            memo = json.loads(body.decode("utf-8"))
            if memo.get("format") != MEMO_FORMAT or memo.get("stamp") != stamp or not isinstance(memo.get("inputs"), dict):
                return cls()
        except (OSError, ValueError, UnicodeDecodeError, AttributeError):
            return cls()
        return cls(memo["inputs"])

    def save(self, folder: Path, key: bytes, stamp: str) -> None:
        body = json.dumps({"format": MEMO_FORMAT, "stamp": stamp, "inputs": self.entries}, ensure_ascii=False,
                          separators=(",", ":"), sort_keys=True).encode("utf-8")
        write_atomic(folder / MEMO_FILE, (_mac(key, body) + b"\n" + body).decode("utf-8"))


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, b"inputs-memo\x1f" + body, hashlib.sha256).hexdigest().encode("ascii")


def read_inputs(paths: Iterable[Path], read: Callable[[list[Path]], Iterator[Page | IngestError]],
                old: InputMemo, new: InputMemo, memoised: Callable[[Path], bool] = lambda path: True,
                archive_reader: Callable[..., Iterator[Page | IngestError]] | None = None
                ) -> Iterator[Page | IngestError]:
    """The pages (and failures) of ``paths`` as ``read`` gives them, but an input unchanged since the
    build ``old`` is of gives them unread, and an archive grown at its end gives its old records unread
    and only its new ones read (``archive_reader(path, start)``: ``read`` of an archive from a byte
    offset and line). What each input gave is noted in ``new``. ``memoised``: whether an input may be
    memoised (standard input is not)."""
    for path in paths:
        where = str(path)
        identity = _identity(path) if memoised(path) else None
        if identity is None:
            yield from read([path])
            continue
        before = old.entries.get(where)
        if before is not None and before.get("id") == identity:
            new.entries[where] = before
            yield from _replayed(where, before["items"])
            continue
        items: list = []
        grown = (before is not None and archive_reader is not None and path.suffix.lower() in ARCHIVE_SUFFIXES
                 and not _failed_whole(where, before["items"]) and _grown_from(path, before))
        if grown:
            items = list(before["items"])
            yield from _replayed(where, items)
            source = archive_reader(path, (before["size"], before["lines"]))
        else:
            source = read([path])
        for item in source:
            items.append(_memo_item(item))
            yield item
        content = _content(path)
        if content is not None and _identity(path) == identity and content[0] == identity[2]:
            size, sha, lines, ends_with_newline = content
            new.entries[where] = {"id": identity, "size": size, "sha": sha, "lines": lines,
                                  "whole_lines": ends_with_newline, "items": items}


def read_again(page: UnreadPage, read: Callable[[list[Path]], Iterator[Page | IngestError]]) -> Page | None:
    """The page ``page`` stands for, read from its input (None if it is not there as it was)."""
    line = page.meta.get("line")
    for item in read([Path(page.meta["input"])]):
        if isinstance(item, Page) and item.meta.get("line") == line and item.sha256 == page.sha256:
            item.source, item.meta["input"] = page.source, page.meta["input"]
            return item
    return None


def _identity(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def _content(path: Path) -> tuple[int, str, int, bool] | None:
    """Size, SHA-256, number of lines and whether the last ends with a line end, of the file's bytes."""
    digest, size, lines, last = hashlib.sha256(), 0, 0, b"\n"
    try:
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    return size, digest.hexdigest(), lines + (last != b"\n"), last == b"\n"


def _grown_from(path: Path, before: dict) -> bool:
    """Whether the file is the one ``before`` notes with lines added at its end: its first bytes are those
    read then, which ended with a whole line."""
    size = before.get("size")
    if not before.get("whole_lines") or not isinstance(size, int) or size <= 0:
        return False
    digest, left = hashlib.sha256(), size
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size <= size:
                return False
            while left and (chunk := f.read(min(left, 1 << 20))):
                digest.update(chunk)
                left -= len(chunk)
    except OSError:
        return False
    return left == 0 and digest.hexdigest() == before.get("sha")


def _failed_whole(where: str, items: list) -> bool:
    """Whether reading the input failed as a whole (an empty archive, a UTF-16 file, a read cut short), not
    at a line (``PATH:LINE: ...``): what it says of the file is not said of the file grown, which is read
    whole again."""
    head = f"{where}:"
    return any(item[0] == "failed" and not (item[1].startswith(head) and item[1][len(head):len(head) + 1].isdigit())
               for item in items)


def _memo_item(item: Page | IngestError) -> list:
    if isinstance(item, IngestError):
        return ["failed", str(item)]
    return ["page", item.source, item.sha256, item.meta.get("line"), len(item.articles),
            sum(len(a.sentences) for a in item.articles), list(item.warnings)]


def _replayed(where: str, items: list) -> Iterator[Page | IngestError]:
    for item in items:
        if item[0] == "failed":
            yield IngestError(item[1])
            continue
        _, source, sha256, line, articles, sentences, warnings = item
        meta = {"input": where} if line is None else {"input": where, "line": line}
        yield UnreadPage(source, "", sha256, [], meta, list(warnings), articles, sentences)


def archive_from(fields, max_bytes: int, errors: str):
    """``read_archive`` of an archive from a byte offset and line (``start``), its pages noting their input."""
    def read(path: Path, start: tuple[int, int]):
        for item in read_archive(path, fields, max_bytes, errors, start=start):
            if isinstance(item, Page):
                item.meta["input"] = str(path)
            yield item
    return read
