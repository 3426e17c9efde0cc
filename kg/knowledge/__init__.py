"""Knowledge: what every stage knows besides the page, kept as data apart from the code.

Not a stage of its own but what the stages read (``ingest -> extract -> resolve -> build ->
export / store``):

- ``lexicon``: the one strict loader of ``lexicons/`` (a missing or malformed file raises,
  it never reads as empty); ``lexicons/SOURCES.md`` says where each file's knowledge comes from;
- ``kinds``: the registry of entity and relation kinds, and each stage's part of each kind;
- ``ontology.ttl`` (the RDF vocabulary the exports use) and ``shapes.ttl`` (the SHACL shapes
  every build is checked against): ``ONTOLOGY`` and ``SHAPES`` are their paths.

Nothing here imports another package of ``kg``, so every stage may import it.
"""
from __future__ import annotations

from pathlib import Path

__all__ = ["kinds", "lexicon", "ONTOLOGY", "SHAPES"]

ONTOLOGY = Path(__file__).parent / "ontology.ttl"
SHAPES = Path(__file__).parent / "shapes.ttl"
