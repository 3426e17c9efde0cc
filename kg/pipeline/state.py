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

The rows are plain data (``kg.pipeline.codec``, never pickle). Every row of every table (``meta``
too) carries a MAC (HMAC-SHA256 with the extraction cache's key, kept outside the output folder) of its
table's name and all of its columns, each told apart from the next and NULL from an empty text
(``_row_message``): its key columns (a page's source, position and checksum; a part's entity, position,
ordinal, kind, source and target; a namesake's name and position; whether a part has evidence at all) as
much as its values. Rows are written by ``_insert`` and read by ``_select`` only, which checks each row
read, even for one column of it, and raises ``StateError`` naming the table for a row changed, made up,
copied from another table or written with another key; values are decoded without per-field checks only
after. Opening a state checks its format and that it holds exactly the tables and indexes made here (no
trigger, view or other table). What a MAC per row cannot tell: a row taken out whole, and a row (or the
whole file) of an earlier state of the same key put back. So someone who can write the state can drop a
page's parts, a piece of evidence or a final row, or bring back an earlier one, but not add a page, a
relation or evidence that no build of this user wrote at that place, nor change a row. No count or digest
of the whole state is kept: a signed count per table is defeated by padding a table with made-up rows no
read asks for (a part at a position no page has), and a check that is not has to read and check every
row (the ten-year archive's 1.98 M rows: 9.8 s) each time a state is opened. A page whose file name is
not UTF-8 cannot be kept yet (its surrogate escapes are no SQLite text).
"""
from __future__ import annotations

import dataclasses
import functools
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

STATE_FORMAT = 8  # 8: a MAC of all of each row's columns (7: the provinces an entity's facts show)
_SETTLED = "\U0010ffff"  # positions of the parts deferred reads make: after every page's


class StateError(ValueError):
    """The state cannot be used (another format, a row whose MAC or content is wrong): the build
    resolves every page again."""


def _settled_position(position: str, seq: int) -> str:
    """Where the part a page's ``seq``-th deferred read made is kept: after every page, in the order of
    the pages that left the reads."""
    return f"{_SETTLED}{position}\x1f{seq:06d}"


def _settled_range(position: str) -> tuple[str, str]:
    """The bounds (from, below) of the positions of the parts a page's deferred reads made."""
    start = f"{_SETTLED}{position}\x1f"
    return start, start + "\x7f"


def page_position(input_path: str, line: int | None) -> str:
    """A page's place in the build's order as a string that sorts like it: ``kg.pipeline.run.find_pages``
    orders files by name, then path; an archive's records follow by line."""
    name = Path(input_path).name
    return f"{_sortable(name)} {_sortable(input_path)} {line or 0:012d}"


def _sortable(text: str) -> str:
    """Text as ASCII that sorts as the text does (Python compares code points; UTF-8 bytes, as hex, sort
    the same way, a shorter text before a longer one it begins, a name's non-UTF-8 bytes kept)."""
    return text.encode("utf-8", "surrogatepass").hex()


@dataclass
class Changes:
    """What an update changed in the knowledge base: the entities and relations whose final value
    changed (added, changed or removed), and the pages whose outputs change: those put in or taken out,
    every page naming an entity when what all pages show of it changed (its name, aliases or attributes,
    but those only the merge reads, ``kinds.merge_input``), else the pages whose own evidence of it
    changed (a page that names 中华全国总工会 once more changes no other page's facts or graph)."""

    entities: set[str] = field(default_factory=set)
    relations: set[tuple] = field(default_factory=set)
    pages: set[str] = field(default_factory=set)
    national_changed: set[str] = field(default_factory=set, repr=False)  # bodies whose national standing changed


def _register() -> None:
    infos = {kinds.function(k.entity_attributes) for k in kinds.ENTITY_KINDS}
    codec.register(Evidence, Deferred, Merge, *sorted(infos, key=lambda c: c.__qualname__))


# -- rows: plain data, each with its MAC ---------------------------------------------------------

# Rows are arrays; a piece of evidence (most of what the state holds) is an array of its six fields, made
# back into an Evidence without the codec's checks of each field: the row's HMAC says this build wrote it.

def _evidence_plain(evidence: list[Evidence]) -> list:
    return [[ev.page, ev.article, ev.sentence, ev.start, ev.end, ev.text] for ev in evidence]


def _evidence_of(plain) -> list[Evidence]:
    return [Evidence(*fields) for fields in plain]


def _head_plain(e: Entity) -> list:
    """An entity without its evidence: what every page naming it shows, and what folds."""
    return [e.id, e.kind, e.name, sorted(e.aliases), e.attrs]


def _head_of(plain, evidence: list[Evidence] | None = None) -> Entity:
    eid, kind, name, aliases, attrs = plain
    return Entity(eid, kind, name, set(aliases), attrs, evidence if evidence is not None else [])


def _relation_key_text(key: tuple) -> str:
    """A relation's key (kind, source, target, title) as the text the state keys it by."""
    kind, source, target, title = key
    return json.dumps([kind, source, target, title], ensure_ascii=False, separators=(",", ":"))


def _relation_key(text: str) -> tuple:
    return tuple(json.loads(text))


# Every table's first column is the MAC (HMAC-SHA256 with the extraction cache's key, 32 bytes) of the
# table's name and all of the row's other columns (``_row_message``); values are codec text.
_SCHEMA = """
    CREATE TABLE meta (mac BLOB, name TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE pages (mac BLOB, source TEXT PRIMARY KEY, position TEXT UNIQUE, sha256 TEXT);
    CREATE TABLE entity_parts (mac BLOB, entity TEXT, position TEXT, ordinal INTEGER, head TEXT, evidence TEXT,
                               PRIMARY KEY (entity, position));
    CREATE INDEX entity_parts_by_position ON entity_parts (position);
    CREATE TABLE relation_parts (mac BLOB, relation TEXT, position TEXT, ordinal INTEGER, kind TEXT, source TEXT,
                                 target TEXT, evidence TEXT, PRIMARY KEY (relation, position));
    CREATE INDEX relation_parts_by_position ON relation_parts (position);
    CREATE INDEX relation_parts_by_source ON relation_parts (source, kind);
    CREATE INDEX relation_parts_by_target ON relation_parts (target);
    CREATE TABLE deferred (mac BLOB, position TEXT, seq INTEGER, item TEXT, PRIMARY KEY (position, seq));
    CREATE TABLE deferred_reads (mac BLOB, entity TEXT, position TEXT, seq INTEGER);
    CREATE INDEX deferred_reads_by_entity ON deferred_reads (entity);
    CREATE INDEX deferred_reads_by_position ON deferred_reads (position);
    CREATE TABLE folded (mac BLOB, entity TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE official_names (mac BLOB, entity TEXT PRIMARY KEY, name TEXT, position TEXT, summary TEXT,
                                 outcome TEXT);
    CREATE INDEX official_names_by_name ON official_names (name);
    CREATE INDEX official_names_by_position ON official_names (position);
    CREATE TABLE official_posts (mac BLOB, body TEXT, name TEXT, position TEXT);
    CREATE INDEX official_posts_by_body ON official_posts (body);
    CREATE INDEX official_posts_by_position ON official_posts (position);
    CREATE TABLE merged (mac BLOB, name TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE final_entities (mac BLOB, entity TEXT PRIMARY KEY, head TEXT);
    CREATE TABLE final_entity_evidence (mac BLOB, entity TEXT, page TEXT, evidence TEXT, PRIMARY KEY (entity, page));
    CREATE INDEX final_entity_evidence_by_page ON final_entity_evidence (page);
    CREATE TABLE final_references (mac BLOB, entity TEXT, province TEXT, PRIMARY KEY (entity, province));
    CREATE INDEX final_references_by_province ON final_references (province);
    CREATE TABLE final_relations (mac BLOB, relation TEXT PRIMARY KEY, source TEXT, target TEXT);
    CREATE INDEX final_relations_by_source ON final_relations (source);
    CREATE TABLE final_relation_evidence (mac BLOB, relation TEXT, page TEXT, evidence TEXT,
                                          PRIMARY KEY (relation, page));
    CREATE INDEX final_relation_evidence_by_page ON final_relation_evidence (page);
    CREATE TABLE renamed (mac BLOB, entity TEXT PRIMARY KEY, final TEXT);
"""
_MASTER = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"


@functools.cache
def _schema() -> list[tuple]:
    """What sqlite_master holds for ``_SCHEMA``, and nothing else."""
    db = sqlite3.connect(":memory:")
    db.executescript(_SCHEMA)
    found = db.execute(_MASTER).fetchall()
    db.close()
    return found


def _row_message(table: str, row) -> bytes:
    """What a row's MAC is made of: the table's name and each column, told apart without ambiguity (a
    text as ``s<length>:<text>``, NULL as ``n``, a whole number as ``i<digits>;``; no build writes
    anything else)."""
    try:
        return (f"s{len(table)}:{table}" + "".join([
            f"s{len(v)}:{v}" if type(v) is str else "n" if v is None else f"i{v:d};" for v in row
        ])).encode("utf-8", "surrogatepass")
    except (TypeError, ValueError):  # a float or bytes where a build writes text or a whole number
        raise StateError(f"a row of {table} holds a value of a type no build writes") from None


def _value(table: str, text: str):
    """A value column's codec text, its row's MAC checked (``ResolutionState._select``)."""
    try:
        return codec.decode(text, verified=True)  # this user's build wrote it: no check of each field
    except codec.CodecError as err:
        raise StateError(f"a value in {table} cannot be read: {err}") from None


class ResolutionState:
    """The resolution state in an SQLite file (or in memory: ``path=None``), its rows signed with ``key``."""

    def __init__(self, path: Path | None, key: bytes):
        _register()
        self.key = key
        self.db = sqlite3.connect(":memory:" if path is None else str(path), isolation_level=None)
        try:
            self.db.execute("PRAGMA journal_mode=WAL" if path is not None else "PRAGMA journal_mode=MEMORY")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._open()
        except sqlite3.DatabaseError as err:  # not SQLite, or tables of another shape
            self.db.close()
            raise StateError(f"the state cannot be read: {err}") from None
        except StateError:
            self.db.close()
            raise

    # -- storage: every row with a MAC of all its columns ----------------------------------------
    def _open(self) -> None:
        """Make the tables of an empty state, or check that this one is of this format and holds exactly
        the tables and indexes this build makes (no trigger or view of someone else's)."""
        db = self.db
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            db.executescript(_SCHEMA)
            self._insert("meta", [("format", str(STATE_FORMAT))])
        elif "meta" not in tables:
            raise StateError("not a resolution state (it has no meta table)")
        else:
            found = db.execute("SELECT value FROM meta WHERE name = 'format'").fetchone()
            if found is None or found[0] != str(STATE_FORMAT):
                raise StateError(f"a resolution state of format {found[0] if found else 'unknown'}, not {STATE_FORMAT}")
        if db.execute(_MASTER).fetchall() != _schema():
            raise StateError("the state holds tables, indexes, triggers or views this build does not make")
        meta = dict(self._select("meta"))
        if meta.get("format") != str(STATE_FORMAT) or set(meta) - {"format", "stamp"}:
            raise StateError("the state's meta table is not what this build writes")

    @property
    def key(self) -> bytes:
        return self._key

    @key.setter
    def key(self, key: bytes) -> None:
        self._key = key
        self._keyed = hmac.new(key, digestmod="sha256")  # copied for each row: the key's pads made once

    def _row_mac(self, table: str, row) -> bytes:
        """The MAC of a row of ``table`` (its columns in order, without the MAC): the one place it is made."""
        mac = self._keyed.copy()  # (1.4 µs for a short row, where hmac.digest takes 2.3)
        mac.update(_row_message(table, row))
        return mac.digest()

    def _insert(self, table: str, rows: Iterable[tuple], verb: str = "INSERT") -> None:
        """Write ``rows`` (all of the table's columns, in order) with their MACs."""
        rows = [(self._row_mac(table, row), *row) for row in rows]
        if rows:
            self.db.executemany(f"{verb} INTO {table} VALUES ({', '.join('?' * len(rows[0]))})", rows)

    def _select(self, table: str, where: str = "", args: tuple = ()) -> Iterator[list]:
        """The rows of ``table`` that ``where`` picks, all their columns in order, each checked against its
        MAC first: the one place a row is read. ``StateError`` naming the table for a row this user's
        builds did not write (a column changed, a row made up or copied under another key)."""
        for mac, *row in self.db.execute(f"SELECT * FROM {table} {where}", args):
            if type(mac) is not bytes or not hmac.compare_digest(mac, self._row_mac(table, row)):
                raise StateError(f"a row of {table} ({str(row[0])[:60]!r}) was not written by this user's builds")
            yield row

    def stamp(self) -> str | None:
        """What the state was last marked with (``mark``), None if never: a build keeps the stamp of the
        state it ends with beside its outputs, so that a state which does not hold that build's resolution
        (an update killed after changing it) is never read as if it did."""
        row = next(self._select("meta", "WHERE name = 'stamp'"), None)
        return None if row is None else row[1]

    def mark(self, stamp: str) -> None:
        self._insert("meta", [("stamp", stamp)], verb="INSERT OR REPLACE")

    def pages(self) -> dict[str, tuple[str, str]]:
        """source -> (position, sha256) of every page in the state."""
        return {s: (p, h) for s, p, h in self._select("pages")}

    # -- the update -----------------------------------------------------------------------------
    def apply(self, added: Iterable[tuple[str, str, PageKnowledge]], removed: Iterable[str] = ()) -> Changes:
        """Put in the knowledge of new and changed pages (``(position, sha256, knowledge)``; a source the
        state holds is replaced) and take out the ``removed`` sources; make again the fold, the deferred
        reads and the merges of everything they touch, in one transaction."""
        touched = _Touched()
        if self.db.in_transaction:
            raise StateError("the state is being written by another step that did not finish (a full build's "
                             "StateKeeper that was not finished or aborted)")
        self.db.execute("BEGIN")
        try:
            added = list(added)
            # only the pages taken out or replaced are looked up: reading (and checking) every page's row
            # took 0.3 s of each update on the ten-year archive
            for source in sorted(set(removed) | {k.source for _, _, k in added}):
                if (position := self._position_of(source)) is not None:
                    self._take_out(source, position, touched)
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
        for eid, *_ in self._select("entity_parts", "WHERE position = ?", (position,)):
            touched.entities.add(eid)
            touched.at(eid, source, position)
        for relation, _, _, _, src, _, _ in self._select("relation_parts", "WHERE position = ?", (position,)):
            touched.relations.add(relation)
            touched.sources.add(src)
            touched.at(relation, source, position)
        touched.deferred.update((p, seq) for p, seq, _ in self._select("deferred", "WHERE position = ?", (position,)))
        officials = []
        for eid, name, *_ in self._select("official_names", "WHERE position = ?", (position,)):
            officials.append((eid,))
            touched.names.add(name)
            touched.name_pages.setdefault(name, set()).add(source)
        touched.pages[source] = position
        touched.taken_out[position] = source
        db.executemany("DELETE FROM renamed WHERE entity = ?", officials)
        for table in ("entity_parts", "relation_parts", "deferred", "deferred_reads", "official_names", "official_posts"):
            db.execute(f"DELETE FROM {table} WHERE position = ?", (position,))
        db.execute("DELETE FROM pages WHERE source = ?", (source,))

    def _put_in(self, position: str, sha256: str, k: PageKnowledge, touched: "_Touched") -> None:
        if position.startswith(_SETTLED):
            raise ValueError(f"a page's position cannot start with {_SETTLED!r}")
        self._insert("pages", [(k.source, position, sha256)])
        touched.pages[k.source] = position
        self._put_parts(position, k, touched, k.source, position)
        for seq, d in enumerate(k.deferred):
            self._insert("deferred", [(position, seq, codec.encode(d))])
            self._insert("deferred_reads", [(eid, position, seq) for eid in dict.fromkeys((d.source, d.target))])
            touched.deferred.add((position, seq))
        ordinal = {eid: i for i, eid in enumerate(k.entities)}
        theirs: dict[str, list] = {}  # an official's relations on the page, with their place
        for i, (key, r) in enumerate(k.relations.items()):
            for end in dict.fromkeys((r.source, r.target)):
                if end in ordinal and _is_official(end):
                    theirs.setdefault(end, []).append([list(key), i, _evidence_plain(r.evidence)])
        for eid, e in k.entities.items():
            if e.kind == "official":
                summary = [ordinal[eid], _head_plain(e), _evidence_plain(e.evidence), theirs.get(eid, [])]
                self._insert("official_names", [(eid, e.name, position, codec.encode(summary), None)])
                self._insert("official_posts", [(body, e.name, position)
                                                for body in dict.fromkeys(b for _, b in e.attrs.posts or ())])
                touched.names.add(e.name)
                touched.name_pages.setdefault(e.name, set()).add(k.source)

    def _put_parts(self, position: str, k: PageKnowledge, touched: "_Touched", source: str, page_position: str) -> None:
        """A page's (or a deferred read's) parts: each entity's head and evidence, each relation's evidence
        (``source``, ``page_position``: the page, or the page that left the read)."""
        for eid in k.entities:
            touched.at(eid, source, page_position)
        for key in k.relations:
            touched.at(_relation_key_text(key), source, page_position)
        self._insert("entity_parts", [
            (eid, position, i, codec.encode(_head_plain(e)), codec.encode(_evidence_plain(e.evidence)) if e.evidence else None)
            for i, (eid, e) in enumerate(k.entities.items())])
        touched.entities.update(k.entities)
        rows = []
        for i, (key, r) in enumerate(k.relations.items()):
            text = _relation_key_text(key)
            rows.append((text, position, i, r.kind, r.source, r.target,
                         codec.encode(_evidence_plain(r.evidence)) if r.evidence else None))
            touched.relations.add(text)
            touched.sources.add(r.source)
        self._insert("relation_parts", rows)

    def _parts(self, eid: str, settled: bool, evidence: bool = False) -> list[tuple[str, Entity]]:
        """The entity's parts in the build's order (with the deferred reads' unless ``settled`` is False),
        their evidence read only when asked for."""
        rows = self._select("entity_parts", "WHERE entity = ?" if settled else "WHERE entity = ? AND position < ?",
                            (eid,) if settled else (eid, _SETTLED))
        out = []
        for _, position, _, head, found in sorted(rows, key=lambda row: row[1]):
            found = _evidence_of(_value("entity_parts", found)) if evidence and found is not None else []
            out.append((position, _head_of(_value("entity_parts", head), found)))
        return out

    def _relation_parts(self, relation: str) -> list[tuple[str, Relation]]:
        key = _relation_key(relation)
        rows = self._select("relation_parts", "WHERE relation = ?", (relation,))
        return [(position, Relation(*key, _evidence_of(_value("relation_parts", ev)) if ev is not None else []))
                for _, position, _, _, _, _, ev in sorted(rows, key=lambda row: row[1])]

    def _remake(self, touched: "_Touched") -> Changes:
        changes = Changes(pages=set(touched.pages))
        officials = {eid for eid in touched.entities if _is_official(eid)}
        # 1. the fold of the pages' parts: what deferred reads read
        refolded = self._refold(touched.entities - officials)
        # 2. the deferred reads of touched pages, and those reading an entity whose fold changed
        for eid in refolded:
            touched.deferred.update((p, seq) for _, p, seq in self._select("deferred_reads", "WHERE entity = ?", (eid,)))
        self._settle(touched)
        # 3. the final fold of entities and relations (pages' parts, then the deferred reads'): the heads
        # from every part, the evidence of the pages where a part was put in or taken out
        self._finish_entities(touched.entities - officials, touched, changes)
        self._finish_relations(touched, changes)
        # 4. the merge of every name touched, and of names holding a post at a body whose place changed
        for body in changes.national_changed:
            touched.names.update(name for _, name, _ in self._select("official_posts", "WHERE body = ?", (body,)))
        for name in sorted(touched.names):
            self._merge(name, touched.name_pages.get(name, set()), changes)
        return changes

    def _refold(self, ids: set[str]) -> set[str]:
        """Fold each entity of ``ids`` from its pages' parts (heads only); the ids whose fold changed."""
        changed = set()
        for eid in sorted(ids):
            parts = self._parts(eid, settled=False)
            old = next(self._select("folded", "WHERE entity = ?", (eid,)), None)
            if not parts:
                if old is not None:
                    self.db.execute("DELETE FROM folded WHERE entity = ?", (eid,))
                    changed.add(eid)
                continue
            value = codec.encode(_head_plain(_as_read(_fold_entity(parts))))
            if old is None or old[1] != value:
                self._insert("folded", [(eid, value)], "INSERT OR REPLACE")
                changed.add(eid)
        return changed

    def _settle(self, touched: "_Touched") -> None:
        """Make each touched deferred read again into its part (at a position after every page)."""
        folded = _FoldedView(self)
        for position, seq in sorted(touched.deferred):
            where = _settled_position(position, seq)
            # the page at this position now, and the one that was (taken out, or moved away: another page
            # may have been put in at its place in the same update)
            source = next((s for s, _, _ in self._select("pages", "WHERE position = ?", (position,))), None)
            before = touched.taken_out.get(position, source)
            for eid, *_ in self._select("entity_parts", "WHERE position = ?", (where,)):
                touched.entities.add(eid)
                touched.at(eid, before, position)
            for relation, *_ in self._select("relation_parts", "WHERE position = ?", (where,)):
                touched.relations.add(relation)
                touched.at(relation, before, position)
            self.db.execute("DELETE FROM entity_parts WHERE position = ?", (where,))
            self.db.execute("DELETE FROM relation_parts WHERE position = ?", (where,))
            row = next(self._select("deferred", "WHERE position = ? AND seq = ?", (position, seq)), None)
            if row is None:
                continue  # its page is gone
            d = _value("deferred", row[2])
            part = resolution.settled(d, folded)
            part.source = where
            self._put_parts(where, part, touched, source, position)

    def _position_of(self, source: str) -> str | None:
        """The page's place in the build's order now (None once it is taken out)."""
        return next((position for _, position, _ in self._select("pages", "WHERE source = ?", (source,))), None)

    def _evidence_at(self, table: str, column: str, key: str, position: str) -> list[Evidence]:
        """The evidence ``key``'s parts (``table`` entity_parts or relation_parts) at a page's position and
        at its deferred reads' give, in order."""
        found: list[Evidence] = []
        for row in sorted(self._select(table, f"WHERE {column} = ? AND (position = ? OR (position >= ? AND position < ?))",
                                       (key, position, *_settled_range(position))), key=lambda row: row[1]):
            if row[-1] is not None:  # (the evidence: each table's last column)
                found += [e for e in _evidence_of(_value(table, row[-1])) if e not in found]
        return sorted(found, key=evidence_order)

    def _finish_entities(self, ids: set[str], touched: "_Touched", changes: Changes) -> None:
        """The final value of each entity of ``ids``: its head folded from all its parts (pages', then the
        deferred reads'), its evidence on each page where one of its parts was put in or taken out."""
        for eid in sorted(ids):
            parts = self._parts(eid, settled=True)
            if not parts:
                self._put_final_entity(eid, None, {}, True, changes)
                continue
            head = _fold_entity(parts)
            evidence = {source: self._evidence_at("entity_parts", "entity", eid, position)
                        if (position := self._position_of(source)) is not None else []
                        for source in touched.where.get(eid, ())}
            self._put_final_entity(eid, head, evidence, False, changes)

    # the final rows: an entity's head and its evidence page by page (a relation's key and evidence); each
    # write notes what changed and the pages it reaches
    def _final_head(self, eid: str) -> Entity | None:
        row = next(self._select("final_entities", "WHERE entity = ?", (eid,)), None)
        return None if row is None else _head_of(_value("final_entities", row[1]))

    def _final_evidence(self, table: str, column: str, key: str, pages: Iterable[str] | None = None
                        ) -> dict[str, list[Evidence]]:
        """page -> evidence of an entity (``table`` final_entity_evidence) or a relation, on every page or
        on ``pages``."""
        if pages is None:
            rows = self._select(table, f"WHERE {column} = ?", (key,))
        else:
            rows = [row for page in pages for row in self._select(table, f"WHERE {column} = ? AND page = ?", (key, page))]
        return {page: _evidence_of(_value(table, ev)) for _, page, ev in rows}

    def _put_evidence(self, table: str, column: str, key: str, evidence: dict[str, list[Evidence]], complete: bool,
                      ) -> set[str]:
        """Write ``key``'s evidence page by page (all of it when ``complete``: other pages' rows go); the
        pages whose rows changed."""
        old = self._final_evidence(table, column, key, None if complete else evidence)
        changed = set()
        for page in sorted(old.keys() | evidence.keys()):
            new = sorted(evidence.get(page, ()), key=evidence_order)
            if old.get(page, []) == new:
                continue
            changed.add(page)
            if new:
                self._insert(table, [(key, page, codec.encode(_evidence_plain(new)))], "INSERT OR REPLACE")
            else:
                self.db.execute(f"DELETE FROM {table} WHERE {column} = ? AND page = ?", (key, page))
        return changed

    def _pages_of(self, table: str, column: str, key: str) -> set[str]:
        return {page for _, page, _ in self._select(table, f"WHERE {column} = ?", (key,))}

    def _put_final_entity(self, eid: str, head: Entity | None, evidence: dict[str, list[Evidence]], complete: bool,
                          changes: Changes) -> None:
        """An entity's final head (None: it is gone) and its evidence on the pages of ``evidence`` (on every
        page when ``complete``). Every page naming it is reached when what all pages show of it changed
        (its name, aliases, attributes: ``_shown``), else the pages whose evidence of it changed."""
        old = self._final_head(eid)
        if eid.startswith("province/") and (old is None or head is None or _shown(old) != _shown(head)):
            # the facts of a page list the provinces of the bodies and cities it names, with their aliases
            # (kg.export.facts._provinces): a province's change reaches the pages naming those too
            for referrer, _ in self._select("final_references", "WHERE province = ?", (eid,)):
                changes.pages |= self._pages_of("final_entity_evidence", "entity", referrer)
        self.db.execute("DELETE FROM final_references WHERE entity = ?", (eid,))
        if head is not None:
            self._insert("final_references", [(eid, ref) for ref in _references(head) if ref.startswith("province/")],
                         "INSERT OR IGNORE")
        if head is None:
            if old is None:
                return
            changes.pages |= self._pages_of("final_entity_evidence", "entity", eid)
            self.db.execute("DELETE FROM final_entities WHERE entity = ?", (eid,))
            self.db.execute("DELETE FROM final_entity_evidence WHERE entity = ?", (eid,))
            changes.entities.add(eid)
            if _national(old):
                changes.national_changed.add(eid)
            return
        head = _head_of(_head_plain(head))  # its evidence is in rows of its own
        shown_changed = old is None or _shown(old) != _shown(head)
        if shown_changed:
            changes.pages |= self._pages_of("final_entity_evidence", "entity", eid)
        if old != head:
            self._insert("final_entities", [(eid, codec.encode(_head_plain(head)))], "INSERT OR REPLACE")
            changes.entities.add(eid)
        touched = self._put_evidence("final_entity_evidence", "entity", eid, evidence, complete)
        if touched:
            changes.entities.add(eid)
            changes.pages |= touched
        if shown_changed:
            changes.pages |= self._pages_of("final_entity_evidence", "entity", eid)
        if (old is not None and _national(old)) != _national(head):
            changes.national_changed.add(eid)

    def _put_final_relation(self, text: str, exists: bool, evidence: dict[str, list[Evidence]], complete: bool,
                            changes: Changes) -> None:
        """A relation's existence and its evidence on the pages of ``evidence`` (every page when
        ``complete``); a relation made or gone reaches every page of its evidence."""
        key = _relation_key(text)
        was = next(self._select("final_relations", "WHERE relation = ?", (text,)), None) is not None
        if not exists:
            if was:
                changes.pages |= self._pages_of("final_relation_evidence", "relation", text)
                self.db.execute("DELETE FROM final_relations WHERE relation = ?", (text,))
                self.db.execute("DELETE FROM final_relation_evidence WHERE relation = ?", (text,))
                changes.relations.add(key)
            return
        if not was:
            self._insert("final_relations", [(text, key[1], key[2])])
            changes.relations.add(key)
        touched = self._put_evidence("final_relation_evidence", "relation", text, evidence, complete)
        if touched:
            changes.relations.add(key)
            changes.pages |= touched
        if not was:
            changes.pages |= self._pages_of("final_relation_evidence", "relation", text)

    def _finish_relations(self, touched: "_Touched", changes: Changes) -> None:
        """Each touched relation that names no official before the merge (those are the merge's): it is there
        while a part of it is, with its evidence on the pages where a part was put in or taken out; a relation
        kind an attribute made
        (``MADE_WITH``: issued-by) only from the page whose value the fold keeps, all of its evidence again."""
        relations = set(touched.relations)
        for source in touched.sources & touched.entities:
            for kind in _made_with_kinds(source):
                relations.update(row[0] for row in self._select("relation_parts", "WHERE source = ? AND kind = ?",
                                                                (source, kind)))
        for relation in sorted(relations):
            kind, source, target, _ = _relation_key(relation)
            if _is_official(source) or _is_official(target):
                continue  # the merge of the official's name makes it
            made_with = _made_with_kinds(source)
            if kind in made_with:
                parts = self._relation_parts(relation)
                kept = _kept_position(self._parts(source, settled=True), made_with[kind])
                parts = [(p, r) for p, r in parts if p == kept or p.startswith(_SETTLED)]
                evidence = _by_page(_fold_relation([r for _, r in parts]).evidence) if parts else {}
                self._put_final_relation(relation, bool(parts), evidence, True, changes)
                continue
            exists = next(self._select("relation_parts", "WHERE relation = ? LIMIT 1", (relation,)), None)
            evidence = {page: self._evidence_at("relation_parts", "relation", relation, position)
                        if (position := self._position_of(page)) is not None else []
                        for page in touched.where.get(relation, ())}
            self._put_final_relation(relation, exists is not None, evidence, False, changes)

    def _merge(self, name: str, pages: set[str], changes: Changes) -> None:
        """Merge the namesakes of ``name`` again (``kg.resolve.entities.merge_namesakes``), each read from
        its one summary row, and write what changed: the heads of the people made, and the evidence rows
        of the pages of every namesake whose outcome (its person, the posts read from its bare titles)
        changed, and of ``pages`` (those put in or taken out that name it); a person or a relation made or gone
        whole."""
        db = self.db
        rows = {row[0]: row for row in self._select("official_names", "WHERE name = ?", (name,))}
        by_position: dict[str, tuple[list, list]] = {}
        outcomes: dict[str, object] = {}
        for eid, _, position, summary, outcome in rows.values():
            ordinal, head, evidence, relations = _value("official_names", summary)
            entities, links = by_position.setdefault(position, ([], []))
            entities.append((ordinal, eid, _head_of(head, _evidence_of(evidence))))
            for key, i, found in relations:
                links.append((i, tuple(key), _evidence_of(found)))
            outcomes[eid] = None if outcome is None else _value("official_names", outcome)
        parts = []
        for position in sorted(by_position):
            entities, links = by_position[position]
            part = PageKnowledge(position, {eid: e for _, eid, e in sorted(entities, key=lambda t: t[0])}, {})
            for i, key, found in sorted(links, key=lambda t: t[0]):
                if key not in part.relations:  # (a relation of two namesakes of one page comes twice)
                    part.relations[key] = Relation(*key, found)
            parts.append(part)
        bodies: dict[str, Entity] = {}
        for part in parts:
            for e in part.entities.values():
                for _, body in e.attrs.posts or ():
                    if body not in bodies and (found := self._final_head(body)) is not None:
                        bodies[body] = found
        made_entities, made_relations, merges, renamed, bare_posts = resolution.merge_namesakes(parts, bodies) \
            if rows else ({}, {}, [], {}, [])
        # what the merge made of each namesake; the pages of those whose outcome changed are written
        posts_of: dict[str, list] = {}
        for official, title, body, ev in bare_posts:
            posts_of.setdefault(official, []).append([title, body, _evidence_plain([ev])[0]])
        write = set(pages)
        changed_outcomes = []
        namesake = {eid: e for part in parts for eid, e in part.entities.items()}
        for eid, old_outcome in outcomes.items():
            outcome = [renamed.get(eid, eid), sorted(posts_of.get(eid, []))]
            if outcome != old_outcome:
                changed_outcomes.append((*rows[eid][:4], codec.encode(outcome)))
                write.update(ev.page for ev in namesake[eid].evidence)
                write.update(ev[0] for _, _, ev in posts_of.get(eid, []))
                if old_outcome is not None:
                    write.update(ev[0] for _, _, ev in old_outcome[1])
        self._insert("official_names", changed_outcomes, "INSERT OR REPLACE")
        self._insert("renamed", sorted(renamed.items()), "INSERT OR REPLACE")
        old = next(self._select("merged", "WHERE name = ?", (name,)), None)
        old_ids, old_keys = (_value("merged", old[1])[:2]) if old is not None else ((), ())
        for eid in set(old_ids) - made_entities.keys():
            self._put_final_entity(eid, None, {}, True, changes)
        for eid, e in made_entities.items():
            found = _by_page(e.evidence)
            if eid in old_ids:
                self._put_final_entity(eid, e, {page: found.get(page, []) for page in write}, False, changes)
            else:
                self._put_final_entity(eid, e, found, True, changes)
        keys = {_relation_key_text(key): r for key, r in made_relations.items()}
        old_keys = set(old_keys)
        for text in old_keys - keys.keys():
            self._put_final_relation(text, False, {}, True, changes)
        written = {text for page in write
                   for text, _, _ in self._select("final_relation_evidence", "WHERE page = ?", (page,))}
        for text, r in keys.items():
            if text not in old_keys:
                self._put_final_relation(text, True, _by_page(r.evidence), True, changes)
            elif text in written or any(ev.page in write for ev in r.evidence):
                found = _by_page(r.evidence)
                self._put_final_relation(text, True, {page: found.get(page, []) for page in write}, False, changes)
        if rows:
            self._insert("merged", [(name, codec.encode((tuple(sorted(made_entities)), tuple(sorted(keys)),
                                                         tuple(merges))))], "INSERT OR REPLACE")
        else:
            db.execute("DELETE FROM merged WHERE name = ?", (name,))

    # -- reading back ---------------------------------------------------------------------------
    def _entity(self, eid: str, pages: Iterable[str] | None = None) -> Entity | None:
        """A final entity with its evidence (on ``pages`` only, when given), or None."""
        head = self._final_head(eid)
        if head is None:
            return None
        found = self._final_evidence("final_entity_evidence", "entity", eid, pages)
        head.evidence = [ev for page in sorted(found) for ev in found[page]]
        return head

    def _relation(self, text: str, pages: Iterable[str] | None = None) -> Relation | None:
        if next(self._select("final_relations", "WHERE relation = ?", (text,)), None) is None:
            return None
        found = self._final_evidence("final_relation_evidence", "relation", text, pages)
        return Relation(*_relation_key(text), [ev for page in sorted(found) for ev in found[page]])

    def knowledge_for(self, sources: Iterable[str]) -> KnowledgeBase:
        """What the outputs of these pages are made from: every entity and relation they name (officials
        as merged), with their evidence on these pages, and the entities those refer to (a post's body, a
        union's parent and province, a policy's issuer, a city's province), with ``pages`` the given
        sources in the build's order. The facts of each of these pages (``kg.export.facts``) and its named
        graph (``kg.export.rdf``) made from it are those made from the whole knowledge base."""
        found = [(position, source) for source in dict.fromkeys(sources)
                 for _, position, _ in self._select("pages", "WHERE source = ?", (source,))]
        found.sort()
        here = [source for _, source in found]
        ids, keys = set(), set()
        for position, source in found:
            for eid, *_ in self._select("entity_parts", "WHERE position = ?", (position,)):
                ids.add(self._renamed(eid))
            ids.update(eid for eid, _, _ in self._select("final_entity_evidence", "WHERE page = ?", (source,)))
            for relation, _, _, _, rsource, rtarget, _ in self._select(
                    "relation_parts", "WHERE position = ? OR (position >= ? AND position < ?)",
                    (position, *_settled_range(position))):
                if _is_official(rsource) or _is_official(rtarget):
                    key = _relation_key(relation)
                    relation = _relation_key_text((key[0], self._renamed(rsource), self._renamed(rtarget), key[3]))
                keys.add(relation)
            # the posts a merge read from a bare title printed here (王明主席) are no page's part
            keys.update(r for r, _, _ in self._select("final_relation_evidence", "WHERE page = ?", (source,)))
        relations = [r for text in sorted(keys) if (r := self._relation(text, here)) is not None]
        entities = {eid: e for eid in ids if (e := self._entity(eid, here)) is not None}
        wanted = {eid for e in entities.values() for eid in _references(e)}
        wanted |= {eid for r in relations for eid in (r.source, r.target)}
        entities.update((eid, head) for eid in wanted - set(entities) if (head := self._final_head(eid)) is not None)
        relations.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
        return KnowledgeBase(dict(sorted(entities.items())), relations, here)

    def merges(self) -> list[Merge]:
        """Every merge of namesakes (what ``merges.tsv`` lists), as ``knowledge_base`` gives them."""
        merges = [m for _, value in self._select("merged") for m in _value("merged", value)[2]]
        return sorted(merges, key=lambda m: (m.name, m.entity))

    def page_dates(self) -> list:
        """Every page's date, as its record gives it (None for a page with none)."""
        return [_value("final_entities", head)[4].date for _, head in self._select(
            "final_entities", "WHERE entity >= 'page/' AND entity < 'page0'")]

    def counts(self) -> tuple[dict[str, int], dict[str, int]]:
        """The number of entities of each kind (an id begins with its kind) and of relations of each kind: for
        the build's summary, counted by SQLite without reading (or checking) each row."""
        entities = dict(self.db.execute(
            "SELECT substr(entity, 1, instr(entity, '/') - 1) AS kind, count(*) FROM final_entities GROUP BY kind"))
        relations = dict(self.db.execute(
            "SELECT json_extract(relation, '$[0]') AS kind, count(*) FROM final_relations GROUP BY kind"))
        return entities, relations

    def unevidenced(self, ids: Iterable[str]) -> tuple[list[Entity], list[Relation], dict[str, Entity]]:
        """What no page shows of these entities: those of them no page names (general knowledge: a
        province's federation, a city's province), the relations from them with no evidence (a city in its
        province, a union under its parent), and the heads of the entities those refer to. This is what the
        build's ``graph/knowledge`` holds of them (``kg.export.rdf``)."""
        def shown(table: str, key: str) -> bool:  # whether a page shows it (a row of evidence, checked)
            return next(self._select(table, f"WHERE {'entity' if table == 'final_entity_evidence' else 'relation'} "
                                            f"= ? LIMIT 1", (key,)), None) is not None

        entities, relations, wanted = [], [], set()
        for eid in sorted(set(ids)):
            head = self._final_head(eid)
            if head is None or eid.startswith(("page/", "article/")):
                continue  # (what is said of a page or an article is in its own graph)
            if not shown("final_entity_evidence", eid):
                entities.append(head)
                wanted.update(_references(head))
            for text, _, _ in self._select("final_relations", "WHERE source = ?", (eid,)):
                if text.startswith('["mentioned-in",'):
                    continue  # in the graph of the page it names
                if not shown("final_relation_evidence", text):
                    relation = Relation(*_relation_key(text), [])
                    relations.append(relation)
                    wanted.update((relation.source, relation.target))
        heads = {eid: head for eid in sorted(wanted) if (head := self._final_head(eid)) is not None}
        relations.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
        return entities, relations, heads

    def _renamed(self, eid: str) -> str:
        if not _is_official(eid):
            return eid
        row = next(self._select("renamed", "WHERE entity = ?", (eid,)), None)
        return eid if row is None else row[1]

    def knowledge_base(self) -> KnowledgeBase:
        """The whole knowledge base, as ``kg.resolve.entities.resolve`` gives it."""
        def by_key(row):
            return row[0], row[1]

        evidence: dict[str, list[Evidence]] = {}
        for eid, _, ev in sorted(self._select("final_entity_evidence"), key=by_key):
            evidence.setdefault(eid, []).extend(_evidence_of(_value("final_entity_evidence", ev)))
        entities = {eid: _head_of(_value("final_entities", head), evidence.get(eid, []))
                    for eid, head in sorted(self._select("final_entities"), key=by_key)}
        evidence = {}
        for text, _, ev in sorted(self._select("final_relation_evidence"), key=by_key):
            evidence.setdefault(text, []).extend(_evidence_of(_value("final_relation_evidence", ev)))
        relations = [Relation(*_relation_key(text), evidence.get(text, [])) for text, _, _ in self._select("final_relations")]
        relations.sort(key=lambda r: (r.kind, r.source, r.target, r.title or ""))
        pages = [source for source, _, _ in self._select("pages", "ORDER BY position")]
        return KnowledgeBase(entities, relations, pages, self.merges())

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
        self.state._insert("folded", [(eid, codec.encode(_head_plain(_as_read(entities[eid]))))
                                      for eid in sorted(read) if eid in entities], "INSERT OR REPLACE")

    def settled(self, source: str, seq: int, part: PageKnowledge) -> None:
        position = self.positions[source]
        self.state._put_parts(_settled_position(position, seq), part, _Touched(), source, position)

    def abort(self) -> None:
        """Leave the state as it was (empty): resolution raised before it finished."""
        if self.state.db.in_transaction:
            self.state.db.execute("ROLLBACK")

    def finish(self, kb: KnowledgeBase, renamed: Mapping[str, str],
               bare_posts: list[tuple[str, str, str, Evidence]]) -> None:
        state, db = self.state, self.state.db
        try:
            posts_of: dict[str, list] = {}
            for official, title, body, ev in bare_posts:
                posts_of.setdefault(official, []).append([title, body, _evidence_plain([ev])[0]])
            # each official's row again, with what the merge made of it (the MAC is of the whole row)
            state._insert("official_names", [
                (eid, name, position, summary, codec.encode([renamed.get(eid, eid), sorted(posts_of.get(eid, []))]))
                for eid, name, position, summary, _ in list(state._select("official_names"))], "INSERT OR REPLACE")
            state._insert("final_entities", [(eid, codec.encode(_head_plain(e))) for eid, e in kb.entities.items()])
            state._insert("final_references", [
                (eid, ref) for eid, e in kb.entities.items() for ref in _references(e) if ref.startswith("province/")],
                "INSERT OR IGNORE")
            state._insert("final_entity_evidence", [
                (eid, page, codec.encode(_evidence_plain(found)))
                for eid, e in kb.entities.items() for page, found in _by_page(e.evidence).items()])
            by_entity: dict[str, list[str]] = {}
            relations, evidence = [], []
            for r in kb.relations:
                text = _relation_key_text((r.kind, r.source, r.target, r.title))
                relations.append((text, r.source, r.target))
                evidence += [(text, page, codec.encode(_evidence_plain(found))) for page, found in _by_page(r.evidence).items()]
                for eid in (r.source, r.target):
                    by_entity.setdefault(eid, []).append(text)
            state._insert("final_relations", relations)
            state._insert("final_relation_evidence", evidence)
            state._insert("renamed", sorted(renamed.items()))
            made_by_name: dict[str, set[str]] = {}
            for old, name in self.official_names.items():
                made_by_name.setdefault(name, set()).add(renamed.get(old, old))
            merges_by_name: dict[str, list[Merge]] = {}
            for m in kb.merges:
                merges_by_name.setdefault(m.name, []).append(m)
            state._insert("merged", [
                (name, codec.encode((tuple(sorted(made)), tuple(sorted({k for eid in made for k in by_entity.get(eid, ())})),
                                     tuple(merges_by_name.get(name, ())))))
                for name, made in sorted(made_by_name.items())])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise


@dataclass
class _Touched:
    pages: dict[str, str] = field(default_factory=dict)  # source -> position of the pages put in or taken out
    entities: set[str] = field(default_factory=set)
    relations: set[str] = field(default_factory=set)  # relation keys as text
    sources: set[str] = field(default_factory=set)  # the source entities of those relations
    deferred: set[tuple[str, int]] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    name_pages: dict[str, set[str]] = field(default_factory=dict)  # a name -> the pages put in or taken out naming it
    where: dict[str, set[str]] = field(default_factory=dict)  # entity or relation -> the pages whose parts of it moved
    taken_out: dict[str, str] = field(default_factory=dict)  # position -> source of the pages taken out

    def at(self, key: str, source: str | None, position: str) -> None:
        if source is not None:  # (a read whose page is gone: that page's own taking out notes it)
            self.where.setdefault(key, set()).add(source)


class _FoldedView(Mapping):
    """The entities folded from the pages' parts, read from the state as a deferred read asks for them."""

    def __init__(self, state: ResolutionState):
        self.state = state

    def __getitem__(self, eid: str) -> Entity:
        row = next(self.state._select("folded", "WHERE entity = ?", (eid,)), None)
        if row is None:
            raise KeyError(eid)
        return _head_of(_value("folded", row[1]))

    def __iter__(self) -> Iterator[str]:
        return (eid for eid, _ in self.state._select("folded"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


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
