"""The lean finalizer keeps the contract of ``weakref.finalize`` (atexit=True).

Collection calls it once; exit calls every attached one, newest first, reporting
a failure and carrying on; detach stops it; nothing is retained afterwards. The
exit behaviour is checked in real interpreters that exit normally.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

from tempkit import TempDirPath, TempFilePath, _finalizer
from tempkit._finalizer import finalize


class Thing:
    """Something weakly referenceable to hang finalizers on."""


def test_collection_calls_it_once_with_its_arguments() -> None:
    calls: list[tuple[object, ...]] = []
    thing = Thing()
    finalizer = finalize(thing, lambda *args: calls.append(args), 1, "two")
    assert finalizer.alive
    del thing
    assert calls == [(1, "two")]
    assert not finalizer.alive
    assert finalizer.detach() is False
    gc.collect()
    assert calls == [(1, "two")]


def test_an_object_in_a_reference_cycle_is_finalized_by_the_collector() -> None:
    calls: list[str] = []
    thing = Thing()
    thing.me = thing  # type: ignore[attr-defined]
    finalize(thing, calls.append, "cycle")
    del thing
    assert calls == []
    gc.collect()
    assert calls == ["cycle"]


def test_detach_stops_it_for_good() -> None:
    calls: list[str] = []
    thing = Thing()
    finalizer = finalize(thing, calls.append, "x")
    assert finalizer.detach() is True
    assert finalizer.detach() is False
    assert not finalizer.alive
    del thing
    gc.collect()
    assert calls == []


def test_nothing_is_retained_after_cleanup_or_collection(temp_root: Path) -> None:
    before = len(_finalizer._attached)
    for _ in range(200):
        TempFilePath.create().cleanup()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        for _ in range(50):
            TempDirPath.create()  # forgotten: the collection finalizes it
        gc.collect()
    assert len(_finalizer._attached) == before
    assert os.listdir(temp_root) == []


def test_a_forgotten_temp_file_warns_naming_it_and_is_removed(temp_root: Path) -> None:
    tmp = TempFilePath.create()
    path = str(tmp)
    with pytest.warns(ResourceWarning, match=f"implicitly cleaning up temp file '{path}'"):
        del tmp
        gc.collect()
    assert not os.path.lexists(path)


def run_python(code: str, temp_root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
        check=True,
    )


def test_exit_runs_every_attached_one_newest_first_and_survives_a_failure(
    temp_root: Path,
) -> None:
    result = run_python(
        """
        from tempkit._finalizer import finalize

        class Thing:
            pass

        def say(word):
            print(word, flush=True)

        def fail():
            raise RuntimeError("finalizer failed on purpose")

        def late():
            # made during the exit pass: it runs too
            finalize(KEEP[0], say, "made-while-exiting")
            say("third")

        KEEP = [Thing() for _ in range(5)]
        finalize(KEEP[0], say, "last")
        finalize(KEEP[1], fail)
        finalize(KEEP[2], late)
        detached = finalize(KEEP[3], say, "never")
        detached.detach()
        finalize(KEEP[4], say, "first")
        print("exiting", flush=True)
        """,
        temp_root,
    )
    assert result.stdout.split() == ["exiting", "first", "third", "made-while-exiting", "last"]
    assert "RuntimeError: finalizer failed on purpose" in result.stderr


def test_exit_removes_live_temp_objects_with_a_warning_naming_each(temp_root: Path) -> None:
    result = run_python(
        """
        from tempkit import TempDirPath, TempFilePath
        HELD = [TempFilePath.create(), TempDirPath.create()]
        (HELD[1] / "inside.txt").write_text("x", encoding="utf-8")
        print(*HELD, flush=True)
        """,
        temp_root,
    )
    file_path, dir_path = result.stdout.split()
    assert os.listdir(temp_root) == []
    assert f"implicitly cleaning up temp file '{file_path}'" in result.stderr
    assert f"implicitly cleaning up temp directory '{dir_path}'" in result.stderr
