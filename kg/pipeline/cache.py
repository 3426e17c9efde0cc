"""The ``--update`` cache: each page's findings, kept as JSON in ``<out>/.cache``.

The cache is plain data written by ``kg.pipeline.codec``, not pickle: whoever can write the output
folder can at worst make an entry wrong, never make ``kg build`` run code. Wrong is still
too much: findings that are well-formed but made up (a sentence index past the article's
end) would stop resolution or put invented facts into every later build. So each entry
also carries an HMAC-SHA256 made with a key kept outside the output folder, in the user's
cache folder (``key_path``, created on first use, readable by the user only), and an
entry is used only when its MAC is right, it decodes with the allow-listed classes, each
field of its annotated type, and it names this page's source and checksum and as many
articles as the page has. Anything else (missing, cut short, edited, written by someone
else or with another key, of another layout, a symlink or a FIFO put in its place) is
extracted again and the entry rewritten. Without a key (the user's cache folder cannot be
written) nothing is read back: every page is extracted.

An entry keeps, for each article of the page, what ``extract_article`` found in it: the
attributes of its ``ArticleFindings`` except the article itself. The article is the one
the page has when it is read again, so an entry carries no copy of the page's text and the
findings point at the same objects as freshly extracted ones. ``ArticleFindings`` is not a
dataclass, so this module turns it into plain data itself (``_attributes``, ``_rebuilt``).

The classes the codec may decode are allowed by module rather than one by one
(``findings_types``): the public dataclasses of ``kg.ingest.pages`` and of the ``kg.extract``
package, which is where the findings' types are defined, so that a new kind of mention
there is kept without a change here.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import importlib
import importlib.metadata
import os
import pkgutil
import secrets
import stat
import tempfile
from pathlib import Path

from kg import __version__
from kg.pipeline import codec
from kg.extract import ArticleFindings
from kg.ingest.pages import Page

# Changes whenever an entry's layout does: entries of another format have another key and
# are not read (``prune`` removes them), and the format inside an entry is checked as well.
CACHE_FORMAT = 3  # 3: a mention's attributes are its kind's dataclass, a link's title a field
SUFFIX = ".json"
# An entry larger than this for its page is not read (it bounds the memory a planted file can
# take): the findings of a page are a few bytes of JSON per character of its text.
MAX_ENTRY_BYTES_PER_CHAR = 200
MAX_ENTRY_BYTES_MIN = 1 << 20
KEY_BYTES = 32
_MAC_LENGTH = 64  # hex digits of an HMAC-SHA256, the entry's first line


# What extraction reads besides the page: its code and its data, under the package folder
# (paths relative to it), and the libraries whose own data and code decide what it finds.
PACKAGE = Path(__file__).resolve().parents[1]  # kg/
EXTRACTION_SOURCES = ("extract", "ingest", "knowledge/lexicon.py", "knowledge/lexicons")
EXTRACTION_LIBRARIES = ("jieba", "rjieba")  # rjieba: kg/extract/segment.py cuts sentences with it


def extraction_digest(package: Path = PACKAGE, sources: tuple[str, ...] = EXTRACTION_SOURCES) -> str:
    """SHA-256 of everything a page's findings depend on besides the page: the source of every
    module under ``kg/extract/`` (``segment.py`` included) and ``kg/ingest/``,
    ``kg/knowledge/lexicon.py``, every file in ``kg/knowledge/lexicons/`` (each with its path, so a renamed or removed file counts too),
    and the installed versions of jieba and rjieba. It is part of every entry's key: the
    package version alone stays the same while the extraction and the lexicons change (a
    working copy, an upgrade that forgets to bump it), and a page would keep stale findings.
    Reading them takes a few milliseconds; ``_extraction_digest`` does it once per process."""
    digest = hashlib.sha256()
    for name in sources:
        path = package / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for file in files:
            try:
                data = file.read_bytes()
            except OSError:
                data = b"\x00missing"  # a digest of what is there: a missing file is a change too
            digest.update(file.relative_to(package).as_posix().encode("utf-8", "surrogateescape") + b"\x00")
            digest.update(len(data).to_bytes(8, "big") + data)
    for library in EXTRACTION_LIBRARIES:
        try:
            version = importlib.metadata.version(library)
        except importlib.metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{library}={version}\x00".encode("ascii", "replace"))
    return digest.hexdigest()


@functools.lru_cache(maxsize=1)
def _extraction_digest() -> str:
    return extraction_digest()


def key_path() -> Path:
    """Where the key of the cache's MACs is kept: ``$XDG_CACHE_HOME/unionkg/cache.key``
    (``~/.cache/unionkg/cache.key`` by default), never in an output folder."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "unionkg" / "cache.key"


@functools.lru_cache(maxsize=1)
def cache_key() -> bytes | None:
    """The key of the cache's MACs (made on first use: written whole under another name and
    linked into place, so two builds starting at once agree on one key), or None when it
    can be neither read nor made."""
    path = key_path()
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as f:
                key = f.read(KEY_BYTES + 1)
            return key if len(key) == KEY_BYTES else None
        except FileNotFoundError:
            pass
        except OSError:
            return None
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache.key.")  # mode 0600
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(secrets.token_bytes(KEY_BYTES))
                os.link(tmp, path)
            except FileExistsError:
                pass  # another build made it first: read that one
            finally:
                os.unlink(tmp)
        except OSError:
            return None
    return None


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


@functools.lru_cache(maxsize=1)
def findings_types() -> tuple[type, ...]:
    """Register with the codec (once) and return the classes an entry may hold: the public
    dataclasses defined in ``kg.ingest.pages``, ``kg.extract.base`` and the extractor modules."""
    import kg.extract

    modules = [importlib.import_module("kg.ingest.pages"), importlib.import_module("kg.extract.base")]
    modules += [importlib.import_module(f"kg.extract.{info.name}") for info in pkgutil.iter_modules(kg.extract.__path__)]
    classes = []
    for module in modules:
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and dataclasses.is_dataclass(obj) and not name.startswith("_")
                    and obj.__module__ == module.__name__ and obj not in classes):
                classes.append(obj)
    codec.register(*classes)
    return tuple(classes)


def _attributes(found: ArticleFindings) -> dict:
    """What an article's findings hold besides the article: its mentions, links and whatever
    else ``ArticleFindings`` comes to hold."""
    return {name: value for name, value in vars(found).items() if name != "article"}


def _rebuilt(article, attributes) -> ArticleFindings | None:
    """The findings of ``article`` made by ``ArticleFindings``'s own constructor and given the
    decoded attributes, or None unless they are the same names a new one has, each of the
    same type, every item of a list attribute a finding (an instance of an allowed class)."""
    found = ArticleFindings(article)
    if type(attributes) is not dict or attributes.keys() != _attributes(found).keys():
        return None
    allowed = findings_types()
    for name, value in attributes.items():
        if type(value) is not type(getattr(found, name)):
            return None
        if type(value) is list and not all(isinstance(item, allowed) for item in value):
            return None
        setattr(found, name, value)
    return found


def read_entry(path: Path, page: Page) -> list[ArticleFindings] | None:
    """The page's findings kept at ``path``; None when there is no entry or it is not one this
    page can use (see the module docstring)."""
    key = cache_key()
    if key is None:
        return None
    findings_types()
    limit = max(MAX_ENTRY_BYTES_MIN, MAX_ENTRY_BYTES_PER_CHAR * len(page.text))
    try:
        # no symlink followed, no FIFO waited on: only a regular file of a sane size is read
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            with os.fdopen(fd, "rb", closefd=False) as f:
                data = f.read(limit + 1)
        finally:
            os.close(fd)
    except OSError:  # none there (the usual case), a symlink, unreadable: extracted again
        return None
    mac, body = data[:_MAC_LENGTH], data[_MAC_LENGTH + 1:]
    if len(data) > limit or data[_MAC_LENGTH:_MAC_LENGTH + 1] != b"\n" or not hmac.compare_digest(mac, _mac(key, body)):
        return None
    try:
        entry = codec.decode(body.decode("utf-8", "surrogatepass"))
    except (codec.CodecError, UnicodeDecodeError):
        return None
    if type(entry) is not dict or entry.keys() != {"format", "source", "sha256", "articles"}:
        return None
    if (entry["format"], entry["source"], entry["sha256"]) != (CACHE_FORMAT, page.source, page.sha256):
        return None
    kept = entry["articles"]
    if type(kept) is not list or len(kept) != len(page.articles):
        return None
    findings = [_rebuilt(article, attributes) for article, attributes in zip(page.articles, kept)]
    return None if any(found is None for found in findings) else findings


def write_entry(path: Path, page: Page, findings: list[ArticleFindings]) -> None:
    """Keep the page's findings at ``path``: their MAC on the first line, their JSON after it
    (written to a new temporary file, then renamed). Nothing is kept without a key."""
    key = cache_key()
    if key is None:
        return
    findings_types()
    body = codec.encode({"format": CACHE_FORMAT, "source": page.source, "sha256": page.sha256,
                         "articles": [_attributes(found) for found in findings]}).encode("utf-8", "surrogatepass")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(_mac(key, body) + b"\n" + body)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ExtractionCache:
    """Extraction results kept per page content (``--update``): an unchanged page is not
    extracted again, a removed page simply is not read, a changed page has a new hash."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.used: set[Path] = set()
        self.reused = 0
        # read (or made) now, before worker processes are forked: they inherit it
        self.keyless = cache_key() is None
        self.extraction = _extraction_digest()

    def path_of(self, page: Page) -> Path:
        """Where the page's extraction is kept; the page counts as part of this build (``prune``).
        The key names the cache format, the tool version and the digest of the extraction's code,
        lexicons and libraries (``extraction_digest``): a change of any starts afresh."""
        key = hashlib.sha256(f"{CACHE_FORMAT}\x1f{__version__}\x1f{self.extraction}\x1f{page.source}\x1f{page.sha256}"
                             .encode("utf-8", "surrogatepass")).hexdigest()
        path = self.folder / f"{key}{SUFFIX}"
        self.used.add(path)
        return path

    def prune(self) -> None:
        """Forget pages that were not part of this build, files a killed build left, and the
        pickle files that versions before this format kept."""
        for pattern in (f"*{SUFFIX}", "*.pickle", ".*.tmp"):
            for path in self.folder.glob(pattern):
                if path not in self.used and not path.is_dir():
                    path.unlink(missing_ok=True)
