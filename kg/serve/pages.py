"""What an entity's or an article's page shows, read from the store when it is asked for.

Every value here is plain data (strings, numbers, lists); the templates escape all of it.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, defaultdict
from pathlib import Path

import pyoxigraph as ox

from kg.export.rdf import PREFIXES
from kg.serve.index import RELATION_NAMES, GraphIndex

EVIDENCE_PER_LINK = 3
EVIDENCE_PER_PANEL = 50  # the explorer's evidence panel of one link
COUNT_EVIDENCE_UP_TO = 20  # evidence of a link counted one by one on its page; past this, "… or more"
_RDF_SUBJECT = ox.NamedNode(PREFIXES["rdf"] + "subject")
_RDF_OBJECT = ox.NamedNode(PREFIXES["rdf"] + "object")
MAX_INCOMING = 2000  # triples pointing at a resource, in its RDF description
LINKS_PER_SECTION = 200  # links of one kind on an entity's page (the best-connected first)


def term(value) -> str:
    """A term of ours in a query: Oxigraph's own serialisation (escaped) of an IRI."""
    return str(ox.NamedNode(value))


def _one(store, text: str):
    return list(store.query(text, prefixes=PREFIXES))


class Pages:
    def __init__(self, store: ox.Store, index: GraphIndex, base: str, build_dir: Path | None = None):
        self.store, self.index, self.base = store, index, base
        self.sources = _Sources(build_dir, store) if build_dir else None

    # ---------------------------------------------------------------- any resource

    def exists(self, iri: str) -> bool:
        """A resource the store says something about, or a named graph of it (``graph/knowledge``
        is the name of a graph and in no triple)."""
        t = term(iri)
        return bool(self.store.query(f"ASK {{ {{ {t} ?p ?o }} UNION {{ ?s ?p {t} }} UNION {{ GRAPH {t} {{ ?a ?b ?c }} }} }}"))

    def description(self, iri: str) -> list[ox.Triple]:
        """The resource's own triples and (up to ``MAX_INCOMING``) those pointing at it."""
        t = term(iri)
        out = list(self.store.query(f"CONSTRUCT {{ {t} ?p ?o }} WHERE {{ {t} ?p ?o }}"))
        out += list(self.store.query(f"CONSTRUCT {{ ?s ?p {t} }} WHERE {{ SELECT ?s ?p {{ ?s ?p {t} }} "
                                     f"LIMIT {MAX_INCOMING} }}"))
        return out

    def generic(self, iri: str) -> dict:
        """Any resource: its label, types and every triple about it (and pointing at it)."""
        t = term(iri)
        out, incoming = [], []
        for p, o in _one(self.store, f"SELECT ?p ?o {{ {t} ?p ?o }} ORDER BY ?p ?o"):
            out.append({"p": self.compact(p.value), "o": self.value(o)})
        # the first MAX_INCOMING in the store's order, sorted here: ORDER BY in the query would sort
        # every one (a post held in 14,652 sentences of ten years: 6.6 s)
        pointing = _one(self.store, f"SELECT ?s ?p {{ ?s ?p {t} }} LIMIT {MAX_INCOMING + 1}")
        for s, p in sorted(pointing[:MAX_INCOMING], key=lambda row: (row[1].value, row[0].value)):
            incoming.append({"s": self.value(s), "p": self.compact(p.value)})
        label = next((x["o"]["text"] for x in out if x["p"] in ("rdfs:label", "skos:prefLabel")), "")
        # a named graph: how many triples it holds, and a query that gives them
        graph = _one(self.store, f"SELECT (COUNT(*) AS ?n) {{ GRAPH {t} {{ ?s ?p ?o }} }}")[0][0]
        graph = int(graph.value) if graph is not None else 0
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {t} {{ ?s ?p ?o }} }}" if graph else ""
        return {"iri": iri, "label": label, "out": out, "in": incoming, "more_in": len(pointing) > MAX_INCOMING,
                "graph_triples": graph, "graph_query": query}

    def compact(self, iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and iri[len(ns):].replace("_", "a").replace("-", "a").isalnum():
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def local(self, iri: str) -> str | None:
        """The server path of an IRI the build minted, else None."""
        return "/id/" + iri[len(self.base):] if iri.startswith(self.base) else None

    def value(self, t) -> dict:
        if isinstance(t, ox.NamedNode):
            e = self.index.entities.get(t.value)
            return {"text": e.label if e else self.compact(t.value), "href": self.local(t.value), "iri": t.value}
        if isinstance(t, ox.Literal):
            return {"text": t.value, "lang": t.language or ""}
        return {"text": str(t)}

    # ---------------------------------------------------------------- entities

    def entity(self, iri: str) -> dict:
        idx = self.index
        e = idx.entities[iri]
        groups: dict[tuple, list] = defaultdict(list)
        for link in idx.links.get(iri, ()):
            other = idx.entities[link.other]
            s, o = (iri, link.other) if link.direction == "out" else (link.other, iri)
            groups[(link.relation, link.direction)].append((link, other, (s, link.via or o)))
        shown_groups = {k: (v[:LINKS_PER_SECTION], len(v)) for k, v in groups.items()}
        evidence = self.link_evidence({key for shown, _ in shown_groups.values() for _, _, key in shown},
                                      EVIDENCE_PER_LINK)
        sections = []
        for k, (shown, total) in sorted(shown_groups.items(), key=lambda kv: list(RELATION_NAMES).index(kv[0])
                                        if kv[0] in RELATION_NAMES else 99):
            links = []
            for link, other, key in shown:
                items, more, at_least = evidence.get(key, ([], 0, False))
                links.append({"label": other.label, "href": self.local(other.iri), "kind": other.kind,
                              "title": link.title, "context": other.context, "evidence": items,
                              "more_evidence": more, "at_least": at_least})
            sections.append({"name": RELATION_NAMES.get(k, f"{k[0]} ({k[1]})"), "links": links, "total": total})
        titles = {}
        if e.recent:  # the latest articles (the index knows them); only their headlines are read here
            values = " ".join(term(a) for _, a in e.recent)
            for a, title in _one(self.store, f"SELECT ?a ?t {{ VALUES ?a {{ {values} }} ?a dcterms:title ?t }}"):
                titles.setdefault(a.value, title.value)
        articles = [{"href": self.local(a), "title": titles.get(a) or self.compact(a), "date": day}
                    for day, a in e.recent]
        provinces = sorted(idx.entities[p].label for p in e.provinces if p in idx.entities)
        return {"iri": iri, "label": e.label, "kind": e.kind, "aliases": e.aliases, "context": e.context,
                "provinces": provinces, "sections": sections, "articles": articles, "article_count": e.articles,
                "first": e.dates[0] if e.dates else "", "last": e.dates[-1] if e.dates else ""}

    def link_evidence(self, keys, per_link: int) -> dict:
        """(subject, object or post) -> (up to ``per_link`` evidence: sentence, article link,
        headline; how many more; whether that is a lower bound), for each link asked for.

        A busy link (an official and the post he holds) has thousands of evidence sentences on
        ten years of news; reading them all for a page took seconds, so each link's evidence is
        read only up to a bound (``COUNT_EVIDENCE_UP_TO``, or a few more than are shown) and
        only the shown ones are read in full."""
        bound = max(COUNT_EVIDENCE_UP_TO, per_link + 3)
        chosen: dict[tuple, list[str]] = {}
        counted: dict[tuple, int] = {}
        for s, o in sorted(keys):
            ids = self._evidence_of(s, o, bound + 1)
            counted[(s, o)] = len(ids)
            chosen[(s, o)] = ids[: per_link + 3]  # a few more: identical ones are merged
        details: dict[str, dict] = {}
        wanted = sorted({e for ids in chosen.values() for e in ids})
        for at in range(0, len(wanted), 500):
            values = " ".join(term(e) for e in wanted[at: at + 500])
            for e, text, a, title in _one(self.store, f"""
                    SELECT ?e ?text ?a ?title {{ VALUES ?e {{ {values} }} ?e a ukg:Evidence
                      OPTIONAL {{ ?e ukg:inSentence ?sentence . ?sentence rdf:value ?text }}
                      OPTIONAL {{ ?e prov:wasDerivedFrom ?a . OPTIONAL {{ ?a dcterms:title ?title }} }} }}"""):
                details.setdefault(e.value, {"sentence": text.value if text else "",
                                             "href": self.local(a.value) if a else None,
                                             "title": title.value if title else ""})
        out = {}
        for key, ids in chosen.items():
            items = []
            for e in ids:
                if e in details and details[e] not in items:
                    items.append(details[e])
            items.sort(key=lambda x: (x["href"] or "", x["sentence"]))
            items = items[:per_link]
            total = min(counted[key], bound)
            out[key] = (items, max(0, total - len(items)), counted[key] > bound)
        return out

    def _evidence_of(self, s: str, o: str, limit: int) -> list[str]:
        """Up to ``limit`` evidence nodes of the link s → o (``?e rdf:subject s ; rdf:object o``).

        Read from both ends in turn, each node checked at the other end, until ``limit`` are
        found or one end runs out (then every node was seen): the cost follows the smaller end.
        Oxigraph reads a join's first pattern whole, and either end may be the large one (an
        official's thousands of sentences, or a province's)."""
        subject, obj = ox.NamedNode(s), ox.NamedNode(o)
        ends = [(iter(self.store.quads_for_pattern(None, _RDF_SUBJECT, subject, ox.DefaultGraph())), _RDF_OBJECT, obj),
                (iter(self.store.quads_for_pattern(None, _RDF_OBJECT, obj, ox.DefaultGraph())), _RDF_SUBJECT, subject)]
        found: dict[str, None] = {}
        while len(found) < limit:
            for quads, predicate, other in ends:
                quad = next(quads, None)
                if quad is None:
                    return list(found)
                e = quad.subject
                if e.value not in found and next(iter(self.store.quads_for_pattern(
                        e, predicate, other, ox.DefaultGraph())), None) is not None:
                    found[e.value] = None
        return list(found)[:limit]

    def evidence(self, source: str, target: str, via: str = "") -> dict:
        """The evidence of one link (the explorer's panel): up to ``EVIDENCE_PER_PANEL`` of it."""
        items, more, at_least = self.link_evidence([(source, via or target)], EVIDENCE_PER_PANEL).get(
            (source, via or target), ([], 0, False))
        return {"evidence": items, "more": more, "at_least": at_least}

    # ---------------------------------------------------------------- articles

    def article(self, iri: str) -> dict:
        t = term(iri)
        meta = {}
        for p, o in _one(self.store, f"SELECT ?p ?o {{ {t} ?p ?o }}"):
            meta.setdefault(self.compact(p.value), o)
        page = meta.get("dcterms:isPartOf")
        info = {}
        if isinstance(page, ox.NamedNode):
            for p, o in _one(self.store, f"SELECT ?p ?o {{ {term(page.value)} ?p ?o }}"):
                info.setdefault(self.compact(p.value), o.value)
        mentions = []
        # one OPTIONAL per triple: Oxigraph reads an OPTIONAL group of two triples about ?m for
        # every mention in the store (4 s for an article on a year of news), one triple per ?m
        for ent, b, end, sent in _one(self.store, f"""
                SELECT ?ent ?b ?end ?sent {{ ?m prov:wasDerivedFrom {t} ; ukg:mentionOf ?ent .
                  OPTIONAL {{ ?m ukg:beginIndex ?b }} OPTIONAL {{ ?m ukg:endIndex ?end }}
                  OPTIONAL {{ ?m ukg:inSentence ?sent }} }}"""):
            if (b is None) != (end is None):
                b = end = None
            mentions.append((ent.value, int(b.value) if b else None, int(end.value) if end else None,
                             sent.value if sent else None))
        sentences = {}
        for s, text, i in _one(self.store, f"SELECT ?s ?text ?i {{ ?s dcterms:isPartOf {t} ; a ukg:Sentence ; "
                                           f"rdf:value ?text ; ukg:sentenceIndex ?i }}"):
            sentences[s.value] = (int(i.value), text.value)
        index = int(meta["ukg:articleIndex"].value) if "ukg:articleIndex" in meta else None
        paragraphs, whole = None, False
        source = info.get("dcterms:identifier")
        if self.sources is not None and source and index is not None:
            parsed = self.sources.page(source, info.get("ukg:sha256", ""))
            if parsed is not None:
                paragraphs, whole = self._marked_from_source(parsed, index, mentions), True
        if paragraphs is None:
            paragraphs = self._marked_from_sentences(sentences, mentions)
        entities = sorted({m[0] for m in mentions if m[0] in self.index.entities},
                          key=lambda i: (-self.index.rank(i), i))
        text_of = {k: (v.value if hasattr(v, "value") else str(v)) for k, v in meta.items()}
        return {"iri": iri, "headline": text_of.get("dcterms:title") or text_of.get("rdfs:label", ""),
                "kicker": text_of.get("ukg:kicker", ""), "byline": text_of.get("ukg:byline", ""),
                "dateline": text_of.get("ukg:dateline", ""), "index": index,
                "page": {"href": self.local(page.value) if isinstance(page, ox.NamedNode) else None,
                         "source": source or "", "date": info.get("dcterms:date", ""),
                         "url": info.get("dcterms:source", "")},
                "paragraphs": paragraphs, "whole": whole,
                "entities": [{"label": self.index.entities[i].label, "kind": self.index.entities[i].kind,
                              "href": self.local(i)} for i in entities]}

    def _link(self, iri: str) -> dict:
        e = self.index.entities.get(iri)
        return {"label": e.label if e else self.compact(iri), "kind": e.kind if e else "", "href": self.local(iri)}

    def _marked_from_source(self, page, index: int, mentions) -> list[list[dict]]:
        article = next((a for a in page.articles if a.index == index), None)
        if article is None:
            return []
        out = []
        for sentence in article.sentences:
            spans = []
            for ent, b, e, _ in mentions:
                if b is None or not (sentence.start <= b < sentence.end):
                    continue
                i = _to_text(sentence, b)
                j = _to_text(sentence, e - 1)
                if i is not None and j is not None:
                    spans.append((i, j + 1, ent))
            out.append(_pieces(sentence.text, spans, self._link))
        return out

    def _marked_from_sentences(self, sentences: dict, mentions) -> list[list[dict]]:
        """Only the sentences the store holds (those with a mention or evidence), each mention
        placed by finding its entity's name or alias of the right length in the sentence."""
        by_sentence = defaultdict(list)
        for m in mentions:
            if m[3] in sentences and m[1] is not None:
                by_sentence[m[3]].append(m)
        out = []
        for s, (_, text) in sorted(sentences.items(), key=lambda kv: kv[1][0]):
            votes = Counter()
            for ent, b, e, _ in by_sentence[s]:
                entity = self.index.entities.get(ent)
                names = [n for n in ((entity.label, *entity.aliases) if entity else ()) if len(n) == e - b]
                for name in names:
                    at = text.find(name)
                    while at >= 0:
                        votes[b - at] += 1
                        at = text.find(name, at + 1)
            spans = []
            if votes:
                offset = votes.most_common(1)[0][0]
                spans = [(b - offset, e - offset, ent) for ent, b, e, _ in by_sentence[s]
                         if 0 <= b - offset and e - offset <= len(text)]
            out.append(_pieces(text, spans, self._link))
        return out


def _to_text(sentence, offset: int) -> int | None:
    for t, o, n in sentence.pieces:
        if o <= offset < o + n:
            return t + offset - o
    return None


def _pieces(text: str, spans, link) -> list[dict]:
    """A sentence as runs of plain text and marked mentions (overlaps: the first, longest wins)."""
    spans = sorted(set(spans), key=lambda s: (s[0], -(s[1] - s[0])))
    out, at = [], 0
    for i, j, ent in spans:
        if i < at or i >= j:
            continue
        if i > at:
            out.append({"text": text[at:i]})
        out.append({"text": text[i:j], **link(ent)})
        at = j
    if at < len(text):
        out.append({"text": text[at:]})
    return out


class _Sources:
    """The page files a build read, found through its ``manifest.json`` (``input``: the path as
    given to ``kg build``, relative to where it ran, tried from here and from beside the build
    folder) and used only when their checksum is the page's."""

    def __init__(self, build_dir: Path, store: ox.Store):
        self.build_dir = build_dir
        self._lock = threading.Lock()
        self._where: dict[str, tuple[str, int | None]] = {}
        self._lines: dict[Path, list[int]] = {}
        self._cache: dict[str, object] = {}
        try:
            manifest = json.loads((build_dir / "manifest.json").read_text("utf-8"))
            for entry in (manifest.get("facts") or {}).values():
                if isinstance(entry, dict) and isinstance(entry.get("source"), str) and isinstance(entry.get("input"), str):
                    line = entry.get("line")
                    self._where[entry["source"]] = (entry["input"], line if isinstance(line, int) else None)
        except (OSError, ValueError, AttributeError):
            pass

    def _path(self, given: str) -> Path | None:
        for candidate in (Path(given), self.build_dir.parent / given):
            if candidate.is_file():
                return candidate
        return None

    def page(self, source: str, sha256: str):
        with self._lock:
            if source in self._cache:
                return self._cache[source]
            found = self._read(source, sha256)
            if len(self._cache) > 256:
                self._cache.clear()
            self._cache[source] = found
            return found

    def _read(self, source: str, sha256: str):
        from kg.ingest import pages as ingest

        where = self._where.get(source)
        if where is None or not sha256:
            return None
        path = self._path(where[0])
        if path is None:
            return None
        try:
            if where[1] is None:
                raw = path.read_bytes()
                if hashlib.sha256(raw).hexdigest() != sha256:
                    return None
                return ingest.read_page(str(path))
            line = self._line(path, where[1])
            if line is None or hashlib.sha256(line).hexdigest() != sha256:
                return None
            page = ingest._record_page(line, ingest.source_name(path), where[1], f"{path}:{where[1]}",
                                       ingest.ArchiveFields(), "replace")
            return page if isinstance(page, ingest.Page) else None
        except Exception:  # noqa: BLE001 - the stored sentences are shown instead
            return None

    def _line(self, path: Path, n: int) -> bytes | None:
        starts = self._lines.get(path)
        if starts is None:
            starts, at = [], 0
            with open(path, "rb") as f:
                for line in f:
                    starts.append(at)
                    at += len(line)
            self._lines[path] = starts
        if not 1 <= n <= len(starts):
            return None
        with open(path, "rb") as f:
            f.seek(starts[n - 1])
            return f.readline()
