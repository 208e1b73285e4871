"""Temp files and directories on the real disk: create, lifecycle, persist, policies, bad input."""

from __future__ import annotations

import errno
import gc
import logging
import os
import stat
import subprocess
import sys
import textwrap
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import tempkit
from tempkit import (
    BackendPath,
    CleanupError,
    MemoryBackend,
    OpenTempFile,
    PersistError,
    PosixBackend,
    TempDirPath,
    TempFilePath,
    TempPath,
    naming,
)
from tempkit.backends import posix
from tempkit.backends.protocol import Backend
from tests.support.processes import NOBODY_GID, NOBODY_UID, drop_in_child, run_unprivileged

Maker = Callable[..., Any]
# Each way of making a temp object, as (id, maker, expected kind of entry).
MAKERS: list[tuple[str, Maker]] = [
    ("file", TempFilePath.create),
    ("dir", TempDirPath.create),
    ("open", TempFilePath.create_open),
]
MAKER_IDS = [name for name, _ in MAKERS]


def make(kind: str, **kwargs: Any) -> TempPath:
    """Create a temp object of ``kind``; for "open" the file is closed, the path returned."""
    if kind == "open":
        opened = TempFilePath.create_open(**kwargs)
        opened.close()
        return opened.path
    maker = TempFilePath.create if kind == "file" else TempDirPath.create
    result: TempPath = maker(**kwargs)
    return result


def mode_of(path: str | os.PathLike[str]) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def listing(directory: Path) -> list[str]:
    return sorted(os.listdir(directory))


def open_descriptors() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


@pytest.fixture
def umask_zero() -> Iterator[None]:
    """Modes must come from tempkit, not from a kind umask."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# -- creation ---------------------------------------------------------------------------
def test_file_is_empty_private_and_absolute(temp_root: Path, umask_zero: None) -> None:
    with TempFilePath.create() as file:
        info = os.lstat(file)
        assert stat.S_ISREG(info.st_mode)
        assert stat.S_IMODE(info.st_mode) == 0o600
        assert info.st_size == 0
        assert info.st_uid == os.geteuid()
        assert file.is_absolute()
        assert Path(file).parent == temp_root
        assert isinstance(file, BackendPath)
        assert type(file) is TempFilePath


def test_dir_is_empty_private_and_absolute(temp_root: Path, umask_zero: None) -> None:
    with TempDirPath.create() as directory:
        info = os.lstat(directory)
        assert stat.S_ISDIR(info.st_mode)
        assert stat.S_IMODE(info.st_mode) == 0o700
        assert os.listdir(directory) == []
        assert Path(directory).parent == temp_root
        assert type(directory) is TempDirPath


def test_open_file_is_private(temp_root: Path, umask_zero: None) -> None:
    with TempFilePath.create_open() as opened:
        assert mode_of(opened.name) == 0o600
        assert Path(opened.name).parent == temp_root


def test_relative_dir_gives_an_absolute_path(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (temp_root / "sub").mkdir()
    monkeypatch.chdir(temp_root)
    with TempDirPath.create(dir="sub") as directory:
        assert os.path.isabs(directory)
        assert Path(directory).parent == temp_root / "sub"
    with TempFilePath.create(dir=Path("sub")) as file:
        assert Path(file).parent == temp_root / "sub"


def test_direct_construction_is_refused() -> None:
    with pytest.raises(TypeError, match=r"create\(\)"):
        TempDirPath("/tmp/x")


@pytest.mark.parametrize("kind", MAKER_IDS)
@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to-file"])
def test_symlink_planted_at_the_chosen_name_is_not_followed(
    temp_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, dangling: bool
) -> None:
    target = tmp_path / "victim"
    if not dangling:
        target.write_bytes(b"do not touch")
        target.chmod(0o644)
    (temp_root / "tmpplanted").symlink_to(target)
    names = iter(["planted", "free_one"])
    monkeypatch.setattr(naming, "random_name", lambda *args: next(names))

    created = make(kind)
    try:
        assert created.name == "tmpfree_one"
        assert os.readlink(temp_root / "tmpplanted") == str(target)
        if dangling:
            assert not os.path.lexists(target)
        else:
            assert target.read_bytes() == b"do not touch"
            assert mode_of(target) == 0o644
    finally:
        created.cleanup()


def test_open_descriptor_is_not_inherited_by_a_child_process(temp_root: Path) -> None:
    check = textwrap.dedent(
        """
        import os, sys
        try:
            os.fstat(int(sys.argv[1]))
        except OSError as exc:
            sys.exit(exc.errno)
        """
    )

    def child_sees(fd: int) -> int:
        # close_fds=False: every inheritable descriptor crosses the exec.
        command = [sys.executable, "-c", check, str(fd)]
        return subprocess.run(command, check=False, close_fds=False).returncode

    with TempFilePath.create_open() as opened:
        fd = opened.fileno()
        assert not os.get_inheritable(fd)
        assert child_sees(fd) == errno.EBADF
        # Control: an inheritable copy of the same file does reach the child.
        copy = os.dup(fd)
        try:
            os.set_inheritable(copy, True)
            assert child_sees(copy) == 0
        finally:
            os.close(copy)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc/self/fd")
def test_create_leaves_no_descriptor_open(temp_root: Path) -> None:
    before = open_descriptors()
    files = [TempFilePath.create() for _ in range(5)]
    assert open_descriptors() == before
    for file in files:
        file.cleanup()


# -- context manager, cleanup, keep ---------------------------------------------------------
@pytest.mark.parametrize("kind", ["file", "dir"])
def test_with_block_returns_the_object_and_removes_it(temp_root: Path, kind: str) -> None:
    created = make(kind)
    with created as entered:
        assert entered is created
        assert created.managed
    assert not os.path.lexists(created)
    assert not created.managed
    assert listing(temp_root) == []


def test_with_block_removes_the_tree_when_it_raises(temp_root: Path) -> None:
    with pytest.raises(KeyError), TempDirPath.create() as directory:
        (directory / "a" / "b").mkdir(parents=True)
        (directory / "a" / "b" / "c.txt").write_text("c", encoding="utf-8")
        raise KeyError("boom")
    assert listing(temp_root) == []


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_cleanup_is_idempotent(temp_root: Path, kind: str) -> None:
    created = make(kind)
    created.cleanup()
    created.cleanup()
    with created:
        pass
    assert not os.path.lexists(created)


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_cleanup_of_an_entry_already_gone_is_fine(temp_root: Path, kind: str) -> None:
    created = make(kind)
    if kind == "dir":
        os.rmdir(created)
    else:
        os.unlink(created)
    created.cleanup()
    assert not created.managed


def test_keep_returns_a_plain_path_and_stops_managing(temp_root: Path) -> None:
    directory = TempDirPath.create()
    (directory / "x.txt").write_text("x", encoding="utf-8")
    kept = directory.keep()
    assert type(kept) is BackendPath
    assert kept == BackendPath(str(directory))
    assert not directory.managed
    with directory:
        pass
    directory.cleanup()
    assert directory.keep() == kept
    assert (temp_root / kept.name / "x.txt").read_text(encoding="utf-8") == "x"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del directory
        gc.collect()
    assert [w for w in caught if issubclass(w.category, ResourceWarning)] == []
    assert os.path.isdir(kept)


# -- persist ----------------------------------------------------------------------------------
def test_persist_file_renames_atomically_into_place(temp_root: Path) -> None:
    file = TempFilePath.create()
    file.write_bytes(b"payload")
    inode = os.stat(file).st_ino
    target = temp_root / "final.bin"
    placed = file.persist(target)
    assert type(placed) is BackendPath
    assert placed == BackendPath(str(target))
    assert os.stat(target).st_ino == inode  # renamed, not copied
    assert target.read_bytes() == b"payload"
    assert not os.path.lexists(file)
    assert not file.managed
    with file:
        pass
    assert target.exists()


def test_persist_relative_target_is_made_absolute(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(temp_root)
    with TempFilePath.create() as file:
        placed = file.persist("here.txt")
    assert placed.is_absolute()
    assert Path(placed) == temp_root / "here.txt"
    assert (temp_root / "here.txt").is_file()


def temp_and_occupied_target(kind: str, temp_root: Path) -> tuple[TempPath, Path]:
    """A temp file or dir holding "temp", and an existing target of the same kind."""
    created = make(kind)
    target = temp_root / "taken"
    if kind == "dir":
        (created / "inner.txt").write_text("temp", encoding="utf-8")
        target.mkdir()  # an empty directory: plain rename(2) would replace it
    else:
        created.write_text("temp", encoding="utf-8")
        target.write_text("original", encoding="utf-8")
    return created, target


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_persist_does_not_clobber_by_default(temp_root: Path, kind: str) -> None:
    created, target = temp_and_occupied_target(kind, temp_root)

    with pytest.raises(FileExistsError) as caught:
        created.persist(target)
    error = caught.value
    assert isinstance(error, PersistError)
    assert isinstance(error, tempkit.PersistError)
    assert error.errno == errno.EEXIST
    assert error.temp is created
    assert error.filename == str(created)
    assert error.filename2 == str(target)
    assert "overwrite=True" in str(error)
    # The target is untouched; the temp object is still there and still owned.
    if kind == "dir":
        assert os.listdir(target) == []
        assert (created / "inner.txt").read_text(encoding="utf-8") == "temp"
    else:
        assert target.read_text(encoding="utf-8") == "original"
    assert created.managed
    elsewhere = created.persist(temp_root / "elsewhere")
    assert os.path.lexists(elsewhere)


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_persist_with_overwrite_replaces(temp_root: Path, kind: str) -> None:
    created, target = temp_and_occupied_target(kind, temp_root)
    created.persist(target, overwrite=True)
    inner = target / "inner.txt" if kind == "dir" else target
    assert inner.read_text(encoding="utf-8") == "temp"
    assert not created.managed


def test_persist_directory_moves_the_whole_tree(temp_root: Path) -> None:
    directory = TempDirPath.create()
    (directory / "a" / "b").mkdir(parents=True)
    (directory / "a" / "b" / "c.txt").write_text("c", encoding="utf-8")
    directory.persist(temp_root / "kept-tree")
    assert (temp_root / "kept-tree" / "a" / "b" / "c.txt").read_text(encoding="utf-8") == "c"
    assert not os.path.lexists(directory)


def test_persist_onto_a_non_empty_directory_fails_even_with_overwrite(temp_root: Path) -> None:
    directory = TempDirPath.create()
    target = temp_root / "full"
    target.mkdir()
    (target / "x").write_text("x", encoding="utf-8")
    with pytest.raises(PersistError) as caught:
        directory.persist(target, overwrite=True)
    assert caught.value.errno in (errno.ENOTEMPTY, errno.EEXIST)
    assert directory.managed
    directory.cleanup()
    assert (target / "x").exists()


def test_persist_into_a_missing_directory_keeps_the_temp_object(temp_root: Path) -> None:
    with TempFilePath.create() as file:
        with pytest.raises(FileNotFoundError) as caught:
            file.persist(temp_root / "missing" / "x")
        assert isinstance(caught.value, PersistError)
        assert file.managed
        assert os.path.isfile(file)


@pytest.mark.parametrize("kind", ["file", "dir"])
@pytest.mark.parametrize("overwrite", [False, True])
def test_persist_to_the_empty_string_is_refused_and_never_replaces_the_cwd(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch, kind: str, overwrite: bool
) -> None:
    # "" names nothing (os.rename refuses it). Taken as ".", overwrite=True would
    # replace an empty current directory with the temp directory.
    cwd = temp_root / "cwd"
    cwd.mkdir()
    monkeypatch.chdir(cwd)
    cls = TempFilePath if kind == "file" else TempDirPath
    with cls.create(dir=temp_root) as temp:
        with pytest.raises(FileNotFoundError) as caught:
            temp.persist("", overwrite=overwrite)
        assert isinstance(caught.value, PersistError)
        assert caught.value.temp is temp
        assert temp.managed and temp.exists()
        assert cwd.is_dir() and list(cwd.iterdir()) == []
    assert sorted(os.listdir(temp_root)) == ["cwd"]


def other_filesystem(temp_root: Path) -> Path:
    """A writable directory on another filesystem than the temp root (tmpfs /dev/shm)."""
    shm = Path("/dev/shm")
    if not shm.is_dir() or not os.access(shm, os.W_OK):
        pytest.skip("no writable /dev/shm to serve as a second filesystem")
    if os.stat(shm).st_dev == os.stat(temp_root).st_dev:
        pytest.skip("/dev/shm is on the same filesystem as the temp root")
    return shm


@pytest.mark.parametrize("kind", ["file", "dir"])
@pytest.mark.parametrize("overwrite", [False, True])
def test_persist_across_filesystems_is_a_clear_error(
    temp_root: Path, kind: str, overwrite: bool
) -> None:
    shm = other_filesystem(temp_root)
    with TempDirPath.create(dir=str(shm), prefix="tempkit-test-") as landing:
        created = make(kind)
        if kind == "file":
            created.write_bytes(b"data")
        target = Path(landing) / "target"
        with pytest.raises(PersistError) as caught:
            created.persist(target, overwrite=overwrite)
        error = caught.value
        assert isinstance(error, OSError)
        assert error.errno == errno.EXDEV
        # One line that says what happened and what to do instead.
        message = str(error)
        assert "\n" not in message
        assert "is on another filesystem than the target" in message
        assert f"create it with dir={str(landing)!r}" in message
        assert error.temp is created
        assert not os.path.lexists(target)
        assert created.managed
        assert os.path.lexists(created)
        if kind == "file":
            assert created.read_bytes() == b"data"
        created.cleanup()
    assert listing(temp_root) == []


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_created_in_the_targets_directory_it_persists_across_filesystems(
    temp_root: Path, kind: str
) -> None:
    # The documented way out of EXDEV: tmpfs /tmp to a disk, here the other way round.
    shm = other_filesystem(temp_root)
    with TempDirPath.create(dir=str(shm), prefix="tempkit-test-") as landing:
        target = Path(landing) / "published"
        created = make(kind, dir=target.parent)
        final = created.persist(target, perm=0o644 if kind == "file" else 0o755)
        assert os.stat(final).st_dev == os.stat(shm).st_dev
        assert stat.S_IMODE(os.stat(final).st_mode) == (0o644 if kind == "file" else 0o755)
        assert not created.managed


@pytest.mark.parametrize("kind", ["file", "dir"])
@pytest.mark.parametrize("overwrite", [False, True])
def test_persist_perm_sets_the_mode_of_the_published_entry(
    temp_root: Path, kind: str, overwrite: bool
) -> None:
    created = make(kind)
    assert stat.S_IMODE(os.stat(created).st_mode) == (0o600 if kind == "file" else 0o700)
    final = created.persist(temp_root / "out", overwrite=overwrite, perm=0o640)
    assert stat.S_IMODE(os.stat(final).st_mode) == 0o640
    (os.unlink if kind == "file" else os.rmdir)(final)


def test_persist_perm_in_memory_and_on_failure_the_mode_is_restored() -> None:
    backend = MemoryBackend()
    created = TempFilePath.create(backend=backend)
    (BackendPath("/tmp/taken", backend=backend)).write_bytes(b"x")
    with pytest.raises(FileExistsError):
        created.persist("/tmp/taken", perm=0o644)
    assert stat.S_IMODE(created.stat().st_mode) == 0o600  # untouched, mode included
    assert created.managed
    final = created.persist("/tmp/free", perm=0o644)
    assert stat.S_IMODE(final.stat().st_mode) == 0o644


@pytest.mark.parametrize(
    ("perm", "error"),
    [("0o644", TypeError), (True, TypeError), (0o10000, ValueError), (-1, ValueError)],
)
def test_persist_refuses_a_bad_perm_and_changes_nothing(
    temp_root: Path, perm: object, error: type[Exception]
) -> None:
    created = TempFilePath.create()
    with pytest.raises(error, match="perm"):
        created.persist(temp_root / "out", perm=perm)  # type: ignore[arg-type]
    assert created.managed
    assert stat.S_IMODE(os.stat(created).st_mode) == 0o600
    created.cleanup()


@pytest.mark.parametrize("kind", ["file", "dir"])
def test_persist_without_renameat2_still_refuses_to_clobber(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    # Force the portable fallback (link+unlink for files, a placeholder then rename
    # for directories) that systems without renameat2 use; it runs on the real disk.
    monkeypatch.setattr(posix, "_renameat2_state", "absent")
    created = make(kind)
    taken = temp_root / "taken"
    if kind == "dir":
        taken.mkdir()
    else:
        taken.write_text("original", encoding="utf-8")
    with pytest.raises(FileExistsError):
        created.persist(taken)
    assert created.managed
    placed = created.persist(temp_root / "free")
    assert os.path.lexists(placed)
    assert not os.path.lexists(created)


@pytest.mark.parametrize("finish", ["cleanup", "keep", "persist"])
def test_persist_after_the_object_was_released_is_a_value_error(
    temp_root: Path, finish: str
) -> None:
    file = TempFilePath.create()
    if finish == "persist":
        file.persist(temp_root / "first")
    else:
        getattr(file, finish)()
    with pytest.raises(ValueError, match="no longer managed"):
        file.persist(temp_root / "second")
    assert not (temp_root / "second").exists()


# -- the finalizer ------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", ["file", "dir"])
def test_forgotten_object_warns_naming_the_path_and_is_removed(temp_root: Path, kind: str) -> None:
    created = make(kind)
    if kind == "dir":
        (created / "sub").mkdir()
        (created / "sub" / "f").write_text("f", encoding="utf-8")
    path = str(created)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del created
        gc.collect()
    resource_warnings = [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert len(resource_warnings) == 1
    assert repr(path) in str(resource_warnings[0].message)
    assert not os.path.lexists(path)
    assert listing(temp_root) == []


def test_forgotten_object_is_removed_even_when_the_warning_is_an_error(
    temp_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    unraisable: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda info: unraisable.append(info.exc_value))
    directory = TempDirPath.create()
    path = str(directory)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        del directory
        gc.collect()
    assert not os.path.lexists(path)
    assert len(unraisable) == 1
    assert isinstance(unraisable[0], ResourceWarning)


def test_object_alive_at_exit_is_removed_with_a_warning(temp_root: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from tempkit import TempDirPath
        HELD = TempDirPath.create(prefix="at-exit-")
        (HELD / "f.txt").write_text("x", encoding="utf-8")
        print(HELD, flush=True)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "always::ResourceWarning", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
        check=True,
    )
    path = result.stdout.strip()
    assert Path(path).parent == temp_root
    assert not os.path.lexists(path)
    assert "ResourceWarning" in result.stderr
    assert repr(path) in result.stderr


# -- cleanup policies ------------------------------------------------------------------------
def test_policy_always_removes_on_error_and_success(temp_root: Path) -> None:
    with TempDirPath.create(cleanup="always") as directory:
        assert directory.policy == "always"
    with pytest.raises(RuntimeError), TempDirPath.create(cleanup="always"):
        raise RuntimeError("x")
    assert listing(temp_root) == []


def test_policy_on_success_keeps_the_tree_when_the_block_raises(
    temp_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="tempkit")
    with pytest.raises(RuntimeError), TempDirPath.create(cleanup="on_success") as directory:
        (directory / "evidence.log").write_text("what happened", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert (directory / "evidence.log").read_text(encoding="utf-8") == "what happened"
    # Kept for a look, but still owned: an explicit cleanup() would remove it.
    assert directory.managed
    records = [r for r in caplog.records if r.name == "tempkit"]
    assert len(records) == 1
    assert str(directory) in records[0].getMessage()
    assert "RuntimeError" in records[0].getMessage()
    assert records[0].levelno == logging.WARNING
    assert records[0].__dict__["tempkit_path"] == str(directory)
    # Its implicit cleanup is off: forgetting it now neither warns nor removes it.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = str(directory)
        del directory
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert os.path.isdir(path)


def test_policy_on_success_removes_after_a_clean_block(
    temp_root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tempkit")
    with TempDirPath.create(cleanup="on_success") as directory:
        (directory / "x").write_text("x", encoding="utf-8")
    assert not os.path.lexists(directory)
    assert not [r for r in caplog.records if r.name == "tempkit" and r.levelno >= logging.WARNING]


def test_policy_never_keeps_and_does_not_warn(temp_root: Path) -> None:
    with TempFilePath.create(cleanup="never") as file:
        pass
    assert file.is_file()
    with pytest.raises(ValueError), TempDirPath.create(cleanup="never") as directory:
        raise ValueError("x")
    assert directory.is_dir()
    path = str(directory)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        del directory
        gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]
    assert os.path.isdir(path)
    # An explicit cleanup still works under "never".
    file.cleanup()
    assert not file.exists()


def test_policy_on_success_applies_to_open_files(temp_root: Path) -> None:
    with pytest.raises(OSError), TempFilePath.create_open(cleanup="on_success") as opened:
        opened.write(b"partial")
        raise OSError("disk on fire")
    assert opened.closed
    assert Path(opened.name).read_bytes() == b"partial"


# -- create_open -------------------------------------------------------------------------------
def test_create_open_binary_round_trip(temp_root: Path) -> None:
    with TempFilePath.create_open(suffix=".bin") as opened:
        assert isinstance(opened, OpenTempFile)
        assert isinstance(opened.path, TempFilePath)
        assert opened.name == str(opened.path)
        assert opened.name.endswith(".bin")
        opened.write(b"hello")
        opened.flush()
        assert Path(opened.name).read_bytes() == b"hello"
        opened.seek(0)
        assert opened.read() == b"hello"
        assert repr(opened).startswith("<OpenTempFile")
    assert opened.closed
    assert not os.path.lexists(opened.name)


def test_create_open_text_mode(temp_root: Path) -> None:
    with TempFilePath.create_open("w+", encoding="utf-8", newline="") as opened:
        opened.write("zwölf\r\n")
        opened.seek(0)
        assert opened.read() == "zwölf\r\n"
        assert list(opened) == []
    assert not os.path.lexists(opened.name)


def test_closing_the_open_file_keeps_it_until_cleanup(temp_root: Path) -> None:
    opened = TempFilePath.create_open()
    opened.write(b"for another program")
    opened.close()
    assert Path(opened.name).read_bytes() == b"for another program"
    assert opened.path.managed
    opened.cleanup()
    assert not os.path.lexists(opened.name)


@pytest.mark.parametrize("mode", ["r", "a", "a+", "rw", "w+bb", "wb+x", "q", "", "w+bt"])
def test_create_open_rejects_modes_that_make_no_sense(temp_root: Path, mode: str) -> None:
    with pytest.raises(ValueError, match="mode"):
        TempFilePath.create_open(mode)
    assert listing(temp_root) == []


def test_create_open_mode_must_be_str(temp_root: Path) -> None:
    with pytest.raises(TypeError, match="mode"):
        TempFilePath.create_open(b"w+b")  # type: ignore[call-overload]
    assert listing(temp_root) == []


# -- bad input: the right error, nothing left behind ---------------------------------------------
@pytest.mark.parametrize("kind", MAKER_IDS)
@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"prefix": "a/b"}, ValueError),
        ({"suffix": "/"}, ValueError),
        ({"prefix": "nul\0"}, ValueError),
        ({"suffix": "\0"}, ValueError),
        ({"prefix": b"bytes"}, TypeError),
        ({"suffix": 7}, TypeError),
        ({"cleanup": "sometimes"}, ValueError),
        ({"cleanup": None}, TypeError),  # not a str, as a prefix of bytes
        ({"dir": 42}, TypeError),
    ],
    ids=lambda value: repr(value) if isinstance(value, dict) else value.__name__,
)
def test_bad_arguments_raise_and_leave_nothing(
    temp_root: Path, kind: str, arguments: dict[str, object], error: type[Exception]
) -> None:
    before = listing(temp_root)
    with pytest.raises(error):
        make(kind, **arguments)
    assert listing(temp_root) == before


@pytest.mark.parametrize("kind", MAKER_IDS)
def test_missing_dir_is_file_not_found(temp_root: Path, kind: str) -> None:
    missing = temp_root / "missing"
    with pytest.raises(FileNotFoundError) as caught:
        make(kind, dir=str(missing))
    assert caught.value.errno == errno.ENOENT
    assert str(caught.value.filename).startswith(str(missing) + "/")
    assert listing(temp_root) == []


@pytest.mark.parametrize("kind", MAKER_IDS)
def test_dir_that_is_a_file_is_not_a_directory(temp_root: Path, kind: str) -> None:
    a_file = temp_root / "a-file"
    a_file.write_bytes(b"x")
    with pytest.raises(NotADirectoryError) as caught:
        make(kind, dir=a_file)
    assert caught.value.errno == errno.ENOTDIR
    assert listing(temp_root) == ["a-file"]
    assert a_file.read_bytes() == b"x"


@pytest.mark.parametrize("kind", MAKER_IDS)
def test_unwritable_dir_is_permission_error(unprivileged_dir: Path, kind: str) -> None:
    locked = unprivileged_dir / "locked"
    locked.mkdir()
    os.chown(locked, NOBODY_UID, NOBODY_GID)
    locked.chmod(0o500)
    assert mode_of(locked) == 0o500
    assert os.stat(locked).st_uid == NOBODY_UID

    def attempt() -> str:
        try:
            make(kind, dir=str(locked))
        except PermissionError as exc:
            return f"{type(exc).__name__} {errno.errorcode[exc.errno or 0]}"
        return "created"

    assert run_unprivileged(attempt) == "PermissionError EACCES"
    assert listing(locked) == []


def test_dir_on_another_backend_is_a_value_error(temp_root: Path) -> None:
    class OtherDisk(PosixBackend):
        pass

    parent = BackendPath(str(temp_root), backend=OtherDisk())
    with pytest.raises(ValueError, match="different backend"):
        TempDirPath.create(dir=parent, backend=PosixBackend())
    assert listing(temp_root) == []


def test_cleanup_error_is_an_os_error_with_the_root_as_filename() -> None:
    error = CleanupError("/t", [("/t/a", PermissionError(errno.EACCES, "Permission denied"))])
    assert isinstance(error, OSError)
    assert error.errno == errno.EACCES
    assert error.filename == "/t"
    assert "/t/a: Permission denied" in str(error)


# -- fork: a child never removes what its parent owns ------------------------------------------
def test_a_forked_child_dropping_its_copy_does_not_remove_the_parents_dir(temp_root: Path) -> None:
    holder = [TempDirPath.create()]
    path = str(holder[0])

    assert drop_in_child(holder, lambda: os.path.isdir(path)) == (True, [])
    assert os.path.isdir(path)
    holder[0].cleanup()
    assert not os.path.lexists(path)


def test_a_forked_child_exiting_normally_does_not_remove_the_parents_dir(temp_root: Path) -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from tempkit import TempDirPath
        HELD = TempDirPath.create()
        pid = os.fork()
        if pid == 0:
            sys.exit(0)  # normal exit: atexit runs the finalizers in the child
        os.waitpid(pid, 0)
        print(os.path.isdir(HELD), flush=True)
        HELD.cleanup()
        print(os.path.lexists(HELD), flush=True)
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "error::ResourceWarning", "-c", script],
        capture_output=True,
        text=True,
        env={**os.environ, "TMPDIR": str(temp_root)},
        check=True,
    )
    assert result.stdout.split() == ["True", "False"]
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"mode": 5}, TypeError),
        ({"mode": b"rb"}, TypeError),
        ({"mode": "x"}, ValueError),
        ({"mode": "rw"}, ValueError),
        ({"mode": "r", "encoding": 5}, TypeError),
        ({"mode": "rb", "buffering": 1.5}, TypeError),
        ({"mode": "rb", "encoding": "utf-8"}, ValueError),
    ],
    ids=repr,
)
@pytest.mark.parametrize("backend", ["disk", "memory", "windows memory"])
def test_reopen_refuses_its_arguments_as_open_does(
    temp_root: Path, arguments: dict[str, Any], error: type[Exception], backend: str
) -> None:
    made: Backend = (
        PosixBackend()
        if backend == "disk"
        else MemoryBackend(flavour="windows" if backend == "windows memory" else "posix")
    )
    with TempFilePath.create(backend=made) as file:
        with pytest.raises(error):
            file.reopen(**arguments)
        assert file.read_bytes() == b""
