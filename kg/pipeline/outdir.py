"""The output folder of ``kg build``: one lock, one manifest, one generation visible at a time.

A build writes many files (a facts JSON per page, ``graph.json``, ``graph.html``, five RDF
exports, the store) and they belong together: the facts and the RDF of one build, the store
of that RDF. Moving them into place one by one let a build killed during the moves leave
the new facts beside the old RDF. So a build makes the whole new folder beside the old one
(``.<name>.kg-XXXX.tmp`` in the same parent folder) and switches it in with one
``renameat2(RENAME_EXCHANGE)``: the old and the new folder trade names in one step, and
whoever opens ``<out>/...`` sees either the old build or the new one, never a mix.

The folder is not only the build's: a user may keep files of their own in it, the
``--update`` cache (``.cache``) and the lock live there, and a build must remove only what
a build wrote. ``manifest.json`` lists the files of the current generation; everything else
in the folder is carried into the new folder before the switch (as hard links, so nothing
is copied, and the old folder is deleted only after it). A folder made before manifests
existed is read as holding the files a build writes by name (``LEGACY``): its other files,
facts included, are kept.

Where the switch cannot be made (the folder above ``--out`` cannot be written, ``--out`` is a
mount point, or the file system has no RENAME_EXCHANGE), the new files are moved in one by
one as before, the manifest first naming the old and the new files so that a build killed
in between leaves nothing unknown; the summary says so.

Two builds into one folder would delete each other's files: ``BuildLock`` takes an
exclusive ``flock`` on ``<out>/.kg-build.lock`` for the whole build and writes who holds it
there; a second build stops at once with a message naming the holder. The kernel drops the
lock when its process ends, however it ends, so a killed build never leaves the folder locked.
"""
from __future__ import annotations

import ctypes
import datetime
import errno
import fcntl
import json
import os
import re
import shutil
import socket
import stat
import sys
import tempfile
from pathlib import Path

from kg import __version__
from kg.export.files import write_atomic
from kg.store.database import STORE_DIR, recover, swap_in

MANIFEST = "manifest.json"
MANIFEST_FORMAT = 1
LOCK = ".kg-build.lock"
FACTS_DIR = "facts"
MERGE_LOG = "merges.tsv"  # one line per merge of namesakes, for a reviewer (kg.export.facts.merge_log_text)
CACHE_DIR = ".cache"  # kg build --update's cache and resolution (kg.pipeline.cache, kg.pipeline.update)
# The files a build wrote before the manifest existed: a folder without one holds these
# by name (and, in facts/, the facts this build writes again; others are kept).
LEGACY = frozenset({"graph.json", "graph.html", "graph.ttl", "graph.nt", "graph.trig", "graph.nq",
                    "graph.jsonld", STORE_DIR})
# In a new folder until its manifest is written: a folder left with it by a killed build is
# an unfinished generation, whose entries were all either made by it or linked from ``<out>``.
UNFINISHED = ".kg-unfinished-generation"
# In an old folder once everything in it that is not a build's is in the new one: a folder left
# with it by a build killed while removing it holds nothing to carry back.
REMOVED = ".kg-removed-generation"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """The output folder cannot be used (a file, not writable, locked by another build); the
    message says which and why. ``kg build`` exits 2 with it, having written nothing."""


def check_output(out: Path, option: str = "--out", probe: bool = True) -> bool:
    """Before any page is read: ``out`` is a folder that can be written (made if missing), so a
    build never extracts for minutes to fail on a file where its folder should be. ``probe``:
    also make and remove a file in it (a build need not: taking its lock makes a file there).
    Returns whether the folder was made now."""
    if out.is_symlink() and not out.exists():
        raise OutputError(f"{option} {out}: a dangling symbolic link (to {os.readlink(out)})")
    if out.exists() and not out.is_dir():
        raise OutputError(f"{option} {out}: exists and is not a folder")
    made = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{option} {out}: cannot make the folder ({err.strerror or err})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"{option} {out}: cannot write in the folder (Permission denied)")
    if probe:
        try:
            fd, made = tempfile.mkstemp(dir=out, prefix=".kg-probe-", suffix=".tmp")
            os.close(fd)
            os.unlink(made)
        except OSError as err:
            raise OutputError(f"{option} {out}: cannot write in the folder ({err.strerror or err})") from None
    return made


def remove_if_unused(out: Path) -> None:
    """Remove a folder ``check_output`` made for a build that then wrote nothing (no page could be
    read): it holds the lock file at most."""
    try:
        if {p.name for p in out.iterdir()} <= {LOCK}:
            (out / LOCK).unlink(missing_ok=True)
            out.rmdir()
    except OSError:
        pass


# ---------------------------------------------------------------------------
# The lock
# ---------------------------------------------------------------------------


class BuildLock:
    """An exclusive lock on the output folder for one build, naming its holder."""

    def __init__(self, out: Path):
        self.out = out
        self.fd: int | None = None

    def __enter__(self) -> "BuildLock":
        path = self.out / LOCK
        for _ in range(100):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o666)
            except OSError as err:
                raise OutputError(f"--out {self.out}: cannot write in the folder: its lock file {LOCK} cannot be "
                                  f"made or opened ({err.strerror or err})") from None
            try:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OutputError(f"{path}: not a regular file; remove it (it is where builds take their lock)")
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    holder = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip() or "a process that has not said who it is"
                    raise OutputError(f"{self.out} is being built by another kg build ({holder}); wait until it "
                                      f"ends, or build into another --out") from None
                # the build before may have switched a new folder in since we opened the file:
                # the lock counts only if it is still the folder's
                try:
                    now = os.stat(path, follow_symlinks=False)
                except FileNotFoundError:
                    now = None
                mine = os.fstat(fd)
                if now is None or (now.st_dev, now.st_ino) != (mine.st_dev, mine.st_ino):
                    os.close(fd)
                    continue
            except BaseException:
                os.close(fd)
                raise
            self.fd = fd
            started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            holder = f"pid {os.getpid()} on {socket.gethostname()}, started {started}: {' '.join(['kg', *sys.argv[1:]])}"
            os.ftruncate(fd, 0)
            os.pwrite(fd, (holder[:4000] + "\n").encode("utf-8", "replace"), 0)
            return self
        raise OutputError(f"{path}: the lock file keeps being replaced; is another program writing {self.out}?")

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            try:
                os.ftruncate(self.fd, 0)  # no holder any more (the file stays: others may have it open)
            except OSError:
                pass
            os.close(self.fd)  # closing drops the flock
            self.fd = None


# ---------------------------------------------------------------------------
# The manifest
# ---------------------------------------------------------------------------


def read_manifest(out: Path) -> dict | None:
    """The folder's manifest, None when it has none (a folder made before manifests, or new).
    A ``manifest.json`` that a build did not write is refused rather than overwritten."""
    path = out / MANIFEST
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 30)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise OutputError(f"{path}: cannot read the build's manifest ({err.strerror or err})") from None
    try:
        manifest = json.loads(data.decode("utf-8"))
        if (manifest.get("format") != MANIFEST_FORMAT or not isinstance(manifest.get("files"), list)
                or not all(isinstance(f, str) for f in manifest["files"])):
            raise ValueError("not a manifest of this format")
    except (ValueError, AttributeError, UnicodeDecodeError):
        raise OutputError(f"{path}: not a manifest written by kg build; move it out of {out} (a build keeps "
                          f"the list of the files it wrote under that name)") from None
    return manifest


def _ours(folder: Path) -> set[str]:
    """The entries of ``folder`` (relative paths) that the build that made it wrote."""
    manifest = read_manifest(folder)
    return set(manifest["files"]) if manifest is not None else set(LEGACY)


# ---------------------------------------------------------------------------
# The generation
# ---------------------------------------------------------------------------


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders' names in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise OSError(errno.ENOSYS, "renameat2 is not available")
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code), str(a), None, str(b))


def _new_folder(parent: Path, name: str) -> Path:
    """An empty folder beside ``out`` under a name only its builds use (see ``_clean_stale``)."""
    return Path(tempfile.mkdtemp(dir=parent, prefix=f".{name}.kg-", suffix=".tmp"))


def _exchangeable(folder: Path) -> bool:
    """Whether ``folder`` (new and empty) can trade names with another folder beside it in one
    step: tried with a second empty one, which is then removed (the two are alike)."""
    other = None
    try:
        other = _new_folder(folder.parent, folder.name.split(".kg-")[0][1:])
        _exchange(folder, other)
        return True
    except OSError:
        return False
    finally:
        if other is not None:
            try:
                other.rmdir()
            except OSError:
                pass


def _carry(source: Path, target: Path, skip: set[str], rel: str = "") -> None:
    """Hard-link into ``target`` every entry of ``source`` whose relative path is not in ``skip``
    and that ``target`` does not have yet, folders recreated (with their mode) and walked."""
    # (paths as strings: a build folder's cache holds a file per page, tens of thousands)
    with os.scandir(os.path.join(source, rel) if rel else source) as entries:
        for entry in entries:
            name = f"{rel}{entry.name}"
            if name in skip:
                continue
            there = os.path.join(target, name)
            if entry.is_dir(follow_symlinks=False):
                if not os.path.lexists(there):
                    os.mkdir(there)
                    os.chmod(there, stat.S_IMODE(entry.stat(follow_symlinks=False).st_mode))
                if os.path.isdir(there) and not os.path.islink(there):
                    _carry(source, target, skip, name + "/")
            elif not os.path.lexists(there):
                os.link(entry.path, there, follow_symlinks=False)


class Generation:
    """A new generation of the output folder, made in ``folder`` and switched in by ``commit``.

    Made while the build holds the folder's lock. ``exchange`` says how it will be switched
    in: by one exchange of the whole folder (``folder`` beside ``out``), or file by file
    (``folder`` inside ``out``, when the exchange is not possible here)."""

    def __init__(self, out: Path):
        self.out = out
        self.real = Path(os.path.realpath(out))  # what is switched: the folder, never a symlink to it
        manifest = read_manifest(out)
        self.legacy = manifest is None
        self.previous = set(manifest["files"]) if manifest is not None else set(LEGACY)
        # the stamp of the resolution state the previous build ended with (kg.pipeline.update), if it kept one
        stamp = manifest.get("state") if manifest is not None else None
        self.state_stamp = stamp if isinstance(stamp, str) else None
        # facts file -> the page it holds and where that was read, as the previous build's manifest says
        facts_of = manifest.get("facts") if manifest is not None else None
        self.previous_facts = facts_of if isinstance(facts_of, dict) else {}
        self._clean_stale()
        facts = out / FACTS_DIR
        # a user's own files in facts/ keep their names: a page whose facts would take one gets another
        self.foreign_facts = set() if self.legacy or not facts.is_dir() else {
            p.name for p in facts.iterdir() if f"{FACTS_DIR}/{p.name}" not in self.previous}
        parent = self.real.parent
        self.exchange = False
        if self.real != parent and os.stat(parent).st_dev == os.stat(self.real).st_dev:  # not a mount point
            try:
                self.folder = _new_folder(parent, self.real.name)
            except OSError:
                pass  # the folder above cannot be written: file by file
            else:
                self.exchange = _exchangeable(self.folder)
                if not self.exchange:
                    self.folder.rmdir()
        if self.exchange:
            (self.folder / UNFINISHED).touch()
        else:
            self.folder = Path(tempfile.mkdtemp(dir=out, prefix=".build-", suffix=".tmp"))
        (self.folder / FACTS_DIR).mkdir()

    def _clean_stale(self) -> None:
        """What builds killed before their end left: scratch folders inside ``out`` (file by file
        mode), and beside it new folders never switched in or old ones not yet removed. From
        an old one, entries that are not a build's and that ``out`` lacks are carried back
        first (a file the user saved there while the build was switching)."""
        for stale in self.out.glob(".build-*.tmp"):
            shutil.rmtree(stale, ignore_errors=True)
        # the previous store, left beside the new one by a build killed before ``swap_in`` removed it
        # (else carried into every later generation as if it were the user's)
        recover(self.out / STORE_DIR)
        if (self.out / STORE_DIR).is_dir():
            shutil.rmtree(self.out / f".{STORE_DIR}.old", ignore_errors=True)
        # a file the atomic writer (kg.export.files.atomic_path) had not yet renamed into place when killed
        for folder in (self.out, self.out / FACTS_DIR):
            for stale in folder.glob(".kg-*.tmp"):
                if re.fullmatch(r"\.kg-[a-z0-9_]{8}\.tmp", stale.name) and stale.is_file() and not stale.is_symlink():
                    stale.unlink(missing_ok=True)
        # exactly the names ``tempfile.mkdtemp`` gives this folder's new generations (eight characters
        # of its alphabet): never those of a folder whose name merely begins like this one's
        mine = re.compile(re.escape(f".{self.real.name}.kg-") + r"[a-z0-9_]{8}\.tmp")
        for name in os.listdir(self.real.parent):
            stale = self.real.parent / name
            if not mine.fullmatch(name) or not stale.is_dir() or stale.is_symlink():
                continue
            if not (stale / UNFINISHED).exists() and not (stale / REMOVED).exists():
                try:
                    _carry(stale, self.real, _ours(stale) | {MANIFEST, UNFINISHED, LOCK})
                except (OSError, OutputError):
                    continue  # kept, to be looked at; never deleted with what it may hold
            shutil.rmtree(stale, ignore_errors=True)

    def taken(self, facts_name: str) -> bool:
        """Whether a facts file of this name in ``out`` is someone else's (kept, never replaced)."""
        return facts_name in self.foreign_facts

    def keep(self, rel: str) -> bool:
        """A file of the current generation that the new one has unchanged (a facts JSON with
        the same bytes): linked into the new folder, or, file by file, left where it is. False when
        the current generation has no such file (it was removed since)."""
        if not self.exchange:
            return os.path.isfile(os.path.join(self.out, rel))
        try:
            os.link(os.path.join(self.out, rel), os.path.join(self.folder, rel))  # (strings: once per page)
        except FileNotFoundError:
            return False
        return True

    def commit(self, files: set[str], manifest: dict) -> None:
        """Switch the new generation in. ``files``: its entries (relative paths; the store as
        ``store``), all in ``folder`` (or, file by file, unchanged in ``out``); ``manifest``:
        what else the manifest says (the facts' names and sources)."""
        files = set(files) | {MANIFEST}
        if self.exchange:
            moved = False
            try:
                self._write_manifest(self.folder, files, manifest)
                os.chmod(self.folder, stat.S_IMODE(os.stat(self.real).st_mode))
                # the build's own cache (a file per page) moves in whole rather than a link per file: a
                # build killed before the exchange leaves the folder without it (the next --update
                # extracts and resolves every page again), never with a wrong one
                if os.path.isdir(self.real / CACHE_DIR) and not os.path.lexists(self.folder / CACHE_DIR):
                    os.rename(self.real / CACHE_DIR, self.folder / CACHE_DIR)
                    moved = True
                _carry(self.real, self.folder, self.previous | {MANIFEST})
                (self.folder / UNFINISHED).unlink()
                _exchange(self.folder, self.real)
            except OSError:
                # e.g. a file of the user's that cannot be linked, or a file system that refuses
                # the exchange after all: the new files are moved in one by one from where they are
                self.exchange = False
                if moved:
                    try:
                        os.rename(self.folder / CACHE_DIR, self.real / CACHE_DIR)
                    except OSError:
                        pass
            else:
                try:  # anything saved into the old folder while the new one was being filled
                    _carry(self.folder, self.real, self.previous | {MANIFEST, LOCK})
                    (self.folder / REMOVED).touch()  # its manifest may go before its facts
                except OSError:
                    pass
                shutil.rmtree(self.folder, ignore_errors=True)
                return
        self._commit_file_by_file(files, manifest)

    def _commit_file_by_file(self, files: set[str], manifest: dict) -> None:
        # the manifest names the old and the new files first: a build killed during the moves
        # leaves nothing in the folder that the next build would take for the user's
        self._write_manifest(self.out, files | self.previous, manifest)
        (self.out / FACTS_DIR).mkdir(exist_ok=True)
        for rel in sorted(files - {MANIFEST, STORE_DIR}):
            made = self.folder / rel
            if os.path.lexists(made):  # (a file linked from the folder is the same file: renaming it does nothing)
                os.replace(made, self.out / rel)
        if (self.folder / STORE_DIR).is_dir():
            swap_in(self.folder / STORE_DIR, self.out / STORE_DIR)
        for rel in sorted(self.previous - files):
            gone = self.out / rel
            if gone.is_dir() and not gone.is_symlink():
                shutil.rmtree(gone, ignore_errors=True)
            else:
                try:
                    gone.unlink()
                except FileNotFoundError:
                    pass
        self._write_manifest(self.out, files, manifest)
        shutil.rmtree(self.folder, ignore_errors=True)

    @staticmethod
    def _write_manifest(folder: Path, files: set[str], manifest: dict) -> None:
        text = json.dumps({"format": MANIFEST_FORMAT, "tool": f"unionkg {__version__}", "files": sorted(files),
                           **manifest}, ensure_ascii=False, indent=1) + "\n"
        write_atomic(folder / MANIFEST, text)

    def discard(self) -> None:
        """Remove the new generation (the build failed): the folder stays as it was."""
        shutil.rmtree(self.folder, ignore_errors=True)
