"""The command line: ``kg build | extract | view | query | push | serve | export``.

- ``commands``: ``main``, the argument parser and the dispatch to each subcommand (the
  ``kg`` console script and ``python -m kg``);
- ``view``: ``kg view``, one HTML page of some pages or of a ``graph.json``;
- ``convert``: ``kg export``, an export in another RDF format, or ``graph.json`` as GraphML or GEXF;
- ``messages``: message lines that stay one readable line whatever file they name.

``kg query`` and ``kg push`` are ``kg.store.sparql`` and ``kg.store.push``, ``kg serve`` is
``kg.serve``; ``kg build`` and ``kg extract`` run ``kg.pipeline``. ``kg --help`` loads only
the parsers' light modules (``tests/test_cli.py``).
"""
from __future__ import annotations

from kg.cli.commands import main

__all__ = ["main"]
