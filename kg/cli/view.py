"""``kg view``: one self-contained interactive HTML page of some pages or of a ``graph.json``.

The command's side of ``kg.export.html``: it reads and analyses pages (``kg.pipeline``) and hands
the graph to ``kg.export.html``, which only selects, lays out and renders. Kept out of
``kg.export.html`` so that the renderer does not import the pipeline that imports it.
``python -m kg.cli.view`` is the same command, plus ``--screenshot PNG``.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.export.html import KINDS, render_html, screenshot, subgraph, write_html
from kg.cli.messages import printable

if TYPE_CHECKING:  # only in annotations: `kg --help` does not load networkx
    import networkx as nx


def add_view_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+", help="page files or folders, or one graph.json written by kg build, "
                                             "or the folder of a build's store (exports/store)")
    p.add_argument("-o", "--output", default="graph.html",
                   help="HTML file to write, or - for standard output (default: graph.html)")
    p.add_argument("--focus", metavar="NAME", help="only the neighbourhood of this name or alias")
    p.add_argument("--depth", type=int, default=1, help="hops around --focus (default: 1)")
    p.add_argument("--kind", nargs="+", choices=list(KINDS), metavar="KIND",
                   help=f"only these kinds ({', '.join(KINDS)})")
    p.add_argument("--province", metavar="P", help="only what is in or related to this province")
    p.add_argument("--title", default="unionkg", help="page title")
    p.add_argument("--keep-going", action="store_true", help="exit 0 even when some inputs failed")


def load_graph(inputs: list[str]) -> tuple[nx.MultiDiGraph, list[str]]:
    """The graph of the given pages, or the graph.json ``kg build`` wrote, or the graph of a build's store
    (its folder: a build that wrote no graph.json, ``--export none``); and what failed to read."""
    from kg.build.graph import build_graph, read_graph_json
    from kg.pipeline.run import Summary, analyse, find_pages, read_pages
    if len(inputs) == 1 and inputs[0].endswith(".json"):
        return read_graph_json(Path(inputs[0])), []
    if len(inputs) == 1 and _is_store(Path(inputs[0])):
        from kg.store.database import open_store
        from kg.store.knowledge import read_knowledge_base
        return build_graph(read_knowledge_base(open_store(Path(inputs[0])))), []
    summary = Summary()
    pages = read_pages(find_pages(inputs, summary.failed), summary)
    return build_graph(analyse(pages, failed=summary.failed)), summary.failed


def _is_store(folder: Path) -> bool:
    """A folder holding a store ``kg build`` made (its stamp names what it was loaded from)."""
    from kg.store.database import STAMP
    return folder.is_dir() and (folder / STAMP).is_file()


def run_view(args: argparse.Namespace) -> int:
    try:
        graph, failed = load_graph(args.inputs)
    except (OSError, ValueError) as err:  # a damaged store (RocksDB), a store an earlier unionkg made
        print(printable(f"kg view: {args.inputs[0]}: cannot read the build's graph from it: {err}"), file=sys.stderr)
        return 2
    for f in failed:
        print(printable(f"failed: {f}"), file=sys.stderr)
    try:
        part = subgraph(graph, focus=args.focus, depth=args.depth, kinds=args.kind, province=args.province)
    except (LookupError, ValueError) as err:
        print(f"kg view: {err.args[0]}", file=sys.stderr)
        return 2
    said = f"{part.number_of_nodes()} nodes, {part.number_of_edges()} links"
    if args.output == "-":  # the page alone on standard output, what was drawn on standard error
        try:
            sys.stdout.buffer.write(render_html(part, title=args.title).encode("utf-8"))
            sys.stdout.buffer.flush()
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print(f"standard output: {said}", file=sys.stderr)
    else:
        write_html(part, args.output, title=args.title)
        print(f"{args.output}: {said}")
    return 1 if failed and not args.keep_going else 0


def view_main(argv: list[str] | None = None) -> int:
    """``python -m kg.cli.view``: the same as ``kg view``, plus ``--screenshot PNG``."""
    parser = argparse.ArgumentParser(prog="python -m kg.cli.view", description="Write the interactive HTML graph.")
    add_view_arguments(parser)
    parser.add_argument("--screenshot", metavar="PNG", help="also render the page headless into this PNG")
    parser.add_argument("--search", metavar="NAME", help="with --screenshot: search this name first")
    args = parser.parse_args(argv)
    if args.screenshot and args.output == "-":
        parser.error("--screenshot renders the file -o writes: give -o FILE, not -")
    code = run_view(args)
    if code != 2 and args.screenshot:
        for problem in screenshot(args.output, args.screenshot, search=args.search):
            print(problem, file=sys.stderr)
            code = 1
        print(f"{args.screenshot}: screenshot")
    return code


if __name__ == "__main__":
    sys.exit(view_main())
