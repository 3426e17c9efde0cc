"""A random sample of a build's facts, each with the sentence it was read from, for a person to judge.

Facts are the scored kinds of ``../shared/eval/SCHEMA.md``: an official's post (title at
organisation), a union body's parent and province, a policy's issuer, a program's operator and
province; each is printed with the sentence of its first evidence (the page, article and sentence
it came from), so a judge who has not read the code can say whether the sentence states it.

usage::

    .venv/bin/python bench/sample_facts.py ../shared/benchmarks/xinwenlianbo/xwlb_2023.jsonl --n 30 --seed 7

The sample is the same for the same inputs, code and seed. Output: one JSON object per line
(``fact``, ``kind``, ``page``, ``sentence``), then nothing else; ``--markdown`` prints a table to
fill in instead.
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.pipeline.run import analyse, find_pages, iter_pages  # noqa: E402
from kg.ingest.pages import IngestError  # noqa: E402

_RELATIONS = {"holds-post": "post", "sub-organization-of": "union parent", "located-in": "union province",
              "issued-by": "policy issuer", "operated-by": "program operator", "active-in": "program province"}


def facts(kb):
    """(kind, fact text, evidence) of every scored fact of the knowledge base."""
    ents = kb.entities
    for r in kb.relations:
        kind = _RELATIONS.get(r.kind)
        if kind is None or not r.evidence:
            continue
        source, target = ents.get(r.source), ents.get(r.target)
        if source is None or target is None:
            continue
        if r.kind == "located-in" and source.kind != "union":
            continue
        if r.kind == "holds-post":
            text = f"{source.name} holds the post {r.title} at {target.name}"
        elif r.kind == "sub-organization-of":
            text = f"the union body {source.name} is directly under {target.name}"
        elif r.kind == "located-in":
            text = f"the union body {source.name} is in {target.name}"
        elif r.kind == "issued-by":
            text = f"the policy 《{source.name}》 was issued by {target.name}"
        elif r.kind == "operated-by":
            text = f"the program “{source.name}” is run by {target.name}"
        else:
            text = f"the program “{source.name}” is active in {target.name}"
        yield kind, text, r.evidence[0]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="pages, folders or .jsonl archives")
    ap.add_argument("--n", type=int, default=30, help="how many facts (default 30)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--markdown", action="store_true", help="a table with a column for the judgement")
    args = ap.parse_args(argv)
    failed: list[str] = []
    pages = (p for p in iter_pages(find_pages(args.inputs, failed)) if not isinstance(p, IngestError))
    kb = analyse(pages, failed=failed)
    for line in failed:  # a page extraction fails on is left out of the sample, and named
        print(f"failed: {line}", file=sys.stderr)
    every = sorted(facts(kb), key=lambda f: (f[1], f[2].page, f[2].article, f[2].sentence))
    sample = random.Random(args.seed).sample(every, min(args.n, len(every)))
    if args.markdown:
        print(f"{len(every)} facts in all; {len(sample)} drawn with seed {args.seed}\n")
        print("| # | fact | sentence | page | right? |\n|---|---|---|---|---|")
        for i, (kind, text, ev) in enumerate(sample, 1):
            print(f"| {i} | {text} | {ev.text} | {ev.page}#{ev.article} | |")
        return 0
    for kind, text, ev in sample:
        print(json.dumps({"fact": text, "kind": kind, "page": f"{ev.page}#{ev.article}", "sentence": ev.text},
                         ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
