"""General knowledge the extractors need, loaded from data files.

Everything here is general (administrative divisions, the union hierarchy,
office titles, national programs); nothing is specific to any page.
Province rows live in ``lexicons/provinces.tsv``; cities, districts and
counties come from the division table shipped by the ``cpca`` package.
"""
from __future__ import annotations

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LEXICON_DIR = Path(__file__).parent / "lexicons"


def _rows(name: str) -> list[dict[str, str]]:
    """Rows of a tab-separated lexicon file; lines starting with # are comments."""
    with open(LEXICON_DIR / name, encoding="utf-8") as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _words_by_kind(name: str) -> dict[str, tuple[str, ...]]:
    """A ``kind<TAB>value`` lexicon as kind -> values, longest first (so a longer word matches first)."""
    out: dict[str, list[str]] = {}
    for r in _rows(name):
        out.setdefault(r["kind"], []).append(r["value"])
    return {k: tuple(sorted(v, key=lambda s: (-len(s), s))) for k, v in out.items()}


def _lines(name: str) -> list[str]:
    with open(LEXICON_DIR / name, encoding="utf-8") as f:
        return [s.strip() for s in f if s.strip() and not s.startswith("#")]


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


def _cpca_table() -> Path:
    """The division table inside the installed cpca package (read without importing cpca)."""
    spec = importlib.util.find_spec("cpca")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the cpca package is required for administrative divisions: pip install cpca")
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"


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

    with open(_cpca_table(), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["adcode"][:6], row["name"]
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
    """Office titles, longest first so the longest one ending a segment wins."""
    return tuple(sorted(set(_lines("titles.txt")) | worker_titles(), key=lambda t: (-len(t), t)))


@lru_cache(maxsize=1)
def worker_titles() -> frozenset[str]:
    """Workplace positions (班组长, 队长): whoever holds one is a worker, not an official."""
    return frozenset(_lines("worker_titles.txt"))


@lru_cache(maxsize=1)
def government_heads() -> frozenset[str]:
    return frozenset(_lines("government_heads.txt"))


@lru_cache(maxsize=1)
def surnames() -> tuple[str, ...]:
    """Chinese surnames, compound ones first."""
    return tuple(sorted(set(_lines("surnames.txt")), key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1)
def organization_forms() -> tuple[tuple[str, str], ...]:
    return tuple((r["surface"], r["canonical"]) for r in _rows("organizations.tsv"))


@lru_cache(maxsize=1)
def union_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("unions.tsv")


@lru_cache(maxsize=1)
def programs() -> tuple[tuple[str, re.Pattern, bool], ...]:
    """(canonical name, pattern of printed forms, whether it is a generic facility type)."""
    return tuple((r["canonical"], re.compile(r["pattern"]), r["generic"] == "yes") for r in _rows("programs.tsv"))


@lru_cache(maxsize=1)
def policy_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("policy_words.tsv")


@lru_cache(maxsize=1)
def place_words() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("place_words.tsv")


@lru_cache(maxsize=1)
def name_context() -> dict[str, tuple[str, ...]]:
    return _words_by_kind("name_context.tsv")
