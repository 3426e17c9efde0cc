"""Stores for the ``kg serve`` tests: the seeds as a dated archive, and a hand-made one with markup."""
from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED_DATES = {"000_328a50d97180c723.txt": "2024-01-04", "003_c578291eaf5148a9.txt": "2024-01-05"}
MARKUP = "<script>alert(1)</script><img src=x onerror=alert(2)>总工会"
BASE = "https://w3id.org/unionkg/id/"


def seed_build(folder: Path) -> Path:
    """The two seed pages as records of one JSON-lines archive with a date each, built into
    ``folder``; returns the store folder."""
    from kg.pipeline.run import build

    pages = folder / "pages"
    pages.mkdir(parents=True, exist_ok=True)
    with open(pages / "seeds.jsonl", "w", encoding="utf-8") as f:
        for name, day in SEED_DATES.items():
            text = (ROOT / "seeds" / name).read_text("utf-8")
            f.write(json.dumps({"title": f"工人日报 {day}", "text": text, "date": day}, ensure_ascii=False) + "\n")
    build([str(pages)], folder / "out", jobs=1)
    return folder / "out" / "store"


def markup_build(folder: Path) -> Path:
    """A tiny store whose names, aliases, headline and sentence are markup; returns the store folder."""
    from kg.store.database import build_store

    u, o, a, pg, g = (f"<{BASE}{x}>" for x in ("union/x-1", "official/y-2", "article/p-001", "page/p", "graph/page/p"))
    s, m, e = (f"<{BASE}{x}>" for x in ("article/p-001/s1", "mention/m1", "evidence/e1"))
    post = f"<{BASE}post/z>"
    ukg, skos, rdf = "https://w3id.org/unionkg/ontology#", "http://www.w3.org/2004/02/skos/core#", \
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
    lit = json.dumps(MARKUP, ensure_ascii=False)
    triples = [
        (u, f"<{rdf}type>", f"<{ukg}UnionBody>"), (u, f"<{skos}prefLabel>", f"{lit}@zh"),
        (u, f"<{skos}altLabel>", '"<b onmouseover=alert(3)>全总</b>"@zh'),
        (o, f"<{rdf}type>", f"<{ukg}Official>"), (o, f"<{skos}prefLabel>", '"<i>张三</i>"@zh'),
        (o, "<http://www.w3.org/ns/org#holds>", post), (post, "<http://www.w3.org/ns/org#postIn>", u),
        (post, f"<{ukg}title>", '"<u>主席</u>"@zh'),
        (u, f"<{ukg}mentionedIn>", a), (o, f"<{ukg}mentionedIn>", a),
        (a, f"<{rdf}type>", f"<{ukg}Article>"), (a, "<http://purl.org/dc/terms/title>", f"{lit}@zh"),
        (a, "<http://purl.org/dc/terms/isPartOf>", pg), (a, f"<{ukg}articleIndex>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (pg, f"<{rdf}type>", f"<{ukg}Page>"), (pg, "<http://purl.org/dc/terms/identifier>", '"p.txt"'),
        (s, f"<{rdf}type>", f"<{ukg}Sentence>"), (s, f"<{rdf}value>", f"{json.dumps(MARKUP + '主席<i>张三</i>出席。', ensure_ascii=False)}@zh"),
        (s, f"<{ukg}sentenceIndex>", '"1"^^<http://www.w3.org/2001/XMLSchema#integer>'), (s, "<http://purl.org/dc/terms/isPartOf>", a),
        (m, f"<{rdf}type>", f"<{ukg}Mention>"), (m, f"<{ukg}mentionOf>", u), (m, "<http://www.w3.org/ns/prov#wasDerivedFrom>", a),
        (m, f"<{ukg}inSentence>", s), (m, f"<{ukg}beginIndex>", '"10"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (m, f"<{ukg}endIndex>", f'"{10 + len(MARKUP)}"^^<http://www.w3.org/2001/XMLSchema#integer>'),
        (e, f"<{rdf}type>", f"<{ukg}Evidence>"), (e, f"<{rdf}subject>", o), (e, f"<{rdf}predicate>", "<http://www.w3.org/ns/org#holds>"),
        (e, f"<{rdf}object>", post), (e, f"<{ukg}inSentence>", s), (e, "<http://www.w3.org/ns/prov#wasDerivedFrom>", a),
        (f"<{BASE}agent/unionkg>", f"<{rdf}type>", "<http://www.w3.org/ns/prov#SoftwareAgent>"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    nt = folder / "graph.nt"
    nq = folder / "graph.nq"
    nt.write_text("".join(f"{a} {b} {c} .\n" for a, b, c in sorted(triples)), encoding="utf-8")
    nq.write_text("".join(f"{a} {b} {c} {g} .\n" for a, b, c in sorted(triples)), encoding="utf-8")
    store, _ = build_store(folder / "store", nq, nt)
    del store
    return folder / "store"
