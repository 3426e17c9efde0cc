"""General knowledge the extractors need, loaded from data files.

Everything here is general (administrative divisions, the union hierarchy,
office titles, national programs); nothing is specific to any page.
Province rows live in ``lexicons/provinces.tsv``; cities, districts and
counties in ``lexicons/divisions.tsv`` (the division table that the ``cpca`` package
ships, without the package: see ``lexicons/SOURCES.md``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"


class LexiconError(ValueError):
    """A lexicon file that cannot be read as its header says: the message names file and line."""


# A column name: what a header row holds. A first row of data taken for the header (a word list
# whose header was forgotten) would silently drop that row; it is refused instead.
_COLUMN = re.compile(r"[a-z][a-z0-9_]*")


@lru_cache(maxsize=None)
def _rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a lexicon file in ``kg/knowledge/lexicons``, checked strictly. This is the one reader of
    the lexicons: every module takes its knowledge through it.

    Lines starting with ``#`` are comments (what the file holds, its columns), blank lines are
    skipped; the first other line is the header, tab-separated column names (``kind``,
    ``value``; a word list's one column: ``surname``); every other line is a row with exactly
    as many tab-separated cells. A missing file, a missing or malformed header, a row with a
    missing or extra cell, a cell with spaces around it and a file without rows are errors
    naming the file (and line): a lexicon is never read as empty or with a cell shifted."""
    path = LEXICON_DIR / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LexiconError(f"{path}: lexicon file missing") from None
    except (OSError, UnicodeDecodeError) as err:
        raise LexiconError(f"{path}: cannot read the lexicon ({err})") from None
    header, rows = None, []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            if not all(_COLUMN.fullmatch(c) for c in cells) or len(set(cells)) != len(cells):
                raise LexiconError(f"{path}:{number}: no header line (distinct column names such as "
                                   f"kind<TAB>value before the first row): {line!r}")
            header = cells
            continue
        if len(cells) != len(header):
            raise LexiconError(f"{path}:{number}: {len(cells)} cells where the header names "
                               f"{len(header)} ({', '.join(header)})")
        if any(c != c.strip() for c in cells):
            raise LexiconError(f"{path}:{number}: a cell with spaces around it: {line!r}")
        rows.append(dict(zip(header, cells)))
    if header is None:
        raise LexiconError(f"{path}: no header line")
    if not rows:
        raise LexiconError(f"{path}: no rows under the header")
    return tuple(rows)


def _words_by_kind(name: str) -> dict[str, tuple[str, ...]]:
    """A ``kind<TAB>value`` lexicon as kind -> values, longest first (so a longer word matches first)."""
    out: dict[str, list[str]] = {}
    for r in _rows(name):
        out.setdefault(r["kind"], []).append(r["value"])
    return {k: tuple(sorted(v, key=lambda s: (-len(s), s))) for k, v in out.items()}


@lru_cache(maxsize=None)
def words_by_kind(name: str) -> dict[str, tuple[str, ...]]:
    """A ``kind<TAB>value`` lexicon of ``kg/knowledge/lexicons`` as kind -> values, longest first, read by the
    one strict loader: how the module of a kind added through ``kg/knowledge/kinds.py`` reads its own lexicon
    without an accessor here (``kg/extract/enterprises.py`` reads ``enterprises.tsv``)."""
    return _words_by_kind(name)


@lru_cache(maxsize=None)
def words_in_file_order(name: str) -> dict[str, tuple[str, ...]]:
    """A ``kind<TAB>value`` lexicon of ``kg/knowledge/lexicons`` as kind -> values in the order of the
    file's rows, read by the one strict loader: for code that tries the words of a kind in turn (the
    first that fits wins), where the order the file gives is part of what the words mean."""
    out: dict[str, list[str]] = {}
    for r in _rows(name):
        out.setdefault(r["kind"], []).append(r["value"])
    return {k: tuple(v) for k, v in out.items()}


def _lines(name: str) -> list[str]:
    """Words of a word list (``.txt``): a lexicon of one column, read by ``_rows``, in file order."""
    rows = _rows(name)
    if len(rows[0]) != 1:
        raise LexiconError(f"{LEXICON_DIR / name}: a word list has one column; the header names "
                           f"{len(rows[0])} ({', '.join(rows[0])})")
    (column,) = rows[0]
    return [r[column] for r in rows]


@dataclass(frozen=True)
class Division:
    """A province, prefecture-level city, district or county."""

    code: str  # six-digit GB/T 2260 code
    name: str  # official name, e.g. 郑州市, 惠济区
    level: str  # "province" | "city" | "district"
    province: str  # code of its province
    city: str | None  # code of its prefecture-level city, for districts and counties


@dataclass(frozen=True)
class Gazetteer:
    divisions: dict[str, Division]  # by code
    surfaces: dict[str, tuple[str, ...]]  # printed form -> candidate codes
    province_short: dict[str, str]  # province code -> short name (广东)
    province_abbr: dict[str, str]  # province code -> one-character abbreviation (粤)

    def province_of(self, code: str) -> Division:
        return self.divisions[self.divisions[code].province]

    def is_municipality(self, code: str) -> bool:
        return code in self.divisions and self.divisions[code].level == "province" and \
            self.divisions[code].name.endswith("市")


_SKIP_DIVISIONS = {"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"}
# suffixes dropped to give the short form of a prefecture-level city (深圳市 -> 深圳)
_CITY_SUFFIX = re.compile(r"(市|地区|盟)$")


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    divisions: dict[str, Division] = {}
    surfaces: dict[str, list[str]] = {}
    short, abbr = {}, {}

    def add(surface: str, code: str) -> None:
        if len(surface) >= 2:
            codes = surfaces.setdefault(surface, [])
            if code not in codes:
                codes.append(code)

    for row in _rows("provinces.tsv"):
        code = row["code"]
        divisions[code] = Division(code, row["name"], "province", code, None)
        short[code], abbr[code] = row["short"], row["abbr"]
        add(row["name"], code)
        add(row["short"], code)
        for other in filter(None, (row.get("other") or "").split(",")):
            add(other.strip(), code)

    for row in [*_rows("divisions.tsv"), *_rows("divisions_since_2016.tsv")]:
        code, name = row["code"], row["name"]
        if name in _SKIP_DIVISIONS or code.endswith("0000"):
            continue
        province = code[:2] + "0000"
        if code.endswith("00"):
            divisions[code] = Division(code, name, "city", province, None)
            add(name, code)
            stem = _CITY_SUFFIX.sub("", name)
            if stem != name and len(stem) >= 2:
                add(stem, code)
            if name.endswith("自治州") and len(name) > 5:
                add(name[:2] + "州", code)  # 海南藏族自治州 is printed 海南州
        else:
            city = code[:4] + "00"
            divisions[code] = Division(code, name, "district", province, city)
            if len(name) >= 3:  # 城区, 郊区, 矿区 are ordinary words
                add(name, code)
    # a municipality's districts hang directly under it
    for code, d in list(divisions.items()):
        if d.level == "district" and d.city not in divisions:
            divisions[code] = Division(code, d.name, d.level, d.province,
                                       d.province if divisions[d.province].name.endswith("市") else None)
    # a province name beats a city of the same short name (吉林 = 吉林省 first)
    ordered = {s: tuple(sorted(c, key=lambda k: (divisions[k].level != "province", k)))
               for s, c in surfaces.items()}
    return Gazetteer(divisions, ordered, short, abbr)


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    """Office titles, longest first so the longest one ending a segment wins; each also with
    the prefixes that stay part of a title (常务副秘书长, 代理主席: ``title_forms.tsv``)."""
    base = set(_lines("titles.txt"))
    prefixes = [r["printed"] for r in _rows("title_forms.tsv") if r["kind"] == "prefix"]
    prefixed = {p + t for p in prefixes for t in base if not t.startswith(p)}
    return tuple(sorted(base | prefixed | worker_titles(), key=lambda t: (-len(t), t)))


@lru_cache(maxsize=1)
def worker_titles() -> frozenset[str]:
    """Workplace positions (班组长, 队长), occupations (快递员, 全国劳模) and professional ranks
    (主任护师, 高级工程师): whoever is named with one is a worker, a person, not an official."""
    return frozenset(_lines("worker_titles.txt")) | frozenset(_lines("occupations.txt")) | \
        frozenset(_lines("professional_ranks.txt"))


@lru_cache(maxsize=1)
def government_heads() -> frozenset[str]:
    return frozenset(_lines("government_heads.txt"))


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    """Chinese surnames, compound ones first."""
    return tuple(sorted(set(_lines("surnames.txt")), key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def surnames_by_rank() -> tuple[str, ...]:
    """Chinese surnames, the most common first (the order of ``surnames.txt``)."""
    return tuple(dict.fromkeys(_lines("surnames.txt")))


@lru_cache(maxsize=1)
def transliteration_chars() -> frozenset[str]:
    """Characters common in Chinese transliterations of foreign names (卡洛斯, 博卡里亚尔特)."""
    return frozenset("".join(_words_by_kind("ner_persons.tsv").get("translit", ())))


@dataclass(frozen=True)
class Body:
    """An organisation known by name: a Chinese central body, an international organisation
    or a foreign party (``central_bodies.tsv``, ``international_orgs.tsv``, ``foreign_parties.tsv``)."""

    canonical: str
    forms: tuple[str, ...]  # every printed form, the canonical name first
    type: str  # ministry, people_org, un, foreign_party …
    parent: str  # canonical name of the body it belongs to, or ""
    country: str = ""  # ISO 3166-1 alpha-2 of a foreign party's state, or ""


@lru_cache(maxsize=1)
def bodies() -> tuple[Body, ...]:
    out = []
    for file, kind in (("central_bodies.tsv", None), ("international_orgs.tsv", None),
                       ("foreign_parties.tsv", "foreign_party")):
        for r in _rows(file):
            forms = (r["canonical"],) + tuple(f for f in r["forms"].split(",") if f)
            out.append(Body(r["canonical"], tuple(dict.fromkeys(forms)), kind or r["type"], r.get("parent", ""),
                            r.get("country", "")))
    return tuple(out)


@lru_cache(maxsize=1)
def _body_countries() -> dict[str, "Country"]:
    by_code = {c.iso2: c for c in countries()}
    return {b.canonical: by_code[b.country] for b in bodies() if b.country in by_code}


def body_country(canonical: str) -> "Country | None":
    """The state of a foreign party known by name (蒙古人民党 -> 蒙古国), or None."""
    return _body_countries().get(canonical)


@lru_cache(maxsize=1)
def foreign_bodies() -> frozenset[str]:
    """Canonical names of the international organisations and foreign parties (people named
    with their offices have transliterated names)."""
    return frozenset(b.canonical for b in bodies() if b.type not in _CHINESE_BODY_TYPES)


@lru_cache(maxsize=1)
def chinese_central_bodies() -> frozenset[str]:
    """Canonical names of China's central party, state and people's bodies (中国共产党中央委员会,
    中华人民共和国国务院 …): an office at one of them is China's."""
    return frozenset(b.canonical for b in bodies() if b.type in _CHINESE_BODY_TYPES)


_CHINESE_BODY_TYPES = frozenset({
    "party", "party_department", "discipline", "npc", "cppcc", "state_council", "ministry", "commission", "bureau",
    "directly_affiliated", "court", "procuratorate", "military", "supervision", "people_org", "democratic_party",
    "media", "academy"})


@lru_cache(maxsize=1)
def organization_forms() -> tuple[tuple[str, str], ...]:
    """(printed form, canonical name) of every organisation known by name or by a naming rule:
    the rules with a {place} of ``organizations.tsv`` first, then the named bodies."""
    forms = [(r["surface"], r["canonical"]) for r in _rows("organizations.tsv")]
    known = {surface for surface, _ in forms}
    for body in bodies():
        forms += [(f, body.canonical) for f in body.forms if f not in known]
        known.update(body.forms)
    return tuple(forms)


@lru_cache(maxsize=1)
def _naming_rules() -> tuple[tuple[re.Pattern, str], ...]:
    """(the canonical side of a naming rule of ``organizations.tsv`` as a pattern, its printed side)."""
    rules = []
    for r in _rows("organizations.tsv"):
        if "{place}" in r["canonical"]:
            pattern = re.escape(r["canonical"]).replace(re.escape("{place}"), "(?P<place>.+)")
            rules.append((re.compile(f"^{pattern}$"), r["surface"]))
    return tuple(rules)


@lru_cache(maxsize=1 << 14)
def printed_forms(canonical: str) -> tuple[str, ...]:
    """The forms the lexicon knows an organisation's canonical name to be printed in: a named body's
    forms (全国人民代表大会常务委员会: 全国人大常委会), and the printed side of each naming rule whose
    canonical side gives the name, with its place (四川省人民代表大会常务委员会: 四川省人大常委会). Read
    where a page prints a short name (常委会) after a body it names in full.

    >>> printed_forms("四川省人民代表大会常务委员会")
    ('四川省人大常委会', '四川省人民代表大会常务委员会')
    """
    forms = [surface.replace("{place}", m.group("place")) for pattern, surface in _naming_rules()
             if "{place}" in surface and (m := pattern.match(canonical))]
    forms += [f for b in bodies() if b.canonical == canonical for f in b.forms]
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class LevelWord:
    """One row of ``level_words.tsv``: a word of a level of China's administrative divisions."""

    word: str  # 省, 自治区, 市, 县, 乡 …
    level: str  # province | city | district | township | village | special
    bare_for_place: bool  # printed bare before a body (市总工会), it stands for the article's place
    ner_level: bool  # a one-character level word kg.ner reads as a place ending and an organisation opener
    government: bool  # the level has a government printed after the word (县政府, 特区政府)


@lru_cache(maxsize=1)
def level_words() -> tuple[LevelWord, ...]:
    """The level words of ``level_words.tsv``, in the order of the file (a longer word before the shorter
    one it ends with: code tries them in turn). A flag other than yes or no is an error naming the word."""
    name, out = "level_words.tsv", []
    for r in _rows(name):
        flags = []
        for column in ("bare_for_place", "ner_level", "government"):
            if r[column] not in ("yes", "no"):
                raise LexiconError(f"{LEXICON_DIR / name}: {r['word']}: {column} is {r[column]!r}, not yes or no")
            flags.append(r[column] == "yes")
        out.append(LevelWord(r["word"], r["level"], *flags))
    return tuple(out)


@lru_cache(maxsize=1)
def party_committees() -> dict[str, str]:
    """Short form of a party committee, discipline committee or party group named after its host
    (党委, 纪委, 党组) -> the words its full name ends with (委员会, 纪律检查委员会, 党组), in file order."""
    return {r["short"]: r["name_end"] for r in _rows("party_committees.tsv")}


@lru_cache(maxsize=1)
def union_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("unions.tsv")


@lru_cache(maxsize=1)
def programs() -> tuple[tuple[str, re.Pattern, bool], ...]:
    """(canonical name, pattern of printed forms, whether it is a generic facility type)."""
    return tuple((r["canonical"], re.compile(r["pattern"]), r["generic"] == "yes") for r in _rows("programs.tsv"))


@dataclass(frozen=True)
class NationalProgram:
    """A named national programme or a broad national strategy (``national_programs.tsv``)."""

    canonical: str
    forms: tuple[str, ...]  # every printed form, the canonical name first (quote marks left out)
    reported: bool  # False for a broad strategy or an engineering project: recognised, never a programme


@lru_cache(maxsize=1)
def national_programs() -> tuple[NationalProgram, ...]:
    out = []
    for r in _rows("national_programs.tsv"):
        forms = (r["canonical"],) + tuple(f for f in r["forms"].split(",") if f)
        out.append(NationalProgram(r["canonical"], tuple(dict.fromkeys(forms)), r["kind"] == "named"))
    return tuple(out)


@lru_cache(maxsize=1)
def policy_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("policy_words.tsv")


@lru_cache(maxsize=1)
def place_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("place_words.tsv")


@lru_cache(maxsize=1)
def name_context() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("name_context.tsv")


@dataclass(frozen=True)
class TitleForm:
    """One row of ``title_forms.tsv``: how a printed title relates to an organisation."""

    kind: str  # compound | default | head_of | membership | temporary | past | prefix | after_name | honorific
    printed: str
    title: str
    org: str
    han_only: bool


@lru_cache(maxsize=1)
def title_forms() -> dict[str, tuple[TitleForm, ...]]:
    """Rows of ``title_forms.tsv`` by kind, longest printed form first."""
    out: dict[str, list[TitleForm]] = {}
    for r in _rows("title_forms.tsv"):
        out.setdefault(r["kind"], []).append(
            TitleForm(r["kind"], r["printed"], r["title"], r["org"], r["han_only"] == "yes"))
    return {k: tuple(sorted(v, key=lambda f: (-len(f.printed), f.printed))) for k, v in out.items()}


@dataclass(frozen=True)
class Country:
    """A sovereign state as Chinese news names it (``countries.tsv``)."""

    iso2: str
    name: str  # full official name: 美利坚合众国
    short: str  # usual short name: 美国
    forms: tuple[str, ...]  # every printed form of the state itself, name and short included
    abbr: str  # one-character abbreviation used before titles (美总统), or ""


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    out = []
    for r in _rows("countries.tsv"):
        forms = [r["name"], r["short"]] + [f for f in r["other"].split(",") if f]
        out.append(Country(r["iso2"], r["name"], r["short"], tuple(dict.fromkeys(forms)), r["abbr"]))
    return tuple(out)


@lru_cache(maxsize=1)
def country_forms() -> dict[str, Country]:
    """Printed form -> state (a form two states share is left out: it names neither for sure)."""
    seen: dict[str, list[Country]] = {}
    for c in countries():
        for form in c.forms:
            seen.setdefault(form, []).append(c)
    return {form: cs[0] for form, cs in seen.items() if len(cs) == 1}


@lru_cache(maxsize=1)
def country_abbreviations() -> dict[str, Country]:
    """One-character abbreviation -> state (美, 英, 法 …), read only right before a title."""
    return {c.abbr: c for c in countries() if c.abbr}
