"""The web application of ``kg serve`` (Starlette): routes, content negotiation, headers."""
from __future__ import annotations

import json
import re
import time
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from kg import READY_QUERIES
from kg.export.rdf import DEFAULT_BASE, PREFIXES
from kg.serve.index import KIND_ORDER, RELATION_NAMES, GraphIndex
from kg.serve.pages import Pages
from kg.serve.pool import QueryPool
from kg.serve.protocol import GRAPH_FORMATS, Refused, choose_format, error, read_request

READY_ACCEPT = "application/sparql-results+json, text/turtle;q=0.9"  # what the query page asks for
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
       "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
MAX_IDS = 2000  # nodes a view may hold in one request


def detect_base(store: ox.Store) -> str:
    """The base the build minted its IRIs under: its software agent is ``<base>agent/unionkg``."""
    for (agent,) in store.query("SELECT ?a { ?a a <http://www.w3.org/ns/prov#SoftwareAgent> } LIMIT 10"):
        if agent.value.endswith("agent/unionkg"):
            return agent.value[: -len("agent/unionkg")]
    return DEFAULT_BASE


def ready_queries(folder: Path | None) -> list[dict]:
    """The ready queries (``kg/queries/*.rq``) with their first comment line as a description."""
    if folder is None or not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.rq")):
        try:
            text = path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        about = next((line.lstrip("# ").strip() for line in text.splitlines() if line.startswith("#")), "")
        out.append({"name": path.name, "about": about, "text": text})
    return out


def _kinds_param(value: str | None) -> set[str] | None:
    kinds = {k for k in (value or "").split(",") if k in KIND_ORDER}
    return kinds or None


def _int(value, default: int, low: int, high: int) -> int:
    try:
        return max(low, min(high, int(value)))
    except (TypeError, ValueError):
        return default


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(value) -> str | None:
    return value if isinstance(value, str) and _DAY.fullmatch(value) else None


class AnswerCache:
    """Answers of SPARQL queries already run, by query text, format and dataset. The store is
    read-only while it is served, so an answer never goes stale: a ready query that reads the
    whole archive (seconds on ten years of news) is read once. The least recently used answers
    go first past ``max_bytes``."""

    def __init__(self, max_bytes: int = 64 * 2 ** 20):
        from collections import OrderedDict

        self.max_bytes, self.size = max_bytes, 0
        self._answers: OrderedDict = OrderedDict()

    @staticmethod
    def key(job) -> tuple:
        return job.text, job.accept, job.fmt, tuple(job.default_graphs), tuple(job.named_graphs)

    def get(self, job):
        answer = self._answers.get(self.key(job))
        if answer is not None:
            self._answers.move_to_end(self.key(job))
        return answer

    def put(self, job, answer) -> None:
        if answer.status != 200 or len(answer.body) > self.max_bytes // 4:
            return
        key = self.key(job)
        if key in self._answers:
            return
        self._answers[key] = answer
        self.size += len(answer.body)
        while self.size > self.max_bytes:
            _, old = self._answers.popitem(last=False)
            self.size -= len(old.body)


class Server:
    def __init__(self, store_dir: Path, base: str | None = None, workers: int = 2, timeout: float = 10.0,
                 max_bytes: int = 16 * 2 ** 20, memory: int | None = None, queries: Path | None = READY_QUERIES,
                 title: str = "unionkg"):
        from kg.store.database import open_store

        clock = time.perf_counter()
        self.store_dir = Path(store_dir)
        self.store = open_store(self.store_dir)
        self.base = base or detect_base(self.store)
        self.index = GraphIndex(self.store)
        self.pages = Pages(self.store, self.index, self.base, self.store_dir.parent)
        self.pool = QueryPool(str(self.store_dir), workers, timeout, max_bytes, memory)
        self.answers = AnswerCache()
        self.warmed = 0  # ready queries answered at start-up so far
        self.queries = ready_queries(queries)
        self.title = title
        self.load_seconds = time.perf_counter() - clock
        self.templates = Environment(loader=PackageLoader("kg.serve", "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True))
        from kg.export.html import KINDS
        self.legend = [{"kind": k, "shape": KINDS[k][0], "color": KINDS[k][1], "name": KINDS[k][2],
                        "count": sum(1 for e in self.index.entities.values() if e.kind == k)} for k in KIND_ORDER]

    # ---------------------------------------------------------------- helpers

    def html(self, template: str, status: int = 200, **values) -> HTMLResponse:
        page = self.templates.get_template(template).render(title=self.title, base=self.base, **values)
        return HTMLResponse(page, status_code=status)

    def iri_of(self, value: str | None) -> str | None:
        """An entity's IRI from the API's ``id`` (a full IRI or the local part under the base)."""
        if not value:
            return None
        iri = value if ":" in value.split("/", 1)[0] else self.base + value
        return iri if iri in self.index.entities else None

    # ---------------------------------------------------------------- the explorer and its API

    async def explorer(self, request: Request) -> Response:
        return self.html("explorer.html")

    async def meta(self, request: Request) -> Response:
        idx = self.index
        return JSONResponse({
            "title": self.title, "base": self.base, "entities": len(idx.entities),
            "links": sum(len(v) for v in idx.links.values()) // 2,
            "legend": self.legend, "relations": {f"{k}|{d}": v for (k, d), v in RELATION_NAMES.items()},
            "provinces": [{"id": i, "label": n} for i, n in idx.provinces],
            "first": idx.first_date, "last": idx.last_date,
            "start": max(idx.entities, key=lambda i: (idx.rank(i), i)) if idx.entities else None,
        })

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "")[:200]
        limit = _int(request.query_params.get("limit"), 20, 1, 100)
        results, total = await run_in_threadpool(self.index.search, q, limit,
                                                 _kinds_param(request.query_params.get("kind")))
        return JSONResponse({"query": q, "results": results, "total": total})

    async def expand(self, request: Request) -> Response:
        iri = self.iri_of(request.query_params.get("id"))
        if iri is None:
            return JSONResponse({"error": "no such entity"}, status_code=404)
        kinds = _kinds_param(request.query_params.get("kind"))
        hops = _int(request.query_params.get("hops"), 1, 0, 5)
        if hops > 1:
            data = await run_in_threadpool(self.index.hops, iri, hops, _int(request.query_params.get("limit"), 300, 1, 1000),
                                           40, kinds)
        else:
            data = await run_in_threadpool(self.index.neighbours, iri, _int(request.query_params.get("limit"), 40, 1, 500),
                                           _int(request.query_params.get("offset"), 0, 0, 10 ** 7), kinds)
        data["centre"] = self.index.node(iri)
        return JSONResponse(data)

    async def view(self, request: Request) -> Response:
        """POST {ids, province, from, to, kinds}: the nodes and links among them, and which pass the filters."""
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            return JSONResponse({"error": "not JSON"}, status_code=400)
        if not isinstance(body, dict):
            return JSONResponse({"error": "expected an object"}, status_code=400)
        ids = body.get("ids") or []
        if not isinstance(ids, list) or len(ids) > MAX_IDS:
            return JSONResponse({"error": f"ids: a list of at most {MAX_IDS}"}, status_code=400)
        iris = [i for i in (self.iri_of(x) for x in ids if isinstance(x, str)) if i]
        province = self.iri_of(body.get("province")) if isinstance(body.get("province"), str) else None
        start, end = _day(body.get("from")), _day(body.get("to"))
        kinds = set(k for k in body.get("kinds") or [] if k in KIND_ORDER) or None

        def work():
            data = self.index.between(iris)
            data["keep"] = [i for i in iris if self.index.passes(i, province, start, end, kinds)]
            return data
        return JSONResponse(await run_in_threadpool(work))

    async def evidence(self, request: Request) -> Response:
        p = request.query_params
        source, target = self.iri_of(p.get("from")), self.iri_of(p.get("to"))
        if source is None or target is None:
            return JSONResponse({"error": "no such entity"}, status_code=404)
        via = p.get("via") or ""
        if via and not via.startswith(self.base):
            return JSONResponse({"error": "bad via"}, status_code=400)
        return JSONResponse(await run_in_threadpool(self.pages.evidence, source, target, via))

    # ---------------------------------------------------------------- SPARQL

    async def sparql(self, request: Request) -> Response:
        params = list(request.query_params.multi_items())
        accept = request.headers.get("accept")
        if request.method == "GET" and not params and "text/html" in (accept or ""):
            return self.html("query.html", queries=self.queries)
        try:
            job = read_request(request.method, params, request.headers.get("content-type", ""),
                               await request.body() if request.method == "POST" else b"", accept)
        except Refused as err:
            return PlainTextResponse(str(err) + "\n", status_code=err.status)
        answer = self.answers.get(job)
        headers = {"Vary": "Accept", "X-Cache": "hit" if answer is not None else "miss"}
        if answer is None:
            answer = await self.pool.run(job)
            self.answers.put(job, answer)
        if answer.status == 200:
            headers["X-Query-Seconds"] = f"{answer.seconds:.4f}"  # as it ran the first time
        return Response(answer.body, status_code=answer.status, media_type=answer.content_type, headers=headers)

    async def query_page(self, request: Request) -> Response:
        return self.html("query.html", queries=self.queries)

    async def query_list(self, request: Request) -> Response:
        return JSONResponse({"queries": self.queries})

    # ---------------------------------------------------------------- entity pages

    async def resource(self, request: Request) -> Response:
        local = request.path_params["local"]
        iri = self.base + local
        try:
            ox.NamedNode(iri)
        except ValueError:
            return self.not_found(request, local)
        fmt = request.query_params.get("format")
        accept = request.headers.get("accept") or "text/html"
        wants_html = fmt in (None, "html") and choose_format(accept, {"html": ("text/html", None), **GRAPH_FORMATS}) == "html"
        if not await run_in_threadpool(self.pages.exists, iri):
            return self.not_found(request, local)
        headers = {"Vary": "Accept"}
        if wants_html:
            if iri in self.index.entities:
                data = await run_in_threadpool(self.pages.entity, iri)
                return self.html("entity.html", e=data, kinds=self.legend_names(), local=local)
            kind = await run_in_threadpool(self._kind_of, iri)
            if kind == "article":
                data = await run_in_threadpool(self.pages.article, iri)
                return self.html("article.html", a=data, kinds=self.legend_names())
            data = await run_in_threadpool(self.pages.generic, iri)
            return self.html("resource.html", r=data)
        chosen = choose_format(accept, GRAPH_FORMATS, fmt if fmt != "html" else None)
        if chosen is None:
            return PlainTextResponse("this resource is given as text/html, text/turtle, application/n-triples, "
                                     "application/ld+json or application/rdf+xml\n", status_code=406, headers=headers)
        content_type, oxformat = GRAPH_FORMATS[chosen]
        triples = await run_in_threadpool(self.pages.description, iri)
        body = ox.serialize(sorted(triples, key=str), format=oxformat, prefixes=PREFIXES if chosen == "ttl" else None)
        return Response(body, media_type=content_type, headers=headers)

    def _kind_of(self, iri: str) -> str:
        t = str(ox.NamedNode(iri))
        if self.store.query(f"ASK {{ {t} a <{PREFIXES['ukg']}Article> }}"):
            return "article"
        return ""

    def legend_names(self) -> dict:
        return {k["kind"]: k["name"] for k in self.legend}

    def not_found(self, request: Request, what: str) -> Response:
        accept = request.headers.get("accept") or ""
        if "text/html" in accept:
            return self.html("error.html", status=404, message=f"{self.base}{what}", heading="没有这个资源 · not found")
        return PlainTextResponse(f"not found: {self.base}{what}\n", status_code=404)

    async def health(self, request: Request) -> Response:
        return JSONResponse({"ok": True, "entities": len(self.index.entities), "store": str(self.store_dir),
                             "ready_queries": len(self.queries), "ready_queries_warmed": self.warmed})

    async def warm_ready_queries(self) -> None:
        """Run every ready query once, one after the other, when the server starts, and keep the
        answers as the query page asks for them: a few read the whole archive (1-2 s each on ten
        years of news) and the store does not change while it is served. Users' queries take
        turns with these for the workers."""
        for q in self.queries:
            try:
                job = read_request("POST", [], "application/sparql-query", q["text"].encode("utf-8"), READY_ACCEPT)
            except Refused:
                continue
            if self.answers.get(job) is None:
                self.answers.put(job, await self.pool.run(job))
            self.warmed += 1

    # ---------------------------------------------------------------- static

    async def vis_js(self, request: Request) -> Response:
        from kg.export.html import _vis_assets
        return Response(_vis_assets()[0], media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "max-age=3600"})

    async def vis_css(self, request: Request) -> Response:
        from kg.export.html import _vis_assets
        return Response(_vis_assets()[1], media_type="text/css; charset=utf-8", headers={"Cache-Control": "max-age=3600"})


class SecurityHeaders:
    """Every answer: a strict Content-Security-Policy (scripts and styles only from this server),
    no MIME sniffing, no referrer, no framing."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in ((b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                             (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY")):
                    if k not in names:
                        headers.append((k, v))
                message = {**message, "headers": headers}
            await send(message)
        await self.app(scope, receive, sending)


def create_app(store_dir, base: str | None = None, workers: int = 2, timeout: float = 10.0,
               max_bytes: int = 16 * 2 ** 20, memory: int | None = None, queries: Path | None = READY_QUERIES,
               allowed_hosts: list[str] | None = None, title: str = "unionkg", warm: bool = False) -> Starlette:
    """The application serving the store at ``store_dir`` (opened read-only); ``warm``: run the
    ready queries when it starts (``kg serve`` does)."""
    server = Server(Path(store_dir), base, workers, timeout, max_bytes, memory, queries, title)
    static = resources.files("kg.serve") / "static"
    routes = [
        Route("/", server.explorer),
        Route("/api/meta", server.meta),
        Route("/api/search", server.search),
        Route("/api/expand", server.expand),
        Route("/api/view", server.view, methods=["POST"]),
        Route("/api/evidence", server.evidence),
        Route("/sparql", server.sparql, methods=["GET", "POST"]),
        Route("/query", server.query_page),
        Route("/queries", server.query_list),
        Route("/health", server.health),
        Route("/static/vis-network.min.js", server.vis_js),
        Route("/static/vis-network.css", server.vis_css),
        Mount("/static", app=StaticFiles(directory=str(static))),
        Route("/id/{local:path}", server.resource),
    ]
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def lifespan(app):
        import asyncio

        await server.pool.start()
        warming = asyncio.create_task(server.warm_ready_queries()) if warm else None
        try:
            yield
        finally:
            if warming is not None:
                warming.cancel()
            server.pool.close()

    from starlette.middleware import Middleware
    middleware = [Middleware(SecurityHeaders)]
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware
        middleware.insert(0, Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts))
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan)
    app.state.server = server
    return app
