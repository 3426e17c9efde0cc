"""The public Python API (``kg``, ``kg.api``): its doctests and the example of docs/api.md run.

Doctests are run here for the modules listed in ``DOCTEST_MODULES``, not with pytest's
``--doctest-modules`` over all of ``kg/``: that would import every module of the package
as a test (``kg/__main__.py`` runs the command line when imported), and an example in a
module not listed is not promised to run. A module whose examples are meant as tests is
added to the list.
"""
from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import os
import pkgutil
import re
from pathlib import Path

import pytest

import kg

ROOT = Path(__file__).resolve().parents[1]
DOCTEST_MODULES = ["kg.api", "kg.export.files", "kg.cli.messages", "kg.export.facts"]


@pytest.mark.parametrize("name", DOCTEST_MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS, report=False)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed (run python -m doctest -v)"


def test_every_public_name_is_documented_with_an_example():
    """Each name of ``kg.__all__`` loads, has a docstring and an example (so a doctest above)."""
    assert kg.__all__ and set(kg.__all__) <= set(dir(kg))
    for name in kg.__all__:
        value = getattr(kg, name)
        assert value.__module__ in DOCTEST_MODULES, name
        assert value.__doc__ and ">>> " in value.__doc__, f"kg.{name} has no docstring with an example"


def test_no_public_name_is_a_module_of_kg():
    """``import kg.x`` sets ``kg.x`` to the module: a function called ``x`` would be replaced."""
    modules = {info.name for info in pkgutil.iter_modules(kg.__path__)}
    assert not set(kg.__all__) & modules


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no_such_name"):
        kg.no_such_name  # noqa: B018


def test_the_example_of_docs_api_md_runs(monkeypatch):
    text = (ROOT / "docs" / "api.md").read_text("utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 1 and len(blocks[0].splitlines()) <= 10, "docs/api.md promises a 10-line example"
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(blocks[0], "docs/api.md", "exec"), {})
    lines = out.getvalue().splitlines()
    assert ("official", "李明远") in eval(lines[0])  # the invented page's official, as the comment says
    nodes, edges = re.fullmatch(r"(\d+) nodes, (\d+) edges", lines[1]).groups()
    assert int(nodes) > 100 and int(edges) > 100  # the seeds and the page
    assert len(lines) == 5 and all(lines[2:]), lines  # three officials' names
    assert os.getcwd() == str(ROOT)
