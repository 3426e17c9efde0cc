"""The package's layout: no import cycles inside ``kg/``, and its packages in pipeline order.

Every module under ``kg/`` is parsed with ``ast`` (nothing is imported) and each
``import kg.x`` / ``from kg.x import y`` / ``from kg import x`` / relative import becomes an
edge to the module it names (``from kg.x import y`` goes to ``kg.x.y`` when that is a module),
and to every package above that module which the importer is not inside: importing
``kg.export.rdf`` runs ``kg/export/__init__.py`` first, so a package's ``__init__`` that imports
its modules is on every path into the package (two packages whose ``__init__``s reach each
other are a cycle even when no two modules import each other directly).

What counts, and why:
- Imports inside functions and methods count. A deferred import stops the interpreter
  from tripping over a cycle, but the two modules still need each other: neither can be
  read, tested or moved alone. (``kg/export/html.py`` importing ``kg.pipeline`` inside a function
  while the pipeline imports ``kg.export.html`` was such a hidden cycle.)
- Imports under ``if TYPE_CHECKING:`` do not count: they never run, and name types only.
- The package ``kg`` itself is not a node. Its ``__init__`` is the public API's facade: it
  loads its names lazily (by module name, in ``__getattr__``), and at import it loads no
  module of ``kg`` at all (``test_import_kg_loads_no_submodule``), so a module may take
  ``__version__`` from it without a cycle.
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]


def module_names(package: Path) -> dict[str, Path]:
    """Dotted name -> file, for every ``.py`` file under ``package`` (a package is its ``__init__``)."""
    names = {}
    for path in sorted(package.rglob("*.py")):
        parts = list(path.relative_to(package.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every Import / ImportFrom node, wherever it is, except under ``if TYPE_CHECKING:``."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            yield from (n for child in node.orelse for n in _imports(ast.Module([child], [])))
            continue
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        yield from _imports(node)


def import_graph(package: Path) -> nx.DiGraph:
    """The graph of imports between the modules of ``package`` (see the module's docstring)."""
    names = module_names(package)
    top = package.name

    def known(name: str) -> str | None:
        while name and name not in names:
            name = name.rpartition(".")[0]
        return name or None

    graph = nx.DiGraph()
    graph.add_nodes_from(n for n in names if n != top)
    for name, path in names.items():
        if name == top:
            continue
        is_package = path.name == "__init__.py"
        for node in _imports(ast.parse(path.read_text("utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:  # relative: from the module's package, up level - 1 packages
                    anchor = name.split(".") if is_package else name.split(".")[:-1]
                    anchor = anchor[:len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in names else base for a in node.names]
            for target in targets:
                if target.split(".")[0] != top:
                    continue
                found = known(target)
                if found and found != top and found != name:
                    graph.add_edge(name, found, line=node.lineno)
                for package in _packages_run_first(found or "", name, is_package, names, top):
                    graph.add_edge(name, package, line=node.lineno)
    return graph


def _packages_run_first(target: str, importer: str, importer_is_package: bool, names: dict[str, Path],
                        top: str) -> list[str]:
    """The packages above ``target`` whose ``__init__`` an import of it runs: all but the top
    package and those the importer is itself inside (already imported before the importer ran)."""
    parts = target.split(".")
    above = [".".join(parts[:i]) for i in range(2, len(parts))]
    own = importer.split(".") if importer_is_package else importer.split(".")[:-1]
    inside = {".".join(own[:i]) for i in range(1, len(own) + 1)}
    return [p for p in above if p in names and p != top and p not in inside and p != importer]


def cycles(graph: nx.DiGraph) -> list[list[str]]:
    """Each cycle, as the modules on it, with the line of each import: ``kg.a:12 -> kg.b:40 -> kg.a``."""
    found = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            cycle = nx.find_cycle(graph.subgraph(component))
            first = min(range(len(cycle)), key=lambda i: cycle[i][0])
            cycle = cycle[first:] + cycle[:first]  # from its smallest name: the same text every run
            found.append([f"{a}:{graph.edges[a, b]['line']}" for a, b in cycle] + [cycle[0][0]])
    return sorted(found)


def test_no_import_cycle_inside_kg():
    graph = import_graph(ROOT / "kg")
    assert graph.number_of_nodes() > 20 and graph.number_of_edges() > 40  # the walk saw the package
    assert cycles(graph) == [], "import cycles (module:line of the import -> ...): " + "; ".join(
        " -> ".join(c) for c in cycles(graph))


def test_the_check_sees_a_cycle_through_a_function(tmp_path):
    pkg = tmp_path / "kg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("__version__ = '0'\n")
    (pkg / "a.py").write_text("from kg import __version__\nfrom kg.sub import c\n")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "sub" / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import kg.b\n"
                                      "def f():\n    from ..b import g\n    return g\n")
    (pkg / "b.py").write_text("class B:\n    def m(self):\n        import kg.a\n")
    assert cycles(import_graph(pkg)) == [["kg.a:2", "kg.sub.c:5", "kg.b:3", "kg.a"]]
    (pkg / "b.py").write_text("")
    assert cycles(import_graph(pkg)) == []
    (pkg / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import kg.a\n")
    assert cycles(import_graph(pkg)) == []  # a type-only import is no edge


def test_the_check_sees_a_cycle_through_a_package_init(tmp_path):
    """``from kg.p.x import f`` runs ``kg/p/__init__.py`` first: when that ``__init__`` imports a
    module that imports the importer, the two packages need each other (at import, a name of a
    half-initialised module is missing), though no module imports the other's directly."""
    pkg = tmp_path / "kg"
    for sub in ("p", "q"):
        (pkg / sub).mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "p" / "__init__.py").write_text("from kg.p.x import f\nfrom kg.p.y import g\n")
    (pkg / "p" / "x.py").write_text("def f():\n    pass\n")
    (pkg / "p" / "y.py").write_text("from kg.q.z import h\n")
    (pkg / "q" / "__init__.py").write_text("")
    (pkg / "q" / "z.py").write_text("from kg.p.x import f\nh = f\n")
    assert cycles(import_graph(pkg)) == [["kg.p:2", "kg.p.y:1", "kg.q.z:1", "kg.p"]]
    (pkg / "p" / "__init__.py").write_text("from kg.p.x import f\n")  # the __init__ no longer reaches y
    assert cycles(import_graph(pkg)) == []
    (pkg / "q" / "__init__.py").write_text("from kg.q.z import h\n")
    (pkg / "q" / "z.py").write_text("from kg.q.w import k\nh = k\n")  # inside its own package: kg.q ran first
    (pkg / "q" / "w.py").write_text("k = 1\n")
    assert cycles(import_graph(pkg)) == []


def test_import_kg_loads_no_submodule():
    """``import kg`` stays cheap and the facade stays outside every cycle: it loads nothing of kg."""
    code = "import sys, kg; print(sorted(m for m in sys.modules if m.startswith('kg.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# The packages (and top-level modules) of kg/ in pipeline order: each may import only those
# before it. The stages in the order data flows through them (README, "Pipeline"), what they
# all read first, what runs them and what serves their result after.
LAYERS = ("defaults", "knowledge",                                  # read by every stage
          "ingest", "extract", "ner", "resolve", "build", "export", "store",  # the stages
          "pipeline", "serve", "cli", "api", "__main__")            # running and serving them


def test_each_package_imports_only_earlier_stages():
    """A stage never reaches forward into a later one (``kg.export`` does not import ``kg.store``,
    ``kg.resolve`` not ``kg.export``), so the layout reads in the order the data flows."""
    graph = import_graph(ROOT / "kg")
    top_level = {name.split(".")[1] for name in graph}
    assert top_level == set(LAYERS), f"place every package of kg/ in LAYERS: {sorted(top_level ^ set(LAYERS))}"
    backward = sorted(f"{a}:{graph.edges[a, b]['line']} -> {b}" for a, b in graph.edges
                      if LAYERS.index(a.split(".")[1]) < LAYERS.index(b.split(".")[1]))
    assert backward == [], "imports of a later stage: " + "; ".join(backward)


def test_every_package_says_what_it_is_and_what_it_gives():
    """Each package of kg/ opens with a docstring (its stage, its modules) and lists its public
    names in a small ``__all__``, each of which is there (a name, or a module of the package)."""
    import importlib

    packages = sorted(name for name, path in module_names(ROOT / "kg").items()
                      if path.name == "__init__.py" and name != "kg")
    assert len(packages) >= 10, packages
    for name in packages:
        package = importlib.import_module(name)
        assert package.__doc__ and len(package.__doc__.split()) > 20, f"{name} has no docstring saying what it is"
        names = getattr(package, "__all__", None)
        assert names and len(names) <= 12, f"{name}: a small __all__, please ({names})"
        for public in names:
            assert hasattr(package, public) or importlib.util.find_spec(f"{name}.{public}") is not None, \
                f"{name}.__all__ names {public!r}, which is neither in it nor a module of it"
