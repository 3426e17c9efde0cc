"""unionkg: a knowledge-graph builder for Chinese trade-union news."""

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
