"""The speed shortcuts keep every promise of the careful path.

Cleanup of a temp file tries one ``unlink`` and a temp directory one ``rmdir``
before the full walk; the temp dir lookup remembers the last backend; the owner
pid is cached and refreshed on fork. Each test here puts the shortcut in a
situation where taking it blindly would be wrong and checks the outcome on the
real disk.
"""

from __future__ import annotations

import gc
import itertools
import os
import stat
import threading
import warnings
import weakref
from pathlib import Path

import pytest

import tempkit
from tempkit import (
    Capabilities,
    CleanupError,
    MemoryBackend,
    PosixBackend,
    TempDirPath,
    TempFilePath,
    gettempdir,
    naming,
    reset_tempdir_cache,
)
from tests.support.processes import run_forked, run_unprivileged


# -- temp file: one unlink, else the careful path -----------------------------------------------
def test_temp_file_replaced_by_a_symlink_removes_only_the_link(
    tmp_path: Path, temp_root: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_bytes(b"keep me")
    tmp = TempFilePath.create()
    os.unlink(tmp)
    os.symlink(target, tmp)
    tmp.cleanup()
    assert not os.path.lexists(tmp)
    assert target.read_bytes() == b"keep me"
    assert not tmp.managed


def test_temp_file_replaced_by_a_directory_tree_leaves_the_tree(temp_root: Path) -> None:
    # The tree is not the temp file's: whoever put it there may have renamed one
    # of the owner's directories to that name (tests/lifecycle/test_publish_races.py).
    tmp = TempFilePath.create()
    os.unlink(tmp)
    os.mkdir(tmp)
    os.mkdir(Path(tmp, "sub"))
    Path(tmp, "sub", "f").write_bytes(b"x")
    with pytest.raises(CleanupError) as caught:
        tmp.cleanup()
    assert isinstance(caught.value.errors[0][1], IsADirectoryError)
    assert Path(tmp, "sub", "f").read_bytes() == b"x"
    assert tmp.managed
    tmp.cleanup(ignore_errors=True)  # nothing raised, the tree still left
    assert Path(tmp, "sub", "f").read_bytes() == b"x"
    assert not tmp.managed


def test_temp_file_that_cannot_be_unlinked_raises_cleanup_error_and_stays_managed(
    unprivileged_dir: Path,
) -> None:
    locked = unprivileged_dir / "locked"

    def attempt() -> tuple[str, bool, bool]:
        locked.mkdir()
        tmp = TempFilePath.create(dir=locked)
        os.chmod(locked, 0o500)  # the file cannot be unlinked, and its parent is not ours to fix
        try:
            tmp.cleanup()
        except CleanupError as exc:
            outcome = f"CleanupError errno={exc.errno} filename={exc.filename == str(tmp)}"
        else:
            outcome = "removed"
        still_there = os.path.lexists(tmp)
        managed = tmp.managed
        os.chmod(locked, 0o700)
        tmp.cleanup()
        return outcome, still_there, managed

    outcome, still_there, managed = run_unprivileged(attempt)
    assert outcome == "CleanupError errno=13 filename=True"
    assert still_there
    assert managed
    assert os.listdir(locked) == []


# -- temp directory: one rmdir, else the walk ---------------------------------------------------
def test_empty_temp_dir_replaced_by_a_symlink_to_an_empty_dir_keeps_the_target(
    tmp_path: Path, temp_root: Path
) -> None:
    # rmdir never follows a final symlink: the link goes, the empty target stays.
    outside = tmp_path / "outside-empty"
    outside.mkdir(mode=0o755)
    tmp = TempDirPath.create()
    os.rmdir(tmp)
    os.symlink(outside, tmp)
    tmp.cleanup()
    assert not os.path.lexists(tmp)
    assert outside.is_dir()
    assert stat.S_IMODE(os.stat(outside).st_mode) == 0o755


def test_read_only_empty_temp_dir_is_removed(temp_root: Path) -> None:
    tmp = TempDirPath.create()
    os.chmod(tmp, 0o500)
    tmp.cleanup()
    assert not os.path.lexists(tmp)


def test_non_empty_temp_dir_still_takes_the_walk(temp_root: Path) -> None:
    tmp = TempDirPath.create()
    (tmp / "a").mkdir()
    (tmp / "a" / "f").write_bytes(b"x")
    os.chmod(tmp / "a", 0o500)
    tmp.cleanup()
    assert not os.path.lexists(tmp)


def test_posix_rmtree_of_a_plain_file_removes_it(temp_root: Path) -> None:
    target = temp_root / "file"
    target.write_bytes(b"x")
    PosixBackend().rmtree(str(target))
    assert not target.exists()


# -- the temp dir lookup remembers the last backend ---------------------------------------------
def test_lookup_follows_reset_and_tmpdir_changes(
    tmp_path: Path, temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = TempFilePath.create()
    assert Path(first).parent == temp_root
    first.cleanup()
    other = tmp_path / "other-root"
    other.mkdir()
    monkeypatch.setenv("TMPDIR", str(other))
    still = TempFilePath.create()
    assert Path(still).parent == temp_root  # cached until reset, as documented
    still.cleanup()
    reset_tempdir_cache()
    moved = TempFilePath.create()
    assert Path(moved).parent == other
    moved.cleanup()


def test_lookup_alternating_backends_gets_each_its_own_dir(temp_root: Path) -> None:
    memory = MemoryBackend(environ={"TMPDIR": "/scratch"})
    memory.mkdir("/scratch")
    disk = PosixBackend()
    for _ in range(3):
        assert gettempdir(memory) == "/scratch"
        assert gettempdir(disk) == str(temp_root)
    in_memory = TempFilePath.create(backend=memory)
    on_disk = TempFilePath.create(backend=disk)
    assert str(in_memory).startswith("/scratch/")
    assert Path(on_disk).parent == temp_root
    in_memory.cleanup()
    on_disk.cleanup()


def test_lookup_keeps_no_backend_alive(temp_root: Path) -> None:
    memory = MemoryBackend(environ={"TMPDIR": "/scratch"})
    memory.mkdir("/scratch")
    assert gettempdir(memory) == "/scratch"
    alive = weakref.ref(memory)
    del memory
    gc.collect()
    assert alive() is None


# -- the owner pid is refreshed in a forked child -----------------------------------------------
def test_a_forked_child_owns_what_it_creates(temp_root: Path) -> None:
    def create_and_forget() -> tuple[bool, list[str]]:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            tmp = TempFilePath.create()
            path = str(tmp)
            del tmp
            gc.collect()
        return os.path.lexists(path), [str(w.message) for w in caught]

    exists, messages = run_forked(create_and_forget)
    assert not exists
    assert len(messages) == 1
    assert "implicitly cleaning up temp file" in messages[0]
    assert os.listdir(temp_root) == []


# -- names are drawn in batches; each is handed out once ------------------------------------------
def test_each_batched_name_is_handed_out_exactly_once_across_threads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A counter stands in for the CSPRNG so that any name handed out twice is certain
    # to show up as a duplicate (random names would collide only by chance).
    counter = itertools.count()

    def numbered(count: int, length: int, table: bytes, drop: bytes) -> str:
        return "".join(f"{next(counter):0{length}d}" for _ in range(count))

    monkeypatch.setattr(naming, "_draw", numbered)
    monkeypatch.setattr(naming, "_pool", [])  # the real pool comes back afterwards
    per_thread = 3 * naming._BATCH + 5
    results: list[list[str]] = [[] for _ in range(8)]
    start = threading.Barrier(len(results))

    def take(slot: int) -> None:
        start.wait()
        results[slot] = [naming.random_name() for _ in range(per_thread)]

    threads = [threading.Thread(target=take, args=(i,)) for i in range(len(results))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = [name for batch in results for name in batch]
    assert len(names) == len(results) * per_thread
    assert len(set(names)) == len(names)


# -- Capabilities stay a value --------------------------------------------------------------------
def test_capabilities_are_an_immutable_value() -> None:
    caps = Capabilities(permissions=False, delete_on_close=True)
    assert caps == Capabilities(permissions=False, delete_on_close=True)
    assert caps != Capabilities()
    assert hash(caps) == hash(Capabilities(permissions=False, delete_on_close=True))
    assert (caps.permissions, caps.symlinks, caps.delete_on_close) == (False, True, True)
    assert "permissions=False" in repr(caps)
    with pytest.raises(AttributeError):
        caps.permissions = True  # type: ignore[misc]
    assert tempkit.Capabilities is Capabilities
