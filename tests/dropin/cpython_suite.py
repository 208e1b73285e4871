"""Load CPython's own ``test_tempfile`` with ``tempkit.tempfile`` as its ``tempfile``.

The test module is the one of the interpreter running the tests
(``Lib/test/test_tempfile.py`` of its standard library), compiled as a module
of our own. Only that module's view of ``tempfile`` changes: its globals get a
``__builtins__`` whose ``__import__`` answers ``import tempfile`` with
``tempkit.tempfile``; every other module, and ``sys.modules["tempfile"]``,
keep the standard library's. The scripts it runs in child interpreters (the
shutdown tests) get the same view: their ``import tempfile`` line is made to
import ``tempkit.tempfile``, from the same source tree as this process's (the
children run isolated, ``-I``, so without this they would import whichever
tempkit is installed, or none).

``python -m tests.dropin.cpython_suite`` runs the suite with unittest alone (no
pytest, no installed tempkit: ``PYTHONPATH=src:.``), which is how interpreters
without a development venv are checked (``scripts/test.d/40-cpython-suite``).

Tests that reach into the standard library's private names are left out, each
with its reason (``LEFT_OUT``, also listed in docs/migrating-from-tempfile.md):
they are reported as skipped with "left out: <reason>".
"""

from __future__ import annotations

import builtins
import os
import re
import shutil
import sys
import sysconfig
import types
import unittest
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import tempkit
import tempkit.tempfile

SOURCE = Path(sysconfig.get_path("stdlib")) / "test" / "test_tempfile.py"
LEFT_OUT_PREFIX = "left out: "

# Test (class or Class.method) -> why it cannot run against another implementation.
LEFT_OUT: Mapping[str, str] = {
    "TestRandomNameSequence": "tests the private name generator tempfile._RandomNameSequence",
    "TestCandidateTempdirList": "tests the private tempfile._candidate_tempdir_list",
    "TestGetDefaultTempdir": (
        "tests the private tempfile._get_default_tempdir, replacing "
        "tempfile._candidate_tempdir_list and os.open"
    ),
    "TestGetCandidateNames": "tests the private tempfile._get_candidate_names",
    "TestMkstempInner": "tests the private tempfile._mkstemp_inner",
    "TestMkdtemp.test_collision_with_existing_file": (
        "replaces the private tempfile._get_candidate_names to force a name collision"
    ),
    "TestMkdtemp.test_collision_with_existing_directory": (
        "replaces the private tempfile._get_candidate_names to force a name collision"
    ),
    "TestNamedTemporaryFile.test_unexpected_error": (
        "patches the standard library's private tempfile._TemporaryFileWrapper and io.open"
    ),
    "TestTemporaryFile.test_unexpected_error": (
        "patches the standard library's private tempfile._O_TMPFILE_WORKS, os.open, "
        "os.unlink and os.close"
    ),
}

_IMPORT_TEMPFILE = re.compile(r"^(\s*)import tempfile$", re.MULTILINE)
# The directory this process imports tempkit from, put first on a child's sys.path.
_TEMPKIT_ROOT = str(Path(tempkit.__file__).resolve().parents[1])


def _import_tempkit_tempfile(
    name: str,
    globals: Mapping[str, object] | None = None,
    locals: Mapping[str, object] | None = None,
    fromlist: Any = (),
    level: int = 0,
) -> types.ModuleType:
    if name == "tempfile" and level == 0:
        return tempkit.tempfile
    return builtins.__import__(name, globals, locals, fromlist, level)


def child_script(code: str) -> str:
    """``code`` (run in a child interpreter) importing ``tempkit.tempfile`` as ``tempfile``."""
    line = (
        f"import sys as _sys; _sys.path.insert(0, {_TEMPKIT_ROOT!r}); "
        "import tempkit.tempfile as tempfile"
    )
    redirected, count = _IMPORT_TEMPFILE.subn(lambda m: m.group(1) + line, code)
    if count == 0:
        raise AssertionError(
            f"a child script without 'import tempfile' would test nothing:\n{code}"
        )
    return redirected


class _ChildScripts:
    """``test.support.script_helper`` whose ``-c`` scripts import ``tempkit.tempfile``."""

    def __init__(self, real: types.ModuleType) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def _redirect(self, args: tuple[Any, ...]) -> tuple[Any, ...]:
        out = list(args)
        for i, arg in enumerate(out[:-1]):
            if arg == "-c":
                out[i + 1] = child_script(out[i + 1])
        return tuple(out)

    def assert_python_ok(self, *args: Any, **env_vars: Any) -> Any:
        return self._real.assert_python_ok(*self._redirect(args), **env_vars)

    def assert_python_failure(self, *args: Any, **env_vars: Any) -> Any:
        return self._real.assert_python_failure(*self._redirect(args), **env_vars)


def _left_out(reason: str) -> Callable[[Any], Any]:
    return unittest.skip(LEFT_OUT_PREFIX + reason)


def load() -> types.ModuleType:
    """CPython's test_tempfile seeing ``tempkit.tempfile`` as ``tempfile``; LEFT_OUT skipped."""
    module = types.ModuleType("cpython_test_tempfile")
    module.__file__ = str(SOURCE)
    namespace = vars(module)
    namespace["__builtins__"] = {**vars(builtins), "__import__": _import_tempkit_tempfile}
    code = compile(SOURCE.read_text(encoding="utf-8"), str(SOURCE), "exec")
    exec(code, namespace)
    if namespace["tempfile"] is not tempkit.tempfile:
        raise AssertionError("the CPython test module did not get tempkit.tempfile")
    namespace["script_helper"] = _ChildScripts(namespace["script_helper"])
    for name, reason in LEFT_OUT.items():
        class_name, _, method = name.partition(".")
        cls = namespace[class_name]
        if method:
            setattr(cls, method, _left_out(reason)(getattr(cls, method)))
        else:
            namespace[class_name] = _left_out(reason)(cls)
    return module


def test_cases(module: types.ModuleType) -> dict[str, type[unittest.TestCase]]:
    """The module's TestCase classes that hold tests, by name."""
    return {
        name: value
        for name, value in vars(module).items()
        if isinstance(value, type)
        and issubclass(value, unittest.TestCase)
        and unittest.defaultTestLoader.getTestCaseNames(value)
    }


def main() -> int:
    """Run the suite with unittest under a fresh TMPDIR; 0 if nothing failed and tests ran."""
    root = tempkit.tempfile.mkdtemp(prefix="cpython-suite-")
    os.environ["TMPDIR"] = root
    tempkit.reset_tempdir_cache()
    tempkit.tempfile.tempdir = None
    try:
        cases = test_cases(load()).values()
        suite = unittest.TestSuite(map(unittest.defaultTestLoader.loadTestsFromTestCase, cases))
        print(f"CPython {SOURCE} against {tempkit.tempfile.__file__}", file=sys.stderr)
        result = unittest.TextTestRunner(verbosity=1).run(suite)
    finally:
        shutil.rmtree(root)
    return 0 if result.wasSuccessful() and result.testsRun else 1


__all__ = ["LEFT_OUT", "LEFT_OUT_PREFIX", "SOURCE", "child_script", "load", "main", "test_cases"]

if __name__ == "__main__":
    sys.exit(main())
