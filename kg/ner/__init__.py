"""Named-entity recognition: persons (PER), places (LOC) and organisations (ORG) in any Chinese text.

A general recogniser, apart from the pipeline: no stage uses it (the extractors of
``kg.extract`` find the kinds of this graph, with their posts and places, by rules of their own).
``recogniser.recognise(text)`` gives ``(start, end, label)`` spans; it reads the project's
segmentation (``kg.extract.segment``) and lexicons (``kg.knowledge``, the ``ner_*.tsv`` files).
``bench/ner_bench.py`` scores it against plain jieba on public NER sets, ``tests/test_ner.py``
on invented sentences.
"""
from __future__ import annotations

from kg.ner.recogniser import recognise

__all__ = ["recognise"]
