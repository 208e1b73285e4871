"""Windows scenarios that must come out the same on real Windows and on the memory flavour."""

from __future__ import annotations

import errno
import logging
from collections.abc import Iterator
from typing import IO, Any

import pytest

from tempkit import CleanupError, TempDirPath, TempFilePath, gettempdir, reset_tempdir_cache
from tests.windows.conftest import SHARING_TIMEOUT, World

# -- delete-on-close ---------------------------------------------------------------------


def test_delete_on_close_file_disappears_when_its_last_handle_closes(world: World) -> None:
    with TempFilePath.create_open(dir=world.root, delete_on_close=True) as f:
        f.write(b"payload")
        f.flush()
        assert f.path.exists()
        assert world.names() == {f.path.name}
        f.file.close()  # the handle itself, not tempkit's close(): the OS does the removal
        assert not f.path.exists()
    assert world.names() == set()


def test_delete_on_close_file_cannot_be_opened_plainly(world: World) -> None:
    with TempFilePath.create_open(dir=world.root, delete_on_close=True) as f:
        f.write(b"secret")
        f.flush()
        with pytest.raises(PermissionError):
            world.plain_open(f.path)
        with pytest.raises(PermissionError, match=r"reopen\(\)") as caught:
            f.path.read_bytes()
        assert caught.value.errno == errno.EACCES
        assert caught.value.filename == str(f.path)
        assert f.path.exists()  # a refused open changes nothing
    assert world.names() == set()


def test_reopen_shares_the_file_and_the_last_handle_removes_it(world: World) -> None:
    f = TempFilePath.create_open(dir=world.root, delete_on_close=True)
    f.write(b"hello")
    f.flush()
    with f.path.reopen("rb") as again:
        assert again.read() == b"hello"
        f.close()
        # tempkit's handle is closed, but the reopened one keeps the file alive.
        assert world.names() == {f.path.name}
        assert again.seek(0) == 0
        assert again.read() == b"hello"
    assert world.names() == set()
    assert not f.path.managed


def test_reopen_can_write_and_text_mode_works(world: World) -> None:
    with TempFilePath.create_open(dir=world.root, delete_on_close=True) as f:
        with f.path.reopen("w", encoding="utf-8") as writer:
            writer.write("written through the shared handle")
        f.seek(0)
        assert f.read() == b"written through the shared handle"
        with f.path.reopen("r", encoding="utf-8") as reader:
            assert reader.read() == "written through the shared handle"


def test_create_with_delete_on_close_holds_the_file_until_cleanup(world: World) -> None:
    tmp = TempFilePath.create(dir=world.root, delete_on_close=True)
    assert tmp.delete_on_close
    assert tmp.exists()
    with pytest.raises(PermissionError):
        world.plain_open(tmp)
    with tmp.reopen("r+b") as f:
        f.write(b"data")
    with tmp.reopen() as f:
        assert f.read() == b"data"
    with pytest.raises(ValueError, match="delete_on_close=False"):
        tmp.keep()
    with pytest.raises(ValueError, match="delete_on_close=False"):
        tmp.persist(world.root / "kept")
    tmp.cleanup()
    assert world.names() == set()
    tmp.cleanup()  # idempotent


def test_delete_on_close_false_outlives_close_for_another_program(world: World) -> None:
    with TempFilePath.create_open(dir=world.root, delete_on_close=False) as f:
        f.write(b"for the other program")
        f.close()
        assert world.names() == {f.path.name}
        with world.plain_open(f.path) as other:
            assert other.read() == b"for the other program"
    assert world.names() == set()


# -- cleanup ---------------------------------------------------------------------------------


def test_cleanup_removes_a_tree_of_read_only_entries(world: World) -> None:
    tmp = TempDirPath.create(dir=world.root)
    (tmp / "sub" / "deeper").mkdir(parents=True)
    for file in (tmp / "a.txt", tmp / "sub" / "b.txt", tmp / "sub" / "deeper" / "c.txt"):
        file.write_bytes(b"x")
        file.chmod(0o444)  # the read-only attribute
        assert file.stat().st_mode & 0o222 == 0
    tmp.cleanup()
    assert world.names() == set()


def test_unlink_of_a_read_only_file_works_as_on_posix(world: World) -> None:
    file = world.root / "ro.txt"
    file.write_bytes(b"x")
    file.chmod(0o444)
    file.unlink()
    assert world.names() == set()


def test_an_open_file_cannot_be_deleted_or_renamed(world: World) -> None:
    file = world.root / "held.txt"
    file.write_bytes(b"x")
    with world.plain_open(file):
        with pytest.raises(PermissionError):
            file.unlink()
        with pytest.raises(PermissionError):
            file.rename(world.root / "moved.txt")
        assert world.names() == {"held.txt"}
    file.rename(world.root / "moved.txt")
    (world.root / "moved.txt").unlink()
    assert world.names() == set()


def test_cleanup_of_a_file_held_open_elsewhere_fails_once_then_succeeds(world: World) -> None:
    tmp = TempDirPath.create(dir=world.root)
    held = tmp / "held.bin"
    held.write_bytes(b"x")
    (tmp / "free.bin").write_bytes(b"y")
    with world.plain_open(held):
        with pytest.raises(CleanupError) as caught:
            tmp.cleanup()
        failed = [(path, type(exc)) for path, exc in caught.value.errors]
        # Only the held file (and so its directory, not empty) could not go.
        assert (str(held), PermissionError) in failed
        assert {path for path, _ in failed} <= {str(held), str(tmp)}
        assert f"retrying for {SHARING_TIMEOUT:g} s" in str(caught.value)
        assert tmp.managed
        assert [p.name for p in tmp.iterdir()] == ["held.bin"]
    tmp.cleanup()
    assert world.names() == set()


def test_cleanup_of_a_held_temp_file_fails_clearly(world: World) -> None:
    tmp = TempFilePath.create(dir=world.root)
    with world.plain_open(tmp):
        with pytest.raises(CleanupError) as caught:
            tmp.cleanup()
        assert isinstance(caught.value.errors[0][1], PermissionError)
        assert "close every handle" in str(caught.value)
        assert tmp.managed
    tmp.cleanup()
    assert world.names() == set()


class _CloseOnFirstRetry(logging.Handler):
    """Closes a handle when cleanup logs its first retry: a program finishing meanwhile."""

    def __init__(self, handle: IO[Any]) -> None:
        super().__init__(logging.DEBUG)
        self.held = handle
        self.retries = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            self.retries += 1
            self.held.close()


@pytest.fixture
def tempkit_debug() -> Iterator[logging.Logger]:
    logger = logging.getLogger("tempkit")
    level = logger.level
    logger.setLevel(logging.DEBUG)
    yield logger
    logger.setLevel(level)


def test_cleanup_waits_out_a_handle_that_closes_meanwhile(
    world: World, tempkit_debug: logging.Logger
) -> None:
    tmp = TempDirPath.create(dir=world.root)
    held = tmp / "busy.log"
    held.write_bytes(b"x")
    handler = _CloseOnFirstRetry(world.plain_open(held))
    tempkit_debug.addHandler(handler)
    try:
        tmp.cleanup()
    finally:
        tempkit_debug.removeHandler(handler)
        handler.held.close()
    assert handler.retries >= 1
    assert world.names() == set()


# -- names and paths ---------------------------------------------------------------------


def test_names_are_case_insensitive(world: World) -> None:
    (world.root / "Report.TXT").write_bytes(b"x")
    assert (world.root / "report.txt").read_bytes() == b"x"
    with pytest.raises(FileExistsError):
        world.backend.create_file(str(world.root / "REPORT.txt"))
    assert world.names() == {"Report.TXT"}


@pytest.mark.parametrize(
    ("prefix", "suffix"),
    [
        ("a<b", None),
        ("what?", None),
        ("x", "*.txt"),
        ('say"', None),
        ("pipe|", None),
        ("c:", None),
        ("CON", None),
        ("nul.", None),
        ("com1", None),
        ("Lpt9.log", None),
        (None, "."),
        (None, ".log "),
        (None, "NUL"),
        ("tab\there", None),
    ],
)
def test_names_windows_forbids_raise_value_error_before_anything_exists(
    world: World, prefix: str | None, suffix: str | None
) -> None:
    with pytest.raises(ValueError, match="Windows"):
        TempFilePath.create(dir=world.root, prefix=prefix, suffix=suffix)
    with pytest.raises(ValueError, match="Windows"):
        TempDirPath.create(dir=world.root, prefix=prefix, suffix=suffix)
    with pytest.raises(ValueError, match="Windows"):
        TempFilePath.create_open(dir=world.root, prefix=prefix, suffix=suffix)
    assert world.names() == set()


@pytest.mark.parametrize("name", ["nul", "CON.txt", "com1", "Aux.tar.gz"])
def test_device_names_count_as_taken(world: World, name: str) -> None:
    with pytest.raises(FileExistsError):
        world.backend.create_file(str(world.root / name))
    with pytest.raises(FileExistsError):
        world.backend.mkdir(str(world.root / name))
    assert world.names() == set()


def test_paths_beyond_max_path_are_created_and_cleaned_up(world: World) -> None:
    tmp = TempDirPath.create(dir=world.root)
    deep = tmp / ("a" * 100) / ("b" * 100) / ("c" * 100)
    deep.mkdir(parents=True)
    leaf = deep / "leaf.txt"
    leaf.write_text("deep", encoding="utf-8")
    assert len(str(leaf)) > 300
    assert leaf.read_text(encoding="utf-8") == "deep"
    with TempFilePath.create_open(dir=deep, delete_on_close=True) as f:
        f.write(b"x")
        assert f.path.exists()
    tmp.cleanup()
    assert world.names() == set()


# -- the resolver ---------------------------------------------------------------------------


def test_resolver_takes_temp_then_tmp(world: World) -> None:
    by_temp, by_tmp = world.root / "by-temp", world.root / "by-tmp"
    by_temp.mkdir()
    by_tmp.mkdir()
    world.set_env("TMPDIR", None)
    world.set_env("TEMP", None)
    world.set_env("TMP", str(by_tmp))
    reset_tempdir_cache()
    assert gettempdir(world.backend) == str(by_tmp)
    world.set_env("TEMP", str(by_temp))
    reset_tempdir_cache()
    assert gettempdir(world.backend) == str(by_temp)
    with TempFilePath.create(backend=world.backend) as tmp:
        assert tmp.parent == by_temp
    # Probes leave nothing behind.
    assert [p.name for p in by_temp.iterdir()] == []
    assert [p.name for p in by_tmp.iterdir()] == []


# -- atomic writes -------------------------------------------------------------------------


def test_atomic_write_replaces_a_file_with_the_windows_rename(world: World) -> None:
    from tempkit import atomic_write

    target = world.root / "settings.ini"
    target.write_bytes(b"old")
    with atomic_write(target, "wb") as f:
        f.write(b"new")
        assert target.read_bytes() == b"old"
    assert target.read_bytes() == b"new"
    assert world.names() == {"settings.ini"}
    with pytest.raises(KeyError), atomic_write(target, "wb") as f:
        f.write(b"half")
        raise KeyError("x")
    with pytest.raises(FileExistsError), atomic_write(target, "wb", overwrite=False):
        pass
    assert target.read_bytes() == b"new"
    assert world.names() == {"settings.ini"}


def test_atomic_write_over_a_file_held_open_elsewhere_publishes_nothing(world: World) -> None:
    from tempkit import atomic_write

    target = world.root / "busy.log"
    target.write_bytes(b"old")
    with (
        world.plain_open(target),
        pytest.raises(PermissionError),
        atomic_write(target, "wb") as f,
    ):
        f.write(b"new")
    assert target.read_bytes() == b"old"
    assert world.names() == {"busy.log"}
