"""The backend extras for files without names and for OS descriptors.

``open_unnamed``/``link_unnamed`` (capability ``unnamed_files``) on the local
disk (Linux ``O_TMPFILE``, naming through ``linkat``) and in memory, which
must agree; ``create_descriptor`` on the local disk.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tempkit import Backend, MemoryBackend, PosixBackend
from tempkit.backends import UnnamedFileBackend, posix

needs_o_tmpfile = pytest.mark.skipif(
    not posix._tmpfile_works, reason="this kernel has no O_TMPFILE"
)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(params=["posix", "memory"])
def unnamed_backend(
    request: pytest.FixtureRequest, temp_root: Path
) -> Iterator[tuple[UnnamedFileBackend, str]]:
    """A backend that makes unnamed files, and an empty directory on it."""
    if request.param == "posix":
        if not posix._tmpfile_works:
            pytest.skip("this kernel has no O_TMPFILE")
        yield PosixBackend(), str(temp_root)
    else:
        memory = MemoryBackend()
        memory.mkdir("/tmp/work")
        yield memory, "/tmp/work"


def names(backend: Backend, directory: str) -> list[str]:
    return sorted(entry.name for entry in backend.scandir(directory))


def test_capabilities() -> None:
    assert PosixBackend().capabilities.unnamed_files
    assert MemoryBackend().capabilities.unnamed_files
    assert not MemoryBackend(flavour="windows").capabilities.unnamed_files


def test_an_unnamed_file_has_no_entry_and_goes_with_its_handle(
    unnamed_backend: tuple[UnnamedFileBackend, str],
) -> None:
    backend, directory = unnamed_backend
    file = backend.open_unnamed(directory)
    assert file is not None
    with file:
        file.write(b"data")
        file.seek(0)
        assert file.read() == b"data"
        assert names(backend, directory) == []
    assert names(backend, directory) == []


def test_linking_names_it_atomically_and_never_replaces(
    unnamed_backend: tuple[UnnamedFileBackend, str],
) -> None:
    backend, directory = unnamed_backend
    target = f"{directory}/final"
    taken = f"{directory}/taken"
    with backend.open(taken, "wb") as f:
        f.write(b"old")
    file = backend.open_unnamed(directory, linkable=True)
    assert file is not None
    with file:
        file.write(b"new data")
        file.flush()
        backend.link_unnamed(file, target)
        with pytest.raises(FileExistsError) as caught:
            backend.link_unnamed(file, taken)
        assert caught.value.filename == taken
        file.write(b", more")
    with backend.open(target, "rb") as f:
        assert f.read() == b"new data, more"
    with backend.open(taken, "rb") as f:
        assert f.read() == b"old"
    assert stat.S_IMODE(backend.stat(target).st_mode) == 0o600
    assert names(backend, directory) == ["final", "taken"]


def test_a_file_opened_unlinkable_cannot_be_named(
    unnamed_backend: tuple[UnnamedFileBackend, str],
) -> None:
    backend, directory = unnamed_backend
    file = backend.open_unnamed(directory)
    assert file is not None
    with file, pytest.raises(FileNotFoundError) as caught:
        backend.link_unnamed(file, f"{directory}/name")
    assert caught.value.errno == errno.ENOENT
    assert names(backend, directory) == []


def test_arguments_are_checked_before_anything_is_made(
    unnamed_backend: tuple[UnnamedFileBackend, str],
) -> None:
    backend, directory = unnamed_backend
    before = open_fds()
    with pytest.raises(ValueError, match="exactly one of create/read/write/append"):
        backend.open_unnamed(directory, "wr")
    with pytest.raises(TypeError):
        backend.open_unnamed(directory, 2)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="binary mode"):
        backend.open_unnamed(directory, "w+b", encoding="utf-8")
    with pytest.raises(LookupError):
        backend.open_unnamed(directory, "w+", encoding="no-such-codec")
    assert open_fds() == before  # the descriptor of the failed text open was closed
    text = backend.open_unnamed(directory, "w+", encoding="utf-8", newline="")
    assert text is not None
    with text:
        text.write("é\r\n")
        text.seek(0)
        assert text.read() == "é\r\n"


@needs_o_tmpfile
def test_on_the_disk_it_is_an_o_tmpfile_named_by_its_descriptor(temp_root: Path) -> None:
    file = PosixBackend().open_unnamed(str(temp_root))
    assert file is not None
    with file:
        assert os.fstat(file.fileno()).st_nlink == 0
        assert file.raw.name == file.fileno()  # type: ignore[attr-defined]
        assert not os.get_inheritable(file.fileno())


def test_on_the_disk_a_directory_that_cannot_gives_none(temp_root: Path) -> None:
    # The caller's fallback then reports the directory's own error.
    assert PosixBackend().open_unnamed(str(temp_root / "missing")) is None


def test_in_memory_the_directory_is_checked_as_open_would(temp_root: Path) -> None:
    memory = MemoryBackend()
    with pytest.raises(FileNotFoundError):
        memory.open_unnamed("/tmp/missing")
    memory.mkdir("/tmp/ro", 0o500)
    with pytest.raises(PermissionError):
        memory.open_unnamed("/tmp/ro")
    memory.create_file("/tmp/file")
    with pytest.raises(NotADirectoryError):
        memory.open_unnamed("/tmp/file")


def test_in_memory_a_file_of_another_backend_is_a_cross_device_link() -> None:
    first, second = MemoryBackend(), MemoryBackend()
    file = first.open_unnamed("/tmp", linkable=True)
    assert file is not None
    with file, pytest.raises(OSError) as caught:
        second.link_unnamed(file, "/tmp/x")
    assert caught.value.errno == errno.EXDEV
    with first.open("/tmp/named", "w+b") as named, pytest.raises(OSError) as caught:
        first.link_unnamed(named, "/tmp/y")
    assert caught.value.errno == errno.EXDEV


def test_create_descriptor_is_exclusive_private_and_not_inherited(temp_root: Path) -> None:
    backend = PosixBackend()
    path = str(temp_root / "file")
    fd = backend.create_descriptor(path)
    try:
        assert stat.S_IMODE(os.fstat(fd).st_mode) == 0o600
        assert not os.get_inheritable(fd)
        os.write(fd, b"rw")
        assert os.pread(fd, 2, 0) == b"rw"
    finally:
        os.close(fd)
    with pytest.raises(FileExistsError):
        backend.create_descriptor(path)
    link = str(temp_root / "link")
    os.symlink(str(temp_root / "target"), link)
    with pytest.raises(FileExistsError):
        backend.create_descriptor(link)  # a symlink at the name is never followed
    assert not (temp_root / "target").exists()
    with pytest.raises(ValueError, match="delete_on_close"):
        backend.create_descriptor(str(temp_root / "other"), delete_on_close=True)
    assert sorted(os.listdir(temp_root)) == ["file", "link"]
