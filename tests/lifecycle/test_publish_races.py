"""persist(perm=) and atomic_write never change the mode of a file outside their own entry.

Both give the entry its final mode by name, a moment before renaming it into
place. Whoever can write to the entry's directory (a TMPDIR owned by someone
else, a shared directory without the sticky bit) can swap the entry for a
symlink to one of the victim's files in that moment: a mode change that
follows the link would open that file up. Here the victim is this process
(root, whom permission bits never stop) and the attacker a real process of
another user (``DiskWorker``), called at the exact moment by a spy on the
victim's ``os.chmod``; a racing loop does the same without the spy.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import tempkit
from tempkit import BackendPath, Capabilities, PosixBackend, TempDirPath, TempFilePath, atomic_write
from tempkit.backends import posix
from tests.support.processes import DiskWorker

SECRET_MODE = 0o600


class NamedOnlyBackend(PosixBackend):
    """The local disk as a filesystem without O_TMPFILE: atomic_write's named temp file."""

    capabilities = Capabilities(unnamed_files=False, fsync=True)


def swap_for_link(entry: str, target: str) -> bool:
    """The attacker: park ``entry``, put a symlink to ``target`` in its place."""
    try:
        os.rename(entry, entry + ".moved")
    except FileNotFoundError:
        return False
    os.symlink(target, entry)
    return True


def mode_of(path: str | Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def attacker() -> Iterator[DiskWorker]:
    if os.geteuid() != 0:
        pytest.skip("the attacker is another user: dropping privileges needs root")
    with DiskWorker() as worker:
        yield worker


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file of the victim's, private, outside every temp tree."""
    path = tmp_path / "secret"
    path.write_text("private")
    path.chmod(SECRET_MODE)
    return path


def swap_at_first_chmod(
    monkeypatch: pytest.MonkeyPatch, attacker: DiskWorker, matches: Callable[[str], bool], to: str
) -> list[str]:
    """Have the attacker swap the entry just before the victim's first ``chmod`` of it by name."""
    real = os.chmod
    swapped: list[str] = []

    def spy(path: Any, mode: int, *args: Any, **kwargs: Any) -> None:
        if isinstance(path, str) and matches(path) and not swapped:
            assert attacker.call(swap_for_link, path, to)
            swapped.append(path)
        real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", spy)
    return swapped


@pytest.mark.parametrize("kind", [TempFilePath, TempDirPath], ids=["file", "directory"])
def test_persist_perm_never_changes_a_symlink_target(
    kind: type[TempFilePath] | type[TempDirPath],
    unprivileged_dir: Path,
    secret: Path,
    attacker: DiskWorker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tmp = kind.create(dir=unprivileged_dir)  # the attacker's directory: it can rename in it
    target = unprivileged_dir / "published"
    swapped = swap_at_first_chmod(monkeypatch, attacker, lambda p: p == str(tmp), str(secret))
    with pytest.raises(tempkit.PersistError) as caught:
        tmp.persist(target, perm=0o644)
    monkeypatch.undo()
    assert swapped == [str(tmp)], "the attacker never got its moment"
    assert mode_of(secret) == SECRET_MODE
    assert secret.read_text() == "private"
    assert not os.path.lexists(target)
    assert caught.value.temp is tmp
    assert tmp.managed
    tmp.cleanup()  # the attacker's link at its name goes; the secret stays
    assert mode_of(secret) == SECRET_MODE
    assert secret.read_text() == "private"


def test_persist_perm_still_sets_the_mode(temp_root: Path) -> None:
    tmp = TempFilePath.create()
    persisted = tmp.persist(temp_root / "published", perm=0o640)
    assert mode_of(str(persisted)) == 0o640


def test_atomic_write_named_temp_file_never_changes_a_symlink_target(
    unprivileged_dir: Path, secret: Path, attacker: DiskWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = unprivileged_dir / "out.txt"
    temp_prefix = f"{unprivileged_dir}/.out.txt."
    swapped = swap_at_first_chmod(
        monkeypatch, attacker, lambda p: p.startswith(temp_prefix), str(secret)
    )
    backend = NamedOnlyBackend()
    try:
        with atomic_write(BackendPath(str(target), backend=backend), "w", perm=0o644) as f:
            f.write("published")
    except OSError:
        pass  # refusing is fine; opening the secret up is not
    monkeypatch.undo()
    assert mode_of(secret) == SECRET_MODE
    assert secret.read_text() == "private"
    assert not os.path.islink(target)
    if not swapped:
        # The mode was set through the descriptor: no by-name chmod for the attacker to race.
        assert mode_of(target) == 0o644
        assert target.read_text() == "published"


# -- a racing attacker -----------------------------------------------------------------------------
def swap_every_entry(directory: str, prefixes: tuple[str, ...], target: str, stop: str) -> int:
    """The attacker, in a loop: every entry whose name starts with a prefix becomes a link."""
    swaps = 0
    while not os.path.exists(stop):
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        for name in names:
            if name.startswith(prefixes) and not name.endswith(".moved"):
                entry = f"{directory}/{name}"
                try:
                    if not os.path.islink(entry) and swap_for_link(entry, target):
                        swaps += 1
                except OSError:
                    pass
    return swaps


ROUNDS = 200


def test_racing_attacker_never_opens_up_the_victims_file(
    unprivileged_dir: Path, secret: Path, attacker: DiskWorker
) -> None:
    directory = str(unprivileged_dir)
    stop = f"{directory}/stop"
    attacker.submit(swap_every_entry, directory, ("tmp", ".out-"), str(secret), stop)
    backend = NamedOnlyBackend()
    time.sleep(0.05)
    try:
        for i in range(ROUNDS):
            tmp = TempFilePath.create(dir=directory)
            try:
                tmp.persist(f"{directory}/persisted-{i}", perm=0o644)
            except tempkit.PersistError:
                tmp.cleanup(ignore_errors=True)
            assert mode_of(secret) == SECRET_MODE, f"round {i}"
            target = BackendPath(f"{directory}/out-{i}", backend=backend)
            try:
                with atomic_write(target, "w", perm=0o644) as f:
                    f.write("x")
            except OSError:
                pass  # the attacker took the temp file away: refused, which is fine
            assert mode_of(secret) == SECRET_MODE, f"round {i} (atomic_write)"
    finally:
        with open(stop, "w"):
            pass
        swaps = attacker.result()
    assert swaps > 0, "the attacker never swapped anything: the race did not run"
    assert secret.read_text() == "private"


# -- cleanup of a temp file whose name now holds a directory --------------------------------------
def rename_in_place(directory: str, old: str, new: str) -> None:
    """The attacker: take the temp file away and give its name to another entry of the directory."""
    os.rename(f"{directory}/{new}", f"{directory}/{new}.taken")
    os.rename(f"{directory}/{old}", f"{directory}/{new}")


@pytest.mark.parametrize("ignore_errors", [False, True])
def test_file_cleanup_never_removes_a_directory_put_at_its_name(
    unprivileged_dir: Path, attacker: DiskWorker, ignore_errors: bool
) -> None:
    # Two temp objects of the victim's in the attacker's directory: the attacker
    # cannot write into the victim's 0o700 temp dir, but it can rename it onto the
    # temp file's name. Cleaning up the file must not empty the directory.
    directory = str(unprivileged_dir)
    victim_dir = TempDirPath.create(dir=directory)
    (victim_dir / "work").write_text("the owner's work")
    tmp = TempFilePath.create(dir=directory)
    attacker.call(rename_in_place, directory, victim_dir.name, tmp.name)
    assert os.path.isdir(str(tmp))
    if ignore_errors:
        tmp.cleanup(ignore_errors=True)
    else:
        with pytest.raises(tempkit.CleanupError) as caught:
            tmp.cleanup()
        assert [path for path, _ in caught.value.errors] == [str(tmp)]
    assert (Path(str(tmp)) / "work").read_text() == "the owner's work"
    victim_dir.cleanup(ignore_errors=True)
    PosixBackend().rmtree(str(tmp))
    tmp.cleanup()  # its name is free now: nothing left to do, and no longer managed
    assert not tmp.managed
    os.unlink(f"{tmp}.taken")


# -- no clobbering where renameat2 cannot help -----------------------------------------------------
def make_empty_dir(path: str) -> bool:
    """The attacker: put an empty directory of its own at ``path``, if it can."""
    try:
        os.mkdir(path, 0o755)
    except FileExistsError:
        return False
    return True


def test_persist_of_a_directory_without_renameat2_never_replaces_one_made_meanwhile(
    unprivileged_dir: Path, attacker: DiskWorker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without renameat2(RENAME_NOREPLACE) a directory is renamed with rename(2),
    # which replaces an empty directory: another user who makes one at the target
    # just before the rename (in a shared temp dir, sticky, as /tmp is) must find
    # the name taken, or see persist refuse; their directory is never replaced.
    monkeypatch.setattr(posix, "_renameat2_state", "absent")
    shared = unprivileged_dir
    shared.chmod(0o1777)
    tmp = TempDirPath.create(dir=shared)
    (tmp / "result").write_text("done")
    target = f"{shared}/published"
    real_rename = os.rename
    attacker_made: list[bool] = []

    def spy(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if dst == target and not attacker_made:
            attacker_made.append(attacker.call(make_empty_dir, target))
        real_rename(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "rename", spy)
    try:
        tmp.persist(target)
        persisted = True
    except FileExistsError:
        persisted = False
    monkeypatch.undo()
    assert attacker_made, "the attacker never got its moment"
    owner = os.stat(target).st_uid
    if attacker_made[0]:
        assert not persisted, "the attacker's directory was replaced"
        assert owner != 0
        tmp.cleanup()
    else:
        assert persisted
        assert owner == 0
        assert Path(target, "result").read_text() == "done"
