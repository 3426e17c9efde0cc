"""The build's resolution state: what an update needs to resolve again only what the new, changed and
removed pages name (issue 17; docs/store-first.md).

Resolution is a fold (``kg.resolve.entities``): each page resolved on its own into a ``PageKnowledge``,
the pages' knowledge folded in the build's order, the reads pages leave for the folded knowledge
(``Deferred``) made as parts folded after every page (``settled``), then the officials of each name
merged. An entity is therefore the fold of the parts the pages naming it give, and an update needs,
for every entity and relation the changed pages touch, the parts of the other pages. This state keeps
them (SQLite, one row per part) with what the fold, the deferred reads and the merge made of them:

- ``pages``: each page's source, place in the build's order (``position``) and checksum;
- ``entity_parts`` / ``relation_parts``: one page's part of one entity or relation (its evidence,
  aliases and attributes there), by position and the order the page made it in (``ordinal``); the
  parts deferred reads made are kept here too, at positions after every page (``_SETTLED``);
- ``deferred`` (and ``deferred_reads``, the entities each reads): the reads each page left;
- ``folded``: each entity folded from the pages' parts alone, as deferred reads read it (its attributes);
- ``official_names``, ``official_posts``: the officials of one page before the merge, by name, and the
  bodies of their posts (a body's change of place can change who is one person);
- ``merged``: per name, what the merge of its namesakes made;
- ``final_entities``, ``final_relations``, ``final_merges``: the knowledge base.

``apply`` replaces the parts of new, changed and removed pages and makes again only what they touch;
``knowledge_base`` reads the whole knowledge base back, equal to ``kg.resolve.entities.resolve`` of the
same pages in the build's order (tests/test_state.py holds it to that for adds, changes, removals
and any order of updates).

The rows are plain data (``kg.pipeline.codec``, never pickle), each with an HMAC made with the
extraction cache's key (kept outside the output folder): a state someone else wrote, or edited,
is refused (``StateError``) and the build resolves every page instead.
"""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from kg.knowledge import kinds
from kg.pipeline import codec
from kg.resolve import entities as resolution
from kg.resolve.entities import Deferred, Entity, Evidence, KnowledgeBase, Merge, PageKnowledge, Relation, evidence_order

__all__ = ["ResolutionState", "StateKeeper", "StateError", "Changes", "page_position"]

STATE_FORMAT = 3  # 3: relations and evidence as arrays (2: relation keys as JSON arrays)
_SETTLED = "\U0010ffff"  # positions of the parts deferred reads make: after every page's
_MAC_LENGTH = 64


class StateError(ValueError):
    """The state cannot be used (another format, a row whose MAC or content is wrong): the build
    resolves every page again."""


def page_position(input_path: str, line: int | None) -> str:
    """A page's place in the build's order as a string that sorts like it: ``kg.pipeline.run.find_pages``
    orders files by name, then path; an archive's records follow by line."""
    name = Path(input_path).name
    return f"{name}\x1f{input_path}\x1f{line or 0:012d}"


@dataclass
class Changes:
    """What an update changed in the knowledge base: the entities and relations whose final value
    changed (added, changed or removed), and the pages whose outputs may change: those put in or taken
    out, and the pages of the evidence of what changed, before and after."""

    entities: set[str] = field(default_factory=set)
    relations: set[tuple] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)
    national_changed: set[str] = field(default_factory=set, repr=False)  # bodies whose national standing changed

    def note(self, old, new) -> None:
        """The pages an entity's or a relation's change reaches (``old``, ``new``: its values, None when it
        is not there): every page of its evidence when what every page shows of it changed (its name,
        aliases, attributes, kind), else only the pages whose own evidence of it changed (a page that
        names 中华全国总工会 once more changes no other page's facts or graph)."""
        if old is None or new is None or _shown(old) != _shown(new):
            self.pages.update(ev.page for v in (old, new) if v is not None for ev in v.evidence)
            return
        before, after = _by_page(old.evidence), _by_page(new.evidence)
        self.pages.update(page for page in before.keys() | after.keys() if before.get(page) != after.get(page))


def _register() -> None:
    infos = {kinds.function(k.entity_attributes) for k in kinds.ENTITY_KINDS}
    codec.register(Evidence, Relation, Deferred, Merge, *sorted(infos, key=lambda c: c.__qualname__))


# -- rows: plain data, each with its MAC ---------------------------------------------------------

# Rows are arrays; a piece of evidence (most of what the state holds) is an array of its six fields, made
# back into an Evidence without the codec's checks of each field: the row's HMAC says this build wrote it.

def _evidence_plain(evidence: list[Evidence]) -> list:
    return [[ev.page, ev.article, ev.sentence, ev.start, ev.end, ev.text] for ev in evidence]


def _evidence_of(plain) -> list[Evidence]:
    return [Evidence(*fields) for fields in plain]


def _entity_plain(e: Entity) -> list:
    return [e.id, e.kind, e.name, sorted(e.aliases), e.attrs, _evidence_plain(e.evidence)]


def _entity_of(plain) -> Entity:
    eid, kind, name, aliases, attrs, evidence = plain
    return Entity(eid, kind, name, set(aliases), attrs, _evidence_of(evidence))


def _relation_plain(r: Relation) -> list:
    return [r.kind, r.source, r.target, r.title, _evidence_plain(r.evidence)]


def _relation_of(plain) -> Relation:
    kind, source, target, title, evidence = plain
    return Relation(kind, source, target, title, _evidence_of(evidence))


def _relation_key_text(key: tuple) -> str:
    """A relation's key (kind, source, target, title) as the text the state keys it by."""
    kind, source, target, title = key
    return json.dumps([kind, source, target, title], ensure_ascii=False, separators=(",", ":"))


def _relation_key(text: str) -> tuple:
    return tuple(json.loads(text))


class ResolutionState:
    """The resolution state in an SQLite file (or in memory: ``path=None``), its rows signed with ``key``."""

    def __init__(self, path: Path | None, key: bytes):
        _register()
        self.key = key
        self.db = sqlite3.connect(":memory:" if path is None else str(path), isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL" if path is not None else "PRAGMA journal_mode=MEMORY")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self._create()

    # -- storage ------------------------------------------------------------------------------
    def _create(self) -> None:
        self.db.executescript("""
            CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS pages (source TEXT PRIMARY KEY, position TEXT UNIQUE, sha256 TEXT);
            CREATE TABLE IF NOT EXISTS entity_parts (entity TEXT, position TEXT, ordinal INTEGER, part BLOB,
                                                     PRIMARY KEY (entity, position));
            CREATE INDEX IF NOT EXISTS entity_parts_by_position ON entity_parts (position);
            CREATE TABLE IF NOT EXISTS relation_parts (relation TEXT, position TEXT, ordinal INTEGER, kind TEXT,
                                                       source TEXT, target TEXT, part BLOB,
                                                       PRIMARY KEY (relation, position));
            CREATE INDEX IF NOT EXISTS relation_parts_by_position ON relation_parts (position);
            CREATE INDEX IF NOT EXISTS relation_parts_by_source ON relation_parts (source, kind);
            CREATE INDEX IF NOT EXISTS relation_parts_by_target ON relation_parts (target);
            CREATE TABLE IF NOT EXISTS deferred (position TEXT, seq INTEGER, item BLOB, PRIMARY KEY (position, seq));
            CREATE TABLE IF NOT EXISTS deferred_reads (entity TEXT, position TEXT, seq INTEGER);
            CREATE INDEX IF NOT EXISTS deferred_reads_by_entity ON deferred_reads (entity);
            CREATE INDEX IF NOT EXISTS deferred_reads_by_position ON deferred_reads (position);
            CREATE TABLE IF NOT EXISTS folded (entity TEXT PRIMARY KEY, value BLOB);
            CREATE TABLE IF NOT EXISTS official_names (entity TEXT PRIMARY KEY, name TEXT, position TEXT);
            CREATE INDEX IF NOT EXISTS official_names_by_name ON official_names (name);
            CREATE INDEX IF NOT EXISTS official_names_by_position ON official_names (position);
            CREATE TABLE IF NOT EXISTS official_posts (body TEXT, name TEXT, position TEXT);
            CREATE INDEX IF NOT EXISTS official_posts_by_body ON official_posts (body);
            CREATE INDEX IF NOT EXISTS official_posts_by_position ON official_posts (position);
            CREATE TABLE IF NOT EXISTS merged (name TEXT PRIMARY KEY, value BLOB);
            CREATE TABLE IF NOT EXISTS final_entities (entity TEXT PRIMARY KEY, value BLOB);
            CREATE TABLE IF NOT EXISTS final_relations (relation TEXT PRIMARY KEY, source TEXT, target TEXT, value BLOB);
            CREATE INDEX IF NOT EXISTS final_relations_by_source ON final_relations (source);
            CREATE TABLE IF NOT EXISTS renamed (entity TEXT PRIMARY KEY, final TEXT);
        """)
        found = self.db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('format', ?)", (str(STATE_FORMAT),))
        elif found[0] != str(STATE_FORMAT):
            raise StateError(f"a resolution state of format {found[0]}, not {STATE_FORMAT}")

    def _signed(self, table: str, key: str, value) -> bytes:
        body = codec.encode(value).encode("utf-8")
        mac = hmac.new(self.key, table.encode() + b"\x1f" + key.encode("utf-8", "surrogatepass") + b"\x1f" + body,
                       hashlib.sha256).hexdigest().encode("ascii")
        return mac + body

    def _read(self, table: str, key: str, row: bytes):
        mac, body = row[:_MAC_LENGTH], row[_MAC_LENGTH:]
        expected = hmac.new(self.key, table.encode() + b"\x1f" + key.encode("utf-8", "surrogatepass") + b"\x1f" + body,
                            hashlib.sha256).hexdigest().encode("ascii")
        if not hmac.compare_digest(mac, expected):
            raise StateError(f"a row of {table} ({key[:60]!r}) was not written by this user's builds")
        try:
            return codec.decode(body)
        except codec.CodecError as err:
            raise StateError(f"a row of {table} ({key[:60]!r}) cannot be read: {err}") from None

    def pages(self) -> dict[str, tuple[str, str]]:
        """source -> (position, sha256) of every page in the state."""
        return {s: (p, h) for s, p, h in self.db.execute("SELECT source, position, sha256 FROM pages")}

    # -- the update -----------------------------------------------------------------------------
    def apply(self, added: Iterable[tuple[str, str, PageKnowledge]], removed: Iterable[str] = ()) -> Changes:
        """Put in the knowledge of new and changed pages (``(position, sha256, knowledge)``; a source the
        state holds is replaced) and take out the ``removed`` sources; make again the fold, the deferred
        reads and the merges of everything they touch, in one transaction."""
        touched = _Touched()
        self.db.execute("BEGIN")
        try:
            added = list(added)
            known = self.pages()
            for source in set(removed) | {k.source for _, _, k in added if k.source in known}:
                if source in known:
                    self._take_out(source, known[source][0], touched)
            for position, sha256, knowledge in added:
                self._put_in(position, sha256, knowledge, touched)
            changes = self._remake(touched)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        return changes

    def _take_out(self, source: str, position: str, touched: "_Touched") -> None:
        db = self.db
        touched.entities.update(e for (e,) in db.execute("SELECT entity FROM entity_parts WHERE position = ?", (position,)))
        for relation, kind, src in db.execute("SELECT relation, kind, source FROM relation_parts WHERE position = ?",
                                              (position,)):
            touched.relations.add(relation)
            touched.sources.add(src)
        touched.deferred.update(db.execute("SELECT position, seq FROM deferred WHERE position = ?", (position,)))
        touched.names.update(n for (n,) in db.execute("SELECT name FROM official_names WHERE position = ?", (position,)))
        touched.pages.add(source)
        db.execute("DELETE FROM renamed WHERE entity IN (SELECT entity FROM official_names WHERE position = ?)", (position,))
        for table in ("entity_parts", "relation_parts", "deferred", "deferred_reads", "official_names", "official_posts"):
            db.execute(f"DELETE FROM {table} WHERE position = ?", (position,))
        db.execute("DELETE FROM pages WHERE source = ?", (source,))

    def _put_in(self, position: str, sha256: str, k: PageKnowledge, touched: "_Touched") -> None:
        db = self.db
        if position.startswith(_SETTLED):
            raise ValueError(f"a page's position cannot start with {_SETTLED!r}")
        db.execute("INSERT INTO pages VALUES (?, ?, ?)", (k.source, position, sha256))
        touched.pages.add(k.source)
        db.executemany("INSERT INTO entity_parts VALUES (?, ?, ?, ?)",
                       [(eid, position, i, self._signed("entity_parts", f"{eid}\x1f{position}", _entity_plain(e)))
                        for i, (eid, e) in enumerate(k.entities.items())])
        touched.entities.update(k.entities)
        rows = []
        for i, (key, r) in enumerate(k.relations.items()):
            text = _relation_key_text(key)
            rows.append((text, position, i, r.kind, r.source, r.target,
                         self._signed("relation_parts", f"{text}\x1f{position}", _relation_plain(r))))
            touched.relations.add(text)
            touched.sources.add(r.source)
        db.executemany("INSERT INTO relation_parts VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        for seq, d in enumerate(k.deferred):
            db.execute("INSERT INTO deferred VALUES (?, ?, ?)",
                       (position, seq, self._signed("deferred", f"{position}\x1f{seq}", d)))
            db.executemany("INSERT INTO deferred_reads VALUES (?, ?, ?)",
                           [(eid, position, seq) for eid in dict.fromkeys((d.source, d.target))])
            touched.deferred.add((position, seq))
        for eid, e in k.entities.items():
            if e.kind == "official":
                db.execute("INSERT INTO official_names VALUES (?, ?, ?)", (eid, e.name, position))
                db.executemany("INSERT INTO official_posts VALUES (?, ?, ?)",
                               [(body, e.name, position) for body in dict.fromkeys(b for _, b in e.attrs.posts or ())])
                touched.names.add(e.name)

    def _parts(self, eid: str, settled: bool) -> list[tuple[str, Entity]]:
        query = "SELECT position, part FROM entity_parts WHERE entity = ?" + ("" if settled else " AND position < ?")
        args = (eid,) if settled else (eid, _SETTLED)
        return [(position, _entity_of(self._read("entity_parts", f"{eid}\x1f{position}", part)))
                for position, part in sorted(self.db.execute(query, args))]

    def _relation_parts(self, relation: str) -> list[tuple[str, Relation]]:
        return [(position, _relation_of(self._read("relation_parts", f"{relation}\x1f{position}", part))) for position, part in
                sorted(self.db.execute("SELECT position, part FROM relation_parts WHERE relation = ?", (relation,)))]

    def _remake(self, touched: "_Touched") -> Changes:
        changes = Changes(pages=set(touched.pages))
        officials = {eid for eid in touched.entities if _is_official(eid)}
        # 1. the fold of the pages' parts: what deferred reads read
        refolded = self._refold(touched.entities - officials)
        # 2. the deferred reads of touched pages, and those reading an entity whose fold changed
        for eid in refolded:
            touched.deferred.update(self.db.execute("SELECT position, seq FROM deferred_reads WHERE entity = ?", (eid,)))
        self._settle(touched)
        # 3. the final fold of entities and relations (pages' parts, then the deferred reads')
        final_touched = touched.entities - officials
        self._finish_entities(final_touched, changes)
        self._finish_relations(touched, officials, changes)
        # 4. the merge of every name touched, and of names holding a post at a body whose place changed
        for body in changes.national_changed:
            touched.names.update(n for (n,) in self.db.execute("SELECT name FROM official_posts WHERE body = ?", (body,)))
        for name in sorted(touched.names):
            self._merge(name, changes)
        return changes

    def _refold(self, ids: set[str]) -> set[str]:
        """Fold each entity of ``ids`` from its pages' parts; the ids whose fold changed."""
        changed = set()
        for eid in sorted(ids):
            parts = self._parts(eid, settled=False)
            old = self.db.execute("SELECT value FROM folded WHERE entity = ?", (eid,)).fetchone()
            if not parts:
                if old is not None:
                    self.db.execute("DELETE FROM folded WHERE entity = ?", (eid,))
                    changed.add(eid)
                continue
            entity = _as_read(_fold_entity(parts))
            value = self._signed("folded", eid, _entity_plain(entity))
            if old is None or old[0] != value:
                self.db.execute("INSERT OR REPLACE INTO folded VALUES (?, ?)", (eid, value))
                changed.add(eid)
        return changed

    def _folded_view(self) -> "_FoldedView":
        return _FoldedView(self)

    def _settle(self, touched: "_Touched") -> None:
        """Make each touched deferred read again into its part (at a position after every page)."""
        folded = self._folded_view()
        for position, seq in sorted(touched.deferred):
            where = f"{_SETTLED}{position}\x1f{seq:06d}"
            for (eid,) in self.db.execute("SELECT entity FROM entity_parts WHERE position = ?", (where,)):
                touched.entities.add(eid)
            for (relation,) in self.db.execute("SELECT relation FROM relation_parts WHERE position = ?", (where,)):
                touched.relations.add(relation)
            self.db.execute("DELETE FROM entity_parts WHERE position = ?", (where,))
            self.db.execute("DELETE FROM relation_parts WHERE position = ?", (where,))
            row = self.db.execute("SELECT item FROM deferred WHERE position = ? AND seq = ?", (position, seq)).fetchone()
            if row is None:
                continue  # its page is gone
            d = self._read("deferred", f"{position}\x1f{seq}", row[0])
            part = resolution.settled(d, folded)
            part.source = where
            self._put_parts(where, part, touched)

    def _put_parts(self, position: str, k: PageKnowledge, touched: "_Touched") -> None:
        self.db.executemany("INSERT INTO entity_parts VALUES (?, ?, ?, ?)",
                            [(eid, position, i, self._signed("entity_parts", f"{eid}\x1f{position}", _entity_plain(e)))
                             for i, (eid, e) in enumerate(k.entities.items())])
        touched.entities.update(k.entities)
        for i, (key, r) in enumerate(k.relations.items()):
            text = _relation_key_text(key)
            self.db.execute("INSERT INTO relation_parts VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (text, position, i, r.kind, r.source, r.target,
                             self._signed("relation_parts", f"{text}\x1f{position}", _relation_plain(r))))
            touched.relations.add(text)
            touched.sources.add(r.source)

    def _finish_entities(self, ids: set[str], changes: Changes) -> None:
        """The final value of each entity of ``ids``: its pages' parts, then the deferred reads' parts."""
        for eid in sorted(ids):
            parts = self._parts(eid, settled=True)
            self._put_final_entity(eid, _fold_entity(parts) if parts else None, changes)

    # the final rows: each write notes what changed, with the pages of the evidence before and after
    def _final_entity(self, eid: str) -> Entity | None:
        row = self.db.execute("SELECT value FROM final_entities WHERE entity = ?", (eid,)).fetchone()
        return None if row is None else _entity_of(self._read("final_entities", eid, row[0]))

    def _put_final_entity(self, eid: str, entity: Entity | None, changes: Changes) -> None:
        if entity is not None:
            entity.evidence.sort(key=evidence_order)  # as resolve gives it
        old = self._final_entity(eid)
        if old == entity:
            return
        if entity is None:
            self.db.execute("DELETE FROM final_entities WHERE entity = ?", (eid,))
        else:
            self.db.execute("INSERT OR REPLACE INTO final_entities VALUES (?, ?)",
                            (eid, self._signed("final_entities", eid, _entity_plain(entity))))
        changes.entities.add(eid)
        changes.note(old, entity)
        if (old is not None and _national(old)) != (entity is not None and _national(entity)):
            changes.national_changed.add(eid)

    def _final_relation(self, text: str) -> Relation | None:
        row = self.db.execute("SELECT value FROM final_relations WHERE relation = ?", (text,)).fetchone()
        return None if row is None else _relation_of(self._read("final_relations", text, row[0]))

    def _put_final_relation(self, text: str, relation: Relation | None, changes: Changes) -> None:
        if relation is not None:
            relation.evidence.sort(key=evidence_order)  # as resolve gives it
        old = self._final_relation(text)
        if old == relation:
            return
        if relation is None:
            self.db.execute("DELETE FROM final_relations WHERE relation = ?", (text,))
        else:
            self.db.execute("INSERT OR REPLACE INTO final_relations VALUES (?, ?, ?, ?)",
                            (text, relation.source, relation.target, self._signed("final_relations", text, _relation_plain(relation))))
        changes.relations.add(_relation_key(text))
        changes.note(old, relation)

    def _finish_relations(self, touched: "_Touched", officials: set[str], changes: Changes) -> None:
        """Fold each touched relation that names no official before the merge (those are the merge's);
        a relation kind an attribute made (``MADE_WITH``: issued-by) from every page of its entity."""
        relations = set(touched.relations)
        for source in touched.sources & touched.entities:
            for kind in _made_with_kinds(source):
                relations.update(r for (r,) in self.db.execute(
                    "SELECT relation FROM relation_parts WHERE source = ? AND kind = ?", (source, kind)))
        for relation in sorted(relations):
            parts = self._relation_parts(relation)
            key = _relation_key(relation)
            kind, source, target = key[0], key[1], key[2]
            if _is_official(source) or _is_official(target):
                continue  # the merge of the official's name makes it
            made_with = _made_with_kinds(source)
            if kind in made_with and parts:
                kept = _kept_position(self._parts(source, settled=True), made_with[kind])
                parts = [(p, r) for p, r in parts if p == kept or p.startswith(_SETTLED)]
            self._put_final_relation(relation, _fold_relation([r for _, r in parts]) if parts else None, changes)

    def _merge(self, name: str, changes: Changes) -> None:
        """Merge the namesakes of ``name`` again (``kg.resolve.entities.merge_namesakes``) and replace
        what the last merge of the name made."""
        old = self.db.execute("SELECT value FROM merged WHERE name = ?", (name,)).fetchone()
        old_ids, old_keys = (self._read("merged", name, old[0])[:2]) if old is not None else ((), ())
        officials = [eid for (eid,) in self.db.execute(
            "SELECT entity FROM official_names WHERE name = ? ORDER BY position", (name,))]
        parts: dict[str, PageKnowledge] = {}
        bodies: dict[str, Entity] = {}
        for eid in officials:
            for position, e in self._parts(eid, settled=True):
                parts.setdefault(position, PageKnowledge(position, {}, {})).entities[eid] = e
                for _, body in e.attrs.posts or ():
                    if body not in bodies and (found := self._final_entity(body)) is not None:
                        bodies[body] = found
        rows = set()
        for eid in officials:
            rows.update(self.db.execute(
                "SELECT relation, position, ordinal, part FROM relation_parts WHERE source = ? OR target = ?", (eid, eid)))
        for relation, position, ordinal, part in sorted(rows, key=lambda r: (r[1], r[2])):
            r = _relation_of(self._read("relation_parts", f"{relation}\x1f{position}", part))
            parts.setdefault(position, PageKnowledge(position, {}, {})).relations[_relation_key(relation)] = r
        ordered = [parts[p] for p in sorted(parts)]
        for part in ordered:  # each page's officials in the order the page made them
            order = {eid: i for i, (eid, _) in enumerate(self.db.execute(
                "SELECT entity, ordinal FROM entity_parts WHERE position = ? ORDER BY ordinal", (part.source,)))}
            part.entities = dict(sorted(part.entities.items(), key=lambda kv: order.get(kv[0], 0)))
        made_entities, made_relations, merges, renamed = resolution.merge_namesakes(ordered, bodies) \
            if officials else ({}, {}, [], {})
        for eid in old_ids:
            if eid not in made_entities:
                self._put_final_entity(eid, None, changes)
        keys = {_relation_key_text(key): r for key, r in made_relations.items()}
        for text in old_keys:
            if text not in keys:
                self._put_final_relation(text, None, changes)
        for eid, e in made_entities.items():
            self._put_final_entity(eid, e, changes)
        for text, r in keys.items():
            self._put_final_relation(text, r, changes)
        self.db.execute("DELETE FROM renamed WHERE entity IN (SELECT entity FROM official_names WHERE name = ?)", (name,))
        self.db.executemany("INSERT OR REPLACE INTO renamed VALUES (?, ?)", sorted(renamed.items()))
        if officials:
            self.db.execute("INSERT OR REPLACE INTO merged VALUES (?, ?)",
                            (name, self._signed("merged", name, (tuple(sorted(made_entities)), tuple(sorted(keys)),
                                                                  tuple(merges)))))
        else:
            self.db.execute("DELETE FROM merged WHERE name = ?", (name,))

    # -- reading back ---------------------------------------------------------------------------
    def entities(self, ids: Iterable[str]) -> dict[str, Entity]:
        """The final entities of ``ids`` that exist."""
        return {eid: e for eid in ids if (e := self._final_entity(eid)) is not None}

    def knowledge_for(self, sources: Iterable[str]) -> KnowledgeBase:
        """What the outputs of these pages are made from: every entity and relation they name (officials
        as merged), the entities those refer to (a post's body, a union's parent and province, a policy's
        issuer, a city's province), with ``pages`` the given sources in the build's order. The facts of
        each of these pages (``kg.export.facts``) and its named graph (``kg.export.rdf``) made from it
        are those made from the whole knowledge base."""
        db = self.db
        found = [(position, source) for source in dict.fromkeys(sources)
                 for (position,) in db.execute("SELECT position FROM pages WHERE source = ?", (source,))]
        found.sort()
        ids, keys = set(), set()
        for position, _ in found:
            for (eid,) in db.execute("SELECT entity FROM entity_parts WHERE position = ?", (position,)):
                ids.add(self._renamed(eid))
            settled = f"{_SETTLED}{position}\x1f"
            for relation, source, target in db.execute(
                    "SELECT relation, source, target FROM relation_parts WHERE position = ? "
                    "OR (position >= ? AND position < ?)", (position, settled, settled + "\x7f")):
                if _is_official(source) or _is_official(target):
                    key = _relation_key(relation)
                    relation = _relation_key_text((key[0], self._renamed(source), self._renamed(target), key[3]))
                keys.add(relation)
        relations = [r for text in sorted(keys) if (r := self._final_relation(text)) is not None]
        here = {source for _, source in found}
        for eid in sorted(e for e in ids if e.startswith(("official/", "person/"))):
            # the posts a merge read from a bare title printed here (王明主席) are no page's part
            for text, value in db.execute("SELECT relation, value FROM final_relations WHERE source = ?", (eid,)):
                if text not in keys:
                    r = _relation_of(self._read("final_relations", text, value))
                    if any(ev.page in here for ev in r.evidence):
                        relations.append(r)
        entities = self.entities(ids)
        wanted = {eid for e in entities.values() for eid in _references(e)}
        wanted |= {eid for r in relations for eid in (r.source, r.target)}
        entities.update(self.entities(wanted - set(entities)))
        relations.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
        return KnowledgeBase(dict(sorted(entities.items())), relations, [s for _, s in found])

    def _renamed(self, eid: str) -> str:
        if not _is_official(eid):
            return eid
        row = self.db.execute("SELECT final FROM renamed WHERE entity = ?", (eid,)).fetchone()
        return eid if row is None else row[0]

    def knowledge_base(self) -> KnowledgeBase:
        """The whole knowledge base, as ``kg.resolve.entities.resolve`` gives it."""
        entities = {eid: _entity_of(self._read("final_entities", eid, value))
                    for eid, value in sorted(self.db.execute("SELECT entity, value FROM final_entities"))}
        relations = [_relation_of(self._read("final_relations", key, value))
                     for key, value in self.db.execute("SELECT relation, value FROM final_relations")]
        relations.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
        merges = [m for name, value in self.db.execute("SELECT name, value FROM merged")
                  for m in self._read("merged", name, value)[2]]
        pages = [s for (s,) in self.db.execute("SELECT source FROM pages ORDER BY position")]
        return KnowledgeBase(entities, relations, pages, sorted(merges, key=lambda m: (m.name, m.entity)))

    def close(self) -> None:
        self.db.close()


class StateKeeper:
    """Keeps a full build's resolution in an empty state as ``kg.resolve.entities.resolve`` makes it
    (its ``Keeper``): the pages' parts as they come, the deferred reads' parts, and the result, written
    as it is rather than made again entity by entity (which ``apply`` does for an update, and the tests
    hold equal)."""

    def __init__(self, state: ResolutionState):
        if state.pages():
            raise ValueError("a full build is kept in an empty state")
        self.state = state
        self.positions: dict[str, str] = {}
        self.official_names: dict[str, str] = {}  # official before the merge -> its name
        state.db.execute("BEGIN")

    def page(self, page, knowledge: PageKnowledge) -> None:
        position = page_position(page.meta.get("input") or page.source, page.meta.get("line"))
        self.positions[page.source] = position
        self.state._put_in(position, page.sha256, knowledge, _Touched())
        self.official_names.update((eid, e.name) for eid, e in knowledge.entities.items() if e.kind == "official")

    def folded(self, entities: Mapping[str, Entity], read: Iterable[str]) -> None:
        state = self.state
        state.db.executemany("INSERT OR REPLACE INTO folded VALUES (?, ?)",
                             [(eid, state._signed("folded", eid, _entity_plain(_as_read(entities[eid]))))
                              for eid in sorted(read) if eid in entities])

    def settled(self, source: str, seq: int, part: PageKnowledge) -> None:
        self.state._put_parts(f"{_SETTLED}{self.positions[source]}\x1f{seq:06d}", part, _Touched())

    def finish(self, kb: KnowledgeBase, renamed: Mapping[str, str]) -> None:
        state, db = self.state, self.state.db
        try:
            db.executemany("INSERT INTO final_entities VALUES (?, ?)",
                           [(eid, state._signed("final_entities", eid, _entity_plain(e))) for eid, e in kb.entities.items()])
            rows, by_entity = [], {}
            for r in kb.relations:
                text = _relation_key_text((r.kind, r.source, r.target, r.title))
                rows.append((text, r.source, r.target, state._signed("final_relations", text, _relation_plain(r))))
                for eid in (r.source, r.target):
                    by_entity.setdefault(eid, []).append(text)
            db.executemany("INSERT INTO final_relations VALUES (?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO renamed VALUES (?, ?)", sorted(renamed.items()))
            made_by_name: dict[str, set[str]] = {}
            for old, name in self.official_names.items():
                made_by_name.setdefault(name, set()).add(renamed.get(old, old))
            merges_by_name: dict[str, list[Merge]] = {}
            for m in kb.merges:
                merges_by_name.setdefault(m.name, []).append(m)
            db.executemany("INSERT INTO merged VALUES (?, ?)", [
                (name, state._signed("merged", name, (
                    tuple(sorted(made)),
                    tuple(sorted({k for eid in made for k in by_entity.get(eid, ())})),
                    tuple(merges_by_name.get(name, ())))))
                for name, made in sorted(made_by_name.items())])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


@dataclass
class _Touched:
    pages: set[str] = field(default_factory=set)
    entities: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)  # relation keys as text
    sources: set[str] = field(default_factory=set)  # the source entities of those relations
    deferred: set[tuple[str, int]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


class _FoldedView(Mapping):
    """The entities folded from the pages' parts, read from the state as a deferred read asks for them."""

    def __init__(self, state: ResolutionState):
        self.state = state

    def __getitem__(self, eid: str) -> Entity:
        row = self.state.db.execute("SELECT value FROM folded WHERE entity = ?", (eid,)).fetchone()
        if row is None:
            raise KeyError(eid)
        return _entity_of(self.state._read("folded", eid, row[0]))

    def __iter__(self) -> Iterator[str]:
        return (eid for (eid,) in self.state.db.execute("SELECT entity FROM folded"))

    def __len__(self) -> int:
        return self.state.db.execute("SELECT count(*) FROM folded").fetchone()[0]


def _shown(value) -> tuple:
    """What every page naming an entity or a relation shows of it: all but its evidence and the attributes
    only the merge reads (``kinds.merge_input``: an official's posts and bare titles)."""
    if isinstance(value, Entity):
        attrs = tuple((f.name, getattr(value.attrs, f.name)) for f in dataclasses.fields(value.attrs)
                      if not f.metadata.get(kinds.NOT_ON_PAGES))
        return value.kind, value.name, frozenset(value.aliases), attrs
    return value.kind, value.source, value.target, value.title


def _by_page(evidence: list[Evidence]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for ev in evidence:
        out.setdefault(ev.page, []).append(ev)
    return out


def _as_read(e: Entity) -> Entity:
    """What a deferred read reads of a folded entity: its id, kind, name and attributes (not its evidence
    or aliases: a page that only names it again changes nothing a read depends on)."""
    return Entity(e.id, e.kind, e.name, set(), e.attrs, [])


def _fold_entity(parts: list[tuple[str, Entity]]) -> Entity:
    """One entity folded from its parts in the build's order, by the build's own fold."""
    entities, _ = resolution.fold(PageKnowledge(position, {e.id: e}, {}) for position, e in parts)
    (entity,) = entities.values()
    return entity


def _fold_relation(parts: list[Relation]) -> Relation:
    _, relations = resolution.fold(PageKnowledge("", {}, {(r.kind, r.source, r.target, r.title): r}) for r in parts)
    (relation,) = relations.values()
    return relation


def _made_with_kinds(eid: str) -> dict[str, str]:
    """relation kind -> the first-kept attribute that makes it (``MADE_WITH``), for the kind of ``eid``
    (an entity id starts with its kind)."""
    kind = eid.split("/", 1)[0]
    try:
        attributes = kinds.function(kinds.entity_kind(kind).entity_attributes)
    except kinds.UnknownKind:
        return {}
    return {relation_kind: attribute for attribute, relation_kind in getattr(attributes, "MADE_WITH", {}).items()}


def _is_official(eid: str) -> bool:
    """An official before the merge: the only officials the pages' parts hold (an id starts with its kind)."""
    return eid.startswith("official/")


def _kept_position(parts: list[tuple[str, Entity]], attribute: str) -> str | None:
    """The position of the first page whose part reads ``attribute`` (the one the fold keeps)."""
    return next((p for p, e in parts if getattr(e.attrs, attribute) is not None), None)


def _references(e: Entity) -> Iterator[str]:
    """The ids of other entities an entity's attributes name (strings with a kind before a slash), and
    a city's province (the facts name it)."""
    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, (list, tuple)):
            for v in value:
                yield from strings(v)
    for f in dataclasses.fields(e.attrs):
        for value in strings(getattr(e.attrs, f.name)):
            if "/" in value and value.split("/", 1)[0] in _KINDS:
                yield value
    if e.kind == "city" and e.attrs.code:
        yield f"province/{e.attrs.code[:2]}0000"


_KINDS = frozenset(k.name for k in kinds.ENTITY_KINDS)


def _national(e: Entity) -> bool:
    return resolution.is_national_body(e)
