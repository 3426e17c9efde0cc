"""Extract, the second stage: one article in, mentions and links out.

Every entity kind has one module here defining ``EXTRACTOR``, an object with
``kind`` (what it finds), ``after`` (kinds whose mentions it reads) and
``extract(article, found) -> list[Mention | Link]``. Adding a kind means adding
one module (and its lexicon file) and its entry in ``kg/knowledge/kinds.py``; ``extractors`` below finds
the module by itself and refuses one whose kind the registry does not know.

The other modules serve the extractors: ``base`` (``Mention``, ``Link``, ``ArticleFindings``),
``names`` (a person's name from its form), ``phrases`` (word sets and phrase helpers) and
``segment`` (the project's jieba tokenizer, taught the lexicons' words).

Previous stage: ``kg.ingest``; next: ``kg.resolve``.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from kg.knowledge import kinds
from kg.extract.base import ArticleFindings, Extractor, Link, Mention
from kg.ingest.pages import Article

__all__ = ["ArticleFindings", "Extractor", "Link", "Mention", "extract_article", "extractors"]


@lru_cache(maxsize=1)
def extractors() -> tuple[Extractor, ...]:
    """All extractors of this package, ordered so each runs after the kinds it reads."""
    found = {}
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        ex = getattr(module, "EXTRACTOR", None)
        if ex is not None:
            kinds.mention_kind(ex.kind)  # a kind kg/knowledge/kinds.py does not know raises here, naming it
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


# An invented page that touches every extractor, so that ``warm_up`` loads each one's lexicons.
_WARM_UP = """# 某省总工会召开会议

本报讯 某省总工会党组书记、主席王明出席《关于加强职工服务的意见》部署会，北京市总工会、
四川省成都市武侯区总工会负责同志参加，启动“职工之家”服务和12351职工服务热线。
"""


def warm_up() -> None:
    """Load every lazy lexicon, tokenizer and automaton now: before worker processes are forked,
    so that they share these read-only tables instead of each building its own."""
    from kg.ingest.pages import parse_page

    for article in parse_page(_WARM_UP, "warm-up.txt").articles:
        extract_article(article)


def extract_article(article: Article) -> ArticleFindings:
    found = ArticleFindings(article)
    for ex in extractors():
        for item in ex.extract(article, found):
            found.add(item)
    return found
