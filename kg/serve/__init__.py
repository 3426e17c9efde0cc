"""``kg serve``: the build's store on the web, read-only, on this machine by default.

- ``/sparql``: a SPARQL 1.1 Protocol endpoint (``kg.serve.protocol``); each query runs in a
  worker process that is stopped past the time limit (``kg.serve.pool``).
- ``/id/…``: every IRI the build minted under its base (``https://w3id.org/unionkg/id/`` by
  default) answers here: ``<base>union/x`` is ``http://HOST:PORT/id/union/x``, as a page
  (``text/html``) or its description in RDF (Turtle, N-Triples, JSON-LD, RDF/XML by ``Accept``).
- ``/``: the explorer (search, expand, filters, evidence, permalinks), drawn with the
  vis-network of kg/export/vendor/vis-network/ (served from here: the pages load nothing from elsewhere).
- ``/query``: a small query page with the ready queries of ``kg/queries/``, which are run once
  when the server starts and answered from memory after that (the store does not change).

Everything the store says reaches a page as text: templates escape it (Jinja2 autoescape),
scripts set ``textContent``, and the Content-Security-Policy lets only this server's own
script files run.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

__all__ = ["add_serve_arguments", "serve_command", "main"]

DEFAULT_PORT = 7878


def add_serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", default="exports/store", help="the store `kg build` made (default: exports/store)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1, this machine only; 0.0.0.0 for every address)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})")
    p.add_argument("--base", help="base of the build's IRIs (default: read from the store)")
    p.add_argument("--timeout", type=float, default=10.0, help="seconds a SPARQL query may run (default: 10)")
    p.add_argument("--max-result-bytes", type=int, default=16 * 2 ** 20,
                   help="largest SPARQL answer in bytes (default: 16 MiB)")
    p.add_argument("--max-memory", metavar="SIZE",
                   help="memory each query worker may use, e.g. 2G (default: a quarter of the machine's; 0: no limit)")
    p.add_argument("--workers", type=int, default=2, help="SPARQL query worker processes (default: 2)")
    p.add_argument("--queries", default=None, help="folder of ready .rq queries to list (default: the shipped ones, kg/queries/)")
    p.add_argument("--title", default="unionkg", help="title of the pages")


def serve_command(args) -> int:
    from kg.serve.pool import default_memory
    from kg.store.sparql import parse_size

    store = Path(args.store)
    if not store.is_dir():
        print(f"kg serve: --store {store}: no such folder (build one with `kg build PAGES... --out {store.parent}`)",
              file=sys.stderr)
        return 2
    try:
        memory = default_memory() if args.max_memory is None else (parse_size(args.max_memory) or None)
    except ValueError as err:
        print(f"kg serve: --max-memory: {err}", file=sys.stderr)
        return 2
    import uvicorn

    from kg.serve.app import READY_QUERIES, create_app

    # on 127.0.0.1 a request must name this machine (no DNS rebinding from a web page)
    allowed = ["127.0.0.1", "localhost"] if args.host in ("127.0.0.1", "localhost") else None
    try:
        app = create_app(store, base=args.base, workers=args.workers, timeout=args.timeout,
                         max_bytes=args.max_result_bytes, memory=memory,
                         queries=Path(args.queries) if args.queries else READY_QUERIES, allowed_hosts=allowed,
                         title=args.title, warm=True)
    except (OSError, RuntimeError) as err:
        print(f"kg serve: {store}: cannot open the store ({err})", file=sys.stderr)
        return 2
    server = app.state.server
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"kg serve: {len(server.index.entities):,} entities of {store} read in {server.load_seconds:.1f} s; "
          f"http://{host}:{args.port}/ (SPARQL at /sparql, IRIs {server.base}… at /id/…)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kg.serve", description="Serve a build's store.")
    add_serve_arguments(parser)
    return serve_command(parser.parse_args(argv))
