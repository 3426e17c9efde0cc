"""The pipeline: every stage in order, ``ingest -> extract -> resolve -> build -> export -> store``.

- ``run``: ``build`` (what ``kg build`` runs: pages in, a whole output folder out) and
  ``extract_facts`` (``kg extract``: the facts only); finding, reading and extracting pages
  (in worker processes), and the summary they print;
- ``outdir``: the output folder: one lock, one manifest, one generation visible at a time;
- ``cache``: the ``--update`` cache of each page's findings, and ``codec``, the plain-data
  JSON it is written in (no pickle).

It uses every stage and no stage uses it; ``kg.cli`` and the public API (``kg.api``) call it.
"""
from __future__ import annotations

from kg.pipeline.run import Summary, analyse, build, extract_facts, find_pages, read_pages

__all__ = ["build", "extract_facts", "analyse", "find_pages", "read_pages", "Summary"]
