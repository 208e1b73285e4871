from __future__ import annotations

import ctypes  # noqa: F401 - renameat2 goes through it, and the unprivileged child cannot load it
import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tempkit import PosixBackend
from tempkit.backends import posix
from tests.support.processes import run_unprivileged


def test_utime_error_names_the_path_on_every_python(temp_root: Path) -> None:
    missing = str(temp_root / "missing" / "file")
    with pytest.raises(FileNotFoundError) as info:
        PosixBackend().utime(missing)
    assert info.value.filename == missing
    assert info.value.errno is not None


@pytest.fixture
def old_libc_chmod(monkeypatch: pytest.MonkeyPatch) -> None:
    """``os.chmod`` as on glibc before 2.32, which this machine's C library is not.

    There ``fchmodat(AT_SYMLINK_NOFOLLOW)`` fails for every file, and Python
    raises NotImplementedError for ``follow_symlinks=False`` whatever the entry.
    """
    real = os.chmod

    def chmod(
        path: Any, mode: int, *args: Any, follow_symlinks: bool = True, **kwargs: Any
    ) -> None:
        if not follow_symlinks:
            raise NotImplementedError("chmod: follow_symlinks unavailable on this platform")
        real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "chmod", chmod)


@pytest.mark.skipif(not hasattr(os, "O_PATH"), reason="the fallback needs O_PATH")
@pytest.mark.parametrize("proc", [True, False], ids=["/proc", "no /proc"])
def test_chmod_without_following_works_where_the_c_library_refuses_it(
    temp_root: Path, old_libc_chmod: None, proc: bool, request: pytest.FixtureRequest
) -> None:
    if not proc:
        request.getfixturevalue("no_proc")
    file = temp_root / "file"
    file.write_text("x")
    file.chmod(0o600)
    PosixBackend().chmod(str(file), 0o640, follow_symlinks=False)
    assert stat.S_IMODE(os.stat(file).st_mode) == 0o640


@pytest.fixture
def no_proc(monkeypatch: pytest.MonkeyPatch) -> None:
    """As where /proc is not mounted (it is here): the O_PATH way cannot name the entry."""
    monkeypatch.setattr(posix, "_PROC_FD", "/nonexistent-proc/self/fd")


@pytest.mark.parametrize("libc", ["this", "old", "old, no /proc"])
def test_chmod_without_following_refuses_a_symlink_and_leaves_its_target(
    temp_root: Path, libc: str, request: pytest.FixtureRequest
) -> None:
    if libc != "this":
        request.getfixturevalue("old_libc_chmod")
    if libc == "old, no /proc":
        request.getfixturevalue("no_proc")
    target = temp_root / "target"
    target.write_text("x")
    target.chmod(0o600)
    link = temp_root / "link"
    link.symlink_to(target)
    with pytest.raises(NotImplementedError):
        PosixBackend().chmod(str(link), 0o644, follow_symlinks=False)
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600


@pytest.mark.parametrize("mode", [0o700, 0o500])
@pytest.mark.parametrize("renameat2", ["present", "absent"])
def test_a_directory_renamed_into_itself_is_einval_and_leaves_nothing(
    unprivileged_dir: Path, renameat2: str, mode: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # renameat2 answers EINVAL here as it does for a filesystem without the flag,
    # so the fallback runs: its placeholder must neither change the error (a
    # read-only directory refuses the placeholder: PermissionError) nor stay.
    if renameat2 == "absent":
        monkeypatch.setattr(posix, "_renameat2_state", "absent")
    directory = unprivileged_dir / "c"

    def attempt() -> tuple[int | None, list[str]]:
        directory.mkdir(mode=mode)
        try:
            PosixBackend().rename_noreplace(str(directory), str(directory / "a"))
        except OSError as exc:
            return exc.errno, os.listdir(directory)
        return None, os.listdir(directory)

    code, left = run_unprivileged(attempt)
    assert code == errno.EINVAL
    assert left == []
