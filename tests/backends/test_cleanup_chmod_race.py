"""Cleanup never changes the mode of anything outside the tree, even when raced.

When the walker meets a directory its owner cannot read, it gives the owner
access (0o700) and tries again. An attacker who can write into the tree may
swap that directory for a symlink to one of the victim's directories in the
moment between the failed open and the mode change. These tests make that
swap happen at each step of the fix-up, deterministically (a spy on ``os``
calls does the swap at the worst moment) and by a racing process, as an
unprivileged user (root is never refused, so as root the fix-up never runs).
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import tempkit
from tempkit import MemoryBackend, PosixBackend, TempDirPath
from tempkit.backends import _rmtree
from tempkit.backends._rmtree import BackendTreeOps, remove_tree
from tests.support.processes import run_unprivileged

OUTSIDE_MODE = 0o755


def mode_of(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def swap_for_link(victim: str, outside: str) -> None:
    """What the attacker does: park the directory, put a symlink to ``outside`` in its place."""
    os.rename(victim, victim + ".moved")
    os.symlink(outside, victim)


def patched(module: Any, name: str, wrapper: Callable[..., Any]) -> Callable[[], None]:
    real = getattr(module, name)
    setattr(module, name, wrapper(real))
    return lambda: setattr(module, name, real)


def open_that_swaps_on_refusal(victim: str, outside: str) -> Callable[[Any], Any]:
    """``os.open`` that swaps ``victim`` right after the kernel refused to open it."""

    def wrapper(real: Any) -> Any:
        def spy(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            try:
                return real(path, flags, *args, **kwargs)  # type: ignore[no-any-return]
            except PermissionError:
                if os.path.isdir(victim) and not os.path.islink(victim):
                    swap_for_link(victim, outside)
                raise

        return spy

    return wrapper


def swaps_before_mode_change(victim: str, outside: str) -> Callable[[], Callable[[], None]]:
    """Swap ``victim`` at the first step of changing its mode, after the walk's lstat.

    That first step is an ``O_PATH`` open (where the walker proves the entry's
    identity) or a by-name ``chmod``: only a walker that compares what it
    changes with what it saw can tell.
    """
    o_path = getattr(os, "O_PATH", 0)

    def swap_once() -> None:
        if not os.path.islink(victim):
            swap_for_link(victim, outside)

    def open_wrapper(real: Any) -> Any:
        def spy(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if o_path and flags & o_path:
                swap_once()
            return real(path, flags, *args, **kwargs)  # type: ignore[no-any-return]

        return spy

    def chmod_wrapper(real: Any) -> Any:
        def spy(path: Any, mode: int, *args: Any, **kwargs: Any) -> None:
            if not isinstance(path, int):
                swap_once()
            real(path, mode, *args, **kwargs)

        return spy

    def install() -> Callable[[], None]:
        restore_open = patched(os, "open", open_wrapper)
        restore_chmod = patched(os, "chmod", chmod_wrapper)

        def restore() -> None:
            restore_chmod()
            restore_open()

        return restore

    return install


def swaps_on_refusal(victim: str, outside: str) -> Callable[[], Callable[[], None]]:
    return lambda: patched(os, "open", open_that_swaps_on_refusal(victim, outside))


SCENARIOS = {
    "subdir 0o000, swapped when refused": ("sub", 0o000, swaps_on_refusal),
    "subdir 0o300, swapped when refused": ("sub", 0o300, swaps_on_refusal),
    "subdir 0o000, swapped before the mode change": ("sub", 0o000, swaps_before_mode_change),
    "top 0o000, swapped when refused": ("", 0o000, swaps_on_refusal),
    "top 0o300, swapped before the mode change": ("", 0o300, swaps_before_mode_change),
}


@pytest.mark.parametrize("o_path", [True, False], ids=["O_PATH proof", "no O_PATH"])
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_swapped_directory_keeps_outside_mode(
    unprivileged_dir: Path, scenario: str, o_path: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    relative, restricted_mode, spy = SCENARIOS[scenario]
    base = str(unprivileged_dir)
    if not o_path:
        # As on a system without O_PATH: the by-name fallback must refuse links too.
        monkeypatch.setattr(_rmtree, "_O_PATH", 0)

    def attack() -> tuple[int, bool, bool]:
        outside = f"{base}/outside"
        os.mkdir(outside)
        os.chmod(outside, OUTSIDE_MODE)
        tempkit.reset_tempdir_cache()
        tmp = TempDirPath.create(dir=base)
        victim = f"{tmp}/{relative}" if relative else str(tmp)
        if relative:
            os.mkdir(victim)
        with open(f"{victim}/file", "w"):
            pass  # not empty, so no single rmdir removes it without the walk
        os.chmod(victim, restricted_mode)
        restore = spy(victim, outside)()
        try:
            tmp.cleanup(ignore_errors=True)
        finally:
            restore()
        return mode_of(outside), os.path.islink(victim), os.path.isdir(victim + ".moved")

    outside_mode, swapped, parked = run_unprivileged(attack)
    assert swapped, "the spy never swapped: the scenario did not reach the fix-up"
    assert parked
    assert outside_mode == OUTSIDE_MODE


def test_swapped_directory_is_named_in_the_cleanup_error(unprivileged_dir: Path) -> None:
    base = str(unprivileged_dir)

    def attack() -> tuple[list[str], int]:
        outside = f"{base}/outside"
        os.mkdir(outside, OUTSIDE_MODE)
        tempkit.reset_tempdir_cache()
        tmp = TempDirPath.create(dir=base)
        victim = f"{tmp}/sub"
        os.mkdir(victim, 0o000)
        restore = swaps_before_mode_change(victim, outside)()
        try:
            with pytest.raises(tempkit.CleanupError) as caught:
                tmp.cleanup()
        finally:
            restore()
        return [path for path, _ in caught.value.errors], mode_of(outside)

    named, outside_mode = run_unprivileged(attack)
    assert f"{base}/" in named[0]
    assert named[0].endswith("/sub")
    assert outside_mode == OUTSIDE_MODE


def test_by_path_walker_never_changes_a_link_target(unprivileged_dir: Path) -> None:
    # The walker for backends without directory descriptors works by path: its
    # mode change must not follow a symlink either.
    base = str(unprivileged_dir)

    def attack() -> tuple[int, bool]:
        outside = f"{base}/outside"
        os.mkdir(outside, OUTSIDE_MODE)
        root = f"{base}/tree"
        os.mkdir(root, 0o700)
        victim = f"{root}/sub"
        os.mkdir(victim, 0o000)

        def wrapper(real: Any) -> Any:
            def spy(path: Any = ".") -> Any:
                try:
                    return real(path)
                except PermissionError:
                    if path == victim and not os.path.islink(victim):
                        swap_for_link(victim, outside)
                    raise

            return spy

        restore = patched(os, "scandir", wrapper)
        try:
            remove_tree(BackendTreeOps(PosixBackend()), root, "/", ignore_errors=True)
        finally:
            restore()
        return mode_of(outside), os.path.islink(victim)

    outside_mode, swapped = run_unprivileged(attack)
    assert swapped
    assert outside_mode == OUTSIDE_MODE


def test_memory_walker_never_changes_a_link_target() -> None:
    # The memory backend enforces owner permission bits, so a 0o000 directory
    # is refused there as on a real disk; the swap comes between the refusal
    # and the fix-up, from the same process (as another thread could).
    backend = MemoryBackend()
    backend.mkdir("/outside", 0o755)
    tmp = TempDirPath.create(dir="/", backend=backend)
    victim = f"{tmp}/sub"
    backend.mkdir(victim, 0o000)
    tree = backend._tree
    real_open_at = tree.open_directory_at
    swapped: list[bool] = []

    def spy(directory: Any, name: str) -> Any:
        try:
            return real_open_at(directory, name)
        except Exception:
            if not swapped:
                backend.rename(victim, victim + ".moved")
                backend.symlink("/outside", victim)
                swapped.append(True)
            raise

    tree.open_directory_at = spy  # type: ignore[method-assign]
    tmp.cleanup(ignore_errors=True)
    assert swapped
    assert stat.S_IMODE(backend.stat("/outside").st_mode) == 0o755


# -- racing processes --------------------------------------------------------------------------
def race(victim: str, outside: str, stop_file: str) -> None:
    """Swap ``victim`` for a symlink and back as fast as possible until ``stop_file`` exists."""
    parked = victim + ".moved"
    while not os.path.exists(stop_file):
        try:
            os.rename(victim, parked)
            os.symlink(outside, victim)
            os.unlink(victim)
            os.rename(parked, victim)
        except OSError:
            pass  # cleanup removed something under us; keep trying


ROUNDS = 300


def start_racer(kind: str, victim: str, outside: str, stop: str) -> Callable[[], None]:
    """Start a swapping process or thread; the returned call waits for it to stop."""
    if kind == "thread":
        thread = threading.Thread(target=race, args=(victim, outside, stop))
        thread.start()
        return thread.join
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            race(victim, outside, stop)
        finally:
            os._exit(0)
    return lambda: os.waitpid(pid, 0) and None


def cleanups_under_attack(
    base: str, restricted_mode: int, rounds: int, racer: str = "process"
) -> tuple[int, list[int]]:
    """Run ``rounds`` cleanups, each raced by a swapping process or thread; modes seen outside."""
    outside = f"{base}/outside"
    os.mkdir(outside, OUTSIDE_MODE)
    with open(f"{outside}/canary", "w") as canary:
        canary.write("precious")
    tempkit.reset_tempdir_cache()
    changed: list[int] = []
    hits = 0
    for i in range(rounds):
        tmp = TempDirPath.create(dir=base)
        victim = f"{tmp}/sub"
        os.mkdir(victim)
        os.mkdir(f"{victim}/inner")
        os.chmod(victim, restricted_mode)
        stop = f"{base}/stop-{i}"
        wait = start_racer(racer, victim, outside, stop)
        time.sleep(0.0005)
        try:
            tmp.cleanup(ignore_errors=True)
        finally:
            with open(stop, "w"):
                pass
            wait()
        if os.path.lexists(f"{tmp}"):
            hits += 1  # the racer got in the way: the tree was left for the final sweep
        if mode_of(outside) != OUTSIDE_MODE:
            changed.append(mode_of(outside))
            os.chmod(outside, OUTSIDE_MODE)
        for leftover in (f"{victim}.moved", victim):
            if os.path.islink(leftover):
                os.unlink(leftover)
            elif os.path.isdir(leftover):
                os.chmod(leftover, 0o700)
        PosixBackend().rmtree(str(tmp), ignore_errors=True)
        os.unlink(stop)
    return hits, changed


@pytest.mark.parametrize("racer", ["process", "thread"])
@pytest.mark.parametrize("restricted_mode", [0o000, 0o300])
def test_racing_attacker_as_unprivileged_user(
    unprivileged_dir: Path, restricted_mode: int, racer: str
) -> None:
    base = str(unprivileged_dir)
    _, changed = run_unprivileged(
        lambda: cleanups_under_attack(base, restricted_mode, ROUNDS, racer)
    )
    assert changed == []
    assert (unprivileged_dir / "outside" / "canary").read_text() == "precious"


@pytest.mark.parametrize("racer", ["process", "thread"])
def test_racing_attacker_as_root(tmp_path: Path, racer: str) -> None:
    if os.geteuid() != 0:
        pytest.skip("the root case needs root")
    _, changed = cleanups_under_attack(str(tmp_path), 0o000, ROUNDS, racer)
    assert changed == []
    assert (tmp_path / "outside" / "canary").read_text() == "precious"
