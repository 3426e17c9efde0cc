"""``kg build --update`` with a kept resolution: only new, changed and removed pages are extracted and
resolved again (issue 17; docs/store-first.md).

An update build keeps its resolution state (``kg.pipeline.state``) in the output folder's cache,
``.cache/state.sqlite``. The next update reads every input page, but a page the state holds with the same
source, place in the build's order and checksum is neither extracted nor resolved again: only the new and
changed pages are, and ``ResolutionState.apply`` puts them in and takes the removed ones out, making
again only what they touch. What it gives equals resolving every page (tests/test_state.py,
tests/test_update.py).

A state is read only when it holds the resolution of the build in the folder:

- its **basis** is that of this build: the tool's version, the digest of the code and data a page's
  resolution depends on (extraction, ingest, lexicons, kinds, resolution, the state's own code) and the
  read options (an encoding, the archive fields: the same bytes read otherwise are other pages);
- its **stamp** is the one the folder's manifest names. A build marks the state unfinished before it
  changes it and stamps it (a digest of the basis and of every page it holds) only once all outputs are
  made; the manifest of the new generation carries that stamp. An update killed in between leaves a
  state whose stamp no manifest names, and the next update resolves every page again (and keeps a new
  state) rather than trusting it.

Anything else (no state, another basis or stamp, a state that fails its checks, ``StateError``) starts a
new state, kept by a full resolution (``StateKeeper``). The state is closed before the new generation
is switched in, so no open SQLite file is linked into it.
"""
from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__
from kg.ingest.pages import Page
from kg.pipeline.cache import PACKAGE, ExtractionCache, extraction_digest
from kg.pipeline.state import Changes, ResolutionState, StateError, StateKeeper, page_position
from kg.resolve.entities import KnowledgeBase, resolve, resolve_page

__all__ = ["KeptResolution", "STATE_FILE", "resolution_basis"]

STATE_FILE = "state.sqlite"
# What a page's resolution depends on besides the page (paths under kg/, as ``extraction_digest`` reads them)
# (extraction's own, ``kg.pipeline.cache.EXTRACTION_SOURCES``, are in the cache's digest, which the basis takes)
RESOLUTION_SOURCES = ("knowledge", "resolve", "pipeline/state.py", "pipeline/codec.py")
_UNFINISHED = "unfinished"


def resolution_basis(extraction: str, read_options: object) -> str:
    """The digest of what the kept resolution of a page depends on besides its bytes: the tool's version,
    the code and data of extraction (``extraction``: the cache's ``extraction_digest``) and resolution, and
    how the inputs are read (``read_options``, a dataclass whose ``repr`` names every option)."""
    text = f"{__version__}\x1f{extraction}\x1f{extraction_digest(PACKAGE, RESOLUTION_SOURCES)}\x1f{read_options!r}"
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass
class KeptResolution:
    """The resolution state of an update build, open for this build.

    ``fresh``: the state is new (no usable one was kept): the build resolves every page and keeps it
    (``resolve_all``); else ``resolve_changes`` extracts and resolves only the pages that changed."""

    state: ResolutionState
    basis: str
    fresh: bool
    known: dict[str, tuple[str, str]] = field(default_factory=dict)  # source -> (position, sha256) kept
    unchanged: set[str] = field(default_factory=set)  # sources of this build's pages the state holds as they are
    changes: Changes | None = None
    resolved_again: int = 0  # pages put in or taken out

    @classmethod
    def open(cls, cache: ExtractionCache, key: bytes, read_options: object,
             expected_stamp: str | None) -> "KeptResolution":
        """The state kept in the output folder's ``cache`` if it holds the build the folder's manifest
        stamps (``expected_stamp``), else a new one in its place."""
        cache.folder.mkdir(parents=True, exist_ok=True)
        path = cache.folder / STATE_FILE
        basis = resolution_basis(cache.extraction, read_options)
        state = None
        try:
            state = ResolutionState(path, key)
            stamp = state.stamp()
            if expected_stamp is not None and stamp == expected_stamp and stamp.startswith(basis):
                return cls(state, basis, fresh=False, known=state.pages())
        except (StateError, OSError, ValueError, UnicodeError, sqlite3.DatabaseError):
            pass  # not a state this build can read: a new one is made in its place
        if state is not None:
            state.close()
        for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
                      path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        path.touch(mode=0o600)  # as the cache's entries: what the user's pages say, for the user alone
        state = ResolutionState(path, key)
        state.mark(_UNFINISHED)
        return cls(state, basis, fresh=True)

    def resolve_all(self, extracted: Iterable[tuple[Page, list]]) -> KnowledgeBase:
        """Every page resolved (``kg.resolve.entities.resolve``), its resolution kept in the new state."""
        return resolve(extracted, keeper=StateKeeper(self.state))

    def changed_pages(self, pages: Iterable[Page], cache: ExtractionCache | None = None,
                      on_unchanged: Callable[[Page], None] = lambda page: None) -> Iterator[Page]:
        """The pages that are not in the state as they are now (new, changed, moved in the build's order),
        to be extracted; each of the others is given to ``on_unchanged`` and its cache entry is noted as
        used (kept, so that a later full resolution still finds it)."""
        for page in pages:
            if self.known.get(page.source) == (_position(page), page.sha256):
                self.unchanged.add(page.source)
                on_unchanged(page)
                if cache is not None:
                    cache.path_of(page)
                continue
            yield page

    def resolve_changes(self, extracted_pages: Iterable[tuple[Page, list]]) -> KnowledgeBase:
        """The knowledge base after putting in the extracted pages (``changed_pages``, extracted) and
        taking out the kept pages this build no longer has (removed, or failing now)."""
        self.state.mark(_UNFINISHED)
        added, extracted = [], set()
        for page, findings in extracted_pages:
            extracted.add(page.source)
            added.append((_position(page), page.sha256, resolve_page(page, findings)))
        removed = set(self.known) - self.unchanged - extracted
        self.resolved_again = len(added) + len(removed - extracted)
        self.changes = self.state.apply(added, removed)
        return self.state.knowledge_base()

    def finish(self) -> str:
        """Stamp the state as holding this build's resolution and close it; returns the stamp, for the
        manifest of the new generation."""
        digest = hashlib.sha256(self.basis.encode("ascii"))
        for source, (position, sha256) in sorted(self.state.pages().items()):
            digest.update(f"{source}\x1f{position}\x1f{sha256}\x1e".encode("utf-8", "surrogatepass"))
        stamp = f"{self.basis}:{digest.hexdigest()}"
        self.state.mark(stamp)
        self.state.close()
        return stamp

    def close(self) -> None:
        """Close the state without stamping it (the build failed: the next update does not trust it)."""
        self.state.close()


def _position(page: Page) -> str:
    return page_position(page.meta.get("input") or page.source, page.meta.get("line"))
