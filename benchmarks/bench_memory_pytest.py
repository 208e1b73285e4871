"""Issue 17: what a small pytest test pays for its temp dir in memory, tmp_path or pyfakefs.

Each contestant is a suite of N parametrized tests that write a 5-byte file in
their temp dir and read it back, run as users run it: ``python -m pytest`` in a
subprocess (start-up and collection included). The suites:

- *memory*: ``temp_dir`` with the ``memory_backend`` fixture (tempkit in memory);
- *tmp_path*: pytest's own ``tmp_path`` on the disk;
- *pyfakefs*: pyfakefs's ``fs`` fixture, ``tempfile.mkdtemp`` and ``pathlib`` on its disk;
- *floor*: the same tests with no temp dir at all (what pytest itself costs);
- *two fixtures*: the floor's tests asking for two trivial fixtures of their own,
  one depending on the other, as ``temp_dir`` and ``memory_backend`` do (what
  pytest's fixture machinery costs a test, before any temp dir work).

Every round runs the four sessions back to back. A test's cost is the session's
time over N; what the temp dir costs a test is that minus the floor's, paired
round by round. Target: memory's cost over the floor at most 1/5 of tmp_path's.
Reported with both clocks' choice of the run (wall, or the children's CPU).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

from benchmarks._harness import Case, Config, MeasuredCase, Measurement, Skip, children_cpu

SUITES = {
    "memory": """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_write(n, memory_backend, temp_dir):
    file = temp_dir / "f.txt"
    file.write_text("hello")
    assert file.read_text() == "hello"
""",
    "tmp_path": """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_write(n, tmp_path):
    file = tmp_path / "f.txt"
    file.write_text("hello")
    assert file.read_text() == "hello"
""",
    "pyfakefs": """
import tempfile
from pathlib import Path

import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_write(n, fs):
    file = Path(tempfile.mkdtemp()) / "f.txt"
    file.write_text("hello")
    assert file.read_text() == "hello"
""",
    "floor": """
import pytest

@pytest.mark.parametrize("n", range({tests}))
def test_write(n):
    text = "hello"
    assert text == "hello"
""",
    "two fixtures": """
import pytest

@pytest.fixture
def first():
    yield "hel"

@pytest.fixture
def second(first):
    return first + "lo"

@pytest.mark.parametrize("n", range({tests}))
def test_write(n, first, second):
    assert second == "hello"
""",
}
FLAGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "-W", "error::ResourceWarning"]
TARGET = 1 / 5


def cases(config: Config) -> list[Case]:
    """The per-test cost of each suite, and memory's against tmp_path's and pyfakefs's."""
    try:
        import pyfakefs  # noqa: F401
        import pytest  # noqa: F401
    except ImportError as exc:
        raise Skip(f"needs pytest and pyfakefs (the dev group): {exc}") from None
    tests = config.pick(full=1000, quick=20)

    def measure(config: Config) -> list[Measurement]:
        return _measure(config, tests)

    return [
        MeasuredCase(
            name="memory pytest test",
            title=f"a pytest session of {tests} small tests in a subprocess, per test",
            measure=measure,
            notes=[
                "over the floor = (session - the same session without a temp dir) / tests, "
                "median of the rounds' paired differences",
                f"target: memory's cost over the floor <= {TARGET:.2f} of tmp_path's",
            ],
        )
    ]


def _measure(config: Config, tests: int) -> list[Measurement]:
    sessions = {name: _session(config, name, tests) for name in SUITES}
    clock: Callable[[], float] = children_cpu if config.clock == "cpu" else time.perf_counter
    for run in sessions.values():  # warm-up: bytecode caches, page cache
        run(clock)
    rounds = max(3, min(config.rounds, 9))
    per_test: dict[str, list[float]] = {name: [] for name in SUITES}
    names = list(SUITES)
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            per_test[name].append(sessions[name](clock) / tests)
    over = {
        name: [t - f for t, f in zip(per_test[name], per_test["floor"], strict=True)]
        for name in ("memory", "tmp_path", "pyfakefs", "two fixtures")
    }
    unit = "us"
    result = [
        Measurement(
            f"{name}: session / tests",
            statistics.median(values) * 1e6,
            unit,
            note=f"range {min(values) * 1e6:.0f}..{max(values) * 1e6:.0f}",
        )
        for name, values in per_test.items()
    ]
    result += [
        Measurement(
            f"{name}: over the floor",
            statistics.median(values) * 1e6,
            unit,
            note=f"range {min(values) * 1e6:.0f}..{max(values) * 1e6:.0f}",
        )
        for name, values in over.items()
    ]
    paired = [m / t for m, t in zip(over["memory"], over["tmp_path"], strict=True)]
    result.append(
        Measurement(
            "memory / tmp_path, over the floor",
            statistics.median(paired),
            "x",
            limit=TARGET,
            note=f"rounds {min(paired):.2f}..{max(paired):.2f}",
        )
    )
    own = [m - f for m, f in zip(per_test["memory"], per_test["two fixtures"], strict=True)]
    result.append(
        Measurement(
            "memory: over two fixtures (tempkit's own part)",
            statistics.median(own) * 1e6,
            unit,
            note=f"range {min(own) * 1e6:.0f}..{max(own) * 1e6:.0f}",
        )
    )
    fakefs = [m / p for m, p in zip(over["memory"], over["pyfakefs"], strict=True)]
    result.append(
        Measurement(
            "memory / pyfakefs, over the floor",
            statistics.median(fakefs),
            "x",
            note=f"rounds {min(fakefs):.3f}..{max(fakefs):.3f}",
        )
    )
    return result


def _session(config: Config, name: str, tests: int) -> Callable[[Callable[[], float]], float]:
    directory = config.scratch(f"memory-pytest-{name.replace(' ', '-')}")
    (directory / f"test_{name.replace('-', '_').replace(' ', '_')}_suite.py").write_text(
        SUITES[name].format(tests=tests), encoding="utf-8"
    )
    # pytest's defaults for the base temp dir, as users run it (three runs kept).
    command = [sys.executable, "-m", "pytest", str(directory), *FLAGS]
    # Bytecode is cached as after any install (the warm-up round writes it). Any
    # non-empty PYTHONDONTWRITEBYTECODE, "0" too, would recompile every session.
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def run(clock: Callable[[], float]) -> float:
        start = clock()
        done = subprocess.run(
            command, cwd=directory, env=environment, capture_output=True, text=True, check=False
        )
        elapsed = clock() - start
        if done.returncode != 0 or f"{tests} passed" not in done.stdout:
            raise RuntimeError(f"the {name} suite failed ({done.returncode}):\n{done.stdout}")
        return elapsed

    return run
