"""Command line: ``kg build``, ``kg extract``, ``kg view``, ``kg export``, ``kg query``, ``kg push``, ``kg check``, ``kg serve``."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from kg import __version__
# only light modules here: `kg --help` must not load networkx, numpy, pyoxigraph or jieba (tests/test_cli.py)
from kg.defaults import DEFAULT_BASE, DEFAULT_LICENSE, DEFAULT_MAX_BYTES, ERRORS, WHOLE_GRAPH_FILES
from kg.cli.messages import printable
from kg.cli.convert import add_export_arguments
from kg.serve import add_serve_arguments
from kg.cli.view import add_view_arguments, run_view


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kg", description="Knowledge graph of Chinese trade-union news.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="pages -> facts JSON, graph.json and RDF exports in the exports folder")
    _input_options(p)
    p.add_argument("--out", default="exports", help="output folder (default: exports)")
    p.add_argument("--base", default=DEFAULT_BASE, help=f"base of every minted IRI (default: {DEFAULT_BASE})")
    p.add_argument("--license", default=DEFAULT_LICENSE, metavar="IRI",
                   help=f"licence the dataset description states for the graph (default: CC BY 4.0, {DEFAULT_LICENSE})")
    p.add_argument("--update", action="store_true",
                   help="reuse the extraction of pages unchanged since the last --update build into --out")
    p.add_argument("--export", default="all", metavar="LIST", type=_export_list,
                   help="the whole-graph files to write into --out, comma-separated among ttl, nt, trig, nq, jsonld, "
                        "json (graph.json), html (graph.html); all (the default) or none. The facts and the store "
                        "are always made; `kg export` writes any of them from the store later")

    p = sub.add_parser("extract", help="pages -> facts JSON only (the scoring format)")
    _input_options(p)
    p.add_argument("--facts-dir", required=True)

    p = sub.add_parser("view", help="pages or graph.json -> one self-contained interactive HTML graph")
    add_view_arguments(p)

    p = sub.add_parser("export", help="the build's RDF, graph.json or graph.html from its store, an RDF file in "
                                          "another RDF format, or graph.json as GraphML or GEXF")
    add_export_arguments(p)

    p = sub.add_parser("query", help="run a SPARQL query over the build's store or given RDF files")
    p.add_argument("query_file", nargs="?", help="a .rq file, a ready query's name, or - for the query on standard input")
    p.add_argument("-e", "--expression", help="the query text itself")
    p.add_argument("--data", action="append",
                   help="RDF file(s) to load and query instead of the build's store; - for N-Quads or N-Triples on standard input")
    p.add_argument("--store", help="the on-disk store `kg build` made (default: exports/store; "
                                    "without it, exports/graph.nq is loaded)")
    p.add_argument("--format", default="table", choices=["table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld"],
                   help="SELECT and ASK: table, csv, tsv, json or xml (the W3C SPARQL results formats); "
                        "CONSTRUCT and DESCRIBE: table or ttl (Turtle), nt, jsonld (json too) or xml (RDF/XML)")
    p.add_argument("--bind", action="append", default=[], metavar="VAR=VALUE",
                   help="bind a query variable to a value (an IRI in <>, else a Chinese literal)")
    p.add_argument("--update", action="store_true", help="allow INSERT/DELETE/LOAD/CLEAR/DROP")
    p.add_argument("--max-memory", metavar="SIZE",
                   help="memory the query may use, e.g. 4G or 512M; 0 for no limit (default: half of the "
                        "machine's memory). A store damaged on disk can otherwise take all of it")
    p.add_argument("--allow-service", action="store_true",
                   help="allow SERVICE (federated queries) and LOAD, which make Oxigraph send requests to other servers")

    p = sub.add_parser("push", help="send the dataset to a SPARQL 1.1 Graph Store Protocol endpoint")
    p.add_argument("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://127.0.0.1:7878/store")
    p.add_argument("--input", help="N-Quads or TriG file, or - for N-Quads on standard input (default: exports/graph.nq)")
    p.add_argument("--store", help="push the named graphs of the store `kg build` made instead (default when there "
                                   "is no exports/graph.nq: exports/store)")
    p.add_argument("--mode", default="replace", choices=["replace", "add"],
                   help="replace each named graph (PUT) or add to it (POST)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds per request")

    p = sub.add_parser("check", help="check the whole of a build's store against kg/knowledge/shapes.ttl "
                                      "(a build checks only what it changed)")
    p.add_argument("--store", default="exports/store", help="the store `kg build` made (default: exports/store)")

    p = sub.add_parser("serve", help="serve the store read-only: SPARQL endpoint, entity pages, explorer")
    add_serve_arguments(p)
    return parser


def _input_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("inputs", nargs="+",
                   help="page files (.txt/.md), JSON-lines archives (.jsonl), or folders of them; "
                        "- for a page or an archive on standard input")
    p.add_argument("--stdin-name", metavar="NAME",
                   help="the file name standard input (-) is known by: the page's source, its facts file and "
                        "IRI come from it, its suffix says page or archive (default: stdin.jsonl when the "
                        "input starts with {, else stdin.txt)")
    p.add_argument("--keep-going", action="store_true", help="exit 0 even when some inputs failed (still listed)")
    p.add_argument("--encoding", help="decode pages with this encoding (default: UTF-8, else detected GB18030/Big5)")
    p.add_argument("--errors", choices=ERRORS, default="strict",
                   help="text that does not decode: refuse the page (strict, the default) or read it with "
                        "U+FFFD for each bad byte sequence, with a warning (replace)")
    p.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                   help=f"refuse a page or record larger than this (default: {DEFAULT_MAX_BYTES:,})")
    p.add_argument("--field", action="append", default=[], metavar="NAME=FIELD",
                   help="record field names of a .jsonl archive, e.g. --field text=content (title, text, date, url, id)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="extract in this many worker processes (default: the number of cores); the output is the same")
    p.add_argument("--quiet", action="store_true", help="no progress bar (it is shown only on a terminal anyway)")


def _export_list(text: str) -> frozenset[str]:
    """``--export``'s value: the whole-graph files named, ``all`` or ``none``."""
    words = {w.strip() for w in text.split(",") if w.strip()}
    if words == {"all"}:
        return frozenset(WHOLE_GRAPH_FILES)
    if words == {"none"}:
        return frozenset()
    known = f"give all, none, or some of {', '.join(WHOLE_GRAPH_FILES)}, comma-separated"
    if words & {"all", "none"}:
        raise argparse.ArgumentTypeError(f"{text!r}: all and none stand alone; {known}")
    unknown = sorted(words - set(WHOLE_GRAPH_FILES))
    if unknown or not words:
        raise argparse.ArgumentTypeError(f"{unknown[0] if unknown else text!r} is not a whole-graph file: {known}")
    return frozenset(words)


def _progress(args) -> bool:
    return not args.quiet and sys.stderr.isatty()


STDIN = "-"


@contextmanager
def _standard_input(args):
    """``args.inputs`` with ``-`` replaced by a file that holds standard input, in a temporary
    folder removed afterwards, and the ``ReadOptions.shown`` pair that names that file ``-`` in
    messages and the manifest. The file's name (``--stdin-name``, else sniffed: ``stdin.jsonl``
    for input starting with ``{``, else ``stdin.txt``) is the page's source: its facts file and
    page IRI are made from it, as from any file's name. ``UsageError`` for a name that is no
    page's or archive's, or ``-`` given twice."""
    from kg.pipeline.run import ARCHIVE_SUFFIXES, PAGE_SUFFIXES

    if STDIN not in args.inputs:
        if args.stdin_name:
            raise UsageError("--stdin-name names standard input, which is not among the inputs (give -)")
        yield args.inputs, ()
        return
    if args.inputs.count(STDIN) > 1:
        raise UsageError("- (standard input) is given more than once")
    name = args.stdin_name
    if name is not None and (Path(name).name != name or name.startswith(".")
                             or Path(name).suffix.lower() not in PAGE_SUFFIXES + ARCHIVE_SUFFIXES):
        raise UsageError(f"--stdin-name {name!r}: a file name (no folder, not hidden) ending in "
                         f"{', '.join(PAGE_SUFFIXES + ARCHIVE_SUFFIXES)}")
    data = sys.stdin.buffer.read()
    if name is None:
        name = "stdin.jsonl" if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "stdin.txt"
    with tempfile.TemporaryDirectory(prefix="kg-stdin-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        yield [str(path) if item == STDIN else item for item in args.inputs], ((str(path), STDIN),)


class UsageError(Exception):
    """A command line that cannot be run as given: exit 2."""


def _read_options(args, shown: tuple = ()):
    from kg.ingest.pages import ArchiveFields
    from kg.pipeline.run import ReadOptions

    names = {}
    for item in args.field:
        name, _, field = item.partition("=")
        if name not in ("title", "text", "date", "url", "id") or not field:
            raise SystemExit(f"kg: --field takes NAME=FIELD with NAME one of title, text, date, url, id: {item!r}")
        names[name] = field
    return ReadOptions(args.encoding, args.max_bytes, ArchiveFields(**names), args.errors, shown)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "export":
        from kg.cli.convert import export_command
        return export_command(args)
    if args.command == "view":
        return run_view(args)
    if args.command == "query":
        from kg.store.sparql import query_command
        return query_command(args)
    if args.command == "push":
        from kg.store.push import push_command
        return push_command(args)
    if args.command == "check":
        from kg.store.shacl import check_command
        return check_command(args)
    if args.command == "serve":
        from kg.serve import serve_command
        return serve_command(args)
    from kg.pipeline.outdir import OutputError
    from kg.pipeline.run import NothingToBuild, ShapeViolation, StoreError, build, extract_facts  # jieba: only here
    from kg.export.rdf import IRIError, check_base

    command = f"kg {args.command}"
    summary = None
    try:
        with _standard_input(args) as (inputs, shown):
            if args.command == "build":
                check_base(args.base)
                summary = build(inputs, Path(args.out), base=args.base, options=_read_options(args, shown),
                                jobs=max(1, args.jobs), progress=_progress(args), update=args.update,
                                license=args.license, export=args.export)
            else:
                summary = extract_facts(inputs, Path(args.facts_dir), _read_options(args, shown),
                                        jobs=max(1, args.jobs), progress=_progress(args))
    except (IRIError, UsageError) as err:
        print(printable(f"{command}: {err}"), file=sys.stderr)
        return 2
    except ShapeViolation as err:
        print(f"{command}: the RDF export violates kg/knowledge/shapes.ttl; nothing was written.\n{err}", file=sys.stderr)
        return 3
    except (OutputError, StoreError) as err:
        print(printable(f"{command}: {err}"), file=sys.stderr)
        return 2
    except NothingToBuild as err:
        # the reasons first: every input failed, and each says why
        failed = err.args[1] if len(err.args) > 1 else []
        for line in failed:
            print(printable(line), file=sys.stderr)
        print(f"{command}: {err.args[0]}; nothing was written", file=sys.stderr)
        return 1
    if args.command == "build":
        try:
            print("\n".join(summary.lines()))
            sys.stdout.flush()
        except BrokenPipeError:  # `kg build ... | head`: the reader has seen enough; the build is done
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    for line in summary.problems():
        print(printable(line), file=sys.stderr)
    if summary.failed and not args.keep_going:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
