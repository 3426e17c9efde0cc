"""unionkg: a knowledge-graph builder for Chinese trade-union news.

The public Python API (``kg.api``, see ``docs/api.md``): read pages, extract, resolve, and
get the knowledge graph as networkx or as an RDF dataset (pyoxigraph or rdflib)::

    import kg
    kb = kg.resolve_pages(kg.read_files(["seeds/"]))
    graph = kg.to_networkx(kb)

The names are loaded when first used (module ``__getattr__``): ``import kg`` loads no other
module of kg, so ``kg --help`` and ``import kg`` stay fast.
"""

from pathlib import Path

__version__ = "0.1.0"

# The ready SPARQL queries ship inside the package (``kg/queries/*.rq``), so an installed
# ``kg query NAME`` finds them; the repository's ``queries/`` is a link to this folder.
READY_QUERIES = Path(__file__).resolve().parent / "queries"


def ready_query(name: str) -> Path | None:
    """The shipped query called ``name`` (with or without ``.rq``), or None."""
    stem = name[:-3] if name.endswith(".rq") else name
    if not stem or "/" in stem or "\\" in stem or stem.startswith("."):
        return None
    path = READY_QUERIES / f"{stem}.rq"
    return path if path.is_file() else None


# name -> module of the public API; loaded on first use (see the module's docstring)
_API = {name: "kg.api" for name in ("read_text", "read_files", "extract_page", "resolve_pages",
                                    "to_networkx", "to_oxigraph", "to_rdflib")}
__all__ = list(_API)


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once loaded, an ordinary attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
