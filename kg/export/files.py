"""Writing a file so that a reader never sees half of it.

Every text file ``kg`` writes (facts, graph.json, graph.html, exports) goes through
``write_atomic``: the text goes into a temporary file in the same folder, which is then
renamed over the target, so a crash or a full disk leaves the old file or the new one,
never a mixture. A file too large to be held as one string (``kg export`` of an archive's
store) is written by a writer of its own into the temporary path ``atomic_path`` gives, and
renamed the same way. This module imports nothing of ``kg``: any stage may use it.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

__all__ = ["write_atomic", "atomic_path", "holds", "write_new"]

_UMASK = os.umask(0)
os.umask(_UMASK)


def write_atomic(path: Path, text: str) -> None:
    """``text`` into ``path`` (UTF-8, ``\\n`` line ends) by a temporary file renamed over it.

    The temporary name is short (``.kg-XXXXXXXX.tmp``), whatever the length of ``path``'s
    name; the file gets the usual permissions (``0666`` less the umask), not ``mkstemp``'s 0600.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(folder / "sub" / "a.txt", "一\\n")
    >>> (folder / "sub" / "a.txt").read_text("utf-8")
    '一\\n'
    """
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)


@contextmanager
def atomic_path(path: Path):
    """A temporary path in ``path``'s folder for the caller to write; renamed over ``path`` when
    the block ends normally, removed when it raises (``path`` is then left as it was).

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_path(folder / "b.txt") as tmp:
    ...     _ = tmp.write_text("二\\n", encoding="utf-8")
    >>> (folder / "b.txt").read_text("utf-8"), sorted(p.name for p in folder.iterdir())
    ('二\\n', ['b.txt'])
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".kg-", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def holds(path: Path, text: str) -> bool:
    """Whether the file at ``path`` already holds exactly ``text`` (its size is compared first)."""
    data = text.encode("utf-8")
    try:
        if path.stat().st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except OSError:
        return False


def write_new(path: Path, text) -> Path:
    """A new file of a build's scratch folder (``text``: a string or its pieces), with the usual
    permissions (the folder is switched into place whole)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.writelines([text] if isinstance(text, str) else text)
    return path
