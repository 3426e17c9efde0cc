"""Span F1 of kg.ner against plain jieba.posseg on public Chinese NER sets.

    python bench/ner_bench.py [--split test|dev] [--data DIR] [--limit N] [--repeat N]
    python bench/ner_bench.py --msra [--msra-data DIR]
    python bench/ner_bench.py --cluener [--cluener-data DIR]
    python bench/ner_bench.py --all [--repeat N]        # the three tables in one run

The People's Daily set (``example.test`` / ``example.dev``: ``<char> <tag>`` per
line, blank line between sentences) is read from ``../shared/benchmarks/
people_daily_ner`` relative to the repository root unless ``--data`` is given;
``--msra`` reads ``msra_test_bio.txt`` (tab-separated) from
``../shared/benchmarks/msra_ner`` instead. ``--cluener`` reads the CLUENER2020
dev split (``dev.json``: JSON lines of ``text`` and ``label`` -> entity ->
``[start, end]`` with the end inclusive) from ``../shared/benchmarks/cluener2020``;
its labels are mapped to ours: ``name`` -> PER, ``address`` -> LOC, ``government``
and ``organization`` -> ORG. ``position`` (a job title) has no kg.ner label: its
spans are counted and shown as not produced. A prediction that falls exactly on
the span of a label with no counterpart here (``company``, ``scene``, ``book``,
``game``, ``movie``, ``position``) is set aside, neither right nor wrong, and the
number set aside is printed. ``--all`` scores People's Daily (``--split``), MSRA
and CLUENER dev one after the other. The data is only read, never copied.

Both recognisers run in the same process on the same sentences: (a) a fresh,
default ``jieba.posseg`` (nr -> PER, ns -> LOC, nt -> ORG, each token its own
span) and (b) ``kg.ner.recognise``. Scores are exact-span precision, recall
and F1 per label; speed is characters per second (warm, after one warm-up call;
with ``--repeat N`` the best of N timed runs, to damp a busy machine's noise).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

LABELS = ("PER", "LOC", "ORG")
PD_DEFAULT = ROOT.parent / "shared" / "benchmarks" / "people_daily_ner"
MSRA_DEFAULT = ROOT.parent / "shared" / "benchmarks" / "msra_ner"
CLUENER_DEFAULT = ROOT.parent / "shared" / "benchmarks" / "cluener2020"
JIEBA_MAP = {"nr": "PER", "ns": "LOC", "nt": "ORG"}
# CLUENER2020 labels -> ours; every other CLUENER label keeps its own name and is not scored
CLUENER_MAP = {"name": "PER", "address": "LOC", "government": "ORG", "organization": "ORG"}

Span = tuple[int, int, str]


def read_bio(path: Path, sep: str | None = None) -> list[tuple[str, set[Span]]]:
    """Sentences of a char-per-line BIO file as (text, gold spans)."""
    out: list[tuple[str, set[Span]]] = []
    chars: list[str] = []
    tags: list[str] = []

    def flush() -> None:
        if chars:
            out.append(("".join(chars), spans_of(tags)))
        chars.clear()
        tags.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip():
                flush()
                continue
            if sep is None:
                ch, tag = line[0], line[1:].strip()
            else:
                ch, _, tag = line.partition(sep)
                tag = tag.strip()
            chars.append(ch)
            tags.append(tag or "O")
    flush()
    return out


def read_cluener(path: Path) -> list[tuple[str, set[Span]]]:
    """Records of a CLUENER2020 JSON-lines file as (text, gold spans); the mapped labels become
    PER/LOC/ORG, the others (position, company …) keep their CLUENER name."""
    out: list[tuple[str, set[Span]]] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            gold: set[Span] = set()
            for label, entities in (record.get("label") or {}).items():
                for offsets in entities.values():
                    for start, end in offsets:  # end inclusive
                        gold.add((start, end + 1, CLUENER_MAP.get(label, label)))
            out.append((record["text"], gold))
    return out


def spans_of(tags: list[str]) -> set[Span]:
    spans: set[Span] = set()
    start, label = None, None
    for i, tag in enumerate(tags + ["O"]):
        if tag.startswith("I-") and label == tag[2:]:
            continue
        if label is not None:
            spans.add((start, i, label))
            start, label = None, None
        if tag.startswith("B-") or tag.startswith("I-"):
            start, label = i, tag[2:]
    return spans


def jieba_baseline():
    """A fresh default jieba.posseg tagger (no words added by the project)."""
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    tagger = jieba.posseg.POSTokenizer(tk)

    def recognise(text: str) -> list[Span]:
        spans, pos = [], 0
        for pair in tagger.cut(text):
            word, flag = pair.word, pair.flag
            label = JIEBA_MAP.get(flag)
            if label:
                spans.append((pos, pos + len(word), label))
            pos += len(word)
        return spans

    return recognise


def evaluate(recognise, data, repeat: int = 1) -> tuple[dict[str, tuple[int, int, int]], float, int]:
    """Per-label (true positives, predicted, gold), characters per second (best of ``repeat`` runs)
    and the number of predictions set aside (exactly on the span of a gold label we do not score)."""
    counts = {lab: [0, 0, 0] for lab in LABELS}
    set_aside = 0
    recognise(data[0][0] if data else "")  # warm-up (dictionary load)
    seconds = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        predictions = [set(recognise(text)) for text, _ in data]
        seconds = min(seconds, time.perf_counter() - t0)
    for (_, gold), pred in zip(data, predictions):
        unscored = {(s, e) for s, e, lab in gold if lab not in LABELS}
        for lab in LABELS:
            g = {s for s in gold if s[2] == lab}
            p = {s for s in pred if s[2] == lab}
            aside = {s for s in p if (s[0], s[1]) in unscored}
            set_aside += len(aside)
            counts[lab][0] += len(g & p)
            counts[lab][1] += len(p - aside)
            counts[lab][2] += len(g)
    chars = sum(len(t) for t, _ in data)
    return {k: tuple(v) for k, v in counts.items()}, chars / seconds if seconds else float("inf"), set_aside


def prf(tp: int, pred: int, gold: int) -> tuple[float, float, float]:
    p = tp / pred if pred else 0.0
    r = tp / gold if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def run(data, repeat: int = 1) -> dict:
    """Scores of both recognisers: {"jieba"|"ours": {label: (P, R, F1)}, "speed": {...}}."""
    from kg.ner.recogniser import recognise

    jb, jb_speed, jb_aside = evaluate(jieba_baseline(), data, repeat)
    ours, our_speed, our_aside = evaluate(recognise, data, repeat)
    unscored: dict[str, int] = {}
    for _, gold in data:
        for *_, lab in gold:
            if lab not in LABELS:
                unscored[lab] = unscored.get(lab, 0) + 1
    return {
        "jieba": {lab: prf(*jb[lab]) for lab in LABELS},
        "ours": {lab: prf(*ours[lab]) for lab in LABELS},
        "counts": {"jieba": jb, "ours": ours},
        "speed": {"jieba": jb_speed, "ours": our_speed},
        "set_aside": {"jieba": jb_aside, "ours": our_aside},
        "unscored": unscored,  # gold spans of labels we do not score, by label
    }


def table(result: dict, title: str) -> str:
    lines = [title,
             f"{'label':<6} {'jieba P':>8} {'R':>6} {'F1':>6}   {'ours P':>7} {'R':>6} {'F1':>6}   {'ΔF1':>6}"]
    for lab in LABELS:
        jp, jr, jf = result["jieba"][lab]
        op, or_, of = result["ours"][lab]
        lines.append(f"{lab:<6} {jp:8.3f} {jr:6.3f} {jf:6.3f}   {op:7.3f} {or_:6.3f} {of:6.3f}   {of - jf:+6.3f}")
    unscored = result.get("unscored") or {}
    if "position" in unscored:
        lines.append(f"{'POS':<6} {'not produced':>22}   {'not produced':>21}   "
                     f"({unscored['position']} gold position spans; kg.ner has no title label)")
    aside = result.get("set_aside") or {}
    if any(aside.values()):
        others = ", ".join(f"{lab} {n}" for lab, n in sorted(unscored.items(), key=lambda x: -x[1]))
        lines.append(f"set aside (exactly on an unscored gold span: {others}): "
                     f"jieba {aside['jieba']}, ours {aside['ours']} predictions")
    sp = result["speed"]
    lines.append(f"speed  jieba {sp['jieba']:,.0f} chars/s   ours {sp['ours']:,.0f} chars/s")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=("test", "dev"), default="test", help="People's Daily split")
    ap.add_argument("--data", type=Path, default=PD_DEFAULT, help="People's Daily NER folder")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--msra", action="store_true", help="score the MSRA test set instead")
    which.add_argument("--cluener", action="store_true", help="score the CLUENER2020 dev set instead")
    which.add_argument("--all", action="store_true", help="People's Daily, MSRA test and CLUENER dev in one run")
    ap.add_argument("--msra-data", type=Path, default=MSRA_DEFAULT, help="MSRA NER folder")
    ap.add_argument("--cluener-data", type=Path, default=CLUENER_DEFAULT, help="CLUENER2020 folder")
    ap.add_argument("--limit", type=int, default=0, help="only the first N sentences")
    ap.add_argument("--repeat", type=int, default=1, help="time each recogniser N times, report the best")
    args = ap.parse_args(argv)

    sets = []  # (name, path, reader)
    if args.all or not (args.msra or args.cluener):
        sets.append((f"People's Daily {args.split}", args.data / f"example.{args.split}", read_bio))
    if args.all or args.msra:
        sets.append(("MSRA test", args.msra_data / "msra_test_bio.txt", lambda p: read_bio(p, "\t")))
    if args.all or args.cluener:
        sets.append(("CLUENER2020 dev", args.cluener_data / "dev.json", read_cluener))
    missing = [path for _, path, _ in sets if not path.is_file()]
    if missing:
        print(f"ner_bench: benchmark data not found: {', '.join(map(str, missing))}\n"
              f"(expected the read-only sets under ../shared/benchmarks; pass --data / --msra-data / "
              f"--cluener-data)", file=sys.stderr)
        return 2
    for k, (name, path, reader) in enumerate(sets):
        data = reader(path)
        if args.limit:
            data = data[:args.limit]
        result = run(data, args.repeat)
        chars = sum(len(t) for t, _ in data)
        unit = "records" if reader is read_cluener else "sentences"
        print(("\n" if k else "") + table(result, f"{name}: {len(data)} {unit}, {chars} chars ({path})"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
