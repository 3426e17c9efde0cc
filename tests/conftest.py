"""Shared fixtures and helpers for the extraction, resolution and graph tests.

The seed pages are analysed once per session (``seed_kb``); synthetic pages
are small invented texts in the newspaper's style, analysed on their own with
``facts_of`` / ``kb_of``.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.extract import ArticleFindings, extract_article
from kg.export.facts import page_facts
from kg.ingest.pages import Page, parse_page, read_page
from kg.pipeline.run import analyse
from kg.resolve.entities import Entity, KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SOURCE_000 = "000_328a50d97180c723.txt"
SOURCE_003 = "003_c578291eaf5148a9.txt"


def run_kg(*args, cwd: Path | str = ROOT, env: dict | None = None, input: str | None = None,
           timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m kg ARGS`` as a user runs it, in its own process: the one way the CLI smoke tests
    start the command (text in and out as UTF-8; arguments may be paths)."""
    return subprocess.run([sys.executable, "-m", "kg", *map(str, args)], cwd=cwd, env=env, input=input,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless (kg.export.html.chromium): skipped where it cannot start, a failure
    under CI=true, where .ci/run installs it."""
    from kg.export.html import chromium  # networkx and playwright only for the browser tests

    manager = chromium()
    try:
        b = manager.__enter__()
    except Exception as err:  # playwright missing, chromium missing, cannot start ...
        reason = f"headless chromium cannot start: {type(err).__name__}: {str(err).splitlines()[0] if str(err) else ''}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    yield b
    manager.__exit__(None, None, None)


@pytest.fixture(scope="session", autouse=True)
def own_cache_key_folder(tmp_path_factory):
    """The key of the --update cache's MACs (``kg.pipeline.cache``) lives in the user's cache folder:
    the tests, and the kg commands they start, keep theirs in a folder of their own."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = before


# ---------------------------------------------------------------------------
# Helpers (plain functions: import them with ``from conftest import ...``)
# ---------------------------------------------------------------------------


def kb_of(text: str, source: str = "t.txt") -> tuple[Page, KnowledgeBase]:
    """Parse one synthetic page and run extraction + resolution on it."""
    page = parse_page(text, source)
    return page, analyse([page])


def facts_of(text: str, source: str = "t.txt") -> dict:
    """The scoring-format facts of one synthetic page."""
    _, kb = kb_of(text, source)
    return page_facts(kb, source)


def findings_of(text: str, source: str = "t.txt") -> list[ArticleFindings]:
    """Extractor output (before resolution) for every article of a synthetic page."""
    return [extract_article(a) for a in parse_page(text, source).articles]


def one(items: list[dict], name: str) -> dict:
    """The single entry called ``name`` in a facts list (fails if absent or repeated)."""
    found = [x for x in items if x["name"] == name]
    assert len(found) == 1, f"expected exactly one {name!r}, found {len(found)} in {[x['name'] for x in items]}"
    return found[0]


def names(items: list[dict]) -> list[str]:
    return [x["name"] for x in items]


def posts_of(facts: dict, name: str) -> set[tuple[str, str]]:
    """(title, org) pairs of the single official called ``name``."""
    return {(p["title"], p["org"]) for p in one(facts["officials"], name)["posts"]}


def entities(kb: KnowledgeBase, kind: str, name: str | None = None) -> list[Entity]:
    return [e for e in kb.entities.values() if e.kind == kind and (name is None or e.name == name)]


def entity(kb: KnowledgeBase, kind: str, name: str) -> Entity:
    found = entities(kb, kind, name)
    assert len(found) == 1, f"expected exactly one {kind} {name!r}, found {len(found)}"
    return found[0]


def located_in(kb: KnowledgeBase, eid: str) -> list[str]:
    """Ids of what ``eid`` is located in."""
    return [r.target for r in kb.relations if r.kind == "located-in" and r.source == eid]


# ---------------------------------------------------------------------------
# Seed fixtures (session-scoped: the seeds are analysed once)
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def seed_pages() -> list[Page]:
    return [read_page(SEEDS / SOURCE_000), read_page(SEEDS / SOURCE_003)]


@pytest.fixture(scope="session")
def seed_kb(seed_pages) -> KnowledgeBase:
    return analyse(seed_pages)


@pytest.fixture(scope="session")
def facts000(seed_kb) -> dict:
    return page_facts(seed_kb, SOURCE_000)


@pytest.fixture(scope="session")
def facts003(seed_kb) -> dict:
    return page_facts(seed_kb, SOURCE_003)


@pytest.fixture(scope="session")
def seed_facts(facts000, facts003) -> list[dict]:
    return [facts000, facts003]
