"""Real pytest-xdist runs (``pytest -n 2``): a base per worker, no race, nothing left over.

Each run is a separate ``python -m pytest`` process, as a user starts it (no
``--basetemp``), with the test's own TMPDIR; the inner tests write what they
saw to one file per test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tempkit._pytest_bases import LOCK_NAME
from tests.support.plugin_suites import HEADER, PYFAKEFS_NEIGHBOURS, runs, user_root

pytest_plugins = ["pytester"]

SUITE = """
import json, os, pathlib
import pytest

@pytest.mark.parametrize("n", range(6))
def test_many(n, temp_dir, temp_dir_factory):
    assert temp_dir.parent == temp_dir_factory.getbasetemp()
    (temp_dir / "out.txt").write_text(str(n), encoding="utf-8")
    if n == int(os.environ.get("FAIL_TEST", "-1")):
        raise AssertionError("this one fails")
    pathlib.Path(f"seen-{n}.json").write_text(json.dumps({
        "worker": os.environ["PYTEST_XDIST_WORKER"],
        "dir": str(temp_dir),
        "base": str(temp_dir_factory.getbasetemp()),
    }))
"""


# Plugins the inner runs do not need; loading them in every worker would double the time.
QUIET_PLUGINS = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-p", "no:pyfakefs")


def _pytest(directory: Path, *args: str, fail: int | None = None) -> subprocess.Popen[str]:
    env = dict(os.environ, FAIL_TEST=str(fail if fail is not None else -1))
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "xdist", "-n", "2", "-q", *QUIET_PLUGINS, *args],
        cwd=directory,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen[str], expected: int = 0) -> str:
    output, _ = process.communicate(timeout=300)
    assert process.returncode == expected, output
    return output


def _seen(directory: Path) -> list[dict[str, str]]:
    found = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(directory.glob("seen-*"))]
    for path in directory.glob("seen-*"):
        path.unlink()
    return found


def test_every_worker_has_its_own_base_in_one_run(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    pytester.makepyfile(test_spread=SUITE)
    _finish(_pytest(pytester.path))
    seen = _seen(pytester.path)
    assert len(seen) == 6
    run = user_root(temp_root) / "run-0"
    bases = {entry["worker"]: entry["base"] for entry in seen}
    assert bases == {worker: str(run / worker) for worker in bases}
    assert all(Path(entry["dir"]).parent == run / entry["worker"] for entry in seen)
    # Policy "all": the run stays, with one directory per worker and nothing else (no lock).
    assert runs(temp_root) == {"run-0": sorted(bases)}
    kept = [Path(entry["dir"]) / "out.txt" for entry in seen]
    assert sorted(path.read_text(encoding="utf-8") for path in kept) == [str(n) for n in range(6)]


def test_nothing_is_left_after_a_run_with_policy_none_or_a_passing_run_with_failed(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    pytester.makepyfile(test_spread=SUITE)
    _finish(_pytest(pytester.path, "-o", "tempkit_retention_policy=none"))
    assert runs(temp_root) == {}
    _finish(_pytest(pytester.path, "-o", "tempkit_retention_policy=failed"))
    assert runs(temp_root) == {}


def test_with_policy_failed_only_the_failed_tests_directory_stays(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    pytester.makepyfile(test_spread=SUITE)
    output = _finish(_pytest(pytester.path, "-o", "tempkit_retention_policy=failed", fail=3), 1)
    assert "1 failed, 5 passed" in output
    [(run, workers)] = runs(temp_root).items()
    kept = [
        child.relative_to(user_root(temp_root) / run)
        for worker in workers
        for child in (user_root(temp_root) / run / worker).iterdir()
    ]
    assert [str(path.parent) for path in kept] == workers  # one worker, one directory
    assert [path.name.startswith("test_many_3_-") for path in kept] == [True]


def test_concurrent_sessions_do_not_trip_over_each_others_retention(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    # pytest-dev/pytest#5456: sessions started together, each cleaning up old runs.
    pytester.makepyfile(test_spread=SUITE)
    count = ("-o", "tempkit_retention_count=1")
    sessions = [_pytest(pytester.path, *count) for _ in range(3)]
    outputs = [_finish(session) for session in sessions]
    assert all("6 passed" in output for output in outputs), outputs
    # Each ran in a run of its own; none is locked any more, and no half-removed run is left.
    left = runs(temp_root)
    assert all(name.startswith("run-") and LOCK_NAME not in names for name, names in left.items())
    assert 1 <= len(left) <= 3
    _finish(_pytest(pytester.path, *count))
    assert list(runs(temp_root)) == ["run-3"]


def test_temp_dir_next_to_pyfakefs_in_the_workers(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    # A worker's base lies in the controller's run on the real disk, which pyfakefs's
    # disk does not have: a test with fs gets a run of its own on the fake disk.
    pytest.importorskip("pyfakefs")
    pytester.makepyfile(test_fake=HEADER + PYFAKEFS_NEIGHBOURS)
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "xdist", "-n", "2", "-q", "-p", "no:cacheprovider"],
        cwd=pytester.path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert "4 passed" in _finish(process)
    [(run, workers)] = runs(temp_root).items()
    names = sorted(
        child.name.rsplit("-", 1)[0]
        for worker in workers
        for child in (user_root(temp_root) / run / worker).iterdir()
    )
    assert names == ["test_2_real", "test_4_real_again"]
