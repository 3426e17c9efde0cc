"""Messages for a terminal: a line that names a file must stay one readable line.

Kept apart from ``kg.cli.commands`` so that the commands (``kg.cli.commands``, ``kg.cli.view``) can share it
without importing each other. Imports nothing of ``kg``.
"""
from __future__ import annotations

import re

__all__ = ["printable"]

# Characters that would break a message line or hide part of it: controls, and what
# str.splitlines also takes for a line end. A file name may hold any of them.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def printable(line: str) -> str:
    """A message as one readable line: control characters escaped (``\\r``, ``\\x01``), each
    byte of a file name that is not UTF-8 (a lone surrogate to Python) as ``\\xNN``.

    >>> printable("a\\nb\\udcff.txt")
    'a\\\\nb\\\\xff.txt'
    """
    def escaped(match: re.Match) -> str:
        ch = match.group()
        if "\udc80" <= ch <= "\udcff":
            return f"\\x{ord(ch) - 0xdc00:02x}"
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
            f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
    return _UNPRINTABLE.sub(escaped, line)
