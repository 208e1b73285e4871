"""Where tempkit.tempfile is safer than the standard library, on real processes and users.

- implicit cleanup acts only in the process that created the object: a forked
  child that drops it, or exits, leaves its parent's files alone;
- removal is relative to directory descriptors: a directory swapped for a
  symlink during cleanup cannot send it outside the tree;
- crash-safe mode records what the drop-in owns, so a sweep reclaims it after
  SIGKILL (and leaves what the caller owns: ``mkstemp``, ``delete=False``);
- permission-denied cases, which CPython's suite skips as root, run here as
  an unprivileged user; ``ignore_cleanup_errors`` ignores every failure (the
  standard library lets a PermissionError of its permission fix-up through)
  and the next ``cleanup()`` tries again.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

import tempkit
import tempkit.tempfile as tf
from tests.backends.test_cleanup_chmod_race import OUTSIDE_MODE, mode_of, swaps_on_refusal
from tests.lifecycle.test_crash_safety import first_line, kill, recording_off, start_worker
from tests.support.processes import DiskWorker, drop_in_child, run_unprivileged


def test_a_forked_child_dropping_the_objects_leaves_the_parents_alone(temp_root: Path) -> None:
    directory = tf.TemporaryDirectory()
    named = tf.NamedTemporaryFile()
    spooled = tf.SpooledTemporaryFile(max_size=1)
    spooled.write(b"rolled over")
    paths = [directory.name, named.name, spooled.name or ""]
    held: list[Any] = [directory, named, spooled]

    still_there, messages = drop_in_child(held, lambda: all(os.path.exists(p) for p in paths))
    assert still_there
    assert messages == []  # the child's copies did nothing, so they said nothing
    assert all(os.path.exists(p) for p in paths)
    spooled.close()
    named.close()
    directory.cleanup()
    assert os.listdir(temp_root) == []


def test_a_forked_child_exiting_leaves_the_parents_directory(temp_root: Path) -> None:
    # The child exits normally, so interpreter exit runs every finalizer left.
    script = """
        import os, sys
        import warnings
        import tempkit.tempfile as tempfile
        warnings.filterwarnings("always", category=ResourceWarning)
        kept = tempfile.TemporaryDirectory()
        named = tempfile.NamedTemporaryFile()
        pid = os.fork()
        if pid == 0:
            sys.exit(0)
        os.waitpid(pid, 0)
        print(os.path.isdir(kept.name), os.path.exists(named.name))
        """
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
    )
    assert result.stdout.split() == ["True", "True"]
    assert "Implicitly cleaning up" in result.stderr  # the parent's own exit, once
    assert result.stderr.count("Implicitly cleaning up") == 1
    assert os.listdir(temp_root) == []


def test_a_directory_swapped_for_a_symlink_cannot_redirect_cleanup(unprivileged_dir: Path) -> None:
    # When removal of an unreadable directory is refused, the directory is
    # swapped for a symlink to one outside, right then. The permission fix-up
    # and the removal that follow must not reach the link's target.
    base = str(unprivileged_dir)

    def attack() -> tuple[int, list[str], str]:
        outside = f"{base}/outside"
        os.mkdir(outside)
        os.chmod(outside, OUTSIDE_MODE)
        with open(f"{outside}/precious", "w") as f:
            f.write("keep me")
        tempkit.reset_tempdir_cache()
        directory = tf.TemporaryDirectory(dir=base)
        victim = f"{directory.name}/sub"
        os.mkdir(victim)
        with open(f"{victim}/file", "w"):
            pass
        os.chmod(victim, 0o000)
        restore = swaps_on_refusal(victim, outside)()
        try:
            directory.cleanup()
        except OSError as exc:
            refused = f"{type(exc).__name__}: {exc.filename}"
        else:
            refused = "nothing refused"
        finally:
            restore()
        return mode_of(outside), sorted(os.listdir(outside)), refused

    outside_mode, outside_entries, refused = run_unprivileged(attack)
    assert outside_mode == OUTSIDE_MODE
    assert outside_entries == ["precious"]
    # The swap is seen and named, not followed.
    assert refused.startswith("NotADirectoryError: ") and refused.endswith("/sub")


@pytest.mark.parametrize("make", ["mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile"])
def test_a_read_only_directory_refuses_with_permission_error(
    unprivileged_dir: Path, make: str
) -> None:
    # CPython's suite skips this as root ("can't set the directory read-only").
    base = str(unprivileged_dir)

    def attempt() -> tuple[str, list[str]]:
        tf.tempdir = base
        os.chmod(base, 0o500)
        try:
            getattr(tf, make)()
        except PermissionError as exc:
            return type(exc).__name__, os.listdir(base)
        finally:
            os.chmod(base, 0o700)
        return "nothing raised", os.listdir(base)

    assert run_unprivileged(attempt) == ("PermissionError", [])


__all__ = ["recording_off"]  # the crash-safety tests' fixture: mode off around each test

_HELD: dict[str, tf.TemporaryDirectory[str]] = {}


def _make_directory(base: str, ignore_errors: bool) -> str:
    directory = tf.TemporaryDirectory(dir=base, ignore_cleanup_errors=ignore_errors)
    _HELD["directory"] = directory
    return directory.name


def _clean_up() -> tuple[str, list[str] | None]:
    directory = _HELD["directory"]
    try:
        directory.cleanup()
        outcome = "cleaned"
    except OSError as exc:
        outcome = f"{type(exc).__name__} {type(exc.__cause__).__name__}"
    left = sorted(os.listdir(directory.name)) if os.path.exists(directory.name) else None
    return outcome, left


@pytest.mark.parametrize("ignore_errors", [True, False], ids=["ignored", "raised"])
def test_cleanup_errors_are_ignored_or_raised_and_tried_again(
    unprivileged_dir: Path, ignore_errors: bool
) -> None:
    # An entry its owner cannot remove: a root-owned directory inside.
    with DiskWorker() as worker:
        name = worker.call(_make_directory, str(unprivileged_dir), ignore_errors)
        os.mkdir(f"{name}/locked", 0o755)
        Path(f"{name}/locked/file").write_text("root's", encoding="utf-8")
        Path(f"{name}/removable").write_text("x", encoding="utf-8")
        os.chown(f"{name}/removable", 65534, 65534)

        outcome, left = worker.call(_clean_up)
        expected = "cleaned" if ignore_errors else "PermissionError CleanupError"
        assert (outcome, left) == (expected, ["locked"])  # the rest went

        os.chown(f"{name}/locked", 65534, 65534)
        os.chown(f"{name}/locked/file", 65534, 65534)
        assert worker.call(_clean_up) == ("cleaned", None)  # the next cleanup finished it
    assert os.listdir(unprivileged_dir) == []


def test_mkstemp_text_mode_is_accepted_on_posix(temp_root: Path) -> None:
    fd, path = tf.mkstemp(text=True)
    os.write(fd, b"line\r\n\x1a")
    os.close(fd)
    assert Path(path).read_bytes() == b"line\r\n\x1a"  # POSIX has no text mode
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


DROP_IN_WORK = """
    import tempkit.tempfile as tempfile
    directory = tempfile.TemporaryDirectory()
    os.mkdir(os.path.join(directory.name, "inside"))
    named = tempfile.NamedTemporaryFile()
    kept = tempfile.NamedTemporaryFile(delete=False)
    fd, owned_by_caller = tempfile.mkstemp()
    forgotten = tempfile.TemporaryDirectory()
    forgotten_name = forgotten.name
    del forgotten  # removed implicitly, and so no longer in the lease
    print(json.dumps({
        "recorded": [directory.name, named.name],
        "stay": [kept.name, owned_by_caller],
        "forgotten": forgotten_name,
    }), flush=True)
    time.sleep(600)
"""


def test_crash_safe_mode_records_what_the_drop_in_owns(temp_root: Path) -> None:
    worker = start_worker(temp_root, DROP_IN_WORK, PYTHONWARNINGS="ignore::ResourceWarning")
    made = first_line(worker)
    assert isinstance(made, dict)
    kill(worker)
    assert not os.path.lexists(made["forgotten"])

    report = tempkit.sweep([temp_root])

    assert sorted(entry.path for entry in report.removed) == sorted(made["recorded"])
    for path in made["recorded"]:
        assert not os.path.lexists(path)
    for path in made["stay"]:  # delete=False and mkstemp: the caller's, as in the stdlib
        assert os.path.exists(path)
