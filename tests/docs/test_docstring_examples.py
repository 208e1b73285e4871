"""Every ``>>>`` example in the package's docstrings runs and prints what it shows.

The examples are what the API reference and ``help()`` show a user, so each one is
a test: it runs with the standard ``doctest`` machinery (``ELLIPSIS`` on, as for
``...`` in a traceback), in the per-test temp root the shared fixtures give
(``TMPDIR`` points there), and must leave nothing in it. ``# doctest: +SKIP``
marks an example that needs what a test run has not (the S3 server's).
"""

from __future__ import annotations

import doctest
import functools
import importlib
import io
import pkgutil
from pathlib import Path

import pytest

import tempkit

# Modules that are not imported: ``python -m tempkit`` runs the command on import.
SKIPPED_MODULES = frozenset(("tempkit.__main__",))
FLAGS = doctest.ELLIPSIS


@functools.cache
def docstring_examples() -> dict[str, doctest.DocTest]:
    """Every docstring with examples in the package, by the name doctest gives it."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    found: dict[str, doctest.DocTest] = {}
    names = [tempkit.__name__] + [
        info.name for info in pkgutil.walk_packages(tempkit.__path__, "tempkit.")
    ]
    for name in names:
        if name in SKIPPED_MODULES:
            continue
        module = importlib.import_module(name)
        for test in finder.find(module, name):
            if test.examples:
                found.setdefault(test.name, test)
    return found


def test_the_examples_are_found() -> None:
    # Guards the finder: an example it missed would never run.
    names = docstring_examples()
    assert len(names) >= 25, sorted(names)
    for name in (
        "tempkit.temp.TempDirPath.create",
        "tempkit.backends.memory.MemoryBackend",
        "tempkit.signals.cleanup_on_signals",
    ):
        assert name in names


@pytest.mark.parametrize("name", sorted(docstring_examples()))
def test_docstring_example_runs(name: str, temp_root: Path) -> None:
    test = docstring_examples()[name]
    test.globs = dict(test.globs)  # a fresh namespace per run; the module's own names
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    result = runner.run(test, out=report.write, clear_globs=True)
    assert result.failed == 0, report.getvalue()
    assert sorted(p.name for p in temp_root.iterdir()) == [], "the example left files behind"
