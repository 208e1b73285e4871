"""Issue 18: what a test pays for its temp dir: tempkit's ``temp_dir``, pytest's ``tmp_path``.

One operation is one test of a real pytest session: the suite is ``ops``
parametrized tests that each write a 5-byte file in their temp dir and read it
back, run in this process with ``pytest.main`` (start-up and collection
included, as a user sees them). Every contestant runs with its defaults:
retention policy "all", three runs kept, under the run's TMPDIR.

- disk: ``temp_dir`` on the local disk against ``tmp_path``;
- the floor: the same session whose tests use no temp dir (what pytest itself
  costs per test), shown for scale;
- memory: ``temp_dir`` with ``tempkit_backend = memory`` (one ini line) against
  ``tmp_path`` and against pyfakefs's ``fs`` fixture (stdlib calls on its fake
  filesystem).

A session whose tests did not all pass is a benchmark bug, and it raises.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

from benchmarks._harness import Case, ComparisonCase, Config, Contestant, Skip, Target

SUITES = {
    "temp_dir": """
import pytest

@pytest.mark.parametrize("n", range({ops}))
def test_write(n, temp_dir):
    (temp_dir / "f.txt").write_text("hello", encoding="utf-8")
    assert (temp_dir / "f.txt").read_text(encoding="utf-8") == "hello"
""",
    "tmp_path": """
import pytest

@pytest.mark.parametrize("n", range({ops}))
def test_write(n, tmp_path):
    (tmp_path / "f.txt").write_text("hello", encoding="utf-8")
    assert (tmp_path / "f.txt").read_text(encoding="utf-8") == "hello"
""",
    "bare": """
import pytest

@pytest.mark.parametrize("n", range({ops}))
def test_write(n):
    assert "hello" == "hello"
""",
    "fs": """
import os, tempfile
import pytest

@pytest.mark.parametrize("n", range({ops}))
def test_write(n, fs):
    directory = tempfile.mkdtemp()
    with open(os.path.join(directory, "f.txt"), "w", encoding="utf-8") as f:
        f.write("hello")
    with open(os.path.join(directory, "f.txt"), encoding="utf-8") as f:
        assert f.read() == "hello"
""",
}
# Plugins none of the suites use: the same for every contestant, and out of the figures.
QUIET = ["-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q", "-p", "no:randomly"]


def _session(directory: Path, args: list[str], ops: int) -> Callable[[], None]:
    def run() -> None:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = pytest_main([str(directory), *QUIET, *args])
        if code != 0 or f"{ops} passed" not in out.getvalue():
            raise AssertionError(f"the benchmark suite failed ({code}):\n{out.getvalue()}")

    return run


def pytest_main(args: list[str]) -> int:
    import pytest

    return int(pytest.main(args))


def cases(config: Config) -> list[Case]:
    """temp_dir against tmp_path on the disk, and in memory against tmp_path and pyfakefs."""
    try:
        import pyfakefs  # noqa: F401
        import pytest  # noqa: F401
    except ImportError as exc:
        raise Skip(f"needs pytest and pyfakefs: pip install -e '.[test]' ({exc})") from None
    ops = config.pick(full=300, quick=10)
    suites = {}
    for name, text in SUITES.items():
        directory = config.scratch(f"plugin-{name}")
        (directory / f"test_{name}_suite.py").write_text(text.format(ops=ops), encoding="utf-8")
        suites[name] = directory
    no_fakefs = ["-p", "no:pyfakefs"]
    return [
        ComparisonCase(
            name="plugin temp dir, disk",
            title=f"a pytest session of {ops} tests, each writing and reading a file in its dir",
            ops=ops,
            unit="test",
            contestants=[
                Contestant("temp_dir", _session(suites["temp_dir"], no_fakefs, ops)),
                Contestant("tmp_path", _session(suites["tmp_path"], no_fakefs, ops)),
                Contestant("no temp dir (floor)", _session(suites["bare"], no_fakefs, ops)),
            ],
            targets=[Target("tmp_path", 1.0)],
        ),
        ComparisonCase(
            name="plugin temp dir, memory",
            title="the same session with tempkit_backend = memory, and on pyfakefs",
            ops=ops,
            unit="test",
            contestants=[
                Contestant(
                    "temp_dir (memory)",
                    _session(suites["temp_dir"], [*no_fakefs, "-o", "tempkit_backend=memory"], ops),
                ),
                Contestant("tmp_path", _session(suites["tmp_path"], no_fakefs, ops)),
                Contestant("pyfakefs fs", _session(suites["fs"], [], ops)),
            ],
            targets=[Target("tmp_path", 1.0)],
        ),
    ]
