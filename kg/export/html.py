"""The interactive HTML graph: one self-contained page drawn with vis-network.

``subgraph`` picks what to draw (a neighbourhood, some kinds, one province);
``write_html`` writes it as a single UTF-8 file that needs no network: the
vis-network script and style (``kg/export/vendor/vis-network/``) are inlined, node positions are
computed here with a fixed seed (the same graph always gives the same bytes),
and every string from the input travels as escaped JSON and is shown with
``textContent``, never parsed as HTML.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import os
import re
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from kg.knowledge import kinds
from kg.export.files import write_atomic, write_new

if TYPE_CHECKING:  # networkx and numpy are imported where used: `kg --help` need not load them
    import networkx as nx
    import numpy as np

    from kg.resolve.entities import KnowledgeBase

SEED = 20240101
EDGE_PX = 130          # typical link length on screen, in pixels
PHYSICS_LIMIT = 300    # above this many nodes the page opens with physics off
DRAWN_LIMIT = 2000     # nodes drawn when the page opens (the most linked); the page's others wait for
PAGE_LIMIT = 20000     # a search or an expansion; a page holds at most this many (``busiest``)
SOURCE_KINDS = tuple(k.name for k in kinds.ENTITY_KINDS if not k.drawn)  # page, article: not drawn unless asked for
FONT = "WenQuanYi Micro Hei, Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"

# kind -> (vis shape, colour, legend name), as kg/knowledge/kinds.py registers them; shapes with the label
# outside grow with size
KINDS = {k.name: (k.shape, k.colour, k.legend) for k in kinds.ENTITY_KINDS}
_OTHER_KIND = ("dot", "#bcbd22", "")

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")  # Debian's; never a downloaded one
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# ---------------------------------------------------------------- what to draw

def find_node(graph: nx.MultiDiGraph, name: str, kind: str | None = None) -> str:
    """The node whose canonical name or an alias is ``name``; the best-connected one if several."""
    name = name.strip()
    hits = [n for n, d in graph.nodes(data=True)
            if (kind is None or d.get("kind") == kind)
            and (name == d.get("label") or name in d.get("aliases", ()) or name == n)]
    if not hits:
        raise LookupError(f"no node is named {name!r}")
    exact = [n for n in hits if graph.nodes[n].get("label") == name]
    return min(exact or hits, key=lambda n: (-graph.degree(n), n))


def find_province(graph: nx.MultiDiGraph, name: str) -> str:
    """A province by official name, short name (河南), code (410000), id or alias."""
    for n, d in graph.nodes(data=True):
        if d.get("kind") == "province" and name.strip() in (d.get("attrs", {}).get("short"),
                                                            d.get("attrs", {}).get("code"), n):
            return n
    return find_node(graph, name, kind="province")


def _page_dates(graph: nx.MultiDiGraph) -> dict[str, str]:
    """'<page file>' -> its date (archive records have one), from the page nodes of ``graph``."""
    out = dict(graph.graph.get("dates", {}))
    for _, d in graph.nodes(data=True):
        a = d.get("attrs", {})
        if d.get("kind") == "page" and isinstance(a.get("date"), str) and "source" in a:
            out[a["source"]] = a["date"]
    return out


def _headlines(graph: nx.MultiDiGraph) -> dict[str, str]:
    """'<page file>#<article index>' -> headline, from the article nodes of ``graph``."""
    out = dict(graph.graph.get("headlines", {}))
    for _, d in graph.nodes(data=True):
        a = d.get("attrs", {})
        if d.get("kind") == "article" and "source" in a and "index" in a:
            out[f"{a['source']}#{a['index']}"] = a.get("headline") or d.get("label", "")
    return out


def _ranked(graph: nx.MultiDiGraph) -> list[str]:
    return sorted(graph.nodes, key=lambda n: (-graph.degree(n), n))


def busiest(graph: nx.MultiDiGraph, limit: int = PAGE_LIMIT) -> nx.MultiDiGraph:
    """At most ``limit`` nodes, the most linked first (ties by id), so that the page of a
    whole archive stays small enough; it draws the ``DRAWN_LIMIT`` most linked of them when
    it opens and the others on a search or an expansion; ``kg view --focus/--province`` draws
    any other part, and ``kg serve`` all of it."""
    if graph.number_of_nodes() <= limit:
        return graph
    sub = graph.subgraph(_ranked(graph)[:limit]).copy()
    sub.graph.update(graph.graph)
    return sub


def subgraph(graph: nx.MultiDiGraph, focus: str | None = None, depth: int = 1,
             kinds: list[str] | None = None, province: str | None = None) -> nx.MultiDiGraph:
    """The part of ``graph`` to draw, with every link between the nodes kept.

    Page and article nodes are left out unless ``kinds`` names them (entities
    list their articles in their hover text instead). ``focus``: the nodes within
    ``depth`` hops of the named node, links followed both ways. ``province``: the
    province, what is located in it (also through a city) or says it is in it,
    and their direct neighbours. ``kinds``: only nodes of those kinds (the focus
    node itself is always kept). The filters combine.
    """
    wanted = set(kinds or ())
    unknown = wanted - set(KINDS)
    if unknown:
        raise ValueError(f"unknown kind(s): {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}")
    drawable = [n for n, d in graph.nodes(data=True)
                if d.get("kind") not in SOURCE_KINDS or d.get("kind") in wanted]
    base = graph.subgraph(drawable)
    keep, centre = set(base), None
    if focus is not None:
        centre = find_node(base, focus)
        import networkx as nx

        keep &= set(nx.single_source_shortest_path_length(base.to_undirected(as_view=True), centre, cutoff=depth))
    if province is not None:
        pid = find_province(base, province)
        located = {pid}
        located |= {n for n, d in base.nodes(data=True) if d.get("attrs", {}).get("province") == pid}
        frontier = set(located)
        while frontier:  # follow located-in edges backwards: city -> district -> ...
            frontier = {u for v in frontier for u, _, k in base.in_edges(v, data="kind")
                        if k == "located-in"} - located
            located |= frontier
        undirected = base.to_undirected(as_view=True)
        related = located | {m for n in located for m in undirected[n]}
        keep &= related
    if wanted:
        keep = {n for n in keep if base.nodes[n].get("kind") in wanted}
    if centre is not None:
        keep.add(centre)
    sub = graph.subgraph(keep).copy()
    sub.graph["headlines"] = _headlines(graph)
    sub.graph["dates"] = _page_dates(graph)
    return sub


# ---------------------------------------------------------------- layout

def _repulsion(pos: np.ndarray, k: float, rows: int = 128) -> np.ndarray:
    """Sum over all pairs of k^2/d along the unit vector, a block of rows at a time (stays in cache)."""
    import numpy as np  # numpy is imported when used: `kg build` need not pay for it
    x, y = pos[:, 0], pos[:, 1]
    out = np.empty_like(pos)
    for s in range(0, len(pos), rows):
        dx = x[s:s + rows, None] - x[None, :]
        dy = y[s:s + rows, None] - y[None, :]
        w = dx * dx + dy * dy
        np.maximum(w, 1e-6, out=w)
        np.divide(k * k, w, out=w)
        out[s:s + rows, 0] = (dx * w).sum(1)
        out[s:s + rows, 1] = (dy * w).sum(1)
    return out


def _spring(n: int, edges: np.ndarray, seed: int, iterations: int = 60) -> np.ndarray:
    """Fruchterman-Reingold as networkx does it, in float32 numpy and without its scipy need above 500 nodes."""
    import numpy as np
    pos = np.random.default_rng(seed).random((n, 2)).astype(np.float32)
    k = np.float32(1.0 / math.sqrt(n))
    t = 0.1
    for _ in range(iterations):
        disp = _repulsion(pos, k)
        if len(edges):
            d = pos[edges[:, 0]] - pos[edges[:, 1]]
            pull = d * (np.hypot(d[:, 0], d[:, 1]) / k)[:, None]   # attraction d^2/k
            np.subtract.at(disp, edges[:, 0], pull)
            np.add.at(disp, edges[:, 1], pull)
        length = np.hypot(disp[:, 0], disp[:, 1])
        length = np.where(length < 0.01, 0.1, length)
        pos += disp * (np.float32(t) / length)[:, None]   # every node moves t, which cools
        t -= 0.1 / (iterations + 1)
    return pos.astype(np.float64)


def layout(graph: nx.MultiDiGraph, seed: int = SEED) -> dict[str, tuple[int, int]]:
    """Integer pixel positions: each connected part laid out on its own, then packed in rows.

    Packing keeps the many one-node parts (reporters, lone places) from being
    flung to the rim of the big part, and integers make the file byte-stable.
    """
    import networkx as nx
    import numpy as np

    und = nx.Graph()
    und.add_nodes_from(sorted(graph))
    und.add_edges_from((u, v) for u, v in graph.edges() if u != v)
    parts = sorted((sorted(c) for c in nx.connected_components(und)), key=lambda c: (-len(c), c[0]))
    if not parts:
        return {}
    placed = []
    for part in parts:
        index = {v: i for i, v in enumerate(part)}
        edges = np.array(sorted({tuple(sorted((index[u], index[v]))) for u, v in und.subgraph(part).edges()}),
                         dtype=int).reshape(-1, 2)
        if len(part) == 1:
            pos = np.zeros((1, 2))
        elif len(part) == 2:
            pos = np.array([[0.0, 0.0], [EDGE_PX, 0.0]])
        else:
            pos = _spring(len(part), edges, seed)
            lengths = np.hypot(*(pos[edges[:, 0]] - pos[edges[:, 1]]).T)
            pos *= EDGE_PX / max(float(np.median(lengths)), 1e-9)
        pos -= pos.min(axis=0)
        placed.append((part, pos))
    gap = EDGE_PX * 0.9
    area = sum((p[:, 0].max() + gap) * (p[:, 1].max() + gap) for _, p in placed)
    width = max(max(p[:, 0].max() for _, p in placed) + gap, 1.3 * math.sqrt(area))
    out, x, y, row = {}, 0.0, 0.0, 0.0
    for part, pos in placed:
        w, h = pos[:, 0].max() + gap, pos[:, 1].max() + gap
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        for v, (px, py) in zip(part, pos):
            out[v] = (px + x, py + y)
        x, row = x + w, max(row, h)
    cx = (min(p[0] for p in out.values()) + max(p[0] for p in out.values())) / 2
    cy = (min(p[1] for p in out.values()) + max(p[1] for p in out.values())) / 2
    return {v: (round(px - cx), round(py - cy)) for v, (px, py) in out.items()}


# ---------------------------------------------------------------- page data

def _where(ev: dict, headlines: dict[str, str]) -> str:
    key = f"{ev.get('page')}#{ev.get('article')}"
    place = f"{ev.get('page')} 第{ev.get('article')}篇"
    return f"{headlines[key]}（{place}）" if headlines.get(key) else place


def _context(graph: nx.MultiDiGraph, n: str, dates: list[str], articles: int) -> str:
    """A short line that tells namesakes apart (as ``kg serve``'s search says it): a post, a parent
    body, a place, an issuer, an operator; the dates; the number of articles."""
    d, bits = graph.nodes[n], []
    kind = d.get("kind")
    out = sorted(graph.out_edges(n, keys=True, data=True), key=lambda e: (-graph.degree(e[1]), e[1], e[2]))
    label = lambda v: graph.nodes[v].get("label", v)  # noqa: E731
    if kind == "official":
        bits += [f"{label(v)}{e.get('title', '')}" for _, v, _, e in out if e.get("kind") == "holds-post"][:2]
    elif kind == "person":
        bits += [str(d.get("attrs", {}).get(k)) for k in ("affiliation", "role") if d.get("attrs", {}).get(k)]
    else:
        rel = {"union": "sub-organization-of", "program": "operated-by", "policy": "issued-by"}.get(kind, "located-in")
        bits += [label(v) for _, v, _, e in out if e.get("kind") == rel][:1]
    if dates:
        bits.append(dates[0] if dates[0] == dates[-1] else f"{dates[0]}…{dates[-1]}")
    bits.append(f"{articles} 篇文章 articles")
    return " · ".join(bits)


def page_data(graph: nx.MultiDiGraph, title: str = "unionkg", seed: int = SEED) -> dict:
    """Everything the page needs, as plain JSON: vis nodes/edges, legend, options.

    Every node of ``graph`` is in the data; the ``DRAWN_LIMIT`` most linked are drawn when the
    page opens (``drawn``) and laid out here, the others are added by a search or an expansion."""
    headlines = _headlines(graph)
    page_dates = _page_dates(graph)
    drawn = set(_ranked(graph)[:DRAWN_LIMIT]) if graph.number_of_nodes() > DRAWN_LIMIT else set(graph)
    pos = layout(graph if len(drawn) == graph.number_of_nodes() else graph.subgraph(drawn), seed)
    degree = dict(graph.degree())
    vis_nodes, vis_edges = [], []  # vis-network's node and edge objects (the page sorts their keys)
    for n in sorted(graph):
        d = graph.nodes[n]
        kind = d.get("kind", "")
        shape, colour, _ = KINDS.get(kind, _OTHER_KIND)
        articles, seen = [], set()
        for ev in d.get("provenance", []):
            if (ev.get("page"), ev.get("article")) not in seen:
                seen.add((ev.get("page"), ev.get("article")))
                articles.append(_where(ev, headlines))
        attrs = {k: (graph.nodes[v].get("label", v) if isinstance(v, str) and v in graph else v)
                 for k, v in sorted(d.get("attrs", {}).items()) if isinstance(v, (str, int, float))}
        dates = sorted({page_dates[ev["page"]] for ev in d.get("provenance", []) if ev.get("page") in page_dates})
        where = {"x": pos[n][0], "y": pos[n][1]} if n in pos else {}
        vis_nodes.append(dict(id=n, shape=shape, label=d.get("label") or n, color=colour, **where,
                              size=round(9 + 4 * math.sqrt(degree[n]), 1), font={"size": min(14 + degree[n], 24)},
                              kind=kind, aliases=list(d.get("aliases", [])), articles=articles,
                              attrs=[f"{k}: {v}" for k, v in attrs.items()], drawn=n in drawn, degree=degree[n],
                              dates=[dates[0], dates[-1]] if dates else [],
                              context=_context(graph, n, dates, len(articles))))
    for i, (u, v, key, d) in enumerate(sorted(graph.edges(keys=True, data=True), key=lambda e: e[:3])):
        ev = (d.get("evidence") or [None])[0]
        vis_edges.append({"from": u, "to": v, "arrows": "to", "id": f"e{i}", "key": key, "kind": d.get("kind", ""),
                          "label": d.get("title") or d.get("kind", ""), "sentence": ev.get("text", "") if ev else "",
                          "where": _where(ev, headlines) if ev else ""})
    counts = Counter(graph.nodes[n].get("kind", "") for n in graph)
    legend = [{"kind": k, "shape": KINDS.get(k, _OTHER_KIND)[0], "color": KINDS.get(k, _OTHER_KIND)[1],
               "name": KINDS.get(k, _OTHER_KIND)[2] or k, "count": counts[k]}
              for k in [*KINDS, *sorted(set(counts) - set(KINDS))] if counts[k]]
    physics = len(drawn) <= PHYSICS_LIMIT
    options = {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 1},
        "nodes": {"borderWidth": 1, "widthConstraint": {"maximum": 180},  # long names wrap, also Chinese
                  "font": {"face": FONT, "size": 15, "color": "#1a1a1a", "strokeWidth": 3, "strokeColor": "#ffffff"}},
        "edges": {"arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}, "width": 1,
                  "color": {"color": "#9a9a9a", "highlight": "#333333", "hover": "#555555"},
                  # horizontal, boxed labels: stroked labels along the edge cost ~4x to draw
                  "font": {"face": FONT, "size": 11, "color": "#555555", "strokeWidth": 0,
                           "background": "rgba(255,255,255,0.8)", "align": "horizontal"},
                  "smooth": False},
        "physics": {"enabled": physics, "solver": "barnesHut",
                    "barnesHut": {"gravitationalConstant": -2500, "centralGravity": 0.25,
                                  "springLength": EDGE_PX * 0.8, "springConstant": 0.03, "damping": 0.4,
                                  "avoidOverlap": 0.6},
                    "stabilization": {"enabled": physics, "iterations": 150, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": not physics,
                        "multiselect": False},
    }
    return {"title": title, "nodes": vis_nodes, "edges": vis_edges, "legend": legend,
            "physics": physics, "options": options}


# ---------------------------------------------------------------- the file

_NO_URL = re.compile(r"(?i)https?://")


@lru_cache(maxsize=None)
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and style (``kg/export/vendor/vis-network/``, the files pyvis shipped), made URL-free.

    The licence banner (which names web sites) becomes a plain notice and
    ``http://`` inside the code becomes ``http:\\/\\/``, which is the same string
    in any JS string, regex or comment; the source-map hint is dropped.
    """
    root = resources.files("kg.export") / "vendor" / "vis-network"
    js = (root / "vis-network.min.js").read_text("utf-8")
    css = (root / "vis-network.css").read_text("utf-8")
    js = re.sub(r"\A\s*/\*\*.*?\*/\s*", "/* vis-network 9.1.2, as bundled by pyvis. (c) 2011-2017 Almende B.V., "
                "(c) 2017-2019 visjs contributors. Dual licensed: Apache-2.0 or MIT. */\n", js, count=1, flags=re.S)
    js = re.sub(r"//# sourceMappingURL=\S*", "", js)
    js = re.sub(r"(?i)\b(https?:)//", lambda m: m.group(1) + "\\/\\/", js)
    for text in (js, css):
        assert not _NO_URL.search(text) and "</script" not in text.lower() and "</style" not in text.lower()
    return js, css


@lru_cache(maxsize=None)
def _shared_js() -> str:
    """The search box, local search and label placement shared with ``kg serve``'s explorer."""
    js = (resources.files("kg.serve") / "static" / "graphview.js").read_text("utf-8")
    if _NO_URL.search(js) or "</script" in js.lower():
        raise ValueError("graphview.js cannot be inlined")
    return js


def _script_json(data) -> str:
    """JSON safe inside <script type="application/json">: no tag, entity, line separator or URL can form."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("://", ":\\/\\/")):
        text = text.replace(raw, escaped)
    return text


def render_html(graph: nx.MultiDiGraph, title: str = "unionkg", seed: int = SEED) -> str:
    """The whole page as a string; the same graph always gives the same string."""
    js, css = _vis_assets()
    template = (resources.files("kg.export") / "html_template.html").read_text("utf-8")
    parts = {"TITLE": html.escape(title).replace("://", "&#58;//"), "VIS_CSS": css, "VIS_JS": js,
             "KG_JS": _shared_js(), "DATA": _script_json(page_data(graph, title, seed))}
    page = re.sub(r"@@(TITLE|VIS_CSS|VIS_JS|KG_JS|DATA)@@", lambda m: parts[m.group(1)], template)
    # only these exact scripts may run: injected markup could not run a handler even if it got in
    hashes = " ".join("'sha256-%s'" % base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
                      for body in re.findall(r"<script>(.*?)</script>", page, re.S))
    page = page.replace("@@SCRIPT_HASHES@@", hashes, 1)
    if _NO_URL.search(page):
        raise ValueError("the page would contain a web address")
    return page


def whole_graph_html(graph: nx.MultiDiGraph) -> str:
    """A build's ``graph.html``: the drawn kinds of the whole graph (``subgraph``), its
    ``PAGE_LIMIT`` most linked nodes when it has more (``busiest``), titled to say so. ``kg build``
    and ``kg export --format html`` (from the store) write it."""
    drawn = subgraph(graph)
    shown = busiest(drawn)
    title = "unionkg" if shown is drawn else \
        f"unionkg · the {shown.number_of_nodes():,} most linked of {drawn.number_of_nodes():,} nodes"
    return render_html(shown, title=title)


def write_graph_files(kb: "KnowledgeBase", folder: Path, export) -> None:
    """``graph.json`` and ``graph.html`` of ``kb``, those ``export`` names (``json``, ``html``), new files in
    ``folder`` (a build's scratch folder) made from one graph, which goes when they are written: what
    ``kg build`` writes, and an update from its state."""
    from kg.build.graph import build_graph, graph_json_parts  # (networkx: only when a graph is drawn)
    if not export & {"json", "html"}:
        return
    graph = build_graph(kb)
    if "json" in export:
        write_new(folder / "graph.json", graph_json_parts(graph))
    if "html" in export:
        write_new(folder / "graph.html", whole_graph_html(graph))  # as kg export --format html writes it


def write_html(graph: nx.MultiDiGraph, path: str | Path, title: str = "unionkg", seed: int = SEED) -> Path:
    """Write the page (atomically, UTF-8) and return its path."""
    path = Path(path)
    write_atomic(path, render_html(graph, title, seed))
    return path


# ---------------------------------------------------------------- headless browser

@contextmanager
def chromium():
    """Debian's chromium through playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_offline(browser, path: str | Path, width: int = 1400, height: int = 900):
    """Open the page with every request but the page itself refused.

    Returns (page, problems): problems collects refused or failed requests,
    console errors and uncaught exceptions, so a caller can assert it stays empty.
    """
    url = Path(path).resolve().as_uri()
    context = browser.new_context(viewport={"width": width, "height": height})
    problems: list[str] = []

    def gate(route):
        if route.request.url == url:
            route.continue_()
        else:
            problems.append(f"blocked request: {route.request.url}")
            route.abort()

    context.route("**/*", gate)
    page = context.new_page()
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} {r.failure}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.goto(url)
    wait_until(page, "() => window.kgReady === true")
    return page, problems


def wait_until(page, condition: str, timeout_ms: int = 60_000) -> None:
    """Wait for a JS condition (an arrow function's source) to hold.

    Not ``page.wait_for_function``: that compiles its predicate with eval
    inside the page, which the page's Content-Security-Policy forbids.
    """
    page.evaluate("""([timeout]) => new Promise((ok, fail) => {
        const condition = %s, start = Date.now();
        (function check() {
            if (condition()) ok(true);
            else if (Date.now() - start > timeout) fail(new Error("timed out"));
            else setTimeout(check, 10);
        })();
    })""" % condition, [timeout_ms])


def screenshot(html_path: str | Path, png_path: str | Path, search: str | None = None, scale: float = 0.8,
               width: int = 1400, height: int = 900) -> list[str]:
    """Render the page headless and save a PNG; returns the problems seen (should be none).

    With ``search`` the name is typed into the search box, as a reader would,
    and the view is zoomed to ``scale`` around the node found.
    """
    with chromium() as browser:
        page, problems = open_offline(browser, html_path, width, height)
        if search:
            page.fill("#kg-search", search)
            page.press("#kg-search", "Enter")
            page.evaluate("s => kgNetwork.moveTo({position: kgNetwork.getPosition(window.kgFocused), scale: s})",
                          scale)
        page.wait_for_timeout(300)
        Path(png_path).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png_path))
        page.context.close()
    return problems
