"""Every example in a docstring of ``jsna`` (the ``>>>`` lines) runs and shows what it says.

A test here rather than ``--doctest-modules`` in the pytest configuration: that option also
collects every file under ``tests/`` as a doctest module, and two ``conftest.py`` files then
clash (``pytest tests/sources tests/clean/test_postcode.py`` stops with "import file mismatch").
Every module is searched, so a new example is tested as soon as it is written.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import jsna

MODULES = sorted(info.name for info in pkgutil.walk_packages(jsna.__path__, "jsna."))


def test_every_module_is_searched_and_examples_are_found() -> None:
    assert {"jsna.stats.arrays", "jsna.clean.upn", "jsna.formatting"} <= set(MODULES)
    import jsna.stats.arrays

    found = doctest.DocTestFinder().find(jsna.stats.arrays)
    assert sum(len(test.examples) for test in found) == 2  # the two examples of as_floats


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    report: list[str] = []
    runner = doctest.DocTestRunner()
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.append)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, "".join(report)
