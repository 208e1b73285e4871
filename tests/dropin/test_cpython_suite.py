"""CPython's own ``Lib/test/test_tempfile.py``, run against ``tempkit.tempfile``.

The file is the one shipped with the interpreter running pytest, so each
interpreter in the test command runs its own version of the suite. Its
TestCase classes are collected here as they are; see ``cpython_suite`` for
how only the test module's view of ``tempfile`` is changed, and for the few
tests left out (they reach into the standard library's private names).
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import tempkit.tempfile
from tests.dropin import cpython_suite

_suite = cpython_suite.load()
globals().update(cpython_suite.test_cases(_suite))


DOC = Path(__file__).resolve().parents[2] / "docs" / "migrating-from-tempfile.md"


def test_every_left_out_test_exists_and_is_listed_in_the_docs() -> None:
    # A stale entry would leave out nothing; an unlisted one would be hidden.
    doc = DOC.read_text(encoding="utf-8")
    module = cpython_suite.load()
    for name in cpython_suite.LEFT_OUT:
        class_name, _, method = name.partition(".")
        cls = vars(module)[class_name]
        assert not method or method in vars(cls), f"{name} is not in {cpython_suite.SOURCE}"
        assert f"| `{name}` |" in doc, f"{name} is not listed in {DOC.name}"
    listed = {line.split("`")[1] for line in doc.splitlines() if line.startswith("| `Test")}
    assert listed == set(cpython_suite.LEFT_OUT)


def test_only_the_test_modules_view_of_tempfile_changes() -> None:
    # The suite must test the drop-in, and nothing else may see it as tempfile.
    module = cpython_suite.load()
    assert vars(module)["tempfile"] is tempkit.tempfile
    stdlib = Path(sysconfig.get_path("stdlib"))
    standard = importlib.import_module("tempfile")
    assert sys.modules["tempfile"] is standard
    assert Path(standard.__file__ or "").parent == stdlib
    assert vars(module)["os"].__name__ == "os"  # other imports are the real ones
    script = cpython_suite.child_script("import tempfile\nprint(tempfile)")
    assert script.splitlines()[0].endswith("import tempkit.tempfile as tempfile")


def test_child_scripts_import_the_tempkit_under_test() -> None:
    # The shutdown tests' children run isolated (-I); with site-packages left out as well
    # (-S) no installed tempkit can stand in for the one this process tests.
    script = cpython_suite.child_script(
        "if True:\n    import tempfile\n    print(tempfile.__file__, tempfile.mkdtemp)"
    )
    child = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script],
        capture_output=True,
        text=True,
        check=True,
    )
    assert child.stdout.split()[0] == tempkit.tempfile.__file__


def test_the_suite_runs_without_pytest() -> None:
    # scripts/test.d/40-cpython-suite runs it this way on the interpreters without a venv.
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), str(root)])}
    child = subprocess.run(
        [sys.executable, "-m", "tests.dropin.cpython_suite"],
        capture_output=True,
        text=True,
        env=env,
        cwd=root,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert "OK" in child.stderr
    assert f"against {tempkit.tempfile.__file__}" in child.stderr
