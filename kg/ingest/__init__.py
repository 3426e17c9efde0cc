"""Ingest, the first stage: a page file (or a ``.jsonl`` archive of pages) -> articles -> sentences.

``pages`` reads and decodes the files (``read_page``, ``read_archive``) and cuts a page's text
into articles (headline, kicker, sections, byline, dateline, photo credits) and sentences
(``parse_page``), every sentence mapped back to character offsets in the original file.

Next stage: ``kg.extract``.
"""
from __future__ import annotations

from kg.ingest.pages import Article, ArchiveFields, IngestError, Page, Sentence, parse_page, read_archive, read_page

__all__ = ["Page", "Article", "Sentence", "ArchiveFields", "IngestError", "read_page", "read_archive", "parse_page"]
