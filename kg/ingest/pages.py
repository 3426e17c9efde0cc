"""Ingest: one newspaper page (text file) -> articles -> sentences.

A page is Markdown-ish plain text: ``#``/``##``/``###``/``####`` heading lines,
paragraphs separated by blank lines, bylines, datelines and photo credits.
The page layout breaks paragraphs in the middle of words; a paragraph that
ends without closing punctuation continues into the next one.

Every sentence keeps a map back to the original file (``pieces``) so that any
span of its text can be traced to exact character offsets in the source.
"""
from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator
from functools import lru_cache
from pathlib import Path

from kg.defaults import DEFAULT_MAX_BYTES, ERRORS  # noqa: F401 (kg.ingest.pages.ERRORS is used elsewhere)


class IngestError(Exception):
    """A page that cannot be read; the message names the file and the reason."""


@dataclass(frozen=True)
class Sentence:
    """One sentence (or heading line) of an article.

    ``text`` is normalised one character for one character (see
    ``normalise_char``) and may join several runs of the original file
    (a paragraph re-joined across a layout break). ``pieces`` lists those
    runs as ``(text_start, orig_start, length)``.
    """

    text: str
    pieces: tuple[tuple[int, int, int], ...]
    role: str  # "headline" | "kicker" | "section" | "body" | "caption"
    index: int  # position of the sentence in its article, from 0

    @property
    def start(self) -> int:
        return self.pieces[0][1]

    @property
    def end(self) -> int:
        t, o, n = self.pieces[-1]
        return o + n

    def original_spans(self, i: int, j: int) -> list[tuple[int, int]]:
        """Original-file ranges ``[a, b)`` covering ``text[i:j]``."""
        out = []
        for t, o, n in self.pieces:
            a, b = max(i, t), min(j, t + n)
            if a < b:
                out.append((o + a - t, o + b - t))
        return out


@dataclass(frozen=True)
class Person:
    """A person named in a byline or credit (reporter, correspondent, photographer)."""

    name: str
    role: str  # "记者" | "通讯员" | "摄影"
    affiliation: str | None  # "本报" | "新华社" | None


@dataclass
class Article:
    index: int  # 1-based position on the page, reading order
    headline: str
    kicker: str | None  # the other heading line at the top (kicker or subtitle)
    sections: list[str]
    byline: str | None  # as printed, e.g. "本报记者 张明 王芳", "记者王小明李丽华", "新华社记者李明摄"
    persons: list[Person]  # byline_names split, with their role
    dateline: str | None  # "新华社北京1月3日电" | "本报讯" | "本报银川1月3日电" | None
    dateline_place: str | None  # "北京", "银川" or None
    continued: str | None  # "下转第3版" or None
    type: str  # "news" | "photo"
    sentences: list[Sentence] = field(default_factory=list)


@dataclass
class Page:
    source: str  # file name, e.g. "000_328a50d97180c723.txt", or "archive.jsonl#12" for a record
    text: str  # the decoded original text; all offsets point into it
    sha256: str  # of the raw bytes
    articles: list[Article]
    meta: dict = field(default_factory=dict)  # a record's id, url, date and title, when it has them
    # what was read with a replacement or left out (each naming the file, and the line of a record)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ArchiveFields:
    """Field names of a JSON-lines archive's records."""

    title: str = "title"
    text: str = "text"
    date: str = "date"
    url: str = "url"
    id: str = "id"


# ---------------------------------------------------------------------------
# Character normalisation
# ---------------------------------------------------------------------------

# ASCII sentence punctuation -> the full-width forms the Chinese text uses, so
# that later stages see one spelling whatever the page printed.
_TO_FULLWIDTH = str.maketrans(",():;?!", "，（）：；？！")
# Spaces that would otherwise survive NFKC, or vanish under it (zero-width):
# both become a plain space so that text and original keep the same length.
_SPACES = frozenset("\u3000\u00a0\u200b\u200c\u200d\ufeff")


@lru_cache(maxsize=8192)
def normalise_char(ch: str) -> str:
    """One character in, one character out: full-width letters/digits to ASCII,
    ASCII sentence punctuation to its full-width form."""
    if len(ch) != 1:
        raise ValueError(f"normalise_char takes one character, got {ch!r}")
    if ch in _SPACES or (unicodedata.category(ch) == "Cc" and ch not in "\n\r\t"):
        return " "  # control characters are noise from the archive, never text
    folded = unicodedata.normalize("NFKC", ch)
    if len(folded) != 1:  # e.g. "…" -> "...": keep one-for-one
        folded = ch
    return folded.translate(_TO_FULLWIDTH)


class _NormalisedChars(dict):
    """``normalise_char`` by code point, as a table for ``str.translate``: a whole string is
    normalised in one C loop instead of a Python call per character (every sentence of an
    archive passes here). It remembers at most 65,536 characters (a year of news uses some 6,000)."""

    def __missing__(self, code: int) -> str:
        out = normalise_char(chr(code))
        if len(self) < 65536:
            self[code] = out
        return out


_NORMALISED = _NormalisedChars()
# a thousands separator: an ASCII comma between two digits (1,000)
_THOUSANDS = re.compile(r"(?<=[0-9０-９]),(?=[0-9０-９])")


def _normalise(text: str) -> str:
    """``normalise_char`` over a string, except that a thousands separator
    (``1,000``) stays an ASCII comma instead of becoming a Chinese one."""
    out = text.translate(_NORMALISED)
    if "," in text:
        kept = [m.start() for m in _THOUSANDS.finditer(text)]
        if kept:
            chars = list(out)
            for i in kept:
                chars[i] = ","
            out = "".join(chars)
    return out


def _is_space(ch: str) -> bool:
    return normalise_char(ch).isspace()


# Sentence ends (normalised forms), the closers kept with them (。” stays
# together), and what counts as a paragraph that ends its sentence (a
# paragraph ending otherwise is a layout break and continues in the next one).
_TERMINATORS = frozenset("。！？；")
_TRAILERS = _TERMINATORS | frozenset("”’」』）】〕]》\"'»")
_CLOSING = _TERMINATORS | frozenset("：…”’」』）】〕].\"'»—")
# a sentence end and the closers kept with it, in normalised text (trailers include the terminators)
_SENTENCE_END = re.compile("[" + "".join(map(re.escape, sorted(_TERMINATORS))) + "]"
                           "[" + "".join(map(re.escape, sorted(_TRAILERS))) + "]*")

# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------


# Encodings a Chinese archive is found in; anything else is refused rather than guessed.
_CHINESE_ENCODINGS = ("utf_8", "gb18030", "big5", "utf_16")
_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"%PDF": "a PDF document", b"PK\x03\x04": "a ZIP archive (or Office document)",
          b"\x1f\x8b": "a gzip archive"}
_HTML_DOCUMENT = re.compile(r"\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_READ_CHUNK = 1 << 20


def source_name(path) -> str:
    """The name a file is known by in the output (a page's ``source``): its file name, with each
    byte that is not UTF-8 (kept by Python as a lone surrogate) shown as U+FFFD, as no UTF-8
    output can hold the byte itself."""
    name = Path(path).name
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _kind_of(mode: int) -> str | None:
    """What a file that is not a regular file is, in words (None for a regular file)."""
    for test, what in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return what
    return None if stat.S_ISREG(mode) else "not a regular file"


def open_regular(path, what: str = "page file") -> BinaryIO:
    """A regular file opened for reading, or an IngestError: a FIFO would block the build
    forever and a device (``/dev/urandom``) never ends, so only regular files are read. The
    file is opened without blocking and checked on the open descriptor, so it cannot be
    swapped for something else between the check and the read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        if os.path.islink(path):
            raise IngestError(f"{path}: dangling symbolic link (to {os.readlink(path)})") from None
        raise IngestError(f"{path}: no such file") from None
    except OSError as e:
        try:
            kind = _kind_of(os.stat(path).st_mode)
        except OSError:
            kind = None
        if kind is not None:  # a socket cannot even be opened
            raise IngestError(f"{path}: {kind}, not a {what}; only regular files are read") from None
        raise IngestError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        kind = _kind_of(os.fstat(fd).st_mode)
        if kind == "a folder":
            raise IngestError(f"{path}: is a folder, not a {what}")
        if kind is not None:
            raise IngestError(f"{path}: {kind}, not a {what}; only regular files are read")
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_bounded(f: BinaryIO, path, max_bytes: int) -> bytes:
    """At most ``max_bytes`` of the file, counted as they are read: its size on disk is only a
    first check (a file can grow while it is read, and some report no size at all)."""
    size = os.fstat(f.fileno()).st_size
    if size > max_bytes:
        raise IngestError(f"{path}: too large for one page ({size:,} bytes; the limit is {max_bytes:,}, "
                          f"see --max-bytes)")
    chunks, total = [], 0
    while chunk := f.read(min(_READ_CHUNK, max_bytes + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise IngestError(f"{path}: too large for one page (more than {max_bytes:,} bytes read; "
                              f"see --max-bytes)")
    return b"".join(chunks)


# Characters a Chinese page is made of: CJK ideographs and punctuation, full-width forms,
# general punctuation, printable ASCII and white space. UTF-16 read with the wrong byte order
# gives mostly other characters.
_TEXTLIKE = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef\u2000-\u206f\u00a0-\u00ff\x20-\x7e\t\n\r]")


def _utf16_without_bom(raw: bytes) -> tuple[str, str] | None:
    """Text saved as UTF-16 without a byte-order mark (the NUL bytes of its ASCII characters
    would otherwise make it look binary): both byte orders are tried, and the one that decodes
    to text made mostly (90 %) of the characters of a Chinese page is taken."""
    if len(raw) < 2 or len(raw) % 2:
        return None
    best = None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if "\x00" in text:
            continue
        share = len(_TEXTLIKE.findall(text)) / max(1, len(text))
        if share >= 0.9 and (best is None or share > best[0]):
            best = (share, text, codec)
    return None if best is None else (best[1], best[2])


def _chinese_share(text: str) -> tuple[int, float]:
    """Characters beyond ASCII, and the share of Han characters among them."""
    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return wide, (han / wide if wide else 0.0)


def decode(raw: bytes, path, encoding: str | None = None, errors: str = "strict",
           warnings: list[str] | None = None) -> str:
    """Bytes -> text: UTF-8 (with or without BOM), UTF-16 (with a BOM, or without one when its
    byte order is clear), else a detected Chinese encoding (GB18030/GBK, Big5), else a clear
    refusal; never silent mojibake. With ``errors="replace"`` text that decodes only in part
    is read with U+FFFD for each undecodable sequence, in the encoding that needs the fewest,
    and a note saying so is added to ``warnings``."""
    lenient = errors == "replace"

    def replaced(text: str, codec: str, before: int = 0) -> str:
        count = text.count("\ufffd") - before
        if count and warnings is not None:
            warnings.append(f"{path}: {count} undecodable byte sequence{'s' * (count > 1)} replaced by "
                            f"U+FFFD (read as {codec}, --errors replace)")
        return text

    if encoding:
        try:
            if lenient:
                return replaced(raw.decode(encoding, "replace"), encoding, raw.decode(encoding, "ignore").count("\ufffd"))
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as e:
            raise IngestError(f"{path}: cannot decode as {encoding} ({e})") from None
    for bom, codec in ((_UTF8_BOM, "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError as e:
                if lenient:
                    return replaced(raw.decode(codec, "replace"), codec, raw.decode(codec, "ignore").count("\ufffd"))
                raise IngestError(f"{path}: broken {codec} text (byte at offset {e.start})") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        found = _utf16_without_bom(raw)
        if found is not None:
            return found[0]
        raise IngestError(f"{path}: binary file (NUL byte at offset {nul})")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        first_bad = e.start
    from charset_normalizer import from_bytes

    best = from_bytes(raw, cp_isolation=list(_CHINESE_ENCODINGS)).best()
    if best is not None:
        text = str(best)
        wide, han = _chinese_share(text)
        if wide and han > 0.6:
            return text
    if lenient:
        # the encoding that leaves the fewest sequences undecoded, if it reads as Chinese
        tried = []
        for codec in ("utf-8", "gb18030", "big5"):
            text = raw.decode(codec, "replace")
            tried.append((text.count("\ufffd") - raw.decode(codec, "ignore").count("\ufffd"), codec, text))
        count, codec, text = min(tried, key=lambda t: t[0])
        wide, han = _chinese_share(text.replace("\ufffd", ""))
        if wide and han > 0.6 and count * 20 <= len(text):
            return replaced(text, codec.upper(), text.count("\ufffd") - count)
        raise IngestError(f"{path}: not UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad}) and not "
                          f"Chinese text in GB18030/GBK or Big5 even with bad bytes replaced; give --encoding "
                          f"if you know it")
    raise IngestError(f"{path}: not UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad}) and not "
                      f"recognisably GB18030/GBK or Big5 Chinese text; give --encoding if you know it, or "
                      f"--errors replace to read it with its bad bytes replaced")


def read_page(path, encoding: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
              errors: str = "strict") -> Page:
    """Read and parse one page file; raise IngestError naming the file and the reason.
    Only a regular file is read, and never more than ``max_bytes`` of it."""
    with open_regular(path) as f:
        try:
            raw = _read_bounded(f, path, max_bytes)
        except OSError as e:
            raise IngestError(f"{path}: cannot read ({e.strerror or e})") from None
    for magic, what in _MAGIC.items():
        if raw.startswith(magic):
            raise IngestError(f"{path}: binary file ({what}), not a text page")
    warnings: list[str] = []
    text = decode(raw, path, encoding, errors, warnings)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise IngestError(f"{path}: empty file")
    if _HTML_DOCUMENT.match(text):
        raise IngestError(f"{path}: an HTML document; convert it to the plain-text page format first")
    page = parse_page(text, source_name(path), hashlib.sha256(raw).hexdigest())
    page.warnings = warnings
    return page


# ---------------------------------------------------------------------------
# JSON-lines archives
# ---------------------------------------------------------------------------

_SURROGATE = re.compile("[\ud800-\udfff]")
# A calendar date as xsd:date writes it: ASCII digits only (full-width or Arabic-Indic digits
# are digits to Python's \d, and not to an XML Schema parser).
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# An IRI as xsd:anyURI and RDF readers take it: a scheme, then no white space, control
# character, surrogate or character an IRI excludes.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")


def _type_name(value) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, float):
        return "a number that is not finite" if value != value or value in (float("inf"), float("-inf")) else "a number"
    return {int: "a number", list: "an array", dict: "an object", type(None): "null"}.get(type(value), type(value).__name__)


def valid_date(value: str) -> bool:
    """``YYYY-MM-DD`` in ASCII digits, a day that is in the calendar."""
    if not _DATE.fullmatch(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _record_text(value: str, label: str, where: str, warnings: list[str]) -> str:
    """A text field of a record: JSON can spell lone surrogates (``"\ud800"``), which are not
    characters and cannot be written as UTF-8; each becomes U+FFFD (one for one, so offsets
    hold) and the record says so."""
    count = len(_SURROGATE.findall(value))
    if count:
        warnings.append(f"{where}: {count} lone surrogate{'s' * (count > 1)} in '{label}' replaced by U+FFFD")
        value = _SURROGATE.sub("\ufffd", value)
    return value


def _record_meta(record: dict, fields: ArchiveFields, where: str, warnings: list[str]) -> dict:
    """The record's id, url and date when each is what it should be; anything else is left
    out and named in ``warnings`` (never turned into text like ``"['2024-01-01']"``)."""
    meta = {}
    for key in ("id", "url", "date"):
        name = getattr(fields, key)
        value = record.get(name)
        if value is None or value == "":
            continue
        problem = None
        if key == "id" and type(value) is int:
            value = str(value)
        elif not isinstance(value, str):
            problem = f"is {_type_name(value)}, not text"
        elif _SURROGATE.search(value):
            problem = "holds a lone surrogate"
        elif key == "date" and not valid_date(value):
            problem = f"is not a calendar date written YYYY-MM-DD ({value[:40]!r})"
        elif key == "url" and not _URL.fullmatch(value):
            problem = f"is not a URL ({value[:60]!r})"
        elif key == "id" and any(unicodedata.category(ch) == "Cc" for ch in value):
            problem = "holds a control character"
        if problem:
            warnings.append(f"{where}: field '{name}' {problem}: left out")
        else:
            meta[key] = value
    return meta


def read_archive(path, fields: ArchiveFields = ArchiveFields(), max_bytes: int = DEFAULT_MAX_BYTES,
                 errors: str = "strict", start: tuple[int, int] = (0, 0)) -> Iterator[Page | IngestError]:
    """A JSON-lines archive, one record (title, text, date, url, id) per line, streamed.

    Each record becomes a page whose text is ``## title`` then the record's text, so
    offsets point into that; a bad line is yielded as an IngestError naming its line
    number and the other records go on. A record's fields are checked (see ``_record_meta``);
    what is left out or replaced is listed in the page's ``warnings``. A line is never read
    past ``max_bytes``: a longer one is skipped to its end without being kept. ``start``: the byte
    offset and the number of lines before it, to read only the records added at the end of an archive
    read before (``kg.pipeline.inputs``).
    """
    try:
        f = open_regular(path, "JSON-lines archive")
    except IngestError as e:
        yield e
        return
    name = source_name(path)
    with f:
        n, records = start[1], 0
        try:
            if start[0]:
                f.seek(start[0])
            while line := f.readline(max_bytes + 1):
                n += 1
                where = f"{path}:{n}"
                if n == 1 and line.startswith(_UTF16_BOMS):
                    yield IngestError(f"{path}: a UTF-16 file; JSON-lines archives are read as UTF-8 "
                                      f"(convert it, e.g. with iconv -f UTF-16 -t UTF-8)")
                    return
                if n == 1 and line.startswith(_UTF8_BOM):
                    line = line[len(_UTF8_BOM):]  # a byte-order mark before the first record
                if len(line) > max_bytes:
                    size = len(line)
                    while not line.endswith(b"\n") and (line := f.readline(_READ_CHUNK)):
                        size += len(line)  # skip the rest of the line, counting it, keeping none
                    yield IngestError(f"{where}: record too large ({size:,} bytes; the limit is {max_bytes:,})")
                    continue
                if not line.strip():
                    continue
                records += 1
                yield _record_page(line, name, n, where, fields, errors)
        except OSError as e:
            yield IngestError(f"{path}: cannot read past line {n} ({e.strerror or e})")
            return
        if not records and not start[0]:
            yield IngestError(f"{path}: empty archive (no records)")


def _record_page(line: bytes, name: str, n: int, where: str, fields: ArchiveFields,
                 errors: str) -> Page | IngestError:
    warnings: list[str] = []
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as e:
        if errors != "replace":
            return IngestError(f"{where}: not a JSON record (not UTF-8: byte 0x{line[e.start]:02x} at offset "
                               f"{e.start}; --errors replace reads it with U+FFFD)")
        text = line.decode("utf-8", "replace")
        count = text.count("\ufffd") - line.decode("utf-8", "ignore").count("\ufffd")
        warnings.append(f"{where}: {count} undecodable byte sequence{'s' * (count > 1)} replaced by U+FFFD "
                        f"(--errors replace)")
    try:
        record = json.loads(text)
    except ValueError as e:
        return IngestError(f"{where}: not a JSON record ({e})")
    except RecursionError:
        return IngestError(f"{where}: not a JSON record (nested too deeply)")
    if not isinstance(record, dict):
        return IngestError(f"{where}: not a JSON record (a JSON value that is {_type_name(record)}, not an object)")
    body = record.get(fields.text)
    if not isinstance(body, str) or not body.strip():
        what = "" if body is None or isinstance(body, str) else f" (it is {_type_name(body)})"
        return IngestError(f"{where}: record has no '{fields.text}' text{what}")
    body = _record_text(body, fields.text, where, warnings)
    title = record.get(fields.title)
    if isinstance(title, str):
        title = _record_text(title, fields.title, where, warnings).strip().replace("\n", " ").replace("\r", " ")
    else:
        if title is not None:
            warnings.append(f"{where}: field '{fields.title}' is {_type_name(title)}, not text: left out")
        title = ""
    page_text = f"## {title}\n\n{body}" if title else body
    meta = _record_meta(record, fields, where, warnings)
    meta.update(archive=name, line=n, title=title)
    page = parse_page(page_text, f"{name}#{n}", hashlib.sha256(line).hexdigest())
    page.meta = meta
    page.warnings = warnings
    return page


# ---------------------------------------------------------------------------
# Patterns for the newspaper's conventions
# ---------------------------------------------------------------------------

_LINE_END = re.compile(r"\r\n|\r|\n")
_BLANK = re.compile(r"[\s\u200b-\u200d\ufeff]*")
_HEADING = re.compile(r"[ \t]{0,3}(#{1,6})(?!#)[ \t\u3000]*")

_AFF = r"本报|新华社"  # the affiliations Person.affiliation knows
_ROLE = r"(?:特约|见习|实习|首席)?(?:摄影)?记者|(?:特约)?通讯员"
_HAN = r"[\u4e00-\u9fff·]"
_WS = r"[ \t\u3000]"
# A name (or several names printed without a separator): Han characters that
# do not start an affiliation or role word, so "张明 本报通讯员" splits.
_NAME = rf"(?:(?!{_AFF}|{_ROLE}){_HAN}){{2,12}}"
_NAMES = rf"{_NAME}(?:[\s、，,]+{_NAME})*"
_GROUP = rf"(?:{_AFF})?(?:{_ROLE}){_WS}*{_NAMES}"
_BYLINE = rf"{_GROUP}(?:\s+{_GROUP})*"

# "本报记者 张明 王芳", "(记者X 通讯员Y)" as a paragraph of its own.
_BYLINE_PARA = re.compile(rf"\s*(?P<open>[（(])?\s*(?P<by>{_BYLINE})\s*(?(open)[)）])\s*")
_BYLINE_TOKEN = re.compile(rf"(?P<aff>{_AFF})?(?P<role>{_ROLE})|(?P<name>{_NAME})")

# Photo credits: "新华社记者李明摄", "新华社记者 王强 摄", "新华社发(刘伟摄)",
# optionally in parentheses as a whole.
_CREDIT_BODY = (
    rf"(?P<a1>{_AFF})?(?P<r1>{_ROLE}){_WS}*(?P<n1>{_NAMES}){_WS}*摄"
    rf"|(?P<a2>{_AFF})发{_WS}*[（(]{_WS}*(?P<n2>{_NAMES}){_WS}*摄{_WS}*[)）]"
    rf"|(?P<a3>{_AFF})发{_WS}+(?P<n3>{_NAMES}){_WS}*摄"
)
_CREDIT = rf"(?P<open>[（(])?(?P<credit>{_CREDIT_BODY})(?(open)[)）])"
# At the end of a caption: unless in parentheses, not glued to the preceding
# Han word ("由新华社记者…摄" is prose).
_CREDIT_TAIL = re.compile(rf"(?:(?<!{_HAN})|(?=[（(])){_CREDIT}{_WS}*\Z")
# As a paragraph of its own; there also the bare "张三 摄".
_CREDIT_PARA = re.compile(rf"\s*(?:{_CREDIT}|(?P<n4>{_NAMES}){_WS}+摄)\s*")
_CREDIT_WINDOW = 80  # a credit is short: look only at a paragraph's tail

# "新华社北京1月3日电", "本报讯(记者张明)", "本报银川1月3日电(记者王小明李丽华)",
# "本报郑州3月5日电 记者X" at the start of an article's first paragraph.
_DATELINE = re.compile(
    rf"{_WS}*(?P<dl>(?P<aff>{_AFF})(?:讯|(?P<place>(?!{_ROLE}){_HAN}{{1,8}}?)(?:\d{{1,2}}月)?\d{{1,2}}日[电讯]))"
    rf"(?:{_WS}*[（(]{_WS}*(?P<pby>{_BYLINE}){_WS}*[)）]|{_WS}+(?P<sby>{_BYLINE})(?=\s|\Z))?"
)

# "(下转第3版)", "（上接第1版）", "(转第2版)".
_MARKER = re.compile(
    rf"[（(]{_WS}*(?P<m>(?P<dir>下转|上接|转|接){_WS}*第?{_WS}*[\d一二三四五六七八九十]+{_WS}*版){_WS}*[)）]"
)
_FORWARD = ("下转", "转")

# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _surnames() -> dict[str, int]:
    """Surname -> rank (the lexicon lists common surnames first)."""
    from kg.knowledge.lexicon import surnames_by_rank  # a missing or broken surnames.txt is an error, never no surnames

    return {s: rank for rank, s in enumerate(surnames_by_rank())}


def _split_run(token: str) -> list[str]:
    """Split names printed without a separator ("王小明李丽华").

    Every part must start with a surname; fewest parts first, then the most
    common surnames, then 3-character parts (so 3+3 beats 2+4 and 2+2+2).
    A token that cannot be split that way is kept whole.
    """
    if len(token) <= 3 or "·" in token:
        return [token]
    ranks = _surnames()
    n = len(token)
    # best[i]: (parts, rank sum, parts list) for token[i:]
    best: list[tuple[int, int, list[str]] | None] = [None] * (n + 1)
    best[n] = (0, 0, [])
    for i in range(n - 1, -1, -1):
        for size in (3, 2, 4):
            rest = best[i + size] if i + size <= n else None
            if rest is None:
                continue
            part = token[i : i + size]
            single, double = ranks.get(part[0]), ranks.get(part[:2]) if size > 2 else None
            if size == 4:
                single = None  # a 4-character name needs a compound surname
            found = [r for r in (single, double) if r is not None]
            if not found:
                continue
            cand = (rest[0] + 1, rest[1] + min(found), [part] + rest[2])
            if best[i] is None or cand[:2] < best[i][:2]:
                best[i] = cand
    return best[0][2] if best[0] else [token]


def _split_names(names: str) -> list[str]:
    out = []
    for token in re.split(r"[\s、，,]+", names.strip()):
        if token:
            out.extend(_split_run(token))
    return out


def _role_of(role_word: str) -> str:
    if "摄影" in role_word:
        return "摄影"
    return "通讯员" if "通讯员" in role_word else "记者"


def _byline_persons(byline: str, default_aff: str | None) -> list[Person]:
    """Persons of a byline; a reporter without a printed affiliation takes the
    dateline's (本报讯(记者X) is a 本报 reporter), a correspondent does not."""
    persons = []
    role, aff = "记者", None
    for m in _BYLINE_TOKEN.finditer(byline):
        if m.group("role"):
            role = _role_of(m.group("role"))
            aff = m.group("aff") or (default_aff if role == "记者" else None)
        else:
            persons.extend(Person(name, role, aff) for name in _split_names(m.group("name")))
    return persons


def _credit_persons(m: re.Match) -> list[Person]:
    for k in "123":
        names = m.group("n" + k)
        if names:
            return [Person(n, "摄影", m.group("a" + k)) for n in _split_names(names)]
    return [Person(n, "摄影", None) for n in _split_names(m.group("n4"))]


# ---------------------------------------------------------------------------
# Blocks: heading lines and paragraphs
# ---------------------------------------------------------------------------


@dataclass
class _Heading:
    level: int
    start: int  # heading text, without the #'s and surrounding spaces
    end: int
    gap: int  # blank lines before it


@dataclass
class _Para:
    lines: list[tuple[int, int]]
    gap: int
    kind: str = "body"  # "body" | "byline" | "credit"
    byline: str | None = None  # a byline paragraph, as printed
    credit: str | None = None  # a photo credit (own paragraph or at the end)
    persons: list[Person] = field(default_factory=list)
    markers: list[tuple[str, str]] = field(default_factory=list)  # (direction, text)
    cut: list[tuple[int, int]] = field(default_factory=list)  # ranges removed from the body
    tail_cut: bool = False  # a marker or credit closed the paragraph
    ends_item: bool = False  # a forward marker or a credit: the item is over


def _lstrip(text: str, a: int, b: int) -> int:
    while a < b and _is_space(text[a]):
        a += 1
    return a


def _rstrip(text: str, a: int, b: int) -> int:
    while b > a and _is_space(text[b - 1]):
        b -= 1
    return b


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every line, line ends excluded; \\r\\n, \\r and \\n all end a line."""
    out, pos = [], 0
    for m in _LINE_END.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _blocks(text: str) -> list[_Heading | _Para]:
    blocks: list[_Heading | _Para] = []
    para: list[tuple[int, int]] = []
    gap = para_gap = 0

    def flush() -> None:
        if para:
            blocks.append(_analyse_para(text, list(para), para_gap))
            para.clear()

    for s, e in _lines(text):
        if _BLANK.fullmatch(text, s, e):
            flush()
            gap += 1
            continue
        m = _HEADING.match(text, s, e)
        if m:
            flush()
            te = _rstrip(text, m.end(), e)
            if te == m.end():  # a bare "#": nothing to say, treat as blank
                gap += 1
                continue
            blocks.append(_Heading(len(m.group(1)), m.end(), te, gap))
        else:
            if not para:
                para_gap = gap
            para.append((s, e))
        gap = 0
    flush()
    return blocks


def _analyse_para(text: str, lines: list[tuple[int, int]], gap: int) -> _Para:
    """What a paragraph is, independent of its place in the article: a byline
    or credit of its own, or body text with markers/credit to cut out."""
    p = _Para(lines, gap)
    a = _lstrip(text, lines[0][0], lines[-1][1])
    b = _rstrip(text, a, lines[-1][1])
    if b - a <= _CREDIT_WINDOW:
        m = _CREDIT_PARA.fullmatch(text, a, b)
        if m:
            p.kind, p.credit, p.persons = "credit", (m.group("credit") or text[a:b]), _credit_persons(m)
            p.ends_item = True
            return p
        m = _BYLINE_PARA.fullmatch(text, a, b)
        if m:
            p.kind, p.byline = "byline", m.group("by")
            p.persons = _byline_persons(p.byline, None)
            return p
    for s, e in lines:
        for m in _MARKER.finditer(text, s, e):
            p.markers.append((m.group("dir"), m.group("m")))
            p.cut.append((m.start(), m.end()))
    # What is printed last: a marker, then (before it) possibly a credit.
    s, e = lines[-1]
    end = _rstrip(text, s, e)
    if p.cut and p.cut[-1][1] == end:
        p.tail_cut = True
        p.ends_item = p.markers[-1][0] in _FORWARD
        end = _rstrip(text, s, p.cut[-1][0])
    m = _CREDIT_TAIL.search(text, max(s, end - _CREDIT_WINDOW), end)
    if m:
        p.credit, p.persons = m.group("credit"), _credit_persons(m)
        p.cut.append((m.start(), m.end()))
        p.tail_cut = p.ends_item = True
    p.cut.sort()
    return p


# ---------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------


@dataclass
class _RawArticle:
    head: list[_Heading]
    items: list[tuple[str, object]] = field(default_factory=list)  # ("sec", [_Heading]) | ("para", _Para)


def _group(blocks: list[_Heading | _Para]) -> list[_RawArticle]:
    """Cut the page into items. A run of headings starts an item when it has a
    #/## line, or after a wide gap, at the top of the page or after a
    (下转…)/photo credit; otherwise it is a section heading of the item."""
    arts: list[_RawArticle] = []
    cur: _RawArticle | None = None
    prev_ended = False
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if isinstance(b, _Para):
            if cur is None:  # text before the first heading
                cur = _RawArticle([])
                arts.append(cur)
            cur.items.append(("para", b))
            prev_ended = b.ends_item
            i += 1
            continue
        j = i + 1
        while j < len(blocks) and isinstance(blocks[j], _Heading):
            j += 1
        run = blocks[i:j]
        if cur is None or prev_ended or b.gap >= 2 or any(h.level <= 2 for h in run):
            cur = _RawArticle(run)
            arts.append(cur)
        else:
            cur.items.append(("sec", run))
        prev_ended = False
        i = j
    return arts


def _subtract(a: int, b: int, cut: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """[a, b) without the (sorted) cut ranges."""
    runs = []
    for ca, cb in cut:
        if cb <= a or ca >= b:
            continue
        if ca > a:
            runs.append((a, ca))
        a = max(a, cb)
    if a < b:
        runs.append((a, b))
    return runs


def _last_char(text: str, runs: list[tuple[int, int]]) -> str:
    for a, b in reversed(runs):
        b = _rstrip(text, a, b)
        if b > a:
            return normalise_char(text[b - 1])
    return ""


def _strip_runs(text: str, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    runs = list(runs)
    while runs:
        a, b = runs[0]
        a = _lstrip(text, a, b)
        if a < b:
            runs[0] = (a, b)
            break
        runs.pop(0)
    while runs:
        a, b = runs[-1]
        b = _rstrip(text, a, b)
        if a < b:
            runs[-1] = (a, b)
            break
        runs.pop()
    return runs


def _sentences(text: str, runs: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Split one line of body text (possibly re-joined from several runs) after
    。！？； keeping closing quotes/brackets that follow."""
    out, cur = [], []
    for a, b in runs:
        start = a
        # normalisation is one character for one, so offsets in the normalised run are the run's
        for m in _SENTENCE_END.finditer(text[a:b].translate(_NORMALISED)):
            cur.append((start, a + m.end()))
            out.append(cur)
            cur, start = [], a + m.end()
        if start < b:
            cur.append((start, b))
    if cur:
        out.append(cur)
    return [r for r in (_strip_runs(text, c) for c in out) if r]


def _make_sentence(text: str, runs: list[tuple[int, int]], role: str, index: int) -> Sentence:
    merged: list[tuple[int, int]] = []
    for a, b in runs:
        if merged and merged[-1][1] == a:
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    pieces, parts, t = [], [], 0
    for a, b in merged:
        pieces.append((t, a, b - a))
        parts.append(_normalise(text[a:b]))
        t += b - a
    return Sentence("".join(parts), tuple(pieces), role, index)


def _build_article(text: str, raw: _RawArticle, index: int) -> Article:
    specs: list[tuple[str, list[tuple[int, int]]]] = []  # (role, runs) in reading order
    headline, kicker = "", None
    if raw.head:
        top = min(range(len(raw.head)), key=lambda k: (raw.head[k].level, k))
        for k, h in enumerate(raw.head):
            specs.append(("headline" if k == top else "kicker", [(h.start, h.end)]))
            if k == top:
                headline = text[h.start : h.end]
            elif kicker is None:
                kicker = text[h.start : h.end]

    sections: list[str] = []
    byline = credit = dateline = place = None
    persons: list[Person] = []
    markers: list[tuple[str, str]] = []
    first_body = True
    pending: list[tuple[int, int]] = []  # an unfinished last line waiting for the next paragraph

    def flush() -> None:
        for runs in _sentences(text, pending):
            specs.append(("body", runs))
        pending.clear()

    for kind, item in raw.items:
        if kind == "sec":
            flush()
            for h in item:
                sections.append(text[h.start : h.end])
                specs.append(("section", [(h.start, h.end)]))
            continue
        p: _Para = item
        markers += p.markers
        persons += p.persons
        credit = credit or p.credit
        if p.kind == "byline":
            byline = byline or p.byline
        if p.kind != "body":
            flush()
            continue
        cut = p.cut
        if first_body:
            s, e = p.lines[0]
            m = _DATELINE.match(text, s, e)
            if m:
                dateline, place = m.group("dl"), m.group("place")
                by = m.group("pby") or m.group("sby")
                if by:
                    byline = byline or by
                    persons += _byline_persons(by, m.group("aff"))
                cut = sorted(cut + [(s, m.end())])
        lines = [r for r in (_subtract(s, e, cut) for s, e in p.lines) if _strip_runs(text, r)]
        if not lines:  # a marker on its own, a dateline with nothing after it
            flush()
            continue
        first_body = False
        lines[0] = pending + lines[0]
        pending.clear()
        for runs in lines[:-1]:
            specs.extend(("body", r) for r in _sentences(text, runs))
        last = lines[-1]
        if p.tail_cut or _last_char(text, last) in _CLOSING:
            specs.extend(("body", r) for r in _sentences(text, last))
        else:
            pending.extend(last)
    flush()

    is_photo = credit is not None and byline is None and dateline is None
    forward = [m for d, m in markers if d in _FORWARD]
    seen: set[tuple[str, str]] = set()
    unique = []
    for person in persons:
        if (person.name, person.role) not in seen:
            seen.add((person.name, person.role))
            unique.append(person)
    body_role = "caption" if is_photo else "body"
    sentences = [
        _make_sentence(text, runs, body_role if role == "body" else role, k)
        for k, (role, runs) in enumerate(specs)
    ]
    return Article(
        index=index,
        headline=headline,
        kicker=kicker,
        sections=sections,
        byline=byline if byline is not None else credit,
        persons=unique,
        dateline=dateline,
        dateline_place=place,
        continued=(forward or [m for _, m in markers] or [None])[0],
        type="photo" if is_photo else "news",
        sentences=sentences,
    )


def parse_page(text: str, source: str, sha256: str = "") -> Page:
    """Split a decoded page into articles and sentences; offsets point into ``text``."""
    raws = _group(_blocks(text))
    return Page(source, text, sha256, [_build_article(text, r, k) for k, r in enumerate(raws, 1)])
