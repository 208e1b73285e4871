"""``tempkit sweep``: the real command against what a killed worker left on the real disk."""

from __future__ import annotations

# Loaded before a child drops root: it cannot read the interpreter's files then.
import ctypes  # noqa: F401
import encodings.ascii  # noqa: F401
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tempkit._leases import lease_directory_name
from tempkit.cli._sweep import parse_duration
from tests.support.clitools import run_main_in_child, tempkit
from tests.support.processes import NOBODY_UID, run_unprivileged

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="crash-safe mode is POSIX-only")


def killed_worker(temp_root: Path, body: str) -> list[str]:
    """Run ``body`` in a crash-safe worker, read the paths it prints, SIGKILL it."""
    script = "import json, sys, time\nimport tempkit\n" + textwrap.dedent(body)
    worker = subprocess.Popen(
        [sys.executable, "-c", script],
        env={**os.environ, "TMPDIR": str(temp_root), "TEMPKIT_CRASH_SAFE": "1"},
        stdout=subprocess.PIPE,
        text=True,
    )
    assert worker.stdout is not None
    paths: list[str] = json.loads(worker.stdout.readline())
    worker.kill()
    worker.wait()
    worker.stdout.close()
    return paths


WORK = """
    d = tempkit.TempDirPath.create()
    (d / "inside.txt").write_text("x")
    f = tempkit.TempFilePath.create()
    print(json.dumps([str(d), str(f)]), flush=True)
    time.sleep(600)
"""


def test_sweep_removes_a_dead_workers_objects_and_says_so(temp_root: Path) -> None:
    made = killed_worker(temp_root, WORK)
    dry = tempkit("sweep", "--dry-run", str(temp_root))
    assert dry.returncode == 0, dry.stderr
    assert all(os.path.exists(path) for path in made)
    assert dry.stdout.count("would remove  ") == 3  # two objects and the lease
    assert "objects: 2 would remove" in dry.stdout

    done = tempkit("sweep", "--json", str(temp_root))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["complete"] is True
    removed = sorted(e["path"] for e in report["entries"] if e["action"] == "removed" and e["path"])
    assert removed == sorted(made)
    assert not any(os.path.exists(path) for path in made)
    assert tempkit("sweep", str(temp_root)).stdout == "nothing to sweep\n"


def test_sweep_defaults_to_the_resolved_temp_dir(temp_root: Path) -> None:
    made = killed_worker(temp_root, WORK)
    done = tempkit("sweep", env={**os.environ, "TMPDIR": str(temp_root)})
    assert done.returncode == 0, done.stderr
    assert not any(os.path.exists(path) for path in made)


def test_older_than_leaves_a_fresh_lease(temp_root: Path) -> None:
    made = killed_worker(temp_root, WORK)
    young = tempkit("sweep", "--older-than", "1h", str(temp_root))
    assert young.returncode == 0
    assert "written to less than 3600 s ago" in young.stdout
    assert all(os.path.exists(path) for path in made)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90", 90.0),
        ("90s", 90.0),
        ("10m", 600.0),
        ("1h30m", 5400.0),
        ("2d", 172800.0),
        ("1.5h", 5400.0),
    ],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("args", [["--older-than", "soon"], ["--older-than", ""], ["--bogus"]])
def test_bad_usage_exits_2(args: list[str], temp_root: Path) -> None:
    result = tempkit("sweep", *args)
    assert result.returncode == 2
    assert "tempkit sweep" in result.stderr


def test_a_refused_lease_directory_is_an_error(temp_root: Path) -> None:
    (temp_root / lease_directory_name()).mkdir(mode=0o777)
    (temp_root / lease_directory_name()).chmod(0o777)
    result = tempkit("sweep", str(temp_root))
    assert result.returncode == 1
    assert result.stderr.startswith("tempkit sweep: ")
    assert "refused" in result.stderr


def test_a_removal_that_fails_exits_1(unprivileged_dir: Path) -> None:
    # The unprivileged user's dead worker left a directory; meanwhile root made a
    # subdirectory of it root's own, which that user cannot empty.
    shared = unprivileged_dir

    def work_and_die() -> str:
        os.environ["TMPDIR"] = str(shared)
        import tempkit

        tempkit.reset_tempdir_cache()
        tempkit.enable_crash_safety()
        made = tempkit.TempDirPath.create()
        (made / "sub").mkdir()
        (made / "sub" / "file").write_text("x")
        _held.append(made)
        from tempkit import _leases

        _leases.forget()  # as if killed: the lease stays, nothing is cleaned up
        return str(made)

    made = run_unprivileged(work_and_die)
    os.chown(Path(made) / "sub", 0, 0)
    status, out, err = run_unprivileged(
        lambda: run_main_in_child(["sweep", str(shared)], str(shared), {"TMPDIR": str(shared)})
    )
    assert status == 1, (out, err)
    assert "failed" in out
    assert os.path.isdir(made)
    assert NOBODY_UID != 0


_held: list[object] = []
