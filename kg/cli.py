"""Command line: ``kg build`` and ``kg extract``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kg import __version__
from kg.pipeline import build, extract_facts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kg", description="Knowledge graph of Chinese trade-union news.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("build", help="pages -> facts JSON and graph.json in the exports folder")
    p.add_argument("inputs", nargs="+", help="page files or folders of .txt/.md pages")
    p.add_argument("--out", default="exports", help="output folder (default: exports)")
    p.add_argument("--keep-going", action="store_true", help="exit 0 even when some inputs failed")

    p = sub.add_parser("extract", help="pages -> facts JSON only (the scoring format)")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--facts-dir", required=True)
    p.add_argument("--keep-going", action="store_true")

    args = parser.parse_args(argv)
    if args.command == "build":
        summary = build(args.inputs, Path(args.out))
        print("\n".join(summary.lines()))
    else:
        summary = extract_facts(args.inputs, Path(args.facts_dir))
        for f in summary.failed:
            print(f"failed: {f}", file=sys.stderr)
    if summary.failed and not args.keep_going:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
