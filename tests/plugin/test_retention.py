"""Retention across runs: the newest N runs stay, older ones go, live and foreign ones stay.

Each test runs pytest several times on one small suite (in this process, with
the per-user root under the test's own TMPDIR) and looks at the root on disk.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tempkit._pytest_bases import LOCK_NAME, LOCK_TIMEOUT
from tests.support.plugin_suites import runs, seen, suite, user_root, without_basetemp

pytest_plugins = ["pytester"]

ONE_TEST = """
def test_writes(temp_dir):
    (temp_dir / "out.txt").write_text("run output", encoding="utf-8")
    note("dir", str(temp_dir))
"""


def _run_times(pytester: pytest.Pytester, times: int, *args: str) -> list[Path]:
    """Run the suite ``times`` times; return each run's temp_dir."""
    made = []
    for _ in range(times):
        pytester.runpytest(*args).assert_outcomes(passed=1)
        made.append(Path(seen(pytester)["dir"]))
    return made


def test_the_newest_three_runs_stay_by_default(pytester: pytest.Pytester, temp_root: Path) -> None:
    without_basetemp(pytester)
    suite(pytester, ONE_TEST)
    made = _run_times(pytester, 5)
    assert [path.parent.name for path in made] == [f"run-{n}" for n in range(5)]
    assert runs(temp_root) == {f"run-{n}": [made[n].name] for n in (2, 3, 4)}  # no locks left
    assert (made[4] / "out.txt").read_text(encoding="utf-8") == "run output"


def test_the_count_comes_from_the_ini_file(pytester: pytest.Pytester, temp_root: Path) -> None:
    without_basetemp(pytester)
    pytester.makeini("[pytest]\ntempkit_retention_count = 1\n")
    suite(pytester, ONE_TEST)
    made = _run_times(pytester, 3)
    assert runs(temp_root) == {"run-2": [made[2].name]}


def test_a_count_of_zero_keeps_nothing(pytester: pytest.Pytester, temp_root: Path) -> None:
    without_basetemp(pytester)
    suite(pytester, ONE_TEST)
    _run_times(pytester, 2, "-o", "tempkit_retention_count=0")
    assert runs(temp_root) == {}


def test_a_run_whose_lock_is_fresh_is_left_alone_until_the_lock_is_stale(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    # run-0 stands for a concurrent session still running: its lock is fresh.
    without_basetemp(pytester)
    root = user_root(temp_root)
    (root / "run-0" / "busy").mkdir(parents=True)
    root.chmod(0o700)
    (root / "run-0" / LOCK_NAME).write_text("12345\n", encoding="ascii")
    suite(pytester, ONE_TEST)
    made = _run_times(pytester, 3, "-o", "tempkit_retention_count=1")
    assert runs(temp_root) == {"run-0": [LOCK_NAME, "busy"], "run-3": [made[2].name]}

    stale = time.time() - LOCK_TIMEOUT - 60  # its session died three days ago
    os.utime(root / "run-0" / LOCK_NAME, (stale, stale))
    made = _run_times(pytester, 1, "-o", "tempkit_retention_count=1")
    assert runs(temp_root) == {"run-4": [made[0].name]}


def test_leftovers_of_a_crashed_session_are_removed_by_the_next_one(
    pytester: pytest.Pytester, temp_root: Path
) -> None:
    without_basetemp(pytester)
    root = user_root(temp_root)
    # A removal that died half way, with a read-only directory inside.
    garbage = root / "garbage-k2v9x0qa" / "locked"
    garbage.mkdir(parents=True)
    (garbage / "f").write_text("x", encoding="utf-8")
    garbage.chmod(0o500)
    # A run that was being put in place when its session died long ago, and one being put
    # in place right now by a session that is still starting.
    for name, age in ((".new-oldoldol", LOCK_TIMEOUT + 60), (".new-freshfre", 0)):
        (root / name).mkdir()
        (root / name / LOCK_NAME).write_text("1\n", encoding="ascii")
        os.utime(root / name, (time.time() - age, time.time() - age))
    root.chmod(0o700)
    suite(pytester, ONE_TEST)
    made = _run_times(pytester, 1)
    assert runs(temp_root) == {".new-freshfre": [LOCK_NAME], "run-0": [made[0].name]}


def test_a_file_named_like_a_run_is_not_removed(pytester: pytest.Pytester, temp_root: Path) -> None:
    without_basetemp(pytester)
    root = user_root(temp_root)
    root.mkdir(mode=0o700)
    (root / "run-0").write_text("not tempkit's", encoding="utf-8")
    suite(pytester, ONE_TEST)
    made = _run_times(pytester, 2, "-o", "tempkit_retention_count=1")
    assert (root / "run-0").read_text(encoding="utf-8") == "not tempkit's"
    assert [path.parent.name for path in made] == ["run-1", "run-2"]
    assert sorted(runs(temp_root)) == ["run-0", "run-2"]
