"""Extract: one article in, mentions and links out.

Every entity kind has one module here defining ``EXTRACTOR``, an object with
``kind`` (what it finds), ``after`` (kinds whose mentions it reads) and
``extract(article, found) -> list[Mention | Link]``. Adding a kind means adding
one module (and its lexicon file); the registry below finds it by itself.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from kg.extract.base import ArticleFindings, Extractor, Link, Mention
from kg.ingest import Article

__all__ = ["ArticleFindings", "Extractor", "Link", "Mention", "extract_article", "extractors"]


@lru_cache(maxsize=1)
def extractors() -> tuple[Extractor, ...]:
    """All extractors of this package, ordered so each runs after the kinds it reads."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        ex = getattr(module, "EXTRACTOR", None)
        if ex is not None:
            found[ex.kind] = ex
    ordered, done = [], set()

    def visit(kind: str, path: tuple[str, ...] = ()) -> None:
        if kind in done:
            return
        if kind in path:
            raise RuntimeError(f"extractors depend on each other in a cycle: {path + (kind,)}")
        for dep in found[kind].after:
            visit(dep, path + (kind,))
        done.add(kind)
        ordered.append(found[kind])

    for kind in sorted(found):
        visit(kind)
    return tuple(ordered)


def extract_article(article: Article) -> ArticleFindings:
    found = ArticleFindings(article)
    for ex in extractors():
        for item in ex.extract(article, found):
            found.add(item)
    return found
