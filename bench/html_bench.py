"""How fast the interactive HTML graph is with 2,000 drawn nodes.

    python bench/html_bench.py [--nodes 2000] [--keep FILE]

A synthetic knowledge graph in kg.build.graph's attribute format is made from a
larger input: pages and articles (which ``subgraph`` leaves out) plus
``--nodes`` entities of every kind, each with provenance in those articles and
links with evidence sentences, and 中华全国总工会 (alias 全总) at the top of the
union tree. The page is written with ``write_html`` and opened in Debian's
chromium headless, offline. Printed: Python time (layout and writing), file
size, load time (navigation start to the network drawn, as the page itself
measures) and the time for typing an alias in the search box to select and
centre its node (in the page, including the redraw; and as seen from outside).
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kg.export.html import chromium, layout, open_offline, subgraph, wait_until, write_html  # noqa: E402

SHARE = {"union": 0.30, "official": 0.20, "organization": 0.12, "city": 0.12, "person": 0.10,
         "program": 0.08, "policy": 0.065, "province": 0.015}
CHARS = "工会职工劳动关系服务保障发展建设推进全面加强组织基层权益创新平台行动计划方案条例办法"


def synthetic_graph(entities: int = 2000, articles_per_page: int = 8, seed: int = 7) -> nx.MultiDiGraph:
    """``entities`` nodes of every kind (plus pages and articles) with kg.build.graph's attributes."""
    rnd = random.Random(seed)
    g = nx.MultiDiGraph()
    pages = max(1, entities // 40)
    arts = []
    for p in range(pages):
        src = f"{p:03d}_synthetic.txt"
        g.add_node(f"page/{p}", kind="page", label=src, aliases=[], attrs={"source": src}, provenance=[])
        for a in range(1, articles_per_page + 1):
            aid = f"article/{p}-{a:03d}"
            g.add_node(aid, kind="article", label=f"第{p}版第{a}篇报道", aliases=[],
                       attrs={"source": src, "index": a, "headline": f"第{p}版第{a}篇报道"}, provenance=[])
            g.add_edge(aid, f"page/{p}", key="part-of", kind="part-of", evidence=[])
            arts.append((aid, src, a))

    def words(n):
        return "".join(rnd.choice(CHARS) for _ in range(n))

    def evidence(name):
        _, src, a = rnd.choice(arts)
        s = rnd.randrange(40)
        return {"page": src, "article": a, "sentence": s, "start": s * 50, "end": s * 50 + len(name),
                "text": f"{words(6)}{name}{words(12)}。"}

    def add(nid, kind, label, aliases=(), **attrs):
        prov = [evidence(label) for _ in range(rnd.randint(1, 3))]
        g.add_node(nid, kind=kind, label=label, aliases=sorted(aliases), attrs=attrs, provenance=prov)
        for aid in sorted({next(x for x in arts if x[1] == ev["page"] and x[2] == ev["article"])[0]
                           for ev in prov}):
            g.add_edge(nid, aid, key="mentioned-in", kind="mentioned-in", evidence=[])

    def link(u, v, kind, **attrs):
        key = f"{kind}:{attrs['title']}" if "title" in attrs else kind
        g.add_edge(u, v, key=key, kind=kind, evidence=[evidence(g.nodes[u]["label"])], **attrs)

    count = {k: max(1, round(share * entities)) for k, share in SHARE.items()}
    count["union"] += entities - sum(count.values())
    provinces = [f"province/{i}" for i in range(count["province"])]
    for i, pid in enumerate(provinces):
        add(pid, "province", f"{words(2)}{i}省", code=str(110000 + i * 10000))
    cities = [f"city/{i}" for i in range(count["city"])]
    for i, cid in enumerate(cities):
        add(cid, "city", f"{words(2)}{i}市", level="city")
        link(cid, rnd.choice(provinces), "located-in")
    add("union/acftu", "union", "中华全国总工会", aliases=["全总", "全国总工会"])
    unions = ["union/acftu"]
    for i in range(count["union"] - 1):
        uid = f"union/{i}"
        place = rnd.choice(provinces + cities)
        name = f"{g.nodes[place]['label']}{words(2)}总工会"
        add(uid, "union", name, aliases=[f"{name[:-3]}总"], province=place)
        link(uid, rnd.choice(unions[: max(1, len(unions) // 3)]), "sub-organization-of")
        link(uid, place, "located-in")
        unions.append(uid)
    orgs = [f"organization/{i}" for i in range(count["organization"])]
    for i, oid in enumerate(orgs):
        add(oid, "organization", f"{words(4)}委员会{i}")
        link(oid, rnd.choice(provinces), "located-in")
    for i in range(count["official"]):
        oid = f"official/{i}"
        add(oid, "official", f"{rnd.choice('王李张刘陈杨赵黄周吴')}{words(2)}{i}")
        for _ in range(rnd.randint(1, 2)):
            link(oid, rnd.choice(unions + orgs), "holds-post", title=rnd.choice(["主席", "副主席", "党组书记", "书记"]))
    for i in range(count["person"]):
        add(f"person/{i}", "person", f"{rnd.choice('王李张刘陈')}{words(2)}{i}", role="记者")
    for i in range(count["policy"]):
        add(f"policy/{i}", "policy", f"{words(8)}办法{i}")
        link(f"policy/{i}", rnd.choice(unions + orgs), "issued-by")
    for i in range(count["program"]):
        add(f"program/{i}", "program", f"{words(4)}行动{i}")
        link(f"program/{i}", rnd.choice(unions), "operated-by")
        link(f"program/{i}", rnd.choice(provinces), "active-in")
    return g


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--keep", metavar="FILE", help="write the page here instead of a temporary file")
    args = parser.parse_args(argv)

    full = synthetic_graph(args.nodes)
    part = subgraph(full)
    print(f"input: {full.number_of_nodes()} nodes, {full.number_of_edges()} links "
          f"(with pages and articles); drawn: {part.number_of_nodes()} nodes, {part.number_of_edges()} links")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep or Path(tmp) / "bench.html")
        t = time.perf_counter()
        layout(part)
        t_layout = time.perf_counter() - t
        t = time.perf_counter()
        write_html(part, path, title="html bench")
        t_write = time.perf_counter() - t
        print(f"python: layout {t_layout:.2f} s; write_html (layout included) {t_write:.2f} s; "
              f"file {path.stat().st_size / 1e6:.2f} MB")
        with chromium() as browser:
            loads, searches, outside = [], [], []
            for _ in range(3):
                t = time.perf_counter()
                page, problems = open_offline(browser, path)
                wall = time.perf_counter() - t
                loads.append((page.evaluate("window.kgReadyAt") / 1000, wall))
                in_page = page.evaluate("""() => new Promise(done => {
                    const input = document.getElementById('kg-search'), t0 = performance.now();
                    input.value = '全总';
                    input.dispatchEvent(new Event('input'));
                    kgNetwork.once('afterDrawing', () => done(performance.now() - t0));
                    kgNetwork.redraw();
                })""")
                assert page.evaluate("kgNetwork.getSelectedNodes()") == ["union/acftu"]
                page.fill("#kg-search", "")
                t = time.perf_counter()
                page.fill("#kg-search", "全国总工会")
                wait_until(page, "() => kgNetwork.getSelectedNodes()[0] === 'union/acftu'")
                outside.append(time.perf_counter() - t)
                searches.append(in_page / 1000)
                assert not problems, problems
                page.context.close()
    for i, ((ready, wall), s, o) in enumerate(zip(loads, searches, outside), 1):
        print(f"run {i}: load {ready:.2f} s (page), {wall:.2f} s (goto to drawn, from Python); "
              f"search 全总 -> focused {s * 1000:.0f} ms (page), {o * 1000:.0f} ms (from Python)")
    print(f"best: load {min(r for r, _ in loads):.2f} s, search {min(searches) * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
